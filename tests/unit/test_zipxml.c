/*
 * test_zipxml.c - unit tests for the XML walk of core/zipxml.c.
 *
 * Each walk is written down as one line per node it hands on ("E1 a/" an
 * empty element at depth 1, "T2 text", "/1 a" an end, ...) and checked
 * exactly: empty and non-empty elements, text split by references and
 * CDATA handed on whole, skipping and stopping, attribute values with
 * references in them, namespaces, broken XML and the text cap. The walk
 * promises the nodes libxml2's streaming reader gave, so a table of
 * snippets is also walked with the reader and the two compared: a change
 * in libxml2 that the walk's emulation misses shows there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>

#include "text.h"
#include "zipxml.h"

/* What a walk handed on, one line per node, and what the handler is to do. */
struct log {
	char buf[16384];
	size_t len;
	const char *skip; /* skip elements of this local name */
	int stop_at;      /* stop at the node with this number (from 1), 0 never */
	int nodes;
	const char *attr; /* log this attribute of each element ("name" or "ns:name") */
};

/* The letter for a node type, as in the log lines. */
static char type_letter(int type)
{
	switch (type) {
	case XML_READER_TYPE_ELEMENT:
		return 'E';
	case XML_READER_TYPE_END_ELEMENT:
		return '/';
	case XML_READER_TYPE_TEXT:
		return 'T';
	case XML_READER_TYPE_CDATA:
		return 'C';
	case XML_READER_TYPE_WHITESPACE:
		return 'w';
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		return 'W';
	default:
		return '?';
	}
}

/* Appends a formatted line to the log. */
static void log_line(struct log *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(l->buf) - l->len);
	l->len += (size_t)n;
}

static int log_node(void *ctx, const struct sila_xml_node *n, int type, const char *local)
{
	struct log *l = ctx;

	l->nodes++;
	if (sila_xml_is_text(type)) {
		assert_int_equal(strlen(sila_xml_text(n)), sila_xml_text_len(n));
		log_line(l, "%c%d %s\n", type_letter(type), sila_xml_depth(n), sila_xml_text(n));
	} else {
		assert_string_equal(sila_xml_text(n), "");
		log_line(l, "%c%d %s%s", type_letter(type), sila_xml_depth(n), local,
			 sila_xml_empty(n) ? "/" : "");
		if (type == XML_READER_TYPE_ELEMENT && l->attr) {
			const char *colon = strchr(l->attr, ':');
			char *v = sila_xml_attr(n, colon ? colon + 1 : l->attr, colon != NULL);

			if (v)
				log_line(l, " [%s]", v);
			xmlFree(v);
		}
		log_line(l, "\n");
	}
	if (l->stop_at && l->nodes == l->stop_at)
		return SILA_WALK_STOP;
	if (type == XML_READER_TYPE_ELEMENT && l->skip && strcmp(local, l->skip) == 0)
		return SILA_WALK_SKIP;
	return SILA_WALK_ON;
}

/* Walks xml into l; returns what sila_xml_walk returned, and checks the warning that goes with it. */
static int walk(const char *xml, size_t len, struct log *l)
{
	struct sila_text t;
	int ret;

	sila_text_init(&t, 1 << 20);
	ret = sila_xml_walk(xml, len, "part.xml", log_node, l, &t);
	if (ret == 0) {
		assert_int_equal(t.status, SILA_DOC_OK);
		assert_false(sila_warn_has(t.warnings, "extraction-failed"));
	} else {
		assert_int_equal(ret, -1);
		assert_int_equal(t.status, SILA_DOC_PARTIAL);
		assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	}
	sila_text_release(&t);
	return ret;
}

/* Walks the string xml and checks the log against want and the return against ret. */
static void check(const char *xml, struct log *l, const char *want, int ret)
{
	assert_int_equal(walk(xml, strlen(xml), l), ret);
	l->buf[l->len] = '\0';
	assert_string_equal(l->buf, want);
}

static void test_empty_elements(void **state)
{
	struct log l = { .len = 0 };

	(void)state;
	/* <b></b> is not empty: the reader, too, gave it an end. */
	check("<r><a/><b></b><c x='1' /><d>\n</d></r>", &l,
	      "E0 r\nE1 a/\nE1 b\n/1 b\nE1 c/\nE1 d\nW2 \n\n/1 d\n/0 r\n", 0);
}

