/*
 * ole2.c - text from legacy binary Office documents in OLE2 compound files:
 * Word 97-2003 (.doc), Excel 97-2003 (.xls, BIFF8, and BIFF5/7 workbooks)
 * and PowerPoint 97-2003 (.ppt), with the summary property sets as
 * metadata and MSIP sensitivity labels from the user-defined properties.
 *
 * libgsf reads the compound file (sectors, FAT, directory); the formats in
 * its streams are parsed here. Every offset, length and count in them comes
 * from the file and is checked against the bytes actually there before it
 * is used; a damaged structure yields what could be read, a warning and a
 * partial status.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input.h>

#include "cfb.h"
#include "formats.h"

/* The most bytes read from one stream (a stream is no larger than its file). */
#define STREAM_MAX ((size_t)512 << 20)
/* The deepest nesting of PowerPoint records followed. */
#define PPT_DEPTH 32
/* The most user-defined MSIP label properties remembered per document. */
#define MAX_LABELS 16

/* Little-endian reads; callers have checked that the bytes are there. */
static unsigned rd16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double rd_double(const unsigned char *p)
{
	uint64_t bits = (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
	double v;

	memcpy(&v, &bits, sizeof(v));
	return v;
}

/* Whether n bytes from off lie within a buffer of size len. */
static int in_bounds(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

/*
 * Makes room for need elements of size bytes in the array p, which has
 * room for *alloc, growing it by half again at least. Returns the array
 * (perhaps moved), or NULL when memory is short (p is unchanged then).
 */
static void *grow_array(void *p, size_t *alloc, size_t need, size_t size)
{
	size_t n = *alloc;
	void *np;

	if (need <= n)
		return p;
	n = n < 16 ? 16 : n + n / 2;
	if (n < need)
		n = need;
	if (n > SIZE_MAX / size)
		return NULL;
	np = realloc(p, n * size);
	if (np)
		*alloc = n;
	return np;
}

/* ---- Streams ------------------------------------------------------------ */

struct stream {
	unsigned char *p;
	size_t n;
};

/*
 * Reads the whole stream called name in dir into s (to be freed by the
 * caller). Returns 1 when it was read whole, 0 when there is no such stream
 * (s is empty then), -1 when it is damaged and could be read only in part
 * (s holds that, perhaps nothing).
 */
static int read_stream(GsfInfile *dir, const char *name, struct stream *s)
{
	int broken = 0;
	GsfInput *in = sila_cfb_child(dir, name, &broken);
	size_t want;
	int over;

	s->p = NULL;
	s->n = 0;
	if (!in)
		return broken ? -1 : 0;
	want = sila_cfb_size(in, STREAM_MAX, &over);
	s->p = malloc(want + 1);
	if (!s->p) {
		g_object_unref(in);
		return -1;
	}
	s->n = sila_cfb_read(in, s->p, want);
	g_object_unref(in);
	return over || s->n < want ? -1 : 1;
}

/* ---- Text output ---------------------------------------------------------- */

/* The text being written, staged in small batches, and the damage met on the way. */
struct out {
	struct sila_text *t;
	size_t start;      /* t->buf.len when this document began */
	int full;          /* the text cap was reached: stop */
	int damaged;       /* something could not be read */
	char why[200];     /* what, the first time */
	size_t ns;
	char stage[4096];
};

static void flush(struct out *o)
{
	if (o->ns && !o->full && sila_text_add(o->t, o->stage, o->ns) != SILA_OK)
		o->full = 1;
	o->ns = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || !n)
		return;
	if (n > sizeof(o->stage) - o->ns) {
		flush(o);
		if (n > sizeof(o->stage)) {
			if (sila_text_add(o->t, s, n) != SILA_OK)
				o->full = 1;
			return;
		}
	}
	memcpy(o->stage + o->ns, s, n);
	o->ns += n;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putch(struct out *o, char c)
{
	put(o, &c, 1);
}

static void putcp(struct out *o, uint32_t c)
{
	char b[4];

	put(o, b, sila_cfb_utf8(c, b));
}

/* Notes damage; the first reason is the one reported. */
static void damage(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void damage(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->damaged++)
		return;
	va_start(ap, fmt);
	vsnprintf(o->why, sizeof(o->why), fmt, ap);
	va_end(ap);
}

/* Whether text has been produced for this document. */
static int produced(struct out *o)
{
	return o->ns || o->t->buf.len > o->start;
}

/* The iconv name of a Windows code page. */
static void codepage_name(unsigned cp, char *name, size_t len)
{
	if (cp == 1200)
		snprintf(name, len, "UTF-16LE");
	else if (cp == 1201)
		snprintf(name, len, "UTF-16BE");
	else if (cp == 65001)
		snprintf(name, len, "UTF-8");
	else if (cp == 10000)
		snprintf(name, len, "MACINTOSH");
	else if (cp == 20127)
		snprintf(name, len, "ASCII");
	else if (cp >= 28591 && cp <= 28606)
		snprintf(name, len, "ISO-8859-%u", cp - 28590);
	else if (cp == 0 || cp > 65535)
		snprintf(name, len, "WINDOWS-1252");
	else
		snprintf(name, len, "CP%u", cp);
}

/*
 * Appends n bytes of text in code page cp to b as UTF-8, stopping at a NUL;
 * undecodable bytes become U+FFFD. An unknown code page is read as
 * Windows-1252.
 */
static int cp_to_buf(unsigned cp, const unsigned char *p, size_t n, struct sila_buf *b)
{
	char name[32];

	if (cp == 1200)
		return sila_cfb_utf16_to_buf(p, n, b);
	codepage_name(cp, name, sizeof(name));
	return sila_cfb_charset_to_buf(name, p, n, b);
}

/* ---- Property sets (summary information) ---------------------------------- */

/* A user-defined MSIP_Label_<guid>_* group seen so far. */
struct msip {
	char guid[64];
	char name[256];
	int enabled; /* -1 unknown, 0 false, 1 true */
};

struct props {
	struct sila_text *t;
	struct out *o;
	struct msip labels[MAX_LABELS];
	size_t nlabels;
};

/* The property names, per set, that are worth scanning. */
static const struct {
	int docsum;   /* 0 SummaryInformation, 1 DocumentSummaryInformation */
	uint32_t id;
	const char *key;
} prop_keys[] = {
	{ 0, 2, "title" }, { 0, 3, "subject" }, { 0, 4, "author" }, { 0, 5, "keywords" },
	{ 0, 6, "comments" }, { 0, 8, "last-author" },
	{ 1, 2, "category" }, { 1, 14, "manager" }, { 1, 15, "company" },
};

/*
 * Decodes the value at off (a TypedPropertyValue) as text into b: strings,
 * booleans and numbers; other types leave b empty. Returns 1 when b holds a
 * value.
 */
static int prop_value(const unsigned char *p, size_t len, size_t off, unsigned cp,
		      struct sila_buf *b)
{
	unsigned type;
	char num[48];

	if (!in_bounds(len, off, 4))
		return 0;
	type = rd16(p + off);
	off += 4;
	switch (type) {
	case 0x1E: /* VT_LPSTR: a byte count, then the string in the set's code page */
	case 0x1F: /* VT_LPWSTR: a character count, then UTF-16LE */
	{
		uint64_t n;

		if (!in_bounds(len, off, 4))
			return 0;
		n = rd32(p + off);
		if (type == 0x1F)
			n *= 2;
		off += 4;
		if (n > len - off)
			n = len - off; /* cut off: take what is there */
		if (type == 0x1F ? sila_cfb_utf16_to_buf(p + off, (size_t)n, b) != SILA_OK
				 : cp_to_buf(cp, p + off, (size_t)n, b) != SILA_OK)
			return 0;
		return b->len > 0;
	}
	case 0x0B: /* VT_BOOL */
		if (!in_bounds(len, off, 2))
			return 0;
		return sila_buf_adds(b, rd16(p + off) ? "true" : "false") == SILA_OK;
	case 0x02: /* VT_I2 */
		if (!in_bounds(len, off, 2))
			return 0;
		snprintf(num, sizeof(num), "%d", (int)(int16_t)rd16(p + off));
		return sila_buf_adds(b, num) == SILA_OK;
	case 0x03: /* VT_I4 */
	case 0x16: /* VT_INT */
		if (!in_bounds(len, off, 4))
			return 0;
		snprintf(num, sizeof(num), "%ld", (long)(int32_t)rd32(p + off));
		return sila_buf_adds(b, num) == SILA_OK;
	case 0x05: /* VT_R8 */
	{
		double v;

		if (!in_bounds(len, off, 8))
			return 0;
		v = rd_double(p + off);
		if (!(v - v == 0))
			return 0;
		if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
			snprintf(num, sizeof(num), "%lld", (long long)v);
		else
			snprintf(num, sizeof(num), "%.15g", v);
		return sila_buf_adds(b, num) == SILA_OK;
	}
	default:
		return 0;
	}
}

/* Remembers one MSIP_Label_<guid>_<field> property. */
static void msip_note(struct props *ps, const char *name, const char *value)
{
	const char *guid = name + strlen("MSIP_Label_");
	const char *field = strrchr(guid, '_');
	size_t glen;
	struct msip *m = NULL;

	if (!field || field == guid)
		return;
	glen = (size_t)(field - guid);
	field++;
	if (glen >= sizeof(m->guid))
		return;
	for (size_t i = 0; i < ps->nlabels; i++)
		if (strlen(ps->labels[i].guid) == glen && memcmp(ps->labels[i].guid, guid, glen) == 0)
			m = &ps->labels[i];
	if (!m) {
		if (ps->nlabels == MAX_LABELS)
			return;
		m = &ps->labels[ps->nlabels++];
		memcpy(m->guid, guid, glen);
		m->guid[glen] = '\0';
		m->name[0] = '\0';
		m->enabled = -1;
	}
	if (strcmp(field, "Name") == 0)
		snprintf(m->name, sizeof(m->name), "%s", value);
	else if (strcmp(field, "Enabled") == 0)
		m->enabled = strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
}

/*
 * Reads a user-defined section's dictionary (property 0) into names, a
 * buffer of NUL-terminated entries "id as 4 bytes, then name".
 */
static void read_dictionary(const unsigned char *p, size_t len, size_t off, unsigned cp,
			    struct sila_buf *names)
{
	uint32_t n;

	if (!in_bounds(len, off, 4))
		return;
	n = rd32(p + off);
	off += 4;
	for (uint32_t i = 0; i < n && in_bounds(len, off, 8); i++) {
		uint32_t id = rd32(p + off);
		uint64_t cch = rd32(p + off + 4), bytes = cp == 1200 ? cch * 2 : cch;
		unsigned char idb[4];

		off += 8;
		if (bytes > len - off)
			break;
		idb[0] = (unsigned char)id;
		idb[1] = (unsigned char)(id >> 8);
		idb[2] = (unsigned char)(id >> 16);
		idb[3] = (unsigned char)(id >> 24);
		if (sila_buf_add(names, idb, 4) != SILA_OK ||
		    cp_to_buf(cp, p + off, (size_t)bytes, names) != SILA_OK ||
		    sila_buf_addc(names, '\0') != SILA_OK)
			break;
		off += (size_t)bytes;
		if (cp == 1200 && off % 4)
			off += 4 - off % 4;
	}
}

/* The dictionary name of property id, or NULL. */
static const char *dict_name(const struct sila_buf *names, uint32_t id)
{
	size_t i = 0;

	while (i + 4 < names->len) {
		const char *name = names->data + i + 4;

		if (rd32((const unsigned char *)names->data + i) == id)
			return name;
		i += 4 + strlen(name) + 1;
	}
	return NULL;
}

/*
 * Reads one property set (the section at off in a property-set stream):
 * known properties become metadata, user-defined ones "name: value"
 * metadata, and MSIP_Label_* ones labels.
 */
static void read_section(struct props *ps, const unsigned char *p, size_t len, size_t off,
			 int docsum, int user)
{
	size_t end, nprops;
	unsigned cp = 1252;
	struct sila_buf names = SILA_BUF_INIT(len + 4096);
	struct sila_buf val = SILA_BUF_INIT(len * 2 + 4096);

	if (!in_bounds(len, off, 8))
		return;
	end = rd32(p + off);
	end = end > len - off ? len : off + end;
	if (end - off < 8)
		return;
	nprops = rd32(p + off + 4);
	if (nprops > (end - off - 8) / 8)
		nprops = (end - off - 8) / 8;
	/* The code page first (property 1), then the dictionary (property 0). */
	for (size_t i = 0; i < nprops; i++) {
		const unsigned char *e = p + off + 8 + 8 * i;
		size_t at = off + rd32(e + 4);

		if (rd32(e) == 1 && in_bounds(end, at, 6) && rd16(p + at) == 0x02)
			cp = rd16(p + at + 4);
	}
	for (size_t i = 0; user && i < nprops; i++) {
		const unsigned char *e = p + off + 8 + 8 * i;

		if (rd32(e) == 0 && rd32(e + 4) < end - off)
			read_dictionary(p, end, off + rd32(e + 4), cp, &names);
	}
	for (size_t i = 0; i < nprops; i++) {
		const unsigned char *e = p + off + 8 + 8 * i;
		uint32_t id = rd32(e);
		const char *key = NULL;

		if (id <= 1 || rd32(e + 4) >= end - off)
			continue;
		if (user) {
			key = dict_name(&names, id);
		} else {
			for (size_t k = 0; k < sizeof(prop_keys) / sizeof(prop_keys[0]); k++)
				if (prop_keys[k].docsum == docsum && prop_keys[k].id == id)
					key = prop_keys[k].key;
		}
		if (!key || !*key)
			continue;
		sila_buf_reset(&val);
		if (!prop_value(p, end, off + rd32(e + 4), cp, &val) || sila_buf_addc(&val, '\0') != SILA_OK)
			continue;
		val.len--;
		if (user && strncmp(key, "MSIP_Label_", 11) == 0)
			msip_note(ps, key, val.data);
		else
			sila_text_meta(ps->t, key, val.data, val.len);
	}
	sila_buf_release(&names);
	sila_buf_release(&val);
}

/* The first bytes of the FMTID of the user-defined properties (D5CDD505-...). */
static const unsigned char fmtid_user[4] = { 0x05, 0xD5, 0xCD, 0xD5 };

/* Reads a property-set stream: up to two sections, the second the user-defined one. */
static void read_propset(struct props *ps, GsfInfile *ole, const char *name, int docsum)
{
	struct stream s;
	size_t nsets;
	int r = read_stream(ole, name, &s);

	if (r < 0)
		damage(ps->o, "the %s stream is damaged", name + 1);
	if (r == 0)
		return;
	if (s.n >= 28 && rd16(s.p) == 0xFFFE) {
		nsets = rd32(s.p + 24);
		for (size_t i = 0; i < nsets && i < 4 && in_bounds(s.n, 28 + 20 * i, 20); i++) {
			const unsigned char *h = s.p + 28 + 20 * i;

			read_section(ps, s.p, s.n, rd32(h + 16), docsum,
				     docsum && memcmp(h, fmtid_user, 4) == 0);
		}
	}
	free(s.p);
}

/* Reads both summary streams into metadata and labels. */
static void read_metadata(GsfInfile *ole, struct out *o)
{
	struct sila_text *t = o->t;
	struct props ps;

	memset(&ps, 0, sizeof(ps));
	ps.t = t;
	ps.o = o;
	read_propset(&ps, ole, "\005SummaryInformation", 0);
	read_propset(&ps, ole, "\005DocumentSummaryInformation", 1);
	for (size_t i = 0; i < ps.nlabels; i++)
		if (ps.labels[i].name[0] && ps.labels[i].enabled != 0)
			sila_text_label(t, "msip", ps.labels[i].name, ps.labels[i].guid);
}

/* ---- Word 97-2003 ------------------------------------------------------------ */

/*
 * The characters 0x80..0x9F of a compressed piece: MS-DOC maps them as
 * Windows-1252 does, with the five unassigned bytes left as they are.
 */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* The state of Word's character stream across pieces: fields and cells. */
struct word {
	struct out *o;
	unsigned depth;   /* open fields */
	uint64_t instr;   /* bit d set: the field at depth d is still in its instruction */
	unsigned hidden;  /* open fields still in their instruction */
	uint32_t prev;    /* the character before */
	unsigned nl;      /* newlines just written, to keep blank lines single */
};

static void word_reset(struct word *w)
{
	w->depth = 0;
	w->instr = 0;
	w->hidden = 0;
	w->prev = 0;
}

/* Ends a line; more than one blank line in a row (empty header stories) is dropped. */
static void word_newline(struct word *w)
{
	if (w->nl < 2)
		putch(w->o, '\n');
	w->nl++;
}

/*
 * Writes one character of Word's text: paragraph, line and page marks end a
 * line; a cell mark is a tab and the row mark after it a newline; a field's
 * instruction (between 0x13 and 0x14) is dropped and its result kept;
 * anchors of pictures, drawn objects and notes are dropped.
 */
static void word_char(struct word *w, uint32_t c)
{
	uint32_t prev = w->prev;

	w->prev = c;
	switch (c) {
	case 0x13: /* field begin: the instruction follows */
		if (w->depth < 64)
			w->instr |= (uint64_t)1 << w->depth;
		w->depth++;
		w->hidden++;
		return;
	case 0x14: /* field separator: the result follows */
		if (w->depth && w->depth <= 64 && (w->instr >> (w->depth - 1) & 1)) {
			w->instr &= ~((uint64_t)1 << (w->depth - 1));
			w->hidden--;
		}
		return;
	case 0x15: /* field end */
		if (!w->depth)
			return;
		w->depth--;
		if (w->depth >= 64 || (w->instr >> w->depth & 1)) {
			w->instr &= w->depth < 64 ? ~((uint64_t)1 << w->depth) : ~(uint64_t)0;
			w->hidden--;
		}
		return;
	}
	if (w->hidden)
		return;
	if (c == 0x0D || c == 0x0B || c == 0x0C || (c == 0x07 && prev == 0x07)) {
		word_newline(w);
		return;
	}
	if (c < 0x20 && c != 0x07 && c != 0x09 && c != 0x1E)
		return;
	w->nl = 0;
	if (c == 0x07 || c == 0x09)
		putch(w->o, '\t');
	else if (c == 0x1E) /* a non-breaking hyphen */
		putch(w->o, '-');
	else
		putcp(w->o, c);
}

/* The FIB fields sila uses. */
struct fib {
	unsigned nfib, flags;
	uint32_t fc_min;
	uint32_t fc_clx, lcb_clx;
	int has_clx;
	uint64_t ccp[8];   /* text, footnotes, headers, macros, comments, endnotes, text boxes x2 */
	int has_ccp;
};

/* Parses the variable-length FIB; returns 0, or -1 when it is too short. */
static int parse_fib(const unsigned char *p, size_t n, struct fib *f)
{
	size_t at, csw, cslw, cb;

	memset(f, 0, sizeof(*f));
	if (n < 0x22)
		return -1;
	f->nfib = rd16(p + 2);
	f->flags = rd16(p + 0x0A);
	f->fc_min = rd32(p + 0x18);
	csw = rd16(p + 0x20);
	at = 0x22 + csw * 2;
	if (!in_bounds(n, at, 2))
		return 0;
	cslw = rd16(p + at);
	at += 2;
	if (cslw >= 11 && in_bounds(n, at, 11 * 4)) {
		static const int idx[8] = { 3, 4, 5, 6, 7, 8, 9, 10 };

		for (int i = 0; i < 8; i++)
			f->ccp[i] = rd32(p + at + 4 * (size_t)idx[i]);
		f->has_ccp = 1;
	}
	at += cslw * 4;
	if (!in_bounds(n, at, 2))
		return 0;
	cb = rd16(p + at);
	at += 2;
	/* fcClx/lcbClx are the 34th pair of FibRgFcLcb97. */
	if (cb > 33 && in_bounds(n, at + 33 * 8, 8)) {
		f->fc_clx = rd32(p + at + 33 * 8);
		f->lcb_clx = rd32(p + at + 33 * 8 + 4);
		f->has_clx = 1;
	}
	return 0;
}

/*
 * Writes the text of each piece of the piece table (PlcPcd, n pieces at
 * plc) up to character position limit; bounds the subdocuments at the
 * positions in ends. Returns -1 when the table itself is unusable.
 */
static int word_pieces(struct word *w, const unsigned char *wd, size_t wdn,
		       const unsigned char *plc, size_t plcn, uint64_t limit,
		       const uint64_t *ends, size_t nends)
{
	size_t n, e = 0;
	/* Pieces do not overlap: more bytes than the stream twice over is a loop. */
	uint64_t budget = (uint64_t)wdn * 2 + 65536;

	if (plcn < 16 || (plcn - 4) % 12)
		return -1;
	n = (plcn - 4) / 12;
	while (e < nends && ends[e] == 0)
		e++;
	for (size_t i = 0; i < n && !w->o->full; i++) {
		uint64_t cp = rd32(plc + 4 * i), cp_end = rd32(plc + 4 * (i + 1));
		const unsigned char *pcd = plc + 4 * (n + 1) + 8 * i;
		uint32_t fc = rd32(pcd + 2);
		int compressed = (fc & 0x40000000) != 0;
		uint64_t off, count, bytes;

		if (cp_end < cp) {
			damage(w->o, "the piece table is out of order");
			return i ? 0 : -1;
		}
		if (cp >= limit)
			break;
		count = (cp_end < limit ? cp_end : limit) - cp;
		fc &= 0x3FFFFFFF;
		off = compressed ? fc / 2 : fc;
		bytes = compressed ? count : count * 2;
		if (off > wdn) {
			damage(w->o, "a piece of text lies beyond the WordDocument stream");
			continue;
		}
		if (bytes > wdn - off) {
			damage(w->o, "a piece of text runs past the WordDocument stream");
			bytes = wdn - off;
		}
		if (bytes > budget) {
			damage(w->o, "the piece table repeats the same text over and over");
			break;
		}
		budget -= bytes;
		for (size_t k = 0; k < bytes && !w->o->full; cp++) {
			uint32_t c;

			if (e < nends && cp >= ends[e]) {
				/* A new subdocument (footnotes, headers, ...): fields do not span it. */
				while (e < nends && cp >= ends[e])
					e++;
				word_reset(w);
				word_newline(w);
			}
			if (compressed) {
				c = wd[off + k];
				if (c >= 0x80 && c <= 0x9F)
					c = cp1252_high[c - 0x80];
				k++;
			} else {
				size_t used = sila_cfb_utf16_next(wd + off + k, (size_t)(bytes - k),
								  &c);

				if (!used)
					break;
				k += used;
				cp += used / 2 - 1;
			}
			word_char(w, c);
		}
	}
	return 0;
}

/* Finds the piece table (Pcdt) in a CLX: returns its PlcPcd, or NULL. */
static const unsigned char *find_pcdt(const unsigned char *clx, size_t n, size_t *plcn)
{
	size_t i = 0;

	while (i < n) {
		if (clx[i] == 0x01) { /* Pcr: a property modifier, skipped */
			if (!in_bounds(n, i + 1, 2))
				return NULL;
			i += 3 + rd16(clx + i + 1);
		} else if (clx[i] == 0x02) { /* Pcdt */
			uint32_t lcb;

			if (!in_bounds(n, i + 1, 4))
				return NULL;
			lcb = rd32(clx + i + 1);
			if (!in_bounds(n, i + 5, lcb))
				return NULL;
			*plcn = lcb;
			return clx + i + 5;
		} else {
			return NULL;
		}
	}
	return NULL;
}

/*
 * The last resort for files whose piece table cannot be used (Word 6/95,
 * damaged files): ccp characters at fcMin, as 8-bit text unless they look
 * like UTF-16.
 */
static void word_fallback(struct word *w, const unsigned char *wd, size_t wdn,
			  const struct fib *f, uint64_t ccp)
{
	uint64_t off = f->fc_min, avail, n;
	int wide = 0;

	if (off >= wdn)
		return;
	avail = wdn - off;
	if (f->nfib < 0xC0) {
		/* Word 6/95: 8-bit text from fcMin to fcMac. */
		uint32_t mac = rd32(wd + 0x1C);

		n = mac > off && mac - off <= avail ? mac - off : avail;
	} else {
		size_t zeros = 0, sample = avail < 512 ? (size_t)avail : 512;

		for (size_t i = 1; i < sample; i += 2)
			zeros += wd[off + i] == 0;
		wide = sample >= 4 && zeros * 4 >= sample;
		n = ccp ? (wide ? ccp * 2 : ccp) : avail;
		if (n > avail)
			n = avail;
	}
	for (size_t k = 0; k < n && !w->o->full;) {
		uint32_t c;

		if (wide) {
			size_t used = sila_cfb_utf16_next(wd + off + k, (size_t)(n - k), &c);

			if (!used)
				break;
			k += used;
		} else {
			c = wd[off + k++];
			if (c >= 0x80 && c <= 0x9F)
				c = cp1252_high[c - 0x80];
		}
		word_char(w, c);
	}
}

static void extract_doc(GsfInfile *ole, struct out *o)
{
	struct stream wd, tbl = { NULL, 0 };
	struct fib f;
	struct word w;
	const unsigned char *plc = NULL;
	size_t plcn = 0;
	uint64_t ends[8], limit = 0;
	size_t nends = 0;
	int r;

	memset(&w, 0, sizeof(w));
	w.o = o;
	r = read_stream(ole, "WordDocument", &wd);
	if (r < 0)
		damage(o, "the WordDocument stream cannot be read whole");
	if (parse_fib(wd.p, wd.n, &f) != 0 || (rd16(wd.p) != 0xA5EC && rd16(wd.p) != 0xA5DC)) {
		damage(o, "the WordDocument stream has no valid header");
		free(wd.p);
		return;
	}
	if (f.flags & 0x0100) {
		sila_warn_add(o->t->warnings, "encrypted", "the document is password-protected");
		sila_text_status(o->t, SILA_DOC_UNSCANNABLE);
		free(wd.p);
		return;
	}
	if (f.has_ccp) {
		for (int i = 0; i < 8; i++) {
			limit += f.ccp[i];
			ends[nends++] = limit;
		}
		if (limit > f.ccp[0])
			limit++; /* the subdocuments end with one more paragraph mark */
	}
	if (f.nfib >= 0xC0 && f.has_clx) {
		r = read_stream(ole, f.flags & 0x0200 ? "1Table" : "0Table", &tbl);
		if (r < 0)
			damage(o, "the table stream cannot be read whole");
		if (in_bounds(tbl.n, f.fc_clx, f.lcb_clx))
			plc = find_pcdt(tbl.p + f.fc_clx, f.lcb_clx, &plcn);
	}
	if (!f.has_ccp || limit == 0)
		limit = UINT64_MAX;
	if (!plc || word_pieces(&w, wd.p, wd.n, plc, plcn, limit, ends, nends) != 0) {
		if (f.nfib < 0xC0)
			damage(o, "a Word 6/95 document: text read without its piece table");
		else
			damage(o, "the piece table is damaged: text read from where it usually lies");
		word_fallback(&w, wd.p, wd.n, &f, f.has_ccp ? f.ccp[0] : 0);
	}
	if (!w.nl && produced(o))
		putch(o, '\n');
	free(tbl.p);
	free(wd.p);
}

/* ---- Excel 97-2003 (BIFF8, and BIFF5/7) ---------------------------------------- */

/* BIFF record types. */
enum {
	XL_FORMULA = 0x0006, XL_EOF = 0x000A, XL_FILEPASS = 0x002F, XL_CONTINUE = 0x003C,
	XL_CODEPAGE = 0x0042, XL_BOUNDSHEET = 0x0085, XL_MULRK = 0x00BD, XL_RSTRING = 0x00D6,
	XL_SST = 0x00FC, XL_LABELSST = 0x00FD, XL_NUMBER = 0x0203, XL_LABEL = 0x0204,
	XL_STRING = 0x0207, XL_RK = 0x027E, XL_BOF = 0x0809
};

/* A sheet named in the workbook globals. */
struct sheet {
	uint32_t pos;       /* the stream offset of its BOF */
	size_t name, len;   /* its name in names */
	int used;
};

struct xls {
	struct out *o;
	const unsigned char *p;
	size_t n;
	int biff8;          /* BIFF8 (Unicode strings) rather than BIFF5/7 */
	unsigned cp;        /* code page of BIFF5/7 8-bit strings */
	struct sila_buf sst;       /* shared strings, UTF-8, one after another */
	size_t *sst_off;           /* nsst + 1 offsets into sst */
	size_t nsst, asst;
	struct sila_buf names;     /* sheet names, UTF-8 */
	struct sheet *sheets;
	size_t nsheets, asheets;
	int in_row, in_sheet;
	unsigned row;
	int pending_string;        /* a FORMULA with a string result awaits its STRING */
};

/* The segments of a record and its CONTINUE records, read as one. */
struct segs {
	const unsigned char *p[64];
	size_t n[64];
	size_t count, i, off;
};

static int seg_byte(struct segs *s, unsigned *b)
{
	while (s->i < s->count && s->off >= s->n[s->i]) {
		s->i++;
		s->off = 0;
	}
	if (s->i >= s->count)
		return 0;
	*b = s->p[s->i][s->off++];
	return 1;
}

static int seg_u16(struct segs *s, unsigned *v)
{
	unsigned a, b;

	if (!seg_byte(s, &a) || !seg_byte(s, &b))
		return 0;
	*v = a | b << 8;
	return 1;
}

static int seg_u32(struct segs *s, uint32_t *v)
{
	unsigned a, b;

	if (!seg_u16(s, &a) || !seg_u16(s, &b))
		return 0;
	*v = (uint32_t)a | (uint32_t)b << 16;
	return 1;
}

static int seg_skip(struct segs *s, uint64_t k)
{
	while (k) {
		size_t avail;

		while (s->i < s->count && s->off >= s->n[s->i]) {
			s->i++;
			s->off = 0;
		}
		if (s->i >= s->count)
			return 0;
		avail = s->n[s->i] - s->off;
		if (avail > k)
			avail = (size_t)k;
		s->off += avail;
		k -= avail;
	}
	return 1;
}

/*
 * Reads cch characters of a BIFF8 string into b as UTF-8. When the
 * characters run on into a CONTINUE record, that record begins with a fresh
 * option byte whose low bit says whether the rest is 8- or 16-bit.
 */
static int seg_chars(struct segs *s, size_t cch, int high, struct sila_buf *b)
{
	for (size_t k = 0; k < cch; k++) {
		unsigned lo, hi = 0;
		uint32_t c;
		char u[4];

		if (s->i < s->count && s->off >= s->n[s->i] && s->i + 1 < s->count) {
			unsigned flags;

			s->i++;
			s->off = 0;
			if (!seg_byte(s, &flags))
				return 0;
			high = flags & 1;
		}
		if (!seg_byte(s, &lo) || (high && !seg_byte(s, &hi)))
			return 0;
		c = lo | hi << 8;
		/* Cell text stays on its line. */
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c < 0x20)
			continue;
		if (sila_buf_add(b, u, sila_cfb_utf8(c, u)) != SILA_OK)
			return 0;
	}
	return 1;
}

/* Adds a record of type XL_SST and the CONTINUE records after it to s; returns the end. */
static size_t seg_collect(struct xls *x, size_t pos, struct segs *s)
{
	memset(s, 0, sizeof(*s));
	while (in_bounds(x->n, pos, 4) && s->count < 64) {
		unsigned type = rd16(x->p + pos);
		size_t len = rd16(x->p + pos + 2);

		if (s->count && type != XL_CONTINUE)
			break;
		if (len > x->n - pos - 4) {
			damage(x->o, "a record runs past the end of the workbook stream");
			len = x->n - pos - 4;
		}
		s->p[s->count] = x->p + pos + 4;
		s->n[s->count++] = len;
		pos += 4 + len;
	}
	return pos;
}

/* Reads the shared string table (SST and its CONTINUE records). */
static void read_sst(struct xls *x, size_t pos)
{
	struct segs s;
	uint32_t total, unique;

	seg_collect(x, pos, &s);
	if (!seg_u32(&s, &total) || !seg_u32(&s, &unique))
		return;
	for (uint32_t i = 0; i < unique; i++) {
		unsigned cch, flags, runs = 0;
		uint32_t ext = 0;
		size_t *no;

		if (!seg_u16(&s, &cch) || !seg_byte(&s, &flags) ||
		    ((flags & 0x08) && !seg_u16(&s, &runs)) || ((flags & 0x04) && !seg_u32(&s, &ext))) {
			damage(x->o, "the shared string table is cut short");
			return;
		}
		no = grow_array(x->sst_off, &x->asst, x->nsst + 2, sizeof(*no));
		if (!no)
			return;
		x->sst_off = no;
		x->sst_off[x->nsst] = x->sst.len;
		if (!seg_chars(&s, cch, flags & 1, &x->sst)) {
			damage(x->o, "the shared string table is cut short");
			x->sst_off[++x->nsst] = x->sst.len;
			return;
		}
		x->sst_off[++x->nsst] = x->sst.len;
		if (!seg_skip(&s, (uint64_t)runs * 4 + ext) && i + 1 < unique) {
			damage(x->o, "the shared string table is cut short");
			return;
		}
	}
}

/* Starts a cell: a tab after another cell of the same row, a newline after another row. */
static void cell_begin(struct xls *x, unsigned row)
{
	if (x->in_row)
		putch(x->o, row == x->row ? '\t' : '\n');
	x->in_row = 1;
	x->row = row;
}

/* Writes a number as Excel shows it in General format: integers as plain digits. */
static void put_number(struct out *o, double v)
{
	char num[48];

	if (!(v - v == 0))
		return; /* not finite */
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		snprintf(num, sizeof(num), "%lld", (long long)v);
	else
		snprintf(num, sizeof(num), "%.15g", v);
	put_str(o, num);
}

/* The value of an RK number: a 30-bit integer or the top of a double, maybe divided by 100. */
static double rk_value(uint32_t rk)
{
	double v;

	if (rk & 2) {
		int64_t i = (int64_t)(rk >> 2);

		if (i & 0x20000000)
			i -= 0x40000000;
		v = (double)i;
	} else {
		uint64_t bits = (uint64_t)(rk & 0xFFFFFFFCu) << 32;

		memcpy(&v, &bits, sizeof(v));
	}
	if (rk & 1)
		v /= 100;
	return v;
}

/*
 * Writes a string stored in a cell record at p (n bytes): BIFF8's 16-bit
 * count, option byte and characters, or BIFF5's count and 8-bit characters
 * in the workbook's code page.
 */
static void put_xl_string(struct xls *x, const unsigned char *p, size_t n)
{
	struct sila_buf b = SILA_BUF_INIT(3 * n + 16);
	unsigned cch;

	if (n < 2)
		return;
	cch = rd16(p);
	if (x->biff8) {
		struct segs s;

		if (n < 3)
			return;
		memset(&s, 0, sizeof(s));
		s.p[0] = p + 3;
		s.n[0] = n - 3;
		s.count = 1;
		if (!seg_chars(&s, cch, p[2] & 1, &b))
			damage(x->o, "a cell's text is cut short");
	} else {
		if (cch > n - 2) {
			damage(x->o, "a cell's text is cut short");
			cch = (unsigned)(n - 2);
		}
		cp_to_buf(x->cp, p + 2, cch, &b);
		for (size_t i = 0; i < b.len; i++)
			if ((unsigned char)b.data[i] < 0x20)
				b.data[i] = ' ';
	}
	put(x->o, b.data ? b.data : "", b.len);
	sila_buf_release(&b);
}

/* Records a BOUNDSHEET: the sheet's BOF offset and its name. */
static void note_sheet(struct xls *x, const unsigned char *p, size_t n)
{
	struct sheet *ns;
	size_t at = x->names.len;

	if (n < 7)
		return;
	ns = grow_array(x->sheets, &x->asheets, x->nsheets + 1, sizeof(*ns));
	if (!ns)
		return;
	x->sheets = ns;
	if (x->biff8 && n >= 8) {
		struct segs s;

		memset(&s, 0, sizeof(s));
		s.p[0] = p + 8;
		s.n[0] = n - 8;
		s.count = 1;
		seg_chars(&s, p[6], p[7] & 1, &x->names);
	} else {
		size_t cch = p[6] < n - 7 ? p[6] : n - 7;

		cp_to_buf(x->cp, p + 7, cch, &x->names);
	}
	ns[x->nsheets].pos = rd32(p);
	ns[x->nsheets].name = at;
	ns[x->nsheets].len = x->names.len - at;
	ns[x->nsheets].used = 0;
	x->nsheets++;
}

/* Starts the worksheet whose BOF is at pos: a blank line, then "Sheet: NAME". */
static void sheet_begin(struct xls *x, size_t pos)
{
	struct sheet *sh = NULL;

	for (size_t i = 0; i < x->nsheets && !sh; i++)
		if (x->sheets[i].pos == pos && !x->sheets[i].used)
			sh = &x->sheets[i];
	for (size_t i = 0; i < x->nsheets && !sh; i++)
		if (!x->sheets[i].used)
			sh = &x->sheets[i];
	if (produced(x->o))
		putch(x->o, '\n');
	put_str(x->o, "Sheet: ");
	if (sh) {
		sh->used = 1;
		if (sh->len)
			put(x->o, x->names.data + sh->name, sh->len);
	}
	putch(x->o, '\n');
	x->in_sheet = 1;
	x->in_row = 0;
}

/* Ends the current worksheet's last row. */
static void sheet_end(struct xls *x)
{
	if (x->in_row)
		putch(x->o, '\n');
	x->in_row = 0;
	x->in_sheet = 0;
}

/* Handles one record of a worksheet: the cell records that hold values. */
static void xls_cell(struct xls *x, unsigned type, const unsigned char *p, size_t n)
{
	/* A STRING record answers only the FORMULA cell right before it. */
	if (type == XL_LABELSST || type == XL_LABEL || type == XL_RSTRING || type == XL_NUMBER ||
	    type == XL_RK || type == XL_MULRK || type == XL_FORMULA || type == XL_STRING) {
		if (type == XL_STRING && x->pending_string)
			put_xl_string(x, p, n);
		x->pending_string = 0;
	}
	switch (type) {
	case XL_LABELSST:
		if (n >= 10) {
			uint32_t i = rd32(p + 6);

			cell_begin(x, rd16(p));
			if (i < x->nsst) {
				if (x->sst_off[i + 1] > x->sst_off[i])
					put(x->o, x->sst.data + x->sst_off[i],
					    x->sst_off[i + 1] - x->sst_off[i]);
			} else
				damage(x->o, "a cell refers to a shared string that does not exist");
		}
		break;
	case XL_LABEL:
	case XL_RSTRING:
		if (n >= 8) {
			cell_begin(x, rd16(p));
			put_xl_string(x, p + 6, n - 6);
		}
		break;
	case XL_NUMBER:
		if (n >= 14) {
			cell_begin(x, rd16(p));
			put_number(x->o, rd_double(p + 6));
		}
		break;
	case XL_RK:
		if (n >= 10) {
			cell_begin(x, rd16(p));
			put_number(x->o, rk_value(rd32(p + 6)));
		}
		break;
	case XL_MULRK:
		/* rw, colFirst, then 6-byte (ixfe, RK) pairs, then colLast. */
		if (n >= 12) {
			cell_begin(x, rd16(p));
			for (size_t at = 4; at + 6 + 2 <= n; at += 6) {
				if (at > 4)
					putch(x->o, '\t');
				put_number(x->o, rk_value(rd32(p + at + 2)));
			}
		}
		break;
	case XL_FORMULA:
		if (n >= 14) {
			const unsigned char *v = p + 6;

			if (rd16(v + 6) != 0xFFFF) {
				cell_begin(x, rd16(p));
				put_number(x->o, rd_double(v));
			} else if (v[0] == 0) {
				/* A string result: it follows in a STRING record. */
				cell_begin(x, rd16(p));
				x->pending_string = 1;
			}
		}
		break;
	}
}

static void extract_xls(GsfInfile *ole, struct out *o)
{
	struct stream wb;
	struct xls x;
	unsigned depth = 0;
	int r;
	size_t pos = 0;

	r = read_stream(ole, "Workbook", &wb);
	if (r == 0) {
		free(wb.p);
		r = read_stream(ole, "Book", &wb);
	}
	if (r < 0)
		damage(o, "the workbook stream cannot be read whole");
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.p = wb.p;
	x.n = wb.n;
	x.cp = 1252;
	sila_buf_init(&x.sst, 2 * wb.n + 1024);
	sila_buf_init(&x.names, 2 * wb.n + 1024);
	while (in_bounds(x.n, pos, 4) && !o->full) {
		unsigned type = rd16(x.p + pos);
		size_t len = rd16(x.p + pos + 2);
		const unsigned char *p = x.p + pos + 4;

		if (len > x.n - pos - 4) {
			damage(o, "a record runs past the end of the workbook stream");
			len = x.n - pos - 4;
		}
		switch (type) {
		case XL_BOF:
			/* Substreams: the globals, then a BOF..EOF per sheet, charts nested. */
			if (len >= 4) {
				unsigned dt = rd16(p + 2);

				if (pos == 0)
					x.biff8 = rd16(p) >= 0x0600;
				if (depth == 0 && (dt == 0x0010 || dt == 0x0040))
					sheet_begin(&x, pos);
			}
			if (depth < 16)
				depth++;
			break;
		case XL_EOF:
			if (depth)
				depth--;
			if (depth == 0 && x.in_sheet)
				sheet_end(&x);
			break;
		case XL_FILEPASS:
			sila_warn_add(o->t->warnings, "encrypted", "the workbook is password-protected");
			sila_text_status(o->t, SILA_DOC_UNSCANNABLE);
			goto done;
		case XL_CODEPAGE:
			if (len >= 2)
				x.cp = rd16(p);
			break;
		case XL_BOUNDSHEET:
			note_sheet(&x, p, len);
			break;
		case XL_SST:
			if (x.biff8 && !x.nsst)
				read_sst(&x, pos);
			break;
		default:
			if (x.in_sheet && depth == 1)
				xls_cell(&x, type, p, len);
		}
		pos += 4 + len;
	}
	if (x.in_sheet)
		sheet_end(&x);
	if (pos < x.n)
		damage(o, "the workbook stream ends inside a record");
done:
	sila_buf_release(&x.sst);
	sila_buf_release(&x.names);
	free(x.sst_off);
	free(x.sheets);
	free(wb.p);
}

/* ---- PowerPoint 97-2003 -------------------------------------------------------- */

/* PowerPoint record types. */
enum {
	PT_DOCUMENT = 0x03E8, PT_SLIDE = 0x03EE, PT_SLIDEATOM = 0x03EF, PT_NOTES = 0x03F0,
	PT_SLIDEPERSIST = 0x03F3, PT_TEXTCHARS = 0x0FA0, PT_TEXTBYTES = 0x0FA8,
	PT_CSTRING = 0x0FBA, PT_SLWT = 0x0FF0, PT_USEREDIT = 0x0FF5, PT_CURRENTUSER = 0x0FF6,
	PT_PERSISTDIR = 0x1772, PT_PROGTAGS = 0x1388, PT_CRYPTSESSION = 0x2F14
};

struct ppt {
	struct out *o;
	const unsigned char *p;
	size_t n;
	uint32_t *persist;         /* persist id -> offset, UINT32_MAX if none */
	size_t npersist;
	size_t visits;             /* record headers read so far, against a budget */
	size_t budget;             /* a few times the records the stream can hold */
	int text_seen;             /* some text in the current page already */
};

/* Reads the record header at off within [off, end): type, instance, version and body. */
static int ppt_header(struct ppt *pp, size_t off, size_t end, unsigned *type, unsigned *inst,
		      unsigned *ver, size_t *body)
{
	uint32_t len;

	if (end - off < 8)
		return 0;
	if (++pp->visits > pp->budget) {
		if (pp->visits == pp->budget + 1)
			damage(pp->o, "too many records visited: the presentation refers to itself");
		return 0;
	}
	*ver = pp->p[off] & 0x0F;
	*inst = rd16(pp->p + off) >> 4;
	*type = rd16(pp->p + off + 2);
	len = rd32(pp->p + off + 4);
	if (len > end - off - 8) {
		damage(pp->o, "a record runs past its container");
		len = (uint32_t)(end - off - 8);
	}
	*body = len;
	return 1;
}

/* Writes one text atom's text; carriage returns and vertical tabs end lines. */
static void ppt_text(struct ppt *pp, unsigned type, const unsigned char *p, size_t n)
{
	if (pp->text_seen)
		putch(pp->o, '\n');
	pp->text_seen = 1;
	for (size_t k = 0; k < n && !pp->o->full;) {
		uint32_t c;

		if (type == PT_TEXTBYTES) {
			c = p[k++];
		} else {
			size_t used = sila_cfb_utf16_next(p + k, n - k, &c);

			if (!used)
				break;
			k += used;
		}
		if (c == '\r' || c == 0x0B || c == '\n')
			putch(pp->o, '\n');
		else if (c == '\t')
			putch(pp->o, '\t');
		else if (c >= 0x20)
			putcp(pp->o, c);
	}
}

/*
 * Writes the text atoms in the records between off and end, descending into
 * containers (but not programmable tags, which hold no document text).
 */
static void ppt_walk(struct ppt *pp, size_t off, size_t end, unsigned depth)
{
	unsigned type, inst, ver;
	size_t body;

	while (off < end && !pp->o->full && ppt_header(pp, off, end, &type, &inst, &ver, &body)) {
		if (ver == 0x0F) {
			if (type != PT_PROGTAGS && depth < PPT_DEPTH)
				ppt_walk(pp, off + 8, off + 8 + body, depth + 1);
		} else if (type == PT_TEXTCHARS || type == PT_TEXTBYTES || type == PT_CSTRING) {
			ppt_text(pp, type, pp->p + off + 8, body);
		}
		off += 8 + body;
	}
}

/* The offset of the record with persist id id and the given type, or SIZE_MAX. */
static size_t ppt_persist(struct ppt *pp, uint32_t id, unsigned want)
{
	uint32_t off;

	if (id >= pp->npersist || (off = pp->persist[id]) == UINT32_MAX ||
	    !in_bounds(pp->n, off, 8) || rd16(pp->p + off + 2) != want)
		return SIZE_MAX;
	return off;
}

/*
 * Builds the persist directory from the chain of user edits, newest first
 * (an older edit does not override a newer one). Returns the document
 * container's persist id, or UINT32_MAX. *enc is set when an edit records
 * an encryption session.
 */
static uint32_t ppt_directory(struct ppt *pp, uint32_t edit, int *enc)
{
	uint32_t doc = UINT32_MAX;

	for (int hops = 0; hops < 4096 && edit && in_bounds(pp->n, edit, 8 + 28); hops++) {
		const unsigned char *e = pp->p + edit;
		uint32_t len = rd32(e + 4), dir, next;

		if (rd16(e + 2) != PT_USEREDIT || len < 28)
			break;
		if (len >= 32 && in_bounds(pp->n, (uint64_t)edit + 8 + 28, 4) && rd32(e + 8 + 28))
			*enc = 1;
		if (doc == UINT32_MAX)
			doc = rd32(e + 8 + 16);
		next = rd32(e + 8 + 8);
		dir = rd32(e + 8 + 12);
		if (in_bounds(pp->n, dir, 8) && rd16(pp->p + dir + 2) == PT_PERSISTDIR) {
			uint64_t at = (uint64_t)dir + 8, end = at + rd32(pp->p + dir + 4);

			if (end > pp->n)
				end = pp->n;
			while (at + 4 <= end) {
				uint32_t h = rd32(pp->p + at), first = h & 0xFFFFF, count = h >> 20;

				at += 4;
				if ((uint64_t)first + count > 0x100000)
					break;
				if (first + count > pp->npersist) {
					size_t nn = first + count;
					uint32_t *np = realloc(pp->persist, nn * sizeof(*np));

					if (!np)
						break;
					for (size_t i = pp->npersist; i < nn; i++)
						np[i] = UINT32_MAX;
					pp->persist = np;
					pp->npersist = nn;
				}
				for (uint32_t i = 0; i < count && at + 4 <= end; i++, at += 4)
					if (pp->persist[first + i] == UINT32_MAX)
						pp->persist[first + i] = rd32(pp->p + at);
			}
		}
		if (next >= edit)
			break; /* edits go backwards in the stream; anything else is a loop */
		edit = next;
	}
	return doc;
}

/* The end of the record at off, kept within the stream. */
static size_t ppt_end(struct ppt *pp, size_t off)
{
	uint32_t len = rd32(pp->p + off + 4);

	return len > pp->n - off - 8 ? pp->n : off + 8 + len;
}

/* A notes page as the document lists it: its notesId and persist id. */
struct note_ref {
	uint32_t id, persist;
};

static int cmp_note(const void *a, const void *b)
{
	uint32_t x = ((const struct note_ref *)a)->id, y = ((const struct note_ref *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * Lists the notes pages of the document whose children lie between
 * doc_body and doc_end (the NotesPersistAtoms of its notes list), sorted by
 * notesId for lookup. Returns the list (free() it) and its length in *n.
 */
static struct note_ref *ppt_notes_list(struct ppt *pp, size_t doc_body, size_t doc_end, size_t *n)
{
	struct note_ref *list = NULL;
	size_t alloc = 0, off = doc_body, body;
	unsigned type, inst, ver;

	*n = 0;
	while (off < doc_end && ppt_header(pp, off, doc_end, &type, &inst, &ver, &body)) {
		if (type == PT_SLWT && inst == 2) {
			size_t a = off + 8, end = off + 8 + body, ab;
			unsigned at, ai, av;

			while (a < end && ppt_header(pp, a, end, &at, &ai, &av, &ab)) {
				if (at == PT_SLIDEPERSIST && ab >= 16) {
					struct note_ref *nl = grow_array(list, &alloc, *n + 1, sizeof(*nl));

					if (!nl)
						break;
					list = nl;
					list[*n].id = rd32(pp->p + a + 8 + 12);
					list[*n].persist = rd32(pp->p + a + 8);
					(*n)++;
				}
				a += 8 + ab;
			}
		}
		off += 8 + body;
	}
	if (*n)
		qsort(list, *n, sizeof(*list), cmp_note);
	return list;
}

/* Writes the text of the notes page with notesId id, if the document has one. */
static void ppt_notes(struct ppt *pp, const struct note_ref *list, size_t n, uint32_t id)
{
	struct note_ref key = { id, 0 };
	const struct note_ref *r = n ? bsearch(&key, list, n, sizeof(*list), cmp_note) : NULL;
	size_t off;

	if (!r)
		return;
	off = ppt_persist(pp, r->persist, PT_NOTES);
	if (off != SIZE_MAX)
		ppt_walk(pp, off + 8, ppt_end(pp, off), 1);
}

/*
 * Writes the slides in the order the document lists them: the text listed
 * with each slide, the text of its shapes and the text of its notes, a
 * form feed between slides. Slides the persist directory cannot place are
 * taken from the stream in order. Returns the slides written.
 */
static unsigned ppt_slides(struct ppt *pp, size_t doc, const size_t *linear, size_t nlinear)
{
	unsigned type, inst, ver, slides = 0;
	size_t off = doc + 8, end = ppt_end(pp, doc), body, nnotes;
	struct note_ref *notes = ppt_notes_list(pp, doc + 8, end, &nnotes);

	while (off < end && ppt_header(pp, off, end, &type, &inst, &ver, &body)) {
		if (type == PT_SLWT && inst == 0) {
			size_t a = off + 8, lend = off + 8 + body, ab;
			unsigned at, ai, av;

			while (a < lend && !pp->o->full && ppt_header(pp, a, lend, &at, &ai, &av, &ab)) {
				size_t s, next = a + 8 + ab;

				if (at != PT_SLIDEPERSIST || ab < 4) {
					a = next;
					continue;
				}
				if (slides++)
					putch(pp->o, '\f');
				pp->text_seen = 0;
				s = ppt_persist(pp, rd32(pp->p + a + 8), PT_SLIDE);
				if (s == SIZE_MAX) {
					damage(pp->o, "a slide is missing from the persist directory");
					s = slides - 1 < nlinear ? linear[slides - 1] : SIZE_MAX;
				}
				/* The text listed with the slide, up to the next slide's atom. */
				while (next < lend && ppt_header(pp, next, lend, &at, &ai, &av, &ab) &&
				       at != PT_SLIDEPERSIST) {
					if (at == PT_TEXTCHARS || at == PT_TEXTBYTES)
						ppt_text(pp, at, pp->p + next + 8, ab);
					next += 8 + ab;
				}
				if (s != SIZE_MAX) {
					size_t se = ppt_end(pp, s);

					ppt_walk(pp, s + 8, se, 1);
					/* SlideAtom.notesIdRef: the notes page, if any. */
					if (in_bounds(pp->n, s + 8, 8 + 24) &&
					    rd16(pp->p + s + 8 + 2) == PT_SLIDEATOM && rd32(pp->p + s + 8 + 4) >= 24) {
						uint32_t nid = rd32(pp->p + s + 16 + 16);

						if (nid)
							ppt_notes(pp, notes, nnotes, nid);
					}
				}
				a = next;
			}
		}
		off += 8 + body;
	}
	free(notes);
	return slides;
}

static void extract_ppt(GsfInfile *ole, struct out *o)
{
	struct stream doc, cu;
	struct ppt pp;
	size_t *linear = NULL, nlinear = 0, alinear = 0, last_doc = SIZE_MAX, last_edit = SIZE_MAX, off = 0;
	uint32_t edit = 0, docid = UINT32_MAX;
	int enc = 0, r;
	unsigned slides = 0, type, inst, ver;
	size_t body;

	memset(&pp, 0, sizeof(pp));
	pp.o = o;
	r = read_stream(ole, "PowerPoint Document", &doc);
	if (r < 0)
		damage(o, "the PowerPoint Document stream cannot be read whole");
	pp.p = doc.p;
	pp.n = doc.n;
	pp.budget = doc.n / 8 * 4 + 1024;
	/* Current User: the newest edit, and whether the document is encrypted. */
	if (read_stream(ole, "Current User", &cu) > 0 && cu.n >= 24 &&
	    rd16(cu.p + 2) == PT_CURRENTUSER) {
		if (rd32(cu.p + 12) == 0xF3D1C4DFu)
			enc = 1;
		edit = rd32(cu.p + 16);
	}
	free(cu.p);
	if (edit)
		docid = ppt_directory(&pp, edit, &enc);
	/* The top-level records in stream order: the fallback when persist ids fail. */
	while (off < pp.n && ppt_header(&pp, off, pp.n, &type, &inst, &ver, &body)) {
		if (type == PT_SLIDE) {
			size_t *nl = grow_array(linear, &alinear, nlinear + 1, sizeof(*nl));

			if (nl) {
				linear = nl;
				linear[nlinear++] = off;
			}
		} else if (type == PT_DOCUMENT) {
			last_doc = off;
		} else if (type == PT_USEREDIT) {
			last_edit = off;
		} else if (type == PT_CRYPTSESSION) {
			enc = 1;
		}
		off += 8 + body;
	}
	/* No usable Current User: the newest edit is the last one in the stream. */
	if (docid == UINT32_MAX && last_edit != SIZE_MAX)
		docid = ppt_directory(&pp, (uint32_t)last_edit, &enc);
	if (enc) {
		sila_warn_add(o->t->warnings, "encrypted", "the presentation is password-protected");
		sila_text_status(o->t, SILA_DOC_UNSCANNABLE);
		goto done;
	}
	if (docid != UINT32_MAX && ppt_persist(&pp, docid, PT_DOCUMENT) != SIZE_MAX) {
		slides = ppt_slides(&pp, ppt_persist(&pp, docid, PT_DOCUMENT), linear, nlinear);
	} else if (last_doc != SIZE_MAX) {
		damage(o, "the presentation's edit history is damaged: slides read in stream order");
		slides = ppt_slides(&pp, last_doc, linear, nlinear);
	}
	if (!slides && nlinear) {
		/* No slide list: every slide in the stream, in stream order. */
		if (docid == UINT32_MAX && last_doc == SIZE_MAX)
			damage(o, "the presentation has no document record: slides read in stream order");
		for (size_t i = 0; i < nlinear && !o->full; i++) {
			if (slides++)
				putch(o, '\f');
			pp.text_seen = 0;
			ppt_walk(&pp, linear[i] + 8, ppt_end(&pp, linear[i]), 1);
		}
	}
	if (slides)
		putch(o, '\n');
	o->t->pages = slides;
done:
	free(linear);
	free(pp.persist);
	free(doc.p);
}

/* ---- Dispatch ------------------------------------------------------------------- */

void sila_extract_ole2(const char *data, size_t len, const char *type, struct sila_text *out)
{
	GsfInput *in;
	GsfInfile *ole;
	GError *gerr = NULL;
	struct out *o;

	sila_cfb_quiet();
	in = gsf_input_memory_new((const guint8 *)data, (gsf_off_t)len, FALSE);
	if (!in) {
		sila_warn_add(out->warnings, "extraction-failed", "out of memory");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		return;
	}
	ole = gsf_infile_msole_new(in, &gerr);
	if (!ole) {
		sila_warn_add(out->warnings, "extraction-failed", "not a readable OLE2 compound file%s%s",
			      gerr ? ": " : "", gerr ? gerr->message : "");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		if (gerr)
			g_error_free(gerr);
		g_object_unref(in);
		return;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		sila_warn_add(out->warnings, "extraction-failed", "out of memory");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		g_object_unref(ole);
		g_object_unref(in);
		return;
	}
	o->t = out;
	o->start = out->buf.len;
	if (sila_cfb_has_child(ole, "EncryptedPackage")) {
		sila_warn_add(out->warnings, "encrypted",
			      "a password-protected Office Open XML document");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		goto done;
	}
	read_metadata(ole, o);
	if (sila_cfb_has_child(ole, "WordDocument")) {
		extract_doc(ole, o);
	} else if (sila_cfb_has_child(ole, "Workbook") || sila_cfb_has_child(ole, "Book")) {
		extract_xls(ole, o);
	} else if (sila_cfb_has_child(ole, "PowerPoint Document")) {
		if (sila_cfb_has_child(ole, "EncryptedSummary")) {
			sila_warn_add(out->warnings, "encrypted", "the presentation is password-protected");
			sila_text_status(out, SILA_DOC_UNSCANNABLE);
		} else {
			extract_ppt(ole, o);
		}
	} else {
		sila_warn_add(out->warnings, "unsupported-type",
			      "no text extractor for this kind of OLE2 file (%s)", type);
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
	}
	flush(o);
	if (o->damaged) {
		sila_warn_add(out->warnings, "extraction-failed", "%s", o->why);
		sila_text_status(out, out->buf.len > o->start ? SILA_DOC_PARTIAL : SILA_DOC_UNSCANNABLE);
	}
done:
	free(o);
	g_object_unref(ole);
	g_object_unref(in);
}
