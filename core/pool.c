/*
 * pool.c - the supervisor and the workers.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "pool.h"
#include "status.h"
#include "text.h"

/* Results waiting for an earlier one before they may be emitted. */
#define MAX_WAITING 4096

struct worker {
	pid_t pid;
	int to;              /* write end of the worker's stdin */
	FILE *from;          /* read end of the worker's stdout */
	int busy;
	unsigned long seq;   /* the job it works on */
	json_t *job;         /* that job's header, to report its fate */
	struct timespec started;
};

/* A result kept until every earlier one has been emitted. */
struct slot {
	unsigned long seq;
	json_t *hdr;
	char *body;
	size_t len;
	int has_body;
	int done;
};

struct sila_pool {
	struct sila_pool_opts o;
	sila_pool_init_fn init;
	sila_pool_work_fn work;
	sila_pool_emit_fn emit;
	void *ctx;
	struct worker *w;
	struct slot *slots;      /* ring of results by seq */
	unsigned long next_seq;  /* the next record's number */
	unsigned long next_out;  /* the next result to emit */
	size_t nslots;
	struct sila_record rec;  /* reads results */
	char err[256];
};

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1000.0 +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

void sila_sandbox_preload(void)
{
	static const char *const charsets[] = {
		"UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "WINDOWS-1252", "ISO-8859-1",
		"ISO-8859-15", "CP850", "CP437", "MACINTOSH", "WINDOWS-1250", "WINDOWS-1251",
		"WINDOWS-1257", "UTF-7", "KOI8-R", "ISO-8859-2",
	};
	/* Both directions, kept for the process's life (reachable, not leaked). */
	static iconv_t kept[sizeof(charsets) / sizeof(charsets[0])][2];

	for (size_t i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++)
		if (!kept[i][0]) {
			kept[i][0] = iconv_open("UTF-8", charsets[i]);
			kept[i][1] = iconv_open(charsets[i], "UTF-8");
		}
	/* libarchive's localtime() would try to open /etc/localtime for every member. */
	tzset();
}

void sila_worker_limits(size_t max_memory)
{
	struct rlimit core = { 0, 0 };
	static const int sigs[] = { SIGPIPE, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
				    SIGTERM, SIGINT, SIGALRM };

	setrlimit(RLIMIT_CORE, &core);
#if !defined(__SANITIZE_ADDRESS__)
	if (max_memory) {
		struct rlimit as = { max_memory, max_memory };

		setrlimit(RLIMIT_AS, &as);
	}
#else
	(void)max_memory;
#endif
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

int sila_sandbox_enter(char *err, size_t errlen)
{
	static const int denied[] = {
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(creat), SCMP_SYS(open_by_handle_at),
		SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind),
		SCMP_SYS(listen), SCMP_SYS(accept), SCMP_SYS(accept4),
		SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork),
		SCMP_SYS(ptrace), SCMP_SYS(process_vm_writev), SCMP_SYS(mkdir), SCMP_SYS(mkdirat),
		SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename), SCMP_SYS(renameat),
		SCMP_SYS(renameat2), SCMP_SYS(link), SCMP_SYS(linkat), SCMP_SYS(symlink),
		SCMP_SYS(symlinkat), SCMP_SYS(chmod), SCMP_SYS(fchmodat), SCMP_SYS(truncate),
	};
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "cannot start a seccomp filter");
		return -1;
	}
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]) && rc == 0; i++)
		rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
	/* Threads (Tesseract's) may be made; processes may not: clone without CLONE_THREAD. */
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, 0x00010000 /* CLONE_THREAD */, 0));
	/* clone3 passes its flags in memory a filter cannot read; make the C library fall back. */
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0)
		rc = seccomp_load(f);
	seccomp_release(f);
	if (rc != 0) {
		snprintf(err, errlen, "cannot install the seccomp filter: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

/*
 * The worker's life: limits, init, sandbox, then one result per record
 * until its input ends. Never returns.
 */
static _Noreturn void worker_main(struct sila_pool *p)
{
	struct sila_record rec;
	char err[256];
	/*
	 * Fresh streams: the inherited stdin may hold read-ahead of the
	 * supervisor's own input, which is not this worker's.
	 */
	FILE *in = fdopen(STDIN_FILENO, "r"), *out = fdopen(STDOUT_FILENO, "w");

	if (!in || !out)
		_exit(3);

	sila_worker_limits(p->o.max_memory);
	if (p->init && p->init(p->ctx) != 0)
		_exit(3);
	if (p->o.sandbox && sila_sandbox_enter(err, sizeof(err)) != 0) {
		(void)!write(STDERR_FILENO, err, strlen(err));
		_exit(3);
	}
	sila_record_init(&rec, p->o.max_input);
	while (sila_record_read(in, &rec) == SILA_OK) {
		p->work(p->ctx, &rec, out);
		if (fflush(out) != 0)
			break;
	}
	/* _exit: no atexit handlers (nor a leak check that would open files) in a sandbox. */
	_exit(0);
}

/* Starts (or restarts) worker i. Returns 0, or -1 with p->err set. */
static int spawn(struct sila_pool *p, unsigned i)
{
	struct worker *w = &p->w[i];
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) != 0)
		goto fail;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		goto fail;
	}
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0) {
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		goto fail;
	}
	if (w->pid == 0) {
		/* The other workers' pipes are close-on-exec only; close them here. */
		for (unsigned k = 0; k < p->o.workers; k++) {
			if (k == i || !p->w[k].from)
				continue;
			close(p->w[k].to);
			close(fileno(p->w[k].from));
		}
		if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0)
			_exit(3);
		close(in[1]);
		close(out[0]);
		worker_main(p);
	}
	close(in[0]);
	close(out[1]);
	w->to = in[1];
	w->from = fdopen(out[0], "r");
	w->busy = 0;
	w->job = NULL;
	if (!w->from) {
		close(out[0]);
		close(w->to);
		goto fail;
	}
	return 0;
