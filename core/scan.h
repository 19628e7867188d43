/*
 * scan.h - finding identity numbers and markings in text.
 *
 * All enabled rules are compiled once into one Hyperscan database; each
 * match is confirmed by the rule's validator and weighed against the
 * keywords around it, then findings are aggregated per rule and distinct
 * value: {rule, value, count, confidence, page, offset}. Values are masked
 * unless the caller asks to reveal them.
 *
 * A scanner is compiled once and then used by one thread; it holds the
 * Hyperscan scratch space (one per worker, as simplegrep does).
 * Ownership: the scanner borrows the rule set, which must outlive it.
 */
#ifndef SILA_SCAN_H
#define SILA_SCAN_H

#include <stddef.h>

#include <jansson.h>

#include "rules.h"
#include "validate.h"

struct sila_scanner;

/*
 * Texts at least this long are scanned in two threads (Hyperscan over one
 * chunk while the last is validated). A filter passing texts on should
 * stream bodies this long rather than read them whole first, so reading
 * overlaps the scan too.
 */
#define SILA_SCAN_PIPE_MIN ((size_t)4 << 20)

struct sila_scan_opts {
	int reveal;              /* print values whole, for authorised audits */
	struct sila_date today;  /* resolves the century of short numbers */
	int allow_interim;
	size_t max_matches;      /* candidate matches kept per text */
};

/* Compiles the enabled rules; NULL with "file:line: reason" in err. */
struct sila_scanner *sila_scanner_new(const struct sila_rules *rules,
				      char *err, size_t errlen);
void sila_scanner_free(struct sila_scanner *s);

/*
 * Scans len bytes of UTF-8 text (pages separated by form feeds when paged).
 * On SILA_OK *findings is a new array of finding objects and *tags a new
 * array of the tags they contribute; both are the caller's. *truncated is
 * set when more candidate matches than max_matches were met. Returns
 * SILA_FAILED with err set when Hyperscan fails.
 */
int sila_scan_text(struct sila_scanner *s, const char *text, size_t len, int paged,
		   const struct sila_scan_opts *o, json_t **findings, json_t **tags,
		   int *truncated, char *err, size_t errlen);

/* Reads up to n bytes of a text; returns the bytes read, 0 at its end, (size_t)-1 on error. */
typedef size_t (*sila_read_fn)(void *ctx, char *buf, size_t n);

/*
 * Scans a text too large to hold, read in chunks through read, with
 * Hyperscan in streaming mode: memory stays bounded by the chunk size and
 * the findings, whatever the text's length. Results as sila_scan_text.
 */
int sila_scan_stream(struct sila_scanner *s, sila_read_fn read, void *ctx, int paged,
		     const struct sila_scan_opts *o, json_t **findings, json_t **tags,
		     int *truncated, char *err, size_t errlen);

#endif
