/*
 * extract.c - type detection with libmagic and dispatch to the extractors.
 *
 * libmagic is asked only when a cheap look cannot answer as it would:
 * small plain text, and PDF, RTF and the zip-based office formats by their
 * signatures, are typed here.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <magic.h>

#include "charset.h"

#include "extract.h"
#include "formats.h"
#include "names.h"
#include "ocr.h"
#include "pool.h"

#define DOCX_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define PPTX_TYPE "application/vnd.openxmlformats-officedocument.presentationml.presentation"

/* Which extractor reads a MIME type; the first prefix that matches wins. */
enum kind { K_NONE, K_IMAGE, K_PDF, K_OOXML, K_ODF, K_OLE2, K_RTF, K_HTML, K_XML, K_PLAIN };

static const struct {
	const char *type; /* a MIME type, or a prefix ending in '*' */
	enum kind kind;
} dispatch[] = {
	{ "application/pdf", K_PDF },
	{ "application/vnd.openxmlformats-officedocument.*", K_OOXML },
	{ "application/vnd.ms-word.*", K_OOXML },
	{ "application/vnd.ms-excel.sheet.macroEnabled*", K_OOXML },
	{ "application/vnd.ms-powerpoint.presentation.macroEnabled*", K_OOXML },
	{ "application/vnd.oasis.opendocument.*", K_ODF },
	{ "application/msword", K_OLE2 },
	{ "application/vnd.ms-excel", K_OLE2 },
	{ "application/vnd.ms-powerpoint", K_OLE2 },
	{ "application/vnd.ms-office", K_OLE2 },
	{ "application/x-ole-storage", K_OLE2 },
	{ "application/CDFV2*", K_OLE2 },
	{ "text/rtf", K_RTF },
	{ "application/rtf", K_RTF },
	{ "text/html", K_HTML },
	{ "application/xhtml+xml", K_HTML },
	{ "text/xml", K_XML },
	{ "application/xml", K_XML },
	{ "image/svg+xml", K_XML },
	{ "image/png", K_IMAGE },
	{ "image/jpeg", K_IMAGE },
	{ "image/tiff", K_IMAGE },
	{ "image/gif", K_IMAGE },
	{ "image/bmp", K_IMAGE },
	{ "image/x-ms-bmp", K_IMAGE },
	{ "image/webp", K_IMAGE },
	{ "image/x-portable-anymap", K_IMAGE },
	{ "text/*", K_PLAIN },
	{ "application/json", K_PLAIN },
	{ "application/csv", K_PLAIN },
	{ "message/rfc822", K_PLAIN },
};

static enum kind kind_of(const char *type)
{
	for (size_t i = 0; i < sizeof(dispatch) / sizeof(dispatch[0]); i++) {
		const char *d = dispatch[i].type;
		size_t n = strlen(d);

		if (d[n - 1] == '*' ? strncmp(type, d, n - 1) == 0 : strcmp(type, d) == 0)
			return dispatch[i].kind;
	}
	return K_NONE;
}

struct sila_extractor {
	magic_t magic;
	struct sila_ocr *ocr; /* NULL unless OCR is on */
	struct sila_limits lim;
	char type[256];
};

struct sila_extractor *sila_extractor_new(const struct sila_limits *lim,
					  char *err, size_t errlen)
{
	struct sila_extractor *x = calloc(1, sizeof(*x));

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->lim = *lim;
	x->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
			      MAGIC_NO_CHECK_ELF | MAGIC_ERROR);
	if (!x->magic || magic_load(x->magic, NULL) != 0) {
		snprintf(err, errlen, "cannot load the libmagic database: %s",
			 x->magic ? magic_error(x->magic) : "out of memory");
		sila_extractor_free(x);
		return NULL;
	}
	return x;
}

void sila_extractor_free(struct sila_extractor *x)
{
	if (!x)
		return;
	if (x->magic)
		magic_close(x->magic);
	sila_ocr_free(x->ocr);
	free(x);
}

