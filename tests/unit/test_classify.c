/*
 * test_classify.c - unit tests for core/classify.c and core/policy.c with
 * the real policy and rule set in patterns/ (the tests run from the
 * repository root).
 *
 * Scan-stage headers are built by hand, as sila-scan writes them, and run
 * through a classifier in stream order: a container's members first, then
 * the container. Finding values are masked as sila-scan masks them; the
 * numbers behind them are Skatteverket's test personnummer.
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

#include "classify.h"
#include "names.h"
#include "policy.h"
#include "rules.h"
#include "status.h"
#include "testutil.h"

#define PNR "se.personnummer"
#define SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define RULES_HASH "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SCANNED "2026-11-29T12:00:00Z"

struct fixture {
	struct sila_policy *policy;
	struct sila_rules *rules;
	struct sila_classifier *c;
	const char *hemlig; /* the marker rule tagged security-classified */
	const char *intern; /* the marker rule tagged internal */
};

/* The id of a marking rule (marker.*) that contributes tag, or NULL. */
static const char *marker_with_tag(const struct sila_rules *r, const char *tag)
{
	for (size_t i = 0; i < r->nrules; i++) {
		if (strncmp(r->rule[i].id, "marker.", 7) != 0)
			continue;
		for (char **t = r->rule[i].tags; t && *t; t++)
			if (strcmp(*t, tag) == 0)
				return r->rule[i].id;
	}
	return NULL;
}

static int setup(void **state)
{
	static struct fixture fx;
	char err[512];

	fx.policy = sila_policy_load("patterns/policy.conf", err, sizeof(err));
	if (!fx.policy) {
		fprintf(stderr, "policy: %s\n", err);
		return -1;
	}
	fx.rules = sila_rules_load("patterns", err, sizeof(err));
	if (!fx.rules) {
		fprintf(stderr, "rules: %s\n", err);
		return -1;
	}
	fx.hemlig = marker_with_tag(fx.rules, "security-classified");
	fx.intern = marker_with_tag(fx.rules, "internal");
	if (!fx.hemlig || !fx.intern) {
		fprintf(stderr, "no marker rule is tagged security-classified or internal\n");
		return -1;
	}
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	sila_policy_free(fx->policy);
	sila_rules_free(fx->rules);
	return 0;
}

/* Each test gets a fresh classifier: a stream of its own. */
static int new_stream(void **state)
{
	struct fixture *fx = *state;

	fx->c = sila_classifier_new(fx->policy, fx->rules);
	return fx->c ? 0 : -1;
}

static int end_stream(void **state)
{
	struct fixture *fx = *state;

	sila_classifier_free(fx->c);
	fx->c = NULL;
	return 0;
}

/* A finding as sila-scan writes it. */
static json_t *finding(const char *rule, const char *value)
{
	json_t *f = json_pack("{s:s,s:s,s:i,s:s,s:i}", "rule", rule, "value", value,
			      "count", 1, "confidence", "high", "offset", 0);

	assert_non_null(f);
	return f;
}

/*
 * A scan-stage header for a file or member: member is a NULL-terminated list
 * of names (NULL for a file on disk); findings is stolen. Keys are added in
 * an order unlike the report's, which the classifier must impose.
 */
static json_t *header(const char *path, const char *const *member, const char *status,
		      json_t *findings)
{
	json_t *h = json_object();

	assert_non_null(h);
	json_object_set_new(h, "trace", json_pack("{s:s,s:s}", "rules", RULES_HASH,
						  "scanned", SCANNED));
	json_object_set_new(h, "findings", findings ? findings : json_array());
	json_object_set_new(h, "status", json_string(status));
	json_object_set_new(h, "sha256", json_string(SHA));
	assert_int_equal(sila_json_set_name(h, "path", path, strlen(path)), SILA_OK);
	for (const char *const *m = member; m && *m; m++)
		assert_int_equal(sila_json_push_member(h, *m, strlen(*m)), SILA_OK);
	json_object_set_new(h, "size", json_integer(1234));
	json_object_set_new(h, "type", json_string("text/plain"));
	json_object_set_new(h, "tags", json_array());
	json_object_set_new(h, "warnings", json_array());
	return h;
}

