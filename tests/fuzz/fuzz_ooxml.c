/*
 * fuzz_ooxml.c - fuzzes the Office Open XML extractor (ooxml.c): the first
 * input byte picks DOCX, XLSX or PPTX as the type libmagic would have
 * given, the rest is the zip.
 */
#include "formats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	};
	struct sila_text t;

	if (size < 1)
		return 0;
	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_extract_ooxml((const char *)data + 1, size - 1, types[data[0] % 3], &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_extract_ooxml");
	fuzz_check_status(&t, "sila_extract_ooxml");
	sila_text_release(&t);
	return 0;
}
