/*
 * buf.c - the capped growable buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "status.h"

void sila_buf_init(struct sila_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void sila_buf_release(struct sila_buf *b)
{
	free(b->data);
	sila_buf_init(b, b->cap);
}

void sila_buf_reset(struct sila_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int sila_buf_grow(struct sila_buf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : SIZE_MAX - 1;
	size_t want, n;
	char *p;

	if (extra > cap || b->len > cap - extra)
		return SILA_FAILED;
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return SILA_OK;
	n = b->alloc ? b->alloc : 64;
	while (n < want)
		n = n > SIZE_MAX / 2 ? want : n * 2;
	if (n > cap + 1)
		n = cap + 1;
	p = realloc(b->data, n);
	if (!p)
		return SILA_FAILED;
	b->data = p;
	b->alloc = n;
	return SILA_OK;
}

int sila_buf_add(struct sila_buf *b, const void *p, size_t n)
{
	if (sila_buf_grow(b, n) != SILA_OK)
		return SILA_FAILED;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SILA_OK;
}

int sila_buf_adds(struct sila_buf *b, const char *s)
{
	return sila_buf_add(b, s, strlen(s));
}

int sila_buf_addc(struct sila_buf *b, char c)
{
	return sila_buf_add(b, &c, 1);
}

int sila_buf_add_upto(struct sila_buf *b, const void *p, size_t n)
{
	size_t room = n;

	if (b->cap && b->len + n > b->cap)
		room = b->cap - b->len;
	if (sila_buf_add(b, p, room) != SILA_OK)
		return SILA_FAILED;
	return room == n ? SILA_OK : SILA_WARN;
}

char *sila_buf_detach(struct sila_buf *b, size_t *len)
{
	char *p = b->data;

	if (!p) {
		p = calloc(1, 1);
		if (!p)
			return NULL;
	}
	if (len)
		*len = b->len;
	sila_buf_init(b, b->cap);
	return p;
}
