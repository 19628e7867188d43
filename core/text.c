/*
 * text.c - the extracted-text accumulator and document warnings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

void sila_text_init(struct sila_text *t, size_t max_text)
{
	sila_buf_init(&t->buf, max_text);
	sila_buf_init(&t->meta, (size_t)1 << 20);
	t->labels = json_array();
	t->pages = 0;
	t->pages_no_text = 0;
	t->pages_ocr = 0;
	t->status = SILA_DOC_OK;
	t->warnings = json_array();
}

void sila_text_release(struct sila_text *t)
{
	sila_buf_release(&t->buf);
	sila_buf_release(&t->meta);
	json_decref(t->labels);
	t->labels = NULL;
	json_decref(t->warnings);
	t->warnings = NULL;
}

int sila_text_add(struct sila_text *t, const char *s, size_t n)
{
	int st = sila_buf_add_upto(&t->buf, s, n);

	if (st == SILA_OK)
		return SILA_OK;
	if (st == SILA_WARN)
		sila_warn_add(t->warnings, "limit-exceeded",
			      "text limit of %zu bytes reached (--max-text)", t->buf.cap);
	else
		sila_warn_add(t->warnings, "limit-exceeded", "out of memory for the text");
	sila_text_status(t, SILA_DOC_PARTIAL);
	return SILA_WARN;
}

int sila_text_meta(struct sila_text *t, const char *key, const char *value, size_t n)
{
	/* Trim, and fold line breaks so one property stays one line. */
	while (n && (value[0] == ' ' || value[0] == '\t' || value[0] == '\n' || value[0] == '\r')) {
		value++;
		n--;
	}
	while (n && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\n' ||
		     value[n - 1] == '\r'))
		n--;
	if (!n)
		return SILA_OK;
	if (sila_buf_adds(&t->meta, key) != SILA_OK || sila_buf_add(&t->meta, ": ", 2) != SILA_OK)
		return SILA_WARN;
	for (size_t i = 0; i < n; i++)
		if (sila_buf_addc(&t->meta, value[i] == '\n' || value[i] == '\r' ? ' ' : value[i]) != SILA_OK)
			return SILA_WARN;
	return sila_buf_addc(&t->meta, '\n') == SILA_OK ? SILA_OK : SILA_WARN;
}

void sila_text_label(struct sila_text *t, const char *source, const char *name, const char *id)
{
	json_t *l = json_pack("{s:s,s:s}", "source", source, "name", name);

	if (!l)
		return;
	if (id && json_object_set_new(l, "id", json_string(id)) != 0) {
		json_decref(l);
		return;
	}
	json_array_append_new(t->labels, l);
}

void sila_text_status(struct sila_text *t, enum sila_doc_status s)
{
	if (s > t->status)
		t->status = s;
}

void sila_warn_add(json_t *warnings, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t i;
	json_t *w;

	if (!warnings)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_foreach(warnings, i, w) {
		const char *c = json_string_value(json_object_get(w, "code"));
		const char *m = json_string_value(json_object_get(w, "message"));

		if (c && m && strcmp(c, code) == 0 && strcmp(m, msg) == 0)
			return;
	}
	w = json_pack("{s:s,s:s}", "code", code, "message", msg);
	if (!w) {
		/* A message that is not UTF-8 (a name quoted in it) is dropped, the code kept. */
		w = json_pack("{s:s,s:s}", "code", code, "message", "");
	}
	json_array_append_new(warnings, w);
}

int sila_warn_has(const json_t *warnings, const char *code)
{
	size_t i;
	json_t *w;

	json_array_foreach(warnings, i, w) {
		const char *c = json_string_value(json_object_get(w, "code"));

		if (c && strcmp(c, code) == 0)
			return 1;
	}
	return 0;
}
