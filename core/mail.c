/*
 * mail.c - e-mail messages (RFC 5322 and MIME) and mbox files, with GMime 3.
 *
 * A message yields "headers.txt" (its decoded Subject, From, To, Cc and
 * Date), then every leaf of its MIME tree in document order: text bodies
 * converted to UTF-8 ("body.txt", "body.html"), attachments under their
 * decoded file names with the transfer encoding undone, a forwarded message
 * as one raw "forwarded.eml" for sila-unpack to expand in turn. An mbox
 * yields each of its messages as raw "message-N.eml". Everything stays in
 * memory.
 *
 * GMime is initialised on first use, once per process. g_mime_init itself
 * is not thread-safe, so it runs under g_once here: concurrent first calls
 * into this file are safe, but other code that calls g_mime_init directly
 * must not do so while a first call here may be under way. Nothing here
 * shuts GMime down. No GMime object outlives a call, so separate threads
 * may parse separate messages once GMime is initialised.
 */
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "parts.h"

/* The most bytes one decoded part may hold. */
#define PART_CAP ((size_t)256 << 20)

/* The deepest multipart nesting walked; deeper branches are left out. */
#define MAX_NESTING 64

/* How far the sniffers look for the end of the header block. */
#define SNIFF_WINDOW ((size_t)64 << 10)

/* The longest part name kept, in bytes. */
#define NAME_MAX_BYTES 255

/* One walk over a message's MIME tree and what it has emitted so far. */
struct walk {
	sila_part_fn fn;
	void *ctx;
	size_t max_parts;
	size_t nparts;         /* parts emitted */
	unsigned leaves;       /* leaves met, numbering unnamed parts */
	GHashTable *names;     /* names emitted, owned keys */
	GHashTable *suffix;    /* wanted name -> next suffix to try */
	struct sila_buf buf;   /* the part being decoded */
	int stopped;           /* no more parts: a limit or the callback */
	int cb_ret;            /* what the callback returned to stop, else SILA_OK */
	int limited;           /* max_parts was reached */
	char damage[200];      /* the first structural problem met, or "" */
};

/* Initialises GMime once per process. */
static void mail_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		g_mime_init();
		g_once_init_leave(&done, 1);
	}
}

/* Writes a message to err when there is room for one. */
static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

/* ---- Sniffing ---------------------------------------------------------- */

/* The header names whose presence marks a message; see strong_header. */
static const char *const known_headers[] = {
	"From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version",
	"Received", "Return-Path", "Content-Type",
};

/*
 * Whether the line [p, p + n) is a header field "Name: value": a name of
 * printable ASCII without a colon, optional blanks, then a colon. On
 * success *namelen is the name's length.
 */
static int header_line(const char *p, size_t n, size_t *namelen)
{
	size_t i = 0, k;

	while (i < n && i < 77 && (unsigned char)p[i] > 32 && (unsigned char)p[i] < 127 &&
	       p[i] != ':')
		i++;
	if (i == 0 || i >= n || i == 77)
		return 0;
	for (k = i; k < n && (p[k] == ' ' || p[k] == '\t'); k++)
		;
	if (k >= n || p[k] != ':')
		return 0;
	*namelen = i;
	return 1;
}

/*
 * Whether the bytes from p on start with an RFC 5322 header block: header
 * fields (folded continuation lines allowed) up to an empty line within
 * the sniff window, with at least two distinct known header names, one of
 * them other than Date and Content-Type, which HTTP shares. A known name
 * counts only when it starts with a capital letter, as mailers write them,
 * so that a YAML file with lower-case keys "from:" and "to:" is not mail.
 */
