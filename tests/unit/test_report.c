/*
 * test_report.c - unit tests for core/report.c: the aggregation behind
 * sila-report (levels per folder, the tree from paths with and without
 * archive members, the bounded tables), HTML escaping, and that finding
 * values never reach the page.
 *
 * Input lines are written by hand in the shape of sila's output (README,
 * "Output"); the identity numbers in them are Skatteverket's test
 * personnummer and the public test identity 19121212-1212.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "report.h"
#include "status.h"

#define LEAK "{\"code\":\"unmarked-personal-data\",\"message\":\"personal data in a document " \
	     "that bears no confidentiality marking\"}"
#define TRACE "\"trace\":{\"version\":\"sila 0.1.0\",\"rules\":\"ab12\",\"scanned\":" \
	      "\"2026-11-29T12:00:00Z\",\"policy\":\"cd34\"}"

/* Adds a line that must be taken. */
static void add(struct sila_report *r, const char *line)
{
	char err[256] = "";
	int st = sila_report_add_line(r, NULL, 1, line, strlen(line), err, sizeof(err));

	if (st != SILA_OK)
		fail_msg("line not taken (%s): %s", err, line);
}

/*
 * Adds a document at path (with members, a NULL-terminated list, or NULL)
 * and level, with tags, findings and warnings as JSON array text.
 */
static void add_doc(struct sila_report *r, const char *path, const char *const *member,
		    int level, const char *tags, const char *findings, const char *warnings)
{
	char line[4096], mem[1024] = "";
	size_t n = 0;

	if (member && member[0]) {
		n += (size_t)snprintf(mem + n, sizeof(mem) - n, "\"member\":[");
		for (const char *const *m = member; *m; m++)
			n += (size_t)snprintf(mem + n, sizeof(mem) - n, "%s\"%s\"",
					      m == member ? "" : ",", *m);
		snprintf(mem + n, sizeof(mem) - n, "],");
	}
	snprintf(line, sizeof(line),
		 "{\"path\":\"%s\",%s\"type\":\"text/plain\",\"size\":1,\"sha256\":\"00\","
		 "\"status\":\"ok\",\"level\":%d,\"label\":\"K%d label\",\"tags\":%s,"
		 "\"findings\":%s,\"warnings\":%s," TRACE "}",
		 path, mem, level, level, tags ? tags : "[]", findings ? findings : "[]",
		 warnings ? warnings : "[]");
	add(r, line);
}

