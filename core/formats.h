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

/* Plain text as UTF-8: UTF-8 (with or without BOM), UTF-16 with or without BOM, UTF-32 with BOM, else Windows-1252. */
void sila_extract_plain(const char *data, size_t len, struct sila_text *out);

/*
 * PDF with poppler-glib: a page per form feed, encryption and scans
 * reported. With an OCR engine (else NULL), pages that are only an image
 * are rendered and read by OCR.
 */
struct sila_ocr;
void sila_extract_pdf(const char *data, size_t len, struct sila_ocr *ocr, struct sila_text *out);

/*
 * Office Open XML (type is the MIME type): DOCX body, tables, headers,
 * footers, notes, comments, text boxes and tracked changes; XLSX shared and
 * inline strings, numbers and sheet names; PPTX slides and notes. Core and
 * custom properties go to the metadata, MSIP_Label_* properties to the labels.
 */
void sila_extract_ooxml(const char *data, size_t len, const char *type, struct sila_text *out);

/* OpenDocument text, spreadsheet and presentation: content, styles (headers, footers), meta. */
void sila_extract_odf(const char *data, size_t len, const char *type, struct sila_text *out);

/* Legacy binary Office documents in OLE2 compound files: DOC, XLS, PPT. */
void sila_extract_ole2(const char *data, size_t len, const char *type, struct sila_text *out);

/* RTF: control words, \uN and \'hh in the document's code page. */
void sila_extract_rtf(const char *data, size_t len, struct sila_text *out);

/* HTML (text of the body and title, no script or style) and XML (text nodes), entities decoded. */
void sila_extract_html(const char *data, size_t len, struct sila_text *out);
void sila_extract_xml(const char *data, size_t len, struct sila_text *out);

/* Whether a zip holds an entry called name (used to tell OOXML kinds apart). */
int sila_zip_has(const char *data, size_t len, const char *name);

#endif
