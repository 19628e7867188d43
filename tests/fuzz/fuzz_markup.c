/*
 * fuzz_markup.c - fuzzes the HTML and XML extractors (markup.c): every
 * input goes through sila_extract_html and then sila_extract_xml.
 */
#include "formats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sila_text t;

	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_extract_html((const char *)data, size, &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_extract_html");
	fuzz_check_status(&t, "sila_extract_html");
	sila_text_release(&t);

	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_extract_xml((const char *)data, size, &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_extract_xml");
	fuzz_check_status(&t, "sila_extract_xml");
	sila_text_release(&t);
	return 0;
}
