/*
 * testutil.h - small helpers shared by the cmocka unit tests.
 */
#ifndef SILA_TESTUTIL_H
#define SILA_TESTUTIL_H

#include <stdlib.h>

/* The shared test data directory: $SILA_SHARED, else ../shared beside the repository. */
static inline const char *test_shared_dir(void)
{
	const char *d = getenv("SILA_SHARED");

	return d && *d ? d : "../shared";
}

#endif
