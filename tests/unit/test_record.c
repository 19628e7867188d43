/*
 * test_record.c - unit tests for the record stream (core/record.c), the
 * capped buffer (core/buf.c) and size parsing (core/limit.c).
 *
 * Records are written with sila_record_write into a tmpfile() and read back
 * with sila_record_read; malformed streams are built byte by byte and read
 * through fmemopen().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "limit.h"
#include "record.h"
#include "status.h"
#include "testutil.h"

/* A new header {"path": path, "n": n}. */
static json_t *make_hdr(const char *path, int n)
{
	json_t *h = json_pack("{s:s,s:i}", "path", path, "n", n);

	assert_non_null(h);
	return h;
}

/* A stream opened on a copy of the n bytes at s (fmemopen wants a writable buffer). */
struct mem_in {
	FILE *f;
	char *buf;
};

static void mem_open(struct mem_in *m, const char *s, size_t n)
{
	m->buf = malloc(n ? n : 1);
	assert_non_null(m->buf);
	if (n)
		memcpy(m->buf, s, n);
	m->f = fmemopen(m->buf, n, "r");
	assert_non_null(m->f);
}

static void mem_close(struct mem_in *m)
{
	fclose(m->f);
	free(m->buf);
}

/* The whole content of f from its start, as a NUL-terminated string; *len its length. */
static char *slurp(FILE *f, size_t *len)
{
	long end;
	char *s;

	assert_int_equal(fflush(f), 0);
	end = ftell(f);
	assert_true(end >= 0);
	rewind(f);
	s = malloc((size_t)end + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)end, f), (size_t)end);
	s[end] = '\0';
	*len = (size_t)end;
	rewind(f);
	return s;
}

/* Reads the next record and fails unless it is SILA_OK with the given path and n. */
static void expect_record(FILE *in, struct sila_record *r, const char *path, int n)
{
	int st = sila_record_read(in, r);

	if (st != SILA_OK)
		fail_msg("read: status %d (%s), expected a record '%s'", st, r->err, path);
	assert_non_null(r->hdr);
	assert_true(json_is_object(r->hdr));
	assert_string_equal(json_string_value(json_object_get(r->hdr, "path")), path);
	assert_int_equal(json_integer_value(json_object_get(r->hdr, "n")), n);
	/* The body member is never left in the header the reader hands out. */
	assert_null(json_object_get(r->hdr, "body"));
}

/* Reads the raw stream s (n bytes) and fails unless the first read is SILA_FATAL with a message. */
static void expect_fatal(const char *s, size_t n, size_t cap, const char *why)
{
	struct mem_in m;
	struct sila_record r;
	int st;

	mem_open(&m, s, n);
	sila_record_init(&r, cap);
	st = sila_record_read(m.f, &r);
	if (st != SILA_FATAL)
		fail_msg("%s: status %d, expected SILA_FATAL (%d)", why, st, SILA_FATAL);
	if (r.err[0] == '\0')
		fail_msg("%s: SILA_FATAL without a message in r->err", why);
	sila_record_release(&r);
	mem_close(&m);
}

static void test_body_bytes(void **state)
{
	static const char body[] = "line one\n{\"not\":\"a header\"}\n\0\0{\n\nend\0";
	size_t blen = sizeof(body) - 1; /* keeps the NUL bytes, drops the literal's own */
	FILE *f = tmpfile();
	json_t *h = make_hdr("doc.txt", 1);
	struct sila_record r;
	char *raw, want[64];
	size_t rawlen;

	(void)state;
	assert_non_null(f);
	assert_int_equal(sila_record_write(f, h, body, blen), SILA_OK);
	/* The caller's header does not keep the body member. */
	assert_null(json_object_get(h, "body"));

	/* On the wire: the compact header with "body": N last, a newline, then the bytes. */
	raw = slurp(f, &rawlen);
	snprintf(want, sizeof(want), "{\"path\":\"doc.txt\",\"n\":1,\"body\":%zu}\n", blen);
	assert_int_equal(rawlen, strlen(want) + blen);
	assert_memory_equal(raw, want, strlen(want));
	assert_memory_equal(raw + strlen(want), body, blen);
	free(raw);

	sila_record_init(&r, 1 << 20);
	expect_record(f, &r, "doc.txt", 1);
	assert_true(r.has_body);
	assert_int_equal(r.body_len, blen);
	assert_false(r.body_truncated);
	assert_int_equal(r.body.len, blen);
	assert_memory_equal(r.body.data, body, blen);
	assert_int_equal(r.body.data[blen], '\0');
	assert_int_equal(json_object_size(r.hdr), 2);
	assert_int_equal(sila_record_read(f, &r), SILA_EOF);

	sila_record_release(&r);
	json_decref(h);
	fclose(f);
}

