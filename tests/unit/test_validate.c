/*
 * test_validate.c - unit tests for core/validate.c.
 *
 * The Swedish parsers are held to the personnummer project's cross-language
 * conformance data and to Skatteverket's published test personnummer, both
 * read from the shared test data directory ($SILA_SHARED, else ../shared).
 * Apart from those files, the only Swedish number used as valid is the
 * public test identity 19121212-1212.
 *
 * Every other number is constructed here: the test computes its check
 * digits from a fixed date with its own implementation of each algorithm,
 * written differently from validate.c's. The dates are chosen so that no
 * real person is implied where the format allows it: years in the future,
 * or long before the number series existed (samordningsnummer born 1812,
 * Norwegian and Danish numbers for 1855-1858 or the 2030s-2090s, Finnish
 * codes for 1855, 1896, 1900 or the 2090s). Invalid cases that need a
 * correct checksum get one together with an impossible date. Card numbers
 * are the card networks' published test numbers, and the two real-looking
 * IBANs are the published examples.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "validate.h"

/*
 * Scan dates: one for the conformance data and the '-' forms, and one in
 * which people born in the 2000s are over 100.
 */
static const struct sila_date today_2025 = { 2025, 6, 1 };
static const struct sila_date today_2110 = { 2110, 6, 1 };

/* Loads a personnummer project conformance file, failing if it cannot. */
static json_t *load_meta(const char *file)
{
	char path[1024];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/testdata/personnummer-meta/%s",
		 test_shared_dir(), file);
	j = json_load_file(path, 0, &err);
	if (j == NULL)
		fail_msg("cannot load %s: %s", path, err.text);
	return j;
}

