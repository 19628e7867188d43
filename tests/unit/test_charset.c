/*
 * test_charset.c - unit tests for encoding detection and conversion
 * (core/charset.c): every encoding plain text arrives in, Swedish letters
 * through each, undecodable input, chunking and the text cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "status.h"
#include "text.h"

/* "Pål Åsa Ärla Östen: 19121212-1212" in UTF-8, the reference text. */
#define SV_UTF8 "P\xc3\xa5l \xc3\x85sa \xc3\x84rla \xc3\x96sten: \xc3\xa4\xc3\xb6 19121212-1212"
#define SV_1252 "P\xe5l \xc5sa \xc4rla \xd6sten: \xe4\xf6 19121212-1212"

/* The n bytes of s as UTF-16 (be = big-endian) after an optional byte order mark; *len its length. */
static char *utf16(const char *latin1, int be, int bom, size_t *len)
{
	size_t n = strlen(latin1), k = 0;
	char *s = malloc(2 * n + 2);

	assert_non_null(s);
	if (bom) {
		s[k++] = be ? '\xfe' : '\xff';
		s[k++] = be ? '\xff' : '\xfe';
	}
	for (size_t i = 0; i < n; i++) {
		s[k++] = be ? '\0' : latin1[i];
		s[k++] = be ? latin1[i] : '\0';
	}
	*len = k;
	return s;
}

