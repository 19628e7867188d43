/*
 * report.c - aggregating sila's JSON lines and writing the HTML report.
 *
 * Each line is parsed with jansson, checked for the fields the report
 * needs (path, level) and folded into running totals, a tree of folders
 * and archives, and one bounded heap per table of documents that need
 * attention. Nothing per line is kept beyond those heaps, so memory
 * depends on the number of folders (capped), not on the length of the
 * input. The page is written at the end from the aggregates alone.
 *
 * Finding values are never looked at: only "rule" and "count" are read
 * from a finding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "names.h"
#include "report.h"
#include "status.h"

#define NONE UINT32_MAX
#define ROOT 0

#define DEFAULT_MAX_NODES 50000
#define DEFAULT_MAX_DEPTH 64
#define DEFAULT_MAX_ROWS 1000
#define DEFAULT_MAX_PROBLEMS 100

#define MAX_TAGS 64       /* distinct tags counted by name */
#define MAX_CODES 64      /* distinct warning codes counted by name */
#define MAX_RULES 256     /* distinct rules counted by name */
#define MAX_STATUSES 8    /* distinct statuses counted by name */
#define MAX_TRACES 16     /* distinct (version, rules, policy) triples */
#define MAX_INPUTS 50     /* inputs listed by name */
#define MAX_NAME 200      /* bytes kept of a tag, code, rule, status or label */
#define MAX_WHERE 2000    /* bytes kept of a document's path and members */
#define MAX_MESSAGE 400   /* bytes kept of one warning message */
#define MAX_ROW_WARNINGS 8  /* warnings shown per document */
#define MAX_ROW_RULES 8     /* rules shown per document */
#define MAX_REASON 200
#define MAX_REPAIR (256UL << 20) /* bytes of a line that is not UTF-8, once repaired */

#define SEP " \xe2\x80\xba "     /* " › " between a path and its members */
#define ELLIPSIS "\xe2\x80\xa6"  /* "…" where a string was cut */
#define NNBSP "\xe2\x80\xaf"     /* narrow no-break space, between thousands */

struct node {
	char *name;
	size_t len;
	uint32_t parent, child, next; /* tree links; NONE when absent */
	char format[16];              /* an archive's container format, once known */
	struct sila_report_counts c;  /* this node and everything below it */
};

/* Documents per name (a tag, a code, a rule, a status), counted once per document. */
struct tally {
	char *name;
	unsigned long long files, members; /* documents */
	unsigned long long occurrences;    /* rules: the sum of the findings' counts */
	unsigned long long seq;            /* the last document counted */
	unsigned long long cur;            /* rules: occurrences in that document */
};

struct tallies {
	struct tally *v;
	size_t n, max;
	struct tally other; /* names past max, together */
};

struct warn {
	char *code, *msg;
};

/* A rule found in a document, and how often. */
struct hit {
	char *rule;
	unsigned long long n;
};

struct row {
	unsigned long long seq;
	int level;
	char status[24];
	char *where;    /* path › member › ... */
	struct warn warn[MAX_ROW_WARNINGS];
	size_t nwarn, more_warn;
	struct hit hit[MAX_ROW_RULES];
	size_t nhit, more_hit;
};

/* A min-heap whose root is the least worthy row: lowest level, then latest. */
struct table {
	struct row *heap;
	size_t n;
	unsigned long long total;
};

struct trace {
	char *version, *rules, *policy;
	unsigned long long n;
};

struct input {
	char *name, *reason;
};

struct sila_report {
	struct sila_report_limits lim;
	struct node *node;
	size_t nnodes, anodes;
	uint32_t *hash; /* node indices by (parent, name); NONE when free */
	size_t hcap;
	unsigned long long folded; /* documents counted higher up for a cap */

	char *label[SILA_REPORT_LEVELS];
	char deflabel[SILA_REPORT_LEVELS][4]; /* "K0" ... "K4" */
	struct tallies tags, codes, rules, statuses;
	struct table table[SILA_REPORT_NTABLES];

	struct trace trace[MAX_TRACES];
	size_t ntrace;
	unsigned long long trace_other, no_trace;
	char scanned_min[40], scanned_max[40];

	struct input input[MAX_INPUTS];
	size_t ninput;
	unsigned long long inputs, unreadable;

	char **problem;
	size_t nproblem;
	unsigned long long malformed;

	unsigned long long lines, docs, repaired, seq;
	struct sila_buf tmp;
};

/* The in-progress walk of one document's path down the tree. */
struct walk {
	uint32_t at;      /* the node reached so far */
	size_t depth;
	int create;       /* make missing nodes (else stop at the first) */
	int stopped;      /* a node was missing, or a cap was reached */
};

/* ---- small helpers ---- */

/* A copy of at most max bytes of s (n bytes), cut at a UTF-8 boundary and marked with "…". */
static char *dup_capped(const char *s, size_t n, size_t max)
{
	size_t keep = n, extra = 0;
	char *p;

	if (n > max) {
		keep = max;
		while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
			keep--;
		extra = sizeof(ELLIPSIS) - 1;
	}
	p = malloc(keep + extra + 1);
	if (!p)
		return NULL;
	memcpy(p, s, keep);
	memcpy(p + keep, ELLIPSIS, extra);
	p[keep + extra] = '\0';
	return p;
}

