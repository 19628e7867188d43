/*
 * scan.c - Hyperscan matching, validation, context and aggregation.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include <hs.h>

#include "hash.h"
#include "keywords.h"
#include "names.h"
#include "scan.h"
#include "status.h"

struct sila_scanner {
	const struct sila_rules *rules;
	hs_database_t *db;        /* block mode, for texts held whole */
	hs_database_t *sdb;       /* streaming mode, made on first use */
	hs_database_t *starts;    /* block mode with start of match, for the rules that need it */
	hs_scratch_t *scratch;    /* serves all three, and the keywords */
	hs_scratch_t *scratch2;   /* the scanning thread's, for long texts */
	struct sila_kwset *kw;    /* every rule's context and negative keywords */
	size_t win;               /* context a match needs on each side */
};

/* A match as Hyperscan reported it: the expression and where it ended. */
struct cand {
	unsigned expr;
	size_t to;
};

struct cands {
	struct cand *v;
	size_t n, alloc, max;
	size_t total;     /* candidates seen in the whole document */
	int truncated;
};

/* One aggregated finding: a rule and a distinct value. */
struct agg {
	size_t rule;
	char canon[48];
	char masked[48];
	size_t count, offset;
	unsigned page;
	enum sila_confidence conf;
};

/* A validated match, before aggregation; its span is absolute in the document. */
struct hit {
	size_t rule;
	struct sila_id id;
	enum sila_confidence conf;
	unsigned page;
	int dropped;
};

/*
 * The cache key of a compiled database: the rule set's hash, which rules
 * are enabled, the Hyperscan version and the CPU features it compiled for.
 */
static void cache_key(const struct sila_rules *rules, unsigned mode, char key[SILA_SHA256_HEX])
{
	struct sila_sha256 *h = sila_sha256_new();
	hs_platform_info_t plat;

	if (!h) {
		key[0] = '\0';
		return;
	}
	sila_sha256_update(h, rules->hash, strlen(rules->hash));
	for (size_t i = 0; i < rules->nrules; i++)
		if (rules->rule[i].enabled)
			sila_sha256_update(h, rules->rule[i].id, strlen(rules->rule[i].id) + 1);
	sila_sha256_update(h, hs_version(), strlen(hs_version()));
	sila_sha256_update(h, &mode, sizeof(mode));
	if (hs_populate_platform(&plat) == HS_SUCCESS)
		sila_sha256_update(h, &plat, sizeof(plat));
	sila_sha256_finish(h, key);
}

/*
 * Where compiled databases are kept: $SILA_CACHE_DIR, else
 * $XDG_CACHE_HOME/sila, else ~/.cache/sila. SILA_CACHE_DIR set to "" (or
 * "off") turns the cache off. Returns 0 and the file path for key.
 */
static int cache_path(const char *key, char *out, size_t outlen)
{
	const char *dir = getenv("SILA_CACHE_DIR");
	const char *base;

	if (!key[0])
		return -1;
	if (dir) {
		if (!*dir || strcmp(dir, "off") == 0)
			return -1;
		snprintf(out, outlen, "%s/%s.hsdb", dir, key);
		return 0;
	}
	if ((base = getenv("XDG_CACHE_HOME")) && *base)
		snprintf(out, outlen, "%s/sila/%s.hsdb", base, key);
	else if ((base = getenv("HOME")) && *base)
		snprintf(out, outlen, "%s/.cache/sila/%s.hsdb", base, key);
	else
		return -1;
	return 0;
}

/* Loads a cached database; NULL when there is none or it does not deserialize. */
static hs_database_t *cache_load(const char *path)
{
	size_t len;
	char *bytes = sila_read_small_file(path, (size_t)256 << 20, &len);
	hs_database_t *db = NULL;

	if (bytes && hs_deserialize_database(bytes, len, &db) != HS_SUCCESS)
		db = NULL;
	free(bytes);
	return db;
}

/* Creates each missing directory of path's parent, like mkdir -p. */
static void make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
}

/*
 * Stores a compiled database for the next start. Written to a temporary
 * file and renamed, so a reader never sees half a file; any failure just
 * leaves the cache empty.
 */
static void cache_store(const hs_database_t *db, const char *path)
{
	char *bytes = NULL, tmp[4200];
	size_t len = 0;
	FILE *f;

	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	make_parents(tmp);
	f = fopen(tmp, "wb");
	if (f) {
		int ok = fwrite(bytes, 1, len, f) == len;

		ok &= fclose(f) == 0;
		if (!ok || rename(tmp, path) != 0)
			remove(tmp);
	}
	free(bytes);
}

/*
 * A database mode of our own, beside Hyperscan's: only the expressions of
 * rules that need the start of a match, compiled to report it. The main
 * databases never track starts, which costs a quarter of their speed;
 * the start of a rare match is found afterwards by scanning back over a
 * few hundred bytes with this one.
 */
#define DB_STARTS (1u << 30)

