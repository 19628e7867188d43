/*
 * test_pool.c - the worker pool and the sandbox: results in input order
 * whatever the workers' speed, crashes and hangs confined to their
 * document, and a sandbox that forbids files, networking, processes and
 * exec but allows threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pool.h"
#include "status.h"

/* The results as emitted: their "n" numbers and statuses, in order. */
struct seen {
	int n[64];
	char status[64][16];
	char message[64][160];
	int count;
};

/* Works on a record according to its "do" field: echo, sleep, crash or hang. */
static void work(void *ctx, struct sila_record *rec, FILE *out)
{
	const char *what = json_string_value(json_object_get(rec->hdr, "do"));

	(void)ctx;
	if (what && strcmp(what, "crash") == 0)
		raise(SIGSEGV);
	if (what && strcmp(what, "hang") == 0)
		for (;;)
			pause();
	if (what && strcmp(what, "slow") == 0)
		usleep(50000);
	json_object_set_new(rec->hdr, "status", json_string("ok"));
	sila_record_write(out, rec->hdr, rec->body.data ? rec->body.data : "", rec->body.len);
}

static int emit(void *ctx, json_t *hdr, const char *body, size_t len)
{
	struct seen *s = ctx;
	const char *st = json_string_value(json_object_get(hdr, "status"));
	json_t *w = json_array_get(json_object_get(hdr, "warnings"), 0);

	(void)body;
	(void)len;
	if (s->count < 64) {
		s->n[s->count] = (int)json_integer_value(json_object_get(hdr, "n"));
		snprintf(s->status[s->count], sizeof(s->status[0]), "%s", st ? st : "-");
		snprintf(s->message[s->count], sizeof(s->message[0]), "%s",
			 w ? json_string_value(json_object_get(w, "message")) : "");
	}
	s->count++;
	return SILA_OK;
}

static struct sila_pool *start(struct seen *s, unsigned workers, unsigned timeout_ms)
{
	struct sila_pool_opts o = { workers, timeout_ms, 0, 0, 1 << 20, 1 << 20 };
	char err[256];
	struct sila_pool *p = sila_pool_new(&o, NULL, work, emit, s, err, sizeof(err));

	assert_non_null(p);
	return p;
}

static void submit(struct sila_pool *p, int n, const char *what, int passthrough)
{
	json_t *hdr = json_pack("{s:i,s:s}", "n", n, "do", what);

	assert_int_equal(sila_pool_submit(p, hdr, "body", 4, passthrough), SILA_OK);
	json_decref(hdr);
}

/* Slow and fast documents and passthrough records come out in input order. */
static void test_order(void **state)
{
	struct seen s = { 0 };
	struct sila_pool *p = start(&s, 3, 0);

	(void)state;
	for (int i = 0; i < 30; i++)
		submit(p, i, i % 4 == 0 ? "slow" : "echo", i % 7 == 3);
	assert_int_equal(sila_pool_finish(p), SILA_OK);
	sila_pool_free(p);
	assert_int_equal(s.count, 30);
	for (int i = 0; i < 30; i++)
		assert_int_equal(s.n[i], i);
}

/* A crash and a hang cost their own documents; the others and later ones go on. */
static void test_crash_and_hang(void **state)
{
	struct seen s = { 0 };
	struct sila_pool *p = start(&s, 2, 300);

	(void)state;
	submit(p, 0, "echo", 0);
	submit(p, 1, "crash", 0);
	submit(p, 2, "echo", 0);
	submit(p, 3, "hang", 0);
	submit(p, 4, "echo", 0);
	submit(p, 5, "crash", 0);
	submit(p, 6, "echo", 0);
	assert_int_equal(sila_pool_finish(p), SILA_OK);
	sila_pool_free(p);
	assert_int_equal(s.count, 7);
	for (int i = 0; i < 7; i++)
		assert_int_equal(s.n[i], i);
	assert_string_equal(s.status[0], "ok");
	assert_string_equal(s.status[1], "error");
	assert_non_null(strstr(s.message[1], "crashed (signal 11)"));
	assert_string_equal(s.status[2], "ok");
	assert_string_equal(s.status[3], "error");
	assert_non_null(strstr(s.message[3], "longer than 1 s"));
	assert_string_equal(s.status[4], "ok");
	assert_string_equal(s.status[5], "error");
	assert_string_equal(s.status[6], "ok");
}

static void *thread_fn(void *arg)
{
	return arg;
}

/*
 * In a child: enters the sandbox and tries what it forbids and what it
 * allows; the exit status has a bit set for each check that went wrong.
 */
static int sandbox_child(void)
{
	char err[256];
	int bad = 0, fd;
	pthread_t t;
	pid_t pid;

	if (sila_sandbox_enter(err, sizeof(err)) != 0)
		return 0x80;
	fd = open("/etc/hostname", O_RDONLY);
	if (fd >= 0 || errno != EPERM)
		bad |= 1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 || errno != EPERM)
		bad |= 2;
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid >= 0 || errno != EPERM)
		bad |= 4;
	execl("/bin/true", "true", (char *)NULL);
	bad |= errno == EPERM ? 0 : 8;
	if (pthread_create(&t, NULL, thread_fn, NULL) != 0 || pthread_join(t, NULL) != 0)
		bad |= 16;
	if (write(STDOUT_FILENO, "", 0) != 0)
		bad |= 32;
	return bad;
}

static void test_sandbox(void **state)
{
	pid_t pid = fork();
	int ws;

	(void)state;
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(sandbox_child());
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_crash_and_hang),
		cmocka_unit_test(test_sandbox),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
