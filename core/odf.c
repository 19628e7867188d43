/*
 * odf.c - text from OpenDocument: text documents (ODT), spreadsheets (ODS),
 * presentations and drawings (ODP, ODG), their templates, and the flat
 * single-file XML variants (FODT, FODS, FODP).
 *
 * A packaged document is a zip read in memory with libarchive: its
 * META-INF/manifest.xml says whether parts are encrypted, meta.xml holds
 * the properties, content.xml the body and styles.xml the page headers and
 * footers. A flat document holds all of these in one XML file. Either way
 * XML is parsed with libxml2's SAX2 parser (sila_xml_walk); entities are not
 * substituted, no DTD is loaded and nothing is fetched from the network,
 * and no part may inflate beyond PART_MAX.
 *
 * The body comes first: paragraphs and headings a line each, table rows a
 * line with cells separated by tabs, spreadsheets a "Sheet: NAME" line per
 * sheet, annotations, notes and text boxes where they stand; each page of a
 * presentation or drawing (draw:page, with its speaker notes and footer)
 * after a form feed. Then the headers and footers, then nothing else: the
 * properties go to the metadata, and a user-defined property whose name
 * speaks of classification becomes a label.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>

#include "formats.h"
#include "zipxml.h"

/* The most bytes one part may inflate to before it is cut off. */
#define PART_MAX ((size_t)256 << 20)
/* The most bytes kept of one property value, footer declaration or numeric cell's text. */
#define VALUE_MAX ((size_t)1 << 16)
#define CELL_MAX ((size_t)1024)
/* The most presentation footer, header and date declarations remembered. */
#define DECLS_MAX 64
/* The most spaces one text:s stands for in the text. */
#define SPACES_MAX 256

#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define DRAW_NS "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define PRES_NS "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
#define SVG_NS "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define META_NS "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define DC_NS "http://purl.org/dc/elements/1.1/"

/* ---- Numbers ---------------------------------------------------------------- */

/* Whether a cell's displayed text is a number in scientific notation ("1.99E+11", "2,0E+011"). */
static int is_scientific(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	while (i < n && s[i] == ' ')
		i++;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ','); i++)
		d += s[i] >= '0' && s[i] <= '9';
	if (!d || i == n || (s[i] != 'E' && s[i] != 'e'))
		return 0;
	i++;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	while (i < n && s[i] == ' ')
		i++;
	return d && i == n;
}

/* ---- The document ---------------------------------------------------------------- */

/* Which part of a document a walk reads. */
enum section { SEC_META, SEC_BODY, SEC_MASTER };

struct decl {
	char *name, *text;
};

struct odf {
	struct sila_flow f;   /* the text, and the separator waiting for it */
	int space;            /* a collapsed space waits for the next text */
	enum section want;
	int sec_depth;        /* depth of the section element while inside it, else -1 */
	int para;             /* text:p and text:h open */
	int hf;               /* style:header and style:footer open (master styles) */
	int cells;            /* table cells open */
	int spreadsheet;      /* inside office:spreadsheet */
	unsigned pages;       /* draw:page elements met */
	/* A numeric cell's text is held back: scientific notation gives way to its value. */
	char *cell_value;
	struct sila_buf cell;
	/* Presentation footer, header and date declarations, and those the page uses. */
	struct decl decls[DECLS_MAX];
	size_t ndecls;
	char *decl_name;
	struct sila_buf decl;
	char *uses[3];
	/* Metadata: the key of the property being read, or the user-defined name. */
	const char *key;
	char *uname;
	struct sila_buf value;
};

/*
 * Text to where it goes: the footer declaration being read, the numeric
 * cell being held back, or the text. A space collapsed from white space
 * waits in o->space and is written only between two pieces of text on
 * one line, so lines neither start nor end with it.
 */
static void put_run(struct odf *o, const char *s, size_t n)
{
	const struct sila_buf *b = &o->f.out->buf;
	int space = o->space;

	if (!n)
		return;
	o->space = 0;
	if (o->decl_name) {
		if (space && o->decl.len)
			sila_buf_add_upto(&o->decl, " ", 1);
		sila_buf_add_upto(&o->decl, s, n);
		return;
	}
	if (o->cell_value && o->cell.len + n + 1 > CELL_MAX) {
		/* Too long to be a number: let it through. */
		sila_flow_put(&o->f, o->cell.data ? o->cell.data : "", o->cell.len);
		xmlFree(o->cell_value);
		o->cell_value = NULL;
		sila_buf_reset(&o->cell);
	}
	if (o->cell_value) {
		if (space && o->cell.len)
			sila_buf_add(&o->cell, " ", 1);
		sila_buf_add(&o->cell, s, n);
		return;
	}
	if (space && o->f.sep == SILA_SEP_NONE && b->len && !strchr("\n\f\t ", b->data[b->len - 1]))
		sila_flow_put(&o->f, " ", 1);
	sila_flow_put(&o->f, s, n);
}

