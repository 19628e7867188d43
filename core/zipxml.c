/*
 * zipxml.c - the zip, XML, text and number helpers that ooxml.c and odf.c
 * share; see zipxml.h.
 */
#include <limits.h>
#include <string.h>

#include <archive.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "zipxml.h"

/* ---- The zip ------------------------------------------------------------ */

const char *sila_zip_error(struct archive *a)
{
	return archive_error_string(a) ? archive_error_string(a) : "read error";
}

int sila_zip_open(struct archive *a, const char *data, size_t len, struct sila_text *out)
{
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		sila_warn_add(out->warnings, "extraction-failed", "not a readable zip: %s",
			      sila_zip_error(a));
		return -1;
	}
	return 0;
}

/* ---- XML ------------------------------------------------------------------ */

/*
 * The most bytes of one text node: libxml2's own limit, which its tree
 * builder kept, so that the reader failed on a longer one.
 */
#define TEXT_MAX ((size_t)XML_MAX_TEXT_LENGTH)

struct sila_xml_node {
	int depth;
	int empty;                /* an element written <a/> */
	const char *local;
	const xmlChar *uri;       /* the element's namespace, or NULL */
	const xmlChar *const *atts; /* SAX2's five per attribute: name, prefix, URI, value, its end */
	int natts;
	const char *text;
	size_t len;
	xmlParserCtxtPtr ctxt;    /* whose document declares the entities a value may name */
};

/* A walk under way: its handler, where the parse is, and the text not yet handed on. */
struct walk {
	xmlParserCtxtPtr ctxt;
	sila_xml_node_fn fn;
	void *ctx;
	int level;     /* elements open */
	int skip;      /* while a subtree is skipped, the depth of its element; else -1 */
	int empty_end; /* the next end is that of the empty element just handed on */
	int stopped;   /* the handler asked to stop */
	int broken;    /* the XML broke */
	int failed;    /* a text node grew too long, or memory ran out */
	int kind;      /* the text waiting: XML_READER_TYPE_TEXT or _CDATA, 0 for none */
	int blank;     /* the text waiting is all white space */
	size_t run;    /* its length, counted while skipping too */
	struct sila_buf text; /* the text waiting, unless skipped */
};

/* Keeps libxml2 from printing errors: a broken part is reported by sila_xml_walk. */
#if LIBXML_VERSION >= 21200
static void xml_quiet(void *arg, const xmlError *err)
#else
static void xml_quiet(void *arg, xmlErrorPtr err)
#endif
{
	(void)arg;
	(void)err;
}

/* Hands n on to the walk's handler and does what it asks. */
static void hand_on(struct walk *w, const struct sila_xml_node *n, int type)
{
	int act = w->fn(w->ctx, n, type, n->local);

	if (act == SILA_WALK_STOP) {
		w->stopped = 1;
		xmlStopParser(w->ctxt);
	} else if (act == SILA_WALK_SKIP && type == XML_READER_TYPE_ELEMENT && !n->empty) {
		w->skip = n->depth;
	}
}

/*
 * Hands on the text waiting as one node, as the reader did: its merged
 * text node, a CDATA section, or white space (which the reader called
 * significant whatever xml:space said).
 */
static void flush_text(struct walk *w)
{
	struct sila_xml_node n = { 0 };
	int kind = w->kind;

	if (!kind)
		return;
	w->kind = 0;
	w->run = 0;
	if (w->skip >= 0 || w->stopped) {
		sila_buf_reset(&w->text);
		return;
	}
	n.depth = w->level;
	n.local = kind == XML_READER_TYPE_CDATA ? "#cdata-section" : "#text";
	n.text = w->text.data ? w->text.data : "";
	n.len = w->text.len;
	n.ctxt = w->ctxt;
	if (kind == XML_READER_TYPE_TEXT && w->blank)
		kind = XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
	hand_on(w, &n, kind);
	sila_buf_reset(&w->text);
}

/*
 * Whether the walk is over: the handler stopped it, a text node grew too
 * long, or the XML broke. libxml2 goes on after some errors, but the
 * reader handed on nothing after one, and neither does the walk.
 */
static int over(struct walk *w)
{
	if (!w->ctxt->wellFormed && !w->broken) {
		w->broken = 1;
		xmlStopParser(w->ctxt);
	}
	return w->stopped || w->broken || w->failed;
}

