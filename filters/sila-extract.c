/*
 * sila-extract - the second filter: file bytes in, UTF-8 text out.
 *
 * Reads the record stream, detects each body's type with libmagic and
 * replaces the body with the document's text (pages separated by form
 * feeds), adding "type", "pages", "status" and "warnings" to the header,
 * and the document's metadata ("metadata") and sensitivity labels
 * ("labels") when it has any.
 * Records without a body (containers, files that could not be read) pass
 * unchanged.
 *
 * Documents are parsed by worker processes (-j), each limited in memory
 * and time and, after start-up, sandboxed by seccomp: a parser that
 * crashes or hangs costs its document (status "error", warning
 * extraction-failed), never the stream. Output keeps the input's order.
 * A large plain text whose text is its own bytes is passed on by this
 * process as it was read, without a worker's copies of it; one too large
 * to hold (32 MiB and over) is streamed through, converted to UTF-8 when
 * it is in another encoding.
 *
 * Usage:   sila-extract [options] < records > records
 * Example: sila-unpack report.pdf | sila-extract | sila-scan
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "charset.h"
#include "cli.h"
#include "extract.h"
#include "limit.h"
#include "names.h"
#include "pool.h"
#include "record.h"
#include "status.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] < records\n"
		"Turn each record's bytes into UTF-8 text (the sila record stream).\n"
		"\n"
		"      --max-file SIZE    bytes of one file accepted (default 256M)\n"
		"      --max-text SIZE    bytes of text kept per document (default 64M)\n"
		"      --ocr              read images and image-only PDF pages with Tesseract\n"
		"      --ocr-lang LANGS   Tesseract languages for --ocr (default swe)\n"
		"  -j, --jobs N           parse N documents at once in worker processes\n"
		"                         (default: the number of cores; 0: in this process,\n"
		"                         without isolation, for debugging)\n"
		"      --timeout SECONDS  wall-clock time per document (default 120)\n"
		"      --max-memory SIZE  memory per worker process (default 2G)\n"
		"      --no-sandbox       do not forbid files, network and exec in workers\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n",
		sila_prog());
}

/* Merges an extractor's warnings and status into the record header. */
static void merge(json_t *hdr, struct sila_text *t)
{
	json_t *w = json_object_get(hdr, "warnings");
	int old = sila_doc_status_parse(json_string_value(json_object_get(hdr, "status")));
	size_t i;
	json_t *v;

	if (json_array_size(t->warnings)) {
		if (!w) {
			w = json_array();
			json_object_set_new(hdr, "warnings", w);
		}
		json_array_foreach(t->warnings, i, v)
			json_array_append(w, v);
	}
	if ((int)t->status > old)
		json_object_set_new(hdr, "status", json_string(sila_doc_status_name(t->status)));
}

/* What the workers (or, with -j 0, this process) need to extract. */
struct job_ctx {
	struct sila_limits lim;
	struct sila_extractor *x;
	int ocr;
	const char *ocr_lang;
	int sandbox;
};

/* Starts a worker's extractor: libmagic, OCR, and what must load before the sandbox. */
static int init_worker(void *arg)
{
	struct job_ctx *jc = arg;
	char err[256];

	jc->x = sila_extractor_new(&jc->lim, err, sizeof(err));
	if (!jc->x || (jc->ocr && sila_extractor_ocr(jc->x, jc->ocr_lang, err, sizeof(err)) != SILA_OK)) {
		sila_error("%s", err);
		return -1;
	}
	if (jc->sandbox)
		sila_extractor_warm_up(jc->x);
	return 0;
}

/*
 * Fault injection for the tests (tests/e2e/isolation.sh), as git's
 * GIT_TEST_* variables: with SILA_TEST_FAULTS=1 in the environment, a
 * document holding SILA-TEST-CRASH, -HANG or -OOM makes the worker crash,
 * hang or exhaust its memory. Without the variable nothing happens.
 */
