/*
 * fuzz_pdf.c - fuzzes the PDF extractor (pdf.c, poppler-glib) without OCR:
 * pages, annotations, form fields, document information and XMP labels.
 */
#include "formats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sila_text t;

	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_extract_pdf((const char *)data, size, NULL, &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_extract_pdf");
	fuzz_check_status(&t, "sila_extract_pdf");
	sila_text_release(&t);
	return 0;
}
