/*
 * unpack.c - directory walks and in-memory archive expansion.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "hash.h"
#include "names.h"
#include "parts.h"
#include "pool.h"
#include "record.h"
#include "status.h"
#include "text.h"
#include "unpack.h"

/* A directory on the current walk, to notice a loop (bind mounts, a followed link). */
struct dir_id {
	dev_t dev;
	ino_t ino;
};

struct sila_unpack {
	struct sila_limits lim;
	sila_emit_fn emit;
	void *ctx;
	int worst;            /* SILA_OK, SILA_WARN or SILA_FATAL */
	char err[512];
	size_t expanded;      /* bytes expanded from the current on-disk file */
	size_t top_size;      /* that file's own size, for the expansion ratio */
	char (*ancestors)[SILA_SHA256_HEX]; /* the containers being expanded, outermost first */
	unsigned nancestors;
	int isolate;          /* expand containers in a limited, sandboxed child */
	struct {
		pid_t pid;    /* the expander child; 0: none running */
		FILE *to;     /* the parent's requests; in the child, its records out */
		FILE *from;   /* the child's records, to the parent */
		int done;     /* in the child: the request's own line was written */
	} x;
	sila_emit_head_fn emit_head; /* for streamed files; NULL: hold every file whole */
	sila_emit_body_fn emit_body;
	struct dir_id *dirs;  /* the directories being walked, outermost first */
	size_t ndirs, adirs;
	sila_file_fn on_file; /* asked first about each regular file on disk */
	void *on_file_ctx;
	unsigned shard, nshards; /* keep shard of nshards (1-based); 0: all */
};

enum archive_kind { AK_NONE, AK_ZIP, AK_TAR, AK_GZIP, AK_BZIP2, AK_XZ, AK_7Z, AK_ZSTD };

static const char *const kind_type[] = {
	NULL, "application/zip", "application/x-tar", "application/gzip",
	"application/x-bzip2", "application/x-xz", "application/x-7z-compressed",
	"application/zstd"
};

static const char *const kind_name[] = {
	NULL, "zip", "tar", "gzip", "bzip2", "xz", "7z", "zstd"
};

static int process_blob(struct sila_unpack *u, json_t *hdr, const char *data,
			size_t len, unsigned depth);
static int expander_stop(struct sila_unpack *u, int kill_it);

struct sila_unpack *sila_unpack_new(const struct sila_limits *lim,
				    sila_emit_fn emit, void *ctx)
{
	struct sila_unpack *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->lim = *lim;
	u->emit = emit;
	u->ctx = ctx;
	u->ancestors = calloc(lim->max_depth + 1, sizeof(*u->ancestors));
	if (!u->ancestors) {
		free(u);
		return NULL;
	}
	return u;
}

void sila_unpack_free(struct sila_unpack *u)
{
	if (!u)
		return;
	expander_stop(u, 0);
	free(u->dirs);
	free(u->ancestors);
	free(u);
}

void sila_unpack_streaming(struct sila_unpack *u, sila_emit_head_fn head, sila_emit_body_fn body)
{
	u->emit_head = head;
	u->emit_body = body;
}

void sila_unpack_isolate(struct sila_unpack *u, int on)
{
	u->isolate = on;
	/* Loaded here once, the converters and time zone are every child's. */
	if (on)
		sila_sandbox_preload();
}

void sila_unpack_on_file(struct sila_unpack *u, sila_file_fn fn, void *ctx)
{
	u->on_file = fn;
	u->on_file_ctx = ctx;
}

void sila_unpack_shard(struct sila_unpack *u, unsigned i, unsigned n)
{
	u->shard = i;
	u->nshards = n;
}

unsigned sila_shard_of(const char *path, size_t len, unsigned n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)path[i];
		h *= 1099511628211ULL;
	}
	return n ? (unsigned)(h % n) + 1 : 1;
}

const char *sila_unpack_errmsg(const struct sila_unpack *u)
{
	return u->err;
}

/* Sniffs the archive kind from the first bytes; a zip must start with a local header. */
static enum archive_kind sniff(const unsigned char *p, size_t n)
{
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
		return AK_ZIP;
	if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return AK_GZIP;
	if (n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
		return AK_BZIP2;
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return AK_XZ;
	if (n >= 6 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0)
		return AK_7Z;
	if (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return AK_ZSTD;
	if (n >= 512 && memcmp(p + 257, "ustar", 5) == 0)
		return AK_TAR;
	return AK_NONE;
}

const char *sila_archive_type(const void *data, size_t len)
{
	return kind_type[sniff(data, len)];
}

/*
 * Whether a zip is a document rather than an archive: Office Open XML has
 * [Content_Types].xml, OpenDocument and EPUB a "mimetype" entry.
 */
static int zip_is_document(const void *data, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int doc = 0, n = 0;

	if (!a)
		return 0;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) == ARCHIVE_OK) {
		while (n++ < 10000 && archive_read_next_header(a, &e) == ARCHIVE_OK) {
			const char *name = archive_entry_pathname(e);

			if (name && (strcmp(name, "[Content_Types].xml") == 0 ||
				     strcmp(name, "mimetype") == 0)) {
				doc = 1;
				break;
			}
		}
	}
	archive_read_free(a);
	return doc;
}

