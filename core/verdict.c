/*
 * verdict.c - the mail gateway's judgement of one message (verdict.h).
 *
 * A judge collects what the report says about a message's parts (the
 * highest level, which tags came at which level, which parts could not be
 * scanned and why) and its recipients (internal or external by domain),
 * then applies the [mail] rules of the policy in a fixed order: a tag the
 * policy rejects outright, content held even internally, content held for
 * external recipients, parts that could not be scanned, parts scanned only
 * in part. The strictest outcome wins; every rule that applied gives a
 * reason.
 *
 * The [mail] section is parsed here with the same "key = value" reader as
 * the rest of policy.conf (core/conf.h); the other sections are left to
 * sila_policy_parse. Header and address parsing is deliberately small and
 * forgiving: it looks at the top-level header only and never at MIME
 * structure, which the sandboxed chain parses.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "buf.h"
#include "conf.h"
#include "limit.h"
#include "policy.h"
#include "rules.h"
#include "verdict.h"

/* The largest policy file read. */
#define POLICY_MAX ((size_t)1 << 20)

/* The most bytes of a message's header looked at, and of one field. */
#define HEADER_MAX ((size_t)4 << 20)
#define FIELD_MAX ((size_t)1 << 20)

/* ---- small string sets -------------------------------------------------- */

/* A growable list of distinct strings, in the order first added. */
struct strset {
	char **v;
	size_t n;
};

static int strset_has(const struct strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return 1;
	return 0;
}

/* Adds x unless present; -1 when memory is short. */
static int strset_add(struct strset *s, const char *x)
{
	char **nv;

	if (strset_has(s, x))
		return 0;
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	s->v = nv;
	if (!(s->v[s->n] = strdup(x)))
		return -1;
	s->n++;
	return 0;
}

static void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Whether a NULL-terminated list holds x, in any case. */
static int list_has(char *const *list, const char *x)
{
	for (; list && *list; list++)
		if (strcasecmp(*list, x) == 0)
			return 1;
	return 0;
}

/* ---- the [mail] section ----------------------------------------------- */


/* A level from 0 to 4, or "off"/"none" for -1; -2 when val is neither. */
static int parse_level(const char *val)
{
	if (strcasecmp(val, "off") == 0 || strcasecmp(val, "none") == 0)
		return -1;
	if (val[0] >= '0' && val[0] < '0' + SILA_LEVELS && val[1] == '\0')
		return val[0] - '0';
	return -2;
}

/* yes/no (true/false, on/off); -1 when val is neither. */
static int parse_bool(const char *val)
{
	if (!strcasecmp(val, "yes") || !strcasecmp(val, "true") || !strcasecmp(val, "on"))
		return 1;
	if (!strcasecmp(val, "no") || !strcasecmp(val, "false") || !strcasecmp(val, "off"))
		return 0;
	return -1;
}

/* Replaces a list with the items of val; -1 when memory is short. */
static int set_list(char ***slot, const char *val)
{
	char **l = sila_split_list(val);

	if (!l)
		return -1;
	sila_free_list(*slot);
	*slot = l;
	return 0;
}