/* Copies s into a fixed array of size bytes, cut at a UTF-8 boundary. */
static void copy_fixed(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static const char *jstring(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int has_code(const json_t *warnings, const char *code)
{
	size_t i;
	const json_t *w;

	json_array_foreach(warnings, i, w) {
		const char *c = jstring(w, "code");

		if (c && strcmp(c, code) == 0)
			return 1;
	}
	return 0;
}

static int bad_status(const char *s)
{
	return s && (strcmp(s, "unscannable") == 0 || strcmp(s, "error") == 0);
}

static int max_level(const struct sila_report_counts *c)
{
	for (int l = SILA_REPORT_LEVELS - 1; l >= 0; l--)
		if (c->files[l] || c->members[l])
			return l;
	return -1;
}

/* ---- the tree ---- */

static uint64_t hash_key(uint32_t parent, const char *name, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ parent;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 29;
	return h;
}

/* The slot of (parent, name) in the hash: its node, or the free slot where it would go. */
static size_t hash_slot(const struct sila_report *r, uint32_t parent, const char *name, size_t n)
{
	size_t mask = r->hcap - 1, i = (size_t)hash_key(parent, name, n) & mask;

	for (;;) {
		uint32_t k = r->hash[i];

		if (k == NONE)
			return i;
		if (r->node[k].parent == parent && r->node[k].len == n &&
		    memcmp(r->node[k].name, name, n) == 0)
			return i;
		i = (i + 1) & mask;
	}
}

/* Doubles the hash table, keeping it at most half full. SILA_OK or SILA_FATAL. */
static int hash_grow(struct sila_report *r)
{
	size_t ncap = r->hcap ? r->hcap * 2 : 1024;
	uint32_t *old = r->hash;
	size_t ocap = r->hcap;

	r->hash = malloc(ncap * sizeof(*r->hash));
	if (!r->hash) {
		r->hash = old;
		return SILA_FATAL;
	}
	for (size_t i = 0; i < ncap; i++)
		r->hash[i] = NONE;
	r->hcap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		uint32_t k = old[i];

		if (k != NONE) {
			const struct node *nd = &r->node[k];

			r->hash[hash_slot(r, nd->parent, nd->name, nd->len)] = k;
		}
	}
	free(old);
	return SILA_OK;
}

/* Appends a node; returns its index, or NONE when memory is short. */
static uint32_t node_add(struct sila_report *r, uint32_t parent, const char *name, size_t n,
			 int kind)
{
	struct node *nd;

	if (r->nnodes == r->anodes) {
		size_t na = r->anodes ? r->anodes * 2 : 256;
		struct node *p = realloc(r->node, na * sizeof(*p));

		if (!p)
			return NONE;
		r->node = p;
		r->anodes = na;
	}
	nd = &r->node[r->nnodes];
	memset(nd, 0, sizeof(*nd));
	nd->name = malloc(n + 1);
	if (!nd->name)
		return NONE;
	memcpy(nd->name, name, n);
	nd->name[n] = '\0';
	nd->len = n;
	nd->parent = parent;
	nd->child = NONE;
	nd->next = NONE;
	nd->c.kind = kind;
	nd->c.max_level = -1;
	if (parent != NONE) {
		nd->next = r->node[parent].child;
		r->node[parent].child = (uint32_t)r->nnodes;
	}
	return (uint32_t)r->nnodes++;
}

/*
 * Moves the walk down to the child name (n bytes) of the node it is at,
 * making it (of kind) when the walk creates and the caps allow. When the
 * child cannot be had the walk stops where it is: a document is then
 * counted in the deepest node it reached. SILA_OK or SILA_FATAL.
 */
static int descend(struct sila_report *r, struct walk *w, const char *name, size_t n, int kind)
{
	size_t slot;
	uint32_t k;

	if (w->stopped)
		return SILA_OK;
	if (w->depth >= r->lim.max_depth) {
		w->stopped = 1;
		return SILA_OK;
	}
	slot = hash_slot(r, w->at, name, n);
	k = r->hash[slot];
	if (k == NONE) {
		if (!w->create || r->nnodes > r->lim.max_nodes) {
			w->stopped = 1;
			return SILA_OK;
		}
		if ((r->nnodes + 1) * 2 > r->hcap) {
			if (hash_grow(r) != SILA_OK)
				return SILA_FATAL;
			slot = hash_slot(r, w->at, name, n);
		}
		k = node_add(r, w->at, name, n, kind);
		if (k == NONE)
			return SILA_FATAL;
		r->hash[slot] = k;
	}
	w->at = k;
	w->depth++;
	return SILA_OK;
}

/*
 * Walks the components of a '/'-separated name of n bytes: empty ones and
 * "." are skipped, and a leading '/' is a component of its own, so that
 * absolute paths gather under "/". Every component but the last is a
 * folder; the last is descended into as last_kind, or left alone (it is
 * the document itself) when last_kind is -1.
 */
static int walk_name(struct sila_report *r, struct walk *w, const char *s, size_t n,
		     int last_kind)
{
	const char *pend = NULL;
	size_t plen = 0, i = 0;

	if (n && s[0] == '/') {
		pend = "/";
		plen = 1;
	}
	while (i < n) {
		size_t j = i;

		while (j < n && s[j] != '/')
			j++;
		if (j > i && !(j - i == 1 && s[i] == '.')) {
			if (pend && descend(r, w, pend, plen, SILA_REPORT_FOLDER) != SILA_OK)
				return SILA_FATAL;
			pend = s + i;
			plen = j - i;
		}
		i = j + 1;
	}
	if (pend && last_kind >= 0)
		return descend(r, w, pend, plen, last_kind);
	return SILA_OK;
}

/*
 * Walks a document's place in the tree: the folders of its path and, for a
 * member, its container and the folders and containers inside it. With
 * upto_container, the walk ends at the node of the container the document
 * itself is (for a container's own line). SILA_OK or SILA_FATAL.
 */
static int walk_doc(struct sila_report *r, struct walk *w, const json_t *path,
		    const json_t *member, int upto_container)
{
	size_t nm = json_array_size(member);

	if (walk_name(r, w, json_string_value(path), json_string_length(path),
		      nm || upto_container ? SILA_REPORT_ARCHIVE : -1) != SILA_OK)
		return SILA_FATAL;
	for (size_t i = 0; i < nm; i++) {
		const json_t *m = json_array_get(member, i);
		int last = i + 1 < nm || upto_container ? SILA_REPORT_ARCHIVE : -1;

		if (walk_name(r, w, json_string_value(m), json_string_length(m), last) != SILA_OK)
			return SILA_FATAL;
	}
	return SILA_OK;
}

/* Counts a document in the node the walk reached and in all above it. */
static void count_doc(struct sila_report *r, uint32_t at, int level, int is_member, int leak,
		      int bad)
{
	for (uint32_t k = at; k != NONE; k = r->node[k].parent) {
		struct sila_report_counts *c = &r->node[k].c;

		if (is_member)
			c->members[level]++;
		else
			c->files[level]++;
		c->leaks += (unsigned)leak;
		c->bad += (unsigned)bad;
	}
}

/* ---- totals by name ---- */

/*
 * The entry for name in s, made when new and s has room, else s->other
 * (as for a name longer than MAX_NAME). NULL when memory is short.
 */
static struct tally *tally_get(struct tallies *s, const char *name)
{
	struct tally *e;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	if (s->n >= s->max || strlen(name) > MAX_NAME)
		return &s->other;
	if (!s->v) {
		s->v = calloc(s->max, sizeof(*s->v));
		if (!s->v)
			return NULL;
	}
	e = &s->v[s->n];
	e->name = strdup(name);
	if (!e->name)
		return NULL;
	s->n++;
	return e;
}

/*
 * Counts document seq (a file or a member) once under name, adding
 * occurrences. Returns the entry, or NULL when memory is short.
 */
static struct tally *tally_hit(struct tallies *s, const char *name, unsigned long long seq,
			     int is_member, unsigned long long occurrences)
{
	struct tally *e = tally_get(s, name);

	if (!e)
		return NULL;
	if (e->seq != seq) {
		e->seq = seq;
		e->cur = 0;
		if (is_member)
			e->members++;
		else
			e->files++;
	}
	e->cur += occurrences;
	e->occurrences += occurrences;
	return e;
}

static void tallies_release(struct tallies *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
}

/* ---- tables of documents ---- */

static void row_release(struct row *w)
{
	free(w->where);
	for (size_t i = 0; i < w->nwarn; i++) {
		free(w->warn[i].code);
		free(w->warn[i].msg);
	}
	for (size_t i = 0; i < w->nhit; i++)
		free(w->hit[i].rule);
}

/* Whether row a is less worthy of a place than row b: a lower level, or later. */
static int row_less(const struct row *a, const struct row *b)
{
	return a->level < b->level || (a->level == b->level && a->seq > b->seq);
}

static void heap_swap(struct row *h, size_t i, size_t j)
{
	struct row t = h[i];

	h[i] = h[j];
	h[j] = t;
}

static void heap_up(struct row *h, size_t i)
{
	while (i > 0 && row_less(&h[i], &h[(i - 1) / 2])) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct row *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < n && row_less(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && row_less(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		heap_swap(h, i, m);
		i = m;
	}
}

/* Whether a document at level would be kept in t (documents arrive in order). */
static int table_wants(const struct sila_report *r, const struct table *t, int level)
{
	if (r->lim.max_rows == 0)
		return 0;
	return t->n < r->lim.max_rows || level > t->heap[0].level;
}

/* The pieces of a row, made once per document and copied into each table. */
struct rowsrc {
	const json_t *doc;
	unsigned long long seq;
	int level;
	char *where;
};

/* Makes "path › member › member" for a document, cut to MAX_WHERE bytes. */
static char *where_of(const json_t *doc)
{
	struct sila_buf b = SILA_BUF_INIT(MAX_WHERE + 1);
	const json_t *path = json_object_get(doc, "path"), *m;
	size_t i;
	char *s;

	if (sila_buf_add_upto(&b, json_string_value(path), json_string_length(path)) == SILA_FAILED)
		goto oom;
	json_array_foreach(json_object_get(doc, "member"), i, m) {
		if (b.len > MAX_WHERE)
			break;
		if (sila_buf_add_upto(&b, SEP, sizeof(SEP) - 1) == SILA_FAILED ||
		    sila_buf_add_upto(&b, json_string_value(m),
				      json_string_length(m)) == SILA_FAILED)
			goto oom;
	}
	s = dup_capped(b.data ? b.data : "", b.len, MAX_WHERE);
	sila_buf_release(&b);
	return s;
oom:
	sila_buf_release(&b);
	return NULL;
}

/*
 * Fills row w from src, copying what it needs; the rules found in the
 * document are those the rule totals counted for it. SILA_OK or SILA_FATAL.
 */
static int row_fill(const struct sila_report *r, struct row *w, struct rowsrc *src)
{
	const json_t *warnings = json_object_get(src->doc, "warnings"), *x;
	const char *status = jstring(src->doc, "status");
	size_t i;

	memset(w, 0, sizeof(*w));
	w->seq = src->seq;
	w->level = src->level;
	copy_fixed(w->status, sizeof(w->status), status ? status : "(none)");
	w->where = strdup(src->where);
	if (!w->where)
		goto oom;
	for (i = 0; i <= r->rules.n; i++) {
		const struct tally *e = i < r->rules.n ? &r->rules.v[i] : &r->rules.other;
		const char *rule = e->name ? e->name : "(other rules)";

		if (e->seq != src->seq || !e->cur)
			continue;
		if (w->nhit == MAX_ROW_RULES) {
			w->more_hit++;
			continue;
		}
		w->hit[w->nhit].rule = strdup(rule);
		w->hit[w->nhit].n = e->cur;
		if (!w->hit[w->nhit++].rule)
			goto oom;
	}
	json_array_foreach(warnings, i, x) {
		const char *code = jstring(x, "code"), *msg = jstring(x, "message");

		if (w->nwarn == MAX_ROW_WARNINGS) {
			w->more_warn++;
			continue;
		}
		code = code ? code : "(no code)";
		msg = msg ? msg : "";
		w->warn[w->nwarn].code = dup_capped(code, strlen(code), MAX_NAME);
		w->warn[w->nwarn].msg = dup_capped(msg, strlen(msg), MAX_MESSAGE);
		w->nwarn++;
		if (!w->warn[w->nwarn - 1].code || !w->warn[w->nwarn - 1].msg)
			goto oom;
	}
	return SILA_OK;
oom:
	row_release(w);
	return SILA_FATAL;
}

/* Offers the document in src to table t, keeping only the worst rows. SILA_OK or SILA_FATAL. */
static int table_offer(struct sila_report *r, enum sila_report_table ti, struct rowsrc *src)
{
	struct table *t = &r->table[ti];
	struct row w;

	t->total++;
	if (!table_wants(r, t, src->level))
		return SILA_OK;
	if (!src->where) {
		src->where = where_of(src->doc);
		if (!src->where)
			return SILA_FATAL;
	}
	if (!t->heap) {
		t->heap = calloc(r->lim.max_rows, sizeof(*t->heap));
		if (!t->heap)
			return SILA_FATAL;
	}
	if (row_fill(r, &w, src) != SILA_OK)
		return SILA_FATAL;
	if (t->n < r->lim.max_rows) {
		t->heap[t->n] = w;
		heap_up(t->heap, t->n++);
	} else {
		row_release(&t->heap[0]);
		t->heap[0] = w;
		heap_down(t->heap, t->n, 0);
	}
	return SILA_OK;
}

/* ---- traces, inputs, problems ---- */

/* Counts a document's trace. SILA_OK or SILA_FATAL. */
static int add_trace(struct sila_report *r, const json_t *trace)
{
	const char *v = jstring(trace, "version"), *ru = jstring(trace, "rules"),
		   *po = jstring(trace, "policy"), *sc = jstring(trace, "scanned");
	struct trace *t;

	if (!json_is_object(trace)) {
		r->no_trace++;
		return SILA_OK;
	}
	v = v ? v : "";
	ru = ru ? ru : "";
	po = po ? po : "";
	if (sc && *sc) {
		if (!r->scanned_min[0] || strcmp(sc, r->scanned_min) < 0)
			copy_fixed(r->scanned_min, sizeof(r->scanned_min), sc);
		if (strcmp(sc, r->scanned_max) > 0)
			copy_fixed(r->scanned_max, sizeof(r->scanned_max), sc);
	}
	for (size_t i = 0; i < r->ntrace; i++) {
		t = &r->trace[i];
		if (strcmp(t->version, v) == 0 && strcmp(t->rules, ru) == 0 &&
		    strcmp(t->policy, po) == 0) {
			t->n++;
			return SILA_OK;
		}
	}
	if (r->ntrace == MAX_TRACES || strlen(v) > MAX_NAME || strlen(ru) > MAX_NAME ||
	    strlen(po) > MAX_NAME) {
		r->trace_other++;
		return SILA_OK;
	}
	t = &r->trace[r->ntrace];
	t->version = strdup(v);
	t->rules = strdup(ru);
	t->policy = strdup(po);
	if (!t->version || !t->rules || !t->policy) {
		free(t->version);
		free(t->rules);
		free(t->policy);
		return SILA_FATAL;
	}
	t->n = 1;
	r->ntrace++;
	return SILA_OK;
}

int sila_report_add_input(struct sila_report *r, const char *name, const char *reason)
{
	struct input *in;

	r->inputs++;
	if (reason)
		r->unreadable++;
	if (r->ninput == MAX_INPUTS)
		return SILA_OK;
	in = &r->input[r->ninput];
	in->name = dup_capped(name, strlen(name), MAX_WHERE);
	in->reason = reason ? dup_capped(reason, strlen(reason), MAX_REASON) : NULL;
	if (!in->name || (reason && !in->reason)) {
		free(in->name);
		free(in->reason);
		return SILA_FATAL;
	}
	r->ninput++;
	return SILA_OK;
}

int sila_report_add_problem(struct sila_report *r, const char *src, unsigned long lineno,
			    const char *reason)
{
	char buf[MAX_WHERE + MAX_REASON + 64];

	r->malformed++;
	if (r->nproblem >= r->lim.max_problems)
		return SILA_OK;
	if (!r->problem) {
		r->problem = calloc(r->lim.max_problems, sizeof(*r->problem));
		if (!r->problem)
			return SILA_FATAL;
	}
	if (src)
		snprintf(buf, sizeof(buf), "%.*s: line %lu: %s", MAX_WHERE, src, lineno, reason);
	else
		snprintf(buf, sizeof(buf), "line %lu: %s", lineno, reason);
	r->problem[r->nproblem] = strdup(buf);
	if (!r->problem[r->nproblem])
		return SILA_FATAL;
	r->nproblem++;
	return SILA_OK;
}

/* ---- documents ---- */

/*
 * Checks that doc has what the report needs; on failure describes why in
 * err (without quoting the line) and returns -1.
 */
static int check_doc(const json_t *doc, char *err, size_t errsize)
{
	const json_t *lv = json_object_get(doc, "level"), *m = json_object_get(doc, "member"), *x;
	size_t i;

	if (!json_is_object(doc)) {
		snprintf(err, errsize, "not a JSON object");
		return -1;
	}
	if (!json_is_string(json_object_get(doc, "path"))) {
		snprintf(err, errsize, "no \"path\" string");
		return -1;
	}
	if (!json_is_integer(lv) || json_integer_value(lv) < 0 ||
	    json_integer_value(lv) >= SILA_REPORT_LEVELS) {
		snprintf(err, errsize, "no \"level\" from 0 to 4");
		return -1;
	}
	if (m && !json_is_null(m)) {
		if (!json_is_array(m)) {
			snprintf(err, errsize, "\"member\" is not an array of names");
			return -1;
		}
		json_array_foreach(m, i, x)
			if (!json_is_string(x)) {
				snprintf(err, errsize, "\"member\" is not an array of names");
				return -1;
			}
	}
	return 0;
}

/* Folds one checked document into the report. SILA_OK or SILA_FATAL. */
static int add_doc(struct sila_report *r, const json_t *doc)
{
	const json_t *path = json_object_get(doc, "path"), *member = json_object_get(doc, "member");
	const json_t *warnings = json_object_get(doc, "warnings"), *x;
	const char *status = jstring(doc, "status"), *label = jstring(doc, "label");
	const char *format = jstring(doc, "container");
	int level = (int)json_integer_value(json_object_get(doc, "level"));
	int is_member = json_array_size(member) > 0, leak, bad, in_table = 0;
	unsigned long long seq = ++r->seq;
	struct rowsrc src = { doc, seq, level, NULL };
	struct walk w = { ROOT, 0, 1, 0 };
	size_t i;
	int st = SILA_OK;

	r->docs++;
	if (label && *label && !r->label[level]) {
		r->label[level] = dup_capped(label, strlen(label), MAX_NAME);
		if (!r->label[level])
			return SILA_FATAL;
	}
	if (!tally_hit(&r->statuses, status ? status : "(none)", seq, is_member, 1))
		return SILA_FATAL;
	json_array_foreach(json_object_get(doc, "tags"), i, x)
		if (json_is_string(x) &&
		    !tally_hit(&r->tags, json_string_value(x), seq, is_member, 1))
			return SILA_FATAL;
	json_array_foreach(warnings, i, x) {
		const char *code = jstring(x, "code");

		if (!tally_hit(&r->codes, code ? code : "(no code)", seq, is_member, 1))
			return SILA_FATAL;
	}
	json_array_foreach(json_object_get(doc, "findings"), i, x) {
		const char *rule = jstring(x, "rule");
		const json_t *n = json_object_get(x, "count");
		json_int_t count = json_is_integer(n) ? json_integer_value(n) : 1;

		if (!tally_hit(&r->rules, rule ? rule : "(no rule)", seq, is_member,
			      count > 0 ? (unsigned long long)count : 1))
			return SILA_FATAL;
	}
	if (add_trace(r, json_object_get(doc, "trace")) != SILA_OK)
		return SILA_FATAL;

	/* The tree: the document in its folder, or in its container. */
	leak = has_code(warnings, "unmarked-personal-data");
	bad = bad_status(status);
	if (walk_doc(r, &w, path, member, 0) != SILA_OK)
		return SILA_FATAL;
	r->folded += (unsigned)w.stopped;
	count_doc(r, w.at, level, is_member, leak, bad);
	if (format && *format) {
		struct walk cw = { ROOT, 0, 0, 0 };

		if (walk_doc(r, &cw, path, member, 1) != SILA_OK)
			return SILA_FATAL;
		if (!cw.stopped && r->node[cw.at].c.kind == SILA_REPORT_ARCHIVE)
			copy_fixed(r->node[cw.at].format, sizeof(r->node[cw.at].format), format);
	}

	/* The tables of documents that need attention. */
	if (leak) {
		st = table_offer(r, SILA_REPORT_LEAK, &src);
		in_table = 1;
	}
	if (st == SILA_OK && has_code(warnings, "encrypted")) {
		st = table_offer(r, SILA_REPORT_ENCRYPTED, &src);
		in_table = 1;
	}
	if (st == SILA_OK && has_code(warnings, "limit-exceeded")) {
		st = table_offer(r, SILA_REPORT_LIMIT, &src);
		in_table = 1;
	}
	if (st == SILA_OK && has_code(warnings, "extraction-failed")) {
		st = table_offer(r, SILA_REPORT_EXTRACTION, &src);
		in_table = 1;
	}
	if (st == SILA_OK && bad) {
		st = table_offer(r, SILA_REPORT_UNSCANNABLE, &src);
		in_table = 1;
	}
	if (st == SILA_OK && !in_table && json_array_size(warnings) > 0)
		st = table_offer(r, SILA_REPORT_OTHER, &src);
	free(src.where);
	return st;
}

/*
 * Describes a jansson error without the text it quotes from the line
 * (jansson's messages end in "near '...'").
 */
static void json_reason(const json_error_t *je, char *err, size_t errsize)
{
	const char *near = strstr(je->text, " near ");
	int n = near ? (int)(near - je->text) : (int)strlen(je->text);

	snprintf(err, errsize, "invalid JSON at column %d: %.*s", je->column, n, je->text);
}

int sila_report_add_line(struct sila_report *r, const char *src, unsigned long lineno,
			 const char *line, size_t len, char *err, size_t errsize)
{
	const char *text = line;
	size_t i;
	json_error_t je;
	json_t *doc;
	int st;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			break;
	if (i == len)
		return SILA_OK;
	r->lines++;
	if (!sila_utf8_valid(line, len)) {
		/* A line that is not UTF-8 is read with U+FFFD for each undecodable byte. */
		const unsigned char *p = (const unsigned char *)line;
		size_t n = len;

		if (len > MAX_REPAIR / 3) {
			snprintf(err, errsize, "line too long to read as UTF-8");
			if (sila_report_add_problem(r, src, lineno, err) != SILA_OK) {
				snprintf(err, errsize, "out of memory");
				return SILA_FATAL;
			}
			return SILA_WARN;
		}
		sila_buf_reset(&r->tmp);
		while (n) {
			size_t k = sila_utf8_seq(p, n);
			int ok = k ? sila_buf_add(&r->tmp, p, k) :
				     sila_buf_add(&r->tmp, "\xef\xbf\xbd", 3);

			if (ok != SILA_OK) {
				snprintf(err, errsize, "out of memory");
				return SILA_FATAL;
			}
			k = k ? k : 1;
			p += k;
			n -= k;
		}
		text = r->tmp.data;
		len = r->tmp.len;
		r->repaired++;
	}
	doc = json_loadb(text, len, 0, &je);
	if (!doc)
		json_reason(&je, err, errsize);
	if (!doc || check_doc(doc, err, errsize) != 0) {
		json_decref(doc);
		if (sila_report_add_problem(r, src, lineno, err) != SILA_OK) {
			snprintf(err, errsize, "out of memory");
			return SILA_FATAL;
		}
		return SILA_WARN;
	}
	st = add_doc(r, doc);
	json_decref(doc);
	if (st != SILA_OK) {
		snprintf(err, errsize, "out of memory");
		return SILA_FATAL;
	}
	return SILA_OK;
}

/* ---- the report's life and its queries ---- */

struct sila_report *sila_report_new(const struct sila_report_limits *lim)
{
	static const char *const statuses[] = { "ok", "partial", "unscannable", "error" };
	struct sila_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (lim)
		r->lim = *lim;
	if (!r->lim.max_nodes)
		r->lim.max_nodes = DEFAULT_MAX_NODES;
	if (r->lim.max_nodes > UINT32_MAX / 4)
		r->lim.max_nodes = UINT32_MAX / 4;
	if (!r->lim.max_depth)
		r->lim.max_depth = DEFAULT_MAX_DEPTH;
	if (!r->lim.max_rows)
		r->lim.max_rows = DEFAULT_MAX_ROWS;
	if (!r->lim.max_problems)
		r->lim.max_problems = DEFAULT_MAX_PROBLEMS;
	r->tags.max = MAX_TAGS;
	r->codes.max = MAX_CODES;
	r->rules.max = MAX_RULES;
	r->statuses.max = MAX_STATUSES;
	sila_buf_init(&r->tmp, MAX_REPAIR);
	for (int l = 0; l < SILA_REPORT_LEVELS; l++) {
		r->deflabel[l][0] = 'K';
		r->deflabel[l][1] = (char)('0' + l);
		r->deflabel[l][2] = '\0';
	}
	if (hash_grow(r) != SILA_OK || node_add(r, NONE, "", 0, SILA_REPORT_FOLDER) != ROOT)
		goto oom;
	for (size_t i = 0; i < 4; i++)
		if (!tally_get(&r->statuses, statuses[i]))
			goto oom;
	return r;
oom:
	sila_report_free(r);
	return NULL;
}

void sila_report_free(struct sila_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nnodes; i++)
		free(r->node[i].name);
	free(r->node);
	free(r->hash);
	for (int l = 0; l < SILA_REPORT_LEVELS; l++)
		free(r->label[l]);
	tallies_release(&r->tags);
	tallies_release(&r->codes);
	tallies_release(&r->rules);
	tallies_release(&r->statuses);
	for (int t = 0; t < SILA_REPORT_NTABLES; t++) {
		for (size_t i = 0; i < r->table[t].n; i++)
			row_release(&r->table[t].heap[i]);
		free(r->table[t].heap);
	}
	for (size_t i = 0; i < r->ntrace; i++) {
		free(r->trace[i].version);
		free(r->trace[i].rules);
		free(r->trace[i].policy);
	}
	for (size_t i = 0; i < r->ninput; i++) {
		free(r->input[i].name);
		free(r->input[i].reason);
	}
	for (size_t i = 0; i < r->nproblem; i++)
		free(r->problem[i]);
	free(r->problem);
	sila_buf_release(&r->tmp);
	free(r);
}

unsigned long long sila_report_lines(const struct sila_report *r)
{
	return r->lines;
}

unsigned long long sila_report_documents(const struct sila_report *r)
{
	return r->docs;
}

unsigned long long sila_report_malformed(const struct sila_report *r)
{
	return r->malformed;
}

size_t sila_report_nodes(const struct sila_report *r)
{
	return r->nnodes - 1;
}

int sila_report_node(const struct sila_report *r, const char *path,
		     struct sila_report_counts *out)
{
	uint32_t at = ROOT;
	size_t i = 0, n = strlen(path);

	/* The components as walk_name() makes them, looked up without making any. */
	if (n && path[0] == '/') {
		at = r->hash[hash_slot(r, at, "/", 1)];
		if (at == NONE)
			return -1;
	}
	while (i < n) {
		size_t j = i;

		while (j < n && path[j] != '/')
			j++;
		if (j > i && !(j - i == 1 && path[i] == '.')) {
			at = r->hash[hash_slot(r, at, path + i, j - i)];
			if (at == NONE)
				return -1;
		}
		i = j + 1;
	}
	*out = r->node[at].c;
	out->max_level = max_level(out);
	return 0;
}

static unsigned long long tally_docs(const struct tallies *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return s->v[i].files + s->v[i].members;
	return 0;
}

unsigned long long sila_report_tag(const struct sila_report *r, const char *tag)
{
	return tally_docs(&r->tags, tag);
}

unsigned long long sila_report_code(const struct sila_report *r, const char *code)
{
	return tally_docs(&r->codes, code);
}

unsigned long long sila_report_table_total(const struct sila_report *r,
					   enum sila_report_table t, size_t *kept)
{
	if (kept)
		*kept = r->table[t].n;
	return r->table[t].total;
}

const char *sila_report_label(const struct sila_report *r, int level)
{
	if (level < 0 || level >= SILA_REPORT_LEVELS)
		return "?";
	return r->label[level] ? r->label[level] : r->deflabel[level];
}

/* ---- HTML ---- */

/*
 * Whether the k-byte sequence at p is a bidirectional control: U+061C,
 * U+200E, U+200F, U+202A-U+202E or U+2066-U+2069.
 */
static int is_bidi(const unsigned char *p, size_t k)
{
	if (k == 2)
		return p[0] == 0xd8 && p[1] == 0x9c;
	if (k != 3 || p[0] != 0xe2)
		return 0;
	if (p[1] == 0x80)
		return p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae);
	return p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9;
}