/* Paragraph text, with each run of white space as one space, as ODF reads it. */
static void put_text(struct odf *o, const char *s)
{
	while (*s && !o->f.stop) {
		size_t n = strcspn(s, " \t\r\n");

		put_run(o, s, n);
		s += n;
		if (*s) {
			s += strspn(s, " \t\r\n");
			o->space = 1;
		}
	}
}

/* Writes the numeric cell held back: its text, or its value when the text is scientific notation. */
static void end_numeric_cell(struct odf *o)
{
	char num[256];
	const char *text = o->cell.data ? o->cell.data : "";

	if ((!o->cell.len || is_scientific(text, o->cell.len)) &&
	    sila_plain_number(o->cell_value, num, sizeof(num)) == 0)
		sila_flow_put(&o->f, num, strlen(num));
	else
		sila_flow_put(&o->f, text, o->cell.len);
	xmlFree(o->cell_value);
	o->cell_value = NULL;
	sila_buf_reset(&o->cell);
}

/* Writes the text of the footer, header and date declarations the page just ended uses. */
static void put_page_decls(struct odf *o)
{
	for (size_t u = 0; u < 3; u++) {
		for (size_t i = 0; o->uses[u] && i < o->ndecls; i++) {
			if (strcmp(o->decls[i].name, o->uses[u]) != 0)
				continue;
			sila_flow_sep(&o->f, SILA_SEP_LINE);
			sila_flow_put(&o->f, o->decls[i].text, strlen(o->decls[i].text));
			break;
		}
		xmlFree(o->uses[u]);
		o->uses[u] = NULL;
	}
}

/* Keeps the footer, header or date declaration just read. */
static void end_decl(struct odf *o)
{
	if (o->ndecls < DECLS_MAX && o->decl.len) {
		struct decl *d = &o->decls[o->ndecls];

		d->name = strdup(o->decl_name);
		d->text = strdup(o->decl.data);
		if (d->name && d->text) {
			o->ndecls++;
		} else {
			free(d->name);
			free(d->text);
		}
	}
	xmlFree(o->decl_name);
	o->decl_name = NULL;
	sila_buf_reset(&o->decl);
}

/* Whether a user-defined property's name speaks of a classification or label. */
static int is_label_name(const char *name)
{
	static const char *const words[] = { "classification", "sensitivity", "klassificering",
					     "label", "sekretess" };
	size_t n = strlen(name);

	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t wl = strlen(words[w]);

		for (size_t i = 0; i + wl <= n; i++)
			if (strncasecmp(name + i, words[w], wl) == 0)
				return 1;
	}
	return 0;
}

/* One node inside office:meta. */
static int meta_node(struct odf *o, const struct sila_xml_node *node, int type, const char *local)
{
	static const char *const keys[][2] = {
		{ "title", "title" }, { "subject", "subject" }, { "keyword", "keywords" },
		{ "description", "description" }, { "creator", "author" },
		{ "initial-creator", "initial-creator" }, { NULL, NULL }
	};
	int depth = sila_xml_depth(node);

	if (type == XML_READER_TYPE_ELEMENT && depth == o->sec_depth + 1) {
		o->key = NULL;
		xmlFree(o->uname);
		o->uname = NULL;
		sila_buf_reset(&o->value);
		for (size_t i = 0; keys[i][0]; i++)
			if (strcmp(local, keys[i][0]) == 0)
				o->key = keys[i][1];
		if (strcmp(local, "user-defined") == 0)
			o->uname = sila_xml_attr(node, "name", 1);
		if (!o->key && !o->uname)
			return SILA_WALK_SKIP;
	} else if (type == XML_READER_TYPE_END_ELEMENT && depth == o->sec_depth + 1) {
		const char *v = o->value.data ? o->value.data : "";
		size_t n = o->value.len;

		if (o->key) {
			sila_text_meta(o->f.out, o->key, v, n);
		} else if (o->uname && o->uname[0]) {
			sila_text_meta(o->f.out, o->uname, v, n);
			while (n && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')) {
				v++;
				n--;
			}
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' ||
				     v[n - 1] == '\r'))
				n--;
			if (n && is_label_name(o->uname)) {
				char *name = strndup(v, n);

				if (name)
					sila_text_label(o->f.out, "odf", name, NULL);
				free(name);
			}
		}
		o->key = NULL;
		xmlFree(o->uname);
		o->uname = NULL;
	} else if ((o->key || o->uname) && sila_xml_is_text(type)) {
		sila_buf_add_upto(&o->value, sila_xml_text(node), sila_xml_text_len(node));
	}
	return SILA_WALK_ON;
}

