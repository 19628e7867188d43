/*
 * fuzz.h - what the libFuzzer harnesses in tests/fuzz/ share: the entry
 * point's prototype, a cap on extracted text, a way to make a sanitizer
 * look at every byte a parser hands back, and the documented contracts of
 * an extractor's result, checked so that a breach is saved like a crash.
 */
#ifndef SILA_FUZZ_H
#define SILA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <stdio.h>
#include <string.h>

#include "names.h"
#include "parts.h"
#include "status.h"
#include "text.h"

/* Text kept per document: small, so a run spends its time parsing, not copying. */
#define FUZZ_TEXT_CAP ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every byte of p, so AddressSanitizer checks the whole span. */
static inline void fuzz_touch(const void *p, size_t n)
{
	const volatile unsigned char *c = p;
	unsigned char sum = 0;

	for (size_t i = 0; i < n; i++)
		sum ^= c[i];
	(void)sum;
}

/* Reads all an extractor produced: text, metadata, labels and warnings. */
static inline void fuzz_touch_text(const struct sila_text *t)
{
	char *s;

	fuzz_touch(t->buf.data, t->buf.len);
	fuzz_touch(t->meta.data, t->meta.len);
	s = json_dumps(t->warnings, JSON_COMPACT);
	free(s);
	s = json_dumps(t->labels, JSON_COMPACT);
	free(s);
}

/*
 * Checks the contract every extractor keeps: its text is UTF-8 (README,
 * "sila-extract"). A breach aborts, so libFuzzer saves the input; with
 * SILA_FUZZ_NO_UTF8_CHECK set in the environment it is not checked.
 */
static inline void fuzz_check_text(const struct sila_text *t, const char *who)
{
	const char *off = getenv("SILA_FUZZ_NO_UTF8_CHECK"); /* set to look past a known breach */

	if (off && *off)
		return;
	if (t->buf.len && !sila_utf8_valid(t->buf.data, t->buf.len)) {
		fprintf(stderr, "invariant: %s produced text that is not UTF-8\n", who);
		abort();
	}
}

/* Checks docs/limits.md: hitting a limit never leaves a document "ok". */
static inline void fuzz_check_status(const struct sila_text *t, const char *who)
{
	if (t->status == SILA_DOC_OK && sila_warn_has(t->warnings, "limit-exceeded")) {
		fprintf(stderr, "invariant: %s hit a limit and left the status ok\n", who);
		abort();
	}
}

/*
 * A part walker's callback (parts.h): checks what each part is told
 * against the contract, reads its name, bytes and warning, and counts it
 * in the size_t ctx points to.
 */
static inline int fuzz_on_part(void *ctx, const char *name, const char *data, size_t len,
			       enum sila_doc_status st, const char *code, const char *msg)
{
	size_t *n = ctx;

	if (!name || (len && !data) || (int)st < SILA_DOC_OK || st > SILA_DOC_ERROR)
		abort(); /* the contract in parts.h */
	fuzz_touch(name, strlen(name) + 1);
	fuzz_touch(data, len);
	if (code)
		fuzz_touch(code, strlen(code) + 1);
	if (msg)
		fuzz_touch(msg, strlen(msg) + 1);
	(*n)++;
	return SILA_OK;
}

#endif
