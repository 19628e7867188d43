/*
 * test_names.c - unit tests for core/names.c: UTF-8 validation and the
 * lossless encoding of file and member names in JSON.
 *
 * The base64 is checked with a small decoder written here, so a name's
 * "_b64" sibling is held to the exact bytes of the name.
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

#include "names.h"
#include "status.h"
#include "testutil.h"

/* The value of one base64 character; -1 for anything else. */
static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decodes padded standard base64 into out (room for cap bytes); returns the
 * length, failing the test on anything that is not canonical base64.
 */
static size_t b64_decode(const char *s, unsigned char *out, size_t cap)
{
	size_t n = strlen(s), k = 0;

	if (n % 4 != 0)
		fail_msg("base64 \"%s\": length %zu is not a multiple of 4", s, n);
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;
		unsigned long w;

		for (int j = 0; j < 4; j++) {
			if (s[i + j] == '=' && i + 4 == n && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad || (v[j] = b64_val(s[i + j])) < 0)
				fail_msg("base64 \"%s\": bad character at %zu", s, i + j);
		}
		w = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) |
		    ((unsigned long)v[2] << 6) | (unsigned long)v[3];
		if (k + 3 - (size_t)pad > cap)
			fail_msg("base64 \"%s\": decodes to more than %zu bytes", s, cap);
		out[k++] = (unsigned char)(w >> 16);
		if (pad < 2)
			out[k++] = (unsigned char)(w >> 8);
		if (pad < 1)
			out[k++] = (unsigned char)w;
	}
	return k;
}

/* Fails unless the JSON string j holds base64 of exactly the n bytes at want. */
static void expect_b64(const json_t *j, const void *want, size_t n)
{
	unsigned char buf[512];
	size_t got;

	assert_non_null(j);
	assert_true(json_is_string(j));
	got = b64_decode(json_string_value(j), buf, sizeof(buf));
	if (got != n || memcmp(buf, want, n) != 0)
		fail_msg("base64 \"%s\" decodes to %zu bytes, not the %zu expected",
			 json_string_value(j), got, n);
}

/* Fails unless the JSON string j holds exactly the n bytes at want. */
static void expect_jstr(const json_t *j, const void *want, size_t n)
{
	assert_non_null(j);
	assert_true(json_is_string(j));
	if (json_string_length(j) != n || memcmp(json_string_value(j), want, n) != 0)
		fail_msg("string \"%s\" (%zu bytes) differs from the %zu bytes expected",
			 json_string_value(j), json_string_length(j), n);
}

/* Dumps obj (which jansson refuses for invalid UTF-8), loads it back, and fails unless equal. */
static void expect_round_trip(const json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	json_error_t err;
	json_t *back;

	if (!s)
		fail_msg("json_dumps refused the object");
	back = json_loads(s, JSON_ALLOW_NUL, &err);
	if (!back)
		fail_msg("the dumped object does not load back: %s: %s", err.text, s);
	assert_true(json_equal(back, obj));
	json_decref(back);
	free(s);
}

#define VALID(lit) assert_true(sila_utf8_valid(lit, sizeof(lit) - 1))
#define INVALID(lit) assert_false(sila_utf8_valid(lit, sizeof(lit) - 1))

