/*
 * ooxml.c - text from Office Open XML documents: DOCX, XLSX and PPTX.
 *
 * The zip is read in memory with libarchive. Its entries are listed once,
 * keeping the small XML parts as they go by; larger parts are inflated when
 * they are needed. So parts are read in the document's order rather than
 * the archive's, at the cost of one pass for most documents. No part may
 * inflate beyond PART_MAX, nor all of a document's parts together beyond
 * TOTAL_MAX.
 * XML is parsed with libxml2's SAX2 parser (sila_xml_walk), so a large
 * part never becomes a tree. Entities are not substituted, no DTD is
 * loaded and nothing is fetched from the network.
 *
 * Parts are found as Office finds them: the main part through the package
 * relationships (_rels/.rels), sheets, shared strings, slides and notes
 * through the relationships of the part that refers to them, with the
 * usual names as a fallback.
 *
 * DOCX: the body (tables, text boxes once, tracked insertions and
 * deletions), then headers, footers, footnotes, endnotes and comments; each
 * paragraph ends a line. XLSX: a "Sheet: NAME" line per worksheet in
 * workbook order, then a line per row with its cells separated by tabs;
 * numbers come out as plain digits, so a personnummer stored as a number is
 * found. PPTX: the slides in presentation order, each with its notes and
 * comments, separated by form feeds. Properties (docProps/core.xml, app.xml,
 * custom.xml) go to the metadata, and Microsoft Purview labels (custom.xml
 * MSIP_Label_* properties, docMetadata/LabelInfo.xml) to the labels.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>

#include "formats.h"
#include "zipxml.h"

/* The most bytes one part may inflate to before it is cut off. */
#define PART_MAX ((size_t)256 << 20)
/* The most bytes all parts of one document may inflate to together. */
#define TOTAL_MAX ((size_t)1 << 30)
/* XML parts up to KEEP_MAX bytes are kept when first read, up to KEEP_TOTAL in all. */
#define KEEP_MAX ((size_t)1 << 20)
#define KEEP_TOTAL ((size_t)64 << 20)
/* The most zip entries looked at, relationships kept per part, sheets or slides read. */
#define ENTRIES_MAX 100000
#define RELS_MAX 100000
#define ITEMS_MAX 100000
/* The most shared strings kept, and cell formats remembered. */
#define SST_MAX ((size_t)1 << 22)
#define XF_MAX ((size_t)1 << 16)
/* The most bytes kept of one cell value, header or property value. */
#define VALUE_MAX ((size_t)1 << 16)
/* The most sensitivity labels one document may name. */
#define LABELS_MAX 64

#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"

/* Document kinds. */
enum kind { DOCX, XLSX, PPTX };

int sila_zip_has(const char *data, size_t len, const char *name)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int found = 0;

	if (!a)
		return 0;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) == ARCHIVE_OK)
		while (!found && archive_read_next_header(a, &e) == ARCHIVE_OK)
			found = archive_entry_pathname(e) &&
				strcmp(archive_entry_pathname(e), name) == 0;
	archive_read_free(a);
	return found;
}

/* ---- The zip ------------------------------------------------------------ */

/*
 * An entry of the zip. Small XML parts are inflated once, while the entry
 * list is read, and kept: a presentation's thousand slides, their
 * relationships and notes then cost one pass over the zip, not one each.
 * Larger parts are inflated when they are needed.
 */
struct entry {
	char *name;
	char *data;  /* the part, when kept */
	size_t len;
	char *error; /* why it could not be kept whole, when it could not */
	int kept;
};

struct zip {
	const char *data;
	size_t len;
	struct entry *v;  /* entries in archive order */
	size_t n, alloc;
	size_t inflated;  /* bytes inflated so far, all parts together */
	size_t kept;      /* bytes kept in entries */
	struct archive *a; /* a reader left open after reading entry next - 1 */
	size_t next;
	struct sila_text *out;
};

/* A reader on the zip in memory, or NULL. */
static struct archive *zip_reader(const struct zip *z)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	if (sila_zip_open(a, z->data, z->len, z->out) != 0) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Whether an entry is small XML worth keeping as the list is read. */
static int worth_keeping(const struct zip *z, struct archive_entry *e, const char *name)
{
	size_t n = strlen(name);

	if (archive_entry_is_encrypted(e) || z->kept >= KEEP_TOTAL)
		return 0;
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > (la_int64_t)KEEP_MAX)
		return 0;
	return (n > 4 && strcasecmp(name + n - 4, ".xml") == 0) ||
	       (n > 5 && strcasecmp(name + n - 5, ".rels") == 0);
}

/*
 * Inflates the current entry into b, up to max bytes and within TOTAL_MAX.
 * Returns 0 when all of it was read, 1 when it is larger than max (b holds
 * max bytes), 2 past TOTAL_MAX, -1 on a read error (b holds what came
 * before it).
 */
static int inflate_entry(struct zip *z, struct archive *a, struct sila_buf *b, size_t max)
{
	char chunk[65536];
	la_ssize_t n;

	sila_buf_reset(b);
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		size_t take = (size_t)n;

		if (take > TOTAL_MAX - z->inflated)
			return 2;
		z->inflated += take;
		if (b->len + take > max) {
			sila_buf_add(b, chunk, max - b->len);
			return 1;
		}
		if (sila_buf_add(b, chunk, take) != SILA_OK)
			return -1;
	}
	return n < 0 ? -1 : 0;
}

/* Appends an entry to the list; -1 when memory is short. */
static int add_entry(struct zip *z, const char *name)
{
	if (z->n == z->alloc) {
		size_t na = z->alloc ? z->alloc * 2 : 64;
		struct entry *p = realloc(z->v, na * sizeof(*p));

		if (!p)
			return -1;
		z->v = p;
		z->alloc = na;
	}
	memset(&z->v[z->n], 0, sizeof(z->v[0]));
	if (!(z->v[z->n].name = strdup(name)))
		return -1;
	z->n++;
	return 0;
}

/*
 * Lists the entries and keeps the small XML parts. Returns 0, or -1 when
 * the bytes are not a zip at all. A list that ends in an error marks the
 * zip damaged: what was listed can still be read.
 */
