/*
 * progress.c - counting and formatting a sweep's progress (progress.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "progress.h"

int sila_progress_parse(struct sila_progress *p, const char *line)
{
	unsigned long long f, b;

	if (sscanf(line, "done %llu %llu", &f, &b) == 2) {
		p->files = f;
		p->bytes = b;
		return 0;
	}
	if (sscanf(line, "total %llu %llu", &f, &b) == 2) {
		p->total_files = f;
		p->total_bytes = b;
		p->have_total = 1;
		return 0;
	}
	return -1;
}

/* Bytes in MiB, for the line. */
static double mib(unsigned long long b)
{
	return (double)b / (1024.0 * 1024.0);
}

void sila_progress_format(const struct sila_progress *p, double now, char *out, size_t outlen)
{
	double secs = now - p->start, rate, brate, left = -1;
	size_t n;

	if (secs < 0.001)
		secs = 0.001;
	rate = (double)p->files / secs;
	brate = (double)p->bytes / secs;
	if (p->have_total)
		n = (size_t)snprintf(out, outlen, "%llu/%llu files, %.1f/%.1f MiB",
				     p->files, p->total_files, mib(p->bytes), mib(p->total_bytes));
	else
		n = (size_t)snprintf(out, outlen, "%llu files, %.1f MiB", p->files, mib(p->bytes));
	if (n >= outlen)
		return;
	n += (size_t)snprintf(out + n, outlen - n, ", %.0f files/s, %.1f MiB/s", rate, mib((unsigned long long)brate));
	if (n >= outlen || !p->have_total)
		return;
	/* The time left by bytes when there are any to go, else by files. */
	if (p->total_bytes > p->bytes && brate > 0)
		left = (double)(p->total_bytes - p->bytes) / brate;
	else if (p->total_files > p->files && rate > 0)
		left = (double)(p->total_files - p->files) / rate;
	else if (p->files >= p->total_files)
		left = 0;
	if (left >= 0) {
		unsigned long s = (unsigned long)(left + 0.5);

		if (s >= 3600)
			snprintf(out + n, outlen - n, ", ETA %lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
		else
			snprintf(out + n, outlen - n, ", ETA %lu:%02lu", s / 60, s % 60);
	}
}

double sila_progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
