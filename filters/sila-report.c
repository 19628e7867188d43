/*
 * sila-report - sila's JSON lines in, one HTML page for a manager out.
 *
 * Reads the report lines that sila (or sila-classify) writes, from the
 * files named or from standard input, and writes one self-contained HTML
 * page: totals per KLASSA level, tag, rule, warning and status; a bar chart
 * of the levels; a tree of folders (and of the archives in them) with the
 * highest level and the counts per level of each; the documents that need
 * attention (the leak warning unmarked-personal-data, encrypted, limits,
 * failed extraction, unscannable) with their warnings; and the trace of
 * the run. Finding values are never shown, even when the input came from
 * sila --reveal. The aggregation is in core/report.c.
 *
 * A malformed line is counted, listed in the page and reported on stderr as
 * "sila-report: line N: reason" (with the file's name when several are
 * read); it does not stop the report.
 *
 * Exit status: 0, or 2 when an input could not be read or the page could
 * not be written.
 *
 * Usage:   sila-report [options] [FILE...] > report.html
 * Example: sila share/ | sila-report --title 'Kultur och fritid' -o report.html
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "report.h"
#include "status.h"

#define MAX_LINE (64UL << 20) /* bytes of one input line, as for record headers */
#define MAX_MESSAGES 100      /* malformed lines reported on stderr one by one */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] [FILE...]\n"
		"Summarise sila's JSON lines (from FILEs, or standard input) as one\n"
		"self-contained HTML page. Finding values are never shown.\n"
		"\n"
		"  -o, --output FILE      write the page to FILE (default: standard output)\n"
		"      --title TEXT       the page's title (default: sila report)\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n",
		sila_prog());
}

/* A buffered reader of lines of any length up to MAX_LINE. */
struct reader {
	FILE *f;
	size_t pos, end;
	int eof;
	char blk[1 << 16];
};

/*
 * Reads the next line into line, without its newline. Returns 1 for a
 * line, 0 at the end, -1 on a read error. A line longer than MAX_LINE is
 * read to its end but only its start is kept, and *cut is set.
 */
static int read_line(struct reader *rd, struct sila_buf *line, int *cut)
{
	int any = 0;

	sila_buf_reset(line);
	*cut = 0;
	for (;;) {
		const char *start, *nl;
		size_t n;

		if (rd->pos == rd->end) {
			if (rd->eof)
				return any;
			rd->pos = 0;
			rd->end = fread(rd->blk, 1, sizeof(rd->blk), rd->f);
			if (rd->end == 0) {
				rd->eof = 1;
				if (ferror(rd->f))
					return -1;
				return any;
			}
		}
		any = 1;
		start = rd->blk + rd->pos;
		nl = memchr(start, '\n', rd->end - rd->pos);
		n = nl ? (size_t)(nl - start) : rd->end - rd->pos;
		if (!*cut) {
			int st = sila_buf_add_upto(line, start, n);

			if (st == SILA_FAILED)
				sila_die("out of memory");
			if (st == SILA_WARN)
				*cut = 1;
		}
		rd->pos += n + (nl ? 1 : 0);
		if (nl)
			return 1;
	}
}

/*
 * Reads one input into the report. name is shown in messages when several
 * inputs are read (src is then non-NULL). Returns 0, or -1 on a read error.
 */
static int read_input(struct sila_report *r, FILE *f, const char *name, const char *src,
		      unsigned long long *messages)
{
	static struct reader rd;
	struct sila_buf line = SILA_BUF_INIT(MAX_LINE);
	unsigned long lineno = 0;
	char err[512];
	int got, cut, st;

	rd.f = f;
	rd.pos = rd.end = 0;
	rd.eof = 0;
	while ((got = read_line(&rd, &line, &cut)) == 1) {
		lineno++;
		if (cut) {
			snprintf(err, sizeof(err), "line longer than %lu MiB", MAX_LINE >> 20);
			st = sila_report_add_problem(r, src, lineno, err) == SILA_OK ? SILA_WARN :
										     SILA_FATAL;
		} else {
			st = sila_report_add_line(r, src, lineno, line.data ? line.data : "",
						  line.len, err, sizeof(err));
		}
		if (st == SILA_FATAL)
			sila_die("out of memory");
		if (st == SILA_WARN && ++*messages <= MAX_MESSAGES) {
			fflush(stdout);
			if (src)
				fprintf(stderr, "%s: '%s': line %lu: %s\n", sila_prog(), src,
					lineno, err);
			else
				fprintf(stderr, "%s: line %lu: %s\n", sila_prog(), lineno, err);
		}
	}
	sila_buf_release(&line);
	if (got < 0) {
		sila_path_error(name, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/* When the page is made, in UTC; $SOURCE_DATE_EPOCH overrides the clock. */
static void now_utc(char *buf, size_t size)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;

	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (!*end && v >= 0)
			t = (time_t)v;
	}
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, size, "(unknown time)");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char obuf[1 << 16];
	const char *output = NULL, *title = NULL;
	unsigned long long messages = 0;
	struct sila_report_page page;
	struct sila_report *r;
	char when[64];
	int c, bad = 0, several, ret;

	sila_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 't': title = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (output && !freopen(output, "w", stdout))
		sila_die("'%s': %s", output, strerror(errno));
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	r = sila_report_new(NULL);
	if (!r)
		sila_die("out of memory");
	several = argc - optind > 1;
	if (optind == argc) {
		if (sila_report_add_input(r, "standard input", NULL) != SILA_OK)
			sila_die("out of memory");
		if (read_input(r, stdin, "standard input", NULL, &messages) != 0)
			bad = 1;
	}
	for (int i = optind; i < argc; i++) {
		const char *name = argv[i];
		int is_stdin = strcmp(name, "-") == 0;
		FILE *f = is_stdin ? stdin : fopen(name, "r");

		if (!f) {
			int e = errno;

			sila_path_error(name, "%s", strerror(e));
			if (sila_report_add_input(r, name, strerror(e)) != SILA_OK)
				sila_die("out of memory");
			bad = 1;
			continue;
		}
		if (sila_report_add_input(r, is_stdin ? "standard input" : name, NULL) != SILA_OK)
			sila_die("out of memory");
		if (read_input(r, f, name, several ? name : NULL, &messages) != 0)
			bad = 1;
		if (!is_stdin)
			fclose(f);
	}
	if (messages > MAX_MESSAGES)
		fprintf(stderr, "%s: %llu more malformed lines (all are counted in the page)\n",
			sila_prog(), messages - MAX_MESSAGES);
	now_utc(when, sizeof(when));
	page.title = title;
	page.generated = when;
	page.version = "sila-report " SILA_VERSION;
	if (sila_report_write_html(r, stdout, &page) == SILA_FATAL)
		sila_die("out of memory");
	sila_report_free(r);
	ret = sila_close_stdout();
	return ret || bad ? 2 : 0;
}
