/*
 * fuzz_ole2.c - fuzzes the OLE2 compound-file readers: the legacy Office
 * extractor (ole2.c; the first input byte picks DOC, XLS, PPT or a generic
 * OLE2 type) and the Outlook .msg part walker (msg.c, sila_msg_parts), both
 * on the rest of the input.
 */
#include <string.h>

#include "formats.h"
#include "fuzz.h"
#include "parts.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		"application/msword", "application/vnd.ms-excel",
		"application/vnd.ms-powerpoint", "application/x-ole-storage",
	};
	const char *doc = (const char *)data + 1;
	struct sila_text t;
	char err[256];
	size_t n = 0;

	if (size < 1)
		return 0;
	sila_text_init(&t, FUZZ_TEXT_CAP);
	sila_extract_ole2(doc, size - 1, types[data[0] % 4], &t);
	fuzz_touch_text(&t);
	fuzz_check_text(&t, "sila_extract_ole2");
	fuzz_check_status(&t, "sila_extract_ole2");
	sila_text_release(&t);

	err[0] = '\0';
	(void)sila_msg_sniff(doc, size - 1);
	sila_msg_parts(doc, size - 1, 1000, fuzz_on_part, &n, err, sizeof(err));
	fuzz_touch(err, strlen(err));
	if (n > 1000)
		abort(); /* more parts than max_parts */
	return 0;
}