/* Adds len bytes of text of this kind (TEXT or CDATA) to the text waiting. */
static void add_text(struct walk *w, int kind, const xmlChar *s, int len)
{
	if (over(w))
		return;
	if (w->kind != kind) {
		flush_text(w);
		w->kind = kind;
		w->blank = 1;
	}
	if (w->stopped || len <= 0)
		return;
	if ((size_t)len > TEXT_MAX - w->run) {
		w->failed = 1;
		xmlStopParser(w->ctxt);
		return;
	}
	w->run += (size_t)len;
	if (w->skip >= 0)
		return;
	for (int i = 0; w->blank && i < len; i++)
		w->blank = IS_BLANK_CH(s[i]);
	if (sila_buf_add(&w->text, s, (size_t)len) != SILA_OK) {
		w->failed = 1;
		xmlStopParser(w->ctxt);
	}
}

/*
 * The callbacks below are also called for the content of an entity, which
 * libxml2 parses in a context of its own to check it once; they leave that
 * to its tree builder, as the reader did, so that the entity is checked and
 * remembered alike.
 */
#define IN_ENTITY(w, ctx) ((void *)(w)->ctxt != (ctx))

/* An element's name as libxml2's tree names it: "prefix:local" when the prefix is bound to nothing. */
static const char *element_name(xmlParserCtxtPtr ctxt, const xmlChar *local,
				const xmlChar *prefix, const xmlChar *uri)
{
	const xmlChar *q;

	if (!prefix || uri)
		return (const char *)local;
	q = xmlDictQLookup(ctxt->dict, prefix, local);
	return (const char *)(q ? q : local);
}

/* An element's start: the text before it is handed on, then the element, unless skipped. */
static void sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
		      int nns, const xmlChar **ns, int natts, int ndefaulted, const xmlChar **atts)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct walk *w = ctxt->_private;
	struct sila_xml_node n = { 0 };
	const xmlParserInput *in = ctxt->input;

	if (IN_ENTITY(w, ctx)) {
		xmlSAX2StartElementNs(ctx, local, prefix, uri, nns, ns, natts, ndefaulted, atts);
		return;
	}
	if (over(w))
		return;
	flush_text(w);
	n.depth = w->level++;
	w->empty_end = 0;
	if (w->stopped || w->skip >= 0)
		return;
	/*
	 * The parser stands on the tag's end: "/>" for an empty element, whose
	 * end follows at once. The reader looked the same way.
	 */
	n.empty = in && in->cur && in->cur[0] == '/' && in->cur[1] == '>';
	n.local = element_name(ctxt, local, prefix, uri);
	n.uri = uri;
	n.atts = atts;
	/* Attributes defaulted by the DTD are left out, as the tree builder leaves them. */
	n.natts = ctxt->loadsubset & XML_COMPLETE_ATTRS ? natts : natts - ndefaulted;
	n.ctxt = ctxt;
	w->empty_end = n.empty;
	hand_on(w, &n, XML_READER_TYPE_ELEMENT);
}

/* An element's end: handed on, but not the end of an empty element or of a skipped one. */
static void sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct walk *w = ctxt->_private;
	struct sila_xml_node n = { 0 };

	if (IN_ENTITY(w, ctx)) {
		xmlSAX2EndElementNs(ctx, local, prefix, uri);
		return;
	}
	if (over(w))
		return;
	flush_text(w);
	n.depth = --w->level;
	if (w->stopped)
		return;
	if (w->skip >= 0) {
		if (n.depth == w->skip)
			w->skip = -1;
		return;
	}
	if (w->empty_end) {
		w->empty_end = 0;
		return;
	}
	n.local = element_name(ctxt, local, prefix, uri);
	n.uri = uri;
	n.ctxt = ctxt;
	hand_on(w, &n, XML_READER_TYPE_END_ELEMENT);
}

/* Character data and white space alike: the same callback, so libxml2 does not tell them apart. */
static void sax_characters(void *ctx, const xmlChar *s, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct walk *w = ctxt->_private;

	if (IN_ENTITY(w, ctx))
		xmlSAX2Characters(ctx, s, len);
	else
		add_text(w, XML_READER_TYPE_TEXT, s, len);
}

/* A CDATA section, or a piece of one. */
static void sax_cdata(void *ctx, const xmlChar *s, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct walk *w = ctxt->_private;

	if (IN_ENTITY(w, ctx))
		xmlSAX2CDataBlock(ctx, s, len);
	else
		add_text(w, XML_READER_TYPE_CDATA, s, len);
}

