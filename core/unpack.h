/*
 * unpack.h - turning paths into records: walk directories, read files, and
 * expand archives (zip, tar, gzip, bzip2, xz, 7z) with libarchive and part
 * containers (e-mail, mbox, Outlook .msg; parts.h), in memory and
 * recursively. Nothing is ever written to disk.
 *
 * Every regular file and every archive member yields exactly one record,
 * including those that could not be read (status "error") or were cut by a
 * limit. A container's record comes after its members' records and carries
 * "container" and "members"; it has no body. Office documents that are zip
 * files (OOXML, OpenDocument) are documents, not archives, and pass whole.
 *
 * Ownership: the emit callback borrows the header and the body; it must
 * copy what it keeps.
 */
#ifndef SILA_UNPACK_H
#define SILA_UNPACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <jansson.h>

#include "limit.h"

/* Receives each record; returns SILA_OK, or SILA_FATAL to stop (a write error). */
typedef int (*sila_emit_fn)(void *ctx, json_t *hdr, const void *body, size_t len);

/*
 * For files streamed rather than held whole: the header, declaring len
 * bytes of body, then the body in chunks.
 */
typedef int (*sila_emit_head_fn)(void *ctx, json_t *hdr, size_t len);
typedef int (*sila_emit_body_fn)(void *ctx, const void *chunk, size_t len);

struct sila_unpack;

/* A new unpacker; NULL when memory is short. lim is copied. */
struct sila_unpack *sila_unpack_new(const struct sila_limits *lim,
				    sila_emit_fn emit, void *ctx);
void sila_unpack_free(struct sila_unpack *u);

/*
 * Emits the records for one path given by the user: a file, or a directory
 * walked in name order without following symbolic links inside it.
 * Returns SILA_OK when everything was read, SILA_WARN when some record has
 * status "error" or "unscannable" (the message of the last is on the
 * handle), SILA_FATAL when emit failed.
 */
int sila_unpack_path(struct sila_unpack *u, const char *path);

/*
 * Emits the records for bytes that are not on disk (a mail attachment, a
 * blob from a pipe): name stands for the path.
 */
int sila_unpack_blob(struct sila_unpack *u, const char *name,
		     const void *data, size_t len);

/*
 * With on set, each container file (an archive, a mail, an Outlook
 * message) is expanded in a child process limited to lim.max_memory (and
 * to lim.timeout_s per file) and sandboxed (pool.h), so a parser that
 * crashes or hangs on it costs that file only. The child is started at
 * the first container and kept until sila_unpack_free; one that fails is
 * replaced at the next. Plain files are read in this process.
 */
void sila_unpack_isolate(struct sila_unpack *u, int on);

/*
 * Lets files longer than SILA_STREAM_MIN that are not containers be
 * streamed: hashed in a first pass, then passed on in chunks through head
 * and body, so their size is not limited by --max-file nor held in memory.
 */
void sila_unpack_streaming(struct sila_unpack *u, sila_emit_head_fn head, sila_emit_body_fn body);

/*
 * Called for each regular file on disk before it is read, with its header
 * (path set) and its stat; it may add fields to the header. Returns
 * SILA_FILE_READ to have the file read, SILA_FILE_DONE when it has dealt
 * with the file itself (emitted a record for it, or decided it needs none),
 * or SILA_FATAL to stop.
 */
enum { SILA_FILE_READ = 0, SILA_FILE_DONE = 1 };
typedef int (*sila_file_fn)(void *ctx, json_t *hdr, const char *path, const struct stat *st);
void sila_unpack_on_file(struct sila_unpack *u, sila_file_fn fn, void *ctx);

/*
 * Keeps only shard i of n (1 <= i <= n) of the files and other entries
 * found on disk: those whose path, as walked, hashes to i - 1 modulo n
 * (sila_shard_of). Directories are walked in every shard.
 */
void sila_unpack_shard(struct sila_unpack *u, unsigned i, unsigned n);

/* FNV-1a (64 bits) of the path's bytes modulo n, plus 1: the shard it falls in. */
unsigned sila_shard_of(const char *path, size_t len, unsigned n);

/* The message of the last problem met. */
const char *sila_unpack_errmsg(const struct sila_unpack *u);

/* The MIME type of the archive format the bytes start with, or NULL. */
const char *sila_archive_type(const void *data, size_t len);

#endif