static int header_block(const char *p, size_t n)
{
	const size_t nknown = sizeof(known_headers) / sizeof(known_headers[0]);
	unsigned seen = 0, strong = 0, count = 0;
	size_t pos = 0, lines = 0;

	if (n > SNIFF_WINDOW)
		n = SNIFF_WINDOW;
	for (;;) {
		const char *nl = memchr(p + pos, '\n', n - pos);
		size_t end, namelen;

		if (!nl)
			return 0;
		end = (size_t)(nl - p);
		if (end > pos && p[end - 1] == '\r')
			end--;
		if (memchr(p + pos, '\0', end - pos))
			return 0;
		if (end == pos) {
			if (lines == 0) {
				pos = (size_t)(nl - p) + 1;
				continue;
			}
			break;
		}
		if (p[pos] == ' ' || p[pos] == '\t') {
			if (lines == 0)
				return 0;
		} else {
			if (!header_line(p + pos, end - pos, &namelen))
				return 0;
			for (size_t i = 0; i < nknown; i++) {
				if (strlen(known_headers[i]) != namelen ||
				    g_ascii_strncasecmp(p + pos, known_headers[i], namelen) != 0 ||
				    !(p[pos] >= 'A' && p[pos] <= 'Z') || (seen & (1u << i)))
					continue;
				seen |= 1u << i;
				count++;
				if (strcmp(known_headers[i], "Date") != 0 &&
				    strcmp(known_headers[i], "Content-Type") != 0)
					strong++;
			}
		}
		lines++;
		pos = (size_t)(nl - p) + 1;
	}
	return count >= 2 && strong >= 1;
}

int sila_mail_sniff(const char *data, size_t len)
{
	return data && header_block(data, len);
}

int sila_mbox_sniff(const char *data, size_t len)
{
	const char *nl;

	if (!data || len < 5 || memcmp(data, "From ", 5) != 0)
		return 0;
	nl = memchr(data, '\n', len < SNIFF_WINDOW ? len : SNIFF_WINDOW);
	if (!nl)
		return 0;
	return header_block(nl + 1, len - (size_t)(nl + 1 - data));
}

/* ---- Part names -------------------------------------------------------- */

