/*
 * status.h - the status levels every core function returns, and the status a
 * document ends with in the report.
 *
 * Core functions never exit and never print: they return one of the
 * sila_status levels and leave a message on the handle they worked on, in the
 * manner of libarchive (OK, WARN, FAILED, FATAL).
 */
#ifndef SILA_STATUS_H
#define SILA_STATUS_H

enum sila_status {
	SILA_OK = 0,     /* done */
	SILA_WARN = 1,   /* done, but something is worth a warning */
	SILA_FAILED = 2, /* this item failed; the next one may go on */
	SILA_FATAL = 3,  /* the handle is unusable; stop */
	SILA_EOF = 4     /* a reader has no more input (not an error) */
};

/*
 * The status of one document in the report. Ordered by severity so that the
 * worse of two can be taken with a plain maximum.
 */
enum sila_doc_status {
	SILA_DOC_OK = 0,          /* all of it was scanned */
	SILA_DOC_PARTIAL = 1,     /* some of it was scanned */
	SILA_DOC_UNSCANNABLE = 2, /* read, but no content could be scanned */
	SILA_DOC_ERROR = 3        /* could not be read, or a tool failed on it */
};

/* The report's name of a document status: "ok", "partial", ... */
const char *sila_doc_status_name(enum sila_doc_status s);

/* The document status named by s, or -1 if s names none. */
int sila_doc_status_parse(const char *s);

#endif
