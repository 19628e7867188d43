/*
 * classify.h - from findings to a result line: tags, level, label,
 * leak warning, and a container's level from its members.
 *
 * Records arrive in stream order, where a container's members come before
 * the container; the classifier keeps, per nesting depth, what the members
 * seen so far add up to, and folds it into the container when it comes.
 *
 * Ownership: the classifier borrows the policy and rule set, which must
 * outlive it; sila_classify returns a new reference the caller owns, which
 * may share values (the findings) with the header it was given; neither
 * is to be changed after.
 */
#ifndef SILA_CLASSIFY_H
#define SILA_CLASSIFY_H

#include <jansson.h>

#include "policy.h"
#include "rules.h"

struct sila_classifier;

struct sila_classifier *sila_classifier_new(const struct sila_policy *policy,
					    const struct sila_rules *rules);
void sila_classifier_free(struct sila_classifier *c);

/*
 * The result line for one record from sila-scan: the contract's fields in
 * the contract's order (README, "Output"). NULL when memory is short.
 */
json_t *sila_classify(struct sila_classifier *c, const json_t *hdr);

#endif
