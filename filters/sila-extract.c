/*
 * sila-extract - the second filter: file bytes in, UTF-8 text out.
 *
 * Reads the record stream, detects each body's type with libmagic and
 * replaces the body with the document's text (pages separated by form
 * feeds), adding "type", "pages", "status" and "warnings" to the header,
 * and the document's metadata ("metadata") and sensitivity labels
 * ("labels") when it has any.
 * Records without a body (containers, files that could not be read) pass
 * unchanged.
 *
 * Usage:   sila-extract [options] < records > records
 * Example: sila-unpack report.pdf | sila-extract | sila-scan
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "extract.h"
#include "limit.h"
#include "names.h"
#include "record.h"
#include "status.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] < records\n"
		"Turn each record's bytes into UTF-8 text (the sila record stream).\n"
		"\n"
		"      --max-file SIZE    bytes of one file accepted (default 256M)\n"
		"      --max-text SIZE    bytes of text kept per document (default 64M)\n"
		"      --ocr              read images and image-only PDF pages with Tesseract\n"
		"      --ocr-lang LANGS   Tesseract languages for --ocr (default swe)\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n",
		sila_prog());
}

/* Merges an extractor's warnings and status into the record header. */
static void merge(json_t *hdr, struct sila_text *t)
{
	json_t *w = json_object_get(hdr, "warnings");
	int old = sila_doc_status_parse(json_string_value(json_object_get(hdr, "status")));
	size_t i;
	json_t *v;

	if (json_array_size(t->warnings)) {
		if (!w) {
			w = json_array();
			json_object_set_new(hdr, "warnings", w);
		}
		json_array_foreach(t->warnings, i, v)
			json_array_append(w, v);
	}
	if ((int)t->status > old)
		json_object_set_new(hdr, "status", json_string(sila_doc_status_name(t->status)));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-file", required_argument, NULL, 'F' },
		{ "max-text", required_argument, NULL, 'T' },
		{ "ocr", no_argument, NULL, 'O' },
		{ "ocr-lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char obuf[1 << 16];
	struct sila_limits lim;
	struct sila_extractor *x;
	struct sila_record rec;
	char err[256];
	int c, st, ret = 0, ocr = 0;
	const char *ocr_lang = "swe";
	size_t v;

	sila_cli_init(argv[0]);
	sila_limits_default(&lim);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': case 'T':
			if (sila_parse_size(optarg, &v) != 0 || v == 0)
				sila_die("invalid size '%s'", optarg);
			*(c == 'F' ? &lim.max_file : &lim.max_text) = v;
			break;
		case 'O': ocr = 1; break;
		case 'L': ocr = 1; ocr_lang = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	x = sila_extractor_new(&lim, err, sizeof(err));
	if (!x)
		sila_die("%s", err);
	if (ocr && sila_extractor_ocr(x, ocr_lang, err, sizeof(err)) != SILA_OK)
		sila_die("%s", err);
	sila_record_init(&rec, lim.max_file);
	while ((st = sila_record_read(stdin, &rec)) == SILA_OK) {
		struct sila_text t;
		const char *type;

		if (!rec.has_body) {
			if (sila_record_write(stdout, rec.hdr, NULL, 0) != SILA_OK)
				break;
			continue;
		}
		sila_text_init(&t, lim.max_text);
		if (rec.body_truncated) {
			sila_warn_add(t.warnings, "limit-exceeded", "file size limit reached (--max-file)");
			sila_text_status(&t, SILA_DOC_PARTIAL);
		}
		sila_extract(x, rec.body.data ? rec.body.data : "", rec.body.len,
			     json_string_value(json_object_get(rec.hdr, "path")), &t, &type);
		json_object_set_new(rec.hdr, "type", json_string(type));
		if (t.pages)
			json_object_set_new(rec.hdr, "pages", json_integer(t.pages));
		if (t.pages_ocr)
			json_object_set_new(rec.hdr, "ocr_pages", json_integer(t.pages_ocr));
		if (t.meta.len) {
			int lossy;

			json_object_set_new(rec.hdr, "metadata",
					    sila_json_lossy_string(t.meta.data, t.meta.len, &lossy));
		}
		if (json_array_size(t.labels))
			json_object_set(rec.hdr, "labels", t.labels);
		merge(rec.hdr, &t);
		if (sila_warn_has(t.warnings, "extraction-failed")) {
			json_t *w;
			size_t i;

			json_array_foreach(t.warnings, i, w)
				if (strcmp(json_string_value(json_object_get(w, "code")), "extraction-failed") == 0) {
					sila_record_error(rec.hdr, "%s",
							  json_string_value(json_object_get(w, "message")));
					break;
				}
		}
		st = sila_record_write(stdout, rec.hdr, t.buf.data ? t.buf.data : "", t.buf.len);
		sila_text_release(&t);
		if (st != SILA_OK)
			break;
	}
	if (st == SILA_FATAL) {
		sila_error("%s", rec.err);
		ret = 2;
	}
	sila_record_release(&rec);
	sila_extractor_free(x);
	if (sila_close_stdout() != 0)
		ret = 2;
	return ret;
}
