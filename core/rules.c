/*
 * rules.c - parsing rule files.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "conf.h"
#include "marking.h"
#include "names.h"
#include "rules.h"

#define RULE_FILE_MAX ((size_t)4 << 20)

const char *sila_confidence_name(enum sila_confidence c)
{
	return c == SILA_CONF_HIGH ? "high" : c == SILA_CONF_MEDIUM ? "medium" : "low";
}


char **sila_split_list(const char *s)
{
	size_t n = 1, k = 0;
	char *copy, *tok, *save = NULL;
	char **list;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	list = calloc(n + 1, sizeof(*list));
	copy = strdup(s);
	if (!list || !copy) {
		free(list);
		free(copy);
		return NULL;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *t = sila_conf_trim(tok);

		if (*t && !(list[k++] = strdup(t))) {
			free(copy);
			sila_free_list(list);
			return NULL;
		}
	}
	free(copy);
	return list;
}

void sila_free_list(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}

char *sila_read_small_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f) || n > max) {
		errno = ferror(f) ? EIO : EFBIG;
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void sila_rules_free(struct sila_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrules; i++) {
		free(r->rule[i].id);
		free(r->rule[i].name);
		sila_free_list(r->rule[i].context);
		sila_free_list(r->rule[i].negative);
		sila_free_list(r->rule[i].tags);
		sila_free_list(r->rule[i].yield_to);
	}
	for (size_t i = 0; i < r->nexpr; i++)
		free(r->expr[i].text);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->rule);
	free(r->expr);
	free(r->files);
	free(r);
}

const struct sila_rule *sila_rules_find(const struct sila_rules *r, const char *id)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (strcmp(r->rule[i].id, id) == 0)
			return &r->rule[i];
	return NULL;
}

int sila_rules_enable(struct sila_rules *r, const char *id, int on)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (strcmp(r->rule[i].id, id) == 0) {
			r->rule[i].enabled = on;
			return 0;
		}
	return -1;
}

/* Turns flag letters into Hyperscan flags: i s m 8 u, and S for start of match. */
static int parse_flags(const char *s, unsigned *flags, int *som)
{
	*flags = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'i': *flags |= HS_FLAG_CASELESS; break;
		case 's': *flags |= HS_FLAG_DOTALL; break;
		case 'm': *flags |= HS_FLAG_MULTILINE; break;
		case '8': *flags |= HS_FLAG_UTF8; break;
		case 'u': *flags |= HS_FLAG_UCP | HS_FLAG_UTF8; break;
		case 'S': *som = 1; break;
		case ' ': case ',': break;
		default: return -1;
		}
	}
	return 0;
}

static int parse_confidence(const char *s, enum sila_confidence *c)
{
	if (strcmp(s, "low") == 0)
		*c = SILA_CONF_LOW;
	else if (strcmp(s, "medium") == 0)
		*c = SILA_CONF_MEDIUM;
	else if (strcmp(s, "high") == 0)
		*c = SILA_CONF_HIGH;
	else
		return -1;
	return 0;
}

/* Grows an array of elem-sized items by one zeroed item; NULL when memory is short. */
static void *push(void *arr, size_t *n, size_t elem)
{
	char *p = realloc(arr, (*n + 1) * elem);

	if (!p)
		return NULL;
	memset(p + *n * elem, 0, elem);
	(*n)++;
	return p;
}

/* The validator called name: an identifier check or a marking check. */
static const struct sila_validator *find_validator(const char *name)
{
	const struct sila_validator *v = sila_validator_find(name);

	for (size_t i = 0; !v && sila_marking_validators[i].name; i++)
		if (strcmp(sila_marking_validators[i].name, name) == 0)
			v = &sila_marking_validators[i];
	return v;
}

#define FAIL(...) do { snprintf(r->err, sizeof(r->err), __VA_ARGS__); goto fail; } while (0)