static int zip_open(struct zip *z, const char *data, size_t len, struct sila_text *out)
{
	struct sila_buf b = SILA_BUF_INIT(KEEP_MAX);
	struct archive *a;
	struct archive_entry *e;
	int r;

	memset(z, 0, sizeof(*z));
	z->data = data;
	z->len = len;
	z->out = out;
	a = zip_reader(z);
	if (!a)
		return -1;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
		struct entry *en;

		if (z->n == ENTRIES_MAX) {
			sila_warn_add(out->warnings, "limit-exceeded", "more than %d zip entries",
				      ENTRIES_MAX);
			sila_text_status(out, SILA_DOC_PARTIAL);
			break;
		}
		if (add_entry(z, name) != 0)
			break;
		en = &z->v[z->n - 1];
		if (!worth_keeping(z, e, name))
			continue;
		switch (inflate_entry(z, a, &b, KEEP_MAX)) {
		case 0:
			en->kept = 1;
			break;
		case -1:
			en->kept = 1; /* what was read, and why the rest was not */
			en->error = strdup(sila_zip_error(a));
			break;
		default:
			continue; /* larger than it said, or past the total: read it later */
		}
		en->len = b.len;
		en->data = sila_buf_detach(&b, NULL);
		z->kept += en->len;
		if (en->error) {
			/* The zip is damaged here: nothing after it can be listed. */
			sila_warn_add(out->warnings, "extraction-failed", "damaged zip: %s in %s",
				      en->error, name);
			sila_text_status(out, SILA_DOC_PARTIAL);
			r = ARCHIVE_EOF;
			break;
		}
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN && r != ARCHIVE_EOF) {
		sila_warn_add(out->warnings, "extraction-failed", "damaged zip: %s",
			      sila_zip_error(a));
		sila_text_status(out, SILA_DOC_PARTIAL);
	}
	sila_buf_release(&b);
	archive_read_free(a);
	return 0;
}

/* Frees the entries and the open reader. */
static void zip_close(struct zip *z)
{
	for (size_t i = 0; i < z->n; i++) {
		free(z->v[i].name);
		free(z->v[i].data);
		free(z->v[i].error);
	}
	free(z->v);
	z->v = NULL;
	z->n = 0;
	if (z->a)
		archive_read_free(z->a);
	z->a = NULL;
}

/* The index of the entry holding a part (OPC names ignore case), or -1. */
static long zip_find(const struct zip *z, const char *name)
{
	for (size_t i = 0; i < z->n; i++)
		if (strcmp(z->v[i].name, name) == 0)
			return (long)i;
	for (size_t i = 0; i < z->n; i++)
		if (strcasecmp(z->v[i].name, name) == 0)
			return (long)i;
	return -1;
}

/*
 * The part called name: kept, or inflated into b. Sets *xml and *len to
 * its bytes. Returns SILA_OK when all of it was read, SILA_WARN when only
 * some of it was (cut at a limit or damaged; a warning says which),
 * SILA_FAILED when none was.
 */
static int zip_read(struct zip *z, const char *name, struct sila_buf *b, const char **xml,
		    size_t *len)
{
	long i = zip_find(z, name);
	struct archive_entry *e = NULL;
	struct entry *en;
	int r, st;

	*xml = NULL;
	*len = 0;
	if (i < 0)
		return SILA_FAILED;
	en = &z->v[i];
	if (en->kept) {
		*xml = en->data;
		*len = en->len;
		if (!en->error)
			return SILA_OK;
		sila_warn_add(z->out->warnings, "extraction-failed", "cannot inflate %s: %s", name,
			      en->error);
		sila_text_status(z->out, SILA_DOC_PARTIAL);
		return en->len ? SILA_WARN : SILA_FAILED;
	}
	/* Go on from where the open reader is, or start again. */
	if (z->a && (size_t)i < z->next) {
		archive_read_free(z->a);
		z->a = NULL;
	}
	if (!z->a) {
		if (!(z->a = zip_reader(z)))
			return SILA_FAILED;
		z->next = 0;
	}
	while (z->next <= (size_t)i) {
		r = archive_read_next_header(z->a, &e);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			archive_read_free(z->a);
			z->a = NULL;
			return SILA_FAILED; /* the damage was reported when the list was read */
		}
		z->next++;
	}
	if (!e || archive_entry_is_encrypted(e)) {
		sila_warn_add(z->out->warnings, "encrypted", "part %s is encrypted", name);
		sila_text_status(z->out, SILA_DOC_PARTIAL);
		return SILA_FAILED;
	}
	switch (inflate_entry(z, z->a, b, PART_MAX)) {
	case 0:
		st = SILA_OK;
		break;
	case 1:
		sila_warn_add(z->out->warnings, "limit-exceeded", "part %s is larger than %zu bytes",
			      name, PART_MAX);
		st = SILA_WARN;
		break;
	case 2:
		sila_warn_add(z->out->warnings, "limit-exceeded",
			      "parts inflate to more than %zu bytes together", TOTAL_MAX);
		st = SILA_WARN;
		break;
	default:
		sila_warn_add(z->out->warnings, "extraction-failed", "cannot inflate %s: %s", name,
			      sila_zip_error(z->a));
		archive_read_free(z->a);
		z->a = NULL;
		st = SILA_WARN;
	}
	if (st != SILA_OK)
		sila_text_status(z->out, SILA_DOC_PARTIAL);
	*xml = b->data;
	*len = b->len;
	return b->len || st == SILA_OK ? st : SILA_FAILED;
}

/* ---- XML ------------------------------------------------------------------ */

/* Whether the element is mc:Fallback, whose content repeats its mc:Choice. */
static int is_fallback(const struct sila_xml_node *node, const char *local)
{
	return sila_xml_is(node, local, "Fallback", MC_NS);
}

/* ---- Numbers ---------------------------------------------------------------- */

/*
 * Formats the plain digits d with an Excel number format made only of zero
 * placeholders and literal characters, such as "000000-0000" or
 * "00000000\-0000": digits are padded with leading zeros to the number of
 * placeholders. Returns 0, or -1 when the format is anything else.
 */
static int zero_format(const char *code, const char *d, char *out, size_t cap)
{
	char lit[128];
	int ph[128];
	size_t n = 0, zeros = 0, nd = strlen(d), o = 0, k = 0, first = 1;

	for (const char *p = d; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	for (const char *c = code; *c && *c != ';'; c++) {
		if (n + 1 >= sizeof(lit))
			return -1;
		if (*c == '0') {
			ph[n] = 1;
			lit[n++] = '0';
			zeros++;
		} else if (*c == '\\' && c[1]) {
			ph[n] = 0;
			lit[n++] = *++c;
		} else if (*c == '"') {
			for (c++; *c && *c != '"'; c++) {
				if (n + 1 >= sizeof(lit))
					return -1;
				ph[n] = 0;
				lit[n++] = *c;
			}
			if (!*c)
				return -1;
		} else if (strchr("-+ /:()", *c)) {
			ph[n] = 0;
			lit[n++] = *c;
		} else {
			return -1;
		}
	}
	if (zeros < 2 || !nd)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!ph[i]) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = lit[i];
			continue;
		}
		/* The first placeholder takes the digits beyond the placeholders' count. */
		for (size_t take = first && nd > zeros ? nd - zeros + 1 : 1; take; take--) {
			size_t from = zeros > nd ? zeros - nd : 0; /* leading zeros to pad */

			if (o + 1 >= cap)
				return -1;
			out[o++] = k < from ? '0' : d[k - from];
			k++;
		}
		first = 0;
	}
	out[o] = '\0';
	return 0;
}

/* ---- Relationships ------------------------------------------------------------ */

struct rel {
	char *id, *type, *target; /* target resolved to a part name */
};

