/*
 * pool.h - worker processes that parse documents, so that a parser that
 * crashes, hangs or eats memory on one hostile document costs that
 * document, not the sweep.
 *
 * The supervisor (the calling process) hands each record to an idle
 * worker over a pipe, in the record stream format, and reads one result
 * record back. A worker that dies (a crash, the memory limit) or passes the
 * wall-clock timeout is killed and replaced, and the document gets a result
 * with status "error" and warning "extraction-failed" saying why. Results
 * come out in the order records went in, whatever the number of workers.
 *
 * Workers start by fork(); after the init callback (load libmagic, warm up
 * parsers) each one limits its address space and, unless told not to,
 * installs a seccomp filter that forbids opening files, networking,
 * starting processes and exec, so an exploited parser can do no harm beyond
 * its own output.
 *
 * Ownership: submitted headers and bodies are copied; results are lent to
 * the emit callback for the duration of the call.
 */
#ifndef SILA_POOL_H
#define SILA_POOL_H

#include <stdio.h>

#include <jansson.h>

#include "record.h"

struct sila_pool_opts {
	unsigned workers;    /* worker processes, at least 1 */
	unsigned timeout_ms; /* wall-clock time per document; 0: none */
	size_t max_memory;   /* address space per worker; 0: none */
	int sandbox;         /* install the seccomp filter */
	size_t max_input;    /* the largest document body a worker accepts */
	size_t max_body;     /* the largest result body accepted from a worker */
};

/*
 * Runs in a worker for each record: writes exactly one result record for
 * rec to out.
 */
typedef void (*sila_pool_work_fn)(void *ctx, struct sila_record *rec, FILE *out);

/* Runs once in each new worker before it is sandboxed; non-zero stops the worker. */
typedef int (*sila_pool_init_fn)(void *ctx);

/* Receives each result, in submission order; returns SILA_OK or SILA_FATAL. */
typedef int (*sila_pool_emit_fn)(void *ctx, json_t *hdr, const char *body, size_t len);

struct sila_pool;

/* Starts the workers; NULL with the reason in err. */
struct sila_pool *sila_pool_new(const struct sila_pool_opts *o, sila_pool_init_fn init,
				sila_pool_work_fn work, sila_pool_emit_fn emit, void *ctx,
				char *err, size_t errlen);

/*
 * Queues one record. A record without a body (passthrough) needs no
 * worker and keeps its place in the order. May block while workers are
 * busy. Returns SILA_OK, or SILA_FATAL when emit failed or no worker can
 * be started.
 */
int sila_pool_submit(struct sila_pool *p, json_t *hdr, const char *body, size_t len,
		     int passthrough);

/* Waits for every queued record's result. Returns SILA_OK or SILA_FATAL. */
int sila_pool_finish(struct sila_pool *p);

/* Stops the workers and frees the pool. */
void sila_pool_free(struct sila_pool *p);

/* The reason for the last SILA_FATAL. */
const char *sila_pool_errmsg(const struct sila_pool *p);

/*
 * Loads what the C library would otherwise load from disk on first use and
 * the sandbox would then refuse: the iconv converters for the common
 * character sets, kept open (and so loaded) for the process's life, and
 * the local time zone. Called before forking sandboxed children, it is
 * done once for all of them instead of once in each.
 */
void sila_sandbox_preload(void);

/*
 * Limits the calling process (a worker): no core files, and at most
 * max_memory bytes of address space (not under AddressSanitizer, which
 * reserves terabytes). Resets the signal handlers a crash must not meet.
 */
void sila_worker_limits(size_t max_memory);

/* Installs the worker sandbox in the calling process (exposed for tests). */
int sila_sandbox_enter(char *err, size_t errlen);

#endif