static void test_no_body(void **state)
{
	FILE *f = tmpfile();
	json_t *h = make_hdr("plain", 7);
	struct sila_record r;
	char *raw;
	size_t rawlen;

	(void)state;
	assert_non_null(f);
	/* A stale body member in the header is not written when there is no body. */
	json_object_set_new(h, "body", json_integer(99));
	assert_int_equal(sila_record_write(f, h, NULL, 0), SILA_OK);
	assert_null(json_object_get(h, "body"));
	raw = slurp(f, &rawlen);
	assert_string_equal(raw, "{\"path\":\"plain\",\"n\":7}\n");
	free(raw);

	sila_record_init(&r, 1024);
	expect_record(f, &r, "plain", 7);
	assert_false(r.has_body);
	assert_int_equal(r.body_len, 0);
	assert_int_equal(r.body.len, 0);
	assert_false(r.body_truncated);
	assert_int_equal(sila_record_read(f, &r), SILA_EOF);
	sila_record_release(&r);
	json_decref(h);
	fclose(f);
}

static void test_several_records(void **state)
{
	static const char b1[] = "first body\n";
	static const char b3[] = "\n\n\n";
	FILE *f = tmpfile();
	struct sila_record r;
	json_t *h;

	(void)state;
	assert_non_null(f);
	h = make_hdr("one", 1);
	assert_int_equal(sila_record_write(f, h, b1, strlen(b1)), SILA_OK);
	json_decref(h);
	h = make_hdr("two", 2);
	assert_int_equal(sila_record_write(f, h, NULL, 0), SILA_OK);
	json_decref(h);
	h = make_hdr("three", 3);
	assert_int_equal(sila_record_write(f, h, b3, strlen(b3)), SILA_OK);
	json_decref(h);
	h = make_hdr("four", 4); /* an empty body: "body": 0 */
	assert_int_equal(sila_record_write(f, h, "", 0), SILA_OK);
	json_decref(h);
	h = make_hdr("five", 5);
	assert_int_equal(sila_record_write(f, h, NULL, 0), SILA_OK);
	json_decref(h);
	rewind(f);

	sila_record_init(&r, 4096);
	expect_record(f, &r, "one", 1);
	assert_true(r.has_body);
	assert_int_equal(r.body.len, strlen(b1));
	assert_memory_equal(r.body.data, b1, strlen(b1));

	expect_record(f, &r, "two", 2);
	assert_false(r.has_body);
	assert_int_equal(r.body.len, 0);

	expect_record(f, &r, "three", 3);
	assert_true(r.has_body);
	assert_int_equal(r.body_len, 3);
	assert_int_equal(r.body.len, 3);
	assert_memory_equal(r.body.data, b3, 3);

	expect_record(f, &r, "four", 4);
	assert_true(r.has_body);
	assert_int_equal(r.body_len, 0);
	assert_int_equal(r.body.len, 0);

	expect_record(f, &r, "five", 5);
	assert_false(r.has_body);

	assert_int_equal(sila_record_read(f, &r), SILA_EOF);
	assert_null(r.hdr);
	/* EOF is sticky: reading again is still a clean end. */
	assert_int_equal(sila_record_read(f, &r), SILA_EOF);
	sila_record_release(&r);
	fclose(f);
}