struct rels {
	struct rel *v;
	size_t n, alloc;
	char dir[512]; /* the folder of the part the relationships belong to */
};

/*
 * Resolves a relationship target against the folder of its source part:
 * "worksheets/sheet1.xml" from "xl/" is "xl/worksheets/sheet1.xml",
 * "../notesSlides/n1.xml" from "ppt/slides/" is "ppt/notesSlides/n1.xml",
 * "/word/document.xml" is absolute. Returns a new string or NULL.
 */
static char *resolve(const char *dir, const char *target)
{
	size_t dl = target[0] == '/' ? 0 : strlen(dir), tl = strlen(target);
	char *full = malloc(dl + tl + 1), *o;
	const char *p;

	if (!full)
		return NULL;
	memcpy(full, dir, dl);
	memcpy(full + dl, target, tl + 1);
	/* Normalise in place: drop empty and "." segments, let ".." eat one. */
	o = full;
	p = full;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > full && o[-1] == '/')
				o--;
			while (o > full && o[-1] != '/')
				o--;
		} else {
			if (o > full && o[-1] != '/')
				*o++ = '/';
			memmove(o, p, n);
			o += n;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	*o = '\0';
	return full;
}

/* The folder of a part name, with its trailing slash ("" for a part at the root). */
static void part_dir(const char *part, char *dir, size_t cap)
{
	const char *slash = strrchr(part, '/');
	size_t n = slash ? (size_t)(slash - part) + 1 : 0;

	if (n >= cap)
		n = 0;
	memcpy(dir, part, n);
	dir[n] = '\0';
}

/* Frees the relationships. */
static void rels_free(struct rels *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].id);
		free(rs->v[i].type);
		free(rs->v[i].target);
	}
	free(rs->v);
	rs->v = NULL;
	rs->n = rs->alloc = 0;
}

/* A .rels part: keeps each internal relationship with its target resolved; external ones (links) are dropped. */
static int rels_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct rels *rs = ctx;
	char *id, *ty, *target, *mode;

	if (type != XML_READER_TYPE_ELEMENT || strcmp(local, "Relationship") != 0)
		return SILA_WALK_ON;
	if (rs->n == RELS_MAX)
		return SILA_WALK_STOP;
	id = sila_xml_attr(node, "Id", 0);
	ty = sila_xml_attr(node, "Type", 0);
	target = sila_xml_attr(node, "Target", 0);
	mode = sila_xml_attr(node, "TargetMode", 0);
	if (id && ty && target && !(mode && strcmp(mode, "External") == 0)) {
		if (rs->n == rs->alloc) {
			size_t na = rs->alloc ? rs->alloc * 2 : 16;
			struct rel *p = realloc(rs->v, na * sizeof(*p));

			if (p) {
				rs->v = p;
				rs->alloc = na;
			}
		}
		if (rs->n < rs->alloc) {
			struct rel *l = &rs->v[rs->n];

			l->id = strdup(id);
			l->type = strdup(ty);
			l->target = resolve(rs->dir, target);
			if (l->id && l->type && l->target) {
				rs->n++;
			} else {
				free(l->id);
				free(l->type);
				free(l->target);
			}
		}
	}
	xmlFree(id);
	xmlFree(ty);
	xmlFree(target);
	xmlFree(mode);
	return SILA_WALK_ON;
}

/* The target of the first relationship whose type ends in /suffix, or NULL. */
static const char *rels_by_type(const struct rels *rs, const char *suffix)
{
	size_t sl = strlen(suffix);

	for (size_t i = 0; i < rs->n; i++) {
		size_t tl = strlen(rs->v[i].type);

		if (tl > sl && rs->v[i].type[tl - sl - 1] == '/' &&
		    strcmp(rs->v[i].type + tl - sl, suffix) == 0)
			return rs->v[i].target;
	}
	return NULL;
}

/* The relationship with this id, or NULL. */
static const struct rel *rels_by_id(const struct rels *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			return &rs->v[i];
	return NULL;
}

/* ---- The document ------------------------------------------------------------------ */

/* One document being read: its zip, where its text goes, and a part read on demand. */
struct doc {
	struct zip z;
	struct sila_flow e;
	struct sila_text *out;
	struct sila_buf part; /* the part being parsed */
};

/*
 * Reads the part called name and walks it with fn. Returns 1 when it was
 * read (perhaps only in part, with a warning), 0 when there is no such
 * part, -1 when it could not be read at all.
 */
static int walk_part(struct doc *d, const char *name, sila_xml_node_fn fn, void *ctx)
{
	const char *xml;
	size_t len;

	if (zip_find(&d->z, name) < 0)
		return 0;
	if (zip_read(&d->z, name, &d->part, &xml, &len) == SILA_FAILED) {
		/* zip_read has said why, or the damage that hid the part was reported. */
		sila_text_status(d->out, SILA_DOC_PARTIAL);
		return -1;
	}
	sila_xml_walk(xml, len, name, fn, ctx, d->out);
	return 1;
}

/* Loads the relationships of a part ("" for the package's own). */
static void load_rels(struct doc *d, const char *part, struct rels *rs)
{
	char name[1024];
	const char *base = strrchr(part, '/');

	memset(rs, 0, sizeof(*rs));
	part_dir(part, rs->dir, sizeof(rs->dir));
	base = base ? base + 1 : part;
	if (strlen(rs->dir) + strlen(base) + 12 > sizeof(name))
		return;
	snprintf(name, sizeof(name), "%s_rels/%s.rels", rs->dir, base);
	walk_part(d, name, rels_node, rs);
}

/* ---- Properties and labels --------------------------------------------------------- */

struct label {
	char *guid, *name;
	int enabled;
};

struct props {
	struct doc *d;
	const char *const (*keys)[2]; /* element local name, metadata key; NULL-terminated */
	const char *key;              /* the key of the property being read */
	char *pname;                  /* custom.xml: the property's name */
	struct sila_buf v;            /* its value */
	struct label labels[LABELS_MAX];
	size_t nlabels;
};

static const char *const core_keys[][2] = {
	{ "title", "title" }, { "subject", "subject" }, { "keywords", "keywords" },
	{ "description", "description" }, { "creator", "author" },
	{ "lastModifiedBy", "last-modified-by" }, { "category", "category" },
	{ "Company", "company" }, { "Manager", "manager" }, { NULL, NULL }
};

/* The label entry for a GUID (braces and case ignored), made if new; NULL when full. */
static struct label *label_for(struct props *p, const char *guid, size_t n)
{
	struct label *l;

	if (n >= 2 && guid[0] == '{' && guid[n - 1] == '}') {
		guid++;
		n -= 2;
	}
	for (size_t i = 0; i < p->nlabels; i++)
		if (strlen(p->labels[i].guid) == n && strncasecmp(p->labels[i].guid, guid, n) == 0)
			return &p->labels[i];
	if (p->nlabels == LABELS_MAX || !n)
		return NULL;
	l = &p->labels[p->nlabels];
	l->guid = strndup(guid, n);
	l->name = NULL;
	l->enabled = 0;
	if (!l->guid)
		return NULL;
	p->nlabels++;
	return l;
}

