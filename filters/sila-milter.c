/*
 * sila-milter - the mail gateway as a milter, for Postfix and Sendmail.
 *
 * A daemon that speaks the milter protocol (libmilter): the MTA hands it
 * each message during the SMTP dialogue, and at the end of the message it
 * answers
 *   accept      the message passes;
 *   reject      "550 5.7.1 <why>" (the sender's server bounces it);
 *   quarantine  the message is held in the MTA's hold queue (Postfix:
 *               "postqueue -p" shows it with a '!'), with the reason in
 *               an added header "X-Sila-Verdict: hold; <why>";
 * by the verdict of sila-mail (core/verdict.c and the [mail] section of
 * the policy). The reply says why in words and never holds a number.
 *
 * Each connection gets a libmilter thread, which keeps the message
 * (header and body) in memory up to --max-size bytes. A larger message is
 * not kept and gets the policy's max-size-action; it is never accepted
 * unscanned. At the end of a message the thread starts sila-mail as a
 * child process (in a process group of its own, killed whole after
 * --scan-timeout), with the message on a memfd as its standard input, and
 * reads its verdict line: no parsing of MIME happens in the milter itself,
 * so a malformed message can cost a child, never the daemon. A scan that
 * fails or times out is answered with a temporary failure (451 4.3.0), so
 * the sending server tries again later.
 *
 * Exit status: 0 after a clean stop (SIGTERM, SIGINT, SIGHUP), 1 when the
 * milter could not start (a bad option, policy or socket).
 *
 * Usage:   sila-milter [options] -p SOCKET
 * Example: sila-milter -p inet:8895@127.0.0.1 -d -P /run/sila-milter.pid
 *          (Postfix main.cf: smtpd_milters = inet:127.0.0.1:8895)
 */
#define _GNU_SOURCE /* memfd_create, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libmilter/mfapi.h>

#include "buf.h"
#include "cli.h"
#include "limit.h"
#include "rules.h"
#include "status.h"
#include "verdict.h"

extern char **environ;

/* What a held message gets. */
enum hold_action { HOLD_QUARANTINE, HOLD_TEMPFAIL, HOLD_REJECT };

/* Settings, fixed before the first connection. */
static struct {
	const char *sila_mail;       /* path of sila-mail */
	const char *rules, *policy;  /* passed on to sila-mail */
	const char *jobs, *timeout;  /* passed on to sila-mail */
	size_t max_size;
	unsigned scan_timeout;       /* seconds for one sila-mail run */
	enum hold_action hold;
	int log_stderr;
	enum sila_verdict max_size_action;
} cfg;

static sem_t scans;                  /* free scan slots (--max-scans) */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* The message of one connection, as it comes in. */
struct msg {
	struct sila_buf data;  /* header and body */
	int over;              /* past --max-size: the bytes are dropped */
	char *sender;
	char **rcpt;
	size_t nrcpt;
};

/* Writes one log line: to syslog, or to stderr with the time and pid. */
__attribute__((format(printf, 2, 3))) static void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (cfg.log_stderr) {
		char when[32];
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		pthread_mutex_lock(&log_lock);
		fprintf(stderr, "%s %s[%ld]: ", when, sila_prog(), (long)getpid());
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
		pthread_mutex_unlock(&log_lock);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

/* Stops the milter before it starts: a message and exit status 1. */
__attribute__((format(printf, 1, 2))) _Noreturn static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", sila_prog());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] -p SOCKET\n"
		"A milter (Postfix smtpd_milters, Sendmail INPUT_MAIL_FILTER) that scans\n"
		"each message with sila-mail and accepts, rejects (550 5.7.1) or\n"
		"quarantines it by the [mail] section of the policy.\n"
		"\n"
		"  -p, --socket SOCKET    where to listen: inet:PORT@HOST, inet6:PORT@HOST\n"
		"                         or unix:/path (local:/path)\n"
		"  -d, --daemon           detach and run in the background\n"
		"  -P, --pidfile FILE     write the process id to FILE (removed at exit)\n"
		"  -l, --log WHERE        syslog (mail facility, the default) or stderr\n"
		"      --rules DIR        rule set and policy.conf to use\n"
		"      --policy FILE      another policy file\n"
		"      --max-size SIZE    bytes of a message kept and scanned (default: the\n"
		"                         policy's max-size, else 50M)\n"
		"      --hold-action A    a held message is quarantined (the default: the MTA's\n"
		"                         hold queue), tempfailed (451 4.7.1) or rejected\n"
		"      --max-scans N      messages scanned at once (default: the cores)\n"
		"      --scan-timeout S   seconds one scan may take (default 240)\n"
		"  -j, --jobs N           documents parsed at once per scan (sila -j)\n"
		"      --timeout SECONDS  per document or container (sila --timeout)\n"
		"      --sila-mail PATH   the scanner (default: sila-mail beside this program)\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n"
		"\n"
		"Exit status: 0 after a clean stop, 1 when the milter could not start.\n",
		sila_prog());
}