static void test_fault(const struct sila_record *rec)
{
	static int on = -1;
	const char *body = rec->body.data;

	if (on < 0)
		on = getenv("SILA_TEST_FAULTS") && strcmp(getenv("SILA_TEST_FAULTS"), "1") == 0;
	if (!on || !body)
		return;
	if (strstr(body, "SILA-TEST-CRASH"))
		raise(SIGSEGV);
	if (strstr(body, "SILA-TEST-HANG"))
		for (;;)
			pause();
	if (strstr(body, "SILA-TEST-OOM"))
		for (size_t n = (size_t)64 << 20;; n += (size_t)64 << 20) {
			char *p = malloc(n);

			if (!p)
				abort();
			memset(p, 1, n);
		}
}

/* Adds what extraction found (type, pages, metadata, labels, warnings, status) to a header. */
static void annotate(json_t *hdr, struct sila_text *t, const char *type)
{
	json_object_set_new(hdr, "type", json_string(type));
	if (t->pages)
		json_object_set_new(hdr, "pages", json_integer(t->pages));
	if (t->pages_ocr)
		json_object_set_new(hdr, "ocr_pages", json_integer(t->pages_ocr));
	if (t->meta.len) {
		int lossy;

		json_object_set_new(hdr, "metadata",
				    sila_json_lossy_string(t->meta.data, t->meta.len, &lossy));
	}
	if (json_array_size(t->labels))
		json_object_set(hdr, "labels", t->labels);
	merge(hdr, t);
}

/* Extracts one record's text and writes the resulting record to out. */
static void extract_record(void *arg, struct sila_record *rec, FILE *out)
{
	struct job_ctx *jc = arg;
	struct sila_text t;
	const char *type;

	test_fault(rec);
	sila_text_init(&t, jc->lim.max_text);
	if (rec->body_truncated) {
		sila_warn_add(t.warnings, "limit-exceeded", "file size limit reached (--max-file)");
		sila_text_status(&t, SILA_DOC_PARTIAL);
	}
	sila_extract(jc->x, rec->body.data ? rec->body.data : "", rec->body.len,
		     json_string_value(json_object_get(rec->hdr, "path")), &t, &type);
	annotate(rec->hdr, &t, type);
	sila_record_write(out, rec->hdr, t.buf.data ? t.buf.data : "", t.buf.len);
	sila_text_release(&t);
}

/* Writes a result in order, and says on stderr when a document could not be read. */
static int emit(void *arg, json_t *hdr, const char *body, size_t len)
{
	json_t *w;
	size_t i;

	(void)arg;
	json_array_foreach(json_object_get(hdr, "warnings"), i, w) {
		const char *code = json_string_value(json_object_get(w, "code"));

		if (code && strcmp(code, "extraction-failed") == 0) {
			sila_record_error(hdr, "%s", json_string_value(json_object_get(w, "message")));
			break;
		}
	}
	return sila_record_write(stdout, hdr, body, len) == SILA_OK ? SILA_OK : SILA_FATAL;
}

/*
 * An unlinked temporary file in $TMPDIR (or /tmp), for text whose length
 * is known only once it is all converted. NULL with errno set on failure.
 */
static FILE *temp_file(void)
{
	const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0) {
		/* A file system without O_TMPFILE: a named file, unlinked at once. */
		if (snprintf(path, sizeof(path), "%s/sila-XXXXXX", dir) >= (int)sizeof(path)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		if ((fd = mkstemp(path)) < 0)
			return NULL;
		unlink(path);
	}
	if (!(f = fdopen(fd, "w+")))
		close(fd);
	return f;
}

/* Where stream_converted writes: the temporary file, and how much went there. */
struct temp_sink {
	FILE *f;
	size_t len;
	int failed;
};

static int sink_temp(void *ctx, const char *s, size_t n)
{
	struct temp_sink *ts = ctx;

	if (fwrite(s, 1, n, ts->f) != n)
		ts->failed = 1;
	ts->len += n;
	return ts->failed ? SILA_FAILED : SILA_OK;
}

/*
 * Passes on a long plain text that is not UTF-8 without a byte order mark
 * (UTF-16, UTF-32, Windows-1252, or UTF-8 with a BOM) converted to UTF-8,
 * as sila_extract would convert it held whole. A record's length comes
 * before its body, and conversion changes the length, so the text goes
 * through an unlinked temporary file: memory stays at one chunk whatever
 * the size. Like all streamed text it is passed on whole, not cut at
 * --max-text. chunk holds the first n bytes read, and has room for size.
 */