static void test_body_truncated(void **state)
{
	char big[10000];
	FILE *f = tmpfile();
	struct sila_record r;
	json_t *h;

	(void)state;
	assert_non_null(f);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	big[5000] = '\n';
	h = make_hdr("big", 1);
	assert_int_equal(sila_record_write(f, h, big, sizeof(big)), SILA_OK);
	json_decref(h);
	h = make_hdr("small", 2);
	assert_int_equal(sila_record_write(f, h, "tail\n", 5), SILA_OK);
	json_decref(h);
	h = make_hdr("after", 3);
	assert_int_equal(sila_record_write(f, h, NULL, 0), SILA_OK);
	json_decref(h);
	rewind(f);

	sila_record_init(&r, 100);
	expect_record(f, &r, "big", 1);
	assert_true(r.has_body);
	assert_true(r.body_truncated);
	assert_int_equal(r.body_len, sizeof(big));
	assert_int_equal(r.body.len, 100);
	assert_memory_equal(r.body.data, big, 100);

	/* The rest of the long body was skipped: the next record reads whole. */
	expect_record(f, &r, "small", 2);
	assert_true(r.has_body);
	assert_false(r.body_truncated);
	assert_int_equal(r.body.len, 5);
	assert_memory_equal(r.body.data, "tail\n", 5);

	expect_record(f, &r, "after", 3);
	assert_false(r.has_body);
	assert_false(r.body_truncated);
	assert_int_equal(sila_record_read(f, &r), SILA_EOF);
	sila_record_release(&r);

	/* A body exactly as long as the cap is not truncated. */
	fclose(f);
	f = tmpfile();
	assert_non_null(f);
	h = make_hdr("exact", 4);
	assert_int_equal(sila_record_write(f, h, big, 100), SILA_OK);
	json_decref(h);
	rewind(f);
	sila_record_init(&r, 100);
	expect_record(f, &r, "exact", 4);
	assert_false(r.body_truncated);
	assert_int_equal(r.body.len, 100);
	assert_memory_equal(r.body.data, big, 100);
	sila_record_release(&r);
	fclose(f);
}

static void test_malformed_header(void **state)
{
	static const char nul_in_header[] = "{\"a\":1}\0\n{\"b\":2}\n";

	(void)state;
	expect_fatal("this is not json\n", 17, 1024, "plain text");
	expect_fatal("[1,2,3]\n", 8, 1024, "a JSON array");
	expect_fatal("\"a string\"\n", 11, 1024, "a JSON string");
	expect_fatal("42\n", 3, 1024, "a JSON number");
	expect_fatal("{\"path\":\"a\"\n", 12, 1024, "an unfinished object");
	expect_fatal("{\"a\":1,\"a\":2}\n", 14, 1024, "a duplicate key");
	expect_fatal("{\"a\":1}", 7, 1024, "a header without its newline at the end");
	expect_fatal(nul_in_header, sizeof(nul_in_header) - 1, 1024, "a NUL byte in a header");

	/* The message says what was wrong. */
	{
		struct mem_in m;
		struct sila_record r;

		mem_open(&m, "[1,2,3]\n", 8);
		sila_record_init(&r, 16);
		assert_int_equal(sila_record_read(m.f, &r), SILA_FATAL);
		assert_non_null(strstr(r.err, "not a JSON object"));
		sila_record_release(&r);
		mem_close(&m);
	}
}

static void test_malformed_after_good(void **state)
{
	static const char s[] = "{\"path\":\"ok\",\"n\":1}\n[\"oops\"]\n";
	struct mem_in m;
	struct sila_record r;

	(void)state;
	mem_open(&m, s, sizeof(s) - 1);
	sila_record_init(&r, 16);
	expect_record(m.f, &r, "ok", 1);
	assert_int_equal(sila_record_read(m.f, &r), SILA_FATAL);
	assert_true(r.err[0] != '\0');
	/* The previous header is not left behind as if it were the current one. */
	assert_null(r.hdr);
	sila_record_release(&r);
	mem_close(&m);
}

static void test_short_body(void **state)
{
	(void)state;
	expect_fatal("{\"body\":10}\nabc", 15, 1024, "input ending inside a body");
	expect_fatal("{\"body\":1}\n", 11, 1024, "input ending right after the header");
	/* Ending inside the skipped part of a truncated body is just as fatal. */
	expect_fatal("{\"body\":10}\nabcdef", 18, 4, "input ending inside a skipped body");

	{
		struct mem_in m;
		struct sila_record r;

		mem_open(&m, "{\"body\":10}\nabc", 15);
		sila_record_init(&r, 1024);
		assert_int_equal(sila_record_read(m.f, &r), SILA_FATAL);
		assert_non_null(strstr(r.err, "body"));
		sila_record_release(&r);
		mem_close(&m);
	}
}

