/*
 * policy.h - the classification policy: how tags and amounts of findings
 * become a level on SKR's KLASSA scale (0-4), what each level is called,
 * when the leak warning is given, and the default failing level.
 *
 * The policy is data (patterns/policy.conf, described in sila-rules(5));
 * nothing about levels is decided in C.
 *
 * Ownership: a sila_policy owns all its strings; sila_policy_free frees them.
 */
#ifndef SILA_POLICY_H
#define SILA_POLICY_H

#include <stddef.h>

#include "hash.h"

#define SILA_LEVELS 5

struct sila_tag_level {
	char *tag;
	int level;
};

/* A word in a sensitivity label's name, and the tag it stands for. */
struct sila_label_tag {
	char *word;
	char *tag;
};

/* A tag that holds when all of a set of other tags do. */
struct sila_implication {
	char *tag;
	char **all_of; /* NULL-terminated */
};

struct sila_policy {
	char *labels[SILA_LEVELS];
	struct sila_tag_level *tags;
	size_t ntags;
	char *large_tag;      /* tag whose distinct values are counted */
	size_t large_count;   /* that many make "large amounts" (0: off) */
	int large_level;
	char *leak_when;      /* tag that calls for a marking */
	char **leak_unless;   /* tags that count as a marking; NULL-terminated */
	struct sila_label_tag *label_tags; /* [labels]: which label names mean which tag */
	size_t nlabel_tags;
	struct sila_implication *implies;
	size_t nimplies;
	int fail_level;
	char hash[SILA_SHA256_HEX];
};

/* Loads a policy file; NULL with "file:line: reason" in err. */
struct sila_policy *sila_policy_load(const char *path, char *err, size_t errlen);

/* Parses a policy already read (len bytes of text, named name in messages); as sila_policy_load. */
struct sila_policy *sila_policy_parse(const char *text, size_t len, const char *name, char *err,
				      size_t errlen);
void sila_policy_free(struct sila_policy *p);

/*
 * Adds to tags (a jansson array of strings) every tag the policy's
 * [implies] section derives from them, until nothing more follows.
 */
struct json_t;
void sila_policy_imply(const struct sila_policy *p, struct json_t *tags);

/*
 * The tag a sensitivity label of this name stands for by the policy's
 * [labels] section (a key matches when it is a whole word or words of the
 * name, in any case), or NULL.
 */
const char *sila_policy_label_tag(const struct sila_policy *p, const char *name);

/* The level a tag raises a document to; 0 for a tag the policy does not name. */
int sila_policy_tag_level(const struct sila_policy *p, const char *tag);

#endif
