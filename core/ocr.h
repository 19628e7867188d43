/*
 * ocr.h - reading text in images with Tesseract, for scanned letters:
 * image-only PDF pages and image files (PNG, JPEG, TIFF, ...).
 *
 * OCR is slow (seconds a page) and runs only when asked for (--ocr). One
 * handle per thread: it holds a Tesseract engine with the language data
 * loaded once.
 */
#ifndef SILA_OCR_H
#define SILA_OCR_H

#include <stddef.h>

#include "text.h"

struct sila_ocr;

/*
 * A new OCR engine for the Tesseract languages lang ("swe", "swe+eng").
 * NULL with the reason in err when Tesseract or its data is missing.
 */
struct sila_ocr *sila_ocr_new(const char *lang, char *err, size_t errlen);
void sila_ocr_free(struct sila_ocr *o);

/*
 * Recognises the text of an image file held in memory and appends it to
 * out. Returns SILA_OK, or SILA_FAILED when the image cannot be decoded.
 */
int sila_ocr_image(struct sila_ocr *o, const char *data, size_t len, struct sila_text *out);

/*
 * Recognises the text of raw pixels (bpp bytes per pixel: 1 grey, 3 RGB,
 * 4 RGBA or cairo's ARGB32) and appends it to out.
 */
int sila_ocr_pixels(struct sila_ocr *o, const unsigned char *px, int width, int height,
		    int bpp, int stride, struct sila_text *out);

#endif
