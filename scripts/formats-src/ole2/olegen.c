/*
 * olegen.c - writes the OLE2 samples LibreOffice cannot: Outlook .msg
 * files, and copies of LibreOffice's files without the preview bitmap that
 * bloats them. Built and run by scripts/make-formats-ole2.
 *
 *   olegen strip-thumbnail IN OUT   copy IN without the thumbnail property
 *                                   of its \005SummaryInformation
 *   olegen msg OUT DOCX             a message with a plain, an HTML and a
 *                                   compressed RTF body and two attachments
 *                                   (a note and the given DOCX)
 *   olegen forward OUT INNER.msg    a message with INNER.msg attached as an
 *                                   embedded message
 *
 * The output is deterministic: fixed times, fixed content, and libgsf
 * writes no timestamps of its own. Every identity number in it is one of
 * Skatteverket's test personnummer or the public test identity
 * 19121212-1212.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsf/gsf.h>

static void die(const char *msg)
{
	fprintf(stderr, "olegen: %s\n", msg);
	exit(1);
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A growable byte string. */
struct bytes {
	unsigned char *p;
	size_t n, a;
};

static void add(struct bytes *b, const void *p, size_t n)
{
	if (b->n + n > b->a) {
		b->a = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->a);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void add_byte(struct bytes *b, unsigned c)
{
	unsigned char x = (unsigned char)c;

	add(b, &x, 1);
}

/* Reads a whole file. */
static struct bytes slurp(const char *path)
{
	struct bytes b = { NULL, 0, 0 };
	unsigned char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		die("cannot open an input file");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		add(&b, buf, n);
	fclose(f);
	return b;
}

/* UTF-8 to UTF-16LE with a terminating NUL, as .msg string streams hold it. */
static struct bytes utf16(const char *s)
{
	struct bytes b = { NULL, 0, 0 };
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c;
		unsigned char u[2];

		if (*p < 0x80) {
			c = *p++;
		} else if ((*p & 0xE0) == 0xC0) {
			c = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
			p += 2;
		} else {
			c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			p += 3;
		}
		put16(u, c);
		add(&b, u, 2);
	}
	add(&b, "\0", 2);
	return b;
}

/* ---- Compound file output ---------------------------------------------------- */

static void write_stream(GsfOutfile *dir, const char *name, const void *p, size_t n)
{
	GsfOutput *o = gsf_outfile_new_child(dir, name, FALSE);

	if (!o || (n && !gsf_output_write(o, n, p)) || !gsf_output_close(o))
		die("cannot write a stream");
	g_object_unref(o);
}

static GsfOutfile *new_storage(GsfOutfile *dir, const char *name)
{
	GsfOutput *o = gsf_outfile_new_child(dir, name, TRUE);

	if (!o)
		die("cannot make a storage");
	return GSF_OUTFILE(o);
}

static void close_storage(GsfOutfile *s)
{
	if (!gsf_output_close(GSF_OUTPUT(s)))
		die("cannot close a storage");
	g_object_unref(s);
}

/* ---- strip-thumbnail ------------------------------------------------------------ */

/* A property set section without property id drop; the values are moved up. */
static struct bytes section_without(const unsigned char *p, size_t n, size_t off, uint32_t drop)
{
	struct bytes out = { NULL, 0, 0 };
	uint32_t size = get32(p + off), count = get32(p + off + 4), kept = 0;
	unsigned char head[8] = { 0 }, *ids;
	size_t at;

	if (off + size > n || 8 + (size_t)count * 8 > size)
		die("a damaged property set");
	for (uint32_t i = 0; i < count; i++)
		kept += get32(p + off + 8 + 8 * i) != drop;
	ids = calloc(kept ? kept : 1, 8);
	at = 8 + (size_t)kept * 8;
	add(&out, head, 8);
	add(&out, ids, (size_t)kept * 8);
	kept = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t id = get32(p + off + 8 + 8 * i), vo = get32(p + off + 12 + 8 * i), end = size;

		if (id == drop)
			continue;
		/* The value runs to the next value in the section, or its end. */
		for (uint32_t k = 0; k < count; k++) {
			uint32_t o2 = get32(p + off + 12 + 8 * k);

			if (o2 > vo && o2 < end)
				end = o2;
		}
		put32(out.p + 8 + 8 * kept, id);
		put32(out.p + 12 + 8 * kept, (uint32_t)at);
		add(&out, p + off + vo, end - vo);
		at += end - vo;
		kept++;
	}
	put32(out.p, (uint32_t)out.n);
	put32(out.p + 4, kept);
	free(ids);
	return out;
}

