/*
 * test_scan.c - unit tests for core/scan.c and core/rules.c with the real
 * rule set in patterns/ (the tests run from the repository root).
 *
 * The only identity numbers used are the public test number 19121212-1212
 * and Skatteverket's test personnummer (testpersonnummer-2000-2009.csv in
 * the shared test data): 20000101-2384 and 20000101-1493.
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

#include "rules.h"
#include "scan.h"
#include "status.h"
#include "testutil.h"

#define PNR "se.personnummer"

static const struct sila_date today = { 2026, 11, 29 };

struct fixture {
	struct sila_rules *rules;
	struct sila_scanner *scanner;
};

/* Loads a rule directory and compiles it, failing the test with the reason when it cannot. */
static void load(struct fixture *fx, const char *dir, const char *enable)
{
	char err[512];

	fx->rules = sila_rules_load(dir, err, sizeof(err));
	if (!fx->rules)
		fail_msg("sila_rules_load(\"%s\"): %s", dir, err);
	if (enable && sila_rules_enable(fx->rules, enable, 1) != 0)
		fail_msg("no rule %s in %s", enable, dir);
	fx->scanner = sila_scanner_new(fx->rules, err, sizeof(err));
	if (!fx->scanner)
		fail_msg("sila_scanner_new: %s", err);
}

static void unload(struct fixture *fx)
{
	sila_scanner_free(fx->scanner);
	sila_rules_free(fx->rules);
	fx->scanner = NULL;
	fx->rules = NULL;
}

/* The compiled-database cache, kept in a directory of the tests' own. */
static char cache_dir[64];

static int setup(void **state)
{
	static struct fixture fx;

	strcpy(cache_dir, "/tmp/sila-test-cache-XXXXXX");
	if (!mkdtemp(cache_dir) || setenv("SILA_CACHE_DIR", cache_dir, 1) != 0)
		return -1;
	load(&fx, "patterns", NULL);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	unload(*state);
	unsetenv("SILA_CACHE_DIR");
	return test_remove_dir(cache_dir);
}

/* Scans len bytes of text; returns the findings and, when tags is not NULL, the tags. */
static json_t *scan_opts(const struct fixture *fx, const char *text, size_t len, int paged,
			 const struct sila_scan_opts *o, json_t **tags, int *truncated)
{
	json_t *f = NULL, *t = NULL;
	char err[256] = "";
	int tr = -1;

	if (sila_scan_text(fx->scanner, text, len, paged, o, &f, &t, &tr, err, sizeof(err)) != SILA_OK)
		fail_msg("sila_scan_text failed: %s", err);
	assert_true(json_is_array(f));
	assert_true(json_is_array(t));
	if (truncated)
		*truncated = tr;
	else if (tr != 0)
		fail_msg("scan of \"%.60s\" truncated unexpectedly", text);
	if (tags)
		*tags = t;
	else
		json_decref(t);
	return f;
}

static json_t *scan_full(const struct fixture *fx, const char *text, int paged, int reveal,
			 json_t **tags)
{
	struct sila_scan_opts o;

	memset(&o, 0, sizeof(o));
	o.today = today;
	o.reveal = reveal;
	return scan_opts(fx, text, strlen(text), paged, &o, tags, NULL);
}

static json_t *scan(const struct fixture *fx, const char *text)
{
	return scan_full(fx, text, 0, 0, NULL);
}

static const char *jstr(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "(none)";
}

static long long jint(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return (long long)json_integer_value(v);
}

/* Fails with the findings shown. */
static void fail_with(const char *what, const char *text, const json_t *findings)
{
	char *dump = json_dumps(findings, JSON_COMPACT);

	fail_msg("%s in \"%s\": findings %s", what, text, dump ? dump : "?");
}

/* The findings of rule in findings, how many there are in *n, and the first one. */
static const json_t *of_rule(const json_t *findings, const char *rule, size_t *n)
{
	const json_t *first = NULL, *f;
	size_t i, k = 0;

	json_array_foreach(findings, i, f)
		if (strcmp(jstr(f, "rule"), rule) == 0) {
			if (!first)
				first = f;
			k++;
		}
	if (n)
		*n = k;
	return first;
}

/* Scans text and fails unless it gives exactly one finding: rule, value, count. */
static json_t *expect_one(const struct fixture *fx, const char *text, int reveal,
			  const char *rule, const char *value, long long count)
{
	json_t *fs = scan_full(fx, text, 0, reveal, NULL);
	const json_t *f;

	if (json_array_size(fs) != 1)
		fail_with("expected one finding", text, fs);
	f = json_array_get(fs, 0);
	if (strcmp(jstr(f, "rule"), rule) != 0 || strcmp(jstr(f, "value"), value) != 0 ||
	    jint(f, "count") != count)
		fail_with(value, text, fs);
	return fs;
}

/* Scans text and fails unless nothing is found. */
static void expect_none(const struct fixture *fx, const char *text)
{
	json_t *tags;
	json_t *fs = scan_full(fx, text, 0, 0, &tags);

	if (json_array_size(fs) != 0)
		fail_with("expected no finding", text, fs);
	assert_int_equal(json_array_size(tags), 0);
	json_decref(fs);
	json_decref(tags);
}

/* Scans text and fails unless it has no finding of rule. */
static void expect_no_rule(const struct fixture *fx, const char *text, const char *rule)
{
	json_t *fs = scan(fx, text);

	if (of_rule(fs, rule, NULL))
		fail_with(rule, text, fs);
	json_decref(fs);
}

/* The id of the marking rule (marker.*) that contributes tag. */
static const char *marker_with_tag(const struct sila_rules *r, const char *tag)
{
	for (size_t i = 0; i < r->nrules; i++) {
		if (strncmp(r->rule[i].id, "marker.", 7) != 0)
			continue;
		for (char **t = r->rule[i].tags; t && *t; t++)
			if (strcmp(*t, tag) == 0)
				return r->rule[i].id;
	}
	fail_msg("no marker.* rule has tag %s", tag);
	return NULL;
}

