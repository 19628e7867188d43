/*
 * cli.h - what every sila program shares at its edges: its name, messages on
 * stderr in the form "prog: 'path': reason", --version, and finding the
 * rule set and sibling programs.
 *
 * These are the only core functions that print; they are for filters/, not
 * for the library proper. Messages are lower-case without a full stop, as in
 * git.
 */
#ifndef SILA_CLI_H
#define SILA_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Sets the program name used in messages (basename of argv0). */
void sila_cli_init(const char *argv0);
const char *sila_prog(void);

/* "prog: error: ..." style messages; die() exits with status 2. */
void sila_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sila_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void sila_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "prog: 'path': reason" on stderr; path is shown with control bytes escaped. */
void sila_path_error(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Prints "prog: 'where': reason" for a record, where is the record's path
 * followed by " > member" for each container level.
 */
struct json_t;
void sila_record_error(const struct json_t *hdr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * An argument vector for a program to start, grown one string at a time:
 * v is NULL-terminated and the strings are borrowed, not copied. When
 * memory runs short, oom is set and the vector keeps what it had.
 */
struct sila_argv {
	char **v;
	size_t n, alloc;
	int oom;
};

void sila_argv_push(struct sila_argv *a, const char *s);

/* Prints "prog VERSION" on stdout. */
void sila_print_version(void);

/*
 * Flushes stdout and checks it for write errors (a full disk, a closed
 * pipe). Returns 0 when all output was written, else prints why and
 * returns 2, the exit status to use.
 */
int sila_close_stdout(void);

/* The directory this program was started from (via /proc/self/exe); static storage. */
const char *sila_exe_dir(void);

/*
 * The rule set to use: dir when given, else $SILA_RULES, else patterns/
 * beside the build tree (exe_dir/../patterns), else the installed one.
 * Static storage.
 */
const char *sila_rules_dir(const char *dir);

#endif
