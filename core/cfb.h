/*
 * cfb.h - what the two readers of OLE2 compound files share: legacy
 * Office documents (ole2.c) and Outlook messages (msg.c).
 *
 * libgsf reads the compound file; these helpers keep its OLE2 reader
 * quiet, look children up without it printing why one is damaged, read a
 * stream in bounded chunks, and turn the UTF-16LE and code-page strings
 * such files hold into UTF-8.
 *
 * Ownership: a child returned by sila_cfb_child or sila_cfb_child_at is
 * the caller's, to g_object_unref; text is appended to the caller's
 * buffer; nothing else is allocated here.
 */
#ifndef SILA_CFB_H
#define SILA_CFB_H

#include <stddef.h>
#include <stdint.h>

#include <gsf/gsf-infile.h>
#include <gsf/gsf-input.h>

#include "buf.h"
#include "status.h"

/*
 * Drops the messages libgsf's OLE2 reader logs through GLib about damaged
 * files (core code prints nothing; the damage goes into the warnings).
 * Safe to call often and from any thread: the handler is set once.
 */
void sila_cfb_quiet(void);

/*
 * The child called name of dir, or NULL when there is none or it is
 * damaged (*broken is set then, unless broken is NULL). Unlike
 * gsf_infile_child_by_name, it does not print the reason.
 */
GsfInput *sila_cfb_child(GsfInfile *dir, const char *name, int *broken);

/*
 * The child at index i of dir, or NULL when it is damaged (*broken is set
 * then, unless broken is NULL); like sila_cfb_child, it prints nothing.
 */
GsfInput *sila_cfb_child_at(GsfInfile *dir, int i, int *broken);

/* Whether dir lists a child called name (damaged or not). */
int sila_cfb_has_child(GsfInfile *dir, const char *name);

/*
 * How many bytes of the stream in to read: its size, but at most cap.
 * *over is set when the size is unknown (nothing is read then) or larger
 * than cap, and cleared otherwise.
 */
size_t sila_cfb_size(GsfInput *in, size_t cap, int *over);

/*
 * Reads want bytes of in into dst, in chunks of 64 KiB. Returns the bytes
 * read: want, or fewer when a chunk could not be read (what came before it
 * stays in dst).
 */
size_t sila_cfb_read(GsfInput *in, void *dst, size_t want);

/*
 * Encodes code point c as UTF-8 into u (room for 4 bytes); a surrogate or
 * a value past U+10FFFF becomes U+FFFD. Returns the length.
 */
size_t sila_cfb_utf8(uint32_t c, char *u);

/*
 * Reads one UTF-16LE code point from n bytes at p into *c, joining a
 * surrogate pair; returns the bytes used (0 when fewer than 2 remain).
 */
size_t sila_cfb_utf16_next(const unsigned char *p, size_t n, uint32_t *c);

/* Appends UTF-16LE text (n bytes) to b as UTF-8, stopping at a NUL; SILA_FAILED when b is full. */
int sila_cfb_utf16_to_buf(const unsigned char *p, size_t n, struct sila_buf *b);

/*
 * Appends n bytes of text in the iconv character set charset to b as
 * UTF-8, stopping at a NUL; undecodable bytes become U+FFFD, and a
 * character set iconv does not know is read as Windows-1252. Returns
 * SILA_FAILED when no conversion could be opened or converted text did not
 * fit in b, else SILA_OK (also when only a U+FFFD did not fit: the text
 * ends there).
 */
int sila_cfb_charset_to_buf(const char *charset, const unsigned char *p, size_t n,
			    struct sila_buf *b);

#endif