/* Whether a property value means true ("true", "1"). */
static int is_true(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	return strncasecmp(s, "true", 4) == 0 || s[0] == '1';
}

/* Notes an MSIP_Label_<guid>_Name or _Enabled custom property. */
static void msip_property(struct props *p, const char *name, const char *value)
{
	size_t n = strlen(name);
	struct label *l;

	if (n < 12 || strncasecmp(name, "MSIP_Label_", 11) != 0)
		return;
	if (n > 16 && strcasecmp(name + n - 5, "_Name") == 0) {
		if ((l = label_for(p, name + 11, n - 16)) && !l->name) {
			const char *v = value;
			size_t vl = strlen(v);

			for (; *v == ' ' || *v == '\n' || *v == '\t' || *v == '\r'; v++)
				vl--;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\n' || v[vl - 1] == '\t' ||
				      v[vl - 1] == '\r'))
				vl--;
			if (vl)
				l->name = strndup(v, vl);
		}
	} else if (n > 19 && strcasecmp(name + n - 8, "_Enabled") == 0) {
		if ((l = label_for(p, name + 11, n - 19)) && is_true(value))
			l->enabled = 1;
	}
}

/* docProps/core.xml and app.xml: the known properties that are children of the root. */
static int core_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct props *p = ctx;

	if (type == XML_READER_TYPE_ELEMENT && sila_xml_depth(node) == 1) {
		p->key = NULL;
		sila_buf_reset(&p->v);
		for (size_t i = 0; p->keys[i][0]; i++)
			if (strcmp(local, p->keys[i][0]) == 0)
				p->key = p->keys[i][1];
		if (!p->key)
			return SILA_WALK_SKIP;
	} else if (type == XML_READER_TYPE_END_ELEMENT && sila_xml_depth(node) == 1) {
		if (p->key && p->v.len)
			sila_text_meta(p->d->out, p->key, p->v.data, p->v.len);
		p->key = NULL;
	} else if (p->key && sila_xml_is_text(type)) {
		sila_buf_add_upto(&p->v, sila_xml_text(node), sila_xml_text_len(node));
	}
	return SILA_WALK_ON;
}

/* docProps/custom.xml: every property as "name: value", MSIP labels noted. */
static int custom_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct props *p = ctx;

	if (type == XML_READER_TYPE_ELEMENT && sila_xml_depth(node) == 1 &&
	    strcmp(local, "property") == 0) {
		xmlFree(p->pname);
		p->pname = sila_xml_attr(node, "name", 0);
		sila_buf_reset(&p->v);
	} else if (type == XML_READER_TYPE_END_ELEMENT && sila_xml_depth(node) == 1 && p->pname) {
		const char *v = p->v.data ? p->v.data : "";

		if (p->pname[0])
			sila_text_meta(p->d->out, p->pname, v, p->v.len);
		msip_property(p, p->pname, v);
		xmlFree(p->pname);
		p->pname = NULL;
	} else if (p->pname && sila_xml_is_text(type)) {
		sila_buf_add_upto(&p->v, sila_xml_text(node), sila_xml_text_len(node));
	}
	return SILA_WALK_ON;
}

/* docMetadata/LabelInfo.xml: <clbl:label id="{guid}" enabled="1" .../>. */
static int labelinfo_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct props *p = ctx;
	char *id, *enabled, *removed;

	if (type != XML_READER_TYPE_ELEMENT || strcmp(local, "label") != 0)
		return SILA_WALK_ON;
	id = sila_xml_attr(node, "id", 0);
	enabled = sila_xml_attr(node, "enabled", 0);
	removed = sila_xml_attr(node, "removed", 0);
	if (id && enabled && is_true(enabled) && !(removed && is_true(removed))) {
		struct label *l = label_for(p, id, strlen(id));

		if (l)
			l->enabled = 1;
	}
	xmlFree(id);
	xmlFree(enabled);
	xmlFree(removed);
	return SILA_WALK_ON;
}

/* Reads the document properties into the metadata and the labels. */
static void read_properties(struct doc *d)
{
	struct props p;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.keys = core_keys;
	sila_buf_init(&p.v, VALUE_MAX);
	walk_part(d, "docProps/core.xml", core_node, &p);
	walk_part(d, "docProps/app.xml", core_node, &p);
	walk_part(d, "docProps/custom.xml", custom_node, &p);
	walk_part(d, "docMetadata/LabelInfo.xml", labelinfo_node, &p);
	for (size_t i = 0; i < p.nlabels; i++) {
		struct label *l = &p.labels[i];

		if (l->enabled)
			sila_text_label(d->out, "msip", l->name ? l->name : l->guid, l->guid);
		free(l->guid);
		free(l->name);
	}
	xmlFree(p.pname);
	sila_buf_release(&p.v);
}

/* ---- DOCX ---------------------------------------------------------------------------- */

struct wml {
	struct sila_flow *e;
	int has_text; /* the paragraph has text so far (a tab before it is layout) */
	int in_text; /* inside w:t or w:delText */
	int in_run;  /* inside w:r (tabs and breaks elsewhere are not text) */
	int in_cell; /* table cells open around here */
};

/* One node of a WordprocessingML part. */
static int wml_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct wml *w = ctx;

	if (type == XML_READER_TYPE_ELEMENT) {
		int empty = sila_xml_empty(node);

		if (is_fallback(node, local))
			return SILA_WALK_SKIP;
		if (strcmp(local, "t") == 0 || strcmp(local, "delText") == 0)
			w->in_text = !empty;
		else if (strcmp(local, "r") == 0)
			w->in_run += !empty;
		else if (strcmp(local, "tc") == 0)
			w->in_cell += !empty;
		else if (strcmp(local, "txbxContent") == 0)
			sila_flow_sep(w->e, SILA_SEP_LINE);
		else if (w->in_run && w->has_text &&
			 (strcmp(local, "tab") == 0 || strcmp(local, "ptab") == 0))
			sila_flow_put(w->e, "\t", 1);
		else if (w->in_run && (strcmp(local, "br") == 0 || strcmp(local, "cr") == 0))
			sila_flow_put(w->e, "\n", 1);
		else if (w->in_run && strcmp(local, "noBreakHyphen") == 0)
			sila_flow_put(w->e, "-", 1);
	} else if (type == XML_READER_TYPE_END_ELEMENT) {
		if (strcmp(local, "t") == 0 || strcmp(local, "delText") == 0)
			w->in_text = 0;
		else if (strcmp(local, "r") == 0 && w->in_run)
			w->in_run--;
		else if (strcmp(local, "p") == 0) {
			w->has_text = 0;
			sila_flow_sep(w->e, w->in_cell ? SILA_SEP_SOFT : SILA_SEP_LINE);
		} else if (strcmp(local, "tc") == 0) {
			w->in_cell -= w->in_cell > 0;
			sila_flow_sep(w->e, SILA_SEP_TAB);
		} else if (strcmp(local, "tr") == 0 || strcmp(local, "txbxContent") == 0 ||
			   strcmp(local, "footnote") == 0 || strcmp(local, "endnote") == 0 ||
			   strcmp(local, "comment") == 0) {
			sila_flow_sep(w->e, SILA_SEP_LINE);
		}
	} else if (w->in_text && sila_xml_is_text(type)) {
		sila_flow_put(w->e, sila_xml_text(node), sila_xml_text_len(node));
		w->has_text = 1;
	}
	return w->e->stop ? SILA_WALK_STOP : SILA_WALK_ON;
}

