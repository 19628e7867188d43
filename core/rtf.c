/*
 * rtf.c - text from RTF, with a parser of our own.
 *
 * RTF is groups in braces, control words (\par, \u8212, \f1) with an
 * optional numeric parameter, control symbols (\{, \~, \'e5) and text.
 * The parser reads it in one pass with an explicit stack of group states,
 * so the nesting depth of the input never becomes recursion; the stack is
 * capped at MAX_DEPTH and deeper groups are read as part of their parent.
 *
 * Each group has a destination: the body, an \info property, a custom
 * property, the font table, or a part to skip (pictures, style sheets,
 * field instructions, and every \* destination the parser does not know).
 * Text bytes and \'hh bytes are collected and decoded together in the code
 * page in force (\ansicpgN, or the current font's \fcharsetN or \cpgN), so
 * double-byte code pages work; \uN characters are written directly and
 * their fallback characters (\ucN of them) are skipped. Paragraphs, lines
 * and table rows end lines, cells and tabs become tabs, \page a form feed.
 * \info properties and \userprops custom properties go to the metadata,
 * MSIP_Label_<id>_Name custom properties to the sensitivity labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "formats.h"

#define MAX_DEPTH 1000             /* groups nested deeper are flattened */
#define MAX_FONTS 1024             /* font numbers with a code page of their own */
#define META_MAX ((size_t)65536)   /* the longest property value kept */
#define PEND_MAX 1024              /* code-page bytes decoded at a time */
#define UC_MAX 64                  /* the most fallback characters \ucN may ask to skip */

/* Where the text of a group goes. */
enum dest {
	D_BODY,     /* the document's text */
	D_SKIP,     /* nowhere; nested groups are skipped too */
	D_FONTTBL,  /* the font table: only font numbers and charsets are read */
	D_INFO,     /* \info or \userprops: text ignored, property groups read */
	D_META,     /* the value of one \info property */
	D_PROPNAME, /* the name of a custom property */
	D_PROPVAL   /* the value of a custom property */
};

#define NO_DEST 0xff

/* The state of one group, copied into each group nested in it. */
struct state {
	unsigned char dest;     /* enum dest */
	unsigned char owner;    /* this group opened dest: finish it on exit */
	unsigned char flow;     /* a header, footer or note: ends a line on exit */
	unsigned char upr_dest; /* the destination \ud restores inside \upr, or NO_DEST */
	int uc;                 /* fallback characters after each \uN */
	int font;               /* the current font, or -1 for the default font */
	const char *key;        /* the metadata key of a D_META owner */
};

/* What a control word does. */
enum action {
	A_OUT,       /* writes arg's text */
	A_U,         /* \uN */
	A_UC,        /* \ucN */
	A_BIN,       /* \binN: N raw bytes follow */
	A_CHARSET,   /* \ansi \mac \pc \pca: the document's code page */
	A_ANSICPG,   /* \ansicpgN */
	A_DEFF,      /* \deffN */
	A_FONT,      /* \fN */
	A_FCHARSET,  /* \fcharsetN in the font table */
	A_CPG,       /* \cpgN in the font table */
	A_PLAIN,     /* \plain: back to the default font */
	A_RTF,       /* \rtfN, the header */
	/* Destinations: these may follow \* */
	A_SKIP,      /* a destination whose text is not document text */
	A_KEEP,      /* a destination whose text is document text */
	A_FLOW,      /* a header, footer, note or text box: text on lines of its own */
	A_FONTTBL,   /* \fonttbl */
	A_INFO,      /* \info, \userprops */
	A_META,      /* an \info property; arg is its metadata key */
	A_PROPNAME,  /* \propname */
	A_STATICVAL, /* \staticval */
	A_UPR,       /* \upr: an ANSI and a Unicode (\ud) rendering follow */
	A_UD         /* \ud */
};

struct word {
	const char *name;
	enum action act;
	const char *arg;
};

