/*
 * text.h - what an extractor produces: the document's text as UTF-8, page
 * breaks as form feeds, and the warnings and status met on the way.
 *
 * Ownership: a sila_text owns its buffer and its warnings array;
 * sila_text_release frees both.
 */
#ifndef SILA_TEXT_H
#define SILA_TEXT_H

#include <jansson.h>

#include "buf.h"
#include "status.h"

struct sila_text {
	struct sila_buf buf;      /* UTF-8 text; pages separated by '\f' */
	struct sila_buf meta;     /* document metadata as "key: value" lines, UTF-8 */
	json_t *labels;           /* sensitivity labels: [{"source","name","id"?}] */
	unsigned pages;           /* pages in the document; 0 when not paged */
	unsigned pages_no_text;   /* pages that had no text layer */
	unsigned pages_ocr;       /* pages whose text came from OCR */
	enum sila_doc_status status;
	json_t *warnings;         /* array of {"code","message"} */
};

/* Prepares t; text beyond max_text bytes is cut off with a limit-exceeded warning. */
void sila_text_init(struct sila_text *t, size_t max_text);
void sila_text_release(struct sila_text *t);

/*
 * Appends n bytes of UTF-8 text. When the text cap is reached it keeps what
 * fits, warns once and returns SILA_WARN; callers may stop extracting then.
 */
int sila_text_add(struct sila_text *t, const char *s, size_t n);

/*
 * Appends a metadata line "key: value" (title, subject, keywords, author,
 * custom properties). Metadata is scanned like text but reported apart
 * from the body. value need not be NUL-terminated; n is its length.
 */
int sila_text_meta(struct sila_text *t, const char *key, const char *value, size_t n);

/*
 * Records a sensitivity label the document carries (a Microsoft Purview
 * MSIP label, an ODF or PDF classification property): source names where
 * it was found ("msip", "odf", "pdf", "xmp"), name is the label's name as
 * written, id its identifier or NULL.
 */
void sila_text_label(struct sila_text *t, const char *source, const char *name, const char *id);

/* Raises the status to at least s. */
void sila_text_status(struct sila_text *t, enum sila_doc_status s);

/*
 * Appends {"code": code, "message": ...} to a warnings array, unless one with
 * the same code and message is there already.
 */
void sila_warn_add(json_t *warnings, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether warnings holds one with this code. */
int sila_warn_has(const json_t *warnings, const char *code);

#endif