/* Whether an element is one of the master page's headers or footers. */
static int is_header_footer(const struct sila_xml_node *node, const char *local)
{
	return (strncmp(local, "header", 6) == 0 || strncmp(local, "footer", 6) == 0) &&
	       (local[6] == '\0' || local[6] == '-') && sila_xml_is(node, local, local, STYLE_NS);
}

/* A new element in the body or the master styles. */
static int text_element(struct odf *o, const struct sila_xml_node *node, const char *local)
{
	int empty = sila_xml_empty(node);
	int in_para = o->para > 0 && (o->want != SEC_MASTER || o->hf > 0);

	if (o->want == SEC_MASTER && is_header_footer(node, local)) {
		o->hf += !empty;
		sila_flow_sep(&o->f, SILA_SEP_LINE);
	} else if (sila_xml_is(node, local, "p", TEXT_NS) ||
		   sila_xml_is(node, local, "h", TEXT_NS)) {
		o->para += !empty;
		o->space = 0;
	} else if (sila_xml_is(node, local, "s", TEXT_NS)) {
		char *c = sila_xml_attr(node, "c", 1);
		long n = c ? strtol(c, NULL, 10) : 1;

		for (long i = 0; in_para && i < (n < 1 ? 1 : n > SPACES_MAX ? SPACES_MAX : n); i++)
			put_run(o, " ", 1);
		xmlFree(c);
	} else if (sila_xml_is(node, local, "tab", TEXT_NS)) {
		if (in_para)
			put_run(o, "\t", 1);
	} else if (sila_xml_is(node, local, "line-break", TEXT_NS)) {
		o->space = 0;
		if (in_para && !o->cell_value && !o->decl_name)
			sila_flow_put(&o->f, "\n", 1);
	} else if (sila_xml_is(node, local, "note-citation", TEXT_NS) ||
		   sila_xml_is(node, local, "page-number", TEXT_NS) ||
		   sila_xml_is(node, local, "page-count", TEXT_NS) ||
		   sila_xml_is(node, local, "sheet-name", TEXT_NS)) {
		return SILA_WALK_SKIP; /* a footnote's mark or a page number would run into the text */
	} else if (sila_xml_is(node, local, "creator", DC_NS) ||
		   sila_xml_is(node, local, "date", DC_NS) ||
		   sila_xml_is(node, local, "date-string", META_NS) ||
		   sila_xml_is(node, local, "title", SVG_NS) ||
		   sila_xml_is(node, local, "desc", SVG_NS)) {
		return SILA_WALK_SKIP; /* who wrote a comment and when, a picture's description */
	} else if (sila_xml_is(node, local, "annotation", OFFICE_NS)) {
		/* A comment on a cell follows the cell's own text, on its line. */
		if (o->cell_value)
			end_numeric_cell(o);
		sila_flow_sep(&o->f, o->cells ? SILA_SEP_TAB : SILA_SEP_LINE);
	} else if (sila_xml_is(node, local, "note-body", TEXT_NS) ||
		   sila_xml_is(node, local, "text-box", DRAW_NS) ||
		   sila_xml_is(node, local, "notes", PRES_NS)) {
		sila_flow_sep(&o->f, SILA_SEP_LINE);
	} else if (sila_xml_is(node, local, "spreadsheet", OFFICE_NS)) {
		o->spreadsheet = !empty;
	} else if (sila_xml_is(node, local, "table", TABLE_NS)) {
		sila_flow_sep(&o->f, SILA_SEP_LINE);
		if (o->spreadsheet && o->want == SEC_BODY) {
			char *name = sila_xml_attr(node, "name", 1);

			if (name) {
				sila_flow_put(&o->f, "Sheet: ", 7);
				sila_flow_put(&o->f, name, strlen(name));
				sila_flow_sep(&o->f, SILA_SEP_LINE);
			}
			xmlFree(name);
		}
	} else if (sila_xml_is(node, local, "table-cell", TABLE_NS) && !empty) {
		char *vt = sila_xml_attr(node, "value-type", 1);

		o->cells++;
		if (o->cell_value)
			end_numeric_cell(o); /* a table inside a numeric cell */
		if (vt && (strcmp(vt, "float") == 0 || strcmp(vt, "percentage") == 0 ||
			   strcmp(vt, "currency") == 0)) {
			o->cell_value = sila_xml_attr(node, "value", 1);
			o->space = 0;
		}
		xmlFree(vt);
	} else if (sila_xml_is(node, local, "page", DRAW_NS) && o->want == SEC_BODY) {
		if (o->pages++)
			sila_flow_page_break(&o->f);
		put_page_decls(o); /* none are left, unless a page never ended */
		o->uses[0] = sila_xml_attr(node, "use-header-name", 1);
		o->uses[1] = sila_xml_attr(node, "use-footer-name", 1);
		o->uses[2] = sila_xml_attr(node, "use-date-time-name", 1);
		if (empty)
			put_page_decls(o);
	} else if ((sila_xml_is(node, local, "footer-decl", PRES_NS) ||
		    sila_xml_is(node, local, "header-decl", PRES_NS) ||
		    sila_xml_is(node, local, "date-time-decl", PRES_NS)) &&
		   !empty && !o->decl_name) {
		o->decl_name = sila_xml_attr(node, "name", 1);
		o->space = 0;
		sila_buf_reset(&o->decl);
		if (o->decl_name)
			o->para++; /* its text is read as a paragraph's */
	}
	return SILA_WALK_ON;
}