static void test_bad_body_length(void **state)
{
	(void)state;
	expect_fatal("{\"body\":-1}\n", 12, 1024, "a negative body length");
	expect_fatal("{\"body\":1.5}\n", 13, 1024, "a fractional body length");
	expect_fatal("{\"body\":3.0}\nabc", 16, 1024, "a real body length");
	expect_fatal("{\"body\":\"3\"}\nabc", 16, 1024, "a string body length");
	expect_fatal("{\"body\":null}\n", 14, 1024, "a null body length");
	expect_fatal("{\"body\":true}\n", 14, 1024, "a boolean body length");
	expect_fatal("{\"body\":[3]}\nabc", 16, 1024, "an array body length");
}

static void test_clean_eof(void **state)
{
	struct mem_in m;
	struct sila_record r;

	(void)state;
	mem_open(&m, "", 0);
	sila_record_init(&r, 16);
	assert_int_equal(sila_record_read(m.f, &r), SILA_EOF);
	assert_null(r.hdr);
	assert_false(r.has_body);
	sila_record_release(&r);
	mem_close(&m);

	/* Only blank lines: still a clean end. */
	mem_open(&m, "\n\n\n", 3);
	sila_record_init(&r, 16);
	assert_int_equal(sila_record_read(m.f, &r), SILA_EOF);
	sila_record_release(&r);
	mem_close(&m);
}

static void test_blank_lines(void **state)
{
	static const char s[] =
		"\n\n{\"path\":\"a\",\"n\":1}\n"
		"\n"
		"{\"path\":\"b\",\"n\":2,\"body\":3}\nx\ny"
		"\n\n\n"
		"{\"path\":\"c\",\"n\":3}\n"
		"\n";
	struct mem_in m;
	struct sila_record r;

	(void)state;
	mem_open(&m, s, sizeof(s) - 1);
	sila_record_init(&r, 16);
	expect_record(m.f, &r, "a", 1);
	assert_false(r.has_body);
	expect_record(m.f, &r, "b", 2);
	assert_true(r.has_body);
	assert_int_equal(r.body.len, 3);
	assert_memory_equal(r.body.data, "x\ny", 3);
	expect_record(m.f, &r, "c", 3);
	assert_false(r.has_body);
	assert_int_equal(sila_record_read(m.f, &r), SILA_EOF);
	sila_record_release(&r);
	mem_close(&m);
}

static void test_long_header_line(void **state)
{
	/* A header longer than the reader's 4 KiB chunks is read whole. */
	size_t n = 20000;
	char *val = malloc(n + 1);
	FILE *f = tmpfile();
	struct sila_record r;
	json_t *h;

	(void)state;
	assert_non_null(val);
	assert_non_null(f);
	memset(val, 'v', n);
	val[n] = '\0';
	h = make_hdr("long", 9);
	json_object_set_new(h, "long", json_string(val));
	assert_int_equal(sila_record_write(f, h, "B", 1), SILA_OK);
	json_decref(h);
	rewind(f);
	sila_record_init(&r, 16);
	expect_record(f, &r, "long", 9);
	assert_string_equal(json_string_value(json_object_get(r.hdr, "long")), val);
	assert_int_equal(r.body.len, 1);
	assert_int_equal(r.body.data[0], 'B');
	assert_int_equal(sila_record_read(f, &r), SILA_EOF);
	sila_record_release(&r);
	free(val);
	fclose(f);
}

static void test_buf_cap(void **state)
{
	struct sila_buf b = SILA_BUF_INIT(8);
	char *p;
	size_t n;

	(void)state;
	assert_int_equal(sila_buf_add(&b, "12345", 5), SILA_OK);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");

	/* Past the cap: fails and changes nothing. */
	assert_int_equal(sila_buf_add(&b, "6789", 4), SILA_FAILED);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	assert_int_equal(sila_buf_adds(&b, "abcdefghijk"), SILA_FAILED);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	assert_int_equal(sila_buf_grow(&b, 4), SILA_FAILED);
	assert_int_equal(sila_buf_grow(&b, SIZE_MAX), SILA_FAILED);
	assert_int_equal(b.len, 5);

	/* Up to the cap exactly is fine; one byte more is not. */
	assert_int_equal(sila_buf_add(&b, "678", 3), SILA_OK);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(sila_buf_addc(&b, '9'), SILA_FAILED);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(sila_buf_add(&b, "", 0), SILA_OK);
	assert_int_equal(b.len, 8);

	/* Reset keeps the memory and the cap. */
	sila_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 8);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(sila_buf_add(&b, "abc", 3), SILA_OK);
	assert_string_equal(b.data, "abc");

	p = sila_buf_detach(&b, &n);
	assert_int_equal(n, 3);
	assert_string_equal(p, "abc");
	free(p);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 8);

	/* Detaching an empty buffer gives an empty string, never NULL. */
	p = sila_buf_detach(&b, &n);
	assert_non_null(p);
	assert_int_equal(n, 0);
	assert_string_equal(p, "");
	free(p);
	sila_buf_release(&b);
}