static void test_text_whole(void **state)
{
	struct log l = { .len = 0 };
	char xml[4096], want[4096];
	char run[1001];

	(void)state;
	check("<a>t&amp;u&#65;v&#x263A;<![CDATA[c1]]><![CDATA[<c2>]]>w<!--x-->y<?p q?>z</a>", &l,
	      "E0 a\nT1 t&uAv\xe2\x98\xba\nC1 c1<c2>\nT1 w\nT1 y\nT1 z\n/0 a\n", 0);
	/* An entity that is not predefined is not expanded: it ends a text node. */
	memset(&l, 0, sizeof(l));
	check("<!DOCTYPE a [<!ENTITY e 'EE'>]><a>p&e;q</a>", &l, "E0 a\nT1 p\nT1 q\n/0 a\n", 0);
	/* Longer than libxml2 hands on at once, and a cell value read whole. */
	memset(run, 'x', sizeof(run) - 1);
	run[sizeof(run) - 1] = '\0';
	snprintf(xml, sizeof(xml), "<c><v>1.98510121236E+11</v><t>%s&amp;%s</t></c>", run, run);
	snprintf(want, sizeof(want), "E0 c\nE1 v\nT2 1.98510121236E+11\n/1 v\nE1 t\nT2 %s&%s\n/1 t\n/0 c\n",
		 run, run);
	memset(&l, 0, sizeof(l));
	check(xml, &l, want, 0);
}

static void test_skip(void **state)
{
	struct log l = { .len = 0 };

	(void)state;
	/* The subtree and the end of a skipped element are not handed on; an empty one has none. */
	l.skip = "b";
	check("<a><b><c>in</c>in<b/></b>x<b/><d>y</d></a>", &l,
	      "E0 a\nE1 b\nT1 x\nE1 b/\nE1 d\nT2 y\n/1 d\n/0 a\n", 0);
}

static void test_stop(void **state)
{
	struct log l = { .len = 0 };

	(void)state;
	/* Stopped is not broken, not even when the XML breaks after the stop. */
	l.stop_at = 3;
	check("<a><b>one</b><c>two</c></a>", &l, "E0 a\nE1 b\nT2 one\n", 0);
	memset(&l, 0, sizeof(l));
	l.stop_at = 2;
	check("<a>one<b>two</b></a><broken", &l, "E0 a\nT1 one\n", 0);
}

static void test_attributes(void **state)
{
	struct log l = { .len = 0 };

	(void)state;
	/* libxml2 hands on '&' as "&#38;" without entity substitution; the value is decoded. */
	l.attr = "href";
	check("<a href='a?x=1&amp;y=2'><b href='&lt;&#38;&gt;&#x41;&apos;'/><c href=''/>"
	      "<d href='\t1\n2'/><e/></a>",
	      &l, "E0 a [a?x=1&y=2]\nE1 b/ [<&>A']\nE1 c/ []\nE1 d/ [ 1 2]\nE1 e/\n/0 a\n", 0);
	/* An entity named in a value is expanded as the reader expanded it. */
	memset(&l, 0, sizeof(l));
	l.attr = "v";
	check("<!DOCTYPE a [<!ENTITY e 'E&amp;E'>]><a v='x&e;y'/>", &l, "E0 a/ [xE&Ey]\n", 0);
	/* A name in a namespace and one in none are told apart. */
	memset(&l, 0, sizeof(l));
	l.attr = "r:id";
	check("<a xmlns:r='urn:r' id='plain' r:id='ns'><b id='plain'/></a>", &l,
	      "E0 a [ns]\nE1 b/\n/0 a\n", 0);
	memset(&l, 0, sizeof(l));
	l.attr = "id";
	check("<a xmlns:r='urn:r' r:id='ns' id='plain'/>", &l, "E0 a/ [plain]\n", 0);
	/* An attribute defaulted by the DTD is not the element's, as in the reader's tree. */
	memset(&l, 0, sizeof(l));
	l.attr = "d";
	check("<!DOCTYPE a [<!ATTLIST a d CDATA 'def'>]><a/>", &l, "E0 a/\n", 0);
}

