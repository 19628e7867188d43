/*
 * test_mail.c - unit tests for core/mail.c: the mail and mbox sniffers and
 * the parts a message or an mbox yields (names, order, decoded bytes,
 * statuses), on messages written here and on the samples in
 * corpus/formats/mail/ (the tests run from the repository root).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "parts.h"
#include "status.h"

#define MAX_REC 64

/* One part as the callback saw it. */
struct rec_part {
	char *name;
	char *data;
	size_t len;
	enum sila_doc_status st;
	char code[32];
};

/* What a run of the callback recorded; stop_at > 0 makes call number stop_at stop. */
struct rec {
	struct rec_part p[MAX_REC];
	size_t n;        /* parts recorded */
	size_t calls;    /* calls made, recorded or not */
	size_t stop_at;
	int stop_ret;
};

static int record(void *ctx, const char *name, const char *data, size_t len,
		  enum sila_doc_status st, const char *code, const char *msg)
{
	struct rec *r = ctx;

	(void)msg;
	r->calls++;
	assert_non_null(name);
	assert_non_null(data);
	if (st != SILA_DOC_OK)
		assert_non_null(code);
	if (r->n < MAX_REC) {
		struct rec_part *p = &r->p[r->n++];

		p->name = strdup(name);
		p->data = malloc(len + 1);
		assert_non_null(p->name);
		assert_non_null(p->data);
		memcpy(p->data, data, len);
		p->data[len] = '\0';
		p->len = len;
		p->st = st;
		snprintf(p->code, sizeof(p->code), "%s", code ? code : "");
	}
	if (r->stop_at && r->calls == r->stop_at)
		return r->stop_ret;
	return SILA_OK;
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->p[i].name);
		free(r->p[i].data);
	}
	memset(r, 0, sizeof(*r));
}

/* Runs sila_mail_parts on a C string; returns its result, err filled. */
static int mail(const char *msg, struct rec *r, size_t max_parts, char *err, size_t errlen)
{
	return sila_mail_parts(msg, strlen(msg), max_parts, record, r, err, errlen);
}

/* Fails unless the recorded part names are exactly those listed (NULL-ended). */
static void expect_names(const struct rec *r, const char *const *names)
{
	size_t i = 0;

	for (; names[i]; i++) {
		if (i >= r->n)
			fail_msg("part %zu: expected \"%s\", got nothing", i, names[i]);
		if (strcmp(r->p[i].name, names[i]) != 0)
			fail_msg("part %zu: expected \"%s\", got \"%s\"", i, names[i], r->p[i].name);
	}
	if (i != r->n)
		fail_msg("expected %zu parts, got %zu (next \"%s\")", i, r->n, r->p[i].name);
}

/* The recorded part called name, failing the test when there is none. */
static const struct rec_part *part(const struct rec *r, const char *name)
{
	static const struct rec_part none = { NULL, NULL, 0, SILA_DOC_OK, "" };

	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->p[i].name, name) == 0)
			return &r->p[i];
	fail_msg("no part \"%s\"", name);
	return &none;
}

/* Reads a whole file into a new buffer; fails the test when it cannot. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct sila_buf b = SILA_BUF_INIT(16u << 20);
	char chunk[65536];
	size_t n;

	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(sila_buf_add(&b, chunk, n), SILA_OK);
	fclose(f);
	return sila_buf_detach(&b, len);
}

/* ---- Sniffers ---------------------------------------------------------- */