/* A file name extension for a part without a name, from its content type. */
static const char *type_extension(GMimeContentType *ct)
{
	static const char *const map[][2] = {
		{ "text/plain", ".txt" }, { "text/html", ".html" }, { "text/csv", ".csv" },
		{ "text/calendar", ".ics" }, { "text/xml", ".xml" }, { "text/rtf", ".rtf" },
		{ "text/x-vcard", ".vcf" }, { "text/vcard", ".vcf" },
		{ "application/pdf", ".pdf" }, { "application/zip", ".zip" },
		{ "application/x-zip-compressed", ".zip" }, { "application/gzip", ".gz" },
		{ "application/x-gzip", ".gz" }, { "application/x-tar", ".tar" },
		{ "application/x-7z-compressed", ".7z" }, { "application/rtf", ".rtf" },
		{ "application/msword", ".doc" }, { "application/vnd.ms-excel", ".xls" },
		{ "application/vnd.ms-powerpoint", ".ppt" },
		{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx" },
		{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx" },
		{ "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx" },
		{ "application/vnd.oasis.opendocument.text", ".odt" },
		{ "application/vnd.oasis.opendocument.spreadsheet", ".ods" },
		{ "application/vnd.ms-outlook", ".msg" }, { "application/xml", ".xml" },
		{ "application/json", ".json" }, { "application/pkcs7-mime", ".p7m" },
		{ "application/x-pkcs7-mime", ".p7m" }, { "application/pgp-encrypted", ".pgp" },
		{ "message/rfc822", ".eml" }, { "image/jpeg", ".jpg" }, { "image/png", ".png" },
		{ "image/gif", ".gif" }, { "image/tiff", ".tif" },
	};
	const char *type = ct ? g_mime_content_type_get_media_type(ct) : NULL;
	const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;

	if (!type || !sub)
		return ".bin";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *slash = strchr(map[i][0], '/');
		size_t tl = (size_t)(slash - map[i][0]);

		if (strlen(type) == tl && g_ascii_strncasecmp(type, map[i][0], tl) == 0 &&
		    g_ascii_strcasecmp(sub, slash + 1) == 0)
			return map[i][1];
	}
	return g_ascii_strcasecmp(type, "text") == 0 ? ".txt" : ".bin";
}

/*
 * Makes a file name given in a message fit to be a member name: the last
 * path component only, control characters replaced, blanks trimmed, at
 * most NAME_MAX_BYTES bytes (keeping a short extension). Returns a new
 * string, or NULL when nothing usable is left.
 */
static char *clean_name(const char *raw)
{
	const char *base = raw, *p;
	char *s;
	size_t n, start = 0;

	if (!raw)
		return NULL;
	for (p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	s = g_strdup(base);
	for (char *q = s; *q; q++)
		if ((unsigned char)*q < 32 || *q == 127)
			*q = '_';
	n = strlen(s);
	while (start < n && s[start] == ' ')
		start++;
	while (n > start && s[n - 1] == ' ')
		n--;
	memmove(s, s + start, n - start);
	n -= start;
	s[n] = '\0';
	if (n > NAME_MAX_BYTES) {
		const char *dot = strrchr(s, '.');
		size_t extlen = dot && strlen(dot) <= 16 ? strlen(dot) : 0;
		size_t keep = NAME_MAX_BYTES - extlen;

		while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
			keep--;
		memmove(s + keep, s + n - extlen, extlen);
		n = keep + extlen;
		s[n] = '\0';
	}
	if (n == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
		g_free(s);
		return NULL;
	}
	return s;
}

/*
 * Returns a name no earlier part of this message has: want itself, or want
 * with "-2", "-3", ... before its extension. The walk keeps the next
 * suffix to try per wanted name, so many equal names cost little.
 */
static char *unique_name(struct walk *w, const char *want)
{
	const char *dot = strrchr(want, '.');
	size_t stem;
	gpointer next;
	unsigned k;

	if (!g_hash_table_contains(w->names, want))
		return g_strdup(want);
	if (!dot || dot == want)
		dot = want + strlen(want);
	stem = (size_t)(dot - want);
	next = g_hash_table_lookup(w->suffix, want);
	for (k = next ? GPOINTER_TO_UINT(next) : 2;; k++) {
		char *cand = g_strdup_printf("%.*s-%u%s", (int)stem, want, k, dot);

		if (!g_hash_table_contains(w->names, cand)) {
			g_hash_table_replace(w->suffix, g_strdup(want), GUINT_TO_POINTER(k + 1));
			return cand;
		}
		g_free(cand);
	}
}

/*
 * Passes one part to the callback under a unique form of want, counting it
 * against max_parts. Returns 0 to go on, -1 when the walk must stop.
 */
static int emit_part(struct walk *w, const char *want, const char *data, size_t len,
		     enum sila_doc_status st, const char *code, const char *msg)
{
	char *name;
	int r;

	if (w->stopped)
		return -1;
	if (w->nparts >= w->max_parts) {
		w->limited = 1;
		w->stopped = 1;
		return -1;
	}
	name = unique_name(w, want);
	g_hash_table_add(w->names, name);
	w->nparts++;
	r = w->fn(w->ctx, name, data ? data : "", len, st, code, msg);
	if (r != SILA_OK) {
		w->cb_ret = r;
		w->stopped = 1;
		return -1;
	}
	return 0;
}

/* Keeps the first structural problem met, for the return value's message. */
static void note_damage(struct walk *w, const char *msg)
{
	if (!w->damage[0])
		snprintf(w->damage, sizeof(w->damage), "%s", msg);
}

/* ---- Decoding ---------------------------------------------------------- */

/* Counts of the characters in base64 content, to notice damage. */
struct b64_check {
	size_t alpha;  /* characters of the base64 alphabet */
	size_t pad;    /* '=' */
	size_t bad;    /* anything else but white space */
	int after_pad; /* alphabet characters after padding */
};

/* Adds the n raw bytes at p to the counts. */
static void b64_scan(struct b64_check *c, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (g_ascii_isalnum(ch) || ch == '+' || ch == '/') {
			c->alpha++;
			if (c->pad)
				c->after_pad = 1;
		} else if (ch == '=') {
			c->pad++;
		} else if (!g_ascii_isspace(ch)) {
			c->bad++;
		}
	}
}

/* Whether base64 content was whole: a multiple of four, nothing foreign. */
static int b64_ok(const struct b64_check *c)
{
	return c->bad == 0 && !c->after_pad && c->pad <= 2 && (c->alpha + c->pad) % 4 == 0;
}

/* Whether a charset needs no conversion to reach UTF-8, or is not known at all. */
static int charset_is_utf8(const char *cs)
{
	return !cs || !*cs || g_ascii_strcasecmp(cs, "utf-8") == 0 ||
	       g_ascii_strcasecmp(cs, "utf8") == 0 || g_ascii_strcasecmp(cs, "us-ascii") == 0 ||
	       g_ascii_strcasecmp(cs, "ascii") == 0;
}

/* Appends filter output to the part buffer; 0, or -1 when the cap was reached. */
static int keep_output(struct walk *w, const char *p, size_t n)
{
	return sila_buf_add_upto(&w->buf, p, n) == SILA_OK ? 0 : -1;
}

/*
 * Decodes a leaf part's content into w->buf: the transfer encoding undone
 * (base64, quoted-printable, uuencode), and when charset is given the text
 * converted from it to UTF-8. Returns SILA_DOC_OK, or SILA_DOC_PARTIAL with
 * *code and *msg saying why when the content was damaged or cut.
 */
static enum sila_doc_status decode_leaf(struct walk *w, GMimePart *part, const char *charset,
					const char **code, const char **msg)
{
	GMimeDataWrapper *wrapper = g_mime_part_get_content(part);
	GMimeFilter *dec = NULL, *cs = NULL;
	GMimeContentEncoding enc;
	GMimeStream *stream;
	struct b64_check b64 = { 0, 0, 0, 0 };
	enum sila_doc_status st = SILA_DOC_OK;
	char chunk[65536];
	size_t raw_text = 0;
	ssize_t n;
	int cut = 0;

	sila_buf_reset(&w->buf);
	if (!wrapper || !(stream = g_mime_data_wrapper_get_stream(wrapper)))
		return SILA_DOC_OK;
	enc = g_mime_data_wrapper_get_encoding(wrapper);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE)
		dec = g_mime_filter_basic_new(enc, FALSE);
	if (!charset_is_utf8(charset)) {
		const char *from = charset, *canon = g_mime_charset_canon_name(charset);

		/* Mail marked ISO-8859-1 is in practice often Windows-1252, a superset. */
		if (canon && g_ascii_strcasecmp(canon, "iso-8859-1") == 0)
			from = "windows-1252";
		cs = g_mime_filter_charset_new(from, "UTF-8");
	}
	if (g_mime_stream_reset(stream) != 0) {
		*code = "extraction-failed";
		*msg = "cannot read the part";
		st = SILA_DOC_PARTIAL;
		goto out;
	}
	while (!cut && (n = g_mime_stream_read(stream, chunk, sizeof(chunk))) > 0) {
		char *p = chunk, *q;
		size_t len = (size_t)n, qlen, pre;

		for (size_t i = 0; i < len && raw_text == 0; i++)
			if (!g_ascii_isspace(chunk[i]))
				raw_text = 1;
		if (enc == GMIME_CONTENT_ENCODING_BASE64)
			b64_scan(&b64, p, len);
		if (dec) {
			g_mime_filter_filter(dec, p, len, 0, &q, &qlen, &pre);
			p = q;
			len = qlen;
		}
		if (cs) {
			g_mime_filter_filter(cs, p, len, 0, &q, &qlen, &pre);
			p = q;
			len = qlen;
		}
		cut = keep_output(w, p, len) != 0;
	}
	if (n < 0 && !cut) {
		*code = "extraction-failed";
		*msg = "cannot read the part";
		st = SILA_DOC_PARTIAL;
	}
	if (!cut) {
		char empty[1] = "";
		char *p = empty, *q;
		size_t len = 0, qlen, pre;

		if (dec) {
			g_mime_filter_complete(dec, p, len, 0, &q, &qlen, &pre);
			p = q;
			len = qlen;
		}
		if (cs) {
			g_mime_filter_complete(cs, p, len, 0, &q, &qlen, &pre);
			p = q;
			len = qlen;
		}
		cut = keep_output(w, p, len) != 0;
	}
	if (cut) {
		*code = "limit-exceeded";
		*msg = "decoded part size limit reached (256 MiB)";
		st = SILA_DOC_PARTIAL;
	} else if (st == SILA_DOC_OK && enc == GMIME_CONTENT_ENCODING_BASE64 && !b64_ok(&b64)) {
		*code = "extraction-failed";
		*msg = "base64 content is damaged or truncated";
		st = SILA_DOC_PARTIAL;
	} else if (st == SILA_DOC_OK && (enc == GMIME_CONTENT_ENCODING_BASE64 ||
					 enc == GMIME_CONTENT_ENCODING_UUENCODE) &&
		   raw_text && w->buf.len == 0) {
		*code = "extraction-failed";
		*msg = "encoded content could not be decoded";
		st = SILA_DOC_PARTIAL;
	}
out:
	if (dec)
		g_object_unref(dec);
	if (cs)
		g_object_unref(cs);
	return st;
}