/* Compiles the enabled rules into one database of the given mode. */
static hs_database_t *compile(const struct sila_rules *rules, unsigned mode, char *err, size_t errlen)
{
	const char **exprs = calloc(rules->nexpr + 1, sizeof(*exprs));
	unsigned *flags = calloc(rules->nexpr + 1, sizeof(*flags));
	unsigned *ids = calloc(rules->nexpr + 1, sizeof(*ids));
	hs_compile_error_t *cerr = NULL;
	hs_database_t *db = NULL;
	unsigned n = 0;

	if (!exprs || !flags || !ids) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < rules->nexpr; i++) {
		const struct sila_rule *r = &rules->rule[rules->expr[i].rule];

		if (!r->enabled || ((mode & DB_STARTS) && !r->som))
			continue;
		exprs[n] = rules->expr[i].text;
		flags[n] = rules->expr[i].flags | ((mode & DB_STARTS) ? HS_FLAG_SOM_LEFTMOST : 0);
		ids[n] = (unsigned)i;
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no enabled rule has an expression");
		goto out;
	}
	if (hs_compile_multi(exprs, flags, ids, n, mode & ~DB_STARTS, NULL, &db, &cerr) != HS_SUCCESS) {
		if (cerr && cerr->expression >= 0) {
			const struct sila_expr *e = &rules->expr[ids[cerr->expression]];

			snprintf(err, errlen, "%s:%u: Hyperscan rejected the expression '%s': %s",
				 e->file, e->line, e->text, cerr->message);
		} else {
			snprintf(err, errlen, "cannot compile the rules: %s",
				 cerr ? cerr->message : "unknown error");
		}
		hs_free_compile_error(cerr);
		db = NULL;
	}
out:
	free(exprs);
	free(flags);
	free(ids);
	return db;
}

/* Loads the database for mode from the cache, or compiles and caches it. */
static hs_database_t *database(const struct sila_rules *rules, unsigned mode, char *err, size_t errlen)
{
	char key[SILA_SHA256_HEX], path[4096];
	int cached;
	hs_database_t *db = NULL;

	cache_key(rules, mode, key);
	cached = cache_path(key, path, sizeof(path)) == 0;
	if (cached)
		db = cache_load(path);
	if (!db) {
		db = compile(rules, mode, err, errlen);
		if (db && cached)
			cache_store(db, path);
	}
	return db;
}

struct sila_scanner *sila_scanner_new(const struct sila_rules *rules, char *err, size_t errlen)
{
	struct sila_scanner *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->rules = rules;
	for (size_t i = 0; i < rules->nrules; i++) {
		size_t w = rules->rule[i].window > rules->rule[i].negative_window
				   ? rules->rule[i].window : rules->rule[i].negative_window;

		if (rules->rule[i].enabled && w + 64 > s->win)
			s->win = w + 64;
	}
	s->db = database(rules, HS_MODE_BLOCK, err, errlen);
	if (!s->db || !(s->kw = sila_kwset_new(rules, err, errlen)))
		goto fail;
	for (size_t i = 0; i < rules->nrules; i++)
		if (rules->rule[i].enabled && rules->rule[i].som && !s->starts &&
		    !(s->starts = database(rules, HS_MODE_BLOCK | DB_STARTS, err, errlen)))
			goto fail;
	if (hs_alloc_scratch(s->db, &s->scratch) != HS_SUCCESS ||
	    (s->starts && hs_alloc_scratch(s->starts, &s->scratch) != HS_SUCCESS) ||
	    sila_kwset_alloc_scratch(s->kw, &s->scratch) != SILA_OK) {
		snprintf(err, errlen, "cannot allocate Hyperscan scratch space");
		goto fail;
	}
	return s;
fail:
	sila_scanner_free(s);
	return NULL;
}

void sila_scanner_free(struct sila_scanner *s)
{
	if (!s)
		return;
	hs_free_scratch(s->scratch);
	hs_free_scratch(s->scratch2);
	hs_free_database(s->db);
	hs_free_database(s->sdb);
	hs_free_database(s->starts);
	sila_kwset_free(s->kw);
	free(s);
}

/* Collects every match; validation waits until the scan is done. */
static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ctx)
{
	struct cands *c = ctx;

	(void)from;
	(void)flags;
	/*
	 * The cap bounds the candidates waiting for validation at once: a
	 * whole text's when it is held, a window's when it streams, where
	 * candidates are validated and dropped as the text passes.
	 */
	if (c->n >= c->max) {
		c->truncated = 1;
		return 1; /* stop: the cap on candidates is reached */
	}
	c->total++;
	if (c->n == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 256;
		struct cand *p;

		if (!(p = realloc(c->v, na * sizeof(*p)))) {
			c->truncated = 1;
			return 1; /* stop: the cap on candidates is reached */
		}
		c->v = p;
		c->alloc = na;
	}
	c->v[c->n].expr = id;
	c->v[c->n].to = (size_t)to;
	c->n++;
	return 0;
}

/* FNV-1a over the rule index and the value, for the aggregation table. */
static uint64_t agg_hash(size_t rule, const char *canon)
{
	uint64_t h = 1469598103934665603ULL ^ rule;

	for (; *canon; canon++)
		h = (h ^ (unsigned char)*canon) * 1099511628211ULL;
	return h;
}

