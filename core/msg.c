/*
 * msg.c - Outlook .msg files. Placeholder until the OLE2 implementation
 * lands: nothing is recognised as .msg yet.
 */
#include <stdio.h>

#include "parts.h"

int sila_msg_sniff(const char *data, size_t len)
{
	(void)data;
	(void)len;
	return 0;
}

int sila_msg_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		   void *ctx, char *err, size_t errlen)
{
	(void)data; (void)len; (void)max_parts; (void)fn; (void)ctx;
	snprintf(err, errlen, "Outlook messages are not supported yet");
	return SILA_FAILED;
}