/* Rewrites a property-set stream without the thumbnail (PIDSI_THUMBNAIL, 17). */
static struct bytes strip_propset(const unsigned char *p, size_t n)
{
	struct bytes out = { NULL, 0, 0 };
	uint32_t nsets;
	size_t at;

	if (n < 28 || get32(p + 24) > 4 || n < 28 + 20 * (size_t)get32(p + 24))
		die("a damaged property-set stream");
	nsets = get32(p + 24);
	add(&out, p, 28 + 20 * (size_t)nsets);
	at = out.n;
	for (uint32_t i = 0; i < nsets; i++) {
		struct bytes s = section_without(p, n, get32(p + 28 + 20 * i + 16), 17);

		put32(out.p + 28 + 20 * i + 16, (uint32_t)at);
		add(&out, s.p, s.n);
		at += s.n;
		free(s.p);
	}
	return out;
}

static void copy_dir(GsfInfile *in, GsfOutfile *out, int top)
{
	int n = gsf_infile_num_children(in);

	for (int i = 0; i < n; i++) {
		const char *name = gsf_infile_name_by_index(in, i);
		GsfInput *c = gsf_infile_child_by_index(in, i);

		if (gsf_infile_num_children(GSF_INFILE(c)) >= 0) {
			GsfOutfile *s = new_storage(out, name);

			copy_dir(GSF_INFILE(c), s, 0);
			close_storage(s);
		} else {
			gsf_off_t size = gsf_input_size(c);
			const guint8 *data = size ? gsf_input_read(c, size, NULL) : (const guint8 *)"";

			if (!data)
				die("cannot read a stream");
			if (top && strcmp(name, "\005SummaryInformation") == 0) {
				struct bytes s = strip_propset(data, (size_t)size);

				write_stream(out, name, s.p, s.n);
				free(s.p);
			} else {
				write_stream(out, name, data, (size_t)size);
			}
		}
		g_object_unref(c);
	}
}

static void strip_thumbnail(const char *inpath, const char *outpath)
{
	GError *err = NULL;
	GsfInput *in = gsf_input_stdio_new(inpath, &err);
	GsfInfile *ole = in ? gsf_infile_msole_new(in, &err) : NULL;
	GsfOutput *sink = gsf_output_stdio_new(outpath, &err);
	GsfOutfile *out = sink ? gsf_outfile_msole_new(sink) : NULL;
	guint8 clsid[16];

	if (!ole || !out)
		die(err ? err->message : "cannot open the files");
	if (gsf_infile_msole_get_class_id(GSF_INFILE_MSOLE(ole), clsid))
		gsf_outfile_msole_set_class_id(GSF_OUTFILE_MSOLE(out), clsid);
	copy_dir(ole, out, 1);
	if (!gsf_output_close(GSF_OUTPUT(out)))
		die("cannot write the output");
	g_object_unref(out);
	g_object_unref(sink);
	g_object_unref(ole);
	g_object_unref(in);
}

/* ---- Compressed RTF (MS-OXRTFCP) ------------------------------------------------- */