static int stream_converted(struct sila_record *rec, const char *type,
			    const char *cs, size_t bom, char *chunk, size_t n, size_t size)
{
	struct temp_sink ts = { temp_file(), 0, 0 };
	struct sila_conv c;
	struct sila_text t;
	size_t have = n - bom, used;
	int replaced = 0, st = SILA_OK;

	sila_text_init(&t, 0);
	if (!ts.f || sila_conv_open(&c, cs) != SILA_OK) {
		sila_warn_add(t.warnings, "extraction-failed", "cannot convert the text from %s: %s",
			      cs, ts.f ? "no converter" : strerror(errno));
		sila_text_status(&t, SILA_DOC_ERROR);
		if (ts.f)
			fclose(ts.f);
		ts.f = NULL;
	}
	memmove(chunk, chunk + bom, have);
	for (;;) {
		int final = rec->body_pending == 0, r = SILA_OK;

		used = have;
		if (ts.f && !ts.failed)
			r = sila_conv_run(&c, chunk, have, final, sink_temp, &ts, final ? NULL : &used);
		replaced |= r == SILA_WARN;
		if (final)
			break;
		/* What was not converted (a character cut by the chunk's end) goes first. */
		memmove(chunk, chunk + used, have - used);
		have -= used;
		n = sila_record_body_read(stdin, rec, chunk + have, size - have);
		if (n == (size_t)-1) {
			st = SILA_FATAL;
			break;
		}
		have += n;
	}
	if (ts.f)
		sila_conv_close(&c);
	if (st == SILA_OK && ts.f && (ts.failed || fflush(ts.f) != 0 || fseek(ts.f, 0, SEEK_SET) != 0)) {
		sila_warn_add(t.warnings, "extraction-failed",
			      "cannot write the converted text to a temporary file: %s", strerror(errno));
		sila_text_status(&t, SILA_DOC_ERROR);
		fclose(ts.f);
		ts.f = NULL;
	}
	if (replaced)
		sila_warn_add(t.warnings, "extraction-failed",
			      "some bytes are not valid %s and were replaced by U+FFFD", cs);
	annotate(rec->hdr, &t, type);
	sila_text_release(&t);
	if (st != SILA_OK)
		goto out;
	if (!ts.f) {
		/* A record with status error has no body. */
		st = sila_record_write(stdout, rec->hdr, NULL, 0) == SILA_OK ? SILA_OK : SILA_FATAL;
		goto out;
	}
	if (sila_record_write_head(stdout, rec->hdr, ts.len) != SILA_OK)
		st = SILA_FATAL;
	for (size_t left = ts.len; st == SILA_OK && left;) {
		n = fread(chunk, 1, left < size ? left : size, ts.f);
		if (n == 0 || fwrite(chunk, 1, n, stdout) != n)
			st = SILA_FATAL;
		left -= n;
	}
out:
	if (ts.f)
		fclose(ts.f);
	return st;
}

/*
 * A document too large to hold (its body was left unread): plain text is
 * passed through in chunks, made valid UTF-8 without changing its length;
 * anything else is read up to --max-file and extracted as usual, with
 * limit-exceeded when it was longer. Returns SILA_OK, SILA_FATAL, or
 * SILA_WARN when rec now holds a body for the caller to extract.
 */
