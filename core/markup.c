/*
 * markup.c - text from HTML and XML with libxml2.
 *
 * HTML is decoded to UTF-8 first (byte order mark, then a declared
 * charset, then detection as for plain text, ISO-8859-1 read as
 * Windows-1252 as browsers do), parsed by libxml2's forgiving HTML parser
 * into a tree, and the tree walked without recursion: the text of the
 * body, with whitespace collapsed as a browser would, block elements on
 * lines of their own, table cells separated by tabs. Scripts, styles,
 * templates, noscript and the head are left out; the title and
 * <meta name=...> descriptions go to the metadata, and a
 * classification, sensitivity or klassificering meta is a label too.
 *
 * XML is read with libxml2's streaming reader, which handles its own
 * encoding declaration: the text of text and CDATA nodes, each element
 * that holds text ending a line. Entities are not substituted, no DTD is
 * loaded and nothing is fetched, so an entity bomb stays unexpanded.
 *
 * libxml2 reports some errors (encoding errors) through its generic error
 * handler, which prints; both extractors silence it while they run.
 */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/xmlreader.h>

#include "charset.h"
#include "formats.h"
#include "names.h"

/* How far into an HTML file a charset declaration is looked for. */
#define PRESCAN 1024

/*
 * A writer of lines: whitespace runs become one space, no line starts or
 * ends with a space, and text is passed on in chunks.
 */
struct lines {
	struct sila_text *out;
	int at_start;   /* nothing written on the current line yet */
	int space;      /* a space is due before the next word */
	int stop;       /* the text cap was reached */
	size_t n;
	char buf[4096];
};

static void lines_flush(struct lines *l)
{
	if (l->n && !l->stop && sila_text_add(l->out, l->buf, l->n) != SILA_OK)
		l->stop = 1;
	l->n = 0;
}

static void lines_put(struct lines *l, const char *s, size_t n)
{
	if (l->n + n > sizeof(l->buf))
		lines_flush(l);
	if (n > sizeof(l->buf)) {
		if (!l->stop && sila_text_add(l->out, s, n) != SILA_OK)
			l->stop = 1;
		return;
	}
	memcpy(l->buf + l->n, s, n);
	l->n += n;
}

/* Whether s starts with whitespace HTML collapses; its length in *k. */
static int html_space(const unsigned char *s, size_t n, size_t *k)
{
	*k = 1;
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
		return 1;
	/* A no-break space (&nbsp;) reads as a space too. */
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0) {
		*k = 2;
		return 1;
	}
	return 0;
}

/* Adds text, collapsing whitespace unless pre (inside <pre> or <textarea>). */
static void lines_text(struct lines *l, const char *text, int pre)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);

	while (n && !l->stop) {
		size_t k, run = 0;

		if (pre) {
			if (*s == '\n') {
				lines_put(l, "\n", 1);
				l->at_start = 1;
			} else if (*s != '\r') {
				lines_put(l, (const char *)s, 1);
				l->at_start = 0;
			}
			s++;
			n--;
			continue;
		}
		if (html_space(s, n, &k)) {
			l->space = 1;
			s += k;
			n -= k;
			continue;
		}
		while (run < n && !html_space(s + run, n - run, &k))
			run++;
		if (l->space && !l->at_start)
			lines_put(l, " ", 1);
		l->space = 0;
		lines_put(l, (const char *)s, run);
		l->at_start = 0;
		s += run;
		n -= run;
	}
}

/* Ends the current line, if anything is on it. */
static void lines_break(struct lines *l)
{
	l->space = 0;
	if (!l->at_start) {
		lines_put(l, "\n", 1);
		l->at_start = 1;
	}
}

/* Starts a table cell: a tab unless it is the first on the line. */
static void lines_cell(struct lines *l)
{
	l->space = 0;
	if (!l->at_start)
		lines_put(l, "\t", 1);
}

/* libxml2's generic error handler, silenced. */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* The thread's libxml2 error handlers, saved while they are silenced. */
struct xml_errors {
	xmlGenericErrorFunc generic;
	void *generic_ctx;
	xmlStructuredErrorFunc structured;
	void *structured_ctx;
};

