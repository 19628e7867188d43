/*
 * test_markup.c - unit tests for the HTML and XML extractors
 * (core/markup.c): what is text and what is not, line structure, entities,
 * charsets, metadata and labels, and hostile XML.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats.h"
#include "text.h"

/* Extracts len bytes of HTML (xml = 0) or XML (xml = 1) into t; returns the body text. */
static const char *extract(int xml, const char *src, size_t len, struct sila_text *t)
{
	sila_text_init(t, (size_t)1 << 20);
	if (xml)
		sila_extract_xml(src, len, t);
	else
		sila_extract_html(src, len, t);
	return t->buf.data ? t->buf.data : "";
}

/* Asserts that src yields exactly want as body text, with status ok and no warning. */
static void expect_n(int xml, const char *src, size_t len, const char *want)
{
	struct sila_text t;

	assert_string_equal(extract(xml, src, len, &t), want);
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(json_array_size(t.warnings), 0);
	sila_text_release(&t);
}

static void expect_html(const char *src, const char *want)
{
	expect_n(0, src, strlen(src), want);
}

static void expect_xml(const char *src, const char *want)
{
	expect_n(1, src, strlen(src), want);
}

static void test_html_skips_noise(void **state)
{
	struct sila_text t;
	const char *src =
		"<!DOCTYPE html><html><head><title>Beslut 19121212-1212</title>"
		"<style>p { color: red }</style><script>var hemligt = 'x';</script>"
		"<link rel=stylesheet href=x.css></head>"
		"<body><p>Hej</p><script>alert('nej')</script><style>b{}</style>"
		"<noscript>Aktivera skript</noscript><template><p>mall</p></template>"
		"<!-- en kommentar --><p>d\xc3\xa5</p></body></html>";

	(void)state;
	assert_string_equal(extract(0, src, strlen(src), &t), "Hej\nd\xc3\xa5\n");
	assert_string_equal(t.meta.data, "title: Beslut 19121212-1212\n");
	sila_text_release(&t);
}

static void test_html_entities(void **state)
{
	(void)state;
	expect_html("<p>&aring;&auml;&ouml; &#228; &#xE5; &Aring;&Auml;&Ouml; &amp;&lt;&gt;&quot;</p>",
		    "\xc3\xa5\xc3\xa4\xc3\xb6 \xc3\xa4 \xc3\xa5 \xc3\x85\xc3\x84\xc3\x96 &<>\"\n");
	/* A no-break space reads as a space. */
	expect_html("<p>19121212-1212&nbsp;&nbsp;x</p>", "19121212-1212 x\n");
}

static void test_html_blocks(void **state)
{
	(void)state;
	expect_html("<body><div>SEKRETESS</div><div>enligt <b>OSL</b> 26 kap. 1 \xc2\xa7</div>"
		    "<p>rad 1<br>rad 2</p><ul><li>ett</li><li>tv\xc3\xa5</li></ul>"
		    "<h1>Rubrik</h1>text<h2>Under</h2></body>",
		    "SEKRETESS\nenligt OSL 26 kap. 1 \xc2\xa7\nrad 1\nrad 2\nett\ntv\xc3\xa5\n"
		    "Rubrik\ntext\nUnder\n");
	expect_html("<table><tr><th>Namn</th><th>Personnummer</th></tr>"
		    "<tr><td>Test</td><td>19121212-1212</td></tr></table>",
		    "Namn\tPersonnummer\nTest\t19121212-1212\n");
	/* Whitespace collapses as a browser shows it; <pre> keeps it. */
	expect_html("<p>  Hej\n   p\xc3\xa5\tdig  </p><pre>a\n  b</pre>", "Hej p\xc3\xa5 dig\na\n  b\n");
	expect_html("<span>a</span> <span>b</span>", "a b\n");
	/* Sloppy HTML is read as browsers read it, without complaint. */
	expect_html("<p>a<p>b</div><li>c &bogus; d<b>e<table><td>f<tr><td>g</table></p></p>",
		    "a\nb\nc &bogus; de\nf\ng\n");
	/* Text after a NUL byte is not lost. */
	expect_n(0, "<p>a\0b</p>\0<p>19121212-1212</p>", 31, "a b\n19121212-1212\n");
}

