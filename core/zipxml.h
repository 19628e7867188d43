/*
 * zipxml.h - what the two zip-of-XML extractors share: OOXML (ooxml.c)
 * and OpenDocument (odf.c).
 *
 * Opening a zip held in memory with libarchive; walking a part with
 * libxml2's SAX2 parser (no entity substitution, no DTD, no network),
 * node by node as its streaming reader would hand them on, and looking at
 * a node's name and attributes; writing text in which line and cell
 * separators wait for the next text; and turning a number as a
 * spreadsheet stores it ("1.98510121236E+11") into plain digits.
 *
 * Ownership: nothing here keeps memory between calls. A node handed to a
 * walk's handler, with its name and text, lives until the handler returns;
 * sila_xml_attr returns a string the caller frees with xmlFree; a
 * sila_flow borrows the sila_text it writes to.
 */
#ifndef SILA_ZIPXML_H
#define SILA_ZIPXML_H

#include <stddef.h>

#include <archive.h>
#include <libxml/xmlreader.h> /* the XML_READER_TYPE_* numbers, xmlFree */

#include "text.h"

/* ---- The zip ------------------------------------------------------------ */

/* libarchive's message for the last error of a, never NULL. */
const char *sila_zip_error(struct archive *a);

/*
 * Readies the new reader a for the zip of len bytes at data. Returns 0, or
 * -1 with the warning "not a readable zip" added to out; the caller frees
 * a either way.
 */
int sila_zip_open(struct archive *a, const char *data, size_t len, struct sila_text *out);

/* ---- XML ------------------------------------------------------------------ */

/* What a node handler asks of the XML walk. */
enum { SILA_WALK_ON, SILA_WALK_SKIP, SILA_WALK_STOP };

/*
 * One node of a part as the walk hands it on: an element, the end of one,
 * or text. Only the functions below look inside.
 */
struct sila_xml_node;

/*
 * Receives one node of a part: type is XML_READER_TYPE_ELEMENT,
 * XML_READER_TYPE_END_ELEMENT, or a text type (sila_xml_is_text), local
 * the element's local name ("prefix:name" when the prefix is not bound to
 * a namespace, as libxml2's tree names it) or "#text" or "#cdata-section".
 * Returns SILA_WALK_ON, SILA_WALK_SKIP (its subtree) or SILA_WALK_STOP.
 */
typedef int (*sila_xml_node_fn)(void *ctx, const struct sila_xml_node *n, int type,
				const char *local);

/*
 * Walks len bytes of XML node by node, handing each to fn, as libxml2's
 * streaming reader did: an element and its end, or an empty element
 * (<a/>) alone, without an end; between two of these the character data as
 * one text node, however libxml2 delivered it, and a CDATA section (or
 * several in a row) as one of its own. Comments, processing instructions,
 * the DOCTYPE and references to entities other than the predefined ones
 * are not handed on, but end a text node as in the reader. Entities are
 * never expanded; libxml2 stops at one that would expand hugely.
 * SILA_WALK_SKIP on an element that is not empty skips its subtree and its
 * end; SILA_WALK_STOP ends the walk, which then returns 0.
 *
 * Returns 0, or -1 (with a warning naming the part and a partial status in
 * out) when the XML is broken, or a text node would be longer than
 * XML_MAX_TEXT_LENGTH bytes, libxml2's limit, at which the reader failed
 * too. Every node before the break has been handed on, the text just
 * before it as a text node, and nothing after it; text that is too long
 * is not handed on.
 */
int sila_xml_walk(const char *xml, size_t len, const char *name, sila_xml_node_fn fn, void *ctx,
		  struct sila_text *out);

/* Whether a node carries text: character data or whitespace. */
int sila_xml_is_text(int type);

/* The text of a text node, never NULL: "" for an element or an end. */
const char *sila_xml_text(const struct sila_xml_node *n);

/* The length of sila_xml_text(n). */
size_t sila_xml_text_len(const struct sila_xml_node *n);

/* Whether n is an element written empty (<a/>), which has no end. */
int sila_xml_empty(const struct sila_xml_node *n);

/* How many elements enclose n: 0 for the root element and its end. */
int sila_xml_depth(const struct sila_xml_node *n);

/*
 * The value of an element's attribute with this local name, in a
 * namespace (prefixed) or in none, with character and entity references
 * decoded; NULL when absent, or on an end or text node. xmlFree the result.
 */
char *sila_xml_attr(const struct sila_xml_node *n, const char *local, int prefixed);

/* Whether the node, whose local name is local, is want in namespace ns. */
int sila_xml_is(const struct sila_xml_node *n, const char *local, const char *want, const char *ns);

/* ---- Text with waiting separators ------------------------------------------- */

/*
 * Separators wait until the next text, so that none ends the text or
 * doubles up, and a stronger one replaces a weaker one set since the last
 * text: a row's end beats a cell's, and a cell's end beats the end of a
 * paragraph inside the cell (a "soft" line end), so that a table row
 * comes out as one line of tab-separated cells.
 */
enum sila_sep { SILA_SEP_NONE, SILA_SEP_SOFT, SILA_SEP_TAB, SILA_SEP_LINE };

/* Text being written to out, and the separator waiting for the next text. */
struct sila_flow {
	struct sila_text *out;
	enum sila_sep sep;
	int stop; /* the text cap was reached */
};

/* Asks for a separator before the next text; the strongest asked for wins. */
void sila_flow_sep(struct sila_flow *f, enum sila_sep s);

/* Appends n bytes of text after any waiting separator. */
void sila_flow_put(struct sila_flow *f, const char *s, size_t n);

/* Appends a NUL-terminated string after any waiting separator. */
void sila_flow_puts(struct sila_flow *f, const char *s);

/* Starts a new page: the text so far ends its line, then a form feed. */
void sila_flow_page_break(struct sila_flow *f);

/* ---- Numbers ---------------------------------------------------------------- */

/*
 * Writes the decimal number s (as a spreadsheet stores it: "8510121236",
 * "1.98510121236E+11", "0.25") in plain notation, without exponent,
 * leading or trailing zeros, into out (cap bytes). Returns 0, or -1 when s
 * is not such a number or too long; out is left alone then.
 */
int sila_plain_number(const char *s, char *out, size_t cap);

#endif
