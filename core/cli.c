/*
 * cli.c - program name, diagnostics, version and paths for the sila programs.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

static const char *prog = "sila";

void sila_cli_init(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	prog = slash ? slash + 1 : argv0;
}

const char *sila_prog(void)
{
	return prog;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", prog, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sila_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
}

void sila_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void sila_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(2);
}

/*
 * Writes a path for a human on a terminal: control bytes (a newline in a
 * file name) are shown as \xHH so one message stays one line.
 */
static void put_path(FILE *f, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

void sila_path_error(const char *path, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: '", prog);
	put_path(stderr, path ? path : "-");
	fputs("': ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sila_record_error(const struct json_t *hdr, const char *fmt, ...)
{
	const json_t *m = json_object_get(hdr, "member");
	const char *path = json_string_value(json_object_get(hdr, "path"));
	size_t i;
	const json_t *v;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: '", prog);
	put_path(stderr, path ? path : "-");
	json_array_foreach(m, i, v) {
		fputs(" > ", stderr);
		put_path(stderr, json_string_value(v) ? json_string_value(v) : "");
	}
	fputs("': ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sila_print_version(void)
{
	printf("%s %s\n", prog, SILA_VERSION);
}

int sila_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		if (e == EPIPE)
			return 2;
		fprintf(stderr, "%s: write error on standard output: %s\n", prog,
			strerror(e ? e : EIO));
		return 2;
	}
	return 0;
}

const char *sila_exe_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n;
	char *slash;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0) {
		strcpy(dir, ".");
		return dir;
	}
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	return dir;
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *sila_rules_dir(const char *dir)
{
	static char found[PATH_MAX];
	const char *env = getenv("SILA_RULES");
	const char *exe;

	if (dir && *dir)
		return dir;
	if (env && *env)
		return env;
	/*
	 * Built but not installed: bin/ (or bin/asan/) in the source tree,
	 * recognised by core/ beside patterns/, so an installed program never
	 * takes a stray /usr/local/patterns for its rules.
	 */
	exe = sila_exe_dir();
	for (int up = 1; up <= 2; up++) {
		char core[PATH_MAX];

		snprintf(found, sizeof(found), "%s/%s../patterns", exe, up == 2 ? "../" : "");
		snprintf(core, sizeof(core), "%s/%s../core/rules.h", exe, up == 2 ? "../" : "");
		if (is_dir(found) && access(core, F_OK) == 0)
			return found;
	}
	snprintf(found, sizeof(found), "%s/patterns", SILA_DATADIR);
	return found;
}

void sila_argv_push(struct sila_argv *a, const char *s)
{
	if (a->oom)
		return;
	if (a->n + 2 > a->alloc) {
		size_t na = a->alloc ? a->alloc * 2 : 16;
		char **p = realloc(a->v, na * sizeof(*p));

		if (!p) {
			a->oom = 1;
			return;
		}
		a->v = p;
		a->alloc = na;
	}
	a->v[a->n++] = (char *)(uintptr_t)s;
	a->v[a->n] = NULL;
}
