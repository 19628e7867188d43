/*
 * report.h - the manager's report: sila's JSON lines in, one HTML page out.
 *
 * A report is built line by line and aggregated as it goes, so its memory
 * is bounded by the number of folders, not of lines: totals per level,
 * tag, status, warning code and rule; a tree of the folders on disk (and
 * of the archives in them, whose members are counted under their
 * container) with counts per level; and, per kind of warning, the worst
 * documents up to a fixed number, with a count of those left out. The
 * page is then written in one go, self-contained (inline CSS and SVG).
 *
 * Finding values are never read, so a report made from `sila --reveal`
 * output shows rule names and counts only. Every string from the input is
 * HTML-escaped; bytes that are not UTF-8 become U+FFFD and control
 * characters their visible Unicode pictures (a newline shows as U+240A).
 *
 * Like the rest of core/, nothing here prints a diagnostic or exits: a
 * malformed line is counted, kept for the page and described in err for
 * the caller to print.
 */
#ifndef SILA_REPORT_H
#define SILA_REPORT_H

#include <stddef.h>
#include <stdio.h>

#define SILA_REPORT_LEVELS 5

/* The tables of documents that need attention, in the page's order. */
enum sila_report_table {
	SILA_REPORT_LEAK,        /* warning unmarked-personal-data */
	SILA_REPORT_ENCRYPTED,   /* warning encrypted */
	SILA_REPORT_LIMIT,       /* warning limit-exceeded */
	SILA_REPORT_EXTRACTION,  /* warning extraction-failed */
	SILA_REPORT_UNSCANNABLE, /* status unscannable or error */
	SILA_REPORT_OTHER,       /* any other warning, when in none of the above */
	SILA_REPORT_NTABLES
};

/* Kinds of tree node. */
enum sila_report_kind {
	SILA_REPORT_FOLDER,  /* a directory on disk, or one inside an archive */
	SILA_REPORT_ARCHIVE  /* a container file; its members are below it */
};

/* The caps that bound a report's memory; zero fields take the defaults. */
struct sila_report_limits {
	size_t max_nodes;    /* folders and archives in the tree (50 000) */
	size_t max_depth;    /* nodes from the root to the deepest (64) */
	size_t max_rows;     /* documents kept per table (1 000) */
	size_t max_problems; /* malformed lines described in the page (100) */
};

/*
 * Counts for a tree node and everything below it (or for the whole run):
 * files on disk and archive members, by level.
 */
struct sila_report_counts {
	unsigned long long files[SILA_REPORT_LEVELS];
	unsigned long long members[SILA_REPORT_LEVELS];
	unsigned long long leaks; /* documents with warning unmarked-personal-data */
	unsigned long long bad;   /* documents with status unscannable or error */
	int max_level;            /* the highest level, or -1 when empty */
	int kind;                 /* enum sila_report_kind (for a node) */
};

/* What the page says about itself; any field may be NULL. */
struct sila_report_page {
	const char *title;     /* default "sila report" */
	const char *generated; /* when the page was made, e.g. "2026-11-29 15:30 UTC" */
	const char *version;   /* the reporting program, e.g. "sila-report 0.1.0" */
};

struct sila_report;

/* A new, empty report; NULL when memory is short. lim may be NULL. */
struct sila_report *sila_report_new(const struct sila_report_limits *lim);
void sila_report_free(struct sila_report *r);

/*
 * Notes an input by name (a file, or "standard input") for the page; an
 * unreadable one is listed with reason, which is NULL for a readable one.
 * Returns SILA_OK, or SILA_FATAL when memory is short.
 */
int sila_report_add_input(struct sila_report *r, const char *name, const char *reason);

/*
 * Adds one line of sila's output: the len bytes at line, without the
 * newline, which need not be NUL-terminated nor UTF-8. src names the input
 * (NULL for a single one) and lineno counts from 1. A blank line is
 * skipped. Returns SILA_OK; SILA_WARN when the line is malformed, which is
 * counted and kept for the page, with the reason in err; or SILA_FATAL when
 * memory is short. The reason never quotes the line, which may hold
 * revealed identity numbers.
 */
int sila_report_add_line(struct sila_report *r, const char *src, unsigned long lineno,
			 const char *line, size_t len, char *err, size_t errsize);

/*
 * Counts a line that could not be taken at all (one too long to read) as
 * malformed, with reason. Returns SILA_OK, or SILA_FATAL when memory is short.
 */
int sila_report_add_problem(struct sila_report *r, const char *src, unsigned long lineno,
			    const char *reason);

/* Lines seen (not counting blank ones), documents taken, malformed lines. */
unsigned long long sila_report_lines(const struct sila_report *r);
unsigned long long sila_report_documents(const struct sila_report *r);
unsigned long long sila_report_malformed(const struct sila_report *r);

/*
 * The counts of the tree node at path: "" is the root (the whole run),
 * components are separated by '/' and an archive's members are below the
 * archive ("corpus/paket.tar.gz/handlingar"). Returns 0 and fills out, or
 * -1 when there is no such node.
 */
int sila_report_node(const struct sila_report *r, const char *path,
		     struct sila_report_counts *out);

/* Folders and archives in the tree, not counting the root. */
size_t sila_report_nodes(const struct sila_report *r);

/* Documents (files and members) with tag, or with a warning with code. */
unsigned long long sila_report_tag(const struct sila_report *r, const char *tag);
unsigned long long sila_report_code(const struct sila_report *r, const char *code);

/* Documents that belong in table t, and how many of them are kept to show. */
unsigned long long sila_report_table_total(const struct sila_report *r,
					   enum sila_report_table t, size_t *kept);

/* The label the input gave level (0-4), or "K<level>" when it gave none. */
const char *sila_report_label(const struct sila_report *r, int level);

/*
 * Writes the page to f. Returns SILA_OK, SILA_FAILED when f reports a write
 * error, or SILA_FATAL when memory is short.
 */
int sila_report_write_html(const struct sila_report *r, FILE *f,
			   const struct sila_report_page *page);

/*
 * Writes the n bytes at s to f as HTML text, safe in element content and
 * in quoted attribute values: & < > " ' as character references, bytes that
 * are not UTF-8 as U+FFFD, C0 controls and DEL as their control pictures
 * (U+2400-U+2421), C1 controls as U+FFFD, and bidirectional controls as
 * "<U+202E>" so that a name cannot reorder what is shown around it.
 */
void sila_html_escape(FILE *f, const char *s, size_t n);

#endif