/* Where a secondary DOCX part comes in the text: headers first, 0 for none. */
static int wml_rank(const char *name, const char *dir, unsigned long *num)
{
	static const char *const kinds[] = { "header", "footer", "footnotes", "endnotes", "comments" };
	size_t dl = strlen(dir);

	if (strncmp(name, dir, dl) != 0 || strchr(name + dl, '/'))
		return 0;
	name += dl;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t kl = strlen(kinds[i]);
		const char *p = name + kl;

		if (strncmp(name, kinds[i], kl) != 0)
			continue;
		*num = strtoul(p, NULL, 10);
		while (*p >= '0' && *p <= '9')
			p++;
		if (strcmp(p, ".xml") == 0)
			return (int)i + 1;
	}
	return 0;
}

struct ranked {
	const char *name;
	int rank;
	unsigned long num;
};

/* Orders parts by rank, then number, then name. */
static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The body, then headers, footers, footnotes, endnotes and comments. */
static int extract_docx(struct doc *d, const char *main)
{
	struct wml w = { &d->e, 0, 0, 0, 0 };
	struct ranked *parts;
	char dir[512];
	size_t n = 0;
	int got;

	got = walk_part(d, main, wml_node, &w);
	if (got <= 0)
		return got;
	part_dir(main, dir, sizeof(dir));
	parts = calloc(d->z.n ? d->z.n : 1, sizeof(*parts));
	if (!parts)
		return got;
	for (size_t i = 0; i < d->z.n; i++) {
		unsigned long num = 0;
		int rank = wml_rank(d->z.v[i].name, dir, &num);

		if (rank)
			parts[n++] = (struct ranked){ d->z.v[i].name, rank, num };
	}
	qsort(parts, n, sizeof(*parts), ranked_cmp);
	for (size_t i = 0; i < n && !d->e.stop; i++) {
		memset(&w, 0, sizeof(w));
		w.e = &d->e;
		sila_flow_sep(&d->e, SILA_SEP_LINE);
		walk_part(d, parts[i].name, wml_node, &w);
	}
	free(parts);
	return got;
}

/* ---- XLSX ---------------------------------------------------------------------------- */

/* The shared strings: NUL-terminated strings one after another, and where each starts. */
struct sst {
	struct sila_buf data, offs;
	size_t n;
	int in_si, in_t, full;
	struct sila_text *out;
};

/*
 * xl/sharedStrings.xml: each si is one string, the concatenation of its t
 * elements (plain, or the runs of rich text) without the phonetic readings.
 */
static int sst_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct sst *s = ctx;

	if (type == XML_READER_TYPE_ELEMENT) {
		int empty = sila_xml_empty(node);

		if (strcmp(local, "si") == 0) {
			s->in_si = 1;
			if (sila_buf_add(&s->offs, &s->data.len, sizeof(size_t)) != SILA_OK)
				s->full = 1;
		} else if (strcmp(local, "rPh") == 0) {
			return SILA_WALK_SKIP; /* phonetic reading, not text */
		} else if (strcmp(local, "t") == 0) {
			s->in_t = !empty;
		}
		if (s->in_si && empty && strcmp(local, "si") == 0) {
			s->in_si = 0;
			if (!s->full && sila_buf_addc(&s->data, '\0') != SILA_OK)
				s->full = 1;
			s->n += !s->full;
		}
	} else if (type == XML_READER_TYPE_END_ELEMENT) {
		if (strcmp(local, "t") == 0) {
			s->in_t = 0;
		} else if (strcmp(local, "si") == 0 && s->in_si) {
			s->in_si = 0;
			if (!s->full && sila_buf_addc(&s->data, '\0') != SILA_OK)
				s->full = 1;
			s->n += !s->full;
		}
	} else if (s->in_si && s->in_t && sila_xml_is_text(type) && !s->full) {
		const char *v = sila_xml_text(node);

		if (sila_buf_add(&s->data, v, strlen(v)) != SILA_OK)
			s->full = 1;
	}
	if (s->full) {
		sila_warn_add(s->out->warnings, "limit-exceeded",
			      "more shared strings than can be kept (%zu)", s->n);
		sila_text_status(s->out, SILA_DOC_PARTIAL);
		return SILA_WALK_STOP;
	}
	return SILA_WALK_ON;
}

/* Shared string i, or NULL. */
static const char *sst_get(const struct sst *s, size_t i)
{
	size_t off;

	if (i >= s->n)
		return NULL;
	memcpy(&off, s->offs.data + i * sizeof(size_t), sizeof(off));
	return s->data.data + off;
}

/* Number formats: the custom format codes by id, and each cell format's format id. */
struct styles {
	struct { unsigned long id; char *code; } *fmt;
	size_t nfmt, afmt;
	unsigned long *xf; /* numFmtId per cellXfs entry */
	size_t nxf, axf;
	int in_xfs;
};

/* xl/styles.xml: the custom number formats, and the number format of each cell format in cellXfs. */
static int styles_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct styles *st = ctx;

	if (type == XML_READER_TYPE_END_ELEMENT && strcmp(local, "cellXfs") == 0)
		st->in_xfs = 0;
	if (type != XML_READER_TYPE_ELEMENT)
		return SILA_WALK_ON;
	if (strcmp(local, "cellXfs") == 0) {
		st->in_xfs = !sila_xml_empty(node);
	} else if (strcmp(local, "numFmt") == 0 && st->nfmt < XF_MAX) {
		char *id = sila_xml_attr(node, "numFmtId", 0);
		char *code = sila_xml_attr(node, "formatCode", 0);

		if (id && code && st->nfmt == st->afmt) {
			size_t na = st->afmt ? st->afmt * 2 : 16;
			void *p = realloc(st->fmt, na * sizeof(*st->fmt));

			if (p) {
				st->fmt = p;
				st->afmt = na;
			}
		}
		if (id && code && st->nfmt < st->afmt) {
			st->fmt[st->nfmt].id = strtoul(id, NULL, 10);
			st->fmt[st->nfmt].code = strdup(code);
			st->nfmt += st->fmt[st->nfmt].code != NULL;
		}
		xmlFree(id);
		xmlFree(code);
	} else if (st->in_xfs && strcmp(local, "xf") == 0 && st->nxf < XF_MAX) {
		char *id = sila_xml_attr(node, "numFmtId", 0);

		if (st->nxf == st->axf) {
			size_t na = st->axf ? st->axf * 2 : 16;
			unsigned long *p = realloc(st->xf, na * sizeof(*p));

			if (p) {
				st->xf = p;
				st->axf = na;
			}
		}
		if (st->nxf < st->axf)
			st->xf[st->nxf++] = id ? strtoul(id, NULL, 10) : 0;
		xmlFree(id);
	}
	return SILA_WALK_ON;
}