static void test_html_meta_label(void **state)
{
	struct sila_text t;
	json_t *l;
	const char *src =
		"<html><head><meta charset=\"utf-8\">"
		"<meta name=\"classification\" content=\"Konfidentiell\">"
		"<meta name=\"Author\" content=\"P\xc3\xa5l\">"
		"<meta name=\"description\" content=\"Om 19121212-1212\">"
		"<meta name=\"viewport\" content=\"width=device-width\">"
		"<meta name=\"klassificering\" content=\"K2 k\xc3\xa4nslig\">"
		"</head><body>x</body></html>";

	(void)state;
	assert_string_equal(extract(0, src, strlen(src), &t), "x\n");
	assert_string_equal(t.meta.data, "classification: Konfidentiell\nauthor: P\xc3\xa5l\n"
					 "description: Om 19121212-1212\nklassificering: K2 k\xc3\xa4nslig\n");
	assert_int_equal(json_array_size(t.labels), 2);
	l = json_array_get(t.labels, 0);
	assert_string_equal(json_string_value(json_object_get(l, "source")), "html");
	assert_string_equal(json_string_value(json_object_get(l, "name")), "Konfidentiell");
	assert_null(json_object_get(l, "id"));
	l = json_array_get(t.labels, 1);
	assert_string_equal(json_string_value(json_object_get(l, "name")), "K2 k\xc3\xa4nslig");
	sila_text_release(&t);
}

static void test_html_charsets(void **state)
{
	(void)state;
	/* Declared Windows-1252: 0x96 is an en dash, 0x93 0x94 quotes. */
	expect_html("<html><head><meta charset=\"windows-1252\"></head>"
		    "<body><p>P\xe5l \x96 \x93\xc5\xc4\xd6\x94</p></body></html>",
		    "P\xc3\xa5l \xe2\x80\x93 \xe2\x80\x9c\xc3\x85\xc3\x84\xc3\x96\xe2\x80\x9d\n");
	/* ISO-8859-1 is read as Windows-1252, as browsers do. */
	expect_html("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">"
		    "<p>\xe4 \x96</p>", "\xc3\xa4 \xe2\x80\x93\n");
	/* Undeclared and not UTF-8: Windows-1252. */
	expect_html("<p>S\xf6k \xe5r</p>", "S\xc3\xb6k \xc3\xa5r\n");
	/* Saved as UTF-8 under an old declaration: UTF-8 wins. */
	expect_html("<meta charset=\"windows-1252\"><p>d\xc3\xa5</p>", "d\xc3\xa5\n");
	/* Another declared charset: ISO-8859-15 has the euro sign at 0xA4. */
	expect_html("<meta charset=iso-8859-15><p>\xa4 \xe5</p>", "\xe2\x82\xac \xc3\xa5\n");
	/* UTF-16LE with a byte order mark. */
	expect_n(0, "\xff\xfe<\0p\0>\0\xe5\0<\0/\0p\0>\0", 18, "\xc3\xa5\n");
	/* A UTF-8 byte order mark. */
	expect_html("\xef\xbb\xbf<p>\xc3\xb6</p>", "\xc3\xb6\n");
}

static void test_html_not_html(void **state)
{
	struct sila_text t;

	(void)state;
	/* Plain text still gives its text. */
	assert_string_equal(extract(0, "19121212-1212", 13, &t), "19121212-1212\n");
	sila_text_release(&t);
	extract(0, "", 0, &t);
	assert_int_equal(t.buf.len, 0);
	sila_text_release(&t);
}

static void test_xml_text(void **state)
{
	(void)state;
	expect_xml("<?xml version=\"1.0\"?>\n<register>\n  <person id=\"19121212-1212\">\n"
		   "    <namn>P\xc3\xa5l</namn>\n    <pnr>19121212-1212</pnr>\n  </person>\n"
		   "  <note><![CDATA[x < y & z]]></note>\n  <tom/>\n</register>\n",
		   "P\xc3\xa5l\n19121212-1212\nx < y & z\n");
	/* Mixed content: one line per element holding text. */
	expect_xml("<p>Personnummer <b>19121212-1212</b> finns<br/>h\xc3\xa4r</p>",
		   "Personnummer 19121212-1212\nfinns\nh\xc3\xa4r\n");
	/* Predefined entities and character references are text. */
	expect_xml("<a>&lt;&amp;&#229;&#xE4;</a>", "<&\xc3\xa5\xc3\xa4\n");
}