/* Control words, sorted by name for bsearch; every other one is ignored. */
static const struct word words[] = {
	{ "aftncn", A_SKIP, NULL },
	{ "aftnsep", A_SKIP, NULL },
	{ "aftnsepc", A_SKIP, NULL },
	{ "annotation", A_FLOW, NULL },
	{ "ansi", A_CHARSET, "1252" },
	{ "ansicpg", A_ANSICPG, NULL },
	{ "atnauthor", A_SKIP, NULL },
	{ "atndate", A_SKIP, NULL },
	{ "atnid", A_SKIP, NULL },
	{ "atnparent", A_SKIP, NULL },
	{ "atnref", A_SKIP, NULL },
	{ "atntime", A_SKIP, NULL },
	{ "atrfend", A_SKIP, NULL },
	{ "atrfstart", A_SKIP, NULL },
	{ "author", A_META, "author" },
	{ "background", A_SKIP, NULL },
	{ "bin", A_BIN, NULL },
	{ "bkmkend", A_SKIP, NULL },
	{ "bkmkstart", A_SKIP, NULL },
	{ "bullet", A_OUT, "\xe2\x80\xa2" },
	{ "category", A_META, "category" },
	{ "cell", A_OUT, "\t" },
	{ "colorschememapping", A_SKIP, NULL },
	{ "colortbl", A_SKIP, NULL },
	{ "company", A_META, "company" },
	{ "cpg", A_CPG, NULL },
	{ "datafield", A_SKIP, NULL },
	{ "datastore", A_SKIP, NULL },
	{ "defchp", A_SKIP, NULL },
	{ "deff", A_DEFF, NULL },
	{ "defpap", A_SKIP, NULL },
	{ "doccomm", A_META, "comments" },
	{ "docvar", A_SKIP, NULL },
	{ "emdash", A_OUT, "\xe2\x80\x94" },
	{ "emspace", A_OUT, " " },
	{ "endash", A_OUT, "\xe2\x80\x93" },
	{ "enspace", A_OUT, " " },
	{ "f", A_FONT, NULL },
	{ "falt", A_SKIP, NULL },
	{ "fcharset", A_FCHARSET, NULL },
	{ "field", A_KEEP, NULL },
	{ "filetbl", A_SKIP, NULL },
	{ "fldinst", A_SKIP, NULL },
	{ "fldrslt", A_KEEP, NULL },
	{ "fonttbl", A_FONTTBL, NULL },
	{ "footer", A_FLOW, NULL },
	{ "footerf", A_FLOW, NULL },
	{ "footerl", A_FLOW, NULL },
	{ "footerr", A_FLOW, NULL },
	{ "footnote", A_FLOW, NULL },
	{ "ftncn", A_SKIP, NULL },
	{ "ftnsep", A_SKIP, NULL },
	{ "ftnsepc", A_SKIP, NULL },
	{ "generator", A_SKIP, NULL },
	{ "header", A_FLOW, NULL },
	{ "headerf", A_FLOW, NULL },
	{ "headerl", A_FLOW, NULL },
	{ "headerr", A_FLOW, NULL },
	{ "info", A_INFO, NULL },
	{ "keywords", A_META, "keywords" },
	{ "latentstyles", A_SKIP, NULL },
	{ "ldblquote", A_OUT, "\xe2\x80\x9c" },
	{ "line", A_OUT, "\n" },
	{ "linkval", A_SKIP, NULL },
	{ "listoverridetable", A_SKIP, NULL },
	{ "listpicture", A_SKIP, NULL },
	{ "listtable", A_SKIP, NULL },
	{ "listtext", A_KEEP, NULL },
	{ "lquote", A_OUT, "\xe2\x80\x98" },
	{ "ltrmark", A_OUT, "" },
	{ "mac", A_CHARSET, "10000" },
	{ "manager", A_META, "manager" },
	{ "mmathPr", A_SKIP, NULL },
	{ "nestcell", A_OUT, "\t" },
	{ "nestrow", A_OUT, "\n" },
	{ "nonshppict", A_SKIP, NULL },
	{ "objclass", A_SKIP, NULL },
	{ "objdata", A_SKIP, NULL },
	{ "objname", A_SKIP, NULL },
	{ "page", A_OUT, "\f" },
	{ "panose", A_SKIP, NULL },
	{ "par", A_OUT, "\n" },
	{ "pc", A_CHARSET, "437" },
	{ "pca", A_CHARSET, "850" },
	{ "pgdsctbl", A_SKIP, NULL },
	{ "pict", A_SKIP, NULL },
	{ "plain", A_PLAIN, NULL },
	{ "pntext", A_KEEP, NULL },
	{ "pntxta", A_KEEP, NULL },
	{ "pntxtb", A_KEEP, NULL },
	{ "propname", A_PROPNAME, NULL },
	{ "protusertbl", A_SKIP, NULL },
	{ "qmspace", A_OUT, " " },
	{ "rdblquote", A_OUT, "\xe2\x80\x9d" },
	{ "result", A_KEEP, NULL },
	{ "revtbl", A_SKIP, NULL },
	{ "row", A_OUT, "\n" },
	{ "rquote", A_OUT, "\xe2\x80\x99" },
	{ "rsidtbl", A_SKIP, NULL },
	{ "rtf", A_RTF, NULL },
	{ "rtlmark", A_OUT, "" },
	{ "sect", A_OUT, "\n" },
	{ "shp", A_KEEP, NULL },
	{ "shpinst", A_KEEP, NULL },
	{ "shppict", A_KEEP, NULL },
	{ "shprslt", A_SKIP, NULL },
	{ "shptxt", A_FLOW, NULL },
	{ "sn", A_SKIP, NULL },
	{ "sp", A_SKIP, NULL },
	{ "staticval", A_STATICVAL, NULL },
	{ "stylesheet", A_SKIP, NULL },
	{ "subject", A_META, "subject" },
	{ "sv", A_SKIP, NULL },
	{ "tab", A_OUT, "\t" },
	{ "template", A_SKIP, NULL },
	{ "themedata", A_SKIP, NULL },
	{ "title", A_META, "title" },
	{ "u", A_U, NULL },
	{ "uc", A_UC, NULL },
	{ "ud", A_UD, NULL },
	{ "upr", A_UPR, NULL },
	{ "userprops", A_INFO, NULL },
	{ "wgrffmtfilter", A_SKIP, NULL },
	{ "xmlnstbl", A_SKIP, NULL },
	{ "zwj", A_OUT, "" },
	{ "zwnj", A_OUT, "" },
};

