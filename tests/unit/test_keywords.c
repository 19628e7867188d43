/*
 * test_keywords.c - unit tests for core/keywords.c: the keyword index
 * must answer every query exactly as a plain search of the window would,
 * however the queries move along the text and however the text slides.
 *
 * The reference below is the direct way: fold the window to lower case,
 * look for each keyword with memmem, and keep whole-word matches.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keywords.h"
#include "names.h"
#include "rules.h"
#include "status.h"
#include "testutil.h"

/* Rule 0 lists one text in every way it can stand; rule 1 has only a negative list. */
static const char rules_text[] =
	"[t.a]\n"
	"expression = \\d{10}\n"
	"context = konto, *konto, f\xc3\xb6" "dd*, *mobil*, tel.*, pers nr, ssn\n"
	"negative = tel, *fax, \xc3\xa4rendenr*, bg\n"
	"[t.b]\n"
	"expression = \\d{12}\n"
	"negative = konto*, FAX, id-nr\n"
	"[t.c]\n"
	"expression = \\d{13}\n";

struct fixture {
	char dir[64];
	struct sila_rules *rules;
	struct sila_kwset *set;
	hs_scratch_t *scratch;
};

static int setup(void **state)
{
	static struct fixture fx;
	char err[512];

	strcpy(fx.dir, "/tmp/sila-test-kw-XXXXXX");
	if (!mkdtemp(fx.dir) || test_write_file(fx.dir, "t.rules", rules_text) != 0)
		return -1;
	if (!(fx.rules = sila_rules_load(fx.dir, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (!(fx.set = sila_kwset_new(fx.rules, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (sila_kwset_alloc_scratch(fx.set, &fx.scratch) != SILA_OK)
		return -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	hs_free_scratch(fx->scratch);
	sila_kwset_free(fx->set);
	sila_rules_free(fx->rules);
	return test_remove_dir(fx->dir);
}

static int wordc(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* The plain search: where the last keyword of list in text[a, b) ends, or SIZE_MAX. */
static size_t reference(const char *text, size_t a, size_t b, char *const *kw)
{
	size_t n = b - a, best = SIZE_MAX;
	char *w;

	if (!kw || !*kw || b <= a)
		return SIZE_MAX;
	w = malloc(n + 1);
	assert_non_null(w);
	sila_fold(text + a, n, w);
	w[n] = '\0';
	for (char *const *k = kw; *k; k++) {
		const char *key = *k;
		size_t kl = strlen(key);
		int open_start = key[0] == '*', open_end = kl > 1 && key[kl - 1] == '*';

		key += open_start;
		kl -= (size_t)open_start + (size_t)open_end;
		if (!kl)
			continue;
		for (const char *p = w; (p = memmem(p, (size_t)(w + n - p), key, kl)); p++) {
			size_t end = (size_t)(p - w) + kl;

			if (!open_start && p > w && wordc((unsigned char)p[-1]))
				continue;
			if (!open_end && end < n && wordc((unsigned char)w[end]) &&
			    wordc((unsigned char)key[kl - 1]))
				continue;
			if (best == SIZE_MAX || a + end > best)
				best = a + end;
		}
	}
	free(w);
	return best;
}

/* Random text made of keywords in all cases, parts of them, digits and separators. */
static char *random_text(size_t len, unsigned seed)
{
	static const char *const pieces[] = {
		"konto", "KONTO", "Konto", "bankkonto", "kontonr", "f\xc3\xb6" "dd", "F\xc3\x96" "DD",
		"f\xc3\xb6" "delse", "mobil", "hemmobilen", "tel", "TEL.", "tel.nr", "titel",
		"fax", "telefax", "FAX", "\xc3\xa4rendenr", "\xc3\x84RENDENR", "bg", "BG-nr",
		"pers nr", "PERS NR", "ssn", "id-nr", " ", " ", " ", "\n", "-", ".", ":", "0",
		"000101-2384", "x", "\xc3\xa5", "\xc3\xa9",
	};
	char *t = malloc(len + 1);
	size_t n = 0;

	assert_non_null(t);
	srand(seed);
	while (n < len) {
		const char *p = pieces[(size_t)rand() % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t k = strlen(p);

		if (n + k > len)
			k = len - n;
		memcpy(t + n, p, k);
		n += k;
	}
	t[len] = '\0';
	return t;
}

/* Asks the index and the reference the same question and fails when they differ. */
static void same(struct sila_kwindex *ix, const struct sila_rules *rules, const char *text,
		 size_t off, size_t held, size_t a, size_t b, size_t rule, enum sila_kwlist list)
{
	char *const *kw = list == SILA_KW_CONTEXT ? rules->rule[rule].context
						  : rules->rule[rule].negative;
	/* The reference sees the same held text: positions before off are gone. */
	size_t want = reference(text, a - off, b - off, kw);
	size_t got = sila_kwindex_last(ix, text, off, held, a, b, rule, list);

	if (want != SIZE_MAX)
		want += off;
	if (got != want)
		fail_msg("rule %zu list %d window [%zu, %zu): index says %zu, a plain search %zu",
			 rule, (int)list, a, b, got, want);
}

/* Queries in the order candidates make them: windows moving forward, some overlapping. */
static void test_forward_queries(void **state)
{
	struct fixture *fx = *state;
	const size_t len = 200000;
	char *text = random_text(len, 1);
	struct sila_kwindex ix;
	size_t pos = 0;

	sila_kwindex_init(&ix, fx->set, fx->scratch);
	srand(2);
	while (pos < len) {
		size_t a = pos, b = pos + 1 + (size_t)rand() % 260;

		if (b > len)
			b = len;
		if (rand() % 4 == 0)
			sila_kwindex_cover(&ix, text, 0, len, a > 164 ? a - 164 : 0, b + 164);
		for (size_t rule = 0; rule < 3; rule++) {
			same(&ix, fx->rules, text, 0, len, a, b, rule, SILA_KW_CONTEXT);
			same(&ix, fx->rules, text, 0, len, a, b, rule, SILA_KW_NEGATIVE);
		}
		/* Mostly small steps, sometimes a jump over text no candidate needs. */
		pos += rand() % 10 == 0 ? (size_t)rand() % 5000 : (size_t)rand() % 120;
	}
	assert_false(ix.oom);
	sila_kwindex_release(&ix);
	free(text);
}

/* Queries in any order, narrow and wide, at the text's edges too. */
static void test_random_queries(void **state)
{
	struct fixture *fx = *state;
	const size_t len = 20000;
	char *text = random_text(len, 3);
	struct sila_kwindex ix;

	sila_kwindex_init(&ix, fx->set, fx->scratch);
	srand(4);
	for (int i = 0; i < 20000; i++) {
		size_t a = (size_t)rand() % len, b = a + (size_t)rand() % 400;

		if (i % 50 == 0)
			a = 0;
		if (b > len || i % 70 == 0)
			b = len;
		same(&ix, fx->rules, text, 0, len, a, b, (size_t)rand() % 3,
		     rand() % 2 ? SILA_KW_CONTEXT : SILA_KW_NEGATIVE);
	}
	sila_kwindex_release(&ix);
	free(text);
}

/* A streamed text: the held window slides forward and the bytes behind it are gone. */
static void test_sliding_window(void **state)
{
	struct fixture *fx = *state;
	const size_t len = 100000, hold = 3000;
	char *text = random_text(len, 5), *buf = malloc(hold);
	struct sila_kwindex ix;

	assert_non_null(buf);
	sila_kwindex_init(&ix, fx->set, fx->scratch);
	srand(6);
	for (size_t off = 0; off + hold <= len; off += 1000) {
		/* Overwrite what was held, as a stream's buffer is reused. */
		memcpy(buf, text + off, hold);
		for (int q = 0; q < 40; q++) {
			size_t a = off + 1000 + (size_t)q * 25, b = a + 1 + (size_t)rand() % 900;

			if (b > off + hold)
				b = off + hold;
			same(&ix, fx->rules, buf, off, hold, a, b, (size_t)rand() % 2,
			     rand() % 2 ? SILA_KW_CONTEXT : SILA_KW_NEGATIVE);
		}
	}
	sila_kwindex_release(&ix);
	free(buf);
	free(text);
}

/* The lists a rule has, and the cases of a few plain questions. */
static void test_basics(void **state)
{
	struct fixture *fx = *state;
	struct sila_kwindex ix;
	static const char t1[] = "Hemtelefax och F\xc3\x96" "DDES-datum, TEL. bg-konto";

	assert_true(sila_kwset_has(fx->set, 0, SILA_KW_CONTEXT));
	assert_true(sila_kwset_has(fx->set, 1, SILA_KW_NEGATIVE));
	assert_false(sila_kwset_has(fx->set, 1, SILA_KW_CONTEXT));
	assert_false(sila_kwset_has(fx->set, 2, SILA_KW_NEGATIVE));
	sila_kwindex_init(&ix, fx->set, fx->scratch);
	/* "*fax" ends "Hemtelefax"; "fax" alone (rule t.b) does not match inside it. */
	assert_int_equal(sila_kwindex_last(&ix, t1, 0, strlen(t1), 0, 10, 0, SILA_KW_NEGATIVE), 10);
	assert_int_equal(sila_kwindex_last(&ix, t1, 0, strlen(t1), 0, 10, 1, SILA_KW_NEGATIVE),
			 SIZE_MAX);
	/* "föDD*" begins "FÖDDES", capital Ö included. */
	assert_int_equal(sila_kwindex_last(&ix, t1, 0, strlen(t1), 10, 30, 0, SILA_KW_CONTEXT), 20);
	/* A window's edge is a word boundary: "fax" alone at the window's start counts. */
	assert_int_equal(sila_kwindex_last(&ix, t1, 0, strlen(t1), 7, 10, 1, SILA_KW_NEGATIVE), 10);
	/* "tel.*" after "TEL." and "*konto" ending "bg-konto". */
	assert_int_equal(sila_kwindex_last(&ix, t1, 0, strlen(t1), 20, sizeof(t1) - 1, 0,
					   SILA_KW_CONTEXT), sizeof(t1) - 1);
	sila_kwindex_release(&ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basics),
		cmocka_unit_test(test_forward_queries),
		cmocka_unit_test(test_random_queries),
		cmocka_unit_test(test_sliding_window),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
