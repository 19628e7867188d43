/*
 * test_msg.c - unit tests for core/msg.c: recognising Outlook .msg files,
 * the parts they yield (the message text with its headers, the HTML and
 * RTF bodies, attachments in order with safe names, attached messages
 * written out as .msg files of their own), the part limit, a callback
 * that stops, compressed RTF (MS-OXRTFCP's own examples, stored RTF and
 * damaged forms), and damaged files. The messages are built in memory
 * with libgsf; the samples in corpus/formats/ole2 are read as well.
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

#include "parts.h"
#include "status.h"

/* ---- Building compound files ---------------------------------------------------- */

/* A stream of a compound file to build: "name", or "storage/.../name". */
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
			char sub[512];

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

/* A growable byte string. */
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

static void add32(struct bytes *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };

	add(b, x, 4);
}

/* UTF-8 (one- to three-byte sequences) as UTF-16LE with a terminating NUL. */
static struct bytes utf16(const char *s)
{
	struct bytes b = { NULL, 0, 0 };
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c;
		unsigned char u[2];

		if (*p < 0x80) {
			c = *p++;
		} else if ((*p & 0xE0) == 0xC0) {
			c = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
			p += 2;
		} else {
			c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			p += 3;
		}
		u[0] = (unsigned char)c;
		u[1] = (unsigned char)(c >> 8);
		add(&b, u, 2);
	}
	add(&b, "\0", 2);
	return b;
}

/* A property stream: a header of hdr zero bytes, then 16-byte entries. */
static struct bytes props(size_t hdr)
{
	struct bytes b = { NULL, 0, 0 };
	static const unsigned char zero[32];

	add(&b, zero, hdr);
	return b;
}

static void prop(struct bytes *b, uint32_t tag, uint64_t v)
{
	add32(b, tag);
	add32(b, 6);
	add32(b, (uint32_t)v);
	add32(b, (uint32_t)(v >> 32));
}

/* 2026-01-01 08:00:00 UTC as a FILETIME. */
#define SENT ((11644473600ULL + 1767225600ULL + 8 * 3600) * 10000000ULL)

/* ---- Collecting parts ------------------------------------------------------------- */

#define MAX_SEEN 16

struct seen {
	size_t n;
	int stop_at;         /* the part (1-based) at which to return SILA_FATAL; 0 never */
	char name[MAX_SEEN][256];
	struct bytes data[MAX_SEEN];
	enum sila_doc_status st[MAX_SEEN];
	char code[MAX_SEEN][64];
};

static int collect(void *ctx, const char *name, const char *data, size_t len,
		   enum sila_doc_status st, const char *code, const char *msg)
{
	struct seen *s = ctx;

	assert_non_null(name);
	assert_non_null(data);
	if (st != SILA_DOC_OK) {
		assert_non_null(code);
		assert_non_null(msg);
	}
	if (s->n < MAX_SEEN) {
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		memset(&s->data[s->n], 0, sizeof(s->data[0]));
		add(&s->data[s->n], data, len);
		add(&s->data[s->n], "", 1);
		s->data[s->n].n--;
		s->st[s->n] = st;
		snprintf(s->code[s->n], sizeof(s->code[0]), "%s", code ? code : "");
	}
	s->n++;
	return s->stop_at && (int)s->n == s->stop_at ? SILA_FATAL : SILA_OK;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n && i < MAX_SEEN; i++)
		free(s->data[i].p);
	memset(s, 0, sizeof(*s));
}

/* Expands a message built from entries. */
static int expand(const struct entry *e, size_t n, size_t max_parts, struct seen *s, char *err,
		  size_t errlen)
{
	size_t len;
	char *msg = build_ole(e, n, &len);
	int r;

	assert_true(sila_msg_sniff(msg, len));
	r = sila_msg_parts(msg, len, max_parts, collect, s, err, errlen);
	free(msg);
	return r;
}