/* The parser. */
struct rtf {
	const unsigned char *p, *end;
	struct sila_text *out;
	struct state *stack;     /* stack[depth] is the current group's state */
	int depth;               /* 0 outside every group, 1 in the document's */
	size_t overflow;         /* groups opened past MAX_DEPTH and not yet closed */
	int doc_cp;              /* the document's code page */
	int deff;                /* the default font */
	int font_cp[MAX_FONTS];  /* a font's code page, or 0 for the document's */
	int cur_font;            /* the font being described in the font table */
	int skip;                /* fallback characters of a \uN still to skip */
	unsigned high;           /* a high surrogate waiting for its low half, or 0 */
	int ignorable;           /* \* came before the next control word */
	int stop;                /* the text cap was reached */
	unsigned char pend[PEND_MAX]; /* code-page bytes not yet decoded */
	size_t npend;
	int pend_high;           /* pend holds a byte above 0x7f */
	struct sila_conv conv;   /* the converter for conv_cp */
	int conv_cp;             /* the code page conv is open for, or 0 */
	struct sila_buf meta;    /* the value of the current \info property */
	struct sila_buf pname;   /* the name of the current custom property */
	struct sila_buf pval;    /* its value */
};

/* Compares two control words by name, for bsearch. */
static int word_cmp(const void *a, const void *b)
{
	return strcmp(((const struct word *)a)->name, ((const struct word *)b)->name);
}

/* The entry for a control word, or NULL. */
static const struct word *find_word(const char *name)
{
	struct word key = { name, A_OUT, NULL };

	return bsearch(&key, words, sizeof(words) / sizeof(words[0]), sizeof(words[0]), word_cmp);
}

/* Whether an action opens a destination (and so may follow \*). */
static int is_dest(enum action a)
{
	return a >= A_SKIP;
}

/* Whether text in destination d is kept anywhere. */
static int takes_text(unsigned char d)
{
	return d == D_BODY || d == D_META || d == D_PROPNAME || d == D_PROPVAL;
}

