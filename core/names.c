/*
 * names.c - UTF-8 checks and the lossless encoding of names in JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "buf.h"
#include "names.h"
#include "status.h"

size_t sila_ascii_run(const unsigned char *s, size_t n)
{
	size_t i = 0;

	/* Eight bytes at a time while none has its high bit set. */
	for (; n - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
	}
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

size_t sila_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xf4 && s[1] >= 0x90)
			return 0; /* beyond U+10FFFF */
		return 4;
	}
	return 0;
}

void sila_fold(const char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == 0xc3 && i + 1 < n) {
			unsigned char d = (unsigned char)in[i + 1];

			out[i] = (char)c;
			out[++i] = (char)(d >= 0x80 && d <= 0x9e && d != 0x97 ? d + 0x20 : d);
			continue;
		}
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
}

int sila_base64_decode(const char *s, struct sila_buf *out)
{
	size_t n = strlen(s), pad = 0;
	unsigned char *tmp;
	int got;

	if (n % 4 || n > (size_t)0x7ffffff0)
		return SILA_FAILED;
	while (pad < n && pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	tmp = malloc(n / 4 * 3 + 1);
	if (!tmp)
		return SILA_FAILED;
	got = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)n);
	if (got < 0 || (size_t)got < pad || sila_buf_add(out, tmp, (size_t)got - pad) != SILA_OK) {
		free(tmp);
		return SILA_FAILED;
	}
	free(tmp);
	return SILA_OK;
}

size_t sila_utf8_sanitize(char *s, size_t n, int final)
{
	unsigned char *p = (unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t k;

		i += sila_ascii_run(p + i, n - i);
		if (i == n)
			break;
		k = sila_utf8_seq(p + i, n - i);
		if (k) {
			i += k;
			continue;
		}
		/* A lead byte whose sequence runs past the chunk may be whole in the next one. */
		if (!final && p[i] >= 0xc2 && p[i] <= 0xf4 && n - i < 4) {
			size_t need = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2, j;

			for (j = i + 1; j < n && (p[j] & 0xc0) == 0x80; j++)
				;
			if (j == n && n - i < need)
				return n - i;
		}
		p[i++] = '?';
	}
	return 0;
}

int sila_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	while (n) {
		size_t k = sila_ascii_run(p, n);

		p += k;
		n -= k;
		if (!n)
			break;
		k = sila_utf8_seq(p, n);
		if (!k)
			return 0;
		p += k;
		n -= k;
	}
	return 1;
}

json_t *sila_json_lossy_string(const char *s, size_t n, int *lossy)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sila_buf b = SILA_BUF_INIT(0);
	json_t *j;

	*lossy = 0;
	if (sila_utf8_valid(s, n))
		return json_stringn(s, n);
	*lossy = 1;
	while (n) {
		size_t k = sila_utf8_seq(p, n);

		if (k) {
			if (sila_buf_add(&b, p, k) != SILA_OK)
				goto oom;
		} else {
			k = 1;
			if (sila_buf_add(&b, "\xef\xbf\xbd", 3) != SILA_OK)
				goto oom;
		}
		p += k;
		n -= k;
	}
	j = json_stringn(b.data ? b.data : "", b.len);
	sila_buf_release(&b);
	return j;
oom:
	sila_buf_release(&b);
	return NULL;
}

json_t *sila_json_base64(const void *s, size_t n)
{
	size_t out_len = 4 * ((n + 2) / 3);
	unsigned char *out = malloc(out_len + 1);
	json_t *j;

	if (!out || n > (size_t)0x7fffffff) {
		free(out);
		return NULL;
	}
	EVP_EncodeBlock(out, s, (int)n);
	j = json_stringn((const char *)out, out_len);
	free(out);
	return j;
}

int sila_json_set_name(json_t *obj, const char *key, const char *name, size_t n)
{
	char key_b64[64];
	int lossy;
	json_t *j = sila_json_lossy_string(name, n, &lossy);

	if (!j || json_object_set_new(obj, key, j) != 0)
		return SILA_FAILED;
	snprintf(key_b64, sizeof(key_b64), "%s_b64", key);
	if (!lossy) {
		json_object_del(obj, key_b64);
		return SILA_OK;
	}
	j = sila_json_base64(name, n);
	if (!j || json_object_set_new(obj, key_b64, j) != 0)
		return SILA_FAILED;
	return SILA_OK;
}

int sila_json_push_member(json_t *obj, const char *name, size_t n)
{
	json_t *member = json_object_get(obj, "member");
	json_t *raw = json_object_get(obj, "member_b64");
	int lossy;
	json_t *j;

	if (!member) {
		member = json_array();
		if (!member || json_object_set_new(obj, "member", member) != 0)
			return SILA_FAILED;
	}
	j = sila_json_lossy_string(name, n, &lossy);
	if (!j || json_array_append_new(member, j) != 0)
		return SILA_FAILED;
	if (lossy && !raw) {
		/* The first undecodable name: record the exact bytes of every earlier one too. */
		size_t i;
		json_t *v;

		raw = json_array();
		if (!raw || json_object_set_new(obj, "member_b64", raw) != 0)
			return SILA_FAILED;
		json_array_foreach(member, i, v) {
			if (i + 1 == json_array_size(member))
				break;
			if (json_array_append_new(raw, sila_json_base64(json_string_value(v),
					json_string_length(v))) != 0)
				return SILA_FAILED;
		}
	}
	if (raw && json_array_append_new(raw, sila_json_base64(name, n)) != 0)
		return SILA_FAILED;
	return SILA_OK;
}