void sila_html_escape(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	while (n) {
		size_t k = sila_utf8_seq(p, n);

		if (k == 0) {
			fputs("\xef\xbf\xbd", f);
			k = 1;
		} else if (k == 1) {
			switch (*p) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '>': fputs("&gt;", f); break;
			case '"': fputs("&quot;", f); break;
			case '\'': fputs("&#39;", f); break;
			case 0x7f: fputs("\xe2\x90\xa1", f); break;
			default:
				if (*p < 0x20) {
					/* U+2400 + c, its control picture (U+240A: LF). */
					putc(0xe2, f);
					putc(0x90, f);
					putc(0x80 + *p, f);
				} else {
					putc(*p, f);
				}
			}
		} else if (k == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			fputs("\xef\xbf\xbd", f); /* a C1 control */
		} else if (is_bidi(p, k)) {
			unsigned cp = k == 2 ? 0x061c : ((p[0] & 0x0fu) << 12) |
							 ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);

			fprintf(f, "&lt;U+%04X&gt;", cp);
		} else {
			fwrite(p, 1, k, f);
		}
		p += k;
		n -= k;
	}
}

static void esc(FILE *f, const char *s)
{
	sila_html_escape(f, s, strlen(s));
}

/* Writes n with a narrow no-break space between groups of three digits. */
static void num(FILE *f, unsigned long long n)
{
	char d[32];
	int len = snprintf(d, sizeof(d), "%llu", n);

	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			fputs(NNBSP, f);
		putc(d[i], f);
	}
}