static void test_xml_charsets(void **state)
{
	(void)state;
	expect_xml("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>P\xe5l</a>", "P\xc3\xa5l\n");
	expect_xml("<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\xe5\x96</a>",
		   "\xc3\xa5\xe2\x80\x93\n");
	/* Undeclared and not UTF-8: read as Windows-1252. */
	expect_xml("<a>S\xf6k</a>", "S\xc3\xb6k\n");
	/* UTF-16LE with a byte order mark. */
	expect_n(1, "\xff\xfe<\0a\0>\0\xe4\0<\0/\0a\0>\0", 18, "\xc3\xa4\n");
}

static void test_xml_entity_bomb(void **state)
{
	struct sila_text t;
	clock_t start = clock();
	const char *src =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n<lolz>a&lol9;b</lolz>\n";

	(void)state;
	extract(1, src, strlen(src), &t);
	assert_true(t.buf.len < 1000);
	assert_null(strstr(t.buf.data ? t.buf.data : "", "lollol"));
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 5.0);
	sila_text_release(&t);
}

static void test_xml_no_external_entities(void **state)
{
	struct sila_text t;
	const char *src = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
			  "\"file:///etc/passwd\">]><r>a&x;b</r>";

	(void)state;
	extract(1, src, strlen(src), &t);
	assert_null(strstr(t.buf.data ? t.buf.data : "", "root:"));
	sila_text_release(&t);
}

static void test_xml_broken(void **state)
{
	struct sila_text t;
	const char *src = "<a><b>Personnummer</b>\n<c>19121212-1212</a>\n<d>efter</d>";

	(void)state;
	/* Not well-formed: the text is still scanned, as plain text. */
	extract(1, src, strlen(src), &t);
	assert_non_null(strstr(t.buf.data, "19121212-1212"));
	assert_non_null(strstr(t.buf.data, "efter"));
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);
}

/* n copies of open, then text, then n copies of close. */
static char *deep(size_t n, const char *open, const char *text, const char *close)
{
	size_t a = strlen(open), t = strlen(text), c = strlen(close);
	char *s = malloc(n * (a + c) + t + 1), *p = s;

	assert_non_null(s);
	for (size_t i = 0; i < n; i++, p += a)
		memcpy(p, open, a);
	memcpy(p, text, t);
	p += t;
	for (size_t i = 0; i < n; i++, p += c)
		memcpy(p, close, c);
	*p = '\0';
	return s;
}

static void test_deep_nesting(void **state)
{
	struct sila_text t;
	char *s;

	(void)state;
	/* As deep as libxml2 builds a tree: read whole. */
	s = deep(120, "<div><span>", "19121212-1212", "</span></div>");
	assert_string_equal(extract(0, s, strlen(s), &t), "19121212-1212\n");
	sila_text_release(&t);
	free(s);
	/* Deeper than libxml2 builds trees: the rest is scanned as plain text. */
	s = deep(30000, "<div><span>", "19121212-1212", "</span></div>");
	assert_non_null(strstr(extract(0, s, strlen(s), &t), "19121212-1212"));
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);
	free(s);
	/* libxml2 refuses XML nested past its limit; the text is still scanned. */
	s = deep(100000, "<a>", "19121212-1212", "</a>");
	assert_non_null(strstr(extract(1, s, strlen(s), &t), "19121212-1212"));
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);
	free(s);
}

static void test_text_cap(void **state)
{
	struct sila_text t;
	char *s = malloc(10000 * 8 + 1);

	(void)state;
	assert_non_null(s);
	for (size_t i = 0; i < 10000; i++)
		memcpy(s + 8 * i, "<p>x</p>", 8);
	s[80000] = '\0';
	sila_text_init(&t, 100);
	sila_extract_html(s, strlen(s), &t);
	assert_int_equal(t.buf.len, 100);
	assert_true(sila_warn_has(t.warnings, "limit-exceeded"));
	sila_text_release(&t);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_skips_noise),
		cmocka_unit_test(test_html_entities),
		cmocka_unit_test(test_html_blocks),
		cmocka_unit_test(test_html_meta_label),
		cmocka_unit_test(test_html_charsets),
		cmocka_unit_test(test_html_not_html),
		cmocka_unit_test(test_xml_text),
		cmocka_unit_test(test_xml_charsets),
		cmocka_unit_test(test_xml_entity_bomb),
		cmocka_unit_test(test_xml_no_external_entities),
		cmocka_unit_test(test_xml_broken),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_text_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
