/*
 * rules.h - the rule set: rule files in patterns/ parsed into memory.
 *
 * A rule file (patterns/NAME.rules; docs/rules.md and sila-rules(5) describe
 * the format) holds stanzas of "key = value" lines under a "[rule.id]"
 * heading. Each rule has one or more Hyperscan expressions, optional flags,
 * an optional validator named by its C name, context keywords that raise
 * confidence, negative keywords that reject a match, and the tags it
 * contributes. The rule set's hash (all rule files and the policy, in name
 * order) is reported in every result so a finding can be traced.
 *
 * Ownership: a sila_rules owns every string in it; sila_rules_free frees all.
 */
#ifndef SILA_RULES_H
#define SILA_RULES_H

#include <stddef.h>

#include "hash.h"
#include "validate.h"

enum sila_confidence { SILA_CONF_LOW = 0, SILA_CONF_MEDIUM = 1, SILA_CONF_HIGH = 2 };

/* One expression of a rule and where it was written, for error messages. */
struct sila_expr {
	char *text;
	unsigned flags;     /* Hyperscan HS_FLAG_* bits */
	const char *file;   /* points into the rule set's file names */
	unsigned line;
	size_t rule;        /* index of the rule it belongs to */
};

struct sila_rule {
	char *id;                   /* "se.personnummer" */
	char *name;                 /* a human name */
	const struct sila_validator *validator; /* NULL: the match itself counts */
	char **context;             /* keywords that raise confidence; NULL-terminated */
	char **negative;            /* keywords that reject the match; NULL-terminated */
	unsigned window;            /* bytes around the match searched for context */
	unsigned negative_window;   /* bytes before the match searched for negatives */
	char **tags;                /* tags it contributes; NULL-terminated */
	enum sila_confidence confidence; /* confidence with no context either way */
	int require_context;        /* report only with a context keyword near */
	char **yield_to;            /* rules this one gives way to on the same digits; NULL-terminated */
	int enabled;
	int som;                    /* Hyperscan must report the start: flag S, or no validator */
};

struct sila_rules {
	struct sila_rule *rule;
	size_t nrules;
	struct sila_expr *expr;
	size_t nexpr;
	char **files;               /* the files read, in order */
	size_t nfiles;
	char hash[SILA_SHA256_HEX]; /* of every rule file and the policy */
	char err[512];              /* why loading failed: "file:line: reason" */
};

/*
 * Loads every *.rules file of dir, in name order, and hashes them together
 * with dir/policy.conf. Returns NULL with the reason in err.
 */
struct sila_rules *sila_rules_load(const char *dir, char *err, size_t errlen);
void sila_rules_free(struct sila_rules *r);

/* The rule with this id, or NULL. */
const struct sila_rule *sila_rules_find(const struct sila_rules *r, const char *id);

/* Enables or disables a rule by id; returns -1 if there is none. */
int sila_rules_enable(struct sila_rules *r, const char *id, int on);

/* The report's word for a confidence: "low", "medium", "high". */
const char *sila_confidence_name(enum sila_confidence c);

/* Splits s at commas into a NULL-terminated array of trimmed strings; NULL when memory is short. */
char **sila_split_list(const char *s);
void sila_free_list(char **list);

/* Reads a whole small file into a NUL-terminated string; NULL on error (errno set). */
char *sila_read_small_file(const char *path, size_t max, size_t *len);

#endif