fail:
	snprintf(p->err, sizeof(p->err), "cannot start a worker process: %s", strerror(errno));
	return -1;
}

/* Ends worker i: closes its pipes and reaps it. Returns its wait status. */
static int reap(struct sila_pool *p, unsigned i, int kill_it)
{
	struct worker *w = &p->w[i];
	int ws = 0;

	if (kill_it)
		kill(w->pid, SIGKILL);
	close(w->to);
	fclose(w->from);
	w->from = NULL;
	while (waitpid(w->pid, &ws, 0) < 0 && errno == EINTR)
		;
	return ws;
}

static struct slot *slot_of(struct sila_pool *p, unsigned long seq)
{
	return &p->slots[seq % p->nslots];
}

/* Emits every result whose turn has come. */
static int flush_ready(struct sila_pool *p)
{
	for (;;) {
		struct slot *s = slot_of(p, p->next_out);
		int st;

		if (p->next_out == p->next_seq || !s->done || s->seq != p->next_out)
			return SILA_OK;
		st = p->emit(p->ctx, s->hdr, s->has_body ? s->body : NULL, s->len);
		json_decref(s->hdr);
		free(s->body);
		memset(s, 0, sizeof(*s));
		p->next_out++;
		if (st != SILA_OK) {
			snprintf(p->err, sizeof(p->err), "cannot write the record stream");
			return SILA_FATAL;
		}
	}
}

/* Stores a finished result (taking hdr and body) for its turn. */
static void store(struct sila_pool *p, unsigned long seq, json_t *hdr, char *body, size_t len,
		  int has_body)
{
	struct slot *s = slot_of(p, seq);

	s->seq = seq;
	s->hdr = hdr;
	s->body = body;
	s->len = len;
	s->has_body = has_body;
	s->done = 1;
}

/*
 * The result for a document whose worker died or was stopped: its header
 * with status "error" and warning extraction-failed saying why.
 */
static void store_failure(struct sila_pool *p, struct worker *w, const char *why)
{
	json_t *hdr = w->job;
	json_t *warnings = json_object_get(hdr, "warnings");

	if (!warnings) {
		warnings = json_array();
		json_object_set_new(hdr, "warnings", warnings);
	}
	sila_warn_add(warnings, "extraction-failed", "%s", why);
	json_object_set_new(hdr, "status", json_string("error"));
	store(p, w->seq, hdr, NULL, 0, 0);
	w->job = NULL;
	w->busy = 0;
}

