/*
 * sila - scan files for identity numbers and markings, and say how
 * sensitive each one is.
 *
 * Runs the whole chain as four processes connected by pipes:
 *   sila-unpack PATH... | sila-extract | sila-scan | sila-classify
 * and passes each option to the stage that owns it. The report is JSON
 * Lines on standard output, one line per file and archive member (README,
 * "Output").
 *
 * Exit status: 0 nothing at or above the failing level (default 2), 1
 * something at or above it, 2 an error or an input that could not be
 * scanned.
 *
 * Usage:   sila [options] PATH...
 * Example: sila --fail-level 3 /srv/share > report.jsonl
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

enum { UNPACK, EXTRACT, SCAN, CLASSIFY, NSTAGES };

static const char *const stage_name[NSTAGES] = {
	"sila-unpack", "sila-extract", "sila-scan", "sila-classify"
};

/* The argument vector of one stage, grown as options are passed on. */
struct argv {
	char **v;
	size_t n, alloc;
};

static void push(struct argv *a, const char *s)
{
	if (a->n + 2 > a->alloc) {
		size_t na = a->alloc ? a->alloc * 2 : 16;
		char **p = realloc(a->v, na * sizeof(*p));

		if (!p)
			sila_die("out of memory");
		a->v = p;
		a->alloc = na;
	}
	a->v[a->n++] = (char *)(uintptr_t)s;
	a->v[a->n] = NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] PATH...\n"
		"Find personal identity numbers and confidentiality markings in files,\n"
		"archives and documents, and report each file's sensitivity (KLASSA level\n"
		"0-4) as one JSON line. Without PATH, read paths from standard input.\n"
		"\n"
		"Output:\n"
		"      --reveal           print identity numbers whole (authorised audits only)\n"
		"      --fail-level N     exit 1 when a file is at level N or above (default 2)\n"
		"Rules:\n"
		"      --rules DIR        rule set and policy to use (default: installed patterns/)\n"
		"      --policy FILE      another classification policy\n"
		"      --interim          also find interim numbers (YYMMDD-Tnnn)\n"
		"      --enable ID        enable a rule that is off by default (repeatable)\n"
		"      --disable ID       disable a rule (repeatable)\n"
		"      --date YYYY-MM-DD  scan date for the century of short numbers\n"
		"Inputs and limits:\n"
		"  -0, --null             paths on standard input are NUL-separated\n"
		"      --max-file SIZE    bytes read of one file or member (default 256M)\n"
		"      --max-depth N      archives nested in archives (default 16)\n"
		"      --max-members N    members expanded from one archive (default 100000)\n"
		"      --max-expanded SIZE bytes expanded from one file in all (default 4G)\n"
		"      --max-ratio N      expanded bytes per byte of a file, past 64M (default 1000)\n"
		"      --max-text SIZE    bytes of text kept per document (default 64M)\n"
		"Extraction:\n"
		"  -j, --jobs N           parse N documents at once in isolated worker\n"
		"                         processes (default: the number of cores)\n"
		"      --timeout SECONDS  wall-clock time per document or container (default 120)\n"
		"      --max-memory SIZE  memory per parsing process (default 2G)\n"
		"      --no-sandbox       parse without isolation and seccomp (debugging)\n"
		"      --ocr              read images and image-only PDF pages with Tesseract\n"
		"      --ocr-lang LANGS   Tesseract languages for --ocr (default swe)\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n"
		"\n"
		"Exit status: 0 nothing at or above the failing level, 1 something at or\n"
		"above it, 2 an error or a file that could not be scanned.\n",
		sila_prog());
}