struct sila_mail_policy *sila_mail_policy_parse(const char *text, size_t len, const char *name,
						char *err, size_t errlen)
{
	struct sila_mail_policy *p = calloc(1, sizeof(*p));
	char *copy = malloc(len + 1);
	char section[64] = "";
	struct sila_conf c;
	enum sila_conf_kind kind;
	unsigned lineno = 0;

	if (!p || !copy) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	sila_sha256_hex(text, len, p->hash);
	p->hold_external_level = 2;
	p->internal_level = -1;
	p->hold_unscannable = 1;
	p->allow_encrypted = 1;
	p->max_size = SILA_MAIL_MAX_SIZE_DEFAULT;
	p->max_size_action = SILA_VERDICT_HOLD;
	sila_conf_init(&c, copy);
	while ((kind = sila_conf_next(&c)) != SILA_KV_END) {
		char *key = c.key, *val = c.val;
		int v;

		lineno = c.line;
		/* Other sections are the policy's (core/policy.c checks them). */
		if (kind == SILA_KV_SECTION || kind == SILA_KV_BAD_SECTION) {
			snprintf(section, sizeof(section), "%s", kind == SILA_KV_SECTION ? key : "");
			continue;
		}
		if (strcmp(section, "mail") != 0)
			continue;
		if (kind == SILA_KV_NO_EQUALS) {
			snprintf(err, errlen, "%s:%u: expected 'key = value'", name, lineno);
			goto fail;
		}
		if (strcmp(key, "internal-domains") == 0) {
			if (set_list(&p->internal_domains, val) != 0)
				goto oom;
		} else if (strcmp(key, "reject-tags") == 0) {
			if (set_list(&p->reject_tags, val) != 0)
				goto oom;
		} else if (strcmp(key, "unscannable-except") == 0) {
			if (set_list(&p->unscannable_except, val) != 0)
				goto oom;
		} else if (strcmp(key, "hold-external-level") == 0 || strcmp(key, "internal-level") == 0) {
			if ((v = parse_level(val)) < -1) {
				snprintf(err, errlen, "%s:%u: %s is a level from 0 to %d, or off", name,
					 lineno, key, SILA_LEVELS - 1);
				goto fail;
			}
			*(key[0] == 'h' ? &p->hold_external_level : &p->internal_level) = v;
		} else if (strcmp(key, "hold-unscannable") == 0 || strcmp(key, "hold-partial") == 0 ||
			   strcmp(key, "allow-encrypted") == 0) {
			if ((v = parse_bool(val)) < 0) {
				snprintf(err, errlen, "%s:%u: %s is yes or no", name, lineno, key);
				goto fail;
			}
			if (strcmp(key, "hold-unscannable") == 0)
				p->hold_unscannable = v;
			else if (strcmp(key, "hold-partial") == 0)
				p->hold_partial = v;
			else
				p->allow_encrypted = v;
		} else if (strcmp(key, "max-size") == 0) {
			if (sila_parse_size(val, &p->max_size) != 0 || p->max_size == 0) {
				snprintf(err, errlen, "%s:%u: max-size is a size such as 50M", name, lineno);
				goto fail;
			}
		} else if (strcmp(key, "max-size-action") == 0) {
			if ((v = sila_verdict_parse(val)) != SILA_VERDICT_HOLD && v != SILA_VERDICT_REJECT) {
				snprintf(err, errlen, "%s:%u: max-size-action is hold or reject", name,
					 lineno);
				goto fail;
			}
			p->max_size_action = (enum sila_verdict)v;
		} else {
			snprintf(err, errlen, "%s:%u: unknown key '%s' in section [mail]", name, lineno,
				 key);
			goto fail;
		}
	}
	free(copy);
	return p;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(copy);
	sila_mail_policy_free(p);
	return NULL;
}

struct sila_mail_policy *sila_mail_policy_load(const char *path, char *err, size_t errlen)
{
	struct sila_mail_policy *p;
	size_t len;
	char *text = sila_read_small_file(path, POLICY_MAX, &len);

	if (!text) {
		snprintf(err, errlen, "cannot read policy '%s': %s", path, strerror(errno));
		return NULL;
	}
	p = sila_mail_policy_parse(text, len, path, err, errlen);
	/* The same text, read once, gives the levels and tags the verdict rests on. */
	if (p && !(p->base = sila_policy_parse(text, len, path, err, errlen))) {
		sila_mail_policy_free(p);
		p = NULL;
	}
	free(text);
	return p;
}

void sila_mail_policy_free(struct sila_mail_policy *p)
{
	if (!p)
		return;
	sila_free_list(p->internal_domains);
	sila_free_list(p->reject_tags);
	sila_free_list(p->unscannable_except);
	sila_policy_free(p->base);
	free(p);
}

