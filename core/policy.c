/*
 * policy.c - reading the classification policy.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"
#include "names.h"
#include "policy.h"
#include "rules.h"

#define POLICY_MAX ((size_t)1 << 20)

void sila_policy_free(struct sila_policy *p)
{
	if (!p)
		return;
	for (int i = 0; i < SILA_LEVELS; i++)
		free(p->labels[i]);
	for (size_t i = 0; i < p->ntags; i++)
		free(p->tags[i].tag);
	free(p->tags);
	free(p->large_tag);
	free(p->leak_when);
	sila_free_list(p->leak_unless);
	for (size_t i = 0; i < p->nlabel_tags; i++) {
		free(p->label_tags[i].word);
		free(p->label_tags[i].tag);
	}
	free(p->label_tags);
	for (size_t i = 0; i < p->nimplies; i++) {
		free(p->implies[i].tag);
		sila_free_list(p->implies[i].all_of);
	}
	free(p->implies);
	free(p);
}

/* Whether word (folded) stands in text (folded) with no letter or digit on either side. */
static int has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; n && (p = strstr(p, word)); p++) {
		int before = p == text || !(isalnum((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0x80);
		int after = !(isalnum((unsigned char)p[n]) || (unsigned char)p[n] >= 0x80);

		if (before && after)
			return 1;
	}
	return 0;
}

const char *sila_policy_label_tag(const struct sila_policy *p, const char *name)
{
	char *n = strdup(name ? name : "");
	const char *tag = NULL;

	if (!n)
		return NULL;
	sila_fold(n, strlen(n), n);
	for (size_t i = 0; i < p->nlabel_tags && !tag; i++) {
		char *k = strdup(p->label_tags[i].word);

		if (!k)
			break;
		sila_fold(k, strlen(k), k);
		if (has_word(n, k))
			tag = p->label_tags[i].tag;
		free(k);
	}
	free(n);
	return tag;
}

/* Whether the jansson array tags holds tag. */
static int tags_have(const json_t *tags, const char *tag)
{
	size_t i;
	const json_t *v;

	json_array_foreach(tags, i, v)
		if (strcmp(json_string_value(v), tag) == 0)
			return 1;
	return 0;
}

void sila_policy_imply(const struct sila_policy *p, json_t *tags)
{
	int changed = 1;

	while (changed) {
		changed = 0;
		for (size_t i = 0; i < p->nimplies; i++) {
			int all = 1;

			if (tags_have(tags, p->implies[i].tag))
				continue;
			for (char **t = p->implies[i].all_of; *t && all; t++)
				all = tags_have(tags, *t);
			if (all) {
				json_array_append_new(tags, json_string(p->implies[i].tag));
				changed = 1;
			}
		}
	}
}

int sila_policy_tag_level(const struct sila_policy *p, const char *tag)
{
	for (size_t i = 0; i < p->ntags; i++)
		if (strcmp(p->tags[i].tag, tag) == 0)
			return p->tags[i].level;
	return 0;
}


/* Parses a whole number in [lo, hi]; -1 when it is not one. */
static long number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

/* Replaces *slot with a copy of val; -1 when memory is short. */
static int set_str(char **slot, const char *val)
{
	free(*slot);
	*slot = strdup(val);
	return *slot ? 0 : -1;
}

struct sila_policy *sila_policy_load(const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = sila_read_small_file(path, POLICY_MAX, &len);
	struct sila_policy *p;

	if (!text) {
		snprintf(err, errlen, "cannot read policy '%s': %s", path, strerror(errno));
		return NULL;
	}
	p = sila_policy_parse(text, len, path, err, errlen);
	free(text);
	return p;
}

struct sila_policy *sila_policy_parse(const char *orig, size_t len, const char *path, char *err,
				      size_t errlen)
{
	struct sila_policy *p = calloc(1, sizeof(*p));
	char *text = malloc(len + 1);
	char section[64] = "";
	struct sila_conf c;
	enum sila_conf_kind kind;
	unsigned lineno = 0;

	if (!p || !text) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memcpy(text, orig, len);
	text[len] = '\0';
	sila_sha256_hex(text, len, p->hash);
	p->fail_level = 2;
	sila_conf_init(&c, text);
	while ((kind = sila_conf_next(&c)) != SILA_KV_END) {
		char *key = c.key, *val = c.val;
		long v;

		lineno = c.line;
		if (kind == SILA_KV_BAD_SECTION) {
			snprintf(err, errlen, "%s:%u: malformed section heading", path, lineno);
			goto fail;
		}
		if (kind == SILA_KV_SECTION) {
			snprintf(section, sizeof(section), "%s", key);
			continue;
		}
		if (kind == SILA_KV_NO_EQUALS) {
			snprintf(err, errlen, "%s:%u: expected 'key = value'", path, lineno);
			goto fail;
		}
		if (strcmp(section, "mail") == 0) {
			/* The mail gateway's section (core/verdict.c reads it). */
			continue;
		} else if (strcmp(section, "levels") == 0) {
			if ((v = number(key, 0, SILA_LEVELS - 1)) < 0)
				goto bad_level;
			if (set_str(&p->labels[v], val) != 0)
				goto oom;
		} else if (strcmp(section, "tags") == 0) {
			struct sila_tag_level *t;

			if ((v = number(val, 0, SILA_LEVELS - 1)) < 0)
				goto bad_level;
			t = realloc(p->tags, (p->ntags + 1) * sizeof(*t));
			if (!t)
				goto oom;
			p->tags = t;
			t[p->ntags].level = (int)v;
			if (!(t[p->ntags].tag = strdup(key)))
				goto oom;
			p->ntags++;
		} else if (strcmp(section, "large-amounts") == 0) {
			if (strcmp(key, "tag") == 0) {
				if (set_str(&p->large_tag, val) != 0)
					goto oom;
			} else if (strcmp(key, "count") == 0) {
				if ((v = number(val, 0, 1000000000)) < 0)
					goto bad_number;
				p->large_count = (size_t)v;
			} else if (strcmp(key, "level") == 0) {
				if ((v = number(val, 0, SILA_LEVELS - 1)) < 0)
					goto bad_level;
				p->large_level = (int)v;
			} else {
				goto bad_key;
			}
		} else if (strcmp(section, "leak-warning") == 0) {
			if (strcmp(key, "when") == 0) {
				if (set_str(&p->leak_when, val) != 0)
					goto oom;
			} else if (strcmp(key, "unless") == 0) {
				sila_free_list(p->leak_unless);
				if (!(p->leak_unless = sila_split_list(val)))
					goto oom;
			} else {
				goto bad_key;
			}
		} else if (strcmp(section, "labels") == 0) {
			struct sila_label_tag *lt = realloc(p->label_tags, (p->nlabel_tags + 1) * sizeof(*lt));

			if (!lt)
				goto oom;
			p->label_tags = lt;
			lt[p->nlabel_tags].word = strdup(key);
			lt[p->nlabel_tags].tag = strdup(val);
			p->nlabel_tags++;
			if (!lt[p->nlabel_tags - 1].word || !lt[p->nlabel_tags - 1].tag)
				goto oom;
		} else if (strcmp(section, "implies") == 0) {
			struct sila_implication *im = realloc(p->implies, (p->nimplies + 1) * sizeof(*im));

			if (!im)
				goto oom;
			p->implies = im;
			im[p->nimplies].tag = strdup(key);
			im[p->nimplies].all_of = sila_split_list(val);
			p->nimplies++;
			if (!im[p->nimplies - 1].tag || !im[p->nimplies - 1].all_of)
				goto oom;
		} else if (strcmp(section, "exit") == 0 && strcmp(key, "fail-level") == 0) {
			if ((v = number(val, 0, SILA_LEVELS)) < 0)
				goto bad_level;
			p->fail_level = (int)v;
		} else {
			goto bad_key;
		}
	}
	for (int i = 0; i < SILA_LEVELS; i++) {
		char def[16];

		snprintf(def, sizeof(def), "K%d", i);
		if (!p->labels[i] && set_str(&p->labels[i], def) != 0)
			goto oom;
	}
	free(text);
	return p;
bad_level:
	snprintf(err, errlen, "%s:%u: a level is a number from 0 to %d", path, lineno, SILA_LEVELS - 1);
	goto fail;
bad_number:
	snprintf(err, errlen, "%s:%u: expected a whole number", path, lineno);
	goto fail;
bad_key:
	snprintf(err, errlen, "%s:%u: unknown key '%s' in section [%s]", path, lineno,
		 c.key, section);
	goto fail;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(text);
	sila_policy_free(p);
	return NULL;
}
