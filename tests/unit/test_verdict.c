/*
 * test_verdict.c - unit tests for core/verdict.c: the mail gateway's
 * [mail] policy, recipients, the verdict rules and their reasons, the
 * explanation a sender gets, and the small header and address parsers.
 *
 * Result lines are built by hand as sila writes them (member, status,
 * level, tags, warnings). Most tests use the real policy in
 * patterns/policy.conf (the tests run from the repository root), so that
 * they also check what the shipped [mail] section says; a few parse a
 * policy of their own from a string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "verdict.h"

/* ---- helpers ------------------------------------------------------------- */

/*
 * A result line. member is a comma-separated path inside the message ("" for
 * the message itself), tags comma-separated, warnings comma-separated codes.
 */
static json_t *line(const char *member, const char *status, int level, const char *tags,
		    const char *warnings)
{
	json_t *j = json_pack("{s:s}", "path", "<id@example.se>");
	json_t *m = json_array(), *t = json_array(), *w = json_array();
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", member);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(m, json_string(tok));
	if (json_array_size(m))
		json_object_set(j, "member", m);
	json_object_set_new(j, "status", json_string(status));
	json_object_set_new(j, "level", json_integer(level));
	snprintf(buf, sizeof(buf), "%s", tags);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(t, json_string(tok));
	json_object_set_new(j, "tags", t);
	snprintf(buf, sizeof(buf), "%s", warnings);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(w, json_pack("{s:s, s:s}", "code", tok, "message", "why"));
	json_object_set_new(j, "warnings", w);
	json_decref(m);
	return j;
}

/* Feeds a line to the judge and drops it. */
static void feed(struct sila_judge *j, json_t *l)
{
	sila_judge_result(j, l);
	json_decref(l);
}

/* The reasons as one comma-separated string, for comparison. */
static char *joined(const json_t *reasons)
{
	static char s[1024];
	size_t i, n = 0;
	const json_t *v;

	s[0] = '\0';
	json_array_foreach(reasons, i, v)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s%s", n ? "," : "",
				      json_string_value(v));
	return s;
}

/* Decides; checks the verdict and the reasons; returns nothing. */
static void expect(struct sila_judge *j, enum sila_verdict want, const char *want_reasons)
{
	json_t *reasons = NULL;
	enum sila_verdict v = sila_judge_decide(j, &reasons);

	assert_non_null(reasons);
	assert_string_equal(joined(reasons), want_reasons);
	assert_int_equal(v, want);
	json_decref(reasons);
}

/* A policy from the text of a [mail] section. */
static struct sila_mail_policy *policy_from(const char *mail)
{
	char text[2048], err[256] = "";
	struct sila_mail_policy *p;

	snprintf(text, sizeof(text), "[levels]\n0 = K0\n[mail]\n%s", mail);
	p = sila_mail_policy_parse(text, strlen(text), "test.conf", err, sizeof(err));
	if (!p)
		fail_msg("policy: %s", err);
	return p;
}

static int setup(void **state)
{
	char err[512] = "";
	struct sila_mail_policy *p = sila_mail_policy_load("patterns/policy.conf", err, sizeof(err));

	if (!p) {
		fprintf(stderr, "cannot load patterns/policy.conf: %s\n", err);
		return -1;
	}
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	sila_mail_policy_free(*state);
	return 0;
}

/* A message with body.txt and an attachment, as sila reports it: members, then the message. */
static void feed_message(struct sila_judge *j, int level, const char *tags)
{
	feed(j, line("headers.txt", "ok", 0, "", ""));
	feed(j, line("body.txt", "ok", level, tags, level ? "unmarked-personal-data" : ""));
	feed(j, line("", "ok", level, tags, ""));
}

/* ---- the policy ---------------------------------------------------------- */

static void test_shipped_policy(void **state)
{
	const struct sila_mail_policy *p = *state;

	assert_non_null(p->internal_domains);
	assert_string_equal(p->internal_domains[0], "example.se");
	assert_non_null(p->reject_tags);
	assert_string_equal(p->reject_tags[0], "security-classified");
	assert_int_equal(p->hold_external_level, 2);
	assert_int_equal(p->internal_level, 3);
	assert_true(p->hold_unscannable);
	assert_true(p->allow_encrypted);
	assert_int_equal(p->max_size, (size_t)50 << 20);
	assert_int_equal(p->max_size_action, SILA_VERDICT_HOLD);
	assert_non_null(p->base);
	assert_int_equal(strlen(p->hash), 64);
}

