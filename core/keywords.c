/*
 * keywords.c - context and negative keywords: one Hyperscan literal
 * database, searched lazily around candidate matches.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keywords.h"
#include "status.h"

/* The ways one keyword text may stand in a list: "konto", "*konto", "konto*", "*konto*". */
enum { V_EXACT = 1, V_OPEN_START = 2, V_OPEN_END = 4, V_OPEN_BOTH = 8 };

/* How far past the window asked for a search reaches, for the next candidate's window. */
#define KW_AHEAD 64

struct sila_kwset {
	hs_database_t *db;         /* NULL when no rule has a keyword */
	size_t nkw;                /* distinct keyword texts */
	size_t *len;               /* per keyword text: its length in bytes */
	unsigned char *last_word;  /* per keyword text: whether it ends in a word character */
	size_t maxlen;
	size_t nrules;
	unsigned char *member;     /* [(rule * 2 + list) * nkw + kw]: V_* bits */
	unsigned char *has;        /* [rule * 2 + list]: whether the list has a keyword */
};

/* Whether byte c continues a word: letters and digits, and UTF-8 letters. */
static int wordc(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* Finds or adds a keyword text (of n bytes) to texts; returns its index, or SIZE_MAX. */
static size_t intern(char ***texts, size_t *n, size_t *alloc, const char *s, size_t len)
{
	char *copy;

	for (size_t i = 0; i < *n; i++)
		if (strlen((*texts)[i]) == len && memcmp((*texts)[i], s, len) == 0)
			return i;
	if (*n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 64;
		char **p = realloc(*texts, na * sizeof(*p));

		if (!p)
			return SIZE_MAX;
		*texts = p;
		*alloc = na;
	}
	if (!(copy = malloc(len + 1)))
		return SIZE_MAX;
	memcpy(copy, s, len);
	copy[len] = '\0';
	(*texts)[*n] = copy;
	return (*n)++;
}

/*
 * The Hyperscan expression for a folded keyword: ASCII letters as they
 * are (the database is caseless), each Latin-1 lower-case letter as a
 * class of both its cases, every other byte escaped. NULL when memory is
 * short.
 */
static char *expression(const char *kw)
{
	size_t n = strlen(kw);
	char *e = malloc(n * 14 + 1), *p = e;

	if (!e)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)kw[i];

		if (c < 0x80 && isalnum(c)) {
			*p++ = (char)c;
		} else if (c == 0xc3 && i + 1 < n && (unsigned char)kw[i + 1] >= 0xa0 &&
			   (unsigned char)kw[i + 1] <= 0xbe && (unsigned char)kw[i + 1] != 0xb7) {
			unsigned char d = (unsigned char)kw[++i];

			p += sprintf(p, "\\xC3[\\x%02X\\x%02X]", d - 0x20, d);
		} else {
			p += sprintf(p, "\\x%02X", c);
		}
	}
	*p = '\0';
	return e;
}

/* One keyword as a list holds it: which rule's list, which text, which way. */
struct entry {
	size_t list;   /* rule * 2 + enum sila_kwlist */
	size_t kw;
	unsigned char variant;
};

/*
 * Interns the keyword texts of every rule's two lists and records which
 * list holds which text in which way; fails when memory is short.
 */
static int add_lists(struct sila_kwset *k, char ***texts, size_t *ntexts, size_t *alloc,
		     const struct sila_rules *rules)
{
	struct entry *e = NULL;
	size_t n = 0, cap = 0;
	int ret = SILA_FAILED;

	for (size_t l = 0; l < rules->nrules * 2; l++) {
		const struct sila_rule *ru = &rules->rule[l / 2];

		for (char **kw = l % 2 == SILA_KW_CONTEXT ? ru->context : ru->negative; kw && *kw; kw++) {
			size_t kl = strlen(*kw);
			int open_start = (*kw)[0] == '*', open_end = kl > 1 && (*kw)[kl - 1] == '*';

			kl -= (size_t)open_start + (size_t)open_end;
			if (!kl)
				continue;
			if (n == cap) {
				struct entry *g = realloc(e, (cap = cap ? cap * 2 : 64) * sizeof(*g));

				if (!g)
					goto out;
				e = g;
			}
			e[n].list = l;
			e[n].variant = (unsigned char)(open_start && open_end ? V_OPEN_BOTH :
						       open_start ? V_OPEN_START :
						       open_end ? V_OPEN_END : V_EXACT);
			if ((e[n++].kw = intern(texts, ntexts, alloc, *kw + open_start, kl)) == SIZE_MAX)
				goto out;
		}
	}
	k->nkw = *ntexts;
	k->nrules = rules->nrules;
	k->member = calloc(rules->nrules * 2 * (k->nkw ? k->nkw : 1), 1);
	k->has = calloc(rules->nrules * 2 + 1, 1);
	if (!k->member || !k->has)
		goto out;
	for (size_t i = 0; i < n; i++) {
		k->member[e[i].list * k->nkw + e[i].kw] |= e[i].variant;
		k->has[e[i].list] = 1;
	}
	ret = SILA_OK;
out:
	free(e);
	return ret;
}

