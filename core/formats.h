/*
 * formats.h - the extractors for single formats, called by extract.c.
 *
 * Each appends the text of one document to out and records in out what
 * went wrong; none of them detects types.
 */
#ifndef SILA_FORMATS_H
#define SILA_FORMATS_H

#include <stddef.h>

#include "text.h"

/* Plain text in UTF-8, UTF-16 (by BOM) or else Windows-1252, as UTF-8. */
void sila_extract_plain(const char *data, size_t len, struct sila_text *out);

/* PDF with poppler-glib: a page per form feed, encryption and scans reported. */
void sila_extract_pdf(const char *data, size_t len, struct sila_text *out);

/* Office Open XML word processing documents: body, headers, footers, notes, comments. */
void sila_extract_docx(const char *data, size_t len, struct sila_text *out);

/* Whether a zip holds an entry called name (used to tell OOXML kinds apart). */
int sila_zip_has(const char *data, size_t len, const char *name);

#endif
