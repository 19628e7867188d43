/*
 * gen.c - writes the hostile files that need exact bytes: zip bombs (nested
 * levels, overlapping entries), a zip quine, a gzip bomb, PDFs with cyclic
 * object graphs or a huge compressed content stream, an OOXML document with
 * a huge part, a zip of many empty members, a tar with a climbing member
 * name, and seeded random bytes. Called by scripts/make-hostile; nothing
 * here is part of sila.
 *
 * Big runs of bytes are never held whole: one chunk is deflated with a
 * full flush, so that its compressed form can be repeated, and the CRC and
 * Adler sums of the whole are combined from the chunk's.
 *
 * Usage: gen COMMAND OUT ARGS...   (see usage() below)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

/* ---------------------------------------------------------------- helpers */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("gen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* A growable byte string. */
struct bytes {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct bytes *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->n + n)
			cap *= 2;
		if (!(b->p = realloc(b->p, cap)))
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void puts_(struct bytes *b, const char *s) { put(b, s, strlen(s)); }

static void putf(struct bytes *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		die("format too long");
	put(b, tmp, (size_t)n);
}

static void le16(struct bytes *b, unsigned v)
{
	unsigned char c[2] = { v & 0xff, (v >> 8) & 0xff };

	put(b, c, 2);
}

static void le32(struct bytes *b, uint32_t v)
{
	unsigned char c[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

	put(b, c, 4);
}

static void le64(struct bytes *b, uint64_t v)
{
	le32(b, (uint32_t)v);
	le32(b, (uint32_t)(v >> 32));
}

static void set_le32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; p[2] = (v >> 16) & 0xff; p[3] = v >> 24;
}

static void write_file(const char *path, const struct bytes *b)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
}