struct sila_kwset *sila_kwset_new(const struct sila_rules *rules, char *err, size_t errlen)
{
	struct sila_kwset *k = calloc(1, sizeof(*k));
	char **texts = NULL, **exprs = NULL;
	size_t ntexts = 0, alloc = 0;
	unsigned *flags = NULL, *ids = NULL;
	hs_compile_error_t *cerr = NULL;

	if (!k || add_lists(k, &texts, &ntexts, &alloc, rules) != SILA_OK)
		goto oom;
	if (!ntexts)
		return k;
	k->len = calloc(ntexts, sizeof(*k->len));
	k->last_word = calloc(ntexts, 1);
	exprs = calloc(ntexts, sizeof(*exprs));
	flags = calloc(ntexts, sizeof(*flags));
	ids = calloc(ntexts, sizeof(*ids));
	if (!k->len || !k->last_word || !exprs || !flags || !ids)
		goto oom;
	for (size_t i = 0; i < ntexts; i++) {
		k->len[i] = strlen(texts[i]);
		k->last_word[i] = (unsigned char)wordc((unsigned char)texts[i][k->len[i] - 1]);
		if (k->len[i] > k->maxlen)
			k->maxlen = k->len[i];
		if (!(exprs[i] = expression(texts[i])))
			goto oom;
		flags[i] = HS_FLAG_CASELESS;
		ids[i] = (unsigned)i;
	}
	if (hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)ntexts, HS_MODE_BLOCK,
			     NULL, &k->db, &cerr) != HS_SUCCESS) {
		snprintf(err, errlen, "cannot compile the keywords: %s%s%s",
			 cerr ? cerr->message : "unknown error",
			 cerr && cerr->expression >= 0 ? " in " : "",
			 cerr && cerr->expression >= 0 ? texts[cerr->expression] : "");
		hs_free_compile_error(cerr);
		k->db = NULL;
		goto fail;
	}
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	sila_kwset_free(k);
	k = NULL;
out:
	for (size_t i = 0; i < ntexts; i++) {
		free(texts[i]);
		if (exprs)
			free(exprs[i]);
	}
	free(texts);
	free(exprs);
	free(flags);
	free(ids);
	return k;
}

void sila_kwset_free(struct sila_kwset *k)
{
	if (!k)
		return;
	hs_free_database(k->db);
	free(k->len);
	free(k->last_word);
	free(k->member);
	free(k->has);
	free(k);
}

int sila_kwset_alloc_scratch(const struct sila_kwset *k, hs_scratch_t **scratch)
{
	if (!k->db)
		return SILA_OK;
	return hs_alloc_scratch(k->db, scratch) == HS_SUCCESS ? SILA_OK : SILA_FAILED;
}

int sila_kwset_has(const struct sila_kwset *k, size_t rule, enum sila_kwlist list)
{
	return k->db && rule < k->nrules && k->has[rule * 2 + (size_t)list];
}

void sila_kwindex_init(struct sila_kwindex *ix, const struct sila_kwset *set,
		       hs_scratch_t *scratch)
{
	memset(ix, 0, sizeof(*ix));
	ix->set = set;
	ix->scratch = scratch;
}

void sila_kwindex_release(struct sila_kwindex *ix)
{
	free(ix->hit);
	ix->hit = NULL;
	ix->n = ix->alloc = 0;
}