/* Says why a worker ended, from its wait status. */
static void describe(int ws, size_t max_memory, char *out, size_t n)
{
	if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGXCPU)
		snprintf(out, n, "the parser ran out of CPU time");
	else if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGABRT && max_memory)
		snprintf(out, n, "the parser aborted (signal %d), perhaps at the memory limit "
			 "of %zu MiB (--max-memory)", WTERMSIG(ws), max_memory >> 20);
	else if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL)
		snprintf(out, n, "the parser was killed (signal %d)", WTERMSIG(ws));
	else if (WIFSIGNALED(ws))
		snprintf(out, n, "the parser crashed (signal %d)", WTERMSIG(ws));
	else
		snprintf(out, n, "the parser stopped (exit status %d)", WEXITSTATUS(ws));
}

/* Reads worker i's result; a worker that died instead is replaced. */
static int collect(struct sila_pool *p, unsigned i)
{
	struct worker *w = &p->w[i];
	int st = sila_record_read(w->from, &p->rec);

	if (st == SILA_OK) {
		size_t len;
		char *body = p->rec.has_body ? sila_buf_detach(&p->rec.body, &len) : NULL;

		if (!p->rec.has_body)
			len = 0;
		store(p, w->seq, json_incref(p->rec.hdr), body, len, p->rec.has_body);
		json_decref(w->job);
		w->job = NULL;
		w->busy = 0;
		return SILA_OK;
	} else {
		char why[160];

		describe(reap(p, i, 1), p->o.max_memory, why, sizeof(why));
		store_failure(p, w, why);
		return spawn(p, i) == 0 ? SILA_OK : SILA_FATAL;
	}
}

/*
 * Waits until a busy worker finishes or overruns its time; collects or
 * stops it. Returns SILA_OK, or SILA_FATAL when a worker cannot be started.
 */
static int wait_one(struct sila_pool *p)
{
	struct pollfd fds[256];
	unsigned idx[256], n = 0;
	int timeout = -1, r;

	for (unsigned i = 0; i < p->o.workers && n < 256; i++) {
		double left;

		if (!p->w[i].busy)
			continue;
		if (p->o.timeout_ms) {
			left = p->o.timeout_ms - elapsed_ms(&p->w[i].started);
			if (left <= 0) {
				char why[96];

				reap(p, i, 1);
				snprintf(why, sizeof(why), "the parser took longer than %u s (--timeout)",
					 (p->o.timeout_ms + 999) / 1000);
				store_failure(p, &p->w[i], why);
				return spawn(p, i) == 0 ? SILA_OK : SILA_FATAL;
			}
			if (timeout < 0 || left < timeout)
				timeout = (int)left + 1;
		}
		fds[n].fd = fileno(p->w[i].from);
		fds[n].events = POLLIN;
		idx[n++] = i;
	}
	if (n == 0)
		return SILA_OK;
	r = poll(fds, n, timeout);
	if (r < 0 && errno != EINTR) {
		snprintf(p->err, sizeof(p->err), "poll: %s", strerror(errno));
		return SILA_FATAL;
	}
	for (unsigned k = 0; k < n && r > 0; k++)
		if (fds[k].revents && collect(p, idx[k]) != SILA_OK)
			return SILA_FATAL;
	return SILA_OK;
}