static void test_policy_defaults(void **state)
{
	struct sila_mail_policy *p = policy_from("");

	(void)state;
	assert_null(p->internal_domains);
	assert_int_equal(p->hold_external_level, 2);
	assert_int_equal(p->internal_level, -1);
	assert_true(p->hold_unscannable);
	assert_false(p->hold_partial);
	assert_true(p->allow_encrypted);
	assert_int_equal(p->max_size, SILA_MAIL_MAX_SIZE_DEFAULT);
	assert_int_equal(p->max_size_action, SILA_VERDICT_HOLD);
	sila_mail_policy_free(p);
	p = policy_from("hold-external-level = off\ninternal-level = 4\nmax-size = 2K\n"
			"max-size-action = reject\nhold-partial = yes\n");
	assert_int_equal(p->hold_external_level, -1);
	assert_int_equal(p->internal_level, 4);
	assert_int_equal(p->max_size, 2048);
	assert_int_equal(p->max_size_action, SILA_VERDICT_REJECT);
	assert_true(p->hold_partial);
	sila_mail_policy_free(p);
}

static void test_policy_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "[mail]\nhold-external-level = 7\n", "test.conf:2: hold-external-level is a level" },
		{ "[mail]\nfrobnicate = yes\n", "test.conf:2: unknown key 'frobnicate' in section [mail]" },
		{ "[mail]\nmax-size-action = pass\n", "test.conf:2: max-size-action is hold or reject" },
		{ "[mail]\nhold-unscannable = maybe\n", "test.conf:2: hold-unscannable is yes or no" },
		{ "[mail]\nmax-size = lots\n", "test.conf:2: max-size is a size" },
		{ "[mail]\njust words\n", "test.conf:2: expected 'key = value'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		struct sila_mail_policy *p =
			sila_mail_policy_parse(bad[i][0], strlen(bad[i][0]), "test.conf", err, sizeof(err));

		assert_null(p);
		if (strncmp(err, bad[i][1], strlen(bad[i][1])) != 0)
			fail_msg("%s: got '%s'", bad[i][1], err);
	}
}

/* ---- recipients ---------------------------------------------------------- */

static void test_internal_domains(void **state)
{
	const struct sila_mail_policy *p = *state;
	struct sila_mail_policy *sub = policy_from("internal-domains = .example.se\n");

	assert_true(sila_mail_internal(p, "per@example.se"));
	assert_true(sila_mail_internal(p, "Per@EXAMPLE.SE"));
	assert_true(sila_mail_internal(p, "per@example.se."));
	assert_true(sila_mail_internal(p, "a@kommun.example.se"));
	assert_false(sila_mail_internal(p, "a@skola.example.se")); /* not listed, no leading dot */
	assert_false(sila_mail_internal(p, "kund@example.com"));
	assert_false(sila_mail_internal(p, "x@example.se.example.com"));
	assert_false(sila_mail_internal(p, "x@notexample.se"));
	assert_false(sila_mail_internal(p, "root"));
	assert_false(sila_mail_internal(p, "x@"));
	/* A leading dot covers the domain and every subdomain. */
	assert_true(sila_mail_internal(sub, "a@example.se"));
	assert_true(sila_mail_internal(sub, "a@skola.example.se"));
	assert_false(sila_mail_internal(sub, "a@badexample.se"));
	sila_mail_policy_free(sub);
}

static void test_recipient_counts(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	sila_judge_recipient(j, "a@example.se");
	sila_judge_recipient(j, "b@kommun.example.se");
	sila_judge_recipient(j, "c@example.com");
	assert_int_equal(sila_judge_internal(j), 2);
	assert_int_equal(sila_judge_external(j), 1);
	sila_judge_free(j);
}

/* ---- the rules ----------------------------------------------------------- */