/* A handler that checks namespaces with sila_xml_is. */
static int ns_node(void *ctx, const struct sila_xml_node *n, int type, const char *local)
{
	int *seen = ctx;

	if (type == XML_READER_TYPE_ELEMENT || type == XML_READER_TYPE_END_ELEMENT) {
		if (strcmp(local, "a") == 0)
			assert_true(sila_xml_is(n, local, "a", "urn:d"));
		else if (strcmp(local, "b") == 0)
			assert_true(sila_xml_is(n, local, "b", "urn:p"));
		else if (strcmp(local, "c") == 0)
			assert_false(sila_xml_is(n, local, "c", "urn:d"));
		else
			assert_string_equal(local, "q:d"); /* q is bound to nothing */
		assert_false(sila_xml_is(n, local, "other", "urn:d"));
		(*seen)++;
	}
	return SILA_WALK_ON;
}

static void test_namespaces(void **state)
{
	static const char xml[] = "<a xmlns='urn:d' xmlns:p='urn:p'><p:b/><c xmlns=''/><q:d/></a>";
	struct sila_text t;
	int seen = 0;

	(void)state;
	sila_text_init(&t, 1 << 20);
	assert_int_equal(sila_xml_walk(xml, strlen(xml), "ns.xml", ns_node, &seen, &t), 0);
	assert_int_equal(seen, 5);
	sila_text_release(&t);
}

/* libxml2's generic error handler, silenced. */
static void generic_quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static void test_broken(void **state)
{
	struct log l = { .len = 0 };
	struct sila_text t;
	static const char nul[] = "<a>x</a>\0\0";
	static const char utf16[] = "\xff\xfe<\0a\0/\0>\0\0\xd8" "A\0";

	(void)state;
	/* Everything before the break is handed on, the text before it too. */
	check("<a><b>kept</b>also kept &undeclared; lost</a>", &l,
	      "E0 a\nE1 b\nT2 kept\n/1 b\nT1 also kept \n", -1);
	memset(&l, 0, sizeof(l));
	check("<a><b>kept</b><c x='1'>more", &l, "E0 a\nE1 b\nT2 kept\n/1 b\nE1 c\nT2 more\n", -1);
	memset(&l, 0, sizeof(l));
	check("<a>x</a><b/>", &l, "E0 a\nT1 x\n/0 a\n", -1);
	/*
	 * After the root element libxml2 takes a NUL, or bytes its encoding
	 * cannot convert (here half a UTF-16 surrogate pair), for the end of
	 * the input; the reader did not.
	 */
	memset(&l, 0, sizeof(l));
	assert_int_equal(walk(nul, sizeof(nul) - 1, &l), -1);
	memset(&l, 0, sizeof(l));
	xmlSetGenericErrorFunc(NULL, generic_quiet); /* libxml2 prints encoding errors there */
	assert_int_equal(walk(utf16, sizeof(utf16) - 1, &l), -1);
	xmlSetGenericErrorFunc(NULL, NULL);
	l.buf[l.len] = '\0';
	assert_string_equal(l.buf, "E0 a/\n");
	/* The warning names the part. */
	sila_text_init(&t, 1 << 20);
	assert_int_equal(sila_xml_walk("<a>", 3, "word/document.xml", log_node, &l, &t), -1);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(t.warnings, 0),
								  "message")),
			       "word/document.xml is not well-formed XML"));
	sila_text_release(&t);
	/* Nothing to walk is not broken. */
	memset(&l, 0, sizeof(l));
	check("", &l, "", 0);
}

/* What the cap test saw: elements, and the longest text node. */
struct sizes {
	int elements;
	size_t longest;
};

static int size_node(void *ctx, const struct sila_xml_node *n, int type, const char *local)
{
	struct sizes *z = ctx;

	(void)local;
	if (sila_xml_is_text(type) && sila_xml_text_len(n) > z->longest)
		z->longest = sila_xml_text_len(n);
	z->elements += type == XML_READER_TYPE_ELEMENT;
	return SILA_WALK_ON;
}

