/*
 * record.c - reading and writing the record stream.
 */
#include <errno.h>
#include <string.h>

#include "record.h"
#include "status.h"

void sila_record_init(struct sila_record *r, size_t body_cap)
{
	r->hdr = NULL;
	sila_buf_init(&r->body, body_cap);
	r->has_body = 0;
	r->body_len = 0;
	r->body_truncated = 0;
	r->stream_min = 0;
	r->body_pending = 0;
	r->err[0] = '\0';
}

void sila_record_release(struct sila_record *r)
{
	json_decref(r->hdr);
	r->hdr = NULL;
	sila_buf_release(&r->body);
}

/*
 * Reads one line into line, without its newline. Returns SILA_OK, SILA_EOF
 * when no byte was left, or SILA_FATAL (over-long line or read error).
 */
static int read_line(FILE *in, struct sila_buf *line, struct sila_record *r)
{
	char chunk[4096];

	sila_buf_reset(line);
	for (;;) {
		size_t n;

		if (!fgets(chunk, sizeof(chunk), in)) {
			if (ferror(in)) {
				snprintf(r->err, sizeof(r->err), "read error: %s", strerror(errno));
				return SILA_FATAL;
			}
			if (line->len == 0)
				return SILA_EOF;
			snprintf(r->err, sizeof(r->err), "header line without a newline at end of input");
			return SILA_FATAL;
		}
		n = strlen(chunk);
		if (sila_buf_add(line, chunk, n) != SILA_OK) {
			snprintf(r->err, sizeof(r->err), "header line longer than %zu bytes", line->cap);
			return SILA_FATAL;
		}
		if (n && chunk[n - 1] == '\n') {
			line->data[--line->len] = '\0';
			return SILA_OK;
		}
	}
}

/* Reads the declared body, keeping at most the buffer's cap and skipping the rest. */
static int read_body(FILE *in, struct sila_record *r)
{
	size_t want = r->body_len, keep = want;
	char skip[8192];

	if (r->body.cap && keep > r->body.cap) {
		keep = r->body.cap;
		r->body_truncated = 1;
	}
	if (sila_buf_grow(&r->body, keep) != SILA_OK) {
		snprintf(r->err, sizeof(r->err), "out of memory for a %zu-byte body", keep);
		return SILA_FATAL;
	}
	if (fread(r->body.data, 1, keep, in) != keep)
		goto short_read;
	r->body.len = keep;
	r->body.data[keep] = '\0';
	for (want -= keep; want > 0;) {
		size_t n = want < sizeof(skip) ? want : sizeof(skip);

		if (fread(skip, 1, n, in) != n)
			goto short_read;
		want -= n;
	}
	return SILA_OK;
short_read:
	snprintf(r->err, sizeof(r->err), "input ended inside a %zu-byte body", r->body_len);
	return SILA_FATAL;
}

size_t sila_record_body_read(FILE *in, struct sila_record *r, char *buf, size_t n)
{
	size_t got;

	if (n > r->body_pending)
		n = r->body_pending;
	if (n == 0)
		return 0;
	got = fread(buf, 1, n, in);
	r->body_pending -= got;
	if (got == 0) {
		snprintf(r->err, sizeof(r->err), "input ended inside a %zu-byte body", r->body_len);
		return (size_t)-1;
	}
	return got;
}

int sila_record_write_head(FILE *out, json_t *hdr, size_t len)
{
	json_object_set_new(hdr, "body", json_integer((json_int_t)len));
	if (json_dumpf(hdr, out, JSON_COMPACT) != 0 || fputc('\n', out) == EOF) {
		json_object_del(hdr, "body");
		return SILA_FAILED;
	}
	json_object_del(hdr, "body");
	return SILA_OK;
}

int sila_record_read(FILE *in, struct sila_record *r)
{
	struct sila_buf line = SILA_BUF_INIT(SILA_HEADER_MAX);
	json_error_t jerr;
	json_t *body;
	int st;

	/* What the caller left of a streamed body. */
	while (r->body_pending) {
		char skip[65536];

		if (sila_record_body_read(in, r, skip, sizeof(skip)) == (size_t)-1)
			return SILA_FATAL;
	}
	json_decref(r->hdr);
	r->hdr = NULL;
	sila_buf_reset(&r->body);
	r->has_body = 0;
	r->body_len = 0;
	r->body_truncated = 0;
	r->err[0] = '\0';

	do {
		st = read_line(in, &line, r);
	} while (st == SILA_OK && line.len == 0);
	if (st != SILA_OK) {
		sila_buf_release(&line);
		return st;
	}
	r->hdr = json_loadb(line.data, line.len, JSON_REJECT_DUPLICATES, &jerr);
	sila_buf_release(&line);
	if (!r->hdr || !json_is_object(r->hdr)) {
		snprintf(r->err, sizeof(r->err), "malformed record header: %s",
			 r->hdr ? "not a JSON object" : jerr.text);
		json_decref(r->hdr);
		r->hdr = NULL;
		return SILA_FATAL;
	}
	body = json_object_get(r->hdr, "body");
	if (!body)
		return SILA_OK;
	if (!json_is_integer(body) || json_integer_value(body) < 0) {
		snprintf(r->err, sizeof(r->err), "record body length is not a non-negative integer");
		return SILA_FATAL;
	}
	r->has_body = 1;
	r->body_len = (size_t)json_integer_value(body);
	json_object_del(r->hdr, "body");
	if (r->stream_min && r->body_len > r->stream_min) {
		r->body_pending = r->body_len;
		return SILA_OK;
	}
	return read_body(in, r);
}

int sila_record_write(FILE *out, json_t *hdr, const void *body, size_t len)
{
	char *text;
	size_t n;
	int ok;

	json_object_del(hdr, "body");
	if (body && json_object_set_new(hdr, "body", json_integer((json_int_t)len)) != 0)
		return SILA_FAILED;
	/*
	 * Dumped to memory first: jansson writes a file token by token, and a
	 * header with thousands of findings spent more time in stdio than in
	 * making the JSON.
	 */
	text = json_dumps(hdr, JSON_COMPACT);
	if (!text)
		return SILA_FAILED;
	n = strlen(text);
	text[n] = '\n'; /* in the terminator's place */
	ok = fwrite(text, 1, n + 1, out) == n + 1;
	free(text);
	if (!ok)
		return SILA_FAILED;
	if (body && len && fwrite(body, 1, len, out) != len)
		return SILA_FAILED;
	json_object_del(hdr, "body");
	return ferror(out) ? SILA_FAILED : SILA_OK;
}
