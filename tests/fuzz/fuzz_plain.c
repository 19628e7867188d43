/*
 * fuzz_plain.c - fuzzes plain-text charset handling: sila_extract_plain
 * (extract.c) and charset.c's detection and conversion
 * (sila_charset_detect, sila_charset_looks_like_text,
 * sila_charset_to_text), all on the same bytes.
 */
#include <string.h>

#include "charset.h"
#include "formats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct sila_text t;
	size_t bom = 0;
	const char *cs;

	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_extract_plain(s, size, &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_extract_plain");
	fuzz_check_status(&t, "sila_extract_plain");
	sila_text_release(&t);

	cs = sila_charset_detect(s, size, &bom);
	if (bom > size)
		abort(); /* the byte order mark cannot be longer than the input */
	fuzz_touch(cs, strlen(cs));
	(void)sila_charset_looks_like_text(s, size);

	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_charset_to_text(s, size, &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_charset_to_text");
	fuzz_check_status(&t, "sila_charset_to_text");
	sila_text_release(&t);
	return 0;
}