/* A one-page PDF, the smallest that makes poppler set up its global state. */
static const char warm_pdf[] =
	"%PDF-1.4\n"
	"1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
	"2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
	"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R"
	"/Resources<</Font<</F1 5 0 R>>>>>>\nendobj\n"
	"4 0 obj\n<</Length 34>>\nstream\nBT /F1 12 Tf 10 10 Td (warm) Tj ET\nendstream\nendobj\n"
	"5 0 obj\n<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>\nendobj\n"
	"xref\n0 6\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n"
	"0000000105 00000 n \n0000000217 00000 n \n0000000299 00000 n \n"
	"trailer\n<</Size 6/Root 1 0 R>>\nstartxref\n362\n%%EOF\n";

void sila_extractor_warm_up(struct sila_extractor *x)
{
	struct sila_text t;

	(void)x;
	sila_sandbox_preload();
	sila_text_init(&t, 4096);
	sila_extract_pdf(warm_pdf, sizeof(warm_pdf) - 1, NULL, &t);
	sila_text_release(&t);
}

static const char *sniff_type(const char *data, size_t len);

int sila_extract_streamable(struct sila_extractor *x, const char *head, size_t n,
			    const char **type)
{
	const char *t = sniff_type(head, n);

	if (!t)
		t = magic_buffer(x->magic, head, n);

	if (!t)
		t = "application/octet-stream";
	snprintf(x->type, sizeof(x->type), "%s", t);
	*type = x->type;
	if (kind_of(t) == K_PLAIN)
		return 1;
	return kind_of(t) == K_NONE && sila_charset_looks_like_text(head, n);
}

int sila_extractor_ocr(struct sila_extractor *x, const char *lang, char *err, size_t errlen)
{
	if (!x->ocr)
		x->ocr = sila_ocr_new(lang, err, errlen);
	return x->ocr ? SILA_OK : SILA_FAILED;
}

/* Reads an image file's text with OCR, or says why it cannot. */
static void extract_image(struct sila_extractor *x, const char *data, size_t len,
			  const char *type, struct sila_text *out)
{
	if (!x->ocr) {
		sila_warn_add(out->warnings, "unsupported-type",
			      "%s holds no text unless read by OCR (--ocr)", type);
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		return;
	}
	if (sila_ocr_image(x->ocr, data, len, out) == SILA_FAILED) {
		sila_warn_add(out->warnings, "extraction-failed", "cannot decode the %s image", type);
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		return;
	}
	out->pages_ocr = 1;
}

/*
 * The type of a small file that is plainly text, without asking libmagic,
 * which costs more than scanning a letter: valid UTF-8 (or ASCII), no NUL,
 * and not starting like a format of its own (markup, RTF, PDF, mail, a
 * script). NULL when libmagic should decide.
 */
static const char *plain_text_type(const char *data, size_t len)
{
	size_t i = 0;

	if (len == 0 || len > 65536 || memchr(data, 0, len))
		return NULL;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && (data[i] == '<' || data[i] == '{' || data[i] == '%' || data[i] == '#' ||
			data[i] == '\\' || data[i] == '@' || data[i] == '['))
		return NULL;
	/* "Name: value" first lines may be mail or headers: libmagic knows. */
	for (size_t k = i; k < len && k < i + 80 && data[k] != '\n'; k++)
		if (data[k] == ':' && k + 1 < len && data[k + 1] == ' ')
			return NULL;
	if (!sila_charset_looks_like_text(data, len))
		return NULL;
	if (sila_utf8_valid(data, len))
		return "text/plain";
	/*
	 * Windows-1252 text: libmagic can take "Vå..." (bytes 56 E5) for audio.
	 * Bytes 0x80-0x9F other than the punctuation 1252 puts there are not text.
	 */
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)data[k];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f ||
		    c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d)
			return NULL;
	}
	return "text/plain";
}

/* The parts of a zip that tell its document type, as bits. */
enum {
	PART_DOCX = 1, PART_XLSX = 2, PART_PPTX = 4, PART_ODF_CONTENT = 8, PART_ODF_MANIFEST = 16
};

/*
 * Which of the telling parts the zip holds, in one pass over its entries
 * (as sila_zip_has would find each, stopping where the zip breaks).
 */