/* ---- The MIME tree ----------------------------------------------------- */

/* The file name a part gives itself (Content-Disposition, else Content-Type), decoded. */
static const char *object_filename(GMimeObject *obj)
{
	const char *name = g_mime_object_get_content_disposition_parameter(obj, "filename");

	if (!name || !*name)
		name = g_mime_object_get_content_type_parameter(obj, "name");
	return name && *name ? name : NULL;
}

/* Whether the content type is type/subtype, any of the subtypes listed (NULL-ended). */
static int type_is(GMimeContentType *ct, const char *type, const char *const *subs)
{
	const char *t = ct ? g_mime_content_type_get_media_type(ct) : NULL;
	const char *s = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;

	if (!t || !s || g_ascii_strcasecmp(t, type) != 0)
		return 0;
	for (; *subs; subs++)
		if (g_ascii_strcasecmp(s, *subs) == 0)
			return 1;
	return 0;
}

/*
 * Whether an S/MIME application/pkcs7-mime part is encrypted: its
 * smime-type says so; without one, its DER content type is looked at
 * (enveloped data is OID 1.2.840.113549.1.7.3, authenticated-enveloped
 * data 1.2.840.113549.1.9.16.1.23), and when that does not tell either,
 * encrypted is taken, as it is by far the most common kind.
 */