int sila_mail_internal(const struct sila_mail_policy *p, const char *address)
{
	const char *at = strrchr(address, '@');
	size_t dlen;

	if (!at || !at[1])
		return 0;
	at++;
	dlen = strlen(at);
	/* A fully qualified name may end in a dot. */
	if (dlen > 1 && at[dlen - 1] == '.')
		dlen--;
	for (char **d = p->internal_domains; d && *d; d++) {
		size_t l = strlen(*d);

		if (**d == '.') {
			/* ".example.se" covers every subdomain, and example.se itself. */
			if ((dlen > l && strncasecmp(at + dlen - l, *d, l) == 0) ||
			    (dlen == l - 1 && strncasecmp(at, *d + 1, dlen) == 0))
				return 1;
		} else if (dlen == l && strncasecmp(at, *d, l) == 0) {
			return 1;
		}
	}
	return 0;
}

/* ---- the judge ------------------------------------------------------------ */

/* A tag and the highest level of a result that carried it. */
struct tag_level {
	char *tag;
	int level;
};

struct sila_judge {
	const struct sila_mail_policy *p;
	size_t internal, external;
	int encrypted, oversize, scan_failed;
	int level;
	struct tag_level *tags;
	size_t ntags;
	struct strset reject;      /* reject tags met */
	struct strset unscannable; /* warning codes of parts that could not be scanned */
	struct strset partial;     /* warning codes of parts scanned in part */
	int oom;
};

struct sila_judge *sila_judge_new(const struct sila_mail_policy *p)
{
	struct sila_judge *j = calloc(1, sizeof(*j));

	if (j)
		j->p = p;
	return j;
}

void sila_judge_free(struct sila_judge *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->ntags; i++)
		free(j->tags[i].tag);
	free(j->tags);
	strset_free(&j->reject);
	strset_free(&j->unscannable);
	strset_free(&j->partial);
	free(j);
}

void sila_judge_recipient(struct sila_judge *j, const char *address)
{
	if (sila_mail_internal(j->p, address))
		j->internal++;
	else
		j->external++;
}

void sila_judge_encrypted(struct sila_judge *j, int on)
{
	j->encrypted = on;
}

void sila_judge_oversize(struct sila_judge *j)
{
	j->oversize = 1;
}

void sila_judge_scan_failed(struct sila_judge *j)
{
	j->scan_failed = 1;
}

size_t sila_judge_internal(const struct sila_judge *j)
{
	return j->internal;
}

size_t sila_judge_external(const struct sila_judge *j)
{
	return j->external;
}

int sila_judge_level(const struct sila_judge *j)
{
	return j->level;
}

/* Notes that tag came on a result of this level. */
static void note_tag(struct sila_judge *j, const char *tag, int level)
{
	struct tag_level *t;

	for (size_t i = 0; i < j->ntags; i++)
		if (strcmp(j->tags[i].tag, tag) == 0) {
			if (level > j->tags[i].level)
				j->tags[i].level = level;
			return;
		}
	t = realloc(j->tags, (j->ntags + 1) * sizeof(*t));
	if (!t) {
		j->oom = 1;
		return;
	}
	j->tags = t;
	if (!(t[j->ntags].tag = strdup(tag))) {
		j->oom = 1;
		return;
	}
	t[j->ntags++].level = level;
}

/* Warning codes that say nothing about how much of a part was scanned. */
static int beside_the_point(const char *code)
{
	return strcmp(code, "unmarked-personal-data") == 0;
}

