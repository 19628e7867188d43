/*
 * test_ole2.c - unit tests for core/ole2.c: Word's piece table (8-bit and
 * UTF-16 pieces, fields, cells, subdocuments), Excel's shared strings split
 * across CONTINUE records, RK numbers and integers written as digits,
 * PowerPoint's persist directory and slide order, the summary property
 * sets and MSIP labels, encryption, and records whose lengths point past
 * their streams. The compound files are built in memory with libgsf; the
 * samples in corpus/formats/ole2 are read as well, whole and damaged.
 *
 * The only identity numbers used are the public test number 19121212-1212
 * and Skatteverket's test personnummer 20000101-2384.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsf/gsf-outfile-msole.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-output-memory.h>
#include <gsf/gsf-output.h>
#include <jansson.h>

#include "formats.h"
#include "status.h"
#include "text.h"

/* ---- Building compound files ---------------------------------------------------- */

/* A stream of a compound file to build: "name", or "storage/name". */
struct entry {
	const char *path;
	const void *data;
	size_t len;
};

/* Writes the entries under prefix ("" or "storage/") into dir, storages first seen first made. */
static void build_dir(GsfOutfile *dir, const struct entry *e, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);

	for (size_t i = 0; i < n; i++) {
		const char *rest = e[i].path + pl, *slash;

		if (strncmp(e[i].path, prefix, pl) != 0 || !*rest)
			continue;
		slash = strchr(rest, '/');
		if (!slash) {
			GsfOutput *o = gsf_outfile_new_child(dir, rest, FALSE);

			assert_non_null(o);
			if (e[i].len)
				assert_true(gsf_output_write(o, e[i].len, e[i].data));
			assert_true(gsf_output_close(o));
			g_object_unref(o);
		} else {
			size_t sl = (size_t)(slash - rest);
			int seen = 0;
			char sub[256];

			for (size_t j = 0; j < i && !seen; j++)
				seen = strncmp(e[j].path, prefix, pl) == 0 &&
				       strncmp(e[j].path + pl, rest, sl + 1) == 0;
			if (!seen) {
				GsfOutput *s;

				snprintf(sub, sizeof(sub), "%.*s", (int)sl, rest);
				s = gsf_outfile_new_child(dir, sub, TRUE);
				assert_non_null(s);
				snprintf(sub, sizeof(sub), "%s%.*s/", prefix, (int)sl, rest);
				build_dir(GSF_OUTFILE(s), e, n, sub);
				assert_true(gsf_output_close(s));
				g_object_unref(s);
			}
		}
	}
}

/* A compound file holding the entries; free() it. */
static char *build_ole(const struct entry *e, size_t n, size_t *len)
{
	GsfOutput *mem = gsf_output_memory_new();
	GsfOutfile *ole = gsf_outfile_msole_new(mem);
	char *copy;

	build_dir(ole, e, n, "");
	assert_true(gsf_output_close(GSF_OUTPUT(ole)));
	*len = (size_t)gsf_output_size(mem);
	copy = malloc(*len);
	assert_non_null(copy);
	memcpy(copy, gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem)), *len);
	g_object_unref(ole);
	g_object_unref(mem);
	return copy;
}

/* A growable byte string for the streams. */
struct bytes {
	unsigned char *p;
	size_t n, a;
};