/* Little-endian integers of the zip format. */
static size_t zle16(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8;
}

static size_t zle32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

/*
 * Whether a zip is plainly an office document, told without decoding it:
 * it ends in an end-of-central-directory record with no comment, and its
 * central directory, every entry whole and pointing at a local header,
 * lists [Content_Types].xml (Office Open XML) or mimetype (OpenDocument)
 * among its first 10000 entries, with the local header naming it too.
 * Only bounds-checked reads of fixed fields, so it is safe outside the
 * sandbox, and such a zip needs no child: zip_is_document would say the
 * same. Anything else (damaged, zip64, unusual) is left to the child.
 */
static int zip_plainly_document(const unsigned char *p, size_t len)
{
	static const char *const names[] = { "[Content_Types].xml", "mimetype" };
	size_t eocd, at;

	if (len < 30 + 46 + 22 || memcmp(p, "PK\3\4", 4) != 0)
		return 0;
	eocd = len - 22;
	if (memcmp(p + eocd, "PK\5\6", 4) != 0 || zle16(p + eocd + 20) != 0)
		return 0;
	at = zle32(p + eocd + 16);
	for (int k = 0; k < 10000 && at < eocd; k++) {
		size_t n, extra, comment, local;

		if (eocd - at < 46 || memcmp(p + at, "PK\1\2", 4) != 0)
			return 0;
		n = zle16(p + at + 28);
		extra = zle16(p + at + 30);
		comment = zle16(p + at + 32);
		local = zle32(p + at + 42);
		if (n + extra + comment > eocd - at - 46 || local >= len || len - local < 30 + n ||
		    memcmp(p + local, "PK\3\4", 4) != 0)
			return 0;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (n == strlen(names[i]) && memcmp(p + at + 46, names[i], n) == 0 &&
			    zle16(p + local + 26) == n && memcmp(p + local + 30, names[i], n) == 0)
				return 1;
		at += 46 + n + extra + comment;
	}
	return 0;
}

/* Marks u as having met a problem with message msg. */
static void note_problem(struct sila_unpack *u, const char *msg)
{
	snprintf(u->err, sizeof(u->err), "%s", msg);
	if (u->worst < SILA_WARN)
		u->worst = SILA_WARN;
}

/* Passes a record on; a failed emit makes the whole unpacker fatal. */
static int emit(struct sila_unpack *u, json_t *hdr, const void *body, size_t len)
{
	if (u->emit(u->ctx, hdr, body, len) != SILA_OK) {
		snprintf(u->err, sizeof(u->err), "cannot write the record stream");
		u->worst = SILA_FATAL;
		return SILA_FATAL;
	}
	return SILA_OK;
}

/* Sets a record's status and adds one warning, keeping the worse status. */
static void set_problem(json_t *hdr, enum sila_doc_status st, const char *code,
			const char *msg)
{
	json_t *w = json_object_get(hdr, "warnings");
	int old = sila_doc_status_parse(json_string_value(json_object_get(hdr, "status")));

	if (!w) {
		w = json_array();
		json_object_set_new(hdr, "warnings", w);
	}
	sila_warn_add(w, code, "%s", msg);
	if ((int)st > old)
		json_object_set_new(hdr, "status", json_string(sila_doc_status_name(st)));
}

/* Emits a record without a body for something that could not be read. */
static int emit_problem(struct sila_unpack *u, json_t *hdr, enum sila_doc_status st,
			const char *code, const char *msg)
{
	set_problem(hdr, st, code, msg);
	note_problem(u, msg);
	return emit(u, hdr, NULL, 0);
}

/* A new header for a file on disk (or a blob standing for one). */
static json_t *path_hdr(const char *path)
{
	json_t *hdr = json_object();

	if (hdr && sila_json_set_name(hdr, "path", path, strlen(path)) != SILA_OK) {
		json_decref(hdr);
		return NULL;
	}
	return hdr;
}

/* A new header for a member of the container described by parent. */
static json_t *member_hdr(const json_t *parent, const char *name, size_t n)
{
	json_t *hdr = json_object();
	static const char *const keep[] = { "path", "path_b64", "member", "member_b64" };

	if (!hdr)
		return NULL;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *v = json_object_get(parent, keep[i]);

		if (v)
			json_object_set_new(hdr, keep[i], json_deep_copy(v));
	}
	if (sila_json_push_member(hdr, name, n) != SILA_OK) {
		json_decref(hdr);
		return NULL;
	}
	return hdr;
}

/*
 * The name of the one member of a compressed single file: the container's
 * own name without its compression suffix ("notes.txt.gz" gives
 * "notes.txt", "x.tgz" gives "x.tar").
 */
