/*
 * names.h - file and member names in JSON, losslessly.
 *
 * A name on disk or in an archive is a byte string; JSON strings are
 * Unicode. A name that is valid UTF-8 is written as it is (JSON escapes
 * control characters such as a newline, so nothing is lost). A name that is
 * not valid UTF-8 is written with U+FFFD for each byte that does not decode,
 * so it stays readable, and its exact bytes go, base64-encoded, into a
 * sibling member whose key ends in "_b64": "path_b64", "member_b64".
 */
#ifndef SILA_NAMES_H
#define SILA_NAMES_H

#include <stddef.h>

#include <jansson.h>

/* Whether the n bytes at s are valid UTF-8 (no overlongs, no surrogates). */
int sila_utf8_valid(const char *s, size_t n);

/*
 * A new jansson string of the n bytes at s, each undecodable byte replaced
 * by U+FFFD; *lossy is set to whether any was. NULL when memory is short.
 */
json_t *sila_json_lossy_string(const char *s, size_t n, int *lossy);

/* A new jansson string holding the base64 form of the n bytes at s. */
json_t *sila_json_base64(const void *s, size_t n);

/*
 * Sets obj[key] to name (and obj[key_b64] when name is not UTF-8).
 * Returns SILA_OK or SILA_FAILED.
 */
int sila_json_set_name(json_t *obj, const char *key, const char *name, size_t n);

/*
 * Appends name to the array obj["member"], keeping obj["member_b64"] (the
 * exact bytes of every element, present once any element is not UTF-8) in
 * step. Returns SILA_OK or SILA_FAILED.
 */
int sila_json_push_member(json_t *obj, const char *name, size_t n);

/*
 * Lower-cases n bytes of UTF-8 from in into out (which may be in): ASCII
 * and the Latin-1 capitals (Å Ä Ö É ...), so keywords and text compare
 * alike. The length never changes.
 */
void sila_fold(const char *in, size_t n, char *out);

/*
 * Decodes base64 text into out (appending). Returns SILA_OK, or
 * SILA_FAILED when s is not base64 or out's cap is reached.
 */
struct sila_buf;
int sila_base64_decode(const char *s, struct sila_buf *out);

/*
 * Makes n bytes of a text stream valid UTF-8 in place, each undecodable
 * byte becoming '?' so the length never changes. Unless final, a sequence
 * cut off at the end is left alone and its length returned, for the caller
 * to carry to the next chunk; otherwise returns 0.
 */
size_t sila_utf8_sanitize(char *s, size_t n, int final);

/*
 * How many of the n bytes at s are ASCII before the first that is not: the
 * UTF-8 loops skip such runs a word at a time, most text being mostly ASCII.
 */
size_t sila_ascii_run(const unsigned char *s, size_t n);

/* The next UTF-8 sequence at s (n > 0 bytes left): its length, or 0 if invalid. */
size_t sila_utf8_seq(const unsigned char *s, size_t n);

#endif