static const char prebuf[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
	"\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
	"{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

static uint32_t crc32_rtf(const unsigned char *p, size_t n)
{
	uint32_t crc = 0;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return crc;
}

/*
 * Compresses RTF the LZFu way: greedy longest matches (2..17 bytes) in the
 * 4096-byte dictionary, never overlapping the bytes a reference writes.
 */
static struct bytes lzfu(const char *rtf)
{
	struct bytes body = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	unsigned char dict[4096] = { 0 }, head[16];
	size_t n = strlen(rtf), i = 0, wpos = sizeof(prebuf) - 1, ctl_at = 0;
	int bit = 8;

	memcpy(dict, prebuf, sizeof(prebuf) - 1);
	for (;;) {
		size_t best = 0, best_off = 0;
		int end = i >= n;

		if (bit == 8) {
			ctl_at = body.n;
			add_byte(&body, 0);
			bit = 0;
		}
		if (end) {
			body.p[ctl_at] |= (unsigned char)(1u << bit);
			add_byte(&body, (unsigned)(wpos >> 4));
			add_byte(&body, (unsigned)(wpos << 4 & 0xF0));
			break;
		}
		for (size_t off = 0; off < 4096; off++) {
			size_t len = 0, d = (wpos - off) & 0xFFF;

			/* Source and destination at least 17 bytes apart, either way round. */
			if (d < 17 || d > 4096 - 17)
				continue;
			while (len < 17 && i + len < n && dict[(off + len) & 0xFFF] == (unsigned char)rtf[i + len])
				len++;
			if (len > best) {
				best = len;
				best_off = off;
			}
		}
		if (best >= 2) {
			body.p[ctl_at] |= (unsigned char)(1u << bit);
			add_byte(&body, (unsigned)(best_off >> 4));
			add_byte(&body, (unsigned)((best_off << 4 & 0xF0) | (best - 2)));
		} else {
			best = 1;
			add_byte(&body, (unsigned char)rtf[i]);
		}
		for (size_t k = 0; k < best; k++) {
			dict[wpos] = (unsigned char)rtf[i + k];
			wpos = (wpos + 1) & 0xFFF;
		}
		i += best;
		bit++;
	}
	put32(head, (uint32_t)body.n + 12);
	put32(head + 4, (uint32_t)n);
	put32(head + 8, 0x75465A4C);
	put32(head + 12, crc32_rtf(body.p, body.n));
	add(&out, head, 16);
	add(&out, body.p, body.n);
	free(body.p);
	return out;
}

/* ---- Outlook messages --------------------------------------------------------------- */

/* 2026-01-01 08:00:00 UTC as a FILETIME. */
#define SENT_TIME ((11644473600ULL + 1767225600ULL + 8 * 3600) * 10000000ULL)

/* A property stream under construction: its header, then 16-byte entries. */
struct props {
	struct bytes b;
};

static void props_init(struct props *p, size_t hdr, uint32_t recips, uint32_t attachs)
{
	unsigned char h[32] = { 0 };

	memset(p, 0, sizeof(*p));
	if (hdr >= 24) {
		put32(h + 8, recips);   /* next recipient id */
		put32(h + 12, attachs); /* next attachment id */
		put32(h + 16, recips);
		put32(h + 20, attachs);
	}
	add(&p->b, h, hdr);
}

static void prop_fixed(struct props *p, uint32_t tag, uint64_t v)
{
	unsigned char e[16] = { 0 };

	put32(e, tag);
	put32(e + 4, 6); /* readable, writable */
	put32(e + 8, (uint32_t)v);
	put32(e + 12, (uint32_t)(v >> 32));
	add(&p->b, e, 16);
}

/* A variable-length property: its stream, and its size in the property stream. */
static void prop_var(GsfOutfile *dir, struct props *p, unsigned id, unsigned type,
		     const void *data, size_t n)
{
	char name[40];

	snprintf(name, sizeof(name), "__substg1.0_%04X%04X", id, type);
	write_stream(dir, name, data, n);
	prop_fixed(p, (uint32_t)id << 16 | type, (uint64_t)n);
}

static void prop_str(GsfOutfile *dir, struct props *p, unsigned id, const char *s)
{
	struct bytes u = utf16(s);

	prop_var(dir, p, id, 0x001F, u.p, u.n);
	free(u.p);
}

static void props_write(GsfOutfile *dir, struct props *p)
{
	write_stream(dir, "__properties_version1.0", p->b.p, p->b.n);
	free(p->b.p);
}

/* The named-property mapping every .msg has, empty here. */
static void nameid(GsfOutfile *root)
{
	GsfOutfile *s = new_storage(root, "__nameid_version1.0");

	write_stream(s, "__substg1.0_00020102", "", 0);
	write_stream(s, "__substg1.0_00030102", "", 0);
	write_stream(s, "__substg1.0_00040102", "", 0);
	close_storage(s);
}

static void recipient(GsfOutfile *root, unsigned index, const char *name, const char *addr)
{
	char dirname[40];
	GsfOutfile *r;
	struct props p;

	snprintf(dirname, sizeof(dirname), "__recip_version1.0_#%08X", index);
	r = new_storage(root, dirname);
	props_init(&p, 8, 0, 0);
	prop_fixed(&p, 0x0C150003, 1);      /* PidTagRecipientType: To */
	prop_fixed(&p, 0x30000003, index);  /* PidTagRowid */
	prop_str(r, &p, 0x3001, name);
	prop_str(r, &p, 0x3002, "SMTP");
	prop_str(r, &p, 0x3003, addr);
	prop_str(r, &p, 0x39FE, addr);
	props_write(r, &p);
	close_storage(r);
}

static void attach_file(GsfOutfile *root, unsigned index, const char *name, const char *mime,
			const void *data, size_t n)
{
	char dirname[40];
	GsfOutfile *a;
	struct props p;
	const char *dot = strrchr(name, '.');

	snprintf(dirname, sizeof(dirname), "__attach_version1.0_#%08X", index);
	a = new_storage(root, dirname);
	props_init(&p, 8, 0, 0);
	prop_fixed(&p, 0x37050003, 1);          /* PidTagAttachMethod: by value */
	prop_fixed(&p, 0x0E210003, index);      /* PidTagAttachNumber */
	prop_fixed(&p, 0x370B0003, 0xFFFFFFFF); /* PidTagRenderingPosition: none */
	prop_str(a, &p, 0x3001, name);
	prop_str(a, &p, 0x3707, name);
	prop_str(a, &p, 0x3704, name);
	prop_str(a, &p, 0x370E, mime);
	if (dot)
		prop_str(a, &p, 0x3703, dot);
	prop_var(a, &p, 0x3701, 0x0102, data, n);
	props_write(a, &p);
	close_storage(a);
}

/* The properties every message here has: class, times, code page, sender. */
static void message_props(GsfOutfile *dir, struct props *p, const char *subject)
{
	prop_str(dir, p, 0x001A, "IPM.Note");
	prop_str(dir, p, 0x0037, subject);
	prop_str(dir, p, 0x0C1A, "Handläggare Exempelsson");
	prop_str(dir, p, 0x0C1F, "handlaggare@exempelby.example");
	prop_str(dir, p, 0x0C1E, "SMTP");
	prop_str(dir, p, 0x5D01, "handlaggare@exempelby.example");
	prop_str(dir, p, 0x0E04, "Registrator Exempelsson");
	prop_fixed(p, 0x00390040, SENT_TIME);   /* PidTagClientSubmitTime */
	prop_fixed(p, 0x0E060040, SENT_TIME);   /* PidTagMessageDeliveryTime */
	prop_fixed(p, 0x0E070003, 1);           /* PidTagMessageFlags: read */
	prop_fixed(p, 0x3FDE0003, 65001);       /* PidTagInternetCodepage: UTF-8 */
}

static const char subject[] = "Underlag i ärende om bostadsanpassning";

static const char body[] =
	"Hej!\r\n\r\n"
	"Här kommer underlaget i ärendet om Åsa Provström, personnummer 20000103-2390.\r\n"
	"Uppgifterna omfattas av sekretess enligt 26 kap. 1 § offentlighets- och "
	"sekretesslagen (2009:400).\r\n\r\n"
	"Med vänlig hälsning\r\nHandläggare Exempelsson\r\n";

static const char html[] =
	"<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"><title>Underlag</title></head>\r\n"
	"<body><p>Hej!</p>\r\n"
	"<p>Här kommer underlaget i ärendet om Åsa Provström, personnummer 20000103-2390.</p>\r\n"
	"<p>Uppgifterna omfattas av sekretess enligt 26 kap. 1 § offentlighets- och "
	"sekretesslagen (2009:400).</p>\r\n"
	"<p>Med vänlig hälsning<br>Handläggare Exempelsson</p></body></html>\r\n";

static const char rtf[] =
	"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\\f0\\fs20 "
	"Hej!\\par\\par\r\n"
	"H\\'e4r kommer underlaget i \\'e4rendet om \\'c5sa Provstr\\'f6m, personnummer "
	"20000103-2390.\\par\r\n"
	"Uppgifterna omfattas av sekretess enligt 26 kap. 1 \\'a7 offentlighets- och "
	"sekretesslagen (2009:400).\\par\\par\r\n"
	"Med v\\'e4nlig h\\'e4lsning\\par Handl\\'e4ggare Exempelsson\\par\r\n}\r\n";

static const char note[] =
	"Anteckning från hembesök 2026-01-05\n"
	"Sökande: Åsa Provström, 20000104-2381\n"
	"Bostaden saknar hiss; trappan är brant.\n";

static void make_msg(const char *outpath, const char *docx)
{
	GError *err = NULL;
	GsfOutput *sink = gsf_output_stdio_new(outpath, &err);
	GsfOutfile *root = sink ? gsf_outfile_msole_new(sink) : NULL;
	static const guint8 clsid[16] = { 0x0B, 0x0D, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
					  0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	struct props p;
	struct bytes d = slurp(docx), b, z;

	if (!root)
		die(err ? err->message : "cannot create the output");
	gsf_outfile_msole_set_class_id(GSF_OUTFILE_MSOLE(root), clsid);
	nameid(root);
	props_init(&p, 32, 1, 2);
	message_props(root, &p, subject);
	b = utf16(body);
	prop_var(root, &p, 0x1000, 0x001F, b.p, b.n);
	prop_var(root, &p, 0x1013, 0x0102, html, sizeof(html) - 1);
	z = lzfu(rtf);
	prop_var(root, &p, 0x1009, 0x0102, z.p, z.n);
	props_write(root, &p);
	recipient(root, 0, "Registrator Exempelsson", "registrator@exempelby.example");
	attach_file(root, 0, "anteckning.txt", "text/plain", note, sizeof(note) - 1);
	attach_file(root, 1, "beslut-sekretess.docx",
		    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", d.p, d.n);
	if (!gsf_output_close(GSF_OUTPUT(root)))
		die("cannot write the message");
	g_object_unref(root);
	g_object_unref(sink);
	free(b.p);
	free(z.p);
	free(d.p);
}

/*
 * Copies a message's storage into an attachment's 3701000D storage: the
 * property stream loses the last 8 bytes of its header (24 bytes in an
 * attached message, 32 at the top) and the named-property mapping stays
 * with the outer message.
 */
static void copy_as_embedded(GsfInfile *in, GsfOutfile *out)
{
	int n = gsf_infile_num_children(in);

	for (int i = 0; i < n; i++) {
		const char *name = gsf_infile_name_by_index(in, i);
		GsfInput *c = gsf_infile_child_by_index(in, i);

		if (strcmp(name, "__nameid_version1.0") == 0) {
			/* Left out. */
		} else if (gsf_infile_num_children(GSF_INFILE(c)) >= 0) {
			GsfOutfile *s = new_storage(out, name);

			copy_dir(GSF_INFILE(c), s, 0);
			close_storage(s);
		} else {
			gsf_off_t size = gsf_input_size(c);
			const guint8 *data = size ? gsf_input_read(c, size, NULL) : (const guint8 *)"";

			if (!data)
				die("cannot read a stream");
			if (strcmp(name, "__properties_version1.0") == 0 && size >= 32) {
				struct bytes pb = { NULL, 0, 0 };

				add(&pb, data, 24);
				add(&pb, data + 32, (size_t)size - 32);
				write_stream(out, name, pb.p, pb.n);
				free(pb.p);
			} else {
				write_stream(out, name, data, (size_t)size);
			}
		}
		g_object_unref(c);
	}
}

static void make_forward(const char *outpath, const char *innerpath)
{
	GError *err = NULL;
	GsfInput *in = gsf_input_stdio_new(innerpath, &err);
	GsfInfile *inner = in ? gsf_infile_msole_new(in, &err) : NULL;
	GsfOutput *sink = gsf_output_stdio_new(outpath, &err);
	GsfOutfile *root = sink ? gsf_outfile_msole_new(sink) : NULL;
	static const guint8 clsid[16] = { 0x0B, 0x0D, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
					  0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	static const char fwd[] = "Vidarebefordrar underlaget. Kontrollperson: 19121212-1212.\r\n";
	struct props p, ap;
	struct bytes b;
	GsfOutfile *a, *obj;
	char vb[128];

	if (!inner || !root)
		die(err ? err->message : "cannot open the files");
	gsf_outfile_msole_set_class_id(GSF_OUTFILE_MSOLE(root), clsid);
	nameid(root);
	props_init(&p, 32, 0, 1);
	snprintf(vb, sizeof(vb), "VB: %s", subject);
	message_props(root, &p, vb);
	b = utf16(fwd);
	prop_var(root, &p, 0x1000, 0x001F, b.p, b.n);
	props_write(root, &p);

	a = new_storage(root, "__attach_version1.0_#00000000");
	props_init(&ap, 8, 0, 0);
	prop_fixed(&ap, 0x37050003, 5);          /* PidTagAttachMethod: embedded message */
	prop_fixed(&ap, 0x0E210003, 0);
	prop_fixed(&ap, 0x370B0003, 0xFFFFFFFF);
	prop_str(a, &ap, 0x3001, subject);
	obj = new_storage(a, "__substg1.0_3701000D");
	copy_as_embedded(inner, obj);
	close_storage(obj);
	prop_fixed(&ap, 0x3701000D, 0xFFFFFFFF);
	props_write(a, &ap);
	close_storage(a);

	if (!gsf_output_close(GSF_OUTPUT(root)))
		die("cannot write the message");
	g_object_unref(root);
	g_object_unref(sink);
	g_object_unref(inner);
	g_object_unref(in);
	free(b.p);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "strip-thumbnail") == 0)
		strip_thumbnail(argv[2], argv[3]);
	else if (argc == 4 && strcmp(argv[1], "msg") == 0)
		make_msg(argv[2], argv[3]);
	else if (argc == 4 && strcmp(argv[1], "forward") == 0)
		make_forward(argv[2], argv[3]);
	else
		die("usage: olegen strip-thumbnail IN OUT | msg OUT DOCX | forward OUT INNER.msg");
	return 0;
}