/* A container's own record, which comes after its members and has no findings. */
static json_t *container(const char *path, const char *const *member, const char *status,
			 int members)
{
	json_t *h = header(path, member, status, NULL);

	json_object_set_new(h, "type", json_string("application/zip"));
	json_object_set_new(h, "container", json_string("zip"));
	json_object_set_new(h, "members", json_integer(members));
	json_object_del(h, "findings");
	json_object_del(h, "tags");
	return h;
}

/* An array of findings of rule, one per value. */
static json_t *findings_of(const char *rule, const char *const *values, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, finding(rule, values[i]));
	return a;
}

/* Classifies hdr (stolen), checking that the input is left as it was; returns the result. */
static json_t *classify(struct fixture *fx, json_t *hdr)
{
	json_t *before = json_deep_copy(hdr);
	json_t *out = sila_classify(fx->c, hdr);

	assert_non_null(out);
	assert_true(json_equal(before, hdr));
	json_decref(before);
	json_decref(hdr);
	return out;
}

static const char *jstr(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "(none)";
}

/*
 * Fails, showing the result, unless it has the level, status and exactly
 * the tags given; a failure releases out, so a failing test leaks nothing.
 */
static void expect(json_t *out, int level, const char *status, const char *const *tags)
{
	const json_t *t = json_object_get(out, "tags");
	size_t n = 0;
	char *dump = json_dumps(out, JSON_COMPACT);
	int ok = json_integer_value(json_object_get(out, "level")) == level &&
		 strcmp(jstr(out, "status"), status) == 0 && json_is_array(t);

	while (tags[n])
		n++;
	for (const char *const *p = tags; ok && *p; p++) {
		size_t i;
		const json_t *v;
		int have = 0;

		json_array_foreach(t, i, v)
			have |= strcmp(json_string_value(v), *p) == 0;
		ok = have;
	}
	if (!ok || json_array_size(t) != n) {
		char msg[2048];

		snprintf(msg, sizeof(msg), "%s", dump ? dump : "?");
		free(dump);
		json_decref(out);
		fail_msg("expected level %d, status %s, %zu tags: %s", level, status, n, msg);
	}
	free(dump);
}

/* Whether the result's warnings hold one with code. */
static int has_warning(const json_t *out, const char *code)
{
	size_t i;
	const json_t *w;

	json_array_foreach(json_object_get(out, "warnings"), i, w)
		if (strcmp(jstr(w, "code"), code) == 0)
			return 1;
	return 0;
}

static const char *const no_tags[] = { NULL };
static const char *const personal[] = { "personal-data", NULL };

static void test_personnummer(void **state)
{
	struct fixture *fx = *state;
	json_t *out = classify(fx, header("a.txt", NULL, "ok",
					  findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));

	expect(out, 2, "ok", personal);
	assert_string_equal(jstr(out, "label"), fx->policy->labels[2]);
	assert_string_equal(jstr(out, "label"), "K2 k\xc3\xa4nslig");
	assert_true(has_warning(out, "unmarked-personal-data"));
	assert_int_equal(json_array_size(json_object_get(out, "warnings")), 1);
	/* The findings pass through as they came. */
	assert_int_equal(json_array_size(json_object_get(out, "findings")), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(out, "findings"), 0), "value"),
			    "20000101-****");
	json_decref(out);
}

static void test_marked_personnummer(void **state)
{
	struct fixture *fx = *state;
	static const char *const tags[] = { "personal-data", "marked-confidential", NULL };
	json_t *f = findings_of(PNR, (const char *const[]){ "20000101-****" }, 1);
	json_t *out;

	json_array_append_new(f, finding("marker.sekretess", "SEKRETESS"));
	out = classify(fx, header("b.txt", NULL, "ok", f));
	expect(out, 2, "ok", tags);
	assert_false(has_warning(out, "unmarked-personal-data"));
	assert_int_equal(json_array_size(json_object_get(out, "warnings")), 0);
	json_decref(out);

	/* A citation of the law marks just as well. */
	f = findings_of(PNR, (const char *const[]){ "20000101-****" }, 1);
	json_array_append_new(f, finding("marker.osl", "OSL 26:1"));
	out = classify(fx, header("c.txt", NULL, "ok", f));
	expect(out, 2, "ok", tags);
	assert_false(has_warning(out, "unmarked-personal-data"));
	json_decref(out);
}