/* Writes all of buf to fd; a worker that died while reading gives -1. */
static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Sends a job to idle worker i. */
static int dispatch(struct sila_pool *p, unsigned i, json_t *hdr, const char *body, size_t len)
{
	struct worker *w = &p->w[i];
	char *line, head[32];
	int ok;

	json_object_del(hdr, "body");
	line = json_dumps(hdr, JSON_COMPACT);
	if (!line) {
		snprintf(p->err, sizeof(p->err), "out of memory");
		return SILA_FATAL;
	}
	/* The header without its closing brace, then the body length, as the stream wants. */
	line[strlen(line) - 1] = '\0';
	snprintf(head, sizeof(head), "%s\"body\":%zu}\n", strlen(line) > 1 ? "," : "", len);
	w->busy = 1;
	w->seq = p->next_seq;
	w->job = json_deep_copy(hdr);
	clock_gettime(CLOCK_MONOTONIC, &w->started);
	ok = write_all(w->to, line, strlen(line)) == 0 && write_all(w->to, head, strlen(head)) == 0 &&
	     write_all(w->to, body, len) == 0;
	free(line);
	if (!ok) {
		/* It died before it had read the document: a crash at start or the previous job. */
		char why[160];

		describe(reap(p, i, 1), p->o.max_memory, why, sizeof(why));
		store_failure(p, w, why);
		return spawn(p, i) == 0 ? SILA_OK : SILA_FATAL;
	}
	return SILA_OK;
}

struct sila_pool *sila_pool_new(const struct sila_pool_opts *o, sila_pool_init_fn init,
				sila_pool_work_fn work, sila_pool_emit_fn emit, void *ctx,
				char *err, size_t errlen)
{
	struct sila_pool *p = calloc(1, sizeof(*p));

	if (!p || o->workers == 0 || o->workers > 256) {
		snprintf(err, errlen, p ? "workers must be 1 to 256" : "out of memory");
		free(p);
		return NULL;
	}
	p->o = *o;
	p->init = init;
	p->work = work;
	p->emit = emit;
	p->ctx = ctx;
	p->nslots = MAX_WAITING + o->workers;
	p->w = calloc(o->workers, sizeof(*p->w));
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	sila_record_init(&p->rec, o->max_body);
	if (!p->w || !p->slots) {
		snprintf(err, errlen, "out of memory");
		sila_pool_free(p);
		return NULL;
	}
	/* A worker that dies while the supervisor writes to it must not kill the supervisor. */
	signal(SIGPIPE, SIG_IGN);
	for (unsigned i = 0; i < o->workers; i++)
		if (spawn(p, i) != 0) {
			snprintf(err, errlen, "%s", p->err);
			sila_pool_free(p);
			return NULL;
		}
	return p;
}

int sila_pool_submit(struct sila_pool *p, json_t *hdr, const char *body, size_t len,
		     int passthrough)
{
	/* Keep the waiting results bounded: let the oldest finish first. */
	while (p->next_seq - p->next_out >= MAX_WAITING) {
		if (wait_one(p) != SILA_OK || flush_ready(p) != SILA_OK)
			return SILA_FATAL;
	}
	if (passthrough) {
		store(p, p->next_seq++, json_incref(hdr), NULL, 0, 0);
		return flush_ready(p);
	}
	for (;;) {
		for (unsigned i = 0; i < p->o.workers; i++) {
			if (p->w[i].busy)
				continue;
			if (dispatch(p, i, hdr, body, len) != SILA_OK)
				return SILA_FATAL;
			p->next_seq++;
			return flush_ready(p);
		}
		if (wait_one(p) != SILA_OK || flush_ready(p) != SILA_OK)
			return SILA_FATAL;
	}
}

int sila_pool_finish(struct sila_pool *p)
{
	for (;;) {
		int busy = 0;

		if (flush_ready(p) != SILA_OK)
			return SILA_FATAL;
		for (unsigned i = 0; i < p->o.workers; i++)
			busy |= p->w[i].busy;
		if (!busy)
			return flush_ready(p);
		if (wait_one(p) != SILA_OK)
			return SILA_FATAL;
	}
}

void sila_pool_free(struct sila_pool *p)
{
	if (!p)
		return;
	for (unsigned i = 0; p->w && i < p->o.workers; i++) {
		if (!p->w[i].from)
			continue;
		reap(p, i, p->w[i].busy);
		json_decref(p->w[i].job);
	}
	for (size_t i = 0; p->slots && i < p->nslots; i++) {
		json_decref(p->slots[i].hdr);
		free(p->slots[i].body);
	}
	sila_record_release(&p->rec);
	free(p->w);
	free(p->slots);
	free(p);
}

const char *sila_pool_errmsg(const struct sila_pool *p)
{
	return p->err;
}
