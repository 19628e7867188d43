/*
 * limit.h - the caps that keep one hostile file from stopping a sweep.
 *
 * Each limit has a default here, a command-line flag in the programs that
 * use it, and a line in docs/limits.md. Hitting one gives the document the
 * warning "limit-exceeded" naming the limit, never status "ok".
 */
#ifndef SILA_LIMIT_H
#define SILA_LIMIT_H

#include <stddef.h>

struct sila_limits {
	size_t max_file;     /* bytes read of one file or member */
	unsigned max_depth;  /* containers inside containers */
	size_t max_members;  /* members expanded from one container */
	size_t max_expanded; /* bytes expanded from one on-disk file in all */
	unsigned max_ratio;  /* expanded bytes per compressed byte (bombs) */
	size_t max_text;     /* bytes of text extracted from one document */
	unsigned timeout_s;  /* wall-clock seconds for one document or container */
	size_t max_memory;   /* address space of a process parsing one file */
};

#define SILA_MAX_FILE_DEFAULT     ((size_t)256 << 20)
#define SILA_MAX_DEPTH_DEFAULT    16u
#define SILA_MAX_MEMBERS_DEFAULT  ((size_t)100000)
#define SILA_MAX_EXPANDED_DEFAULT ((size_t)4 << 30)
#define SILA_MAX_RATIO_DEFAULT    1000u
#define SILA_MAX_TEXT_DEFAULT     ((size_t)64 << 20)
#define SILA_TIMEOUT_DEFAULT      120u
#define SILA_MAX_MEMORY_DEFAULT   ((size_t)2 << 30)
/* Below this many expanded bytes the ratio is not judged: small files compress well. */
#define SILA_RATIO_FLOOR          ((size_t)64 << 20)

/* Fills lim with the defaults above. */
void sila_limits_default(struct sila_limits *lim);

/*
 * Parses a size such as "256M", "4G", "65536" into *out. Returns 0, or -1
 * when s is not a size.
 */
int sila_parse_size(const char *s, size_t *out);

#endif
