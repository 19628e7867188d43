/*
 * scan.c - Hyperscan matching, validation, context and aggregation.
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include <hs.h>

#include "hash.h"
#include "names.h"
#include "scan.h"
#include "status.h"

struct sila_scanner {
	const struct sila_rules *rules;
	hs_database_t *db;        /* block mode, for texts held whole */
	hs_database_t *sdb;       /* streaming mode, made on first use */
	hs_scratch_t *scratch;    /* serves both */
	size_t win;               /* context a match needs on each side */
};

/* A match as Hyperscan reported it: the expression and where it ended. */
struct cand {
	unsigned expr;
	size_t from, to;
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

/* Compiles the enabled rules into one database of the given Hyperscan mode. */
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

		if (!r->enabled)
			continue;
		exprs[n] = rules->expr[i].text;
		flags[n] = rules->expr[i].flags | (r->som ? HS_FLAG_SOM_LEFTMOST : 0);
		ids[n] = (unsigned)i;
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no enabled rule has an expression");
		goto out;
	}
	if (hs_compile_multi(exprs, flags, ids, n, mode, NULL, &db, &cerr) != HS_SUCCESS) {
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
	if (!s->db)
		goto fail;
	if (hs_alloc_scratch(s->db, &s->scratch) != HS_SUCCESS) {
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
	hs_free_database(s->db);
	hs_free_database(s->sdb);
	free(s);
}

/* Collects every match; validation waits until the scan is done. */
static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ctx)
{
	struct cands *c = ctx;

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
	c->v[c->n].from = (size_t)from;
	c->v[c->n].to = (size_t)to;
	c->n++;
	return 0;
}

