/*
 * validate.c - the checks that turn a pattern match into a finding.
 *
 * The first half judges whole strings: Swedish personnummer,
 * samordningsnummer and interim numbers as the personnummer project's
 * conformance data defines them, organisationsnummer, the Norwegian, Danish
 * and Finnish identity numbers (after python-stdnum), payment card numbers
 * and IBAN. The second half is the validator registry that sila-scan calls
 * with the end offset of a Hyperscan match: each validator works out where
 * the number starts, insists that it is not glued to other letters or
 * digits, and describes the number in a struct sila_id.
 *
 * Nothing here allocates; every result goes into caller-owned memory.
 */
#include "validate.h"

#include <string.h>
#include <time.h>

/*
 * Character classes for ASCII only, so that neither the process locale nor
 * the bytes of UTF-8 sequences can change what counts as a letter or digit.
 */
static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_alnum(int c)
{
	return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z');
}

/* Whether all n bytes at s are ASCII digits. */
static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The value of n (at most nine) ASCII digits, already checked as digits. */
static int dval(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Writes the non-negative v as exactly w decimal digits. */
static void put_num(char *p, int v, int w)
{
	while (w-- > 0) {
		p[w] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Copies the string src into dst of cap bytes, truncating if it must. */
static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The length of a hyphen at s: 1 for an ASCII '-', 3 for the UTF-8 form of
 * one of the dashes word processors put in its place (U+2010 hyphen, U+2011
 * non-breaking hyphen, U+2012 figure dash, U+2013 en dash, U+2212 minus),
 * and 0 when s does not start with a hyphen.
 */
static size_t hyphen_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 1 && u[0] == '-')
		return 1;
	if (n >= 3 && u[0] == 0xE2 &&
	    ((u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x93) ||
	     (u[1] == 0x88 && u[2] == 0x92)))
		return 3;
	return 0;
}

/*
 * Reads six digits, an optional separator and tail more digits, which is
 * the shape of organisationsnummer, CPR and fødselsnummer. The separator is
 * a hyphen (ASCII or UTF-8) or, with allow_space, one ASCII space. On
 * success the 6 + tail digits are copied to buf.
 */
static int split_six(const char *s, size_t n, size_t tail, int allow_space,
		     char *buf)
{
	size_t p = 6, h;

	if (n < 6 + tail || !all_digits(s, 6))
		return 0;
	h = hyphen_len(s + 6, n - 6);
	if (h == 0 && allow_space && s[6] == ' ')
		h = 1;
	p += h;
	if (n - p != tail || !all_digits(s + p, tail))
		return 0;
	memcpy(buf, s, 6);
	memcpy(buf + 6, s + p, tail);
	return 1;
}

void sila_date_today(struct sila_date *d)
{
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		d->year = 1970;
		d->month = 1;
		d->day = 1;
		return;
	}
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
}

int sila_date_valid(int year, int month, int day)
{
	static const unsigned char mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap;

	if (month < 1 || month > 12 || day < 1)
		return 0;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return day <= mdays[month - 1] + (month == 2 && leap);
}

/*
 * The Luhn check with the check digit last: from the right, every second
 * digit is doubled and reduced to its digit sum, and the total must end in
 * zero. An empty string or a non-digit fails.
 */
