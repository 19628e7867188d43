/*
 * conf.h - the line reader of sila's "key = value" files: the rule files
 * in patterns/ and the policy (patterns/policy.conf), whose stanzas or
 * sections begin with a "[name]" heading. Blank lines and lines starting
 * with '#' are skipped; keys and values are trimmed of white space.
 *
 * What a line means, and which lines are errors, is the caller's: a rule
 * file and the policy's sections each have their own keys.
 *
 * Ownership: a sila_conf reads a text the caller owns and cuts it into
 * lines in place; the strings it gives point into that text.
 */
#ifndef SILA_CONF_H
#define SILA_CONF_H

/* What the next meaningful line is. */
enum sila_conf_kind {
	SILA_KV_END,          /* no more lines */
	SILA_KV_SECTION,      /* "[name]": key is the name (perhaps empty) */
	SILA_KV_BAD_SECTION,  /* a '[' line that is no heading: key is the line */
	SILA_KV_PAIR,         /* "key = value": key and val */
	SILA_KV_NO_EQUALS     /* anything else: key is the line */
};

struct sila_conf {
	char *next;      /* the text not yet read */
	unsigned line;   /* the number of the line last read, from 1 */
	char *key, *val;
};

void sila_conf_init(struct sila_conf *c, char *text);
enum sila_conf_kind sila_conf_next(struct sila_conf *c);

/* Trims white space at both ends of s, in place; returns the start. */
char *sila_conf_trim(char *s);

#endif
