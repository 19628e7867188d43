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
 * With --state FILE, files unchanged since the last sweep are not read
 * again (docs/sweeps.md). With --progress (the default when standard
 * error is a terminal), a child counts the files and bytes to do while
 * the chain runs, sila-classify reports what it has done through a pipe,
 * and one line on standard error, rewritten in place, shows both.
 *
 * Usage:   sila [options] PATH...
 * Example: sila --fail-level 3 /srv/share > report.jsonl
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "unpack.h"

enum { UNPACK, EXTRACT, SCAN, CLASSIFY, NSTAGES };

static const char *const stage_name[NSTAGES] = {
	"sila-unpack", "sila-extract", "sila-scan", "sila-classify"
};

/* Adds s to an argument vector; memory running short ends the program. */
static void push(struct sila_argv *a, const char *s)
{
	sila_argv_push(a, s);
	if (a->oom)
		sila_die("out of memory");
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
		"Sweeps:\n"
		"      --state FILE       remember results in FILE (SQLite) and do not read\n"
		"                         files unchanged since the last sweep again\n"
		"      --changed-only     with --state, print only files read anew and deleted\n"
		"      --shard I/N        sweep only shard I of N of the files (by path)\n"
		"      --progress         show progress on standard error (default on a terminal)\n"
		"      --no-progress      do not\n"
		"  -v, --verbose          say how many files were read and reused\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n"
		"\n"
		"Exit status: 0 nothing at or above the failing level, 1 something at or\n"
		"above it, 2 an error or a file that could not be scanned.\n",
		sila_prog());
}

/* Adds "name=value\n" to the options that change results, for --state. */
static void key_add(char *key, size_t keylen, const char *name, const char *value)
{
	size_t n = strlen(key);

	snprintf(key + n, keylen - n, "%s=%s\n", name, value ? value : "");
}

/*
 * Counts the regular files and their bytes under path as sila-unpack will
 * walk it (links inside directories not followed), in shard i of n.
 */
static void prewalk(const char *path, int top, unsigned i, unsigned n,
		    unsigned long long *files, unsigned long long *bytes)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if ((top ? stat(path, &st) : lstat(path, &st)) != 0)
		return;
	if (S_ISREG(st.st_mode)) {
		if (!n || sila_shard_of(path, strlen(path), n) == i) {
			++*files;
			*bytes += (unsigned long long)st.st_size;
		}
		return;
	}
	if (!S_ISDIR(st.st_mode) || !(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		size_t len;
		char *child;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		len = strlen(path) + strlen(de->d_name) + 2;
		if (!(child = malloc(len)))
			break;
		snprintf(child, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
		prewalk(child, 0, i, n, files, bytes);
		free(child);
	}
	closedir(d);
}

/* Prints the progress line in place: over the last one, padded to its length. */
static void show_progress(const struct sila_progress *p, int final)
{
	static int last;
	char line[256];
	int n;

	sila_progress_format(p, sila_progress_now(), line, sizeof(line));
	n = fprintf(stderr, "\r%s: %s", sila_prog(), line);
	if (n < last)
		fprintf(stderr, "%*s", last - n, "");
	last = n;
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

/*
 * Takes n bytes just read into buf after the have it held: passes each
 * whole line to the progress and keeps the unfinished one at the start.
 * A line that fills the buffer without ending is dropped.
 */
static void take_lines(struct sila_progress *p, char *buf, size_t size, size_t *have, size_t n)
{
	char *line = buf, *nl;

	*have += n;
	buf[*have] = '\0';
	while ((nl = strchr(line, '\n'))) {
		*nl = '\0';
		sila_progress_parse(p, line);
		line = nl + 1;
	}
	*have -= (size_t)(line - buf);
	memmove(buf, line, *have);
	if (*have == size - 1)
		*have = 0;
}

/*
 * Reads progress lines from fd until sila-classify (pid) has exited,
 * showing them; returns classify's wait status.
 */
static int follow_progress(int fd, pid_t pid, struct sila_progress *p)
{
	char buf[4096];
	size_t have = 0;
	double shown = 0;
	int ws = 0, done = 0, open_fd = 1;

	while (!done) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int r = open_fd ? poll(&pfd, 1, 200) : (usleep(200000), 0);

		if (r > 0) {
			ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);

			if (n <= 0)
				open_fd = 0;
			else
				take_lines(p, buf, sizeof(buf), &have, (size_t)n);
		}
		if (waitpid(pid, &ws, WNOHANG) == pid)
			done = 1;
		if (done || sila_progress_now() - shown >= 0.2) {
			shown = sila_progress_now();
			show_progress(p, 0);
		}
	}
	/* What classify wrote last, before it exited. */
	while (open_fd) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);

		if (n <= 0)
			break;
		take_lines(p, buf, sizeof(buf), &have, (size_t)n);
	}
	show_progress(p, 1);
	return ws;
}