/* Frees what one message holds and readies the struct for the next. */
static void msg_reset(struct msg *m)
{
	sila_buf_release(&m->data);
	sila_buf_init(&m->data, cfg.max_size);
	m->over = 0;
	free(m->sender);
	m->sender = NULL;
	sila_free_list(m->rcpt);
	m->rcpt = NULL;
	m->nrcpt = 0;
}

/* Appends to the message, or drops it all once it passes the cap. */
static void msg_add(struct msg *m, const void *p, size_t n)
{
	if (m->over)
		return;
	if (sila_buf_add(&m->data, p, n) != SILA_OK) {
		m->over = 1;
		sila_buf_release(&m->data);
		sila_buf_init(&m->data, cfg.max_size);
	}
}

/* An address without its angle brackets, copied. */
static char *bare_address(const char *a)
{
	size_t n;

	if (!a)
		return strdup("");
	if (*a == '<')
		a++;
	n = strlen(a);
	if (n && a[n - 1] == '>')
		n--;
	return strndup(a, n);
}

static struct msg *priv(SMFICTX *ctx)
{
	struct msg *m = smfi_getpriv(ctx);

	if (!m && (m = calloc(1, sizeof(*m)))) {
		sila_buf_init(&m->data, cfg.max_size);
		if (smfi_setpriv(ctx, m) != MI_SUCCESS) {
			free(m);
			m = NULL;
		}
	}
	return m;
}

static sfsistat on_envfrom(SMFICTX *ctx, char **argv)
{
	struct msg *m = priv(ctx);

	if (!m)
		return SMFIS_TEMPFAIL;
	msg_reset(m);
	m->sender = bare_address(argv[0]);
	return m->sender ? SMFIS_CONTINUE : SMFIS_TEMPFAIL;
}

static sfsistat on_envrcpt(SMFICTX *ctx, char **argv)
{
	struct msg *m = priv(ctx);
	char **l;

	if (!m || !(l = realloc(m->rcpt, (m->nrcpt + 2) * sizeof(*l))))
		return SMFIS_TEMPFAIL;
	m->rcpt = l;
	if (!(l[m->nrcpt] = bare_address(argv[0])))
		return SMFIS_TEMPFAIL;
	l[++m->nrcpt] = NULL;
	return SMFIS_CONTINUE;
}

static sfsistat on_header(SMFICTX *ctx, char *name, char *value)
{
	struct msg *m = priv(ctx);

	if (!m)
		return SMFIS_TEMPFAIL;
	msg_add(m, name, strlen(name));
	msg_add(m, ": ", 2);
	msg_add(m, value, strlen(value));
	msg_add(m, "\r\n", 2);
	return SMFIS_CONTINUE;
}

static sfsistat on_eoh(SMFICTX *ctx)
{
	struct msg *m = priv(ctx);

	if (!m)
		return SMFIS_TEMPFAIL;
	msg_add(m, "\r\n", 2);
	return SMFIS_CONTINUE;
}