static void test_clean_passes(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	sila_judge_recipient(j, "kund@example.com");
	feed_message(j, 0, "");
	expect(j, SILA_VERDICT_PASS, "");
	sila_judge_free(j);
}

static void test_personal_data_external_held(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	sila_judge_recipient(j, "kund@example.com");
	feed_message(j, 2, "personal-data");
	expect(j, SILA_VERDICT_HOLD, "external:personal-data");
	sila_judge_free(j);
}

static void test_personal_data_internal_passes(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	sila_judge_recipient(j, "kollega@example.se");
	sila_judge_recipient(j, "handlaggare@kommun.example.se");
	feed_message(j, 2, "marked-confidential,personal-data");
	expect(j, SILA_VERDICT_PASS, "");
	sila_judge_free(j);
}

static void test_one_external_recipient_is_enough(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	sila_judge_recipient(j, "kollega@example.se");
	sila_judge_recipient(j, "kund@example.com");
	feed_message(j, 2, "marked-confidential,personal-data,internal");
	/* The internal-use marking (level 1) is not why: it would pass alone. */
	expect(j, SILA_VERDICT_HOLD, "external:marked-confidential,external:personal-data");
	sila_judge_free(j);
}

static void test_no_recipients_counts_as_external(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	feed_message(j, 2, "personal-data");
	expect(j, SILA_VERDICT_HOLD, "external:personal-data");
	sila_judge_free(j);
}

static void test_marking_below_level_passes(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	sila_judge_recipient(j, "kund@example.com");
	feed_message(j, 1, "internal");
	expect(j, SILA_VERDICT_PASS, "");
	sila_judge_free(j);
}

static void test_security_classified_rejected(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	/* Even between colleagues. */
	sila_judge_recipient(j, "kollega@example.se");
	feed(j, line("headers.txt", "ok", 0, "", ""));
	feed(j, line("rapport.txt", "ok", 4, "security-classified", ""));
	feed(j, line("", "ok", 4, "security-classified", ""));
	expect(j, SILA_VERDICT_REJECT, "reject-tag:security-classified");
	sila_judge_free(j);

	/* With personal data beside it, for an external recipient: both say why. */
	j = sila_judge_new(*state);
	sila_judge_recipient(j, "kund@example.com");
	feed(j, line("rapport.txt", "ok", 4, "security-classified,personal-data", ""));
	expect(j, SILA_VERDICT_REJECT, "reject-tag:security-classified,external:personal-data");
	sila_judge_free(j);
}

static void test_internal_level_held_internally(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	sila_judge_recipient(j, "kollega@example.se");
	feed(j, line("beslut.docx", "ok", 3,
		     "protected-identity,mentions-protected-identity,personal-data", ""));
	expect(j, SILA_VERDICT_HOLD, "internal-level:protected-identity");
	sila_judge_free(j);
}

static void test_large_amounts_held_internally(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	/* Level 3 from the amount of personal data: the tag itself is level 2. */
	sila_judge_recipient(j, "kollega@example.se");
	feed(j, line("register.xlsx", "ok", 3, "personal-data", "unmarked-personal-data"));
	expect(j, SILA_VERDICT_HOLD, "internal-level:personal-data");
	sila_judge_free(j);
}

static void test_unscannable_attachment_held(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	/* corpus/formats/mail/krypterad-bilaga.eml, as sila reports it. */
	sila_judge_recipient(j, "asa.oberg@example.se");
	feed(j, line("headers.txt", "ok", 0, "", ""));
	feed(j, line("body.txt", "ok", 0, "", ""));
	feed(j, line("hemlig.zip,hemlig.txt", "unscannable", 0, "", "encrypted"));
	feed(j, line("hemlig.zip", "partial", 0, "", "encrypted,partial-members"));
	feed(j, line("", "partial", 0, "", "partial-members"));
	expect(j, SILA_VERDICT_HOLD, "unscannable:encrypted");
	sila_judge_free(j);
}