/* Writes "n thing" or "n things". */
static void count_of(FILE *f, unsigned long long n, const char *one, const char *many)
{
	num(f, n);
	putc(' ', f);
	fputs(n == 1 ? one : many, f);
}

/* A count cell: the number, or a faint dash for none. */
static void num_td(FILE *f, unsigned long long n)
{
	fputs("<td class=\"n\">", f);
	if (n)
		num(f, n);
	else
		fputs("<span class=\"z\">\xe2\x80\x93</span>", f);
	fputs("</td>", f);
}

/* The short name of a level for narrow columns: its label's first word. */
static void short_label(FILE *f, const struct sila_report *r, int level)
{
	const char *s = sila_report_label(r, level);
	size_t n = strcspn(s, " ");

	sila_html_escape(f, s, n ? n : strlen(s));
}

static void badge(FILE *f, const struct sila_report *r, int level)
{
	if (level < 0) {
		fputs("<span class=\"z\">\xe2\x80\x93</span>", f);
		return;
	}
	fprintf(f, "<span class=\"lv lv%d\">", level);
	esc(f, sila_report_label(r, level));
	fputs("</span>", f);
}

/* Writes at most max code points of s, and "…" when there were more. */
static void esc_chars(FILE *f, const char *s, size_t max)
{
	size_t i = 0, chars = 0, n = strlen(s);

	while (i < n && chars < max) {
		size_t k = sila_utf8_seq((const unsigned char *)s + i, n - i);

		i += k ? k : 1;
		chars++;
	}
	sila_html_escape(f, s, i);
	if (i < n)
		fputs(ELLIPSIS, f);
}