/* Detects and converts n bytes; checks the charset, BOM length and text. */
static void expect_text(const char *src, size_t n, const char *cs, size_t bom, const char *want)
{
	struct sila_text t;
	size_t b;

	assert_string_equal(sila_charset_detect(src, n, &b), cs);
	assert_int_equal(b, bom);
	sila_text_init(&t, (size_t)1 << 20);
	sila_charset_to_text(src, n, &t);
	assert_string_equal(t.buf.data ? t.buf.data : "", want);
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

static void test_ascii(void **state)
{
	const char *s = "Personnummer 19121212-1212\r\n";

	(void)state;
	expect_text(s, strlen(s), "UTF-8", 0, s);
	expect_text("", 0, "UTF-8", 0, "");
}

static void test_utf8(void **state)
{
	(void)state;
	expect_text(SV_UTF8, strlen(SV_UTF8), "UTF-8", 0, SV_UTF8);
	expect_text("\xef\xbb\xbf" SV_UTF8, strlen(SV_UTF8) + 3, "UTF-8", 3, SV_UTF8);
}

static void test_utf16_bom(void **state)
{
	size_t n;
	char *s;

	(void)state;
	s = utf16(SV_1252, 0, 1, &n);
	expect_text(s, n, "UTF-16LE", 2, SV_UTF8);
	free(s);
	s = utf16(SV_1252, 1, 1, &n);
	expect_text(s, n, "UTF-16BE", 2, SV_UTF8);
	free(s);
}

static void test_utf16_no_bom(void **state)
{
	size_t n;
	char *s;

	(void)state;
	s = utf16(SV_1252, 0, 0, &n);
	expect_text(s, n, "UTF-16LE", 0, SV_UTF8);
	free(s);
	s = utf16(SV_1252, 1, 0, &n);
	expect_text(s, n, "UTF-16BE", 0, SV_UTF8);
	free(s);
	/* Too short to tell: two bytes are not a pattern. */
	assert_string_equal(sila_charset_detect("a\0", 2, &n), "UTF-8");
}

static void test_utf32_bom(void **state)
{
	(void)state;
	expect_text("\xff\xfe\0\0\xe5\0\0\0\xf6\0\0\0", 12, "UTF-32LE", 4, "\xc3\xa5\xc3\xb6");
	expect_text("\0\0\xfe\xff\0\0\0\xc5\0\0\0\xc4", 12, "UTF-32BE", 4, "\xc3\x85\xc3\x84");
}

static void test_windows_1252(void **state)
{
	(void)state;
	expect_text(SV_1252, strlen(SV_1252), "WINDOWS-1252", 0, SV_UTF8);
	/* Bytes where Windows-1252 differs from ISO-8859-1: dashes, quotes, euro. */
	expect_text("\x96 \x97 \x93x\x94 \x80 \x92", 11, "WINDOWS-1252", 0,
		    "\xe2\x80\x93 \xe2\x80\x94 \xe2\x80\x9cx\xe2\x80\x9d \xe2\x82\xac \xe2\x80\x99");
	/* The five bytes it leaves undefined read as ISO-8859-1's C1 controls. */
	expect_text("\xe5\x81\x8d\x8f\x90\x9d", 6, "WINDOWS-1252", 0,
		    "\xc3\xa5\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d");
}

static void test_iso_8859_1(void **state)
{
	const char *s = "\xc5\xc4\xd6 \xe5\xe4\xf6 \xe9\xfc \xa7 \xb0";

	(void)state;
	/* ISO-8859-1 text is Windows-1252 text: the same letters. */
	expect_text(s, strlen(s), "WINDOWS-1252", 0,
		    "\xc3\x85\xc3\x84\xc3\x96 \xc3\xa5\xc3\xa4\xc3\xb6 \xc3\xa9\xc3\xbc \xc2\xa7 \xc2\xb0");
}

static void test_mostly_utf8(void **state)
{
	struct sila_text t;
	const char *s = "\xc3\xa5\xc3\xa4\xc3\xb6 och \xe5";

	(void)state;
	/* UTF-8 with one stray byte: still UTF-8, the stray byte replaced and reported. */
	sila_text_init(&t, 1000);
	sila_charset_to_text(s, strlen(s), &t);
	assert_string_equal(t.buf.data, "\xc3\xa5\xc3\xa4\xc3\xb6 och \xef\xbf\xbd");
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
	/* UTF-8 cut inside a character (at a size limit) is UTF-8. */
	expect_text("P\xc3\xa5l \xc3", 6, "UTF-8", 0, "P\xc3\xa5l \xef\xbf\xbd");
}

static void test_binaryish(void **state)
{
	char s[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(s); i++)
		s[i] = (char)((i * 7919 + i / 13) & 0xff);
	expect_text(s, 0, "UTF-8", 0, "");
	{
		size_t bom;

		assert_string_equal(sila_charset_detect(s, sizeof(s), &bom), "WINDOWS-1252");
		assert_int_equal(bom, 0);
	}
	assert_false(sila_charset_looks_like_text(s, sizeof(s)));
}

static void test_looks_like_text(void **state)
{
	size_t n;
	char *s = utf16("Hej, det h\xe4r \xe4r text.\r\n", 0, 0, &n);

	(void)state;
	assert_true(sila_charset_looks_like_text(s, n));
	free(s);
	assert_true(sila_charset_looks_like_text("plain text\n", 11));
	assert_true(sila_charset_looks_like_text(SV_1252, strlen(SV_1252)));
	assert_true(sila_charset_looks_like_text("\xff\xfe\x01\x02\x03\x04", 6));
	assert_false(sila_charset_looks_like_text("a\0b\0c\0\0\0\0\0\x01\x02\x03", 14));
	assert_false(sila_charset_looks_like_text("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
}

static void test_broken_utf16(void **state)
{
	struct sila_text t;

	(void)state;
	/* An unpaired surrogate and an odd last byte become U+FFFD each. */
	sila_text_init(&t, 1000);
	sila_charset_to_text("\xff\xfe" "a\0\x00\xd8" "b\0c", 9, &t);
	assert_string_equal(t.buf.data, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);
}

static void test_csv_tsv(void **state)
{
	const char *tsv = "Namn\tPersonnummer\tOrt\r\nP\xe5l\t19121212-1212\tV\xe4xj\xf6\r\n";
	const char *csv = "Namn;Personnummer;Ort\r\nP\xe5l;200001012384;\xd6rebro\r\n";
	size_t n;
	char *s = utf16(tsv, 0, 1, &n);

	(void)state;
	/* Excel's "Unicode text": UTF-16LE with a byte order mark, tab-separated. */
	expect_text(s, n, "UTF-16LE", 2,
		    "Namn\tPersonnummer\tOrt\r\nP\xc3\xa5l\t19121212-1212\tV\xc3\xa4xj\xc3\xb6\r\n");
	free(s);
	/* Excel's CSV in Swedish Windows: Windows-1252, semicolons. */
	expect_text(csv, strlen(csv), "WINDOWS-1252", 0,
		    "Namn;Personnummer;Ort\r\nP\xc3\xa5l;200001012384;\xc3\x96rebro\r\n");
	/* CSV (UTF-8) with a byte order mark, as Excel writes it. */
	expect_text("\xef\xbb\xbfNamn;Ort\r\n\xc3\x85sa;Lule\xc3\xa5\r\n", 27, "UTF-8", 3,
		    "Namn;Ort\r\n\xc3\x85sa;Lule\xc3\xa5\r\n");
}

static void test_names(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(sila_charset_name("1252", b, sizeof(b)), "CP1252");
	assert_string_equal(sila_charset_name("850", b, sizeof(b)), "CP850");
	assert_string_equal(sila_charset_name("CP1252", b, sizeof(b)), "CP1252");
	assert_string_equal(sila_charset_name("windows-1252", b, sizeof(b)), "WINDOWS-1252");
	assert_string_equal(sila_charset_name("MAC", b, sizeof(b)), "MACINTOSH");
	assert_string_equal(sila_charset_name("pc", b, sizeof(b)), "CP437");
	assert_string_equal(sila_charset_name("pca", b, sizeof(b)), "CP850");
	assert_string_equal(sila_charset_name("ansi", b, sizeof(b)), "CP1252");
	assert_string_equal(sila_charset_name("10000", b, sizeof(b)), "MACINTOSH");
	assert_string_equal(sila_charset_name("65001", b, sizeof(b)), "UTF-8");
	assert_string_equal(sila_charset_name("\"utf-8\"", b, sizeof(b)), "UTF-8");
	assert_null(sila_charset_name("", b, sizeof(b)));
	assert_null(sila_charset_name(NULL, b, sizeof(b)));
	assert_null(sila_charset_name("CP1252", b, 4));
}

/* Converts s in charset cs and checks the result and the return. */
static void expect_convert(const char *cs, const char *s, size_t n, int ret, const char *want)
{
	struct sila_text t;

	sila_text_init(&t, 1000);
	assert_int_equal(sila_charset_convert(cs, s, n, &t), ret);
	assert_string_equal(t.buf.data ? t.buf.data : "", want);
	sila_text_release(&t);
}

static void test_named_code_pages(void **state)
{
	(void)state;
	expect_convert("850", "\x86\x84\x94\x8f\x8e\x99", 6, SILA_OK,
		       "\xc3\xa5\xc3\xa4\xc3\xb6\xc3\x85\xc3\x84\xc3\x96");
	expect_convert("437", "\x86\x84\x94", 3, SILA_OK, "\xc3\xa5\xc3\xa4\xc3\xb6");
	expect_convert("MAC", "\x8c\x8a\x9a\x81\x80\x85", 6, SILA_OK,
		       "\xc3\xa5\xc3\xa4\xc3\xb6\xc3\x85\xc3\x84\xc3\x96");
	expect_convert("CP1252", SV_1252, strlen(SV_1252), SILA_OK, SV_UTF8);
	expect_convert("1252", "\xe5", 1, SILA_OK, "\xc3\xa5");
	expect_convert("ISO-8859-1", "\xe5\x96", 2, SILA_OK, "\xc3\xa5\xc2\x96");
	expect_convert("932", "\x93\xfa", 2, SILA_OK, "\xe6\x97\xa5");
	expect_convert("932", "\x93", 1, SILA_WARN, "\xef\xbf\xbd");
	expect_convert("no-such-charset", "x", 1, SILA_FAILED, "");
}

/* A sink that collects into a buffer. */
static int collect(void *ctx, const char *s, size_t n)
{
	return sila_buf_add(ctx, s, n);
}

static void test_incremental(void **state)
{
	struct sila_conv c;
	struct sila_buf b = SILA_BUF_INIT(0);
	size_t used;

	(void)state;
	/* A double-byte character split between two calls. */
	assert_int_equal(sila_conv_open(&c, "932"), SILA_OK);
	assert_int_equal(sila_conv_run(&c, "a\x93", 2, 0, collect, &b, &used), SILA_OK);
	assert_int_equal(used, 1);
	assert_int_equal(sila_conv_run(&c, "\x93\xfa", 2, 1, collect, &b, &used), SILA_OK);
	assert_int_equal(used, 2);
	assert_string_equal(b.data, "a\xe6\x97\xa5");
	sila_conv_close(&c);
	sila_buf_release(&b);
}

static void test_large_and_capped(void **state)
{
	size_t n = 100000;
	char *s = malloc(2 * n + 2);
	struct sila_text t;
	struct sila_buf b = SILA_BUF_INIT(1000);

	(void)state;
	assert_non_null(s);
	/* Many output chunks: 100000 å in Windows-1252 are 200000 bytes of UTF-8. */
	memset(s, '\xe5', n);
	sila_text_init(&t, (size_t)1 << 20);
	sila_charset_to_text(s, n, &t);
	assert_int_equal(t.buf.len, 2 * n);
	assert_memory_equal(t.buf.data + 2 * n - 4, "\xc3\xa5\xc3\xa5", 4);
	sila_text_release(&t);
	/* The text cap stops the conversion and is reported. */
	sila_text_init(&t, 1001);
	sila_charset_to_text(s, n, &t);
	assert_int_equal(t.buf.len, 1001);
	assert_true(sila_warn_has(t.warnings, "limit-exceeded"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
	/* A capped buffer takes what fits. */
	assert_int_equal(sila_charset_to_buf("WINDOWS-1252", s, n, &b), SILA_WARN);
	assert_int_equal(b.len, 1000);
	sila_buf_release(&b);
	/* UTF-16LE without a byte order mark, long enough to need chunks. */
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = i % 50 == 49 ? '\n' : "\xe5\xe4\xf6 abc"[i % 7];
		s[2 * i + 1] = '\0';
	}
	sila_text_init(&t, (size_t)1 << 20);
	sila_charset_to_text(s, 2 * n, &t);
	assert_memory_equal(t.buf.data, "\xc3\xa5\xc3\xa4\xc3\xb6 abc", 10);
	assert_int_equal(json_array_size(t.warnings), 0);
	sila_text_release(&t);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_utf16_bom),
		cmocka_unit_test(test_utf16_no_bom),
		cmocka_unit_test(test_utf32_bom),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_iso_8859_1),
		cmocka_unit_test(test_mostly_utf8),
		cmocka_unit_test(test_binaryish),
		cmocka_unit_test(test_looks_like_text),
		cmocka_unit_test(test_broken_utf16),
		cmocka_unit_test(test_csv_tsv),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_named_code_pages),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_large_and_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