static int pkcs7_encrypted(GMimeObject *obj, const char *data, size_t len)
{
	static const unsigned char oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07 };
	static const unsigned char oid_auth[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
						  0x01, 0x09, 0x10, 0x01, 0x17 };
	const char *type = g_mime_object_get_content_type_parameter(obj, "smime-type");
	size_t lim = len < 32 ? len : 32;

	if (type)
		return g_ascii_strcasecmp(type, "enveloped-data") == 0 ||
		       g_ascii_strcasecmp(type, "authEnveloped-data") == 0;
	for (size_t i = 0; i + sizeof(oid) < lim; i++) {
		if (memcmp(data + i, oid, sizeof(oid)) == 0)
			return (unsigned char)data[i + sizeof(oid)] == 3;
		if (i + sizeof(oid_auth) <= lim && memcmp(data + i, oid_auth, sizeof(oid_auth)) == 0)
			return 1;
	}
	return 1;
}

/* The name a leaf part goes by: its own file name, or one from its role. */
static char *leaf_name(struct walk *w, GMimeObject *obj)
{
	static const char *const plain[] = { "plain", NULL };
	static const char *const html[] = { "html", NULL };
	static const char *const pgpsig[] = { "pgp-signature", NULL };
	static const char *const p7sig[] = { "pkcs7-signature", "x-pkcs7-signature", NULL };
	static const char *const tnef[] = { "ms-tnef", "vnd.ms-tnef", NULL };
	static const char *const p7m[] = { "pkcs7-mime", "x-pkcs7-mime", NULL };
	static const char *const rfc822[] = { "rfc822", "rfc2822", "global", "news", NULL };
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);
	char *name = clean_name(object_filename(obj));

	if (type_is(ct, "application", pgpsig)) {
		g_free(name);
		return g_strdup("signature.asc");
	}
	if (type_is(ct, "application", p7sig)) {
		g_free(name);
		return g_strdup("signature.p7s");
	}
	if (name)
		return name;
	if (!disp || g_ascii_strcasecmp(disp, "attachment") != 0) {
		if (type_is(ct, "text", plain)) {
			return g_strdup("body.txt");
		}
		if (type_is(ct, "text", html)) {
			return g_strdup("body.html");
		}
	}
	if (type_is(ct, "application", tnef))
		return g_strdup("winmail.dat");
	if (type_is(ct, "application", p7m))
		return g_strdup("smime.p7m");
	if (type_is(ct, "message", rfc822))
		return g_strdup("forwarded.eml");
	return g_strdup_printf("part-%u%s", w->leaves, type_extension(ct));
}

/*
 * Emits one leaf part: decoded, text converted to UTF-8, an encrypted
 * S/MIME body marked unscannable. Returns 0 to go on, -1 to stop.
 */
