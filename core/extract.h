/*
 * extract.h - from a file's bytes to its text: detect the type with
 * libmagic, then run the extractor for that type.
 *
 * The text is UTF-8 with pages separated by form feeds, so a finding's page
 * can be told. What could not be read is said in the text's warnings and
 * status ("unsupported-type", "encrypted", "no-text-layer",
 * "extraction-failed"); an extractor never returns a silent empty text.
 *
 * One extractor per thread: it holds a libmagic handle.
 */
#ifndef SILA_EXTRACT_H
#define SILA_EXTRACT_H

#include <stddef.h>

#include "limit.h"
#include "text.h"

struct sila_extractor;

/* A new extractor; NULL with a reason in err when libmagic cannot load. */
struct sila_extractor *sila_extractor_new(const struct sila_limits *lim,
					  char *err, size_t errlen);
void sila_extractor_free(struct sila_extractor *x);

/*
 * Loads, before a worker is sandboxed, what the parsers would otherwise
 * load from disk on first use: poppler's global state (by reading a tiny
 * PDF) and the iconv converters (sila_sandbox_preload).
 */
void sila_extractor_warm_up(struct sila_extractor *x);

/*
 * Whether a document whose first n bytes are head is plain text that can
 * be streamed through as it arrives, converted to UTF-8 chunk by chunk
 * when it is in another encoding (sila_charset_detect on head says which);
 * *type receives its MIME type.
 */
int sila_extract_streamable(struct sila_extractor *x, const char *head, size_t n,
			    const char **type);

/*
 * Whether the len bytes at data are a document whose text sila_extract
 * would give as those very bytes, with no warning: plain text in valid
 * UTF-8 without a byte order mark, within the text limit. *type then
 * receives its MIME type, as sila_extract would. Lets a caller pass a
 * large text on without copying it. Cheap checks come first: libmagic
 * is asked only about valid UTF-8.
 */
int sila_extract_verbatim(struct sila_extractor *x, const char *data, size_t len,
			  const char **type);

/*
 * Turns on OCR for images and image-only PDF pages, with the Tesseract
 * languages lang ("swe"). Returns SILA_OK, or SILA_FAILED with the reason
 * in err when Tesseract or the language data is missing.
 */
int sila_extractor_ocr(struct sila_extractor *x, const char *lang, char *err, size_t errlen);

/*
 * Extracts the text of the len bytes at data into out (initialised by the
 * caller with sila_text_init). name is the file's name, a hint only. *type
 * receives the MIME type, valid until the next call.
 */
void sila_extract(struct sila_extractor *x, const char *data, size_t len,
		  const char *name, struct sila_text *out, const char **type);

#endif
