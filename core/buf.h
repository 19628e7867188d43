/*
 * buf.h - a growable byte buffer with a hard size cap.
 *
 * Every buffer that grows with its input has a cap, as in curl: a hostile
 * file cannot make sila allocate without bound. The data is always followed
 * by a NUL byte that is not counted in len, so text can be used as a C
 * string where it holds no NUL of its own.
 *
 * Ownership: the buffer owns data; sila_buf_release frees it, and
 * sila_buf_detach hands it to the caller.
 */
#ifndef SILA_BUF_H
#define SILA_BUF_H

#include <stddef.h>

struct sila_buf {
	char *data;   /* NULL until something is added */
	size_t len;   /* bytes in use, not counting the trailing NUL */
	size_t alloc; /* bytes allocated */
	size_t cap;   /* the most len may become; 0 means SIZE_MAX */
};

#define SILA_BUF_INIT(cap) { NULL, 0, 0, (cap) }

void sila_buf_init(struct sila_buf *b, size_t cap);
void sila_buf_release(struct sila_buf *b);

/* Empties the buffer but keeps its memory for reuse. */
void sila_buf_reset(struct sila_buf *b);

/*
 * Makes room for extra more bytes. Returns SILA_OK, or SILA_FAILED when the
 * cap would be passed or memory is short; the buffer is unchanged then.
 */
int sila_buf_grow(struct sila_buf *b, size_t extra);

/* Appends n bytes; SILA_FAILED (and nothing appended) past the cap. */
int sila_buf_add(struct sila_buf *b, const void *p, size_t n);
int sila_buf_adds(struct sila_buf *b, const char *s);
int sila_buf_addc(struct sila_buf *b, char c);

/*
 * Appends as many of the n bytes as fit under the cap. Returns SILA_OK when
 * all fitted, SILA_WARN when some were cut, SILA_FAILED when memory is short.
 */
int sila_buf_add_upto(struct sila_buf *b, const void *p, size_t n);

/* Returns the data (never NULL) and leaves the buffer empty; free() it. */
char *sila_buf_detach(struct sila_buf *b, size_t *len);

#endif