static unsigned zip_parts(const char *data, size_t len)
{
	static const char *const names[] = {
		"word/document.xml", "xl/workbook.xml", "ppt/presentation.xml",
		"content.xml", "META-INF/manifest.xml"
	};
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	unsigned found = 0;

	if (!a)
		return 0;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) == ARCHIVE_OK)
		while (found != 31 && archive_read_next_header(a, &e) == ARCHIVE_OK) {
			const char *n = archive_entry_pathname(e);

			for (unsigned i = 0; n && i < sizeof(names) / sizeof(names[0]); i++)
				if (strcmp(n, names[i]) == 0)
					found |= 1u << i;
		}
	archive_read_free(a);
	return found;
}

/* The type a zip holding these parts is refined to, or NULL when none. */
static const char *zip_parts_type(unsigned parts)
{
	if (parts & PART_DOCX)
		return DOCX_TYPE;
	if (parts & PART_XLSX)
		return XLSX_TYPE;
	if (parts & PART_PPTX)
		return PPTX_TYPE;
	/* OpenDocument whose mimetype entry is not first, which libmagic needs. */
	if ((parts & PART_ODF_CONTENT) && (parts & PART_ODF_MANIFEST))
		return "application/vnd.oasis.opendocument.text";
	return NULL;
}

/* Refines libmagic's answer for zip-based documents it calls plain zip. */
static const char *refine_zip(const char *data, size_t len, const char *type)
{
	const char *t;

	if (strcmp(type, "application/zip") != 0 && strcmp(type, "application/octet-stream") != 0)
		return type;
	if (len < 4 || memcmp(data, "PK\3\4", 4) != 0)
		return type;
	t = zip_parts_type(zip_parts(data, len));
	return t ? t : type;
}

/* Little-endian integers of the zip format. */
static size_t le16(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8;
}

static size_t le32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

/*
 * An OpenDocument zip as libmagic knows it: the first entry, stored
 * without an extra field, is "mimetype" and holds exactly one of the types
 * the extractor reads. NULL otherwise, and also when the zip's first
 * kilobytes name OOXML parts, which libmagic's OOXML test would look at.
 */
static const char *sniff_odf(const unsigned char *p, size_t len)
{
	static const char *const types[] = {
		"application/vnd.oasis.opendocument.text",
		"application/vnd.oasis.opendocument.spreadsheet",
		"application/vnd.oasis.opendocument.presentation",
	};
	size_t n = le16(p + 26), size = le32(p + 18), head = len < 16384 ? len : 16384;

	if (n != 8 || le16(p + 28) != 0 || memcmp(p + 30, "mimetype", 8) != 0 || le16(p + 8) != 0 ||
	    size != le32(p + 22) || 38 + size > len)
		return NULL;
	if (memmem(p, head, "[Content_Types].xml", 19) || memmem(p, head, "_rels/.rels", 11))
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (size == strlen(types[i]) && memcmp(p + 38, types[i], size) == 0)
			return types[i];
	return NULL;
}

/*
 * An Office Open XML zip whose type libmagic and refine_zip would agree
 * on: the first entry is "[Content_Types].xml" or "_rels/.rels", every
 * entry header in the stretch libmagic searches (and more) that names a
 * part directory names the same one (word/, xl/ or ppt/), and the zip's
 * parts refine to that directory's type. NULL when in doubt.
 */