/* An entity reference: not handed on, but it ends a text node. */
static void sax_reference(void *ctx, const xmlChar *name)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct walk *w = ctxt->_private;

	if (IN_ENTITY(w, ctx))
		xmlSAX2Reference(ctx, name);
	else if (!over(w))
		flush_text(w);
}

/* A comment: not handed on, but it ends a text node. */
static void sax_comment(void *ctx, const xmlChar *value)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct walk *w = ctxt->_private;

	if (IN_ENTITY(w, ctx))
		xmlSAX2Comment(ctx, value);
	else if (!over(w))
		flush_text(w);
}

/* A processing instruction: not handed on, but it ends a text node. */
static void sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct walk *w = ctxt->_private;

	if (IN_ENTITY(w, ctx))
		xmlSAX2ProcessingInstruction(ctx, target, data);
	else if (!over(w))
		flush_text(w);
}

int sila_xml_walk(const char *xml, size_t len, const char *name, sila_xml_node_fn fn, void *ctx,
		  struct sila_text *out)
{
	xmlParserCtxtPtr ctxt;
	xmlSAXHandler sax;
	struct walk w;
	int broken;

	if (!len)
		return 0;
	ctxt = len <= INT_MAX ? xmlCreateMemoryParserCtxt(xml, (int)len) : NULL;
	if (!ctxt) {
		sila_warn_add(out->warnings, "extraction-failed", "cannot parse %s", name);
		sila_text_status(out, SILA_DOC_PARTIAL);
		return -1;
	}
	/*
	 * libxml2's own SAX2 handlers, so that the DOCTYPE, entity
	 * declarations and the checks on entities work as under the reader,
	 * with ours for the nodes: no tree is built.
	 */
	xmlSAXVersion(&sax, 2);
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_characters;
	sax.ignorableWhitespace = sax_characters;
	sax.cdataBlock = sax_cdata;
	sax.reference = sax_reference;
	sax.comment = sax_comment;
	sax.processingInstruction = sax_pi;
	sax.serror = xml_quiet;
	*ctxt->sax = sax;
	memset(&w, 0, sizeof(w));
	w.ctxt = ctxt;
	w.fn = fn;
	w.ctx = ctx;
	w.skip = -1;
	sila_buf_init(&w.text, TEXT_MAX);
	ctxt->_private = &w;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlParseDocument(ctxt);
	if (!w.stopped && !w.failed)
		flush_text(&w); /* the text before a break */
	/*
	 * After the root element the parser takes a NUL byte, or bytes its
	 * encoding cannot convert, for the end of its input and stops there
	 * without a word; the reader went on to them, and failed.
	 */
	broken = !w.stopped && (w.failed || !ctxt->wellFormed ||
				(ctxt->input && ctxt->input->cur < ctxt->input->end) ||
				(ctxt->input && ctxt->input->buf && ctxt->input->buf->error));
	xmlFreeDoc(ctxt->myDoc); /* made by the SAX2 handlers for the DOCTYPE and entities */
	ctxt->myDoc = NULL;
	xmlFreeParserCtxt(ctxt);
	sila_buf_release(&w.text);
	if (broken) {
		sila_warn_add(out->warnings, "extraction-failed", "%s is not well-formed XML", name);
		sila_text_status(out, SILA_DOC_PARTIAL);
		return -1;
	}
	return 0;
}