static void add(struct bytes *b, const void *p, size_t n)
{
	if (b->n + n > b->a) {
		b->a = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->a);
		assert_non_null(b->p);
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void add8(struct bytes *b, unsigned v)
{
	unsigned char c = (unsigned char)v;

	add(b, &c, 1);
}

static void add16(struct bytes *b, unsigned v)
{
	add8(b, v & 0xFF);
	add8(b, v >> 8 & 0xFF);
}

static void add32(struct bytes *b, uint32_t v)
{
	add16(b, v & 0xFFFF);
	add16(b, v >> 16);
}

static void add_double(struct bytes *b, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	add32(b, (uint32_t)bits);
	add32(b, (uint32_t)(bits >> 32));
}

static void put32_at(struct bytes *b, size_t at, uint32_t v)
{
	b->p[at] = (unsigned char)v;
	b->p[at + 1] = (unsigned char)(v >> 8);
	b->p[at + 2] = (unsigned char)(v >> 16);
	b->p[at + 3] = (unsigned char)(v >> 24);
}

/* UTF-8 (up to three-byte sequences, and one four-byte) to UTF-16LE, no terminator. */
static void add_utf16(struct bytes *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c;

		if (*p < 0x80) {
			c = *p++;
		} else if ((*p & 0xE0) == 0xC0) {
			c = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
			p += 2;
		} else if ((*p & 0xF0) == 0xE0) {
			c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			p += 3;
		} else {
			c = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
			    (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
			p += 4;
		}
		if (c >= 0x10000) {
			add16(b, 0xD800 + ((c - 0x10000) >> 10));
			add16(b, 0xDC00 + ((c - 0x10000) & 0x3FF));
		} else {
			add16(b, c);
		}
	}
}

/* ---- Extraction helpers ----------------------------------------------------------------- */

/* Extracts a compound file built from entries, with a text cap of cap bytes. */
static void extract_entries(struct sila_text *t, const struct entry *e, size_t n, size_t cap)
{
	size_t len;
	char *ole = build_ole(e, n, &len);

	sila_text_init(t, cap);
	sila_extract_ole2(ole, len, "application/x-ole-storage", t);
	free(ole);
}

static const char *text_of(const struct sila_text *t)
{
	return t->buf.data ? t->buf.data : "";
}

static const char *meta_of(const struct sila_text *t)
{
	return t->meta.data ? t->meta.data : "";
}

/* The message of the first warning with code, or NULL. */
static const char *warning(const struct sila_text *t, const char *code)
{
	size_t i;
	json_t *w;

	json_array_foreach(t->warnings, i, w)
		if (strcmp(json_string_value(json_object_get(w, "code")), code) == 0)
			return json_string_value(json_object_get(w, "message"));
	return NULL;
}

/* Reads a file of the sample corpus; free() it. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (!f)
		fail_msg("cannot open %s (the tests run from the repository root)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	p = malloc((size_t)n);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* ---- Word ------------------------------------------------------------------------------------ */

/* The UTF-16 code units of UTF-8 text. */
static uint32_t units(const char *s)
{
	struct bytes u = { NULL, 0, 0 };
	uint32_t n;

	add_utf16(&u, s);
	n = (uint32_t)u.n / 2;
	free(u.p);
	return n;
}

/* A piece of a Word document: its text as stored, and whether it is 8-bit. */
struct piece {
	const char *text;  /* 8-bit bytes, or UTF-8 to be stored as UTF-16 */
	int compressed;
};

/* The FIB's size here: FibBase, 14 words, 22 longs, 93 fc/lcb pairs, cswNew. */
#define FIB_SIZE (0x9A + 93 * 8 + 2)
#define FC_CLX 0x1A2
/* Where the PlcPcd starts in the table stream make_doc writes (after a Prc and the Pcdt header). */
#define PLC_AT 10

/*
 * Builds WordDocument and 1Table streams: the pieces' text from 0x400 on
 * (each at its own place), the CLX (with a property modifier before the
 * piece table) in the table stream; ccp[0] and ccp[1] are ccpText and
 * ccpFtn. clx_len_extra lies about lcbClx.
 */
static void make_doc(struct bytes *wd, struct bytes *tbl, const struct piece *pc, size_t n,
		     unsigned flags, uint32_t ccp_text, uint32_t ccp_ftn, uint32_t clx_len_extra)
{
	struct bytes plc = { NULL, 0, 0 };
	uint32_t cp = 0, fcs[16];

	memset(wd, 0, sizeof(*wd));
	memset(tbl, 0, sizeof(*tbl));
	for (size_t i = 0; i < FIB_SIZE; i++)
		add8(wd, 0);
	wd->p[0] = 0xEC;
	wd->p[1] = 0xA5;
	wd->p[2] = 0xC1; /* nFib 0x00C1: Word 97 */
	wd->p[0x0A] = (unsigned char)flags;
	wd->p[0x0B] = (unsigned char)(flags >> 8 | 0x02); /* fWhichTblStm: 1Table */
	put32_at(wd, 0x18, 0x400);                         /* fcMin */
	wd->p[0x20] = 14;                                  /* csw */
	wd->p[0x3E] = 22;                                  /* cslw */
	put32_at(wd, 0x4C, ccp_text);
	put32_at(wd, 0x50, ccp_ftn);
	wd->p[0x98] = 93;                                  /* cbRgFcLcb */
	while (wd->n < 0x400)
		add8(wd, 0);
	/* The text: each piece at its own offset, in the order given. */
	for (size_t i = 0; i < n; i++) {
		fcs[i] = (uint32_t)wd->n;
		if (pc[i].compressed)
			add(wd, pc[i].text, strlen(pc[i].text));
		else
			add_utf16(wd, pc[i].text);
		add(wd, "\0\0\0\0", 4);
	}
	/* The CLX: a Prc, then the Pcdt with n + 1 CPs and n PCDs. */
	add8(tbl, 0x01);
	add16(tbl, 2);
	add16(tbl, 0x0000);
	for (size_t i = 0; i <= n; i++) {
		add32(&plc, cp);
		if (i < n) {
			struct bytes tmp = { NULL, 0, 0 };

			if (pc[i].compressed)
				cp += (uint32_t)strlen(pc[i].text);
			else {
				add_utf16(&tmp, pc[i].text);
				cp += (uint32_t)tmp.n / 2;
				free(tmp.p);
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		add16(&plc, 0);
		add32(&plc, pc[i].compressed ? 0x40000000u | fcs[i] * 2 : fcs[i]);
		add16(&plc, 0);
	}
	add8(tbl, 0x02);
	add32(tbl, (uint32_t)plc.n);
	add(tbl, plc.p, plc.n);
	free(plc.p);
	put32_at(wd, FC_CLX, 0);
	put32_at(wd, FC_CLX + 4, (uint32_t)tbl->n + clx_len_extra);
}

static void run_doc(struct sila_text *t, const struct piece *pc, size_t n, unsigned flags,
		    uint32_t ccp_text, uint32_t ccp_ftn, uint32_t clx_extra, size_t cap)
{
	struct bytes wd, tbl;
	struct entry e[2];

	make_doc(&wd, &tbl, pc, n, flags, ccp_text, ccp_ftn, clx_extra);
	e[0] = (struct entry){ "WordDocument", wd.p, wd.n };
	e[1] = (struct entry){ "1Table", tbl.p, tbl.n };
	extract_entries(t, e, 2, cap);
	free(wd.p);
	free(tbl.p);
}

/*
 * An 8-bit piece (Windows-1252: an en dash and å), a UTF-16 piece (Å, a
 * character beyond the BMP) and a footnote: cells, a field whose
 * instruction is dropped and result kept, a non-breaking hyphen, a picture
 * anchor.
 */
static void test_doc_pieces(void **state)
{
	static const struct piece pc[] = {
		{ "SEKRETESS\r\x13 PAGE \\* MERGEFORMAT \x14" "7\x15 sidor\rNamn\x07P\xe5l\x07\x07"
		  "Tel \x96 ok\x01\r", 1 },
		{ "\xc3\x85sa 19121212\x1e" "1212 \xf0\x9f\x98\x80\r", 0 },
		{ "\x02 Fotnot 20000101-2384\r", 1 },
	};
	struct sila_text t;
	uint32_t main_len = (uint32_t)strlen(pc[0].text) + units(pc[1].text);

	(void)state;
	run_doc(&t, pc, 3, 0, main_len, (uint32_t)strlen(pc[2].text), 0, 1 << 20);
	assert_string_equal(text_of(&t),
			    "SEKRETESS\n7 sidor\nNamn\tP\xc3\xa5l\t\nTel \xe2\x80\x93 ok\n"
			    "\xc3\x85sa 19121212-1212 \xf0\x9f\x98\x80\n"
			    "\n Fotnot 20000101-2384\n");
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(json_array_size(t.warnings), 0);
	assert_int_equal(t.pages, 0);
	sila_text_release(&t);
}

/* Nested fields: only the innermost result that no instruction hides survives. */
static void test_doc_nested_fields(void **state)
{
	static const struct piece pc[] = {
		{ "A\x13 IF \x13 REF x \x14" "inner\x15 = 1 \x14" "B\x13 PAGE \x14" "C\x15\x15" "D\x15\x15"
		  "E\x13 no separator\x15" "F\r", 1 },
	};
	struct sila_text t;

	(void)state;
	run_doc(&t, pc, 1, 0, (uint32_t)strlen(pc[0].text), 0, 0, 1 << 20);
	assert_string_equal(text_of(&t), "ABCDEF\n");
	sila_text_release(&t);
}

static void test_doc_encrypted(void **state)
{
	static const struct piece pc[] = { { "hemlig text 19121212-1212\r", 1 } };
	struct sila_text t;

	(void)state;
	run_doc(&t, pc, 1, 0x0100, 26, 0, 0, 1 << 20);
	assert_non_null(warning(&t, "encrypted"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	assert_int_equal(t.buf.len, 0);
	sila_text_release(&t);
}

/* lcbClx reaches past the table stream: the text is read from fcMin instead. */
static void test_doc_bad_clx_falls_back(void **state)
{
	static const struct piece pc[] = { { "Reserv 19121212-1212\r", 1 } };
	struct sila_text t;

	(void)state;
	run_doc(&t, pc, 1, 0, 21, 0, 0x7FFFFFF0, 1 << 20);
	assert_string_equal(text_of(&t), "Reserv 19121212-1212\n");
	assert_non_null(warning(&t, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
}

/* A piece whose text lies past the stream end: what is there is kept, and the damage reported. */
static void test_doc_piece_past_end(void **state)
{
	static const struct piece pc[] = { { "Del ett\r", 1 }, { "Del tv\xe5\r", 1 } };
	struct bytes wd, tbl;
	struct entry e[2];
	struct sila_text t;
	size_t pcd2;

	(void)state;
	make_doc(&wd, &tbl, pc, 2, 0, 16, 0, 0);
	/* The second PCD's fc: point it far past the end of WordDocument. */
	pcd2 = PLC_AT + 4 * 3 + 8 + 2;
	put32_at(&tbl, pcd2, 0x40000000u | 0x3FFFFFF0u);
	e[0] = (struct entry){ "WordDocument", wd.p, wd.n };
	e[1] = (struct entry){ "1Table", tbl.p, tbl.n };
	extract_entries(&t, e, 2, 1 << 20);
	assert_string_equal(text_of(&t), "Del ett\n");
	assert_non_null(warning(&t, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
	free(wd.p);
	free(tbl.p);
	/* A piece table whose CPs run backwards. */
	make_doc(&wd, &tbl, pc, 2, 0, 16, 0, 0);
	put32_at(&tbl, PLC_AT + 4, 0xFFFFFFF0u);
	e[0] = (struct entry){ "WordDocument", wd.p, wd.n };
	e[1] = (struct entry){ "1Table", tbl.p, tbl.n };
	extract_entries(&t, e, 2, 1 << 20);
	assert_non_null(warning(&t, "extraction-failed"));
	assert_true(t.status >= SILA_DOC_PARTIAL);
	sila_text_release(&t);
	free(wd.p);
	free(tbl.p);
}

/*
 * A piece table of 20000 pieces all naming the same text: the work is
 * bounded by the stream's size, not by the pieces' count, and the loop is
 * reported.
 */
static void test_doc_repeated_pieces(void **state)
{
	static const struct piece pc[] = { { "\x13" "0123456789abcdefghi\r", 1 } };
	struct bytes wd, tbl, plc = { NULL, 0, 0 };
	struct entry e[2];
	struct sila_text t;
	const uint32_t n = 20000, len = 21;

	(void)state;
	make_doc(&wd, &tbl, pc, 1, 0, n * len, 0, 0);
	for (uint32_t i = 0; i <= n; i++)
		add32(&plc, i * len);
	for (uint32_t i = 0; i < n; i++) {
		add16(&plc, 0);
		add32(&plc, 0x40000000u | 0x400 * 2);
		add16(&plc, 0);
	}
	tbl.n = 0;
	add8(&tbl, 0x02);
	add32(&tbl, (uint32_t)plc.n);
	add(&tbl, plc.p, plc.n);
	put32_at(&wd, FC_CLX + 4, (uint32_t)tbl.n);
	e[0] = (struct entry){ "WordDocument", wd.p, wd.n };
	e[1] = (struct entry){ "1Table", tbl.p, tbl.n };
	extract_entries(&t, e, 2, 1 << 20);
	assert_non_null(warning(&t, "extraction-failed"));
	free(wd.p);
	free(tbl.p);
	free(plc.p);
	sila_text_release(&t);
}

/* The text cap: extraction stops with limit-exceeded and a partial status. */
static void test_doc_text_cap(void **state)
{
	static const struct piece pc[] = { { "0123456789abcdefghij\r", 1 } };
	struct sila_text t;

	(void)state;
	run_doc(&t, pc, 1, 0, 21, 0, 0, 8);
	assert_int_equal(t.buf.len, 8);
	assert_non_null(warning(&t, "limit-exceeded"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
}

/* A WordDocument stream too short for a FIB: nothing read, unscannable. */
static void test_doc_truncated_fib(void **state)
{
	static const unsigned char wd[16] = { 0xEC, 0xA5, 0xC1, 0x00 };
	struct entry e[] = { { "WordDocument", wd, sizeof(wd) } };
	struct sila_text t;

	(void)state;
	extract_entries(&t, e, 1, 1 << 20);
	assert_non_null(warning(&t, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
}

/* ---- Excel ------------------------------------------------------------------------------------ */

static void rec(struct bytes *b, unsigned type, const struct bytes *body)
{
	add16(b, type);
	add16(b, (unsigned)body->n);
	add(b, body->p, body->n);
}

static void rec_raw(struct bytes *b, unsigned type, const void *p, size_t n)
{
	add16(b, type);
	add16(b, (unsigned)n);
	add(b, p, n);
}

static void bof(struct bytes *b, unsigned dt)
{
	struct bytes r = { NULL, 0, 0 };

	add16(&r, 0x0600);
	add16(&r, dt);
	for (int i = 0; i < 12; i++)
		add8(&r, 0);
	rec(b, 0x0809, &r);
	free(r.p);
}

/* A cell header: row, column, XF index. */
static void cell(struct bytes *r, unsigned row, unsigned col)
{
	r->n = 0;
	add16(r, row);
	add16(r, col);
	add16(r, 15);
}

static void boundsheet(struct bytes *b, const char *name)
{
	struct bytes r = { NULL, 0, 0 };

	add32(&r, 0); /* patched later */
	add16(&r, 0);
	add8(&r, (unsigned)strlen(name));
	add8(&r, 0);
	add(&r, name, strlen(name));
	rec(b, 0x0085, &r);
	free(r.p);
}

/*
 * A BIFF8 workbook: two sheets; an SST whose second string starts 8-bit in
 * the SST record and goes on 16-bit in a CONTINUE record (with the fresh
 * option byte), whose third string is rich with an extension, its runs
 * split by a CONTINUE that has no option byte, and a fourth string after.
 */
static struct bytes make_workbook(int filepass)
{
	struct bytes b = { NULL, 0, 0 }, r = { NULL, 0, 0 };
	size_t bs[2], sheet_at[2];

	bof(&b, 0x0005);
	if (filepass) {
		static const unsigned char fp[6] = { 1, 0, 1, 0, 1, 0 };

		rec_raw(&b, 0x002F, fp, sizeof(fp));
	}
	bs[0] = b.n + 4;
	boundsheet(&b, "F\xf6rsta");
	bs[1] = b.n + 4;
	boundsheet(&b, "Andra");
	/* SST: 4 strings. */
	add32(&r, 6);
	add32(&r, 4);
	add16(&r, 4);
	add8(&r, 0);
	add(&r, "Namn", 4);
	add16(&r, 31); /* "Personnummer 1912" + "1212-1212 \xc5\xe4\xf6\u20ac" */
	add8(&r, 0);
	add(&r, "Personnummer 1912", 17);
	rec(&b, 0x00FC, &r);
	r.n = 0;
	add8(&r, 0x01);                      /* the option byte: 16-bit from here */
	add_utf16(&r, "1212-1212 \xc3\x85\xc3\xa4\xc3\xb6\xe2\x82\xac");
	add16(&r, 3);                        /* "Rik": rich (1 run) and extended (6 bytes) */
	add8(&r, 0x0C);
	add16(&r, 1);
	add32(&r, 6);
	add(&r, "Rik", 3);
	add16(&r, 0);                        /* half of the run ... */
	rec(&b, 0x003C, &r);
	r.n = 0;
	add16(&r, 0);                        /* ... and the rest: no option byte here */
	add(&r, "\1\2\3\4\5\6", 6);          /* the extension */
	add16(&r, 5);
	add8(&r, 0);
	add(&r, "Efter", 5);
	rec(&b, 0x003C, &r);
	rec_raw(&b, 0x000A, NULL, 0);

	/* Sheet 1. */
	sheet_at[0] = b.n;
	bof(&b, 0x0010);
	cell(&r, 0, 0);
	add32(&r, 0);
	rec(&b, 0x00FD, &r);                /* LABELSST "Namn" */
	cell(&r, 0, 1);
	add32(&r, 1);
	rec(&b, 0x00FD, &r);                /* LABELSST the split string */
	cell(&r, 1, 0);
	add32(&r, 2);
	rec(&b, 0x00FD, &r);
	cell(&r, 1, 1);
	add32(&r, 3);
	rec(&b, 0x00FD, &r);
	cell(&r, 2, 0);
	add_double(&r, 200001012384.0);
	rec(&b, 0x0203, &r);                /* NUMBER: digits, never 2.00001e+11 */
	cell(&r, 2, 1);
	add32(&r, 0xFFFFFFEEu);
	rec(&b, 0x027E, &r);                /* RK: the integer -5 */
	cell(&r, 2, 2);
	add32(&r, (1234u << 2) | 3);
	rec(&b, 0x027E, &r);                /* RK: integer 1234 / 100 */
	cell(&r, 2, 3);
	add32(&r, 0x3FE00000u);
	rec(&b, 0x027E, &r);                /* RK: the double 0.5 */
	cell(&r, 2, 4);
	add32(&r, 0x405EC000u | 1);
	rec(&b, 0x027E, &r);                /* RK: the double 123 / 100 */
	/* MULRK: row 3, columns 0..2. */
	r.n = 0;
	add16(&r, 3);
	add16(&r, 0);
	add16(&r, 15);
	add32(&r, 0x7FFFFFFEu);             /* 536870911 */
	add16(&r, 15);
	add32(&r, 0x80000002u);             /* -536870912 */
	add16(&r, 15);
	add32(&r, (7u << 2) | 2);
	add16(&r, 2);
	rec(&b, 0x00BD, &r);
	/* FORMULA with a number result, then one with a string result and its STRING. */
	cell(&r, 4, 0);
	add_double(&r, 36.0);
	add16(&r, 0);
	add32(&r, 0);
	add16(&r, 0);
	rec(&b, 0x0006, &r);
	cell(&r, 4, 1);
	add(&r, "\0\0\0\0\0\0\xff\xff", 8);
	add16(&r, 0);
	add32(&r, 0);
	add16(&r, 0);
	rec(&b, 0x0006, &r);
	r.n = 0;
	add16(&r, 13);
	add8(&r, 0);
	add(&r, "20000101-2384", 13);
	rec(&b, 0x0207, &r);
	/* LABEL: a BIFF8 XLUnicodeString, 16-bit, with a newline that stays on the line. */
	cell(&r, 5, 0);
	add16(&r, 7);
	add8(&r, 1);
	add_utf16(&r, "Rad\nTv\xc3\xa5");
	rec(&b, 0x0204, &r);
	/* A STRING with no FORMULA before it is ignored. */
	r.n = 0;
	add16(&r, 4);
	add8(&r, 0);
	add(&r, "fel!", 4);
	rec(&b, 0x0207, &r);
	/* A chart inside the sheet: its records are not cells. */
	bof(&b, 0x0020);
	cell(&r, 6, 0);
	add_double(&r, 999.0);
	rec(&b, 0x0203, &r);
	rec_raw(&b, 0x000A, NULL, 0);
	cell(&r, 6, 0);
	add_double(&r, 1e20);
	rec(&b, 0x0203, &r);
	rec_raw(&b, 0x000A, NULL, 0);

	/* Sheet 2. */
	sheet_at[1] = b.n;
	bof(&b, 0x0010);
	cell(&r, 0, 0);
	add_double(&r, 0.1);
	rec(&b, 0x0203, &r);
	rec_raw(&b, 0x000A, NULL, 0);
	put32_at(&b, bs[0], (uint32_t)sheet_at[0]);
	put32_at(&b, bs[1], (uint32_t)sheet_at[1]);
	free(r.p);
	return b;
}

static void test_xls_cells(void **state)
{
	struct bytes wb = make_workbook(0);
	struct entry e[] = { { "Workbook", wb.p, wb.n } };
	struct sila_text t;

	(void)state;
	extract_entries(&t, e, 1, 1 << 20);
	assert_string_equal(text_of(&t),
			    "Sheet: F\xc3\xb6rsta\n"
			    "Namn\tPersonnummer 19121212-1212 \xc3\x85\xc3\xa4\xc3\xb6\xe2\x82\xac\n"
			    "Rik\tEfter\n"
			    "200001012384\t-5\t12.34\t0.5\t1.23\n"
			    "536870911\t-536870912\t7\n"
			    "36\t20000101-2384\n"
			    "Rad Tv\xc3\xa5\n"
			    "1e+20\n"
			    "\nSheet: Andra\n0.1\n");
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(json_array_size(t.warnings), 0);
	sila_text_release(&t);
	free(wb.p);
}

static void test_xls_filepass(void **state)
{
	struct bytes wb = make_workbook(1);
	struct entry e[] = { { "Workbook", wb.p, wb.n } };
	struct sila_text t;

	(void)state;
	extract_entries(&t, e, 1, 1 << 20);
	assert_non_null(warning(&t, "encrypted"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	assert_null(strstr(text_of(&t), "Personnummer"));
	sila_text_release(&t);
	free(wb.p);
}

/*
 * Hostile lengths: a record claiming more bytes than the stream has, an SST
 * claiming four billion strings, a LABELSST pointing past the table, a
 * MULRK too short for one value. Nothing is read out of bounds (ASan
 * checks), and the damage is reported.
 */
static void test_xls_hostile(void **state)
{
	struct bytes b = { NULL, 0, 0 }, r = { NULL, 0, 0 };
	struct entry e[1];
	struct sila_text t;

	(void)state;
	bof(&b, 0x0005);
	add32(&r, 0xFFFFFFFFu);
	add32(&r, 0xFFFFFFFFu);
	add16(&r, 0xFFFF);
	add8(&r, 1);
	add(&r, "ab", 2);
	rec(&b, 0x00FC, &r);
	rec_raw(&b, 0x000A, NULL, 0);
	bof(&b, 0x0010);
	cell(&r, 0, 0);
	add32(&r, 0x7FFFFFFF);
	rec(&b, 0x00FD, &r);
	r.n = 0;
	add16(&r, 1);
	add16(&r, 0);
	add16(&r, 15);
	rec(&b, 0x00BD, &r);
	cell(&r, 1, 0);
	add16(&r, 0xFFFF);
	add8(&r, 1);
	rec(&b, 0x0204, &r);
	cell(&r, 2, 0);
	add_double(&r, 42.0);
	rec(&b, 0x0203, &r);
	/* The last record claims 0xFFFF bytes; only 6 follow. */
	add16(&b, 0x0203);
	add16(&b, 0xFFFF);
	add(&b, "\3\0\0\0\0\0", 6);
	e[0] = (struct entry){ "Workbook", b.p, b.n };
	extract_entries(&t, e, 1, 1 << 20);
	assert_non_null(strstr(text_of(&t), "42"));
	assert_non_null(warning(&t, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
	free(b.p);
	free(r.p);
}

/* A BIFF5 workbook ("Book"): 8-bit strings in the workbook's code page, no shared strings. */
static void test_xls_biff5(void **state)
{
	struct bytes b = { NULL, 0, 0 }, r = { NULL, 0, 0 };
	struct entry e[1];
	struct sila_text t;
	size_t bs;

	(void)state;
	add16(&r, 0x0500);
	add16(&r, 0x0005);
	add32(&r, 0);
	rec(&b, 0x0809, &r);
	r.n = 0;
	add16(&r, 1250);                    /* CODEPAGE: Central European */
	rec(&b, 0x0042, &r);
	bs = b.n + 4;
	r.n = 0;
	add32(&r, 0);
	add16(&r, 0);
	add8(&r, 4);
	add(&r, "L\xe1ny", 4);             /* "Lány" in Windows-1250 */
	rec(&b, 0x0085, &r);
	rec_raw(&b, 0x000A, NULL, 0);
	put32_at(&b, bs, (uint32_t)b.n);
	r.n = 0;
	add16(&r, 0x0500);
	add16(&r, 0x0010);
	add32(&r, 0);
	rec(&b, 0x0809, &r);
	cell(&r, 0, 0);
	add16(&r, 11);
	add(&r, "\x8a" "koda 19121", 11);  /* "Škoda" in Windows-1250 */
	rec(&b, 0x0204, &r);
	cell(&r, 0, 1);
	add_double(&r, 2121212.0);
	rec(&b, 0x0203, &r);
	rec_raw(&b, 0x000A, NULL, 0);
	e[0] = (struct entry){ "Book", b.p, b.n };
	extract_entries(&t, e, 1, 1 << 20);
	assert_string_equal(text_of(&t), "Sheet: L\xc3\xa1ny\n\xc5\xa0koda 19121\t2121212\n");
	assert_int_equal(t.status, SILA_DOC_OK);
	sila_text_release(&t);
	free(b.p);
	free(r.p);
}

/* ---- PowerPoint -------------------------------------------------------------------------------- */

/* Appends a record header; returns where its length is, to patch for containers. */
static size_t rh(struct bytes *b, unsigned ver, unsigned inst, unsigned type, uint32_t len)
{
	size_t at;

	add16(b, ver | inst << 4);
	add16(b, type);
	at = b->n;
	add32(b, len);
	return at;
}

static void end_container(struct bytes *b, size_t len_at)
{
	put32_at(b, len_at, (uint32_t)(b->n - len_at - 4));
}

static void text_chars(struct bytes *b, const char *s)
{
	struct bytes u = { NULL, 0, 0 };

	add_utf16(&u, s);
	rh(b, 0, 0, 0x0FA0, (uint32_t)u.n);
	add(b, u.p, u.n);
	free(u.p);
}

static void text_bytes(struct bytes *b, const char *s)
{
	rh(b, 0, 0, 0x0FA8, (uint32_t)strlen(s));
	add(b, s, strlen(s));
}

static void slide_persist(struct bytes *b, uint32_t persist, uint32_t id)
{
	rh(b, 0, 0, 0x03F3, 20);
	add32(b, persist);
	add32(b, 0);
	add32(b, 0);
	add32(b, id);
	add32(b, 0);
}

/* A SlideContainer: a SlideAtom naming its notes, and a drawing with the given atoms. */
static size_t slide(struct bytes *b, uint32_t notes_id, const char *chars, const char *bytes8)
{
	size_t off = b->n, len = rh(b, 0xF, 0, 0x03EE, 0), dl;

	rh(b, 2, 0, 0x03EF, 24);
	for (int i = 0; i < 4; i++)
		add32(b, 0);
	add32(b, notes_id);
	add32(b, 0);
	dl = rh(b, 0xF, 0, 0x040C, 0);
	if (chars)
		text_chars(b, chars);
	if (bytes8)
		text_bytes(b, bytes8);
	end_container(b, dl);
	/* Programmable tags: their CString is no document text. */
	dl = rh(b, 0xF, 0, 0x1388, 0);
	{
		size_t pl = rh(b, 0xF, 0, 0x138A, 0);

		rh(b, 0, 0, 0x0FBA, 16);
		add_utf16(b, "___PPT10");
		end_container(b, pl);
	}
	end_container(b, dl);
	end_container(b, len);
	return off;
}

/*
 * A presentation: the document lists slide A (persist 2) then slide B
 * (persist 3); in the stream B comes first and an older, superseded
 * version of A lies between them. Slide A has notes (persist 4). The
 * Current User stream points at the one user edit.
 */
static void make_ppt(struct bytes *doc, struct bytes *cu, uint32_t token, int edit_loop,
		     int no_edit)
{
	size_t off_b, off_a_old, off_a, off_n, len, sl, dir, edit;

	memset(doc, 0, sizeof(*doc));
	memset(cu, 0, sizeof(*cu));
	len = rh(doc, 0xF, 0, 0x03E8, 0);
	rh(doc, 1, 0, 0x03E9, 40);
	for (int i = 0; i < 10; i++)
		add32(doc, 0);
	sl = rh(doc, 0xF, 0, 0x0FF0, 0);
	slide_persist(doc, 2, 256);
	rh(doc, 0, 0, 0x0F9F, 4);
	add32(doc, 0);
	text_chars(doc, "Titel ett\rRad tv\xc3\xa5");
	slide_persist(doc, 3, 257);
	text_bytes(doc, "Andra bilden");
	end_container(doc, sl);
	sl = rh(doc, 0xF, 2, 0x0FF0, 0);
	slide_persist(doc, 4, 0x100);
	end_container(doc, sl);
	end_container(doc, len);
	off_b = slide(doc, 0, NULL, "B-text");
	off_a_old = slide(doc, 0, "Gammal version", NULL);
	off_a = slide(doc, 0x100, "Fri text 19121212-1212", NULL);
	off_n = doc->n;
	len = rh(doc, 0xF, 0, 0x03F0, 0);
	text_chars(doc, "Anteckning 20000101-2384");
	end_container(doc, len);
	(void)off_a_old;
	if (no_edit)
		return;
	dir = doc->n;
	rh(doc, 0, 0, 0x1772, 20);
	add32(doc, 1u | 4u << 20);
	add32(doc, 0);
	add32(doc, (uint32_t)off_a);
	add32(doc, (uint32_t)off_b);
	add32(doc, (uint32_t)off_n);
	edit = doc->n;
	rh(doc, 0, 0, 0x0FF5, 28);
	add32(doc, 256);
	add16(doc, 0);
	add8(doc, 0);
	add8(doc, 3);
	add32(doc, edit_loop ? (uint32_t)edit : 0); /* offsetLastEdit */
	add32(doc, (uint32_t)dir);
	add32(doc, 1);                              /* docPersistIdRef */
	add32(doc, 5);
	add16(doc, 1);
	add16(doc, 0);

	rh(cu, 0, 0, 0x0FF6, 24);
	add32(cu, 0x14);
	add32(cu, token);
	add32(cu, (uint32_t)edit);
	add16(cu, 0);
	add16(cu, 0x03F4);
	add8(cu, 3);
	add8(cu, 0);
	add16(cu, 0);
}

static void test_ppt_slides(void **state)
{
	struct bytes doc, cu;
	struct entry e[2];
	struct sila_text t;

	(void)state;
	make_ppt(&doc, &cu, 0xE391C05Fu, 0, 0);
	e[0] = (struct entry){ "PowerPoint Document", doc.p, doc.n };
	e[1] = (struct entry){ "Current User", cu.p, cu.n };
	extract_entries(&t, e, 2, 1 << 20);
	assert_string_equal(text_of(&t),
			    "Titel ett\nRad tv\xc3\xa5\nFri text 19121212-1212\nAnteckning 20000101-2384"
			    "\fAndra bilden\nB-text\n");
	assert_int_equal(t.pages, 2);
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(json_array_size(t.warnings), 0);
	sila_text_release(&t);
	/* An edit that names itself as the one before: no loop. */
	free(doc.p);
	free(cu.p);
	make_ppt(&doc, &cu, 0xE391C05Fu, 1, 0);
	e[0] = (struct entry){ "PowerPoint Document", doc.p, doc.n };
	e[1] = (struct entry){ "Current User", cu.p, cu.n };
	extract_entries(&t, e, 2, 1 << 20);
	assert_int_equal(t.pages, 2);
	sila_text_release(&t);
	free(doc.p);
	free(cu.p);
}

/*
 * Without Current User the last user edit in the stream leads to the
 * slides. Without any edit (no persist directory) the slides are taken in
 * stream order, which may pick a superseded version, with a warning.
 */
static void test_ppt_without_current_user(void **state)
{
	struct bytes doc, cu;
	struct entry e[1];
	struct sila_text t;

	(void)state;
	make_ppt(&doc, &cu, 0xE391C05Fu, 0, 0);
	e[0] = (struct entry){ "PowerPoint Document", doc.p, doc.n };
	extract_entries(&t, e, 1, 1 << 20);
	assert_non_null(strstr(text_of(&t), "Fri text 19121212-1212"));
	assert_null(strstr(text_of(&t), "Gammal version"));
	assert_int_equal(t.pages, 2);
	sila_text_release(&t);
	free(doc.p);
	free(cu.p);
	make_ppt(&doc, &cu, 0xE391C05Fu, 0, 1);
	e[0] = (struct entry){ "PowerPoint Document", doc.p, doc.n };
	extract_entries(&t, e, 1, 1 << 20);
	assert_non_null(strstr(text_of(&t), "Titel ett"));
	assert_non_null(strstr(text_of(&t), "B-text"));
	assert_int_equal(t.pages, 2);
	assert_non_null(warning(&t, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_PARTIAL);
	sila_text_release(&t);
	free(doc.p);
	free(cu.p);
}

static void test_ppt_encrypted(void **state)
{
	struct bytes doc, cu;
	struct entry e[3];
	struct sila_text t;

	(void)state;
	make_ppt(&doc, &cu, 0xF3D1C4DFu, 0, 0);
	e[0] = (struct entry){ "PowerPoint Document", doc.p, doc.n };
	e[1] = (struct entry){ "Current User", cu.p, cu.n };
	extract_entries(&t, e, 2, 1 << 20);
	assert_non_null(warning(&t, "encrypted"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	assert_int_equal(t.buf.len, 0);
	sila_text_release(&t);
	free(doc.p);
	free(cu.p);
	make_ppt(&doc, &cu, 0xE391C05Fu, 0, 0);
	e[2] = (struct entry){ "EncryptedSummary", "x", 1 };
	e[1] = (struct entry){ "Current User", cu.p, cu.n };
	e[0] = (struct entry){ "PowerPoint Document", doc.p, doc.n };
	extract_entries(&t, e, 3, 1 << 20);
	assert_non_null(warning(&t, "encrypted"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	free(doc.p);
	free(cu.p);
}

/*
 * Hostile records: a container whose length passes the stream end, a text
 * atom longer than its container, containers nested thousands deep, a
 * persist directory claiming a million entries, and a slide list naming
 * the same slide many times.
 */
static void test_ppt_hostile(void **state)
{
	struct bytes doc = { NULL, 0, 0 }, cu = { NULL, 0, 0 };
	struct entry e[2];
	struct sila_text t;
	size_t len, sl, s, dir, edit;

	(void)state;
	len = rh(&doc, 0xF, 0, 0x03E8, 0);
	sl = rh(&doc, 0xF, 0, 0x0FF0, 0);
	for (int i = 0; i < 2000; i++)
		slide_persist(&doc, 2, 256);
	end_container(&doc, sl);
	end_container(&doc, len);
	s = doc.n;
	len = rh(&doc, 0xF, 0, 0x03EE, 0);
	for (int i = 0; i < 5000; i++)
		rh(&doc, 0xF, 0, 0x040C, 0x7FFFFFFF);
	end_container(&doc, len);
	dir = doc.n;
	rh(&doc, 0, 0, 0x1772, 16);
	add32(&doc, 1u | 2u << 20);
	add32(&doc, 0);
	add32(&doc, (uint32_t)s);
	add32(&doc, 0xFFFFFu | 0xFFFu << 20); /* past the id space */
	edit = doc.n;
	rh(&doc, 0, 0, 0x0FF5, 28);
	add32(&doc, 0);
	add32(&doc, 0);
	add32(&doc, 0);
	add32(&doc, (uint32_t)dir);
	add32(&doc, 1);
	add32(&doc, 0);
	add32(&doc, 0);
	/* A text atom claiming far more than the stream holds. */
	rh(&doc, 0, 0, 0x0FA0, 0xFFFFFFF0u);
	add_utf16(&doc, "Slut");
	rh(&cu, 0, 0, 0x0FF6, 24);
	add32(&cu, 0x14);
	add32(&cu, 0xE391C05Fu);
	add32(&cu, (uint32_t)edit);
	add32(&cu, 0);
	add32(&cu, 0);
	e[0] = (struct entry){ "PowerPoint Document", doc.p, doc.n };
	e[1] = (struct entry){ "Current User", cu.p, cu.n };
	extract_entries(&t, e, 2, 1 << 20);
	assert_true(t.status <= SILA_DOC_UNSCANNABLE);
	assert_non_null(warning(&t, "extraction-failed"));
	sila_text_release(&t);
	/* Only Current User pointing past the stream. */
	put32_at(&cu, 16, 0xFFFFFFF0u);
	e[1] = (struct entry){ "Current User", cu.p, cu.n };
	extract_entries(&t, e, 2, 1 << 20);
	assert_true(t.status <= SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	free(doc.p);
	free(cu.p);
}

/* ---- Property sets ------------------------------------------------------------------------------ */

/* One property for a section: id, type and the value bytes after the type. */
struct prop {
	uint32_t id;
	unsigned type;
	struct bytes v;
};

static void prop_lpstr(struct prop *p, uint32_t id, const char *s)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->type = 0x1E;
	add32(&p->v, (uint32_t)strlen(s) + 1);
	add(&p->v, s, strlen(s) + 1);
}

static void prop_lpwstr(struct prop *p, uint32_t id, const char *s, unsigned type)
{
	struct bytes u = { NULL, 0, 0 };

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->type = type;
	add_utf16(&u, s);
	add16(&u, 0);
	add32(&p->v, type == 0x1F ? (uint32_t)u.n / 2 : (uint32_t)u.n);
	add(&p->v, u.p, u.n);
	free(u.p);
}

static void prop_i2(struct prop *p, uint32_t id, unsigned v, unsigned type)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->type = type;
	add16(&p->v, v);
	add16(&p->v, 0);
}

/* A section: size, count, (id, offset) pairs, then the values padded to 4 bytes. */
static void section(struct bytes *b, struct prop *p, size_t n, const struct bytes *dict)
{
	size_t start = b->n, table;

	add32(b, 0);
	add32(b, (uint32_t)(n + (dict ? 1 : 0)));
	table = b->n;
	for (size_t i = 0; i < n + (dict ? 1 : 0); i++) {
		add32(b, 0);
		add32(b, 0);
	}
	if (dict) {
		put32_at(b, table, 0);
		put32_at(b, table + 4, (uint32_t)(b->n - start));
		add(b, dict->p, dict->n);
		while ((b->n - start) % 4)
			add8(b, 0);
		table += 8;
	}
	for (size_t i = 0; i < n; i++) {
		put32_at(b, table + 8 * i, p[i].id);
		put32_at(b, table + 8 * i + 4, (uint32_t)(b->n - start));
		add16(b, p[i].type);
		add16(b, 0);
		add(b, p[i].v.p, p[i].v.n);
		while ((b->n - start) % 4)
			add8(b, 0);
		free(p[i].v.p);
	}
	put32_at(b, start, (uint32_t)(b->n - start));
}

static const unsigned char fmtid_summary[16] = {
	0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27, 0xB3, 0xD9
};
static const unsigned char fmtid_docsum[16] = {
	0x02, 0xD5, 0xCD, 0xD5, 0x9C, 0x2E, 0x1B, 0x10, 0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE
};
static const unsigned char fmtid_user[16] = {
	0x05, 0xD5, 0xCD, 0xD5, 0x9C, 0x2E, 0x1B, 0x10, 0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE
};

/* The stream header, with nsets (FMTID, offset) pairs to patch. */
static void propset_header(struct bytes *b, const unsigned char *f0, const unsigned char *f1)
{
	add16(b, 0xFFFE);
	add16(b, 0);
	add32(b, 0x00020006);
	for (int i = 0; i < 16; i++)
		add8(b, 0);
	add32(b, f1 ? 2 : 1);
	add(b, f0, 16);
	add32(b, 0);
	if (f1) {
		add(b, f1, 16);
		add32(b, 0);
	}
}

/* A dictionary entry in a Unicode (code page 1200) section: id, length, name, padding. */
static void dict_entry(struct bytes *d, uint32_t id, const char *name)
{
	struct bytes u = { NULL, 0, 0 };

	add_utf16(&u, name);
	add16(&u, 0);
	add32(d, id);
	add32(d, (uint32_t)u.n / 2);
	add(d, u.p, u.n);
	while (d->n % 4)
		add8(d, 0);
	free(u.p);
}

static void test_property_sets(void **state)
{
	struct bytes si = { NULL, 0, 0 }, dsi = { NULL, 0, 0 }, dict = { NULL, 0, 0 };
	struct prop p[8];
	struct entry e[3];
	struct sila_text t;
	json_t *l;
	size_t s1;

	(void)state;
	/* SummaryInformation in Windows-1252, with a property whose offset is outside the section. */
	propset_header(&si, fmtid_summary, NULL);
	put32_at(&si, 44, (uint32_t)si.n);
	prop_i2(&p[0], 1, 1252, 0x02);
	prop_lpstr(&p[1], 2, "Beslut f\xf6r \xc5sa");
	prop_lpstr(&p[2], 4, "Handl\xe4ggare");
	prop_lpwstr(&p[3], 5, "nyckel \xe2\x80\x93 ord", 0x1F);
	prop_lpstr(&p[4], 18, "LibreOffice");      /* the application: not kept */
	section(&si, p, 5, NULL);
	/*
	 * The section (at 48) claims six properties but lists five: the sixth
	 * entry is read from the first value's bytes, and its offset (1252) lies
	 * outside the section, so it is ignored.
	 */
	put32_at(&si, 48 + 4, 6);
	/* DocumentSummaryInformation: company, then the user-defined section in UTF-16. */
	propset_header(&dsi, fmtid_docsum, fmtid_user);
	put32_at(&dsi, 44, (uint32_t)dsi.n);
	prop_i2(&p[0], 1, 1252, 0x02);
	prop_lpstr(&p[1], 15, "Exempelby kommun");
	section(&dsi, p, 2, NULL);
	s1 = dsi.n;
	put32_at(&dsi, 64, (uint32_t)s1);
	dict_entry(&dict, 2, "Enhet");
	dict_entry(&dict, 3, "MSIP_Label_abc-123_Enabled");
	dict_entry(&dict, 4, "MSIP_Label_abc-123_Name");
	dict_entry(&dict, 5, "MSIP_Label_def-456_Name");
	dict_entry(&dict, 6, "MSIP_Label_def-456_Enabled");
	dict_entry(&dict, 7, "Diarienummer");
	{
		struct bytes d2 = { NULL, 0, 0 };

		add32(&d2, 6);
		add(&d2, dict.p, dict.n);
		free(dict.p);
		dict = d2;
	}
	prop_i2(&p[0], 1, 1200, 0x02);
	prop_lpwstr(&p[1], 2, "IFO \xc3\x96st", 0x1E); /* VT_LPSTR in a UTF-16 set */
	prop_lpwstr(&p[2], 3, "true", 0x1F);
	prop_lpwstr(&p[3], 4, "Konfidentiellt", 0x1F);
	prop_lpwstr(&p[4], 5, "Intern", 0x1F);
	prop_i2(&p[5], 6, 0, 0x0B);                    /* VT_BOOL false: not applied */
	prop_i2(&p[6], 7, 42, 0x03);
	section(&dsi, p, 7, &dict);
	free(dict.p);

	e[0] = (struct entry){ "\005SummaryInformation", si.p, si.n };
	e[1] = (struct entry){ "\005DocumentSummaryInformation", dsi.p, dsi.n };
	e[2] = (struct entry){ "WordDocument", "\xec\xa5", 2 };
	extract_entries(&t, e, 3, 1 << 20);
	assert_string_equal(meta_of(&t),
			    "title: Beslut f\xc3\xb6r \xc3\x85sa\n"
			    "author: Handl\xc3\xa4ggare\n"
			    "keywords: nyckel \xe2\x80\x93 ord\n"
			    "company: Exempelby kommun\n"
			    "Enhet: IFO \xc3\x96st\n"
			    "Diarienummer: 42\n");
	assert_int_equal(json_array_size(t.labels), 1);
	l = json_array_get(t.labels, 0);
	assert_string_equal(json_string_value(json_object_get(l, "source")), "msip");
	assert_string_equal(json_string_value(json_object_get(l, "name")), "Konfidentiellt");
	assert_string_equal(json_string_value(json_object_get(l, "id")), "abc-123");
	sila_text_release(&t);

	/* The same streams cut short at every length: no read past their ends. */
	for (size_t n = 0; n < dsi.n; n += 3) {
		e[1].len = n;
		e[0].len = n < si.n ? n : si.n;
		extract_entries(&t, e, 3, 1 << 20);
		sila_text_release(&t);
	}
	free(si.p);
	free(dsi.p);
}

/* ---- Containers ---------------------------------------------------------------------------------- */

static void test_encrypted_package(void **state)
{
	struct entry e[] = { { "EncryptionInfo", "\4\0\4\0", 4 }, { "EncryptedPackage", "\0\1\2\3", 4 } };
	struct sila_text t;

	(void)state;
	extract_entries(&t, e, 2, 1 << 20);
	assert_non_null(warning(&t, "encrypted"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
}

static void test_unsupported_and_damaged(void **state)
{
	struct entry e[] = { { "VisioDocument", "abc", 3 } };
	struct sila_text t;
	char junk[1024];

	(void)state;
	extract_entries(&t, e, 1, 1 << 20);
	assert_non_null(warning(&t, "unsupported-type"));
	assert_non_null(strstr(warning(&t, "unsupported-type"), "application/x-ole-storage"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	/* Not a compound file at all, or only its signature. */
	memset(junk, 'x', sizeof(junk));
	memcpy(junk, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	sila_text_init(&t, 1 << 20);
	sila_extract_ole2(junk, sizeof(junk), "application/msword", &t);
	assert_non_null(warning(&t, "extraction-failed"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	sila_text_init(&t, 1 << 20);
	sila_extract_ole2(junk, 0, "application/msword", &t);
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
}

/* ---- The samples ---------------------------------------------------------------------------------- */

static void extract_file(struct sila_text *t, const char *path)
{
	size_t len;
	char *data = slurp(path, &len);

	sila_text_init(t, 1 << 24);
	sila_extract_ole2(data, len, "application/x-ole-storage", t);
	free(data);
}

static void test_samples(void **state)
{
	struct sila_text t;

	(void)state;
	extract_file(&t, "corpus/formats/ole2/utredning.doc");
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_non_null(strstr(text_of(&t), "SEKRETESS\n"));
	assert_non_null(strstr(text_of(&t), "personnummer 200001012384."));
	assert_non_null(strstr(text_of(&t), "\t20000101-2384\t"));
	assert_non_null(strstr(text_of(&t), "make, personnummer 200001012392."));
	assert_non_null(strstr(text_of(&t), "19121212-1212"));
	assert_non_null(strstr(meta_of(&t), "title: Utredning om bostadsanpassning\n"));
	sila_text_release(&t);

	extract_file(&t, "corpus/formats/ole2/register.xls");
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_non_null(strstr(text_of(&t), "Sheet: Klienter\nKONFIDENTIELLT\n"));
	assert_non_null(strstr(text_of(&t), "\t200001012384\t1234.5\t3\n"));
	assert_non_null(strstr(text_of(&t), "\t20000101-2392\t"));
	assert_non_null(strstr(text_of(&t), "Anteckning 240: "));
	assert_non_null(strstr(text_of(&t), "Kontrollperson 19121212-1212"));
	assert_null(strstr(text_of(&t), "e+"));
	assert_int_equal(json_array_size(t.labels), 1);
	sila_text_release(&t);

	extract_file(&t, "corpus/formats/ole2/genomgang.ppt");
	assert_int_equal(t.status, SILA_DOC_OK);
	assert_int_equal(t.pages, 3);
	assert_non_null(strstr(text_of(&t), "personnummer 20000102-2383"));
	assert_non_null(strstr(text_of(&t), "\fHEMLIG\n"));
	assert_non_null(strstr(text_of(&t), "kontrollperson 19121212-1212"));
	assert_null(strstr(text_of(&t), "Click to edit"));
	sila_text_release(&t);

	extract_file(&t, "corpus/formats/ole2/losenord.doc");
	assert_non_null(warning(&t, "encrypted"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
	extract_file(&t, "corpus/formats/ole2/losenord.xls");
	assert_non_null(warning(&t, "encrypted"));
	assert_int_equal(t.status, SILA_DOC_UNSCANNABLE);
	sila_text_release(&t);
}

/*
 * The samples damaged: cut at many lengths and with bytes overwritten at
 * pseudo-random places. Whatever the result, nothing is read out of bounds
 * (ASan and UBSan check) and the status is one of the document statuses.
 */
static void test_samples_damaged(void **state)
{
	static const char *const files[] = {
		"corpus/formats/ole2/utredning.doc", "corpus/formats/ole2/register.xls",
		"corpus/formats/ole2/genomgang.ppt",
	};
	uint32_t seed = 12345;

	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len;
		char *data = slurp(files[f], &len), *copy = malloc(len);

		assert_non_null(copy);
		for (int round = 0; round < 60; round++) {
			struct sila_text t;
			size_t n = len;

			memcpy(copy, data, len);
			if (round % 3 == 0) {
				n = len * (size_t)(round + 1) / 61;
			} else {
				/* Overwrite a few bytes past the compound file's own header. */
				for (int k = 0; k < 8; k++) {
					seed = seed * 1103515245u + 12345u;
					copy[512 + (seed >> 8) % (len - 512)] = (char)(seed >> 24);
				}
			}
			sila_text_init(&t, 1 << 22);
			sila_extract_ole2(copy, n, "application/x-ole-storage", &t);
			assert_true(t.status <= SILA_DOC_UNSCANNABLE);
			sila_text_release(&t);
		}
		free(copy);
		free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_pieces),
		cmocka_unit_test(test_doc_nested_fields),
		cmocka_unit_test(test_doc_encrypted),
		cmocka_unit_test(test_doc_bad_clx_falls_back),
		cmocka_unit_test(test_doc_piece_past_end),
		cmocka_unit_test(test_doc_repeated_pieces),
		cmocka_unit_test(test_doc_text_cap),
		cmocka_unit_test(test_doc_truncated_fib),
		cmocka_unit_test(test_xls_cells),
		cmocka_unit_test(test_xls_filepass),
		cmocka_unit_test(test_xls_hostile),
		cmocka_unit_test(test_xls_biff5),
		cmocka_unit_test(test_ppt_slides),
		cmocka_unit_test(test_ppt_without_current_user),
		cmocka_unit_test(test_ppt_encrypted),
		cmocka_unit_test(test_ppt_hostile),
		cmocka_unit_test(test_property_sets),
		cmocka_unit_test(test_encrypted_package),
		cmocka_unit_test(test_unsupported_and_damaged),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_samples_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
