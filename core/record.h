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

/*
 * Bodies longer than this are streamed: passed on and scanned in chunks,
 * never held whole, so a 10 GB log file takes as little memory as a letter.
 */
#define SILA_STREAM_MIN ((size_t)32 << 20)

struct sila_record {
	json_t *hdr;           /* the header object, body member removed */
	struct sila_buf body;  /* the body, at most body.cap bytes */
	int has_body;          /* the header declared a body */
	size_t body_len;       /* the length the header declared */
	int body_truncated;    /* the declared body was longer than the cap */
	size_t stream_min;     /* leave bodies longer than this unread (0: read all) */
	size_t body_pending;   /* bytes of an unread (streamed) body still to come */
	char err[256];         /* why the last read failed */
};

/* Prepares r; bodies longer than body_cap are cut to it (and the rest skipped). */
void sila_record_init(struct sila_record *r, size_t body_cap);
void sila_record_release(struct sila_record *r);

/*
 * Reads the next record (first skipping what is left of a streamed body).
 * With r->stream_min set, a body longer than it is left unread and its
 * length put in r->body_pending, to be read with sila_record_body_read.
 * Returns SILA_OK, SILA_EOF at a clean end, or
 * SILA_FATAL with r->err set when the stream is malformed or a read fails;
 * after SILA_FATAL the stream cannot be resynchronised.
 */
int sila_record_read(FILE *in, struct sila_record *r);

/*
 * Reads up to n bytes of a streamed body (one whose length passed
 * stream_min, so body_pending was set). Returns the bytes read, 0 at the
 * body's end; a short stream sets r->err and returns (size_t)-1.
 */
size_t sila_record_body_read(FILE *in, struct sila_record *r, char *buf, size_t n);

/*
 * Writes a record header declaring a body of len bytes, which the caller
 * then writes itself (a streamed body). Returns SILA_OK or SILA_FAILED.
 */
int sila_record_write_head(FILE *out, json_t *hdr, size_t len);

/*
 * Writes a record: hdr without its "body" member, then "body": len and the
 * bytes when body is not NULL. The header is written compact, with keys in
 * insertion order. Returns SILA_OK or SILA_FAILED on a write error.
 */
int sila_record_write(FILE *out, json_t *hdr, const void *body, size_t len);

#endif