static void test_rules_loaded(void **state)
{
	struct fixture *fx = *state;
	const struct sila_rule *r = sila_rules_find(fx->rules, PNR);

	assert_non_null(r);
	assert_non_null(r->validator);
	assert_true(r->enabled);
	assert_non_null(r->tags);
	assert_string_equal(r->tags[0], "personal-data");
	assert_null(r->tags[1]);
	assert_non_null(sila_rules_find(fx->rules, "se.organisationsnummer"));
	assert_non_null(sila_rules_find(fx->rules, "marker.sekretess"));
	assert_non_null(sila_rules_find(fx->rules, "marker.osl"));
	r = sila_rules_find(fx->rules, "se.interimsnummer");
	assert_non_null(r);
	assert_false(r->enabled);
	assert_null(sila_rules_find(fx->rules, "no.such.rule"));
	assert_int_equal(sila_rules_enable(fx->rules, "no.such.rule", 1), -1);
	assert_int_equal(strlen(fx->rules->hash), 64);
	assert_true(fx->rules->nfiles >= 2);
	/* Files in name order. */
	for (size_t i = 1; i < fx->rules->nfiles; i++)
		assert_true(strcmp(fx->rules->files[i - 1], fx->rules->files[i]) < 0);
}

static void test_pnr_forms(void **state)
{
	struct fixture *fx = *state;
	static const char *const forms_2000[] = {
		"20000101-2384", "200001012384", "000101-2384", "0001012384",
		"20000101\xe2\x80\x90" "2384",   /* U+2010 HYPHEN */
		"000101\xe2\x80\x93" "2384",     /* U+2013 EN DASH */
		"20000101\xe2\x88\x92" "2384",   /* U+2212 MINUS SIGN */
	};
	json_t *fs;

	for (size_t i = 0; i < sizeof(forms_2000) / sizeof(forms_2000[0]); i++) {
		char text[80];

		snprintf(text, sizeof(text), "Uppgift: %s.", forms_2000[i]);
		json_decref(expect_one(fx, text, 0, PNR, "20000101-****", 1));
		json_decref(expect_one(fx, text, 1, PNR, "20000101-2384", 1));
	}
	json_decref(expect_one(fx, "19121212-1212", 0, PNR, "19121212-****", 1));
	json_decref(expect_one(fx, "19121212-1212", 1, PNR, "19121212-1212", 1));
	json_decref(expect_one(fx, "Nr 191212121212 ", 0, PNR, "19121212-****", 1));
	json_decref(expect_one(fx, "Nr 191212121212 ", 1, PNR, "19121212-1212", 1));
	/* Ten digits: '+' says over a hundred years old; otherwise the latest century not after today. */
	json_decref(expect_one(fx, "Nr 121212+1212", 1, PNR, "19121212+1212", 1));
	json_decref(expect_one(fx, "Nr 121212-1212", 1, PNR, "20121212-1212", 1));
	json_decref(expect_one(fx, "Nr 1212121212", 0, PNR, "20121212-****", 1));

	/* A finding has exactly the contract's fields, in order, when not paged. */
	fs = expect_one(fx, "Uppgift: 000101-2384", 0, PNR, "20000101-****", 1);
	{
		static const char *const keys[] = { "rule", "value", "count", "confidence", "offset" };
		const json_t *f = json_array_get(fs, 0);
		void *it = json_object_iter((json_t *)(uintptr_t)f);

		for (size_t i = 0; i < 5; i++, it = json_object_iter_next((json_t *)(uintptr_t)f, it)) {
			assert_non_null(it);
			assert_string_equal(json_object_iter_key(it), keys[i]);
		}
		assert_null(it);
		assert_int_equal(jint(f, "offset"), 9);
	}
	json_decref(fs);
}

static void test_masked_never_whole(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "Personnummer 19121212-1212, 000101-2384 och 200001011493.";
	json_t *fs = scan(fx, text);
	char *dump = json_dumps(fs, JSON_COMPACT);

	assert_non_null(dump);
	assert_int_equal(json_array_size(fs), 3);
	/* Without reveal no digit of a birth number appears anywhere. */
	assert_null(strstr(dump, "1212\""));
	assert_null(strstr(dump, "2384"));
	assert_null(strstr(dump, "1493"));
	free(dump);
	json_decref(fs);
}

static void test_aggregate(void **state)
{
	struct fixture *fx = *state;
	static const char same[] = "Pnr 000101-2384, igen 20000101-2384 och 200001012384.";
	static const char two[] = "Hos 000101-2384 och 000101-1493, sedan 000101-2384.";
	json_t *fs;
	const json_t *f;

	fs = expect_one(fx, same, 0, PNR, "20000101-****", 3);
	assert_int_equal(jint(json_array_get(fs, 0), "offset"), 4);
	json_decref(fs);

	/* Two numbers with the same masked value are still two findings. */
	fs = scan(fx, two);
	if (json_array_size(fs) != 2)
		fail_with("expected two findings", two, fs);
	f = json_array_get(fs, 0);
	assert_string_equal(jstr(f, "rule"), PNR);
	assert_string_equal(jstr(f, "value"), "20000101-****");
	assert_int_equal(jint(f, "count"), 2);
	assert_int_equal(jint(f, "offset"), strstr(two, "000101-2384") - two);
	f = json_array_get(fs, 1);
	assert_string_equal(jstr(f, "rule"), PNR);
	assert_string_equal(jstr(f, "value"), "20000101-****");
	assert_int_equal(jint(f, "count"), 1);
	assert_int_equal(jint(f, "offset"), strstr(two, "000101-1493") - two);
	json_decref(fs);

	fs = scan_full(fx, two, 0, 1, NULL);
	assert_int_equal(json_array_size(fs), 2);
	assert_string_equal(jstr(json_array_get(fs, 0), "value"), "20000101-2384");
	assert_string_equal(jstr(json_array_get(fs, 1), "value"), "20000101-1493");
	json_decref(fs);
}