static void test_sniff_positive(void **state)
{
	static const char *const yes[] = {
		"From: a@example.se\nTo: b@example.com\nSubject: hej\n\nbody\n",
		"Received: from x\n\tby y; Thu, 1 Jan 2026 00:00:00 +0000\n"
		"Message-ID: <1@example.se>\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n\n",
		"\r\n\r\nFrom: a@example.se\r\nSubject: folded\r\n  over two lines\r\n\r\nbody",
		"X-Mailer: test\nMIME-Version: 1.0\nContent-Type: text/plain\n\n",
		"FROM: a@example.se\nSUBJECT: shouting\n\n",
		"Subject : obsolete spacing\nFrom: a@example.se\n\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!sila_mail_sniff(yes[i], strlen(yes[i])))
			fail_msg("not sniffed as mail: case %zu", i);
		assert_int_equal(sila_mbox_sniff(yes[i], strlen(yes[i])), 0);
		assert_int_equal(sila_parts_sniff(yes[i], strlen(yes[i])), SILA_PARTS_MAIL);
	}
	{
		const char *mbox = "From a@example.se Thu Jan  1 00:00:00 2026\n"
				   "From: a@example.se\nTo: b@example.com\n\nhej\n";

		assert_int_equal(sila_mbox_sniff(mbox, strlen(mbox)), 1);
		assert_int_equal(sila_mail_sniff(mbox, strlen(mbox)), 0);
		assert_int_equal(sila_parts_sniff(mbox, strlen(mbox)), SILA_PARTS_MBOX);
	}
}