static void test_buf_add_upto(void **state)
{
	struct sila_buf b = SILA_BUF_INIT(8);

	(void)state;
	assert_int_equal(sila_buf_add_upto(&b, "12345", 5), SILA_OK);
	assert_int_equal(sila_buf_add_upto(&b, "6789X", 5), SILA_WARN);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	/* Full: nothing more fits, still a warning and no change. */
	assert_int_equal(sila_buf_add_upto(&b, "Y", 1), SILA_WARN);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	sila_buf_release(&b);

	/* An exact fit is no warning. */
	sila_buf_init(&b, 4);
	assert_int_equal(sila_buf_add_upto(&b, "abcd", 4), SILA_OK);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "abcd");
	sila_buf_release(&b);

	/* Cap 0 means no cap. */
	{
		size_t n = (size_t)1 << 20;
		char *big = calloc(1, n);

		assert_non_null(big);
		sila_buf_init(&b, 0);
		assert_int_equal(sila_buf_add_upto(&b, big, n), SILA_OK);
		assert_int_equal(sila_buf_add(&b, big, n), SILA_OK);
		assert_int_equal(b.len, 2 * n);
		assert_int_equal(b.data[b.len], '\0');
		sila_buf_release(&b);
		free(big);
	}
}

/* Parses s and fails unless it gives want. */
static void expect_size(const char *s, size_t want)
{
	size_t v = 12345;

	if (sila_parse_size(s, &v) != 0)
		fail_msg("sila_parse_size(\"%s\") failed, expected %zu", s, want);
	if (v != want)
		fail_msg("sila_parse_size(\"%s\") = %zu, expected %zu", s, v, want);
}

static void expect_bad_size(const char *s)
{
	size_t v = 12345;

	if (sila_parse_size(s, &v) != -1)
		fail_msg("sila_parse_size(\"%s\") accepted it as %zu", s ? s : "(null)", v);
}

static void test_parse_size(void **state)
{
	(void)state;
	expect_size("12", 12);
	expect_size("0", 0);
	expect_size("65536", 65536);
	expect_size("64K", (size_t)64 << 10);
	expect_size("64k", (size_t)64 << 10);
	expect_size("256M", (size_t)256 << 20);
	expect_size("4G", (size_t)4 << 30);
	expect_size("2T", (size_t)2 << 40);
	expect_size("64KB", (size_t)64 << 10);
	expect_size("18446744073709551615", SIZE_MAX);
	expect_size("16777215T", (size_t)16777215 << 40);

	expect_bad_size("");
	expect_bad_size(NULL);
	expect_bad_size("x");
	expect_bad_size("1Q");
	expect_bad_size("K");
	expect_bad_size("-1");
	expect_bad_size("+1");
	expect_bad_size(" 1");
	expect_bad_size("1 ");
	expect_bad_size("1K ");
	expect_bad_size("1KK");
	expect_bad_size("1.5G");
	expect_bad_size("12x");
	/* Overflow: past the range of the number, or once scaled. */
	expect_bad_size("18446744073709551616");
	expect_bad_size("99999999999999999999999");
	expect_bad_size("17179869184G");
	expect_bad_size("16777216T");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_bytes),
		cmocka_unit_test(test_no_body),
		cmocka_unit_test(test_several_records),
		cmocka_unit_test(test_body_truncated),
		cmocka_unit_test(test_malformed_header),
		cmocka_unit_test(test_malformed_after_good),
		cmocka_unit_test(test_short_body),
		cmocka_unit_test(test_bad_body_length),
		cmocka_unit_test(test_clean_eof),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_long_header_line),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_add_upto),
		cmocka_unit_test(test_parse_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