static void single_member_name(const json_t *hdr, char *out, size_t outlen)
{
	const json_t *m = json_object_get(hdr, "member");
	const char *name = json_string_value(json_object_get(hdr, "path"));
	static const char *const sfx[][2] = {
		{ ".tgz", ".tar" }, { ".tbz2", ".tar" }, { ".txz", ".tar" },
		{ ".gz", "" }, { ".bz2", "" }, { ".xz", "" }, { ".zst", "" }, { ".z", "" },
	};
	const char *slash;
	size_t len;

	if (json_array_size(m))
		name = json_string_value(json_array_get(m, json_array_size(m) - 1));
	if (!name)
		name = "data";
	slash = strrchr(name, '/');
	if (slash && slash[1])
		name = slash + 1;
	snprintf(out, outlen, "%s", name);
	len = strlen(out);
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		size_t sl = strlen(sfx[i][0]);

		if (len > sl && strcasecmp(out + len - sl, sfx[i][0]) == 0) {
			snprintf(out + len - sl, outlen - (len - sl), "%s", sfx[i][1]);
			return;
		}
	}
}

/*
 * Whether what one file on disk expanded to is out of proportion to its
 * size, as in a compression bomb. Small expansions are not judged: a
 * kilobyte of zeros compresses a thousandfold too.
 */
static int ratio_exceeded(const struct sila_unpack *u)
{
	size_t base = u->top_size ? u->top_size : 1;

	return u->lim.max_ratio && u->expanded > SILA_RATIO_FLOOR &&
	       u->expanded / base > u->lim.max_ratio;
}

/* Reads the current entry's data into b, hashing every byte, within the limits. */
static int read_entry(struct sila_unpack *u, struct archive *a, struct sila_buf *b,
		      char sha[SILA_SHA256_HEX], size_t *size, json_t *mhdr)
{
	struct sila_sha256 *h = sila_sha256_new();
	char chunk[65536];
	la_ssize_t n;
	int cut = 0, ret = SILA_OK;

	*size = 0;
	if (!h)
		return SILA_FAILED;
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		*size += (size_t)n;
		u->expanded += (size_t)n;
		sila_sha256_update(h, chunk, (size_t)n);
		if (u->expanded > u->lim.max_expanded) {
			set_problem(mhdr, SILA_DOC_PARTIAL, "limit-exceeded",
				    "total expanded size limit reached (--max-expanded)");
			ret = SILA_WARN;
			break;
		}
		if (ratio_exceeded(u)) {
			set_problem(mhdr, SILA_DOC_PARTIAL, "limit-exceeded",
				    "expansion ratio limit reached (--max-ratio): a compression bomb?");
			ret = SILA_WARN;
			break;
		}
		if (!cut && sila_buf_add_upto(b, chunk, (size_t)n) != SILA_OK) {
			cut = 1;
			set_problem(mhdr, SILA_DOC_PARTIAL, "limit-exceeded",
				    "file size limit reached (--max-file)");
		}
	}
	if (n < 0) {
		set_problem(mhdr, SILA_DOC_PARTIAL, "extraction-failed",
			    archive_error_string(a) ? archive_error_string(a) : "archive read error");
		ret = SILA_WARN;
	}
	sila_sha256_finish(h, sha);
	return ret;
}

/*
 * Expands one archive: a record per regular-file member (recursively), then
 * the container's own record. Directories and links hold no bytes of their
 * own and yield no record.
 */
static int expand_as(struct sila_unpack *u, json_t *hdr, const char *data, size_t len,
		     enum archive_kind kind, unsigned depth, int raw_only);

