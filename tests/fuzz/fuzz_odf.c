/*
 * fuzz_odf.c - fuzzes the OpenDocument extractor (odf.c): the first input
 * byte picks text, spreadsheet or presentation as the type, the rest is
 * the zip.
 */
#include "formats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		"application/vnd.oasis.opendocument.text",
		"application/vnd.oasis.opendocument.spreadsheet",
		"application/vnd.oasis.opendocument.presentation",
	};
	struct sila_text t;

	if (size < 1)
		return 0;
	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_extract_odf((const char *)data + 1, size - 1, types[data[0] % 3], &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_extract_odf");
	fuzz_check_status(&t, "sila_extract_odf");
	sila_text_release(&t);
	return 0;
}
