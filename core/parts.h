/*
 * parts.h - containers that are not archives: e-mail messages (RFC 5322
 * and MIME), mbox files and Outlook .msg files. Each yields its parts (body
 * parts, attachments, messages) as named byte strings, which sila-unpack
 * turns into members just as it does archive entries.
 *
 * Ownership: the callback borrows name and data for the duration of the
 * call; it must copy what it keeps.
 */
#ifndef SILA_PARTS_H
#define SILA_PARTS_H

#include <stddef.h>

#include "status.h"

/*
 * Receives one part. st is SILA_DOC_OK, or a worse status with a warning
 * code and message when the part could not be decoded whole (data then
 * holds what could be). Returns SILA_OK to go on, anything else to stop.
 */
typedef int (*sila_part_fn)(void *ctx, const char *name, const char *data, size_t len,
			    enum sila_doc_status st, const char *code, const char *msg);

/* The kinds of part container. */
enum sila_parts_kind { SILA_PARTS_NONE = 0, SILA_PARTS_MAIL, SILA_PARTS_MBOX, SILA_PARTS_MSG };

/* Which kind of part container the bytes are, from their first bytes and structure. */
enum sila_parts_kind sila_parts_sniff(const char *data, size_t len);

/*
 * Emits the parts of one container of the given kind. Returns SILA_OK,
 * SILA_WARN when it was damaged but some parts came out (err says why), or
 * SILA_FAILED when nothing could be read (err says why), or what the
 * callback returned to stop.
 */
int sila_parts_expand(enum sila_parts_kind kind, const char *data, size_t len,
		      size_t max_parts, sila_part_fn fn, void *ctx, char *err, size_t errlen);

/* Implementations of sila_parts_expand per kind (mail.c, msg.c). */
int sila_mail_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		    void *ctx, char *err, size_t errlen);
int sila_mbox_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		    void *ctx, char *err, size_t errlen);
int sila_msg_parts(const char *data, size_t len, size_t max_parts, sila_part_fn fn,
		   void *ctx, char *err, size_t errlen);

/* Detection helpers: whether bytes look like a MIME message / an mbox / an Outlook .msg. */
int sila_mail_sniff(const char *data, size_t len);
int sila_mbox_sniff(const char *data, size_t len);
int sila_msg_sniff(const char *data, size_t len);

#endif
