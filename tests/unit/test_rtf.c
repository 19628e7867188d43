/*
 * test_rtf.c - unit tests for the RTF parser (core/rtf.c): Unicode
 * characters and their fallbacks, code pages, destinations, binary data,
 * broken and hostile nesting, metadata and labels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "text.h"

/* Extracts the RTF in src (len bytes) into t; returns the body text. */
static const char *rtfn(const char *src, size_t len, struct sila_text *t)
{
	sila_text_init(t, (size_t)1 << 20);
	sila_extract_rtf(src, len, t);
	return t->buf.data ? t->buf.data : "";
}

static const char *rtf(const char *src, struct sila_text *t)
{
	return rtfn(src, strlen(src), t);
}

/* Asserts that src yields exactly want as body text, with status ok. */
static void expect(const char *src, const char *want)
{
	struct sila_text t;

	assert_string_equal(rtf(src, &t), want);
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

/*
 * Asserts that a truncated src (input ending inside open groups) yields
 * want, kept, with status partial and warning extraction-failed.
 */
static void expect_truncated(const char *src, const char *want)
{
	struct sila_text t;

	assert_string_equal(rtf(src, &t), want);
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);
}

static void test_plain_paragraphs(void **state)
{
	(void)state;
	expect("{\\rtf1\\ansi Hello\\par World}", "Hello\nWorld");
	expect("{\\rtf1 a\\line b\\tab c\\page d\\sect e}", "a\nb\tc\fd\ne");
	/* Line breaks in the source are not text; a backslash before one is \par. */
	expect("{\\rtf1 Hel\r\nlo\\\nWorld}", "Hello\nWorld");
	expect("{\\rtf1 {\\b fet} text}", "fet text");
}

static void test_control_symbols(void **state)
{
	(void)state;
	expect("{\\rtf1 a\\\\b\\{c\\}}", "a\\b{c}");
	expect("{\\rtf1 19121212\\_1212 x\\~y sek\\-retess}", "19121212-1212 x y sekretess");
}

static void test_table(void **state)
{
	(void)state;
	expect("{\\rtf1 \\trowd\\cellx1000\\cellx2000 \\intbl Namn\\cell Personnummer\\cell\\row"
	       "\\intbl Test\\cell 19121212-1212\\cell\\row}",
	       "Namn\tPersonnummer\t\nTest\t19121212-1212\t\n");
}

static void test_unicode_uc1(void **state)
{
	(void)state;
	/* \uc1 is the default: one fallback character follows each \u. */
	expect("{\\rtf1 P\\u229?l \\u196\\'c4ngel}", "P\xc3\xa5l \xc3\x84ngel");
	/* The space after the number ends the word and is no fallback. */
	expect("{\\rtf1 \\u246 xa}", "\xc3\xb6" "a");
}

static void test_unicode_uc0_uc2(void **state)
{
	(void)state;
	expect("{\\rtf1\\uc0 P\\u229 l}", "P\xc3\xa5l");
	expect("{\\rtf1\\uc2 P\\u229\\'82\\'a0l}", "P\xc3\xa5l");
	expect("{\\rtf1\\uc2 P\\u229 xyl}", "P\xc3\xa5l");
	/* A brace ends the fallback early. */
	expect("{\\rtf1\\uc2 \\u229 x}", "\xc3\xa5");
	/* A control word in the fallback counts as one character. */
	expect("{\\rtf1\\uc2 \\u229\\'e5\\loch l}", "\xc3\xa5l");
}

static void test_uc_scope(void **state)
{
	(void)state;
	/* \uc2 holds inside its group only; outside, \uc1 again. */
	expect("{\\rtf1 {\\uc2 \\u229 xx}\\u228 ?y}", "\xc3\xa5\xc3\xa4y");
	expect("{\\rtf1\\uc0 {\\uc3 a}\\u228 b}", "a\xc3\xa4" "b");
}

static void test_unicode_negative(void **state)
{
	(void)state;
	/* U+9AD8 is 39640, written as 39640 - 65536. */
	expect("{\\rtf1 \\u-25896?}", "\xe9\xab\x98");
	/* U+1F600 as a surrogate pair, each half with its fallback. */
	expect("{\\rtf1 \\u-10179?\\u-8704?!}", "\xf0\x9f\x98\x80!");
	/* A lone half is U+FFFD. */
	expect("{\\rtf1 \\u-10179?x}", "\xef\xbf\xbdx");
	expect("{\\rtf1 \\u-8704?x}", "\xef\xbf\xbdx");
}

static void test_hex_1252(void **state)
{
	(void)state;
	expect("{\\rtf1\\ansi\\ansicpg1252 P\\'e5l \\'c5\\'c4\\'d6 \\'e4\\'f6}",
	       "P\xc3\xa5l \xc3\x85\xc3\x84\xc3\x96 \xc3\xa4\xc3\xb6");
	/* Windows-1252 is the default; 0x96 is an en dash there. */
	expect("{\\rtf1 \\'e5\\'96}", "\xc3\xa5\xe2\x80\x93");
	/* Raw 8-bit bytes are read in the code page too. */
	expect("{\\rtf1 P\xe5l}", "P\xc3\xa5l");
}

