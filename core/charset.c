/*
 * charset.c - encoding detection and conversion to UTF-8 with iconv.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "names.h"
#include "status.h"

/* How many bytes detection samples for the NUL pattern of UTF-16. */
#define SAMPLE ((size_t)65536)

static const char REPLACEMENT[] = "\xef\xbf\xbd";

/*
 * The length of the UTF-8 sequence at p (n bytes available), or 0 when it
 * is not valid UTF-8 (overlong forms and surrogates included). *cut is set
 * when the bytes are a valid start that the end of the data cuts short.
 */
static size_t utf8_seq(const unsigned char *p, size_t n, int *cut)
{
	size_t k;
	unsigned lo = 0x80, hi = 0xbf;

	*cut = 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	for (size_t i = 1; i < k; i++) {
		if (i >= n) {
			*cut = 1;
			return 0;
		}
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
			return 0;
	}
	return k;
}

/*
 * Counts, over the len bytes at p, the valid multi-byte UTF-8 sequences and
 * the bytes that are not UTF-8. A sequence cut short by the end of the data
 * (a file cut at a size limit) is not counted as bad.
 */
static void utf8_census(const unsigned char *p, size_t len, size_t *multi, size_t *bad)
{
	size_t i = 0;

	*multi = 0;
	*bad = 0;
	while (i < len) {
		size_t k;
		int cut;

		if (p[i] < 0x80) {
			i += sila_ascii_run(p + i, len - i);
			continue;
		}
		k = utf8_seq(p + i, len - i, &cut);
		if (k) {
			(*multi)++;
			i += k;
		} else if (cut) {
			break;
		} else {
			(*bad)++;
			i++;
		}
	}
}

/* Whether a byte is what the low byte of a Latin UTF-16 code unit holds in text. */
static int latin_text_byte(unsigned char c)
{
	return c == '\t' || c == '\n' || c == '\f' || c == '\r' || (c >= 0x20 && c < 0x7f) ||
	       c >= 0xa0;
}

/*
 * Tells UTF-16 without a byte order mark by its NUL bytes: Latin text in
 * UTF-16LE has a NUL in most odd positions and almost none in even ones,
 * and the bytes beside those NULs are printable. Returns the encoding's
 * name, or NULL when the pattern is not there.
 */
static const char *utf16_pattern(const unsigned char *p, size_t len)
{
	size_t pairs = (len < SAMPLE ? len : SAMPLE) / 2;
	size_t zero_even = 0, zero_odd = 0, text_le = 0, text_be = 0;

	if (pairs < 2)
		return NULL;
	for (size_t i = 0; i < pairs; i++) {
		unsigned char a = p[2 * i], b = p[2 * i + 1];

		if (a == 0) {
			zero_even++;
			text_be += latin_text_byte(b);
		}
		if (b == 0) {
			zero_odd++;
			text_le += latin_text_byte(a);
		}
	}
	if (zero_odd * 5 >= pairs * 2 && zero_even * 10 <= zero_odd && text_le * 10 >= zero_odd * 9)
		return "UTF-16LE";
	if (zero_even * 5 >= pairs * 2 && zero_odd * 10 <= zero_even && text_be * 10 >= zero_even * 9)
		return "UTF-16BE";
	return NULL;
}

const char *sila_charset_detect(const char *data, size_t len, size_t *bom)
{
	const unsigned char *p = (const unsigned char *)data;
	const char *u16;
	size_t multi, bad;

	*bom = 0;
	if (len >= 4 && memcmp(p, "\xff\xfe\0\0", 4) == 0) {
		*bom = 4;
		return "UTF-32LE";
	}
	if (len >= 4 && memcmp(p, "\0\0\xfe\xff", 4) == 0) {
		*bom = 4;
		return "UTF-32BE";
	}
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		*bom = 3;
		return "UTF-8";
	}
	if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		*bom = 2;
		return "UTF-16LE";
	}
	if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		*bom = 2;
		return "UTF-16BE";
	}
	/* Before UTF-8: ASCII in UTF-16 is valid UTF-8 too, NULs and all. */
	u16 = utf16_pattern(p, len);
	if (u16)
		return u16;
	/*
	 * UTF-8 when it all decodes, or when decoding sequences outnumber stray
	 * bytes (UTF-8 with a pasted Windows-1252 word). Windows-1252 text
	 * hardly ever forms a valid multi-byte sequence by chance.
	 */
	utf8_census(p, len, &multi, &bad);
	if (bad == 0 || multi > bad)
		return "UTF-8";
	return "WINDOWS-1252";
}

int sila_charset_looks_like_text(const char *data, size_t len)
{
	size_t n = len < SAMPLE ? len : SAMPLE, ctrl = 0, bom;
	const char *cs = sila_charset_detect(data, n, &bom);

	if (bom || strncmp(cs, "UTF-16", 6) == 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == 0)
			return 0;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
			ctrl++;
	}
	return ctrl * 100 <= n;
}

