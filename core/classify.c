/*
 * classify.c - applying the policy to one record, and containers to their members.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "classify.h"
#include "names.h"
#include "status.h"
#include "text.h"

/* What the members of one open container add up to so far. */
struct pending {
	char *parent;   /* the container's key: path and member names, NUL-joined */
	size_t keylen;
	int level;
	json_t *tags;   /* union of the members' tags */
	size_t members_not_ok;
};

struct sila_classifier {
	const struct sila_policy *policy;
	const struct sila_rules *rules;
	struct pending *pend; /* by depth: pend[d] gathers for a container at depth d */
	size_t npend;
};

struct sila_classifier *sila_classifier_new(const struct sila_policy *policy,
					    const struct sila_rules *rules)
{
	struct sila_classifier *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->policy = policy;
	c->rules = rules;
	return c;
}

static void pending_clear(struct pending *p)
{
	free(p->parent);
	json_decref(p->tags);
	memset(p, 0, sizeof(*p));
}

void sila_classifier_free(struct sila_classifier *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->npend; i++)
		pending_clear(&c->pend[i]);
	free(c->pend);
	free(c);
}

/*
 * Appends one name's exact bytes to key: the base64 form when the record
 * has one (a name that is not UTF-8), else the string. Members and their
 * containers then compare alike whichever of them needed base64.
 */
static int add_name(struct sila_buf *key, const json_t *str, const json_t *b64)
{
	if (json_is_string(b64))
		return sila_base64_decode(json_string_value(b64), key);
	return sila_buf_adds(key, json_is_string(str) ? json_string_value(str) : "");
}

/*
 * The key of the container holding a record at depth: its path and the
 * first depth member names, as raw bytes joined by NUL bytes. NULL when
 * memory is short.
 */
static char *container_key(const json_t *hdr, size_t depth, size_t *len)
{
	const json_t *m = json_object_get(hdr, "member");
	const json_t *mb = json_object_get(hdr, "member_b64");
	struct sila_buf key = SILA_BUF_INIT(0);
	int st = add_name(&key, json_object_get(hdr, "path"), json_object_get(hdr, "path_b64"));

	for (size_t i = 0; i < depth && st == SILA_OK; i++) {
		st = sila_buf_addc(&key, '\0');
		if (st == SILA_OK)
			st = add_name(&key, json_array_get(m, i), json_array_get(mb, i));
	}
	if (st != SILA_OK) {
		sila_buf_release(&key);
		return NULL;
	}
	return sila_buf_detach(&key, len);
}

/* Adds tag to a tags array unless it is there. */
static void add_tag(json_t *tags, const char *tag)
{
	size_t i;
	json_t *v;

	json_array_foreach(tags, i, v)
		if (strcmp(json_string_value(v), tag) == 0)
			return;
	json_array_append_new(tags, json_string(tag));
}

static int has_tag(const json_t *tags, const char *tag)
{
	size_t i;
	const json_t *v;

	json_array_foreach(tags, i, v)
		if (strcmp(json_string_value(v), tag) == 0)
			return 1;
	return 0;
}

/* Copies the members of src named by keys, in that order, into dst when present. */
static void copy_keys(json_t *dst, const json_t *src, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(src, *keys);

		if (v)
			json_object_set(dst, *keys, v);
	}
}

