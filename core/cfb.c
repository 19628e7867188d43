/*
 * cfb.c - the OLE2 compound-file helpers that ole2.c and msg.c share; see
 * cfb.h.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <gsf/gsf-infile-impl.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input.h>

#include "cfb.h"

/* ---- libgsf ------------------------------------------------------------- */

/* Swallows one GLib log message. */
static void drop_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)data;
}

/* Sends every level of libgsf's OLE2 reader's log to drop_log. */
static void quiet_init(void)
{
	g_log_set_handler("libgsf:msole", (GLogLevelFlags)(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL |
							    G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
							    G_LOG_LEVEL_DEBUG),
			  drop_log, NULL);
}

void sila_cfb_quiet(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, quiet_init);
}

/*
 * What a lookup through libgsf's class gave: the child c, or NULL when err
 * says it is damaged (*broken is set then, unless broken is NULL).
 */
static GsfInput *checked(GsfInput *c, GError *err, int *broken)
{
	if (!err)
		return c;
	g_error_free(err);
	if (c)
		g_object_unref(c);
	if (broken)
		*broken = 1;
	return NULL;
}

GsfInput *sila_cfb_child(GsfInfile *dir, const char *name, int *broken)
{
	GsfInfileClass *k = GSF_INFILE_CLASS(G_OBJECT_GET_CLASS(dir));
	GError *err = NULL;
	GsfInput *c;

	if (!k->child_by_name)
		return gsf_infile_child_by_name(dir, name);
	c = k->child_by_name(dir, name, &err);
	return checked(c, err, broken);
}

GsfInput *sila_cfb_child_at(GsfInfile *dir, int i, int *broken)
{
	GsfInfileClass *k = GSF_INFILE_CLASS(G_OBJECT_GET_CLASS(dir));
	GError *err = NULL;
	GsfInput *c;

	if (!k->child_by_index)
		return gsf_infile_child_by_index(dir, i);
	c = k->child_by_index(dir, i, &err);
	return checked(c, err, broken);
}

int sila_cfb_has_child(GsfInfile *dir, const char *name)
{
	int n = gsf_infile_num_children(dir);

	for (int i = 0; i < n; i++) {
		const char *c = gsf_infile_name_by_index(dir, i);

		if (c && strcmp(c, name) == 0)
			return 1;
	}
	return 0;
}

/* ---- Streams ------------------------------------------------------------ */

size_t sila_cfb_size(GsfInput *in, size_t cap, int *over)
{
	gsf_off_t size = gsf_input_size(in);

	*over = size < 0 || (uint64_t)size > cap;
	if (size < 0)
		return 0;
	return (uint64_t)size > cap ? cap : (size_t)size;
}

size_t sila_cfb_read(GsfInput *in, void *dst, size_t want)
{
	size_t got = 0;

	while (got < want) {
		size_t chunk = want - got < 65536 ? want - got : 65536;

		if (!gsf_input_read(in, chunk, (guint8 *)dst + got))
			break;
		got += chunk;
	}
	return got;
}

/* ---- Text ---------------------------------------------------------------- */

size_t sila_cfb_utf8(uint32_t c, char *u)
{
	if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		c = 0xFFFD;
	if (c < 0x80) {
		u[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		u[0] = (char)(0xC0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		u[0] = (char)(0xE0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	u[0] = (char)(0xF0 | c >> 18);
	u[1] = (char)(0x80 | (c >> 12 & 0x3F));
	u[2] = (char)(0x80 | (c >> 6 & 0x3F));
	u[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

size_t sila_cfb_utf16_next(const unsigned char *p, size_t n, uint32_t *c)
{
	uint32_t u;

	if (n < 2)
		return 0;
	u = (uint32_t)p[0] | (uint32_t)p[1] << 8;
	if (u >= 0xD800 && u <= 0xDBFF && n >= 4) {
		uint32_t l = (uint32_t)p[2] | (uint32_t)p[3] << 8;

		if (l >= 0xDC00 && l <= 0xDFFF) {
			*c = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
			return 4;
		}
	}
	*c = u;
	return 2;
}

int sila_cfb_utf16_to_buf(const unsigned char *p, size_t n, struct sila_buf *b)
{
	uint32_t c;
	size_t k;
	char u[4];

	while ((k = sila_cfb_utf16_next(p, n, &c)) != 0 && c != 0) {
		if (sila_buf_add(b, u, sila_cfb_utf8(c, u)) != SILA_OK)
			return SILA_FAILED;
		p += k;
		n -= k;
	}
	return SILA_OK;
}

int sila_cfb_charset_to_buf(const char *charset, const unsigned char *p, size_t n,
			    struct sila_buf *b)
{
	char tmp[1024];
	const unsigned char *z = memchr(p, 0, n);
	char *in = (char *)(uintptr_t)p; /* iconv's prototype is not const-correct */
	size_t inleft;
	iconv_t cd;

	if (z)
		n = (size_t)(z - p);
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		cd = iconv_open("UTF-8", "WINDOWS-1252");
	if (cd == (iconv_t)-1)
		return SILA_FAILED;
	inleft = n;
	while (inleft > 0) {
		char *o = tmp;
		size_t oleft = sizeof(tmp);
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);

		if (sila_buf_add(b, tmp, sizeof(tmp) - oleft) != SILA_OK) {
			iconv_close(cd);
			return SILA_FAILED;
		}
		if (r == (size_t)-1 && errno != E2BIG) {
			if (sila_buf_add(b, "\xef\xbf\xbd", 3) != SILA_OK)
				break;
			in++;
			inleft--;
		}
	}
	iconv_close(cd);
	return SILA_OK;
}