static void test_utf8_valid(void **state)
{
	(void)state;
	VALID("");
	VALID("plain ASCII name.txt");
	VALID("a\0b");                          /* U+0000 is a code point */
	VALID("\x7f");
	VALID("r\xc3\xa5 \xc3\xa4gg \xc3\xb6");  /* å ä ö */
	VALID("\xc3\x85\xc3\x84\xc3\x96");      /* Å Ä Ö */
	VALID("\xc2\x80");                      /* U+0080, the lowest 2-byte */
	VALID("\xdf\xbf");                      /* U+07FF */
	VALID("\xe0\xa0\x80");                  /* U+0800, the lowest 3-byte */
	VALID("\xe2\x80\x93");                  /* en dash */
	VALID("\xed\x9f\xbf");                  /* U+D7FF, just below the surrogates */
	VALID("\xee\x80\x80");                  /* U+E000, just above them */
	VALID("\xef\xbf\xbd");                  /* U+FFFD */
	VALID("\xef\xbf\xbf");                  /* U+FFFF */
	VALID("\xf0\x9f\x98\x80");              /* U+1F600, a 4-byte emoji */
	VALID("x\xf0\x9f\x93\x84y");            /* U+1F4C4 inside a name */
	VALID("\xf0\x90\x80\x80");              /* U+10000, the lowest 4-byte */
	VALID("\xf4\x8f\xbf\xbf");              /* U+10FFFF, the highest */

	INVALID("\xc0\x80");                    /* overlong NUL */
	INVALID("\xc1\xbf");                    /* overlong U+007F */
	INVALID("\xe0\x80\x80");                /* overlong 3-byte */
	INVALID("\xe0\x9f\xbf");                /* overlong U+07FF */
	INVALID("\xf0\x80\x80\x80");            /* overlong 4-byte */
	INVALID("\xf0\x8f\xbf\xbf");            /* overlong U+FFFF */
	INVALID("\xed\xa0\x80");                /* U+D800, a high surrogate */
	INVALID("\xed\xbf\xbf");                /* U+DFFF, a low surrogate */
	INVALID("\xed\xa0\xbd\xed\xb8\x80");    /* a CESU-8 surrogate pair */
	INVALID("\xf4\x90\x80\x80");            /* U+110000 */
	INVALID("\xf5\x80\x80\x80");
	INVALID("\xf8\x88\x80\x80\x80");
	INVALID("\xfc\x84\x80\x80\x80\x80");
	INVALID("\xfe");
	INVALID("\xff");
	INVALID("\x80");                        /* a lone continuation byte */
	INVALID("\xbf");
	INVALID("a\x80z");
	INVALID("\xc3");                        /* truncated 2-byte */
	INVALID("\xe2\x80");                    /* truncated 3-byte */
	INVALID("\xf0\x9f\x98");                /* truncated 4-byte */
	INVALID("\xc3x");                       /* a lead byte followed by ASCII */
	INVALID("\xe2\x28\xa1");
	INVALID("bad\xffname");
	INVALID("\xc3\xa5\xc3");                /* good, then truncated */

	/* Every byte from F5 to FF is invalid anywhere. */
	for (unsigned c = 0xf5; c <= 0xff; c++) {
		char s[5] = { 'a', (char)c, '\x80', '\x80', '\x80' };

		if (sila_utf8_valid(s, sizeof(s)) || sila_utf8_valid(s + 1, 1))
			fail_msg("byte 0x%02X accepted as UTF-8", c);
	}
	/* Only n bytes are looked at: a sequence cut by n is invalid, what follows n ignored. */
	assert_false(sila_utf8_valid("\xc3\xa5", 1));
	assert_true(sila_utf8_valid("ok\xff", 2));

	assert_int_equal(sila_utf8_seq((const unsigned char *)"a", 1), 1);
	assert_int_equal(sila_utf8_seq((const unsigned char *)"\xc3\xa5", 2), 2);
	assert_int_equal(sila_utf8_seq((const unsigned char *)"\xe2\x80\x93", 3), 3);
	assert_int_equal(sila_utf8_seq((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(sila_utf8_seq((const unsigned char *)"\xf0\x9f\x98\x80", 3), 0);
	assert_int_equal(sila_utf8_seq((const unsigned char *)"\xff", 1), 0);
}

static void test_lossy_and_base64(void **state)
{
	static const struct {
		const char *in;
		const char *b64;
	} vec[] = { /* RFC 4648's test vectors */
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	json_t *j;
	int lossy = -1;

	(void)state;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		j = sila_json_base64(vec[i].in, strlen(vec[i].in));
		assert_non_null(j);
		assert_string_equal(json_string_value(j), vec[i].b64);
		json_decref(j);
	}
	j = sila_json_base64("\xff\x00\xfe", 3);
	assert_string_equal(json_string_value(j), "/wD+");
	json_decref(j);

	j = sila_json_lossy_string("r\xc3\xa5", 3, &lossy);
	assert_int_equal(lossy, 0);
	expect_jstr(j, "r\xc3\xa5", 3);
	json_decref(j);

	/* Each byte that does not decode becomes one U+FFFD; good sequences stay. */
	lossy = -1;
	j = sila_json_lossy_string("a\xff\xc3\xa5\x80z", 6, &lossy);
	assert_int_equal(lossy, 1);
	expect_jstr(j, "a\xef\xbf\xbd\xc3\xa5\xef\xbf\xbdz", 10);
	json_decref(j);

	lossy = -1;
	j = sila_json_lossy_string("x\xe2\x80", 3, &lossy);
	assert_int_equal(lossy, 1);
	expect_jstr(j, "x\xef\xbf\xbd\xef\xbf\xbd", 7);
	json_decref(j);

	lossy = -1;
	j = sila_json_lossy_string("\xed\xa0\x80", 3, &lossy);
	assert_int_equal(lossy, 1);
	assert_true(sila_utf8_valid(json_string_value(j), json_string_length(j)));
	assert_null(strstr(json_string_value(j), "\xed\xa0\x80"));
	json_decref(j);
}

static void test_set_name_control(void **state)
{
	static const char name[] = "dir/line one\nline two\t\x01\x1f\x7f\"q\"\\end.txt";
	size_t n = sizeof(name) - 1;
	json_t *obj = json_object();
	char *dump;

	(void)state;
	assert_int_equal(sila_json_set_name(obj, "path", name, n), SILA_OK);
	expect_jstr(json_object_get(obj, "path"), name, n);
	assert_null(json_object_get(obj, "path_b64"));
	assert_int_equal(json_object_size(obj), 1);

	/* JSON escapes the controls: one line, nothing lost. */
	dump = json_dumps(obj, JSON_COMPACT);
	assert_non_null(dump);
	assert_null(strchr(dump, '\n'));
	assert_null(strchr(dump, '\x01'));
	assert_non_null(strstr(dump, "\\n"));
	assert_non_null(strstr(dump, "\\u0001"));
	free(dump);
	expect_round_trip(obj);

	/* A NUL byte is a valid character and survives too. */
	assert_int_equal(sila_json_set_name(obj, "path", "a\0b", 3), SILA_OK);
	expect_jstr(json_object_get(obj, "path"), "a\0b", 3);
	assert_null(json_object_get(obj, "path_b64"));
	expect_round_trip(obj);

	/* Swedish letters and an emoji are written as they are. */
	assert_int_equal(sila_json_set_name(obj, "path", "\xc3\xa5r/\xf0\x9f\x98\x80", 8), SILA_OK);
	expect_jstr(json_object_get(obj, "path"), "\xc3\xa5r/\xf0\x9f\x98\x80", 8);
	assert_null(json_object_get(obj, "path_b64"));
	json_decref(obj);
}

static void test_set_name_invalid(void **state)
{
	static const char bad[] = "bad\xffname";
	static const char bad2[] = "\xc0\x80\n\xed\xa0\x80.txt";
	json_t *obj = json_object();
	const json_t *p;

	(void)state;
	json_object_set_new(obj, "type", json_string("text/plain"));
	assert_int_equal(sila_json_set_name(obj, "path", bad, sizeof(bad) - 1), SILA_OK);
	p = json_object_get(obj, "path");
	expect_jstr(p, "bad\xef\xbf\xbdname", 10);
	expect_b64(json_object_get(obj, "path_b64"), bad, sizeof(bad) - 1);
	expect_round_trip(obj);

	/* Re-setting an invalid name replaces the raw bytes. */
	assert_int_equal(sila_json_set_name(obj, "path", bad2, sizeof(bad2) - 1), SILA_OK);
	p = json_object_get(obj, "path");
	assert_true(sila_utf8_valid(json_string_value(p), json_string_length(p)));
	assert_non_null(strchr(json_string_value(p), '\n'));
	expect_b64(json_object_get(obj, "path_b64"), bad2, sizeof(bad2) - 1);
	expect_round_trip(obj);

	/* Re-setting a valid name removes the stale raw bytes. */
	assert_int_equal(sila_json_set_name(obj, "path", "good.txt", 8), SILA_OK);
	expect_jstr(json_object_get(obj, "path"), "good.txt", 8);
	assert_null(json_object_get(obj, "path_b64"));
	assert_int_equal(json_object_size(obj), 2);

	/* The sibling follows the key's name. */
	assert_int_equal(sila_json_set_name(obj, "link", "\xfe", 1), SILA_OK);
	expect_jstr(json_object_get(obj, "link"), "\xef\xbf\xbd", 3);
	expect_b64(json_object_get(obj, "link_b64"), "\xfe", 1);
	assert_null(json_object_get(obj, "path_b64"));
	expect_round_trip(obj);
	json_decref(obj);
}

/* Fails unless obj's member_b64 holds, element for element, the n names given. */
static void expect_members_raw(const json_t *obj, const char *const *names,
			       const size_t *lens, size_t n)
{
	const json_t *member = json_object_get(obj, "member");
	const json_t *raw = json_object_get(obj, "member_b64");

	assert_true(json_is_array(member));
	assert_true(json_is_array(raw));
	assert_int_equal(json_array_size(member), n);
	assert_int_equal(json_array_size(raw), n);
	for (size_t i = 0; i < n; i++)
		expect_b64(json_array_get(raw, i), names[i], lens[i]);
}

static void test_push_member(void **state)
{
	static const char *const names[] = {
		"outer.zip", "r\xc3\xa5\nd\x01.tar", "n\0ul", "bad\xffname.txt", "after.pdf", "\xc0\xaf",
	};
	static const size_t lens[] = { 9, 10, 4, 12, 9, 2 };
	json_t *obj = json_object();
	const json_t *member;

	(void)state;
	json_object_set_new(obj, "path", json_string("a.zip"));

	/* Valid names only: no member_b64. */
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(sila_json_push_member(obj, names[i], lens[i]), SILA_OK);
		assert_null(json_object_get(obj, "member_b64"));
		member = json_object_get(obj, "member");
		assert_int_equal(json_array_size(member), i + 1);
		expect_jstr(json_array_get(member, i), names[i], lens[i]);
	}
	expect_round_trip(obj);

	/* The first invalid name brings member_b64 with every earlier name's bytes too. */
	assert_int_equal(sila_json_push_member(obj, names[3], lens[3]), SILA_OK);
	member = json_object_get(obj, "member");
	expect_jstr(json_array_get(member, 3), "bad\xef\xbf\xbdname.txt", 14);
	expect_members_raw(obj, names, lens, 4);
	expect_round_trip(obj);

	/* Later names, valid or not, keep the two arrays in step. */
	assert_int_equal(sila_json_push_member(obj, names[4], lens[4]), SILA_OK);
	expect_members_raw(obj, names, lens, 5);
	assert_int_equal(sila_json_push_member(obj, names[5], lens[5]), SILA_OK);
	expect_members_raw(obj, names, lens, 6);
	member = json_object_get(obj, "member");
	expect_jstr(json_array_get(member, 4), "after.pdf", 9);
	expect_jstr(json_array_get(member, 5), "\xef\xbf\xbd\xef\xbf\xbd", 6);
	expect_round_trip(obj);

	/* Key order: path, member, member_b64. */
	{
		void *it = json_object_iter(obj);

		assert_string_equal(json_object_iter_key(it), "path");
		it = json_object_iter_next(obj, it);
		assert_string_equal(json_object_iter_key(it), "member");
		it = json_object_iter_next(obj, it);
		assert_string_equal(json_object_iter_key(it), "member_b64");
		assert_null(json_object_iter_next(obj, it));
	}
	json_decref(obj);

	/* An invalid first name: member_b64 from the start. */
	obj = json_object();
	assert_int_equal(sila_json_push_member(obj, names[3], lens[3]), SILA_OK);
	expect_members_raw(obj, names + 3, lens + 3, 1);
	assert_int_equal(sila_json_push_member(obj, names[0], lens[0]), SILA_OK);
	{
		const char *const two[] = { names[3], names[0] };
		const size_t two_lens[] = { lens[3], lens[0] };

		expect_members_raw(obj, two, two_lens, 2);
	}
	expect_round_trip(obj);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_lossy_and_base64),
		cmocka_unit_test(test_set_name_control),
		cmocka_unit_test(test_set_name_invalid),
		cmocka_unit_test(test_push_member),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