/* The custom format code of cell format s, or NULL. */
static const char *styles_code(const struct styles *st, const char *s)
{
	unsigned long i, id;

	if (!s || !*s)
		return NULL;
	i = strtoul(s, NULL, 10);
	if (i >= st->nxf)
		return NULL;
	id = st->xf[i];
	for (size_t k = 0; k < st->nfmt; k++)
		if (st->fmt[k].id == id)
			return st->fmt[k].code;
	return NULL;
}

/* Frees the number formats. */
static void styles_free(struct styles *st)
{
	for (size_t k = 0; k < st->nfmt; k++)
		free(st->fmt[k].code);
	free(st->fmt);
	free(st->xf);
}

struct sheet {
	struct sila_flow *e;
	const struct sst *sst;
	const struct styles *styles;
	char *t, *s;        /* the cell's type and style */
	int in_cell, in_v, in_is, in_t, in_hf;
	struct sila_buf v;  /* the cell's value */
	struct sila_buf hf; /* a header or footer */
};

/* Writes a header or footer without its formatting codes (&L, &"Arial,Bold", &12, &P). */
static void put_header_footer(struct sila_flow *e, const char *s)
{
	char buf[1024];
	size_t o = 0;

	sila_flow_sep(e, SILA_SEP_LINE);
	while (*s) {
		if (o + 2 >= sizeof(buf)) {
			sila_flow_put(e, buf, o);
			o = 0;
		}
		if (*s != '&') {
			if (*s != ' ' || (o && buf[o - 1] != ' '))
				buf[o++] = *s;
			s++;
			continue;
		}
		s++;
		if (*s == '&') {
			buf[o++] = *s++;
		} else if (*s == '"') {
			for (s++; *s && *s != '"'; s++)
				;
			s += *s == '"';
		} else if (*s >= '0' && *s <= '9') {
			while (*s >= '0' && *s <= '9')
				s++;
		} else if (*s == 'K') {
			for (int i = 0; i < 7 && *s; i++)
				s++;
		} else if (*s) {
			if (o && buf[o - 1] != ' ')
				buf[o++] = ' ';
			s++;
		}
	}
	while (o && buf[o - 1] == ' ')
		o--;
	sila_flow_put(e, buf, o);
	sila_flow_sep(e, SILA_SEP_LINE);
}

/* Writes the value of the cell just ended, by its type. */
static void put_cell(struct sheet *sh)
{
	const char *t = sh->t ? sh->t : "n", *v = sh->v.data ? sh->v.data : "";
	char num[256], fmt[256];
	const char *code;

	if (strcmp(t, "s") == 0) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);
		const char *s = end != v ? sst_get(sh->sst, i) : NULL;

		if (s)
			sila_flow_puts(sh->e, s);
	} else if (strcmp(t, "str") == 0 || strcmp(t, "d") == 0) {
		sila_flow_put(sh->e, v, sh->v.len);
	} else if (strcmp(t, "n") == 0) {
		if (!sh->v.len)
			return;
		if (sila_plain_number(v, num, sizeof(num)) != 0) {
			sila_flow_put(sh->e, v, sh->v.len);
		} else if ((code = styles_code(sh->styles, sh->s)) &&
			   zero_format(code, num, fmt, sizeof(fmt)) == 0) {
			sila_flow_puts(sh->e, fmt);
		} else {
			sila_flow_puts(sh->e, num);
		}
	}
	/* Booleans ("b") and errors ("e") say nothing worth finding. */
}

/* Whether an element of a worksheet is one of its page headers or footers. */
static int is_header_footer(const char *local)
{
	return strcmp(local, "oddHeader") == 0 || strcmp(local, "oddFooter") == 0 ||
	       strcmp(local, "evenHeader") == 0 || strcmp(local, "evenFooter") == 0 ||
	       strcmp(local, "firstHeader") == 0 || strcmp(local, "firstFooter") == 0;
}

/* One node of a worksheet. */
static int sheet_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct sheet *sh = ctx;

	if (type == XML_READER_TYPE_ELEMENT) {
		int empty = sila_xml_empty(node);

		if (is_fallback(node, local))
			return SILA_WALK_SKIP;
		if (strcmp(local, "c") == 0 && !empty) {
			xmlFree(sh->t);
			xmlFree(sh->s);
			sh->t = sila_xml_attr(node, "t", 0);
			sh->s = sila_xml_attr(node, "s", 0);
			sh->in_cell = 1;
			sila_buf_reset(&sh->v);
		} else if (sh->in_cell && strcmp(local, "v") == 0) {
			sh->in_v = !empty;
		} else if (sh->in_cell && strcmp(local, "is") == 0) {
			sh->in_is = !empty;
		} else if (sh->in_is && strcmp(local, "t") == 0) {
			sh->in_t = !empty;
		} else if (strcmp(local, "f") == 0 || strcmp(local, "rPh") == 0) {
			return SILA_WALK_SKIP;
		} else if (is_header_footer(local) && !empty) {
			sh->in_hf = 1;
			sila_buf_reset(&sh->hf);
		}
	} else if (type == XML_READER_TYPE_END_ELEMENT) {
		if (strcmp(local, "c") == 0 && sh->in_cell) {
			put_cell(sh);
			/* weaker than the end of the row before an empty cell */
			sila_flow_sep(sh->e, SILA_SEP_TAB);
			sh->in_cell = sh->in_v = sh->in_is = sh->in_t = 0;
		} else if (strcmp(local, "v") == 0) {
			sh->in_v = 0;
		} else if (strcmp(local, "t") == 0) {
			sh->in_t = 0;
		} else if (strcmp(local, "is") == 0) {
			sh->in_is = 0;
			sila_flow_sep(sh->e, SILA_SEP_TAB);
		} else if (strcmp(local, "row") == 0) {
			sila_flow_sep(sh->e, SILA_SEP_LINE);
		} else if (is_header_footer(local) && sh->in_hf) {
			sh->in_hf = 0;
			put_header_footer(sh->e, sh->hf.data ? sh->hf.data : "");
		}
	} else if (sila_xml_is_text(type)) {
		const char *v = sila_xml_text(node);

		if (sh->in_v)
			sila_buf_add_upto(&sh->v, v, strlen(v));
		else if (sh->in_t)
			sila_flow_puts(sh->e, v);
		else if (sh->in_hf)
			sila_buf_add_upto(&sh->hf, v, strlen(v));
	}
	return sh->e->stop ? SILA_WALK_STOP : SILA_WALK_ON;
}

