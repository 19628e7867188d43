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
	hs_database_t *db;
	hs_scratch_t *scratch;
};

/* A match as Hyperscan reported it: the expression and where it ended. */
struct cand {
	unsigned expr;
	size_t from, to;
};

struct cands {
	struct cand *v;
	size_t n, alloc, max;
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

/* A validated match, before aggregation. */
struct hit {
	size_t rule;
	struct sila_id id;
	enum sila_confidence conf;
	int dropped;
};

/*
 * The cache key of a compiled database: the rule set's hash, which rules
 * are enabled, the Hyperscan version and the CPU features it compiled for.
 */
static void cache_key(const struct sila_rules *rules, char key[SILA_SHA256_HEX])
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

/* Compiles the enabled rules into one block-mode database. */
static hs_database_t *compile(const struct sila_rules *rules, char *err, size_t errlen)
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
	if (hs_compile_multi(exprs, flags, ids, n, HS_MODE_BLOCK, NULL, &db, &cerr) != HS_SUCCESS) {
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

struct sila_scanner *sila_scanner_new(const struct sila_rules *rules, char *err, size_t errlen)
{
	struct sila_scanner *s = calloc(1, sizeof(*s));
	char key[SILA_SHA256_HEX], path[4096];
	int cached;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->rules = rules;
	cache_key(rules, key);
	cached = cache_path(key, path, sizeof(path)) == 0;
	if (cached)
		s->db = cache_load(path);
	if (!s->db) {
		s->db = compile(rules, err, errlen);
		if (!s->db)
			goto fail;
		if (cached)
			cache_store(s->db, path);
	}
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
	free(s);
}

/* Collects every match; validation waits until the scan is done. */
static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ctx)
{
	struct cands *c = ctx;

	(void)flags;
	if (c->n >= c->max) {
		c->truncated = 1;
		return 1; /* stop: the cap on candidates is reached */
	}
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

/*
 * Whether a negative keyword rejects a match starting at start. The window
 * reaches back at most window bytes, but never past a line break or
 * another number (a "tel" before a phone number says nothing of the
 * personnummer after it), and a context keyword nearer the match than the
 * negative one wins ("Telefon / personnummer: ...").
 */
static int rejected(const char *text, size_t start, const struct sila_rule *r)
{
	size_t a = start > r->negative_window ? start - r->negative_window : 0, neg;

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
	return last_keyword(text, neg, start, r->context) == SIZE_MAX;
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

/*
 * Confirms each candidate with its rule's validator, weighs the keywords
 * around it, and keeps the confirmed ones as hits, in end order. Overlapping
 * matches of one rule (two expressions for one citation) are one hit.
 */
static int validate(const struct sila_rules *rules, const char *text, size_t len,
		    const struct cands *c, const struct sila_vctx *vctx,
		    struct hit **out, size_t *nout)
{
	size_t *rule_end = calloc(rules->nrules + 1, sizeof(*rule_end));
	size_t *rule_last = calloc(rules->nrules + 1, sizeof(*rule_last));
	struct hit *hits = NULL;
	size_t n = 0, alloc = 0;

	if (!rule_end || !rule_last) {
		free(rule_end);
		free(rule_last);
		return SILA_FAILED;
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct sila_expr *e = &rules->expr[c->v[i].expr];
		const struct sila_rule *r = &rules->rule[e->rule];
		enum sila_confidence conf = r->confidence;
		struct sila_id id;
		size_t a, b;

		memset(&id, 0, sizeof(id));
		id.start = c->v[i].from;
		if (r->validator) {
			if (!r->validator->fn(text, len, c->v[i].to, vctx, &id))
				continue;
		} else {
			size_t k = c->v[i].to - c->v[i].from;

			if (k >= sizeof(id.canon))
				k = sizeof(id.canon) - 1;
			memcpy(id.canon, text + c->v[i].from, k);
			id.canon[k] = '\0';
			memcpy(id.masked, id.canon, sizeof(id.masked));
			id.end = c->v[i].to;
			id.strong = 1;
		}
		/*
		 * A rule's matches that overlap are one occurrence (two expressions
		 * for one citation). Hyperscan reports the shorter of two matches
		 * at one start first ("HEMLIG" before "HEMLIG/SECRET"); the longer
		 * one, once confirmed, takes its place.
		 */
		if (rule_end[e->rule] && id.start < rule_end[e->rule]) {
			struct hit *prev = &hits[rule_last[e->rule]];

			if (id.start == prev->id.start && id.end > prev->id.end &&
			    !rejected(text, id.start, r)) {
				prev->id = id;
				rule_end[e->rule] = id.end;
			}
			continue;
		}
		/* Negative keywords just before the match reject it (a phone number, an org.nr). */
		if (rejected(text, id.start, r))
			continue;
		a = id.start > r->window ? id.start - r->window : 0;
		b = id.end + r->window < len ? id.end + r->window : len;
		if (last_keyword(text, a, b, r->context) != SIZE_MAX)
			conf = conf < SILA_CONF_HIGH ? conf + 1 : conf;
		else if (r->require_context)
			continue;
		else if (!id.strong && conf > SILA_CONF_LOW)
			conf--;
		rule_end[e->rule] = id.end;
		rule_last[e->rule] = n;
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct hit *p = realloc(hits, na * sizeof(*p));

			if (!p) {
				free(hits);
				free(rule_end);
				free(rule_last);
				return SILA_FAILED;
			}
			hits = p;
			alloc = na;
		}
		hits[n].rule = e->rule;
		hits[n].id = id;
		hits[n].conf = conf;
		hits[n].dropped = 0;
		n++;
	}
	free(rule_end);
	free(rule_last);
	*out = hits;
	*nout = n;
	return SILA_OK;
}

/* How far apart two hits' ends can be and their spans still overlap. */
#define SPAN_MAX 64

/*
 * When a match that no checksum confirmed (a CPR number) covers the same
 * digits as a checksum-confirmed match of another rule (a personnummer),
 * the confirmed one is the finding. Hits are in end order and short, so
 * only near neighbours need looking at.
 */
static void resolve_overlaps(struct hit *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
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

/* Grows the open-addressing index over aggs so it stays at most half full. */
static int grow_table(size_t **table, size_t *tsize, const struct agg *aggs, size_t naggs)
{
	size_t ns = *tsize ? *tsize * 2 : 64;
	size_t *nt = malloc(ns * sizeof(*nt));

	if (!nt)
		return SILA_FAILED;
	for (size_t k = 0; k < ns; k++)
		nt[k] = SIZE_MAX;
	for (size_t k = 0; k < naggs; k++) {
		size_t sl = agg_hash(aggs[k].rule, aggs[k].canon) & (ns - 1);

		while (nt[sl] != SIZE_MAX)
			sl = (sl + 1) & (ns - 1);
		nt[sl] = k;
	}
	free(*table);
	*table = nt;
	*tsize = ns;
	return SILA_OK;
}

/*
 * Aggregates the kept hits per rule and distinct value, with the page and
 * offset of the first occurrence, into *out (sorted by offset).
 */
static int aggregate(const char *text, int paged, const struct hit *h, size_t n,
		     struct agg **out, size_t *nout)
{
	struct agg *aggs = NULL;
	size_t naggs = 0, aalloc = 0, *table = NULL, tsize = 0, page_pos = 0;
	unsigned page = 1;

	for (size_t i = 0; i < n; i++) {
		size_t slot;

		if (h[i].dropped)
			continue;
		if (paged) {
			if (h[i].id.start < page_pos) {
				page_pos = 0;
				page = 1;
			}
			for (; page_pos < h[i].id.start; page_pos++)
				page += text[page_pos] == '\f';
		}
		if (naggs * 2 >= tsize && grow_table(&table, &tsize, aggs, naggs) != SILA_OK)
			goto oom;
		for (slot = agg_hash(h[i].rule, h[i].id.canon) & (tsize - 1); table[slot] != SIZE_MAX;
		     slot = (slot + 1) & (tsize - 1))
			if (aggs[table[slot]].rule == h[i].rule &&
			    strcmp(aggs[table[slot]].canon, h[i].id.canon) == 0)
				break;
		if (table[slot] == SIZE_MAX) {
			struct agg *ag;

			if (naggs == aalloc) {
				size_t na = aalloc ? aalloc * 2 : 16;
				struct agg *p = realloc(aggs, na * sizeof(*p));

				if (!p)
					goto oom;
				aggs = p;
				aalloc = na;
			}
			ag = &aggs[naggs];
			ag->rule = h[i].rule;
			memcpy(ag->canon, h[i].id.canon, sizeof(ag->canon));
			memcpy(ag->masked, h[i].id.masked, sizeof(ag->masked));
			ag->count = 0;
			ag->offset = h[i].id.start;
			ag->page = page;
			ag->conf = h[i].conf;
			table[slot] = naggs++;
		}
		aggs[table[slot]].count++;
		if (h[i].conf > aggs[table[slot]].conf)
			aggs[table[slot]].conf = h[i].conf;
	}
	free(table);
	if (naggs)
		qsort(aggs, naggs, sizeof(*aggs), cmp_agg_offset);
	*out = aggs;
	*nout = naggs;
	return SILA_OK;
oom:
	free(table);
	free(aggs);
	return SILA_FAILED;
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

int sila_scan_text(struct sila_scanner *s, const char *text, size_t len, int paged,
		   const struct sila_scan_opts *o, json_t **findings, json_t **tags,
		   int *truncated, char *err, size_t errlen)
{
	struct cands c = { NULL, 0, 0, o->max_matches ? o->max_matches : 1000000, 0 };
	struct sila_vctx vctx = { o->today, o->allow_interim };
	struct hit *hits = NULL;
	struct agg *aggs = NULL;
	size_t nhits = 0, naggs = 0;
	hs_error_t rc;

	*findings = NULL;
	*tags = NULL;
	*truncated = 0;
	if (len > UINT32_MAX) {
		snprintf(err, errlen, "text longer than 4 GiB");
		return SILA_FAILED;
	}
	rc = hs_scan(s->db, text, (unsigned)len, 0, s->scratch, on_match, &c);
	if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
		snprintf(err, errlen, "Hyperscan scan failed (%d)", (int)rc);
		free(c.v);
		return SILA_FAILED;
	}
	*truncated = c.truncated;
	if (validate(s->rules, text, len, &c, &vctx, &hits, &nhits) != SILA_OK ||
	    (resolve_overlaps(hits, nhits), aggregate(text, paged, hits, nhits, &aggs, &naggs)) != SILA_OK) {
		snprintf(err, errlen, "out of memory");
		free(c.v);
		free(hits);
		return SILA_FAILED;
	}
	*findings = json_array();
	*tags = json_array();
	to_json(s->rules, aggs, naggs, paged, o->reveal, *findings, *tags);
	free(c.v);
	free(hits);
	free(aggs);
	return SILA_OK;
}