/* The page's style sheet, a rule or two per string. */
static const char *const css[] = {
	":root{--k0:#6b7a89;--k1:#2f6db0;--k2:#d29b00;--k3:#dd5a16;--k4:#b4232c;"
	"--ink:#1c2430;--mute:#5d6978;--line:#dfe4ea;--bg:#f4f6f9}\n",
	"*{box-sizing:border-box}\n",
	"body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"\"Helvetica Neue\",Arial,sans-serif;color:var(--ink);background:var(--bg)}\n",
	"main{max-width:1200px;margin:0 auto;padding:22px 26px 40px}\n",
	"h1{font-size:26px;margin:0 0 2px}\n",
	"h2{font-size:19px;margin:0 0 12px}\n",
	"h3{font-size:16px;margin:22px 0 4px}\n",
	".grid2 h3:first-child{margin-top:4px}\n",
	".sub{color:var(--mute);margin:0}\n",
	"section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 22px;"
	"margin:16px 0}\n",
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:12px;"
	"margin:16px 0}\n",
	".card{background:#fff;border:1px solid var(--line);border-left:5px solid var(--k0);"
	"border-radius:8px;padding:10px 14px}\n",
	".card .v{font-size:27px;font-weight:650;line-height:1.2}\n",
	".card .k{color:var(--mute);font-size:13px}\n",
	".card.c1{border-left-color:var(--k1)}.card.c2{border-left-color:var(--k2)}"
	".card.c3{border-left-color:var(--k3)}.card.c4{border-left-color:var(--k4)}"
	".card.ok{border-left-color:#3f8f5a}\n",
	"table{border-collapse:collapse;width:100%}\n",
	"th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);"
	"vertical-align:top}\n",
	"th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--mute);"
	"font-weight:600}\n",
	".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n",
	".z{color:#c2c9d2}\n",
	".lv{display:inline-block;padding:1px 9px;border-radius:11px;color:#fff;font-size:12.5px;"
	"font-weight:600;white-space:nowrap}\n",
	".lv0{background:var(--k0)}.lv1{background:var(--k1)}"
	".lv2{background:var(--k2);color:#1c1c1c}"
	".lv3{background:var(--k3)}.lv4{background:var(--k4)}\n",
	".path{overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"\"DejaVu Sans Mono\",monospace;font-size:13px}\n",
	"code,.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"DejaVu Sans Mono\","
	"monospace;font-size:12.5px}\n",
	"code{background:#eef1f5;padding:0 4px;border-radius:4px;white-space:nowrap}\n",
	".hash{overflow-wrap:anywhere}\n",
	".grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:18px 30px;"
	"align-items:start}\n",
	"@media (max-width:900px){.grid2{grid-template-columns:1fr}}\n",
	".note{color:var(--mute);font-size:13.5px;margin:4px 0 8px}\n",
	".warn p{margin:0;color:var(--mute);font-size:13.5px}.warn code{color:var(--ink)}\n",
	".docs{table-layout:fixed}.docs th:nth-child(1){width:31%}.docs th:nth-child(2){width:15%}"
	".docs th:nth-child(3){width:9%}.docs th:nth-child(4){width:26%}"
	".docs code{white-space:normal;overflow-wrap:anywhere}\n",
	"svg text{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif}\n",
	".tools{float:right}.tools button{font:inherit;font-size:13px;margin-left:6px;"
	"padding:2px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;"
	"cursor:pointer}\n",
	".tree{font-size:14px;clear:both}\n",
	".tr{display:grid;grid-template-columns:minmax(0,1fr) 165px repeat(5,52px) 56px 72px;"
	"align-items:center;border-bottom:1px solid var(--line);padding:3px 0;column-gap:4px}\n",
	".tr>span{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n",
	".tr>.nm{text-align:left;padding-left:calc(var(--d,0)*18px);overflow-wrap:anywhere;"
	"white-space:normal}\n",
	".tr>.hl{text-align:left}\n",
	".tr>span:empty::after{content:\"\\2013\";color:#c2c9d2}\n",
	".tr.th{font-size:12px;color:var(--mute);font-weight:600;text-transform:uppercase;"
	"letter-spacing:.03em}\n",
	"summary{list-style:none;cursor:pointer}\n",
	"summary::-webkit-details-marker{display:none}\n",
	"summary:hover{background:#f3f6fa}\n",
	".tr>.nm::before{content:\"\";display:inline-block;width:16px;color:var(--mute)}\n",
	"details>summary.tr>.nm::before{content:\"\\25B8\"}\n",
	"details[open]>summary.tr>.nm::before{content:\"\\25BE\"}\n",
	".ar>.nm{font-style:italic}\n",
	".ar>.nm small{font-style:normal;color:var(--mute);margin-left:6px}\n",
	"footer{color:var(--mute);font-size:13px;margin-top:20px}\n",
	"@media print{body{background:#fff}section{break-inside:avoid-page}.tools{display:none}}\n",
	NULL
};