static struct bytes read_file(const char *path)
{
	struct bytes b = { 0 };
	unsigned char tmp[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		die("%s: %s", path, strerror(errno));
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		put(&b, tmp, n);
	fclose(f);
	return b;
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (*end) {
	case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	}
	if (*end)
		die("not a number: %s", s);
	return v;
}

/* ------------------------------------------------------------ deflate */

/*
 * Raw-deflated text: prefix, then total bytes of the periodic pattern pat
 * (plen bytes), then suffix. The pattern is deflated once, in a chunk of
 * whole periods, and the chunk's bytes repeated. Fills in the CRC-32 and
 * Adler-32 of the uncompressed text and its length.
 */
struct deflated {
	struct bytes z;
	uint32_t crc, adler;
	uint64_t usize;
};

static void flush_into(z_stream *s, struct bytes *out, int mode)
{
	unsigned char tmp[65536];

	do {
		s->next_out = tmp;
		s->avail_out = sizeof(tmp);
		if (deflate(s, mode) == Z_STREAM_ERROR)
			die("deflate failed");
		put(out, tmp, sizeof(tmp) - s->avail_out);
	} while (s->avail_out == 0 || s->avail_in > 0);
}

static void deflate_text(struct deflated *d, const char *prefix, size_t prelen,
			 const char *pat, size_t plen, uint64_t total,
			 const char *suffix, size_t suflen)
{
	z_stream s = { 0 };
	size_t chunk = 0;
	unsigned char *buf = NULL;
	struct bytes cz = { 0 };
	uint64_t reps = 0, rest;
	uint32_t ccrc = 0, cad = 1;

	memset(d, 0, sizeof(*d));
	d->crc = crc32(0, NULL, 0);
	d->adler = adler32(0, NULL, 0);
	if (deflateInit2(&s, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2");
	if (prelen) {
		s.next_in = (unsigned char *)(uintptr_t)prefix;
		s.avail_in = (uInt)prelen;
		flush_into(&s, &d->z, Z_FULL_FLUSH);
		d->crc = crc32(d->crc, (const unsigned char *)prefix, (uInt)prelen);
		d->adler = adler32(d->adler, (const unsigned char *)prefix, (uInt)prelen);
	}
	if (total && plen) {
		/* A chunk of whole periods near 16 MiB, deflated once after a full flush. */
		chunk = ((size_t)16 << 20) / plen * plen;
		if (chunk > total)
			chunk = (size_t)(total / plen * plen);
		if (chunk) {
			buf = malloc(chunk);
			if (!buf)
				die("out of memory");
			for (size_t i = 0; i < chunk; i++)
				buf[i] = (unsigned char)pat[i % plen];
			s.next_in = buf;
			s.avail_in = (uInt)chunk;
			flush_into(&s, &cz, Z_FULL_FLUSH);
			ccrc = crc32(0, buf, (uInt)chunk);
			cad = adler32(1, buf, (uInt)chunk);
			reps = total / chunk;
			for (uint64_t i = 0; i < reps; i++) {
				put(&d->z, cz.p, cz.n);
				d->crc = crc32_combine(d->crc, ccrc, (z_off_t)chunk);
				d->adler = adler32_combine(d->adler, cad, (z_off_t)chunk);
			}
		}
		rest = total - reps * chunk;
		if (rest) {
			/* The tail is less than one chunk: deflate it as it comes. */
			unsigned char *t = malloc(rest);

			if (!t)
				die("out of memory");
			for (uint64_t i = 0; i < rest; i++)
				t[i] = (unsigned char)pat[i % plen];
			s.next_in = t;
			s.avail_in = (uInt)rest;
			flush_into(&s, &d->z, Z_FULL_FLUSH);
			d->crc = crc32(d->crc, t, (uInt)rest);
			d->adler = adler32(d->adler, t, (uInt)rest);
			free(t);
		}
	}
	s.next_in = (unsigned char *)(uintptr_t)suffix;
	s.avail_in = (uInt)suflen;
	flush_into(&s, &d->z, Z_FINISH);
	if (suflen) {
		d->crc = crc32(d->crc, (const unsigned char *)suffix, (uInt)suflen);
		d->adler = adler32(d->adler, (const unsigned char *)suffix, (uInt)suflen);
	}
	deflateEnd(&s);
	d->usize = prelen + total + suflen;
	free(buf);
	free(cz.p);
}

/* ------------------------------------------------------------ zip writer */

struct zentry {
	char name[256];
	int method;        /* 0 stored, 8 deflated */
	struct bytes data; /* as stored in the archive */
	uint32_t crc;
	uint64_t usize;
	uint64_t offset;   /* of the local header, filled in on writing */
};

struct zip {
	struct zentry *e;
	size_t n, cap;
};

static struct zentry *zip_add(struct zip *z, const char *name)
{
	struct zentry *e;

	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 16;
		if (!(z->e = realloc(z->e, z->cap * sizeof(*z->e))))
			die("out of memory");
	}
	e = &z->e[z->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	return e;
}

/* An entry holding len bytes of data, deflated. */
static void zip_add_bytes(struct zip *z, const char *name, const void *data, size_t len)
{
	struct zentry *e = zip_add(z, name);
	struct deflated d;

	deflate_text(&d, data, len, NULL, 0, 0, NULL, 0);
	e->method = 8;
	e->data = d.z;
	e->crc = d.crc;
	e->usize = d.usize;
}

/* An entry of prefix, total bytes of pattern, suffix: a bomb when total is large. */
static void zip_add_run(struct zip *z, const char *name, const char *prefix, const char *pat,
			uint64_t total, const char *suffix)
{
	struct zentry *e = zip_add(z, name);
	struct deflated d;

	deflate_text(&d, prefix, strlen(prefix), pat, strlen(pat) ? strlen(pat) : 1, total,
		     suffix, strlen(suffix));
	e->method = 8;
	e->data = d.z;
	e->crc = d.crc;
	e->usize = d.usize;
}

/* A fixed DOS time stamp (2020-01-01 00:00) so output is reproducible. */
#define DOS_TIME 0
#define DOS_DATE ((40 << 9) | (1 << 5) | 1)

static void local_header(struct bytes *b, const char *name, int method, uint32_t crc,
			 uint32_t csize, uint32_t usize)
{
	le32(b, 0x04034b50);
	le16(b, 20);
	le16(b, 0);
	le16(b, (unsigned)method);
	le16(b, DOS_TIME);
	le16(b, DOS_DATE);
	le32(b, crc);
	le32(b, csize);
	le32(b, usize);
	le16(b, (unsigned)strlen(name));
	le16(b, 0);
	puts_(b, name);
}

static void central_header(struct bytes *b, const char *name, int method, uint32_t crc,
			   uint32_t csize, uint32_t usize, uint32_t offset)
{
	le32(b, 0x02014b50);
	le16(b, 0x031e);  /* made by: Unix, 3.0 */
	le16(b, 20);
	le16(b, 0);
	le16(b, (unsigned)method);
	le16(b, DOS_TIME);
	le16(b, DOS_DATE);
	le32(b, crc);
	le32(b, csize);
	le32(b, usize);
	le16(b, (unsigned)strlen(name));
	le16(b, 0);
	le16(b, 0);
	le16(b, 0);
	le16(b, 0);
	le32(b, 0100644u << 16); /* a regular file, rw-r--r-- */
	le32(b, offset);
	puts_(b, name);
}

/* The end records; Zip64 ones when there are more entries than 16 bits hold. */
static void end_records(struct bytes *b, uint64_t n, uint64_t cd_off, uint64_t cd_size)
{
	if (n > 0xffff) {
		uint64_t z64 = b->n;

		le32(b, 0x06064b50);
		le64(b, 44);
		le16(b, 45);
		le16(b, 45);
		le32(b, 0);
		le32(b, 0);
		le64(b, n);
		le64(b, n);
		le64(b, cd_size);
		le64(b, cd_off);
		le32(b, 0x07064b50);
		le32(b, 0);
		le64(b, z64);
		le32(b, 1);
	}
	le32(b, 0x06054b50);
	le16(b, 0);
	le16(b, 0);
	le16(b, n > 0xffff ? 0xffff : (unsigned)n);
	le16(b, n > 0xffff ? 0xffff : (unsigned)n);
	le32(b, (uint32_t)cd_size);
	le32(b, (uint32_t)cd_off);
	le16(b, 0);
}

static void zip_write(struct zip *z, const char *path)
{
	struct bytes b = { 0 };
	uint64_t cd;

	for (size_t i = 0; i < z->n; i++) {
		struct zentry *e = &z->e[i];

		if (e->usize > 0xffffffffu || e->data.n > 0xffffffffu)
			die("%s: entry too large for a plain zip", e->name);
		e->offset = b.n;
		local_header(&b, e->name, e->method, e->crc, (uint32_t)e->data.n, (uint32_t)e->usize);
		if (e->data.n)
			put(&b, e->data.p, e->data.n);
	}
	cd = b.n;
	for (size_t i = 0; i < z->n; i++) {
		struct zentry *e = &z->e[i];

		central_header(&b, e->name, e->method, e->crc, (uint32_t)e->data.n,
			       (uint32_t)e->usize, (uint32_t)e->offset);
	}
	end_records(&b, z->n, cd, b.n - cd);
	write_file(path, &b);
	for (size_t i = 0; i < z->n; i++)
		free(z->e[i].data.p);
	free(z->e);
	free(b.p);
	memset(z, 0, sizeof(*z));
}

/* ------------------------------------------------------------ commands */

/*
 * zip OUT SPEC...: a zip of the given entries. SPEC is NAME=@FILE (the
 * file's bytes, deflated) or NAME=%BYTE:SIZE (SIZE bytes of the byte with
 * that decimal value, deflated: a bomb entry).
 */
static void cmd_zip(int argc, char **argv)
{
	struct zip z = { 0 };

	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		struct zentry *e;

		if (!eq)
			die("bad entry: %s", argv[i]);
		*eq = '\0';
		/* The same source as an earlier entry: reuse its compressed bytes. */
		for (int j = 1; j < i; j++)
			if (strcmp(argv[j] + strlen(argv[j]) + 1, eq + 1) == 0) {
				struct zentry *old;

				e = zip_add(&z, argv[i]); /* may move z.e */
				old = &z.e[j - 1];
				e->method = old->method;
				e->crc = old->crc;
				e->usize = old->usize;
				put(&e->data, old->data.p, old->data.n);
				goto next;
			}
		if (eq[1] == '@') {
			struct bytes f = read_file(eq + 2);

			zip_add_bytes(&z, argv[i], f.p ? (const char *)f.p : "", f.n);
			free(f.p);
		} else if (eq[1] == '%') {
			char pat[2] = { 0, 0 }, *colon = strchr(eq + 2, ':');
			struct deflated d;

			if (!colon)
				die("bad run: %s", eq + 1);
			pat[0] = (char)strtoul(eq + 2, NULL, 10);
			e = zip_add(&z, argv[i]);
			deflate_text(&d, NULL, 0, pat, 1, num(colon + 1), NULL, 0);
			e->method = 8;
			e->data = d.z;
			e->crc = d.crc;
			e->usize = d.usize;
		} else {
			die("bad entry: %s", argv[i]);
		}
next:;
	}
	zip_write(&z, argv[0]);
}

/* zip-empty OUT N: a zip of N empty stored members, with Zip64 end records past 65535. */
static void cmd_zip_empty(int argc, char **argv)
{
	struct bytes b = { 0 }, cd = { 0 };
	unsigned long long n;
	uint32_t empty_crc = 0;
	char name[32];

	if (argc != 2)
		die("zip-empty OUT N");
	n = num(argv[1]);
	for (unsigned long long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "e%06llu.txt", i);
		central_header(&cd, name, 0, empty_crc, 0, 0, (uint32_t)b.n);
		local_header(&b, name, 0, empty_crc, 0, 0);
	}
	{
		uint64_t off = b.n;

		put(&b, cd.p, cd.n);
		end_records(&b, n, off, cd.n);
	}
	write_file(argv[0], &b);
	free(b.p);
	free(cd.p);
}

/*
 * overlap OUT N KERNEL: David Fifield's non-recursive zip bomb ("A better
 * zip bomb", 2019). N local headers are followed by one shared deflate
 * kernel inflating to KERNEL bytes of 'a'. Between local headers, a stored
 * (uncompressed, non-final) deflate block "quotes" the next local header,
 * so file i's data is: quote(LFH[i+1]) LFH[i+1] quote(LFH[i+2]) ... kernel
 * and inflates to LFH[i+1] ... LFH[N-1] kernel-output. Every central
 * directory entry points at its own local header, so the entries overlap
 * without being identical. CRCs are computed from the last file backwards
 * with crc32_combine.
 */
static void cmd_overlap(int argc, char **argv)
{
	struct deflated k;
	unsigned long long n, ksize;
	struct bytes *lfh, out = { 0 }, cdir = { 0 };
	uint32_t *crc;
	uint64_t *usize, *csize, *off, kernel_off, pos;
	char name[32];

	if (argc != 3)
		die("overlap OUT N KERNEL");
	n = num(argv[1]);
	ksize = num(argv[2]);
	if (n < 1 || ksize > 0xffffffffu - 65535 * n)
		die("overlap: bad sizes");
	deflate_text(&k, NULL, 0, "a", 1, ksize, NULL, 0);
	lfh = calloc(n, sizeof(*lfh));
	crc = calloc(n, sizeof(*crc));
	usize = calloc(n, sizeof(*usize));
	csize = calloc(n, sizeof(*csize));
	off = calloc(n, sizeof(*off));
	if (!lfh || !crc || !usize || !csize || !off)
		die("out of memory");
	/* The sizes of every local header are known up front: names are fixed width. */
	pos = 0;
	for (unsigned long long i = 0; i < n; i++) {
		off[i] = pos;
		pos += 30 + 7 + (i + 1 < n ? 5 : 0);
	}
	kernel_off = pos;
	/* Backwards: file i inflates to LFH[i+1..] + kernel output. */
	for (unsigned long long j = n; j-- > 0;) {
		if (j == n - 1) {
			crc[j] = k.crc;
			usize[j] = ksize;
		} else {
			crc[j] = crc32_combine(crc32(0, lfh[j + 1].p, (uInt)lfh[j + 1].n), crc[j + 1],
					       (z_off_t)usize[j + 1]);
			usize[j] = lfh[j + 1].n + usize[j + 1];
		}
		csize[j] = kernel_off + k.z.n - (off[j] + 30 + 7);
		snprintf(name, sizeof(name), "f%06llu", j);
		local_header(&lfh[j], name, 8, crc[j], (uint32_t)csize[j], (uint32_t)usize[j]);
	}
	for (unsigned long long i = 0; i < n; i++) {
		put(&out, lfh[i].p, lfh[i].n);
		if (i + 1 < n) {
			unsigned char q[5] = { 0x00, (unsigned char)(lfh[i + 1].n & 0xff),
					       (unsigned char)(lfh[i + 1].n >> 8),
					       (unsigned char)(~lfh[i + 1].n & 0xff),
					       (unsigned char)((~lfh[i + 1].n >> 8) & 0xff) };

			put(&out, q, 5);
		}
	}
	if (out.n != kernel_off)
		die("overlap: layout error");
	put(&out, k.z.p, k.z.n);
	for (unsigned long long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%06llu", i);
		central_header(&cdir, name, 8, crc[i], (uint32_t)csize[i], (uint32_t)usize[i],
			       (uint32_t)off[i]);
	}
	pos = out.n;
	put(&out, cdir.p, cdir.n);
	end_records(&out, n, pos, cdir.n);
	write_file(argv[0], &out);
	for (unsigned long long i = 0; i < n; i++)
		free(lfh[i].p);
	free(lfh); free(crc); free(usize); free(csize); free(off);
	free(out.p); free(cdir.p); free(k.z.p);
}

/* A bit writer for hand-made deflate blocks (LSB first, as deflate packs them). */
struct bits {
	struct bytes *b;
	uint32_t acc;
	int n;
};

static void bits_put(struct bits *w, uint32_t v, int n)
{
	for (int i = 0; i < n; i++) {
		w->acc |= ((v >> i) & 1u) << w->n;
		if (++w->n == 8) {
			unsigned char c = (unsigned char)w->acc;

			put(w->b, &c, 1);
			w->acc = 0;
			w->n = 0;
		}
	}
}

/* A Huffman code is sent most significant bit first. */
static void bits_code(struct bits *w, uint32_t code, int len)
{
	for (int i = len - 1; i >= 0; i--)
		bits_put(w, (code >> i) & 1u, 1);
}

static void bits_align(struct bits *w)
{
	if (w->n)
		bits_put(w, 0, 8 - w->n);
}

/* The fixed Huffman code of a literal/length symbol. */
static void fixed_sym(struct bits *w, unsigned sym)
{
	if (sym < 144) bits_code(w, 0x30 + sym, 8);
	else if (sym < 256) bits_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280) bits_code(w, sym - 256, 7);
	else bits_code(w, 0xc0 + sym - 280, 8);
}