static int cmp_agg_offset(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* One document's scan in progress. */
struct run {
	const struct sila_rules *rules;
	const struct sila_scanner *s;
	struct sila_vctx vctx;
	int paged;
	size_t win;          /* context a match needs on each side */
	const char *text;    /* the text held: the document's bytes off .. off + len */
	size_t off, len;
	struct cands c;      /* candidates not yet validated, absolute */
	size_t *rule_end;    /* per rule: absolute end of its last hit */
	size_t *rule_last;   /* per rule: the number of that hit */
	struct hit *hits;    /* validated, not yet aggregated, in end order */
	size_t nhits, halloc;
	size_t seq0;         /* the number of hits[0] */
	size_t max_end;      /* the furthest end validated so far */
	size_t page_pos;     /* the page is known up to this absolute position */
	unsigned page;
	struct agg *aggs;
	size_t naggs, aalloc, *table, tsize;
	struct sila_kwindex kw; /* the keywords found around the candidates so far */
	int oom;
};

/*
 * Where the last keyword of rule's list in the held text's [a, b) ends,
 * or SIZE_MAX when none is there; positions are the held text's.
 */
static size_t last_keyword(struct run *r, size_t a, size_t b, size_t rule, enum sila_kwlist list)
{
	size_t e = sila_kwindex_last(&r->kw, r->text, r->off, r->len, r->off + a, r->off + b, rule,
				     list);

	return e == SIZE_MAX ? e : e - r->off;
}

/* How far after a match, on its line, a context keyword still speaks for it. */
#define AFTER_WINDOW 40

/*
 * Whether a negative keyword rejects a match at [start, end). The window
 * reaches back at most window bytes, but never past a line break or
 * another number (a "tel" before a phone number says nothing of the
 * personnummer after it), and a context keyword nearer the match than the
 * negative one wins ("Telefon / personnummer: ..."), as does one right
 * after it on its line ("Kundnummer: ... (ditt personnummer)").
 */
static int rejected(struct run *r, size_t start, size_t end, size_t rule)
{
	const struct sila_rule *ru = &r->rules->rule[rule];
	size_t a = start > ru->negative_window ? start - ru->negative_window : 0, neg, b;

	if (!sila_kwset_has(r->kw.set, rule, SILA_KW_NEGATIVE))
		return 0;
	for (size_t i = start; i > a; i--) {
		unsigned char c = (unsigned char)r->text[i - 1];

		if (c == '\n' || c == '\f' || c == '\r' || (isdigit(c) && i < start)) {
			a = i;
			break;
		}
	}
	neg = last_keyword(r, a, start, rule, SILA_KW_NEGATIVE);
	if (neg == SIZE_MAX)
		return 0;
	if (last_keyword(r, neg, start, rule, SILA_KW_CONTEXT) != SIZE_MAX)
		return 0;
	for (b = end; b < r->len && b < end + AFTER_WINDOW && r->text[b] != '\n' && r->text[b] != '\f'; b++)
		;
	return last_keyword(r, end, b, rule, SILA_KW_CONTEXT) == SIZE_MAX;
}


/* How far apart two hits' ends can be and their spans still overlap. */
#define SPAN_MAX 64

static int run_init(struct run *r, const struct sila_scanner *s, const struct sila_scan_opts *o,
		    int paged)
{
	memset(r, 0, sizeof(*r));
	r->rules = s->rules;
	r->s = s;
	r->vctx.today = o->today;
	r->vctx.allow_interim = o->allow_interim;
	r->paged = paged;
	r->win = s->win;
	r->page = 1;
	r->c.max = o->max_matches ? o->max_matches : 1000000;
	r->rule_end = calloc(s->rules->nrules + 1, sizeof(*r->rule_end));
	r->rule_last = calloc(s->rules->nrules + 1, sizeof(*r->rule_last));
	sila_kwindex_init(&r->kw, s->kw, s->scratch);
	return r->rule_end && r->rule_last ? SILA_OK : SILA_FAILED;
}

static void run_release(struct run *r)
{
	free(r->c.v);
	free(r->rule_end);
	free(r->rule_last);
	free(r->hits);
	free(r->aggs);
	free(r->table);
	sila_kwindex_release(&r->kw);
}

/* Moves the page count forward to absolute position pos (within the text held). */
static void count_pages(struct run *r, size_t pos)
{
	if (!r->paged || pos <= r->page_pos)
		return;
	for (size_t i = r->page_pos < r->off ? r->off : r->page_pos; i < pos && i < r->off + r->len; i++)
		r->page += r->text[i - r->off] == '\f';
	r->page_pos = pos;
}

/* How far back from its end the start of a match is looked for. */
#define START_BACK 512

/* What a search for a start looks for: one expression's match ending at one place. */
struct start_search {
	unsigned expr;
	unsigned long long to;
	unsigned long long from;
	int found;
};

static int on_start(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ctx)
{
	struct start_search *q = ctx;

	(void)flags;
	if (id == q->expr && to == q->to && (!q->found || from < q->from)) {
		q->from = from;
		q->found = 1;
	}
	return 0;
}

/*
 * Where a candidate of a rule that needs it starts: the leftmost start of
 * its expression's match ending where the candidate ends, found within
 * START_BACK bytes of the text held. Returns the absolute start plus one,
 * or 0 when there is none (it starts before the text held: the match is
 * too long to be a marking).
 */
static size_t match_start(const struct run *r, const struct cand *cd)
{
	size_t a = cd->to - r->off > START_BACK ? cd->to - r->off - START_BACK : 0;
	struct start_search q = { cd->expr, cd->to - r->off - a, 0, 0 };

	if (!r->s->starts ||
	    hs_scan(r->s->starts, r->text + a, (unsigned)(cd->to - r->off - a), 0, r->s->scratch,
		    on_start, &q) != HS_SUCCESS || !q.found)
		return 0;
	return r->off + a + (size_t)q.from + 1;
}

/*
 * Confirms one candidate with its rule's validator and the keywords around
 * it; a confirmed one becomes a hit. Overlapping matches of one rule are one
 * occurrence (two expressions for one citation); Hyperscan reports the
 * shorter of two matches at one start first ("HEMLIG" before
 * "HEMLIG/SECRET"), and the longer, once confirmed, takes its place.
 */
static void validate_one(struct run *r, const struct cand *cd)
{
	const struct sila_expr *e = &r->rules->expr[cd->expr];
	const struct sila_rule *ru = &r->rules->rule[e->rule];
	enum sila_confidence conf = ru->confidence;
	size_t end = cd->to - r->off, a, b, from = 0;
	struct sila_id id;

	if (cd->to < r->off || end > r->len || (ru->som && !(from = match_start(r, cd))))
		return; /* longer than the window held: not a number or a marking */
	memset(&id, 0, sizeof(id));
	id.start = from > r->off ? from - 1 - r->off : 0;
	if (ru->validator) {
		if (!ru->validator->fn(r->text, r->len, end, &r->vctx, &id))
			return;
	} else {
		size_t k = end - id.start;

		if (k >= sizeof(id.canon))
			k = sizeof(id.canon) - 1;
		memcpy(id.canon, r->text + id.start, k);
		id.canon[k] = '\0';
		memcpy(id.masked, id.canon, sizeof(id.masked));
		id.end = end;
		id.strong = 1;
	}
	/* One search for keywords serves every window this candidate's rule asks about. */
	if (sila_kwset_has(r->kw.set, e->rule, SILA_KW_CONTEXT) ||
	    sila_kwset_has(r->kw.set, e->rule, SILA_KW_NEGATIVE))
		sila_kwindex_cover(&r->kw, r->text, r->off, r->len,
				   cd->to > r->win ? cd->to - r->win : 0,
				   cd->to + (ru->window > AFTER_WINDOW ? ru->window : AFTER_WINDOW));
	if (r->rule_end[e->rule] && id.start + r->off < r->rule_end[e->rule]) {
		size_t last = r->rule_last[e->rule];
		struct hit *prev = last >= r->seq0 ? &r->hits[last - r->seq0] : NULL;

		if (prev && id.start + r->off == prev->id.start && id.end + r->off > prev->id.end &&
		    !rejected(r, id.start, id.end, e->rule)) {
			prev->id.end = id.end + r->off;
			memcpy(prev->id.canon, id.canon, sizeof(id.canon));
			memcpy(prev->id.masked, id.masked, sizeof(id.masked));
			r->rule_end[e->rule] = prev->id.end;
		}
		return;
	}
	/* Negative keywords just before the match reject it (a phone number, an org.nr). */
	if (rejected(r, id.start, id.end, e->rule))
		return;
	a = id.start > ru->window ? id.start - ru->window : 0;
	b = id.end + ru->window < r->len ? id.end + ru->window : r->len;
	if (last_keyword(r, a, b, e->rule, SILA_KW_CONTEXT) != SIZE_MAX)
		conf = conf < SILA_CONF_HIGH ? conf + 1 : conf;
	else if (ru->require_context)
		return;
	else if (!id.strong && conf > SILA_CONF_LOW)
		conf--;
	id.start += r->off;
	id.end += r->off;
	if (r->nhits == r->halloc) {
		size_t na = r->halloc ? r->halloc * 2 : 64;
		struct hit *p = realloc(r->hits, na * sizeof(*p));

		if (!p) {
			r->oom = 1;
			return;
		}
		r->hits = p;
		r->halloc = na;
	}
	count_pages(r, id.start);
	r->rule_end[e->rule] = id.end;
	r->rule_last[e->rule] = r->seq0 + r->nhits;
	r->hits[r->nhits].rule = e->rule;
	r->hits[r->nhits].id = id;
	r->hits[r->nhits].conf = conf;
	r->hits[r->nhits].page = r->page;
	r->hits[r->nhits].dropped = 0;
	r->nhits++;
	if (id.end > r->max_end)
		r->max_end = id.end;
}

/*
 * Validates the candidates whose context on both sides is in the text held
 * (all of them when final), keeping the others for the next chunk.
 */
static void validate_ready(struct run *r, int final)
{
	size_t kept = 0, held_end = r->off + r->len;

	for (size_t i = 0; i < r->c.n; i++) {
		if (!final && r->c.v[i].to + r->win > held_end) {
			r->c.v[kept++] = r->c.v[i];
			continue;
		}
		validate_one(r, &r->c.v[i]);
	}
	r->c.n = kept;
}

/*
 * When a match that no checksum confirmed (a CPR number) covers the same
 * digits as a checksum-confirmed match of another rule (a personnummer),
 * the confirmed one is the finding. Hits are in end order and short, so
 * only near neighbours need looking at.
 */
/* Whether rule a gives way to rule b by a's yield-to list. */
static int yields(const struct sila_rules *rules, size_t a, size_t b)
{
	for (char **y = rules->rule[a].yield_to; y && *y; y++)
		if (strcmp(*y, rules->rule[b].id) == 0)
			return 1;
	return 0;
}

static void resolve_overlaps(const struct sila_rules *rules, struct hit *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/*
		 * A rule that gives way to another (a Finnish HETU to a Swedish
		 * personnummer written alike) loses the digits they share, unless
		 * its own context keyword raised it to high confidence.
		 */
		if (rules->rule[h[i].rule].yield_to && h[i].conf < SILA_CONF_HIGH) {
			for (size_t j = i; j-- > 0 && h[j].id.end + SPAN_MAX > h[i].id.end;)
				if (yields(rules, h[i].rule, h[j].rule) &&
				    h[j].id.start < h[i].id.end && h[i].id.start < h[j].id.end)
					h[i].dropped = 1;
			for (size_t j = i + 1; j < n && h[j].id.end < h[i].id.end + SPAN_MAX; j++)
				if (yields(rules, h[i].rule, h[j].rule) &&
				    h[j].id.start < h[i].id.end && h[i].id.start < h[j].id.end)
					h[i].dropped = 1;
		}
		if (h[i].id.strong)
			continue;
		for (size_t j = i; j-- > 0 && h[j].id.end + SPAN_MAX > h[i].id.end;)
			if (h[j].id.strong && h[j].rule != h[i].rule &&
			    h[j].id.start < h[i].id.end && h[i].id.start < h[j].id.end)
				h[i].dropped = 1;
		for (size_t j = i + 1; j < n && h[j].id.end < h[i].id.end + SPAN_MAX; j++)
			if (h[j].id.strong && h[j].rule != h[i].rule &&
			    h[j].id.start < h[i].id.end && h[i].id.start < h[j].id.end)
				h[i].dropped = 1;
	}
}