static void test_levels(void **state)
{
	struct fixture *fx = *state;
	static const char *const secret[] = { "security-classified", NULL };
	static const char *const both[] = { "security-classified", "personal-data", NULL };
	json_t *out, *f;

	out = classify(fx, header("h.txt", NULL, "ok",
				  findings_of(fx->hemlig, (const char *const[]){ "HEMLIG" }, 1)));
	expect(out, 4, "ok", secret);
	assert_string_equal(jstr(out, "label"), fx->policy->labels[4]);
	assert_false(has_warning(out, "unmarked-personal-data"));
	json_decref(out);

	/* Security classification counts as a marking for personal data. */
	f = findings_of(fx->hemlig, (const char *const[]){ "HEMLIG" }, 1);
	json_array_append_new(f, finding(PNR, "20000101-****"));
	out = classify(fx, header("h2.txt", NULL, "ok", f));
	expect(out, 4, "ok", both);
	assert_false(has_warning(out, "unmarked-personal-data"));
	json_decref(out);

	/* Nothing found: level 0, the policy's label, no warning. */
	out = classify(fx, header("clean.txt", NULL, "ok", NULL));
	expect(out, 0, "ok", no_tags);
	assert_string_equal(jstr(out, "label"), fx->policy->labels[0]);
	assert_int_equal(json_array_size(json_object_get(out, "warnings")), 0);
	json_decref(out);

	/* An organisation number is public: no tag, level 0. */
	out = classify(fx, header("org.txt", NULL, "ok",
				  findings_of("se.organisationsnummer",
					      (const char *const[]){ "212000-0142" }, 1)));
	expect(out, 0, "ok", no_tags);
	json_decref(out);

	/* A rule the rule set does not know contributes nothing. */
	out = classify(fx, header("odd.txt", NULL, "ok",
				  findings_of("no.such.rule", (const char *const[]){ "x" }, 1)));
	expect(out, 0, "ok", no_tags);
	json_decref(out);
}

/* The masked values of the first n numbers of Skatteverket's test list. */
static json_t *skatteverket_findings(size_t n)
{
	char path[1024], line[64];
	json_t *a = json_array();
	FILE *f;

	snprintf(path, sizeof(path), "%s/testdata/skatteverket/testpersonnummer-2000-2009.csv",
		 test_shared_dir());
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	while (json_array_size(a) < n && fgets(line, sizeof(line), f)) {
		char masked[16];

		line[strcspn(line, "\r\n")] = '\0';
		if (strlen(line) != 12 || strspn(line, "0123456789") != 12)
			continue;
		snprintf(masked, sizeof(masked), "%.8s-****", line);
		json_array_append_new(a, finding(PNR, masked));
	}
	fclose(f);
	assert_int_equal(json_array_size(a), n);
	return a;
}

static void test_large_amounts(void **state)
{
	struct fixture *fx = *state;
	json_t *out;

	assert_int_equal(fx->policy->large_count, 25);
	assert_int_equal(fx->policy->large_level, 3);

	/* 25 distinct numbers (several born the same day, so masked alike). */
	out = classify(fx, header("list.txt", NULL, "ok", skatteverket_findings(25)));
	expect(out, 3, "ok", personal);
	assert_string_equal(jstr(out, "label"), fx->policy->labels[3]);
	assert_true(has_warning(out, "unmarked-personal-data"));
	json_decref(out);

	out = classify(fx, header("list.txt", NULL, "ok", skatteverket_findings(24)));
	expect(out, 2, "ok", personal);
	json_decref(out);
}