static const char *text(const struct seen *s, size_t i)
{
	return (const char *)s->data[i].p;
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

/* ---- Compressed RTF ------------------------------------------------------------------ */

/* MS-OXRTFCP 3.1.1: literals and a reference into the preloaded dictionary. */
static const unsigned char rtf_example1[] = {
	0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7,
	0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20,
	0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f,
	0xa0,
};
static const char rtf_text1[] = "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n";

/* MS-OXRTFCP 3.1.2: a reference that reads the bytes it is writing. */
static const unsigned char rtf_example2[] = {
	0x1a, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xe2, 0xd4, 0x4b, 0x51,
	0x41, 0x00, 0x04, 0x20, 0x57, 0x58, 0x59, 0x5a, 0x0d, 0x6e, 0x7d, 0x01, 0x0e, 0xb0,
};
static const char rtf_text2[] = "{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}";

/* A message with a subject and the given PidTagRtfCompressed bytes; the RTF part's index. */
static int rtf_message(const void *rtf, size_t n, struct seen *s)
{
	struct bytes p = props(32), subj = utf16("RTF");
	struct entry e[3];
	char err[128];
	int r;

	e[0] = (struct entry){ "__properties_version1.0", p.p, p.n };
	e[1] = (struct entry){ "__substg1.0_0037001F", subj.p, subj.n };
	e[2] = (struct entry){ "__substg1.0_10090102", rtf, n };
	r = expand(e, 3, 100, s, err, sizeof(err));
	free(p.p);
	free(subj.p);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->name[1], "body.rtf");
	return r;
}

static void test_rtf_spec_examples(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(rtf_message(rtf_example1, sizeof(rtf_example1), &s), SILA_OK);
	assert_int_equal(s.st[1], SILA_DOC_OK);
	assert_int_equal(s.data[1].n, sizeof(rtf_text1) - 1);
	assert_string_equal(text(&s, 1), rtf_text1);
	seen_free(&s);
	assert_int_equal(rtf_message(rtf_example2, sizeof(rtf_example2), &s), SILA_OK);
	assert_int_equal(s.st[1], SILA_DOC_OK);
	assert_string_equal(text(&s, 1), rtf_text2);
	seen_free(&s);
}

/* RTF stored as it is ("MELA"), and damaged forms of the compressed kind. */
static void test_rtf_stored_and_damaged(void **state)
{
	struct seen s = { 0 };
	unsigned char buf[64];
	struct bytes mela = { NULL, 0, 0 };

	(void)state;
	add32(&mela, 12 + 10);
	add32(&mela, 10);
	add(&mela, "MELA", 4);
	add32(&mela, 0);
	add(&mela, "{\\rtf1 hi}", 10);
	rtf_message(mela.p, mela.n, &s);
	assert_int_equal(s.st[1], SILA_DOC_OK);
	assert_string_equal(text(&s, 1), "{\\rtf1 hi}");
	seen_free(&s);
	free(mela.p);

	/* A wrong CRC: decompressed all the same, but reported. */
	memcpy(buf, rtf_example1, sizeof(rtf_example1));
	buf[12] ^= 0xFF;
	rtf_message(buf, sizeof(rtf_example1), &s);
	assert_int_equal(s.st[1], SILA_DOC_PARTIAL);
	assert_string_equal(s.code[1], "extraction-failed");
	assert_string_equal(text(&s, 1), rtf_text1);
	seen_free(&s);

	/* Cut short: the start comes out. */
	rtf_message(rtf_example1, 30, &s);
	assert_int_equal(s.st[1], SILA_DOC_PARTIAL);
	assert_true(s.data[1].n > 0 && s.data[1].n < sizeof(rtf_text1) - 1);
	assert_memory_equal(text(&s, 1), rtf_text1, s.data[1].n);
	seen_free(&s);

	/* An unknown compression type, and a header alone. */
	memcpy(buf, rtf_example1, sizeof(rtf_example1));
	memcpy(buf + 8, "ABCD", 4);
	rtf_message(buf, sizeof(rtf_example1), &s);
	assert_int_equal(s.st[1], SILA_DOC_PARTIAL);
	assert_int_equal(s.data[1].n, 0);
	seen_free(&s);
	rtf_message(rtf_example1, 10, &s);
	assert_int_equal(s.st[1], SILA_DOC_PARTIAL);
	seen_free(&s);

	/* RAWSIZE far beyond the data: what there is, and a warning; never more than RAWSIZE. */
	memcpy(buf, rtf_example1, sizeof(rtf_example1));
	buf[4] = 0xFF;
	buf[5] = 0xFF;
	buf[6] = 0xFF;
	buf[7] = 0x7F;
	rtf_message(buf, sizeof(rtf_example1), &s);
	assert_int_equal(s.st[1], SILA_DOC_PARTIAL);
	assert_string_equal(text(&s, 1), rtf_text1);
	seen_free(&s);
	memcpy(buf, rtf_example1, sizeof(rtf_example1));
	buf[4] = 5;
	rtf_message(buf, sizeof(rtf_example1), &s);
	assert_int_equal(s.data[1].n, 5);
	seen_free(&s);
}

