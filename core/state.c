/*
 * state.c - the sweep state in SQLite (state.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "state.h"
#include "status.h"

struct sila_state {
	sqlite3 *db;
	sqlite3_stmt *lookup, *store, *remove, *under;
	char err[512];
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"CREATE TABLE IF NOT EXISTS files ("
	" path BLOB PRIMARY KEY,"
	" size INTEGER NOT NULL,"
	" mtime_ns INTEGER NOT NULL,"
	" ino INTEGER NOT NULL,"
	" key TEXT NOT NULL,"
	" lines TEXT NOT NULL);";

/* Notes the database's message for the last failure; returns SILA_FATAL. */
static int db_fail(struct sila_state *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what, sqlite3_errmsg(s->db));
	return SILA_FATAL;
}

struct sila_state *sila_state_open(const char *path, char *err, size_t errlen)
{
	struct sila_state *s = calloc(1, sizeof(*s));
	char *msg = NULL;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto fail;
	/* Other sweeps' stages may hold the write lock a moment; wait for it. */
	sqlite3_busy_timeout(s->db, 600000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(s->db, "SELECT size, mtime_ns, ino, key, lines FROM files WHERE path = ?1",
			       -1, &s->lookup, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO files (path, size, mtime_ns, ino, key, lines)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &s->store, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM files WHERE path = ?1", -1, &s->remove, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT path, lines FROM files WHERE path = ?1"
			       " OR (path >= ?2 AND path < ?3) ORDER BY path", -1, &s->under, NULL) != SQLITE_OK)
		goto fail;
	return s;
fail:
	snprintf(err, errlen, "%s", msg ? msg : s->db ? sqlite3_errmsg(s->db) : "out of memory");
	sqlite3_free(msg);
	sila_state_close(s);
	return NULL;
}

void sila_state_close(struct sila_state *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->lookup);
	sqlite3_finalize(s->store);
	sqlite3_finalize(s->remove);
	sqlite3_finalize(s->under);
	sqlite3_close(s->db);
	free(s);
}

const char *sila_state_errmsg(const struct sila_state *s)
{
	return s->err;
}

void sila_state_key(const char *rules_hash, const char *policy_hash, const char *opts,
		    char out[SILA_SHA256_HEX])
{
	struct sila_sha256 *h = sila_sha256_new();

	if (!h) {
		out[0] = '\0';
		return;
	}
	sila_sha256_update(h, rules_hash, strlen(rules_hash) + 1);
	sila_sha256_update(h, policy_hash, strlen(policy_hash) + 1);
	if (opts)
		sila_sha256_update(h, opts, strlen(opts));
	sila_sha256_finish(h, out);
}

int sila_state_lookup(struct sila_state *s, const char *path, size_t pathlen,
		      const struct sila_fingerprint *fp, const char *key, char **lines)
{
	int rc, ret = SILA_FAILED;

	*lines = NULL;
	sqlite3_bind_blob(s->lookup, 1, path, (int)pathlen, SQLITE_STATIC);
	rc = sqlite3_step(s->lookup);
	if (rc == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s->lookup, 3);
		const char *l = (const char *)sqlite3_column_text(s->lookup, 4);

		if (sqlite3_column_int64(s->lookup, 0) == fp->size &&
		    sqlite3_column_int64(s->lookup, 1) == fp->mtime_ns &&
		    sqlite3_column_int64(s->lookup, 2) == fp->ino &&
		    k && strcmp(k, key) == 0 && l) {
			*lines = strdup(l);
			ret = *lines ? SILA_OK : SILA_FAILED;
		}
	} else if (rc != SQLITE_DONE) {
		ret = db_fail(s, "cannot read the state");
	}
	sqlite3_reset(s->lookup);
	sqlite3_clear_bindings(s->lookup);
	return ret;
}

int sila_state_store(struct sila_state *s, const char *path, size_t pathlen,
		     const struct sila_fingerprint *fp, const char *key,
		     const char *lines, size_t len)
{
	int rc;

	/* One statement is one transaction: the row is there whole or not at all. */
	sqlite3_bind_blob(s->store, 1, path, (int)pathlen, SQLITE_STATIC);
	sqlite3_bind_int64(s->store, 2, fp->size);
	sqlite3_bind_int64(s->store, 3, fp->mtime_ns);
	sqlite3_bind_int64(s->store, 4, fp->ino);
	sqlite3_bind_text(s->store, 5, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->store, 6, lines, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(s->store);
	sqlite3_reset(s->store);
	sqlite3_clear_bindings(s->store);
	return rc == SQLITE_DONE ? SILA_OK : db_fail(s, "cannot write the state");
}

int sila_state_remove(struct sila_state *s, const char *path, size_t pathlen)
{
	int rc;

	sqlite3_bind_blob(s->remove, 1, path, (int)pathlen, SQLITE_STATIC);
	rc = sqlite3_step(s->remove);
	sqlite3_reset(s->remove);
	sqlite3_clear_bindings(s->remove);
	return rc == SQLITE_DONE ? SILA_OK : db_fail(s, "cannot write the state");
}

int sila_state_each_under(struct sila_state *s, const char *root, size_t rootlen,
			  sila_state_each_fn fn, void *ctx)
{
	char *lo = malloc(rootlen + 2), *hi = malloc(rootlen + 2);
	size_t n = rootlen;
	int rc, ret = SILA_OK;

	if (!lo || !hi) {
		free(lo);
		free(hi);
		snprintf(s->err, sizeof(s->err), "out of memory");
		return SILA_FATAL;
	}
	/* Paths under root sort between "root/" and "root0" ('0' follows '/'). */
	memcpy(lo, root, rootlen);
	if (n == 0 || root[n - 1] != '/')
		lo[n++] = '/';
	memcpy(hi, lo, n);
	hi[n - 1] = '/' + 1;
	sqlite3_bind_blob(s->under, 1, root, (int)rootlen, SQLITE_STATIC);
	sqlite3_bind_blob(s->under, 2, lo, (int)n, SQLITE_STATIC);
	sqlite3_bind_blob(s->under, 3, hi, (int)n, SQLITE_STATIC);
	while ((rc = sqlite3_step(s->under)) == SQLITE_ROW) {
		const char *l = (const char *)sqlite3_column_text(s->under, 1);

		ret = fn(ctx, sqlite3_column_blob(s->under, 0),
			 (size_t)sqlite3_column_bytes(s->under, 0), l ? l : "");
		if (ret != SILA_OK)
			break;
	}
	if (ret == SILA_OK && rc != SQLITE_DONE)
		ret = db_fail(s, "cannot read the state");
	sqlite3_reset(s->under);
	sqlite3_clear_bindings(s->under);
	free(lo);
	free(hi);
	return ret;
}
