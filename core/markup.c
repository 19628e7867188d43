/*
 * markup.c - HTML and XML text. Placeholder until the markup extractor
 * lands: the markup is scanned as plain text, tags and all.
 */
#include "formats.h"

void sila_extract_html(const char *data, size_t len, struct sila_text *out)
{
	sila_extract_plain(data, len, out);
}

void sila_extract_xml(const char *data, size_t len, struct sila_text *out)
{
	sila_extract_plain(data, len, out);
}
