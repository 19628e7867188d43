/*
 * rtf.c - RTF text. Placeholder until the RTF parser lands: reports the
 * type as unsupported rather than passing it as empty.
 */
#include "formats.h"

void sila_extract_rtf(const char *data, size_t len, struct sila_text *out)
{
	(void)data;
	(void)len;
	sila_warn_add(out->warnings, "unsupported-type", "no text extractor for text/rtf yet");
	sila_text_status(out, SILA_DOC_UNSCANNABLE);
}