static void test_offsets(void **state)
{
	struct fixture *fx = *state;
	/* Offsets count bytes: the Swedish letters before the number take two each. */
	static const char text[] = "\xc3\x85sa \xc3\x96" "berg, f\xc3\xb6" "dd 000101-2384. "
				   "Ett annat: 19121212-1212. Igen: 000101-2384.";
	json_t *fs = scan_full(fx, text, 0, 1, NULL);
	const json_t *a, *b;

	assert_int_equal(json_array_size(fs), 2);
	a = json_array_get(fs, 0);
	b = json_array_get(fs, 1);
	assert_string_equal(jstr(a, "value"), "20000101-2384");
	assert_int_equal(jint(a, "offset"), strstr(text, "000101-2384") - text);
	assert_int_equal(jint(a, "offset"), 19);
	assert_int_equal(jint(a, "count"), 2);
	assert_string_equal(jstr(b, "value"), "19121212-1212");
	assert_int_equal(jint(b, "offset"), strstr(text, "19121212") - text);
	json_decref(fs);
}

static void test_pages(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "Sida ett.\fSida tv\xc3\xa5 19121212-1212.\fSida tre: 000101-2384 "
				   "och 19121212-1212.\f";
	json_t *fs;
	const json_t *f;

	fs = scan_full(fx, "Sida ett\fSida tv\xc3\xa5\fpnr 000101-2384", 1, 0, NULL);
	assert_int_equal(json_array_size(fs), 1);
	assert_int_equal(jint(json_array_get(fs, 0), "page"), 3);
	json_decref(fs);

	/* Not paged: no page at all, even with form feeds in the text. */
	fs = scan_full(fx, "Sida ett\fSida tv\xc3\xa5\fpnr 000101-2384", 0, 0, NULL);
	assert_int_equal(json_array_size(fs), 1);
	assert_null(json_object_get(json_array_get(fs, 0), "page"));
	json_decref(fs);

	/* The page and offset are those of the first occurrence. */
	fs = scan_full(fx, text, 1, 1, NULL);
	assert_int_equal(json_array_size(fs), 2);
	f = json_array_get(fs, 0);
	assert_string_equal(jstr(f, "value"), "19121212-1212");
	assert_int_equal(jint(f, "page"), 2);
	assert_int_equal(jint(f, "count"), 2);
	assert_int_equal(jint(f, "offset"), strstr(text, "19121212") - text);
	f = json_array_get(fs, 1);
	assert_string_equal(jstr(f, "value"), "20000101-2384");
	assert_int_equal(jint(f, "page"), 3);
	json_decref(fs);

	/* A number on the first page is on page 1. */
	fs = scan_full(fx, "000101-2384\f\f", 1, 0, NULL);
	assert_int_equal(jint(json_array_get(fs, 0), "page"), 1);
	json_decref(fs);
}

static void test_negative_context(void **state)
{
	struct fixture *fx = *state;
	json_t *fs;

	expect_none(fx, "tel 000101-2384");
	expect_none(fx, "Telefon: 000101-2384");
	expect_none(fx, "Ring oss, TEL. 000101-2384");
	expect_none(fx, "org.nr 000101-2384");
	expect_none(fx, "Org nr: 20000101-2384");
	expect_none(fx, "Faktura 200001012384");
	/* The keyword must start a word: "hotell" holds "tel" but is no phone number. */
	json_decref(expect_one(fx, "Hotell 000101-2384", 0, PNR, "20000101-****", 1));
	/* A keyword further back than the negative window does not reject. */
	fs = expect_one(fx, "Telefon 08-123 45 67 finns i listan, personnummer 000101-2384", 0,
			PNR, "20000101-****", 1);
	assert_string_equal(jstr(json_array_get(fs, 0), "confidence"), "high");
	json_decref(fs);
	/* A rejected occurrence does not hide another of the same number. */
	fs = expect_one(fx, "tel 000101-2384\n\nPatientens personnummer 000101-2384", 0,
			PNR, "20000101-****", 1);
	assert_int_equal(jint(json_array_get(fs, 0), "offset"), 41);
	json_decref(fs);
}

static void test_confidence(void **state)
{
	struct fixture *fx = *state;
	static const char *const high[] = {
		"personnummer 000101-2384",
		"Personnummer: 000101-2384",
		"PERSONNUMMER 000101-2384",
		"F\xc3\x96" "DD 000101-2384",       /* "FÖDD": the Swedish capital folds too */
		"000101-2384 (pnr)",                  /* context after the number */
	};
	json_t *fs;

	for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++) {
		fs = expect_one(fx, high[i], 0, PNR, "20000101-****", 1);
		if (strcmp(jstr(json_array_get(fs, 0), "confidence"), "high") != 0)
			fail_with("expected high confidence", high[i], fs);
		json_decref(fs);
	}
	fs = expect_one(fx, "Uppgift 000101-2384 i listan", 0, PNR, "20000101-****", 1);
	assert_string_equal(jstr(json_array_get(fs, 0), "confidence"), "medium");
	json_decref(fs);
	/* A keyword inside another word is no context. */
	fs = expect_one(fx, "xpnr 000101-2384", 0, PNR, "20000101-****", 1);
	assert_string_equal(jstr(json_array_get(fs, 0), "confidence"), "medium");
	json_decref(fs);
	/* Beyond the 100-byte window it is no context either. */
	{
		char text[300];

		snprintf(text, sizeof(text), "personnummer%0150d 000101-2384", 0);
		memset(text + 12, ' ', 150);
		fs = expect_one(fx, text, 0, PNR, "20000101-****", 1);
		assert_string_equal(jstr(json_array_get(fs, 0), "confidence"), "medium");
		json_decref(fs);
	}
}

static void test_glued(void **state)
{
	struct fixture *fx = *state;

	expect_none(fx, "abc000101-2384");
	expect_none(fx, "000101-2384abc");
	expect_none(fx, "ID000101-2384 ");
	expect_none(fx, "x200001012384");
	expect_none(fx, "200001012384x");
	expect_none(fx, "9000101-2384");
	expect_none(fx, "1200001012384");
	expect_none(fx, "2000010123845");
	expect_none(fx, "000101-23845");
	expect_none(fx, "1191212121212");
	expect_none(fx, "19121212-12121");
	/* A wrong check digit or an impossible date is no number at all. */
	expect_no_rule(fx, "000101-2385", PNR);
	expect_no_rule(fx, "20000132-2384", PNR);
}

