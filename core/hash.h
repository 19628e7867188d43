/*
 * hash.h - SHA-256 for the report's sha256 field and the rule-set hash.
 *
 * A thin layer over OpenSSL's libcrypto so no program includes OpenSSL
 * headers itself.
 */
#ifndef SILA_HASH_H
#define SILA_HASH_H

#include <stddef.h>

#define SILA_SHA256_HEX 65 /* 64 hex digits and a NUL */

/* Writes the SHA-256 of the n bytes at p as lower-case hex into out. */
void sila_sha256_hex(const void *p, size_t n, char out[SILA_SHA256_HEX]);

/* An incremental SHA-256; _new returns NULL when memory is short. */
struct sila_sha256;
struct sila_sha256 *sila_sha256_new(void);
void sila_sha256_update(struct sila_sha256 *h, const void *p, size_t n);
/* Writes the digest as hex and frees h. */
void sila_sha256_finish(struct sila_sha256 *h, char out[SILA_SHA256_HEX]);

#endif