/* Parses one rule file's text; rule stanzas may not continue across files. */
static int parse_file(struct sila_rules *r, const char *file, char *text)
{
	struct sila_rule *cur = NULL;
	size_t first_rule = r->nrules;
	unsigned line, pending_flags = 0;
	size_t first_expr = r->nexpr;
	struct sila_conf c;
	enum sila_conf_kind kind;

	sila_conf_init(&c, text);
	while ((kind = sila_conf_next(&c)) != SILA_KV_END) {
		char *key = c.key, *val = c.val;

		line = c.line;
		if (kind == SILA_KV_BAD_SECTION || (kind == SILA_KV_SECTION && !*key))
			FAIL("%s:%u: malformed rule heading", file, line);
		if (kind == SILA_KV_SECTION) {
			void *grown;

			for (size_t i = 0; i < r->nrules; i++)
				if (strcmp(r->rule[i].id, key) == 0)
					FAIL("%s:%u: rule '%s' defined twice", file, line, key);
			grown = push(r->rule, &r->nrules, sizeof(*r->rule));
			if (!grown)
				FAIL("out of memory");
			r->rule = grown;
			cur = &r->rule[r->nrules - 1];
			cur->id = strdup(key);
			cur->enabled = 1;
			cur->confidence = SILA_CONF_MEDIUM;
			cur->window = 100;
			cur->negative_window = 24;
			pending_flags = 0;
			first_expr = r->nexpr;
			if (!cur->id)
				FAIL("out of memory");
			continue;
		}
		if (kind == SILA_KV_NO_EQUALS)
			FAIL("%s:%u: expected 'key = value'", file, line);
		if (!cur)
			FAIL("%s:%u: '%s' outside a [rule] stanza", file, line, key);
		if (strcmp(key, "expression") == 0) {
			struct sila_expr *grown = push(r->expr, &r->nexpr, sizeof(*r->expr));

			if (!grown)
				FAIL("out of memory");
			r->expr = grown;
			grown[r->nexpr - 1].text = strdup(val);
			grown[r->nexpr - 1].flags = pending_flags;
			grown[r->nexpr - 1].file = file;
			grown[r->nexpr - 1].line = line;
			grown[r->nexpr - 1].rule = r->nrules - 1;
			if (!grown[r->nexpr - 1].text)
				FAIL("out of memory");
		} else if (strcmp(key, "flags") == 0) {
			if (parse_flags(val, &pending_flags, &cur->som) != 0)
				FAIL("%s:%u: unknown flag in '%s' (use i s m 8 u S)", file, line, val);
			for (size_t i = first_expr; i < r->nexpr; i++)
				r->expr[i].flags = pending_flags;
		} else if (strcmp(key, "name") == 0) {
			free(cur->name);
			if (!(cur->name = strdup(val)))
				FAIL("out of memory");
		} else if (strcmp(key, "validator") == 0) {
			cur->validator = find_validator(val);
			if (!cur->validator)
				FAIL("%s:%u: unknown validator '%s'", file, line, val);
		} else if (strcmp(key, "context") == 0 || strcmp(key, "negative") == 0 ||
			   strcmp(key, "tags") == 0) {
			char ***list = key[0] == 'c' ? &cur->context :
				       key[0] == 'n' ? &cur->negative : &cur->tags;

			sila_free_list(*list);
			if (!(*list = sila_split_list(val)))
				FAIL("out of memory");
			if (key[0] != 't')
				for (char **k = *list; *k; k++)
					sila_fold(*k, strlen(*k), *k);
		} else if (strcmp(key, "window") == 0 || strcmp(key, "negative-window") == 0) {
			char *end;
			unsigned long v = strtoul(val, &end, 10);

			if (*end || v > 10000)
				FAIL("%s:%u: window must be 0 to 10000 bytes", file, line);
			*(key[0] == 'w' ? &cur->window : &cur->negative_window) = (unsigned)v;
		} else if (strcmp(key, "confidence") == 0) {
			if (parse_confidence(val, &cur->confidence) != 0)
				FAIL("%s:%u: confidence must be low, medium or high", file, line);
		} else if (strcmp(key, "yield-to") == 0) {
			sila_free_list(cur->yield_to);
			if (!(cur->yield_to = sila_split_list(val)))
				FAIL("out of memory");
		} else if (strcmp(key, "require-context") == 0) {
			cur->require_context = strcmp(val, "yes") == 0 || strcmp(val, "true") == 0;
		} else if (strcmp(key, "enabled") == 0) {
			cur->enabled = strcmp(val, "no") != 0 && strcmp(val, "false") != 0;
		} else {
			FAIL("%s:%u: unknown key '%s'", file, line, key);
		}
	}
	for (size_t i = first_rule; i < r->nrules; i++) {
		int has = 0;

		for (size_t e = 0; e < r->nexpr && !has; e++)
			has = r->expr[e].rule == i;
		if (!has)
			FAIL("%s: rule '%s' has no expression", file, r->rule[i].id);
	}
	for (size_t i = 0; i < r->nrules; i++) {
		if (!r->rule[i].name && !(r->rule[i].name = strdup(r->rule[i].id)))
			FAIL("out of memory");
		/* Without a validator to find the start, Hyperscan must report it. */
		if (!r->rule[i].validator)
			r->rule[i].som = 1;
	}
	return 0;
fail:
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct sila_rules *sila_rules_load(const char *dir, char *err, size_t errlen)
{
	struct sila_rules *r = calloc(1, sizeof(*r));
	struct sila_sha256 *h = sila_sha256_new();
	DIR *d = NULL;
	struct dirent *de;
	char path[4096];

	if (!r || !h)
		goto oom;
	d = opendir(dir);
	if (!d)
		FAIL("cannot open rule directory '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		void *grown;

		if (n < 7 || strcmp(de->d_name + n - 6, ".rules") != 0)
			continue;
		grown = push(r->files, &r->nfiles, sizeof(*r->files));
		if (!grown)
			goto oom;
		r->files = grown;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!(r->files[r->nfiles - 1] = strdup(path)))
			goto oom;
	}
	closedir(d);
	d = NULL;
	if (!r->nfiles)
		FAIL("no *.rules files in '%s'", dir);
	qsort(r->files, r->nfiles, sizeof(*r->files), cmp_str);
	for (size_t i = 0; i < r->nfiles; i++) {
		size_t len;
		char *text = sila_read_small_file(r->files[i], RULE_FILE_MAX, &len);

		if (!text)
			FAIL("cannot read '%s': %s", r->files[i], strerror(errno));
		sila_sha256_update(h, text, len + 1);
		if (parse_file(r, r->files[i], text) != 0) {
			free(text);
			goto fail;
		}
		free(text);
	}
	snprintf(path, sizeof(path), "%s/policy.conf", dir);
	{
		size_t len;
		char *text = sila_read_small_file(path, RULE_FILE_MAX, &len);

		if (text)
			sila_sha256_update(h, text, len);
		free(text);
	}
	sila_sha256_finish(h, r->hash);
	return r;
oom:
	snprintf(r ? r->err : err, r ? sizeof(r->err) : errlen, "out of memory");
fail:
	if (d)
		closedir(d);
	if (h)
		sila_sha256_finish(h, path);
	if (r)
		snprintf(err, errlen, "%s", r->err);
	sila_rules_free(r);
	return NULL;
}