static void test_hex_850_437_mac(void **state)
{
	(void)state;
	/* In code page 850 (and 437) å is 0x86, Ä 0x8E, ö 0x94. */
	expect("{\\rtf1\\pca P\\'86l \\'8e\\'94}", "P\xc3\xa5l \xc3\x84\xc3\xb6");
	expect("{\\rtf1\\ansi\\ansicpg850 P\\'86l}", "P\xc3\xa5l");
	expect("{\\rtf1\\pc \\'86\\'84\\'94}", "\xc3\xa5\xc3\xa4\xc3\xb6");
	/* Mac Roman: å 0x8C, ä 0x8A, ö 0x9A. */
	expect("{\\rtf1\\mac \\'8c\\'8a\\'9a}", "\xc3\xa5\xc3\xa4\xc3\xb6");
}

static void test_hex_dbcs(void **state)
{
	(void)state;
	/* Shift-JIS: consecutive \'hh bytes form one character. */
	expect("{\\rtf1\\ansi\\ansicpg932 \\'93\\'fa\\'96\\'7b}", "\xe6\x97\xa5\xe6\x9c\xac");
	/* The trail byte may be a plain ASCII character. */
	expect("{\\rtf1\\ansi\\ansicpg932 \\'83A}", "\xe3\x82\xa2");
}

static void test_font_charset(void **state)
{
	(void)state;
	/* \f1 is a Cyrillic font: its \'hh bytes are Windows-1251. */
	expect("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}"
	       "{\\f1\\fswiss\\fcharset204 Arial Cyr;}}\\f1 \\'c4\\'e0 {\\f0 \\'e5}\\'e0}",
	       "\xd0\x94\xd0\xb0 \xc3\xa5\xd0\xb0");
}

static void test_skipped_destinations(void **state)
{
	(void)state;
	expect("{\\rtf1\\ansi{\\fonttbl{\\f0 Times;}}{\\colortbl;\\red0\\green0\\blue0;}"
	       "{\\stylesheet{\\s0 Normal;}}{\\*\\generator Riched20;}{\\*\\rsidtbl\\rsid1}"
	       "{\\listtable{\\list{\\listlevel{\\leveltext \\'02\\'00.;}}}}"
	       "{\\*\\themedata 504b0304}{\\*\\colorschememapping 3c3f}{\\*\\datastore 0105}"
	       "{\\*\\latentstyles\\lsdstimax376{\\lsdlockedexcept Normal;}}"
	       "{\\*\\xmlnstbl{\\xmlns1 http://x}}{\\*\\wgrffmtfilter 2450}"
	       "Text{\\pict\\pngblip 89504e47}{\\*\\unknownthing hidden}.}",
	       "Text.");
	/* Field instructions are dropped, field results kept. */
	expect("{\\rtf1 Se {\\field{\\*\\fldinst HYPERLINK \"http://x\"}{\\fldrslt l\\'e4nk}}.}",
	       "Se l\xc3\xa4nk.");
	/* An object's data is skipped, its result kept. */
	expect("{\\rtf1 {\\object{\\*\\objclass Excel}{\\*\\objdata 0102}{\\result Res}}}", "Res");
	/* Text in \upr's ANSI form is skipped in favour of \ud. */
	expect("{\\rtf1 {\\upr{Ansi}{\\*\\ud{Uni\\u229?}}}}", "Uni\xc3\xa5");
}

static void test_bin(void **state)
{
	(void)state;
	/* The raw bytes hold braces and backslashes that must not be parsed. */
	expect("{\\rtf1 a{\\pict\\bin5 }{\\}x}b}", "ab");
	expect("{\\rtf1 a\\bin3 xyzb}", "ab");
	/* \bin past the end of the data stops there: a truncated document. */
	expect_truncated("{\\rtf1 a\\bin99 xyz", "a");
	/* \bin among fallback characters counts as one. */
	expect("{\\rtf1 \\u229\\bin2 xyb}", "\xc3\xa5" "b");
}

static void test_flows(void **state)
{
	(void)state;
	expect("{\\rtf1 {\\header Sidhuvud}Text{\\footnote Not}mer\\par}",
	       "Sidhuvud\nText\nNot\nmer\n");
	expect("{\\rtf1 a{\\*\\annotation kommentar}b}", "a\nkommentar\nb");
}

static void test_info(void **state)
{
	struct sila_text t;

	(void)state;
	assert_string_equal(rtf("{\\rtf1{\\info{\\title Beslut 19121212-1212}{\\author P\\'e5l}"
				"{\\*\\company Kommunen}{\\doccomm A\\par B}{\\creatim\\yr2026}"
				"{\\operator Nobody}}Body}", &t),
			    "Body");
	assert_string_equal(t.meta.data, "title: Beslut 19121212-1212\nauthor: P\xc3\xa5l\n"
					 "company: Kommunen\ncomments: A B\n");
	sila_text_release(&t);
}