/* The end of an element in the body or the master styles. */
static void text_end(struct odf *o, const struct sila_xml_node *node, const char *local)
{
	if (o->want == SEC_MASTER && is_header_footer(node, local)) {
		o->hf -= o->hf > 0;
		sila_flow_sep(&o->f, SILA_SEP_LINE);
	} else if (sila_xml_is(node, local, "p", TEXT_NS) ||
		   sila_xml_is(node, local, "h", TEXT_NS)) {
		o->para -= o->para > 0;
		o->space = 0;
		sila_flow_sep(&o->f, o->cells ? SILA_SEP_SOFT : SILA_SEP_LINE);
	} else if (sila_xml_is(node, local, "table-cell", TABLE_NS)) {
		o->cells -= o->cells > 0;
		if (o->cell_value)
			end_numeric_cell(o);
		/* weaker than the end of the row before an empty cell */
		sila_flow_sep(&o->f, SILA_SEP_TAB);
	} else if (sila_xml_is(node, local, "annotation", OFFICE_NS)) {
		sila_flow_sep(&o->f, o->cells ? SILA_SEP_TAB : SILA_SEP_LINE);
	} else if (sila_xml_is(node, local, "table-row", TABLE_NS) ||
		   sila_xml_is(node, local, "table", TABLE_NS) ||
		   sila_xml_is(node, local, "note-body", TEXT_NS) ||
		   sila_xml_is(node, local, "text-box", DRAW_NS)) {
		sila_flow_sep(&o->f, SILA_SEP_LINE);
	} else if (sila_xml_is(node, local, "spreadsheet", OFFICE_NS)) {
		o->spreadsheet = 0;
	} else if (sila_xml_is(node, local, "page", DRAW_NS) && o->want == SEC_BODY) {
		put_page_decls(o);
		sila_flow_sep(&o->f, SILA_SEP_LINE);
	} else if (o->decl_name && (sila_xml_is(node, local, "footer-decl", PRES_NS) ||
				    sila_xml_is(node, local, "header-decl", PRES_NS) ||
				    sila_xml_is(node, local, "date-time-decl", PRES_NS))) {
		o->para -= o->para > 0;
		end_decl(o);
	}
}