/* ---- Messages -------------------------------------------------------------------------- */

static void test_message_parts(void **state)
{
	struct bytes p = props(32), ap0 = props(8), ap1 = props(8);
	struct bytes sender = utf16("Handl\xc3\xa4ggare"), smtp = utf16("h@exempel.example");
	struct bytes to = utf16("Registrator"), cc = utf16("Arkiv");
	struct bytes body = utf16("Text 19121212-1212\r\n"), html = utf16("<p>Text 20000101-2384</p>");
	struct bytes n1 = utf16("b.txt"), n3 = utf16("../../etc/passwd");
	struct entry e[16];
	struct seen s = { 0 };
	char err[128] = "";
	size_t k = 0;

	(void)state;
	prop(&p, 0x00390040, SENT);
	prop(&p, 0x3FDE0003, 1252);
	prop(&ap0, 0x37050003, 1);
	e[k++] = (struct entry){ "__properties_version1.0", p.p, p.n };
	e[k++] = (struct entry){ "__substg1.0_0037001E", "Beslut f\xf6r \xc5sa", 14 };
	e[k++] = (struct entry){ "__substg1.0_0C1A001F", sender.p, sender.n };
	e[k++] = (struct entry){ "__substg1.0_5D01001F", smtp.p, smtp.n };
	e[k++] = (struct entry){ "__substg1.0_0E04001F", to.p, to.n };
	e[k++] = (struct entry){ "__substg1.0_0E03001F", cc.p, cc.n };
	e[k++] = (struct entry){ "__substg1.0_1000001F", body.p, body.n };
	e[k++] = (struct entry){ "__substg1.0_1013001F", html.p, html.n };
	/* Attachments, listed out of order: #1 has a long name, #0 only an 8-bit short one. */
	e[k++] = (struct entry){ "__attach_version1.0_#00000001/__substg1.0_3707001F", n1.p, n1.n };
	e[k++] = (struct entry){ "__attach_version1.0_#00000001/__substg1.0_37010102", "tv\xc3\xa5", 4 };
	e[k++] = (struct entry){ "__attach_version1.0_#00000001/__properties_version1.0", ap1.p, ap1.n };
	e[k++] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_3704001E", "a.bin\0", 6 };
	e[k++] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_37010102", "\0\1\2", 3 };
	e[k++] = (struct entry){ "__attach_version1.0_#00000000/__properties_version1.0", ap0.p, ap0.n };
	/* #2: a name that would climb out of the container. */
	e[k++] = (struct entry){ "__attach_version1.0_#00000002/__substg1.0_3707001F", n3.p, n3.n };
	e[k++] = (struct entry){ "__attach_version1.0_#00000002/__substg1.0_37010102", "x", 1 };
	assert_int_equal(expand(e, k, 100, &s, err, sizeof(err)), SILA_OK);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.name[0], "message.txt");
	assert_string_equal(text(&s, 0),
			    "Outlook message\n"
			    "Subject: Beslut f\xc3\xb6r \xc3\x85sa\n"
			    "From: Handl\xc3\xa4ggare <h@exempel.example>\n"
			    "To: Registrator\n"
			    "Cc: Arkiv\n"
			    "Date: Thu, 01 Jan 2026 08:00:00 +0000\n"
			    "\n"
			    "Text 19121212-1212\r\n");
	assert_string_equal(s.name[1], "body.html");
	assert_string_equal(text(&s, 1), "<p>Text 20000101-2384</p>");
	assert_string_equal(s.name[2], "a.bin");
	assert_int_equal(s.data[2].n, 3);
	assert_memory_equal(s.data[2].p, "\0\1\2", 3);
	assert_string_equal(s.name[3], "b.txt");
	assert_string_equal(text(&s, 3), "tv\xc3\xa5");
	assert_null(strchr(s.name[4], '/'));
	assert_string_equal(s.name[4], ".._.._etc_passwd");
	for (size_t i = 0; i < s.n; i++)
		assert_int_equal(s.st[i], SILA_DOC_OK);
	seen_free(&s);
	free(p.p);
	free(ap0.p);
	free(ap1.p);
	free(sender.p);
	free(smtp.p);
	free(to.p);
	free(cc.p);
	free(body.p);
	free(html.p);
	free(n1.p);
	free(n3.p);
}

