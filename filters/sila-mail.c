/*
 * sila-mail - the mail gateway's scanner: one message in, a verdict out.
 *
 * Reads one RFC 5322 message on standard input (at most --max-size bytes;
 * a larger one is not scanned and gets the policy's max-size-action),
 * runs the sila chain on it and prints the usual JSON lines, one per body
 * part and attachment and one for the message, then one verdict line:
 *
 *   {"verdict":"hold","reasons":["external:personal-data"],
 *    "recipients":{"internal":0,"external":1},"message_id":"<...>","trace":{...}}
 *
 * The verdict follows the [mail] section of the policy (core/verdict.c,
 * docs/mail-gateway.md). Recipients are the --recipient options and the
 * arguments after the options (the envelope, as Postfix passes it), else
 * the addresses in To, Cc and Bcc.
 *
 * The message never touches the disk: it is written into a memfd (an
 * anonymous file in memory) that the chain reads as /proc/self/fd/N. The
 * reports show the message's Message-ID as the path instead (or "stdin"),
 * with anything in it that looks like an identity number masked.
 *
 * With --postfix it is a Postfix pipe(8) content filter: nothing on
 * standard output; a message that passes is handed back to Postfix with
 * "sendmail -G -i -f SENDER -- RECIPIENT..." and the exit status is 0; a
 * held one exits 75 (EX_TEMPFAIL: Postfix defers it) or, with
 * --hold-action=bounce, 69; a rejected one exits 69 (EX_UNAVAILABLE:
 * Postfix bounces it). Why goes to standard error in one line, which
 * Postfix logs and puts in the bounce; it never holds a number. The
 * verdict line goes to syslog (mail facility).
 *
 * Exit status: 0 pass, 1 hold, 2 reject, 3 error (the message could not
 * be judged: bad options or policy, the chain could not run). With
 * --postfix: 0 passed and re-injected, 75 held or an error, 69 rejected
 * (or held with --hold-action=bounce).
 *
 * Usage:   sila-mail [options] [--] [RECIPIENT...] < message
 * Example: sila-mail --recipient kund@example.com < brev.eml
 *          (master.cf) argv=/usr/local/bin/sila-mail --postfix -f ${sender} -- ${recipient}
 */
#define _GNU_SOURCE /* memfd_create, F_ADD_SEALS */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "cli.h"
#include "limit.h"
#include "status.h"
#include "verdict.h"

extern char **environ;

/* Exit statuses of the default convention and of Postfix's (sysexits.h). */
enum { EXIT_PASS = 0, EXIT_HOLD = 1, EXIT_REJECT = 2, EXIT_ERROR = 3 };
enum { EX_OK_ = 0, EX_UNAVAILABLE_ = 69, EX_TEMPFAIL_ = 75 };

/* The longest Message-ID shown as the path. */
#define DISPLAY_MAX 200

static int postfix_mode;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] [--] [RECIPIENT...] < message\n"
		"Scan one e-mail message (RFC 5322) read on standard input with the sila\n"
		"chain, print one JSON line per part and for the message, then a verdict\n"
		"line: pass, hold or reject, by the [mail] section of the policy.\n"
		"\n"
		"Envelope:\n"
		"  -r, --recipient ADDR   an envelope recipient (repeatable; RECIPIENT\n"
		"                         arguments count too); default: To, Cc and Bcc\n"
		"  -f, --sender ADDR      the envelope sender (for re-injection)\n"
		"Postfix content filter (pipe(8)):\n"
		"      --postfix          pass: re-inject with sendmail and exit 0;\n"
		"                         hold: exit 75 (defer); reject: exit 69 (bounce)\n"
		"      --hold-action A    what --postfix does with a held message: defer\n"
		"                         (exit 75, the default) or bounce (exit 69)\n"
		"      --sendmail PATH    the re-injection command (default /usr/sbin/sendmail)\n"
		"Policy and limits:\n"
		"      --rules DIR        rule set and policy.conf to use\n"
		"      --policy FILE      another policy file (its [mail] section)\n"
		"      --max-size SIZE    bytes of a message scanned at most (default: the\n"
		"                         policy's max-size, else 50M)\n"
		"  -j, --jobs N           documents parsed at once (sila -j)\n"
		"      --timeout SECONDS  per document or container (sila --timeout)\n"
		"      --ocr              read images and scans with Tesseract (sila --ocr)\n"
		"Output:\n"
		"  -q, --quiet            print only the verdict line\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n"
		"\n"
		"Exit status: 0 pass, 1 hold, 2 reject, 3 error. With --postfix: 0 passed\n"
		"and re-injected, 75 held (or an error), 69 rejected.\n",
		sila_prog());
}

