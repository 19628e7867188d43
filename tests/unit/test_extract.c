/*
 * test_extract.c - unit tests for type detection (core/extract.c): the
 * types found without libmagic must be the ones libmagic (with the zip
 * refinement) gives, and a text passed on verbatim must be exactly what
 * sila_extract would have made of it. And one for PDF text: numbers
 * wrapped at their dash are joined again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <magic.h>

#include "buf.h"
#include "extract.h"
#include "limit.h"
#include "text.h"

static struct sila_extractor *x;
static magic_t magic;

static int setup(void **state)
{
	struct sila_limits lim;
	char err[256];

	(void)state;
	sila_limits_default(&lim);
	x = sila_extractor_new(&lim, err, sizeof(err));
	magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF |
			   MAGIC_ERROR);
	if (!x || !magic || magic_load(magic, NULL) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sila_extractor_free(x);
	magic_close(magic);
	return 0;
}

/* The type sila_extract gives the len bytes at data. */
static const char *type_of(const char *data, size_t len, char *buf, size_t n)
{
	struct sila_text t;
	const char *type;

	sila_text_init(&t, (size_t)1 << 20);
	sila_extract(x, data, len, NULL, &t, &type);
	snprintf(buf, n, "%s", type);
	sila_text_release(&t);
	return buf;
}

/* Appends a stored zip entry (local header only, as libmagic looks at them). */
static void zip_entry(struct sila_buf *b, const char *name, const char *data)
{
	unsigned char h[30] = { 'P', 'K', 3, 4, 10, 0 };
	size_t n = strlen(name), len = strlen(data);

	for (int i = 0; i < 4; i++) {
		h[18 + i] = (unsigned char)(len >> (8 * i));
		h[22 + i] = (unsigned char)(len >> (8 * i));
	}
	h[26] = (unsigned char)n;
	h[27] = (unsigned char)(n >> 8);
	sila_buf_add(b, h, sizeof(h));
	sila_buf_add(b, name, n);
	sila_buf_add(b, data, len);
}

/*
 * PDF and RTF signatures give way where libmagic's CSV test would win (a
 * comma on the first line), as libmagic itself does; HTML is named only
 * where libmagic takes it for text.
 */
static void test_signature_types(void **state)
{
	static const char *const docs[] = {
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
		"%PDF-1.4 a, b\nc, d\ne, f\n",
		"{\\rtf1\\ansi Hello\\par}\n",
		"{\\rtf1 a, b\nc, d\ne, f\n}",
		"{\\rtf1 \"quoted\nstill\"\n}",
		"<!DOCTYPE html>\n<html><body><p>hej</p></body></html>\n",
		"\xef\xbb\xbf\n  <!doctype\n HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">\n<html></html>\n",
		"<!DOCTYPE html><svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>\n",
		"<!DOCTYPE html>\n<?xml version=\"1.0\"?>\n<?php echo 1; ?>\n",
		"<!DOCTYPE html>\nFrom: a@example.se\nSubject: x\n\nhej\n",
		"<!DOCTYPE html><p>M\xe5ndag \x1b[0m \x07</p>\n",
		"<!DOCTYPE html, a\nb, c\nd, e\n",
		"<!DOCTYPE html><p>\x01</p>\n",
		"<!DOCTYPE html><p>\x7f</p>\n",
		"<!DOCTYPEhtml>\n",
		"#!/bin/sh\n<!DOCTYPE html>\n",
	};
	char got[256];

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		const char *want = magic_buffer(magic, docs[i], strlen(docs[i]));

		assert_non_null(want);
		type_of(docs[i], strlen(docs[i]), got, sizeof(got));
		/* What libmagic cannot name sila may call plain text, never HTML. */
		if (strcmp(want, "application/octet-stream") == 0)
			assert_string_not_equal(got, "text/html");
		else
			assert_string_equal(got, want);
	}
}

/*
 * Zips whose entry order decides libmagic's answer: the sniff must answer
 * as libmagic does, or leave it to libmagic.
 */
static void test_zip_types(void **state)
{
	static const char *const layouts[][5] = {
		{ "[Content_Types].xml", "_rels/.rels", "word/document.xml", NULL },
		{ "[Content_Types].xml", "word/document.xml", "xl/workbook.xml", NULL },
		{ "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "word/document.xml", NULL },
		{ "_rels/.rels", "ppt/presentation.xml", NULL },
		{ "[Content_Types].xml", "_rels/.rels", "visio/document.xml", NULL },
		{ "mimetype", "content.xml", "META-INF/manifest.xml", NULL },
	};
	char got[256], want[256];

	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct sila_buf b = SILA_BUF_INIT(0);

		for (size_t k = 0; layouts[i][k]; k++)
			zip_entry(&b, layouts[i][k],
				  strcmp(layouts[i][k], "mimetype") == 0
					  ? "application/vnd.oasis.opendocument.spreadsheet"
					  : "<x/>");
		snprintf(want, sizeof(want), "%s", magic_buffer(magic, b.data, b.len));
		type_of(b.data, b.len, got, sizeof(got));
		/* libmagic's plain zip is refined by the parts the zip holds. */
		if (strcmp(want, "application/zip") != 0)
			assert_string_equal(got, want);
		sila_buf_release(&b);
	}
}