/* The string member key of the JSON object e, or NULL. */
static const char *jstr(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

/* Parses s as a whole and fails, naming s, unless the kind is want. */
static void expect_kind(const char *s, const struct sila_date *today,
			int allow_interim, enum sila_pnr_kind want,
			struct sila_pnr *out)
{
	struct sila_pnr p;
	enum sila_pnr_kind got;

	got = sila_pnr_parse(s, strlen(s), today, allow_interim, &p);
	if (got != want)
		fail_msg("\"%s\" (interim %s): kind %d, expected %d", s,
			 allow_interim ? "on" : "off", (int)got, (int)want);
	if (got != p.kind)
		fail_msg("\"%s\": returned kind %d but out->kind %d", s,
			 (int)got, (int)p.kind);
	if (out != NULL)
		*out = p;
}

/* Fails, naming both strings, unless they are equal. */
static void expect_str(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("%s: \"%s\", expected \"%s\"", what, got, want);
}

/*
 * Puts num between prefix and suffix and runs the validator called name with
 * the match ending right after num. When it reports a number, the span must
 * be exactly num's.
 */
static int find_in(const char *name, const char *prefix, const char *num,
		   const char *suffix, const struct sila_vctx *ctx,
		   struct sila_id *id)
{
	const struct sila_validator *v = sila_validator_find(name);
	char text[256];
	size_t start = strlen(prefix), end = start + strlen(num);
	int r;

	assert_non_null(v);
	snprintf(text, sizeof(text), "%s%s%s", prefix, num, suffix);
	memset(id, 0, sizeof(*id));
	r = v->fn(text, strlen(text), end, ctx, id);
	if (r && (id->start != start || id->end != end))
		fail_msg("%s in \"%s\": span %zu-%zu, expected %zu-%zu", name,
			 text, id->start, id->end, start, end);
	return r;
}

/* Runs the validator called name on all of text, the match ending at end. */
static int run_at(const char *name, const char *text, size_t end,
		  const struct sila_vctx *ctx, struct sila_id *id)
{
	const struct sila_validator *v = sila_validator_find(name);

	assert_non_null(v);
	memset(id, 0, sizeof(*id));
	return v->fn(text, strlen(text), end, ctx, id);
}

/*
 * Appends the Luhn check digit of a Swedish number written as body (any
 * form, without the check digit): the weights 2,1,2,... run from the left
 * over the last nine digits.
 */
static void pnr_with_check(const char *body, char *out, size_t cap)
{
	char d[16];
	size_t nd = 0, i;
	int sum = 0, p;

	for (i = 0; body[i] != '\0'; i++)
		if (body[i] >= '0' && body[i] <= '9' && nd < sizeof(d))
			d[nd++] = body[i];
	assert_true(nd >= 9);
	for (i = 0; i < 9; i++) {
		p = (d[nd - 9 + i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += p / 10 + p % 10;
	}
	snprintf(out, cap, "%s%d", body, (10 - sum % 10) % 10);
}

/*
 * Asserts that the last ten digits of a constructed Swedish number pass
 * sila_luhn_ok, so that whatever else rejects it is not the check digit.
 */
static void assert_luhn_right(const char *s)
{
	char d[16];
	size_t nd = 0, i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] >= '0' && s[i] <= '9' && nd < sizeof(d))
			d[nd++] = s[i];
	assert_true(nd >= 10);
	if (!sila_luhn_ok(d + nd - 10, 10))
		fail_msg("\"%s\" was meant to pass Luhn", s);
}

/* Appends a Luhn check digit to the digits in body, weighing from the right. */
static void card_with_check(const char *body, char *out, size_t cap)
{
	size_t n = strlen(body), i;
	int sum = 0, p;

	for (i = 0; i < n; i++) {
		p = body[n - 1 - i] - '0';
		if (i % 2 == 0)
			p = p * 2 > 9 ? p * 2 - 9 : p * 2;
		sum += p;
	}
	snprintf(out, cap, "%s%d", body, (10 - sum % 10) % 10);
}

static void test_date_valid(void **state)
{
	(void)state;
	assert_true(sila_date_valid(2000, 2, 29));
	assert_false(sila_date_valid(1900, 2, 29));
	assert_true(sila_date_valid(2004, 2, 29));
	assert_false(sila_date_valid(2001, 2, 29));
	assert_true(sila_date_valid(2001, 2, 28));
	assert_false(sila_date_valid(2100, 2, 29));
	assert_false(sila_date_valid(2023, 4, 31));
	assert_true(sila_date_valid(2023, 4, 30));
	assert_true(sila_date_valid(2023, 12, 31));
	assert_true(sila_date_valid(2023, 1, 31));
	assert_false(sila_date_valid(2023, 1, 32));
	assert_false(sila_date_valid(2023, 0, 10));
	assert_false(sila_date_valid(2023, 13, 10));
	assert_false(sila_date_valid(2023, 6, 0));
}

/*
 * Today's date must be the local calendar date; a second reading covers a
 * midnight in between.
 */
static void test_date_today(void **state)
{
	struct sila_date d;
	struct tm a, b;
	time_t t;

	(void)state;
	t = time(NULL);
	assert_non_null(localtime_r(&t, &a));
	sila_date_today(&d);
	t = time(NULL);
	assert_non_null(localtime_r(&t, &b));
	assert_true(sila_date_valid(d.year, d.month, d.day));
	if (!(d.year == a.tm_year + 1900 && d.month == a.tm_mon + 1 &&
	      d.day == a.tm_mday) &&
	    !(d.year == b.tm_year + 1900 && d.month == b.tm_mon + 1 &&
	      d.day == b.tm_mday))
		fail_msg("sila_date_today gave %d-%d-%d", d.year, d.month,
			 d.day);
}

static void test_luhn(void **state)
{
	(void)state;
	assert_true(sila_luhn_ok("79927398713", 11));
	assert_false(sila_luhn_ok("79927398710", 11));
	assert_true(sila_luhn_ok("1212121212", 10));
	assert_false(sila_luhn_ok("1212121213", 10));
	assert_false(sila_luhn_ok("2121212121", 10));
	assert_true(sila_luhn_ok("0", 1));
	assert_false(sila_luhn_ok("", 0));
	assert_false(sila_luhn_ok("12a4", 4));
	/* Only the first n bytes count. */
	assert_true(sila_luhn_ok("12121212129999", 10));
}

/* The Swedish validators must agree with the parser on a conformance string. */
static void expect_validators(const char *s, enum sila_pnr_kind want,
			      int allow_interim)
{
	struct sila_vctx ctx = { today_2025, allow_interim };
	struct sila_id id;

	if (find_in("personnummer", "Personnummer: ", s, ", tel 08-123",
		    &ctx, &id) != (want == SILA_PNR_PERSONNUMMER))
		fail_msg("personnummer validator disagrees on \"%s\"", s);
	if (find_in("samordningsnummer", "Nr ", s, ".", &ctx, &id) !=
	    (want == SILA_PNR_SAMORDNING))
		fail_msg("samordningsnummer validator disagrees on \"%s\"", s);
	if (find_in("interim", "(", s, ")", &ctx, &id) !=
	    (want == SILA_PNR_INTERIM))
		fail_msg("interim validator disagrees on \"%s\"", s);
}

/*
 * list.json: all four textual forms of each entry must be judged as the
 * entry says, by the parser and by the validators. Valid entries must also
 * give the canonical form and, where the form has a separator, the century
 * of the long form.
 */
static void test_conformance_list(void **state)
{
	static const char *const forms[] = {
		"long_format", "short_format", "separated_format",
		"separated_long"
	};
	json_t *root = load_meta("list.json"), *e;
	size_t i, f, nvalid = 0, ninvalid = 0;

	(void)state;
	assert_true(json_is_array(root));
	json_array_foreach(root, i, e) {
		int valid = json_is_true(json_object_get(e, "valid"));
		const char *type = jstr(e, "type");
		const char *lng = jstr(e, "long_format");
		const char *sepl = jstr(e, "separated_long");
		enum sila_pnr_kind want = SILA_PNR_INVALID;
		char canon[16];

		assert_non_null(type);
		assert_non_null(lng);
		assert_non_null(sepl);
		if (valid && strcmp(type, "ssn") == 0)
			want = SILA_PNR_PERSONNUMMER;
		else if (valid && strcmp(type, "con") == 0)
			want = SILA_PNR_SAMORDNING;
		else
			assert_false(valid);
		for (f = 0; f < 4; f++) {
			const char *s = jstr(e, forms[f]);
			struct sila_pnr p;

			assert_non_null(s);
			expect_kind(s, &today_2025, 0, want, &p);
			expect_kind(s, &today_2025, 1, want, NULL);
			expect_validators(s, want, 1);
			if (want == SILA_PNR_INVALID) {
				ninvalid++;
				continue;
			}
			nvalid++;
			if (f == 0) {
				snprintf(canon, sizeof(canon), "%.8s-%.4s",
					 lng, lng + 8);
				expect_str(s, p.canon, canon);
			} else if (f >= 2) {
				expect_str(s, p.canon, sepl);
			}
		}
	}
	/* The file has 8 valid and 6 invalid entries of four forms each. */
	assert_int_equal(nvalid, 32);
	assert_int_equal(ninvalid, 24);
	json_decref(root);
}

/* structured.json: every string listed as valid or invalid, for ssn and con. */
static void test_conformance_structured(void **state)
{
	static const char *const types[] = { "ssn", "con" };
	json_t *root = load_meta("structured.json");
	size_t t, i, count = 0;

	(void)state;
	for (t = 0; t < 2; t++) {
		json_t *str = json_object_get(json_object_get(root, types[t]),
					      "string");
		json_t *valid = json_object_get(str, "valid");
		json_t *invalid = json_object_get(str, "invalid");
		enum sila_pnr_kind want = t == 0 ? SILA_PNR_PERSONNUMMER :
						   SILA_PNR_SAMORDNING;
		json_t *v;

		assert_true(json_is_array(valid));
		assert_true(json_is_array(invalid));
		json_array_foreach(valid, i, v) {
			assert_true(json_is_string(v));
			expect_kind(json_string_value(v), &today_2025, 0, want,
				    NULL);
			count++;
		}
		json_array_foreach(invalid, i, v) {
			assert_true(json_is_string(v));
			expect_kind(json_string_value(v), &today_2025, 0,
				    SILA_PNR_INVALID, NULL);
			count++;
		}
	}
	assert_int_equal(count, 56);
	json_decref(root);
}

/*
 * interim.json: valid only with interim numbers allowed, and never as
 * another kind.
 */
static void test_conformance_interim(void **state)
{
	static const char *const forms[] = {
		"long_format", "short_format", "separated_format",
		"separated_long"
	};
	json_t *root = load_meta("interim.json"), *e;
	size_t i, f, nvalid = 0;

	(void)state;
	assert_true(json_is_array(root));
	json_array_foreach(root, i, e) {
		int valid = json_is_true(json_object_get(e, "valid"));
		const char *sepl = jstr(e, "separated_long");

		assert_string_equal(jstr(e, "type"), "interim");
		assert_non_null(sepl);
		for (f = 0; f < 4; f++) {
			const char *s = jstr(e, forms[f]);
			struct sila_pnr p;

			assert_non_null(s);
			expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
			expect_kind(s, &today_2025, 1,
				    valid ? SILA_PNR_INTERIM : SILA_PNR_INVALID,
				    &p);
			expect_validators(s, valid ? SILA_PNR_INTERIM :
					     SILA_PNR_INVALID, 1);
			expect_validators(s, SILA_PNR_INVALID, 0);
			if (valid) {
				expect_str(s, p.canon, sepl);
				nvalid++;
			}
		}
	}
	assert_int_equal(nvalid, 44);
	json_decref(root);
}

/*
 * orgnumber.json: valid organisationsnummer that must never pass as a
 * personal number.
 */
static void test_conformance_orgnumber(void **state)
{
	static const char *const forms[] = {
		"short_format", "separated_format"
	};
	json_t *root = load_meta("orgnumber.json"), *e;
	struct sila_vctx ctx = { today_2025, 1 };
	struct sila_id id;
	size_t i, f, count = 0;

	(void)state;
	assert_true(json_is_array(root));
	json_array_foreach(root, i, e) {
		const char *sep = jstr(e, "separated_format");

		assert_non_null(sep);
		for (f = 0; f < 2; f++) {
			const char *s = jstr(e, forms[f]);

			assert_non_null(s);
			expect_kind(s, &today_2025, 1, SILA_PNR_INVALID, NULL);
			if (!sila_orgnr_valid(s, strlen(s)))
				fail_msg("\"%s\" should be a valid orgnr", s);
			expect_validators(s, SILA_PNR_INVALID, 1);
			assert_true(find_in("orgnr", "Org.nr ", s, ".", &ctx,
					    &id));
			expect_str(s, id.canon, sep);
			expect_str(s, id.masked, sep);
			assert_int_equal(id.strong, 1);
			count++;
		}
	}
	assert_int_equal(count, 12);
	json_decref(root);
}

/*
 * Checks one written form of a Skatteverket test number through the parser
 * and through the personnummer validator in a sentence.
 */
static void check_skv_form(const char *form, const char *line,
			   const struct sila_date *today, char sep)
{
	struct sila_vctx ctx = { *today, 0 };
	struct sila_pnr p;
	struct sila_id id;
	char canon[16], masked[16];

	snprintf(canon, sizeof(canon), "%.8s%c%.4s", line, sep, line + 8);
	snprintf(masked, sizeof(masked), "%.8s%c****", line, sep);
	expect_kind(form, today, 0, SILA_PNR_PERSONNUMMER, &p);
	expect_str(form, p.canon, canon);
	expect_str(form, p.masked, masked);
	if (p.year != (line[0] - '0') * 1000 + (line[1] - '0') * 100 +
		      (line[2] - '0') * 10 + (line[3] - '0') ||
	    p.month != (line[4] - '0') * 10 + (line[5] - '0') ||
	    p.day != (line[6] - '0') * 10 + (line[7] - '0'))
		fail_msg("\"%s\": date %d-%d-%d", form, p.year, p.month, p.day);
	if (!find_in("personnummer", "Personnummer: ", form,
		     ", tel 08-123 45 67.", &ctx, &id))
		fail_msg("personnummer validator missed \"%s\"", form);
	expect_str(form, id.canon, canon);
	expect_str(form, id.masked, masked);
	assert_int_equal(id.strong, 1);
	if (find_in("samordningsnummer", "Personnummer: ", form, ".", &ctx,
		    &id))
		fail_msg("\"%s\" taken for a samordningsnummer", form);
}

/*
 * Every Skatteverket test personnummer (all born 2000-2009) in all six
 * forms. The '-' and unseparated short forms are read in 2025; the '+'
 * forms in 2110, when these people are over 100.
 */
static void test_skatteverket(void **state)
{
	char path[1024], line[64], form[32];
	size_t count = 0, n;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path),
		 "%s/testdata/skatteverket/testpersonnummer-2000-2009.csv",
		 test_shared_dir());
	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || strcmp(line, "Testpersonnummer") == 0)
			continue;
		if (n != 12 || strspn(line, "0123456789") != 12)
			fail_msg("unexpected line \"%s\" in %s", line, path);

		check_skv_form(line, line, &today_2025, '-');
		snprintf(form, sizeof(form), "%.8s-%.4s", line, line + 8);
		check_skv_form(form, line, &today_2025, '-');
		snprintf(form, sizeof(form), "%.6s-%.4s", line + 2, line + 8);
		check_skv_form(form, line, &today_2025, '-');
		snprintf(form, sizeof(form), "%.10s", line + 2);
		check_skv_form(form, line, &today_2025, '-');
		snprintf(form, sizeof(form), "%.6s+%.4s", line + 2, line + 8);
		check_skv_form(form, line, &today_2110, '+');
		snprintf(form, sizeof(form), "%.8s+%.4s", line, line + 8);
		check_skv_form(form, line, &today_2110, '+');
		count++;
	}
	fclose(fp);
	/* The 2000-2009 file holds 7323 numbers. */
	assert_true(count > 7000);
}