/* The code page \fcharsetN stands for; 0 for the document's own. */
static int fcharset_cp(int charset)
{
	static const int map[][2] = {
		{ 77, 10000 }, { 128, 932 }, { 129, 949 }, { 130, 1361 }, { 134, 936 },
		{ 136, 950 }, { 161, 1253 }, { 162, 1254 }, { 163, 1258 }, { 177, 1255 },
		{ 178, 1256 }, { 186, 1257 }, { 204, 1251 }, { 222, 874 }, { 238, 1250 },
		{ 254, 437 }, { 255, 850 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == charset)
			return map[i][1];
	return 0;
}

/* Sends UTF-8 to the current destination. */
static void route(struct rtf *r, const char *s, size_t n)
{
	switch (r->stack[r->depth].dest) {
	case D_BODY:
		if (sila_text_add(r->out, s, n) != SILA_OK)
			r->stop = 1;
		break;
	case D_META:
		sila_buf_add_upto(&r->meta, s, n);
		break;
	case D_PROPNAME:
		sila_buf_add_upto(&r->pname, s, n);
		break;
	case D_PROPVAL:
		sila_buf_add_upto(&r->pval, s, n);
		break;
	default:
		break;
	}
}

/* The sink the code-page converter writes into. */
static int route_sink(void *ctx, const char *s, size_t n)
{
	struct rtf *r = ctx;

	route(r, s, n);
	return r->stop ? SILA_FAILED : SILA_OK;
}

/* The code page of the current group: its font's, else the document's. */
static int current_cp(const struct rtf *r)
{
	int f = r->stack[r->depth].font;

	if (f < 0)
		f = r->deff;
	if (f >= 0 && f < MAX_FONTS && r->font_cp[f])
		return r->font_cp[f];
	return r->doc_cp;
}

/*
 * Makes conv a converter for code page cp, falling back to Windows-1252
 * when iconv does not know it. Returns 0, or -1 when not even that opens.
 */
static int use_cp(struct rtf *r, int cp)
{
	char num[16];

	if (r->conv_cp == cp)
		return 0;
	if (r->conv_cp)
		sila_conv_close(&r->conv);
	r->conv_cp = 0;
	snprintf(num, sizeof(num), "%d", cp);
	if (sila_conv_open(&r->conv, num) != SILA_OK && sila_conv_open(&r->conv, "CP1252") != SILA_OK)
		return -1;
	r->conv_cp = cp;
	return 0;
}

/*
 * Decodes the collected code-page bytes into the current destination.
 * When final is 0 (the buffer is merely full) an incomplete double-byte
 * character at the end stays for the next call.
 */
static void flush(struct rtf *r, int final)
{
	size_t used = r->npend;

	if (!r->npend)
		return;
	if (r->high) {
		r->high = 0;
		route(r, "\xef\xbf\xbd", 3);
	}
	if (!r->pend_high)
		route(r, (const char *)r->pend, r->npend);
	else if (use_cp(r, current_cp(r)) == 0)
		sila_conv_run(&r->conv, (const char *)r->pend, r->npend, final, route_sink, r, &used);
	if (used < r->npend)
		memmove(r->pend, r->pend + used, r->npend - used);
	r->npend -= used;
	r->pend_high = 0;
	for (size_t i = 0; i < r->npend; i++)
		r->pend_high |= r->pend[i] >= 0x80;
	if (r->npend == PEND_MAX) /* nothing decodable: drop rather than stall */
		r->npend = 0;
}

/* Takes one text byte (literal or \'hh) in the document's code page. */
static void text_byte(struct rtf *r, unsigned char c)
{
	if (!takes_text(r->stack[r->depth].dest))
		return;
	if (r->skip > 0) {
		r->skip--;
		return;
	}
	if (r->npend == PEND_MAX)
		flush(r, 0);
	r->pend[r->npend++] = c;
	r->pend_high |= c >= 0x80;
}

/* Writes UTF-8 text (a \uN character, a tab, a line break) after what is pending. */
static void emit(struct rtf *r, const char *s, size_t n)
{
	flush(r, 1);
	if (r->high) {
		r->high = 0;
		route(r, "\xef\xbf\xbd", 3);
	}
	if (n)
		route(r, s, n);
}

/* Writes code point cp as UTF-8. */
static void emit_cp(struct rtf *r, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	emit(r, u, n);
}

/*
 * \uN: a UTF-16 code unit, negative above 32767. Surrogate pairs come as
 * two \u words and are joined; a lone half becomes U+FFFD. The \ucN
 * fallback characters that follow are skipped.
 */
static void unicode(struct rtf *r, long n)
{
	unsigned long v = n < 0 ? (unsigned long)(n + 65536) : (unsigned long)n;
	struct state *st = &r->stack[r->depth];

	if (!takes_text(st->dest))
		return;
	flush(r, 1);
	if (v >= 0xd800 && v <= 0xdbff) {
		if (r->high)
			route(r, "\xef\xbf\xbd", 3);
		r->high = (unsigned)v;
	} else if (v >= 0xdc00 && v <= 0xdfff) {
		if (r->high) {
			unsigned long cp = 0x10000 + ((unsigned long)(r->high - 0xd800) << 10) + (v - 0xdc00);

			r->high = 0;
			emit_cp(r, cp);
		} else {
			emit(r, "\xef\xbf\xbd", 3);
		}
	} else if (v > 0 && v <= 0x10ffff) {
		emit_cp(r, v);
	}
	r->skip = st->uc;
}

/* Ends the current line unless the body text is at a line start already. */
static void end_line(struct rtf *r)
{
	const struct sila_buf *b = &r->out->buf;

	if (b->len && b->data[b->len - 1] != '\n' && b->data[b->len - 1] != '\f')
		emit(r, "\n", 1);
}

/*
 * A custom property is complete: it goes to the metadata, and an
 * MSIP_Label_<id>_Name property is a sensitivity label as well.
 */
static void custom_property(struct rtf *r)
{
	const char *name = r->pname.data, *value = r->pval.data;
	size_t n;

	if (!name || !value || !r->pname.len || !r->pval.len)
		return;
	sila_text_meta(r->out, name, value, r->pval.len);
	n = r->pname.len;
	if (n > 16 && strncmp(name, "MSIP_Label_", 11) == 0 && strcmp(name + n - 5, "_Name") == 0) {
		char id[64];

		snprintf(id, sizeof(id), "%.*s", (int)(n - 16), name + 11);
		sila_text_label(r->out, "msip", value, id);
	}
}

/* Opens a group: the new state is a copy of its parent's. */
static void push(struct rtf *r)
{
	if (r->depth + 1 >= MAX_DEPTH) {
		if (!r->overflow++) {
			sila_warn_add(r->out->warnings, "extraction-failed",
				      "RTF groups nested deeper than %d levels were read flat", MAX_DEPTH);
			sila_text_status(r->out, SILA_DOC_PARTIAL);
		}
		return;
	}
	r->stack[r->depth + 1] = r->stack[r->depth];
	r->depth++;
	r->stack[r->depth].owner = 0;
	r->stack[r->depth].flow = 0;
}

/* Closes a group, finishing what it opened. */
static void pop(struct rtf *r)
{
	struct state *st;

	if (r->overflow) {
		r->overflow--;
		return;
	}
	if (r->depth == 0)
		return;
	st = &r->stack[r->depth];
	flush(r, 1);
	if (st->owner && st->dest == D_META && r->meta.len)
		sila_text_meta(r->out, st->key, r->meta.data, r->meta.len);
	else if (st->owner && st->dest == D_PROPVAL)
		custom_property(r);
	if (st->flow && r->stack[r->depth - 1].dest == D_BODY) {
		r->depth--;
		end_line(r);
		return;
	}
	r->depth--;
}

/* Makes the current group a new destination d that it owns. */
static void own(struct rtf *r, unsigned char d, struct sila_buf *b)
{
	struct state *st = &r->stack[r->depth];

	st->dest = d;
	st->owner = 1;
	if (b)
		sila_buf_reset(b);
}

/* Carries out control word w (NULL when unknown) with its parameter. */
static void do_word(struct rtf *r, const struct word *w, int has_param, long param)
{
	struct state *st = &r->stack[r->depth];
	int ign = r->ignorable;

	r->ignorable = 0;
	if (w && w->act == A_BIN) {
		size_t n = has_param && param > 0 ? (size_t)param : 0;

		if (n > (size_t)(r->end - r->p))
			n = (size_t)(r->end - r->p);
		r->p += n;
		if (r->skip > 0)
			r->skip--;
		return;
	}
	if (!w || (ign && !is_dest(w->act))) {
		/* \* before a word we do not know: the whole group is skipped. */
		if (ign)
			st->dest = D_SKIP;
		else if (r->skip > 0 && takes_text(st->dest))
			r->skip--;
		return;
	}
	if (st->dest == D_SKIP) {
		if (w->act == A_UD && st->upr_dest != NO_DEST)
			st->dest = st->upr_dest;
		return;
	}
	if (r->skip > 0 && takes_text(st->dest) && w->act != A_U && !is_dest(w->act)) {
		/* A control word among a \uN's fallback characters counts as one. */
		r->skip--;
		return;
	}
	switch (w->act) {
	case A_OUT:
		if (takes_text(st->dest))
			emit(r, w->arg, strlen(w->arg));
		break;
	case A_U:
		if (has_param)
			unicode(r, param);
		break;
	case A_UC:
		st->uc = !has_param || param < 0 ? 0 : param > UC_MAX ? UC_MAX : (int)param;
		break;
	case A_CHARSET:
		r->doc_cp = atoi(w->arg);
		break;
	case A_ANSICPG:
		if (has_param && param > 0 && param < 100000)
			r->doc_cp = (int)param;
		break;
	case A_DEFF:
		if (has_param && param >= 0 && param < MAX_FONTS)
			r->deff = (int)param;
		break;
	case A_FONT:
		if (st->dest == D_FONTTBL)
			r->cur_font = has_param && param >= 0 && param < MAX_FONTS ? (int)param : -1;
		else if (has_param)
			st->font = param >= 0 && param < MAX_FONTS ? (int)param : -1;
		break;
	case A_FCHARSET:
		if (st->dest == D_FONTTBL && r->cur_font >= 0 && has_param)
			r->font_cp[r->cur_font] = fcharset_cp((int)param);
		break;
	case A_CPG:
		if (st->dest == D_FONTTBL && r->cur_font >= 0 && has_param && param > 0 && param < 100000)
			r->font_cp[r->cur_font] = (int)param;
		break;
	case A_PLAIN:
		st->font = -1;
		break;
	case A_RTF:
		break;
	case A_SKIP:
		st->dest = D_SKIP;
		break;
	case A_KEEP:
		break;
	case A_FLOW:
		if (st->dest == D_BODY) {
			end_line(r);
			st->flow = 1;
		}
		break;
	case A_FONTTBL:
		st->dest = D_FONTTBL;
		r->cur_font = -1;
		break;
	case A_INFO:
		st->dest = D_INFO;
		break;
	case A_META:
		if (st->dest == D_INFO) {
			own(r, D_META, &r->meta);
			st->key = w->arg;
		}
		break;
	case A_PROPNAME:
		if (st->dest == D_INFO)
			own(r, D_PROPNAME, &r->pname);
		break;
	case A_STATICVAL:
		if (st->dest == D_INFO)
			own(r, D_PROPVAL, &r->pval);
		break;
	case A_UPR:
		st->upr_dest = st->dest;
		st->dest = D_SKIP;
		break;
	case A_UD:
		break;
	case A_BIN:
		break;
	}
}

/* Whether c is a hexadecimal digit; its value in *v. */
static int hexval(unsigned char c, int *v)
{
	if (c >= '0' && c <= '9')
		*v = c - '0';
	else if (c >= 'a' && c <= 'f')
		*v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		*v = c - 'A' + 10;
	else
		return 0;
	return 1;
}

/* Reads a control word or symbol; r->p is just past the backslash. */
static void control(struct rtf *r)
{
	unsigned char c;

	if (r->p >= r->end)
		return;
	c = *r->p;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		char name[33];
		size_t n = 0;
		long param = 0;
		int has_param = 0, neg = 0;

		while (r->p < r->end && ((*r->p >= 'a' && *r->p <= 'z') || (*r->p >= 'A' && *r->p <= 'Z'))) {
			if (n < sizeof(name) - 1)
				name[n++] = (char)*r->p;
			r->p++;
		}
		name[n] = '\0';
		if (r->p + 1 < r->end && *r->p == '-' && r->p[1] >= '0' && r->p[1] <= '9') {
			neg = 1;
			r->p++;
		}
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
			if (param < 100000000L)
				param = param * 10 + (*r->p - '0');
			has_param = 1;
			r->p++;
		}
		if (neg)
			param = -param;
		if (r->p < r->end && *r->p == ' ')
			r->p++;
		flush(r, 1);
		do_word(r, find_word(name), has_param, param);
		return;
	}
	r->p++;
	if (c == '\'') {
		int hi, lo;

		if (r->p + 1 < r->end && hexval(r->p[0], &hi) && hexval(r->p[1], &lo)) {
			r->p += 2;
			r->ignorable = 0;
			text_byte(r, (unsigned char)(hi << 4 | lo));
		}
		return;
	}
	if (c == '*') {
		r->ignorable = 1;
		return;
	}
	r->ignorable = 0;
	if (c == '\\' || c == '{' || c == '}') {
		text_byte(r, c);
		return;
	}
	if (!takes_text(r->stack[r->depth].dest))
		return;
	if (r->skip > 0) {
		r->skip--;
		return;
	}
	switch (c) {
	case '~':
		emit(r, " ", 1);        /* a non-breaking space, as the space a scanner matches */
		break;
	case '_':
		emit(r, "-", 1);        /* a non-breaking hyphen, as the hyphen in 19121212-1212 */
		break;
	case '\n':
	case '\r':
		emit(r, "\n", 1);       /* a backslash before a line break is \par */
		break;
	case '\t':
		emit(r, "\t", 1);
		break;
	default:
		break;                  /* \- (optional hyphen), \: \| and unknown symbols */
	}
}