static void test_container(void **state)
{
	struct fixture *fx = *state;
	static const char *const tags[] = { "personal-data", "security-classified", NULL };
	json_t *out;

	out = classify(fx, header("a.zip", (const char *const[]){ "x.txt", NULL }, "ok",
				  findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));
	expect(out, 2, "ok", personal);
	json_decref(out);
	out = classify(fx, header("a.zip", (const char *const[]){ "y.txt", NULL }, "ok", NULL));
	expect(out, 0, "ok", no_tags);
	json_decref(out);
	out = classify(fx, header("a.zip", (const char *const[]){ "z.txt", NULL }, "ok",
				  findings_of(fx->hemlig, (const char *const[]){ "HEMLIG" }, 1)));
	expect(out, 4, "ok", (const char *const[]){ "security-classified", NULL });
	json_decref(out);

	out = classify(fx, container("a.zip", NULL, "ok", 3));
	expect(out, 4, "ok", tags);
	assert_string_equal(jstr(out, "label"), fx->policy->labels[4]);
	assert_int_equal(json_array_size(json_object_get(out, "findings")), 0);
	/* The leak warning is the members' to carry, not the container's. */
	assert_int_equal(json_array_size(json_object_get(out, "warnings")), 0);
	assert_string_equal(jstr(out, "container"), "zip");
	assert_int_equal(json_integer_value(json_object_get(out, "members")), 3);
	json_decref(out);

	/* The members' highest level, even one no tag gives (large amounts), through two levels. */
	out = classify(fx, header("l.zip", (const char *const[]){ "m.zip", "list.txt", NULL }, "ok",
				  skatteverket_findings(25)));
	expect(out, 3, "ok", personal);
	json_decref(out);
	out = classify(fx, header("l.zip", (const char *const[]){ "m.zip", "one.txt", NULL }, "ok",
				  findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));
	expect(out, 2, "ok", personal);
	json_decref(out);
	out = classify(fx, container("l.zip", (const char *const[]){ "m.zip", NULL }, "ok", 2));
	expect(out, 3, "ok", personal);
	assert_string_equal(jstr(out, "label"), fx->policy->labels[3]);
	json_decref(out);
	out = classify(fx, container("l.zip", NULL, "ok", 1));
	expect(out, 3, "ok", personal);
	json_decref(out);

	/* The next container starts from nothing. */
	out = classify(fx, header("b.zip", (const char *const[]){ "c.txt", NULL }, "ok", NULL));
	json_decref(out);
	out = classify(fx, container("b.zip", NULL, "ok", 1));
	expect(out, 0, "ok", no_tags);
	json_decref(out);
}

static void test_nested(void **state)
{
	struct fixture *fx = *state;
	static const char *const tags[] = { "personal-data", "internal", NULL };
	json_t *out, *f;

	/* outer.zip holds a.txt, inner.zip (holding x.txt) and b.txt. */
	f = json_array();
	json_array_append_new(f, finding(fx->intern, "INTERN"));
	out = classify(fx, header("outer.zip", (const char *const[]){ "a.txt", NULL }, "ok", f));
	expect(out, 1, "ok", (const char *const[]){ "internal", NULL });
	json_decref(out);

	out = classify(fx, header("outer.zip", (const char *const[]){ "inner.zip", "x.txt", NULL },
				  "ok", findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));
	expect(out, 2, "ok", personal);
	json_decref(out);

	out = classify(fx, container("outer.zip", (const char *const[]){ "inner.zip", NULL }, "ok", 1));
	expect(out, 2, "ok", personal);
	json_decref(out);

	out = classify(fx, header("outer.zip", (const char *const[]){ "b.txt", NULL }, "ok", NULL));
	expect(out, 0, "ok", no_tags);
	json_decref(out);

	out = classify(fx, container("outer.zip", NULL, "ok", 4));
	expect(out, 2, "ok", tags);
	json_decref(out);
}

static void test_nested_three(void **state)
{
	struct fixture *fx = *state;
	json_t *out;

	/* Members at depth 3, 2, 1, 0 in stream order: each level folds into the next. */
	out = classify(fx, header("o.tar", (const char *const[]){ "m.zip", "i.zip", "d.txt", NULL },
				  "ok", findings_of(fx->hemlig, (const char *const[]){ "HEMLIG" }, 1)));
	expect(out, 4, "ok", (const char *const[]){ "security-classified", NULL });
	json_decref(out);
	out = classify(fx, container("o.tar", (const char *const[]){ "m.zip", "i.zip", NULL }, "ok", 1));
	expect(out, 4, "ok", (const char *const[]){ "security-classified", NULL });
	json_decref(out);
	out = classify(fx, container("o.tar", (const char *const[]){ "m.zip", NULL }, "ok", 1));
	expect(out, 4, "ok", (const char *const[]){ "security-classified", NULL });
	json_decref(out);
	out = classify(fx, container("o.tar", NULL, "ok", 1));
	expect(out, 4, "ok", (const char *const[]){ "security-classified", NULL });
	json_decref(out);
}

