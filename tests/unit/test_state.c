/*
 * test_state.c - unit tests for core/state.c: storing and looking up a
 * file's result lines, a changed fingerprint or rule set missing the
 * cache, listing the stored files under a root (what a sweep that did not
 * see them reports as deleted), and a row written whole or not at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "status.h"

struct fixture {
	char dir[64];
	char path[128];
	struct sila_state *s;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[256];

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/sila-test-state-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/state.db", fx->dir);
	fx->s = sila_state_open(fx->path, err, sizeof(err));
	if (!fx->s)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char p[160];

	sila_state_close(fx->s);
	for (const char *const *sfx = (const char *const[]){ "", "-wal", "-shm", NULL }; *sfx; sfx++) {
		snprintf(p, sizeof(p), "%s%s", fx->path, *sfx);
		unlink(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static const struct sila_fingerprint FP = { 27, 1700000000123456789LL, 4242 };
static const char LINES[] = "{\"path\":\"a.zip\",\"member\":[\"x\"]}\n{\"path\":\"a.zip\"}\n";

static void store_and_lookup(void **state)
{
	struct fixture *fx = *state;
	char *lines;

	assert_int_equal(sila_state_lookup(fx->s, "a.zip", 5, &FP, "k1", &lines), SILA_FAILED);
	assert_null(lines);
	assert_int_equal(sila_state_store(fx->s, "a.zip", 5, &FP, "k1", LINES, strlen(LINES)), SILA_OK);
	assert_int_equal(sila_state_lookup(fx->s, "a.zip", 5, &FP, "k1", &lines), SILA_OK);
	assert_string_equal(lines, LINES);
	free(lines);
	/* Stored again, replaced. */
	assert_int_equal(sila_state_store(fx->s, "a.zip", 5, &FP, "k1", "{}\n", 3), SILA_OK);
	assert_int_equal(sila_state_lookup(fx->s, "a.zip", 5, &FP, "k1", &lines), SILA_OK);
	assert_string_equal(lines, "{}\n");
	free(lines);
}

static void fingerprint_mismatch(void **state)
{
	struct fixture *fx = *state;
	struct sila_fingerprint fp = FP;
	char *lines;

	assert_int_equal(sila_state_store(fx->s, "a", 1, &FP, "k1", LINES, strlen(LINES)), SILA_OK);
	fp.size++;
	assert_int_equal(sila_state_lookup(fx->s, "a", 1, &fp, "k1", &lines), SILA_FAILED);
	fp = FP;
	fp.mtime_ns++;
	assert_int_equal(sila_state_lookup(fx->s, "a", 1, &fp, "k1", &lines), SILA_FAILED);
	fp = FP;
	fp.ino++;
	assert_int_equal(sila_state_lookup(fx->s, "a", 1, &fp, "k1", &lines), SILA_FAILED);
	assert_null(lines);
}

static void rules_mismatch(void **state)
{
	struct fixture *fx = *state;
	char k1[SILA_SHA256_HEX], k2[SILA_SHA256_HEX], k3[SILA_SHA256_HEX], *lines;

	sila_state_key("rules1", "policy1", "", k1);
	sila_state_key("rules2", "policy1", "", k2);
	sila_state_key("rules1", "policy1", "reveal=\n", k3);
	assert_string_not_equal(k1, k2);
	assert_string_not_equal(k1, k3);
	assert_int_equal(sila_state_store(fx->s, "a", 1, &FP, k1, LINES, strlen(LINES)), SILA_OK);
	assert_int_equal(sila_state_lookup(fx->s, "a", 1, &FP, k2, &lines), SILA_FAILED);
	assert_int_equal(sila_state_lookup(fx->s, "a", 1, &FP, k3, &lines), SILA_FAILED);
	assert_int_equal(sila_state_lookup(fx->s, "a", 1, &FP, k1, &lines), SILA_OK);
	free(lines);
}

struct seen {
	char names[8][32];
	int n;
};

static int collect(void *ctx, const char *path, size_t len, const char *lines)
{
	struct seen *s = ctx;

	(void)lines;
	if (s->n < 8)
		snprintf(s->names[s->n++], 32, "%.*s", (int)len, path);
	return SILA_OK;
}

static void deleted_listing(void **state)
{
	struct fixture *fx = *state;
	static const char *const paths[] = { "d/b", "d", "d/a/x", "d-x", "d0", "dd/y", "e/d/z", "d/\xff" };
	struct seen s = { .n = 0 };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		assert_int_equal(sila_state_store(fx->s, paths[i], strlen(paths[i]), &FP, "k",
						  "{}\n", 3), SILA_OK);
	assert_int_equal(sila_state_each_under(fx->s, "d", 1, collect, &s), SILA_OK);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.names[0], "d");
	assert_string_equal(s.names[1], "d/a/x");
	assert_string_equal(s.names[2], "d/b");
	assert_string_equal(s.names[3], "d/\xff");
	s.n = 0;
	assert_int_equal(sila_state_each_under(fx->s, "d/", 2, collect, &s), SILA_OK);
	assert_int_equal(s.n, 3);
	/* A removed file is listed no more. */
	assert_int_equal(sila_state_remove(fx->s, "d/b", 3), SILA_OK);
	s.n = 0;
	assert_int_equal(sila_state_each_under(fx->s, "d", 1, collect, &s), SILA_OK);
	assert_int_equal(s.n, 3);
}

/* A row is written whole, and seen at once by another connection. */
static void transaction(void **state)
{
	struct fixture *fx = *state;
	struct sila_state *other;
	char err[256], *lines;
	size_t big = 1 << 20;
	char *text = malloc(big + 1);

	assert_non_null(text);
	memset(text, 'x', big);
	text[big] = '\0';
	other = sila_state_open(fx->path, err, sizeof(err));
	assert_non_null(other);
	assert_int_equal(sila_state_store(fx->s, "big", 3, &FP, "k", text, big), SILA_OK);
	assert_int_equal(sila_state_lookup(other, "big", 3, &FP, "k", &lines), SILA_OK);
	assert_int_equal(strlen(lines), big);
	free(lines);
	sila_state_close(other);
	free(text);
}

static void open_fails(void **state)
{
	char err[256];

	(void)state;
	assert_null(sila_state_open("/nonexistent-dir/x/state.db", err, sizeof(err)));
	assert_true(err[0] != '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store_and_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(fingerprint_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(rules_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(transaction, setup, teardown),
		cmocka_unit_test(open_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