int sila_luhn_ok(const char *s, size_t n)
{
	unsigned sum = 0, d;
	int dbl = 0;
	size_t i;

	if (s == NULL || n == 0)
		return 0;
	for (i = n; i-- > 0;) {
		if (!is_digit((unsigned char)s[i]))
			return 0;
		d = (unsigned)(s[i] - '0');
		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}

/* The letters that may stand first in an interim number's birth number. */
static const char interim_letters[] = "TRSUWXJKLMN";

/*
 * Splits a Swedish number into datelen date digits, an optional separator
 * and the four characters of the birth number and check digit. *sep becomes
 * '+', '-' (for any hyphen) or 0 when none was written.
 */
static int pnr_split(const char *s, size_t n, size_t datelen, char *sep,
		     const char **tail)
{
	size_t p = datelen, h;

	if (n < datelen + 4 || !all_digits(s, datelen))
		return 0;
	*sep = 0;
	if (s[p] == '+') {
		*sep = '+';
		p++;
	} else if ((h = hyphen_len(s + p, n - p)) > 0) {
		*sep = '-';
		p += h;
	}
	if (n - p != 4)
		return 0;
	*tail = s + p;
	return 1;
}

/*
 * Checks the date of a Swedish number. A day of 60 or more marks a
 * samordningsnummer: the day is 60 higher than the birth day, and month 00
 * or day 60 stand for a month or day Skatteverket does not know. Below 60 the
 * date must exist. *coord tells which of the two it was.
 */
static int pnr_date_ok(int year, int month, int day, int *coord)
{
	int d;

	*coord = day >= 60;
	if (!*coord)
		return sila_date_valid(year, month, day);
	d = day - 60;
	if (month > 12 || d > 31)
		return 0;
	if (month == 0 || d == 0)
		return 1;
	return sila_date_valid(year, month, d);
}

/*
 * out may be NULL, and a NULL today means the current date. The century of
 * a 12-digit number is taken as written, but only 18, 19 and 20 occur in
 * the population register. A short number gets the most recent year ending
 * in its two digits that is not after today, or not after today minus 100
 * years when written with '+'. Birth number 000 is never issued, and the
 * Luhn check covers YYMMDDNNN and C with an interim letter counted as 1.
 */
enum sila_pnr_kind sila_pnr_parse(const char *s, size_t n,
				  const struct sila_date *today,
				  int allow_interim, struct sila_pnr *out)
{
	struct sila_date now;
	struct sila_pnr r;
	const char *tail = NULL, *ymd;
	char sep = 0, digits[10];
	size_t datelen;
	int interim, coord, yy, day, base;

	memset(&r, 0, sizeof(r));
	if (out)
		*out = r;
	if (s == NULL)
		return SILA_PNR_INVALID;
	for (datelen = 8; datelen >= 6; datelen -= 2)
		if (pnr_split(s, n, datelen, &sep, &tail))
			break;
	if (datelen < 6)
		return SILA_PNR_INVALID;

	interim = memchr(interim_letters, tail[0],
			 sizeof(interim_letters) - 1) != NULL;
	if (!all_digits(tail + 1, 3))
		return SILA_PNR_INVALID;
	if (interim ? !allow_interim : !is_digit((unsigned char)tail[0]))
		return SILA_PNR_INVALID;
	if (!interim && memcmp(tail, "000", 3) == 0)
		return SILA_PNR_INVALID;

	ymd = s + datelen - 6;
	yy = dval(ymd, 2);
	if (datelen == 8) {
		base = dval(s, 2);
		if (base < 18 || base > 20)
			return SILA_PNR_INVALID;
		r.year = base * 100 + yy;
	} else {
		if (today == NULL) {
			sila_date_today(&now);
			today = &now;
		}
		base = today->year - (sep == '+' ? 100 : 0);
		r.year = base - ((base - yy) % 100 + 100) % 100;
		if (r.year < 0 || r.year > 9999)
			return SILA_PNR_INVALID;
	}
	r.month = dval(ymd + 2, 2);
	day = dval(ymd + 4, 2);
	if (!pnr_date_ok(r.year, r.month, day, &coord))
		return SILA_PNR_INVALID;

	memcpy(digits, ymd, 6);
	digits[6] = interim ? '1' : tail[0];
	memcpy(digits + 7, tail + 1, 3);
	if (!sila_luhn_ok(digits, 10))
		return SILA_PNR_INVALID;

	r.day = coord ? day - 60 : day;
	if (interim)
		r.kind = SILA_PNR_INTERIM;
	else
		r.kind = coord ? SILA_PNR_SAMORDNING : SILA_PNR_PERSONNUMMER;
	put_num(r.canon, r.year, 4);
	memcpy(r.canon + 4, ymd + 2, 4);
	r.canon[8] = sep == '+' ? '+' : '-';
	memcpy(r.canon + 9, tail, 4);
	r.canon[13] = '\0';
	memcpy(r.masked, r.canon, 9);
	memcpy(r.masked + 9, "****", 5);
	if (out)
		*out = r;
	return r.kind;
}

/*
 * Finds the ten digits of an organisationsnummer in any of its written
 * forms (NNNNNN-NNNN, NNNNNNNNNN, the same behind the prefix 16, or the VAT
 * number SE NNNNNNNNNN 01 without spaces) and checks them: the third digit
 * is at least 2, which keeps personnummer out, and Luhn holds over all ten.
 */
static int orgnr_digits(const char *s, size_t n, char *buf)
{
	if (n == 14 && s[0] == 'S' && s[1] == 'E' && all_digits(s + 2, 10) &&
	    s[12] == '0' && s[13] == '1')
		memcpy(buf, s + 2, 10);
	else if (!split_six(s, n, 4, 0, buf) &&
		 !(n > 2 && s[0] == '1' && s[1] == '6' &&
		   split_six(s + 2, n - 2, 4, 0, buf)))
		return 0;
	return buf[2] >= '2' && sila_luhn_ok(buf, 10);
}

int sila_orgnr_valid(const char *s, size_t n)
{
	char buf[10];

	return s != NULL && orgnr_digits(s, n, buf);
}

/*
 * A Norwegian mod-11 check digit over the first n digits with weights w.
 * The result 10 matches no digit, so such a number is rejected.
 */
static int no_check_digit(const char *d, const unsigned char *w, size_t n)
{
	int sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += w[i] * (d[i] - '0');
	return (11 - sum % 11) % 11;
}

/*
 * A fødselsnummer has two check digits. D-nummer add 40 to the day and
 * H-nummer 40 to the month; the individual number decides the century as
 * python-stdnum does, and a combination outside its ranges is invalid.
 * Unlike python-stdnum, a birth date in the future is not rejected, since
 * a whole-string check has no scan date.
 */
int sila_no_fnr_valid(const char *s, size_t n)
{
	static const unsigned char w1[9] = { 3, 7, 6, 1, 8, 9, 4, 5, 2 };
	static const unsigned char w2[10] = { 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 };
	char d[11];
	int day, month, yy, ind, year;

	if (s == NULL || !split_six(s, n, 5, 1, d))
		return 0;
	if (no_check_digit(d, w1, 9) != d[9] - '0' ||
	    no_check_digit(d, w2, 10) != d[10] - '0')
		return 0;
	day = dval(d, 2);
	month = dval(d + 2, 2);
	yy = dval(d + 4, 2);
	ind = dval(d + 6, 3);
	if (day > 40)
		day -= 40;
	if (month > 40)
		month -= 40;
	if (ind < 500)
		year = 1900 + yy;
	else if (ind < 750 && yy >= 54)
		year = 1800 + yy;
	else if (yy < 40)
		year = 2000 + yy;
	else if (ind >= 900)
		year = 1900 + yy;
	else
		return 0;
	return sila_date_valid(year, month, day);
}

/*
 * A CPR number is a date and a sequence number whose first digit gives the
 * century. Its mod-11 check was abandoned in 2007, so only the date counts.
 */
int sila_dk_cpr_valid(const char *s, size_t n)
{
	char d[10];
	int yy, year;

	if (s == NULL || !split_six(s, n, 4, 0, d))
		return 0;
	yy = dval(d + 4, 2);
	if (d[6] >= '5' && d[6] <= '8' && yy >= 58)
		year = 1800 + yy;
	else if (d[6] <= '3' || ((d[6] == '4' || d[6] == '9') && yy >= 37))
		year = 1900 + yy;
	else
		year = 2000 + yy;
	return sila_date_valid(year, dval(d + 2, 2), dval(d, 2));
}

/* The century a HETU's sign stands for, or 0 for a character that is none. */
static int hetu_century(int c)
{
	if (c == '+')
		return 1800;
	if (c == '-' || c == 'Y' || c == 'X' || c == 'W' || c == 'V' ||
	    c == 'U')
		return 1900;
	if (c >= 'A' && c <= 'F')
		return 2000;
	return 0;
}

/*
 * A HETU is DDMMYY, the century sign, the individual number 002-899 (the
 * 900s are temporary numbers) and a check character chosen by DDMMYYZZZ
 * modulo 31. A UTF-8 dash is read as the sign '-'.
 */
int sila_fi_hetu_valid(const char *s, size_t n)
{
	static const char check[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
	const char *t;
	size_t h;
	int century, zzz;
	unsigned long v;

	if (s == NULL || n < 11 || !all_digits(s, 6))
		return 0;
	h = hyphen_len(s + 6, n - 6);
	century = hetu_century(h > 0 ? '-' : (unsigned char)s[6]);
	if (h == 0)
		h = 1;
	if (century == 0 || n != 6 + h + 4)
		return 0;
	t = s + 6 + h;
	if (!all_digits(t, 3))
		return 0;
	zzz = dval(t, 3);
	if (zzz < 2 || zzz > 899)
		return 0;
	if (!sila_date_valid(century + dval(s + 4, 2), dval(s + 2, 2),
			     dval(s, 2)))
		return 0;
	v = (unsigned long)dval(s, 6) * 1000UL + (unsigned long)zzz;
	return t[3] == check[v % 31];
}

#define LEN(n) (1UL << (n))
#define LEN_16_19 (LEN(16) | LEN(17) | LEN(18) | LEN(19))
#define LEN_14_19 (LEN(14) | LEN(15) | LEN_16_19)
#define LEN_13_19 (LEN(13) | LEN_14_19)

/* A block of card numbers: its leading digits and the lengths it issues. */
struct card_range {
	unsigned lo, hi;      /* range of the leading digits, inclusive */
	unsigned char ndig;   /* how many leading digits lo and hi describe */
	unsigned long lens;   /* bit n set when n digits are issued */
};

static const struct card_range card_ranges[] = {
	{ 4, 4, 1, LEN(13) | LEN(16) | LEN(19) },  /* Visa, Visa/Dankort */
	{ 51, 55, 2, LEN(16) },                     /* Mastercard */
	{ 2221, 2720, 4, LEN(16) },                 /* Mastercard 2-series */
	{ 34, 34, 2, LEN(15) },                     /* American Express */
	{ 37, 37, 2, LEN(15) },
	{ 6011, 6011, 4, LEN_16_19 },               /* Discover */
	{ 644, 649, 3, LEN_16_19 },
	{ 65, 65, 2, LEN_16_19 },
	{ 62, 62, 2, LEN_16_19 },                   /* UnionPay */
	{ 3528, 3589, 4, LEN_16_19 },               /* JCB */
	{ 300, 305, 3, LEN_14_19 },                 /* Diners Club */
	{ 3095, 3095, 4, LEN_14_19 },
	{ 36, 36, 2, LEN_14_19 },
	{ 38, 39, 2, LEN_16_19 },
	{ 2200, 2204, 4, LEN_16_19 },               /* Mir */
	{ 50, 50, 2, LEN_13_19 },                   /* Maestro, Dankort */
	{ 56, 58, 2, LEN_13_19 },                   /* Maestro */
	{ 6304, 6304, 4, LEN_13_19 },
	{ 6759, 6759, 4, LEN_13_19 },
	{ 6761, 6763, 4, LEN_13_19 },
};

/*
 * Collects the digits of a card number into buf (19 bytes) and returns how
 * many there were, or 0 when the layout is not one a card is written in:
 * groups parted by single spaces or single dashes, one kind throughout,
 * every group but the last 3-6 digits long and the last 1-6.
 */
static size_t card_digits(const char *s, size_t n, char *buf)
{
	size_t i, nd = 0, group = 0;
	char sep = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (is_digit((unsigned char)c)) {
			if (nd == 19)
				return 0;
			buf[nd++] = c;
			group++;
			continue;
		}
		if ((c != ' ' && c != '-') || (sep != 0 && c != sep))
			return 0;
		if (group < 3 || group > 6)
			return 0;
		sep = c;
		group = 0;
	}
	if (group == 0 || (sep != 0 && group > 6))
		return 0;
	return nd;
}

/* Whether the digits fall in a known issuer's range, at a length it issues. */
static int card_issuer_ok(const char *d, size_t nd)
{
	size_t i;
	unsigned prefix;

	for (i = 0; i < sizeof(card_ranges) / sizeof(card_ranges[0]); i++) {
		const struct card_range *r = &card_ranges[i];

		prefix = (unsigned)dval(d, r->ndig);
		if (prefix >= r->lo && prefix <= r->hi && (r->lens & LEN(nd)))
			return 1;
	}
	return 0;
}

int sila_card_valid(const char *s, size_t n)
{
	char d[19];
	size_t nd;

	if (s == NULL)
		return 0;
	nd = card_digits(s, n, d);
	return nd >= 13 && card_issuer_ok(d, nd) && sila_luhn_ok(d, nd);
}

/*
 * IBAN formats from SWIFT's IBAN registry: the country and its BBAN as runs
 * of n (digits), a (capital letters) and c (capitals or digits). The IBAN's
 * length is 4 plus the BBAN's.
 */
static const struct {
	char cc[3];
	const char *bban;
} iban_formats[] = {
	{ "AD", "8n12c" }, { "AE", "19n" }, { "AL", "8n16c" },
	{ "AT", "16n" }, { "AZ", "4a20c" }, { "BA", "16n" },
	{ "BE", "12n" }, { "BG", "4a6n8c" }, { "BH", "4a14c" },
	{ "BI", "23n" }, { "BR", "23n1a1c" }, { "BY", "4c4n16c" },
	{ "CH", "5n12c" }, { "CR", "18n" }, { "CY", "8n16c" },
	{ "CZ", "20n" }, { "DE", "18n" }, { "DJ", "23n" },
	{ "DK", "14n" }, { "DO", "4c20n" }, { "EE", "16n" },
	{ "EG", "25n" }, { "ES", "20n" }, { "FI", "14n" },
	{ "FK", "2a12n" }, { "FO", "14n" }, { "FR", "10n11c2n" },
	{ "GB", "4a14n" }, { "GE", "2a16n" }, { "GI", "4a15c" },
	{ "GL", "14n" }, { "GR", "7n16c" }, { "GT", "24c" },
	{ "HN", "4a20n" }, { "HR", "17n" }, { "HU", "24n" },
	{ "IE", "4a14n" }, { "IL", "19n" }, { "IQ", "4a15n" },
	{ "IS", "22n" }, { "IT", "1a10n12c" }, { "JO", "4a4n18c" },
	{ "KW", "4a22c" }, { "KZ", "3n13c" }, { "LB", "4n20c" },
	{ "LC", "4a24c" }, { "LI", "5n12c" }, { "LT", "16n" },
	{ "LU", "3n13c" }, { "LV", "4a13c" }, { "LY", "21n" },
	{ "MC", "10n11c2n" }, { "MD", "20c" }, { "ME", "18n" },
	{ "MK", "3n10c2n" }, { "MN", "16n" }, { "MR", "23n" },
	{ "MT", "4a5n18c" }, { "MU", "4a19n3a" }, { "NI", "4a20n" },
	{ "NL", "4a10n" }, { "NO", "11n" }, { "OM", "3n16c" },
	{ "PK", "4a16c" }, { "PL", "24n" }, { "PS", "4a21c" },
	{ "PT", "21n" }, { "QA", "4a21c" }, { "RO", "4a16c" },
	{ "RS", "18n" }, { "RU", "14n15c" }, { "SA", "2n18c" },
	{ "SC", "4a20n3a" }, { "SD", "14n" }, { "SE", "20n" },
	{ "SI", "15n" }, { "SK", "20n" }, { "SM", "1a10n12c" },
	{ "SO", "19n" }, { "ST", "21n" }, { "SV", "4a20n" },
	{ "TL", "19n" }, { "TN", "20n" }, { "TR", "6n16c" },
	{ "UA", "6n19c" }, { "VA", "18n" }, { "VG", "4a16n" },
	{ "XK", "16n" }, { "YE", "4a4n18c" },
};

/* Whether the n characters at b follow the registry format fmt exactly. */
static int bban_ok(const char *fmt, const char *b, size_t n)
{
	size_t i = 0, cnt;
	int cls, c;

	while (*fmt) {
		cnt = 0;
		while (is_digit((unsigned char)*fmt))
			cnt = cnt * 10 + (size_t)(*fmt++ - '0');
		cls = *fmt++;
		for (; cnt > 0; cnt--) {
			if (i >= n)
				return 0;
			c = (unsigned char)b[i++];
			if ((cls == 'n' && !is_digit(c)) ||
			    (cls == 'a' && !is_upper(c)) ||
			    (cls == 'c' && !is_digit(c) && !is_upper(c)))
				return 0;
		}
	}
	return i == n;
}

/*
 * Copies an IBAN without its spaces into buf (34 bytes) and returns its
 * length, or 0 when it is not written either without spaces or in groups
 * of four parted by single spaces. Only capitals and digits are allowed.
 */
static size_t iban_compact(const char *s, size_t n, char *buf)
{
	size_t i, k = 0, spaces = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == ' ') {
			if (k == 0 || k % 4 != 0 || spaces != k / 4 - 1 ||
			    i + 1 == n)
				return 0;
			spaces++;
			continue;
		}
		if ((!is_digit(c) && !is_upper(c)) || k == 34)
			return 0;
		buf[k++] = (char)c;
	}
	if (spaces != 0 && spaces != (k - 1) / 4)
		return 0;
	return k;
}