/* Whether the n bytes at p are all zero. */
static int all_zeros(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int expand(struct sila_unpack *u, json_t *hdr, const char *data, size_t len,
		  enum archive_kind kind, unsigned depth)
{
	return expand_as(u, hdr, data, len, kind, depth, 0);
}

static int expand_as(struct sila_unpack *u, json_t *hdr, const char *data, size_t len,
		     enum archive_kind kind, unsigned depth, int raw_only)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct sila_buf b = SILA_BUF_INIT(u->lim.max_file);
	size_t members = 0;
	int r = ARCHIVE_OK, ret = SILA_OK;

	json_object_set_new(hdr, "type", json_string(kind_type[kind]));
	json_object_set_new(hdr, "container", json_string(kind_name[kind]));
	if (!a)
		return emit_problem(u, hdr, SILA_DOC_ERROR, "extraction-failed", "out of memory");
	archive_read_support_filter_all(a);
	switch (kind) {
	case AK_ZIP: archive_read_support_format_zip(a); break;
	case AK_7Z: archive_read_support_format_7zip(a); break;
	case AK_TAR: archive_read_support_format_tar(a); break;
	default:
		/* A compressed stream: a tar inside, or else one raw member. */
		if (!raw_only)
			archive_read_support_format_tar(a);
		archive_read_support_format_raw(a);
		break;
	}
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		const char *msg = archive_error_string(a);

		ret = emit_problem(u, hdr, SILA_DOC_UNSCANNABLE, "extraction-failed",
				   msg ? msg : "cannot open archive");
		archive_read_free(a);
		return ret;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		char sha[SILA_SHA256_HEX], rawname[1024];
		const char *name = archive_entry_pathname(e);
		json_t *mhdr;
		size_t size;

		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
			continue;
		if (members >= u->lim.max_members) {
			set_problem(hdr, SILA_DOC_PARTIAL, "limit-exceeded",
				    "member limit reached (--max-members)");
			break;
		}
		members++;
		if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
			single_member_name(hdr, rawname, sizeof(rawname));
			name = rawname;
		}
		if (!name)
			name = "";
		mhdr = member_hdr(hdr, name, strlen(name));
		if (!mhdr) {
			ret = SILA_FATAL;
			break;
		}
		if (archive_entry_is_encrypted(e)) {
			json_object_set_new(mhdr, "size", json_integer(archive_entry_size(e)));
			ret = emit_problem(u, mhdr, SILA_DOC_UNSCANNABLE, "encrypted",
					   "member is encrypted");
			json_decref(mhdr);
			set_problem(hdr, SILA_DOC_PARTIAL, "encrypted", "some members are encrypted");
			if (ret == SILA_FATAL)
				break;
			continue;
		}
		sila_buf_reset(&b);
		r = read_entry(u, a, &b, sha, &size, mhdr);
		/* Read again as raw, a small run of zeros is just an empty tar's padding. */
		if (raw_only && size <= 65536 && b.len == size && all_zeros(b.data, b.len)) {
			json_decref(mhdr);
			members--;
			continue;
		}
		json_object_set_new(mhdr, "size", json_integer((json_int_t)size));
		json_object_set_new(mhdr, "sha256", json_string(sha));
		ret = process_blob(u, mhdr, b.data ? b.data : "", b.len, depth + 1);
		json_decref(mhdr);
		if (ret == SILA_FATAL || u->expanded > u->lim.max_expanded || ratio_exceeded(u))
			break;
	}
	if (u->expanded > u->lim.max_expanded)
		set_problem(hdr, SILA_DOC_PARTIAL, "limit-exceeded",
			    "total expanded size limit reached (--max-expanded)");
	if (ratio_exceeded(u))
		set_problem(hdr, SILA_DOC_PARTIAL, "limit-exceeded",
			    "expansion ratio limit reached (--max-ratio): a compression bomb?");
	/*
	 * Zeros read as an empty tar (two zero blocks end one): a compressed
	 * stream that yields no member is read again as one raw member, so a
	 * bomb of zeros meets the limits instead of passing as empty.
	 */
	if (members == 0 && !raw_only && ret != SILA_FATAL && kind != AK_ZIP && kind != AK_7Z &&
	    kind != AK_TAR && archive_format(a) == ARCHIVE_FORMAT_TAR) {
		sila_buf_release(&b);
		archive_read_free(a);
		return expand_as(u, hdr, data, len, kind, depth, 1);
	}
	if (r == ARCHIVE_FATAL) {
		const char *msg = archive_error_string(a);

		set_problem(hdr, members ? SILA_DOC_PARTIAL : SILA_DOC_UNSCANNABLE,
			    "extraction-failed", msg ? msg : "archive is damaged");
		note_problem(u, msg ? msg : "archive is damaged");
	}
	sila_buf_release(&b);
	archive_read_free(a);
	if (ret == SILA_FATAL)
		return ret;
	json_object_set_new(hdr, "members", json_integer((json_int_t)members));
	return emit(u, hdr, NULL, 0);
}

/* What expanding a part container needs in its per-part callback. */
struct parts_ctx {
	struct sila_unpack *u;
	json_t *hdr;       /* the container's header */
	unsigned depth;
	size_t members;
	int ret;
	int stopped;       /* the walk was stopped here, at a limit */
};

/* Turns one part of a mail, mbox or .msg into a member, expanded in turn. */
static int on_part(void *ctx, const char *name, const char *data, size_t len,
		   enum sila_doc_status st, const char *code, const char *msg)
{
	struct parts_ctx *pc = ctx;
	char sha[SILA_SHA256_HEX];
	json_t *mhdr = member_hdr(pc->hdr, name, strlen(name));

	if (!mhdr) {
		pc->ret = SILA_FATAL;
		return SILA_FATAL;
	}
	pc->members++;
	pc->u->expanded += len;
	sila_sha256_hex(data, len, sha);
	json_object_set_new(mhdr, "size", json_integer((json_int_t)len));
	json_object_set_new(mhdr, "sha256", json_string(sha));
	/* The container's own line says so too, when sila-classify sees this member's status. */
	if (st != SILA_DOC_OK)
		set_problem(mhdr, st, code ? code : "extraction-failed", msg ? msg : "part damaged");
	if (st >= SILA_DOC_UNSCANNABLE)
		pc->ret = emit(pc->u, mhdr, NULL, 0);
	else
		pc->ret = process_blob(pc->u, mhdr, data, len, pc->depth + 1);
	json_decref(mhdr);
	if (pc->ret == SILA_FATAL)
		return SILA_FATAL;
	if (pc->u->expanded > pc->u->lim.max_expanded) {
		set_problem(pc->hdr, SILA_DOC_PARTIAL, "limit-exceeded",
			    "total expanded size limit reached (--max-expanded)");
		pc->stopped = 1;
		return SILA_FAILED;
	}
	return SILA_OK;
}

/* Expands a mail, mbox or Outlook message into its parts, then emits its own record. */
static int expand_parts(struct sila_unpack *u, json_t *hdr, const char *data, size_t len,
			enum sila_parts_kind kind, unsigned depth)
{
	static const char *const type[] = {
		NULL, "message/rfc822", "application/mbox", "application/vnd.ms-outlook"
	};
	static const char *const name[] = { NULL, "mail", "mbox", "msg" };
	struct parts_ctx pc = { u, hdr, depth, 0, SILA_OK, 0 };
	char err[256] = "";
	int r;

