/*
 * marking.c - telling a marking from prose that merely names the concept.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "marking.h"

/* The longest line that still reads as a stamp or a heading. */
#define STAMP_LINE_MAX 72

/* Whether byte c can be part of a word (ASCII letters and digits, and UTF-8 letters). */
static int wordbyte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* The bounds of the line holding [start, end). */
static void line_of(const char *t, size_t len, size_t start, size_t end,
		    size_t *ls, size_t *le)
{
	size_t a = start, b = end;

	while (a > 0 && t[a - 1] != '\n' && t[a - 1] != '\f' && t[a - 1] != '\r')
		a--;
	while (b < len && t[b] != '\n' && t[b] != '\f' && t[b] != '\r')
		b++;
	*ls = a;
	*le = b;
}

/* Whether only spaces and stamp punctuation stand between ls and start. */
static int starts_line(const char *t, size_t ls, size_t start)
{
	for (size_t i = ls; i < start; i++) {
		unsigned char c = (unsigned char)t[i];

		if (!isspace(c) && !strchr("*-_=#:|[(\"'>", c))
			return 0;
	}
	return 1;
}

/*
 * Copies the match, white space folded, into out as the finding's value;
 * with upper set, in capitals (ASCII and the Latin-1 letters of UTF-8, so
 * "Begränsat hemlig" reads "BEGRÄNSAT HEMLIG").
 */
static void fill(const char *t, size_t start, size_t end, int upper, struct sila_id *out)
{
	size_t k = 0;
	int space = 0;

	for (size_t i = start; i < end && k + 2 < sizeof(out->canon); i++) {
		unsigned char c = (unsigned char)t[i];

		if (isspace(c)) {
			space = 1;
			continue;
		}
		if (space && k)
			out->canon[k++] = ' ';
		space = 0;
		if (upper && c == 0xc3 && i + 1 < end && k + 3 < sizeof(out->canon)) {
			unsigned char d = (unsigned char)t[++i];

			out->canon[k++] = (char)c;
			out->canon[k++] = (char)(d >= 0xa0 && d <= 0xbe && d != 0xb7 ? d - 0x20 : d);
			continue;
		}
		out->canon[k++] = (char)(upper ? toupper(c) : c);
	}
	out->canon[k] = '\0';
	memcpy(out->masked, out->canon, sizeof(out->masked));
	out->end = end;
	out->strong = 1;
}

/*
 * Whether a long line that starts with a marking in capitals reads as a
 * stamp: the marking is followed by a citation ("enligt", "§", "OSL", a
 * slash or a parenthesis), or the line is set in capitals throughout
 * ("SEKRETESS ENLIGT 26 KAP. 1 § OSL").
 */
static int stamp_line(const char *t, size_t end, size_t le)
{
	size_t i = end, letters = 0, upper = 0;

	while (i < le && (t[i] == ' ' || t[i] == '\t' || t[i] == ':' || t[i] == '-'))
		i++;
	if (i < le && (t[i] == '/' || t[i] == '(' || strncasecmp(t + i, "enligt", 6) == 0 ||
		       strncmp(t + i, "OSL", 3) == 0 || strncmp(t + i, "\xc2\xa7", 2) == 0))
		return 1;
	for (i = end; i < le; i++) {
		unsigned char c = (unsigned char)t[i];

		if (isalpha(c)) {
			letters++;
			upper += isupper(c) != 0;
		}
	}
	return letters == 0 || upper * 5 >= letters * 4;
}

/*
 * Whether a lower-case word follows on the line ("Konfidentiell information
 * ska krypteras."): then a marking not in capitals is a sentence's first
 * word, not a heading.
 */
static int prose_follows(const char *t, size_t end, size_t le)
{
	size_t i = end;

	while (i < le && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i < le && islower((unsigned char)t[i]))
		return 1;
	/* å ä ö é begin a lower-case word as well. */
	return i + 1 < le && (unsigned char)t[i] == 0xc3 && (unsigned char)t[i + 1] >= 0xa0;
}

/* Labels of classification fields: "Informationsklass: INTERN". */
static const char *const field_labels[] = {
	"informationsklass", "informationsklassning", "klassificering", "klassning",
	"skyddsklass", "sekretessklass", "klass", "classification", "sensitivity",
};

/*
 * Whether the marking at [start, end) stands as a tag ("[KONFIDENTIELLT]")
 * or as the value of a classification field on its line.
 */