void sila_judge_result(struct sila_judge *j, const json_t *line)
{
	const json_t *member = json_object_get(line, "member");
	const json_t *tags = json_object_get(line, "tags");
	const json_t *warnings = json_object_get(line, "warnings");
	const char *status = json_string_value(json_object_get(line, "status"));
	json_int_t level = json_integer_value(json_object_get(line, "level"));
	size_t depth = json_is_array(member) ? json_array_size(member) : 0;
	size_t i;
	const json_t *v;
	int unscannable, counted = 0;

	if (level < 0)
		level = 0;
	if (level >= SILA_LEVELS)
		level = SILA_LEVELS - 1;
	if (level > j->level)
		j->level = (int)level;
	json_array_foreach(tags, i, v) {
		const char *t = json_string_value(v);

		if (!t)
			continue;
		note_tag(j, t, (int)level);
		if (list_has(j->p->reject_tags, t) && strset_add(&j->reject, t) != 0)
			j->oom = 1;
	}
	if (!status)
		status = "error";
	unscannable = strcmp(status, "unscannable") == 0 || strcmp(status, "error") == 0;
	if (unscannable && j->p->hold_unscannable) {
		json_array_foreach(warnings, i, v) {
			const char *code = json_string_value(json_object_get(v, "code"));

			if (!code || beside_the_point(code))
				continue;
			/* The encrypted body of an encrypted message is how it should be. */
			if (j->encrypted && j->p->allow_encrypted && depth == 1 &&
			    strcmp(code, "encrypted") == 0) {
				counted = -1;
				continue;
			}
			if (list_has(j->p->unscannable_except, code)) {
				counted = -1;
				continue;
			}
			if (strset_add(&j->unscannable, code) != 0)
				j->oom = 1;
			counted = 1;
		}
		/* A part that could not be scanned and says not why still counts. */
		if (counted == 0 && strset_add(&j->unscannable, "unknown") != 0)
			j->oom = 1;
	} else if (strcmp(status, "partial") == 0 && j->p->hold_partial) {
		json_array_foreach(warnings, i, v) {
			const char *code = json_string_value(json_object_get(v, "code"));

			/*
			 * A container is partial when a member is; that member has a
			 * line of its own and is judged there.
			 */
			if (!code || beside_the_point(code) || strcmp(code, "partial-members") == 0 ||
			    strcmp(code, "encrypted") == 0 || list_has(j->p->unscannable_except, code))
				continue;
			if (strset_add(&j->partial, code) != 0)
				j->oom = 1;
		}
	}
}

/* Appends a reason made safe: letters, '-' and ':' only, in lower case. */
static void add_reason(json_t *reasons, const char *prefix, const char *detail)
{
	char buf[160];
	size_t n = 0;

	for (const char *s = prefix; *s && n < sizeof(buf) - 1; s++)
		buf[n++] = *s;
	if (detail) {
		if (n < sizeof(buf) - 1)
			buf[n++] = ':';
		for (const char *s = detail; *s && n < sizeof(buf) - 1; s++) {
			unsigned char c = (unsigned char)*s;

			if (isalpha(c) && c < 0x80)
				buf[n++] = (char)tolower(c);
			else if (c == '-' || c == ':')
				buf[n++] = (char)c;
		}
	}
	buf[n] = '\0';
	for (size_t i = 0; i < json_array_size(reasons); i++)
		if (strcmp(json_string_value(json_array_get(reasons, i)), buf) == 0)
			return;
	json_array_append_new(reasons, json_string(buf));
}

/* The policy's level of a tag; a tag it does not name counts as the threshold's. */
static int tag_rank(const struct sila_judge *j, const char *tag)
{
	return j->p->base ? sila_policy_tag_level(j->p->base, tag) : 0;
}

/*
 * Adds "prefix:TAG" for the tags behind content at or above level: those
 * met on results of that level whose own policy level reaches it, else
 * (content raised by amount or labels) all met there. Tags rejected
 * outright are left out: their own reason says more, and *only_rejected
 * tells when they alone explain the level. Returns how many were added.
 */
static size_t add_tag_reasons(const struct sila_judge *j, json_t *reasons, const char *prefix,
			      int level, int *only_rejected)
{
	size_t added = 0, explained = 0;

	/* Highest policy level first, so the gravest tag leads the sentence. */
	for (int rank = SILA_LEVELS - 1; rank >= 0; rank--)
		for (size_t i = 0; i < j->ntags; i++) {
			const char *t = j->tags[i].tag;

			if (tag_rank(j, t) != rank || j->tags[i].level < level ||
			    (j->p->base && rank < level))
				continue;
			explained++;
			if (!strset_has(&j->reject, t)) {
				add_reason(reasons, prefix, t);
				added++;
			}
		}
	if (!explained)
		for (size_t i = 0; i < j->ntags; i++)
			if (j->tags[i].level >= level && !strset_has(&j->reject, j->tags[i].tag)) {
				add_reason(reasons, prefix, j->tags[i].tag);
				added++;
			}
	*only_rejected = explained > 0 && added == 0;
	return added;
}