/*
 * ISO 7064 mod 97-10 over the IBAN with its first four characters moved to
 * the end and letters read as 10 to 35; a valid IBAN leaves 1.
 */
static unsigned iban_mod97(const char *b, size_t n)
{
	unsigned r = 0;
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)b[(i + 4) % n];
		if (is_digit(c))
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
	}
	return r;
}

int sila_iban_valid(const char *s, size_t n)
{
	char b[34];
	size_t k, i;

	if (s == NULL)
		return 0;
	k = iban_compact(s, n, b);
	if (k < 5 || !is_upper((unsigned char)b[0]) ||
	    !is_upper((unsigned char)b[1]) || !all_digits(b + 2, 2))
		return 0;
	for (i = 0; i < sizeof(iban_formats) / sizeof(iban_formats[0]); i++)
		if (iban_formats[i].cc[0] == b[0] &&
		    iban_formats[i].cc[1] == b[1])
			return bban_ok(iban_formats[i].bban, b + 4, k - 4) &&
			       iban_mod97(b, k) == 1;
	return 0;
}

/*
 * A number must not continue a run of ASCII letters or digits. Any other
 * byte, including the bytes of UTF-8 sequences, is a boundary.
 */
static int bound_before(const char *text, size_t start)
{
	return start == 0 || !is_alnum((unsigned char)text[start - 1]);
}