/* The page for r as a string; free() it. */
static char *render(const struct sila_report *r, const char *title)
{
	struct sila_report_page page = { title, "2026-11-29 12:00 UTC", "sila-report test" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(sila_report_write_html(r, f, &page), SILA_OK);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
}

/* sila_html_escape of n bytes at s, as a string; free() it. */
static char *escape(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	sila_html_escape(f, s, n);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static struct sila_report_counts node(const struct sila_report *r, const char *path)
{
	struct sila_report_counts c;

	if (sila_report_node(r, path, &c) != 0)
		fail_msg("no tree node '%s'", path);
	return c;
}

static unsigned long long sum(const unsigned long long *v)
{
	unsigned long long s = 0;

	for (int l = 0; l < SILA_REPORT_LEVELS; l++)
		s += v[l];
	return s;
}

/* Files on disk are counted in their folder and every folder above it. */
static void test_levels_per_folder(void **state)
{
	struct sila_report *r = sila_report_new(NULL);
	struct sila_report_counts c;

	(void)state;
	assert_non_null(r);
	add_doc(r, "share/a/x.txt", NULL, 2, NULL, NULL, NULL);
	add_doc(r, "share/a/y.txt", NULL, 0, NULL, NULL, NULL);
	add_doc(r, "share/a/b/z.txt", NULL, 4, NULL, NULL, NULL);
	add_doc(r, "share/w.txt", NULL, 1, NULL, NULL, NULL);
	add_doc(r, "top.txt", NULL, 3, NULL, NULL, NULL);

	c = node(r, "");
	assert_int_equal(sum(c.files), 5);
	assert_int_equal(sum(c.members), 0);
	assert_int_equal(c.max_level, 4);
	c = node(r, "share");
	assert_int_equal(sum(c.files), 4);
	assert_int_equal(c.files[1], 1);
	assert_int_equal(c.files[3], 0);
	assert_int_equal(c.max_level, 4);
	assert_int_equal(c.kind, SILA_REPORT_FOLDER);
	c = node(r, "share/a");
	assert_int_equal(c.files[0], 1);
	assert_int_equal(c.files[2], 1);
	assert_int_equal(c.files[4], 1);
	assert_int_equal(c.max_level, 4);
	c = node(r, "share/a/b");
	assert_int_equal(sum(c.files), 1);
	assert_int_equal(c.max_level, 4);
	/* Files are counted, not made nodes. */
	assert_int_equal(sila_report_node(r, "share/a/x.txt", &c), -1);
	assert_int_equal(sila_report_node(r, "top.txt", &c), -1);
	assert_int_equal(sila_report_nodes(r), 3);
	assert_int_equal(sila_report_documents(r), 5);
	assert_string_equal(sila_report_label(r, 2), "K2 label");
	sila_report_free(r);
}

/*
 * "./", "//" and a leading "/" do not make folders of their own, but "/" is
 * the root of absolute paths.
 */
static void test_path_forms(void **state)
{
	struct sila_report *r = sila_report_new(NULL);
	struct sila_report_counts c;

	(void)state;
	add_doc(r, "./d//e/./f.txt", NULL, 2, NULL, NULL, NULL);
	add_doc(r, "d/e/g.txt", NULL, 1, NULL, NULL, NULL);
	add_doc(r, "/srv/share/h.txt", NULL, 0, NULL, NULL, NULL);
	c = node(r, "d/e");
	assert_int_equal(sum(c.files), 2);
	assert_int_equal(c.max_level, 2);
	c = node(r, "/");
	assert_int_equal(sum(c.files), 1);
	c = node(r, "/srv/share");
	assert_int_equal(c.files[0], 1);
	assert_int_equal(c.max_level, 0);
	assert_int_equal(sila_report_node(r, "srv", &c), -1);
	assert_int_equal(sila_report_nodes(r), 5); /* d, d/e, /, /srv, /srv/share */
	sila_report_free(r);
}

/*
 * Archive members are counted under their container, which is a node in
 * its folder; folders and archives inside it are nodes below it. The
 * container itself is a file in its folder.
 */
static void test_members_under_container(void **state)
{
	static const char *const m1[] = { "handlingar/a.txt", NULL };
	static const char *const m2[] = { "handlingar/inre.zip", "k.txt", NULL };
	static const char *const m3[] = { "handlingar/inre.zip", NULL };
	struct sila_report *r = sila_report_new(NULL);
	struct sila_report_counts c;
	char *html;

	(void)state;
	add_doc(r, "corpus/paket.tar.gz", m1, 2, NULL, NULL, "[" LEAK "]");
	add_doc(r, "corpus/paket.tar.gz", m2, 4, NULL, NULL, NULL);
	add(r, "{\"path\":\"corpus/paket.tar.gz\",\"member\":[\"handlingar/inre.zip\"],"
	       "\"status\":\"ok\",\"level\":4,\"label\":\"K4\",\"container\":\"zip\"}");
	(void)m3;
	add(r, "{\"path\":\"corpus/paket.tar.gz\",\"status\":\"ok\",\"level\":4,"
	       "\"container\":\"gzip\",\"members\":3}");
	add_doc(r, "corpus/ren.txt", NULL, 0, NULL, NULL, NULL);

	/* The folder counts its files on disk: the container and ren.txt. */
	c = node(r, "corpus");
	assert_int_equal(c.files[4], 1);
	assert_int_equal(c.files[0], 1);
	assert_int_equal(sum(c.files), 2);
	assert_int_equal(sum(c.members), 3);
	assert_int_equal(c.leaks, 1);
	assert_int_equal(c.kind, SILA_REPORT_FOLDER);
	/* The container's node counts its members, at every depth. */
	c = node(r, "corpus/paket.tar.gz");
	assert_int_equal(c.kind, SILA_REPORT_ARCHIVE);
	assert_int_equal(sum(c.files), 0);
	assert_int_equal(c.members[2], 1);
	assert_int_equal(c.members[4], 2);
	assert_int_equal(c.max_level, 4);
	c = node(r, "corpus/paket.tar.gz/handlingar");
	assert_int_equal(c.kind, SILA_REPORT_FOLDER);
	assert_int_equal(sum(c.members), 3);
	c = node(r, "corpus/paket.tar.gz/handlingar/inre.zip");
	assert_int_equal(c.kind, SILA_REPORT_ARCHIVE);
	assert_int_equal(c.members[4], 1);
	assert_int_equal(sum(c.members), 1);
	/* Member files are not nodes, nor are files on disk. */
	assert_int_equal(sila_report_node(r, "corpus/paket.tar.gz/handlingar/a.txt", &c), -1);
	assert_int_equal(sila_report_node(r, "corpus/ren.txt", &c), -1);
	assert_int_equal(sila_report_nodes(r), 4);

	/* The page names the archives' formats and joins member paths with " › ". */
	html = render(r, NULL);
	assert_non_null(strstr(html, "paket.tar.gz <small>gzip</small>"));
	assert_non_null(strstr(html, "inre.zip <small>zip</small>"));
	assert_non_null(strstr(html, "corpus/paket.tar.gz \xe2\x80\xba handlingar/a.txt"));
	free(html);
	sila_report_free(r);
}

/* Totals per level, tag, warning code and the tables a document goes into. */
static void test_totals_and_tables(void **state)
{
	static const char *const m[] = { "x.pdf", NULL };
	struct sila_report *r = sila_report_new(NULL);
	size_t kept;

	(void)state;
	add_doc(r, "a/1.txt", NULL, 2, "[\"personal-data\"]",
		"[{\"rule\":\"se.personnummer\",\"value\":\"19121212-****\",\"count\":3}]",
		"[" LEAK "]");
	add_doc(r, "a/2.zip", m, 2, "[\"personal-data\",\"marked-confidential\"]", NULL, NULL);
	add_doc(r, "a/2.zip", NULL, 2, "[\"personal-data\",\"marked-confidential\"]", NULL, NULL);
	add_doc(r, "a/3.pdf", NULL, 0, NULL, NULL,
		"[{\"code\":\"encrypted\",\"message\":\"PDF needs a password to open\"}]");
	add(r, "{\"path\":\"a/4.bin\",\"status\":\"unscannable\",\"level\":0,\"warnings\":"
	       "[{\"code\":\"unsupported-type\",\"message\":\"no text extractor\"}]}");
	add(r, "{\"path\":\"a/5.txt\",\"status\":\"partial\",\"level\":1,\"warnings\":"
	       "[{\"code\":\"limit-exceeded\",\"message\":\"max-text\"},"
	       "{\"code\":\"extraction-failed\",\"message\":\"cut\"}]}");
	add(r, "{\"path\":\"a/6\",\"status\":\"error\",\"level\":0,\"warnings\":"
	       "[{\"code\":\"read-failed\",\"message\":\"Permission denied\"}]}");
	add(r, "{\"path\":\"a/7.zip\",\"status\":\"partial\",\"level\":0,\"warnings\":"
	       "[{\"code\":\"partial-members\",\"message\":\"not scanned whole\"}]}");

	assert_int_equal(sila_report_tag(r, "personal-data"), 3);
	assert_int_equal(sila_report_tag(r, "marked-confidential"), 2);
	assert_int_equal(sila_report_tag(r, "nosuch"), 0);
	assert_int_equal(sila_report_code(r, "unmarked-personal-data"), 1);
	assert_int_equal(sila_report_table_total(r, SILA_REPORT_LEAK, &kept), 1);
	assert_int_equal(kept, 1);
	assert_int_equal(sila_report_table_total(r, SILA_REPORT_ENCRYPTED, NULL), 1);
	assert_int_equal(sila_report_table_total(r, SILA_REPORT_LIMIT, NULL), 1);
	assert_int_equal(sila_report_table_total(r, SILA_REPORT_EXTRACTION, NULL), 1);
	assert_int_equal(sila_report_table_total(r, SILA_REPORT_UNSCANNABLE, NULL), 2);
	/* Only 7.zip is in no other table. */
	assert_int_equal(sila_report_table_total(r, SILA_REPORT_OTHER, NULL), 1);
	{
		struct sila_report_counts c = node(r, "a");

		assert_int_equal(c.files[2], 2);
		assert_int_equal(c.members[2], 1);
		assert_int_equal(c.files[0], 4);
		assert_int_equal(c.files[1], 1);
		assert_int_equal(c.bad, 2);
		assert_int_equal(c.leaks, 1);
	}
	/* A level the input gave no label for is named by its number. */
	assert_string_equal(sila_report_label(r, 3), "K3");
	sila_report_free(r);
}

/* Tables keep the documents at the highest levels, first come first, and count the rest. */
static void test_bounded_tables(void **state)
{
	struct sila_report_limits lim = { 0, 0, 2, 0 };
	struct sila_report *r = sila_report_new(&lim);
	static const int levels[] = { 2, 3, 2, 4, 2, 3 };
	char path[64], *html, *p4, *p3;
	size_t kept;

	(void)state;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		snprintf(path, sizeof(path), "d/doc-%zu.txt", i);
		add_doc(r, path, NULL, levels[i], NULL, NULL, "[" LEAK "]");
	}
	assert_int_equal(sila_report_table_total(r, SILA_REPORT_LEAK, &kept), 6);
	assert_int_equal(kept, 2);
	html = render(r, NULL);
	p4 = strstr(html, "d/doc-3.txt");
	p3 = strstr(html, "d/doc-1.txt");
	assert_non_null(p4);
	assert_non_null(p3);
	assert_true(p4 < p3);
	assert_null(strstr(html, "d/doc-5.txt")); /* level 3 too, but later */
	assert_null(strstr(html, "d/doc-0.txt"));
	assert_non_null(strstr(html, "Showing the 2 at the highest levels; 4 more are not shown."));
	free(html);
	sila_report_free(r);
}

/* Past the cap on nodes a document is counted in the deepest folder that exists. */
static void test_bounded_tree(void **state)
{
	struct sila_report_limits lim = { 3, 4, 0, 0 };
	struct sila_report *r = sila_report_new(&lim);
	struct sila_report_counts c;
	char path[64], *html;

	(void)state;
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "top/f%d/x.txt", i);
		add_doc(r, path, NULL, i % 5, NULL, NULL, NULL);
	}
	/* This one stops at f0: the tree is full. */
	add_doc(r, "top/f0/a/b/c/d/e/deep.txt", NULL, 4, NULL, NULL, NULL);
	assert_int_equal(sila_report_nodes(r), 3);
	c = node(r, "top/f0");
	assert_int_equal(c.files[4], 1);
	c = node(r, "");
	assert_int_equal(sum(c.files), 101);
	c = node(r, "top");
	assert_int_equal(sum(c.files), 101);
	c = node(r, "top/f1");
	assert_int_equal(sum(c.files), 1);
	assert_int_equal(sila_report_node(r, "top/f2", &c), -1);
	html = render(r, NULL);
	assert_non_null(strstr(html, "99 documents are counted in a folder above their own"));
	free(html);
	sila_report_free(r);

	/* Past the cap on depth, likewise. */
	lim.max_nodes = 0;
	r = sila_report_new(&lim);
	add_doc(r, "a/b/c/d/e/f/g.txt", NULL, 3, NULL, NULL, NULL);
	assert_int_equal(sila_report_nodes(r), 4);
	c = node(r, "a/b/c/d");
	assert_int_equal(c.files[3], 1);
	assert_int_equal(sila_report_node(r, "a/b/c/d/e", &c), -1);
	sila_report_free(r);
}