static int walk_leaf(struct walk *w, GMimeObject *obj)
{
	static const char *const p7m[] = { "pkcs7-mime", "x-pkcs7-mime", NULL };
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *code = NULL, *msg = NULL, *charset = NULL;
	enum sila_doc_status st;
	char *name;
	int r;

	w->leaves++;
	name = leaf_name(w, obj);
	if (ct && g_ascii_strcasecmp(g_mime_content_type_get_media_type(ct), "text") == 0)
		charset = g_mime_content_type_get_parameter(ct, "charset");
	st = decode_leaf(w, (GMimePart *)obj, charset, &code, &msg);
	if (type_is(ct, "application", p7m) && pkcs7_encrypted(obj, w->buf.data, w->buf.len)) {
		st = SILA_DOC_UNSCANNABLE;
		code = "encrypted";
		msg = "S/MIME encrypted part";
	}
	r = emit_part(w, name, w->buf.data, w->buf.len, st, code, msg);
	g_free(name);
	return r;
}

/* Emits a forwarded message (message/rfc822) as one part holding the message's bytes. */
static int walk_message_part(struct walk *w, GMimeObject *obj)
{
	GMimeMessage *msg = g_mime_message_part_get_message((GMimeMessagePart *)obj);
	char *name = clean_name(object_filename(obj));
	enum sila_doc_status st = SILA_DOC_OK;
	const char *code = NULL, *why = NULL;
	GMimeStream *mem;
	GByteArray *bytes;
	size_t len;
	int r;

	w->leaves++;
	mem = g_mime_stream_mem_new();
	if (msg && g_mime_object_write_to_stream((GMimeObject *)msg, NULL, mem) < 0) {
		st = SILA_DOC_PARTIAL;
		code = "extraction-failed";
		why = "cannot write the forwarded message";
	}
	bytes = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
	len = bytes ? bytes->len : 0;
	if (len > PART_CAP) {
		len = PART_CAP;
		st = SILA_DOC_PARTIAL;
		code = "limit-exceeded";
		why = "decoded part size limit reached (256 MiB)";
	}
	r = emit_part(w, name ? name : "forwarded.eml", bytes ? (const char *)bytes->data : "",
		      len, st, code, why);
	g_object_unref(mem);
	g_free(name);
	return r;
}

/* Emits the encrypted payload of a multipart/encrypted as one unscannable part. */
static int walk_encrypted(struct walk *w, GMimeMultipart *mp)
{
	GMimeObject *payload = g_mime_multipart_get_count(mp) > 1 ? g_mime_multipart_get_part(mp, 1) : NULL;
	const char *code = NULL, *msg = NULL;
	char *name = NULL;
	int r;

	w->leaves++;
	sila_buf_reset(&w->buf);
	if (payload && GMIME_IS_PART(payload)) {
		decode_leaf(w, (GMimePart *)payload, NULL, &code, &msg);
		name = clean_name(object_filename(payload));
	}
	r = emit_part(w, name ? name : "encrypted.asc", w->buf.data, w->buf.len,
		      SILA_DOC_UNSCANNABLE, "encrypted", "encrypted message part");
	g_free(name);
	return r;
}

/*
 * Walks the MIME tree below obj in document order, emitting its leaves.
 * Multipart nesting deeper than MAX_NESTING is left out and noted.
 * Returns 0 to go on, -1 to stop.
 */
static int walk_object(struct walk *w, GMimeObject *obj, unsigned depth)
{
	if (!obj)
		return 0;
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj))
		return walk_encrypted(w, (GMimeMultipart *)obj);
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = (GMimeMultipart *)obj;
		int count = g_mime_multipart_get_count(mp);

		if (depth >= MAX_NESTING) {
			note_damage(w, "MIME nesting limit reached");
			return 0;
		}
		if (count == 0) {
			/*
			 * A multipart whose boundary never came holds its
			 * content as prologue: pass that on rather than lose it.
			 */
			const char *pro = g_mime_multipart_get_prologue(mp);

			w->leaves++;
			if (pro && *pro) {
				char *name = g_strdup_printf("part-%u.txt", w->leaves);
				int r = emit_part(w, name, pro, strlen(pro), SILA_DOC_PARTIAL,
						  "extraction-failed", "multipart without parts");

				g_free(name);
				return r;
			}
			return 0;
		}
		for (int i = 0; i < count; i++)
			if (walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1) != 0)
				return -1;
		return 0;
	}
	if (GMIME_IS_MESSAGE_PART(obj))
		return walk_message_part(w, obj);
	if (GMIME_IS_PART(obj))
		return walk_leaf(w, obj);
	return 0;
}