static int tag_or_field(const char *t, size_t len, size_t ls, size_t start, size_t end)
{
	size_t i = start, w;

	/*
	 * A tag in brackets, at the start of its line or after a prefix ending
	 * in a colon ("Ämne: VB: [KONFIDENTIELLT] ..."), not in a sentence.
	 */
	if (start > 0 && t[start - 1] == '[' && end < len && t[end] == ']') {
		for (i = start - 1; i > ls && (t[i - 1] == ' ' || t[i - 1] == '\t'); i--)
			;
		return i == ls || t[i - 1] == ':' || t[i - 1] == ']';
	}
	while (i > ls && (t[i - 1] == ' ' || t[i - 1] == '\t'))
		i--;
	if (i == ls || t[i - 1] != ':')
		return 0;
	for (w = --i; w > ls && isalpha((unsigned char)t[w - 1]); w--)
		;
	for (size_t k = 0; k < sizeof(field_labels) / sizeof(field_labels[0]); k++)
		if (i - w == strlen(field_labels[k]) && strncasecmp(t + w, field_labels[k], i - w) == 0)
			return 1;
	return 0;
}

/*
 * A stamp: the marking is a whole word, at the start of its line, and the
 * line is short (a stamp, heading, header or footer), or the marking is in
 * capitals on a line that reads as a stamp (stamp_line). A marking not in
 * capitals must not start a sentence (prose_follows). A tag or a
 * classification field's value (tag_or_field) counts wherever it stands.
 */
static int v_stamp(const char *t, size_t len, size_t end, const struct sila_vctx *ctx,
		   struct sila_id *out)
{
	size_t start = out->start, ls, le;
	int upper = 1;

	(void)ctx;
	if (start >= end || end > len)
		return 0;
	if ((start > 0 && wordbyte((unsigned char)t[start - 1])) ||
	    (end < len && wordbyte((unsigned char)t[end])))
		return 0;
	line_of(t, len, start, end, &ls, &le);
	if (tag_or_field(t, len, ls, start, end)) {
		fill(t, start, end, 1, out);
		return 1;
	}
	if (!starts_line(t, ls, start))
		return 0;
	for (size_t i = start; i < end; i++)
		if (islower((unsigned char)t[i]))
			upper = 0;
	if (le - ls > STAMP_LINE_MAX && !(upper && stamp_line(t, end, le)))
		return 0;
	if (!upper && prose_follows(t, end, le))
		return 0;
	fill(t, start, end, 1, out);
	return 1;
}

/*
 * A security-protection class stamp: a stamp (v_stamp) with nothing after
 * the class on its line but punctuation, a date or a citation ("HEMLIG",
 * "HEMLIG enligt 3 kap. ...", "KONFIDENTIELL 2026-03-01"): in a heading such
 * as "KONFIDENTIELL INFORMATION" the word names a kind of information.
 */
static int v_class(const char *t, size_t len, size_t end, const struct sila_vctx *ctx,
		   struct sila_id *out)
{
	size_t i = end, ls, le;

	/* A security class is a stamp of its own, never a field's value or a tag. */
	line_of(t, len, out->start, end, &ls, &le);
	if (!starts_line(t, ls, out->start) || !v_stamp(t, len, end, ctx, out))
		return 0;
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == ':' || t[i] == '-' || t[i] == '.' ||
			   t[i] == ',' || t[i] == ')' || t[i] == '*'))
		i++;
	if (i >= len || t[i] == '\n' || t[i] == '\r' || t[i] == '\f' || isdigit((unsigned char)t[i]) ||
	    t[i] == '/' || t[i] == '(' || strncasecmp(t + i, "enligt", 6) == 0 ||
	    strncmp(t + i, "\xc2\xa7", 2) == 0)
		return 1;
	/* "–" (an en dash) before a date or a name of the document. */
	return strncmp(t + i, "\xe2\x80\x93", 3) == 0;
}

/*
 * A citation: a formal reference to the law ("Sekretess enligt 26 kap. 1 §
 * OSL", "OSL 26:1"), which marks a document wherever it stands. The value
 * is the match as written.
 */
static int v_citation(const char *t, size_t len, size_t end, const struct sila_vctx *ctx,
		      struct sila_id *out)
{
	size_t start = out->start;

	(void)ctx;
	if (start >= end || end > len)
		return 0;
	/* A '+' continues a label: "TLP:AMBER" is not the start of "TLP:AMBER+STRICT". */
	if ((start > 0 && wordbyte((unsigned char)t[start - 1])) ||
	    (end < len && (isalnum((unsigned char)t[end]) || t[end] == '+')))
		return 0;
	fill(t, start, end, 0, out);
	return 1;
}