/* Grows the open-addressing index over the aggregates so it stays at most half full. */
static int grow_table(struct run *r)
{
	size_t ns = r->tsize ? r->tsize * 2 : 64;
	size_t *nt = malloc(ns * sizeof(*nt));

	if (!nt)
		return SILA_FAILED;
	for (size_t k = 0; k < ns; k++)
		nt[k] = SIZE_MAX;
	for (size_t k = 0; k < r->naggs; k++) {
		size_t sl = agg_hash(r->aggs[k].rule, r->aggs[k].canon) & (ns - 1);

		while (nt[sl] != SIZE_MAX)
			sl = (sl + 1) & (ns - 1);
		nt[sl] = k;
	}
	free(r->table);
	r->table = nt;
	r->tsize = ns;
	return SILA_OK;
}

/* Adds one hit to its rule and value's finding, with the page and offset of the first. */
static void aggregate_one(struct run *r, const struct hit *h)
{
	size_t slot;

	if (r->naggs * 2 >= r->tsize && grow_table(r) != SILA_OK) {
		r->oom = 1;
		return;
	}
	for (slot = agg_hash(h->rule, h->id.canon) & (r->tsize - 1); r->table[slot] != SIZE_MAX;
	     slot = (slot + 1) & (r->tsize - 1))
		if (r->aggs[r->table[slot]].rule == h->rule &&
		    strcmp(r->aggs[r->table[slot]].canon, h->id.canon) == 0)
			break;
	if (r->table[slot] == SIZE_MAX) {
		struct agg *ag;

		if (r->naggs == r->aalloc) {
			size_t na = r->aalloc ? r->aalloc * 2 : 16;
			struct agg *p = realloc(r->aggs, na * sizeof(*p));

			if (!p) {
				r->oom = 1;
				return;
			}
			r->aggs = p;
			r->aalloc = na;
		}
		ag = &r->aggs[r->naggs];
		ag->rule = h->rule;
		memcpy(ag->canon, h->id.canon, sizeof(ag->canon));
		memcpy(ag->masked, h->id.masked, sizeof(ag->masked));
		ag->count = 0;
		ag->offset = h->id.start;
		ag->page = h->page;
		ag->conf = h->conf;
		r->table[slot] = r->naggs++;
	}
	r->aggs[r->table[slot]].count++;
	if (h->conf > r->aggs[r->table[slot]].conf)
		r->aggs[r->table[slot]].conf = h->conf;
}