/* iconv names for the code page numbers that are not simply "CP" and the number. */
static const struct {
	unsigned cp;
	const char *name;
} codepages[] = {
	{ 1200, "UTF-16LE" },      { 1201, "UTF-16BE" },
	{ 10000, "MACINTOSH" },    { 10007, "MAC-CYRILLIC" },
	{ 10029, "MAC-CENTRALEUROPE" }, { 10079, "MAC-IS" },
	{ 12000, "UTF-32LE" },     { 12001, "UTF-32BE" },
	{ 20127, "US-ASCII" },     { 20866, "KOI8-R" },
	{ 20932, "EUC-JP" },       { 21866, "KOI8-U" },
	{ 28591, "ISO-8859-1" },   { 28592, "ISO-8859-2" },
	{ 28593, "ISO-8859-3" },   { 28594, "ISO-8859-4" },
	{ 28595, "ISO-8859-5" },   { 28596, "ISO-8859-6" },
	{ 28597, "ISO-8859-7" },   { 28598, "ISO-8859-8" },
	{ 28599, "ISO-8859-9" },   { 28603, "ISO-8859-13" },
	{ 28605, "ISO-8859-15" },  { 50220, "ISO-2022-JP" },
	{ 51932, "EUC-JP" },       { 51949, "EUC-KR" },
	{ 54936, "GB18030" },      { 65000, "UTF-7" },
	{ 65001, "UTF-8" },
};

/* RTF's character-set keywords and the code pages they stand for. */
static const struct {
	const char *word;
	const char *name;
} keywords[] = {
	{ "ANSI", "CP1252" },
	{ "MAC", "MACINTOSH" },
	{ "PC", "CP437" },
	{ "PCA", "CP850" },
};

const char *sila_charset_name(const char *name, char *buf, size_t size)
{
	char up[64];
	size_t n = 0;
	int digits = 1;

	if (!name)
		return NULL;
	while (*name == ' ' || *name == '"' || *name == '\'')
		name++;
	for (; name[n] && name[n] != ' ' && name[n] != '"' && name[n] != '\'' && name[n] != ';'; n++) {
		if (n + 1 >= sizeof(up))
			return NULL;
		up[n] = (char)toupper((unsigned char)name[n]);
		digits &= isdigit((unsigned char)name[n]) != 0;
	}
	up[n] = '\0';
	if (n == 0)
		return NULL;
	if (digits) {
		unsigned long cp = strtoul(up, NULL, 10);

		for (size_t i = 0; i < sizeof(codepages) / sizeof(codepages[0]); i++)
			if (codepages[i].cp == cp)
				return snprintf(buf, size, "%s", codepages[i].name) < (int)size ? buf : NULL;
		return snprintf(buf, size, "CP%lu", cp) < (int)size ? buf : NULL;
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(up, keywords[i].word) == 0)
			return snprintf(buf, size, "%s", keywords[i].name) < (int)size ? buf : NULL;
	return snprintf(buf, size, "%s", up) < (int)size ? buf : NULL;
}

int sila_conv_open(struct sila_conv *c, const char *charset)
{
	char name[64];

	if (!sila_charset_name(charset, name, sizeof(name)))
		return SILA_FAILED;
	c->cd = iconv_open("UTF-8", name);
	if (c->cd == (iconv_t)-1)
		return SILA_FAILED;
	c->unit = strncmp(name, "UTF-16", 6) == 0 || strncmp(name, "UCS-2", 5) == 0 ? 2
		: strncmp(name, "UTF-32", 6) == 0 || strncmp(name, "UCS-4", 5) == 0 ? 4 : 1;
	c->c1 = strcmp(name, "CP1252") == 0 || strcmp(name, "WINDOWS-1252") == 0;
	return SILA_OK;
}

void sila_conv_close(struct sila_conv *c)
{
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	c->cd = (iconv_t)-1;
}

/* Whether b is one of the five bytes Windows-1252 leaves undefined. */
static int cp1252_hole(unsigned char b)
{
	return b == 0x81 || b == 0x8d || b == 0x8f || b == 0x90 || b == 0x9d;
}

int sila_conv_run(struct sila_conv *c, const char *data, size_t len, int final,
		  sila_sink_fn sink, void *ctx, size_t *used)
{
	char obuf[8192];
	char *in = (char *)(uintptr_t)data; /* iconv's prototype is not const-correct */
	size_t left = len;
	int ret = SILA_OK;

	while (left > 0) {
		char *o = obuf, rep[3];
		size_t oleft = sizeof(obuf), nrep = 0;
		size_t r = iconv(c->cd, &in, &left, &o, &oleft);
		int err = r == (size_t)-1 ? errno : 0;
		int stop = 0;

		if (err == EILSEQ || (err == EINVAL && final)) {
			unsigned char b = (unsigned char)*in;
			size_t skip = err == EINVAL ? left : c->unit < left ? c->unit : left;

			if (err == EILSEQ && c->c1 && cp1252_hole(b)) {
				rep[0] = '\xc2';
				rep[1] = (char)b;
				nrep = 2;
			} else {
				memcpy(rep, REPLACEMENT, 3);
				nrep = 3;
				ret = SILA_WARN;
			}
			in += skip;
			left -= skip;
		} else if (err == EINVAL) {
			stop = 1; /* an incomplete sequence waits for more input */
		} else if (err && err != E2BIG) {
			stop = 1;
		}
		if (o > obuf && sink(ctx, obuf, (size_t)(o - obuf)) != SILA_OK) {
			ret = SILA_FAILED;
			break;
		}
		if (nrep && sink(ctx, rep, nrep) != SILA_OK) {
			ret = SILA_FAILED;
			break;
		}
		if (stop)
			break;
	}
	if (final || ret == SILA_FAILED)
		iconv(c->cd, NULL, NULL, NULL, NULL);
	if (used)
		*used = len - left;
	return ret;
}

