/*
 * hash.c - SHA-256 through OpenSSL's EVP interface.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hash.h"

struct sila_sha256 {
	EVP_MD_CTX *ctx;
};

static void to_hex(const unsigned char *md, unsigned n, char out[SILA_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";

	memset(out, '0', 64);

	for (unsigned i = 0; i < n && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void sila_sha256_hex(const void *p, size_t n, char out[SILA_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL))
		len = 0;
	to_hex(md, len, out);
}

struct sila_sha256 *sila_sha256_new(void)
{
	struct sila_sha256 *h = malloc(sizeof(*h));

	if (!h)
		return NULL;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(h->ctx);
		free(h);
		return NULL;
	}
	return h;
}

void sila_sha256_update(struct sila_sha256 *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->ctx, p, n);
}

void sila_sha256_finish(struct sila_sha256 *h, char out[SILA_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (!EVP_DigestFinal_ex(h->ctx, md, &len))
		len = 0;
	to_hex(md, len, out);
	EVP_MD_CTX_free(h->ctx);
	free(h);
}