/* Appends "Name: value" to the header text, with line breaks in value made blanks. */
static void add_header_line(struct sila_buf *b, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	sila_buf_adds(b, name);
	sila_buf_adds(b, ": ");
	for (const char *p = value; *p; p++)
		sila_buf_addc(b, *p == '\r' || *p == '\n' || *p == '\t' ? ' ' : *p);
	sila_buf_addc(b, '\n');
}

/* Appends an address header, decoded; the raw value decoded as text when it does not parse. */
static void add_address_line(struct sila_buf *b, GMimeParserOptions *opts, GMimeMessage *m,
			     const char *name, InternetAddressList *list)
{
	const char *raw = g_mime_object_get_header((GMimeObject *)m, name);
	char *s = NULL;

	if (list && internet_address_list_length(list) > 0)
		s = internet_address_list_to_string(list, NULL, FALSE);
	else if (raw)
		s = g_mime_utils_header_decode_text(opts, raw);
	add_header_line(b, name, s);
	g_free(s);
}

/* Emits "headers.txt": the decoded Subject, From, To, Cc and Date. */
static int emit_headers(struct walk *w, GMimeParserOptions *opts, GMimeMessage *m)
{
	sila_buf_reset(&w->buf);
	add_header_line(&w->buf, "Subject", g_mime_message_get_subject(m));
	add_address_line(&w->buf, opts, m, "From", g_mime_message_get_from(m));
	add_address_line(&w->buf, opts, m, "To", g_mime_message_get_to(m));
	add_address_line(&w->buf, opts, m, "Cc", g_mime_message_get_cc(m));
	add_header_line(&w->buf, "Date", g_mime_object_get_header((GMimeObject *)m, "Date"));
	return emit_part(w, "headers.txt", w->buf.data, w->buf.len, SILA_DOC_OK, NULL, NULL);
}

/* Notes the parser's reports that mean content was lost or may be misread. */
static void on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
			      gpointer user_data)
{
	struct walk *w = user_data;

	(void)offset;
	(void)item;
	switch (code) {
	case GMIME_WARN_MALFORMED_MULTIPART:
		note_damage(w, "malformed multipart: a boundary is missing");
		break;
	case GMIME_WARN_TRUNCATED_MESSAGE:
		note_damage(w, "message is truncated");
		break;
	case GMIME_WARN_MALFORMED_MESSAGE:
		note_damage(w, "message is malformed");
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		note_damage(w, "multipart without a boundary");
		break;
	case GMIME_CRIT_NESTING_OVERFLOW:
		note_damage(w, "MIME nesting limit reached");
		break;
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		note_damage(w, "MIME part without headers or content");
		break;
	default:
		break;
	}
}

/* The result of a walk as parts.h defines it, with err set for a warning. */
static int walk_result(const struct walk *w, char *err, size_t errlen)
{
	if (w->cb_ret != SILA_OK)
		return w->cb_ret;
	if (w->limited) {
		set_err(err, errlen, "part limit reached");
		return SILA_WARN;
	}
	if (w->damage[0]) {
		set_err(err, errlen, w->damage);
		return SILA_WARN;
	}
	return SILA_OK;
}

int sila_mail_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		    void *ctx, char *err, size_t errlen)
{
	static const char *fallback[] = { "UTF-8", "windows-1252", NULL };
	struct walk w;
	GMimeParserOptions *opts;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *m;
	int ret;

	set_err(err, errlen, "");
	if (!data || len == 0) {
		set_err(err, errlen, "empty message");
		return SILA_FAILED;
	}
	mail_init();
	memset(&w, 0, sizeof(w));
	w.fn = fn;
	w.ctx = ctx;
	w.max_parts = max_parts;
	sila_buf_init(&w.buf, PART_CAP);
	w.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	w.suffix = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	g_mime_parser_options_set_warning_callback(opts, on_parser_warning, &w);

	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(parser, opts);
	g_object_unref(parser);
	if (!m) {
		set_err(err, errlen, "not a MIME message");
		ret = SILA_FAILED;
	} else {
		if (emit_headers(&w, opts, m) == 0)
			walk_object(&w, g_mime_message_get_mime_part(m), 0);
		ret = walk_result(&w, err, errlen);
		g_object_unref(m);
	}
	g_object_unref(stream);
	/* The message's header list refers to opts, so they go last. */
	g_mime_parser_options_free(opts);
	g_hash_table_destroy(w.names);
	g_hash_table_destroy(w.suffix);
	sila_buf_release(&w.buf);
	return ret;
}

