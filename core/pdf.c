/*
 * pdf.c - text from PDF with poppler-glib.
 *
 * Pages are separated by form feeds. A page without text that shows an
 * image is counted as a page with no text layer (a scan); a page without
 * text or images is simply blank. The text of annotations (comments,
 * sticky notes) and the values of form fields follow their page's text, so
 * they keep its page number. The document information dictionary and XMP
 * metadata go to the metadata, and Microsoft Purview labels in XMP
 * (MSIP_Label_<guid>_Name) to the labels. An encrypted PDF that opens with
 * the empty user password is read; one that does not is "encrypted".
 */
#include <ctype.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <poppler.h>

#include "formats.h"
#include "ocr.h"

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

/* Appends a line of annotation or form text to the current page. */
static int add_line(struct sila_text *out, const char *s)
{
	if (!s || !has_text(s))
		return SILA_OK;
	if (sila_text_add(out, "\n", 1) != SILA_OK)
		return SILA_WARN;
	return sila_text_add(out, s, strlen(s));
}

/* The text of a page's annotations: comments, notes, free text. */
static int add_annotations(PopplerPage *page, struct sila_text *out)
{
	GList *annots = poppler_page_get_annot_mapping(page);
	int st = SILA_OK;

	for (GList *l = annots; l && st == SILA_OK; l = l->next) {
		PopplerAnnotMapping *m = l->data;
		char *c = poppler_annot_get_contents(m->annot);

		st = add_line(out, c);
		g_free(c);
	}
	poppler_page_free_annot_mapping(annots);
	return st;
}

/* The values of a page's form fields: text fields and chosen items. */
static int add_form_fields(PopplerPage *page, struct sila_text *out)
{
	GList *fields = poppler_page_get_form_field_mapping(page);
	int st = SILA_OK;

	for (GList *l = fields; l && st == SILA_OK; l = l->next) {
		PopplerFormFieldMapping *m = l->data;
		PopplerFormField *f = m->field;

		if (poppler_form_field_get_field_type(f) == POPPLER_FORM_FIELD_TEXT) {
			char *v = poppler_form_field_text_get_text(f);

			st = add_line(out, v);
			g_free(v);
		} else if (poppler_form_field_get_field_type(f) == POPPLER_FORM_FIELD_CHOICE) {
			int n = poppler_form_field_choice_get_n_items(f);

			for (int i = 0; i < n && st == SILA_OK; i++) {
				char *v;

				if (!poppler_form_field_choice_is_item_selected(f, i))
					continue;
				v = poppler_form_field_choice_get_item(f, i);
				st = add_line(out, v);
				g_free(v);
			}
		}
	}
	poppler_page_free_form_field_mapping(fields);
	return st;
}

/* Adds one information-dictionary entry to the metadata. */
static void add_info(struct sila_text *out, const char *key, char *value)
{
	if (value)
		sila_text_meta(out, key, value, strlen(value));
	g_free(value);
}

/*
 * Reads XMP metadata: the text of every element goes to the metadata under
 * its local name, and an element or attribute named MSIP_Label_<guid>_Name
 * is a sensitivity label. The XMP packet is parsed without network access
 * and without substituting entities.
 */
static void add_xmp(const char *xmp, struct sila_text *out)
{
	xmlDocPtr doc = xmlReadMemory(xmp, (int)strlen(xmp), NULL, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr n, stack[64];
	int depth = 0;

	if (!doc)
		return;
	n = xmlDocGetRootElement(doc);
	while (n) {
		if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;

			for (xmlAttrPtr a = n->properties; a; a = a->next) {
				const char *an = (const char *)a->name;
				xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

				if (v && strncmp(an, "MSIP_Label_", 11) == 0 && strlen(an) > 16 &&
				    strcmp(an + strlen(an) - 5, "_Name") == 0) {
					char id[64];

					snprintf(id, sizeof(id), "%.*s", (int)(strlen(an) - 16), an + 11);
					sila_text_label(out, "msip", (const char *)v, id);
				}
				xmlFree(v);
			}
			if (n->children && n->children->type == XML_TEXT_NODE && !n->children->next) {
				xmlChar *v = xmlNodeGetContent(n);

				if (v && strncmp(name, "MSIP_Label_", 11) == 0 && strlen(name) > 16 &&
				    strcmp(name + strlen(name) - 5, "_Name") == 0) {
					char id[64];

					snprintf(id, sizeof(id), "%.*s", (int)(strlen(name) - 16), name + 11);
					sila_text_label(out, "msip", (const char *)v, id);
				} else if (v) {
					sila_text_meta(out, name, (const char *)v, strlen((const char *)v));
				}
				xmlFree(v);
			} else if (n->children && depth < 64) {
				stack[depth++] = n;
				n = n->children;
				continue;
			}
		}
		/* Next node in document order without recursion. */
		while (!n->next && depth > 0)
			n = stack[--depth];
		n = n->next;
	}
	xmlFreeDoc(doc);
}