/* The sheets of a workbook: names and relationship ids in workbook order. */
struct book {
	struct { char *name, *rid; } *v;
	size_t n, alloc;
};

/* xl/workbook.xml: each sheet's name and relationship id, in workbook order. */
static int book_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct book *b = ctx;
	char *name, *rid;

	if (type != XML_READER_TYPE_ELEMENT || strcmp(local, "sheet") != 0 || b->n == ITEMS_MAX)
		return SILA_WALK_ON;
	name = sila_xml_attr(node, "name", 0);
	rid = sila_xml_attr(node, "id", 1);
	if (name && rid && b->n == b->alloc) {
		size_t na = b->alloc ? b->alloc * 2 : 8;
		void *p = realloc(b->v, na * sizeof(*b->v));

		if (p) {
			b->v = p;
			b->alloc = na;
		}
	}
	if (name && rid && b->n < b->alloc) {
		b->v[b->n].name = strdup(name);
		b->v[b->n].rid = strdup(rid);
		if (b->v[b->n].name && b->v[b->n].rid) {
			b->n++;
		} else {
			free(b->v[b->n].name);
			free(b->v[b->n].rid);
		}
	}
	xmlFree(name);
	xmlFree(rid);
	return SILA_WALK_ON;
}

/* The state of reading DrawingML text: a slide, notes slide, comments or diagram. */
struct dml {
	struct sila_flow *e;
	int in_text, in_cell;
};

/*
 * DrawingML text (a:t in paragraphs, tables and shapes) and comment text
 * (p:text, t); authors, phonetic readings and slide-number fields are left
 * out, and mc:Fallback, which repeats its mc:Choice.
 */
static int dml_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct dml *m = ctx;

	if (type == XML_READER_TYPE_ELEMENT) {
		int empty = sila_xml_empty(node);

		if (is_fallback(node, local) || strcmp(local, "authors") == 0 ||
		    strcmp(local, "authorLst") == 0 || strcmp(local, "rPh") == 0)
			return SILA_WALK_SKIP;
		if (strcmp(local, "fld") == 0) {
			char *ty = sila_xml_attr(node, "type", 0);
			int slidenum = ty && strcmp(ty, "slidenum") == 0;

			xmlFree(ty);
			if (slidenum)
				return SILA_WALK_SKIP;
		} else if (strcmp(local, "t") == 0 || strcmp(local, "text") == 0) {
			m->in_text = !empty;
		} else if (strcmp(local, "br") == 0) {
			sila_flow_put(m->e, "\n", 1);
		} else if (strcmp(local, "tc") == 0) {
			m->in_cell += !empty;
		}
	} else if (type == XML_READER_TYPE_END_ELEMENT) {
		if (strcmp(local, "t") == 0 || strcmp(local, "text") == 0) {
			m->in_text = 0;
		} else if (strcmp(local, "p") == 0) {
			sila_flow_sep(m->e, m->in_cell ? SILA_SEP_SOFT : SILA_SEP_LINE);
		} else if (strcmp(local, "tc") == 0) {
			m->in_cell -= m->in_cell > 0;
			sila_flow_sep(m->e, SILA_SEP_TAB);
		} else if (strcmp(local, "tr") == 0 || strcmp(local, "sp") == 0 ||
			   strcmp(local, "comment") == 0 || strcmp(local, "cm") == 0) {
			sila_flow_sep(m->e, SILA_SEP_LINE);
		}
	} else if (m->in_text && sila_xml_is_text(type)) {
		sila_flow_put(m->e, sila_xml_text(node), sila_xml_text_len(node));
	}
	return m->e->stop ? SILA_WALK_STOP : SILA_WALK_ON;
}

/* Walks the parts a part refers to with relationships of these types, in their order. */
static void walk_related(struct doc *d, const char *part, const char *const *types)
{
	struct rels rs;

	load_rels(d, part, &rs);
	for (size_t i = 0; i < rs.n && !d->e.stop; i++) {
		size_t tl = strlen(rs.v[i].type);

		for (size_t k = 0; types[k]; k++) {
			size_t kl = strlen(types[k]);

			if (tl > kl && strcmp(rs.v[i].type + tl - kl, types[k]) == 0) {
				struct dml m = { &d->e, 0, 0 };

				sila_flow_sep(&d->e, SILA_SEP_LINE);
				walk_part(d, rs.v[i].target, dml_node, &m);
				break;
			}
		}
	}
	rels_free(&rs);
}

/* Parts listed by a numbered name (prefix N suffix), in numeric order. */
static size_t numbered_parts(const struct zip *z, const char *prefix, const char *suffix,
			     struct ranked **out)
{
	size_t n = 0, pl = strlen(prefix), sl = strlen(suffix);
	struct ranked *v = calloc(z->n ? z->n : 1, sizeof(*v));

	*out = v;
	if (!v)
		return 0;
	for (size_t i = 0; i < z->n && n < ITEMS_MAX; i++) {
		const char *name = z->v[i].name, *p = name + pl;
		size_t len = strlen(name);

		if (len <= pl + sl || strncasecmp(name, prefix, pl) != 0 ||
		    strcasecmp(name + len - sl, suffix) != 0)
			continue;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p != name + len - sl || p == name + pl)
			continue;
		v[n++] = (struct ranked){ name, 1, strtoul(name + pl, NULL, 10) };
	}
	qsort(v, n, sizeof(*v), ranked_cmp);
	return n;
}

static const char *const sheet_related[] = { "/comments", NULL };

/* Reads one worksheet, its header and footer, and its comments. */
static int read_sheet(struct doc *d, struct sheet *sh, const char *name, const char *part)
{
	int got;

	if (name) {
		sila_flow_sep(&d->e, SILA_SEP_LINE);
		sila_flow_puts(&d->e, "Sheet: ");
		sila_flow_puts(&d->e, name);
	}
	sila_flow_sep(&d->e, SILA_SEP_LINE);
	got = walk_part(d, part, sheet_node, sh);
	if (got > 0 && !d->e.stop)
		walk_related(d, part, sheet_related);
	return got;
}

