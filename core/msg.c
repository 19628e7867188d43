/*
 * msg.c - Outlook .msg files (MS-OXMSG): an OLE2 compound file whose
 * streams hold a message's properties, with a storage per recipient and
 * per attachment.
 *
 * A message yields the parts "message.txt" (the headers as Subject, From,
 * To, Cc and Date lines, a blank line, the plain-text body), "body.html"
 * and "body.rtf" when the message has those bodies (the RTF decompressed
 * from MS-OXRTFCP's LZFu form), then each attachment under its own name.
 * An attached message (a substorage) is written out as an .msg file of its
 * own, which sila-unpack expands in turn. libgsf reads and writes the
 * compound files; every length in the property streams and the compressed
 * RTF is checked before it is used.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input.h>
#include <gsf/gsf-outfile-msole.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-output-memory.h>
#include <gsf/gsf-output.h>

#include "buf.h"
#include "cfb.h"
#include "parts.h"

/* The deepest nesting of storages copied into an attached message. */
#define COPY_DEPTH 16
/* The longest attachment name kept, in bytes. */
#define NAME_MAX_LEN 200

static const unsigned char ole_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

/* Where a message's __properties_version1.0 entries begin: top level, attached, other. */
enum { HDR_TOP = 32, HDR_EMBEDDED = 24, HDR_OTHER = 8 };

/* MAPI property ids used here. */
enum {
	PR_SUBJECT = 0x0037, PR_CLIENT_SUBMIT_TIME = 0x0039, PR_SENDER_NAME = 0x0C1A,
	PR_SENDER_EMAIL = 0x0C1F, PR_RECIPIENT_TYPE = 0x0C15, PR_DISPLAY_CC = 0x0E03,
	PR_DISPLAY_TO = 0x0E04, PR_DELIVERY_TIME = 0x0E06, PR_BODY = 0x1000,
	PR_RTF_COMPRESSED = 0x1009, PR_HTML = 0x1013, PR_DISPLAY_NAME = 0x3001,
	PR_EMAIL_ADDRESS = 0x3003, PR_CREATION_TIME = 0x3007, PR_ATTACH_DATA = 0x3701,
	PR_ATTACH_FILENAME = 0x3704, PR_ATTACH_LONG_FILENAME = 0x3707,
	PR_SMTP_ADDRESS = 0x39FE, PR_SENDER_SMTP = 0x5D01, PR_INTERNET_CPID = 0x3FDE,
	PR_MESSAGE_CODEPAGE = 0x3FFD
};

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One expansion: the callback, the limits and what went wrong. */
struct msg {
	sila_part_fn fn;
	void *ctx;
	size_t max_parts, nparts;
	size_t budget;        /* bytes that may still be read from streams */
	size_t cap;           /* the most bytes any one buffer may hold */
	int stop;             /* what the callback returned to stop, or SILA_OK */
	int limit;            /* the part limit was reached */
	int damaged;
	char why[200];        /* the first damage met */
};