static void test_orgnr(void **state)
{
	struct fixture *fx = *state;
	json_t *tags;
	json_t *fs = scan_full(fx, "Organisationsnummer 212000-0142.", 0, 0, &tags);

	if (json_array_size(fs) != 1)
		fail_with("expected one finding", "212000-0142", fs);
	assert_string_equal(jstr(json_array_get(fs, 0), "rule"), "se.organisationsnummer");
	/* Organisation numbers are public: the value is whole even without reveal. */
	assert_string_equal(jstr(json_array_get(fs, 0), "value"), "212000-0142");
	assert_int_equal(json_array_size(tags), 0);
	json_decref(fs);
	json_decref(tags);

	/* With a personnummer beside it, only the personnummer contributes a tag. */
	fs = scan_full(fx, "Org 212000-0142, kontakt 000101-2384", 0, 0, &tags);
	assert_int_equal(json_array_size(fs), 2);
	assert_int_equal(json_array_size(tags), 1);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "personal-data");
	json_decref(fs);
	json_decref(tags);
}

/* Scans text and fails unless its only finding is rule with value and tags [tag]. */
static void expect_marking(const struct fixture *fx, const char *text, const char *rule,
			   const char *value, const char *tag)
{
	json_t *tags;
	json_t *fs = scan_full(fx, text, 0, 0, &tags);
	const json_t *f;

	if (json_array_size(fs) != 1)
		fail_with("expected one marking", text, fs);
	f = json_array_get(fs, 0);
	if (strcmp(jstr(f, "rule"), rule) != 0 || strcmp(jstr(f, "value"), value) != 0 ||
	    jint(f, "count") != 1)
		fail_with(rule, text, fs);
	assert_int_equal(json_array_size(tags), 1);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), tag);
	json_decref(fs);
	json_decref(tags);
}

/* The rule of the first finding in text, which must be a marker.* rule. */
static const char *of_marker(const struct fixture *fx, const char *text)
{
	static char id[64];
	json_t *fs = scan(fx, text);

	snprintf(id, sizeof(id), "%s", jstr(json_array_get(fs, 0), "rule"));
	json_decref(fs);
	if (strncmp(id, "marker.", 7) != 0)
		fail_msg("\"%s\": first finding is of rule %s, not a marker", text, id);
	return id;
}

static void test_markings(void **state)
{
	struct fixture *fx = *state;
	const char *hemlig = marker_with_tag(fx->rules, "security-classified");

	expect_marking(fx, "SEKRETESS\nUppgifter om en enskild.", "marker.sekretess",
		       "SEKRETESS", "marked-confidential");
	expect_marking(fx, "Protokoll 2026-11-29\n  SEKRETESS\nText.", "marker.sekretess",
		       "SEKRETESS", "marked-confidential");
	expect_marking(fx, "Sekretess enligt 26 kap. 1 \xc2\xa7 OSL", "marker.osl",
		       "OSL 26:1", "marked-confidential");
	expect_marking(fx, "Beslut.\nSekretess enligt 26 kap. 1 \xc2\xa7 OSL g\xc3\xa4ller.\n",
		       "marker.osl", "OSL 26:1", "marked-confidential");
	expect_marking(fx, "Uppgifterna omfattas av OSL 21:7.", "marker.osl",
		       "OSL 21:7", "marked-confidential");
	expect_marking(fx, "HEMLIG", hemlig, "HEMLIG", "security-classified");
	expect_marking(fx, "Rapport\nHEMLIG\n\nInneh\xc3\xa5ll.", hemlig, "HEMLIG",
		       "security-classified");

	/* Prose about secrecy marks nothing. */
	expect_none(fx, " \xe2\x80\xa2 Sekretess \xe2\x80\x93 Att information i dokument, system och "
		    "handlingar etc. med lagkrav om sekretess eller motsvarande inte g\xc3\xb6rs "
		    "tillg\xc3\xa4ngliga eller avsl\xc3\xb6jas f\xc3\xb6r obeh\xc3\xb6rig.");
	expect_none(fx, "Uppgiften \xc3\xa4r hemlig och f\xc3\xa5r inte spridas.");
	expect_none(fx, "Detta dokument \xc3\xa4r HEMLIG enligt chefen.");
	expect_none(fx, "Han sa SEKRETESS och gick.");
	expect_none(fx, "SEKRETESSEN");
	/* A heading in mixed case marks when its line is short, never in a long line of prose. */
	expect_marking(fx, "Konfidentiellt\n\nTill styrelsen.",
		       of_marker(fx, "Konfidentiellt\n\nTill styrelsen."), "KONFIDENTIELLT",
		       "marked-confidential");
	expect_none(fx, "Konfidentiellt bem\xc3\xb6tande av patienter \xc3\xa4r en viktig del av "
		    "arbetet p\xc3\xa5 varje v\xc3\xa5rdcentral i hela kommunen.");
	expect_none(fx, "Hemlig information f\xc3\xa5r inte l\xc3\xa4mnas ut till n\xc3\xa5gon "
		    "som inte har beh\xc3\xb6righet att ta del av den i sitt arbete.");
	/* The chapter on how to mark a document is no secrecy provision. */
	expect_none(fx, "Handlingen ska m\xc3\xa4rkas enligt 5 kap. 5 \xc2\xa7 OSL.");
}

static void test_marking_counted_once(void **state)
{
	struct fixture *fx = *state;
	static const char twice[] = "Sekretess enligt 26 kap. 1 \xc2\xa7 OSL\n\n"
				    "Text.\n\nSekretess enligt 26 kap. 1 \xc2\xa7 OSL\n";
	json_t *fs = scan(fx, twice);
	size_t n;
	const json_t *f = of_rule(fs, "marker.osl", &n);

	/* Two expressions match each citation; each citation still counts once. */
	assert_int_equal(n, 1);
	assert_non_null(f);
	assert_string_equal(jstr(f, "value"), "OSL 26:1");
	assert_int_equal(jint(f, "count"), 2);
	assert_int_equal(jint(f, "offset"), 0);
	json_decref(fs);
}