/* The worksheets in workbook order, each after a "Sheet: NAME" line. */
static int extract_xlsx(struct doc *d, const char *main)
{
	struct rels rs;
	struct book book = { NULL, 0, 0 };
	struct sst sst;
	struct styles styles;
	struct sheet sh;
	const char *p;
	int got = 0, any = 0, r;

	memset(&sst, 0, sizeof(sst));
	memset(&styles, 0, sizeof(styles));
	memset(&sh, 0, sizeof(sh));
	sila_buf_init(&sst.data, PART_MAX);
	sila_buf_init(&sst.offs, SST_MAX * sizeof(size_t));
	sst.out = d->out;
	sh.e = &d->e;
	sh.sst = &sst;
	sh.styles = &styles;
	sila_buf_init(&sh.v, VALUE_MAX);
	sila_buf_init(&sh.hf, VALUE_MAX);

	load_rels(d, main, &rs);
	walk_part(d, (p = rels_by_type(&rs, "sharedStrings")) ? p : "xl/sharedStrings.xml",
		  sst_node, &sst);
	walk_part(d, (p = rels_by_type(&rs, "styles")) ? p : "xl/styles.xml", styles_node,
		  &styles);
	any = walk_part(d, main, book_node, &book) > 0;
	for (size_t i = 0; i < book.n && !d->e.stop; i++) {
		const struct rel *l = rels_by_id(&rs, book.v[i].rid);
		size_t tl = l ? strlen(l->type) : 0;

		if (!l || tl < 10 || strcmp(l->type + tl - 10, "/worksheet") != 0)
			continue;
		r = read_sheet(d, &sh, book.v[i].name, l->target);
		got = got > 0 ? got : r;
	}
	if (!got && !d->e.stop) {
		/* No workbook to go by: the worksheets by their numbered names. */
		struct ranked *v;
		size_t n = numbered_parts(&d->z, "xl/worksheets/sheet", ".xml", &v);

		for (size_t i = 0; i < n && !d->e.stop; i++) {
			r = read_sheet(d, &sh, NULL, v[i].name);
			got = got > 0 ? got : r;
		}
		free(v);
	}
	for (size_t i = 0; i < book.n; i++) {
		free(book.v[i].name);
		free(book.v[i].rid);
	}
	free(book.v);
	xmlFree(sh.t);
	xmlFree(sh.s);
	sila_buf_release(&sh.v);
	sila_buf_release(&sh.hf);
	sila_buf_release(&sst.data);
	sila_buf_release(&sst.offs);
	styles_free(&styles);
	rels_free(&rs);
	return got > 0 || any ? 1 : got;
}

/* ---- PPTX ------------------------------------------------------------------------------ */

/* The slides' relationship ids in presentation order. */
struct deck {
	char **rid;
	size_t n, alloc;
};

/* ppt/presentation.xml: the relationship id of each slide, in the order the slides are shown. */
static int deck_node(void *ctx, const struct sila_xml_node *node, int type, const char *local)
{
	struct deck *k = ctx;
	char *rid, *copy;

	if (type != XML_READER_TYPE_ELEMENT || strcmp(local, "sldId") != 0 || k->n == ITEMS_MAX)
		return SILA_WALK_ON;
	rid = sila_xml_attr(node, "id", 1);
	if (rid && k->n == k->alloc) {
		size_t na = k->alloc ? k->alloc * 2 : 16;
		char **p = realloc(k->rid, na * sizeof(*p));

		if (p) {
			k->rid = p;
			k->alloc = na;
		}
	}
	if (rid && k->n < k->alloc && (copy = strdup(rid)))
		k->rid[k->n++] = copy;
	xmlFree(rid);
	return SILA_WALK_ON;
}

static const char *const slide_related[] = {
	"/notesSlide", "/comments", "/diagramData", NULL
};

/* Reads one slide with its notes, comments and diagrams. */
static int read_slide(struct doc *d, const char *part)
{
	struct dml m = { &d->e, 0, 0 };
	int got = walk_part(d, part, dml_node, &m);

	if (got > 0 && !d->e.stop)
		walk_related(d, part, slide_related);
	return got;
}

/* The slides in presentation order, a page each. */
static int extract_pptx(struct doc *d, const char *main)
{
	struct rels rs;
	struct deck deck = { NULL, 0, 0 };
	unsigned pages = 0;
	int got = 0, r, pres;

	load_rels(d, main, &rs);
	pres = walk_part(d, main, deck_node, &deck) > 0;
	for (size_t i = 0; i < deck.n && !d->e.stop; i++) {
		const struct rel *l = rels_by_id(&rs, deck.rid[i]);

		if (!l)
			continue;
		if (pages++)
			sila_flow_page_break(&d->e);
		r = read_slide(d, l->target);
		got = got > 0 ? got : r;
	}
	if (!pages) {
		/* No presentation part to go by: the slides by their numbered names. */
		struct ranked *v;
		size_t n = numbered_parts(&d->z, "ppt/slides/slide", ".xml", &v);

		for (size_t i = 0; i < n && !d->e.stop; i++) {
			if (pages++)
				sila_flow_page_break(&d->e);
			r = read_slide(d, v[i].name);
			got = got > 0 ? got : r;
		}
		free(v);
	}
	d->out->pages = pages;
	for (size_t i = 0; i < deck.n; i++)
		free(deck.rid[i]);
	free(deck.rid);
	rels_free(&rs);
	return got > 0 || pres ? 1 : got;
}

/* ---- Dispatch ---------------------------------------------------------------------------- */

/* Which kind of document: by the MIME type, else by the parts present. */
static int kind_of(const char *type, const struct zip *z)
{
	if (type && (strstr(type, "wordprocessingml") || strstr(type, "ms-word")))
		return DOCX;
	if (type && (strstr(type, "spreadsheetml") || strstr(type, "ms-excel")))
		return XLSX;
	if (type && (strstr(type, "presentationml") || strstr(type, "ms-powerpoint")))
		return PPTX;
	if (zip_find(z, "xl/workbook.xml") >= 0)
		return XLSX;
	if (zip_find(z, "ppt/presentation.xml") >= 0)
		return PPTX;
	return DOCX;
}

void sila_extract_ooxml(const char *data, size_t len, const char *type, struct sila_text *out)
{
	static const char *const mains[] = { "word/document.xml", "xl/workbook.xml",
					     "ppt/presentation.xml" };
	struct doc d;
	struct rels pkg;
	const char *main;
	int kind, got = 0;

	memset(&d, 0, sizeof(d));
	d.out = out;
	d.e.out = out;
	sila_buf_init(&d.part, PART_MAX);
	if (zip_open(&d.z, data, len, out) != 0) {
		sila_text_status(out, SILA_DOC_UNSCANNABLE);
		zip_close(&d.z);
		return;
	}
	kind = kind_of(type, &d.z);
	load_rels(&d, "", &pkg);
	main = rels_by_type(&pkg, "officeDocument");
	if (!main || zip_find(&d.z, main) < 0)
		main = mains[kind];
	read_properties(&d);
	switch (kind) {
	case DOCX: got = extract_docx(&d, main); break;
	case XLSX: got = extract_xlsx(&d, main); break;
	default: got = extract_pptx(&d, main); break;
	}
	if (out->buf.len && out->buf.data[out->buf.len - 1] != '\n' &&
	    out->buf.data[out->buf.len - 1] != '\f' && !d.e.stop)
		sila_text_add(out, "\n", 1);
	if (got <= 0) {
		if (!sila_warn_has(out->warnings, "extraction-failed") &&
		    !sila_warn_has(out->warnings, "encrypted"))
			sila_warn_add(out->warnings, "extraction-failed", "no readable %s", main);
		sila_text_status(out, out->buf.len || out->meta.len ? SILA_DOC_PARTIAL
								   : SILA_DOC_UNSCANNABLE);
	}
	rels_free(&pkg);
	sila_buf_release(&d.part);
	zip_close(&d.z);
}
