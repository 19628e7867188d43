/*
 * parts.c - choosing the part container kind and its expander.
 */
#include <stdio.h>

#include "parts.h"

enum sila_parts_kind sila_parts_sniff(const char *data, size_t len)
{
	if (sila_msg_sniff(data, len))
		return SILA_PARTS_MSG;
	if (sila_mbox_sniff(data, len))
		return SILA_PARTS_MBOX;
	if (sila_mail_sniff(data, len))
		return SILA_PARTS_MAIL;
	return SILA_PARTS_NONE;
}

int sila_parts_expand(enum sila_parts_kind kind, const char *data, size_t len,
		      size_t max_parts, sila_part_fn fn, void *ctx, char *err, size_t errlen)
{
	switch (kind) {
	case SILA_PARTS_MAIL: return sila_mail_parts(data, len, max_parts, fn, ctx, err, errlen);
	case SILA_PARTS_MBOX: return sila_mbox_parts(data, len, max_parts, fn, ctx, err, errlen);
	case SILA_PARTS_MSG: return sila_msg_parts(data, len, max_parts, fn, ctx, err, errlen);
	default:
		snprintf(err, errlen, "not a part container");
		return SILA_FAILED;
	}
}