static void test_seed_policy(void **state)
{
	struct fixture *fx = *state;
	char path[1024];
	size_t len;
	char *text;
	json_t *fs, *tags;
	struct sila_scan_opts o;

	snprintf(path, sizeof(path), "%s/seed-policy.txt", test_shared_dir());
	text = sila_read_small_file(path, 1 << 20, &len);
	if (!text)
		fail_msg("cannot read %s", path);
	assert_true(len > 1000);
	memset(&o, 0, sizeof(o));
	o.today = today;
	fs = scan_opts(fx, text, len, 0, &o, &tags, NULL);
	if (json_array_size(fs) != 0)
		fail_with("expected no finding", path, fs);
	assert_int_equal(json_array_size(tags), 0);
	json_decref(fs);
	json_decref(tags);
	free(text);
}

static void test_empty_and_nul(void **state)
{
	struct fixture *fx = *state;
	static const char nul[] = "a\0b 000101-2384\0c";
	struct sila_scan_opts o;
	json_t *fs;

	memset(&o, 0, sizeof(o));
	o.today = today;
	fs = scan_opts(fx, "", 0, 0, &o, NULL, NULL);
	assert_int_equal(json_array_size(fs), 0);
	json_decref(fs);
	/* Text is scanned by length, NUL bytes included. */
	fs = scan_opts(fx, nul, sizeof(nul) - 1, 0, &o, NULL, NULL);
	assert_int_equal(json_array_size(fs), 1);
	assert_int_equal(jint(json_array_get(fs, 0), "offset"), 4);
	json_decref(fs);
}

static void test_max_matches(void **state)
{
	struct fixture *fx = *state;
	struct sila_scan_opts o;
	char text[2000] = "";
	json_t *fs;
	int truncated = -1;
	size_t i;

	for (i = 0; i < 40; i++)
		strcat(text, "19121212-1212 ");
	memset(&o, 0, sizeof(o));
	o.today = today;

	/* The default is far above this. */
	fs = scan_opts(fx, text, strlen(text), 0, &o, NULL, &truncated);
	assert_int_equal(truncated, 0);
	assert_int_equal(jint(of_rule(fs, PNR, NULL), "count"), 40);
	json_decref(fs);

	/* 40 numbers are at least 40 candidate matches: more than 5 must be cut and said so. */
	o.max_matches = 5;
	fs = scan_opts(fx, text, strlen(text), 0, &o, NULL, &truncated);
	{
		const json_t *f = of_rule(fs, PNR, NULL);
		long long count = f ? jint(f, "count") : 0;

		json_decref(fs);
		if (truncated != 1 || count > 5)
			fail_msg("max_matches 5 with 40 numbers: truncated %d, count %lld "
				 "(expected truncated 1 and at most 5 kept)", truncated, count);
	}
}

static void test_interim(void **state)
{
	static const char text[] = "Reservnummer 000101-T220 i journalen.";
	struct fixture fx;
	struct sila_scan_opts o;
	json_t *fs;
	const json_t *f;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.today = today;
	o.allow_interim = 1;

	/* Off in the rule set: not found even when the scan allows interim numbers. */
	load(&fx, "patterns", NULL);
	fs = scan_opts(&fx, text, strlen(text), 0, &o, NULL, NULL);
	assert_null(of_rule(fs, "se.interimsnummer", NULL));
	json_decref(fs);
	unload(&fx);

	load(&fx, "patterns", "se.interimsnummer");
	fs = scan_opts(&fx, text, strlen(text), 0, &o, NULL, NULL);
	f = of_rule(fs, "se.interimsnummer", NULL);
	if (!f)
		fail_with("expected an interim number", text, fs);
	assert_string_equal(jstr(f, "value"), "20000101-****");
	assert_int_equal(jint(f, "offset"), 13);
	json_decref(fs);
	o.reveal = 1;
	fs = scan_opts(&fx, text, strlen(text), 0, &o, NULL, NULL);
	assert_string_equal(jstr(of_rule(fs, "se.interimsnummer", NULL), "value"), "20000101-T220");
	json_decref(fs);
	/* Enabled but not allowed by the scan options: still nothing. */
	o.allow_interim = 0;
	fs = scan_opts(&fx, text, strlen(text), 0, &o, NULL, NULL);
	assert_null(of_rule(fs, "se.interimsnummer", NULL));
	json_decref(fs);
	/* A wrong check digit is no interim number. */
	o.allow_interim = 1;
	fs = scan_opts(&fx, "Reservnummer 000101-T221", 24, 0, &o, NULL, NULL);
	assert_null(of_rule(fs, "se.interimsnummer", NULL));
	json_decref(fs);
	unload(&fx);
}

/* The temporary rule directory of the running test, removed after it even when it fails. */
static char tmp_dir[64];

static int remove_tmp_dir(void **state)
{
	(void)state;
	if (tmp_dir[0] && access(tmp_dir, F_OK) == 0 && test_remove_dir(tmp_dir) != 0)
		return -1;
	tmp_dir[0] = '\0';
	return 0;
}

/* A temporary rule directory with a policy. */
static void make_dir(char *dir)
{
	strcpy(dir, "/tmp/sila-test-rules-XXXXXX");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	strcpy(tmp_dir, dir);
	assert_int_equal(test_write_file(dir, "policy.conf", "[levels]\n0 = K0\n"), 0);
}

/* Writes a.rules and fails unless loading gives an error naming a.rules:line and word. */
static void expect_load_error(const char *dir, const char *rules, unsigned line, const char *word)
{
	char err[512] = "", want[600];
	struct sila_rules *r;

	assert_int_equal(test_write_file(dir, "a.rules", rules), 0);
	r = sila_rules_load(dir, err, sizeof(err));
	if (r) {
		sila_rules_free(r);
		fail_msg("loaded without error:\n%s", rules);
	}
	snprintf(want, sizeof(want), "%s/a.rules:%u:", dir, line);
	if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, word))
		fail_msg("error \"%s\", expected \"%s ...%s...\"", err, want, word);
}

/* A memory text handed out in chunks of odd sizes, as a record body streams in. */
struct memread {
	const char *text;
	size_t len, pos, step;
	size_t fail_at;   /* reading fails from here on (0: never) */
};

