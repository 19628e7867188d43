/*
 * keywords.h - context and negative keywords, found by one Hyperscan
 * literal database in the text around candidate matches.
 *
 * Every rule has two keyword lists: context keywords, which raise a
 * match's confidence, and negative keywords, which reject it. A keyword
 * matches whole words in any case (ASCII and the Latin-1 letters: "FÖDD"
 * is "född"); a leading '*' lets it end a longer word ("*telefon" in
 * "hemtelefon"), a trailing '*' lets it begin one ("telefon*" in
 * "telefonnummer"). docs/rules.md describes them for rule writers.
 *
 * A sila_kwset compiles the distinct keywords of all rules once. A
 * sila_kwindex holds, for one document, the keywords found so far over
 * one stretch of the text; the stretch grows as candidates ask for their
 * windows, in the order Hyperscan reports them, so the text between
 * numbers is never searched and the text around a number that several
 * rules match is searched once, not once per rule and keyword.
 *
 * Positions are absolute offsets in the document. The text passed with a
 * query holds the document's bytes off .. off + len (a sliding window when
 * a long text streams by); a query never reaches before off.
 *
 * Ownership: a sila_kwset borrows the rules it was made from, which must
 * outlive it; sila_kwset_free frees it. A sila_kwindex borrows its set and
 * scratch; sila_kwindex_release frees what it holds.
 */
#ifndef SILA_KEYWORDS_H
#define SILA_KEYWORDS_H

#include <stddef.h>

#include <hs.h>

#include "rules.h"

/* Which of a rule's two keyword lists a query asks about. */
enum sila_kwlist { SILA_KW_CONTEXT = 0, SILA_KW_NEGATIVE = 1 };

struct sila_kwset;

/*
 * Compiles the keywords of rules. A rule set without keywords gives a set
 * that finds none. Returns NULL with the reason in err.
 */
struct sila_kwset *sila_kwset_new(const struct sila_rules *rules, char *err, size_t errlen);
void sila_kwset_free(struct sila_kwset *k);

/* Makes scratch (new, or one that serves other databases too) serve the set as well. */
int sila_kwset_alloc_scratch(const struct sila_kwset *k, hs_scratch_t **scratch);

/* Whether a rule has any keyword in list. */
int sila_kwset_has(const struct sila_kwset *k, size_t rule, enum sila_kwlist list);

/* One keyword found: its distinct keyword text and its absolute span. */
struct sila_kwhit {
	size_t start, end;
	unsigned kw;
};

struct sila_kwindex {
	const struct sila_kwset *set;
	hs_scratch_t *scratch;
	struct sila_kwhit *hit;   /* in end order */
	size_t n, alloc;
	size_t cov_a, cov_b;      /* the stretch searched, absolute */
	size_t min_end;           /* while searching: hits ending here or before are known */
	int oom;                  /* memory ran short: keywords may be missing */
};

void sila_kwindex_init(struct sila_kwindex *ix, const struct sila_kwset *set,
		       hs_scratch_t *scratch);
void sila_kwindex_release(struct sila_kwindex *ix);

/*
 * Makes sure the keywords in [a, b) are known, searching only what is not
 * yet. Queries call it themselves; calling it first with the widest window
 * a candidate will need lets the narrower queries that follow reuse it.
 */
void sila_kwindex_cover(struct sila_kwindex *ix, const char *text, size_t off, size_t len,
			size_t a, size_t b);

/*
 * Where the last keyword of rule's list that lies wholly in [a, b) ends,
 * or SIZE_MAX when there is none. The window's edges count as word
 * boundaries.
 */
size_t sila_kwindex_last(struct sila_kwindex *ix, const char *text, size_t off, size_t len,
			 size_t a, size_t b, size_t rule, enum sila_kwlist list);

#endif