/*
 * Aggregates the hits no later match can overlap any more (all, when
 * final) and forgets them, so memory follows the findings, not the text.
 */
static void settle(struct run *r, int final)
{
	size_t done = 0;

	resolve_overlaps(r->rules, r->hits, r->nhits);
	while (done < r->nhits && (final || r->hits[done].id.end + 2 * SPAN_MAX <= r->max_end)) {
		if (!r->hits[done].dropped)
			aggregate_one(r, &r->hits[done]);
		done++;
	}
	if (done && r->nhits > done)
		memmove(r->hits, r->hits + done, (r->nhits - done) * sizeof(*r->hits));
	r->nhits -= done;
	r->seq0 += done;
}

/* Turns aggregated findings into the report's findings and tags arrays. */
static void to_json(const struct sila_rules *rules, const struct agg *aggs, size_t naggs,
		    int paged, int reveal, json_t *findings, json_t *tags)
{
	/*
	 * A document may have many thousands of findings: the strings they
	 * share (rule ids, confidences) are made once and referenced, not
	 * copied into each.
	 */
	json_t **ids = calloc(rules->nrules, sizeof(*ids));
	json_t *conf[3];

	for (int c = 0; c < 3; c++)
		conf[c] = json_string(sila_confidence_name((enum sila_confidence)c));
	for (size_t k = 0; k < naggs; k++) {
		const struct sila_rule *r = &rules->rule[aggs[k].rule];
		json_t *f = json_object(), *id;

		if (!ids || !(id = ids[aggs[k].rule]))
			id = json_string(r->id);
		else
			json_incref(id);
		if (ids && !ids[aggs[k].rule])
			ids[aggs[k].rule] = json_incref(id);
		json_object_set_new_nocheck(f, "rule", id);
		json_object_set_new_nocheck(f, "value",
					    json_string(reveal ? aggs[k].canon : aggs[k].masked));
		json_object_set_new_nocheck(f, "count", json_integer((json_int_t)aggs[k].count));
		json_object_set_nocheck(f, "confidence", conf[aggs[k].conf]);
		if (paged)
			json_object_set_new_nocheck(f, "page", json_integer(aggs[k].page));
		json_object_set_new_nocheck(f, "offset", json_integer((json_int_t)aggs[k].offset));
		json_array_append_new(findings, f);
		for (char **t = r->tags; t && *t; t++) {
			size_t i;
			json_t *v;
			int have = 0;

			json_array_foreach(tags, i, v)
				have |= strcmp(json_string_value(v), *t) == 0;
			if (!have)
				json_array_append_new(tags, json_string(*t));
		}
	}
	for (size_t i = 0; ids && i < rules->nrules; i++)
		json_decref(ids[i]);
	free(ids);
	for (int c = 0; c < 3; c++)
		json_decref(conf[c]);
}

