/*
 * ocr.c - Tesseract through its C API, and Leptonica to decode images.
 */
#include <string.h>

#include <allheaders.h>
#include <tesseract/capi.h>

#include "ocr.h"

/* Images larger than this many pixels are not given to Tesseract (memory, time). */
#define OCR_MAX_PIXELS (100L * 1000 * 1000)

struct sila_ocr {
	TessBaseAPI *api;
};

struct sila_ocr *sila_ocr_new(const char *lang, char *err, size_t errlen)
{
	struct sila_ocr *o = calloc(1, sizeof(*o));

	if (!o) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	o->api = TessBaseAPICreate();
	/* Tesseract talks on stderr about resolution and the like; silence it. */
	if (!o->api || TessBaseAPISetVariable(o->api, "debug_file", "/dev/null") != 1 ||
	    TessBaseAPIInit3(o->api, NULL, lang) != 0) {
		snprintf(err, errlen, "cannot start Tesseract with language '%s' "
			 "(is tesseract-ocr-%s installed?)", lang, lang);
		sila_ocr_free(o);
		return NULL;
	}
	TessBaseAPISetPageSegMode(o->api, PSM_AUTO);
	/* Scans are rendered at 300 dpi; saying so also stops Tesseract guessing aloud. */
	TessBaseAPISetVariable(o->api, "user_defined_dpi", "300");
	return o;
}

void sila_ocr_free(struct sila_ocr *o)
{
	if (!o)
		return;
	if (o->api) {
		TessBaseAPIEnd(o->api);
		TessBaseAPIDelete(o->api);
	}
	free(o);
}

/* Runs recognition on the image set on the engine and appends the text. */
static int recognise(struct sila_ocr *o, struct sila_text *out)
{
	char *text = TessBaseAPIGetUTF8Text(o->api);
	int st = SILA_OK;

	if (!text)
		return SILA_FAILED;
	if (sila_text_add(out, text, strlen(text)) != SILA_OK)
		st = SILA_WARN;
	TessDeleteText(text);
	TessBaseAPIClear(o->api);
	return st;
}

int sila_ocr_image(struct sila_ocr *o, const char *data, size_t len, struct sila_text *out)
{
	PIX *pix = pixReadMem((const l_uint8 *)data, len);
	int st;

	if (!pix)
		return SILA_FAILED;
	if ((long)pixGetWidth(pix) * pixGetHeight(pix) > OCR_MAX_PIXELS) {
		pixDestroy(&pix);
		return SILA_FAILED;
	}
	TessBaseAPISetImage2(o->api, pix);
	st = recognise(o, out);
	pixDestroy(&pix);
	return st;
}

int sila_ocr_pixels(struct sila_ocr *o, const unsigned char *px, int width, int height,
		    int bpp, int stride, struct sila_text *out)
{
	if (width <= 0 || height <= 0 || (long)width * height > OCR_MAX_PIXELS)
		return SILA_FAILED;
	TessBaseAPISetImage(o->api, px, width, height, bpp, stride);
	return recognise(o, out);
}