/* ---- mbox -------------------------------------------------------------- */

/* The end of the line starting at pos: the offset after its '\n', or len. */
static size_t line_end(const char *data, size_t len, size_t pos)
{
	const char *nl = memchr(data + pos, '\n', len - pos);

	return nl ? (size_t)(nl - data) + 1 : len;
}

/* Whether the line [pos, end) holds nothing but its line break. */
static int blank_line(const char *data, size_t pos, size_t end)
{
	size_t n = end - pos;

	return n == 0 || (n == 1 && data[pos] == '\n') ||
	       (n == 2 && data[pos] == '\r' && data[pos + 1] == '\n');
}

/*
 * Whether the line at pos separates messages: it starts with "From ", the
 * line before it is blank (or there is none) and the line after it is a
 * header field. Message bodies with an unquoted "From " line are not split.
 */
static int mbox_separator(const char *data, size_t len, size_t pos, int prev_blank)
{
	size_t end, next_end, namelen;

	if (!prev_blank || len - pos < 5 || memcmp(data + pos, "From ", 5) != 0)
		return 0;
	end = line_end(data, len, pos);
	if (end >= len)
		return 0;
	next_end = line_end(data, len, end);
	return header_line(data + end, next_end - end, &namelen);
}

/*
 * Copies the message [start, end) into b with mboxrd quoting undone: a
 * line of one or more '>' followed by "From " loses one '>'. The blank
 * line that ended the message in the mbox is left out.
 */
static int mbox_unquote(struct sila_buf *b, const char *data, size_t start, size_t end)
{
	size_t pos = start;

	sila_buf_reset(b);
	/* The separating blank line belongs to the mbox, not the message. */
	if (end - start >= 2 && data[end - 1] == '\n' && data[end - 2] == '\n')
		end--;
	else if (end - start >= 4 && memcmp(data + end - 4, "\r\n\r\n", 4) == 0)
		end -= 2;
	while (pos < end) {
		size_t le = line_end(data, end, pos), q = pos;

		while (q < le && data[q] == '>')
			q++;
		if (q > pos && le - q >= 5 && memcmp(data + q, "From ", 5) == 0)
			pos++;
		if (sila_buf_add_upto(b, data + pos, le - pos) != SILA_OK)
			return -1;
		pos = le;
	}
	return 0;
}

int sila_mbox_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		    void *ctx, char *err, size_t errlen)
{
	struct sila_buf b = SILA_BUF_INIT(PART_CAP);
	size_t pos, start, n = 0;
	int ret = SILA_OK;

	set_err(err, errlen, "");
	if (!data || len < 5 || memcmp(data, "From ", 5) != 0) {
		set_err(err, errlen, "not an mbox: no \"From \" line at the start");
		return SILA_FAILED;
	}
	pos = line_end(data, len, 0);
	start = pos;
	while (start < len || n == 0) {
		int prev_blank = 0, r;
		enum sila_doc_status st = SILA_DOC_OK;
		char name[64];
		size_t next = len;

		/* Find the next separator line, or the end of the mbox. */
		while (pos < len) {
			size_t le = line_end(data, len, pos);

			if (mbox_separator(data, len, pos, prev_blank)) {
				next = pos;
				break;
			}
			prev_blank = blank_line(data, pos, le);
			pos = le;
		}
		if (n >= max_parts) {
			set_err(err, errlen, "part limit reached");
			ret = SILA_WARN;
			break;
		}
		if (mbox_unquote(&b, data, start, next) != 0)
			st = SILA_DOC_PARTIAL;
		snprintf(name, sizeof(name), "message-%zu.eml", ++n);
		r = fn(ctx, name, b.data ? b.data : "", b.len, st,
		       st == SILA_DOC_OK ? NULL : "limit-exceeded",
		       st == SILA_DOC_OK ? NULL : "message size limit reached (256 MiB)");
		if (r != SILA_OK) {
			ret = r;
			break;
		}
		if (next >= len)
			break;
		pos = line_end(data, len, next);
		start = pos;
	}
	sila_buf_release(&b);
	return ret;
}
