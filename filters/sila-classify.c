/*
 * sila-classify - the last filter: findings in, the report out.
 *
 * Applies the policy (patterns/policy.conf) to each record from sila-scan
 * and writes one JSON line per file and archive member, in the output
 * contract's order (README, "Output"): the KLASSA level and its label, the
 * tags, the findings, the warnings including the leak warning, and the
 * trace. A container's level is at least its members' highest.
 *
 * Exit status: 0 nothing at or above the failing level, 1 something at or
 * above it, 2 an error or an input that could not be scanned.
 *
 * Records from sila-unpack --state with "cached" hold the stored lines of
 * an unchanged file, printed as they are. With --state FILE, the lines of
 * each file read (its members', then its own) are stored in one
 * transaction once its own line is written; a record with status
 * "deleted" becomes a line with level 0 and the file leaves the state.
 * With --progress-fd N, "done FILES BYTES" lines on that descriptor count
 * the files on disk finished, for the progress line of sila.
 *
 * Usage:   sila-classify [options] < records > report.jsonl
 * Example: sila-unpack share/ | sila-extract | sila-scan | sila-classify
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "classify.h"
#include "cli.h"
#include "names.h"
#include "policy.h"
#include "progress.h"
#include "record.h"
#include "rules.h"
#include "state.h"
#include "status.h"

/* What the result lines so far add up to, for the exit status. */
struct tally {
	int fail_level;
	int hit, bad;
};

static void tally_line(struct tally *t, const json_t *out)
{
	const char *status = json_string_value(json_object_get(out, "status"));

	if (status && (strcmp(status, "error") == 0 || strcmp(status, "unscannable") == 0))
		t->bad = 1;
	if (json_integer_value(json_object_get(out, "level")) >= t->fail_level)
		t->hit = 1;
}

/* Counts stored lines (an unchanged file's) in, one by one. */
static void tally_text(struct tally *t, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;
		json_t *line = len ? json_loadb(s, len, 0, NULL) : NULL;

		if (line)
			tally_line(t, line);
		json_decref(line);
		if (!nl)
			break;
		n -= len + 1;
		s = nl + 1;
	}
}

/* The bytes of a record's path: path_b64 decoded when there is one. */
static int path_bytes(const json_t *hdr, struct sila_buf *b)
{
	const char *b64 = json_string_value(json_object_get(hdr, "path_b64"));
	const json_t *path = json_object_get(hdr, "path");

	sila_buf_reset(b);
	if (b64)
		return sila_base64_decode(b64, b);
	if (!json_is_string(path))
		return SILA_FAILED;
	return sila_buf_add(b, json_string_value(path), json_string_length(path));
}

/* The line of a file gone since the last sweep: level 0, status "deleted". */
static json_t *deleted_line(struct sila_classifier *cl, const json_t *hdr)
{
	json_t *in = json_deep_copy(hdr), *out;

	if (!in)
		return NULL;
	json_object_del(in, "status");
	json_object_del(in, "findings");
	json_object_del(in, "tags");
	json_object_del(in, "warnings");
	out = sila_classify(cl, in);
	json_decref(in);
	if (out) {
		json_object_set_new(out, "status", json_string("deleted"));
		json_object_set_new(out, "warnings", json_array());
	}
	return out;
}

/* Progress for sila: files and bytes done, at most ten times a second. */
struct progress {
	FILE *f;
	unsigned long long files, bytes;
	double last;
};

