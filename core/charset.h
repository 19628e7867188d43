/*
 * charset.h - telling the encoding of text and converting it to UTF-8.
 *
 * Plain text arrives in whatever encoding its writer used: UTF-8 with or
 * without a byte order mark, UTF-16 with a BOM (Excel's "Unicode text") or
 * without one, UTF-32 with a BOM, or a Windows code page. Detection looks
 * at byte order marks, then at the pattern of NUL bytes that UTF-16 gives
 * Latin text, then at whether the bytes are (mostly) UTF-8, and falls back
 * to Windows-1252, which also reads ISO-8859-1 correctly.
 *
 * Conversion uses iconv, in chunks, and never fails half-way: an
 * undecodable sequence becomes U+FFFD and the conversion goes on after it.
 * In Windows-1252 the five bytes it leaves undefined (0x81 0x8D 0x8F 0x90
 * 0x9D) become the C1 controls of the same value, as in ISO-8859-1 and
 * the WHATWG Encoding Standard.
 */
#ifndef SILA_CHARSET_H
#define SILA_CHARSET_H

#include <stddef.h>

#include <iconv.h>

#include "buf.h"
#include "text.h"

/*
 * Where converted text goes: n bytes of UTF-8 at s. Returns SILA_OK to go
 * on; anything else stops the conversion.
 */
typedef int (*sila_sink_fn)(void *ctx, const char *s, size_t n);

/* A converter from one charset to UTF-8. */
struct sila_conv {
	iconv_t cd;
	unsigned unit;  /* bytes skipped over an undecodable sequence: 1, 2 or 4 */
	int c1;         /* Windows-1252: undefined bytes become C1 controls */
};

/*
 * Opens a converter from charset (any name sila_charset_name accepts) to
 * UTF-8. Returns SILA_OK, or SILA_FAILED when iconv does not know it.
 */
int sila_conv_open(struct sila_conv *c, const char *charset);
void sila_conv_close(struct sila_conv *c);

/*
 * Converts the len bytes at data, handing the UTF-8 to sink in chunks.
 * When final is 0 an incomplete sequence at the end is left unconverted
 * for the next call and *used says how many bytes were consumed; when final
 * is 1 it becomes U+FFFD and the converter is reset. used may be NULL.
 * Returns SILA_OK, SILA_WARN when some sequences were replaced by U+FFFD,
 * or SILA_FAILED when the sink asked to stop.
 */
int sila_conv_run(struct sila_conv *c, const char *data, size_t len, int final,
		  sila_sink_fn sink, void *ctx, size_t *used);

/*
 * The iconv name of a charset as documents name it: "UTF-8", "CP1252",
 * "windows-1252", a bare code page number as RTF's \ansicpgN and \cpgN
 * give it ("1252", "850", "10000", "65001"), or RTF's character-set
 * keywords "ANSI", "MAC", "PC" and "PCA". Unknown names are passed on as
 * they are. Returns buf, or NULL for an empty or overlong name.
 */
const char *sila_charset_name(const char *name, char *buf, size_t size);

/*
 * The encoding of len bytes of text, as an iconv name: "UTF-8",
 * "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE" or "WINDOWS-1252".
 * *bom receives the length of the byte order mark to skip (0 when none).
 */
const char *sila_charset_detect(const char *data, size_t len, size_t *bom);

/*
 * Whether bytes libmagic could not name are text after all: anything with
 * a byte order mark, UTF-16 without one, or bytes without NUL and with few
 * control characters.
 */
int sila_charset_looks_like_text(const char *data, size_t len);

/*
 * Converts len bytes in charset to UTF-8 and appends them to out; text
 * past out's cap is cut off there with a limit-exceeded warning. Returns
 * SILA_OK, SILA_WARN when some sequences were replaced by U+FFFD, or
 * SILA_FAILED when charset is unknown (nothing is appended then).
 */
int sila_charset_convert(const char *charset, const char *data, size_t len,
			 struct sila_text *out);

/*
 * The same into a plain buffer: as much as fits under b's cap. Returns
 * SILA_OK, SILA_WARN when some sequences were replaced or the cap was
 * reached, or SILA_FAILED when charset is unknown or memory is short.
 */
int sila_charset_to_buf(const char *charset, const char *data, size_t len,
			struct sila_buf *b);

/*
 * Plain text of unknown encoding to UTF-8 in out: detects the encoding,
 * skips the byte order mark and converts, warning when characters had to
 * be replaced.
 */
void sila_charset_to_text(const char *data, size_t len, struct sila_text *out);

#endif