enum sila_verdict sila_judge_decide(const struct sila_judge *j, json_t **out)
{
	enum sila_verdict v = SILA_VERDICT_PASS;
	json_t *reasons = json_array();
	const struct sila_mail_policy *p = j->p;
	/* With no recipient known, the message may go anywhere. */
	int external = j->external > 0 || j->internal == 0;

#define RAISE(x) do { if ((x) > v) v = (x); } while (0)
	if (j->oom || !reasons) {
		/* A judgement that may have missed something does not pass. */
		RAISE(SILA_VERDICT_HOLD);
		if (reasons)
			add_reason(reasons, "scan-failed", NULL);
	}
	if (j->scan_failed) {
		RAISE(SILA_VERDICT_HOLD);
		add_reason(reasons, "scan-failed", NULL);
	}
	if (j->oversize) {
		RAISE(p->max_size_action);
		add_reason(reasons, "too-large", NULL);
	}
	for (size_t i = 0; i < j->reject.n; i++) {
		RAISE(SILA_VERDICT_REJECT);
		add_reason(reasons, "reject-tag", j->reject.v[i]);
	}
	if (p->internal_level >= 0 && j->level >= p->internal_level) {
		int only_rejected;

		if (!add_tag_reasons(j, reasons, "internal-level", p->internal_level, &only_rejected) &&
		    !only_rejected)
			add_reason(reasons, "internal-level", NULL);
		if (!only_rejected)
			RAISE(SILA_VERDICT_HOLD);
	}
	if (external && p->hold_external_level >= 0 && j->level >= p->hold_external_level) {
		int only_rejected;

		if (!add_tag_reasons(j, reasons, "external", p->hold_external_level, &only_rejected) &&
		    !only_rejected)
			add_reason(reasons, "external", NULL);
		if (!only_rejected)
			RAISE(SILA_VERDICT_HOLD);
	}
	if (p->hold_unscannable)
		for (size_t i = 0; i < j->unscannable.n; i++) {
			RAISE(SILA_VERDICT_HOLD);
			add_reason(reasons, "unscannable", j->unscannable.v[i]);
		}
	if (p->hold_partial)
		for (size_t i = 0; i < j->partial.n; i++) {
			RAISE(SILA_VERDICT_HOLD);
			add_reason(reasons, "partial", j->partial.v[i]);
		}
#undef RAISE
	if (out)
		*out = reasons;
	else
		json_decref(reasons);
	return v;
}

const char *sila_verdict_name(enum sila_verdict v)
{
	switch (v) {
	case SILA_VERDICT_PASS: return "pass";
	case SILA_VERDICT_HOLD: return "hold";
	case SILA_VERDICT_REJECT: return "reject";
	}
	return "hold";
}

int sila_verdict_parse(const char *s)
{
	if (strcmp(s, "pass") == 0)
		return SILA_VERDICT_PASS;
	if (strcmp(s, "hold") == 0)
		return SILA_VERDICT_HOLD;
	if (strcmp(s, "reject") == 0)
		return SILA_VERDICT_REJECT;
	return -1;
}

/* ---- explaining a verdict ------------------------------------------------ */

/* What a tag means, in words a sender understands. */
static void describe_tag(struct sila_buf *b, const char *tag)
{
	static const char *const words[][2] = {
		{ "personal-data", "personal identity numbers" },
		{ "marked-confidential", "a confidentiality marking" },
		{ "protected-identity", "information on a protected identity" },
		{ "mentions-protected-identity", "a mention of a protected identity" },
		{ "security-classified", "a security-protection classification" },
		{ "payment-card", "payment card numbers" },
		{ "bank-account", "bank account numbers" },
		{ "internal", "an internal-use marking" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i][0], tag) == 0) {
			sila_buf_adds(b, words[i][1]);
			return;
		}
	sila_buf_adds(b, "content tagged ");
	sila_buf_adds(b, tag);
}