static size_t read_mem(void *ctx, char *buf, size_t n)
{
	struct memread *m = ctx;
	size_t k = m->len - m->pos;

	if (m->fail_at && m->pos >= m->fail_at)
		return (size_t)-1;

	if (k > n)
		k = n;
	if (k > m->step)
		k = m->step;
	memcpy(buf, m->text + m->pos, k);
	m->pos += k;
	return k;
}

/* Writes s into text at off. */
static void put(char *text, size_t off, const char *s)
{
	memcpy(text + off, s, strlen(s));
}

/*
 * A text long enough to be scanned in chunks by two threads, with numbers,
 * keywords and a marking across the chunk boundaries: the findings must be
 * the ones a whole-text scan gives, held whole or streamed in any sizes.
 */
static void test_long_text(void **state)
{
	struct fixture *fx = *state;
	const size_t mib = (size_t)1 << 20, len = 6 * mib + 12345;
	char *text = malloc(len + 1);
	struct sila_scan_opts o;
	json_t *held, *f, *t;
	const json_t *pnr;
	char err[256], *a, *b;
	int truncated = -1;
	size_t n;

	assert_non_null(text);
	for (size_t i = 0; i < len; i++)
		text[i] = i % 61 == 60 ? '\n' : "Ett protokoll fr\xc3\xa5n n\xc3\xa4mnden. "[i % 31];
	/* The chunks are 1 MiB: each boundary cuts a number, a keyword or a marking. */
	put(text, 1 * mib - 6, " 000101-2384 ");                 /* a number cut in two */
	put(text, 2 * mib - 16, "\npersonnummer 20000101-1493 ");  /* context before the cut */
	put(text, 3 * mib - 2, " tel 000101-2384\n");             /* a negative across it */
	put(text, 4 * mib - 3, "\nHEMLIG\n");                     /* a marking cut in two */
	put(text, 5 * mib - 1, " 000101-2384 ");
	text[len] = '\0';
	memset(&o, 0, sizeof(o));
	o.today = today;

	held = scan_opts(fx, text, len, 0, &o, NULL, NULL);
	pnr = of_rule(held, PNR, &n);
	assert_int_equal(n, 2);
	assert_string_equal(jstr(pnr, "value"), "20000101-****");
	assert_int_equal(jint(pnr, "count"), 2);   /* the one after "tel" is no finding */
	assert_int_equal(jint(pnr, "offset"), 1 * mib - 5);
	pnr = json_array_get(held, 1);
	assert_string_equal(jstr(pnr, "confidence"), "high");
	assert_int_equal(jint(pnr, "offset"), 2 * mib - 2);
	pnr = of_rule(held, marker_with_tag(fx->rules, "security-classified"), &n);
	assert_int_equal(n, 1);
	assert_int_equal(jint(pnr, "offset"), 4 * mib - 2);

	/* Streamed in pieces that never line up with the chunks, the same findings. */
	for (size_t step = 777777; step > 0; step = step == 777777 ? 65536 : 0) {
		struct memread m = { text, len, 0, step, 0 };

		if (sila_scan_stream(fx->scanner, read_mem, &m, 0, &o, &f, &t, &truncated, err,
				     sizeof(err)) != SILA_OK)
			fail_msg("sila_scan_stream: %s", err);
		a = json_dumps(held, JSON_COMPACT);
		b = json_dumps(f, JSON_COMPACT);
		if (strcmp(a, b) != 0)
			fail_msg("held whole: %s\nstreamed in %zu-byte pieces: %s", a, step, b);
		free(a);
		free(b);
		json_decref(f);
		json_decref(t);
	}
	json_decref(held);

	/* A stream that breaks off is an error, not a shorter text. */
	{
		struct memread m = { text, len, 0, 65536, 3 * mib };

		err[0] = '\0';
		assert_int_equal(sila_scan_stream(fx->scanner, read_mem, &m, 0, &o, &f, &t,
						  &truncated, err, sizeof(err)), SILA_FAILED);
		assert_string_equal(err, "input ended inside the text");
		assert_null(f);
	}

	/* The cap on candidates holds across chunks and says so. */
	for (size_t i = 0; i + 14 < len; i += 14)
		memcpy(text + i, "000101-2384 \n ", 14);
	o.max_matches = 1000;
	f = scan_opts(fx, text, len, 0, &o, NULL, &truncated);
	assert_int_equal(truncated, 1);
	pnr = of_rule(f, PNR, NULL);
	assert_true(pnr && jint(pnr, "count") <= 1000);
	json_decref(f);
	free(text);
}

/* The widest windows a rule may have keep the most context between chunks, and it fits. */
static void test_widest_windows(void **state)
{
	static const char rules[] =
		"[t.pnr]\n"
		"expression = \\d{6}(?:\\d{2})?[-+]?\\d{4}\n"
		"validator = personnummer\n"
		"context = personnummer\n"
		"negative = tel\n"
		"window = 10000\n"
		"negative-window = 10000\n";
	const size_t len = (size_t)9 << 20;
	char dir[64], err[256], *text = malloc(len);
	struct fixture fx;
	struct sila_scan_opts o;
	struct memread m;
	json_t *f, *t;
	int truncated;

	(void)state;
	assert_non_null(text);
	make_dir(dir);
	assert_int_equal(test_write_file(dir, "a.rules", rules), 0);
	load(&fx, dir, NULL);
	memset(text, 'x', len);
	for (size_t i = 0; i + 30 < len; i += 4093)
		memcpy(text + i, " 000101-2384 ", 13);
	memset(&o, 0, sizeof(o));
	o.today = today;
	m = (struct memread){ text, len, 0, 100000, 0 };
	if (sila_scan_stream(fx.scanner, read_mem, &m, 0, &o, &f, &t, &truncated, err,
			     sizeof(err)) != SILA_OK)
		fail_msg("sila_scan_stream: %s", err);
	assert_int_equal(json_array_size(f), 1);
	assert_int_equal(jint(json_array_get(f, 0), "count"), (len - 31) / 4093 + 1);
	json_decref(f);
	json_decref(t);
	unload(&fx);
	free(text);
}

