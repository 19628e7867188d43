/*
 * ooxml.c - text from Office Open XML word processing documents (DOCX).
 *
 * The zip is read in memory with libarchive; each text-bearing part (the
 * body, headers, footers, footnotes, endnotes, comments) is parsed with
 * libxml2's streaming reader, so a large part never becomes a tree. Text
 * runs (w:t), tracked deletions (w:delText), tabs and breaks are kept;
 * each paragraph ends a line. Entities are not substituted and nothing is
 * fetched from the network.
 */
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>

#include "formats.h"

/* The most bytes one XML part may inflate to before it is cut off. */
#define PART_MAX ((size_t)256 << 20)

int sila_zip_has(const char *data, size_t len, const char *name)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int found = 0;

	if (!a)
		return 0;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) == ARCHIVE_OK)
		while (!found && archive_read_next_header(a, &e) == ARCHIVE_OK)
			found = archive_entry_pathname(e) &&
				strcmp(archive_entry_pathname(e), name) == 0;
	archive_read_free(a);
	return found;
}

/* Whether a part of a DOCX holds document text. */
static int is_text_part(const char *name)
{
	static const char *const prefixes[] = {
		"word/document", "word/header", "word/footer", "word/footnotes",
		"word/endnotes", "word/comments"
	};
	size_t n = strlen(name);

	if (n < 5 || strcmp(name + n - 4, ".xml") != 0 || strchr(name + 5, '/'))
		return 0;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* The order parts are read in: the body first, then the rest by name. */
static int part_rank(const char *name)
{
	return strcmp(name, "word/document.xml") == 0 ? 0 : 1;
}

/* Streams one WordprocessingML part, appending its text. Returns 0, or -1 if the XML is broken. */
static int parse_part(const char *xml, size_t len, struct sila_text *out)
{
	xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, NULL, NULL,
						XML_PARSE_NONET | XML_PARSE_NOERROR |
						XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
	int ret, in_text = 0;

	if (!r)
		return -1;
	while ((ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *local = (const char *)xmlTextReaderConstLocalName(r);

		if (type == XML_READER_TYPE_ELEMENT) {
			if (strcmp(local, "t") == 0 || strcmp(local, "delText") == 0 ||
			    strcmp(local, "instrText") == 0)
				in_text = !xmlTextReaderIsEmptyElement(r);
			else if (strcmp(local, "tab") == 0)
				sila_text_add(out, "\t", 1);
			else if (strcmp(local, "br") == 0 || strcmp(local, "cr") == 0)
				sila_text_add(out, "\n", 1);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(local, "t") == 0 || strcmp(local, "delText") == 0 ||
			    strcmp(local, "instrText") == 0)
				in_text = 0;
			else if (strcmp(local, "p") == 0 || strcmp(local, "tc") == 0)
				sila_text_add(out, "\n", 1);
		} else if (in_text && (type == XML_READER_TYPE_TEXT ||
				       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
				       type == XML_READER_TYPE_CDATA)) {
			const char *v = (const char *)xmlTextReaderConstValue(r);

			if (v && sila_text_add(out, v, strlen(v)) != SILA_OK)
				break;
		}
	}
	xmlFreeTextReader(r);
	return ret < 0 ? -1 : 0;
}

/* Reads the current entry whole (up to PART_MAX) into b. */
static int read_part(struct archive *a, struct sila_buf *b)
{
	char chunk[65536];
	la_ssize_t n;

	sila_buf_reset(b);
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
		if (sila_buf_add_upto(b, chunk, (size_t)n) != SILA_OK)
			return 1;
	return n < 0 ? -1 : 0;
}

/* Extracts the parts of one rank (0 the body, 1 the others) in archive order. */
static int extract_rank(const char *data, size_t len, int rank, struct sila_text *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct sila_buf b = SILA_BUF_INIT(PART_MAX);
	int found = 0, r;

	if (!a)
		return -1;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return -1;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		int rr;

		if (!name || !is_text_part(name) || part_rank(name) != rank)
			continue;
		found++;
		if (archive_entry_is_encrypted(e)) {
			sila_warn_add(out->warnings, "encrypted", "part %s is encrypted", name);
			sila_text_status(out, SILA_DOC_PARTIAL);
			continue;
		}
		rr = read_part(a, &b);
		if (rr > 0) {
			sila_warn_add(out->warnings, "limit-exceeded", "part %s is larger than %zu bytes",
				      name, (size_t)PART_MAX);
			sila_text_status(out, SILA_DOC_PARTIAL);
		} else if (rr < 0) {
			sila_warn_add(out->warnings, "extraction-failed", "cannot inflate %s: %s", name,
				      archive_error_string(a) ? archive_error_string(a) : "read error");
			sila_text_status(out, SILA_DOC_PARTIAL);
		}
		if (b.len && out->buf.len && out->buf.data[out->buf.len - 1] != '\n')
			sila_text_add(out, "\n", 1);
		if (b.len && parse_part(b.data, b.len, out) != 0) {
			sila_warn_add(out->warnings, "extraction-failed", "%s is not well-formed XML", name);
			sila_text_status(out, SILA_DOC_PARTIAL);
		}
	}
	if (r == ARCHIVE_FATAL) {
		sila_warn_add(out->warnings, "extraction-failed", "damaged zip: %s",
			      archive_error_string(a) ? archive_error_string(a) : "read error");
		sila_text_status(out, SILA_DOC_PARTIAL);
	}
	sila_buf_release(&b);
	archive_read_free(a);
	return found;
}

void sila_extract_ooxml(const char *data, size_t len, const char *type, struct sila_text *out)
{
	int body;

	(void)type;
	body = extract_rank(data, len, 0, out);

	if (body <= 0) {
		sila_warn_add(out->warnings, "extraction-failed", "no readable word/document.xml");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		return;
	}
	extract_rank(data, len, 1, out);
}