static sfsistat on_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
	struct msg *m = priv(ctx);

	if (!m)
		return SMFIS_TEMPFAIL;
	msg_add(m, p, n);
	return SMFIS_CONTINUE;
}

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Runs sila-mail on the message and returns its verdict line, parsed, or
 * NULL when the scan failed (why is logged).
 */
static json_t *scan(struct msg *m, const char *qid)
{
	struct sila_argv a = { NULL, 0, 0, 0 };
	char size[32], buf[4096];
	struct sila_buf out = SILA_BUF_INIT((size_t)1 << 20);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, def;
	int memfd = -1, pipefd[2] = { -1, -1 }, ws = 0, e, timed_out = 0;
	pid_t pid = -1;
	json_t *verdict = NULL;
	long long deadline;

	snprintf(size, sizeof(size), "%zu", cfg.max_size);
	sila_argv_push(&a, cfg.sila_mail);
	sila_argv_push(&a, "--quiet");
	sila_argv_push(&a, "--max-size");
	sila_argv_push(&a, size);
	if (cfg.rules) {
		sila_argv_push(&a, "--rules");
		sila_argv_push(&a, cfg.rules);
	}
	if (cfg.policy) {
		sila_argv_push(&a, "--policy");
		sila_argv_push(&a, cfg.policy);
	}
	if (cfg.jobs) {
		sila_argv_push(&a, "--jobs");
		sila_argv_push(&a, cfg.jobs);
	}
	if (cfg.timeout) {
		sila_argv_push(&a, "--timeout");
		sila_argv_push(&a, cfg.timeout);
	}
	sila_argv_push(&a, "--sender");
	sila_argv_push(&a, m->sender ? m->sender : "");
	sila_argv_push(&a, "--");
	for (size_t i = 0; i < m->nrcpt; i++)
		sila_argv_push(&a, m->rcpt[i]);
	if (a.oom) {
		logmsg(LOG_ERR, "%s: out of memory", qid);
		goto done;
	}
	memfd = memfd_create("sila-milter", MFD_CLOEXEC);
	if (memfd < 0 || pipe2(pipefd, O_CLOEXEC) != 0) {
		logmsg(LOG_ERR, "%s: cannot make a memfd or pipe: %s", qid, strerror(errno));
		goto done;
	}
	for (size_t off = 0; off < m->data.len; ) {
		ssize_t w = write(memfd, m->data.data + off, m->data.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			logmsg(LOG_ERR, "%s: cannot write the message to a memfd: %s", qid,
			       strerror(errno));
			goto done;
		}
		off += (size_t)w;
	}
	lseek(memfd, 0, SEEK_SET);

	/*
	 * The child gets the message as standard input and the pipe as
	 * standard output, a process group of its own (so that a timeout
	 * kills the whole chain), no blocked signals and SIGPIPE at default.
	 */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, memfd, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					POSIX_SPAWN_SETPGROUP);
	e = posix_spawn(&pid, cfg.sila_mail, &fa, &attr, a.v, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(pipefd[1]);
	pipefd[1] = -1;
	if (e != 0) {
		logmsg(LOG_ERR, "%s: '%s': cannot run: %s", qid, cfg.sila_mail, strerror(e));
		pid = -1;
		goto done;
	}

	/* Reads the verdict line, within the scan's time. */
	deadline = now_ms() + (long long)cfg.scan_timeout * 1000;
	for (;;) {
		struct pollfd pfd = { pipefd[0], POLLIN, 0 };
		long long left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(pipefd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sila_buf_add_upto(&out, buf, (size_t)n);
	}
	if (timed_out) {
		kill(-pid, SIGKILL);
		logmsg(LOG_ERR, "%s: the scan took longer than %u s (--scan-timeout); killed", qid,
		       cfg.scan_timeout);
	}
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	/* Whatever the child left running in its group goes too. */
	kill(-pid, SIGKILL);
	if (timed_out)
		goto done;
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) > 2) {
		if (WIFSIGNALED(ws))
			logmsg(LOG_ERR, "%s: sila-mail was killed by signal %d", qid, WTERMSIG(ws));
		else
			logmsg(LOG_ERR, "%s: sila-mail failed (exit status %d)", qid,
			       WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
		goto done;
	}
	{
		/* The verdict is the last line. */
		char *text = out.data ? out.data : (char *)(uintptr_t)"";
		char *last;
		size_t len = out.len;

		while (len && text[len - 1] == '\n')
			text[--len] = '\0';
		last = strrchr(text, '\n');
		verdict = json_loads(last ? last + 1 : text, 0, NULL);
		if (!json_is_object(verdict) ||
		    sila_verdict_parse(json_string_value(json_object_get(verdict, "verdict")) ?
				       json_string_value(json_object_get(verdict, "verdict")) : "") < 0) {
			logmsg(LOG_ERR, "%s: sila-mail gave no verdict", qid);
			json_decref(verdict);
			verdict = NULL;
		}
	}
done:
	if (memfd >= 0)
		close(memfd);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	sila_buf_release(&out);
	free(a.v);
	return verdict;
}