static void damage(struct msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void damage(struct msg *m, const char *fmt, ...)
{
	va_list ap;

	if (m->damaged++)
		return;
	va_start(ap, fmt);
	vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
}

/*
 * Hands one part to the callback, unless the part limit or an earlier stop
 * says otherwise. Returns nonzero when expansion must end.
 */
static int emit(struct msg *m, const char *name, const char *data, size_t len,
		enum sila_doc_status st, const char *code, const char *why)
{
	int r;

	if (m->stop != SILA_OK || m->limit)
		return 1;
	if (m->nparts >= m->max_parts) {
		m->limit = 1;
		return 1;
	}
	m->nparts++;
	r = m->fn(m->ctx, name, data ? data : "", len, st, code, why);
	if (r != SILA_OK) {
		m->stop = r;
		return 1;
	}
	return 0;
}

/* ---- Reading the compound file --------------------------------------------- */

/*
 * Reads the stream name of dir into b (emptied first). Returns 1 when read
 * whole, 0 when there is no such stream (or it is a storage), -1 when only
 * part could be read. The bytes read count against the message's budget,
 * so that streams sharing sectors cannot multiply the work.
 */
static int get_stream(struct msg *m, GsfInfile *dir, const char *name, struct sila_buf *b)
{
	int broken = 0;
	GsfInput *in = sila_cfb_child(dir, name, &broken);
	size_t want;
	int over, ret = 1;

	sila_buf_reset(b);
	if (!in) {
		if (!broken)
			return 0;
		damage(m, "stream %s is damaged", name);
		return -1;
	}
	if (GSF_IS_INFILE(in) && gsf_infile_num_children(GSF_INFILE(in)) >= 0) {
		g_object_unref(in);
		return 0;
	}
	want = sila_cfb_size(in, m->budget, &over);
	if (over) {
		damage(m, "the message's streams add up to more than the file");
		ret = -1;
	}
	if (sila_buf_grow(b, want) != SILA_OK) {
		g_object_unref(in);
		damage(m, "a stream is too large");
		return -1;
	}
	b->len = sila_cfb_read(in, b->data, want);
	if (b->len < want) {
		damage(m, "stream %s cannot be read whole", name);
		ret = -1;
	}
	b->data[b->len] = '\0';
	m->budget -= b->len;
	g_object_unref(in);
	return ret;
}

/*
 * Appends n bytes in Windows code page cp to b as UTF-8, stopping at a NUL.
 * Code pages are named for iconv here more plainly than in ole2.c: one
 * iconv does not know (such as 10000, Mac Roman, named "CP10000") is read
 * as Windows-1252.
 */
static int cp_to_buf(unsigned cp, const unsigned char *p, size_t n, struct sila_buf *b)
{
	char name[32];

	if (cp == 1200)
		return sila_cfb_utf16_to_buf(p, n, b);
	if (cp == 65001)
		snprintf(name, sizeof(name), "UTF-8");
	else if (cp >= 28591 && cp <= 28606)
		snprintf(name, sizeof(name), "ISO-8859-%u", cp - 28590);
	else if (cp == 20127)
		snprintf(name, sizeof(name), "ASCII");
	else
		snprintf(name, sizeof(name), "CP%u", cp ? cp : 1252);
	return sila_cfb_charset_to_buf(name, p, n, b);
}

/*
 * Appends the string property id of dir to out as UTF-8: the Unicode form
 * (type 001F) if there is one, else the 8-bit form (001E) in code page cp.
 * Returns 1 when something was appended.
 */
static int get_string(struct msg *m, GsfInfile *dir, unsigned id, unsigned cp, struct sila_buf *out)
{
	struct sila_buf raw = SILA_BUF_INIT(m->cap);
	char name[40];
	size_t before = out->len;

	snprintf(name, sizeof(name), "__substg1.0_%04X001F", id);
	if (get_stream(m, dir, name, &raw) != 0) {
		sila_cfb_utf16_to_buf((const unsigned char *)raw.data, raw.len, out);
	} else {
		snprintf(name, sizeof(name), "__substg1.0_%04X001E", id);
		if (get_stream(m, dir, name, &raw) != 0)
			cp_to_buf(cp, (const unsigned char *)raw.data, raw.len, out);
	}
	sila_buf_release(&raw);
	return out->len > before;
}

/* The fixed-size properties of one object (message, recipient, attachment). */
struct props {
	struct sila_buf b;
	size_t hdr;
};

static void props_load(struct msg *m, GsfInfile *dir, size_t hdr, struct props *p)
{
	sila_buf_init(&p->b, m->cap);
	p->hdr = hdr;
	get_stream(m, dir, "__properties_version1.0", &p->b);
}

/* Finds the 8-byte value of the property with tag (id << 16 | type); 1 when found. */
static int props_get(const struct props *p, uint32_t tag, uint64_t *v)
{
	const unsigned char *d = (const unsigned char *)p->b.data;

	for (size_t at = p->hdr; p->b.len >= 16 && at <= p->b.len - 16; at += 16)
		if (rd32(d + at) == tag) {
			*v = (uint64_t)rd32(d + at + 8) | (uint64_t)rd32(d + at + 12) << 32;
			return 1;
		}
	return 0;
}

/* The code page of the message's 8-bit strings. */
static unsigned props_codepage(const struct props *p)
{
	uint64_t v;

	if (props_get(p, (uint32_t)PR_INTERNET_CPID << 16 | 0x0003, &v) && v && v < 65536)
		return (unsigned)v;
	if (props_get(p, (uint32_t)PR_MESSAGE_CODEPAGE << 16 | 0x0003, &v) && v && v < 65536)
		return (unsigned)v;
	return 1252;
}

/* Formats a FILETIME as an RFC 5322 date in UTC; 0 when it is out of range. */
static int format_date(uint64_t ft, char *buf, size_t n)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					      "Aug", "Sep", "Oct", "Nov", "Dec" };
	const uint64_t epoch = 11644473600ULL; /* seconds from 1601 to 1970 */
	uint64_t secs = ft / 10000000;
	time_t t;
	struct tm tm;

	if (secs < epoch || secs - epoch > 253402300799ULL) /* up to the year 9999 */
		return 0;
	t = (time_t)(secs - epoch);
	if (!gmtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return 0;
	snprintf(buf, n, "%s, %02d %s %d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 1;
}

/* Appends "Key: value\n" when value is not empty; a line break in the value becomes a space. */
static void add_header(struct sila_buf *out, const char *key, const struct sila_buf *value)
{
	size_t mark;

	if (!value->len)
		return;
	sila_buf_adds(out, key);
	sila_buf_adds(out, ": ");
	mark = out->len;
	sila_buf_add(out, value->data, value->len);
	for (size_t i = mark; i < out->len; i++)
		if (out->data[i] == '\r' || out->data[i] == '\n')
			out->data[i] = ' ';
	sila_buf_addc(out, '\n');
}

/* The recipients of one type (1 To, 2 Cc) from the recipient storages, "; "-separated. */
static void recipients(struct msg *m, GsfInfile *dir, uint64_t want, unsigned cp, struct sila_buf *out)
{
	int n = gsf_infile_num_children(dir), broken = 0;
	size_t first = out->len;

	for (int i = 0; i < n; i++) {
		const char *name = gsf_infile_name_by_index(dir, i);
		GsfInput *c;
		struct props p;
		uint64_t type = 1;

		if (!name || strncmp(name, "__recip_version1.0_", 19) != 0)
			continue;
		c = sila_cfb_child_at(dir, i, &broken);
		if (!c)
			continue;
		if (GSF_IS_INFILE(c) && gsf_infile_num_children(GSF_INFILE(c)) >= 0) {
			props_load(m, GSF_INFILE(c), HDR_OTHER, &p);
			props_get(&p, (uint32_t)PR_RECIPIENT_TYPE << 16 | 0x0003, &type);
			if ((type & 0xFF) == want) {
				size_t mark = out->len;

				if (out->len > first)
					sila_buf_adds(out, "; ");
				if (!get_string(m, GSF_INFILE(c), PR_DISPLAY_NAME, cp, out) &&
				    !get_string(m, GSF_INFILE(c), PR_SMTP_ADDRESS, cp, out) &&
				    !get_string(m, GSF_INFILE(c), PR_EMAIL_ADDRESS, cp, out))
					out->len = mark;
			}
			sila_buf_release(&p.b);
		}
		g_object_unref(c);
	}
	if (broken)
		damage(m, "a recipient's storage is damaged");
	if (out->data)
		out->data[out->len] = '\0';
}

/*
 * Writes a message's text: the headers (Subject, From, To, Cc, Date), a
 * blank line and the plain-text body. hdr is the size of its property
 * stream's header (top-level or attached message).
 */
static void message_text(struct msg *m, GsfInfile *dir, size_t hdr, struct sila_buf *out)
{
	struct props p;
	struct sila_buf tmp = SILA_BUF_INIT(m->cap);
	unsigned cp;
	uint64_t ft;
	char date[64];

	props_load(m, dir, hdr, &p);
	cp = props_codepage(&p);
	/*
	 * A first line that is no header field, so sila-unpack does not take
	 * this text for an RFC 5322 message and split it a second time.
	 */
	sila_buf_adds(out, "Outlook message\n");
	get_string(m, dir, PR_SUBJECT, cp, &tmp);
	add_header(out, "Subject", &tmp);
	/* From: the sender's name and address, "Name <address>". */
	sila_buf_reset(&tmp);
	if (get_string(m, dir, PR_SENDER_NAME, cp, &tmp)) {
		size_t mark = tmp.len;

		sila_buf_adds(&tmp, " <");
		if (get_string(m, dir, PR_SENDER_SMTP, cp, &tmp) ||
		    get_string(m, dir, PR_SENDER_EMAIL, cp, &tmp)) {
			sila_buf_addc(&tmp, '>');
		} else {
			tmp.len = mark;
			tmp.data[mark] = '\0';
		}
	} else if (!get_string(m, dir, PR_SENDER_SMTP, cp, &tmp)) {
		get_string(m, dir, PR_SENDER_EMAIL, cp, &tmp);
	}
	add_header(out, "From", &tmp);
	sila_buf_reset(&tmp);
	if (!get_string(m, dir, PR_DISPLAY_TO, cp, &tmp))
		recipients(m, dir, 1, cp, &tmp);
	add_header(out, "To", &tmp);
	sila_buf_reset(&tmp);
	if (!get_string(m, dir, PR_DISPLAY_CC, cp, &tmp))
		recipients(m, dir, 2, cp, &tmp);
	add_header(out, "Cc", &tmp);
	if ((props_get(&p, (uint32_t)PR_CLIENT_SUBMIT_TIME << 16 | 0x0040, &ft) ||
	     props_get(&p, (uint32_t)PR_DELIVERY_TIME << 16 | 0x0040, &ft) ||
	     props_get(&p, (uint32_t)PR_CREATION_TIME << 16 | 0x0040, &ft)) &&
	    format_date(ft, date, sizeof(date))) {
		sila_buf_adds(out, "Date: ");
		sila_buf_adds(out, date);
		sila_buf_addc(out, '\n');
	}
	sila_buf_addc(out, '\n');
	get_string(m, dir, PR_BODY, cp, out);
	sila_buf_release(&tmp);
	sila_buf_release(&p.b);
}

/* ---- Compressed RTF (MS-OXRTFCP) ---------------------------------------------- */

/* The dictionary's initial contents, from MS-OXRTFCP 3.1.1. */
static const char rtf_prebuf[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
	"\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
	"{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

/* The CRC-32 MS-OXRTFCP uses: the usual polynomial, starting at 0, not inverted. */
static uint32_t rtf_crc(const unsigned char *p, size_t n)
{
	uint32_t crc = 0;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return crc;
}

/*
 * Decompresses compressed RTF into out (at most RAWSIZE bytes, and never
 * more than out's cap). Returns SILA_OK, SILA_WARN when the data was
 * damaged (out holds what came out) or SILA_FAILED when it is not
 * compressed RTF at all; why says what went wrong.
 */
static int lzfu_decompress(const unsigned char *in, size_t n, struct sila_buf *out,
			   char *why, size_t whylen)
{
	unsigned char dict[4096];
	uint32_t comp, raw, type, crc;
	size_t pos = 16, end, wpos = sizeof(rtf_prebuf) - 1;
	int ret = SILA_OK, done = 0;

	if (n < 16) {
		snprintf(why, whylen, "compressed RTF shorter than its header");
		return SILA_FAILED;
	}
	comp = rd32(in);
	raw = rd32(in + 4);
	type = rd32(in + 8);
	crc = rd32(in + 12);
	if (comp < 12) {
		snprintf(why, whylen, "compressed RTF with an impossible size");
		return SILA_FAILED;
	}
	end = (uint64_t)comp + 4 > n ? n : (size_t)comp + 4;
	if ((uint64_t)comp + 4 > n) {
		snprintf(why, whylen, "compressed RTF cut short");
		ret = SILA_WARN;
	}
	if (type == 0x414C454D) { /* "MELA": stored uncompressed */
		size_t k = end - pos < raw ? end - pos : raw;

		if (sila_buf_add_upto(out, in + pos, k) != SILA_OK) {
			snprintf(why, whylen, "decompressed RTF too large");
			return SILA_WARN;
		}
		return ret;
	}
	if (type != 0x75465A4C) { /* "LZFu" */
		snprintf(why, whylen, "not compressed RTF (unknown type %08X)", (unsigned)type);
		return SILA_FAILED;
	}
	if (ret == SILA_OK && rtf_crc(in + pos, end - pos) != crc) {
		snprintf(why, whylen, "compressed RTF fails its CRC check");
		ret = SILA_WARN;
	}
	memcpy(dict, rtf_prebuf, sizeof(rtf_prebuf) - 1);
	memset(dict + sizeof(rtf_prebuf) - 1, 0, sizeof(dict) - (sizeof(rtf_prebuf) - 1));
	while (pos < end && !done) {
		unsigned control = in[pos++];

		for (int bit = 0; bit < 8 && !done; bit++) {
			if (pos >= end)
				break;
			if (control >> bit & 1) {
				/* A reference: 12 bits of dictionary offset, 4 of length - 2. */
				size_t ref, off, len;

				if (pos + 2 > end) {
					pos = end;
					break;
				}
				ref = (size_t)in[pos] << 8 | in[pos + 1];
				pos += 2;
				off = ref >> 4;
				len = (ref & 0x0F) + 2;
				if (off == wpos) {
					done = 1; /* the end marker */
					break;
				}
				for (size_t k = 0; k < len; k++) {
					unsigned char c = dict[(off + k) & 0xFFF];

					if (out->len >= raw || sila_buf_addc(out, (char)c) != SILA_OK) {
						done = 2;
						break;
					}
					dict[wpos] = c;
					wpos = (wpos + 1) & 0xFFF;
				}
			} else {
				unsigned char c = in[pos++];

				if (out->len >= raw || sila_buf_addc(out, (char)c) != SILA_OK) {
					done = 2;
					break;
				}
				dict[wpos] = c;
				wpos = (wpos + 1) & 0xFFF;
			}
		}
	}
	if (out->len < raw && ret == SILA_OK) {
		snprintf(why, whylen, done == 2 ? "decompressed RTF too large" :
			 "compressed RTF ends before its stated size");
		ret = SILA_WARN;
	}
	return ret;
}

/* ---- Attachments ------------------------------------------------------------------- */

/* Whether a child of a storage is a storage itself. */
static int is_storage(GsfInput *c)
{
	return GSF_IS_INFILE(c) && gsf_infile_num_children(GSF_INFILE(c)) >= 0;
}

/*
 * Copies the storage src into dst, streams and storages alike. With
 * embedded set, src is an attached message: its property stream's 24-byte
 * header is widened to the 32 bytes of a top-level message.
 */
static int copy_storage(struct msg *m, GsfInfile *src, GsfOutfile *dst, int embedded, unsigned depth)
{
	int n = gsf_infile_num_children(src), ret = 0;
	struct sila_buf b = SILA_BUF_INIT(m->cap);

	for (int i = 0; i < n && ret == 0; i++) {
		const char *name = gsf_infile_name_by_index(src, i);
		int broken = 0;
		GsfInput *c = sila_cfb_child_at(src, i, &broken);
		GsfOutput *o;

		if (!name || !c) {
			damage(m, "an attached message has an unreadable entry");
			if (c)
				g_object_unref(c);
			continue;
		}
		if (is_storage(c)) {
			guint8 clsid[16];

			if (depth >= COPY_DEPTH) {
				damage(m, "an attached message nests too deeply");
				g_object_unref(c);
				continue;
			}
			o = gsf_outfile_new_child(dst, name, TRUE);
			if (!o) {
				ret = -1;
			} else {
				if (gsf_infile_msole_get_class_id(GSF_INFILE_MSOLE(c), clsid))
					gsf_outfile_msole_set_class_id(GSF_OUTFILE_MSOLE(o), clsid);
				ret = copy_storage(m, GSF_INFILE(c), GSF_OUTFILE(o), 0, depth + 1);
				gsf_output_close(o);
				g_object_unref(o);
			}
		} else {
			static const guint8 zeros[8];

			get_stream(m, src, name, &b);
			o = gsf_outfile_new_child(dst, name, FALSE);
			if (!o) {
				ret = -1;
			} else {
				if (embedded && strcmp(name, "__properties_version1.0") == 0 &&
				    b.len >= HDR_EMBEDDED) {
					if (!gsf_output_write(o, HDR_EMBEDDED, (const guint8 *)b.data) ||
					    !gsf_output_write(o, sizeof(zeros), zeros) ||
					    !gsf_output_write(o, b.len - HDR_EMBEDDED,
							      (const guint8 *)b.data + HDR_EMBEDDED))
						ret = -1;
				} else if (b.len && !gsf_output_write(o, b.len, (const guint8 *)b.data)) {
					ret = -1;
				}
				gsf_output_close(o);
				g_object_unref(o);
			}
		}
		g_object_unref(c);
	}
	sila_buf_release(&b);
	return ret;
}

/*
 * Writes an attached storage out as a compound file of its own in out: an
 * attached message becomes a standalone .msg (with the named-property
 * mapping of the outer message, which it lacks). Returns 0, or -1.
 */
static int serialize(struct msg *m, GsfInfile *root, GsfInfile *sub, int message, struct sila_buf *out)
{
	static const guint8 msg_clsid[16] = { 0x0B, 0x0D, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
					      0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	GsfOutput *mem = gsf_output_memory_new();
	GsfOutfile *ole;
	int ret;

	if (!mem)
		return -1;
	ole = gsf_outfile_msole_new(mem);
	if (!ole) {
		g_object_unref(mem);
		return -1;
	}
	if (message) {
		gsf_outfile_msole_set_class_id(GSF_OUTFILE_MSOLE(ole), msg_clsid);
	} else {
		guint8 clsid[16];

		if (gsf_infile_msole_get_class_id(GSF_INFILE_MSOLE(sub), clsid))
			gsf_outfile_msole_set_class_id(GSF_OUTFILE_MSOLE(ole), clsid);
	}
	ret = copy_storage(m, sub, ole, message, 0);
	if (ret == 0 && message) {
		GsfInput *own = sila_cfb_child(sub, "__nameid_version1.0", NULL);
		GsfInput *outer = own ? NULL : sila_cfb_child(root, "__nameid_version1.0", NULL);

		if (outer && is_storage(outer)) {
			GsfOutput *o = gsf_outfile_new_child(ole, "__nameid_version1.0", TRUE);

			if (o) {
				ret = copy_storage(m, GSF_INFILE(outer), GSF_OUTFILE(o), 0, 1);
				gsf_output_close(o);
				g_object_unref(o);
			}
		}
		if (own)
			g_object_unref(own);
		if (outer)
			g_object_unref(outer);
	}
	if (!gsf_output_close(GSF_OUTPUT(ole)))
		ret = -1;
	if (ret == 0) {
		const guint8 *bytes = gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem));
		gsf_off_t size = gsf_output_size(mem);

		if (!bytes || size < 0 || sila_buf_add(out, bytes, (size_t)size) != SILA_OK)
			ret = -1;
	}
	g_object_unref(ole);
	g_object_unref(mem);
	return ret;
}

/* Makes an attachment's name safe to stand as a member name: no slashes or control characters. */
static void clean_name(struct sila_buf *b, size_t index, const char *suffix)
{
	size_t n = b->len < NAME_MAX_LEN ? b->len : NAME_MAX_LEN;
	char fallback[48];

	/* Do not cut a UTF-8 sequence in half. */
	while (n && n < b->len && ((unsigned char)b->data[n] & 0xC0) == 0x80)
		n--;
	b->len = n;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)b->data[i] < 0x20 || b->data[i] == '/' || b->data[i] == '\\')
			b->data[i] = '_';
	if (!n || strspn(b->data, ". ") == n) {
		sila_buf_reset(b);
		snprintf(fallback, sizeof(fallback), "attachment-%zu", index);
		sila_buf_adds(b, fallback);
	}
	if (suffix) {
		size_t sl = strlen(suffix);

		if (b->len < sl || strcasecmp(b->data + b->len - sl, suffix) != 0)
			sila_buf_adds(b, suffix);
	}
	if (b->data)
		b->data[b->len] = '\0';
}