/* What a search hands its matches: the index and the absolute offset it began at. */
struct search {
	struct sila_kwindex *ix;
	size_t base;
};

/* Adds a keyword found, unless an earlier search already knows it. */
static int on_keyword(unsigned id, unsigned long long from, unsigned long long to,
		      unsigned flags, void *ctx)
{
	struct search *s = ctx;
	struct sila_kwindex *ix = s->ix;
	size_t end = s->base + (size_t)to;

	(void)from;
	(void)flags;
	if (end <= ix->min_end)
		return 0;
	if (ix->n == ix->alloc) {
		size_t na = ix->alloc ? ix->alloc * 2 : 64;
		struct sila_kwhit *p = realloc(ix->hit, na * sizeof(*p));

		if (!p) {
			ix->oom = 1;
			return 1; /* stop: what was found stays usable */
		}
		ix->hit = p;
		ix->alloc = na;
	}
	ix->hit[ix->n].start = end - ix->set->len[id];
	ix->hit[ix->n].end = end;
	ix->hit[ix->n].kw = id;
	ix->n++;
	return 0;
}

/* The number of hits that end at or before pos. */
static size_t ending_by(const struct sila_kwindex *ix, size_t pos)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->hit[mid].end <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void sila_kwindex_cover(struct sila_kwindex *ix, const char *text, size_t off, size_t len,
			size_t a, size_t b)
{
	const struct sila_kwset *k = ix->set;
	struct search s = { ix, 0 };
	size_t held = off + len, from, drop;

	if (!k->db)
		return;
	if (a < off)
		a = off;
	if (b > held)
		b = held;
	if (a >= b || (a >= ix->cov_a && b <= ix->cov_b))
		return;
	if (ix->cov_b > ix->cov_a && a >= ix->cov_a && a <= ix->cov_b && ix->cov_b >= off) {
		/* Go on from where the last search stopped, back by a keyword's length. */
		from = ix->cov_b > ix->cov_a + k->maxlen - 1 ? ix->cov_b - (k->maxlen - 1) : ix->cov_a;
		if (from < off)
			from = off;
		ix->min_end = ix->cov_b;
		/* Forget what no later window reaches, once it is most of what is held. */
		drop = ending_by(ix, a);
		if (drop >= 64 && drop * 2 >= ix->n) {
			memmove(ix->hit, ix->hit + drop, (ix->n - drop) * sizeof(*ix->hit));
			ix->n -= drop;
			ix->cov_a = a;
		}
	} else {
		ix->n = 0;
		ix->cov_a = from = ix->min_end = a;
	}
	b = held - b > KW_AHEAD ? b + KW_AHEAD : held;
	s.base = from;
	if (hs_scan(k->db, text + (from - off), (unsigned)(b - from), 0, ix->scratch, on_keyword,
		    &s) != HS_SUCCESS)
		ix->oom = 1;
	ix->cov_b = b;
}

size_t sila_kwindex_last(struct sila_kwindex *ix, const char *text, size_t off, size_t len,
			 size_t a, size_t b, size_t rule, enum sila_kwlist list)
{
	const struct sila_kwset *k = ix->set;
	const unsigned char *m;

	if (!sila_kwset_has(k, rule, list) || b <= a)
		return SIZE_MAX;
	sila_kwindex_cover(ix, text, off, len, a, b);
	m = k->member + (rule * 2 + (size_t)list) * k->nkw;
	for (size_t i = ending_by(ix, b); i-- > 0;) {
		const struct sila_kwhit *h = &ix->hit[i];
		unsigned v;
		int before, after;

		if (h->end <= a)
			break;
		if (h->start < a || !(v = m[h->kw]))
			continue;
		before = h->start > a && h->start > off && wordc((unsigned char)text[h->start - 1 - off]);
		after = h->end < b && h->end < off + len && k->last_word[h->kw] &&
			wordc((unsigned char)text[h->end - off]);
		if ((v & V_OPEN_BOTH) || ((v & V_OPEN_START) && !after) ||
		    ((v & V_OPEN_END) && !before) || ((v & V_EXACT) && !before && !after))
			return h->end;
	}
	return SIZE_MAX;
}