/* Escaping of markup, quotes, controls, bidirectional controls and bytes that are not UTF-8. */
static void test_escaping(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
		{ "<a href=\"x\">&'", 14, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;" },
		{ "a\nb\tc\r", 6, "a\xe2\x90\x8a" "b\xe2\x90\x89" "c\xe2\x90\x8d" },
		{ "x\0y", 3, "x\xe2\x90\x80y" },
		{ "\x7f", 1, "\xe2\x90\xa1" },
		{ "bad\xff\xfe.txt", 9, "bad\xef\xbf\xbd\xef\xbf\xbd.txt" },
		{ "\xe2\x82", 2, "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },          /* an overlong '/' */
		{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* a surrogate */
		{ "c1\xc2\x85", 4, "c1\xef\xbf\xbd" },
		{ "inv\xe2\x80\xaetxt.exe", 13, "inv&lt;U+202E&gt;txt.exe" },
		{ "\xe2\x81\xa6", 3, "&lt;U+2066&gt;" },
		{ "r\xc3\xa4ksm\xc3\xb6rg\xc3\xa5s \xe2\x80\xba \xf0\x9f\x93\x84", 22,
		  "r\xc3\xa4ksm\xc3\xb6rg\xc3\xa5s \xe2\x80\xba \xf0\x9f\x93\x84" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = escape(cases[i].in, cases[i].n);
		int same = strcmp(got, cases[i].out) == 0;

		if (!same)
			fprintf(stderr, "case %zu: got '%s'\n", i, got);
		free(got);
		assert_true(same);
	}
}

/* Strings from the input reach the page escaped: paths, labels, tags, messages, the title. */
static void test_page_escaped(void **state)
{
	struct sila_report *r = sila_report_new(NULL);
	static const char line[] =
		"{\"path\":\"d/<script>alert(1)</script>\\n\xff&.txt\",\"status\":\"ok\","
		"\"level\":2,\"label\":\"K2 <b>\",\"tags\":[\"<i>tag\"],"
		"\"findings\":[{\"rule\":\"<u>rule\",\"count\":1}],"
		"\"warnings\":[{\"code\":\"unmarked-personal-data\",\"message\":\"<img src=x>\"}]}";
	static char longline[7000];
	char err[256], *html;

	(void)state;
	assert_int_equal(sila_report_add_line(r, NULL, 1, line, sizeof(line) - 1, err,
					      sizeof(err)), SILA_OK);
	/* A very long name is cut, at a character boundary, and marked with "…". */
	memcpy(longline, "{\"path\":\"", 9);
	for (size_t i = 0; i < 3000; i++)
		memcpy(longline + 9 + 2 * i, "\xc3\xa4", 2);
	snprintf(longline + 6009, sizeof(longline) - 6009,
		 "\",\"level\":3,\"warnings\":[" LEAK "]}");
	add(r, longline);
	html = render(r, "Q1 <script>\"&\"");
	assert_true(sila_utf8_valid(html, strlen(html)));
	assert_non_null(strstr(html, "\xc3\xa4\xc3\xa4\xe2\x80\xa6</td>"));
	assert_null(strstr(html, "<script>alert"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<u>"));
	assert_null(strstr(html, "<i>tag"));
	assert_null(strstr(html, "K2 <b>"));
	assert_null(strstr(html, "<script>\""));
	assert_non_null(strstr(html, "<title>Q1 &lt;script&gt;&quot;&amp;&quot;</title>"));
	/* The newline shows as U+240A, the stray byte as U+FFFD. */
	assert_non_null(strstr(html, "d/&lt;script&gt;alert(1)&lt;/script&gt;\xe2\x90\x8a"
				     "\xef\xbf\xbd&amp;.txt"));
	assert_non_null(strstr(html, "&lt;img src=x&gt;"));
	assert_non_null(strstr(html, "1 line held bytes that are not UTF-8"));
	/* The only <script> is the page's own. */
	assert_non_null(strstr(html, "<script>(function(){"));
	assert_null(strstr(strstr(html, "<script>(function(){") + 1, "<script"));
	assert_ptr_equal(strstr(html, "<script"), strstr(html, "<script>(function(){"));
	free(html);
	sila_report_free(r);
}

/* Values found are never shown, even from --reveal output: only rule names and counts. */
static void test_values_masked(void **state)
{
	struct sila_report *r = sila_report_new(NULL);
	static const char *const forms[] = {
		"19121212-1212", "191212121212", "1212121212", "121212-1212",
		"20000101-2384", "200001012384", "SECRETVALUE",
	};
	char *html;

	(void)state;
	add_doc(r, "hr/lista.txt", NULL, 2, "[\"personal-data\"]",
		"[{\"rule\":\"se.personnummer\",\"value\":\"19121212-1212\",\"count\":2,"
		"\"confidence\":\"high\",\"offset\":3},"
		"{\"rule\":\"se.personnummer\",\"value\":\"20000101-2384\",\"count\":1,"
		"\"confidence\":\"high\",\"page\":2,\"offset\":40},"
		"{\"rule\":\"marker.x\",\"value\":\"SECRETVALUE\",\"count\":1}]",
		"[" LEAK "]");
	html = render(r, NULL);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strstr(html, forms[i]))
			fail_msg("the page shows the value %s", forms[i]);
	assert_non_null(strstr(html, "<code>se.personnummer</code> \xc3\x97" "3</p>"
				     "<p><code>marker.x</code> \xc3\x97" "1</p>"));
	assert_null(strstr(html, "1212"));
	assert_null(strstr(html, "2384"));
	free(html);
	sila_report_free(r);
}

/* Malformed lines are counted and described, without quoting them; blank lines are skipped. */
static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"not json 19121212-1212",
		"{\"path\":\"x\",\"level\":2",
		"[1,2]",
		"{\"level\":2}",
		"{\"path\":\"x\",\"level\":7}",
		"{\"path\":\"x\",\"level\":\"2\"}",
		"{\"path\":\"x\",\"level\":1,\"member\":\"a\"}",
		"{\"path\":\"x\",\"level\":1,\"member\":[1]}",
	};
	static const char *const why[] = {
		"invalid JSON", "invalid JSON", "not a JSON object", "no \"path\" string",
		"no \"level\" from 0 to 4", "no \"level\" from 0 to 4",
		"\"member\" is not an array of names", "\"member\" is not an array of names",
	};
	struct sila_report *r = sila_report_new(NULL);
	char err[256], *html;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(sila_report_add_line(r, NULL, i + 1, bad[i], strlen(bad[i]), err,
						      sizeof(err)), SILA_WARN);
		if (!strstr(err, why[i]))
			fail_msg("line %zu: reason '%s', expected '%s'", i + 1, err, why[i]);
		assert_null(strstr(err, "1212"));
	}
	assert_int_equal(sila_report_add_line(r, NULL, 20, "  \r", 3, err, sizeof(err)), SILA_OK);
	assert_int_equal(sila_report_add_line(r, NULL, 21, "", 0, err, sizeof(err)), SILA_OK);
	assert_int_equal(sila_report_add_problem(r, "big.jsonl", 22, "line longer than 64 MiB"),
			 SILA_OK);
	add_doc(r, "ok.txt", NULL, 0, NULL, NULL, NULL);
	assert_int_equal(sila_report_malformed(r), 9);
	assert_int_equal(sila_report_lines(r), 9);
	assert_int_equal(sila_report_documents(r), 1);
	html = render(r, NULL);
	assert_non_null(strstr(html, "<li>line 1: invalid JSON at column"));
	assert_non_null(strstr(html, "<li>line 3: not a JSON object</li>"));
	assert_non_null(strstr(html, "<li>big.jsonl: line 22: line longer than 64 MiB</li>"));
	assert_null(strstr(html, "1212"));
	free(html);
	sila_report_free(r);
}

/* An empty report is a whole page that says so. */
static void test_empty(void **state)
{
	struct sila_report *r = sila_report_new(NULL);
	char *html;

	(void)state;
	assert_int_equal(sila_report_add_input(r, "standard input", NULL), SILA_OK);
	assert_int_equal(sila_report_add_input(r, "gone.jsonl", "No such file or directory"),
			 SILA_OK);
	html = render(r, NULL);
	assert_non_null(strstr(html, "<!DOCTYPE html>"));
	assert_non_null(strstr(html, "<title>sila report</title>"));
	assert_non_null(strstr(html, "</html>\n"));
	assert_non_null(strstr(html, "0 lines read from"));
	assert_non_null(strstr(html, "<b>Could not read</b>"));
	assert_non_null(strstr(html, "No such file or directory"));
	free(html);
	sila_report_free(r);
}

/* Thousands are grouped with a narrow no-break space; traces and scan times are summarised. */
static void test_numbers_and_trace(void **state)
{
	struct sila_report *r = sila_report_new(NULL);
	char line[512], *html;

	(void)state;
	for (int i = 0; i < 1234; i++) {
		snprintf(line, sizeof(line),
			 "{\"path\":\"n/%d\",\"status\":\"ok\",\"level\":1,\"label\":\"K1 intern\","
			 "\"trace\":{\"version\":\"sila 0.%d\",\"rules\":\"r\",\"policy\":\"p\","
			 "\"scanned\":\"2026-11-%02dT00:00:00Z\"}}", i, i % 2, 10 + i % 3);
		add(r, line);
	}
	html = render(r, NULL);
	assert_non_null(strstr(html, ">1\xe2\x80\xaf" "234<"));
	assert_non_null(strstr(html, "Scanned 2026-11-10T00:00:00Z to 2026-11-12T00:00:00Z."));
	assert_non_null(strstr(html, "<td>sila 0.0</td>"));
	assert_non_null(strstr(html, "<td>sila 0.1</td>"));
	assert_non_null(strstr(html, "<span class=\"lv lv1\">K1 intern</span>"));
	free(html);
	sila_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels_per_folder),
		cmocka_unit_test(test_path_forms),
		cmocka_unit_test(test_members_under_container),
		cmocka_unit_test(test_totals_and_tables),
		cmocka_unit_test(test_bounded_tables),
		cmocka_unit_test(test_bounded_tree),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_page_escaped),
		cmocka_unit_test(test_values_masked),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_numbers_and_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
