/*
 * testutil.h - small helpers shared by the cmocka unit tests.
 */
#ifndef SILA_TESTUTIL_H
#define SILA_TESTUTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The shared test data directory: $SILA_SHARED, else ../shared beside the repository. */
static inline const char *test_shared_dir(void)
{
	const char *d = getenv("SILA_SHARED");

	return d && *d ? d : "../shared";
}

/* Writes text to dir/name (replacing it); 0, or -1 when it cannot. */
static inline int test_write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Removes the files in dir (not recursing) and then dir itself; 0, or -1. */
static inline int test_remove_dir(const char *dir)
{
	char path[4096];
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) != 0)
			ret = -1;
	}
	closedir(d);
	return rmdir(dir) == 0 ? ret : -1;
}

#endif
