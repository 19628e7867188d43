/*
 * fuzz_mime.c - fuzzes the e-mail part walkers (mail.c): every input is
 * read as one MIME message (sila_mail_parts) and as an mbox
 * (sila_mbox_parts); the callback reads every part it is given.
 */
#include <string.h>

#include "fuzz.h"
#include "parts.h"
#include "status.h"

/* Reads each part's name, bytes and warning, and checks what it is told. */
static int on_part(void *ctx, const char *name, const char *data, size_t len,
		   enum sila_doc_status st, const char *code, const char *msg)
{
	size_t *n = ctx;

	if (!name || (len && !data) || (int)st < SILA_DOC_OK || st > SILA_DOC_ERROR)
		abort(); /* the contract in parts.h */
	fuzz_touch(name, strlen(name) + 1);
	fuzz_touch(data, len);
	if (code)
		fuzz_touch(code, strlen(code) + 1);
	if (msg)
		fuzz_touch(msg, strlen(msg) + 1);
	(*n)++;
	return SILA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	size_t n = 0;

	err[0] = '\0';
	(void)sila_mail_sniff((const char *)data, size);
	(void)sila_mbox_sniff((const char *)data, size);
	sila_mail_parts((const char *)data, size, 1000, on_part, &n, err, sizeof(err));
	fuzz_touch(err, strlen(err));
	if (n > 1000)
		abort(); /* more parts than max_parts */
	n = 0;
	err[0] = '\0';
	sila_mbox_parts((const char *)data, size, 1000, on_part, &n, err, sizeof(err));
	fuzz_touch(err, strlen(err));
	if (n > 1000)
		abort();
	return 0;
}