/* Whether byte c continues a word: letters and digits, and UTF-8 letters. */
static int wordc(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/*
 * Where the last keyword in text[a, b) ends, or SIZE_MAX when none is
 * there. A keyword matches a whole word (or words) in any case; a leading
 * '*' lets it end a longer word ("*telefon" in "hemtelefon"), a trailing
 * '*' lets it begin one ("telefon*" in "telefonnummer"). Keywords are
 * folded to lower case when the rules are loaded; the window is folded here.
 */
static size_t last_keyword(const char *text, size_t a, size_t b, char *const *kw)
{
	char small[1024], *w = small;
	size_t n = b - a, best = SIZE_MAX;

	if (!kw || !*kw || b <= a)
		return SIZE_MAX;
	if (n >= sizeof(small) && !(w = malloc(n + 1)))
		return SIZE_MAX;
	sila_fold(text + a, n, w);
	w[n] = '\0';
	for (char *const *k = kw; *k; k++) {
		const char *key = *k;
		size_t kl = strlen(key);
		int open_start = key[0] == '*', open_end = kl > 1 && key[kl - 1] == '*';

		key += open_start;
		kl -= (size_t)open_start + (size_t)open_end;
		if (!kl)
			continue;
		for (const char *p = w; (p = memmem(p, (size_t)(w + n - p), key, kl)); p++) {
			size_t end = (size_t)(p - w) + kl;

			if (!open_start && p > w && wordc((unsigned char)p[-1]))
				continue;
			if (!open_end && end < n && wordc((unsigned char)w[end]) &&
			    wordc((unsigned char)key[kl - 1]))
				continue;
			if (best == SIZE_MAX || a + end > best)
				best = a + end;
		}
	}
	if (w != small)
		free(w);
	return best;
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
static int rejected(const char *text, size_t len, size_t start, size_t end,
		    const struct sila_rule *r)
{
	size_t a = start > r->negative_window ? start - r->negative_window : 0, neg, b;

	for (size_t i = start; i > a; i--) {
		unsigned char c = (unsigned char)text[i - 1];

		if (c == '\n' || c == '\f' || c == '\r' || (isdigit(c) && i < start)) {
			a = i;
			break;
		}
	}
	neg = last_keyword(text, a, start, r->negative);
	if (neg == SIZE_MAX)
		return 0;
	if (last_keyword(text, neg, start, r->context) != SIZE_MAX)
		return 0;
	for (b = end; b < len && b < end + AFTER_WINDOW && text[b] != '\n' && text[b] != '\f'; b++)
		;
	return last_keyword(text, end, b, r->context) == SIZE_MAX;
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
	int oom;
};

/* How far apart two hits' ends can be and their spans still overlap. */
#define SPAN_MAX 64

static int run_init(struct run *r, const struct sila_scanner *s, const struct sila_scan_opts *o,
		    int paged)
{
	memset(r, 0, sizeof(*r));
	r->rules = s->rules;
	r->vctx.today = o->today;
	r->vctx.allow_interim = o->allow_interim;
	r->paged = paged;
	r->win = s->win;
	r->page = 1;
	r->c.max = o->max_matches ? o->max_matches : 1000000;
	r->rule_end = calloc(s->rules->nrules + 1, sizeof(*r->rule_end));
	r->rule_last = calloc(s->rules->nrules + 1, sizeof(*r->rule_last));
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
	size_t end = cd->to - r->off, a, b;
	struct sila_id id;

	if (cd->to < r->off || end > r->len || (ru->som && cd->from < r->off))
		return; /* longer than the window held: not a number or a marking */
	memset(&id, 0, sizeof(id));
	id.start = cd->from >= r->off ? cd->from - r->off : 0;
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
	if (r->rule_end[e->rule] && id.start + r->off < r->rule_end[e->rule]) {
		size_t last = r->rule_last[e->rule];
		struct hit *prev = last >= r->seq0 ? &r->hits[last - r->seq0] : NULL;

		if (prev && id.start + r->off == prev->id.start && id.end + r->off > prev->id.end &&
		    !rejected(r->text, r->len, id.start, id.end, ru)) {
			prev->id.end = id.end + r->off;
			memcpy(prev->id.canon, id.canon, sizeof(id.canon));
			memcpy(prev->id.masked, id.masked, sizeof(id.masked));
			r->rule_end[e->rule] = prev->id.end;
		}
		return;
	}
	/* Negative keywords just before the match reject it (a phone number, an org.nr). */
	if (rejected(r->text, r->len, id.start, id.end, ru))
		return;
	a = id.start > ru->window ? id.start - ru->window : 0;
	b = id.end + ru->window < r->len ? id.end + ru->window : r->len;
	if (last_keyword(r->text, a, b, ru->context) != SIZE_MAX)
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
	for (size_t k = 0; k < naggs; k++) {
		const struct sila_rule *r = &rules->rule[aggs[k].rule];
		json_t *f = json_object();

		json_object_set_new(f, "rule", json_string(r->id));
		json_object_set_new(f, "value", json_string(reveal ? aggs[k].canon : aggs[k].masked));
		json_object_set_new(f, "count", json_integer((json_int_t)aggs[k].count));
		json_object_set_new(f, "confidence", json_string(sila_confidence_name(aggs[k].conf)));
		if (paged)
			json_object_set_new(f, "page", json_integer(aggs[k].page));
		json_object_set_new(f, "offset", json_integer((json_int_t)aggs[k].offset));
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

int sila_scan_text(struct sila_scanner *s, const char *text, size_t len, int paged,
		   const struct sila_scan_opts *o, json_t **findings, json_t **tags,
		   int *truncated, char *err, size_t errlen)
{
	struct run r;
	hs_error_t rc;
	int ret;

	*findings = NULL;
	*tags = NULL;
	*truncated = 0;
	if (len > UINT32_MAX) {
		snprintf(err, errlen, "text longer than 4 GiB to scan whole");
		return SILA_FAILED;
	}
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

/* The size of the chunks a streamed text is read in. */
#define STREAM_CHUNK ((size_t)1 << 20)

int sila_scan_stream(struct sila_scanner *s, sila_read_fn read, void *ctx, int paged,
		     const struct sila_scan_opts *o, json_t **findings, json_t **tags,
		     int *truncated, char *err, size_t errlen)
{
	struct run r;
	hs_stream_t *stream = NULL;
	char *buf = NULL;
	size_t cap = STREAM_CHUNK + 4 * s->win + 4 * SPAN_MAX, held = 0, n;
	int ret = SILA_FAILED;

	*findings = NULL;
	*tags = NULL;
	*truncated = 0;
	if (!s->sdb) {
		s->sdb = database(s->rules, HS_MODE_STREAM | HS_MODE_SOM_HORIZON_SMALL, err, errlen);
		if (!s->sdb || hs_alloc_scratch(s->sdb, &s->scratch) != HS_SUCCESS) {
			if (s->sdb)
				snprintf(err, errlen, "cannot allocate Hyperscan scratch space");
			return SILA_FAILED;
		}
	}
	if (run_init(&r, s, o, paged) != SILA_OK || !(buf = malloc(cap)) ||
	    hs_open_stream(s->sdb, 0, &stream) != HS_SUCCESS) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	r.text = buf;
	while ((n = read(ctx, buf + held, STREAM_CHUNK)) != 0) {
		size_t keep_from;
		hs_error_t rc;

		if (n == (size_t)-1) {
			snprintf(err, errlen, "input ended inside the text");
			goto out;
		}
		rc = hs_scan_stream(stream, buf + held, (unsigned)n, 0, s->scratch, on_match, &r.c);
		if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
			snprintf(err, errlen, "Hyperscan scan failed (%d)", (int)rc);
			goto out;
		}
		held += n;
		r.len = held;
		validate_ready(&r, 0);
		settle(&r, 0);
		/* Keep what pending candidates and the context of future ones need. */
		keep_from = r.off + held > 2 * r.win + SPAN_MAX ? r.off + held - 2 * r.win - SPAN_MAX : r.off;
		for (size_t i = 0; i < r.c.n; i++) {
			size_t need = r.c.v[i].to > r.win + SPAN_MAX ? r.c.v[i].to - r.win - SPAN_MAX : 0;

			if (need < keep_from)
				keep_from = need < r.off ? r.off : need;
		}
		count_pages(&r, keep_from);
		memmove(buf, buf + (keep_from - r.off), r.off + held - keep_from);
		held -= keep_from - r.off;
		r.off = keep_from;
		r.len = held;
		if (held + STREAM_CHUNK > cap) {
			/* Candidates waiting on a long run of context: grow rather than lose them. */
			char *nb = realloc(buf, held + STREAM_CHUNK);

			if (!nb) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			buf = nb;
			cap = held + STREAM_CHUNK;
			r.text = buf;
		}
	}
	hs_close_stream(stream, s->scratch, on_match, &r.c);
	stream = NULL;
	ret = finish(&r, o, findings, tags, truncated, err, errlen);
out:
	if (stream)
		hs_close_stream(stream, s->scratch, NULL, NULL);
	free(buf);
	run_release(&r);
	return ret;
}
