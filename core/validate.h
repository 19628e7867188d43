/*
 * validate.h - checks that turn a pattern match into a finding: Swedish
 * personnummer, samordningsnummer and interim numbers, organisationsnummer,
 * the Nordic identity numbers, payment card numbers and IBAN.
 *
 * Two layers. The sila_*_parse functions judge one whole string, as the
 * personnummer project's conformance data does. The validators in the
 * registry are what sila-scan calls: Hyperscan reports only where a match
 * ends (no start-of-match flag, which is slow), so a validator is given the
 * text and that end offset, finds the start itself by trying the forms the
 * rule allows, longest first, and checks that the number is not part of a
 * longer run of letters or digits.
 *
 * Nothing here allocates; all output goes into caller-owned structs.
 */
#ifndef SILA_VALIDATE_H
#define SILA_VALIDATE_H

#include <stddef.h>

/* A calendar date; the scan date resolves the century of short numbers. */
struct sila_date {
	int year, month, day;
};

/* Fills d with today's date in local time. */
void sila_date_today(struct sila_date *d);

/* Whether y-m-d is a real calendar date (leap years counted). */
int sila_date_valid(int year, int month, int day);

/* Whether the n ASCII digits at s pass the Luhn check. */
int sila_luhn_ok(const char *s, size_t n);

enum sila_pnr_kind {
	SILA_PNR_INVALID = 0,
	SILA_PNR_PERSONNUMMER,
	SILA_PNR_SAMORDNING,
	SILA_PNR_INTERIM
};

/* A parsed Swedish identity number. */
struct sila_pnr {
	enum sila_pnr_kind kind;
	int year, month, day; /* birth date; day without the +60 */
	char canon[16];       /* "YYYYMMDD-NNNC" ("+" kept when written) */
	char masked[16];      /* "YYYYMMDD-****" */
};

/*
 * Parses the whole string s (n bytes) as a personnummer, samordningsnummer
 * or (when allow_interim) interim number in any form the personnummer project
 * accepts: YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC, YYYYMMDD-NNNC, YYYYMMDD+NNNC,
 * YYYYMMDDNNNC. Short forms get their century from today and the sign.
 * Returns the kind; SILA_PNR_INVALID when not valid.
 */
enum sila_pnr_kind sila_pnr_parse(const char *s, size_t n,
				  const struct sila_date *today,
				  int allow_interim, struct sila_pnr *out);

/* Whether s (n bytes, NNNNNN-NNNN, NNNNNNNNNN, 16NNNNNNNNNN or SE..01) is a valid organisationsnummer. */
int sila_orgnr_valid(const char *s, size_t n);

/* Whole-string checks for the other identifiers (separators as written). */
int sila_no_fnr_valid(const char *s, size_t n);   /* fødselsnummer, D- and H-nummer */
int sila_dk_cpr_valid(const char *s, size_t n);   /* date only; no mod 11 */
int sila_fi_hetu_valid(const char *s, size_t n);  /* mod-31 check character */
int sila_card_valid(const char *s, size_t n);     /* issuer prefix + Luhn */
int sila_iban_valid(const char *s, size_t n);     /* country length + mod 97 */

/* What a validator learned about a match. */
struct sila_id {
	size_t start, end; /* the number's byte span in the text */
	char canon[48];    /* normalised value, e.g. "19121212-1212" */
	char masked[48];   /* the same with the secret part masked */
	int strong;        /* 1 when a checksum confirmed it, 0 date/shape only */
};

/* What a validator may need besides the text. */
struct sila_vctx {
	struct sila_date today;
	int allow_interim;
};

/*
 * A validator: text and len are the whole text, end is where the match
 * ended (exclusive). Returns 1 and fills out when a valid number ends
 * there, 0 otherwise.
 */
typedef int (*sila_validator_fn)(const char *text, size_t len, size_t end,
				 const struct sila_vctx *ctx, struct sila_id *out);

struct sila_validator {
	const char *name; /* as named in rule files */
	sila_validator_fn fn;
};

/* The validator called name, or NULL. */
const struct sila_validator *sila_validator_find(const char *name);

/* All validators, ending with a {NULL, NULL} entry. */
extern const struct sila_validator sila_validators[];

#endif