static void test_userprops_label(void **state)
{
	struct sila_text t;
	json_t *l;

	(void)state;
	rtf("{\\rtf1{\\*\\userprops {\\propname Klassning}\\proptype30{\\staticval Intern}"
	    "{\\propname MSIP_Label_abc-123_Name}\\proptype30{\\staticval Konfidentiell}}x}", &t);
	assert_string_equal(t.buf.data, "x");
	assert_string_equal(t.meta.data, "Klassning: Intern\nMSIP_Label_abc-123_Name: Konfidentiell\n");
	assert_int_equal(json_array_size(t.labels), 1);
	l = json_array_get(t.labels, 0);
	assert_string_equal(json_string_value(json_object_get(l, "source")), "msip");
	assert_string_equal(json_string_value(json_object_get(l, "name")), "Konfidentiell");
	assert_string_equal(json_string_value(json_object_get(l, "id")), "abc-123");
	sila_text_release(&t);
}

static void test_unbalanced(void **state)
{
	struct sila_text t;

	(void)state;
	/* Missing closing braces: what was there is kept, and the truncation reported. */
	expect_truncated("{\\rtf1 {a\\par b", "a\nb");
	expect_truncated("{\\rtf1 {\\info{\\title T", "");
	/* An extra closing brace ends the document; what follows is reported. */
	assert_string_equal(rtf("{\\rtf1 a}b}", &t), "a");
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);
	/* Whitespace and NULs after the end are not. */
	assert_string_equal(rtfn("{\\rtf1 a}\r\n\0\0", 13, &t), "a");
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(json_array_size(t.warnings), 0);
	sila_text_release(&t);
}

/* A document holding n opening braces, x, n closing braces and y. */
static char *nested(size_t n, const char *head)
{
	size_t h = strlen(head);
	char *s = malloc(h + 2 * n + 4);

	assert_non_null(s);
	memcpy(s, head, h);
	memset(s + h, '{', n);
	s[h + n] = 'x';
	memset(s + h + n + 1, '}', n);
	memcpy(s + h + 2 * n + 1, "y}", 3);
	return s;
}

static void test_depth_bomb(void **state)
{
	struct sila_text t;
	char *s;

	(void)state;
	s = nested(100000, "{\\rtf1 ");
	assert_string_equal(rtf(s, &t), "xy");
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);
	free(s);
	/* Unclosed, too. */
	s = nested(100000, "{\\rtf1 ");
	s[7 + 100000 + 1] = '\0';
	assert_string_equal(rtf(s, &t), "x");
	sila_text_release(&t);
	free(s);
	/* Braces alone are not RTF. */
	s = nested(100000, "");
	rtf(s, &t);
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	free(s);
	/* Deep but under the cap: read normally. */
	s = nested(900, "{\\rtf1 ");
	expect(s, "xy");
	free(s);
}

static void test_not_rtf(void **state)
{
	struct sila_text t;

	(void)state;
	rtf("Hello, world", &t);
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.buf.len, 0);
	sila_text_release(&t);
	rtfn("", 0, &t);
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	rtf("{\\rt", &t);
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	/* A UTF-8 byte order mark and leading whitespace are allowed. */
	expect("\xef\xbb\xbf \r\n{\\rtf1 ok}", "ok");
}

static void test_text_cap(void **state)
{
	struct sila_text t;
	const char *src = "{\\rtf1 0123456789\\par 0123456789\\par 0123456789}";

	(void)state;
	sila_text_init(&t, 15);
	sila_extract_rtf(src, strlen(src), &t);
	assert_int_equal(t.buf.len, 15);
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	assert_true(sila_warn_has(t.warnings, "limit-exceeded"));
	sila_text_release(&t);
}

static void test_long_words_and_params(void **state)
{
	(void)state;
	/* A very long control word and a huge parameter are read and ignored. */
	expect("{\\rtf1 \\aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1 a"
	       "\\fs99999999999999999999 b\\uc99999999999 \\u229 c}", "ab\xc3\xa5");
	/* A \'hh without hex digits is ignored. */
	expect("{\\rtf1 a\\'zzb\\'e}", "azzbe");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_paragraphs),
		cmocka_unit_test(test_control_symbols),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_unicode_uc1),
		cmocka_unit_test(test_unicode_uc0_uc2),
		cmocka_unit_test(test_uc_scope),
		cmocka_unit_test(test_unicode_negative),
		cmocka_unit_test(test_hex_1252),
		cmocka_unit_test(test_hex_850_437_mac),
		cmocka_unit_test(test_hex_dbcs),
		cmocka_unit_test(test_font_charset),
		cmocka_unit_test(test_skipped_destinations),
		cmocka_unit_test(test_bin),
		cmocka_unit_test(test_flows),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_userprops_label),
		cmocka_unit_test(test_unbalanced),
		cmocka_unit_test(test_depth_bomb),
		cmocka_unit_test(test_not_rtf),
		cmocka_unit_test(test_text_cap),
		cmocka_unit_test(test_long_words_and_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
