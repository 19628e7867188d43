/*
 * verdict.h - the mail gateway's judgement: whether a message may pass,
 * must be held, or is rejected, from sila's result lines for its parts,
 * its recipients and the [mail] section of the policy.
 *
 * sila-mail and sila-milter share this code. The [mail] section is read
 * here (sila-classify skips it); its keys are described in
 * docs/mail-gateway.md. A verdict carries reasons: short codes such as
 * "external:personal-data" or "unscannable:encrypted" that never hold a
 * number, and sila_verdict_text() turns them into the sentence an SMTP
 * reply or a bounce gives.
 *
 * Usage:
 *   struct sila_mail_policy *p = sila_mail_policy_load("patterns/policy.conf", err, n);
 *   struct sila_judge *j = sila_judge_new(p);
 *   sila_judge_recipient(j, "kund@example.com");
 *   sila_judge_result(j, line);               (each JSON line of the report)
 *   json_t *reasons;
 *   enum sila_verdict v = sila_judge_decide(j, &reasons);
 *
 * Ownership: a policy and a judge own their memory and are freed with
 * their _free functions; sila_judge_decide's reasons array and the
 * strings of sila_verdict_text and sila_mail_headers belong to the caller.
 */
#ifndef SILA_VERDICT_H
#define SILA_VERDICT_H

#include <stddef.h>

#include "hash.h"

struct json_t;
struct sila_policy;

/* The three outcomes, ordered so that the stricter of two is the larger. */
enum sila_verdict { SILA_VERDICT_PASS = 0, SILA_VERDICT_HOLD = 1, SILA_VERDICT_REJECT = 2 };

/* The default cap on a message's size: 50 MiB. */
#define SILA_MAIL_MAX_SIZE_DEFAULT ((size_t)50 << 20)

/* The [mail] section of a policy file, with the file's other sections. */
struct sila_mail_policy {
	char **internal_domains;   /* NULL-terminated; ".x.se" also matches subdomains */
	char **reject_tags;        /* content with one of these tags is rejected */
	int hold_external_level;   /* held for external recipients at this level; -1 off */
	int internal_level;        /* held for any recipient at this level; -1 off */
	int hold_unscannable;      /* a part that could not be scanned holds the message */
	char **unscannable_except; /* warning codes that do not count as unscannable */
	int hold_partial;          /* a part scanned only in part holds the message */
	int allow_encrypted;       /* an S/MIME or PGP/MIME encrypted body is not unscannable */
	size_t max_size;           /* bytes of a message scanned at most */
	enum sila_verdict max_size_action; /* what a larger message gets: hold or reject */
	struct sila_policy *base;  /* the classification policy, for tag levels; may be NULL */
	char hash[SILA_SHA256_HEX]; /* SHA-256 of the policy file */
};

/*
 * Loads the policy file: its [mail] section here, the rest with
 * sila_policy_parse, from one read. NULL with "file:line: reason" in err.
 */
struct sila_mail_policy *sila_mail_policy_load(const char *path, char *err, size_t errlen);

/*
 * Reads the [mail] section from text (a whole policy file; other sections
 * are skipped, unchecked); name is used in messages. base stays NULL.
 */
struct sila_mail_policy *sila_mail_policy_parse(const char *text, size_t len, const char *name,
						char *err, size_t errlen);
void sila_mail_policy_free(struct sila_mail_policy *p);

/* Whether an address's domain is one of the policy's internal domains. */
int sila_mail_internal(const struct sila_mail_policy *p, const char *address);

/* The judgement of one message, fed its recipients and results. */
struct sila_judge;
struct sila_judge *sila_judge_new(const struct sila_mail_policy *p);
void sila_judge_free(struct sila_judge *j);

/* One recipient, counted internal or external by its domain. */
void sila_judge_recipient(struct sila_judge *j, const char *address);

/* The message is encrypted as a whole (S/MIME enveloped data or PGP/MIME). */
void sila_judge_encrypted(struct sila_judge *j, int on);

/* The message was larger than the policy's cap and was not scanned. */
void sila_judge_oversize(struct sila_judge *j);

/* The scan did not finish: no result for the message itself came. */
void sila_judge_scan_failed(struct sila_judge *j);

/*
 * One result line of the report, a file's or member's (a JSON object with
 * member, status, level, tags and warnings as sila writes them).
 */
void sila_judge_result(struct sila_judge *j, const struct json_t *line);

/* Counts of the recipients seen so far. */
size_t sila_judge_internal(const struct sila_judge *j);
size_t sila_judge_external(const struct sila_judge *j);

/* The highest level among the results, 0 when none came. */
int sila_judge_level(const struct sila_judge *j);

/*
 * Decides. When reasons is not NULL, *reasons becomes a new JSON array of
 * reason codes (strings of letters, '-' and ':' only), strictest first.
 */
enum sila_verdict sila_judge_decide(const struct sila_judge *j, struct json_t **reasons);

/* "pass", "hold", "reject". */
const char *sila_verdict_name(enum sila_verdict v);

/* The verdict named by s, or -1. */
int sila_verdict_parse(const char *s);

/*
 * The sentence that explains reasons (an array of reason codes) to a
 * sender, e.g. "Message holds personal identity numbers for external
 * recipients". Plain ASCII with no digits, on one line; malloc'ed, NULL
 * when memory is short.
 */
char *sila_verdict_text(const struct json_t *reasons);

/* What sila-mail needs from a message's top-level header. */
struct sila_mail_headers {
	char *message_id;    /* Message-ID's value, trimmed; NULL when absent */
	char *content_type;  /* Content-Type's value, unfolded; NULL when absent */
	char **recipients;   /* addresses of To, Cc and Bcc; NULL-terminated */
	size_t nrecipients;
};

/*
 * Reads the header block at the start of msg (up to the first empty line;
 * a leading mbox "From " line is skipped). Returns 0, or -1 when memory is
 * short. A message with no header yields no fields.
 */
int sila_mail_headers_parse(const char *msg, size_t len, struct sila_mail_headers *h);
void sila_mail_headers_free(struct sila_mail_headers *h);

/*
 * Appends the addresses in an address-list header value (RFC 5322: display
 * names, quoted strings, comments, groups) to *list (NULL-terminated,
 * *n entries). Returns 0, or -1 when memory is short.
 */
int sila_mail_address_list(const char *value, char ***list, size_t *n);

/*
 * Whether a Content-Type value says the whole message is encrypted:
 * multipart/encrypted, or application/(x-)pkcs7-mime that is not signed
 * or compressed data.
 */
int sila_mail_encrypted_type(const char *content_type);

#endif