/* The public test identity in every form, the century rules, separators. */
static void test_pnr_forms(void **state)
{
	static const char *const hyphens[] = {
		"\xE2\x80\x90", "\xE2\x80\x91", "\xE2\x80\x92",
		"\xE2\x80\x93", "\xE2\x88\x92"
	};
	static const struct sila_date y2012 = { 2012, 12, 11 };
	static const struct sila_date y2011 = { 2011, 12, 31 };
	static const struct sila_date y1913 = { 2013, 1, 1 };
	struct sila_pnr p;
	char s[32];
	size_t i;

	(void)state;
	expect_kind("19121212-1212", &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
	expect_str("canon", p.canon, "19121212-1212");
	expect_str("masked", p.masked, "19121212-****");
	assert_int_equal(p.year, 1912);
	assert_int_equal(p.month, 12);
	assert_int_equal(p.day, 12);
	expect_kind("191212121212", &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
	expect_str("canon", p.canon, "19121212-1212");
	expect_kind("19121212+1212", &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
	expect_str("canon", p.canon, "19121212+1212");
	expect_str("masked", p.masked, "19121212+****");

	/* A short number is the most recent year not after today ... */
	expect_kind("1212121212", &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
	expect_str("canon", p.canon, "20121212-1212");
	expect_kind("121212-1212", &y2012, 0, SILA_PNR_PERSONNUMMER, &p);
	assert_int_equal(p.year, 2012);
	expect_kind("121212-1212", &y2011, 0, SILA_PNR_PERSONNUMMER, &p);
	assert_int_equal(p.year, 1912);
	/* ... and with '+' not after today minus 100 years. */
	expect_kind("121212+1212", &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
	expect_str("canon", p.canon, "19121212+1212");
	expect_str("masked", p.masked, "19121212+****");
	expect_kind("121212+1212", &y1913, 0, SILA_PNR_PERSONNUMMER, &p);
	assert_int_equal(p.year, 1912);
	expect_kind("121212+1212", &y2012, 0, SILA_PNR_PERSONNUMMER, &p);
	assert_int_equal(p.year, 1912);
	expect_kind("121212+1212", &y2011, 0, SILA_PNR_PERSONNUMMER, &p);
	assert_int_equal(p.year, 1812);
	/* Without a date the parser uses today's, which is after 2012. */
	expect_kind("121212-1212", NULL, 0, SILA_PNR_PERSONNUMMER, &p);
	expect_str("canon", p.canon, "20121212-1212");

	/* Word-processor hyphens read as '-'. */
	for (i = 0; i < sizeof(hyphens) / sizeof(hyphens[0]); i++) {
		snprintf(s, sizeof(s), "19121212%s1212", hyphens[i]);
		expect_kind(s, &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
		expect_str(s, p.canon, "19121212-1212");
		snprintf(s, sizeof(s), "121212%s1212", hyphens[i]);
		expect_kind(s, &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
		expect_str(s, p.canon, "20121212-1212");
	}
	/* Other dashes, spaces, and doubled or cut hyphens do not separate. */
	expect_kind("19121212\xE2\x80\x94" "1212", &today_2025, 0,
		    SILA_PNR_INVALID, NULL);
	expect_kind("19121212\xE2\x80\x95" "1212", &today_2025, 0,
		    SILA_PNR_INVALID, NULL);
	expect_kind("19121212\xE2\x80" "1212", &today_2025, 0,
		    SILA_PNR_INVALID, NULL);
	expect_kind("19121212 1212", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("121212 1212", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("19121212--1212", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("19121212+-1212", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("1912121-21212", &today_2025, 0, SILA_PNR_INVALID, NULL);

	/* The parse also works without an output struct. */
	assert_int_equal(sila_pnr_parse("19121212-1212", 13, &today_2025, 0,
					NULL),
			 SILA_PNR_PERSONNUMMER);
	/* n, not the terminator, ends the string. */
	assert_int_equal(sila_pnr_parse("19121212-12125", 13, &today_2025, 0,
					NULL),
			 SILA_PNR_PERSONNUMMER);
}

/* Numbers that are wrong in one respect each. */
static void test_pnr_invalid(void **state)
{
	char s[32];
	int c;

	(void)state;
	/* Every wrong check digit of the test identity. */
	for (c = 0; c <= 9; c++) {
		if (c == 2)
			continue;
		snprintf(s, sizeof(s), "19121212-121%d", c);
		expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
		snprintf(s, sizeof(s), "121212121%d", c);
		expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	}
	/* Luhn ignores the century, so these fail on the century alone. */
	expect_kind("17121212-1212", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("21121212-1212", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("20121212-1212", &today_2025, 0, SILA_PNR_PERSONNUMMER,
		    NULL);

	/* Constructed with a correct check digit and an impossible date. */
	pnr_with_check("19121212-121", s, sizeof(s));
	expect_str("helper", s, "19121212-1212");
	pnr_with_check("19120431-123", s, sizeof(s));
	assert_luhn_right(s);
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("19121312-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("19121232-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("19121200-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("19120012-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	/* Birth number 000 is never issued. */
	pnr_with_check("19121212-000", s, sizeof(s));
	assert_luhn_right(s);
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);

	/* Shapes. */
	expect_kind("", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("19121212-121", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("19121212-12122", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("121212121", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("12121212122", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("19121212-12A2", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("1912121a-1212", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind(" 19121212-1212", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("19121212-1212 ", &today_2025, 0, SILA_PNR_INVALID, NULL);
	assert_int_equal(sila_pnr_parse(NULL, 0, &today_2025, 0, NULL),
			 SILA_PNR_INVALID);
}

/* Leap days are judged in the century the number resolves to. */
static void test_pnr_leap_days(void **state)
{
	static const struct sila_date y2101 = { 2101, 1, 1 };
	char s[32];
	struct sila_pnr p;

	(void)state;
	expect_kind("20000229-2399", &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
	assert_int_equal(p.day, 29);
	expect_kind("000229-2399", &today_2025, 0, SILA_PNR_PERSONNUMMER, &p);
	assert_int_equal(p.year, 2000);
	/* The same digits in 1900 or 2100 name a day that did not exist. */
	expect_kind("000229+2399", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("000229-2399", &y2101, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("19000229-123", s, sizeof(s));
	assert_luhn_right(s);
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind(s + 2, &today_2025, 0, SILA_PNR_PERSONNUMMER, NULL);
}

/*
 * Samordningsnummer: day + 60, and month 00 or day 60 for what is not
 * known. These are built for 1812, before anyone now living was born.
 */
static void test_samordning(void **state)
{
	struct sila_vctx ctx = { today_2025, 0 };
	struct sila_id id;
	struct sila_pnr p;
	char s[32];

	(void)state;
	expect_kind("19730288-9931", &today_2025, 0, SILA_PNR_SAMORDNING, &p);
	assert_int_equal(p.day, 28);
	assert_int_equal(p.month, 2);
	expect_str("canon", p.canon, "19730288-9931");

	pnr_with_check("18121272-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_SAMORDNING, &p);
	assert_int_equal(p.day, 12);
	pnr_with_check("18121260-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_SAMORDNING, &p);
	assert_int_equal(p.month, 12);
	assert_int_equal(p.day, 0);
	pnr_with_check("18120060-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_SAMORDNING, &p);
	assert_int_equal(p.month, 0);
	assert_int_equal(p.day, 0);
	pnr_with_check("18120072-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_SAMORDNING, &p);
	assert_int_equal(p.month, 0);
	assert_int_equal(p.day, 12);
	pnr_with_check("18120091-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_SAMORDNING, NULL);
	pnr_with_check("18120490-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_SAMORDNING, NULL);
	pnr_with_check("18120289-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_SAMORDNING, NULL);

	/* Unknown month or day is for samordningsnummer only. */
	pnr_with_check("18120012-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("18121200-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	/* 31 April, 29 February 1813, day 92 and days 32-59 are no dates. */
	pnr_with_check("18120491-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("18130289-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("18121292-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("18120092-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("18121259-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);
	pnr_with_check("18121332-123", s, sizeof(s));
	expect_kind(s, &today_2025, 0, SILA_PNR_INVALID, NULL);

	/* Each validator takes only its own kind. */
	pnr_with_check("18120060-123", s, sizeof(s));
	assert_true(find_in("samordningsnummer", "Sam.nr ", s, ".", &ctx, &id));
	expect_str("canon", id.canon, s);
	assert_false(find_in("personnummer", "Sam.nr ", s, ".", &ctx, &id));
	assert_false(find_in("samordningsnummer", "Pnr ", "19121212-1212",
			     ".", &ctx, &id));
}

/* Interim numbers: the letters, the switch, and the other validators. */
static void test_interim(void **state)
{
	struct sila_vctx on = { today_2025, 1 }, off = { today_2025, 0 };
	struct sila_id id;
	struct sila_pnr p;

	(void)state;
	expect_kind("000101-T220", &today_2025, 1, SILA_PNR_INTERIM, &p);
	expect_str("canon", p.canon, "20000101-T220");
	expect_str("masked", p.masked, "20000101-****");
	expect_kind("000101+T220", &today_2025, 1, SILA_PNR_INTERIM, &p);
	expect_str("canon", p.canon, "19000101+T220");
	expect_kind("000101-T220", &today_2025, 0, SILA_PNR_INVALID, NULL);
	expect_kind("000101-t220", &today_2025, 1, SILA_PNR_INVALID, NULL);
	expect_kind("000101-T221", &today_2025, 1, SILA_PNR_INVALID, NULL);
	expect_kind("000101-2T20", &today_2025, 1, SILA_PNR_INVALID, NULL);
	expect_kind("000101-A220", &today_2025, 1, SILA_PNR_INVALID, NULL);
	/* Day 32 with the check digit that would be right for it. */
	assert_true(sila_luhn_ok("0001321223", 10));
	expect_kind("000132-T223", &today_2025, 1, SILA_PNR_INVALID, NULL);

	assert_true(find_in("interim", "Interimsnr: ", "20000101-T220", ".",
			    &on, &id));
	expect_str("canon", id.canon, "20000101-T220");
	expect_str("masked", id.masked, "20000101-****");
	assert_int_equal(id.strong, 1);
	assert_false(find_in("interim", "Interimsnr: ", "20000101-T220", ".",
			     &off, &id));
	assert_false(find_in("interim", "Interimsnr: ", "20000101-T220", ".",
			     NULL, &id));
	assert_false(find_in("personnummer", "Interimsnr: ", "20000101-T220",
			     ".", &on, &id));
	assert_false(find_in("interim", "Pnr: ", "19121212-1212", ".", &on,
			     &id));
	assert_false(find_in("interim", "Nr: X", "000101T220", ".", &on, &id));
}

/* Where a personnummer may start and end in running text. */
static void test_pnr_boundaries(void **state)
{
	struct sila_vctx ctx = { today_2025, 0 };
	const char *t;
	struct sila_id id;
	size_t end;

	(void)state;
	t = "pnr:19121212-1212,";
	assert_true(run_at("personnummer", t, 17, &ctx, &id));
	assert_int_equal(id.start, 4);
	assert_int_equal(id.end, 17);
	expect_str("canon", id.canon, "19121212-1212");
	expect_str("masked", id.masked, "19121212-****");
	assert_int_equal(id.strong, 1);
	/* A match end inside or past the number finds nothing. */
	assert_false(run_at("personnummer", t, 16, &ctx, &id));
	assert_false(run_at("personnummer", t, 18, &ctx, &id));
	assert_false(run_at("personnummer", t, 19, &ctx, &id));
	assert_false(run_at("personnummer", t, 0, &ctx, &id));

	/* Glued to letters. */
	assert_false(run_at("personnummer", "ABC1912121212", 13, &ctx, &id));
	assert_false(find_in("personnummer", "ABC", "191212121212", "", &ctx,
			     &id));
	assert_true(find_in("personnummer", "ABC ", "191212121212", "", &ctx,
			    &id));
	assert_false(find_in("personnummer", "x", "19121212-1212", "", &ctx,
			     &id));
	assert_false(find_in("personnummer", "", "19121212-1212", "abc", &ctx,
			     &id));
	assert_true(find_in("personnummer", "", "19121212-1212", " abc", &ctx,
			    &id));
	assert_false(find_in("personnummer", "", "121212-1212", "Z", &ctx,
			     &id));

	/* Inside a longer run of digits, at every end offset. */
	t = "119121212121212";
	for (end = 0; end <= strlen(t); end++)
		if (run_at("personnummer", t, end, &ctx, &id))
			fail_msg("found %s in \"%s\" ending at %zu", id.canon,
				 t, end);
	assert_false(find_in("personnummer", "", "19121212-1212", "3", &ctx,
			     &id));
	assert_false(find_in("personnummer", "7", "1212121212", "", &ctx, &id));
	assert_true(find_in("personnummer", "7 ", "1212121212", "", &ctx, &id));
	expect_str("canon", id.canon, "20121212-1212");

	/* Bytes of UTF-8 characters are boundaries. */
	assert_true(find_in("personnummer", "Pnr\xC2\xA0", "19121212-1212",
			    "\xC2\xA0", &ctx, &id));
	assert_true(find_in("personnummer", "\xC3\xA9", "19121212-1212", "",
			    &ctx, &id));
	/* An en dash inside, long and short form. */
	assert_true(find_in("personnummer", "Pnr ",
			    "19121212\xE2\x80\x93" "1212", ".", &ctx, &id));
	expect_str("canon", id.canon, "19121212-1212");
	assert_true(find_in("personnummer", "Pnr ", "121212\xE2\x88\x92" "1212",
			    ".", &ctx, &id));
	expect_str("canon", id.canon, "20121212-1212");
	assert_true(find_in("personnummer", "f\xC3\xB6" "dd ", "121212+1212",
			    " i", &ctx, &id));
	expect_str("canon", id.canon, "19121212+1212");
	expect_str("masked", id.masked, "19121212+****");
	/* Without a context the scan date is today's. */
	assert_true(find_in("personnummer", "", "19121212-1212", "", NULL,
			    &id));

	assert_false(run_at("personnummer", "19121212-1212", 14, &ctx, &id));
	assert_false(sila_validator_find("personnummer")->fn(NULL, 0, 0, &ctx,
							    &id));
}

/* Organisationsnummer in all their forms. */
static void test_orgnr(void **state)
{
	static const char *const valid[] = {
		"212000-0142", "556036-0793", "5560360793", "165560360793",
		"16556036-0793", "SE556036079301",
		("556036\xE2\x80\x93" "0793"),
	};
	static const char *const invalid[] = {
		"556036-0794", "SE556036079302", "SE55603607930",
		"SE 556036079301", "se556036079301", "175560360793",
		"1655603607930", "556036 0793", "556036--0793", "55603-60793",
		"5560360793 ", "", "16",
	};
	struct sila_vctx ctx = { today_2025, 0 };
	struct sila_id id;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (!sila_orgnr_valid(valid[i], strlen(valid[i])))
			fail_msg("\"%s\" should be valid", valid[i]);
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (sila_orgnr_valid(invalid[i], strlen(invalid[i])))
			fail_msg("\"%s\" should be invalid", invalid[i]);
	/* Luhn holds, but a third digit below 2 is a personnummer's month. */
	assert_true(sila_luhn_ok("1212121212", 10));
	assert_false(sila_orgnr_valid("121212-1212", 11));
	assert_false(sila_orgnr_valid("1212121212", 10));

	assert_true(find_in("orgnr", "Org.nr ", "556036-0793", ".", &ctx, &id));
	expect_str("canon", id.canon, "556036-0793");
	expect_str("masked", id.masked, "556036-0793");
	assert_int_equal(id.strong, 1);
	assert_true(find_in("orgnr", "Org.nr ", "5560360793", ".", &ctx, &id));
	expect_str("canon", id.canon, "556036-0793");
	assert_true(find_in("orgnr", "", "165560360793", "", &ctx, &id));
	expect_str("canon", id.canon, "556036-0793");
	assert_true(find_in("orgnr", "", "16556036\xE2\x80\x91" "0793", "",
			    &ctx, &id));
	expect_str("canon", id.canon, "556036-0793");
	assert_true(find_in("orgnr", "Momsreg.nr ", "SE556036079301", ".",
			    &ctx, &id));
	expect_str("canon", id.canon, "SE556036079301");
	expect_str("masked", id.masked, "SE556036079301");
	assert_false(find_in("orgnr", "X", "SE556036079301", "", &ctx, &id));
	assert_false(find_in("orgnr", "", "SE556036079301", "0", &ctx, &id));
	assert_false(find_in("orgnr", "1", "556036-0793", "", &ctx, &id));
	assert_false(find_in("orgnr", "", "556036-0793", "1", &ctx, &id));
	assert_false(find_in("orgnr", "Pnr ", "19121212-1212", "", &ctx, &id));
	assert_false(find_in("personnummer", "Org.nr ", "556036-0793", ".",
			     &ctx, &id));
}

/* The two mod-11 check digits of a fødselsnummer, -1 for the impossible 10. */
static int no_check(const char *d, int second)
{
	static const int w1[] = { 3, 7, 6, 1, 8, 9, 4, 5, 2 };
	static const int w2[] = { 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 };
	int i, sum = 0, r;

	for (i = 0; i < (second ? 10 : 9); i++)
		sum += (d[i] - '0') * (second ? w2[i] : w1[i]);
	r = 11 - sum % 11;
	if (r == 11)
		r = 0;
	return r == 10 ? -1 : r;
}

/*
 * Builds an 11-digit fødselsnummer for the six digits dmy from the first
 * individual number at or above ind whose check digits both exist, and
 * returns that individual number.
 */
static int no_build(const char *dmy, int ind, char *out)
{
	int k1, k2;

	for (; ind <= 999; ind++) {
		memcpy(out, dmy, 6);
		out[6] = (char)('0' + ind / 100);
		out[7] = (char)('0' + ind / 10 % 10);
		out[8] = (char)('0' + ind % 10);
		k1 = no_check(out, 0);
		if (k1 < 0)
			continue;
		out[9] = (char)('0' + k1);
		k2 = no_check(out, 1);
		if (k2 < 0)
			continue;
		out[10] = (char)('0' + k2);
		out[11] = '\0';
		return ind;
	}
	fail_msg("no fødselsnummer for %s", dmy);
	return -1;
}

static void expect_fnr(const char *s, int want)
{
	if (sila_no_fnr_valid(s, strlen(s)) != want)
		fail_msg("fnr \"%s\": expected %s", s,
			 want ? "valid" : "invalid");
}

static void test_no_fnr(void **state)
{
	struct sila_vctx ctx = { today_2025, 0 };
	struct sila_id id;
	char s[16];

	(void)state;
	/*
	 * 1 January 2039, individual number 501 (500-999 with a year below 40
	 * is the 2000s). K1: 0*3+1*7+0*6+1*1+3*8+9*9+5*4+0*5+1*2 = 135,
	 * 135 mod 11 = 3, 11-3 = 8. K2: 0*5+1*4+0*3+1*2+3*7+9*6+5*5+0*4+1*3
	 * +8*2 = 125, 125 mod 11 = 4, 11-4 = 7.
	 */
	expect_fnr("01013950187", 1);
	expect_fnr("010139 50187", 1);
	expect_fnr("010139-50187", 1);
	expect_fnr("010139\xE2\x80\x93" "50187", 1);
	expect_fnr("01013950177", 0);
	expect_fnr("01013950186", 0);
	expect_fnr("01013950188", 0);
	expect_fnr("0101395018", 0);
	expect_fnr("010139501870", 0);
	expect_fnr("O1013950187", 0);
	expect_fnr("010139  50187", 0);
	assert_int_equal(no_build("010139", 500, s), 501);
	expect_str("builder", s, "01013950187");
	/* Individual number 500 would need the check digit 10. */
	assert_int_equal(no_check("010139500", 0), -1);

	/* D-nummer (day + 40), H-nummer (month + 40) and both. */
	no_build("410139", 500, s);
	expect_fnr(s, 1);
	no_build("015139", 500, s);
	expect_fnr(s, 1);
	no_build("415139", 500, s);
	expect_fnr(s, 1);
	no_build("715039", 500, s);
	expect_fnr(s, 1);
	/* Day 72 - 40 = 32 and the FH numbers (day 80 and up) have no date. */
	no_build("720139", 500, s);
	expect_fnr(s, 0);
	no_build("810139", 500, s);
	expect_fnr(s, 0);
	no_build("015339", 500, s);
	expect_fnr(s, 0);

	/* The individual number decides the century. */
	no_build("010155", 500, s);  /* 1855 */
	expect_fnr(s, 1);
	no_build("010145", 600, s);  /* 500-749 with 40-53: no century */
	assert_true(s[6] < '7' || (s[6] == '7' && s[7] < '5'));
	expect_fnr(s, 0);
	no_build("290200", 100, s);  /* 1900 was not a leap year */
	expect_fnr(s, 0);
	no_build("290236", 500, s);  /* 2036 is */
	expect_fnr(s, 1);
	no_build("290239", 500, s);
	expect_fnr(s, 0);
	no_build("310439", 500, s);
	expect_fnr(s, 0);

	assert_true(find_in("no_fnr", "F\xC3\xB8" "dselsnr: ", "010139 50187",
			    ".", &ctx, &id));
	expect_str("canon", id.canon, "010139 50187");
	expect_str("masked", id.masked, "010139 *****");
	assert_int_equal(id.strong, 1);
	assert_true(find_in("no_fnr", "(", "01013950187", ")", &ctx, &id));
	expect_str("canon", id.canon, "010139 50187");
	assert_false(find_in("no_fnr", "A", "01013950187", "", &ctx, &id));
	assert_false(find_in("no_fnr", "", "01013950187", "1", &ctx, &id));
	assert_false(find_in("no_fnr", "", "01013950177", "", &ctx, &id));
}

static void expect_cpr(const char *s, int want)
{
	if (sila_dk_cpr_valid(s, strlen(s)) != want)
		fail_msg("cpr \"%s\": expected %s", s,
			 want ? "valid" : "invalid");
}

static void test_dk_cpr(void **state)
{
	static const int w[] = { 4, 3, 2, 7, 6, 5, 4, 3, 2, 1 };
	struct sila_vctx ctx = { today_2025, 0 };
	struct sila_id id;
	int i, sum = 0;

	(void)state;
	/* A sequence digit of 5-8 with a year of 58 or more is the 1800s. */
	expect_cpr("010158-5000", 1);
	expect_cpr("0101585000", 1);
	expect_cpr("010158\xE2\x80\x93" "5000", 1);
	/* The abandoned mod-11 check must not be applied. */
	for (i = 0; i < 10; i++)
		sum += w[i] * ("0101585000"[i] - '0');
	assert_int_not_equal(sum % 11, 0);

	/* 2036 and 2056 are leap years, 1900 and 2057 are not. */
	expect_cpr("290256-5000", 1);
	expect_cpr("290257-5000", 0);
	expect_cpr("290236-4000", 1);
	expect_cpr("290236-9000", 1);
	expect_cpr("290237-4000", 0);
	expect_cpr("290200-0000", 0);
	expect_cpr("290200-3999", 0);
	expect_cpr("310458-5000", 0);
	expect_cpr("000158-5000", 0);
	expect_cpr("011358-5000", 0);
	expect_cpr("010158 5000", 0);
	expect_cpr("010158--5000", 0);
	expect_cpr("010158-500", 0);
	expect_cpr("01015850000", 0);

	assert_true(find_in("dk_cpr", "CPR-nr. ", "010158-5000", ",", &ctx,
			    &id));
	expect_str("canon", id.canon, "010158-5000");
	expect_str("masked", id.masked, "010158-****");
	assert_int_equal(id.strong, 0);
	assert_true(find_in("dk_cpr", "CPR ", "0101585000", "", &ctx, &id));
	expect_str("canon", id.canon, "010158-5000");
	assert_false(find_in("dk_cpr", "x", "0101585000", "", &ctx, &id));
	assert_false(find_in("dk_cpr", "", "0101585000", "9", &ctx, &id));
}

/* A HETU with its check character computed by long division of the digits. */
static void hetu_make(const char *dmy, char sign, int zzz, char *out)
{
	static const char tab[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
	char digits[10];
	int i, r = 0;

	snprintf(digits, sizeof(digits), "%.6s%03d", dmy, zzz);
	for (i = 0; i < 9; i++)
		r = (r * 10 + (digits[i] - '0')) % 31;
	snprintf(out, 12, "%.6s%c%03d%c", dmy, sign, zzz, tab[r]);
}

static void expect_hetu(const char *s, int want)
{
	if (sila_fi_hetu_valid(s, strlen(s)) != want)
		fail_msg("hetu \"%s\": expected %s", s,
			 want ? "valid" : "invalid");
}

static void test_fi_hetu(void **state)
{
	struct sila_vctx ctx = { today_2025, 0 };
	struct sila_id id;
	const char *p;
	char s[16], t[24];

	(void)state;
	/* 10199002 = 31 * 329000 + 2, so the check character is '2'. */
	expect_hetu("010199A0022", 1);
	hetu_make("010199", 'A', 2, s);
	expect_str("builder", s, "010199A0022");
	/* 10155002 = 31 * 327580 + 22, the 23rd character 'P'. */
	expect_hetu("010155+002P", 1);
	expect_hetu("010199A0023", 0);
	expect_hetu("010199a0022", 0);
	expect_hetu("010199G0022", 0);
	expect_hetu("010199A002", 0);
	expect_hetu("010199A00222", 0);

	/* Every century sign: A-F are the 2000s, '-' and Y-U the 1900s. */
	for (p = "ABCDEF"; *p; p++) {
		hetu_make("010199", *p, 2, s);
		expect_hetu(s, 1);
	}
	for (p = "-YXWVU"; *p; p++) {
		hetu_make("010100", *p, 899, s);
		expect_hetu(s, 1);
		hetu_make("290200", *p, 899, s);
		expect_hetu(s, 0);
	}
	hetu_make("290200", '+', 2, s);
	expect_hetu(s, 0);
	hetu_make("290296", '+', 2, s);
	expect_hetu(s, 1);
	hetu_make("290296", 'A', 2, s);
	expect_hetu(s, 1);
	hetu_make("290299", 'A', 2, s);
	expect_hetu(s, 0);
	hetu_make("310499", 'A', 2, s);
	expect_hetu(s, 0);
	hetu_make("011399", 'A', 2, s);
	expect_hetu(s, 0);

	/* Individual numbers 002-899; the 900s are temporary. */
	hetu_make("010199", 'A', 1, s);
	expect_hetu(s, 0);
	hetu_make("010199", 'A', 0, s);
	expect_hetu(s, 0);
	hetu_make("010199", 'A', 899, s);
	expect_hetu(s, 1);
	hetu_make("010199", 'A', 900, s);
	expect_hetu(s, 0);

	/* A word-processor dash stands for the '-' sign. */
	hetu_make("010100", '-', 899, s);
	snprintf(t, sizeof(t), "%.6s\xE2\x80\x93%s", s, s + 7);
	expect_hetu(t, 1);
	assert_true(find_in("fi_hetu", "HETU ", t, ".", &ctx, &id));
	expect_str("canon", id.canon, s);

	assert_true(find_in("fi_hetu", "Hetu: ", "010199A0022", ".", &ctx,
			    &id));
	expect_str("canon", id.canon, "010199A0022");
	expect_str("masked", id.masked, "010199A****");
	assert_int_equal(id.strong, 1);
	assert_false(find_in("fi_hetu", "x", "010199A0022", "", &ctx, &id));
	assert_false(find_in("fi_hetu", "", "010199A0022", "x", &ctx, &id));
	assert_false(find_in("fi_hetu", "", "010199A0023", "", &ctx, &id));
}

static void expect_card(const char *s, int want)
{
	if (sila_card_valid(s, strlen(s)) != want)
		fail_msg("card \"%s\": expected %s", s,
			 want ? "valid" : "invalid");
}

static void test_card(void **state)
{
	static const char *const valid[] = {
		"4111111111111111", "4242424242424242", "4012888888881881",
		"5555555555554444", "2223003122003222", "378282246310005",
		"371449635398431", "6011111111111117", "3056930009020004",
		"36227206271667", "3566002020360505", "6200000000000005",
		"4111 1111 1111 1111", "4111-1111-1111-1111",
		"3782 822463 10005", "3622 720627 1667",
	};
	static const char *const invalid[] = {
		"4111111111111112", "5555555555554445", "378282246310006",
		"4111 1111-1111 1111", "4111  1111 1111 1111",
		" 4111 1111 1111 1111", "4111 1111 1111 1111 ",
		"4111 11111111 1111", "41 11 1111 1111 1111",
		("4111\xC2\xA0" "1111 1111 1111"), "", "4111",
	};
	struct sila_vctx ctx = { today_2025, 0 };
	struct sila_id id;
	char s[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		expect_card(valid[i], 1);
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		expect_card(invalid[i], 0);

	/* Luhn is right in these; the issuer or the length is not. */
	assert_true(sila_luhn_ok("0000000000000000", 16));
	expect_card("0000000000000000", 0);
	assert_true(sila_luhn_ok("1234567812345670", 16));
	expect_card("1234567812345670", 0);
	card_with_check("370000000000000", s, sizeof(s));  /* Amex, 16 digits */
	expect_card(s, 0);
	card_with_check("34000000000000", s, sizeof(s));   /* Amex, 15 */
	expect_card(s, 1);
	card_with_check("340000000000000", s, sizeof(s));
	expect_card(s, 0);
	card_with_check("55000000000000", s, sizeof(s));   /* Mastercard, 15 */
	expect_card(s, 0);
	card_with_check("41111111111", s, sizeof(s));      /* Visa, 12 */
	expect_card(s, 0);
	card_with_check("411111111111", s, sizeof(s));     /* Visa, 13 */
	expect_card(s, 1);
	card_with_check("4111111111111111111", s, sizeof(s)); /* 20 digits */
	expect_card(s, 0);
	card_with_check("272000000000000", s, sizeof(s));  /* Mastercard 2xxx */
	expect_card(s, 1);
	card_with_check("272100000000000", s, sizeof(s));
	expect_card(s, 0);

	assert_true(find_in("card", "Kort: ", "4111 1111 1111 1111", ".", &ctx,
			    &id));
	expect_str("canon", id.canon, "4111111111111111");
	expect_str("masked", id.masked, "**** **** **** 1111");
	assert_int_equal(id.strong, 1);
	assert_true(find_in("card", "Amex ", "3782 822463 10005", "", &ctx,
			    &id));
	expect_str("canon", id.canon, "378282246310005");
	expect_str("masked", id.masked, "**** **** **** 0005");
	assert_true(find_in("card", "Ref 1234 ", "4111 1111 1111 1111", "",
			    &ctx, &id));
	assert_true(find_in("card", "", "5555-5555-5555-4444", "", &ctx, &id));
	expect_str("masked", id.masked, "**** **** **** 4444");
	assert_false(find_in("card", "X", "4111111111111111", "", &ctx, &id));
	assert_false(find_in("card", "", "4111111111111111", "1", &ctx, &id));
	assert_false(find_in("card", "", "4111111111111112", "", &ctx, &id));
	/* The match must end on the last digit. */
	assert_false(run_at("card", "4111 1111 1111 1111 ", 20, &ctx, &id));
}

/*
 * An IBAN for country cc and bban, with the check digits computed from
 * the letters-as-numbers string by long division.
 */
static void iban_make(const char *cc, const char *bban, char *out, size_t cap)
{
	char t[64];
	int r = 0;
	size_t i;

	snprintf(t, sizeof(t), "%s%s00", bban, cc);
	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] >= 'A' && t[i] <= 'Z')
			r = (r * 100 + (t[i] - 'A' + 10)) % 97;
		else
			r = (r * 10 + (t[i] - '0')) % 97;
	}
	snprintf(out, cap, "%s%02d%s", cc, 98 - r, bban);
}

static void expect_iban(const char *s, int want)
{
	if (sila_iban_valid(s, strlen(s)) != want)
		fail_msg("iban \"%s\": expected %s", s,
			 want ? "valid" : "invalid");
}

static void test_iban(void **state)
{
	/* BBANs of each country's registry format, made up for the test. */
	static const char *const made[][2] = {
		{ "SE", "12345678901234567890" }, { "NO", "12345678901" },
		{ "DK", "12345678901234" }, { "FI", "12345678901234" },
		{ "DE", "123456781234567890" }, { "GB", "ABCD12345612345678" },
		{ "FR", "1234512345ABCDEFGHIJK12" }, { "NL", "ABCD0123456789" },
		{ "ES", "12345678901234567890" },
		{ "IT", "X1234512345ABCDEFGHIJKL" },
	};
	struct sila_vctx ctx = { today_2025, 0 };
	struct sila_id id;
	char s[64];
	size_t i;

	(void)state;
	expect_iban("SE45 5000 0000 0583 9825 7466", 1);
	expect_iban("SE4550000000058398257466", 1);
	expect_iban("GB82 WEST 1234 5698 7654 32", 1);
	expect_iban("GB82WEST12345698765432", 1);
	iban_make("SE", "50000000058398257466", s, sizeof(s));
	expect_str("builder", s, "SE4550000000058398257466");

	expect_iban("SE46 5000 0000 0583 9825 7466", 0);
	expect_iban("SE45 5000 0000 0583 9825 7467", 0);
	expect_iban("SE45 5000 0000 0583 9852 7466", 0);
	expect_iban("se45 5000 0000 0583 9825 7466", 0);
	expect_iban("SE4550 0000 0005 8398 2574 66", 0);
	expect_iban("SE45 5000 0000 0583 98257466", 0);
	expect_iban("SE45  5000 0000 0583 9825 7466", 0);
	expect_iban("SE45 5000 0000 0583 9825 7466 ", 0);
	expect_iban(" SE45 5000 0000 0583 9825 7466", 0);
	expect_iban("", 0);
	expect_iban("SE45", 0);

	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		iban_make(made[i][0], made[i][1], s, sizeof(s));
		expect_iban(s, 1);
	}
	/* Right check digits, wrong length, structure or country. */
	iban_make("SE", "1234567890123456789", s, sizeof(s));
	expect_iban(s, 0);
	iban_make("SE", "123456789012345678901", s, sizeof(s));
	expect_iban(s, 0);
	iban_make("GB", "1234123456123456", s, sizeof(s));
	expect_iban(s, 0);
	iban_make("GB", "123412345612345678", s, sizeof(s));
	expect_iban(s, 0);
	iban_make("GB", "ABCD1234561234567", s, sizeof(s));
	expect_iban(s, 0);
	iban_make("DE", "12345678123456789A", s, sizeof(s));
	expect_iban(s, 0);
	iban_make("XX", "12345678901234567890", s, sizeof(s));
	expect_iban(s, 0);

	assert_true(find_in("iban", "IBAN: ", "SE45 5000 0000 0583 9825 7466",
			    ", BIC", &ctx, &id));
	expect_str("canon", id.canon, "SE4550000000058398257466");
	expect_str("masked", id.masked, "SE** **** **** **** **** 7466");
	assert_int_equal(id.strong, 1);
	assert_true(find_in("iban", "IBAN ", "GB82 WEST 1234 5698 7654 32", "",
			    &ctx, &id));
	expect_str("canon", id.canon, "GB82WEST12345698765432");
	expect_str("masked", id.masked, "GB** **** **** **** **54 32");
	assert_true(find_in("iban", "", "SE4550000000058398257466", "", &ctx,
			    &id));
	assert_false(find_in("iban", "X", "SE4550000000058398257466", "", &ctx,
			     &id));
	assert_false(find_in("iban", "", "SE4550000000058398257466", "X", &ctx,
			     &id));
	assert_false(find_in("iban", "", "SE45 5000 0000 0583 9825 7467", "",
			     &ctx, &id));
}

/* Every validator by name, and nothing by other names. */
static void test_registry(void **state)
{
	static const char *const names[] = {
		"personnummer", "samordningsnummer", "interim", "orgnr",
		"no_fnr", "dk_cpr", "fi_hetu", "card", "iban"
	};
	const struct sila_validator *v;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v = sila_validator_find(names[i]);
		assert_non_null(v);
		assert_non_null(v->fn);
		assert_string_equal(v->name, names[i]);
	}
	for (v = sila_validators; v->name != NULL; v++)
		n++;
	assert_int_equal(n, sizeof(names) / sizeof(names[0]));
	assert_null(sila_validators[n].fn);
	assert_null(sila_validator_find("Personnummer"));
	assert_null(sila_validator_find("pnr"));
	assert_null(sila_validator_find("personnummer2"));
	assert_null(sila_validator_find("iba"));
	assert_null(sila_validator_find(""));
	assert_null(sila_validator_find(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_valid),
		cmocka_unit_test(test_date_today),
		cmocka_unit_test(test_luhn),
		cmocka_unit_test(test_conformance_list),
		cmocka_unit_test(test_conformance_structured),
		cmocka_unit_test(test_conformance_interim),
		cmocka_unit_test(test_conformance_orgnumber),
		cmocka_unit_test(test_skatteverket),
		cmocka_unit_test(test_pnr_forms),
		cmocka_unit_test(test_pnr_invalid),
		cmocka_unit_test(test_pnr_leap_days),
		cmocka_unit_test(test_samordning),
		cmocka_unit_test(test_interim),
		cmocka_unit_test(test_pnr_boundaries),
		cmocka_unit_test(test_orgnr),
		cmocka_unit_test(test_no_fnr),
		cmocka_unit_test(test_dk_cpr),
		cmocka_unit_test(test_fi_hetu),
		cmocka_unit_test(test_card),
		cmocka_unit_test(test_iban),
		cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