/* Without PidTagDisplayTo/Cc the recipients' storages give To and Cc. */
static void test_recipients(void **state)
{
	struct bytes p = props(32), r0 = props(8), r1 = props(8), r2 = props(8);
	struct bytes a = utf16("Anna"), b = utf16("bo@exempel.example"), c = utf16("Cilla");
	struct entry e[8];
	struct seen s = { 0 };
	char err[128];

	(void)state;
	prop(&r0, 0x0C150003, 1);
	prop(&r1, 0x0C150003, 1);
	prop(&r2, 0x0C150003, 2);
	e[0] = (struct entry){ "__properties_version1.0", p.p, p.n };
	e[1] = (struct entry){ "__recip_version1.0_#00000000/__properties_version1.0", r0.p, r0.n };
	e[2] = (struct entry){ "__recip_version1.0_#00000000/__substg1.0_3001001F", a.p, a.n };
	e[3] = (struct entry){ "__recip_version1.0_#00000001/__properties_version1.0", r1.p, r1.n };
	e[4] = (struct entry){ "__recip_version1.0_#00000001/__substg1.0_39FE001F", b.p, b.n };
	e[5] = (struct entry){ "__recip_version1.0_#00000002/__properties_version1.0", r2.p, r2.n };
	e[6] = (struct entry){ "__recip_version1.0_#00000002/__substg1.0_3001001F", c.p, c.n };
	e[7] = (struct entry){ "__substg1.0_1000001E", "Kropp", 5 };
	assert_int_equal(expand(e, 8, 100, &s, err, sizeof(err)), SILA_OK);
	assert_string_equal(text(&s, 0), "Outlook message\nTo: Anna; bo@exempel.example\nCc: Cilla\n\nKropp");
	seen_free(&s);
	free(p.p);
	free(r0.p);
	free(r1.p);
	free(r2.p);
	free(a.p);
	free(b.p);
	free(c.p);
}

/*
 * An attached message (a substorage with a 24-byte property header) comes
 * out as a .msg file of its own, with the 32-byte header of a top-level
 * message: it is recognised and expanded in turn, date and all.
 */
static void test_embedded_message(void **state)
{
	struct bytes p = props(32), ap = props(8), ip = props(24), iap = props(8);
	struct bytes subj = utf16("Ytter"), isubj = utf16("Inre \xc3\xa4rende"), ibody = utf16("Inne 20000101-2384");
	struct bytes iname = utf16("bilaga.txt"), dname = utf16("Inre \xc3\xa4rende");
	struct entry e[10];
	struct seen s = { 0 }, inner = { 0 };
	char err[128];

	(void)state;
	prop(&ap, 0x37050003, 5);
	prop(&ip, 0x00390040, SENT);
	e[0] = (struct entry){ "__properties_version1.0", p.p, p.n };
	e[1] = (struct entry){ "__substg1.0_0037001F", subj.p, subj.n };
	e[2] = (struct entry){ "__attach_version1.0_#00000000/__properties_version1.0", ap.p, ap.n };
	e[3] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_3001001F", dname.p, dname.n };
	e[4] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_3701000D/__properties_version1.0",
			       ip.p, ip.n };
	e[5] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_3701000D/__substg1.0_0037001F",
			       isubj.p, isubj.n };
	e[6] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_3701000D/__substg1.0_1000001F",
			       ibody.p, ibody.n };
	e[7] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_3701000D/"
			       "__attach_version1.0_#00000000/__substg1.0_3707001F", iname.p, iname.n };
	e[8] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_3701000D/"
			       "__attach_version1.0_#00000000/__substg1.0_37010102", "inneh\xc3\xa5ll", 9 };
	e[9] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_3701000D/"
			       "__attach_version1.0_#00000000/__properties_version1.0", iap.p, iap.n };
	assert_int_equal(expand(e, 10, 100, &s, err, sizeof(err)), SILA_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.name[1], "Inre \xc3\xa4rende.msg");
	assert_int_equal(s.st[1], SILA_DOC_OK);
	assert_true(sila_msg_sniff((const char *)s.data[1].p, s.data[1].n));
	assert_int_equal(sila_msg_parts((const char *)s.data[1].p, s.data[1].n, 100, collect, &inner,
					err, sizeof(err)),
			 SILA_OK);
	assert_int_equal(inner.n, 2);
	assert_string_equal(text(&inner, 0),
			    "Outlook message\nSubject: Inre \xc3\xa4rende\nDate: Thu, 01 Jan 2026 08:00:00 +0000\n\n"
			    "Inne 20000101-2384");
	assert_string_equal(inner.name[1], "bilaga.txt");
	assert_string_equal(text(&inner, 1), "inneh\xc3\xa5ll");
	seen_free(&inner);
	seen_free(&s);
	free(p.p);
	free(ap.p);
	free(ip.p);
	free(iap.p);
	free(subj.p);
	free(isubj.p);
	free(ibody.p);
	free(iname.p);
	free(dname.p);
}