static void test_rule_file_errors(void **state)
{
	char dir[64];

	(void)state;
	make_dir(dir);
	expect_load_error(dir, "[t.x]\nexpression = a\ncolour = red\n", 3, "colour");
	expect_load_error(dir, "# c\n\n[t.x]\nexpression = a\nvalidator = nosuch\n", 5, "nosuch");
	expect_load_error(dir, "[t.x]\nexpression = a\n\n[t.y]\nexpression = b\n[t.x]\n", 6, "t.x");
	expect_load_error(dir, "# no stanza yet\nname = x\n[t.x]\nexpression = a\n", 2, "name");
	expect_load_error(dir, "[t.x]\nexpression = a\nflags = iZ\n", 3, "iZ");
	expect_load_error(dir, "[t.x]\nexpression = a\nwindow = 10001\n", 3, "window");
	expect_load_error(dir, "[t.x]\nexpression = a\nconfidence = very\n", 3, "confidence");
	expect_load_error(dir, "[t.x\nexpression = a\n", 1, "heading");
	expect_load_error(dir, "[t.x]\nexpression a\n", 2, "key = value");

	/* A rule id is unique across files too: the second file's line is named. */
	assert_int_equal(test_write_file(dir, "b.rules", "# b\n[t.x]\nexpression = b\n"), 0);
	{
		char err[512] = "", want[600];
		struct sila_rules *r;

		assert_int_equal(test_write_file(dir, "a.rules", "[t.x]\nexpression = a\n"), 0);
		r = sila_rules_load(dir, err, sizeof(err));
		assert_null(r);
		snprintf(want, sizeof(want), "%s/b.rules:2:", dir);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("error \"%s\", expected it to start \"%s\"", err, want);
	}
	assert_int_equal(test_remove_dir(dir), 0);

	/* No rule files at all, or no directory. */
	{
		char err[512] = "";

		make_dir(dir);
		assert_null(sila_rules_load(dir, err, sizeof(err)));
		assert_non_null(strstr(err, dir));
		assert_int_equal(test_remove_dir(dir), 0);
		err[0] = '\0';
		assert_null(sila_rules_load(dir, err, sizeof(err)));
		assert_true(err[0] != '\0');
	}
}

static void test_bad_expression(void **state)
{
	static const char rules[] =
		"# test rules\n"                   /* 1 */
		"[t.good]\n"                       /* 2 */
		"expression = abc\n"               /* 3 */
		"flags = S\n"                      /* 4 */
		"\n"                               /* 5 */
		"[t.off]\n"                        /* 6 */
		"expression = (also bad\n"         /* 7 */
		"enabled = no\n"                   /* 8 */
		"\n"                               /* 9 */
		"[t.bad]\n"                        /* 10 */
		"name = broken\n"                  /* 11 */
		"expression = (unclosed\n";        /* 12 */
	char dir[64], err[512], want[600];
	struct sila_rules *r;
	struct sila_scanner *s;

	(void)state;
	make_dir(dir);
	assert_int_equal(test_write_file(dir, "a.rules", rules), 0);
	r = sila_rules_load(dir, err, sizeof(err));
	if (!r)
		fail_msg("load: %s", err);

	/* The disabled rule's bad expression is not compiled; the enabled one is named. */
	err[0] = '\0';
	s = sila_scanner_new(r, err, sizeof(err));
	assert_null(s);
	snprintf(want, sizeof(want), "%s/a.rules:12:", dir);
	if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, "(unclosed"))
		fail_msg("error \"%s\", expected \"%s ... '(unclosed' ...\"", err, want);

	sila_rules_enable(r, "t.bad", 0);
	sila_rules_enable(r, "t.off", 1);
	err[0] = '\0';
	s = sila_scanner_new(r, err, sizeof(err));
	assert_null(s);
	snprintf(want, sizeof(want), "%s/a.rules:7:", dir);
	if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, "(also bad"))
		fail_msg("error \"%s\", expected \"%s ... '(also bad' ...\"", err, want);

	/* With both off the rest compiles and works. */
	sila_rules_enable(r, "t.off", 0);
	s = sila_scanner_new(r, err, sizeof(err));
	if (!s)
		fail_msg("compile: %s", err);
	{
		struct fixture fx = { r, s };
		json_t *fs = scan(&fx, "xyz abc");

		assert_int_equal(json_array_size(fs), 1);
		assert_string_equal(jstr(json_array_get(fs, 0), "rule"), "t.good");
		assert_string_equal(jstr(json_array_get(fs, 0), "value"), "abc");
		assert_int_equal(jint(json_array_get(fs, 0), "offset"), 4);
		json_decref(fs);
	}
	sila_scanner_free(s);

	/* Nothing enabled: an error, not an empty database. */
	sila_rules_enable(r, "t.good", 0);
	err[0] = '\0';
	assert_null(sila_scanner_new(r, err, sizeof(err)));
	assert_true(err[0] != '\0');
	sila_rules_free(r);
	assert_int_equal(test_remove_dir(dir), 0);
}

/*
 * A rule without a validator reports the match as it is: its value is the
 * matched text and its offset where the match starts, with or without the
 * S flag (no validator can find the start for it).
 */
static void test_rule_without_validator(void **state)
{
	static const char *const variants[] = {
		"[t.plain]\nexpression = abc\nflags = S\ntags = internal\n",
		"[t.plain]\nexpression = abc\ntags = internal\n",
	};
	char dir[64];

	(void)state;
	make_dir(dir);
	for (size_t i = 0; i < 2; i++) {
		struct fixture fx;
		json_t *fs, *tags;

		assert_int_equal(test_write_file(dir, "a.rules", variants[i]), 0);
		load(&fx, dir, NULL);
		char got[64];
		long long off;
		size_t nf, nt;

		fs = scan_full(&fx, "xyz abc", 0, 0, &tags);
		nf = json_array_size(fs);
		nt = json_array_size(tags);
		snprintf(got, sizeof(got), "%s %s", jstr(json_array_get(fs, 0), "rule"),
			 jstr(json_array_get(fs, 0), "value"));
		off = nf ? jint(json_array_get(fs, 0), "offset") : -1;
		json_decref(fs);
		json_decref(tags);
		unload(&fx);
		if (nf != 1 || nt != 1 || strcmp(got, "t.plain abc") != 0 || off != 4)
			fail_msg("%s: %zu findings, first \"%s\" at offset %lld; expected one, "
				 "\"t.plain abc\" at offset 4, tag internal",
				 i == 0 ? "flag S" : "no flag S", nf, got, off);
	}
	assert_int_equal(test_remove_dir(dir), 0);
}