static void test_unscannable_except_and_off(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);
	struct sila_mail_policy *off = policy_from("hold-unscannable = no\n");

	/* An image (unsupported-type) is excepted by the shipped policy. */
	sila_judge_recipient(j, "kund@example.com");
	feed(j, line("logo.png", "unscannable", 0, "", "unsupported-type"));
	expect(j, SILA_VERDICT_PASS, "");
	sila_judge_free(j);

	/* A part that could not be read and says not why still counts. */
	j = sila_judge_new(*state);
	sila_judge_recipient(j, "kund@example.com");
	feed(j, line("x.bin", "error", 0, "", ""));
	expect(j, SILA_VERDICT_HOLD, "unscannable:unknown");
	sila_judge_free(j);

	j = sila_judge_new(off);
	sila_judge_recipient(j, "kund@example.com");
	feed(j, line("hemlig.pdf", "unscannable", 0, "", "encrypted"));
	expect(j, SILA_VERDICT_PASS, "");
	sila_judge_free(j);
	sila_mail_policy_free(off);
}

static void test_partial(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);
	struct sila_mail_policy *lax = policy_from("hold-partial = no\n");

	/* corpus/formats/mail/trasig.eml to an internal recipient. */
	sila_judge_recipient(j, "arkiv@example.se");
	feed(j, line("body.txt", "ok", 2, "personal-data", "unmarked-personal-data"));
	feed(j, line("lista.txt", "partial", 2, "personal-data",
		     "extraction-failed,unmarked-personal-data"));
	feed(j, line("", "partial", 2, "personal-data", "extraction-failed,partial-members"));
	expect(j, SILA_VERDICT_HOLD, "partial:extraction-failed");
	sila_judge_free(j);

	j = sila_judge_new(lax);
	sila_judge_recipient(j, "arkiv@example.se");
	feed(j, line("lista.txt", "partial", 0, "", "extraction-failed"));
	expect(j, SILA_VERDICT_PASS, "");
	sila_judge_free(j);
	sila_mail_policy_free(lax);

	/* A container partial only because a member is: judged by the member. */
	j = sila_judge_new(*state);
	sila_judge_recipient(j, "arkiv@example.se");
	feed(j, line("arkiv.zip", "partial", 0, "", "partial-members"));
	expect(j, SILA_VERDICT_PASS, "");
	sila_judge_free(j);
}

/* An S/MIME encrypted message as sila reports it: headers, the payload, the message. */
static void feed_smime(struct sila_judge *j, int header_level)
{
	feed(j, line("headers.txt", "ok", header_level, header_level ? "personal-data" : "", ""));
	feed(j, line("smime.p7m", "unscannable", 0, "", "encrypted"));
	feed(j, line("", "partial", header_level, header_level ? "personal-data" : "",
		     "partial-members"));
}

static void test_encrypted_message(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);
	struct sila_mail_policy *strict = policy_from("allow-encrypted = no\n");

	/* Encrypted as a whole: it may leave. */
	sila_judge_recipient(j, "kund@example.com");
	sila_judge_encrypted(j, 1);
	feed_smime(j, 0);
	expect(j, SILA_VERDICT_PASS, "");
	sila_judge_free(j);

	/* The Subject travels in clear, and is judged. */
	j = sila_judge_new(*state);
	sila_judge_recipient(j, "kund@example.com");
	sila_judge_encrypted(j, 1);
	feed_smime(j, 2);
	expect(j, SILA_VERDICT_HOLD, "external:personal-data");
	sila_judge_free(j);

	/* The same part in a message not encrypted as a whole is unscannable. */
	j = sila_judge_new(*state);
	sila_judge_recipient(j, "kund@example.com");
	feed_smime(j, 0);
	expect(j, SILA_VERDICT_HOLD, "unscannable:encrypted");
	sila_judge_free(j);

	/* A policy that does not allow encryption holds it too. */
	j = sila_judge_new(strict);
	sila_judge_recipient(j, "kund@example.com");
	sila_judge_encrypted(j, 1);
	feed_smime(j, 0);
	expect(j, SILA_VERDICT_HOLD, "unscannable:encrypted");
	sila_judge_free(j);
	sila_mail_policy_free(strict);

	/* An encrypted zip inside an encrypted message is still held. */
	j = sila_judge_new(*state);
	sila_judge_recipient(j, "kund@example.com");
	sila_judge_encrypted(j, 1);
	feed(j, line("a.zip,b.txt", "unscannable", 0, "", "encrypted"));
	expect(j, SILA_VERDICT_HOLD, "unscannable:encrypted");
	sila_judge_free(j);
}