/* The summary cards at the top of the page. */
static void write_cards(FILE *f, const struct sila_report *r)
{
	const struct sila_report_counts *t = &r->node[ROOT].c;
	unsigned long long files = 0, members = 0, at_max = 0;
	int top = max_level(t);

	for (int l = 0; l < SILA_REPORT_LEVELS; l++) {
		files += t->files[l];
		members += t->members[l];
	}
	if (top >= 0)
		at_max = t->files[top] + t->members[top];
	fputs("<div class=\"cards\">\n", f);
	fputs("<div class=\"card c1\"><div class=\"v\" id=\"total-files\">", f);
	num(f, files);
	fputs("</div><div class=\"k\">files scanned", f);
	if (members) {
		fputs(", and ", f);
		num(f, members);
		fputs(" archive members", f);
	}
	fputs("</div></div>\n", f);
	fprintf(f, "<div class=\"card c%d\"><div class=\"v\">", top < 0 ? 0 : top);
	badge(f, r, top);
	fputs("</div><div class=\"k\">highest level found", f);
	if (top >= 0) {
		fputs(" (", f);
		num(f, at_max);
		fputs(at_max == 1 ? " document)" : " documents)", f);
	}
	fputs("</div></div>\n", f);
	fprintf(f, "<div class=\"card %s\"><div class=\"v\" id=\"total-leaks\">",
		t->leaks ? "c4" : "ok");
	num(f, t->leaks);
	fputs("</div><div class=\"k\">with personal data but no confidentiality marking</div>"
	      "</div>\n", f);
	fprintf(f, "<div class=\"card %s\"><div class=\"v\" id=\"total-bad\">",
		t->bad ? "c3" : "ok");
	num(f, t->bad);
	fputs("</div><div class=\"k\">could not be scanned (unscannable or error)</div>"
	      "</div>\n", f);
	if (r->malformed || r->unreadable) {
		fputs("<div class=\"card c4\"><div class=\"v\">", f);
		num(f, r->malformed + r->unreadable);
		fputs("</div><div class=\"k\">input problems (see Input below)</div></div>\n", f);
	}
	fputs("</div>\n", f);
}

/* The levels' colours, as in the style sheet, for the chart to stand alone. */
static const char *const level_colour[SILA_REPORT_LEVELS] = {
	"#6b7a89", "#2f6db0", "#d29b00", "#dd5a16", "#b4232c"
};

/* The bar chart of levels: files on disk per level, and archive members beneath. */
static void write_chart(FILE *f, const struct sila_report *r)
{
	const struct sila_report_counts *t = &r->node[ROOT].c;
	unsigned long long most = 0, members = 0;
	const int lw = 175, bx = 185, bw = 330, rowh = 42;
	int h;

	for (int l = 0; l < SILA_REPORT_LEVELS; l++) {
		if (t->files[l] > most)
			most = t->files[l];
		if (t->members[l] > most)
			most = t->members[l];
		members += t->members[l];
	}
	h = SILA_REPORT_LEVELS * rowh + (members ? 28 : 6);
	fprintf(f, "<svg viewBox=\"0 0 600 %d\" width=\"100%%\" role=\"img\" "
		"aria-labelledby=\"chart-title\" font-size=\"13\" fill=\"#1c2430\" "
		"xmlns=\"http://www.w3.org/2000/svg\">\n"
		"<title id=\"chart-title\">Documents per level</title>\n", h);
	for (int l = 0; l < SILA_REPORT_LEVELS; l++) {
		int y = 6 + l * rowh;
		int w1 = most ? (int)((double)t->files[l] * bw / (double)most + 0.5) : 0;
		int w2 = most ? (int)((double)t->members[l] * bw / (double)most + 0.5) : 0;

		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw, y + 15);
		esc_chars(f, sila_report_label(r, l), 24);
		fputs("</text>\n", f);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" rx=\"3\" "
			"fill=\"%s\"><title>", bx, y, w1, level_colour[l]);
		num(f, t->files[l]);
		fputs(" files on disk</title></rect>\n", f);
		fprintf(f, "<text x=\"%d\" y=\"%d\">", bx + w1 + 6, y + 15);
		num(f, t->files[l]);
		fputs("</text>\n", f);
		if (!members)
			continue;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"9\" rx=\"2\" "
			"fill=\"%s\" fill-opacity=\".4\"><title>", bx, y + 23, w2, level_colour[l]);
		num(f, t->members[l]);
		fputs(" archive members</title></rect>\n", f);
		if (t->members[l]) {
			fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#5d6978\">",
				bx + w2 + 6, y + 31);
			num(f, t->members[l]);
			fputs("</text>\n", f);
		}
	}
	if (members) {
		int y = SILA_REPORT_LEVELS * rowh + 10;

		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"#5d6978\"/>"
			"<text x=\"%d\" y=\"%d\" font-size=\"12\">files on disk</text>\n",
			bx, y, bx + 20, y + 11);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"7\" fill=\"#5d6978\" "
			"fill-opacity=\".4\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">"
			"archive members</text>\n", bx + 120, y + 3, bx + 140, y + 11);
	}
	fputs("</svg>\n", f);
}

static const char *const level_meaning[SILA_REPORT_LEVELS] = {
	"nothing found",
	"internal-use marking",
	"personal data or a confidentiality marking",
	"protected identity or large amounts of personal data",
	"security-protection classification",
};

static void write_levels(FILE *f, const struct sila_report *r)
{
	const struct sila_report_counts *t = &r->node[ROOT].c;
	unsigned long long files = 0, members = 0;

	for (int l = 0; l < SILA_REPORT_LEVELS; l++) {
		files += t->files[l];
		members += t->members[l];
	}
	fputs("<section id=\"levels\"><h2>Sensitivity levels</h2>\n"
	      "<div class=\"grid2\"><div>\n", f);
	write_chart(f, r);
	fputs("</div><div>\n<table id=\"level-totals\"><thead><tr><th>Level</th><th>Means</th>"
	      "<th class=\"n\">Files</th><th class=\"n\">Archive members</th></tr></thead>"
	      "<tbody>\n",
	      f);
	for (int l = SILA_REPORT_LEVELS - 1; l >= 0; l--) {
		fprintf(f, "<tr data-level=\"%d\" data-files=\"%llu\" data-members=\"%llu\">"
			"<td>", l, t->files[l], t->members[l]);
		badge(f, r, l);
		fprintf(f, "</td><td class=\"note\">%s</td>", level_meaning[l]);
		num_td(f, t->files[l]);
		num_td(f, t->members[l]);
		fputs("</tr>\n", f);
	}
	fputs("<tr><th>Total</th><th></th><th class=\"n\">", f);
	num(f, files);
	fputs("</th><th class=\"n\">", f);
	num(f, members);
	fputs("</th></tr>\n</tbody></table>\n<p class=\"note\">Files are files on disk; an archive "
	      "(zip, tar, e-mail, \xe2\x80\xa6) is one file, and each document inside it is also "
	      "counted as an archive member. An archive's level is at least its members' highest."
	      "</p>\n</div></div></section>\n", f);
}