static void test_text_cap(void **state)
{
	size_t cap = XML_MAX_TEXT_LENGTH;
	char *xml = malloc(cap + 64);
	struct sizes z = { 0, 0 };
	struct sila_text t;

	(void)state;
	assert_non_null(xml);
	/* A text node of the cap's length is handed on whole, a reference in it or not... */
	memcpy(xml, "<a><b>", 6);
	memset(xml + 6, 'x', cap + 4);
	memcpy(xml + 6 + cap / 2, "&#65;", 5);
	memcpy(xml + 6 + cap + 4, "</b></a>", 8);
	sila_text_init(&t, 1 << 20);
	assert_int_equal(sila_xml_walk(xml, cap + 18, "big.xml", size_node, &z, &t), 0);
	assert_int_equal(z.elements, 2);
	assert_int_equal(z.longest, cap);
	assert_int_equal(t.status, SILA_DOC_OK);
	/* ...but one byte more fails the walk as it failed the reader, after what came before. */
	memcpy(xml + 6 + cap + 4, "y</b><c/></a>", 13);
	memset(&z, 0, sizeof(z));
	assert_int_equal(sila_xml_walk(xml, cap + 23, "big.xml", size_node, &z, &t), -1);
	assert_int_equal(z.elements, 2);
	assert_int_equal(z.longest, 0);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
	free(xml);
}

/* ---- The same nodes as the reader -------------------------------------------------- */

/* Keeps libxml2's reader quiet. */
#if LIBXML_VERSION >= 21200
static void reader_quiet(void *arg, const xmlError *err)
#else
static void reader_quiet(void *arg, xmlErrorPtr err)
#endif
{
	(void)arg;
	(void)err;
}

/* Logs the nodes libxml2's reader gives for xml as log_node logs the walk's; returns 0 or -1. */
static int reader_log(const char *xml, struct log *l)
{
	xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)strlen(xml), NULL, NULL,
						XML_PARSE_NONET | XML_PARSE_NOERROR |
						XML_PARSE_NOWARNING);
	int ret;

	assert_non_null(r);
	xmlTextReaderSetStructuredErrorHandler(r, reader_quiet, NULL);
	while ((ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *local = (const char *)xmlTextReaderConstLocalName(r);
		const char *v = (const char *)xmlTextReaderConstValue(r);

		if (sila_xml_is_text(type))
			log_line(l, "%c%d %s\n", type_letter(type), xmlTextReaderDepth(r), v);
		else if (type == XML_READER_TYPE_ELEMENT || type == XML_READER_TYPE_END_ELEMENT)
			log_line(l, "%c%d %s%s\n", type_letter(type), xmlTextReaderDepth(r), local,
				 xmlTextReaderIsEmptyElement(r) == 1 ? "/" : "");
	}
	xmlFreeTextReader(r);
	return ret < 0 ? -1 : 0;
}

static void test_as_the_reader(void **state)
{
	static const char *const xml[] = {
		"<a/>",
		"<a><b/><b></b><b  /><b\n/><b x='/>'/><b x=\"/\"></b></a>",
		"<a>x<b>y<c/>z</b>  <d xml:space='preserve'> </d>\n</a>",
		"<?xml version='1.0'?><!-- c --><a><![CDATA[]]>t<![CDATA[c]]>&lt;<!--c--><?p?></a>",
		"<!DOCTYPE a [<!ENTITY e '<i>in</i>'><!ENTITY f 'F'>]><a>p&e;q&f;&f;r<b>&f;</b></a>",
		"<a xmlns='urn:d' xmlns:p='urn:p'><p:b><q:c/></p:b></a>",
		"<a>&#xD;&#x9;&#32;</a>",
		"\xef\xbb\xbf<a>bom</a>",
		"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe5\xe4\xf6</a>",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		struct log walked = { .len = 0 }, read = { .len = 0 };

		assert_int_equal(walk(xml[i], strlen(xml[i]), &walked), reader_log(xml[i], &read));
		walked.buf[walked.len] = read.buf[read.len] = '\0';
		assert_string_equal(walked.buf, read.buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_elements),
		cmocka_unit_test(test_text_whole),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_text_cap),
		cmocka_unit_test(test_as_the_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