/* Why a part could not be scanned, from its warning code. */
static void describe_code(struct sila_buf *b, const char *code)
{
	static const char *const words[][2] = {
		{ "encrypted", "encrypted" },
		{ "extraction-failed", "damaged" },
		{ "limit-exceeded", "past a size or nesting limit" },
		{ "no-text-layer", "an image without text" },
		{ "unsupported-type", "an unsupported type" },
		{ "read-failed", "unreadable" },
		{ "scan-failed", "the scan failed" },
		{ "unknown", "no reason given" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i][0], code) == 0) {
			sila_buf_adds(b, words[i][1]);
			return;
		}
	for (const char *s = code; *s; s++)
		sila_buf_addc(b, *s == '-' ? ' ' : *s);
}

/*
 * Appends the details of every reason "prefix:DETAIL" as "a, b and c",
 * each through describe; returns how many there were.
 */
static size_t add_details(struct sila_buf *b, const json_t *reasons, const char *prefix,
			  void (*describe)(struct sila_buf *, const char *))
{
	size_t plen = strlen(prefix), n = 0, total = 0, i;
	const json_t *v;

	json_array_foreach(reasons, i, v) {
		const char *r = json_string_value(v);

		if (r && strncmp(r, prefix, plen) == 0 && r[plen] == ':' && r[plen + 1])
			total++;
	}
	json_array_foreach(reasons, i, v) {
		const char *r = json_string_value(v);

		if (!r || strncmp(r, prefix, plen) != 0 || r[plen] != ':' || !r[plen + 1])
			continue;
		if (n > 0)
			sila_buf_adds(b, n + 1 == total ? " and " : ", ");
		describe(b, r + plen + 1);
		n++;
	}
	return n;
}

/* Whether reasons hold prefix, alone or with a detail. */
static int has_reason(const json_t *reasons, const char *prefix)
{
	size_t plen = strlen(prefix), i;
	const json_t *v;

	json_array_foreach(reasons, i, v) {
		const char *r = json_string_value(v);

		if (r && strncmp(r, prefix, plen) == 0 && (r[plen] == ':' || r[plen] == '\0'))
			return 1;
	}
	return 0;
}

/* Starts the next sentence of the explanation. */
static void next_sentence(struct sila_buf *b)
{
	if (b->len)
		sila_buf_adds(b, "; ");
}

char *sila_verdict_text(const json_t *reasons)
{
	struct sila_buf b = SILA_BUF_INIT(4096);
	char *s;

	if (has_reason(reasons, "reject-tag")) {
		next_sentence(&b);
		sila_buf_adds(&b, "Message holds ");
		add_details(&b, reasons, "reject-tag", describe_tag);
		sila_buf_adds(&b, ", which may not be sent by e-mail");
	}
	if (has_reason(reasons, "too-large")) {
		next_sentence(&b);
		sila_buf_adds(&b, "Message is larger than the gateway scans");
	}
	if (has_reason(reasons, "internal-level")) {
		next_sentence(&b);
		sila_buf_adds(&b, "Message holds ");
		if (!add_details(&b, reasons, "internal-level", describe_tag))
			sila_buf_adds(&b, "sensitive content");
		sila_buf_adds(&b, ", which is held even for internal recipients");
	}
	if (has_reason(reasons, "external")) {
		next_sentence(&b);
		sila_buf_adds(&b, "Message holds ");
		if (!add_details(&b, reasons, "external", describe_tag))
			sila_buf_adds(&b, "sensitive content");
		sila_buf_adds(&b, " for external recipients");
	}
	if (has_reason(reasons, "unscannable")) {
		next_sentence(&b);
		sila_buf_adds(&b, "An attachment could not be scanned (");
		add_details(&b, reasons, "unscannable", describe_code);
		sila_buf_adds(&b, ")");
	}
	if (has_reason(reasons, "partial")) {
		next_sentence(&b);
		sila_buf_adds(&b, "Part of the message could be scanned only in part (");
		add_details(&b, reasons, "partial", describe_code);
		sila_buf_adds(&b, ")");
	}
	if (has_reason(reasons, "scan-failed")) {
		next_sentence(&b);
		sila_buf_adds(&b, "Message could not be scanned");
	}
	if (!b.len)
		sila_buf_adds(&b, "Message passed the content policy");
	if (!b.data)
		return NULL;
	s = sila_buf_detach(&b, NULL);
	/* The promise: one line of printable ASCII, and never a digit. */
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f || isdigit((unsigned char)*c))
			*c = '?';
	return s;
}

