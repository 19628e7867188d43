/*
 * sila-unpack - the first filter: paths in, one record per file out.
 *
 * Walks the files and directories named as arguments (or, without
 * arguments, one path per line on standard input; NUL-separated with -0),
 * expands archives in memory and writes the record stream
 * (docs/record-stream.md): a record per regular file and archive member,
 * with the bytes as its body, and a body-less record per container after
 * its members. Container files are expanded in a child process limited
 * in memory and time and sandboxed, started once and kept, so a parser
 * that crashes or hangs on one costs that file only. Paths read from
 * standard input get their records out before the next path is waited for.
 *
 * With --state FILE (docs/sweeps.md), a regular file whose size,
 * modification time and inode and whose rule set are those stored in the
 * state is not read: its stored result lines pass down the chain in a
 * body-less record {"path":…,"size":…,"cached":"LINES"} that sila-classify
 * prints as they are. A file that is read carries "stat" (its fingerprint)
 * so that sila-classify can store its lines. After walking the paths given
 * as arguments, the stored files under them that were not seen are
 * reported in records with status "deleted".
 *
 * Usage:   sila-unpack [options] [PATH...]
 * Example: sila-unpack ~/share | sila-extract | sila-scan | sila-classify
 */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "limit.h"
#include "names.h"
#include "policy.h"
#include "record.h"
#include "rules.h"
#include "state.h"
#include "status.h"
#include "unpack.h"

static int had_error;

/* A list of strings, kept sorted once complete. */
struct strlist {
	char **v;
	size_t n, alloc;
};

/* What --state needs while walking. */
struct sweep {
	struct sila_state *state;   /* NULL: no --state */
	char key[SILA_SHA256_HEX];  /* the rule set's and options' key */
	int changed_only;           /* leave unchanged files out */
	unsigned shard, nshards;
	struct strlist seen;        /* the regular files walked */
	struct strlist deleted;     /* stored files not seen */
	size_t read, reused, ndeleted;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] [PATH...]\n"
		"Walk files and directories, expand archives in memory, and write one\n"
		"record per file and archive member (the sila record stream).\n"
		"Without PATH, read paths from standard input, one per line.\n"
		"\n"
		"  -0, --null             paths on standard input are NUL-separated\n"
		"      --max-file SIZE    bytes read of one file or member (default 256M)\n"
		"      --max-depth N      archives nested in archives (default %u)\n"
		"      --max-members N    members expanded from one archive (default %zu)\n"
		"      --max-expanded SIZE bytes expanded from one file in all (default 4G)\n"
		"      --max-ratio N      expanded bytes per byte of the file, past 64M (default %u)\n"
		"      --timeout SECONDS  wall-clock time to expand one container file (default %u)\n"
		"      --max-memory SIZE  memory of the process expanding one container (default 2G)\n"
		"      --no-sandbox       expand containers in this process, unisolated (debugging)\n"
		"      --state FILE       pass on the stored results of unchanged files (SQLite)\n"
		"      --changed-only     with --state, leave unchanged files out\n"
		"      --rules DIR        with --state, the rule set results are judged by\n"
		"      --policy FILE      with --state, the policy results are judged by\n"
		"      --state-key TEXT   with --state, the other options that change results\n"
		"      --shard I/N        walk only shard I of N (by a hash of each path)\n"
		"  -v, --verbose          say how many files were read and reused\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n",
		sila_prog(), SILA_MAX_DEPTH_DEFAULT, SILA_MAX_MEMBERS_DEFAULT, SILA_MAX_RATIO_DEFAULT,
		SILA_TIMEOUT_DEFAULT);
}

/* Writes one record; an error record is also reported on stderr. */
static int emit(void *ctx, json_t *hdr, const void *body, size_t len)
{
	const char *status = json_string_value(json_object_get(hdr, "status"));

	(void)ctx;
	if (status && strcmp(status, "error") == 0) {
		json_t *w = json_array_get(json_object_get(hdr, "warnings"), 0);

		had_error = 1;
		sila_path_error(json_string_value(json_object_get(hdr, "path")), "%s",
				json_string_value(json_object_get(w, "message")));
	}
	return sila_record_write(stdout, hdr, body, len) == SILA_OK ? SILA_OK : SILA_FATAL;
}