int sila_xml_is_text(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	       type == XML_READER_TYPE_WHITESPACE ||
	       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

const char *sila_xml_text(const struct sila_xml_node *n)
{
	return n->text ? n->text : "";
}

size_t sila_xml_text_len(const struct sila_xml_node *n)
{
	return n->len;
}

int sila_xml_empty(const struct sila_xml_node *n)
{
	return n->empty;
}

int sila_xml_depth(const struct sila_xml_node *n)
{
	return n->depth;
}

/*
 * Whether an attribute is called local: its local name, or "prefix:name"
 * when its prefix is bound to nothing, as libxml2's tree names it.
 */
static int attr_is(const xmlChar *const *a, const char *local)
{
	size_t pl;

	if (!a[1] || a[2])
		return strcmp((const char *)a[0], local) == 0;
	pl = strlen((const char *)a[1]);
	return strncmp((const char *)a[1], local, pl) == 0 && local[pl] == ':' &&
	       strcmp((const char *)a[0], local + pl + 1) == 0;
}

/*
 * An attribute's value. Without entity substitution libxml2 leaves an
 * entity reference in it as such, and writes a literal '&' as "&#38;";
 * such a value is decoded as the tree builder and the reader decoded it.
 */
static char *attr_value(xmlParserCtxtPtr ctxt, const xmlChar *v, const xmlChar *end)
{
	int len = (int)(end - v);
	xmlNodePtr list;
	xmlChar *s;

	if (!memchr(v, '&', (size_t)len))
		return (char *)xmlStrndup(v, len);
	list = xmlStringLenGetNodeList(ctxt->myDoc, v, len);
	s = xmlNodeListGetString(ctxt->myDoc, list, 1);
	xmlFreeNodeList(list);
	return (char *)s;
}

char *sila_xml_attr(const struct sila_xml_node *n, const char *local, int prefixed)
{
	for (int i = 0; i < n->natts; i++) {
		const xmlChar *const *a = n->atts + 5 * i;

		if ((a[2] != NULL) == (prefixed != 0) && attr_is(a, local))
			return attr_value(n->ctxt, a[3], a[4]);
	}
	return NULL;
}

int sila_xml_is(const struct sila_xml_node *n, const char *local, const char *want, const char *ns)
{
	return strcmp(local, want) == 0 && n->uri && strcmp((const char *)n->uri, ns) == 0;
}

/* ---- Text with waiting separators ------------------------------------------- */

void sila_flow_sep(struct sila_flow *f, enum sila_sep s)
{
	if (s > f->sep)
		f->sep = s;
}

void sila_flow_put(struct sila_flow *f, const char *s, size_t n)
{
	const struct sila_buf *b = &f->out->buf;

	if (f->stop || !n)
		return;
	if (f->sep != SILA_SEP_NONE) {
		char last = b->len ? b->data[b->len - 1] : '\f';
		char c = f->sep == SILA_SEP_TAB ? '\t' : '\n';

		f->sep = SILA_SEP_NONE;
		if (last != '\n' && last != '\f' && sila_text_add(f->out, &c, 1) != SILA_OK) {
			f->stop = 1;
			return;
		}
	}
	if (sila_text_add(f->out, s, n) != SILA_OK)
		f->stop = 1;
}

void sila_flow_puts(struct sila_flow *f, const char *s)
{
	sila_flow_put(f, s, strlen(s));
}

void sila_flow_page_break(struct sila_flow *f)
{
	const struct sila_buf *b = &f->out->buf;

	f->sep = SILA_SEP_NONE;
	if (f->stop)
		return;
	if (b->len && b->data[b->len - 1] != '\n' && b->data[b->len - 1] != '\f' &&
	    sila_text_add(f->out, "\n", 1) != SILA_OK)
		f->stop = 1;
	else if (sila_text_add(f->out, "\f", 1) != SILA_OK)
		f->stop = 1;
}

/* ---- Numbers ---------------------------------------------------------------- */

int sila_plain_number(const char *s, char *out, size_t cap)
{
	char digits[64], buf[256];
	size_t nd = 0, o = 0, lead;
	long intdigits = 0, exp = 0, pos, fend;
	int neg = 0, frac = 0;

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (nd == sizeof(digits))
				return -1;
			digits[nd++] = *s;
			intdigits += !frac;
		} else if (*s == '.' && !frac) {
			frac = 1;
		} else {
			break;
		}
	}
	if (!nd)
		return -1;
	if (*s == 'e' || *s == 'E') {
		int eneg = 0;

		s++;
		if (*s == '-' || *s == '+')
			eneg = *s++ == '-';
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++)
			if ((exp = exp * 10 + (*s - '0')) > 64)
				return -1;
		if (eneg)
			exp = -exp;
	}
	while (*s == ' ')
		s++;
	if (*s)
		return -1;
	pos = intdigits + exp; /* digits before the decimal point */
	if (neg)
		buf[o++] = '-';
	lead = o;
	for (long i = 0; i < pos; i++) {
		char c = i < (long)nd ? digits[i] : '0';

		if (o > lead || c != '0')
			buf[o++] = c;
	}
	if (o == lead)
		buf[o++] = '0';
	for (fend = (long)nd; fend > (pos > 0 ? pos : 0) && digits[fend - 1] == '0'; fend--)
		;
	if (fend > pos) {
		buf[o++] = '.';
		for (long i = pos; i < fend; i++)
			buf[o++] = i < 0 ? '0' : digits[i];
	}
	buf[o] = '\0';
	if (neg && strcmp(buf, "-0") == 0) {
		memmove(buf, buf + 1, 2);
		o--;
	}
	if (o + 1 > cap)
		return -1;
	memcpy(out, buf, o + 1);
	return 0;
}