static void test_nested_non_utf8(void **state)
{
	struct fixture *fx = *state;
	json_t *out;

	/*
	 * A member whose name is not UTF-8 carries member_b64; its container,
	 * whose own name is UTF-8, does not. The member still belongs to it.
	 */
	out = classify(fx, header("n.zip", (const char *const[]){ "inner.zip", "bad\xff.txt", NULL },
				  "ok", findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));
	expect(out, 2, "ok", personal);
	assert_non_null(json_object_get(out, "member_b64"));
	json_decref(out);

	out = classify(fx, container("n.zip", (const char *const[]){ "inner.zip", NULL }, "ok", 1));
	expect(out, 2, "ok", personal);
	json_decref(out);

	out = classify(fx, container("n.zip", NULL, "ok", 1));
	expect(out, 2, "ok", personal);
	json_decref(out);
}

static void test_non_utf8_path(void **state)
{
	struct fixture *fx = *state;
	json_t *out;

	/* A container whose path is not UTF-8 collects its members like any other. */
	out = classify(fx, header("arkiv\xe5.zip", (const char *const[]){ "x.txt", NULL }, "ok",
				  findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));
	expect(out, 2, "ok", personal);
	assert_non_null(json_object_get(out, "path_b64"));
	json_decref(out);
	out = classify(fx, container("arkiv\xe5.zip", NULL, "ok", 1));
	expect(out, 2, "ok", personal);
	assert_non_null(json_object_get(out, "path_b64"));
	json_decref(out);
	/* Another path that reads the same once decoded lossily is another container. */
	out = classify(fx, header("arkiv\xe4.zip", (const char *const[]){ "x.txt", NULL }, "ok",
				  findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));
	json_decref(out);
	out = classify(fx, container("arkiv\xe5.zip", NULL, "ok", 1));
	expect(out, 0, "ok", no_tags);
	json_decref(out);
}

static void test_partial_members(void **state)
{
	struct fixture *fx = *state;
	json_t *out;

	out = classify(fx, header("p.zip", (const char *const[]){ "ok.txt", NULL }, "ok",
				  findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));
	json_decref(out);
	out = classify(fx, header("p.zip", (const char *const[]){ "scan.pdf", NULL }, "unscannable",
				  NULL));
	expect(out, 0, "unscannable", no_tags);
	json_decref(out);

	out = classify(fx, container("p.zip", NULL, "ok", 2));
	expect(out, 2, "partial", personal);
	assert_true(has_warning(out, "partial-members"));
	json_decref(out);

	/* A container that is worse off itself keeps its own status. */
	out = classify(fx, header("q.zip", (const char *const[]){ "e.txt", NULL }, "error", NULL));
	expect(out, 0, "error", no_tags);
	json_decref(out);
	out = classify(fx, container("q.zip", NULL, "unscannable", 1));
	expect(out, 0, "unscannable", no_tags);
	assert_true(has_warning(out, "partial-members"));
	json_decref(out);

	/* A partial member makes a partial container through every level. */
	out = classify(fx, header("r.zip", (const char *const[]){ "s.zip", "t.pdf", NULL }, "partial",
				  NULL));
	json_decref(out);
	out = classify(fx, container("r.zip", (const char *const[]){ "s.zip", NULL }, "ok", 1));
	expect(out, 0, "partial", no_tags);
	json_decref(out);
	out = classify(fx, container("r.zip", NULL, "ok", 1));
	expect(out, 0, "partial", no_tags);
	assert_true(has_warning(out, "partial-members"));
	json_decref(out);
}

