/*
 * sila-scan - the third filter: text in, findings out.
 *
 * Compiles the rule set once (patterns/NAME.rules, or --rules DIR) into one
 * Hyperscan database, scans each record's text (a text of 4 MiB or more in
 * streaming mode as it arrives, never held whole, in two threads: one runs
 * Hyperscan, the other validates), confirms each match with
 * the rule's validator and context, and replaces the body with "findings"
 * and "tags" in the header. Values are masked unless --reveal is given.
 *
 * Usage:   sila-scan [options] < records > records
 * Example: sila-unpack notes.txt | sila-extract | sila-scan --reveal
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "limit.h"
#include "record.h"
#include "rules.h"
#include "scan.h"
#include "status.h"
#include "text.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] < records\n"
		"Find identity numbers and markings in each record's text.\n"
		"\n"
		"      --rules DIR        rule set to use (default: the installed patterns/)\n"
		"      --reveal           print identity numbers whole (authorised audits only)\n"
		"      --interim          also find interim numbers (YYMMDD-Tnnn)\n"
		"      --enable ID        enable a rule that is off by default (repeatable)\n"
		"      --disable ID       disable a rule (repeatable)\n"
		"      --date YYYY-MM-DD  scan date for the century of short numbers (default today)\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n",
		sila_prog());
}

/* Adds a warning to a record header and raises its status to at least st. */
static void record_warn(json_t *hdr, enum sila_doc_status st, const char *code, const char *msg)
{
	json_t *w = json_object_get(hdr, "warnings");
	int old = sila_doc_status_parse(json_string_value(json_object_get(hdr, "status")));

	if (!w) {
		w = json_array();
		json_object_set_new(hdr, "warnings", w);
	}
	sila_warn_add(w, code, "%s", msg);
	if ((int)st > old)
		json_object_set_new(hdr, "status", json_string(sila_doc_status_name(st)));
}

/*
 * Scans the document's metadata (title, subject, custom properties) and
 * adds its findings, marked "in": "metadata", to findings and tags. The
 * metadata itself is dropped from the record: it may hold the very
 * numbers the report must not show.
 */
static void scan_metadata(struct sila_scanner *scanner, json_t *hdr,
			  const struct sila_scan_opts *opts, json_t *findings, json_t *tags)
{
	const char *meta = json_string_value(json_object_get(hdr, "metadata"));
	json_t *mf, *mt, *v;
	char err[256];
	int truncated;
	size_t i;

	if (meta && sila_scan_text(scanner, meta, strlen(meta), 0, opts, &mf, &mt,
				   &truncated, err, sizeof(err)) == SILA_OK) {
		json_array_foreach(mf, i, v) {
			json_object_del(v, "offset");
			json_object_set_new(v, "in", json_string("metadata"));
			json_array_append(findings, v);
		}
		json_array_foreach(mt, i, v) {
			size_t j;
			json_t *w;
			int have = 0;

			json_array_foreach(tags, j, w)
				have |= json_equal(v, w);
			if (!have)
				json_array_append(tags, v);
		}
		json_decref(mf);
		json_decref(mt);
	}
	json_object_del(hdr, "metadata");
}

/*
 * Records are written by a thread of their own: a header with thousands
 * of findings takes as long to dump as a megabyte takes to scan, and the
 * next record need not wait for it. Order is kept: one writer, one queue.
 */
#define OUT_QUEUE 4

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	json_t *q[OUT_QUEUE];
	size_t head, n;
	int done;       /* no more records will come */
	int failed;     /* writing failed: stop reading */
} out = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { NULL }, 0, 0, 0, 0 };

static void *writer(void *arg)
{
	(void)arg;
	for (;;) {
		json_t *h;
		int ok;

		pthread_mutex_lock(&out.mu);
		while (!out.n && !out.done)
			pthread_cond_wait(&out.cv, &out.mu);
		if (!out.n) {
			pthread_mutex_unlock(&out.mu);
			return NULL;
		}
		h = out.q[out.head];
		pthread_mutex_unlock(&out.mu);
		ok = !out.failed && sila_record_write(stdout, h, NULL, 0) == SILA_OK;
		json_decref(h);
		pthread_mutex_lock(&out.mu);
		out.head = (out.head + 1) % OUT_QUEUE;
		out.n--;
		if (!ok)
			out.failed = 1;
		pthread_cond_broadcast(&out.cv);
		pthread_mutex_unlock(&out.mu);
	}
}

/* Queues a record header (the reference is the writer's); -1 once writing has failed. */
static int put_record(json_t *hdr)
{
	int failed;

	pthread_mutex_lock(&out.mu);
	while (out.n == OUT_QUEUE && !out.failed)
		pthread_cond_wait(&out.cv, &out.mu);
	failed = out.failed;
	if (!failed) {
		out.q[(out.head + out.n) % OUT_QUEUE] = hdr;
		out.n++;
		pthread_cond_broadcast(&out.cv);
	}
	pthread_mutex_unlock(&out.mu);
	if (failed)
		json_decref(hdr);
	return failed ? -1 : 0;
}

/* Lets the writer finish what is queued and waits for it. */
static void end_records(pthread_t tid)
{
	pthread_mutex_lock(&out.mu);
	out.done = 1;
	pthread_cond_broadcast(&out.cv);
	pthread_mutex_unlock(&out.mu);
	pthread_join(tid, NULL);
}

