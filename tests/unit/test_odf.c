/*
 * test_odf.c - unit tests for the OpenDocument extractor (core/odf.c).
 *
 * Small ODT, ODS and ODP packages are built in memory with libarchive's zip
 * writer, and a flat ODT is passed as it is; their text, metadata, labels
 * and pages are checked exactly. The samples in corpus/formats/office are
 * read as well. Hostile input: encrypted parts, nested entities, damaged
 * and non-zip bytes, and the text cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "formats.h"
#include "text.h"
#include "testutil.h"

#define ODT "application/vnd.oasis.opendocument.text"
#define ODS "application/vnd.oasis.opendocument.spreadsheet"
#define ODP "application/vnd.oasis.opendocument.presentation"

#define NS "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" " \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" " \
	"xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" " \
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" " \
	"xmlns:presentation=\"urn:oasis:names:tc:opendocument:xmlns:presentation:1.0\" " \
	"xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" " \
	"xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" " \
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
#define MANIFEST_NS "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""

struct part {
	const char *name;
	const char *data;
};

/* A zip in memory holding the parts in this order; *len its size. free() it. */
static char *make_zip(const struct part *p, size_t n, const char *passphrase, size_t *len)
{
	size_t cap = (size_t)1 << 20, used = 0;
	char *buf = malloc(cap);
	struct archive *a = archive_write_new();

	assert_non_null(buf);
	assert_non_null(a);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	if (passphrase) {
		assert_int_equal(archive_write_set_options(a, "zip:encryption=zipcrypt"), ARCHIVE_OK);
		assert_int_equal(archive_write_set_passphrase(a, passphrase), ARCHIVE_OK);
	}
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t dl = strlen(p[i].data);

		archive_entry_set_pathname(e, p[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)dl);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, p[i].data, dl), (la_ssize_t)dl);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	*len = used;
	return buf;
}

/* Extracts a package built from the parts into t (text cap cap). */
static void run_parts(struct sila_text *t, const struct part *p, size_t n, const char *type,
		      size_t cap)
{
	size_t len;
	char *zip = make_zip(p, n, NULL, &len);

	sila_text_init(t, cap);
	sila_extract_odf(zip, len, type, t);
	free(zip);
}

static const char *text_of(const struct sila_text *t)
{
	return t->buf.data ? t->buf.data : "";
}

static const char *meta_of(const struct sila_text *t)
{
	return t->meta.data ? t->meta.data : "";
}

/* The name of label i, or NULL. */
static const char *label_name(const struct sila_text *t, size_t i)
{
	return json_string_value(json_object_get(json_array_get(t->labels, i), "name"));
}

/* ---- ODT ---------------------------------------------------------------------------- */

static const char manifest_plain[] =
	"<manifest:manifest " MANIFEST_NS ">"
	"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" ODT "\"/>"
	"<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
	"</manifest:manifest>";