/* Skips the text of a skipped destination up to the next brace or backslash. */
static void skip_text(struct rtf *r)
{
	while (r->p < r->end && *r->p != '{' && *r->p != '}' && *r->p != '\\')
		r->p++;
}

/* Whether the bytes from p to end hold anything but whitespace and NULs. */
static int trailing_data(const unsigned char *p, const unsigned char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '\0')
			return 1;
	return 0;
}

/* Runs the parser from r->p, at the document's opening brace, to its closing one. */
static void parse(struct rtf *r)
{
	while (r->p < r->end && !r->stop) {
		unsigned char c = *r->p;

		if (r->stack[r->depth].dest == D_SKIP && c != '{' && c != '}' && c != '\\') {
			skip_text(r);
			continue;
		}
		r->p++;
		switch (c) {
		case '{':
			flush(r, 1);
			r->skip = 0;
			r->ignorable = 0;
			push(r);
			break;
		case '}':
			flush(r, 1);
			r->skip = 0;
			r->ignorable = 0;
			if (!r->overflow && r->depth == 1) {
				pop(r);
				if (trailing_data(r->p, r->end)) {
					sila_warn_add(r->out->warnings, "extraction-failed",
						      "data after the end of the RTF document was not read");
					sila_text_status(r->out, SILA_DOC_PARTIAL);
				}
				return;
			}
			pop(r);
			break;
		case '\\':
			control(r);
			break;
		case '\r':
		case '\n':
			break;
		default:
			r->ignorable = 0;
			if (c == '\t' || c >= 0x20)
				text_byte(r, c);
			break;
		}
	}
	/* The input ended inside groups: close them, keeping what they held. */
	flush(r, 1);
	sila_warn_add(r->out->warnings, "extraction-failed",
		      "the RTF document ends inside %u open groups: it is truncated", r->depth);
	sila_text_status(r->out, SILA_DOC_PARTIAL);
	r->overflow = 0;
	while (r->depth > 0)
		pop(r);
}

