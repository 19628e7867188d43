/*
 * sila-unpack - the first filter: paths in, one record per file out.
 *
 * Walks the files and directories named as arguments (or, without
 * arguments, one path per line on standard input; NUL-separated with -0),
 * expands archives in memory and writes the record stream
 * (docs/record-stream.md): a record per regular file and archive member,
 * with the bytes as its body, and a body-less record per container after
 * its members. Each container file is expanded in a child process limited
 * in memory and time and sandboxed, so a parser that crashes or hangs on
 * it costs that file only.
 *
 * Usage:   sila-unpack [options] [PATH...]
 * Example: sila-unpack ~/share | sila-extract | sila-scan | sila-classify
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "limit.h"
#include "record.h"
#include "status.h"
#include "unpack.h"

static int had_error;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] [PATH...]\n"
		"Walk files and directories, expand archives in memory, and write one\n"
		"record per file and archive member (the sila record stream).\n"
		"Without PATH, read paths from standard input, one per line.\n"
		"\n"
		"  -0, --null             paths on standard input are NUL-separated\n"
		"      --max-file SIZE    bytes read of one file or member (default 256M)\n"
		"      --max-depth N      archives nested in archives (default %u)\n"
		"      --max-members N    members expanded from one archive (default %zu)\n"
		"      --max-expanded SIZE bytes expanded from one file in all (default 4G)\n"
		"      --max-ratio N      expanded bytes per byte of the file, past 64M (default %u)\n"
		"      --timeout SECONDS  wall-clock time to expand one container file (default %u)\n"
		"      --max-memory SIZE  memory of the process expanding one container (default 2G)\n"
		"      --no-sandbox       expand containers in this process, unisolated (debugging)\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n",
		sila_prog(), SILA_MAX_DEPTH_DEFAULT, SILA_MAX_MEMBERS_DEFAULT, SILA_MAX_RATIO_DEFAULT,
		SILA_TIMEOUT_DEFAULT);
}

/* Writes one record; an error record is also reported on stderr. */
static int emit(void *ctx, json_t *hdr, const void *body, size_t len)
{
	const char *status = json_string_value(json_object_get(hdr, "status"));

	(void)ctx;
	if (status && strcmp(status, "error") == 0) {
		json_t *w = json_array_get(json_object_get(hdr, "warnings"), 0);

		had_error = 1;
		sila_path_error(json_string_value(json_object_get(hdr, "path")), "%s",
				json_string_value(json_object_get(w, "message")));
	}
	return sila_record_write(stdout, hdr, body, len) == SILA_OK ? SILA_OK : SILA_FATAL;
}

/* A streamed file's header, then its body in chunks. */
static int emit_head(void *ctx, json_t *hdr, size_t len)
{
	(void)ctx;
	return sila_record_write_head(stdout, hdr, len) == SILA_OK ? SILA_OK : SILA_FATAL;
}

static int emit_body(void *ctx, const void *chunk, size_t len)
{
	(void)ctx;
	return fwrite(chunk, 1, len, stdout) == len ? SILA_OK : SILA_FATAL;
}

/* Reads paths from stdin, separated by sep, and unpacks each. */
static int paths_from_stdin(struct sila_unpack *u, int sep)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = SILA_OK;

	while ((n = getdelim(&line, &cap, sep, stdin)) > 0) {
		if (line[n - 1] == sep)
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((ret = sila_unpack_path(u, line)) == SILA_FATAL)
			break;
	}
	free(line);
	if (ferror(stdin)) {
		sila_error("cannot read paths from standard input");
		had_error = 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "null", no_argument, NULL, '0' },
		{ "max-file", required_argument, NULL, 'F' },
		{ "max-depth", required_argument, NULL, 'D' },
		{ "max-members", required_argument, NULL, 'M' },
		{ "max-expanded", required_argument, NULL, 'E' },
		{ "max-ratio", required_argument, NULL, 'R' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-memory", required_argument, NULL, 'm' },
		{ "no-sandbox", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct sila_limits lim;
	struct sila_unpack *u;
	int c, sep = '\n', ret = SILA_OK, status, isolate = 1;
	size_t v;

	sila_cli_init(argv[0]);
	sila_limits_default(&lim);
	while ((c = getopt_long(argc, argv, "0h", longopts, NULL)) != -1) {
		switch (c) {
		case '0': sep = '\0'; break;
		case 'F': case 'D': case 'M': case 'E': case 'R': case 't': case 'm':
			if (sila_parse_size(optarg, &v) != 0 || v == 0)
				sila_die("invalid size '%s'", optarg);
			if (c == 'F') lim.max_file = v;
			else if (c == 'D') lim.max_depth = v > 1000 ? 1000 : (unsigned)v;
			else if (c == 'M') lim.max_members = v;
			else if (c == 'E') lim.max_expanded = v;
			else if (c == 'R') lim.max_ratio = v > 1000000000 ? 1000000000 : (unsigned)v;
			else if (c == 't') lim.timeout_s = v > 86400 ? 86400 : (unsigned)v;
			else lim.max_memory = v;
			break;
		case 'S': isolate = 0; break;
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	u = sila_unpack_new(&lim, emit, NULL);
	if (!u)
		sila_die("out of memory");
	sila_unpack_isolate(u, isolate);
	sila_unpack_streaming(u, emit_head, emit_body);
	if (optind == argc)
		ret = paths_from_stdin(u, sep);
	for (int i = optind; i < argc && ret != SILA_FATAL; i++)
		ret = sila_unpack_path(u, argv[i]);
	if (ret == SILA_FATAL)
		sila_error("%s", sila_unpack_errmsg(u));
	sila_unpack_free(u);
	status = sila_close_stdout();
	if (ret == SILA_FATAL || had_error)
		return 2;
	return status;
}