static void errors_silence(struct xml_errors *e)
{
	e->generic = xmlGenericError;
	e->generic_ctx = xmlGenericErrorContext;
	e->structured = xmlStructuredError;
	e->structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

static void errors_restore(const struct xml_errors *e)
{
	xmlSetGenericErrorFunc(e->generic_ctx, e->generic);
	xmlSetStructuredErrorFunc(e->structured_ctx, e->structured);
}

/*
 * The charset an HTML document declares in its first PRESCAN bytes
 * (<meta charset=...> or a content type's charset=...), copied into buf;
 * NULL when there is none.
 */
static const char *declared_charset(const char *data, size_t len, char *buf, size_t size)
{
	size_t n = len < PRESCAN ? len : PRESCAN;

	for (size_t i = 0; i + 7 < n; i++) {
		size_t j = i + 7, k = 0;

		if (strncasecmp(data + i, "charset", 7) != 0)
			continue;
		while (j < n && (data[j] == ' ' || data[j] == '\t'))
			j++;
		if (j >= n || data[j] != '=')
			continue;
		j++;
		while (j < n && (data[j] == ' ' || data[j] == '\t' || data[j] == '"' || data[j] == '\''))
			j++;
		while (j < n && k + 1 < size &&
		       (((data[j] | 0x20) >= 'a' && (data[j] | 0x20) <= 'z') ||
			(data[j] >= '0' && data[j] <= '9') || data[j] == '-' || data[j] == '_' ||
			data[j] == '.' || data[j] == ':'))
			buf[k++] = data[j++];
		buf[k] = '\0';
		if (k)
			return buf;
	}
	return NULL;
}

/* Whether a declared charset is one browsers read as Windows-1252. */
static int read_as_1252(const char *cs)
{
	static const char *const names[] = {
		"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "us-ascii", "ascii",
		"cp819", "ibm819", "windows-1252", "cp1252", "x-cp1252",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(cs, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * The charset to read an HTML document in, and *bom the byte order mark to
 * skip. A byte order mark wins, then valid UTF-8 with non-ASCII text (a
 * page saved as UTF-8 whose declaration was not updated), then the
 * declaration, then detection.
 */
static const char *html_charset(const char *data, size_t len, size_t *bom, char *buf, size_t size)
{
	const char *detected = sila_charset_detect(data, len, bom);
	const char *decl;
	struct sila_conv c;

	if (*bom)
		return detected;
	if (strcmp(detected, "UTF-8") == 0) {
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)data[i] >= 0x80)
				return detected;
	}
	decl = declared_charset(data, len, buf, size);
	if (!decl || strncasecmp(decl, "utf-16", 6) == 0 || strncasecmp(decl, "utf-32", 6) == 0)
		return detected;
	if (read_as_1252(decl))
		return "WINDOWS-1252";
	if (sila_conv_open(&c, decl) != SILA_OK)
		return detected;
	sila_conv_close(&c);
	return decl;
}

/* Elements whose content is never text of the page. */
static int html_skipped(const char *name)
{
	static const char *const names[] = {
		"script", "style", "template", "noscript", "object", "applet", "iframe",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* Elements that stand on lines of their own. */
static int html_block(const char *name)
{
	static const char *const names[] = {
		"address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
		"details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
		"footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
		"legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section",
		"summary", "table", "tbody", "textarea", "tfoot", "thead", "tr", "ul",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * A <meta name=... content=...>: a description, keywords or author go to
 * the metadata, a classification to the metadata and the labels.
 */
static void html_meta(xmlNodePtr n, struct sila_text *out)
{
	static const char *const keys[] = {
		"description", "keywords", "author", "subject",
		"classification", "sensitivity", "klassificering",
	};
	xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
	xmlChar *content = xmlGetProp(n, (const xmlChar *)"content");

	for (size_t i = 0; name && content && i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = (const char *)content;

		if (strcasecmp((const char *)name, keys[i]) != 0)
			continue;
		sila_text_meta(out, keys[i], v, strlen(v));
		while (*v == ' ')
			v++;
		if (i >= 4 && *v)
			sila_text_label(out, "html", v, NULL);
		break;
	}
	xmlFree(name);
	xmlFree(content);
}

/* What walking an HTML tree needs to know besides the node. */
struct html_walk {
	struct lines l;
	int in_head;    /* inside <head>: only the title and metas count */
	int pre;        /* inside <pre> or <textarea>: whitespace kept */
};

/* Entering node n; returns whether its children are to be walked. */
static int html_enter(struct html_walk *w, xmlNodePtr n)
{
	const char *name;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (!w->in_head && n->content)
			lines_text(&w->l, (const char *)n->content, w->pre);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE || !n->name)
		return 0;
	name = (const char *)n->name;
	if (strcmp(name, "title") == 0) {
		xmlChar *t = xmlNodeGetContent(n);

		if (t)
			sila_text_meta(w->l.out, "title", (const char *)t, strlen((const char *)t));
		xmlFree(t);
		return 0;
	}
	if (strcmp(name, "meta") == 0) {
		html_meta(n, w->l.out);
		return 0;
	}
	if (html_skipped(name))
		return 0;
	if (strcmp(name, "head") == 0)
		w->in_head++;
	if (w->in_head)
		return 1;
	if (strcmp(name, "br") == 0) {
		lines_put(&w->l, "\n", 1);
		w->l.at_start = 1;
		w->l.space = 0;
	} else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
		lines_cell(&w->l);
	} else if (html_block(name)) {
		lines_break(&w->l);
	}
	if (strcmp(name, "pre") == 0 || strcmp(name, "textarea") == 0)
		w->pre++;
	return 1;
}

/* Leaving element n, whose children were walked. */
static void html_leave(struct html_walk *w, xmlNodePtr n)
{
	const char *name;

	if (n->type != XML_ELEMENT_NODE || !n->name)
		return;
	name = (const char *)n->name;
	if (strcmp(name, "head") == 0) {
		w->in_head--;
		return;
	}
	if (w->in_head)
		return;
	if ((strcmp(name, "pre") == 0 || strcmp(name, "textarea") == 0) && w->pre)
		w->pre--;
	if (html_block(name))
		lines_break(&w->l);
}

/* Walks the tree under root in document order without recursion. */
static void html_walk(xmlNodePtr root, struct sila_text *out)
{
	struct html_walk w;
	xmlNodePtr n = root;

	memset(&w, 0, sizeof(w));
	w.l.out = out;
	w.l.at_start = 1;
	while (n && !w.l.stop) {
		int descend = html_enter(&w, n);

		if (descend && n->children) {
			n = n->children;
			continue;
		}
		if (descend)
			html_leave(&w, n);
		/* Up until a node with a next sibling, leaving each parent. */
		while (n != root && !n->next && n->parent) {
			n = n->parent;
			html_leave(&w, n);
		}
		if (n == root || !n->next)
			break;
		n = n->next;
	}
	lines_flush(&w.l);
}

/*
 * Makes the HTML at data UTF-8 for libxml2, in utf8 when it has to be
 * converted (or has NUL bytes, which stop libxml2: they become spaces).
 * *html and *n receive the text to parse. Returns 0, or -1 when nothing
 * could be decoded.
 */
static int html_utf8(const char *data, size_t len, struct sila_buf *utf8,
		     const char **html, size_t *n)
{
	char declared[64];
	size_t bom;
	const char *cs = html_charset(data, len, &bom, declared, sizeof(declared));

	*html = data + bom;
	*n = len - bom;
	if (strcmp(cs, "UTF-8") != 0 || !sila_utf8_valid(*html, *n)) {
		sila_buf_init(utf8, *n > SIZE_MAX / 3 ? SIZE_MAX : *n * 3 + 16);
		if (sila_charset_to_buf(cs, *html, *n, utf8) == SILA_FAILED && !utf8->len)
			return -1;
		*html = utf8->data ? utf8->data : "";
		*n = utf8->len;
	}
	if (!memchr(*html, '\0', *n))
		return 0;
	if (*html != utf8->data) {
		sila_buf_init(utf8, *n);
		if (sila_buf_add(utf8, *html, *n) != SILA_OK)
			return -1;
	}
	for (char *p = utf8->data; (p = memchr(p, '\0', utf8->len - (size_t)(p - utf8->data)));)
		*p = ' ';
	*html = utf8->data;
	return 0;
}

static void extract_html_raw(const char *data, size_t len, struct sila_text *out)
{
	struct sila_buf utf8 = SILA_BUF_INIT(0);
	struct xml_errors saved;
	const char *html;
	size_t n;
	htmlParserCtxtPtr ctxt;
	htmlDocPtr doc;
	int halted;

	if (html_utf8(data, len, &utf8, &html, &n) != 0) {
		sila_warn_add(out->warnings, "extraction-failed", "cannot decode the HTML");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		sila_buf_release(&utf8);
		return;
	}
	if (n > INT_MAX) {
		sila_warn_add(out->warnings, "limit-exceeded", "HTML larger than %d bytes was cut there",
			      INT_MAX);
		sila_text_status(out, SILA_DOC_PARTIAL);
		n = INT_MAX;
	}
	errors_silence(&saved);
	ctxt = htmlNewParserCtxt();
	doc = ctxt ? htmlCtxtReadMemory(ctxt, html, (int)n, NULL, "UTF-8",
					HTML_PARSE_NONET | HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
					HTML_PARSE_COMPACT) : NULL;
	/*
	 * The parser gives up on some input for good (nesting deeper than
	 * libxml2 allows): what it did not reach is scanned as plain text.
	 */
	halted = !ctxt || ctxt->disableSAX;
	if (doc && xmlDocGetRootElement(doc))
		html_walk(xmlDocGetRootElement(doc), out);
	xmlFreeDoc(doc);
	htmlFreeParserCtxt(ctxt);
	errors_restore(&saved);
	if (halted && n) {
		sila_warn_add(out->warnings, "extraction-failed",
			      "the HTML parser stopped early; scanned as plain text too");
		sila_text_status(out, SILA_DOC_PARTIAL);
		if (out->buf.len && out->buf.data[out->buf.len - 1] != '\n')
			sila_text_add(out, "\n", 1);
		sila_text_add(out, html, n);
	} else if (!doc && n) {
		sila_text_add(out, html, n);
	}
	sila_buf_release(&utf8);
}

/* Makes what an extractor added after text0 and meta0 valid UTF-8, whatever libxml2 let through. */
static void sanitize_added(struct sila_text *out, size_t text0, size_t meta0)
{
	if (out->buf.len > text0)
		sila_utf8_sanitize(out->buf.data + text0, out->buf.len - text0, 1);
	if (out->meta.len > meta0)
		sila_utf8_sanitize(out->meta.data + meta0, out->meta.len - meta0, 1);
}

/*
 * HTML, with its promise kept whatever libxml2 passed through: the text
 * and metadata it adds are valid UTF-8.
 */
void sila_extract_html(const char *data, size_t len, struct sila_text *out)
{
	size_t text0 = out->buf.len, meta0 = out->meta.len;

	extract_html_raw(data, len, out);
	sanitize_added(out, text0, meta0);
}

/* The reader's structured error handler: errors are counted by the return of xmlTextReaderRead. */
static void reader_error(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

/*
 * The encoding an XML document needs to be read in when it has no byte
 * order mark and no encoding declaration and is not UTF-8: NULL when
 * libxml2's own detection will do.
 */
static const char *xml_encoding(const char *data, size_t len)
{
	size_t bom, n = len < 256 ? len : 256;
	const char *cs = sila_charset_detect(data, len, &bom);

	if (bom || strcmp(cs, "UTF-8") == 0)
		return NULL;
	if (n >= 5 && memcmp(data, "<?xml", 5) == 0) {
		const char *end = memchr(data, '>', n);

		for (const char *p = data; end && p + 8 < end; p++)
			if (memcmp(p, "encoding", 8) == 0)
				return NULL;
	}
	return cs;
}

static void extract_xml_raw(const char *data, size_t len, struct sila_text *out)
{
	struct xml_errors saved;
	struct lines l;
	xmlTextReaderPtr r;
	size_t n = len;
	int ret = 0, stopped_at = 0;

	if (n > INT_MAX) {
		sila_warn_add(out->warnings, "limit-exceeded", "XML larger than %d bytes was cut there",
			      INT_MAX);
		sila_text_status(out, SILA_DOC_PARTIAL);
		n = INT_MAX;
	}
	memset(&l, 0, sizeof(l));
	l.out = out;
	l.at_start = 1;
	errors_silence(&saved);
	r = xmlReaderForMemory(data, (int)n, NULL, xml_encoding(data, n),
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			       XML_PARSE_COMPACT);
	if (!r) {
		errors_restore(&saved);
		sila_warn_add(out->warnings, "extraction-failed", "cannot read the XML");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		return;
	}
	xmlTextReaderSetStructuredErrorHandler(r, reader_error, NULL);
	while (!l.stop && (ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);

		if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
			const char *v = (const char *)xmlTextReaderConstValue(r);

			if (v)
				lines_text(&l, v, 0);
		} else if (type == XML_READER_TYPE_END_ELEMENT ||
			   (type == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(r))) {
			lines_break(&l);
		}
	}
	if (!l.stop && ret < 0)
		stopped_at = xmlTextReaderGetParserLineNumber(r);
	lines_break(&l);
	lines_flush(&l);
	xmlFreeTextReader(r);
	errors_restore(&saved);
	if (stopped_at) {
		/*
		 * Not well-formed: what follows the error was not read as XML,
		 * so the whole document is scanned as plain text as well.
		 */
		sila_warn_add(out->warnings, "extraction-failed",
			      "not well-formed XML (line %d); scanned as plain text too", stopped_at);
		sila_text_status(out, SILA_DOC_PARTIAL);
		sila_charset_to_text(data, len, out);
	}
}

/*
 * XML, with its promise kept whatever libxml2 passed through: the text
 * and metadata it adds are valid UTF-8.
 */
void sila_extract_xml(const char *data, size_t len, struct sila_text *out)
{
	size_t text0 = out->buf.len, meta0 = out->meta.len;

	extract_xml_raw(data, len, out);
	sanitize_added(out, text0, meta0);
}