static void progress_done(struct progress *p, const json_t *size, int final)
{
	double now;

	if (!p->f)
		return;
	p->files++;
	if (json_integer_value(size) > 0)
		p->bytes += (unsigned long long)json_integer_value(size);
	now = sila_progress_now();
	if (final || now - p->last >= 0.1) {
		p->last = now;
		fprintf(p->f, "done %llu %llu\n", p->files, p->bytes);
		fflush(p->f);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] < records\n"
		"Apply the classification policy and write one JSON line per file.\n"
		"\n"
		"      --rules DIR        rule set and policy.conf to use\n"
		"      --policy FILE      another policy file\n"
		"      --fail-level N     exit 1 when a result is at level N or above\n"
		"                         (default: the policy's, 2)\n"
		"      --state FILE       store each file's lines for the next sweep (SQLite)\n"
		"      --state-key TEXT   the other options that change results (as sila-unpack's)\n"
		"      --progress-fd N    write \"done FILES BYTES\" lines to descriptor N\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n",
		sila_prog());
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "fail-level", required_argument, NULL, 'f' },
		{ "state", required_argument, NULL, 's' },
		{ "state-key", required_argument, NULL, 'k' },
		{ "progress-fd", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char obuf[1 << 16];
	const char *rules_dir, *policy_path = NULL, *state_path = NULL, *state_opts = "";
	char err[1024], path[4096], key[SILA_SHA256_HEX];
	int c, st, fail_level = -1, ret, progress_fd = -1;
	struct sila_rules *rules;
	struct sila_policy *policy;
	struct sila_classifier *cl;
	struct sila_record rec;
	struct sila_state *state = NULL;
	struct sila_buf acc = SILA_BUF_INIT(0), pbuf = SILA_BUF_INIT(0);
	struct tally t = { 0, 0, 0 };
	struct progress prog = { NULL, 0, 0, 0 };

	sila_cli_init(argv[0]);
	rules_dir = NULL;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rules_dir = optarg; break;
		case 'p': policy_path = optarg; break;
		case 'f':
			if (optarg[0] < '0' || optarg[0] > '5' || optarg[1])
				sila_die("invalid level '%s' (use 0 to 5)", optarg);
			fail_level = optarg[0] - '0';
			break;
		case 's': state_path = optarg; break;
		case 'k': state_opts = optarg; break;
		case 'P': {
			char *end;
			long fd = strtol(optarg, &end, 10);

			if (*end || fd < 0 || fd > 1 << 20)
				sila_die("invalid descriptor '%s'", optarg);
			progress_fd = (int)fd;
			break;
		}
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	rules_dir = sila_rules_dir(rules_dir);
	rules = sila_rules_load(rules_dir, err, sizeof(err));
	if (!rules)
		sila_die("%s", err);
	if (!policy_path) {
		snprintf(path, sizeof(path), "%s/policy.conf", rules_dir);
		policy_path = path;
	}
	policy = sila_policy_load(policy_path, err, sizeof(err));
	if (!policy)
		sila_die("%s", err);
	if (fail_level < 0)
		fail_level = policy->fail_level;
	cl = sila_classifier_new(policy, rules);
	if (!cl)
		sila_die("out of memory");
	t.fail_level = fail_level;
	if (state_path) {
		sila_state_key(rules->hash, policy->hash, state_opts, key);
		if (!(state = sila_state_open(state_path, err, sizeof(err))))
			sila_die("'%s': %s", state_path, err);
	}
	if (progress_fd >= 0 && !(prog.f = fdopen(progress_fd, "w")))
		sila_die("cannot write progress to descriptor %d", progress_fd);
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	sila_record_init(&rec, 0);
	while ((st = sila_record_read(stdin, &rec)) == SILA_OK) {
		const json_t *cached = json_object_get(rec.hdr, "cached"), *stat;
		const char *status = json_string_value(json_object_get(rec.hdr, "status"));
		int top = !json_object_get(rec.hdr, "member");
		json_t *out;
		char *text;

		/* An unchanged file: its stored lines, as they were. */
		if (json_is_string(cached)) {
			if (fwrite(json_string_value(cached), 1, json_string_length(cached), stdout) !=
			    json_string_length(cached)) {
				st = SILA_FAILED;
				break;
			}
			tally_text(&t, json_string_value(cached), json_string_length(cached));
			progress_done(&prog, json_object_get(rec.hdr, "size"), 0);
			continue;
		}
		if (status && strcmp(status, "deleted") == 0)
			out = deleted_line(cl, rec.hdr);
		else
			out = sila_classify(cl, rec.hdr);
		if (!out || !(text = json_dumps(out, JSON_COMPACT)))
			sila_die("out of memory");
		tally_line(&t, out);
		json_decref(out);
		st = fputs(text, stdout) == EOF || putchar('\n') == EOF ? SILA_FAILED : SILA_OK;
		if (st == SILA_OK && state && status && strcmp(status, "deleted") == 0) {
			/* Printed first, removed after: a sweep killed between says it again. */
			if (fflush(stdout) != 0)
				st = SILA_FAILED;
			else if (path_bytes(rec.hdr, &pbuf) == SILA_OK &&
				 sila_state_remove(state, pbuf.data, pbuf.len) != SILA_OK)
				sila_die("'%s': %s", state_path, sila_state_errmsg(state));
		} else if (st == SILA_OK && state) {
			if (sila_buf_add(&acc, text, strlen(text)) != SILA_OK ||
			    sila_buf_add(&acc, "\n", 1) != SILA_OK)
				sila_die("out of memory");
			stat = json_object_get(rec.hdr, "stat");
			/*
			 * A file's own line ends its lines: stored once they are
			 * all on their way out, so the state never holds a result
			 * the report lacks. A file that could not be read is read
			 * again next time.
			 */
			if (top && json_is_object(stat) && !(status && strcmp(status, "error") == 0)) {
				struct sila_fingerprint fp = {
					json_integer_value(json_object_get(stat, "size")),
					json_integer_value(json_object_get(stat, "mtime_ns")),
					json_integer_value(json_object_get(stat, "ino"))
				};

				if (fflush(stdout) != 0)
					st = SILA_FAILED;
				else if (path_bytes(rec.hdr, &pbuf) == SILA_OK &&
					 sila_state_store(state, pbuf.data, pbuf.len, &fp, key,
							  acc.data, acc.len) != SILA_OK)
					sila_die("'%s': %s", state_path, sila_state_errmsg(state));
			}
		}
		free(text);
		if (top) {
			sila_buf_reset(&acc);
			if (!(status && strcmp(status, "deleted") == 0))
				progress_done(&prog, json_object_get(rec.hdr, "size"), 0);
		}
		if (st != SILA_OK)
			break;
	}
	if (prog.f) {
		prog.files--;
		progress_done(&prog, NULL, 1);
		fclose(prog.f);
	}
	if (st == SILA_FATAL) {
		sila_error("%s", rec.err);
		t.bad = 1;
	}
	sila_record_release(&rec);
	sila_buf_release(&acc);
	sila_buf_release(&pbuf);
	sila_state_close(state);
	sila_classifier_free(cl);
	sila_policy_free(policy);
	sila_rules_free(rules);
	ret = sila_close_stdout();
	if (ret || t.bad)
		return 2;
	return t.hit ? 1 : 0;
}