/* Reads a streamed body for sila_scan_stream. */
static size_t read_body(void *ctx, char *buf, size_t n)
{
	return sila_record_body_read(stdin, ctx, buf, n);
}

/* The current time in UTC as ISO 8601, for the trace; static storage. */
static const char *now_iso8601(void)
{
	static char buf[32];
	struct tm tm;
	time_t t = time(NULL);

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "reveal", no_argument, NULL, 'R' },
		{ "interim", no_argument, NULL, 'I' },
		{ "enable", required_argument, NULL, 'e' },
		{ "disable", required_argument, NULL, 'd' },
		{ "date", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char obuf[1 << 16];
	struct sila_scan_opts opts = { 0 };
	const char *rules_dir = NULL;
	char *toggles[64];
	int toggle_on[64], ntoggles = 0;
	struct sila_rules *rules;
	struct sila_scanner *scanner;
	struct sila_record rec;
	pthread_t wtid;
	char err[1024];
	int c, st, ret = 0;

	sila_cli_init(argv[0]);
	sila_date_today(&opts.today);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rules_dir = optarg; break;
		case 'R': opts.reveal = 1; break;
		case 'I': opts.allow_interim = 1; break;
		case 'e': case 'd':
			if (ntoggles == 64)
				sila_die("too many --enable/--disable options");
			toggles[ntoggles] = optarg;
			toggle_on[ntoggles++] = c == 'e';
			break;
		case 'D':
			if (sscanf(optarg, "%d-%d-%d", &opts.today.year, &opts.today.month,
				   &opts.today.day) != 3 ||
			    !sila_date_valid(opts.today.year, opts.today.month, opts.today.day))
				sila_die("invalid date '%s' (use YYYY-MM-DD)", optarg);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	rules = sila_rules_load(sila_rules_dir(rules_dir), err, sizeof(err));
	if (!rules)
		sila_die("%s", err);
	for (int i = 0; i < ntoggles; i++)
		if (sila_rules_enable(rules, toggles[i], toggle_on[i]) != 0)
			sila_die("no rule '%s' in the rule set", toggles[i]);
	/* --interim and --enable se.interimsnummer mean the same. */
	if (opts.allow_interim)
		sila_rules_enable(rules, "se.interimsnummer", 1);
	else if (sila_rules_find(rules, "se.interimsnummer") &&
		 sila_rules_find(rules, "se.interimsnummer")->enabled)
		opts.allow_interim = 1;
	scanner = sila_scanner_new(rules, err, sizeof(err));
	if (!scanner)
		sila_die("%s", err);
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (pthread_create(&wtid, NULL, writer, NULL) != 0)
		sila_die("cannot start the output thread");
	pthread_setname_np(wtid, "sila-out");
	sila_record_init(&rec, SILA_MAX_TEXT_DEFAULT);
	/*
	 * Long texts are scanned as they stream by, never held whole: memory
	 * stays small, and reading overlaps scanning and validation.
	 */
	rec.stream_min = SILA_SCAN_PIPE_MIN;
	while ((st = sila_record_read(stdin, &rec)) == SILA_OK) {
		json_t *trace = json_object_get(rec.hdr, "trace"), *hdr;

		if (!trace) {
			trace = json_object();
			json_object_set_new(rec.hdr, "trace", trace);
		}
		json_object_set_new(trace, "rules", json_string(rules->hash));
		json_object_set_new(trace, "scanned", json_string(now_iso8601()));
		if (rec.has_body) {
			json_t *findings, *tags;
			int truncated;

			if (rec.body_truncated)
				record_warn(rec.hdr, SILA_DOC_PARTIAL, "limit-exceeded",
					    "text limit reached before scanning");
			int paged = json_object_get(rec.hdr, "pages") != NULL;

			if ((rec.body_pending
				     ? sila_scan_stream(scanner, read_body, &rec, paged, &opts, &findings,
							&tags, &truncated, err, sizeof(err))
				     : sila_scan_text(scanner, rec.body.data ? rec.body.data : "",
						      rec.body.len, paged, &opts, &findings, &tags,
						      &truncated, err, sizeof(err))) != SILA_OK) {
				sila_record_error(rec.hdr, "%s", err);
				record_warn(rec.hdr, SILA_DOC_ERROR, "scan-failed", err);
			} else {
				scan_metadata(scanner, rec.hdr, &opts, findings, tags);
				json_object_set_new(rec.hdr, "findings", findings);
				json_object_set_new(rec.hdr, "tags", tags);
				if (truncated)
					record_warn(rec.hdr, SILA_DOC_PARTIAL, "limit-exceeded",
						    "too many candidate matches; the rest were not examined");
			}
		}
		/* The writer owns the header from here: no count is shared between threads. */
		hdr = rec.hdr;
		rec.hdr = NULL;
		if (put_record(hdr) != 0)
			break;
	}
	end_records(wtid);
	if (st == SILA_FATAL) {
		sila_error("%s", rec.err);
		ret = 2;
	}
	sila_record_release(&rec);
	sila_scanner_free(scanner);
	sila_rules_free(rules);
	if (sila_close_stdout() != 0)
		ret = 2;
	return ret;
}