	json_object_set_new(hdr, "type", json_string(type[kind]));
	json_object_set_new(hdr, "container", json_string(name[kind]));
	r = sila_parts_expand(kind, data, len, u->lim.max_members, on_part, &pc, err, sizeof(err));
	if (pc.ret == SILA_FATAL)
		return SILA_FATAL;
	if (r == SILA_FAILED && pc.members == 0) {
		set_problem(hdr, SILA_DOC_UNSCANNABLE, "extraction-failed", err[0] ? err : "cannot parse");
		note_problem(u, err);
	} else if ((r == SILA_WARN || r == SILA_FAILED) && !pc.stopped) {
		int limit = strstr(err, "limit") != NULL;

		set_problem(hdr, SILA_DOC_PARTIAL, limit ? "limit-exceeded" : "extraction-failed",
			    err[0] ? err : "damaged");
	}
	json_object_set_new(hdr, "members", json_integer((json_int_t)pc.members));
	return emit(u, hdr, NULL, 0);
}

/*
 * Passes one file's or member's bytes on: archives and part containers
 * (mail, mbox, Outlook messages) are expanded, anything else becomes a
 * record with the bytes as its body. hdr holds path, member, size and
 * sha256 already.
 */
static int process_blob(struct sila_unpack *u, json_t *hdr, const char *data,
			size_t len, unsigned depth)
{
	enum archive_kind kind = sniff((const unsigned char *)data, len);

	enum sila_parts_kind pkind = SILA_PARTS_NONE;

	if (kind == AK_ZIP && zip_is_document(data, len))
		kind = AK_NONE;
	if (kind == AK_NONE)
		pkind = sila_parts_sniff(data, len);
	if (kind == AK_NONE && pkind == SILA_PARTS_NONE)
		return emit(u, hdr, data, len);
	if (depth >= u->lim.max_depth) {
		if (pkind != SILA_PARTS_NONE)
			return emit_problem(u, hdr, SILA_DOC_UNSCANNABLE, "limit-exceeded",
					    "container nesting limit reached (--max-depth)");
		json_object_set_new(hdr, "type", json_string(kind_type[kind]));
		json_object_set_new(hdr, "container", json_string(kind_name[kind]));
		return emit_problem(u, hdr, SILA_DOC_UNSCANNABLE, "limit-exceeded",
				    "archive nesting limit reached (--max-depth)");
	}
	{
		const char *sha = json_string_value(json_object_get(hdr, "sha256"));
		int ret;

		/* A container holding a copy of one it is inside (a zip quine) is not opened again. */
		for (unsigned i = 0; sha && i < u->nancestors && i < depth; i++)
			if (strcmp(u->ancestors[i], sha) == 0) {
				if (kind != AK_NONE) {
					json_object_set_new(hdr, "type", json_string(kind_type[kind]));
					json_object_set_new(hdr, "container", json_string(kind_name[kind]));
				}
				return emit_problem(u, hdr, SILA_DOC_UNSCANNABLE, "limit-exceeded",
						    "the container holds a copy of one it is inside "
						    "(a quine); not expanded again");
			}
		if (sha && depth <= u->lim.max_depth) {
			snprintf(u->ancestors[depth], SILA_SHA256_HEX, "%s", sha);
			u->nancestors = depth + 1;
		}
		ret = pkind != SILA_PARTS_NONE ? expand_parts(u, hdr, data, len, pkind, depth)
					       : expand(u, hdr, data, len, kind, depth);
		u->nancestors = depth;
		return ret;
	}
}

/*
 * Writes a record into the pipe to the supervising parent, and notes
 * whether it was a container's own line, the last of a request.
 */
static int pipe_emit(void *ctx, json_t *hdr, const void *body, size_t len)
{
	struct sila_unpack *u = ctx;

	u->x.done = !json_object_get(hdr, "member");
	return sila_record_write(u->x.to, hdr, body, len) == SILA_OK ? SILA_OK : SILA_FATAL;
}

/*
 * The expander's loop: reads one container file at a time from in, as a
 * record, expands it and writes its records to out, the container's own
 * line last. It exits when in ends, and at once on anything else: a
 * request whose own line was not written, or a write that failed.
 */
static void expander_main(struct sila_unpack *u, FILE *in, FILE *out)
{
	struct sila_record rec;

	sila_record_init(&rec, u->lim.max_file ? u->lim.max_file + 1 : 0);
	u->emit = pipe_emit;
	u->ctx = u;
	u->x.to = out;
	while (sila_record_read(in, &rec) == SILA_OK && rec.has_body) {
		json_t *size = json_object_get(rec.hdr, "size");

		u->expanded = 0;
		u->top_size = json_is_integer(size) ? (size_t)json_integer_value(size) : rec.body.len;
		u->nancestors = 0;
		u->x.done = 0;
		if (process_blob(u, rec.hdr, rec.body.data ? rec.body.data : "", rec.body.len, 0) ==
			    SILA_FATAL ||
		    !u->x.done || fflush(out) != 0)
			_exit(3);
	}
	_exit(0);
}