static void test_no_leak_between_containers(void **state)
{
	struct fixture *fx = *state;
	json_t *out;

	/* c.zip's members, but no c.zip record (it failed): they must not land in d.zip. */
	out = classify(fx, header("c.zip", (const char *const[]){ "x.txt", NULL }, "ok",
				  findings_of(fx->hemlig, (const char *const[]){ "HEMLIG" }, 1)));
	json_decref(out);
	out = classify(fx, header("c.zip", (const char *const[]){ "y.pdf", NULL }, "unscannable",
				  NULL));
	json_decref(out);
	out = classify(fx, container("d.zip", NULL, "ok", 0));
	expect(out, 0, "ok", no_tags);
	assert_false(has_warning(out, "partial-members"));
	json_decref(out);

	/* The same with members of d.zip in between. */
	out = classify(fx, header("e.zip", (const char *const[]){ "x.txt", NULL }, "unscannable",
				  findings_of(fx->hemlig, (const char *const[]){ "HEMLIG" }, 1)));
	json_decref(out);
	out = classify(fx, header("f.zip", (const char *const[]){ "z.txt", NULL }, "ok",
				  findings_of(PNR, (const char *const[]){ "20000101-****" }, 1)));
	json_decref(out);
	out = classify(fx, container("f.zip", NULL, "ok", 1));
	expect(out, 2, "ok", personal);
	assert_false(has_warning(out, "partial-members"));
	json_decref(out);

	/* A file on disk after a container's members is no container: it takes nothing. */
	out = classify(fx, header("g.zip", (const char *const[]){ "x.txt", NULL }, "ok",
				  findings_of(fx->hemlig, (const char *const[]){ "HEMLIG" }, 1)));
	json_decref(out);
	out = classify(fx, header("plain.txt", NULL, "ok", NULL));
	expect(out, 0, "ok", no_tags);
	json_decref(out);

	/* Inner containers of the same name in different outer ones are different. */
	out = classify(fx, header("h1.zip", (const char *const[]){ "in.zip", "x.txt", NULL }, "ok",
				  findings_of(fx->hemlig, (const char *const[]){ "HEMLIG" }, 1)));
	json_decref(out);
	out = classify(fx, container("h2.zip", (const char *const[]){ "in.zip", NULL }, "ok", 1));
	expect(out, 0, "ok", no_tags);
	json_decref(out);
}

/* Fails unless obj's keys are exactly keys, in order. */
static void expect_keys(const json_t *obj, const char *const *keys)
{
	void *it = json_object_iter((json_t *)(uintptr_t)obj);
	char *dump = json_dumps(obj, JSON_COMPACT);

	for (const char *const *k = keys; *k; k++, it = json_object_iter_next((json_t *)(uintptr_t)obj, it))
		if (!it || strcmp(json_object_iter_key(it), *k) != 0)
			fail_msg("expected key \"%s\" here, got \"%s\": %s", *k,
				 it ? json_object_iter_key(it) : "(end)", dump);
	if (it)
		fail_msg("unexpected key \"%s\": %s", json_object_iter_key(it), dump);
	free(dump);
}

static void test_key_order(void **state)
{
	struct fixture *fx = *state;
	static const char *const member_keys[] = {
		"path", "member", "type", "size", "sha256", "status", "level", "label", "tags",
		"findings", "warnings", "pages", "trace", NULL
	};
	static const char *const file_keys[] = {
		"path", "path_b64", "type", "size", "sha256", "status", "level", "label", "tags",
		"findings", "warnings", "trace", NULL
	};
	static const char *const container_keys[] = {
		"path", "type", "size", "sha256", "status", "level", "label", "tags",
		"findings", "warnings", "container", "members", "trace", NULL
	};
	static const char *const trace_keys[] = { "version", "rules", "scanned", "policy", NULL };
	json_t *h, *out;
	const json_t *trace;

	h = header("k.zip", (const char *const[]){ "doc.pdf", NULL }, "ok",
		   findings_of(PNR, (const char *const[]){ "20000101-****" }, 1));
	json_object_set_new(h, "pages", json_integer(3));
	out = classify(fx, h);
	expect_keys(out, member_keys);
	assert_int_equal(json_integer_value(json_object_get(out, "pages")), 3);
	trace = json_object_get(out, "trace");
	expect_keys(trace, trace_keys);
	assert_int_equal(strncmp(jstr(trace, "version"), "sila ", 5), 0);
	assert_string_equal(jstr(trace, "rules"), RULES_HASH);
	assert_string_equal(jstr(trace, "scanned"), SCANNED);
	assert_string_equal(jstr(trace, "policy"), fx->policy->hash);
	assert_int_equal(strlen(fx->policy->hash), 64);
	json_decref(out);

	out = classify(fx, container("k.zip", NULL, "ok", 1));
	expect_keys(out, container_keys);
	expect_keys(json_object_get(out, "trace"), trace_keys);
	json_decref(out);

	out = classify(fx, header("bad\xffname.txt", NULL, "ok", NULL));
	expect_keys(out, file_keys);
	assert_string_equal(jstr(out, "path"), "bad\xef\xbf\xbdname.txt");
	{
		/* The result is valid JSON: jansson refuses to dump invalid UTF-8. */
		char *s = json_dumps(out, JSON_COMPACT);

		assert_non_null(s);
		free(s);
	}
	json_decref(out);
}

