/*
 * state.h - the state of a sweep: what each file on disk gave the last time
 * it was read, so an unchanged file is not read again (sila --state FILE).
 *
 * The state is an SQLite database in WAL mode (synchronous=NORMAL), one row
 * per file on disk: its path (the bytes as walked), its fingerprint (size,
 * modification time in nanoseconds, inode), the key of the rule set and
 * options it was judged by, and its result lines as they were printed
 * (its members' lines, then its own, each ended by a newline). A row is
 * written in one transaction, so a sweep killed at any moment leaves every
 * file either stored whole or not at all.
 *
 * Ownership: lookups return strings the caller frees with free().
 */
#ifndef SILA_STATE_H
#define SILA_STATE_H

#include <stddef.h>

#include "hash.h"

struct sila_state;

/* What tells a changed file from an unchanged one, from stat(2). */
struct sila_fingerprint {
	long long size;
	long long mtime_ns;
	long long ino;
};

/*
 * Opens (creating when missing) the state at path. Returns NULL with the
 * reason in err.
 */
struct sila_state *sila_state_open(const char *path, char *err, size_t errlen);
void sila_state_close(struct sila_state *s);

/* The reason of the last failure. */
const char *sila_state_errmsg(const struct sila_state *s);

/*
 * The key results are judged by: a hash of the rule set's hash, the
 * policy's hash and the options that change results (opts, may be NULL).
 */
void sila_state_key(const char *rules_hash, const char *policy_hash, const char *opts,
		    char out[SILA_SHA256_HEX]);

/*
 * Looks path up. Returns SILA_OK with *lines set (a new string) when the
 * stored fingerprint and key both equal fp and key, SILA_FAILED when the
 * file is unknown or has changed, SILA_FATAL on a database error.
 */
int sila_state_lookup(struct sila_state *s, const char *path, size_t pathlen,
		      const struct sila_fingerprint *fp, const char *key, char **lines);

/* Stores (replaces) the row for path in one transaction. SILA_OK or SILA_FATAL. */
int sila_state_store(struct sila_state *s, const char *path, size_t pathlen,
		     const struct sila_fingerprint *fp, const char *key,
		     const char *lines, size_t len);

/* Removes the row for path. SILA_OK or SILA_FATAL. */
int sila_state_remove(struct sila_state *s, const char *path, size_t pathlen);

/*
 * Calls fn, in byte order, for every stored path that is root itself or
 * lies under it (root followed by '/'), with its stored lines; fn returns
 * SILA_OK to go on. Returns SILA_OK, fn's first other return value, or
 * SILA_FATAL on a database error. What a sweep of root did not see among
 * these is what was deleted since the last one.
 */
typedef int (*sila_state_each_fn)(void *ctx, const char *path, size_t pathlen,
				  const char *lines);
int sila_state_each_under(struct sila_state *s, const char *root, size_t rootlen,
			  sila_state_each_fn fn, void *ctx);

#endif