/* The reasons joined with commas, for the log; static per thread. */
static const char *joined(const json_t *reasons)
{
	static _Thread_local char s[512];
	size_t i, n = 0;
	const json_t *v;

	s[0] = '\0';
	json_array_foreach(reasons, i, v) {
		int w = snprintf(s + n, sizeof(s) - n, "%s%s", n ? "," : "", json_string_value(v));

		if (w < 0 || (size_t)w >= sizeof(s) - n)
			break;
		n += (size_t)w;
	}
	return n ? s : "-";
}

static sfsistat on_eom(SMFICTX *ctx)
{
	static char i_macro[] = "i", c550[] = "550", c451[] = "451", c554[] = "554";
	static char x571[] = "5.7.1", x471[] = "4.7.1", x430[] = "4.3.0", x534[] = "5.3.4";
	static char failed[] = "Message could not be scanned; try again later";
	static char x_sila[] = "X-Sila-Verdict";
	struct msg *m = priv(ctx);
	const char *qid = smfi_getsymval(ctx, i_macro);
	json_t *verdict = NULL, *reasons = NULL;
	char *text = NULL;
	int v, ext = 0, in = 0;
	sfsistat ret;

	if (!m)
		return SMFIS_TEMPFAIL;
	if (!qid)
		qid = "NOQUEUE";
	if (m->over) {
		/* Too large to keep: not scanned, and never accepted as it is. */
		v = (int)cfg.max_size_action;
		reasons = json_pack("[s]", "too-large");
	} else {
		sem_wait(&scans);
		verdict = scan(m, qid);
		sem_post(&scans);
		if (!verdict) {
			smfi_setreply(ctx, c451, x430, failed);
			logmsg(LOG_WARNING, "%s: tempfail: the message could not be scanned", qid);
			msg_reset(m);
			return SMFIS_TEMPFAIL;
		}
		v = sila_verdict_parse(json_string_value(json_object_get(verdict, "verdict")));
		reasons = json_incref(json_object_get(verdict, "reasons"));
		in = (int)json_integer_value(json_object_get(json_object_get(verdict, "recipients"),
							     "internal"));
		ext = (int)json_integer_value(json_object_get(json_object_get(verdict, "recipients"),
							      "external"));
	}
	text = reasons ? sila_verdict_text(reasons) : NULL;
	if (text && strlen(text) > 400)
		strcpy(text + 396, "...");
	switch (v) {
	case SILA_VERDICT_PASS:
		ret = SMFIS_ACCEPT;
		logmsg(LOG_INFO, "%s: pass: recipients internal=%d external=%d", qid, in, ext);
		break;
	case SILA_VERDICT_REJECT:
		smfi_setreply(ctx, m->over ? c554 : c550, m->over ? x534 : x571,
			      text ? text : failed);
		ret = SMFIS_REJECT;
		logmsg(LOG_NOTICE, "%s: reject (%s): %s", qid, joined(reasons), text ? text : "");
		break;
	default:
		if (cfg.hold == HOLD_QUARANTINE) {
			/*
			 * Postfix logs only "milter triggers HOLD action"; the
			 * header tells whoever looks at the held message why
			 * (and milter_header_checks can log it).
			 */
			char *hv = malloc(strlen(text ? text : failed) + 8);

			if (hv) {
				sprintf(hv, "hold; %s", text ? text : failed);
				smfi_addheader(ctx, x_sila, hv);
				free(hv);
			}
			ret = smfi_quarantine(ctx, text ? text : failed) == MI_SUCCESS ? SMFIS_ACCEPT
										: SMFIS_TEMPFAIL;
			logmsg(LOG_NOTICE, "%s: hold, quarantined (%s): %s", qid, joined(reasons),
			       text ? text : "");
		} else if (cfg.hold == HOLD_TEMPFAIL) {
			smfi_setreply(ctx, c451, x471, text ? text : failed);
			ret = SMFIS_TEMPFAIL;
			logmsg(LOG_NOTICE, "%s: hold, tempfail (%s): %s", qid, joined(reasons),
			       text ? text : "");
		} else {
			smfi_setreply(ctx, c550, x571, text ? text : failed);
			ret = SMFIS_REJECT;
			logmsg(LOG_NOTICE, "%s: hold, rejected (%s): %s", qid, joined(reasons),
			       text ? text : "");
		}
		break;
	}
	free(text);
	json_decref(reasons);
	json_decref(verdict);
	msg_reset(m);
	return ret;
}

