/*
 * hsfloor - the floor under sila-scan's speed: read a file and run the
 * rule set's Hyperscan database over it, and nothing else.
 *
 * It loads the rules as sila-scan does, compiles every enabled expression
 * into one streaming database the way sila-scan's scanning thread uses it
 * (no start of match), reads the file in 1 MiB chunks and scans each,
 * counting matches and doing nothing with them: no validation, context,
 * aggregation or output. `make bench` times it beside sila-scan, so the
 * table shows how much of sila-scan's time Hyperscan itself takes, which
 * no change around it can win back.
 *
 * Usage:   hsfloor RULES-DIR FILE
 * Example: bin/bench/hsfloor patterns bench/data/text/sv-1g.txt
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "rules.h"

#define CHUNK ((size_t)1 << 20)

/* Counts a match and lets Hyperscan go on. */
static int count(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		 void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	++*(unsigned long long *)ctx;
	return 0;
}

int main(int argc, char **argv)
{
	struct sila_rules *rules;
	const char **exprs;
	unsigned *flags, *ids, n = 0;
	hs_database_t *db = NULL;
	hs_compile_error_t *cerr = NULL;
	hs_scratch_t *scratch = NULL;
	hs_stream_t *stream = NULL;
	unsigned long long matches = 0, bytes = 0;
	char err[512], *buf;
	size_t got;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: hsfloor RULES-DIR FILE\n");
		return 2;
	}
	if (!(rules = sila_rules_load(argv[1], err, sizeof(err)))) {
		fprintf(stderr, "hsfloor: %s\n", err);
		return 2;
	}
	exprs = calloc(rules->nexpr + 1, sizeof(*exprs));
	flags = calloc(rules->nexpr + 1, sizeof(*flags));
	ids = calloc(rules->nexpr + 1, sizeof(*ids));
	buf = malloc(CHUNK);
	if (!exprs || !flags || !ids || !buf) {
		fprintf(stderr, "hsfloor: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < rules->nexpr; i++) {
		if (!rules->rule[rules->expr[i].rule].enabled)
			continue;
		exprs[n] = rules->expr[i].text;
		flags[n] = rules->expr[i].flags;
		ids[n] = (unsigned)i;
		n++;
	}
	if (hs_compile_multi(exprs, flags, ids, n, HS_MODE_STREAM, NULL, &db, &cerr) != HS_SUCCESS ||
	    hs_alloc_scratch(db, &scratch) != HS_SUCCESS ||
	    hs_open_stream(db, 0, &stream) != HS_SUCCESS) {
		fprintf(stderr, "hsfloor: cannot compile the rules: %s\n",
			cerr ? cerr->message : "Hyperscan failed");
		return 2;
	}
	if (!(f = fopen(argv[2], "rb"))) {
		fprintf(stderr, "hsfloor: '%s': %s\n", argv[2], strerror(errno));
		return 2;
	}
	while ((got = fread(buf, 1, CHUNK, f)) > 0) {
		if (hs_scan_stream(stream, buf, (unsigned)got, 0, scratch, count, &matches) != HS_SUCCESS) {
			fprintf(stderr, "hsfloor: Hyperscan scan failed\n");
			return 2;
		}
		bytes += got;
	}
	if (ferror(f)) {
		fprintf(stderr, "hsfloor: '%s': read error\n", argv[2]);
		return 2;
	}
	hs_close_stream(stream, scratch, count, &matches);
	printf("%u expressions, %llu bytes, %llu matches\n", n, bytes, matches);
	fclose(f);
	hs_free_scratch(scratch);
	hs_free_database(db);
	free(buf);
	free(exprs);
	free(flags);
	free(ids);
	sila_rules_free(rules);
	return 0;
}
