/*
 * mail.c - e-mail messages and mbox files. Placeholder until the GMime
 * implementation lands: nothing is recognised as mail yet.
 */
#include <stdio.h>

#include "parts.h"

int sila_mail_sniff(const char *data, size_t len)
{
	(void)data;
	(void)len;
	return 0;
}

int sila_mbox_sniff(const char *data, size_t len)
{
	(void)data;
	(void)len;
	return 0;
}

int sila_mail_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		    void *ctx, char *err, size_t errlen)
{
	(void)data; (void)len; (void)max_parts; (void)fn; (void)ctx;
	snprintf(err, errlen, "mail is not supported yet");
	return SILA_FAILED;
}

int sila_mbox_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		    void *ctx, char *err, size_t errlen)
{
	return sila_mail_parts(data, len, max_parts, fn, ctx, err, errlen);
}