static int bound_after(const char *text, size_t len, size_t end)
{
	return end >= len || !is_alnum((unsigned char)text[end]);
}

/* Records a finding's span, its two renderings and whether a checksum held. */
static void set_id(struct sila_id *out, size_t start, size_t end,
		   const char *canon, const char *masked, int strong)
{
	out->start = start;
	out->end = end;
	copy_str(out->canon, sizeof(out->canon), canon);
	copy_str(out->masked, sizeof(out->masked), masked);
	out->strong = strong;
}

/*
 * Byte lengths a Swedish number ending at the match end can have, longest
 * first: 12 digits with a UTF-8 hyphen (15), with an ASCII separator or 10
 * digits with a UTF-8 hyphen (13), 12 digits (12), 10 digits with an ASCII
 * separator (11) and 10 digits (10).
 */
static const size_t pnr_lengths[] = { 15, 13, 12, 11, 10 };

/*
 * The common part of the Swedish validators: tries each length, and takes
 * the first number with a clean boundary that parses as the kind wanted.
 */
static int find_pnr(const char *text, size_t len, size_t end,
		    const struct sila_vctx *ctx, enum sila_pnr_kind want,
		    struct sila_id *out)
{
	struct sila_pnr p;
	size_t i, start, n;

	if (text == NULL || out == NULL || end > len ||
	    !bound_after(text, len, end))
		return 0;
	for (i = 0; i < sizeof(pnr_lengths) / sizeof(pnr_lengths[0]); i++) {
		n = pnr_lengths[i];
		if (n > end)
			continue;
		start = end - n;
		if (!bound_before(text, start))
			continue;
		if (sila_pnr_parse(text + start, n, ctx ? &ctx->today : NULL,
				   want == SILA_PNR_INTERIM, &p) != want)
			continue;
		set_id(out, start, end, p.canon, p.masked, 1);
		return 1;
	}
	return 0;
}