static const char odt_content[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<office:document-content " NS "><office:automatic-styles/><office:body><office:text>"
	"<text:tracked-changes><text:changed-region text:id=\"c1\"><text:deletion>"
	"<office:change-info><dc:creator>X</dc:creator><dc:date>2026-01-01</dc:date>"
	"</office:change-info><text:p>borttaget</text:p></text:deletion></text:changed-region>"
	"</text:tracked-changes>"
	"<text:h text:outline-level=\"1\">Rubrik</text:h>"
	"<text:p>Ett<text:s text:c=\"3\"/>två<text:tab/>tre<text:line-break/>fyra "
	"<text:span>spann</text:span></text:p>"
	"<text:p>Not<text:note text:note-class=\"footnote\"><text:note-citation>1</text:note-citation>"
	"<text:note-body><text:p>fotnot</text:p></text:note-body></text:note> efter</text:p>"
	"<text:p>Kommentar<office:annotation><dc:creator>Granskare</dc:creator>"
	"<dc:date>2026-01-01T00:00:00</dc:date><text:p>anmärkning</text:p></office:annotation>"
	" här</text:p>"
	"<table:table table:name=\"T\"><table:table-row><table:table-cell><text:p>a</text:p>"
	"</table:table-cell><table:table-cell><text:p>b</text:p><text:p>b2</text:p>"
	"</table:table-cell></table:table-row><table:table-row><table:table-cell/>"
	"<table:table-cell><text:p>c</text:p></table:table-cell></table:table-row></table:table>"
	"<text:p><draw:frame><svg:title>bildtext</svg:title><draw:text-box><text:p>ruta</text:p>"
	"</draw:text-box></draw:frame>brödtext</text:p>"
	"<text:p>   mellan \n  rum   </text:p>"
	"</office:text></office:body></office:document-content>";

static const char odt_text[] =
	"borttaget\nRubrik\nEtt   två\ttre\nfyra spann\nNot\nfotnot\nefter\nKommentar\n"
	"anmärkning\nhär\na\tb\nb2\nc\nruta\nbrödtext\nmellan rum\n";

static const char odt_styles[] =
	"<office:document-styles " NS "><office:styles><style:style style:name=\"x\">"
	"<text:p>INTE STIL</text:p></style:style></office:styles><office:master-styles>"
	"<style:master-page style:name=\"Standard\"><style:header><text:p>SEKRETESS</text:p>"
	"</style:header><style:footer-left><text:p>Sida <text:page-number>3</text:page-number>"
	" av <text:page-count>9</text:page-count></text:p></style:footer-left><draw:frame>"
	"<draw:text-box><text:p>INTE RAM</text:p></draw:text-box></draw:frame></style:master-page>"
	"</office:master-styles></office:document-styles>";

static const char odt_meta[] =
	"<office:document-meta " NS "><office:meta><meta:generator>LO</meta:generator>"
	"<dc:title>Titel</dc:title><dc:subject>Ämne</dc:subject><meta:keyword>ett</meta:keyword>"
	"<meta:keyword>två</meta:keyword><dc:description>Om 19121212-1212</dc:description>"
	"<dc:creator>Skribent</dc:creator><meta:initial-creator>Först</meta:initial-creator>"
	"<meta:user-defined meta:name=\"Klassificering\">Intern</meta:user-defined>"
	"<meta:user-defined meta:name=\"Projekt\">Alfa</meta:user-defined>"
	"<meta:user-defined meta:name=\"SensitivityLabel\" meta:value-type=\"string\"> Känslig "
	"</meta:user-defined><meta:user-defined meta:name=\"SEKRETESSGRAD\"/>"
	"<meta:document-statistic meta:page-count=\"1\"/></office:meta></office:document-meta>";

static const char odt_meta_text[] =
	"title: Titel\nsubject: Ämne\nkeywords: ett\nkeywords: två\n"
	"description: Om 19121212-1212\nauthor: Skribent\ninitial-creator: Först\n"
	"Klassificering: Intern\nProjekt: Alfa\nSensitivityLabel: Känslig\n";

static void test_odt(void **state)
{
	static const struct part parts[] = {
		{ "mimetype", ODT },
		{ "content.xml", odt_content },
		{ "styles.xml", odt_styles },
		{ "meta.xml", odt_meta },
		{ "META-INF/manifest.xml", manifest_plain },
	};
	struct sila_text t;
	char want[1024];

	(void)state;
	run_parts(&t, parts, sizeof(parts) / sizeof(parts[0]), ODT, 1 << 20);
	snprintf(want, sizeof(want), "%sSEKRETESS\nSida av\n", odt_text);
	assert_string_equal(text_of(&t), want);
	assert_string_equal(meta_of(&t), odt_meta_text);
	assert_int_equal(json_array_size(t.labels), 2);
	assert_string_equal(label_name(&t, 0), "Intern");
	assert_string_equal(label_name(&t, 1), "Känslig");
	assert_string_equal(json_string_value(json_object_get(json_array_get(t.labels, 0), "source")),
			    "odf");
	assert_null(json_object_get(json_array_get(t.labels, 0), "id"));
	assert_int_equal(t.pages, 0);
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(json_array_size(t.warnings), 0);
	sila_text_release(&t);
}

/* A flat document: meta, master styles and body in one XML file. */
static void test_flat_odt(void **state)
{
	static const char fodt[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		"<office:document " NS " office:mimetype=\"" ODT "\"><office:meta>"
		"<dc:title>Platt</dc:title><meta:user-defined meta:name=\"Dokumentklassificering\">"
		"Hemlig</meta:user-defined></office:meta><office:master-styles><style:master-page>"
		"<style:footer><text:p>Sidfot</text:p></style:footer></style:master-page>"
		"</office:master-styles><office:body><office:text><text:p>Brödtext 19121212-1212</text:p>"
		"</office:text></office:body></office:document>";
	struct sila_text t;

	(void)state;
	sila_text_init(&t, 1 << 20);
	sila_extract_odf(fodt, sizeof(fodt) - 1, ODT, &t);
	assert_string_equal(text_of(&t), "Brödtext 19121212-1212\nSidfot\n");
	assert_string_equal(meta_of(&t), "title: Platt\nDokumentklassificering: Hemlig\n");
	assert_int_equal(json_array_size(t.labels), 1);
	assert_string_equal(label_name(&t, 0), "Hemlig");
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

/* ---- ODS ------------------------------------------------------------------------------ */

static void test_ods(void **state)
{
	static const struct part parts[] = {
		{ "content.xml",
		  "<office:document-content " NS "><office:body><office:spreadsheet>"
		  "<table:table table:name=\"Blad1\"><table:table-column table:number-columns-repeated=\"6\"/>"
		  "<table:table-row>"
		  "<table:table-cell office:value-type=\"float\" office:value=\"198510121236\">"
		  "<text:p>1.98510E+11</text:p></table:table-cell>"
		  "<table:table-cell office:value-type=\"float\" office:value=\"8510121236\">"
		  "<text:p>8510121236</text:p></table:table-cell>"
		  "<table:table-cell office:value-type=\"percentage\" office:value=\"0.5\">"
		  "<text:p>50 %</text:p></table:table-cell>"
		  "<table:table-cell office:value-type=\"float\" office:value=\"1.23E+5\">"
		  "<text:p>1,23E+005</text:p></table:table-cell>"
		  "<table:table-cell office:value-type=\"currency\" office:currency=\"SEK\" "
		  "office:value=\"12.5\"><text:p>12,50 kr</text:p></table:table-cell>"
		  "</table:table-row>"
		  "<table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell "
		  "table:number-columns-repeated=\"1024\"/></table:table-row>"
		  "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>text</text:p>"
		  "</table:table-cell><table:table-cell table:number-columns-repeated=\"3\"/>"
		  "<table:table-cell office:value-type=\"float\" office:value=\"42\"/>"
		  "<table:table-cell office:value-type=\"float\" office:value=\"7\"><text:p>7</text:p>"
		  "<office:annotation><dc:creator>A</dc:creator><text:p>not</text:p></office:annotation>"
		  "</table:table-cell></table:table-row></table:table>"
		  "<table:table table:name=\"Blad 2\"><table:table-row><table:table-cell>"
		  "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
		  "</office:spreadsheet></office:body></office:document-content>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, 1, ODS, 1 << 20);
	assert_string_equal(text_of(&t),
			    "Sheet: Blad1\n"
			    "198510121236\t8510121236\t50 %\t123000\t12,50 kr\n"
			    "text\t7\tnot\n"
			    "Sheet: Blad 2\n"
			    "x\n");
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

/* ---- ODP ------------------------------------------------------------------------------ */

static void test_odp(void **state)
{
	static const struct part parts[] = {
		{ "content.xml",
		  "<office:document-content " NS "><office:body><office:presentation>"
		  "<presentation:footer-decl presentation:name=\"ftr1\">  KONFIDENTIELLT  "
		  "</presentation:footer-decl>"
		  "<presentation:date-time-decl presentation:name=\"dtd1\" presentation:source=\"fixed\">"
		  "2026-01-01</presentation:date-time-decl>"
		  "<draw:page draw:name=\"s1\"><draw:frame><draw:text-box><text:p>ett</text:p>"
		  "</draw:text-box></draw:frame><presentation:notes><draw:frame><draw:text-box>"
		  "<text:p>anteckning</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>"
		  "<draw:page draw:name=\"s2\" presentation:use-footer-name=\"ftr1\">"
		  "<draw:custom-shape><text:p>två</text:p></draw:custom-shape></draw:page>"
		  "<draw:page draw:name=\"s3\" presentation:use-footer-name=\"ftr1\" "
		  "presentation:use-date-time-name=\"dtd1\"/>"
		  "</office:presentation></office:body></office:document-content>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, 1, ODP, 1 << 20);
	assert_string_equal(text_of(&t),
			    "ett\nanteckning\n\ftvå\nKONFIDENTIELLT\n\fKONFIDENTIELLT\n2026-01-01\n");
	assert_int_equal(t.pages, 3);
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

/* ---- Encryption and damage --------------------------------------------------------------- */

static void test_encrypted_manifest(void **state)
{
	static const struct part parts[] = {
		{ "mimetype", ODT },
		{ "meta.xml", odt_meta },
		{ "content.xml", "\x8f\x01 not XML, encrypted bytes" },
		{ "META-INF/manifest.xml",
		  "<manifest:manifest " MANIFEST_NS ">"
		  "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" ODT "\"/>"
		  "<manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>"
		  "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\" "
		  "manifest:size=\"1234\"><manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" "
		  "manifest:checksum=\"AAAA\"><manifest:algorithm manifest:algorithm-name=\"Blowfish CFB\" "
		  "manifest:initialisation-vector=\"AAAA\"/><manifest:key-derivation "
		  "manifest:key-derivation-name=\"PBKDF2\" manifest:iteration-count=\"1024\" "
		  "manifest:salt=\"AAAA\"/></manifest:encryption-data></manifest:file-entry>"
		  "</manifest:manifest>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, sizeof(parts) / sizeof(parts[0]), ODT, 1 << 20);
	assert_int_equal(t.buf.len, 0);
	assert_string_equal(meta_of(&t), odt_meta_text); /* meta.xml is not encrypted */
	assert_true(sila_warn_has(t.warnings, "encrypted"));
	assert_false(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
}

/* Entries encrypted in the zip itself (libarchive reports them). */
static void test_encrypted_zip(void **state)
{
	static const struct part parts[] = {
		{ "content.xml", odt_content },
		{ "META-INF/manifest.xml", manifest_plain },
	};
	struct sila_text t;
	size_t len;
	char *zip;

	(void)state;
	zip = make_zip(parts, 2, "hemligt", &len);
	sila_text_init(&t, 1 << 20);
	sila_extract_odf(zip, len, ODT, &t);
	assert_int_equal(t.buf.len, 0);
	assert_true(sila_warn_has(t.warnings, "encrypted"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	free(zip);
}

static void test_damaged(void **state)
{
	static const char junk[] = "PK\3\4 not really a zip";
	static const struct part no_content[] = { { "mimetype", ODT }, { "meta.xml", odt_meta } };
	char big[8192];
	struct part parts[] = {
		{ "content.xml", odt_content },
		{ "styles.xml", big },
	};
	struct sila_text t;
	uint32_t x = 1;
	size_t len;
	char *zip;

	(void)state;
	/* Styles that compress poorly, so that the cut falls inside them. */
	for (size_t i = 0; i < sizeof(big) - 1; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (char)('A' + (x >> 16) % 26);
	}
	big[sizeof(big) - 1] = '\0';
	zip = make_zip(parts, 2, NULL, &len);
	sila_text_init(&t, 1 << 20);
	sila_extract_odf(zip, len - 4096, ODT, &t);
	assert_string_equal(text_of(&t), odt_text);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);

	/* Cut inside the content: nothing to read. */
	sila_text_init(&t, 1 << 20);
	sila_extract_odf(zip, 120, ODT, &t);
	assert_int_equal(t.buf.len, 0);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	free(zip);

	sila_text_init(&t, 1 << 20);
	sila_extract_odf(junk, sizeof(junk) - 1, ODT, &t);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);

	/* Properties but no body: what was read is kept, the rest reported. */
	run_parts(&t, no_content, 2, ODT, 1 << 20);
	assert_string_equal(meta_of(&t), odt_meta_text);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
}

/* Nested entities are not expanded and external ones not fetched. */
static void test_entities(void **state)
{
	static const struct part laughs[] = {
		{ "content.xml",
		  "<?xml version=\"1.0\"?>\n<!DOCTYPE office:document-content [\n"
		  "<!ENTITY a \"lollollollollol\">\n"
		  "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		  "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		  "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		  "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		  "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		  "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		  "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
		  "<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
		  "]>\n<office:document-content " NS "><office:body><office:text>"
		  "<text:p>före &i; efter</text:p></office:text></office:body></office:document-content>" },
	};
	static const struct part plain[] = {
		{ "content.xml",
		  "<?xml version=\"1.0\"?>\n<!DOCTYPE office:document-content [\n"
		  "<!ENTITY a \"EXPANDED\">\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n"
		  "]>\n<office:document-content " NS "><office:body><office:text>"
		  "<text:p>före &a; efter [&x;]</text:p></office:text></office:body>"
		  "</office:document-content>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, laughs, 1, ODT, 1 << 20);
	assert_true(t.buf.len < 256);
	assert_null(strstr(text_of(&t), "lol"));
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);

	run_parts(&t, plain, 1, ODT, 1 << 20);
	assert_string_equal(text_of(&t), "före efter []\n");
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

static void test_text_cap(void **state)
{
	static const struct part parts[] = {
		{ "content.xml", odt_content },
		{ "styles.xml", odt_styles },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, 2, ODT, 20);
	assert_int_equal(t.buf.len, 20);
	assert_memory_equal(t.buf.data, odt_text, 20);
	assert_true(sila_warn_has(t.warnings, "limit-exceeded"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
}

/* ---- The samples ---------------------------------------------------------------------------- */

/* Reads and extracts a sample from corpus/formats/office. */
static void run_sample(struct sila_text *t, const char *name, const char *type)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "corpus/formats/office/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	sila_text_init(t, 1 << 20);
	sila_extract_odf(buf, (size_t)n, type, t);
	free(buf);
}

static void test_samples(void **state)
{
	struct sila_text t;
	const char *s;

	(void)state;
	run_sample(&t, "protokoll.odt", ODT);
	s = text_of(&t);
	assert_non_null(strstr(s, "§ 4 Ansökan om insats för 200001122399.\n"));
	assert_non_null(strstr(s, "Se även ärende 20000112-2381.\n"));
	assert_non_null(strstr(s, "Kommentar: jämför med 20000112-1227.\n"));
	assert_non_null(strstr(s, "SEKRETESS enligt 26 kap. 1 § OSL\n"));
	assert_non_null(strstr(s, "20000111-2382"));
	assert_null(strstr(s, "Ordförande")); /* the comment's author */
	assert_non_null(strstr(meta_of(&t), "keywords: individutskott\n"));
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);

	run_sample(&t, "klassad.odt", ODT);
	assert_int_equal(json_array_size(t.labels), 1);
	assert_string_equal(label_name(&t, 0), "Intern");
	sila_text_release(&t);

	run_sample(&t, "lista.ods", ODS);
	s = text_of(&t);
	assert_non_null(strstr(s, "Sheet: Deltagare\nKonfidentiellt\n"));
	assert_non_null(strstr(s, "Elin Provsdotter\t200001132380\n")); /* shown as 2.00001E+11 */
	assert_non_null(strstr(s, "Sheet: Tom\n"));
	sila_text_release(&t);

	run_sample(&t, "bildspel.odp", ODP);
	assert_int_equal(t.pages, 3);
	assert_string_equal(text_of(&t),
			    "Uppföljning av insatser\n"
			    "\fÄrende 20000114-2397\nInsats\tStatus\nHemtjänst\tPågår\n"
			    "\fNästa steg\nTalaranteckning: ring 20000115-2388.\nKONFIDENTIELLT\n");
	sila_text_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odt),
		cmocka_unit_test(test_flat_odt),
		cmocka_unit_test(test_ods),
		cmocka_unit_test(test_odp),
		cmocka_unit_test(test_encrypted_manifest),
		cmocka_unit_test(test_encrypted_zip),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_text_cap),
		cmocka_unit_test(test_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
