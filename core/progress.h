/*
 * progress.h - the one-line progress report of a sweep: files and bytes
 * done out of the total, the rate, and the time left.
 *
 * sila-classify writes "done FILES BYTES" lines to a pipe as files are
 * finished; the pre-walk of the driver writes one "total FILES BYTES"
 * line. The driver folds them into a sila_progress and prints the line
 * that sila_progress_format makes; this module only counts and formats.
 */
#ifndef SILA_PROGRESS_H
#define SILA_PROGRESS_H

#include <stddef.h>

struct sila_progress {
	double start;                   /* seconds, monotonic, at the start */
	unsigned long long files, bytes; /* done so far */
	unsigned long long total_files, total_bytes; /* 0 until known */
	int have_total;
};

/* Folds one "done F B" or "total F B" line in; returns 0, or -1 for a line it does not know. */
int sila_progress_parse(struct sila_progress *p, const char *line);

/*
 * Formats the progress at time now (seconds, the clock of start) into out,
 * without a line ending: "1200/20000 files, 3.1/52.0 MiB, 850 files/s,
 * 4.1 MiB/s, ETA 0:22".
 */
void sila_progress_format(const struct sila_progress *p, double now, char *out, size_t outlen);

/* The monotonic clock in seconds. */
double sila_progress_now(void);

#endif