static void test_size_limit(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);
	struct sila_mail_policy *rej = policy_from("max-size-action = reject\n");

	sila_judge_recipient(j, "kollega@example.se");
	sila_judge_oversize(j);
	expect(j, SILA_VERDICT_HOLD, "too-large");
	sila_judge_free(j);

	j = sila_judge_new(rej);
	sila_judge_recipient(j, "kollega@example.se");
	sila_judge_oversize(j);
	expect(j, SILA_VERDICT_REJECT, "too-large");
	sila_judge_free(j);
	sila_mail_policy_free(rej);
}

static void test_scan_failed_held(void **state)
{
	struct sila_judge *j = sila_judge_new(*state);

	sila_judge_recipient(j, "kollega@example.se");
	feed(j, line("body.txt", "ok", 0, "", ""));
	sila_judge_scan_failed(j);
	expect(j, SILA_VERDICT_HOLD, "scan-failed");
	sila_judge_free(j);
}

static void test_reasons_hold_no_number(void **state)
{
	struct sila_mail_policy *p = policy_from("reject-tags = k3-secret\n");
	struct sila_judge *j = sila_judge_new(p);

	(void)state;
	sila_judge_recipient(j, "a@example.com");
	feed(j, line("x.txt", "ok", 2, "k3-secret", "w0rd-2"));
	expect(j, SILA_VERDICT_REJECT, "reject-tag:k-secret");
	sila_judge_free(j);
	sila_mail_policy_free(p);
}

/* ---- explaining ---------------------------------------------------------- */

/* The text for a list of reason codes, checked for digits and line breaks. */
static char *text_of(const char *codes)
{
	json_t *r = json_array();
	char buf[512], *tok, *save, *s;

	snprintf(buf, sizeof(buf), "%s", codes);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(r, json_string(tok));
	s = sila_verdict_text(r);
	json_decref(r);
	assert_non_null(s);
	for (const char *c = s; *c; c++)
		if (isdigit((unsigned char)*c) || *c == '\n' || *c == '\r')
			fail_msg("'%s' holds a digit or a line break", s);
	return s;
}