/* Sink into a sila_text; stops at its cap (sila_text_add has warned then). */
static int sink_text(void *ctx, const char *s, size_t n)
{
	return sila_text_add(ctx, s, n);
}

/* Whether the len bytes at data are entirely valid UTF-8. */
static int utf8_valid(const char *data, size_t len)
{
	size_t multi, bad;
	const unsigned char *p = (const unsigned char *)data;
	int cut;

	utf8_census(p, len, &multi, &bad);
	if (bad)
		return 0;
	/* A sequence cut short at the very end is not valid either. */
	for (size_t i = len > 4 ? len - 4 : 0; i < len; i++)
		if (p[i] >= 0xc0 && !utf8_seq(p + i, len - i, &cut) && cut)
			return 0;
	return 1;
}

/*
 * Decodes UTF-8 strictly, each byte that does not decode becoming U+FFFD:
 * iconv lets through lead bytes (F5-FF) that strict UTF-8 forbids.
 * Returns SILA_OK, SILA_WARN when something was replaced, or what the sink
 * returned to stop.
 */
static int utf8_lossy(const char *data, size_t len, int (*sink)(void *, const char *, size_t),
		      void *ctx)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, run = 0;
	int replaced = 0, st;

	while (i < len) {
		size_t k;

		i += sila_ascii_run(p + i, len - i);
		if (i == len)
			break;
		k = sila_utf8_seq(p + i, len - i);
		if (k) {
			i += k;
			continue;
		}
		if (i > run && (st = sink(ctx, data + run, i - run)) != SILA_OK)
			return st;
		if ((st = sink(ctx, "\xef\xbf\xbd", 3)) != SILA_OK)
			return st;
		replaced = 1;
		run = ++i;
	}
	if (i > run && (st = sink(ctx, data + run, i - run)) != SILA_OK)
		return st;
	return replaced ? SILA_WARN : SILA_OK;
}

int sila_charset_convert(const char *charset, const char *data, size_t len,
			 struct sila_text *out)
{
	struct sila_conv c;
	int r;

	if (strcmp(charset, "UTF-8") == 0) {
		if (utf8_valid(data, len)) {
			sila_text_add(out, data, len);
			return SILA_OK;
		}
		return utf8_lossy(data, len, sink_text, out) == SILA_OK ? SILA_OK : SILA_WARN;
	}
	if (sila_conv_open(&c, charset) != SILA_OK)
		return SILA_FAILED;
	r = sila_conv_run(&c, data, len, 1, sink_text, out, NULL);
	sila_conv_close(&c);
	return r == SILA_WARN ? SILA_WARN : SILA_OK;
}

/* Where sila_charset_to_buf writes, and whether the cap cut it. */
struct buf_sink {
	struct sila_buf *b;
	int st;
};

static int sink_buf(void *ctx, const char *s, size_t n)
{
	struct buf_sink *bs = ctx;

	bs->st = sila_buf_add_upto(bs->b, s, n);
	return bs->st;
}

int sila_charset_to_buf(const char *charset, const char *data, size_t len,
			struct sila_buf *b)
{
	struct sila_conv c;
	struct buf_sink bs = { b, SILA_OK };
	int r;

	if (strcmp(charset, "UTF-8") == 0) {
		r = utf8_lossy(data, len, sink_buf, &bs);
		if (bs.st == SILA_FAILED)
			return SILA_FAILED;
		return r == SILA_OK && bs.st == SILA_OK ? SILA_OK : SILA_WARN;
	}
	if (sila_conv_open(&c, charset) != SILA_OK)
		return SILA_FAILED;
	r = sila_conv_run(&c, data, len, 1, sink_buf, &bs, NULL);
	sila_conv_close(&c);
	if (bs.st == SILA_FAILED)
		return SILA_FAILED;
	return r == SILA_OK && bs.st == SILA_OK ? SILA_OK : SILA_WARN;
}

void sila_charset_to_text(const char *data, size_t len, struct sila_text *out)
{
	size_t bom;
	const char *cs = sila_charset_detect(data, len, &bom);

	if (sila_charset_convert(cs, data + bom, len - bom, out) == SILA_WARN)
		sila_warn_add(out->warnings, "extraction-failed",
			      "some bytes are not valid %s and were replaced by U+FFFD", cs);
}