static const char *sniff_ooxml(const char *data, size_t len)
{
	static const struct {
		const char *dir;
		const char *type;
	} dirs[] = {
		{ "word/", DOCX_TYPE }, { "xl/", XLSX_TYPE }, { "ppt/", PPTX_TYPE }, { "visio/", NULL },
	};
	const unsigned char *p = (const unsigned char *)data;
	size_t n = le16(p + 26), end, first = le32(p + 18);
	const char *seen, *q;
	int which = -1;

	if (!((n == 19 && 30 + n <= len && memcmp(p + 30, "[Content_Types].xml", 19) == 0) ||
	      (n == 11 && 30 + n <= len && memcmp(p + 30, "_rels/.rels", 11) == 0)))
		return NULL;
	/*
	 * libmagic searches a few KiB past the first entry's data for the next
	 * headers; 64 KiB past it covers that with room to spare.
	 */
	if (first > 65536)
		return NULL;
	end = first + 30 + n + 65536 < len ? first + 30 + n + 65536 : len;
	for (q = data; (q = memmem(q, end - (size_t)(q - data), "PK\3\4", 4)); q += 4) {
		size_t at = (size_t)(q - data) + 30;

		for (int i = 0; i < (int)(sizeof(dirs) / sizeof(dirs[0])); i++) {
			size_t dn = strlen(dirs[i].dir);

			if (at + dn > len || memcmp(data + at, dirs[i].dir, dn) != 0)
				continue;
			if (which >= 0 && which != i)
				return NULL;
			which = i;
		}
		if ((size_t)(q - data) + 4 >= end)
			break;
	}
	if (which < 0 || !dirs[which].type)
		return NULL;
	seen = zip_parts_type(zip_parts(data, len));
	return seen && strcmp(seen, dirs[which].type) == 0 ? seen : NULL;
}

/*
 * Whether libmagic's CSV test, which comes before its signatures, could
 * take the data for CSV: it gives up at once unless the first line holds
 * a comma, or a quote that makes it read on.
 */
static int csv_possible(const char *data, size_t len)
{
	for (size_t i = 0; i < len && data[i] != '\n'; i++)
		if (data[i] == '"' || data[i] == ',')
			return 1;
	return 0;
}

/*
 * Whether libmagic would take data for text: no byte in its first 64 KiB
 * (libmagic's encoding window) is a control character other than BEL, BS,
 * tab, line feed, VT, form feed, CR and ESC, nor DEL. Any other byte passes,
 * as in libmagic's "extended ASCII".
 */
static int magic_text(const char *data, size_t len)
{
	size_t n = len < 65536 ? len : 65536;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];

		if ((c < 0x07 || (c > 0x0d && c < 0x20 && c != 0x1b)) || c == 0x7f)
			return 0;
	}
	return 1;
}

/*
 * Whether data is HTML that libmagic would call text/html: text that opens,
 * after an optional UTF-8 byte order mark and white space, with
 * "<!DOCTYPE html" in any case and with any white space between the words.
 * What libmagic tests before its signatures (tar, CSV) must not apply; a
 * document that opens any other way is left to libmagic.
 */
static int sniff_html(const char *data, size_t len)
{
	static const char ws[] = " \t\r\n\f\v";
	size_t i = 0, w;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && data[i] && strchr(ws, data[i]))
		i++;
	if (len - i < 14 || strncasecmp(data + i, "<!doctype", 9) != 0)
		return 0;
	for (w = i + 9; w < len && data[w] && strchr(ws, data[w]); w++)
		;
	if (w == i + 9 || len - w < 4 || strncasecmp(data + w, "html", 4) != 0)
		return 0;
	/* A tar header keeps its checksum as octal digits at offset 148. */
	for (size_t k = 148; k < 156 && k < len; k++)
		if (data[k] >= '0' && data[k] <= '7')
			return 0;
	return !csv_possible(data, len) && magic_text(data, len);
}

/*
 * The type of a document whose signature says it as libmagic would, so
 * that libmagic need not be asked: PDF, RTF, HTML with a doctype, and the
 * zip-based office formats. NULL when libmagic should decide.
 */
static const char *sniff_type(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;

	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0 && !csv_possible(data, len))
		return "application/pdf";
	if (len >= 5 && memcmp(data, "{\\rtf", 5) == 0 && !csv_possible(data, len))
		return "text/rtf";
	if (len >= 30 && memcmp(data, "PK\3\4", 4) == 0) {
		const char *t = sniff_odf(p, len);

		return t ? t : sniff_ooxml(data, len);
	}
	if (sniff_html(data, len))
		return "text/html";
	return NULL;
}

