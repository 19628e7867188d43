/*
 * pdf.c - text from PDF with poppler-glib.
 *
 * Pages are separated by form feeds. A page without text that shows an
 * image is counted as a page with no text layer (a scan); a page without
 * text or images is simply blank. An encrypted PDF that opens with the
 * empty user password is read; one that does not is reported "encrypted".
 */
#include <string.h>

#include <poppler.h>

#include "formats.h"

/* Whether a page holds any non-space text. */
static int has_text(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t' && *s != '\f')
			return 1;
	return 0;
}

/* Whether a page draws any image (so an empty text layer means a scan). */
static int has_image(PopplerPage *page)
{
	GList *images = poppler_page_get_image_mapping(page);
	int any = images != NULL;

	poppler_page_free_image_mapping(images);
	return any;
}

void sila_extract_pdf(const char *data, size_t len, struct sila_text *out)
{
	GBytes *bytes = g_bytes_new_static(data, len);
	GError *err = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	int n;

	if (!doc) {
		if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED) {
			sila_warn_add(out->warnings, "encrypted",
				      "PDF needs a password to open");
		} else {
			sila_warn_add(out->warnings, "extraction-failed", "cannot open PDF: %s",
				      err ? err->message : "unknown error");
		}
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		if (err)
			g_error_free(err);
		g_bytes_unref(bytes);
		return;
	}
	n = poppler_document_get_n_pages(doc);
	out->pages = n > 0 ? (unsigned)n : 0;
	for (int i = 0; i < n; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		char *text = page ? poppler_page_get_text(page) : NULL;
		int stop = 0;

		if (i > 0 && sila_text_add(out, "\f", 1) != SILA_OK)
			stop = 1;
		if (!page) {
			sila_warn_add(out->warnings, "extraction-failed", "cannot read page %d", i + 1);
			sila_text_status(out, SILA_DOC_PARTIAL);
		} else if (!has_text(text)) {
			if (has_image(page))
				out->pages_no_text++;
		} else if (!stop && sila_text_add(out, text, strlen(text)) != SILA_OK) {
			stop = 1;
		}
		g_free(text);
		if (page)
			g_object_unref(page);
		if (stop)
			break;
	}
	if (out->pages_no_text) {
		sila_warn_add(out->warnings, "no-text-layer", "%u of %u pages have no text layer",
			      out->pages_no_text, out->pages);
		sila_text_status(out, out->pages_no_text == out->pages ? SILA_DOC_UNSCANNABLE
								       : SILA_DOC_PARTIAL);
	}
	g_object_unref(doc);
	g_bytes_unref(bytes);
}