static int tally_cmp(const void *a, const void *b)
{
	const struct tally *x = *(const struct tally *const *)a;
	const struct tally *y = *(const struct tally *const *)b;
	unsigned long long nx = x->files + x->members, ny = y->files + y->members;

	if (nx != ny)
		return nx > ny ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * A table of the names in s with documents (files, members) and, for
 * rules, occurrences; sorted by documents unless keep_order. SILA_OK or
 * SILA_FATAL.
 */
static int write_tallies(FILE *f, const struct tallies *s, const char *id, const char *title,
		       const char *what, int occurrences, int keep_order, const char *other)
{
	const struct tally **v = malloc((s->n + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return SILA_FATAL;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].files + s->v[i].members)
			v[n++] = &s->v[i];
	if (!keep_order)
		qsort(v, n, sizeof(*v), tally_cmp);
	fprintf(f, "<h3>%s</h3>\n", title);
	if (n == 0 && !(s->other.files + s->other.members)) {
		fputs("<p class=\"note\">None.</p>\n", f);
		free(v);
		return SILA_OK;
	}
	fprintf(f, "<table id=\"%s\"><thead><tr><th>%s</th><th class=\"n\">Files</th>"
		"<th class=\"n\">Members</th>%s</tr></thead><tbody>\n", id, what,
		occurrences ? "<th class=\"n\">Occurrences</th>" : "");
	for (size_t i = 0; i <= n; i++) {
		const struct tally *e = i < n ? v[i] : &s->other;

		if (i == n && !(e->files + e->members))
			break;
		fputs("<tr><td><code>", f);
		esc(f, i < n ? e->name : other);
		fputs("</code></td>", f);
		num_td(f, e->files);
		num_td(f, e->members);
		if (occurrences)
			num_td(f, e->occurrences);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	free(v);
	return SILA_OK;
}

static int write_breakdown(FILE *f, const struct sila_report *r)
{
	fputs("<section id=\"breakdown\"><h2>What was found</h2>\n"
	      "<p class=\"note\">Documents per tag, warning, status and finding rule. Findings are "
	      "shown as rule names and counts only; the values found are never part of this "
	      "report.</p>\n<div class=\"grid2\"><div>\n", f);
	if (write_tallies(f, &r->tags, "tag-totals", "Tags", "Tag", 0, 0,
			  "(other tags)") != SILA_OK ||
	    write_tallies(f, &r->codes, "code-totals", "Warnings", "Code", 0, 0,
			  "(other codes)") != SILA_OK ||
	    write_tallies(f, &r->statuses, "status-totals", "Status", "Status", 0, 1,
			  "(other statuses)") != SILA_OK)
		return SILA_FATAL;
	fputs("</div><div>\n", f);
	if (write_tallies(f, &r->rules, "rule-totals", "Findings by rule", "Rule", 1, 0,
			  "(other rules)") != SILA_OK)
		return SILA_FATAL;
	fputs("</div></div></section>\n", f);
	return SILA_OK;
}

/* The node array that node_cmp sorts indices into; qsort takes no context. */
static const struct node *sort_nodes;

static int node_cmp(const void *a, const void *b)
{
	return strcmp(sort_nodes[*(const uint32_t *)a].name, sort_nodes[*(const uint32_t *)b].name);
}

/* Rows a reader sees before expanding anything: folders near the root are opened up to this. */
#define OPEN_BUDGET 300

/* A count in a tree row; an empty cell shows a dash (by CSS). */
static void tree_num(FILE *f, unsigned long long n)
{
	fputs("<span>", f);
	if (n)
		num(f, n);
	fputs("</span>", f);
}

/*
 * Writes node k and, below it, its children sorted by name. A node with
 * children is a <details> element; one without is a plain row. Nodes near
 * the root (depth 2 at most) start open while *budget, the rows left to
 * show at first, allows, so that a large tree starts short. visible says
 * whether the node's row is shown at first. SILA_OK or SILA_FATAL.
 */
static int write_node(FILE *f, const struct sila_report *r, uint32_t k, int depth, int visible,
		      size_t *budget)
{
	const struct node *nd = &r->node[k];
	const struct sila_report_counts *c = &nd->c;
	int archive = c->kind == SILA_REPORT_ARCHIVE, top = max_level(c), open = 0;
	unsigned long long members = 0;
	size_t nkids = 0;
	uint32_t *kids = NULL;

	for (uint32_t x = nd->child; x != NONE; x = r->node[x].next)
		nkids++;
	if (nkids) {
		kids = malloc(nkids * sizeof(*kids));
		if (!kids)
			return SILA_FATAL;
		nkids = 0;
		for (uint32_t x = nd->child; x != NONE; x = r->node[x].next)
			kids[nkids++] = x;
		sort_nodes = r->node;
		qsort(kids, nkids, sizeof(*kids), node_cmp);
		if (k == ROOT || (visible && depth <= 2 && nkids <= *budget)) {
			open = 1;
			*budget = nkids <= *budget ? *budget - nkids : 0;
		}
		fputs(open ? "<details open>" : "<details>", f);
	}
	for (int l = 0; l < SILA_REPORT_LEVELS; l++)
		members += c->members[l];
	fprintf(f, "<%s class=\"tr%s\" style=\"--d:%d\"><span class=\"nm\">",
		nkids ? "summary" : "div", archive ? " ar" : "", depth);
	if (k == ROOT)
		fputs("<b>All files</b>", f);
	else
		esc(f, nd->name);
	if (archive) {
		fputs(" <small>", f);
		esc(f, nd->format[0] ? nd->format : "archive");
		fputs("</small>", f);
	}
	fputs("</span><span class=\"hl\">", f);
	badge(f, r, top);
	fputs("</span>", f);
	for (int l = 0; l < SILA_REPORT_LEVELS; l++)
		tree_num(f, archive ? c->members[l] : c->files[l]);
	tree_num(f, c->leaks);
	tree_num(f, members);
	fprintf(f, "</%s>\n", nkids ? "summary" : "div");
	for (size_t i = 0; i < nkids; i++)
		if (write_node(f, r, kids[i], depth + 1, visible && open, budget) != SILA_OK) {
			free(kids);
			return SILA_FATAL;
		}
	if (nkids)
		fputs("</details>\n", f);
	free(kids);
	return SILA_OK;
}

static int write_tree(FILE *f, const struct sila_report *r)
{
	size_t budget = OPEN_BUDGET;

	fputs("<section id=\"tree\"><h2>Folders</h2>\n"
	      "<div class=\"tools\" id=\"tree-tools\" hidden><button type=\"button\" data-a=\"1\">"
	      "Expand all</button><button type=\"button\" data-a=\"0\">Collapse all</button>"
	      "</div>\n"
	      "<p class=\"note\">Per folder: its highest level and its files on disk per level, "
	      "with everything below it. An archive (<i>in italics</i>) is shown under its folder, "
	      "and its row counts the documents inside it. Leaks: documents with personal data but "
	      "no confidentiality marking. Members: documents inside archives.</p>\n"
	      "<div class=\"tree\">\n<div class=\"tr th\"><span class=\"nm\">Folder</span>"
	      "<span class=\"hl\">Highest</span>", f);
	for (int l = 0; l < SILA_REPORT_LEVELS; l++) {
		fputs("<span title=\"", f);
		esc(f, sila_report_label(r, l));
		fputs("\">", f);
		short_label(f, r, l);
		fputs("</span>", f);
	}
	fputs("<span>Leaks</span><span>Members</span></div>\n", f);
	if (write_node(f, r, ROOT, 0, 1, &budget) != SILA_OK)
		return SILA_FATAL;
	fputs("</div>\n", f);
	if (r->folded) {
		fputs("<p class=\"note\">", f);
		count_of(f, r->folded, "document is", "documents are");
		fprintf(f, " counted in a folder above their own, because the tree "
			"reached its limit of %zu folders or %zu levels.</p>\n",
			r->lim.max_nodes, r->lim.max_depth);
	}
	fputs("<script>(function(){var t=document.getElementById('tree-tools');t.hidden=false;"
	      "t.addEventListener('click',function(e){var a=e.target.getAttribute('data-a');"
	      "if(a===null)return;document.querySelectorAll('#tree details').forEach(function(d){"
	      "d.open=a==='1';});});})();</script>\n</section>\n", f);
	return SILA_OK;
}

static const struct {
	const char *id, *title, *about;
} tables[SILA_REPORT_NTABLES] = {
	{ "leaks", "Personal data without a confidentiality marking",
	  "The leak warning (<code>unmarked-personal-data</code>): personal data in a document "
	  "that bears no confidentiality marking. Check whether each should be marked, moved or "
	  "removed." },
	{ "encrypted", "Encrypted",
	  "Encrypted documents and archives (<code>encrypted</code>): their content could not be "
	  "read, so what they hold is unknown." },
	{ "limits", "Limits exceeded",
	  "A limit stopped the scan part-way (<code>limit-exceeded</code>); the rest of the "
	  "document was not scanned." },
	{ "extraction", "Text extraction failed",
	  "The text of these documents could not be extracted, wholly or partly "
	  "(<code>extraction-failed</code>)." },
	{ "unscannable", "Not scanned",
	  "Status <code>unscannable</code> (read, but no content could be scanned) or "
	  "<code>error</code> (could not be read). These are not known to be clean." },
	{ "other", "Other warnings",
	  "Documents with other warnings, not listed above." },
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;

	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int write_table(FILE *f, const struct sila_report *r, enum sila_report_table ti)
{
	const struct table *t = &r->table[ti];
	const struct row **v;

	fprintf(f, "<h3 id=\"%s\">%s <span class=\"note\">(", tables[ti].id, tables[ti].title);
	num(f, t->total);
	fprintf(f, ")</span></h3>\n<p class=\"note\">%s</p>\n", tables[ti].about);
	if (!t->total) {
		fputs("<p class=\"note\"><b>None.</b></p>\n", f);
		return SILA_OK;
	}
	v = malloc(t->n * sizeof(*v) + 1);
	if (!v)
		return SILA_FATAL;
	for (size_t i = 0; i < t->n; i++)
		v[i] = &t->heap[i];
	qsort(v, t->n, sizeof(*v), row_cmp);
	fprintf(f, "<table class=\"docs\" id=\"table-%s\" data-total=\"%llu\"><thead><tr>"
		"<th>Document</th><th>Level</th><th>Status</th><th>Warnings</th>"
		"<th>Findings</th></tr></thead><tbody>\n", tables[ti].id, t->total);
	for (size_t i = 0; i < t->n; i++) {
		const struct row *w = v[i];

		fputs("<tr><td class=\"path\">", f);
		esc(f, w->where);
		fputs("</td><td>", f);
		badge(f, r, w->level);
		fputs("</td><td>", f);
		esc(f, w->status);
		fputs("</td><td class=\"warn\">", f);
		for (size_t j = 0; j < w->nwarn; j++) {
			fputs("<p><code>", f);
			esc(f, w->warn[j].code);
			fputs("</code> ", f);
			esc(f, w->warn[j].msg);
			fputs("</p>", f);
		}
		if (w->more_warn)
			fprintf(f, "<p class=\"note\">and %zu more warnings</p>", w->more_warn);
		fputs("</td><td class=\"warn\">", f);
		for (size_t j = 0; j < w->nhit; j++) {
			fputs("<p><code>", f);
			esc(f, w->hit[j].rule);
			fputs("</code> \xc3\x97", f);
			num(f, w->hit[j].n);
			fputs("</p>", f);
		}
		if (w->more_hit)
			fprintf(f, "<p class=\"note\">and %zu more rules</p>", w->more_hit);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	if (t->total > t->n) {
		fputs("<p class=\"note more\">Showing the ", f);
		num(f, t->n);
		fputs(" at the highest levels; ", f);
		num(f, t->total - t->n);
		fputs(" more are not shown.</p>\n", f);
	}
	free(v);
	return SILA_OK;
}

static void write_input(FILE *f, const struct sila_report *r)
{
	fputs("<section id=\"input\"><h2>Input</h2>\n<p>", f);
	count_of(f, r->lines, "line", "lines");
	fputs(" read from ", f);
	if (r->inputs == 0)
		fputs("no input", f);
	for (size_t i = 0; i < r->ninput; i++) {
		fputs(i ? ", " : "", f);
		fputs("<span class=\"path\">", f);
		esc(f, r->input[i].name);
		fputs("</span>", f);
	}
	if (r->inputs > r->ninput) {
		fputs(" and ", f);
		num(f, r->inputs - r->ninput);
		fputs(" more", f);
	}
	fputs(": ", f);
	count_of(f, r->docs, "document", "documents");
	fputs(", ", f);
	num(f, r->malformed);
	fputs(" malformed.</p>\n", f);
	for (size_t i = 0; i < r->ninput; i++) {
		if (!r->input[i].reason)
			continue;
		fputs("<p><b>Could not read</b> <span class=\"path\">", f);
		esc(f, r->input[i].name);
		fputs("</span>: ", f);
		esc(f, r->input[i].reason);
		fputs("</p>\n", f);
	}
	if (r->repaired) {
		fputs("<p class=\"note\">", f);
		count_of(f, r->repaired, "line", "lines");
		fputs(" held bytes that are not UTF-8; each such byte was read as "
		      "U+FFFD.</p>\n", f);
	}
	if (r->nproblem) {
		fputs("<ul id=\"problems\">\n", f);
		for (size_t i = 0; i < r->nproblem; i++) {
			fputs("<li>", f);
			esc(f, r->problem[i]);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
		if (r->malformed > r->nproblem) {
			fputs("<p class=\"note\">and ", f);
			count_of(f, r->malformed - r->nproblem, "more malformed line.",
				 "more malformed lines.");
			fputs("</p>\n", f);
		}
	}
	fputs("</section>\n", f);
}

static void write_trace(FILE *f, const struct sila_report *r)
{
	fputs("<section id=\"trace\"><h2>Trace</h2>\n<p class=\"note\">The tool and the rule set "
	      "that produced the input, so that a finding can be traced later.</p>\n", f);
	if (r->ntrace) {
		fputs("<table><thead><tr><th>Tool</th><th>Rules (SHA-256)</th>"
		      "<th>Policy (SHA-256)</th><th class=\"n\">Documents</th></tr></thead>"
		      "<tbody>\n",
		      f);
		for (size_t i = 0; i < r->ntrace; i++) {
			fputs("<tr><td>", f);
			esc(f, r->trace[i].version);
			fputs("</td><td class=\"hash\">", f);
			esc(f, r->trace[i].rules);
			fputs("</td><td class=\"hash\">", f);
			esc(f, r->trace[i].policy);
			fputs("</td>", f);
			num_td(f, r->trace[i].n);
			fputs("</tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
	}
	if (r->trace_other) {
		fputs("<p class=\"note\">", f);
		count_of(f, r->trace_other, "document", "documents");
		fputs(" came from still other tool versions or rule sets.</p>\n", f);
	}
	if (r->no_trace) {
		fputs("<p class=\"note\">", f);
		count_of(f, r->no_trace, "document", "documents");
		fputs(" had no trace.</p>\n", f);
	}
	if (r->scanned_min[0]) {
		fputs("<p>Scanned ", f);
		esc(f, r->scanned_min);
		if (strcmp(r->scanned_min, r->scanned_max) != 0) {
			fputs(" to ", f);
			esc(f, r->scanned_max);
		}
		fputs(".</p>\n", f);
	}
	fputs("</section>\n", f);
}

int sila_report_write_html(const struct sila_report *r, FILE *f,
			   const struct sila_report_page *page)
{
	const char *title = page && page->title ? page->title : "sila report";

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
	if (page && page->version) {
		fputs("<meta name=\"generator\" content=\"", f);
		esc(f, page->version);
		fputs("\">\n", f);
	}
	fputs("<title>", f);
	esc(f, title);
	fputs("</title>\n<style>\n", f);
	for (const char *const *c = css; *c; c++)
		fputs(*c, f);
	fputs("</style>\n</head>\n<body>\n<main>\n<header><h1>", f);
	esc(f, title);
	fputs("</h1><p class=\"sub\">Sensitive information found by sila: KLASSA levels, personal "
	      "identity numbers and confidentiality markings", f);
	if (page && page->generated) {
		fputs(". Report made ", f);
		esc(f, page->generated);
	}
	fputs(".</p></header>\n", f);
	write_cards(f, r);
	write_levels(f, r);
	if (write_breakdown(f, r) != SILA_OK)
		return SILA_FATAL;
	if (write_tree(f, r) != SILA_OK)
		return SILA_FATAL;
	fputs("<section id=\"attention\"><h2>Documents that need attention</h2>\n"
	      "<p class=\"note\">A document is a file on disk, or a document inside an archive "
	      "(shown as <span class=\"path\">archive \xe2\x80\xba member</span>). "
	      "Each table shows the documents at the highest levels first.</p>\n", f);
	for (int t = 0; t < SILA_REPORT_NTABLES; t++)
		if (write_table(f, r, (enum sila_report_table)t) != SILA_OK)
			return SILA_FATAL;
	fputs("</section>\n", f);
	write_input(f, r);
	write_trace(f, r);
	fputs("<footer>", f);
	if (page && page->version) {
		fputs("Made by ", f);
		esc(f, page->version);
		fputs(". ", f);
	}
	fputs("Values found are never shown in this report; see the JSON lines, which hold them "
	      "masked.</footer>\n</main>\n</body>\n</html>\n", f);
	return ferror(f) ? SILA_FAILED : SILA_OK;
}