/* ---- the message's header ------------------------------------------------ */

/* Appends a copy of s to a NULL-terminated list; -1 when memory is short. */
static int list_push(char ***list, size_t *n, const char *s, size_t len)
{
	char **l = realloc(*list, (*n + 2) * sizeof(*l));

	if (!l)
		return -1;
	*list = l;
	if (!(l[*n] = strndup(s, len)))
		return -1;
	l[++*n] = NULL;
	return 0;
}

/* Adds one mailbox's address (already stripped of display name) when it has one. */
static int push_address(char ***list, size_t *n, struct sila_buf *addr)
{
	const char *s = addr->data ? addr->data : "";
	size_t len = addr->len;
	int r = 0;

	/* A route ("@a.se,@b.se:user@c.se") ends at its last colon. */
	for (size_t i = len; i > 0; i--)
		if (s[i - 1] == ':') {
			s += i;
			len -= i;
			break;
		}
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len)
		r = list_push(list, n, s, len);
	sila_buf_reset(addr);
	return r;
}

int sila_mail_address_list(const char *value, char ***list, size_t *n)
{
	/* bare: text outside angle brackets; angle: the last <...> met. */
	struct sila_buf bare = SILA_BUF_INIT(FIELD_MAX), angle = SILA_BUF_INIT(FIELD_MAX);
	int in_angle = 0, have_angle = 0, ret = 0;

	for (const char *s = value;; s++) {
		char c = *s;

		if (c == '"') {
			/* A quoted string: part of a local part, or a display name. */
			struct sila_buf *to = in_angle ? &angle : &bare;

			sila_buf_addc(to, c);
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1])
					sila_buf_addc(to, *s++);
				sila_buf_addc(to, *s);
			}
			if (!*s)
				s--;
			else
				sila_buf_addc(to, '"');
			continue;
		}
		if (c == '(') {
			/* A comment, perhaps nested: dropped. */
			int depth = 1;

			for (s++; *s && depth; s++) {
				if (*s == '\\' && s[1])
					s++;
				else if (*s == '(')
					depth++;
				else if (*s == ')')
					depth--;
			}
			s--;
			continue;
		}
		if (c == '<' && !in_angle) {
			in_angle = 1;
			have_angle = 1;
			sila_buf_reset(&angle);
			continue;
		}
		if (c == '>' && in_angle) {
			in_angle = 0;
			continue;
		}
		if (in_angle && c) {
			sila_buf_addc(&angle, c);
			continue;
		}
		if (c == ':' && !in_angle && !memchr(bare.data ? bare.data : "", '@', bare.len)) {
			/* "group-name:" starts a group; the name is no address. */
			sila_buf_reset(&bare);
			continue;
		}
		if (c == ',' || c == ';' || c == '\0') {
			if (have_angle)
				ret |= push_address(list, n, &angle);
			else
				ret |= push_address(list, n, &bare);
			sila_buf_reset(&bare);
			sila_buf_reset(&angle);
			have_angle = 0;
			in_angle = 0;
			if (!c)
				break;
			continue;
		}
		sila_buf_addc(&bare, c);
	}
	sila_buf_release(&bare);
	sila_buf_release(&angle);
	return ret ? -1 : 0;
}