/* The document information dictionary and XMP metadata. */
static void add_metadata(PopplerDocument *doc, struct sila_text *out)
{
	char *xmp;

	add_info(out, "title", poppler_document_get_title(doc));
	add_info(out, "author", poppler_document_get_author(doc));
	add_info(out, "subject", poppler_document_get_subject(doc));
	add_info(out, "keywords", poppler_document_get_keywords(doc));
	add_info(out, "creator", poppler_document_get_creator(doc));
	add_info(out, "producer", poppler_document_get_producer(doc));
	xmp = poppler_document_get_metadata(doc);
	if (xmp)
		add_xmp(xmp, out);
	g_free(xmp);
}

/* The resolution scans are rendered at for OCR. */
#define OCR_DPI 300.0

/*
 * Renders a page to pixels and reads them with OCR. Returns 1 when text
 * came out, 0 otherwise.
 */
static int ocr_page(PopplerPage *page, struct sila_ocr *ocr, struct sila_text *out)
{
	double w, h, scale = OCR_DPI / 72.0;
	cairo_surface_t *surface;
	cairo_t *cr;
	size_t before = out->buf.len;
	int pw, ph, ok = 0;

	poppler_page_get_size(page, &w, &h);
	pw = (int)(w * scale);
	ph = (int)(h * scale);
	if (pw <= 0 || ph <= 0 || pw > 20000 || ph > 20000)
		return 0;
	surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surface);
		return 0;
	}
	cr = cairo_create(surface);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(surface);
	if (sila_ocr_pixels(ocr, cairo_image_surface_get_data(surface), pw, ph, 4,
			    cairo_image_surface_get_stride(surface), out) != SILA_FAILED)
		ok = has_text(out->buf.data + before);
	cairo_surface_destroy(surface);
	return ok;
}

/*
 * Rejoins digits that a line break after a hyphen split ("20031031-\n2392",
 * as a word processor wraps a personnummer at its dash), in place; returns
 * the new length. What came before is looked at in the output, which a
 * join earlier on the page has shifted, and what comes after in the input.
 */
static size_t join_wrapped(char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' && o >= 2 && s[o - 1] == '-' && isdigit((unsigned char)s[o - 2]) &&
		    i + 1 < n && isdigit((unsigned char)s[i + 1]))
			continue;
		s[o++] = s[i];
	}
	return o;
}

void sila_extract_pdf(const char *data, size_t len, struct sila_ocr *ocr, struct sila_text *out)
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
	if (n <= 0) {
		/* A PDF that opens with no pages is damaged (a cyclic page tree, say). */
		sila_warn_add(out->warnings, "extraction-failed", "the PDF has no readable pages");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
	}
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
			if (has_image(page) && !(ocr && !stop && ocr_page(page, ocr, out)))
				out->pages_no_text++;
			else if (has_image(page))
				out->pages_ocr++;
		} else if (!stop && sila_text_add(out, text, join_wrapped(text, strlen(text))) != SILA_OK) {
			stop = 1;
		}
		if (page && !stop && (add_annotations(page, out) != SILA_OK ||
				      add_form_fields(page, out) != SILA_OK))
			stop = 1;
		g_free(text);
		if (page)
			g_object_unref(page);
		if (stop)
			break;
	}
	add_metadata(doc, out);
	if (out->pages_no_text) {
		sila_warn_add(out->warnings, "no-text-layer", "%u of %u pages have no text layer",
			      out->pages_no_text, out->pages);
		sila_text_status(out, out->pages_no_text == out->pages ? SILA_DOC_UNSCANNABLE
								       : SILA_DOC_PARTIAL);
	}
	g_object_unref(doc);
	g_bytes_unref(bytes);
}