static sfsistat on_abort(SMFICTX *ctx)
{
	struct msg *m = smfi_getpriv(ctx);

	if (m)
		msg_reset(m);
	return SMFIS_CONTINUE;
}

static sfsistat on_close(SMFICTX *ctx)
{
	struct msg *m = smfi_getpriv(ctx);

	if (m) {
		msg_reset(m);
		sila_buf_release(&m->data);
		free(m);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

/* Detaches from the terminal: a new session, "/" as working directory. */
static void daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		die("cannot fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (!cfg.log_stderr)
			dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

/* An absolute copy of a path that may be relative (the daemon works in "/"). */
static const char *absolute(const char *p)
{
	char *r;

	if (!p)
		return NULL;
	r = realpath(p, NULL);
	if (!r)
		die("'%s': %s", p, strerror(errno));
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 'p' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "log", required_argument, NULL, 'l' },
		{ "rules", required_argument, NULL, 'R' },
		{ "policy", required_argument, NULL, 'y' },
		{ "max-size", required_argument, NULL, 'M' },
		{ "hold-action", required_argument, NULL, 'H' },
		{ "max-scans", required_argument, NULL, 'S' },
		{ "scan-timeout", required_argument, NULL, 'T' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "sila-mail", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char name[] = "sila-milter";
	static struct smfiDesc desc = {
		name, SMFI_VERSION, SMFIF_QUARANTINE | SMFIF_ADDHDRS,
		NULL, NULL, on_envfrom, on_envrcpt, on_header, on_eoh, on_body, on_eom,
		on_abort, on_close, NULL, NULL, NULL
	};
	char *sock = NULL, path[PATH_MAX], err[512];
	const char *pidfile = NULL;
	size_t v, max_scans = 0;
	int c, daemon_mode = 0, r;
	struct sila_mail_policy *policy;

	sila_cli_init(argv[0]);
	cfg.scan_timeout = 240;
	while ((c = getopt_long(argc, argv, "p:dP:l:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': sock = optarg; break;
		case 'd': daemon_mode = 1; break;
		case 'P': pidfile = optarg; break;
		case 'l':
			if (strcmp(optarg, "stderr") == 0)
				cfg.log_stderr = 1;
			else if (strcmp(optarg, "syslog") == 0)
				cfg.log_stderr = 0;
			else
				die("--log is syslog or stderr, not '%s'", optarg);
			break;
		case 'R': cfg.rules = optarg; break;
		case 'y': cfg.policy = optarg; break;
		case 'M':
			if (sila_parse_size(optarg, &cfg.max_size) != 0 || cfg.max_size == 0)
				die("invalid size '%s'", optarg);
			break;
		case 'H':
			if (strcmp(optarg, "quarantine") == 0)
				cfg.hold = HOLD_QUARANTINE;
			else if (strcmp(optarg, "tempfail") == 0)
				cfg.hold = HOLD_TEMPFAIL;
			else if (strcmp(optarg, "reject") == 0)
				cfg.hold = HOLD_REJECT;
			else
				die("--hold-action is quarantine, tempfail or reject, not '%s'", optarg);
			break;
		case 'S': case 'T':
			if (sila_parse_size(optarg, &v) != 0 || v == 0 || v > 100000)
				die("invalid number '%s'", optarg);
			if (c == 'S')
				max_scans = v;
			else
				cfg.scan_timeout = (unsigned)v;
			break;
		case 'j': cfg.jobs = optarg; break;
		case 't': cfg.timeout = optarg; break;
		case 'm': cfg.sila_mail = optarg; break;
		case 'h': usage(stdout); return sila_close_stdout() ? 1 : 0;
		case 'V': sila_print_version(); return sila_close_stdout() ? 1 : 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind < argc || !sock) {
		usage(stderr);
		return 1;
	}
	if (!cfg.log_stderr)
		openlog(sila_prog(), LOG_PID, LOG_MAIL);

	/* The policy is read once here, to fail early and for the size cap. */
	cfg.rules = absolute(sila_rules_dir(cfg.rules));
	cfg.policy = absolute(cfg.policy);
	if (!cfg.policy)
		snprintf(path, sizeof(path), "%s/policy.conf", cfg.rules);
	policy = sila_mail_policy_load(cfg.policy ? cfg.policy : path, err, sizeof(err));
	if (!policy) {
		fprintf(stderr, "%s: %s\n", sila_prog(), err);
		return 1;
	}
	if (!cfg.max_size)
		cfg.max_size = policy->max_size;
	cfg.max_size_action = policy->max_size_action;
	sila_mail_policy_free(policy);
	if (!cfg.sila_mail) {
		snprintf(path, sizeof(path), "%s/sila-mail", sila_exe_dir());
		cfg.sila_mail = path;
	}
	cfg.sila_mail = absolute(cfg.sila_mail);
	if (access(cfg.sila_mail, X_OK) != 0) {
		fprintf(stderr, "%s: '%s': %s\n", sila_prog(), cfg.sila_mail, strerror(errno));
		return 1;
	}
	if (!max_scans) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		max_scans = n > 0 ? (size_t)n : 1;
	}
	sem_init(&scans, 0, (unsigned)max_scans);
	json_object_seed(0); /* before any thread makes a JSON object */
	signal(SIGPIPE, SIG_IGN);

	if (smfi_setconn(sock) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
		fprintf(stderr, "%s: '%s': cannot set up the milter socket\n", sila_prog(), sock);
		return 1;
	}
	if (smfi_opensocket(true) != MI_SUCCESS) {
		fprintf(stderr, "%s: '%s': cannot open the socket (in use? no permission?)\n",
			sila_prog(), sock);
		return 1;
	}
	if (daemon_mode)
		daemonize();
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
			logmsg(LOG_ERR, "'%s': cannot write the pid file: %s", pidfile, strerror(errno));
			return 1;
		}
	}
	logmsg(LOG_INFO, "listening on %s (max-size %zu, %zu scans at once)", sock, cfg.max_size,
	       max_scans);
	r = smfi_main();
	logmsg(LOG_INFO, "stopped");
	if (pidfile)
		unlink(pidfile);
	return r == MI_SUCCESS ? 0 : 1;
}