/* Emits one attachment: its data, or its storage written out as a file of its own. */
static void attachment(struct msg *m, GsfInfile *root, GsfInfile *dir, size_t index, unsigned cp)
{
	struct sila_buf name = SILA_BUF_INIT(4096), data = SILA_BUF_INIT(m->cap);
	GsfInput *obj = sila_cfb_child(dir, "__substg1.0_3701000D", NULL);
	int r;

	if (!get_string(m, dir, PR_ATTACH_LONG_FILENAME, cp, &name) &&
	    !get_string(m, dir, PR_ATTACH_FILENAME, cp, &name))
		get_string(m, dir, PR_DISPLAY_NAME, cp, &name);
	if (obj && is_storage(obj)) {
		int message = sila_cfb_has_child(GSF_INFILE(obj), "__properties_version1.0");

		clean_name(&name, index, message ? ".msg" : NULL);
		if (serialize(m, root, GSF_INFILE(obj), message, &data) == 0) {
			emit(m, name.data, data.data, data.len, SILA_DOC_OK, NULL, NULL);
		} else if (message) {
			/* It cannot be written out: its text instead. */
			char alt[48];

			sila_buf_reset(&data);
			message_text(m, GSF_INFILE(obj), HDR_EMBEDDED, &data);
			snprintf(alt, sizeof(alt), "attachment-%zu.txt", index);
			emit(m, alt, data.data, data.len, SILA_DOC_PARTIAL, "extraction-failed",
			     "the attached message could not be written out; its text is given");
		} else {
			damage(m, "an attached object could not be written out");
		}
	} else {
		clean_name(&name, index, NULL);
		r = get_stream(m, dir, "__substg1.0_37010102", &data);
		if (r > 0)
			emit(m, name.data, data.data, data.len, SILA_DOC_OK, NULL, NULL);
		else if (r < 0)
			emit(m, name.data, data.data, data.len, SILA_DOC_PARTIAL, "extraction-failed",
			     "the attachment could not be read whole");
	}
	if (obj)
		g_object_unref(obj);
	sila_buf_release(&name);
	sila_buf_release(&data);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Emits the attachments in the order of their numbers. */
static void attachments(struct msg *m, GsfInfile *root, unsigned cp)
{
	int n = gsf_infile_num_children(root), k = 0;
	char **names;

	if (n <= 0)
		return;
	names = calloc((size_t)n, sizeof(*names));
	if (!names)
		return;
	for (int i = 0; i < n; i++) {
		const char *name = gsf_infile_name_by_index(root, i);

		if (name && strncmp(name, "__attach_version1.0_#", 21) == 0)
			names[k++] = (char *)(uintptr_t)name;
	}
	qsort(names, (size_t)k, sizeof(*names), cmp_names);
	for (int i = 0; i < k && m->stop == SILA_OK && !m->limit; i++) {
		int broken = 0;
		GsfInput *c = sila_cfb_child(root, names[i], &broken);

		if (broken)
			damage(m, "an attachment's storage is damaged");
		if (c && is_storage(c))
			attachment(m, root, GSF_INFILE(c), (size_t)i + 1, cp);
		if (c)
			g_object_unref(c);
	}
	free(names);
}

/* ---- Entry points --------------------------------------------------------------------- */

/* Opens the compound file in data; NULL (and err set) when it is not one. */
static GsfInfile *open_ole(const char *data, size_t len, GsfInput **in, char *err, size_t errlen)
{
	GError *gerr = NULL;
	GsfInfile *ole;

	sila_cfb_quiet();
	*in = NULL;
	if (len < 512 || memcmp(data, ole_magic, sizeof(ole_magic)) != 0) {
		snprintf(err, errlen, "not an OLE2 compound file");
		return NULL;
	}
	*in = gsf_input_memory_new((const guint8 *)data, (gsf_off_t)len, FALSE);
	if (!*in) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ole = gsf_infile_msole_new(*in, &gerr);
	if (!ole) {
		snprintf(err, errlen, "damaged OLE2 compound file: %s", gerr ? gerr->message : "unreadable");
		if (gerr)
			g_error_free(gerr);
		g_object_unref(*in);
		*in = NULL;
	}
	return ole;
}

/* Whether the root of an open compound file looks like a message. */
static int is_message(GsfInfile *ole)
{
	int n = gsf_infile_num_children(ole), props = 0, substg = 0;

	for (int i = 0; i < n; i++) {
		const char *name = gsf_infile_name_by_index(ole, i);

		if (!name)
			continue;
		if (strcmp(name, "__properties_version1.0") == 0)
			props = 1;
		else if (strncmp(name, "__substg1.0_", 12) == 0)
			substg = 1;
	}
	return props && substg;
}

int sila_msg_sniff(const char *data, size_t len)
{
	GsfInput *in;
	char err[128];
	GsfInfile *ole = open_ole(data, len, &in, err, sizeof(err));
	int yes;

	if (!ole)
		return 0;
	yes = is_message(ole);
	g_object_unref(ole);
	g_object_unref(in);
	return yes;
}

int sila_msg_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		   void *ctx, char *err, size_t errlen)
{
	struct msg m;
	GsfInput *in;
	GsfInfile *ole = open_ole(data, len, &in, err, errlen);
	struct sila_buf text, raw, rtf;
	struct props p;
	unsigned cp;
	int r;

	if (!ole)
		return SILA_FAILED;
	if (!is_message(ole)) {
		snprintf(err, errlen, "not an Outlook message");
		g_object_unref(ole);
		g_object_unref(in);
		return SILA_FAILED;
	}
	memset(&m, 0, sizeof(m));
	m.fn = fn;
	m.ctx = ctx;
	m.max_parts = max_parts;
	m.budget = 2 * len + ((size_t)1 << 20);
	m.cap = 4 * len + 65536;
	m.stop = SILA_OK;
	sila_buf_init(&text, m.cap);
	sila_buf_init(&raw, m.cap);
	sila_buf_init(&rtf, m.cap);
	props_load(&m, ole, HDR_TOP, &p);
	cp = props_codepage(&p);
	sila_buf_release(&p.b);

	message_text(&m, ole, HDR_TOP, &text);
	emit(&m, "message.txt", text.data, text.len, SILA_DOC_OK, NULL, NULL);

	/* The HTML body: bytes as stored, or Unicode text. */
	sila_buf_reset(&text);
	r = get_stream(&m, ole, "__substg1.0_10130102", &raw);
	if (r != 0)
		sila_buf_add(&text, raw.data, raw.len);
	else if (get_stream(&m, ole, "__substg1.0_1013001F", &raw) != 0)
		sila_cfb_utf16_to_buf((const unsigned char *)raw.data, raw.len, &text);
	if (text.len)
		emit(&m, "body.html", text.data, text.len, SILA_DOC_OK, NULL, NULL);

	/* The RTF body, decompressed. */
	if (get_stream(&m, ole, "__substg1.0_10090102", &raw) != 0 && raw.len) {
		char why[128];

		why[0] = '\0';
		r = lzfu_decompress((const unsigned char *)raw.data, raw.len, &rtf, why, sizeof(why));
		if (r == SILA_OK)
			emit(&m, "body.rtf", rtf.data, rtf.len, SILA_DOC_OK, NULL, NULL);
		else
			emit(&m, "body.rtf", rtf.data, rtf.len, SILA_DOC_PARTIAL, "extraction-failed", why);
	}
	sila_buf_release(&rtf);
	sila_buf_release(&raw);
	sila_buf_release(&text);

	attachments(&m, ole, cp);
	g_object_unref(ole);
	g_object_unref(in);
	if (m.stop != SILA_OK)
		return m.stop;
	if (m.limit) {
		snprintf(err, errlen, "part limit reached");
		return SILA_WARN;
	}
	if (m.damaged) {
		snprintf(err, errlen, "%s", m.why);
		return SILA_WARN;
	}
	return SILA_OK;
}
