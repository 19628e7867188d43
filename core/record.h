/*
 * record.h - the record stream that flows between the sila filters.
 *
 * A record is one line holding a JSON object (the header), followed, when
 * the header has a "body" member with a byte count, by exactly that many raw
 * bytes and nothing else. A record without a body is a plain JSON line, so
 * the last stage's output is ordinary JSON Lines. docs/record-stream.md is
 * the specification.
 *
 * Ownership: a sila_record owns its header (a jansson reference) and its
 * body buffer; sila_record_read replaces both, sila_record_release frees
 * them.
 */
#ifndef SILA_RECORD_H
#define SILA_RECORD_H

#include <stdio.h>

#include <jansson.h>

#include "buf.h"

/* The longest header line accepted, so a stream without newlines cannot exhaust memory. */
#define SILA_HEADER_MAX ((size_t)64 << 20)

struct sila_record {
	json_t *hdr;           /* the header object, body member removed */
	struct sila_buf body;  /* the body, at most body.cap bytes */
	int has_body;          /* the header declared a body */
	size_t body_len;       /* the length the header declared */
	int body_truncated;    /* the declared body was longer than the cap */
	char err[256];         /* why the last read failed */
};

/* Prepares r; bodies longer than body_cap are cut to it (and the rest skipped). */
void sila_record_init(struct sila_record *r, size_t body_cap);
void sila_record_release(struct sila_record *r);

/*
 * Reads the next record. Returns SILA_OK, SILA_EOF at a clean end, or
 * SILA_FATAL with r->err set when the stream is malformed or a read fails;
 * after SILA_FATAL the stream cannot be resynchronised.
 */
int sila_record_read(FILE *in, struct sila_record *r);

/*
 * Writes a record: hdr without its "body" member, then "body": len and the
 * bytes when body is not NULL. The header is written compact, with keys in
 * insertion order. Returns SILA_OK or SILA_FAILED on a write error.
 */
int sila_record_write(FILE *out, json_t *hdr, const void *body, size_t len);

#endif