/* One node of a part: the wanted section (office:meta, office:body or office:master-styles) is read, the rest skipped. */
static int odf_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	static const char *const sections[] = { "meta", "body", "master-styles" };
	struct odf *o = ctx;
	int depth = sila_xml_depth(node);

	if (o->sec_depth < 0) {
		if (type != XML_READER_TYPE_ELEMENT || depth == 0)
			return SILA_WALK_ON;
		if (depth == 1 && sila_xml_is(node, local, sections[o->want], OFFICE_NS) &&
		    !sila_xml_empty(node)) {
			o->sec_depth = depth;
			return SILA_WALK_ON;
		}
		return SILA_WALK_SKIP;
	}
	if (type == XML_READER_TYPE_END_ELEMENT && depth == o->sec_depth) {
		o->sec_depth = -1;
		return SILA_WALK_ON;
	}
	if (o->want == SEC_META)
		return meta_node(o, node, type, local);
	if (type == XML_READER_TYPE_ELEMENT && text_element(o, node, local) == SILA_WALK_SKIP)
		return SILA_WALK_SKIP;
	if (type == XML_READER_TYPE_END_ELEMENT)
		text_end(o, node, local);
	else if (sila_xml_is_text(type) && o->para > 0 && (o->want != SEC_MASTER || o->hf > 0))
		put_text(o, sila_xml_text(node));
	return o->f.stop ? SILA_WALK_STOP : SILA_WALK_ON;
}

/* Walks one part (or the flat document) for one section. */
static void read_section(struct odf *o, const char *xml, size_t len, const char *name,
			 enum section want)
{
	o->want = want;
	o->sec_depth = -1;
	o->para = o->hf = o->cells = o->spreadsheet = 0;
	sila_xml_walk(xml, len, name, odf_node, o, o->f.out);
	if (o->cell_value)
		end_numeric_cell(o);
	if (o->decl_name)
		end_decl(o);
	if (want == SEC_BODY)
		put_page_decls(o);
	sila_flow_sep(&o->f, SILA_SEP_LINE);
}

/* ---- The zip ------------------------------------------------------------------ */

/* How reading a part went. */
enum got { GOT_PART, GOT_SOME, GOT_NONE, GOT_ENCRYPTED, GOT_NOZIP };

/*
 * Inflates the entry called name into b (emptied first), up to PART_MAX.
 * GOT_SOME means it was cut short or damaged; warnings say which.
 */
static enum got zip_read(const char *data, size_t len, const char *name, struct sila_buf *b,
			 struct sila_text *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	enum got got = GOT_NONE;
	int r;

	sila_buf_reset(b);
	if (!a)
		return GOT_NONE;
	if (sila_zip_open(a, data, len, out) != 0) {
		archive_read_free(a);
		return GOT_NOZIP;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		char chunk[65536];
		la_ssize_t n;

		if (!archive_entry_pathname(e) || strcmp(archive_entry_pathname(e), name) != 0)
			continue;
		if (archive_entry_is_encrypted(e)) {
			got = GOT_ENCRYPTED;
			break;
		}
		got = GOT_PART;
		while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
			if (sila_buf_add_upto(b, chunk, (size_t)n) != SILA_OK) {
				sila_warn_add(out->warnings, "limit-exceeded",
					      "part %s is larger than %zu bytes", name, PART_MAX);
				got = GOT_SOME;
				break;
			}
		}
		if (n < 0) {
			sila_warn_add(out->warnings, "extraction-failed", "cannot inflate %s: %s", name,
				      sila_zip_error(a));
			got = GOT_SOME;
		}
		break;
	}
	if (got == GOT_NONE && r != ARCHIVE_EOF && r != ARCHIVE_OK && r != ARCHIVE_WARN)
		sila_warn_add(out->warnings, "extraction-failed", "damaged zip: %s",
			      sila_zip_error(a));
	if (got == GOT_SOME || (got == GOT_NONE && r != ARCHIVE_EOF))
		sila_text_status(out, SILA_DOC_PARTIAL);
	if (got == GOT_SOME && !b->len)
		got = GOT_NONE;
	archive_read_free(a);
	return got;
}

/* The parts the manifest lists with encryption data. */
struct manifest {
	char *path;    /* the file entry being read */
	int encrypted; /* bit 0 content.xml, 1 styles.xml, 2 meta.xml, 3 any */
};