json_t *sila_classify(struct sila_classifier *c, const json_t *hdr)
{
	static const char *const head[] = {
		"path", "path_b64", "member", "member_b64", "type", "size", "sha256", NULL
	};
	const struct sila_policy *p = c->policy;
	const json_t *findings = json_object_get(hdr, "findings");
	const json_t *in_tags = json_object_get(hdr, "tags");
	const json_t *in_trace = json_object_get(hdr, "trace");
	size_t depth = json_array_size(json_object_get(hdr, "member"));
	json_t *out = json_object(), *tags = json_array(), *warnings, *trace, *f, *out_findings;
	int status = sila_doc_status_parse(json_string_value(json_object_get(hdr, "status")));
	int level = 0, is_container = json_object_get(hdr, "container") != NULL;
	size_t i, personal = 0;
	char *key;
	size_t keylen;

	if (!out || !tags)
		goto oom;
	if (status < 0)
		status = SILA_DOC_OK;
	warnings = json_deep_copy(json_object_get(hdr, "warnings"));
	if (!warnings)
		warnings = json_array();

	/* Tags from the findings, as the rule set says, and any the stream brought. */
	json_array_foreach(findings, i, f) {
		const struct sila_rule *r = sila_rules_find(c->rules,
			json_string_value(json_object_get(f, "rule")) ? json_string_value(json_object_get(f, "rule")) : "");

		for (char **t = r ? r->tags : NULL; t && *t; t++) {
			add_tag(tags, *t);
			if (p->large_tag && strcmp(*t, p->large_tag) == 0)
				personal++;
		}
	}
	json_array_foreach(in_tags, i, f)
		if (json_is_string(f))
			add_tag(tags, json_string_value(f));

	/*
	 * The findings go out unchanged, shared rather than copied: a
	 * document may have many thousands.
	 */
	out_findings = json_array();
	for (i = 0; out_findings && i < json_array_size(findings); i++)
		json_array_append(out_findings, json_array_get(findings, i));

	/* A sensitivity label the document carries is a finding, and a tag if the policy says. */
	json_array_foreach(json_object_get(hdr, "labels"), i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *source = json_string_value(json_object_get(f, "source"));
		const char *tag = sila_policy_label_tag(p, name);
		char rule[64];

		if (!name || !source)
			continue;
		snprintf(rule, sizeof(rule), "label.%s", source);
		json_array_append_new(out_findings, json_pack("{s:s,s:s,s:i,s:s,s:s}", "rule", rule,
			"value", name, "count", 1, "confidence", "high", "in", "metadata"));
		if (tag)
			add_tag(tags, tag);
	}

	/* A container takes in what its members added up to. */
	if (is_container && depth < c->npend && c->pend[depth].parent) {
		struct pending *pd = &c->pend[depth];

		key = container_key(hdr, depth, &keylen);
		if (key && keylen == pd->keylen && memcmp(key, pd->parent, keylen) == 0) {
			json_array_foreach(pd->tags, i, f)
				add_tag(tags, json_string_value(f));
			if (pd->level > level)
				level = pd->level;
			if (pd->members_not_ok) {
				sila_warn_add(warnings, "partial-members",
					      pd->members_not_ok == 1 ? "%zu member was not scanned whole"
								      : "%zu members were not scanned whole",
					      pd->members_not_ok);
				if (status < SILA_DOC_PARTIAL)
					status = SILA_DOC_PARTIAL;
			}
		}
		free(key);
		pending_clear(pd);
	}

	sila_policy_imply(p, tags);
	json_array_foreach(tags, i, f) {
		int l = sila_policy_tag_level(p, json_string_value(f));

		if (l > level)
			level = l;
	}
	if (p->large_count && personal >= p->large_count && p->large_level > level)
		level = p->large_level;
	if (!is_container && p->leak_when && has_tag(tags, p->leak_when)) {
		int marked = 0;

		for (char **t = p->leak_unless; t && *t; t++)
			marked |= has_tag(tags, *t);
		if (!marked)
			sila_warn_add(warnings, "unmarked-personal-data",
				      "personal data in a document that bears no confidentiality marking");
	}

	/* A member adds itself to its container's pending sum. */
	if (depth > 0) {
		size_t d = depth - 1;
		struct pending *pd;

		if (d >= c->npend) {
			struct pending *np = realloc(c->pend, (d + 1) * sizeof(*np));

			if (!np)
				goto oom;
			memset(np + c->npend, 0, (d + 1 - c->npend) * sizeof(*np));
			c->pend = np;
			c->npend = d + 1;
		}
		pd = &c->pend[d];
		key = container_key(hdr, d, &keylen);
		if (!key)
			goto oom;
		if (!pd->parent || keylen != pd->keylen || memcmp(key, pd->parent, keylen) != 0) {
			pending_clear(pd);
			pd->parent = key;
			pd->keylen = keylen;
			pd->tags = json_array();
		} else {
			free(key);
		}
		if (level > pd->level)
			pd->level = level;
		json_array_foreach(tags, i, f)
			add_tag(pd->tags, json_string_value(f));
		if (status != SILA_DOC_OK)
			pd->members_not_ok++;
	}

	copy_keys(out, hdr, head);
	json_object_set_new(out, "status", json_string(sila_doc_status_name(status)));
	json_object_set_new(out, "level", json_integer(level));
	json_object_set_new(out, "label", json_string(p->labels[level]));
	json_object_set_new(out, "tags", tags);
	json_object_set_new(out, "findings", out_findings);
	json_object_set_new(out, "warnings", warnings);
	{
		static const char *const tail[] = { "pages", "ocr_pages", "container", "members", NULL };

		copy_keys(out, hdr, tail);
	}
	trace = json_object();
	json_object_set_new(trace, "version", json_string("sila " SILA_VERSION));
	if (in_trace)
		json_object_update(trace, (json_t *)(uintptr_t)in_trace);
	json_object_set_new(trace, "policy", json_string(p->hash));
	json_object_set_new(out, "trace", trace);
	return out;
oom:
	json_decref(out);
	json_decref(tags);
	return NULL;
}
