/*
 * extract.c - type detection with libmagic and dispatch to the extractors.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

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

int sila_extract_streamable(struct sila_extractor *x, const char *head, size_t n,
			    const char **type)
{
	const char *t = magic_buffer(x->magic, head, n);

	if (!t)
		t = "application/octet-stream";
	snprintf(x->type, sizeof(x->type), "%s", t);
	*type = x->type;
	/* UTF-16 changes length when converted; it is read whole instead. */
	if (n >= 2 && ((unsigned char)head[0] == 0xff || (unsigned char)head[0] == 0xfe))
		return 0;
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

/* Refines libmagic's answer for zip-based documents it calls plain zip. */
static const char *refine_zip(const char *data, size_t len, const char *type)
{
	if (strcmp(type, "application/zip") != 0 && strcmp(type, "application/octet-stream") != 0)
		return type;
	if (len < 4 || memcmp(data, "PK\3\4", 4) != 0)
		return type;
	if (sila_zip_has(data, len, "word/document.xml"))
		return DOCX_TYPE;
	if (sila_zip_has(data, len, "xl/workbook.xml"))
		return XLSX_TYPE;
	if (sila_zip_has(data, len, "ppt/presentation.xml"))
		return PPTX_TYPE;
	/* OpenDocument whose mimetype entry is not first, which libmagic needs. */
	if (sila_zip_has(data, len, "content.xml") && sila_zip_has(data, len, "META-INF/manifest.xml"))
		return "application/vnd.oasis.opendocument.text";
	return type;
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
	t = plain_text_type(data, len);
	if (!t)
		t = magic_buffer(x->magic, data, len);
	if (!t)
		t = "application/octet-stream";
	t = refine_xml(data, len, refine_zip(data, len, t));
	if (strcmp(t, "application/octet-stream") == 0 && sila_charset_looks_like_text(data, len))
		t = "text/plain";
	snprintf(x->type, sizeof(x->type), "%s", t);
	*type = x->type;

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