static int stream_large(struct job_ctx *jc, struct sila_extractor *sx, struct sila_record *rec)
{
	static char chunk[1 << 20];
	size_t n, carry = 0, total = rec->body_len;
	const char *type;

	n = sila_record_body_read(stdin, rec, chunk, 65536);
	if (n == (size_t)-1)
		return SILA_FATAL;
	if (sila_extract_streamable(sx, chunk, n, &type)) {
		size_t bom;
		const char *cs = sila_charset_detect(chunk, n, &bom);

		if (strcmp(cs, "UTF-8") != 0 || bom)
			return stream_converted(rec, type, cs, bom, chunk, n, sizeof(chunk));
		json_object_set_new(rec->hdr, "type", json_string(type));
		if (!json_object_get(rec->hdr, "status"))
			json_object_set_new(rec->hdr, "status", json_string("ok"));
		if (sila_record_write_head(stdout, rec->hdr, total) != SILA_OK)
			return SILA_FATAL;
		for (;;) {
			size_t have = carry + n, keep;

			keep = sila_utf8_sanitize(chunk, have, rec->body_pending == 0);
			if (fwrite(chunk, 1, have - keep, stdout) != have - keep)
				return SILA_FATAL;
			memmove(chunk, chunk + have - keep, keep);
			carry = keep;
			if (rec->body_pending == 0)
				return SILA_OK;
			n = sila_record_body_read(stdin, rec, chunk + carry, sizeof(chunk) - carry);
			if (n == (size_t)-1)
				return SILA_FATAL;
		}
	}
	/* Not text: parse what fits under --max-file. */
	sila_buf_reset(&rec->body);
	if (sila_buf_add(&rec->body, chunk, n) != SILA_OK)
		return SILA_FATAL;
	while (rec->body_pending && rec->body.len < jc->lim.max_file) {
		size_t want = jc->lim.max_file - rec->body.len;

		if (want > sizeof(chunk))
			want = sizeof(chunk);
		n = sila_record_body_read(stdin, rec, chunk, want);
		if (n == (size_t)-1 || sila_buf_add(&rec->body, chunk, n) != SILA_OK)
			return SILA_FATAL;
	}
	if (rec->body_pending) {
		json_t *w = json_object_get(rec->hdr, "warnings");

		if (!w) {
			w = json_array();
			json_object_set_new(rec->hdr, "warnings", w);
		}
		sila_warn_add(w, "limit-exceeded", "file size limit reached (--max-file)");
		json_object_set_new(rec->hdr, "status", json_string("partial"));
	}
	return SILA_WARN;
}

/*
 * Plain text longer than this whose text is its own bytes is passed on by
 * the supervisor itself, straight from the record it read.
 */
#define VERBATIM_MIN ((size_t)4 << 20)

/*
 * Passes a large plain-text document on as it is, when its text would be
 * its very bytes (sila_extract_verbatim): sending it to a worker meant
 * three copies of it alive at once (the worker's input and text, and the
 * result waiting here for its turn), 100 MiB for a 32 MiB file. The
 * header gets what extract_record would give it. Only valid UTF-8 reaches
 * libmagic here, outside the sandbox. Returns 1 when it passed the record
 * on, 0 when a worker is to extract it, -1 when writing failed.
 */
static int pass_verbatim(struct job_ctx *jc, struct sila_extractor *sx, struct sila_record *rec,
			 struct sila_pool *pool)
{
	struct sila_text t;
	const char *type;
	int st;

	if (!rec->has_body || rec->body_truncated || rec->body.len <= VERBATIM_MIN ||
	    !sila_extract_verbatim(sx, rec->body.data, rec->body.len, &type))
		return 0;
	/* Everything before it first, so the order holds. */
	if (pool && sila_pool_finish(pool) != SILA_OK)
		return -1;
	sila_text_init(&t, jc->lim.max_text);
	annotate(rec->hdr, &t, type);
	sila_text_release(&t);
	/* Written as the pool's results are, or as extract_record writes without one. */
	st = pool ? emit(jc, rec->hdr, rec->body.data, rec->body.len)
		  : sila_record_write(stdout, rec->hdr, rec->body.data, rec->body.len);
	return st == SILA_OK ? 1 : -1;
}

/* Reads the stream and extracts in this process, without workers (-j 0). */
static int run_inline(struct job_ctx *jc, struct sila_record *rec)
{
	int st;

	if (init_worker(jc) != 0)
		return SILA_FATAL;
	rec->stream_min = SILA_STREAM_MIN;
	while ((st = sila_record_read(stdin, rec)) == SILA_OK) {
		if (rec->body_pending) {
			int r = stream_large(jc, jc->x, rec);

			if (r == SILA_FATAL)
				return SILA_FATAL;
			if (r == SILA_OK)
				continue;
		}
		if (!rec->has_body) {
			if (emit(jc, rec->hdr, NULL, 0) != SILA_OK)
				return SILA_FATAL;
			continue;
		}
		switch (pass_verbatim(jc, jc->x, rec, NULL)) {
		case 1: continue;
		case -1: return SILA_FATAL;
		}
		extract_record(jc, rec, stdout);
	}
	return st;
}

