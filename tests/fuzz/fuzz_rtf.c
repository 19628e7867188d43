/*
 * fuzz_rtf.c - fuzzes the RTF extractor (rtf.c): groups, control words,
 * \uN and \'hh escapes, code pages.
 */
#include "formats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sila_text t;

	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_extract_rtf((const char *)data, size, &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_extract_rtf");
	fuzz_check_status(&t, "sila_extract_rtf");
	sila_text_release(&t);
	return 0;
}