/* A streamed file's header, then its body in chunks. */
static int emit_head(void *ctx, json_t *hdr, size_t len)
{
	(void)ctx;
	return sila_record_write_head(stdout, hdr, len) == SILA_OK ? SILA_OK : SILA_FATAL;
}

static int emit_body(void *ctx, const void *chunk, size_t len)
{
	(void)ctx;
	return fwrite(chunk, 1, len, stdout) == len ? SILA_OK : SILA_FATAL;
}

static int push(struct strlist *l, const char *s, size_t n)
{
	char *c;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 1024;
		char **p = realloc(l->v, na * sizeof(*p));

		if (!p)
			return SILA_FATAL;
		l->v = p;
		l->alloc = na;
	}
	if (!(c = malloc(n + 1)))
		return SILA_FATAL;
	memcpy(c, s, n);
	c[n] = '\0';
	l->v[l->n++] = c;
	return SILA_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/*
 * Before a regular file is read: an unchanged one is passed on from the
 * state, a changed one gets its fingerprint to be stored by sila-classify.
 */
static int on_file(void *ctx, json_t *hdr, const char *path, const struct stat *st)
{
	struct sweep *sw = ctx;
	struct sila_fingerprint fp = {
		(long long)st->st_size,
		(long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
		(long long)st->st_ino
	};
	char *lines = NULL;
	int r;
	json_t *stat;

	if (!sw->state)
		return SILA_FILE_READ;
	if (push(&sw->seen, path, strlen(path)) != SILA_OK)
		return SILA_FATAL;
	r = sila_state_lookup(sw->state, path, strlen(path), &fp, sw->key, &lines);
	if (r == SILA_FATAL) {
		sila_path_error(path, "%s", sila_state_errmsg(sw->state));
		return SILA_FATAL;
	}
	if (r == SILA_OK) {
		sw->reused++;
		json_object_set_new(hdr, "size", json_integer(fp.size));
		json_object_set_new(hdr, "cached", json_string(sw->changed_only ? "" : lines));
		free(lines);
		return emit(NULL, hdr, NULL, 0) == SILA_OK ? SILA_FILE_DONE : SILA_FATAL;
	}
	sw->read++;
	stat = json_object();
	json_object_set_new(stat, "size", json_integer(fp.size));
	json_object_set_new(stat, "mtime_ns", json_integer(fp.mtime_ns));
	json_object_set_new(stat, "ino", json_integer(fp.ino));
	json_object_set_new(hdr, "stat", stat);
	return SILA_FILE_READ;
}

/* Notes a stored path under a walked root that the walk did not see. */
static int on_stored(void *ctx, const char *path, size_t len, const char *lines)
{
	struct sweep *sw = ctx;
	char *key, *entry;
	const char *last;
	size_t n;
	json_t *line, *keep;
	int r;

	if (memchr(path, '\0', len))
		return SILA_OK;
	if (sw->nshards && sila_shard_of(path, len, sw->nshards) != sw->shard)
		return SILA_OK;
	key = strndup(path, len);
	if (!key)
		return SILA_FATAL;
	if (bsearch(&key, sw->seen.v, sw->seen.n, sizeof(char *), cmp_str)) {
		free(key);
		return SILA_OK;
	}
	free(key);
	/*
	 * The entry is the path, a NUL, and the type, size and SHA-256 of the
	 * file's own (last) stored line, so that entries sort by path.
	 */
	n = strlen(lines);
	while (n && lines[n - 1] == '\n')
		n--;
	for (last = lines + n; last > lines && last[-1] != '\n'; last--)
		;
	line = json_loadb(last, n - (size_t)(last - lines), 0, NULL);
	keep = json_object();
	for (const char *const *f = (const char *const[]){ "type", "size", "sha256", NULL }; *f; f++)
		if (json_object_get(line, *f))
			json_object_set(keep, *f, json_object_get(line, *f));
	key = json_dumps(keep, JSON_COMPACT);
	json_decref(line);
	json_decref(keep);
	if (!key)
		return SILA_FATAL;
	entry = malloc(len + 1 + strlen(key) + 1);
	if (!entry) {
		free(key);
		return SILA_FATAL;
	}
	memcpy(entry, path, len);
	entry[len] = '\0';
	memcpy(entry + len + 1, key, strlen(key) + 1);
	r = push(&sw->deleted, entry, len + 1 + strlen(key));
	free(entry);
	free(key);
	return r;
}

/*
 * Emits a record with status "deleted" for each stored file under the
 * roots that this walk did not see; sila-classify turns it into the
 * file's last line and removes it from the state.
 */
static int report_deleted(struct sweep *sw, char **roots, int nroots)
{
	if (sw->seen.n)
		qsort(sw->seen.v, sw->seen.n, sizeof(char *), cmp_str);
	for (int i = 0; i < nroots; i++) {
		struct stat st;

		/* A root that is missing (an unmounted share) deletes nothing. */
		if (stat(roots[i], &st) != 0)
			continue;
		if (sila_state_each_under(sw->state, roots[i], strlen(roots[i]), on_stored, sw) != SILA_OK) {
			sila_path_error(roots[i], "%s", sila_state_errmsg(sw->state));
			return SILA_FATAL;
		}
	}
	if (sw->deleted.n)
		qsort(sw->deleted.v, sw->deleted.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < sw->deleted.n; i++) {
		json_t *hdr;

		if (i && strcmp(sw->deleted.v[i], sw->deleted.v[i - 1]) == 0)
			continue;
		hdr = json_object();
		if (!hdr || sila_json_set_name(hdr, "path", sw->deleted.v[i],
					       strlen(sw->deleted.v[i])) != SILA_OK) {
			json_decref(hdr);
			return SILA_FATAL;
		}
		{
			const char *p = sw->deleted.v[i];
			json_t *keep = json_loads(p + strlen(p) + 1, 0, NULL);

			if (keep)
				json_object_update(hdr, keep);
			json_decref(keep);
		}
		json_object_set_new(hdr, "status", json_string("deleted"));
		sw->ndeleted++;
		if (emit(NULL, hdr, NULL, 0) != SILA_OK) {
			json_decref(hdr);
			return SILA_FATAL;
		}
		json_decref(hdr);
	}
	return SILA_OK;
}

/* Reads paths from stdin, separated by sep, and unpacks each. */
static int paths_from_stdin(struct sila_unpack *u, int sep)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = SILA_OK;

	for (;;) {
		struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };

		/* Before waiting for the next path, the records so far go out. */
		if (poll(&pfd, 1, 0) == 0 && fflush(stdout) != 0)
			break;
		if ((n = getdelim(&line, &cap, sep, stdin)) <= 0)
			break;
		if (line[n - 1] == sep)
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((ret = sila_unpack_path(u, line)) == SILA_FATAL)
			break;
	}
	free(line);
	if (ferror(stdin)) {
		sila_error("cannot read paths from standard input");
		had_error = 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "null", no_argument, NULL, '0' },
		{ "max-file", required_argument, NULL, 'F' },
		{ "max-depth", required_argument, NULL, 'D' },
		{ "max-members", required_argument, NULL, 'M' },
		{ "max-expanded", required_argument, NULL, 'E' },
		{ "max-ratio", required_argument, NULL, 'R' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-memory", required_argument, NULL, 'm' },
		{ "no-sandbox", no_argument, NULL, 'S' },
		{ "state", required_argument, NULL, 's' },
		{ "changed-only", no_argument, NULL, 'C' },
		{ "rules", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "state-key", required_argument, NULL, 'k' },
		{ "shard", required_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct sweep sw;
	struct sila_limits lim;
	struct sila_unpack *u;
	int c, sep = '\n', ret = SILA_OK, status, isolate = 1, verbose = 0;
	const char *state_path = NULL, *rules_opt = NULL, *policy_opt = NULL, *state_opts = "";
	size_t v;

	sila_cli_init(argv[0]);
	sila_limits_default(&lim);
	while ((c = getopt_long(argc, argv, "0hv", longopts, NULL)) != -1) {
		switch (c) {
		case '0': sep = '\0'; break;
		case 'F': case 'D': case 'M': case 'E': case 'R': case 't': case 'm':
			if (sila_parse_size(optarg, &v) != 0 || v == 0)
				sila_die("invalid size '%s'", optarg);
			if (c == 'F') lim.max_file = v;
			else if (c == 'D') lim.max_depth = v > 1000 ? 1000 : (unsigned)v;
			else if (c == 'M') lim.max_members = v;
			else if (c == 'E') lim.max_expanded = v;
			else if (c == 'R') lim.max_ratio = v > 1000000000 ? 1000000000 : (unsigned)v;
			else if (c == 't') lim.timeout_s = v > 86400 ? 86400 : (unsigned)v;
			else lim.max_memory = v;
			break;
		case 'S': isolate = 0; break;
		case 's': state_path = optarg; break;
		case 'C': sw.changed_only = 1; break;
		case 'r': rules_opt = optarg; break;
		case 'p': policy_opt = optarg; break;
		case 'k': state_opts = optarg; break;
		case 'v': verbose = 1; break;
		case 'H': {
			char end;

			if (sscanf(optarg, "%u/%u%c", &sw.shard, &sw.nshards, &end) != 2 ||
			    sw.nshards == 0 || sw.shard == 0 || sw.shard > sw.nshards)
				sila_die("invalid shard '%s' (use I/N, 1 <= I <= N)", optarg);
			break;
		}
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	u = sila_unpack_new(&lim, emit, NULL);
	if (!u)
		sila_die("out of memory");
	sila_unpack_isolate(u, isolate);
	sila_unpack_streaming(u, emit_head, emit_body);
	if (sw.nshards)
		sila_unpack_shard(u, sw.shard, sw.nshards);
	if (state_path) {
		char err[1024], ppath[4096];
		const char *dir = sila_rules_dir(rules_opt);
		struct sila_rules *rules = sila_rules_load(dir, err, sizeof(err));
		struct sila_policy *policy;

		if (!rules)
			sila_die("%s", err);
		if (!policy_opt) {
			snprintf(ppath, sizeof(ppath), "%s/policy.conf", dir);
			policy_opt = ppath;
		}
		if (!(policy = sila_policy_load(policy_opt, err, sizeof(err))))
			sila_die("%s", err);
		sila_state_key(rules->hash, policy->hash, state_opts, sw.key);
		sila_policy_free(policy);
		sila_rules_free(rules);
		if (!(sw.state = sila_state_open(state_path, err, sizeof(err))))
			sila_die("'%s': %s", state_path, err);
		sila_unpack_on_file(u, on_file, &sw);
	}
	if (optind == argc)
		ret = paths_from_stdin(u, sep);
	for (int i = optind; i < argc && ret != SILA_FATAL; i++)
		ret = sila_unpack_path(u, argv[i]);
	if (ret == SILA_FATAL)
		sila_error("%s", sila_unpack_errmsg(u));
	else if (sw.state && optind < argc && report_deleted(&sw, argv + optind, argc - optind) != SILA_OK)
		ret = SILA_FATAL;
	if (verbose && sw.state)
		fprintf(stderr, "%s: %zu files read, %zu reused from the state, %zu deleted\n",
			sila_prog(), sw.read, sw.reused, sw.ndeleted);
	sila_state_close(sw.state);
	strlist_free(&sw.seen);
	strlist_free(&sw.deleted);
	sila_unpack_free(u);
	status = sila_close_stdout();
	if (ret == SILA_FATAL || had_error)
		return 2;
	return status;
}