/* Whether sila_extract gives data back unchanged, with no warning. */
static int extracts_as_itself(const char *data, size_t len)
{
	struct sila_text t;
	const char *type;
	int same;

	sila_text_init(&t, (size_t)64 << 20);
	sila_extract(x, data, len, NULL, &t, &type);
	same = t.buf.len == len && memcmp(t.buf.data, data, len) == 0 &&
	       json_array_size(t.warnings) == 0 && t.status == SILA_DOC_OK;
	sila_text_release(&t);
	return same;
}

/* sila_extract_verbatim says yes exactly when the text would be the bytes. */
static void test_verbatim(void **state)
{
	static const char line[] = "Hemlig. Personnummer 20000101-2384 för Åsa, känslig.\n";
	static const char *const heads[] = {
		"", "\xef\xbb\xbf", "<html><body>", "{\"a\": \"", "#!/bin/sh\necho ",
		"From: a@b.se\nSubject: x\n\n",
	};
	static const char *const tails[] = { "", "\xe5", "\x01\x02", "\xc3" };

	(void)state;
	for (size_t h = 0; h < sizeof(heads) / sizeof(heads[0]); h++)
		for (size_t k = 0; k < sizeof(tails) / sizeof(tails[0]); k++) {
			struct sila_buf b = SILA_BUF_INIT(0);
			const char *type;

			sila_buf_add(&b, heads[h], strlen(heads[h]));
			for (int i = 0; i < 2000; i++)
				sila_buf_add(&b, line, sizeof(line) - 1);
			sila_buf_add(&b, tails[k], strlen(tails[k]));
			if (sila_extract_verbatim(x, b.data, b.len, &type))
				assert_true(extracts_as_itself(b.data, b.len));
			/* Plain UTF-8 without a mark is the case it is for. */
			if (h == 0 && k == 0)
				assert_true(sila_extract_verbatim(x, b.data, b.len, &type));
			if (h == 1 || k == 1 || k == 3)
				assert_false(sila_extract_verbatim(x, b.data, b.len, &type));
			sila_buf_release(&b);
		}
}

/*
 * A PDF of one page whose lines are given: Helvetica text, one Tj per line.
 * The cross-reference offsets are computed, so poppler reads it as written.
 */
static void make_pdf(struct sila_buf *b, const char *const *lines, size_t n)
{
	char content[2048] = "BT /F1 12 Tf 72 760 Td 14 TL\n", obj[2600];
	size_t off[6];

	for (size_t i = 0; i < n; i++) {
		strcat(content, "(");
		strcat(content, lines[i]);
		strcat(content, ") Tj T*\n");
	}
	strcat(content, "ET\n");
	sila_buf_add(b, "%PDF-1.4\n", 9);
	for (int k = 1; k <= 5; k++) {
		off[k] = b->len;
		switch (k) {
		case 1: snprintf(obj, sizeof(obj), "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"); break;
		case 2: snprintf(obj, sizeof(obj), "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"); break;
		case 3: snprintf(obj, sizeof(obj), "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
				 "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj\n"); break;
		case 4: snprintf(obj, sizeof(obj), "4 0 obj << /Length %zu >> stream\n%sendstream endobj\n",
				 strlen(content), content); break;
		default: snprintf(obj, sizeof(obj), "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
				  "/Encoding /WinAnsiEncoding >> endobj\n");
		}
		sila_buf_add(b, obj, strlen(obj));
	}
	off[0] = b->len;
	snprintf(obj, sizeof(obj), "xref\n0 6\n0000000000 65535 f \n");
	sila_buf_add(b, obj, strlen(obj));
	for (int k = 1; k <= 5; k++) {
		snprintf(obj, sizeof(obj), "%010zu 00000 n \n", off[k]);
		sila_buf_add(b, obj, strlen(obj));
	}
	snprintf(obj, sizeof(obj), "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", off[0]);
	sila_buf_add(b, obj, strlen(obj));
}

/*
 * Numbers wrapped at their dash are whole again, every one on a page, not
 * just the first; a dash after a space is no number's and stays wrapped.
 */
static void test_pdf_wrapped_numbers(void **state)
{
	static const char *const lines[] = {
		"Personnummer 000101-", "2384 och 20000101-", "1493, samt 000101-", "2384 igen.",
		"Telefon 08-", "123 45 67 och ett bindestreck -", "2 kvar.",
	};
	struct sila_buf b = SILA_BUF_INIT(0);
	struct sila_text t;
	const char *type;
	char *text;

	(void)state;
	make_pdf(&b, lines, sizeof(lines) / sizeof(lines[0]));
	sila_text_init(&t, (size_t)1 << 20);
	sila_extract(x, b.data, b.len, NULL, &t, &type);
	assert_string_equal(type, "application/pdf");
	text = strndup(t.buf.data ? t.buf.data : "", t.buf.len);
	if (!strstr(text, "000101-2384 och 20000101-1493, samt 000101-2384 igen") ||
	    !strstr(text, "Telefon 08-123 45 67") || !strstr(text, "bindestreck -\n2 kvar"))
		fail_msg("text of the PDF: \"%s\"", text);
	free(text);
	sila_text_release(&t);
	sila_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature_types),
		cmocka_unit_test(test_zip_types),
		cmocka_unit_test(test_verbatim),
		cmocka_unit_test(test_pdf_wrapped_numbers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