/* Finishes a run: the findings and tags, sorted by offset. */
static int finish(struct run *r, const struct sila_scan_opts *o, json_t **findings, json_t **tags,
		  int *truncated, char *err, size_t errlen)
{
	validate_ready(r, 1);
	settle(r, 1);
	*truncated = r->c.truncated;
	if (r->oom) {
		snprintf(err, errlen, "out of memory");
		return SILA_FAILED;
	}
	if (r->naggs)
		qsort(r->aggs, r->naggs, sizeof(*r->aggs), cmp_agg_offset);
	*findings = json_array();
	*tags = json_array();
	to_json(r->rules, r->aggs, r->naggs, r->paged, o->reveal, *findings, *tags);
	return SILA_OK;
}

/* The size of the chunks a long text is scanned in, and a streamed one read in. */
#define STREAM_CHUNK ((size_t)1 << 20)


/* Chunks in flight: one being validated, one being scanned, one read ahead. */
#define PIPE_SLOTS 3

/*
 * Room before each streamed chunk for what is kept of the text before it
 * (a few hundred bytes of context; at most twice the widest window of
 * 10000 bytes and a match), so chunks are validated where they were read.
 */
#define PIPE_PREFIX ((size_t)64 << 10)

/* Where a chunk is: free, read and waiting for Hyperscan, scanned and waiting for validation. */
enum slot_state { SLOT_FREE, SLOT_READ, SLOT_SCANNED };

/* One chunk on its way through the pipeline. */
struct slot {
	char *buf;            /* a streamed chunk's bytes, owned */
	const char *data;     /* the chunk: buf, or a stretch of the text held */
	size_t n;             /* its length; 0 at the end */
	struct cands c;       /* the chunk's candidates, absolute */
	enum slot_state state;
};

/*
 * A long text's scan in two threads. The calling thread reads each chunk
 * and validates its candidates once scanned; Hyperscan runs over the
 * chunks in a thread of its own, with its own scratch. Reading (a tenth
 * of the work) and validating (a third) balance Hyperscan's half.
 * Candidates reach validation in the order a single thread would see
 * them, so the findings are the same.
 */
struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot slot[PIPE_SLOTS];
	struct sila_scanner *s;
	hs_stream_t *stream;
	int stop;             /* the calling thread gave up */
	int failed;           /* Hyperscan failed: err says how */
	char err[128];
};