static void test_sniff_negative(void **state)
{
	static const char *const no[] = {
		"",
		"just some text\nwith: a colon\n\nand more\n",
		/* CSV */
		"Name,From,To,Subject\nAnna,a@example.se,b@example.com,hej\n\n",
		/* an HTTP response: a status line, and no empty line in the dump */
		"HTTP/1.1 200 OK\r\nDate: Thu, 1 Jan 2026 00:00:00 GMT\r\nContent-Type: text/html\r\n",
		/* header lines without the empty line that ends a header block */
		"From: a@example.se\nTo: b@example.com\nSubject: no end\n",
		/* HTTP-like headers with the empty line: only Date and Content-Type are known */
		"Date: Thu, 1 Jan 2026 00:00:00 GMT\nContent-Type: text/html\nServer: x\n\n<html>",
		/* one known header only */
		"Subject: lonely\nX-Other: 1\n\nbody\n",
		/* YAML: lower-case keys, a document marker, lists */
		"---\nfrom: a\nto: b\nsubject: c\n\nitems:\n  - x\n",
		"from: a\nto: b\nsubject: c\n\nother: d\n",
		"title: Doc\ndate: 2026-01-01\n\nbody: text\n",
		/* source code */
		"#include <stdio.h>\nint main(void) { return 0; }\n\n",
		"from email import policy\nimport sys\n\nprint(sys.argv)\n",
		"Subject: x\nFrom: y\n continuation\nnot a header line\n\n",
		/* a continuation line first */
		" From: a@example.se\nTo: b@example.com\n\n",
		/* an mbox separator is not a header */
		"From a@example.se Thu Jan  1 00:00:00 2026\nFrom: a@example.se\nTo: b\n\n",
	};
	static const char nul[] = "From: a@example.se\nTo: b\0c\nSubject: x\n\n";
	static const char *const no_mbox[] = {
		"From here on, we meet weekly.\nSecond line.\n",
		"From a@example.se\n",
		"From: a@example.se\nTo: b@example.com\n\n",
		"From a@example.se Thu Jan  1 00:00:00 2026\nnot headers\n\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (sila_mail_sniff(no[i], strlen(no[i])))
			fail_msg("sniffed as mail: case %zu", i);
	assert_int_equal(sila_mail_sniff(nul, sizeof(nul) - 1), 0);
	assert_int_equal(sila_mail_sniff(NULL, 0), 0);
	for (size_t i = 0; i < sizeof(no_mbox) / sizeof(no_mbox[0]); i++)
		if (sila_mbox_sniff(no_mbox[i], strlen(no_mbox[i])))
			fail_msg("sniffed as mbox: case %zu", i);
	assert_int_equal(sila_mbox_sniff(NULL, 0), 0);
}

/* The header block must end within the first 64 KB. */
static void test_sniff_window(void **state)
{
	struct sila_buf b = SILA_BUF_INIT(0);
	size_t len;
	char *s;

	(void)state;
	sila_buf_adds(&b, "From: a@example.se\nTo: b@example.com\n");
	while (b.len < 70000)
		sila_buf_adds(&b, "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
	sila_buf_adds(&b, "\nbody\n");
	s = sila_buf_detach(&b, &len);
	assert_int_equal(sila_mail_sniff(s, len), 0);
	free(s);
}

/* ---- Messages ---------------------------------------------------------- */

/* A plain message: RFC 2047 B and Q words, an ISO-8859-1 quoted-printable body. */
static void test_plain_latin1_qp(void **state)
{
	static const char msg[] =
		"From: =?UTF-8?B?w4VzYSDDlmJlcmc=?= <asa@example.se>\n"
		"To: =?ISO-8859-1?Q?B=F6rje?= <borje@example.com>\n"
		"Cc: c@example.com\n"
		"Subject: =?UTF-8?Q?=C3=84rende_19121212-1212?=\n"
		"Date: Thu, 1 Jan 2026 09:15:00 +0100\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=ISO-8859-1\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"H=E4r =E4r en l=E5ng rad som =\n"
		"forts=E4tter. =D6re.\n";
	static const char *const names[] = { "headers.txt", "body.txt", NULL };
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(mail(msg, &r, 100, err, sizeof(err)), SILA_OK);
	expect_names(&r, names);
	assert_string_equal(r.p[0].data,
			    "Subject: \xc3\x84rende 19121212-1212\n"
			    "From: \xc3\x85sa \xc3\x96" "berg <asa@example.se>\n"
			    "To: B\xc3\xb6rje <borje@example.com>\n"
			    "Cc: c@example.com\n"
			    "Date: Thu, 1 Jan 2026 09:15:00 +0100\n");
	assert_string_equal(r.p[1].data,
			    "H\xc3\xa4r \xc3\xa4r en l\xc3\xa5ng rad som forts\xc3\xa4tter. \xc3\x96re.\n");
	assert_int_equal(r.p[1].st, SILA_DOC_OK);
	rec_free(&r);
}

/* Base64 bodies, Windows-1252 and UTF-16 converted to UTF-8, unknown charsets left alone. */
static void test_charsets(void **state)
{
	static const char msg[] =
		"From: a@example.se\nTo: b@example.com\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
		"SGVqIMOlw6TDtg==\n"
		"--B\nContent-Type: text/plain; charset=windows-1252\n"
		"Content-Transfer-Encoding: quoted-printable\n\n5 =80 =E5\n"
		"--B\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n"
		"//5IAGUAagAgAOUA\n"
		"--B\nContent-Type: text/plain; charset=x-no-such-charset\n\nraw \xe5\n"
		"--B\nContent-Type: text/html; charset=iso-8859-1\n\n<p>\xe5\xe4\xf6</p>\n"
		"--B--\n";
	static const char *const names[] = {
		"headers.txt", "body.txt", "body-2.txt", "body-3.txt", "body-4.txt", "body.html", NULL
	};
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(mail(msg, &r, 100, err, sizeof(err)), SILA_OK);
	expect_names(&r, names);
	assert_string_equal(r.p[1].data, "Hej \xc3\xa5\xc3\xa4\xc3\xb6");
	assert_string_equal(r.p[2].data, "5 \xe2\x82\xac \xc3\xa5");
	assert_string_equal(r.p[3].data, "Hej \xc3\xa5");
	assert_string_equal(r.p[4].data, "raw \xe5");
	assert_string_equal(r.p[5].data, "<p>\xc3\xa5\xc3\xa4\xc3\xb6</p>");
	rec_free(&r);
}

/*
 * Attachment names: RFC 2231 and RFC 2047 encoded, missing (part-N plus an
 * extension), repeated (made unique), with a path (stripped); bytes decoded
 * from base64 and uuencode, attachments left as raw bytes.
 */
static void test_attachment_names(void **state)
{
	static const char msg[] =
		"From: a@example.se\nTo: b@example.com\nSubject: bilagor\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"X\"\n\n"
		"preamble is not a part\n"
		"--X\nContent-Type: multipart/alternative; boundary=\"A\"\n\n"
		"--A\nContent-Type: text/plain\n\ntext body\n"
		"--A\nContent-Type: text/html\n\n<p>html body</p>\n"
		"--A--\n"
		"--X\nContent-Type: application/octet-stream\n"
		"Content-Disposition: attachment;\n filename*=utf-8''beslut-%C3%A5%C3%A4%C3%B6.docx\n"
		"Content-Transfer-Encoding: base64\n\nUEsDBA==\n"
		"--X\nContent-Type: application/pdf; name=\"=?UTF-8?Q?r=C3=A4kning.pdf?=\"\n"
		"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQ=\n"
		"--X\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERg==\n"
		"--X\nContent-Type: text/plain; name=\"a.txt\"\n\nfirst\n"
		"--X\nContent-Type: text/plain; name=\"a.txt\"\n\nsecond\n"
		"--X\nContent-Type: text/plain; name=\"a-2.txt\"\n\nthird\n"
		"--X\nContent-Type: text/plain\nContent-Disposition: attachment\n\nno name\n"
		"--X\nContent-Type: text/plain; name=\"../../etc/passwd\"\n\nroot\n"
		"--X\nContent-Type: text/plain; name=\"C:\\\\Temp\\\\notes\"\n\nwindows\n"
		"--X\nContent-Type: application/octet-stream; name=\"hej.txt\"\n"
		"Content-Transfer-Encoding: x-uuencode\n\n"
		"begin 644 hej.txt\n$2&5J\"@``\n`\nend\n"
		"--X\nContent-Type: application/x-unknown\n\nzz\n"
		"--X--\n";
	static const char *const names[] = {
		"headers.txt", "body.txt", "body.html", "beslut-\xc3\xa5\xc3\xa4\xc3\xb6.docx",
		"r\xc3\xa4kning.pdf", "part-5.pdf", "a.txt", "a-2.txt", "a-2-2.txt", "part-9.txt",
		"passwd", "notes", "hej.txt", "part-13.bin", NULL
	};
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(mail(msg, &r, 100, err, sizeof(err)), SILA_OK);
	expect_names(&r, names);
	assert_int_equal(part(&r, "beslut-\xc3\xa5\xc3\xa4\xc3\xb6.docx")->len, 4);
	assert_memory_equal(part(&r, "beslut-\xc3\xa5\xc3\xa4\xc3\xb6.docx")->data, "PK\3\4", 4);
	assert_string_equal(part(&r, "r\xc3\xa4kning.pdf")->data, "%PDF-1.4");
	assert_string_equal(part(&r, "a.txt")->data, "first");
	assert_string_equal(part(&r, "a-2.txt")->data, "second");
	assert_string_equal(part(&r, "a-2-2.txt")->data, "third");
	assert_string_equal(part(&r, "hej.txt")->data, "Hej\n");
	assert_string_equal(part(&r, "body.txt")->data, "text body");
	rec_free(&r);
}

/* A forwarded message is one part holding the message's bytes, not expanded here. */
static void test_forwarded(void **state)
{
	static const char inner[] =
		"From: c@example.se\nTo: d@example.com\nSubject: inner\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"I\"\n\n"
		"--I\nContent-Type: text/plain\n\ninner body 19121212-1212\n"
		"--I\nContent-Type: application/pdf; name=\"inner.pdf\"\n"
		"Content-Transfer-Encoding: base64\n\nJVBERg==\n"
		"--I--\n";
	static const char *const names[] = {
		"headers.txt", "body.txt", "forwarded.eml", "Vidare.eml", NULL
	};
	struct sila_buf b = SILA_BUF_INIT(0);
	struct rec r = { 0 }, r2 = { 0 };
	char err[128];

	(void)state;
	sila_buf_adds(&b, "From: a@example.se\nTo: b@example.com\nSubject: VB\nMIME-Version: 1.0\n"
		      "Content-Type: multipart/mixed; boundary=\"O\"\n\n"
		      "--O\nContent-Type: text/plain\n\nsee below\n"
		      "--O\nContent-Type: message/rfc822\n\n");
	sila_buf_adds(&b, inner);
	sila_buf_adds(&b, "--O\nContent-Type: message/rfc822\n"
		      "Content-Disposition: attachment; filename=\"Vidare.eml\"\n\n");
	sila_buf_adds(&b, inner);
	sila_buf_adds(&b, "--O--\n");
	assert_int_equal(mail(b.data, &r, 100, err, sizeof(err)), SILA_OK);
	expect_names(&r, names);
	assert_int_equal(r.p[2].len, strlen(inner));
	assert_memory_equal(r.p[2].data, inner, strlen(inner));
	assert_int_equal(r.p[3].st, SILA_DOC_OK);

	/* The forwarded part, parsed in turn, is a mail of its own. */
	assert_int_equal(sila_parts_sniff(r.p[2].data, r.p[2].len), SILA_PARTS_MAIL);
	assert_int_equal(sila_mail_parts(r.p[2].data, r.p[2].len, 100, record, &r2, err,
					 sizeof(err)), SILA_OK);
	{
		static const char *const inner_names[] = {
			"headers.txt", "body.txt", "inner.pdf", NULL
		};

		expect_names(&r2, inner_names);
	}
	rec_free(&r2);
	rec_free(&r);
	sila_buf_release(&b);
}

/* Encrypted parts are unscannable with code "encrypted"; signatures and TNEF pass. */
static void test_encrypted_signed_tnef(void **state)
{
	static const char msg[] =
		"From: a@example.se\nTo: b@example.com\nSubject: krypto\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"X\"\n\n"
		"--X\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";"
		" boundary=\"E\"\n\n"
		"--E\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
		"--E\nContent-Type: application/octet-stream\n\n"
		"-----BEGIN PGP MESSAGE-----\nhQEMA\n-----END PGP MESSAGE-----\n"
		"--E--\n"
		"--X\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\n"
		"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6A=\n"
		"--X\nContent-Type: application/pkcs7-mime\nContent-Transfer-Encoding: base64\n\n"
		"MIAGCSqGSIb3DQEHA6A=\n"
		"--X\nContent-Type: application/pkcs7-mime; name=signed.p7m\n"
		"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHAqA=\n"
		"--X\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\";"
		" micalg=pgp-sha256; boundary=\"S\"\n\n"
		"--S\nContent-Type: text/plain\n\nsigned text\n"
		"--S\nContent-Type: application/pgp-signature\n\n"
		"-----BEGIN PGP SIGNATURE-----\nwsB\n-----END PGP SIGNATURE-----\n"
		"--S--\n"
		"--X\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
		" micalg=sha-256; boundary=\"T\"\n\n"
		"--T\nContent-Type: text/plain\n\nsmime signed\n"
		"--T\nContent-Type: application/pkcs7-signature; name=smime.p7s\n"
		"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHAqA=\n"
		"--T--\n"
		"--X\nContent-Type: application/ms-tnef\nContent-Transfer-Encoding: base64\n\n"
		"eJ8+IgAA\n"
		"--X--\n";
	static const char *const names[] = {
		"headers.txt", "encrypted.asc", "smime.p7m", "smime-2.p7m", "signed.p7m",
		"body.txt", "signature.asc", "body-2.txt", "signature.p7s", "winmail.dat", NULL
	};
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(mail(msg, &r, 100, err, sizeof(err)), SILA_OK);
	expect_names(&r, names);
	for (size_t i = 1; i <= 3; i++) {
		assert_int_equal(r.p[i].st, SILA_DOC_UNSCANNABLE);
		assert_string_equal(r.p[i].code, "encrypted");
	}
	assert_non_null(strstr(r.p[1].data, "BEGIN PGP MESSAGE"));
	assert_int_equal(part(&r, "signed.p7m")->st, SILA_DOC_OK);
	assert_string_equal(part(&r, "body.txt")->data, "signed text");
	assert_int_equal(part(&r, "signature.asc")->st, SILA_DOC_OK);
	assert_int_equal(part(&r, "winmail.dat")->len, 6);
	assert_memory_equal(part(&r, "winmail.dat")->data, "\x78\x9f\x3e\x22\0\0", 6);
	rec_free(&r);
}

/*
 * A damaged message: a mistyped boundary (its part runs on in the one
 * before), base64 cut off mid-line, no end boundary. What can be read
 * comes out; the cut part is partial and the result a warning.
 */
static void test_malformed(void **state)
{
	static const char msg[] =
		"From: a@example.se\nTo: b@example.com\nSubject: trasig\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"G\"\n\n"
		"--G\nContent-Type: text/plain\n\nfirst part\n"
		"--H\nContent-Type: text/plain\n\nsecond part\n"
		"--G\nContent-Type: text/plain; name=\"lista.txt\"\n"
		"Content-Transfer-Encoding: base64\n\n"
		"MTkxMjEyMTItMTIxMiBBbm5hCjE5MTIxMjEyLTE";
	static const char *const names[] = { "headers.txt", "body.txt", "lista.txt", NULL };
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(mail(msg, &r, 100, err, sizeof(err)), SILA_WARN);
	assert_string_equal(err, "message is truncated");
	expect_names(&r, names);
	assert_non_null(strstr(r.p[1].data, "first part"));
	assert_non_null(strstr(r.p[1].data, "second part"));
	assert_int_equal(r.p[1].st, SILA_DOC_OK);
	assert_int_equal(r.p[2].st, SILA_DOC_PARTIAL);
	assert_string_equal(r.p[2].code, "extraction-failed");
	assert_string_equal(r.p[2].data, "19121212-1212 Anna\n19121212");
	rec_free(&r);
}

/* A multipart without a boundary keeps its content: it comes out as a partial part. */
static void test_no_boundary(void **state)
{
	static const char msg[] =
		"From: a@example.se\nTo: b@example.com\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed\n\ncontent 19121212-1212\n";
	static const char *const names[] = { "headers.txt", "part-1.txt", NULL };
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(mail(msg, &r, 100, err, sizeof(err)), SILA_WARN);
	expect_names(&r, names);
	assert_int_equal(r.p[1].st, SILA_DOC_PARTIAL);
	assert_non_null(strstr(r.p[1].data, "19121212-1212"));
	rec_free(&r);
}

/* A message that is not one at all fails; so does nothing. */
static void test_unparseable(void **state)
{
	static const char bin[] = "\0\1\2\3binary\xff\xfe";
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(sila_mail_parts(bin, sizeof(bin) - 1, 100, record, &r, err, sizeof(err)),
			 SILA_FAILED);
	assert_true(err[0] != '\0');
	assert_int_equal(sila_mail_parts("", 0, 100, record, &r, err, sizeof(err)), SILA_FAILED);
	assert_int_equal(r.calls, 0);
	rec_free(&r);
}

/* max_parts caps the parts emitted; the callback can stop the walk. */
static void test_limits_and_stop(void **state)
{
	static const char msg[] =
		"From: a@example.se\nTo: b@example.com\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"X\"\n\n"
		"--X\nContent-Type: text/plain\n\none\n"
		"--X\nContent-Type: text/plain\n\ntwo\n"
		"--X\nContent-Type: text/plain\n\nthree\n"
		"--X\nContent-Type: text/plain\n\nfour\n"
		"--X--\n";
	static const char *const three[] = { "headers.txt", "body.txt", "body-2.txt", NULL };
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(mail(msg, &r, 3, err, sizeof(err)), SILA_WARN);
	assert_string_equal(err, "part limit reached");
	expect_names(&r, three);
	rec_free(&r);

	assert_int_equal(mail(msg, &r, 5, err, sizeof(err)), SILA_OK);
	assert_int_equal(r.n, 5);
	rec_free(&r);

	assert_int_equal(mail(msg, &r, 0, err, sizeof(err)), SILA_WARN);
	assert_int_equal(r.calls, 0);
	rec_free(&r);

	r.stop_at = 2;
	r.stop_ret = SILA_FAILED;
	assert_int_equal(mail(msg, &r, 100, err, sizeof(err)), SILA_FAILED);
	assert_int_equal(r.calls, 2);
	rec_free(&r);
}

/* 10000 nested multiparts: no crash, no unbounded recursion, a warning. */
static void test_nesting_bomb(void **state)
{
	enum { DEPTH = 10000 };
	struct sila_buf b = SILA_BUF_INIT(0);
	struct rec r = { 0 };
	char err[128], line[96];
	clock_t t0 = clock();

	(void)state;
	sila_buf_adds(&b, "From: a@example.se\nTo: b@example.com\nSubject: bomb\nMIME-Version: 1.0\n"
		      "Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
	for (int i = 1; i < DEPTH; i++) {
		snprintf(line, sizeof(line), "--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n",
			 i - 1, i);
		sila_buf_adds(&b, line);
	}
	snprintf(line, sizeof(line), "--b%d\nContent-Type: text/plain\n\ndeep\n", DEPTH - 1);
	sila_buf_adds(&b, line);
	for (int i = DEPTH - 1; i >= 0; i--) {
		snprintf(line, sizeof(line), "--b%d--\n", i);
		sila_buf_adds(&b, line);
	}
	assert_int_equal(sila_mail_parts(b.data, b.len, 100, record, &r, err, sizeof(err)), SILA_WARN);
	assert_non_null(strstr(err, "nesting"));
	assert_true(r.n >= 1);
	assert_string_equal(r.p[0].name, "headers.txt");
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 30.0);
	rec_free(&r);
	sila_buf_release(&b);
}

/* ---- mbox -------------------------------------------------------------- */

static void test_mbox(void **state)
{
	static const char mbox[] =
		"From a@example.se Thu Jan  1 00:00:00 2026\n"
		"From: a@example.se\nTo: b@example.com\nSubject: one\n\nfirst\n\n"
		"From b@example.se Fri Jan  2 00:00:00 2026\n"
		"From: b@example.se\nTo: a@example.com\nSubject: two\n\n"
		">From the minutes\n>>From nested\nFrom here, unquoted and not a separator\n"
		"\nFrom the notes, after a blank line\nstill the body\n\n"
		"From c@example.se Sat Jan  3 00:00:00 2026\r\n"
		"From: c@example.se\r\nTo: a@example.com\r\nSubject: three\r\n\r\nthird\r\n";
	static const char *const names[] = { "message-1.eml", "message-2.eml", "message-3.eml", NULL };
	struct rec r = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(sila_mbox_parts(mbox, sizeof(mbox) - 1, 100, record, &r, err, sizeof(err)),
			 SILA_OK);
	expect_names(&r, names);
	assert_string_equal(r.p[0].data, "From: a@example.se\nTo: b@example.com\nSubject: one\n\nfirst\n");
	assert_string_equal(r.p[1].data,
			    "From: b@example.se\nTo: a@example.com\nSubject: two\n\n"
			    "From the minutes\n>From nested\nFrom here, unquoted and not a separator\n"
			    "\nFrom the notes, after a blank line\nstill the body\n");
	assert_string_equal(r.p[2].data,
			    "From: c@example.se\r\nTo: a@example.com\r\nSubject: three\r\n\r\nthird\r\n");
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(sila_parts_sniff(r.p[i].data, r.p[i].len), SILA_PARTS_MAIL);
	rec_free(&r);

	assert_int_equal(sila_mbox_parts(mbox, sizeof(mbox) - 1, 2, record, &r, err, sizeof(err)),
			 SILA_WARN);
	assert_string_equal(err, "part limit reached");
	assert_int_equal(r.n, 2);
	rec_free(&r);

	r.stop_at = 1;
	r.stop_ret = SILA_FATAL;
	assert_int_equal(sila_mbox_parts(mbox, sizeof(mbox) - 1, 100, record, &r, err, sizeof(err)),
			 SILA_FATAL);
	assert_int_equal(r.calls, 1);
	rec_free(&r);

	assert_int_equal(sila_mbox_parts("not an mbox", 11, 100, record, &r, err, sizeof(err)),
			 SILA_FAILED);
	assert_int_equal(r.calls, 0);
	rec_free(&r);
}

/* ---- The samples in corpus/formats/mail -------------------------------- */

/* Runs the expander sila_parts_sniff picks on a sample file. */
static int sample(const char *name, struct rec *r, char *err, size_t errlen)
{
	char path[256];
	size_t len;
	char *data;
	int ret;

	snprintf(path, sizeof(path), "corpus/formats/mail/%s", name);
	data = slurp(path, &len);
	ret = sila_parts_expand(sila_parts_sniff(data, len), data, len, 1000, record, r,
				err, errlen);
	free(data);
	return ret;
}

static void test_corpus_samples(void **state)
{
	static const char *const enkel[] = { "headers.txt", "body.txt", NULL };
	static const char *const bilagor[] = {
		"headers.txt", "body.txt", "body.html", "beslut-\xc3\xa5\xc3\xa4\xc3\xb6.docx",
		"protokoll-sida2.pdf", "arkiv.zip", NULL
	};
	static const char *const vidare[] = { "headers.txt", "body.txt", "forwarded.eml", NULL };
	static const char *const korg[] = { "message-1.eml", "message-2.eml", "message-3.eml", NULL };
	static const char *const trasig[] = { "headers.txt", "body.txt", "lista.txt", NULL };
	static const char *const krypt[] = { "headers.txt", "body.txt", "hemlig.zip", NULL };
	struct rec r = { 0 };
	char err[128];
	size_t len;
	char *orig;

	(void)state;
	assert_int_equal(sample("enkel.eml", &r, err, sizeof(err)), SILA_OK);
	expect_names(&r, enkel);
	assert_non_null(strstr(r.p[0].data, "Subject: \xc3\x84rende 20011121-2387"));
	assert_non_null(strstr(r.p[1].data, "V\xc3\xa4xj\xc3\xb6"));
	assert_non_null(strstr(r.p[1].data, "20021106-2385"));
	rec_free(&r);

	assert_int_equal(sample("bilagor.eml", &r, err, sizeof(err)), SILA_OK);
	expect_names(&r, bilagor);
	orig = slurp("corpus/beslut-sekretess.docx", &len);
	assert_int_equal(r.p[3].len, len);
	assert_memory_equal(r.p[3].data, orig, len);
	free(orig);
	orig = slurp("corpus/protokoll-sida2.pdf", &len);
	assert_int_equal(r.p[4].len, len);
	assert_memory_equal(r.p[4].data, orig, len);
	free(orig);
	orig = slurp("corpus/arkiv.zip", &len);
	assert_int_equal(r.p[5].len, len);
	assert_memory_equal(r.p[5].data, orig, len);
	free(orig);
	rec_free(&r);

	assert_int_equal(sample("vidarebefordrat.eml", &r, err, sizeof(err)), SILA_OK);
	expect_names(&r, vidare);
	orig = slurp("corpus/formats/mail/bilagor.eml", &len);
	assert_int_equal(r.p[2].len, len);
	assert_memory_equal(r.p[2].data, orig, len);
	free(orig);
	rec_free(&r);

	assert_int_equal(sample("korg.mbox", &r, err, sizeof(err)), SILA_OK);
	expect_names(&r, korg);
	assert_non_null(strstr(r.p[1].data, "\nFrom the minutes: 20050922-2394"));
	rec_free(&r);

	assert_int_equal(sample("trasig.eml", &r, err, sizeof(err)), SILA_WARN);
	expect_names(&r, trasig);
	assert_int_equal(r.p[2].st, SILA_DOC_PARTIAL);
	assert_non_null(strstr(r.p[2].data, "20080808-2390"));
	rec_free(&r);

	assert_int_equal(sample("krypterad-bilaga.eml", &r, err, sizeof(err)), SILA_OK);
	expect_names(&r, krypt);
	assert_memory_equal(r.p[2].data, "PK\3\4", 4);
	rec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff_positive),
		cmocka_unit_test(test_sniff_negative),
		cmocka_unit_test(test_sniff_window),
		cmocka_unit_test(test_plain_latin1_qp),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_attachment_names),
		cmocka_unit_test(test_forwarded),
		cmocka_unit_test(test_encrypted_signed_tnef),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_no_boundary),
		cmocka_unit_test(test_unparseable),
		cmocka_unit_test(test_limits_and_stop),
		cmocka_unit_test(test_nesting_bomb),
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_corpus_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