/* The part limit: exactly max_parts parts, then SILA_WARN and "part limit reached". */
static void test_part_limit(void **state)
{
	struct bytes p = props(32), body = utf16("x");
	struct entry e[5];
	struct seen s = { 0 };
	char err[128] = "";

	(void)state;
	e[0] = (struct entry){ "__properties_version1.0", p.p, p.n };
	e[1] = (struct entry){ "__substg1.0_1000001F", body.p, body.n };
	e[2] = (struct entry){ "__substg1.0_10130102", "<p>x</p>", 8 };
	e[3] = (struct entry){ "__attach_version1.0_#00000000/__substg1.0_37010102", "a", 1 };
	e[4] = (struct entry){ "__attach_version1.0_#00000001/__substg1.0_37010102", "b", 1 };
	assert_int_equal(expand(e, 5, 100, &s, err, sizeof(err)), SILA_OK);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.name[2], "attachment-1");
	assert_string_equal(s.name[3], "attachment-2");
	seen_free(&s);
	assert_int_equal(expand(e, 5, 2, &s, err, sizeof(err)), SILA_WARN);
	assert_int_equal(s.n, 2);
	assert_string_equal(err, "part limit reached");
	seen_free(&s);
	err[0] = '\0';
	assert_int_equal(expand(e, 5, 0, &s, err, sizeof(err)), SILA_WARN);
	assert_int_equal(s.n, 0);
	assert_string_equal(err, "part limit reached");
	seen_free(&s);
	/* A callback that says stop is obeyed at once, and its value returned. */
	s.stop_at = 2;
	assert_int_equal(expand(e, 5, 100, &s, err, sizeof(err)), SILA_FATAL);
	assert_int_equal(s.n, 2);
	seen_free(&s);
	free(p.p);
	free(body.p);
}