static void test_status_kept(void **state)
{
	struct fixture *fx = *state;
	static const char *const statuses[] = { "ok", "partial", "unscannable", "error" };
	json_t *out;

	for (size_t i = 0; i < 4; i++) {
		out = classify(fx, header("s.txt", NULL, statuses[i], NULL));
		assert_string_equal(jstr(out, "status"), statuses[i]);
		json_decref(out);
	}
	/* Findings and warnings do not make an unscannable record ok. */
	{
		json_t *h = header("u.pdf", NULL, "unscannable",
				   findings_of(PNR, (const char *const[]){ "20000101-****" }, 1));

		json_array_append_new(json_object_get(h, "warnings"),
				      json_pack("{s:s,s:s}", "code", "no-text-layer",
						"message", "no text"));
		out = classify(fx, h);
		expect(out, 2, "unscannable", personal);
		assert_true(has_warning(out, "no-text-layer"));
		assert_true(has_warning(out, "unmarked-personal-data"));
		json_decref(out);
	}
	/* An unscannable member leaves its container, and that container's container, not ok. */
	out = classify(fx, header("v.zip", (const char *const[]){ "w.zip", "enc.pdf", NULL },
				  "unscannable", NULL));
	assert_string_equal(jstr(out, "status"), "unscannable");
	json_decref(out);
	out = classify(fx, container("v.zip", (const char *const[]){ "w.zip", NULL }, "unscannable", 1));
	assert_string_equal(jstr(out, "status"), "unscannable");
	json_decref(out);
	out = classify(fx, container("v.zip", NULL, "ok", 1));
	assert_string_not_equal(jstr(out, "status"), "ok");
	json_decref(out);
}

static void test_implied_protected_identity(void **state)
{
	struct fixture *fx = *state;
	static const char *const tags[] = {
		"personal-data", "mentions-protected-identity", "protected-identity", NULL
	};
	json_t *f;
	json_t *out;

	if (!sila_rules_find(fx->rules, "mention.skyddad-identitet"))
		fail_msg("no rule mention.skyddad-identitet");
	/* A mention next to personal data is the fact itself: protected identity, level 3. */
	f = findings_of(PNR, (const char *const[]){ "20000101-****" }, 1);
	json_array_append_new(f, finding("mention.skyddad-identitet", "har skyddad identitet"));
	out = classify(fx, header("m.txt", NULL, "ok", f));
	expect(out, 3, "ok", tags);
	assert_false(has_warning(out, "unmarked-personal-data"));
	json_decref(out);

	/* On its own the mention is a policy text's topic. */
	out = classify(fx, header("m2.txt", NULL, "ok",
				  findings_of("mention.skyddad-identitet",
					      (const char *const[]){ "har skyddad identitet" }, 1)));
	expect(out, 0, "ok", (const char *const[]){ "mentions-protected-identity", NULL });
	json_decref(out);
}

static void test_policy_loaded(void **state)
{
	struct fixture *fx = *state;
	const struct sila_policy *p = fx->policy;

	assert_string_equal(p->labels[0], "K0 \xc3\xb6ppen");
	assert_string_equal(p->labels[4], "K4 s\xc3\xa4kerhetsskydd");
	assert_int_equal(sila_policy_tag_level(p, "personal-data"), 2);
	assert_int_equal(sila_policy_tag_level(p, "security-classified"), 4);
	assert_int_equal(sila_policy_tag_level(p, "internal"), 1);
	assert_int_equal(sila_policy_tag_level(p, "no-such-tag"), 0);
	assert_string_equal(p->large_tag, "personal-data");
	assert_string_equal(p->leak_when, "personal-data");
	assert_non_null(p->leak_unless);
	assert_string_equal(p->leak_unless[0], "marked-confidential");
	assert_int_equal(p->fail_level, 2);
	assert_int_equal(strlen(p->hash), 64);
}