void sila_extract_rtf(const char *data, size_t len, struct sila_text *out)
{
	const unsigned char *p = (const unsigned char *)data, *end = p + len;
	struct rtf *r;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if ((size_t)(end - p) < 5 || memcmp(p, "{\\rtf", 5) != 0) {
		sila_warn_add(out->warnings, "extraction-failed", "not an RTF document");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (r)
		r->stack = calloc(MAX_DEPTH, sizeof(*r->stack));
	if (!r || !r->stack) {
		free(r);
		sila_warn_add(out->warnings, "extraction-failed", "out of memory for the RTF parser");
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		return;
	}
	r->p = p;
	r->end = end;
	r->out = out;
	r->doc_cp = 1252;
	r->deff = -1;
	r->cur_font = -1;
	r->stack[0].dest = D_BODY;
	r->stack[0].upr_dest = NO_DEST;
	r->stack[0].uc = 1;
	r->stack[0].font = -1;
	sila_buf_init(&r->meta, META_MAX);
	sila_buf_init(&r->pname, 256);
	sila_buf_init(&r->pval, META_MAX);

	parse(r);

	if (r->conv_cp)
		sila_conv_close(&r->conv);
	sila_buf_release(&r->meta);
	sila_buf_release(&r->pname);
	sila_buf_release(&r->pval);
	free(r->stack);
	free(r);
}
