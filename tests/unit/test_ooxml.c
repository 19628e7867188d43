/*
 * test_ooxml.c - unit tests for the Office Open XML extractor (core/ooxml.c).
 *
 * Small DOCX, XLSX and PPTX packages are built in memory with libarchive's
 * zip writer and their extracted text, metadata, labels and pages checked
 * exactly; the samples in corpus/formats/office are read as well. Hostile
 * input: nested entities in a DOCTYPE (not expanded), an external entity
 * (not fetched), damaged and non-zip bytes, and the text cap.
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

#define DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define PPTX "application/vnd.openxmlformats-officedocument.presentationml.presentation"

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define S_NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define P_NS "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" " \
	"xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" " \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL_NS "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
#define REL_T "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

struct part {
	const char *name;
	const char *data;
};

/* A zip in memory holding the parts in this order; *len its size. free() it. */
static char *make_zip(const struct part *p, size_t n, size_t *len)
{
	size_t cap = (size_t)1 << 20, used = 0;
	char *buf = malloc(cap);
	struct archive *a = archive_write_new();

	assert_non_null(buf);
	assert_non_null(a);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
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
	char *zip = make_zip(p, n, &len);

	sila_text_init(t, cap);
	sila_extract_ooxml(zip, len, type, t);
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

/* ---- DOCX ---------------------------------------------------------------------- */

static const char pkg_rels_docx[] =
	"<Relationships " REL_NS "><Relationship Id=\"rId1\" Type=\"" REL_T "officeDocument\" "
	"Target=\"word/document.xml\"/></Relationships>";

static const char docx_body[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	"<w:document " W_NS " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "
	"xmlns:v=\"urn:schemas-microsoft-com:vml\"><w:body>"
	"<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
	"<w:r><w:t>Rubrik</w:t></w:r></w:p>"
	"<w:p><w:r><w:t xml:space=\"preserve\">A </w:t></w:r><w:r><w:tab/><w:t>B</w:t><w:br/>"
	"<w:t>C</w:t></w:r></w:p>"
	"<w:p><w:ins w:id=\"1\"><w:r><w:t>tillagt 19121212-1212</w:t></w:r></w:ins>"
	"<w:del w:id=\"2\"><w:r><w:delText> struket</w:delText></w:r></w:del></w:p>"
	"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a1</w:t></w:r></w:p></w:tc>"
	"<w:tc><w:p><w:r><w:t>b1</w:t></w:r></w:p><w:p><w:r><w:t>b1x</w:t></w:r></w:p></w:tc></w:tr>"
	"<w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>b2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
	"<w:p><w:r><w:t>före</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\">"
	"<w:drawing><w:txbxContent><w:p><w:r><w:t>i rutan</w:t></w:r></w:p></w:txbxContent>"
	"</w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r>"
	"<w:t>i rutan</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback>"
	"</mc:AlternateContent></w:r><w:r><w:t>efter</w:t></w:r></w:p>"
	"<w:p><w:r><w:instrText> PAGE </w:instrText></w:r></w:p>"
	"<w:sectPr/></w:body></w:document>";

static const char docx_body_text[] =
	"Rubrik\nA \tB\nC\ntillagt 19121212-1212 struket\na1\tb1\nb1x\nb2\nföre\ni rutan\nefter\n";

#define HDR(tag, s) "<w:" tag " " W_NS "><w:p><w:r><w:t>" s "</w:t></w:r></w:p></w:" tag ">"

static void test_docx_parts(void **state)
{
	static const struct part parts[] = {
		{ "[Content_Types].xml", "<Types/>" },
		{ "_rels/.rels", pkg_rels_docx },
		{ "word/comments.xml", "<w:comments " W_NS "><w:comment w:id=\"0\"><w:p><w:r>"
				       "<w:t>Kommentar</w:t></w:r></w:p></w:comment></w:comments>" },
		{ "word/commentsExtended.xml", HDR("commentsEx", "EXTENDED") },
		{ "word/header2.xml", HDR("hdr", "H2") },
		{ "word/footer1.xml", HDR("ftr", "F1") },
		{ "word/document.xml", docx_body },
		{ "word/header1.xml", HDR("hdr", "H1") },
		{ "word/endnotes.xml", HDR("endnotes", "Slutnot") },
		{ "word/footnotes.xml",
		  "<w:footnotes " W_NS "><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r>"
		  "<w:separator/></w:r></w:p></w:footnote><w:footnote w:id=\"1\"><w:p><w:r>"
		  "<w:footnoteRef/></w:r><w:r><w:tab/><w:t>Fotnot</w:t></w:r></w:p></w:footnote>"
		  "</w:footnotes>" },
		{ "word/glossary/document.xml", HDR("document", "GLOSSARY") },
	};
	struct sila_text t;
	char want[1024];

	(void)state;
	run_parts(&t, parts, sizeof(parts) / sizeof(parts[0]), DOCX, 1 << 20);
	snprintf(want, sizeof(want), "%sH1\nH2\nF1\nFotnot\nSlutnot\nKommentar\n", docx_body_text);
	assert_string_equal(text_of(&t), want);
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(json_array_size(t.warnings), 0);
	assert_int_equal(t.pages, 0);
	sila_text_release(&t);
}

/* Without package relationships the body is found by its usual name. */
static void test_docx_without_rels(void **state)
{
	static const struct part parts[] = {
		{ "word/document.xml", docx_body },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, 1, DOCX, 1 << 20);
	assert_string_equal(text_of(&t), docx_body_text);
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

/*
 * Nested entities are not expanded (billion laughs: libxml2 stops at them
 * and the part counts as broken), internal ones are left out rather than
 * substituted, and external ones are not fetched.
 */
static void test_docx_entities(void **state)
{
	static const struct part laughs[] = {
		{ "word/document.xml",
		  "<?xml version=\"1.0\"?>\n<!DOCTYPE w:document [\n"
		  "<!ENTITY a \"lollollollollol\">\n"
		  "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		  "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		  "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		  "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		  "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		  "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		  "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
		  "<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
		  "]>\n<w:document " W_NS "><w:body><w:p><w:r><w:t>före &i; efter</w:t></w:r></w:p>"
		  "</w:body></w:document>" },
	};
	static const struct part plain[] = {
		{ "word/document.xml",
		  "<?xml version=\"1.0\"?>\n<!DOCTYPE w:document [\n"
		  "<!ENTITY a \"EXPANDED\">\n"
		  "<!ENTITY x SYSTEM \"file:///etc/passwd\">\n"
		  "]>\n<w:document " W_NS "><w:body><w:p><w:r><w:t>före &a; efter</w:t></w:r></w:p>"
		  "<w:p><w:r><w:t>[&x;]</w:t></w:r></w:p><w:p><w:r><w:t>&amp; slut</w:t></w:r></w:p>"
		  "</w:body></w:document>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, laughs, 1, DOCX, 1 << 20);
	assert_true(t.buf.len < 256);
	assert_null(strstr(text_of(&t), "lol"));
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	sila_text_release(&t);

	run_parts(&t, plain, 1, DOCX, 1 << 20);
	assert_string_equal(text_of(&t), "före  efter\n[]\n& slut\n");
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

/* Text past the cap is cut off with limit-exceeded; extraction stops. */
static void test_docx_text_cap(void **state)
{
	static const struct part parts[] = {
		{ "word/document.xml", docx_body },
		{ "word/header1.xml", HDR("hdr", "H1") },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, 2, DOCX, 16);
	assert_int_equal(t.buf.len, 16);
	assert_memory_equal(t.buf.data, docx_body_text, 16);
	assert_true(sila_warn_has(t.warnings, "limit-exceeded"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
}

/*
 * A body too large to be kept while the zip is listed is read when needed,
 * and parts before and after it still come out in order.
 */
static void test_docx_large_part(void **state)
{
	size_t cap = (size_t)3 << 20, n;
	char *doc = malloc(cap);
	struct part parts[] = {
		{ "word/header1.xml", HDR("hdr", "H1") },
		{ "word/document.xml", doc },
		{ "word/footer1.xml", HDR("ftr", "F1") },
	};
	struct sila_text t;
	const char *s;

	(void)state;
	assert_non_null(doc);
	n = (size_t)snprintf(doc, cap, "<w:document " W_NS "><w:body>");
	for (int i = 0; n + 200 < cap - 64; i++)
		n += (size_t)snprintf(doc + n, cap - n, "<w:p><w:r><w:t>stycke %d "
				      "%0100d</w:t></w:r></w:p>", i, 0);
	snprintf(doc + n, cap - n, "<w:p><w:r><w:t>sista</w:t></w:r></w:p></w:body></w:document>");
	run_parts(&t, parts, 3, DOCX, (size_t)8 << 20);
	s = text_of(&t);
	assert_true(strncmp(s, "stycke 0 ", 9) == 0);
	assert_non_null(strstr(s, "\nsista\nH1\nF1\n"));
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
	free(doc);
}

/* Many slides, each with notes: every one on its page. */
static void test_pptx_many_slides(void **state)
{
	enum { N = 400 };
	static char names[3 * N][64], bodies[3 * N][512];
	static char pres[N * 40 + 256], rels[N * 160 + 256];
	static struct part parts[3 * N + 2];
	struct sila_text t;
	size_t np = 0, pn = 0, rn = 0;
	const char *s;

	(void)state;
	pn += (size_t)snprintf(pres + pn, sizeof(pres) - pn, "<p:presentation " P_NS "><p:sldIdLst>");
	rn += (size_t)snprintf(rels + rn, sizeof(rels) - rn, "<Relationships " REL_NS ">");
	for (int i = 1; i <= N; i++) {
		pn += (size_t)snprintf(pres + pn, sizeof(pres) - pn, "<p:sldId r:id=\"s%d\"/>", i);
		rn += (size_t)snprintf(rels + rn, sizeof(rels) - rn, "<Relationship Id=\"s%d\" Type=\""
				       REL_T "slide\" Target=\"slides/slide%d.xml\"/>", i, i);
		snprintf(names[np], sizeof(names[0]), "ppt/slides/slide%d.xml", i);
		snprintf(bodies[np], sizeof(bodies[0]), "<p:sld " P_NS "><p:cSld><p:spTree><p:sp>"
			 "<p:txBody><a:p><a:r><a:t>Bild %d</a:t></a:r></a:p></p:txBody></p:sp>"
			 "</p:spTree></p:cSld></p:sld>", i);
		np++;
		snprintf(names[np], sizeof(names[0]), "ppt/slides/_rels/slide%d.xml.rels", i);
		snprintf(bodies[np], sizeof(bodies[0]), "<Relationships " REL_NS "><Relationship "
			 "Id=\"n\" Type=\"" REL_T "notesSlide\" Target=\"../notesSlides/notesSlide%d.xml\"/>"
			 "</Relationships>", i);
		np++;
		snprintf(names[np], sizeof(names[0]), "ppt/notesSlides/notesSlide%d.xml", i);
		snprintf(bodies[np], sizeof(bodies[0]), "<p:notes " P_NS "><p:cSld><p:spTree><p:sp>"
			 "<p:txBody><a:p><a:r><a:t>Not %d</a:t></a:r></a:p></p:txBody></p:sp>"
			 "</p:spTree></p:cSld></p:notes>", i);
		np++;
	}
	snprintf(pres + pn, sizeof(pres) - pn, "</p:sldIdLst></p:presentation>");
	snprintf(rels + rn, sizeof(rels) - rn, "</Relationships>");
	for (size_t i = 0; i < np; i++)
		parts[i] = (struct part){ names[i], bodies[i] };
	parts[np++] = (struct part){ "ppt/presentation.xml", pres };
	parts[np++] = (struct part){ "ppt/_rels/presentation.xml.rels", rels };
	run_parts(&t, parts, np, PPTX, 1 << 20);
	assert_int_equal(t.pages, N);
	s = text_of(&t);
	assert_true(strncmp(s, "Bild 1\nNot 1\n\fBild 2\nNot 2\n\f", 27) == 0);
	assert_non_null(strstr(s, "\fBild 400\nNot 400\n"));
	sila_text_release(&t);
}

/* ---- Damage ------------------------------------------------------------------------ */

static void test_damaged_zip(void **state)
{
	char big[8192];
	struct part parts[] = {
		{ "word/document.xml", docx_body },
		{ "word/header1.xml", big },
	};
	struct sila_text t;
	size_t len;
	char *zip;

	(void)state;
	uint32_t x = 1;

	/* A header that compresses poorly, so that the cut falls inside it. */
	for (size_t i = 0; i < sizeof(big) - 1; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (char)('A' + (x >> 16) % 26);
	}
	big[sizeof(big) - 1] = '\0';
	zip = make_zip(parts, 2, &len);
	sila_text_init(&t, 1 << 20);
	sila_extract_ooxml(zip, len - 4096, DOCX, &t);
	assert_string_equal(text_of(&t), docx_body_text);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);

	/* Cut inside the body: nothing to read. */
	sila_text_init(&t, 1 << 20);
	sila_extract_ooxml(zip, 200, DOCX, &t);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	free(zip);
}

static void test_not_a_zip(void **state)
{
	static const char junk[] = "PK\3\4 this is not really a zip archive at all";
	static const char text[] = "just some text";
	static const struct part other[] = { { "README.txt", "no document here" } };
	struct sila_text t;

	(void)state;
	sila_text_init(&t, 1 << 20);
	sila_extract_ooxml(junk, sizeof(junk) - 1, DOCX, &t);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	assert_int_equal(t.buf.len, 0);
	sila_text_release(&t);

	sila_text_init(&t, 1 << 20);
	sila_extract_ooxml(text, sizeof(text) - 1, XLSX, &t);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);

	/* A zip, but not a document. */
	run_parts(&t, other, 1, DOCX, 1 << 20);
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
}

/* A part that is not well-formed keeps all that came before the error, to its last text. */
static void test_broken_xml(void **state)
{
	char doc[8192];
	struct part parts[] = { { "word/document.xml", doc } };
	struct sila_text t;
	size_t n;

	(void)state;
	n = (size_t)snprintf(doc, sizeof(doc), "<w:document " W_NS "><w:body>");
	for (int i = 1; i <= 60; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
				      "<w:p><w:r><w:t>stycke %d</w:t></w:r></w:p>", i);
	snprintf(doc + n, sizeof(doc) - n, "<w:p><w:r><w:t>trasig</w:r>");
	run_parts(&t, parts, 1, DOCX, 1 << 20);
	assert_true(strncmp(text_of(&t), "stycke 1\nstycke 2\nstycke 3\n", 27) == 0);
	assert_non_null(strstr(text_of(&t), "stycke 59\nstycke 60\ntrasig"));
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
}

/* ---- XLSX ------------------------------------------------------------------------------ */

static void test_xlsx(void **state)
{
	static const struct part parts[] = {
		{ "_rels/.rels", "<Relationships " REL_NS "><Relationship Id=\"rId1\" Type=\"" REL_T
				 "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>" },
		{ "xl/workbook.xml",
		  "<workbook " S_NS "><sheets><sheet name=\"Första\" sheetId=\"1\" r:id=\"rId2\"/>"
		  "<sheet name=\"Andra\" sheetId=\"2\" r:id=\"rId1\"/>"
		  "<sheet name=\"Diagram\" sheetId=\"3\" r:id=\"rId5\"/></sheets></workbook>" },
		{ "xl/_rels/workbook.xml.rels",
		  "<Relationships " REL_NS ">"
		  "<Relationship Id=\"rId1\" Type=\"" REL_T "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		  "<Relationship Id=\"rId2\" Type=\"" REL_T "worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
		  "<Relationship Id=\"rId3\" Type=\"" REL_T "sharedStrings\" Target=\"sharedStrings.xml\"/>"
		  "<Relationship Id=\"rId4\" Type=\"" REL_T "styles\" Target=\"./styles.xml\"/>"
		  "<Relationship Id=\"rId5\" Type=\"" REL_T "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
		  "</Relationships>" },
		{ "xl/worksheets/sheet1.xml",
		  "<worksheet " S_NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c>"
		  "<c r=\"B1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>" },
		{ "xl/worksheets/_rels/sheet1.xml.rels",
		  "<Relationships " REL_NS "><Relationship Id=\"rId1\" Type=\"" REL_T "comments\" "
		  "Target=\"../comments1.xml\"/></Relationships>" },
		{ "xl/comments1.xml",
		  "<comments " S_NS "><authors><author>Författare</author></authors><commentList>"
		  "<comment ref=\"A1\" authorId=\"0\"><text><r><t>Notering 19121212-1212</t></r></text>"
		  "</comment></commentList></comments>" },
		{ "xl/worksheets/sheet2.xml",
		  "<worksheet " S_NS "><sheetData>"
		  "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
		  "<row r=\"2\"><c r=\"A2\"><v>8510121236</v></c><c r=\"B2\"><v>1.98510121236E+11</v></c>"
		  "<c r=\"C2\" s=\"1\"><v>1012384</v></c></row>"
		  "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>inline</t></is></c>"
		  "<c r=\"B3\" t=\"str\"><f>A1&amp;\"x\"</f><v>formel</v></c><c r=\"C3\" t=\"b\"><v>1</v></c>"
		  "<c r=\"D3\" t=\"e\"><v>#N/A</v></c><c r=\"E3\"><v>0.25</v></c></row>"
		  "<row r=\"4\"><c r=\"A4\"><v>1.5E-3</v></c><c r=\"B4\"><v>-2.5E+2</v></c>"
		  "<c r=\"C4\" s=\"2\"><v>42</v></c><c r=\"D4\" s=\"1\"><v>12.5</v></c>"
		  "<c r=\"E4\"><v>1E+21</v></c></row>"
		  "<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\" t=\"s\"><v>1</v></c></row>"
		  "</sheetData><headerFooter><oddHeader>&amp;L&amp;\"Arial,Bold\"&amp;12KONFIDENTIELLT"
		  "&amp;R&amp;P &amp;&amp; mer</oddHeader></headerFooter></worksheet>" },
		{ "xl/sharedStrings.xml",
		  "<sst " S_NS "><si><t>Rubrik</t></si><si><r><rPr><b/></rPr><t>Fet</t></r>"
		  "<r><t xml:space=\"preserve\"> och normal</t></r><rPh><t>PHON</t></rPh></si></sst>" },
		{ "xl/styles.xml",
		  "<styleSheet " S_NS "><numFmts count=\"1\"><numFmt numFmtId=\"164\" "
		  "formatCode=\"000000\\-0000\"/></numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"164\"/>"
		  "</cellStyleXfs><cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
		  "<xf numFmtId=\"0\"/></cellXfs></styleSheet>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, sizeof(parts) / sizeof(parts[0]), XLSX, 1 << 20);
	assert_string_equal(text_of(&t),
			    "Sheet: Första\n"
			    "Rubrik\tFet och normal\n"
			    "8510121236\t198510121236\t000101-2384\n"
			    "inline\tformel\t0.25\n"
			    "0.0015\t-250\t42\t12.5\t1000000000000000000000\n"
			    "Fet och normal\n"
			    "KONFIDENTIELLT & mer\n"
			    "Sheet: Andra\n"
			    "Rubrik\n"
			    "Notering 19121212-1212\n");
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(t.pages, 0);
	sila_text_release(&t);
}

/* Without a workbook the worksheets are read by their numbered names, in numeric order. */
static void test_xlsx_without_workbook(void **state)
{
	static const struct part parts[] = {
		{ "xl/worksheets/sheet10.xml", "<worksheet " S_NS "><sheetData><row><c><v>10</v></c>"
					       "</row></sheetData></worksheet>" },
		{ "xl/worksheets/sheet2.xml", "<worksheet " S_NS "><sheetData><row><c><v>2</v></c>"
					      "</row></sheetData></worksheet>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, 2, XLSX, 1 << 20);
	assert_string_equal(text_of(&t), "2\n10\n");
	sila_text_release(&t);
}

/* ---- PPTX -------------------------------------------------------------------------------- */

static void test_pptx(void **state)
{
	static const struct part parts[] = {
		{ "_rels/.rels", "<Relationships " REL_NS "><Relationship Id=\"rId1\" Type=\"" REL_T
				 "officeDocument\" Target=\"ppt/presentation.xml\"/></Relationships>" },
		{ "ppt/presentation.xml",
		  "<p:presentation " P_NS "><p:sldIdLst><p:sldId id=\"256\" r:id=\"rId3\"/>"
		  "<p:sldId id=\"257\" r:id=\"rId2\"/><p:sldId id=\"258\" r:id=\"rId9\"/></p:sldIdLst>"
		  "</p:presentation>" },
		{ "ppt/_rels/presentation.xml.rels",
		  "<Relationships " REL_NS ">"
		  "<Relationship Id=\"rId2\" Type=\"" REL_T "slide\" Target=\"slides/slide1.xml\"/>"
		  "<Relationship Id=\"rId3\" Type=\"" REL_T "slide\" Target=\"slides/slide2.xml\"/>"
		  "<Relationship Id=\"rId9\" Type=\"" REL_T "slide\" Target=\"slides/slide3.xml\"/>"
		  "</Relationships>" },
		{ "ppt/slides/slide2.xml",
		  "<p:sld " P_NS "><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Först</a:t></a:r>"
		  "</a:p></p:txBody></p:sp><p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tr>"
		  "<a:tc><a:txBody><a:p><a:r><a:t>a</a:t></a:r></a:p></a:txBody></a:tc>"
		  "<a:tc><a:txBody><a:p><a:r><a:t>b</a:t></a:r></a:p></a:txBody></a:tc>"
		  "</a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame></p:spTree></p:cSld>"
		  "</p:sld>" },
		{ "ppt/slides/slide1.xml",
		  "<p:sld " P_NS "><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Sedan</a:t></a:r>"
		  "<a:br/><a:r><a:t>rad två</a:t></a:r></a:p><a:p><a:fld id=\"{1}\" type=\"slidenum\">"
		  "<a:t>2</a:t></a:fld></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>" },
		{ "ppt/slides/_rels/slide1.xml.rels",
		  "<Relationships " REL_NS "><Relationship Id=\"rId1\" Type=\"" REL_T "slideLayout\" "
		  "Target=\"../slideLayouts/slideLayout1.xml\"/><Relationship Id=\"rId2\" Type=\"" REL_T
		  "notesSlide\" Target=\"../notesSlides/notesSlide7.xml\"/></Relationships>" },
		{ "ppt/notesSlides/notesSlide7.xml",
		  "<p:notes " P_NS "><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r>"
		  "<a:t>Anteckning 19121212-1212</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld>"
		  "</p:notes>" },
		{ "ppt/slideLayouts/slideLayout1.xml",
		  "<p:sldLayout " P_NS "><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r>"
		  "<a:t>LAYOUT</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sldLayout>" },
		{ "ppt/slides/slide3.xml", "<p:sld " P_NS "><p:cSld><p:spTree/></p:cSld></p:sld>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, sizeof(parts) / sizeof(parts[0]), PPTX, 1 << 20);
	assert_string_equal(text_of(&t),
			    "Först\na\tb\n\fSedan\nrad två\nAnteckning 19121212-1212\n\f");
	assert_int_equal(t.pages, 3);
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

/* Without a presentation part the slides are read by their numbered names. */
static void test_pptx_without_presentation(void **state)
{
	static const struct part parts[] = {
		{ "ppt/slides/slide2.xml", "<p:sld " P_NS "><p:cSld><p:spTree><p:sp><p:txBody><a:p>"
					   "<a:r><a:t>två</a:t></a:r></a:p></p:txBody></p:sp>"
					   "</p:spTree></p:cSld></p:sld>" },
		{ "ppt/slides/slide1.xml", "<p:sld " P_NS "><p:cSld><p:spTree><p:sp><p:txBody><a:p>"
					   "<a:r><a:t>ett</a:t></a:r></a:p></p:txBody></p:sp>"
					   "</p:spTree></p:cSld></p:sld>" },
	};
	struct sila_text t;

	(void)state;
	run_parts(&t, parts, 2, PPTX, 1 << 20);
	assert_string_equal(text_of(&t), "ett\n\ftvå\n");
	assert_int_equal(t.pages, 2);
	sila_text_release(&t);
}

/* ---- Properties and labels ---------------------------------------------------------------- */

#define GUID_A "f42aa342-8706-4288-bd11-ebb85995028c"
#define GUID_B "0a1b2c3d-0000-4000-8000-000000000002"
#define GUID_C "0a1b2c3d-0000-4000-8000-000000000003"
#define PROP(pid, name, v) "<property fmtid=\"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}\" pid=\"" \
	pid "\" name=\"" name "\"><vt:lpwstr>" v "</vt:lpwstr></property>"

static const struct part props_parts[] = {
	{ "word/document.xml", "<w:document " W_NS "><w:body/></w:document>" },
	{ "docProps/core.xml",
	  "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
	  "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	  "xmlns:dcterms=\"http://purl.org/dc/terms/\"><dc:title>Titel</dc:title>"
	  "<dc:subject>Ämne</dc:subject><cp:keywords>ord</cp:keywords>"
	  "<dc:description>Om 19121212-1212</dc:description><dc:creator>Skribent</dc:creator>"
	  "<cp:lastModifiedBy>Ändrare</cp:lastModifiedBy><cp:category>Kategori</cp:category>"
	  "<dcterms:created>2026-01-01T00:00:00Z</dcterms:created></cp:coreProperties>" },
	{ "docProps/app.xml",
	  "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
	  "<Application>Word</Application><Company>Exempelby kommun</Company>"
	  "<Manager>Chef</Manager></Properties>" },
	{ "docProps/custom.xml",
	  "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" "
	  "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
	  PROP("2", "Projekt", "Alfa")
	  PROP("3", "MSIP_Label_" GUID_A "_Enabled", "true")
	  PROP("4", "MSIP_Label_" GUID_A "_Name", "Konfidentiell")
	  PROP("5", "MSIP_Label_" GUID_B "_Name", "Publik")
	  PROP("6", "MSIP_Label_" GUID_B "_Enabled", "false")
	  "<property fmtid=\"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}\" pid=\"7\" name=\"Granskad\">"
	  "<vt:bool>true</vt:bool></property></Properties>" },
	{ "docMetadata/LabelInfo.xml",
	  "<clbl:labelList xmlns:clbl=\"http://schemas.microsoft.com/office/2020/mipLabelMetadata\">"
	  "<clbl:label id=\"{" GUID_A "}\" enabled=\"1\" method=\"Standard\" removed=\"0\"/>"
	  "<clbl:label id=\"{" GUID_C "}\" enabled=\"1\" method=\"Privileged\" removed=\"0\"/>"
	  "<clbl:label id=\"{0a1b2c3d-0000-4000-8000-000000000004}\" enabled=\"0\" removed=\"0\"/>"
	  "</clbl:labelList>" },
};

static void test_properties_and_labels(void **state)
{
	struct sila_text t;
	json_t *l;

	(void)state;
	run_parts(&t, props_parts, sizeof(props_parts) / sizeof(props_parts[0]), DOCX, 1 << 20);
	assert_string_equal(meta_of(&t),
			    "title: Titel\nsubject: Ämne\nkeywords: ord\n"
			    "description: Om 19121212-1212\nauthor: Skribent\n"
			    "last-modified-by: Ändrare\ncategory: Kategori\n"
			    "company: Exempelby kommun\nmanager: Chef\n"
			    "Projekt: Alfa\n"
			    "MSIP_Label_" GUID_A "_Enabled: true\n"
			    "MSIP_Label_" GUID_A "_Name: Konfidentiell\n"
			    "MSIP_Label_" GUID_B "_Name: Publik\n"
			    "MSIP_Label_" GUID_B "_Enabled: false\n"
			    "Granskad: true\n");
	assert_int_equal(json_array_size(t.labels), 2);
	l = json_array_get(t.labels, 0);
	assert_string_equal(json_string_value(json_object_get(l, "source")), "msip");
	assert_string_equal(json_string_value(json_object_get(l, "name")), "Konfidentiell");
	assert_string_equal(json_string_value(json_object_get(l, "id")), GUID_A);
	l = json_array_get(t.labels, 1);
	assert_string_equal(json_string_value(json_object_get(l, "name")), GUID_C);
	assert_string_equal(json_string_value(json_object_get(l, "id")), GUID_C);
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
}

/* ---- The samples ----------------------------------------------------------------------------- */

/* Reads a sample file whole; free() it. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void run_sample(struct sila_text *t, const char *name, const char *type)
{
	char path[256];
	size_t len;
	char *data;

	snprintf(path, sizeof(path), "corpus/formats/office/%s", name);
	data = slurp(path, &len);
	sila_text_init(t, 1 << 20);
	sila_extract_ooxml(data, len, type, t);
	free(data);
}

static void test_samples(void **state)
{
	static const char *const docx_wants[] = {
		"20000107-2388", "medsökande 20000106-2389", "Struken uppgift: 20000106-2397",
		"Åsa Provström\t20000104-2381", "Textruta: barn 20000105-2380",
		"KONFIDENTIELLT – gäller 200001022391", "20000103-2390", "Fotnot: tidigare ärende för 20000103-2382",
		"Kommentar: kontrollera 20000104-2399"
	};
	struct sila_text t;
	const char *s;

	(void)state;
	run_sample(&t, "arende.docx", DOCX);
	for (size_t i = 0; i < sizeof(docx_wants) / sizeof(docx_wants[0]); i++)
		assert_non_null(strstr(text_of(&t), docx_wants[i]));
	s = strstr(text_of(&t), "Textruta");
	assert_null(strstr(s + 1, "Textruta")); /* the text box once, not its VML copy too */
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);

	run_sample(&t, "register.xlsx", XLSX);
	assert_non_null(strstr(text_of(&t), "Sheet: Klienter\nKONFIDENTIELLT\n"));
	assert_non_null(strstr(text_of(&t), "\t200001081975\t"));
	assert_non_null(strstr(text_of(&t), "\t000108-2387\t"));
	assert_non_null(strstr(text_of(&t), "\t200001092386\t")); /* stored as 2.00001092386E+11 */
	assert_non_null(strstr(text_of(&t), "Sheet: Logg\n"));
	assert_true(strstr(text_of(&t), "Sheet: Klienter") < strstr(text_of(&t), "Sheet: Logg"));
	sila_text_release(&t);

	run_sample(&t, "genomgang.pptx", PPTX);
	assert_int_equal(t.pages, 3);
	s = text_of(&t);
	assert_non_null(strstr(s, "\fÄrende 1\nSökande: 20000110-2391\n"));
	assert_non_null(strstr(s, "\fHEMLIG\n"));
	assert_true(strstr(s, "19121212-1212") > strrchr(s, '\f'));
	sila_text_release(&t);

	run_sample(&t, "etikett.docx", DOCX);
	assert_int_equal(json_array_size(t.labels), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(t.labels, 0), "name")),
			    "Konfidentiell");
	sila_text_release(&t);

	run_sample(&t, "trasig.docx", DOCX);
	assert_non_null(strstr(text_of(&t), "20000107-2388"));
	assert_true(sila_warn_has(t.warnings, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
}

static void test_zip_has(void **state)
{
	static const struct part parts[] = { { "xl/workbook.xml", "<workbook/>" } };
	size_t len;
	char *zip = make_zip(parts, 1, &len);

	(void)state;
	assert_true(sila_zip_has(zip, len, "xl/workbook.xml"));
	assert_false(sila_zip_has(zip, len, "word/document.xml"));
	assert_false(sila_zip_has("not a zip", 9, "xl/workbook.xml"));
	free(zip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docx_parts),
		cmocka_unit_test(test_docx_without_rels),
		cmocka_unit_test(test_docx_entities),
		cmocka_unit_test(test_docx_text_cap),
		cmocka_unit_test(test_docx_large_part),
		cmocka_unit_test(test_damaged_zip),
		cmocka_unit_test(test_not_a_zip),
		cmocka_unit_test(test_broken_xml),
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_xlsx_without_workbook),
		cmocka_unit_test(test_pptx),
		cmocka_unit_test(test_pptx_without_presentation),
		cmocka_unit_test(test_pptx_many_slides),
		cmocka_unit_test(test_properties_and_labels),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_zip_has),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