/* The cached database files (*.hsdb) in the cache directory; their paths go into paths. */
static size_t cache_files(char paths[][512], size_t max)
{
	DIR *d = opendir(cache_dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".hsdb") == 0 && n < max)
			snprintf(paths[n++], 512, "%s/%s", cache_dir, de->d_name);
	}
	closedir(d);
	return n;
}

static void test_db_cache(void **state)
{
	struct fixture *fx = *state, again;
	static const char text[] = "SEKRETESS\nPersonnummer 000101-2384, org 212000-0142, "
				   "19121212-1212.\nSekretess enligt 26 kap. 1 \xc2\xa7 OSL\n";
	char paths[16][512];
	size_t n = cache_files(paths, 16);
	json_t *want = scan(fx, text), *got;

	/* The set-up compiled the real rules and stored the database. */
	assert_true(n >= 1);
	assert_int_equal(json_array_size(want), 5);

	/* A second scanner loads it and finds the same. */
	load(&again, "patterns", NULL);
	got = scan(&again, text);
	assert_true(json_equal(want, got));
	json_decref(got);
	unload(&again);

	/* A damaged cache file is compiled anew, and replaced. */
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "w");

		assert_non_null(f);
		fputs("not a database", f);
		fclose(f);
	}
	load(&again, "patterns", NULL);
	got = scan(&again, text);
	assert_true(json_equal(want, got));
	json_decref(got);
	unload(&again);
	{
		size_t valid = 0;

		for (size_t i = 0; i < n; i++) {
			size_t len = 0;
			char *b = sila_read_small_file(paths[i], (size_t)64 << 20, &len);

			valid += b && len > 1000;
			free(b);
		}
		assert_true(valid >= 1);
	}
	json_decref(want);
}

/*
 * Keywords in a rule file match whatever their case: the text is folded to
 * lower case (Å Ä Ö É included), so the keywords must be folded the same way.
 */
static void test_keywords_folded(void **state)
{
	static const char rules[] =
		"[t.pnr]\n"
		"expression = \\d{6}(?:\\d{2})?[-+]?\\d{4}\n"
		"validator = personnummer\n"
		"negative = TEL, \xc3\x84RENDENR\n"
		"context = F\xc3\x96" "DELSENUMMER\n"
		"tags = personal-data\n";
	char dir[64];
	struct fixture fx;
	json_t *fs;
	size_t tel, arende;
	char conf[16];

	(void)state;
	make_dir(dir);
	assert_int_equal(test_write_file(dir, "a.rules", rules), 0);
	load(&fx, dir, NULL);
	fs = scan(&fx, "Tel 000101-2384");
	tel = json_array_size(fs);
	json_decref(fs);
	fs = scan(&fx, "\xc3\xa4rendenr 000101-2384");
	arende = json_array_size(fs);
	json_decref(fs);
	fs = scan(&fx, "f\xc3\xb6" "delsenummer 000101-2384");
	snprintf(conf, sizeof(conf), "%s", jstr(json_array_get(fs, 0), "confidence"));
	json_decref(fs);
	unload(&fx);
	if (tel != 0 || arende != 0 || strcmp(conf, "high") != 0)
		fail_msg("negative TEL: %zu findings, negative \u00c4RENDENR: %zu findings "
			 "(expected 0 and 0); context F\u00d6DELSENUMMER: confidence %s "
			 "(expected high)", tel, arende, conf);
}

static void test_hash_covers_policy(void **state)
{
	char dir[64], err[512], h1[SILA_SHA256_HEX], h2[SILA_SHA256_HEX], h3[SILA_SHA256_HEX];
	struct sila_rules *r;

	(void)state;
	make_dir(dir);
	assert_int_equal(test_write_file(dir, "a.rules", "[t.x]\nexpression = a\n"), 0);
	r = sila_rules_load(dir, err, sizeof(err));
	assert_non_null(r);
	memcpy(h1, r->hash, sizeof(h1));
	sila_rules_free(r);

	assert_int_equal(test_write_file(dir, "policy.conf", "[levels]\n0 = K0 changed\n"), 0);
	r = sila_rules_load(dir, err, sizeof(err));
	assert_non_null(r);
	memcpy(h2, r->hash, sizeof(h2));
	sila_rules_free(r);

	assert_int_equal(test_write_file(dir, "a.rules", "[t.x]\nexpression = b\n"), 0);
	r = sila_rules_load(dir, err, sizeof(err));
	assert_non_null(r);
	memcpy(h3, r->hash, sizeof(h3));
	sila_rules_free(r);

	assert_int_equal(strlen(h1), 64);
	assert_string_not_equal(h1, h2);
	assert_string_not_equal(h2, h3);
	assert_int_equal(test_remove_dir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_loaded),
		cmocka_unit_test(test_pnr_forms),
		cmocka_unit_test(test_masked_never_whole),
		cmocka_unit_test(test_aggregate),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_negative_context),
		cmocka_unit_test(test_confidence),
		cmocka_unit_test(test_glued),
		cmocka_unit_test(test_orgnr),
		cmocka_unit_test(test_markings),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_marking_counted_once),
		cmocka_unit_test(test_seed_policy),
		cmocka_unit_test(test_empty_and_nul),
		cmocka_unit_test(test_max_matches),
		cmocka_unit_test(test_interim),
		cmocka_unit_test_teardown(test_rule_file_errors, remove_tmp_dir),
		cmocka_unit_test_teardown(test_bad_expression, remove_tmp_dir),
		cmocka_unit_test_teardown(test_rule_without_validator, remove_tmp_dir),
		cmocka_unit_test_teardown(test_keywords_folded, remove_tmp_dir),
		cmocka_unit_test_teardown(test_widest_windows, remove_tmp_dir),
		cmocka_unit_test_teardown(test_hash_covers_policy, remove_tmp_dir),
		cmocka_unit_test(test_db_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
