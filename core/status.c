/*
 * status.c - names of document statuses as they appear in the report.
 */
#include <string.h>

#include "status.h"

static const char *const doc_status_names[] = {
	"ok", "partial", "unscannable", "error"
};

const char *sila_doc_status_name(enum sila_doc_status s)
{
	if ((unsigned)s >= sizeof(doc_status_names) / sizeof(doc_status_names[0]))
		return "error";
	return doc_status_names[s];
}

int sila_doc_status_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(doc_status_names) / sizeof(doc_status_names[0]); i++)
		if (s && strcmp(s, doc_status_names[i]) == 0)
			return (int)i;
	return -1;
}