/* Starts one stage with stdin from in and stdout to out; returns its pid. */
static pid_t start(const char *dir, struct sila_argv *a, int in, int out, int *fds, size_t nfds)
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
		{ "state", required_argument, NULL, 's' },
		{ "changed-only", no_argument, NULL, 'C' },
		{ "shard", required_argument, NULL, 'H' },
		{ "progress", no_argument, NULL, 'g' },
		{ "no-progress", no_argument, NULL, 'G' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct sila_argv a[NSTAGES]; /* static: reachable until exit, whichever way main returns */
	static char key[8192], fdarg[16];
	int c, pipes[NSTAGES - 1][2], fds[2 * NSTAGES], ret = 0, classify_status = 2;
	int progress = isatty(STDERR_FILENO), pp[2] = { -1, -1 };
	size_t nfds;
	unsigned shard = 0, nshards = 0;
	pid_t pid[NSTAGES], counter = -1;
	const char *dir, *state = NULL, *rules = NULL, *policy = NULL;
	struct sila_progress prog = { 0, 0, 0, 0, 0, 0 };

	sila_cli_init(argv[0]);
	for (int s = 0; s < NSTAGES; s++)
		push(&a[s], stage_name[s]);
	while ((c = getopt_long(argc, argv, "0hj:v", longopts, NULL)) != -1) {
		const char *opt = NULL;

		for (const struct option *o = longopts; o->name; o++)
			if (o->val == c)
				opt = o->name;
		/* Options that change results make part of the state's key. */
		if (opt && strchr("RIedDFPMEXTOL", c))
			key_add(key, sizeof(key), opt, optarg);
		if (c == 'r')
			rules = optarg;
		if (c == 'p')
			policy = optarg;
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
		case 's': state = optarg; break;
		case 'C': push(&a[UNPACK], "--changed-only"); break;
		case 'v': push(&a[UNPACK], "--verbose"); break;
		case 'g': progress = 1; break;
		case 'G': progress = 0; break;
		case 'H': {
			char end;

			if (sscanf(optarg, "%u/%u%c", &shard, &nshards, &end) != 2 ||
			    nshards == 0 || shard == 0 || shard > nshards)
				sila_die("invalid shard '%s' (use I/N, 1 <= I <= N)", optarg);
			push(&a[UNPACK], "--shard");
			push(&a[UNPACK], optarg);
			break;
		}
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (state) {
		push(&a[UNPACK], "--state");
		push(&a[UNPACK], state);
		push(&a[UNPACK], "--state-key");
		push(&a[UNPACK], key);
		if (rules) {
			push(&a[UNPACK], "--rules");
			push(&a[UNPACK], rules);
		}
		if (policy) {
			push(&a[UNPACK], "--policy");
			push(&a[UNPACK], policy);
		}
		push(&a[CLASSIFY], "--state");
		push(&a[CLASSIFY], state);
		push(&a[CLASSIFY], "--state-key");
		push(&a[CLASSIFY], key);
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
	nfds = 2 * (NSTAGES - 1);
	if (progress) {
		if (pipe(pp) != 0)
			sila_die("cannot make a pipe: %s", strerror(errno));
		fcntl(pp[0], F_SETFD, FD_CLOEXEC);
		fds[nfds++] = pp[0];
		snprintf(fdarg, sizeof(fdarg), "%d", pp[1]);
		push(&a[CLASSIFY], "--progress-fd");
		push(&a[CLASSIFY], fdarg);
		prog.start = sila_progress_now();
		/* The totals, counted alongside; paths on standard input are not known ahead. */
		if (optind < argc) {
			counter = fork();
			if (counter == 0) {
				unsigned long long files = 0, bytes = 0;
				char line[64];
				int n;

				for (size_t i = 0; i < 2 * (NSTAGES - 1); i++)
					close(fds[i]);
				for (int i = optind; i < argc; i++)
					prewalk(argv[i], 1, shard, nshards, &files, &bytes);
				n = snprintf(line, sizeof(line), "total %llu %llu\n", files, bytes);
				_exit(write(pp[1], line, (size_t)n) == n ? 0 : 1);
			}
		}
	}
	for (int s = 0; s < NSTAGES; s++) {
		/* Only sila-classify keeps the progress pipe open. */
		if (progress && s != CLASSIFY)
			fds[nfds] = pp[1];
		pid[s] = start(dir, &a[s], s == 0 ? STDIN_FILENO : pipes[s - 1][0],
			       s == NSTAGES - 1 ? STDOUT_FILENO : pipes[s][1],
			       fds, nfds + (progress && s != CLASSIFY));
	}
	for (size_t i = 0; i < 2 * (NSTAGES - 1); i++)
		close(fds[i]);
	if (progress) {
		int ws;

		close(pp[1]);
		ws = follow_progress(pp[0], pid[CLASSIFY], &prog);
		close(pp[0]);
		if (counter > 0) {
			kill(counter, SIGKILL);
			while (waitpid(counter, NULL, 0) < 0 && errno == EINTR)
				;
		}
		if (WIFSIGNALED(ws)) {
			if (WTERMSIG(ws) != SIGPIPE)
				sila_error("%s was killed by signal %d", stage_name[CLASSIFY], WTERMSIG(ws));
			ret = 2;
		} else {
			classify_status = WEXITSTATUS(ws);
		}
		pid[CLASSIFY] = -1;
	}

	/*
	 * The report's own exit status is the last stage's. An earlier stage
	 * exits non-zero only when an input could not be read (which the
	 * report shows as status "error" anyway) or when it could not run at
	 * all (a rule file it cannot compile, OCR data missing), so any such
	 * exit makes the result 2.
	 */
	for (int s = 0; s < NSTAGES; s++) {
		int ws;

		if (pid[s] < 0)
			continue;
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