static int v_personnummer(const char *text, size_t len, size_t end,
			  const struct sila_vctx *ctx, struct sila_id *out)
{
	return find_pnr(text, len, end, ctx, SILA_PNR_PERSONNUMMER, out);
}

static int v_samordning(const char *text, size_t len, size_t end,
			const struct sila_vctx *ctx, struct sila_id *out)
{
	return find_pnr(text, len, end, ctx, SILA_PNR_SAMORDNING, out);
}

/*
 * Interim numbers are off unless the context allows them, as in the
 * personnummer spec.
 */
static int v_interim(const char *text, size_t len, size_t end,
		     const struct sila_vctx *ctx, struct sila_id *out)
{
	if (ctx == NULL || !ctx->allow_interim)
		return 0;
	return find_pnr(text, len, end, ctx, SILA_PNR_INTERIM, out);
}

/*
 * The common part of the other fixed-shape validators: tries the byte
 * lengths in lens (longest first) and returns through *start the first
 * candidate with a clean boundary that ok accepts.
 */
static int find_fixed(const char *text, size_t len, size_t end,
		      const size_t *lens, size_t nlens,
		      int (*ok)(const char *, size_t), size_t *start)
{
	size_t i;

	if (text == NULL || end > len || !bound_after(text, len, end))
		return 0;
	for (i = 0; i < nlens; i++) {
		if (lens[i] > end || !bound_before(text, end - lens[i]))
			continue;
		if (ok(text + end - lens[i], lens[i])) {
			*start = end - lens[i];
			return 1;
		}
	}
	return 0;
}

