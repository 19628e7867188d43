/*
 * fuzz_mime.c - fuzzes the e-mail part walkers (mail.c): every input is
 * read as one MIME message (sila_mail_parts) and as an mbox
 * (sila_mbox_parts); the callback reads every part it is given.
 */
#include <string.h>

#include "fuzz.h"
#include "parts.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	size_t n = 0;

	err[0] = '\0';
	(void)sila_mail_sniff((const char *)data, size);
	(void)sila_mbox_sniff((const char *)data, size);
	sila_mail_parts((const char *)data, size, 1000, fuzz_on_part, &n, err, sizeof(err));
	fuzz_touch(err, strlen(err));
	if (n > 1000)
		abort(); /* more parts than max_parts */
	n = 0;
	err[0] = '\0';
	sila_mbox_parts((const char *)data, size, 1000, fuzz_on_part, &n, err, sizeof(err));
	fuzz_touch(err, strlen(err));
	if (n > 1000)
		abort();
	return 0;
}