/* META-INF/manifest.xml: which file entries carry encryption data. */
static int manifest_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct manifest *m = ctx;

	if (type != XML_READER_TYPE_ELEMENT)
		return SILA_WALK_ON;
	if (strcmp(local, "file-entry") == 0) {
		xmlFree(m->path);
		m->path = sila_xml_attr(node, "full-path", 1);
	} else if (strcmp(local, "encryption-data") == 0) {
		m->encrypted |= 8;
		if (m->path && strcmp(m->path, "content.xml") == 0)
			m->encrypted |= 1;
		else if (m->path && strcmp(m->path, "styles.xml") == 0)
			m->encrypted |= 2;
		else if (m->path && strcmp(m->path, "meta.xml") == 0)
			m->encrypted |= 4;
	}
	return SILA_WALK_ON;
}

/* A packaged document: manifest, properties, body, then headers and footers. */
static void extract_package(struct odf *o, const char *data, size_t len)
{
	static const char *const parts[] = { "meta.xml", "content.xml", "styles.xml" };
	static const enum section secs[] = { SEC_META, SEC_BODY, SEC_MASTER };
	static const int bits[] = { 4, 1, 2 }; /* the parts' bits in manifest.encrypted */
	struct sila_buf b = SILA_BUF_INIT(PART_MAX);
	struct manifest m = { NULL, 0 };
	enum got got;
	int body = 0;

	got = zip_read(data, len, "META-INF/manifest.xml", &b, o->f.out);
	if (got == GOT_NOZIP) {
		sila_text_status(o->f.out, SILA_DOC_UNSCANNABLE);
		sila_buf_release(&b);
		return;
	}
	if (got == GOT_ENCRYPTED)
		m.encrypted = 8;
	else
		sila_xml_walk(b.data, b.len, "META-INF/manifest.xml", manifest_node, &m, o->f.out);
	xmlFree(m.path);
	for (int i = 0; i < 3 && !o->f.stop; i++) {
		if (m.encrypted & bits[i])
			continue;
		got = zip_read(data, len, parts[i], &b, o->f.out);
		if (got == GOT_ENCRYPTED)
			m.encrypted |= 8;
		if (got == GOT_PART || got == GOT_SOME) {
			read_section(o, b.data, b.len, parts[i], secs[i]);
			body |= secs[i] == SEC_BODY;
		}
	}
	sila_buf_release(&b);
	if (m.encrypted) {
		sila_warn_add(o->f.out->warnings, "encrypted",
			      "the document is encrypted (needs a password)");
		sila_text_status(o->f.out, SILA_DOC_UNSCANNABLE);
	} else if (!body) {
		sila_warn_add(o->f.out->warnings, "extraction-failed", "no readable content.xml");
		sila_text_status(o->f.out, o->f.out->buf.len || o->f.out->meta.len
						   ? SILA_DOC_PARTIAL
						   : SILA_DOC_UNSCANNABLE);
	}
}

void sila_extract_odf(const char *data, size_t len, const char *type, struct sila_text *out)
{
	struct odf o;

	(void)type;
	memset(&o, 0, sizeof(o));
	o.f.out = out;
	o.sec_depth = -1;
	sila_buf_init(&o.cell, CELL_MAX);
	sila_buf_init(&o.decl, VALUE_MAX);
	sila_buf_init(&o.value, VALUE_MAX);
	if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0) {
		extract_package(&o, data, len);
	} else {
		/* A flat document: the three sections of one XML file. */
		if (len > PART_MAX) {
			sila_warn_add(out->warnings, "limit-exceeded",
				      "flat document larger than %zu bytes", PART_MAX);
			sila_text_status(out, SILA_DOC_PARTIAL);
			len = PART_MAX;
		}
		read_section(&o, data, len, "the document", SEC_META);
		read_section(&o, data, len, "the document", SEC_BODY);
		if (!o.f.stop)
			read_section(&o, data, len, "the document", SEC_MASTER);
	}
	if (o.pages)
		out->pages = o.pages;
	if (out->buf.len && out->buf.data[out->buf.len - 1] != '\n' &&
	    out->buf.data[out->buf.len - 1] != '\f' && !o.f.stop)
		sila_text_add(out, "\n", 1);
	for (size_t i = 0; i < o.ndecls; i++) {
		free(o.decls[i].name);
		free(o.decls[i].text);
	}
	for (size_t u = 0; u < 3; u++)
		xmlFree(o.uses[u]);
	xmlFree(o.uname);
	sila_buf_release(&o.cell);
	sila_buf_release(&o.decl);
	sila_buf_release(&o.value);
}