/*
 * Starts the expander: a child limited in memory and sandboxed before it
 * reads anything, kept for file after file. Returns 0, or -1 when no
 * child could be started.
 */
static int expander_start(struct sila_unpack *u)
{
	int req[2], res[2];
	pid_t pid;

	if (pipe(req) != 0)
		return -1;
	if (pipe(res) != 0) {
		close(req[0]);
		close(req[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(req[0]);
		close(req[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (pid == 0) {
		FILE *in, *out;
		char err[256];

		close(req[1]);
		close(res[0]);
		/* The record stream's reader must see its end when the parent ends, not later. */
		for (int fd = 0; fd <= 2; fd++)
			if (fd != req[0] && fd != res[1] && fd != STDERR_FILENO)
				close(fd);
		sila_worker_limits(u->lim.max_memory);
		sila_sandbox_preload();
		if (sila_sandbox_enter(err, sizeof(err)) != 0)
			_exit(3);
		in = fdopen(req[0], "r");
		out = fdopen(res[1], "w");
		if (!in || !out)
			_exit(3);
		expander_main(u, in, out);
	}
	close(req[0]);
	close(res[1]);
	u->x.to = fdopen(req[1], "w");
	u->x.from = fdopen(res[0], "r");
	if (!u->x.to || !u->x.from) {
		if (u->x.to)
			fclose(u->x.to);
		else
			close(req[1]);
		if (u->x.from)
			fclose(u->x.from);
		else
			close(res[0]);
		u->x.to = u->x.from = NULL;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	u->x.pid = pid;
	return 0;
}

/*
 * Ends the expander, by closing its input, or by SIGKILL with kill set;
 * returns its wait status.
 */
static int expander_stop(struct sila_unpack *u, int kill_it)
{
	int ws = 0;

	if (!u->x.pid)
		return 0;
	if (kill_it)
		kill(u->x.pid, SIGKILL);
	fclose(u->x.to);
	fclose(u->x.from);
	while (waitpid(u->x.pid, &ws, 0) < 0 && errno == EINTR)
		;
	u->x.pid = 0;
	u->x.to = u->x.from = NULL;
	return ws;
}

/* Writes a request to the expander, with SIGPIPE ignored: a dead child is not the parent's death. */
static int expander_send(struct sila_unpack *u, json_t *hdr, const char *data, size_t len)
{
	struct sigaction ign, old;
	int st;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	st = sila_record_write(u->x.to, hdr, data, len);
	if (st == SILA_OK && fflush(u->x.to) != 0)
		st = SILA_FAILED;
	sigaction(SIGPIPE, &old, NULL);
	return st;
}

static volatile sig_atomic_t watchdog_fired;
static volatile pid_t watchdog_pid;

/* SIGALRM: the child took too long; kill it, which ends the parent's read. */
static void on_watchdog(int sig)
{
	(void)sig;
	watchdog_fired = 1;
	if (watchdog_pid > 0)
		kill(watchdog_pid, SIGKILL);
}

/*
 * Expands a container file in the expander, a child process limited in
 * memory and time and sandboxed, and passes its records on. A crash or
 * hang in libarchive, GMime or the .msg reader then costs this file only:
 * the members already read keep their lines, the file's own line says what
 * happened, and the next container gets a new child. The child is started
 * once and kept, so a sweep does not pay for a process per archive.
 */
static int isolated(struct sila_unpack *u, json_t *hdr, const char *data, size_t len)
{
	struct sila_record rec;
	struct sigaction sa, old;
	int ws, got_top = 0, st, ret = SILA_OK;

	if (!u->x.pid && expander_start(u) != 0)
		return process_blob(u, hdr, data, len, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_watchdog;
	sigaction(SIGALRM, &sa, &old);
	watchdog_fired = 0;
	watchdog_pid = u->x.pid;
	alarm(u->lim.timeout_s);
	sila_record_init(&rec, 0);
	if (expander_send(u, hdr, data, len) == SILA_OK) {
		while (!got_top && (st = sila_record_read(u->x.from, &rec)) == SILA_OK) {
			const char *status = json_string_value(json_object_get(rec.hdr, "status"));

			/* The last record of a container file is its own; a member has "member". */
			got_top = !json_object_get(rec.hdr, "member");
			if (status && strcmp(status, "ok") != 0)
				note_problem(u, "a member could not be read whole");
			if (emit(u, rec.hdr, rec.has_body ? rec.body.data : NULL, rec.body.len) !=
			    SILA_OK) {
				ret = SILA_FATAL;
				break;
			}
		}
	}
	alarm(0);
	sila_record_release(&rec);
	watchdog_pid = 0;
	sigaction(SIGALRM, &old, NULL);
	if (ret == SILA_FATAL) {
		expander_stop(u, 1);
		return ret;
	}
	if (got_top)
		return ret;
	/* The child ended or was killed before the file's own line: it says why. */
	ws = expander_stop(u, 1);
	{
		enum archive_kind kind = sniff((const unsigned char *)data, len);
		char why[160];

		if (kind != AK_NONE) {
			json_object_set_new(hdr, "type", json_string(kind_type[kind]));
			json_object_set_new(hdr, "container", json_string(kind_name[kind]));
		}
		if (watchdog_fired)
			snprintf(why, sizeof(why), "expanding took longer than %u s (--timeout)",
				 u->lim.timeout_s);
		else if (WIFSIGNALED(ws) && WTERMSIG(ws) != SIGKILL)
			snprintf(why, sizeof(why), "the container parser crashed (signal %d)",
				 WTERMSIG(ws));
		else if (WIFSIGNALED(ws))
			snprintf(why, sizeof(why), "the container parser was killed (signal %d)",
				 WTERMSIG(ws));
		else
			snprintf(why, sizeof(why), "the container parser stopped (exit status %d)",
				 WEXITSTATUS(ws));
		return emit_problem(u, hdr, SILA_DOC_ERROR, "extraction-failed", why);
	}
}

/*
 * Streams a large file that is not a container: a first pass hashes it,
 * a second passes it on in chunks, so memory stays small whatever its
 * size. A file that changes between the passes is padded or cut to the
 * size first read, so the stream stays in step, and marked partial.
 */
static int stream_file(struct sila_unpack *u, json_t *hdr, int fd, size_t size)
{
	static char chunk[1 << 20];
	struct sila_sha256 *h = sila_sha256_new();
	char sha[SILA_SHA256_HEX];
	size_t done = 0;
	ssize_t n;

	if (!h)
		return emit_problem(u, hdr, SILA_DOC_ERROR, "read-failed", "out of memory");
	while (done < size && (n = pread(fd, chunk, sizeof(chunk), (off_t)done)) > 0) {
		if ((size_t)n > size - done)
			n = (ssize_t)(size - done);
		sila_sha256_update(h, chunk, (size_t)n);
		done += (size_t)n;
	}
	sila_sha256_finish(h, sha);
	if (done != size)
		return emit_problem(u, hdr, SILA_DOC_ERROR, "read-failed",
				    "the file changed size while it was read");
	json_object_set_new(hdr, "size", json_integer((json_int_t)size));
	json_object_set_new(hdr, "sha256", json_string(sha));
	if (u->emit_head(u->ctx, hdr, size) != SILA_OK)
		goto fatal;
	for (done = 0; done < size;) {
		size_t want = size - done < sizeof(chunk) ? size - done : sizeof(chunk);

		n = pread(fd, chunk, want, (off_t)done);
		if (n <= 0) {
			/* Shrunk since the first pass: pad, so the declared length holds. */
			memset(chunk, ' ', want);
			n = (ssize_t)want;
			note_problem(u, "the file changed while it was read");
		}
		if (u->emit_body(u->ctx, chunk, (size_t)n) != SILA_OK)
			goto fatal;
		done += (size_t)n;
	}
	return SILA_OK;
fatal:
	snprintf(u->err, sizeof(u->err), "cannot write the record stream");
	u->worst = SILA_FATAL;
	return SILA_FATAL;
}

/* Reads a regular file whole (up to the size limit, hashing all of it) and processes it. */
static int read_file(struct sila_unpack *u, json_t *hdr, const char *path, const struct stat *st)
{
	struct sila_buf b = SILA_BUF_INIT(u->lim.max_file);
	struct sila_sha256 *h;
	char sha[SILA_SHA256_HEX], chunk[65536];
	size_t size = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return emit_problem(u, hdr, SILA_DOC_ERROR, "read-failed", strerror(errno));
	/* A large file that is not a container is streamed, never held whole. */
	if (u->emit_head && (size_t)st->st_size > SILA_STREAM_MIN) {
		static char head[65536];
		ssize_t hn = pread(fd, head, sizeof(head), 0);

		if (hn > 0 && sniff((const unsigned char *)head, (size_t)hn) == AK_NONE &&
		    sila_parts_sniff(head, (size_t)hn) == SILA_PARTS_NONE) {
			ret = stream_file(u, hdr, fd, (size_t)st->st_size);
			close(fd);
			return ret;
		}
	}
	h = sila_sha256_new();
	if (!h || (st->st_size > 0 &&
		   sila_buf_grow(&b, (size_t)st->st_size < b.cap ? (size_t)st->st_size : b.cap) != SILA_OK)) {
		close(fd);
		if (h)
			sila_sha256_finish(h, sha);
		return emit_problem(u, hdr, SILA_DOC_ERROR, "read-failed", "out of memory");
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		size += (size_t)n;
		sila_sha256_update(h, chunk, (size_t)n);
		if (sila_buf_add_upto(&b, chunk, (size_t)n) != SILA_OK &&
		    !json_object_get(hdr, "status"))
			set_problem(hdr, SILA_DOC_PARTIAL, "limit-exceeded",
				    "file size limit reached (--max-file)");
	}
	sila_sha256_finish(h, sha);
	if (n < 0) {
		const char *msg = strerror(errno);

		close(fd);
		sila_buf_release(&b);
		return emit_problem(u, hdr, SILA_DOC_ERROR, "read-failed", msg);
	}
	close(fd);
	json_object_set_new(hdr, "size", json_integer((json_int_t)size));
	json_object_set_new(hdr, "sha256", json_string(sha));
	u->expanded = 0;
	u->top_size = size;
	u->nancestors = 0;
	/* An office document is passed on as it is; forking a child to see that costs more. */
	if (u->isolate && b.data && zip_plainly_document((const unsigned char *)b.data, b.len))
		ret = emit(u, hdr, b.data, b.len);
	else if (u->isolate && (sniff((const unsigned char *)b.data, b.len) != AK_NONE ||
				sila_parts_sniff(b.data ? b.data : "", b.len) != SILA_PARTS_NONE))
		ret = isolated(u, hdr, b.data ? b.data : "", b.len);
	else
		ret = process_blob(u, hdr, b.data ? b.data : "", b.len, 0);
	sila_buf_release(&b);
	return ret;
}

static int walk(struct sila_unpack *u, const char *path, int top);

/* Whether a path found on disk belongs to the shard being swept. */
static int in_shard(const struct sila_unpack *u, const char *path)
{
	return !u->nshards || sila_shard_of(path, strlen(path), u->nshards) == u->shard;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks a directory's entries in name order, so runs are reproducible. */
static int walk_dir(struct sila_unpack *u, json_t *hdr, const char *path, const struct stat *st)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	int ret = SILA_OK;

	for (size_t i = 0; i < u->ndirs; i++)
		if (u->dirs[i].dev == st->st_dev && u->dirs[i].ino == st->st_ino)
			return emit_problem(u, hdr, SILA_DOC_UNSCANNABLE, "not-regular-file",
					    "directory loop not followed");
	d = opendir(path);
	if (!d)
		return emit_problem(u, hdr, SILA_DOC_ERROR, "read-failed", strerror(errno));
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == alloc) {
			char **p = realloc(names, (alloc = alloc ? alloc * 2 : 64) * sizeof(*names));

			if (!p)
				break;
			names = p;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	if (u->ndirs == u->adirs) {
		struct dir_id *p = realloc(u->dirs, (u->adirs = u->adirs ? u->adirs * 2 : 16) * sizeof(*p));

		if (!p) {
			ret = emit_problem(u, hdr, SILA_DOC_ERROR, "read-failed", "out of memory");
			goto out;
		}
		u->dirs = p;
	}
	u->dirs[u->ndirs].dev = st->st_dev;
	u->dirs[u->ndirs].ino = st->st_ino;
	u->ndirs++;
	for (size_t i = 0; i < n && ret != SILA_FATAL; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *child = malloc(len);

		if (!child)
			break;
		snprintf(child, len, "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
		ret = walk(u, child, 0);
		free(child);
	}
	u->ndirs--;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret == SILA_FATAL ? ret : SILA_OK;
}

/* Why a file of this type is not read. */
static const char *not_regular(mode_t m)
{
	if (S_ISLNK(m))
		return "symbolic link not followed";
	if (S_ISFIFO(m))
		return "named pipe skipped";
	if (S_ISSOCK(m))
		return "socket skipped";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "device skipped";
	return "not a regular file";
}

/*
 * Processes one path: a path the user named is followed if it is a link
 * (as find -H does); inside directories links are not followed.
 */
static int walk(struct sila_unpack *u, const char *path, int top)
{
	struct stat st;
	json_t *hdr = path_hdr(path);
	int ret;

	if (!hdr)
		return u->worst = SILA_FATAL;
	if ((top ? stat(path, &st) : lstat(path, &st)) != 0) {
		int e = errno;

		ret = !in_shard(u, path) ? SILA_OK
					 : emit_problem(u, hdr, SILA_DOC_ERROR, "read-failed", strerror(e));
	} else if (S_ISDIR(st.st_mode))
		ret = walk_dir(u, hdr, path, &st);
	else if (!in_shard(u, path))
		ret = SILA_OK;
	else if (S_ISREG(st.st_mode)) {
		ret = u->on_file ? u->on_file(u->on_file_ctx, hdr, path, &st) : SILA_FILE_READ;
		if (ret == SILA_FATAL)
			u->worst = SILA_FATAL;
		else if (ret == SILA_FILE_READ)
			ret = read_file(u, hdr, path, &st);
		else
			ret = SILA_OK;
	} else
		ret = emit_problem(u, hdr, SILA_DOC_UNSCANNABLE, "not-regular-file",
				   not_regular(st.st_mode));
	json_decref(hdr);
	return ret;
}

int sila_unpack_path(struct sila_unpack *u, const char *path)
{
	int ret;

	u->worst = SILA_OK;
	u->err[0] = '\0';
	ret = walk(u, path, 1);
	return ret == SILA_FATAL ? SILA_FATAL : u->worst;
}

int sila_unpack_blob(struct sila_unpack *u, const char *name, const void *data, size_t len)
{
	json_t *hdr = path_hdr(name);
	char sha[SILA_SHA256_HEX];
	int ret;

	if (!hdr)
		return SILA_FATAL;
	u->worst = SILA_OK;
	u->err[0] = '\0';
	u->expanded = 0;
	u->top_size = len;
	u->nancestors = 0;
	sila_sha256_hex(data, len, sha);
	json_object_set_new(hdr, "size", json_integer((json_int_t)len));
	json_object_set_new(hdr, "sha256", json_string(sha));
	ret = process_blob(u, hdr, data, len, 0);
	json_decref(hdr);
	return ret == SILA_FATAL ? SILA_FATAL : u->worst;
}
