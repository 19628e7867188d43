/*
 * fuzz_record.c - fuzzes the record stream reader (record.c): a stream of
 * headers and bodies read with sila_record_read over fmemopen, once with
 * whole bodies and once streaming long bodies with sila_record_body_read,
 * each record written back with sila_record_write.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "record.h"
#include "status.h"

/* Reads every record of the stream; stream_min 0 reads bodies whole. */
static void read_all(const uint8_t *data, size_t size, size_t stream_min)
{
	struct sila_record r;
	FILE *in = fmemopen((void *)(uintptr_t)data, size, "r");
	char *obuf = NULL;
	size_t olen = 0;
	FILE *out = open_memstream(&obuf, &olen);
	int st;

	if (!in || !out) {
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		free(obuf);
		return;
	}
	/* A small body cap, so a declared length cannot ask for much memory. */
	sila_record_init(&r, 4096);
	r.stream_min = stream_min;
	while ((st = sila_record_read(in, &r)) == SILA_OK) {
		if (r.body_pending) {
			char chunk[512];
			size_t n;

			/* Read part of a streamed body; the next read skips the rest. */
			while ((n = sila_record_body_read(in, &r, chunk, sizeof(chunk))) != 0 &&
			       n != (size_t)-1 && r.body_pending > 1000)
				fuzz_touch(chunk, n);
			if (n == (size_t)-1)
				break;
			continue;
		}
		sila_record_write(out, r.hdr, r.has_body ? r.body.data : NULL, r.body.len);
	}
	sila_record_release(&r);
	fclose(in);
	fclose(out);
	free(obuf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0; /* fmemopen wants at least one byte */
	read_all(data, size, 0);
	read_all(data, size, 64);
	return 0;
}