static void test_sniff(void **state)
{
	struct entry doc[] = { { "WordDocument", "\xec\xa5", 2 } };
	struct entry props_only[] = { { "__properties_version1.0", "", 0 } };
	char junk[600], err[128];
	size_t len;
	char *ole;

	(void)state;
	assert_false(sila_msg_sniff("", 0));
	assert_false(sila_msg_sniff("From: a@b\n\nhej\n", 15));
	memset(junk, 0, sizeof(junk));
	memcpy(junk, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	assert_false(sila_msg_sniff(junk, sizeof(junk)));
	assert_int_equal(sila_msg_parts(junk, sizeof(junk), 10, collect, NULL, err, sizeof(err)),
			 SILA_FAILED);
	assert_true(strlen(err) > 0);
	ole = build_ole(doc, 1, &len);
	assert_false(sila_msg_sniff(ole, len));
	assert_int_equal(sila_msg_parts(ole, len, 10, collect, NULL, err, sizeof(err)), SILA_FAILED);
	assert_string_equal(err, "not an Outlook message");
	free(ole);
	ole = build_ole(props_only, 1, &len);
	assert_false(sila_msg_sniff(ole, len));
	free(ole);
}

/* Property streams shorter than their header, or with a half entry: no read past them. */
static void test_short_properties(void **state)
{
	struct bytes subj = utf16("Kort");
	struct entry e[3];
	struct seen s = { 0 };
	char err[128];

	(void)state;
	for (size_t n = 0; n < 60; n += 7) {
		static const unsigned char p[64] = { [32] = 0x40, [34] = 0x39, [40] = 1 };

		e[0] = (struct entry){ "__properties_version1.0", p, n };
		e[1] = (struct entry){ "__substg1.0_0037001F", subj.p, subj.n };
		e[2] = (struct entry){ "__attach_version1.0_#00000000/__properties_version1.0", p, n };
		assert_int_equal(expand(e, 3, 100, &s, err, sizeof(err)), SILA_OK);
		assert_non_null(strstr(text(&s, 0), "Subject: Kort\n"));
		seen_free(&s);
	}
	free(subj.p);
}

/* ---- The samples ------------------------------------------------------------------------- */

static void test_samples(void **state)
{
	struct seen s = { 0 };
	size_t len, dlen;
	char *msg = slurp("corpus/formats/ole2/underlag.msg", &len), err[128];
	char *docx = slurp("corpus/beslut-sekretess.docx", &dlen);
	static const char *const names[] = { "message.txt", "body.html", "body.rtf", "anteckning.txt",
					     "beslut-sekretess.docx" };

	(void)state;
	assert_true(sila_msg_sniff(msg, len));
	assert_int_equal(sila_msg_parts(msg, len, 100, collect, &s, err, sizeof(err)), SILA_OK);
	assert_int_equal(s.n, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(s.name[i], names[i]);
		assert_int_equal(s.st[i], SILA_DOC_OK);
	}
	assert_non_null(strstr(text(&s, 0), "Subject: Underlag i \xc3\xa4rende om bostadsanpassning\n"));
	assert_non_null(strstr(text(&s, 0), "personnummer 20000103-2390."));
	assert_non_null(strstr(text(&s, 2), "personnummer 20000103-2390."));
	assert_memory_equal(text(&s, 2), "{\\rtf1", 6);
	assert_int_equal(s.data[4].n, dlen);
	assert_memory_equal(s.data[4].p, docx, dlen);
	seen_free(&s);
	free(msg);
	free(docx);

	msg = slurp("corpus/formats/ole2/vidarebefordrat.msg", &len);
	assert_int_equal(sila_msg_parts(msg, len, 100, collect, &s, err, sizeof(err)), SILA_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.name[1], "Underlag i \xc3\xa4rende om bostadsanpassning.msg");
	seen_free(&s);
	free(msg);
}

/*
 * The samples damaged: cut at many lengths and with bytes overwritten at
 * pseudo-random places. Whatever comes out, nothing is read out of bounds
 * (ASan and UBSan check) and the return value is one parts.h allows.
 */
static void test_samples_damaged(void **state)
{
	static const char *const files[] = { "corpus/formats/ole2/underlag.msg",
					     "corpus/formats/ole2/vidarebefordrat.msg" };
	uint32_t seed = 4242;

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		size_t len;
		char *data = slurp(files[f], &len), *copy = malloc(len), err[256];

		assert_non_null(copy);
		for (int round = 0; round < 60; round++) {
			struct seen s = { 0 };
			size_t n = len;
			int r;

			memcpy(copy, data, len);
			if (round % 3 == 0) {
				n = len * (size_t)(round + 1) / 61;
			} else {
				for (int k = 0; k < 8; k++) {
					seed = seed * 1103515245u + 12345u;
					copy[512 + (seed >> 8) % (len - 512)] = (char)(seed >> 24);
				}
			}
			if (sila_msg_sniff(copy, n)) {
				r = sila_msg_parts(copy, n, 100, collect, &s, err, sizeof(err));
				assert_true(r == SILA_OK || r == SILA_WARN || r == SILA_FAILED);
			}
			seen_free(&s);
		}
		free(copy);
		free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtf_spec_examples),
		cmocka_unit_test(test_rtf_stored_and_damaged),
		cmocka_unit_test(test_message_parts),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_embedded_message),
		cmocka_unit_test(test_part_limit),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_short_properties),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_samples_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