/* Starts one stage with stdin from in and stdout to out; returns its pid. */
static pid_t start(const char *dir, struct argv *a, int in, int out, int *fds, size_t nfds)
{
	char path[PATH_MAX];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, a->v[0]);
	pid = fork();
	if (pid < 0)
		sila_die("cannot start %s: %s", a->v[0], strerror(errno));
	if (pid == 0) {
		if (in != STDIN_FILENO && dup2(in, STDIN_FILENO) < 0)
			_exit(127);
		if (out != STDOUT_FILENO && dup2(out, STDOUT_FILENO) < 0)
			_exit(127);
		for (size_t i = 0; i < nfds; i++)
			if (fds[i] > STDERR_FILENO)
				close(fds[i]);
		execv(path, a->v);
		execvp(a->v[0], a->v);
		fprintf(stderr, "%s: cannot run %s: %s\n", sila_prog(), a->v[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reveal", no_argument, NULL, 'R' },
		{ "fail-level", required_argument, NULL, 'f' },
		{ "rules", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "interim", no_argument, NULL, 'I' },
		{ "enable", required_argument, NULL, 'e' },
		{ "disable", required_argument, NULL, 'd' },
		{ "date", required_argument, NULL, 'D' },
		{ "null", no_argument, NULL, '0' },
		{ "max-file", required_argument, NULL, 'F' },
		{ "max-depth", required_argument, NULL, 'P' },
		{ "max-members", required_argument, NULL, 'M' },
		{ "max-expanded", required_argument, NULL, 'E' },
		{ "max-ratio", required_argument, NULL, 'X' },
		{ "max-text", required_argument, NULL, 'T' },
		{ "ocr", no_argument, NULL, 'O' },
		{ "ocr-lang", required_argument, NULL, 'L' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-memory", required_argument, NULL, 'm' },
		{ "no-sandbox", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct argv a[NSTAGES]; /* static: reachable until exit, whichever way main returns */
	int c, pipes[NSTAGES - 1][2], fds[2 * (NSTAGES - 1)], ret = 0, classify_status = 2;
	pid_t pid[NSTAGES];
	const char *dir;

	sila_cli_init(argv[0]);
	for (int s = 0; s < NSTAGES; s++)
		push(&a[s], stage_name[s]);
	while ((c = getopt_long(argc, argv, "0hj:", longopts, NULL)) != -1) {
		const char *opt = NULL;

		for (const struct option *o = longopts; o->name; o++)
			if (o->val == c)
				opt = o->name;
		switch (c) {
		case 'R': case 'I':
			push(&a[SCAN], c == 'R' ? "--reveal" : "--interim");
			break;
		case 'e': case 'd': case 'D':
			push(&a[SCAN], c == 'e' ? "--enable" : c == 'd' ? "--disable" : "--date");
			push(&a[SCAN], optarg);
			break;
		case 'r':
			push(&a[SCAN], "--rules");
			push(&a[SCAN], optarg);
			push(&a[CLASSIFY], "--rules");
			push(&a[CLASSIFY], optarg);
			break;
		case 'p': case 'f':
			push(&a[CLASSIFY], c == 'p' ? "--policy" : "--fail-level");
			push(&a[CLASSIFY], optarg);
			break;
		case '0':
			push(&a[UNPACK], "-0");
			break;
		case 'F': case 'P': case 'M': case 'E': {
			static char flag[NSTAGES][32];

			snprintf(flag[c == 'F' ? 0 : c == 'P' ? 1 : c == 'M' ? 2 : 3], 32, "--%s", opt);
			push(&a[UNPACK], flag[c == 'F' ? 0 : c == 'P' ? 1 : c == 'M' ? 2 : 3]);
			push(&a[UNPACK], optarg);
			if (c == 'F') {
				push(&a[EXTRACT], "--max-file");
				push(&a[EXTRACT], optarg);
			}
			break;
		}
		case 'T': case 'L':
			push(&a[EXTRACT], c == 'T' ? "--max-text" : "--ocr-lang");
			push(&a[EXTRACT], optarg);
			break;
		case 'O':
			push(&a[EXTRACT], "--ocr");
			break;
		case 'S':
			push(&a[EXTRACT], "--no-sandbox");
			push(&a[UNPACK], "--no-sandbox");
			break;
		case 'j':
			push(&a[EXTRACT], "--jobs");
			push(&a[EXTRACT], optarg);
			break;
		case 't': case 'm':
			for (int s = UNPACK; s <= EXTRACT; s++) {
				push(&a[s], c == 't' ? "--timeout" : "--max-memory");
				push(&a[s], optarg);
			}
			break;
		case 'X':
			push(&a[UNPACK], "--max-ratio");
			push(&a[UNPACK], optarg);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	push(&a[UNPACK], "--");
	for (int i = optind; i < argc; i++)
		push(&a[UNPACK], argv[i]);

	dir = sila_exe_dir();
	for (int s = 0; s < NSTAGES - 1; s++) {
		if (pipe(pipes[s]) != 0)
			sila_die("cannot make a pipe: %s", strerror(errno));
		fds[2 * s] = pipes[s][0];
		fds[2 * s + 1] = pipes[s][1];
	}
	for (int s = 0; s < NSTAGES; s++)
		pid[s] = start(dir, &a[s], s == 0 ? STDIN_FILENO : pipes[s - 1][0],
			       s == NSTAGES - 1 ? STDOUT_FILENO : pipes[s][1],
			       fds, sizeof(fds) / sizeof(fds[0]));
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);

	/*
	 * The report's own exit status is the last stage's. An earlier stage
	 * exits non-zero only when an input could not be read (which the
	 * report shows as status "error" anyway) or when it could not run at
	 * all (a rule file it cannot compile, OCR data missing), so any such
	 * exit makes the result 2.
	 */
	for (int s = 0; s < NSTAGES; s++) {
		int ws;

		while (waitpid(pid[s], &ws, 0) < 0)
			if (errno != EINTR)
				sila_die("cannot wait for %s: %s", stage_name[s], strerror(errno));
		if (WIFSIGNALED(ws)) {
			if (WTERMSIG(ws) != SIGPIPE)
				sila_error("%s was killed by signal %d", stage_name[s], WTERMSIG(ws));
			ret = 2;
		} else if (s == CLASSIFY) {
			classify_status = WEXITSTATUS(ws);
		} else if (WEXITSTATUS(ws) != 0) {
			ret = 2;
		}
	}
	return ret ? ret : classify_status;
}