/* Waits until slot is in state st, or the pipe stops; returns whether it stopped first. */
static int pipe_wait(struct pipe *p, struct slot *sl, enum slot_state st)
{
	int stopped;

	pthread_mutex_lock(&p->mu);
	while (sl->state != st && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	stopped = sl->state != st;
	pthread_mutex_unlock(&p->mu);
	return stopped;
}

static void pipe_set(struct pipe *p, struct slot *sl, enum slot_state st)
{
	pthread_mutex_lock(&p->mu);
	sl->state = st;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/*
 * The scanning thread: runs Hyperscan over each chunk read and hands it
 * back with its candidates. Once the cap on candidates stops Hyperscan,
 * the rest of the text still passes (a stream is read to its end) but is
 * not scanned; a failure is passed on as the end of the text.
 */
static void *pipe_scan(void *arg)
{
	struct pipe *p = arg;
	int stopped = 0;

	for (unsigned k = 0;; k++) {
		struct slot *sl = &p->slot[k % PIPE_SLOTS];

		if (pipe_wait(p, sl, SLOT_READ))
			break;
		sl->c.n = sl->c.total = 0;
		sl->c.truncated = 0;
		if (sl->n == 0) {
			hs_close_stream(p->stream, p->s->scratch2, stopped ? NULL : on_match, &sl->c);
			p->stream = NULL;
		} else if (!stopped && !p->failed) {
			hs_error_t rc = hs_scan_stream(p->stream, sl->data, (unsigned)sl->n, 0,
						       p->s->scratch2, on_match, &sl->c);

			if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
				snprintf(p->err, sizeof(p->err), "Hyperscan scan failed (%d)", (int)rc);
				p->failed = 1;
			}
			stopped = rc == HS_SCAN_TERMINATED;
		}
		pipe_set(p, sl, SLOT_SCANNED);
		if (sl->n == 0)
			break;
	}
	return NULL;
}

/* Moves a chunk's candidates to the run's, within the cap on candidates waiting. */
static void take_cands(struct run *r, const struct cands *c)
{
	size_t room = r->c.max > r->c.n ? r->c.max - r->c.n : 0, k = c->n < room ? c->n : room;

	r->c.total += c->total;
	if (c->truncated || k < c->n)
		r->c.truncated = 1;
	if (!k)
		return;
	if (r->c.n + k > r->c.alloc) {
		size_t na = r->c.alloc ? r->c.alloc : 256;
		struct cand *v;

		while (na < r->c.n + k)
			na *= 2;
		if (!(v = realloc(r->c.v, na * sizeof(*v)))) {
			r->c.truncated = 1;
			return;
		}
		r->c.v = v;
		r->c.alloc = na;
	}
	memcpy(r->c.v + r->c.n, c->v, k * sizeof(*c->v));
	r->c.n += k;
}

/* Where the chunks of a text come from: a stream to read, or a text held whole. */
struct source {
	sila_read_fn read;
	void *ctx;
	const char *text;
	size_t len, pos;
	int ended;
};

/* Reads (or slices) the next chunk into sl and hands it to Hyperscan; -1 when reading failed. */
static int pipe_fill(struct pipe *p, struct slot *sl, struct source *src)
{
	size_t n;

	if (src->text) {
		n = src->len - src->pos < STREAM_CHUNK ? src->len - src->pos : STREAM_CHUNK;
		sl->data = src->text + src->pos;
	} else {
		n = src->read(src->ctx, sl->buf + PIPE_PREFIX, STREAM_CHUNK);
		sl->data = sl->buf + PIPE_PREFIX;
		if (n == (size_t)-1)
			return -1;
	}
	src->pos += n;
	src->ended = n == 0;
	sl->n = n;
	pipe_set(p, sl, SLOT_READ);
	return 0;
}

/*
 * Scans a text held whole (text, len) or streamed (read, ctx) in two
 * threads. A streamed text is kept only as far back as pending candidates
 * and the context of future ones need, so memory stays bounded by the
 * chunk size and the findings.
 */
static int scan_piped(struct sila_scanner *s, const char *text, size_t len, sila_read_fn read,
		      void *ctx, int paged, const struct sila_scan_opts *o, json_t **findings,
		      json_t **tags, int *truncated, char *err, size_t errlen)
{
	struct source src = { read, ctx, text, len, 0, 0 };
	struct pipe p;
	struct run r;
	pthread_t tid;
	struct slot *prev = NULL;  /* the slot of the chunk before, holding what is kept */
	unsigned filled = 0;
	int ret = SILA_FAILED, ok = 1;

	*findings = NULL;
	*tags = NULL;
	*truncated = 0;
	memset(&p, 0, sizeof(p));
	if (!s->sdb) {
		s->sdb = database(s->rules, HS_MODE_STREAM, err, errlen);
		if (!s->sdb)
			return SILA_FAILED;
		if (hs_alloc_scratch(s->sdb, &s->scratch) != HS_SUCCESS ||
		    hs_clone_scratch(s->scratch, &s->scratch2) != HS_SUCCESS) {
			snprintf(err, errlen, "cannot allocate Hyperscan scratch space");
			return SILA_FAILED;
		}
	}
	if (run_init(&r, s, o, paged) != SILA_OK ||
	    hs_open_stream(s->sdb, 0, &p.stream) != HS_SUCCESS)
		goto oom;
	for (int i = 0; i < PIPE_SLOTS; i++) {
		p.slot[i].c.max = r.c.max;
		if (!text && !(p.slot[i].buf = malloc(PIPE_PREFIX + STREAM_CHUNK)))
			goto oom;
	}
	p.s = s;
	r.text = text;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (pthread_create(&tid, NULL, pipe_scan, &p) != 0) {
		snprintf(err, errlen, "cannot start the scanning thread");
		goto destroy;
	}
	pthread_setname_np(tid, "sila-hs");
	/* Two chunks ahead: one for Hyperscan now, one for when it is done. */
	while (ok && !src.ended && filled < 2)
		ok = pipe_fill(&p, &p.slot[filled++ % PIPE_SLOTS], &src) == 0;
	if (!ok)
		snprintf(err, errlen, "input ended inside the text");
	for (unsigned k = 0; ok; k++) {
		struct slot *sl = &p.slot[k % PIPE_SLOTS];
		size_t n, keep_from;

		pipe_wait(&p, sl, SLOT_SCANNED);
		if (p.failed) {
			snprintf(err, errlen, "%s", p.err);
			ok = 0;
			break;
		}
		n = sl->n;
		take_cands(&r, &sl->c);
		if (n == 0)
			break;
		if (text) {
			pipe_set(&p, sl, SLOT_FREE);
		} else if (r.len <= PIPE_PREFIX) {
			/*
			 * What is kept of the text so far goes just before the new
			 * chunk, in the room left in its buffer: the chunk itself is
			 * never copied.
			 */
			char *at = sl->buf + PIPE_PREFIX - r.len;

			if (r.len)
				memcpy(at, r.text, r.len);
			r.text = at;
			r.len += n;
		} else {
			/*
			 * Cannot happen: what is kept is at most twice the widest
			 * window plus a match, and windows are at most 10000 bytes.
			 */
			snprintf(err, errlen, "the context kept outgrew its room");
			ok = 0;
			break;
		}
		/* The chunk before this one is no longer needed: its slot takes the next. */
		if (!text && prev)
			pipe_set(&p, prev, SLOT_FREE);
		prev = sl;
		if (!src.ended && pipe_fill(&p, &p.slot[filled++ % PIPE_SLOTS], &src) != 0) {
			snprintf(err, errlen, "input ended inside the text");
			ok = 0;
			break;
		}
		if (text)
			r.len += n;
		validate_ready(&r, 0);
		settle(&r, 0);
		if (text)
			continue;
		/* Keep what pending candidates and the context of future ones need. */
		keep_from = r.off + r.len > 2 * r.win + SPAN_MAX ? r.off + r.len - 2 * r.win - SPAN_MAX : r.off;
		for (size_t i = 0; i < r.c.n; i++) {
			size_t need = r.c.v[i].to > r.win + SPAN_MAX ? r.c.v[i].to - r.win - SPAN_MAX : 0;

			if (need < keep_from)
				keep_from = need < r.off ? r.off : need;
		}
		count_pages(&r, keep_from);
		r.text += keep_from - r.off;
		r.len -= keep_from - r.off;
		r.off = keep_from;
	}
	if (ok)
		ret = finish(&r, o, findings, tags, truncated, err, errlen);
	pthread_mutex_lock(&p.mu);
	p.stop = 1;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	pthread_join(tid, NULL);
destroy:
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	if (p.stream)
		hs_close_stream(p.stream, s->scratch, NULL, NULL);
	for (int i = 0; i < PIPE_SLOTS; i++) {
		free(p.slot[i].buf);
		free(p.slot[i].c.v);
	}
	run_release(&r);
	return ret;
}

int sila_scan_stream(struct sila_scanner *s, sila_read_fn read, void *ctx, int paged,
		     const struct sila_scan_opts *o, json_t **findings, json_t **tags,
		     int *truncated, char *err, size_t errlen)
{
	return scan_piped(s, NULL, 0, read, ctx, paged, o, findings, tags, truncated, err, errlen);
}

int sila_scan_text(struct sila_scanner *s, const char *text, size_t len, int paged,
		   const struct sila_scan_opts *o, json_t **findings, json_t **tags,
		   int *truncated, char *err, size_t errlen)
{
	struct run r;
	hs_error_t rc;
	int ret;

	if (len >= SILA_SCAN_PIPE_MIN)
		return scan_piped(s, text, len, NULL, NULL, paged, o, findings, tags, truncated, err,
				  errlen);
	*findings = NULL;
	*tags = NULL;
	*truncated = 0;
	if (run_init(&r, s, o, paged) != SILA_OK) {
		run_release(&r);
		snprintf(err, errlen, "out of memory");
		return SILA_FAILED;
	}
	r.text = text;
	r.len = len;
	rc = hs_scan(s->db, text, (unsigned)len, 0, s->scratch, on_match, &r.c);
	if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
		snprintf(err, errlen, "Hyperscan scan failed (%d)", (int)rc);
		run_release(&r);
		return SILA_FAILED;
	}
	ret = finish(&r, o, findings, tags, truncated, err, errlen);
	run_release(&r);
	return ret;
}