/*
 * Organisation numbers are public, so the masked form is the number itself.
 * The VAT form is kept as written; the others become NNNNNN-NNNN.
 */
static int v_orgnr(const char *text, size_t len, size_t end,
		   const struct sila_vctx *ctx, struct sila_id *out)
{
	static const size_t lens[] = { 15, 14, 13, 12, 11, 10 };
	char d[10], canon[16];
	size_t start;

	(void)ctx;
	if (out == NULL || !find_fixed(text, len, end, lens, 6,
				       sila_orgnr_valid, &start))
		return 0;
	orgnr_digits(text + start, end - start, d);
	if (text[start] == 'S') {
		memcpy(canon, text + start, 14);
		canon[14] = '\0';
	} else {
		memcpy(canon, d, 6);
		canon[6] = '-';
		memcpy(canon + 7, d + 6, 4);
		canon[11] = '\0';
	}
	set_id(out, start, end, canon, canon, 1);
	return 1;
}

/* A fødselsnummer is shown as DDMMYY IIIKK, Norway's usual layout. */
static int v_no_fnr(const char *text, size_t len, size_t end,
		    const struct sila_vctx *ctx, struct sila_id *out)
{
	static const size_t lens[] = { 14, 12, 11 };
	char d[11], canon[13], masked[13];
	size_t start;

	(void)ctx;
	if (out == NULL || !find_fixed(text, len, end, lens, 3,
				       sila_no_fnr_valid, &start))
		return 0;
	split_six(text + start, end - start, 5, 1, d);
	memcpy(canon, d, 6);
	canon[6] = ' ';
	memcpy(canon + 7, d + 6, 5);
	canon[12] = '\0';
	memcpy(masked, canon, 7);
	memcpy(masked + 7, "*****", 6);
	set_id(out, start, end, canon, masked, 1);
	return 1;
}