int sila_mail_encrypted_type(const char *ct)
{
	static const char *const pkcs7[] = { "application/pkcs7-mime", "application/x-pkcs7-mime" };
	const char *st;
	size_t n;

	if (!ct)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, "multipart/encrypted", 19) == 0 && strchr(" \t;", ct[19] ? ct[19] : ' '))
		return 1;
	for (size_t i = 0; i < 2; i++) {
		n = strlen(pkcs7[i]);
		if (strncasecmp(ct, pkcs7[i], n) == 0 && strchr(" \t;", ct[n] ? ct[n] : ' '))
			break;
		if (i == 1)
			return 0;
	}
	/* smime-type says what it holds; without it, encrypted is by far the most common. */
	for (st = ct; (st = strchr(st, ';')); ) {
		st++;
		while (*st == ' ' || *st == '\t')
			st++;
		if (strncasecmp(st, "smime-type", 10) == 0) {
			const char *v = st + 10;

			while (*v == ' ' || *v == '\t' || *v == '=' || *v == '"')
				v++;
			return strncasecmp(v, "signed-data", 11) != 0 &&
			       strncasecmp(v, "compressed-data", 15) != 0 &&
			       strncasecmp(v, "certs-only", 10) != 0;
		}
	}
	return 1;
}

/* Takes one unfolded field; -1 when memory is short. */
static int take_field(struct sila_mail_headers *h, const char *name, size_t nlen,
		      const char *value)
{
	while (*value == ' ' || *value == '\t')
		value++;
	if (nlen == 10 && strncasecmp(name, "message-id", 10) == 0 && !h->message_id) {
		size_t len = strlen(value);

		while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
			len--;
		return (h->message_id = strndup(value, len)) ? 0 : -1;
	}
	if (nlen == 12 && strncasecmp(name, "content-type", 12) == 0 && !h->content_type)
		return (h->content_type = strdup(value)) ? 0 : -1;
	if ((nlen == 2 && (strncasecmp(name, "to", 2) == 0 || strncasecmp(name, "cc", 2) == 0)) ||
	    (nlen == 3 && strncasecmp(name, "bcc", 3) == 0))
		return sila_mail_address_list(value, &h->recipients, &h->nrecipients);
	return 0;
}

int sila_mail_headers_parse(const char *msg, size_t len, struct sila_mail_headers *h)
{
	struct sila_buf val = SILA_BUF_INIT(FIELD_MAX);
	size_t pos = 0, name_at = 0, name_len = 0;
	int have = 0, ret = 0;

	memset(h, 0, sizeof(*h));
	if (len > HEADER_MAX)
		len = HEADER_MAX;
	/* An mbox separator ("From sender date") is no header field. */
	if (len >= 5 && memcmp(msg, "From ", 5) == 0) {
		const char *nl = memchr(msg, '\n', len);

		pos = nl ? (size_t)(nl - msg) + 1 : len;
	}
	while (pos < len) {
		const char *line = msg + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		size_t next = pos + ll + (nl ? 1 : 0);

		if (ll && line[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			break; /* the empty line that ends the header */
		if (line[0] == ' ' || line[0] == '\t') {
			/* A folded continuation: unfolding removes only the line break. */
			if (have)
				sila_buf_add_upto(&val, line, ll);
		} else {
			const char *colon = memchr(line, ':', ll);

			if (have && take_field(h, msg + name_at, name_len, val.data ? val.data : "") != 0)
				ret = -1;
			have = 0;
			sila_buf_reset(&val);
			if (colon && colon > line) {
				have = 1;
				name_at = pos;
				name_len = (size_t)(colon - line);
				sila_buf_add_upto(&val, colon + 1, ll - name_len - 1);
			} else if (!colon && pos == 0) {
				break; /* no header at all */
			}
		}
		pos = next;
	}
	if (have && take_field(h, msg + name_at, name_len, val.data ? val.data : "") != 0)
		ret = -1;
	sila_buf_release(&val);
	return ret;
}

void sila_mail_headers_free(struct sila_mail_headers *h)
{
	free(h->message_id);
	free(h->content_type);
	sila_free_list(h->recipients);
	memset(h, 0, sizeof(*h));
}