static const unsigned len_base[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const unsigned len_extra[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const unsigned dist_base[] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const unsigned dist_extra[] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* Bits a match of this length and distance takes in a fixed block. */
static int match_bits(unsigned len, unsigned dist)
{
	int l = 28, d = 29, sym;

	while (len_base[l] > len)
		l--;
	if (len == 258)
		l = 28;
	else if (l == 28)
		l = 27;
	while (dist_base[d] > dist)
		d--;
	sym = 257 + l;
	return (sym < 280 ? 7 : 8) + (int)len_extra[l] + 5 + (int)dist_extra[d];
}

static void match_put(struct bits *w, unsigned len, unsigned dist)
{
	int l = 28, d = 29;

	while (len_base[l] > len)
		l--;
	if (len == 258)
		l = 28;
	else if (l == 28)
		l = 27;
	while (dist_base[d] > dist)
		d--;
	fixed_sym(w, 257 + (unsigned)l);
	bits_put(w, len - len_base[l], (int)len_extra[l]);
	bits_code(w, (uint32_t)d, 5);
	bits_put(w, dist - dist_base[d], (int)dist_extra[d]);
}

/* A stored block header: "the next n bytes are literal". */
static void op_lit(struct bytes *b, unsigned n)
{
	unsigned char h[5] = { 0x00, (unsigned char)(n & 0xff), (unsigned char)(n >> 8),
			       (unsigned char)(~n & 0xff), (unsigned char)((~n >> 8) & 0xff) };

	put(b, h, 5);
}

/*
 * A 5-byte, non-final "repeat the last n bytes" op: a fixed Huffman block
 * holding matches at distance n that add up to n, padded to exactly 40
 * bits with empty fixed blocks (10 bits each). Dies when n cannot be made
 * to fit; the quine's file name length is chosen so that it can.
 */
static void op_rep5(struct bytes *b, unsigned n, unsigned first)
{
	struct bits w = { b, 0, 0 };
	unsigned l1 = first, l2 = n - first;
	int used = 3 + match_bits(l1, n) + (l2 ? match_bits(l2, n) : 0) + 7;

	if (used > 40 || (40 - used) % 10)
		die("quine: no 5-byte repeat op for %u (%d bits)", n, used);
	bits_put(&w, 2, 3); /* BFINAL 0, BTYPE 01 (fixed Huffman) */
	match_put(&w, l1, n);
	if (l2)
		match_put(&w, l2, n);
	fixed_sym(&w, 256);
	for (int pad = used; pad < 40; pad += 10) {
		bits_put(&w, 2, 3);
		fixed_sym(&w, 256);
	}
	if (w.n)
		die("quine: repeat op not byte aligned");
}

/* The final "repeat the last n bytes" op, as short as it can be, padded to a byte. */
static void op_rep_final(struct bytes *b, unsigned n)
{
	struct bits w = { b, 0, 0 };
	unsigned left = n;

	bits_put(&w, 3, 3); /* BFINAL 1, fixed Huffman */
	while (left) {
		unsigned l = left > 258 ? 258 : left;

		if (left > 258 && left - 258 < 3)
			l = left - 3;
		match_put(&w, l, n);
		left -= l;
	}
	fixed_sym(&w, 256);
	bits_align(&w);
}

/* Bytes op_rep_final(n) takes. */
static size_t rep_final_len(unsigned n)
{
	struct bytes t = { 0 };
	size_t len;

	op_rep_final(&t, n);
	len = t.n;
	free(t.p);
	return len;
}

/*
 * The quine's zip: P (local header), I (the deflate data), S (central
 * directory and end record). Rows follow Russ Cox, "Zip Files All The Way
 * Down" (2010): with P and S of p and s units, the ops
 *   Lp+1 P Lp+1 | Rp+1 | L1 Rp+1 | L1 L1 | L4 Rp+1 L1 L1 L4 | R4 |
 *   L4 R4 L4 R4 L4 | R4 | L4 R4 L0 L0 Ls+1 | R4 | L0 | L0 | Ls+1 Rs+1 S | Rs+1
 * inflate to P I S, the whole file. Ln is a stored block of n units, Rn a
 * block repeating the last n units; every op but the last is 5 bytes.
 */
static void quine_build(struct bytes *out, const char *name, uint32_t crc, size_t *crc_pos,
			size_t ncrc_max, size_t *ncrc)
{
	struct bytes P = { 0 }, S = { 0 }, I = { 0 };
	size_t plen = 30 + strlen(name), slen = 46 + strlen(name) + 22;
	size_t rlen = rep_final_len((unsigned)(plen + 5));
	size_t ilen;
	unsigned dp = (unsigned)(plen + 5), ds;

	/* The final op's length depends on its distance; settle both. */
	for (int i = 0; i < 8; i++)
		rlen = rep_final_len((unsigned)(rlen + slen));
	ds = (unsigned)(rlen + slen);
	/* Sizes: I is 28 five-byte ops, the literal copies of P and S, and two final ops. */
	ilen = 28 * 5 + plen + slen + 2 * rlen;
	*ncrc = 0;
	local_header(&P, name, 8, crc, 0, 0);
	central_header(&S, name, 8, crc, 0, 0, 0);
	le32(&S, 0x06054b50);
	le16(&S, 0);
	le16(&S, 0);
	le16(&S, 1);
	le16(&S, 1);
	le32(&S, 46 + (uint32_t)strlen(name));
	le32(&S, 0);
	le16(&S, 0);
	if (P.n != plen || S.n != slen)
		die("quine: header sizes");

	for (int pass = 0; pass < 2; pass++) {
		uint32_t csize = (uint32_t)I.n, usize = (uint32_t)(plen + I.n + slen);

		if (pass == 1) {
			/* Sizes are known now: patch them into P and S, then build again. */
			set_le32(P.p + 18, csize);
			set_le32(P.p + 22, usize);
			set_le32(S.p + 20, csize);
			set_le32(S.p + 24, usize);
			set_le32(S.p + 46 + strlen(name) + 16, (uint32_t)(plen + csize));
			I.n = 0;
		}
		op_lit(&I, dp);                 put(&I, P.p, P.n); op_lit(&I, dp);
		op_rep5(&I, dp, dp);
		op_lit(&I, 5);                  op_rep5(&I, dp, dp);
		op_lit(&I, 5);                  op_lit(&I, 5);
		op_lit(&I, 20);                 op_rep5(&I, dp, dp); op_lit(&I, 5); op_lit(&I, 5); op_lit(&I, 20);
		op_rep5(&I, 20, 10);
		op_lit(&I, 20);                 op_rep5(&I, 20, 10); op_lit(&I, 20); op_rep5(&I, 20, 10); op_lit(&I, 20);
		op_rep5(&I, 20, 10);
		op_lit(&I, 20);                 op_rep5(&I, 20, 10); op_lit(&I, 0); op_lit(&I, 0); op_lit(&I, ds);
		op_rep5(&I, 20, 10);
		op_lit(&I, 0);
		op_lit(&I, 0);
		op_lit(&I, ds);                 op_rep_final(&I, ds); put(&I, S.p, S.n);
		op_rep_final(&I, ds);
	}
	if (I.n != ilen)
		die("quine: data is %zu bytes, expected %zu", I.n, ilen);
	out->n = 0;
	put(out, P.p, P.n);
	put(out, I.p, I.n);
	put(out, S.p, S.n);
	/* Where the CRC sits: in P and S, each once as itself and once quoted in I. */
	for (size_t i = 0; i + 4 <= out->n && *ncrc < ncrc_max; i++) {
		if (out->p[i] == (crc & 0xff) && out->p[i + 1] == ((crc >> 8) & 0xff) &&
		    out->p[i + 2] == ((crc >> 16) & 0xff) && out->p[i + 3] == (crc >> 24))
			crc_pos[(*ncrc)++] = i;
	}
	free(P.p); free(S.p); free(I.p);
}

/*
 * quine OUT: a zip whose one member, inflated, is the zip itself. The CRC
 * must describe a file that holds it; CRC-32 is affine over GF(2), so the
 * fixed point solves a 32x32 linear system built from 33 trial CRCs.
 */
static void cmd_quine(int argc, char **argv)
{
	/* 30 characters: makes the 5-byte repeat of P and one op (65 bytes) fit in 40 bits. */
	char nm[] = "sila-hostile-quine-r-00001.zip";
	struct bytes f = { 0 };
	size_t pos[16], npos;
	uint32_t base, col[32], rows[32], rhs;
	uint32_t marker = 0x5a17c0deu;

	if (argc != 1)
		die("quine OUT");
	if (strlen(nm) != 30)
		die("quine: name length");
	for (int attempt = 0; attempt < 64; attempt++) {
		int rank = 0, ok = 1;
		uint32_t sol = 0;

		nm[strlen(nm) - 5] = (char)('a' + attempt % 26);
		nm[strlen(nm) - 6] = (char)('a' + attempt / 26);
		quine_build(&f, nm, marker, pos, 16, &npos);
		if (npos < 2)
			die("quine: CRC positions not found");
		/* f(c): the CRC of the file with c written at every CRC position. */
		for (size_t i = 0; i < npos; i++)
			set_le32(f.p + pos[i], 0);
		base = (uint32_t)crc32(0, f.p, (uInt)f.n);
		for (int bit = 0; bit < 32; bit++) {
			for (size_t i = 0; i < npos; i++)
				set_le32(f.p + pos[i], 1u << bit);
			col[bit] = (uint32_t)crc32(0, f.p, (uInt)f.n) ^ base ^ (1u << bit);
		}
		/* (M + I) c = base, M's column bit is col[bit] (with I added above). */
		for (int r = 0; r < 32; r++) {
			rows[r] = 0;
			for (int bit = 0; bit < 32; bit++)
				rows[r] |= ((col[bit] >> r) & 1u) << bit;
		}
		rhs = base;
		{
			uint32_t rr[32], rb[32];
			int where[32];

			for (int r = 0; r < 32; r++) {
				rr[r] = rows[r];
				rb[r] = (rhs >> r) & 1u;
				where[r] = -1;
			}
			for (int bit = 0; bit < 32 && ok; bit++) {
				int piv = -1;

				for (int r = rank; r < 32; r++)
					if ((rr[r] >> bit) & 1u) {
						piv = r;
						break;
					}
				if (piv < 0) {
					ok = 0;
					break;
				}
				{
					uint32_t t = rr[piv], tb = rb[piv];

					rr[piv] = rr[rank]; rb[piv] = rb[rank];
					rr[rank] = t; rb[rank] = tb;
				}
				for (int r = 0; r < 32; r++)
					if (r != rank && ((rr[r] >> bit) & 1u)) {
						rr[r] ^= rr[rank];
						rb[r] ^= rb[rank];
					}
				where[bit] = rank++;
			}
			if (!ok)
				continue;
			for (int bit = 0; bit < 32; bit++)
				sol |= rb[where[bit]] << bit;
		}
		for (size_t i = 0; i < npos; i++)
			set_le32(f.p + pos[i], sol);
		if ((uint32_t)crc32(0, f.p, (uInt)f.n) != sol)
			die("quine: CRC fixed point is wrong");
		write_file(argv[0], &f);
		free(f.p);
		return;
	}
	die("quine: no CRC fixed point found");
}

/* gzip OUT SIZE: a gzip member of SIZE zero bytes (a gzip bomb). */
static void cmd_gzip(int argc, char **argv)
{
	struct deflated d;
	struct bytes b = { 0 };
	static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3 };

	if (argc != 2)
		die("gzip OUT SIZE");
	deflate_text(&d, NULL, 0, "", 1, num(argv[1]), NULL, 0);
	put(&b, hdr, sizeof(hdr));
	put(&b, d.z.p, d.z.n);
	le32(&b, d.crc);
	le32(&b, (uint32_t)d.usize);
	write_file(argv[0], &b);
	free(b.p);
	free(d.z.p);
}

/* A PDF being written: object offsets for the xref table. */
struct pdf {
	struct bytes b;
	size_t off[64];
	int nobj;
};

static void pdf_obj(struct pdf *p, int num_, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	p->off[num_] = p->b.n;
	if (num_ >= p->nobj)
		p->nobj = num_ + 1;
	putf(&p->b, "%d 0 obj\n%s\nendobj\n", num_, tmp);
}

static void pdf_xref(struct pdf *p, int root)
{
	size_t x = p->b.n;

	putf(&p->b, "xref\n0 %d\n0000000000 65535 f \n", p->nobj);
	for (int i = 1; i < p->nobj; i++)
		putf(&p->b, "%010zu 00000 n \n", p->off[i]);
	putf(&p->b, "trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%zu\n%%%%EOF\n", p->nobj, root, x);
}

#define PDF_HEAD "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
#define PDF_FONT "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"

/*
 * pdf-cycle OUT: a page tree whose Pages node lists itself among its Kids
 * (and whose page's Parent is a Pages node that is its own Parent).
 */
static void cmd_pdf_cycle(int argc, char **argv)
{
	struct pdf p = { 0 };
	static const char content[] = "BT /F1 12 Tf 72 712 Td (sila hostile cyclic page tree) Tj ET\n";

	if (argc != 1)
		die("pdf-cycle OUT");
	puts_(&p.b, PDF_HEAD);
	pdf_obj(&p, 1, "<</Type/Catalog/Pages 2 0 R>>");
	pdf_obj(&p, 2, "<</Type/Pages/Kids[2 0 R 3 0 R 6 0 R]/Count 3/Parent 2 0 R>>");
	pdf_obj(&p, 3, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
		       "/Resources<</Font<</F1 5 0 R>>>>>>");
	pdf_obj(&p, 4, "<</Length %zu>>\nstream\n%sendstream", sizeof(content) - 1, content);
	pdf_obj(&p, 5, PDF_FONT);
	/* A second Pages node, a cycle of two: 6 -> 7 -> 6. */
	pdf_obj(&p, 6, "<</Type/Pages/Kids[7 0 R]/Count 1/Parent 2 0 R>>");
	pdf_obj(&p, 7, "<</Type/Pages/Kids[6 0 R 3 0 R]/Count 1/Parent 6 0 R>>");
	pdf_xref(&p, 1);
	write_file(argv[0], &p.b);
	free(p.b.p);
}

/*
 * pdf-objstm OUT: a PDF 1.5 file with a cross-reference stream in which an
 * object stream (5) is itself listed as compressed inside object stream 5,
 * and extends itself; the page's contents and the Pages node live there too.
 */
static void cmd_pdf_objstm(int argc, char **argv)
{
	struct pdf p = { 0 };
	struct bytes objs = { 0 }, idx = { 0 }, xs = { 0 };
	static const char content[] = "BT /F1 12 Tf 72 712 Td (sila hostile object stream) Tj ET\n";
	size_t o2, o5, xref_off;

	if (argc != 1)
		die("pdf-objstm OUT");
	puts_(&p.b, PDF_HEAD);
	pdf_obj(&p, 1, "<</Type/Catalog/Pages 2 0 R>>");
	pdf_obj(&p, 3, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
		       "/Resources<</Font<</F1 6 0 R>>>>>>");
	pdf_obj(&p, 4, "<</Length %zu>>\nstream\n%sendstream", sizeof(content) - 1, content);
	/* Object stream 5 holds object 2 (Pages) and, per the xref, object 5 itself. */
	o2 = 0;
	puts_(&objs, "<</Type/Pages/Kids[3 0 R]/Count 1>> ");
	o5 = objs.n;
	puts_(&objs, "<</Type/ObjStm/N 2/First 0/Extends 5 0 R>> ");
	putf(&idx, "2 %zu 5 %zu ", o2, o5);
	p.off[5] = p.b.n;
	putf(&p.b, "5 0 obj\n<</Type/ObjStm/N 2/First %zu/Extends 5 0 R/Length %zu>>\nstream\n",
	     idx.n, idx.n + objs.n);
	put(&p.b, idx.p, idx.n);
	put(&p.b, objs.p, objs.n);
	puts_(&p.b, "\nendstream\nendobj\n");
	pdf_obj(&p, 6, PDF_FONT);
	/* The cross-reference stream, object 7: W [1 4 2], uncompressed. */
	xref_off = p.b.n;
	for (int i = 0; i < 8; i++) {
		unsigned char e[7] = { 0 };
		uint32_t f2 = 0, f3 = 0;

		if (i == 0) {
			e[0] = 0; f3 = 0xffff;
		} else if (i == 2) {
			e[0] = 2; f2 = 5; f3 = 0;  /* in object stream 5, index 0 */
		} else if (i == 5) {
			e[0] = 2; f2 = 5; f3 = 1;  /* object stream 5 inside itself */
		} else if (i == 7) {
			e[0] = 1; f2 = (uint32_t)xref_off;
		} else {
			e[0] = 1; f2 = (uint32_t)p.off[i];
		}
		e[1] = (unsigned char)(f2 >> 24); e[2] = (unsigned char)(f2 >> 16);
		e[3] = (unsigned char)(f2 >> 8); e[4] = (unsigned char)f2;
		e[5] = (unsigned char)(f3 >> 8); e[6] = (unsigned char)f3;
		put(&xs, e, 7);
	}
	putf(&p.b, "7 0 obj\n<</Type/XRef/Size 8/W[1 4 2]/Root 1 0 R/Length %zu>>\nstream\n", xs.n);
	put(&p.b, xs.p, xs.n);
	putf(&p.b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref_off);
	write_file(argv[0], &p.b);
	free(p.b.p); free(objs.p); free(idx.p); free(xs.p);
}

/*
 * pdf-huge OUT SIZE: one page whose FlateDecode content stream inflates to
 * SIZE bytes of text-showing operators.
 */
static void cmd_pdf_huge(int argc, char **argv)
{
	struct pdf p = { 0 };
	struct deflated d;
	static const char op[] = "BT /F1 12 Tf 72 712 Td (sila hostile) Tj ET\n";
	unsigned char zh[2] = { 0x78, 0xda };
	uint64_t size;

	if (argc != 2)
		die("pdf-huge OUT SIZE");
	size = num(argv[1]) / (sizeof(op) - 1) * (sizeof(op) - 1);
	deflate_text(&d, NULL, 0, op, sizeof(op) - 1, size, NULL, 0);
	puts_(&p.b, PDF_HEAD);
	pdf_obj(&p, 1, "<</Type/Catalog/Pages 2 0 R>>");
	pdf_obj(&p, 2, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
	pdf_obj(&p, 3, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
		       "/Resources<</Font<</F1 5 0 R>>>>>>");
	p.off[4] = p.b.n;
	putf(&p.b, "4 0 obj\n<</Length %zu/Filter/FlateDecode>>\nstream\n", d.z.n + 6);
	put(&p.b, zh, 2);
	put(&p.b, d.z.p, d.z.n);
	{
		unsigned char a[4] = { (unsigned char)(d.adler >> 24), (unsigned char)(d.adler >> 16),
				       (unsigned char)(d.adler >> 8), (unsigned char)d.adler };

		put(&p.b, a, 4);
	}
	puts_(&p.b, "\nendstream\nendobj\n");
	pdf_obj(&p, 5, PDF_FONT);
	pdf_xref(&p, 1);
	write_file(argv[0], &p.b);
	free(p.b.p);
	free(d.z.p);
}

static const char ct_docx[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/"
	"vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
static const char rels_docx[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* docx-huge OUT SIZE: a DOCX whose document.xml is one run of SIZE spaces. */
static void cmd_docx_huge(int argc, char **argv)
{
	struct zip z = { 0 };

	if (argc != 2)
		die("docx-huge OUT SIZE");
	zip_add_bytes(&z, "[Content_Types].xml", ct_docx, sizeof(ct_docx) - 1);
	zip_add_bytes(&z, "_rels/.rels", rels_docx, sizeof(rels_docx) - 1);
	zip_add_run(&z, "word/document.xml",
		    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		    "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t xml:space=\"preserve\">",
		    " ", num(argv[1]), "</w:t></w:r></w:p></w:body></w:document>");
	zip_write(&z, argv[0]);
}

/* docx-laughs OUT: a DOCX whose document.xml declares the "billion laughs" entities. */
static void cmd_docx_laughs(int argc, char **argv)
{
	struct zip z = { 0 };
	struct bytes x = { 0 };

	if (argc != 1)
		die("docx-laughs OUT");
	puts_(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE w:document [\n"
		  " <!ENTITY lol \"lol\">\n");
	for (int i = 1; i <= 9; i++) {
		putf(&x, " <!ENTITY lol%d \"", i);
		for (int j = 0; j < 10; j++)
			putf(&x, i == 1 ? "&lol;" : "&lol%d;", i - 1);
		puts_(&x, "\">\n");
	}
	puts_(&x, "]>\n<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r>"
		  "</w:p></w:body></w:document>\n");
	zip_add_bytes(&z, "[Content_Types].xml", ct_docx, sizeof(ct_docx) - 1);
	zip_add_bytes(&z, "_rels/.rels", rels_docx, sizeof(rels_docx) - 1);
	zip_add_bytes(&z, "word/document.xml", x.p, x.n);
	zip_write(&z, argv[0]);
	free(x.p);
}

/*
 * docx-deep OUT N: a DOCX whose body holds a paragraph inside N nested
 * customXml elements, deeper than XML parsers go by default (256).
 */
static void cmd_docx_deep(int argc, char **argv)
{
	struct zip z = { 0 };
	struct bytes x = { 0 };
	unsigned long long n;

	if (argc != 2)
		die("docx-deep OUT N");
	n = num(argv[1]);
	puts_(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		  "<w:document xmlns:w=\"" W_NS "\"><w:body>");
	for (unsigned long long i = 0; i < n; i++)
		puts_(&x, "<w:customXml w:element=\"x\">");
	puts_(&x, "<w:p><w:r><w:t>Personnummer 20000101-2384</w:t></w:r></w:p>");
	for (unsigned long long i = 0; i < n; i++)
		puts_(&x, "</w:customXml>");
	puts_(&x, "</w:body></w:document>\n");
	zip_add_bytes(&z, "[Content_Types].xml", ct_docx, sizeof(ct_docx) - 1);
	zip_add_bytes(&z, "_rels/.rels", rels_docx, sizeof(rels_docx) - 1);
	zip_add_bytes(&z, "word/document.xml", x.p, x.n);
	zip_write(&z, argv[0]);
	free(x.p);
}

/* tar OUT NAME FILE: a ustar archive of one member called NAME (kept as given). */
static void cmd_tar(int argc, char **argv)
{
	struct bytes b = { 0 }, f;
	unsigned char h[512] = { 0 }, zero[1024] = { 0 };
	unsigned sum = 0;

	if (argc != 3)
		die("tar OUT NAME FILE");
	f = read_file(argv[2]);
	if (strlen(argv[1]) >= 100)
		die("tar: name too long");
	memcpy(h, argv[1], strlen(argv[1]));
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf((char *)h + 124, 12, "%011zo", f.n);
	snprintf((char *)h + 136, 12, "%011o", 1577836800u);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	put(&b, h, 512);
	put(&b, f.p, f.n);
	put(&b, zero, (512 - f.n % 512) % 512);
	put(&b, zero, 1024);
	write_file(argv[0], &b);
	free(b.p);
	free(f.p);
}

/* random OUT SIZE SEED [PREFIX]: reproducible random bytes (xorshift64*), after PREFIX. */
static void cmd_random(int argc, char **argv)
{
	struct bytes b = { 0 };
	uint64_t x, n;

	if (argc != 3 && argc != 4)
		die("random OUT SIZE SEED [PREFIX]");
	n = num(argv[1]);
	x = num(argv[2]) * 0x9e3779b97f4a7c15ull + 1;
	if (argc == 4) {
		/* The prefix may hold \xHH escapes, for magic numbers. */
		for (const char *s = argv[3]; *s; s++) {
			unsigned char c = (unsigned char)*s;

			if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
				char hx[3] = { s[2], s[3], 0 };

				c = (unsigned char)strtoul(hx, NULL, 16);
				s += 3;
			} else if (s[0] == '\\' && s[1] == 'n') {
				c = '\n';
				s++;
			} else if (s[0] == '\\' && s[1] == 'r') {
				c = '\r';
				s++;
			}
			put(&b, &c, 1);
		}
	}
	while (b.n < n) {
		unsigned char c;

		x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
		c = (unsigned char)((x * 0x2545f4914f6cdd1dull) >> 56);
		put(&b, &c, 1);
	}
	write_file(argv[0], &b);
	free(b.p);
}

static void usage(void)
{
	fputs("usage: gen COMMAND OUT ARGS...\n"
	      "  zip OUT NAME=@FILE|NAME=%BYTE:SIZE...   zip of files and byte runs\n"
	      "  zip-empty OUT N                        N empty members\n"
	      "  overlap OUT N KERNEL                   Fifield's overlapping zip bomb\n"
	      "  quine OUT                              a zip that contains itself\n"
	      "  gzip OUT SIZE                          gzip of SIZE zero bytes\n"
	      "  pdf-cycle OUT | pdf-objstm OUT         PDFs with cyclic object graphs\n"
	      "  pdf-huge OUT SIZE                      PDF, content stream of SIZE bytes\n"
	      "  docx-huge OUT SIZE | docx-laughs OUT   DOCX with a huge part / entity bomb\n"
	      "  docx-deep OUT N                        DOCX nested N elements deep\n"
	      "  tar OUT NAME FILE                      ustar with one member NAME\n"
	      "  random OUT SIZE SEED [PREFIX]          seeded random bytes\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(int, char **);
	} cmds[] = {
		{ "zip", cmd_zip }, { "zip-empty", cmd_zip_empty }, { "overlap", cmd_overlap },
		{ "quine", cmd_quine }, { "gzip", cmd_gzip }, { "pdf-cycle", cmd_pdf_cycle },
		{ "pdf-objstm", cmd_pdf_objstm }, { "pdf-huge", cmd_pdf_huge },
		{ "docx-huge", cmd_docx_huge }, { "docx-laughs", cmd_docx_laughs },
		{ "docx-deep", cmd_docx_deep },
		{ "tar", cmd_tar }, { "random", cmd_random },
	};

	if (argc < 3)
		usage();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0) {
			cmds[i].fn(argc - 2, argv + 2);
			return 0;
		}
	usage();
	return 2;
}