/*
 * A citation of a provision: the first two numbers of the match are the
 * chapter and the section, and the value says them the way the law is
 * cited ("OSL 26:1"), because the chapter tells what kind of secret it is.
 * Only chapters that hold secrecy provisions (lo to hi) count, so "5 kap.
 * 5 § OSL" (how to mark a document) marks nothing. A match with a law's
 * number instead of a provision ("(1980:100)") gives the law's name alone.
 */
static int provision(const char *t, size_t len, size_t end, const struct sila_vctx *ctx,
		     struct sila_id *out, const char *law, const char *law_number,
		     long lo, long hi)
{
	long num[2] = { 0, 0 };
	int k = 0;

	if (!v_citation(t, len, end, ctx, out))
		return 0;
	if (strstr(out->canon, law_number)) {
		snprintf(out->canon, sizeof(out->canon), "%s", law);
		memcpy(out->masked, out->canon, sizeof(out->masked));
		return 1;
	}
	for (size_t i = out->start; i < end && k < 2; i++) {
		if (!isdigit((unsigned char)t[i]))
			continue;
		num[k] = 0;
		while (i < end && isdigit((unsigned char)t[i]) && num[k] < 1000)
			num[k] = num[k] * 10 + (t[i++] - '0');
		k++;
	}
	if (k < 2 || num[0] < lo || num[0] > hi || num[1] < 1 || num[1] > 99)
		return 0;
	snprintf(out->canon, sizeof(out->canon), "%s %ld:%ld", law, num[0], num[1]);
	memcpy(out->masked, out->canon, sizeof(out->masked));
	return 1;
}

/* OSL (2009:400): secrecy provisions stand in chapters 15 to 43. */
static int v_osl(const char *t, size_t len, size_t end, const struct sila_vctx *ctx,
		 struct sila_id *out)
{
	return provision(t, len, end, ctx, out, "OSL", "2009:400", 15, 43);
}

/* Sekretesslagen (1980:100), in force until 2009: secrecy in chapters 2 to 10. */
static int v_sekrl(const char *t, size_t len, size_t end, const struct sila_vctx *ctx,
		   struct sila_id *out)
{
	return provision(t, len, end, ctx, out, "SekrL", "1980:100", 2, 10);
}

/*
 * A label such as TLP:AMBER: ending its line ("TLP:AMBER", "vidarebefordrad
 * som TLP:AMBER."), as a tag in brackets, or as a classification field's
 * value. A line that goes on past the label ("TLP:RED – endast för ...")
 * is a guideline about labels.
 */
static int v_label(const char *t, size_t len, size_t end, const struct sila_vctx *ctx,
		   struct sila_id *out)
{
	size_t ls, le, i;

	if (!v_citation(t, len, end, ctx, out))
		return 0;
	line_of(t, len, out->start, end, &ls, &le);
	if (tag_or_field(t, len, ls, out->start, end))
		return 1;
	for (i = end; i < le; i++)
		if (isalnum((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * A statement that someone has a protected identity: the phrase follows a
 * verb that says so, "har", "med", "omfattas av", "gäller", "är",
 * "blivit" or "vara" ("Klienten har skyddad identitet", "är
 * sekretessmarkerad"), on the same line.
 */
static int v_mention(const char *t, size_t len, size_t end, const struct sila_vctx *ctx,
		     struct sila_id *out)
{
	static const char *const verbs[] = {
		"har", "med", "av", "g\xc3\xa4ller", "\xc3\xa4r", "blivit", "vara"
	};
	size_t i = out->start, w;

	if (!v_citation(t, len, end, ctx, out))
		return 0;
	while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
		i--;
	for (w = i; w > 0 && (isalpha((unsigned char)t[w - 1]) || (unsigned char)t[w - 1] >= 0x80); w--)
		;
	for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++) {
		size_t n = strlen(verbs[k]);
		char low[16];

		if (i - w != n || n >= sizeof(low))
			continue;
		memcpy(low, t + w, n);
		for (size_t c = 0; c < n; c++)
			low[c] = (char)tolower((unsigned char)low[c]);
		if (memcmp(low, verbs[k], n) != 0)
			continue;
		/* The statement is the value, verb and all: "omfattas av sekretessmarkering". */
		if (k == 2 && w >= 9 && strncasecmp(t + w - 9, "omfattas ", 9) == 0)
			w -= 9;
		out->start = w;
		fill(t, w, end, 0, out);
		return 1;
	}
	return 0;
}

const struct sila_validator sila_marking_validators[] = {
	{ "stamp", v_stamp },
	{ "class", v_class },
	{ "citation", v_citation },
	{ "label", v_label },
	{ "mention", v_mention },
	{ "osl", v_osl },
	{ "sekrl", v_sekrl },
	{ NULL, NULL }
};
