/*
 * limit.c - default limits and the parsing of sizes given on the command line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "limit.h"

void sila_limits_default(struct sila_limits *lim)
{
	lim->max_file = SILA_MAX_FILE_DEFAULT;
	lim->max_depth = SILA_MAX_DEPTH_DEFAULT;
	lim->max_members = SILA_MAX_MEMBERS_DEFAULT;
	lim->max_expanded = SILA_MAX_EXPANDED_DEFAULT;
	lim->max_ratio = SILA_MAX_RATIO_DEFAULT;
	lim->max_text = SILA_MAX_TEXT_DEFAULT;
	lim->timeout_s = SILA_TIMEOUT_DEFAULT;
	lim->max_memory = SILA_MAX_MEMORY_DEFAULT;
}

int sila_parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (shift && v > (SIZE_MAX >> shift)))
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}
