/*
 * ole2.c - legacy Office text. Placeholder until the OLE2 extractor
 * lands: reports the type as unsupported rather than passing it as empty.
 */
#include "formats.h"

void sila_extract_ole2(const char *data, size_t len, const char *type, struct sila_text *out)
{
	(void)data;
	(void)len;
	sila_warn_add(out->warnings, "unsupported-type", "no text extractor for %s yet", type);
	sila_text_status(out, SILA_DOC_UNSCANNABLE);
}