/* A CPR number is shown as DDMMYY-SSSS and, having no checksum, is weak. */
static int v_dk_cpr(const char *text, size_t len, size_t end,
		    const struct sila_vctx *ctx, struct sila_id *out)
{
	static const size_t lens[] = { 13, 11, 10 };
	char d[10], canon[12], masked[12];
	size_t start;

	(void)ctx;
	if (out == NULL || !find_fixed(text, len, end, lens, 3,
				       sila_dk_cpr_valid, &start))
		return 0;
	split_six(text + start, end - start, 4, 0, d);
	memcpy(canon, d, 6);
	canon[6] = '-';
	memcpy(canon + 7, d + 6, 4);
	canon[11] = '\0';
	memcpy(masked, canon, 7);
	memcpy(masked + 7, "****", 5);
	set_id(out, start, end, canon, masked, 0);
	return 1;
}

/* A HETU's masked form keeps the birth date and the century sign. */
static int v_fi_hetu(const char *text, size_t len, size_t end,
		     const struct sila_vctx *ctx, struct sila_id *out)
{
	static const size_t lens[] = { 13, 11 };
	char canon[12], masked[12];
	size_t start, n;

	(void)ctx;
	if (out == NULL || !find_fixed(text, len, end, lens, 2,
				       sila_fi_hetu_valid, &start))
		return 0;
	n = end - start;
	memcpy(canon, text + start, 6);
	canon[6] = n == 13 ? '-' : text[start + 6];
	memcpy(canon + 7, text + end - 4, 4);
	canon[11] = '\0';
	memcpy(masked, canon, 7);
	memcpy(masked + 7, "****", 5);
	set_id(out, start, end, canon, masked, 1);
	return 1;
}

