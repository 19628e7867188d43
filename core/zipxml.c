/*
 * zipxml.c - the zip, XML, text and number helpers that ooxml.c and odf.c
 * share; see zipxml.h.
 */
#include <string.h>

#include <archive.h>
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

/* A node as the handlers see it: for now the reader, standing on it. */
struct sila_xml_node {
	xmlTextReaderPtr r;
};

int sila_xml_walk(const char *xml, size_t len, const char *name, sila_xml_node_fn fn, void *ctx,
		  struct sila_text *out)
{
	struct sila_xml_node n;
	int ret, skip = -1;

	if (!len)
		return 0;
	n.r = xmlReaderForMemory(xml, (int)len, NULL, NULL,
				 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				 XML_PARSE_COMPACT);
	if (!n.r) {
		sila_warn_add(out->warnings, "extraction-failed", "cannot parse %s", name);
		sila_text_status(out, SILA_DOC_PARTIAL);
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(n.r, xml_quiet, NULL);
	while ((ret = xmlTextReaderRead(n.r)) == 1) {
		int type = xmlTextReaderNodeType(n.r), act;
		const char *local;

		if (skip >= 0) {
			if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(n.r) == skip)
				skip = -1;
			continue;
		}
		local = (const char *)xmlTextReaderConstLocalName(n.r);
		act = fn(ctx, &n, type, local ? local : "");
		if (act == SILA_WALK_STOP)
			break;
		if (act == SILA_WALK_SKIP && type == XML_READER_TYPE_ELEMENT &&
		    !xmlTextReaderIsEmptyElement(n.r))
			skip = xmlTextReaderDepth(n.r);
	}
	xmlFreeTextReader(n.r);
	if (ret < 0) {
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
	const char *v = (const char *)xmlTextReaderConstValue(n->r);

	return v ? v : "";
}

size_t sila_xml_text_len(const struct sila_xml_node *n)
{
	return strlen(sila_xml_text(n));
}

int sila_xml_empty(const struct sila_xml_node *n)
{
	return xmlTextReaderIsEmptyElement(n->r) == 1;
}

int sila_xml_depth(const struct sila_xml_node *n)
{
	return xmlTextReaderDepth(n->r);
}

char *sila_xml_attr(const struct sila_xml_node *n, const char *local, int prefixed)
{
	xmlTextReaderPtr r = n->r;
	char *v = NULL;

	if (xmlTextReaderMoveToFirstAttribute(r) != 1)
		return NULL;
	do {
		const char *l = (const char *)xmlTextReaderConstLocalName(r);

		/* The name first: the namespace lookups cost more, and most names differ. */
		if (!l || strcmp(l, local) != 0 || xmlTextReaderIsNamespaceDecl(r) == 1)
			continue;
		if ((xmlTextReaderConstNamespaceUri(r) != NULL) == (prefixed != 0)) {
			v = (char *)xmlTextReaderValue(r);
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(r) == 1);
	xmlTextReaderMoveToElement(r);
	return v;
}

int sila_xml_is(const struct sila_xml_node *n, const char *local, const char *want, const char *ns)
{
	const char *uri;

	/* The namespace is looked up only for a name that matches: most do not. */
	if (strcmp(local, want) != 0)
		return 0;
	uri = (const char *)xmlTextReaderConstNamespaceUri(n->r);
	return uri && strcmp(uri, ns) == 0;
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