/* Writes a policy to a temporary file and fails unless loading it gives "path:line: ..." naming word. */
static void expect_policy_error(const char *dir, const char *text, unsigned line, const char *word)
{
	char path[128], err[512] = "", want[256];
	struct sila_policy *p;

	assert_int_equal(test_write_file(dir, "policy.conf", text), 0);
	snprintf(path, sizeof(path), "%s/policy.conf", dir);
	p = sila_policy_load(path, err, sizeof(err));
	if (p) {
		sila_policy_free(p);
		fail_msg("policy loaded without error:\n%s", text);
	}
	snprintf(want, sizeof(want), "%s:%u:", path, line);
	if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, word))
		fail_msg("error \"%s\", expected \"%s ...%s...\"", err, want, word);
}

/* The temporary directory of the running test, removed after it even when it fails. */
static char tmp_dir[64];

static int remove_tmp_dir(void **state)
{
	(void)state;
	if (tmp_dir[0] && access(tmp_dir, F_OK) == 0 && test_remove_dir(tmp_dir) != 0)
		return -1;
	tmp_dir[0] = '\0';
	return 0;
}

static void test_policy_errors(void **state)
{
	char dir[64], path[128], err[512];
	struct sila_policy *p;

	(void)state;
	strcpy(dir, "/tmp/sila-test-policy-XXXXXX");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	strcpy(tmp_dir, dir);
	expect_policy_error(dir, "[levels]\n0 = K0\n5 = K5\n", 3, "level");
	expect_policy_error(dir, "# c\n[levels]\n-1 = K\n", 3, "level");
	expect_policy_error(dir, "[tags]\npersonal-data = 9\n", 2, "level");
	expect_policy_error(dir, "[tags]\npersonal-data = two\n", 2, "level");
	expect_policy_error(dir, "[large-amounts]\ntag = x\nlevel = 7\n", 3, "level");
	expect_policy_error(dir, "[large-amounts]\ncolour = 3\n", 2, "colour");
	expect_policy_error(dir, "[large-amounts]\ncount = many\n", 2, "number");
	expect_policy_error(dir, "[leak-warning]\nwhen = a\nwhom = b\n", 3, "whom");
	expect_policy_error(dir, "[levels]\n0 = K0\n\n[bogus]\nx = 1\n", 5, "bogus");
	expect_policy_error(dir, "x = 1\n", 1, "x");
	expect_policy_error(dir, "[levels\n0 = K0\n", 1, "heading");
	expect_policy_error(dir, "[levels]\n0 K0\n", 2, "key = value");

	/* Levels not named get a default label; the exit level may be 5 (never). */
	assert_int_equal(test_write_file(dir, "policy.conf",
					 "[levels]\n2 = Two\n[exit]\nfail-level = 5\n"), 0);
	snprintf(path, sizeof(path), "%s/policy.conf", dir);
	p = sila_policy_load(path, err, sizeof(err));
	if (!p)
		fail_msg("load: %s", err);
	assert_string_equal(p->labels[2], "Two");
	assert_string_equal(p->labels[0], "K0");
	assert_string_equal(p->labels[4], "K4");
	assert_int_equal(p->fail_level, 5);
	assert_int_equal(p->ntags, 0);
	sila_policy_free(p);
	assert_int_equal(test_remove_dir(dir), 0);

	/* A missing file names the path. */
	err[0] = '\0';
	assert_null(sila_policy_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, path));
}

#define T(f) cmocka_unit_test_setup_teardown(f, new_stream, end_stream)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_personnummer),
		T(test_marked_personnummer),
		T(test_levels),
		T(test_large_amounts),
		T(test_container),
		T(test_nested),
		T(test_nested_three),
		T(test_nested_non_utf8),
		T(test_non_utf8_path),
		T(test_partial_members),
		T(test_no_leak_between_containers),
		T(test_key_order),
		T(test_status_kept),
		T(test_implied_protected_identity),
		T(test_policy_loaded),
		cmocka_unit_test_teardown(test_policy_errors, remove_tmp_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