/* Flat OpenDocument (.fodt, .fods, .fodp) is XML to libmagic; its root says what it is. */
static const char *refine_xml(const char *data, size_t len, const char *type)
{
	size_t n = len < 4096 ? len : 4096;

	if (strcmp(type, "text/xml") != 0 && strcmp(type, "application/xml") != 0)
		return type;
	if (memmem(data, n, "<office:document", 16))
		return "application/vnd.oasis.opendocument.text-flat-xml";
	return type;
}

/*
 * The MIME type of a non-empty document, kept in x->type: small plain text
 * and signatures first, then libmagic, refined for zips and flat
 * OpenDocument, and text that libmagic cannot name.
 */
static const char *detect(struct sila_extractor *x, const char *data, size_t len)
{
	const char *t = plain_text_type(data, len);

	if (!t)
		t = sniff_type(data, len);
	if (!t)
		t = magic_buffer(x->magic, data, len);
	if (!t)
		t = "application/octet-stream";
	t = refine_xml(data, len, refine_zip(data, len, t));
	if (strcmp(t, "application/octet-stream") == 0 && sila_charset_looks_like_text(data, len))
		t = "text/plain";
	snprintf(x->type, sizeof(x->type), "%s", t);
	return x->type;
}

int sila_extract_verbatim(struct sila_extractor *x, const char *data, size_t len,
			  const char **type)
{
	const char *t;
	enum kind k;
	size_t bom;

	/*
	 * What sila_extract_plain would copy unchanged: UTF-8 through and
	 * through, no byte order mark, nothing sila_charset_detect takes for
	 * UTF-16, within the text limit. Checked before the type, so that
	 * libmagic sees only valid text here.
	 */
	if (len == 0 || (x->lim.max_text && len > x->lim.max_text) || !sila_utf8_valid(data, len) ||
	    strcmp(sila_charset_detect(data, len, &bom), "UTF-8") != 0 || bom)
		return 0;
	t = detect(x, data, len);
	k = kind_of(t);
	/* Plain text, or text libmagic names but sila_extract reads as plain. */
	if (k != K_PLAIN && !(k == K_NONE && sila_charset_looks_like_text(data, len)))
		return 0;
	*type = t;
	return 1;
}

void sila_extract(struct sila_extractor *x, const char *data, size_t len,
		  const char *name, struct sila_text *out, const char **type)
{
	const char *t;

	(void)name;
	if (len == 0) {
		snprintf(x->type, sizeof(x->type), "application/x-empty");
		*type = x->type;
		return;
	}
	t = detect(x, data, len);
	*type = t;

	switch (kind_of(t)) {
	case K_PDF: sila_extract_pdf(data, len, x->ocr, out); break;
	case K_IMAGE: extract_image(x, data, len, t, out); break;
	case K_OOXML: sila_extract_ooxml(data, len, t, out); break;
	case K_ODF: sila_extract_odf(data, len, t, out); break;
	case K_OLE2: sila_extract_ole2(data, len, t, out); break;
	case K_RTF: sila_extract_rtf(data, len, out); break;
	case K_HTML: sila_extract_html(data, len, out); break;
	case K_XML: sila_extract_xml(data, len, out); break;
	case K_PLAIN: sila_extract_plain(data, len, out); break;
	default:
		/* JSON Lines, YAML, SQL, source code: libmagic names them, but they are text. */
		if (sila_charset_looks_like_text(data, len) && sila_utf8_valid(data, len < 65536 ? len : 65536)) {
			sila_extract_plain(data, len, out);
			break;
		}
		sila_warn_add(out->warnings, "unsupported-type", "no text extractor for %s", t);
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
	}
	/*
	 * Whatever an extractor or a converter let through (iconv takes some
	 * lead bytes strict UTF-8 forbids), the text and metadata passed on
	 * are valid UTF-8: scanning, JSON and the report rely on it.
	 */
	if (out->buf.len)
		sila_utf8_sanitize(out->buf.data, out->buf.len, 1);
	if (out->meta.len)
		sila_utf8_sanitize(out->meta.data, out->meta.len, 1);
}

void sila_extract_plain(const char *data, size_t len, struct sila_text *out)
{
	sila_charset_to_text(data, len, out);
}