/* Stops with the error status of the convention in use. */
__attribute__((format(printf, 1, 2))) _Noreturn static void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", sila_prog());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(postfix_mode ? EX_TEMPFAIL_ : EXIT_ERROR);
}

/* Adds s to an argument vector; memory running short ends the program. */
static void push(struct sila_argv *a, const char *s)
{
	sila_argv_push(a, s);
	if (a->oom)
		fail("out of memory");
}

/*
 * Masks what looks like an identity number in s, in place: the last four
 * of a run of 10 or 12 digits, or of 6 or 8 digits, '-' or '+', 4 digits.
 */
static void mask_numbers(char *s)
{
	size_t i = 0, n = strlen(s);

	while (i < n) {
		size_t start = i, d;

		if (s[i] < '0' || s[i] > '9') {
			i++;
			continue;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		d = i - start;
		if (d == 10 || d == 12) {
			memset(s + i - 4, '*', 4);
		} else if ((d == 6 || d == 8) && i + 5 <= n && (s[i] == '-' || s[i] == '+')) {
			size_t k = i + 1, e = k;

			while (e < n && s[e] >= '0' && s[e] <= '9')
				e++;
			if (e - k == 4) {
				memset(s + k, '*', 4);
				i = e;
			}
		}
	}
}

/* The name the report gives the message: its Message-ID, made safe, or "stdin". */
static char *display_name(const char *message_id)
{
	char *s;
	size_t n;

	if (!message_id || !*message_id)
		return strdup("stdin");
	n = strlen(message_id);
	if (n > DISPLAY_MAX)
		n = DISPLAY_MAX;
	if (!(s = strndup(message_id, n)))
		return NULL;
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	mask_numbers(s);
	return s;
}

/*
 * Reads standard input into b, at most max bytes. Returns 1 when the
 * message was larger (the rest is read and dropped, so that the writer is
 * not left with a broken pipe), 0 when it fitted.
 */
static int read_message(struct sila_buf *b, size_t max)
{
	char chunk[65536];
	size_t n;
	int over = 0;

	sila_buf_init(b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (over)
			continue;
		switch (sila_buf_add_upto(b, chunk, n)) {
		case SILA_OK: break;
		case SILA_WARN: over = 1; break;
		default: fail("out of memory reading the message");
		}
	}
	if (ferror(stdin))
		fail("cannot read the message on standard input: %s", strerror(errno));
	return over;
}

/* Writes all of p to fd; -1 on error. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A sealed memfd holding the message, inherited by the chain; -1 on error. */
static int message_memfd(const char *data, size_t len)
{
	int fd = memfd_create("sila-mail", MFD_ALLOW_SEALING);

	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	/* The chain reads it; nothing may change it underneath. */
	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	return fd;
}

/* Replaces every proc (the memfd's path, not followed by a digit) in s by name. */
static void put_replaced(FILE *f, const char *s, size_t len, const char *proc, const char *name)
{
	size_t plen = strlen(proc), i = 0;

	while (i < len) {
		if (len - i >= plen && memcmp(s + i, proc, plen) == 0 &&
		    (i + plen == len || s[i + plen] < '0' || s[i + plen] > '9')) {
			fputs(name, f);
			i += plen;
		} else {
			fputc(s[i++], f);
		}
	}
}

/* What one run of the chain gave. */
struct chain {
	size_t lines;      /* result lines read */
	int have_message;  /* the message's own line came */
	int bad_lines;     /* lines that were not JSON objects */
	int status;        /* sila's exit status, or -1 when it did not exit */
	char rules[80];    /* the rule set's hash from the first line's trace */
};

/*
 * Runs sila on the memfd, passes each result line on (the path replaced
 * by name) unless quiet, and feeds it to the judge. The chain's messages
 * on standard error are collected in another memfd and passed on with the
 * path replaced, unless quiet (then to syslog with --postfix).
 */
static void run_chain(struct sila_argv *sila, int memfd, const char *name, int quiet,
		      struct sila_judge *judge, struct chain *c)
{
	char proc[64], prefix[96], *line = NULL, *jname;
	size_t cap = 0, plen;
	ssize_t n;
	int out[2], errfd, ws;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	FILE *in;
	json_t *js = json_string(name);

	memset(c, 0, sizeof(*c));
	c->status = -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", memfd);
	snprintf(prefix, sizeof(prefix), "{\"path\":\"%s\"", proc);
	plen = strlen(prefix);
	jname = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
	json_decref(js);
	if (!jname)
		fail("out of memory");
	push(sila, "--");
	push(sila, proc);
	if (pipe2(out, O_CLOEXEC) != 0 || (errfd = memfd_create("sila-mail-err", MFD_CLOEXEC)) < 0)
		fail("cannot make a pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errfd, STDERR_FILENO);
	errno = posix_spawn(&pid, sila->v[0], &fa, NULL, sila->v, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (errno != 0)
		fail("cannot run '%s': %s", sila->v[0], strerror(errno));
	close(out[1]);
	if (!(in = fdopen(out[0], "r")))
		fail("out of memory");
	while ((n = getline(&line, &cap, in)) > 0) {
		json_t *j;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		j = json_loads(line, 0, NULL);
		if (!json_is_object(j)) {
			c->bad_lines = 1;
			json_decref(j);
			continue;
		}
		c->lines++;
		if (!json_object_get(j, "member"))
			c->have_message = 1;
		if (!c->rules[0]) {
			const char *r = json_string_value(
				json_object_get(json_object_get(j, "trace"), "rules"));

			if (r)
				snprintf(c->rules, sizeof(c->rules), "%s", r);
		}
		sila_judge_result(judge, j);
		if (!quiet) {
			if ((size_t)n >= plen && memcmp(line, prefix, plen) == 0) {
				fputs("{\"path\":", stdout);
				fputs(jname, stdout);
				fputs(line + plen, stdout);
				fputc('\n', stdout);
			} else {
				/* Not sila's usual line: written anew, the path replaced. */
				char *s;

				json_object_set_new(j, "path", json_string(name));
				json_object_del(j, "path_b64");
				s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
				if (s)
					puts(s);
				free(s);
			}
		}
		json_decref(j);
	}
	free(line);
	fclose(in);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			fail("cannot wait for sila: %s", strerror(errno));
	if (WIFEXITED(ws))
		c->status = WEXITSTATUS(ws);
	/* The chain's own messages, with the memfd's path replaced by the message's name. */
	{
		off_t size = lseek(errfd, 0, SEEK_END);
		char *text = NULL;

		if (size > 0 && size < (off_t)1 << 24 && (text = malloc((size_t)size)) &&
		    pread(errfd, text, (size_t)size, 0) == size) {
			if (!quiet) {
				fflush(stdout);
				put_replaced(stderr, text, (size_t)size, proc, name);
			} else if (postfix_mode) {
				char *l = text, *end = text + size;

				while (l < end) {
					char *nl = memchr(l, '\n', (size_t)(end - l));
					size_t ll = nl ? (size_t)(nl - l) : (size_t)(end - l);
					char *copy = strndup(l, ll);
					char *hit;

					/* Syslog gets the line with the path replaced. */
					if (copy && (hit = strstr(copy, proc))) {
						*hit = '\0';
						syslog(LOG_NOTICE, "%s%s%s", copy, name, hit + strlen(proc));
					} else if (copy) {
						syslog(LOG_NOTICE, "%s", copy);
					}
					free(copy);
					l += ll + 1;
				}
			}
		}
		free(text);
		close(errfd);
	}
	free(jname);
}

/*
 * Re-injects the message: sendmail -G -i -f SENDER -- RECIPIENT... with
 * the memfd on standard input. Returns 0 when sendmail succeeded.
 */
static int reinject(const char *sendmail, int memfd, const char *sender, char **rcpt, size_t nrcpt)
{
	struct sila_argv a = { NULL, 0, 0, 0 };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int ws, e;

	push(&a, sendmail);
	push(&a, "-G");
	push(&a, "-i");
	push(&a, "-f");
	push(&a, sender);
	push(&a, "--");
	for (size_t i = 0; i < nrcpt; i++)
		push(&a, rcpt[i]);
	if (lseek(memfd, 0, SEEK_SET) != 0)
		return -1;
	fflush(NULL);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, memfd, STDIN_FILENO);
	e = posix_spawn(&pid, sendmail, &fa, NULL, a.v, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(a.v);
	if (e != 0) {
		fprintf(stderr, "%s: '%s': cannot run: %s\n", sila_prog(), sendmail, strerror(e));
		return -1;
	}
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		fprintf(stderr, "%s: '%s': the message could not be handed back to the mail system\n",
			sila_prog(), sendmail);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "sender", required_argument, NULL, 'f' },
		{ "postfix", no_argument, NULL, 'P' },
		{ "hold-action", required_argument, NULL, 'H' },
		{ "sendmail", required_argument, NULL, 's' },
		{ "rules", required_argument, NULL, 'R' },
		{ "policy", required_argument, NULL, 'p' },
		{ "max-size", required_argument, NULL, 'M' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ocr", no_argument, NULL, 'O' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct sila_argv sila, rcpt; /* static: reachable until exit */
	const char *rules = NULL, *policy_path = NULL, *sender = NULL;
	const char *sendmail = "/usr/sbin/sendmail";
	char path[PATH_MAX], err[512], scanned[32], *name, *text, *vline;
	int c, quiet = 0, hold_bounce = 0, over, memfd = -1, ret;
	size_t max_size = 0;
	struct sila_mail_policy *policy;
	struct sila_mail_headers h;
	struct sila_judge *judge;
	struct sila_buf msg;
	struct chain ch;
	enum sila_verdict v;
	json_t *reasons, *out, *trace;
	time_t now = time(NULL);
	struct tm tm;

	sila_cli_init(argv[0]);
	snprintf(path, sizeof(path), "%s/sila", sila_exe_dir());
	if (!(name = strdup(path)))
		fail("out of memory");
	push(&sila, name);
	while ((c = getopt_long(argc, argv, "r:f:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': push(&rcpt, optarg); break;
		case 'f': sender = optarg; break;
		case 'P': postfix_mode = 1; break;
		case 'H':
			if (strcmp(optarg, "bounce") == 0)
				hold_bounce = 1;
			else if (strcmp(optarg, "defer") == 0)
				hold_bounce = 0;
			else
				fail("--hold-action is defer or bounce, not '%s'", optarg);
			break;
		case 's': sendmail = optarg; break;
		case 'R': rules = optarg; break;
		case 'p': policy_path = optarg; break;
		case 'M':
			if (sila_parse_size(optarg, &max_size) != 0 || max_size == 0)
				fail("invalid size '%s'", optarg);
			break;
		case 'j': case 't':
			push(&sila, c == 'j' ? "--jobs" : "--timeout");
			push(&sila, optarg);
			break;
		case 'O': push(&sila, "--ocr"); break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return sila_close_stdout() ? EXIT_ERROR : 0;
		case 'V': sila_print_version(); return sila_close_stdout() ? EXIT_ERROR : 0;
		default: usage(stderr); return postfix_mode ? EX_TEMPFAIL_ : EXIT_ERROR;
		}
	}
	for (int i = optind; i < argc; i++)
		push(&rcpt, argv[i]);
	if (postfix_mode) {
		quiet = 1;
		openlog(sila_prog(), LOG_PID, LOG_MAIL);
		if (!sender)
			fail("--postfix needs the envelope sender (-f SENDER)");
		if (rcpt.n == 0)
			fail("--postfix needs the envelope recipients");
	}
	rules = sila_rules_dir(rules);
	if (rules) {
		push(&sila, "--rules");
		push(&sila, rules);
	}
	if (policy_path) {
		push(&sila, "--policy");
		push(&sila, policy_path);
	} else {
		snprintf(path, sizeof(path), "%s/policy.conf", rules);
		policy_path = path;
	}
	if (!(policy = sila_mail_policy_load(policy_path, err, sizeof(err))))
		fail("%s", err);
	if (!max_size)
		max_size = policy->max_size;
	if (!(judge = sila_judge_new(policy)))
		fail("out of memory");

	over = read_message(&msg, max_size);
	if (sila_mail_headers_parse(msg.data ? msg.data : "", msg.len, &h) != 0)
		fail("out of memory reading the message header");
	if (!(name = display_name(h.message_id)))
		fail("out of memory");
	for (size_t i = 0; i < rcpt.n; i++)
		sila_judge_recipient(judge, rcpt.v[i]);
	if (rcpt.n == 0)
		for (size_t i = 0; i < h.nrecipients; i++)
			sila_judge_recipient(judge, h.recipients[i]);
	sila_judge_encrypted(judge, sila_mail_encrypted_type(h.content_type));
	memset(&ch, 0, sizeof(ch));
	if (over) {
		/* Not scanned at all: the policy's max-size-action decides. */
		sila_judge_oversize(judge);
	} else {
		if ((memfd = message_memfd(msg.data ? msg.data : "", msg.len)) < 0)
			fail("cannot hold the message in memory: %s", strerror(errno));
		run_chain(&sila, memfd, name, quiet, judge, &ch);
		if (ch.lines == 0)
			fail("'%s': the sila chain gave no result%s", name,
			     ch.status < 0 ? " (it was killed)" : "");
		if (!ch.have_message || ch.bad_lines || ch.status < 0)
			sila_judge_scan_failed(judge);
	}
	sila_buf_release(&msg);

	v = sila_judge_decide(judge, &reasons);
	gmtime_r(&now, &tm);
	strftime(scanned, sizeof(scanned), "%Y-%m-%dT%H:%M:%SZ", &tm);
	trace = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b}", "version", "sila " SILA_VERSION,
			  "rules", ch.rules, "policy", policy->hash, "scanned", scanned,
			  "level", sila_judge_level(judge), "encrypted",
			  sila_mail_encrypted_type(h.content_type));
	out = json_pack("{s:s, s:o, s:{s:I, s:I}, s:o, s:o}", "verdict", sila_verdict_name(v),
			"reasons", reasons, "recipients",
			"internal", (json_int_t)sila_judge_internal(judge),
			"external", (json_int_t)sila_judge_external(judge),
			"message_id", h.message_id ? json_string(name) : json_null(),
			"trace", trace);
	vline = out ? json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!vline)
		fail("out of memory");
	text = sila_verdict_text(json_object_get(out, "reasons"));

	if (!postfix_mode) {
		puts(vline);
		ret = v == SILA_VERDICT_PASS ? EXIT_PASS : v == SILA_VERDICT_HOLD ? EXIT_HOLD : EXIT_REJECT;
		if (sila_close_stdout() != 0)
			ret = EXIT_ERROR;
	} else {
		syslog(LOG_INFO, "%s", vline);
		if (v == SILA_VERDICT_PASS) {
			ret = reinject(sendmail, memfd, sender, rcpt.v, rcpt.n) == 0 ? EX_OK_ : EX_TEMPFAIL_;
		} else if (v == SILA_VERDICT_HOLD) {
			fprintf(stderr, "%s: message held: %s\n", sila_prog(), text ? text : "policy");
			ret = hold_bounce ? EX_UNAVAILABLE_ : EX_TEMPFAIL_;
		} else {
			fprintf(stderr, "%s: message rejected: %s\n", sila_prog(), text ? text : "policy");
			ret = EX_UNAVAILABLE_;
		}
	}
	free(text);
	free(vline);
	json_decref(out);
	free(name);
	if (memfd >= 0)
		close(memfd);
	sila_mail_headers_free(&h);
	sila_judge_free(judge);
	sila_mail_policy_free(policy);
	free(sila.v[0]);
	free(sila.v);
	free(rcpt.v);
	return ret;
}