/*
 * Walks back from end over the characters a card number or IBAN may be
 * written with (for which member says yes) and single spaces, or dashes
 * too with dashes set, between them, at most limit bytes. Returns where
 * that run begins; candidates start inside it.
 */
static size_t run_start(const char *text, size_t end, size_t limit,
			int (*member)(int), int dashes)
{
	size_t i = end;
	int c;

	while (i > 0 && end - i < limit) {
		c = (unsigned char)text[i - 1];
		if (member(c)) {
			i--;
			continue;
		}
		if ((c == ' ' || (dashes && c == '-')) && i >= 2 &&
		    i < end && member((unsigned char)text[i - 2])) {
			i--;
			continue;
		}
		break;
	}
	return i;
}

static int is_upper_or_digit(int c)
{
	return is_digit(c) || is_upper(c);
}

/*
 * A card number may be split into groups, so the start is searched for:
 * every digit with a boundary before it, in the run of digits, spaces and
 * dashes that ends at end, is tried from the farthest. Only the last four
 * digits are shown.
 */
static int v_card(const char *text, size_t len, size_t end,
		  const struct sila_vctx *ctx, struct sila_id *out)
{
	char d[20], masked[20];
	size_t p, nd;

	(void)ctx;
	if (text == NULL || out == NULL || end == 0 || end > len ||
	    !is_digit((unsigned char)text[end - 1]) ||
	    !bound_after(text, len, end))
		return 0;
	for (p = run_start(text, end, 40, is_digit, 1); p < end; p++) {
		if (!is_digit((unsigned char)text[p]) || !bound_before(text, p))
			continue;
		if (!sila_card_valid(text + p, end - p))
			continue;
		nd = card_digits(text + p, end - p, d);
		d[nd] = '\0';
		memcpy(masked, "**** **** **** ", 15);
		memcpy(masked + 15, d + nd - 4, 5);
		set_id(out, p, end, d, masked, 1);
		return 1;
	}
	return 0;
}

/*
 * An IBAN's start is searched for like a card's, among capitals with a
 * boundary before them. The canonical form has no spaces; the masked form
 * is the print layout with everything but the country and the last four
 * characters hidden.
 */
static int v_iban(const char *text, size_t len, size_t end,
		  const struct sila_vctx *ctx, struct sila_id *out)
{
	char b[35], masked[48];
	size_t p, k, i, m;

	(void)ctx;
	if (text == NULL || out == NULL || end == 0 || end > len ||
	    !bound_after(text, len, end))
		return 0;
	for (p = run_start(text, end, 48, is_upper_or_digit, 0); p < end;
	     p++) {
		if (!is_upper((unsigned char)text[p]) || !bound_before(text, p))
			continue;
		if (!sila_iban_valid(text + p, end - p))
			continue;
		k = iban_compact(text + p, end - p, b);
		b[k] = '\0';
		for (i = 0, m = 0; i < k; i++) {
			if (i > 0 && i % 4 == 0)
				masked[m++] = ' ';
			masked[m++] = (i < 2 || i + 4 >= k) ? b[i] : '*';
		}
		masked[m] = '\0';
		set_id(out, p, end, b, masked, 1);
		return 1;
	}
	return 0;
}

const struct sila_validator sila_validators[] = {
	{ "personnummer", v_personnummer },
	{ "samordningsnummer", v_samordning },
	{ "interim", v_interim },
	{ "orgnr", v_orgnr },
	{ "no_fnr", v_no_fnr },
	{ "dk_cpr", v_dk_cpr },
	{ "fi_hetu", v_fi_hetu },
	{ "card", v_card },
	{ "iban", v_iban },
	{ NULL, NULL }
};

const struct sila_validator *sila_validator_find(const char *name)
{
	const struct sila_validator *v;

	if (name == NULL)
		return NULL;
	for (v = sila_validators; v->name != NULL; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}