static void test_text(void **state)
{
	static const char *const cases[][2] = {
		{ "external:personal-data",
		  "Message holds personal identity numbers for external recipients" },
		{ "external:marked-confidential,external:personal-data",
		  "Message holds a confidentiality marking and personal identity numbers for "
		  "external recipients" },
		{ "reject-tag:security-classified",
		  "Message holds a security-protection classification, which may not be sent by "
		  "e-mail" },
		{ "unscannable:encrypted,unscannable:extraction-failed",
		  "An attachment could not be scanned (encrypted and damaged)" },
		{ "too-large", "Message is larger than the gateway scans" },
		{ "internal-level:protected-identity",
		  "Message holds information on a protected identity, which is held even for "
		  "internal recipients" },
		{ "external:personal-data,partial:extraction-failed",
		  "Message holds personal identity numbers for external recipients; Part of the "
		  "message could be scanned only in part (damaged)" },
		{ "external:x-tag", "Message holds content tagged x-tag for external recipients" },
		{ "external", "Message holds sensitive content for external recipients" },
		{ "scan-failed", "Message could not be scanned" },
		{ "", "Message passed the content policy" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = text_of(cases[i][0]);

		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(sila_verdict_name(SILA_VERDICT_PASS), "pass");
	assert_string_equal(sila_verdict_name(SILA_VERDICT_HOLD), "hold");
	assert_string_equal(sila_verdict_name(SILA_VERDICT_REJECT), "reject");
	assert_int_equal(sila_verdict_parse("reject"), SILA_VERDICT_REJECT);
	assert_int_equal(sila_verdict_parse("bounce"), -1);
}

/* ---- the header ---------------------------------------------------------- */

static void test_headers(void **state)
{
	static const char msg[] =
		"From sender@example.se Sat Jan 10 09:00:00 2026\n"
		"Received: from x\r\n\tby y\r\n"
		"From: Per <per@example.se>\r\n"
		"To: \"Oberg, Asa\" <asa.oberg@example.se>, kund@example.com (Kunden)\r\n"
		"Cc: Listan: a@example.se, \"b\" <b@example.com>;,\r\n"
		" sista@example.com\r\n"
		"BCC: <dold@example.com>\r\n"
		"Message-ID:\r\n <abc-123@example.se> \r\n"
		"Content-Type: application/pkcs7-mime;\r\n\tsmime-type=enveloped-data; name=smime.p7m\r\n"
		"\r\n"
		"To: not-a-header@example.com\r\n";
	static const char *const want[] = {
		"asa.oberg@example.se", "kund@example.com", "a@example.se", "b@example.com",
		"sista@example.com", "dold@example.com"
	};
	struct sila_mail_headers h;

	(void)state;
	assert_int_equal(sila_mail_headers_parse(msg, sizeof(msg) - 1, &h), 0);
	assert_string_equal(h.message_id, "<abc-123@example.se>");
	assert_non_null(h.content_type);
	assert_true(sila_mail_encrypted_type(h.content_type));
	assert_int_equal(h.nrecipients, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < h.nrecipients; i++)
		assert_string_equal(h.recipients[i], want[i]);
	assert_null(h.recipients[h.nrecipients]);
	sila_mail_headers_free(&h);

	/* No header at all, and an empty message. */
	assert_int_equal(sila_mail_headers_parse("just text\n", 10, &h), 0);
	assert_null(h.message_id);
	assert_int_equal(h.nrecipients, 0);
	sila_mail_headers_free(&h);
	assert_int_equal(sila_mail_headers_parse("", 0, &h), 0);
	assert_null(h.content_type);
	sila_mail_headers_free(&h);
}

static void test_address_lists(void **state)
{
	char **l = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(sila_mail_address_list("undisclosed-recipients:;", &l, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sila_mail_address_list(
		"\"a, b\" <x@example.se>, (c) y@example.com, <@relay.example.net:z@example.org>",
		&l, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(l[0], "x@example.se");
	assert_string_equal(l[1], "y@example.com");
	assert_string_equal(l[2], "z@example.org");
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void test_encrypted_types(void **state)
{
	(void)state;
	assert_true(sila_mail_encrypted_type("multipart/encrypted; protocol=\"application/pgp-encrypted\""));
	assert_true(sila_mail_encrypted_type("Application/X-PKCS7-MIME; name=smime.p7m"));
	assert_true(sila_mail_encrypted_type("application/pkcs7-mime; smime-type=\"enveloped-data\""));
	assert_false(sila_mail_encrypted_type("application/pkcs7-mime; smime-type=signed-data"));
	assert_false(sila_mail_encrypted_type("multipart/signed; protocol=\"application/pkcs7-signature\""));
	assert_false(sila_mail_encrypted_type("multipart/encryptedx"));
	assert_false(sila_mail_encrypted_type("text/plain"));
	assert_false(sila_mail_encrypted_type(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_policy),
		cmocka_unit_test(test_policy_defaults),
		cmocka_unit_test(test_policy_errors),
		cmocka_unit_test(test_internal_domains),
		cmocka_unit_test(test_recipient_counts),
		cmocka_unit_test(test_clean_passes),
		cmocka_unit_test(test_personal_data_external_held),
		cmocka_unit_test(test_personal_data_internal_passes),
		cmocka_unit_test(test_one_external_recipient_is_enough),
		cmocka_unit_test(test_no_recipients_counts_as_external),
		cmocka_unit_test(test_marking_below_level_passes),
		cmocka_unit_test(test_security_classified_rejected),
		cmocka_unit_test(test_internal_level_held_internally),
		cmocka_unit_test(test_large_amounts_held_internally),
		cmocka_unit_test(test_unscannable_attachment_held),
		cmocka_unit_test(test_unscannable_except_and_off),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_encrypted_message),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_scan_failed_held),
		cmocka_unit_test(test_reasons_hold_no_number),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_address_lists),
		cmocka_unit_test(test_encrypted_types),
	};

	return cmocka_run_group_tests_name("verdict", tests, setup, teardown);
}