/* Reads the stream and hands documents to the worker pool. */
static int run_pool(struct job_ctx *jc, const struct sila_pool_opts *po, struct sila_record *rec)
{
	char err[256];
	struct sila_pool *pool = sila_pool_new(po, init_worker, extract_record, emit, jc,
					       err, sizeof(err));
	struct sila_extractor *sx = NULL; /* this process's own, for streamed documents */
	int st;

	if (!pool) {
		sila_error("%s", err);
		return SILA_FATAL;
	}
	rec->stream_min = SILA_STREAM_MIN;
	while ((st = sila_record_read(stdin, rec)) == SILA_OK) {
		if (rec->body_pending) {
			int r;

			/* Everything before it first, so the order holds. */
			if (sila_pool_finish(pool) != SILA_OK)
				break;
			if (!sx && !(sx = sila_extractor_new(&jc->lim, err, sizeof(err)))) {
				sila_error("%s", err);
				break;
			}
			r = stream_large(jc, sx, rec);
			if (r == SILA_FATAL)
				break;
			if (r == SILA_OK)
				continue;
		}
		if (rec->has_body && rec->body.len > VERBATIM_MIN) {
			int r;

			if (!sx && !(sx = sila_extractor_new(&jc->lim, err, sizeof(err)))) {
				sila_error("%s", err);
				break;
			}
			r = pass_verbatim(jc, sx, rec, pool);
			if (r < 0)
				break;
			if (r > 0)
				continue;
		}
		if (sila_pool_submit(pool, rec->hdr, rec->body.data ? rec->body.data : "",
				     rec->body.len, !rec->has_body) != SILA_OK)
			break;
	}
	sila_extractor_free(sx);
	if (st == SILA_OK || sila_pool_finish(pool) != SILA_OK) {
		sila_error("%s", sila_pool_errmsg(pool));
		st = SILA_FATAL;
	}
	sila_pool_free(pool);
	return st;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-file", required_argument, NULL, 'F' },
		{ "max-text", required_argument, NULL, 'T' },
		{ "ocr", no_argument, NULL, 'O' },
		{ "ocr-lang", required_argument, NULL, 'L' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "no-sandbox", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char obuf[1 << 16];
	struct job_ctx jc = { .ocr_lang = "swe", .sandbox = 1 };
	struct sila_pool_opts po = { 0 };
	struct sila_record rec;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int c, st, ret = 0;
	size_t v;

	sila_cli_init(argv[0]);
	sila_limits_default(&jc.lim);
	po.timeout_ms = 120 * 1000;
	po.max_memory = (size_t)2 << 30;
	while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': case 'T': case 'M':
			if (sila_parse_size(optarg, &v) != 0 || v == 0)
				sila_die("invalid size '%s'", optarg);
			*(c == 'F' ? &jc.lim.max_file : c == 'T' ? &jc.lim.max_text : &po.max_memory) = v;
			break;
		case 'j': case 't':
			if (sila_parse_size(optarg, &v) != 0 || (c == 'j' ? v > 256 : v == 0 || v > 86400))
				sila_die("invalid %s '%s'", c == 'j' ? "number of jobs" : "timeout", optarg);
			if (c == 'j')
				jobs = (long)v;
			else
				po.timeout_ms = (unsigned)v * 1000;
			break;
		case 'O': jc.ocr = 1; break;
		case 'L': jc.ocr = 1; jc.ocr_lang = optarg; break;
		case 'S': jc.sandbox = 0; break;
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	sila_record_init(&rec, jc.lim.max_file);
	if (jobs <= 0 && jobs != 0)
		jobs = 1;
	po.workers = (unsigned)jobs;
	po.sandbox = jc.sandbox;
	po.max_input = jc.lim.max_file;
	po.max_body = jc.lim.max_text + ((size_t)1 << 20);
	st = jobs == 0 ? run_inline(&jc, &rec) : run_pool(&jc, &po, &rec);
	if (st == SILA_FATAL) {
		if (rec.err[0])
			sila_error("%s", rec.err);
		ret = 2;
	}
	sila_record_release(&rec);
	sila_extractor_free(jc.x);
	if (sila_close_stdout() != 0)
		ret = 2;
	return ret;
}
