/*
 * wal.c — RocksDB's log format: writing and reading WAL files.
 *
 * Format.  A file is a sequence of 32 KiB blocks.  A physical record is a
 * 7-byte header — masked crc32c (u32 LE) | payload length (u16 LE) | type
 * (u8) — and its payload, and never crosses a block boundary.  The CRC
 * covers the type byte then the payload; the writer keeps the CRC of each
 * type byte alone as a seed and extends it over the payload.  A logical
 * record (one WriteBatch) that fits in the rest of the block is one FULL
 * record; otherwise it is a FIRST fragment filling the block, a MIDDLE for
 * each whole block, and a LAST.  When fewer than 7 bytes remain in a block
 * they are zero-filled and the record starts in the next block; exactly 7
 * bytes left hold a header-only FIRST of length 0.  An empty logical record
 * is one FULL of length 0.
 *
 * Writer invariants: block_offset == file_size % WAL_BLOCK_SIZE; the file
 * ends at file_size unless `error` is set; `buffer` is reused for every
 * record and only grows.  Each record (trailer padding, every fragment and
 * its header) is encoded into `buffer` and written with one
 * port_file_append, so a crash can tear only the record being written.
 *
 * Reader invariants: `block` holds the file bytes [block_start, block_start
 * + block_len); bytes before `pos` are consumed; `eof` is set once a read
 * returned a short block.  While a fragmented record is being reassembled
 * (`in_fragment`), `scratch` holds the payloads of its fragments so far and
 * `fragment_offset` is its FIRST header's offset.  How problems are
 * classified and how the reader resynchronises is documented in wal.h; it
 * follows RocksDB 7.8.3's log::Reader.
 *
 * Thread safety: none.  A writer is used by one thread at a time (the WAL
 * leader, or whoever holds the log write mutex); a reader by one thread.
 */
#include "wal.h"

#include <string.h>

#include "crc32c.h"
#include "util.h"

enum {
    WAL_TYPE_COUNT = WAL_LAST + 1,
    /* Largest payload of one physical record. */
    WAL_FRAGMENT_MAX = WAL_BLOCK_SIZE - WAL_HEADER_SIZE,
};

_Static_assert(WAL_FRAGMENT_MAX <= 0xFFFF, "a fragment length fits the u16 length field");
_Static_assert(WAL_HEADER_SIZE == 4 + 2 + 1, "crc32 + length16 + type8");

/* The CRC of each type byte alone: the start of every record's CRC. */
static void wal_fill_type_crcs(uint32_t crcs[WAL_TYPE_COUNT])
{
    for (unsigned t = 0; t < WAL_TYPE_COUNT; t++) {
        uint8_t type_byte = (uint8_t)t;
        crcs[t] = wt_crc32c(&type_byte, 1);
    }
}

const char *wal_problem_kind_name(wal_problem_kind kind)
{
    switch (kind) {
    case WAL_PROBLEM_CHECKSUM: return "checksum";
    case WAL_PROBLEM_BAD_LENGTH: return "bad_length";
    case WAL_PROBLEM_BAD_TYPE: return "bad_type";
    case WAL_PROBLEM_UNEXPECTED: return "unexpected";
    case WAL_PROBLEM_TRUNCATED_HEADER: return "truncated_header";
    case WAL_PROBLEM_TRUNCATED_RECORD: return "truncated_record";
    case WAL_PROBLEM_IO: return "io";
    }
    return "unknown";
}

/* ================================================================ writer */

struct wal_writer {
    port_file *file;
    uint64_t log_number;
    uint64_t file_size;   /* bytes in the file after the last good append */
    size_t block_offset;  /* file_size % WAL_BLOCK_SIZE */
    uint8_t *buffer;      /* encoding of one logical record; reused */
    size_t buffer_cap;
    wt_status error;      /* first failed append or sync; sticky */
    uint32_t type_crc[WAL_TYPE_COUNT];
};

wal_writer *wal_writer_create(port_file *f, uint64_t log_number, uint64_t file_size)
{
    WT_ASSERT(f != NULL);
    wal_writer *w = port_alloc_zeroed(sizeof *w);
    w->file = f;
    w->log_number = log_number;
    w->file_size = file_size;
    w->block_offset = (size_t)(file_size % WAL_BLOCK_SIZE);
    w->error = WT_OK;
    wal_fill_type_crcs(w->type_crc);
    return w;
}

/* Most bytes a logical record of n payload bytes can take on disk: a
 * trailer before it, and one header per block it touches (at most one
 * more block than its payload fills, plus the empty FIRST case). */
static size_t wal_encoded_bound(size_t n)
{
    return (WAL_HEADER_SIZE - 1) + n + WAL_HEADER_SIZE * (n / WAL_FRAGMENT_MAX + 2);
}

static void wal_writer_reserve(wal_writer *w, size_t need)
{
    if (need <= w->buffer_cap) return;
    size_t cap = w->buffer_cap ? w->buffer_cap : 4096;
    while (cap < need) {
        WT_ASSERT(cap <= SIZE_MAX / 2);
        cap *= 2;
    }
    w->buffer = port_realloc(w->buffer, cap);
    w->buffer_cap = cap;
}

/* Writes one physical record (header + payload) at out. */
static void wal_encode_physical(const wal_writer *w, uint8_t *out, wal_record_type type,
                                const uint8_t *payload, size_t n)
{
    WT_ASSERT(n <= WAL_FRAGMENT_MAX);
    WT_ASSERT(type >= WAL_FULL && type <= WAL_LAST);
    uint32_t crc = wt_crc32c_extend(w->type_crc[type], payload, n);
    wt_put_fixed32(out, wt_crc32c_mask(crc));
    out[4] = (uint8_t)(n & 0xff);
    out[5] = (uint8_t)(n >> 8);
    out[6] = (uint8_t)type;
    if (n > 0) memcpy(out + WAL_HEADER_SIZE, payload, n);
}

/* Encodes a logical record into w->buffer as it must follow the current
 * end of the file.  Returns the encoded size; *first_header receives the
 * buffer offset of the first fragment's header (after any trailer). */
static size_t wal_encode_record(const wal_writer *w, const uint8_t *data, size_t n,
                                size_t *first_header)
{
    size_t block_offset = w->block_offset;
    size_t len = 0, left = n;
    bool begin = true;
    do {
        size_t leftover = WAL_BLOCK_SIZE - block_offset;
        if (leftover < WAL_HEADER_SIZE) {
            memset(w->buffer + len, 0, leftover);
            len += leftover;
            block_offset = 0;
        }
        if (begin) *first_header = len;
        size_t avail = WAL_BLOCK_SIZE - block_offset - WAL_HEADER_SIZE;
        size_t fragment = wt_min_size(left, avail);
        bool end = fragment == left;
        wal_record_type type = begin ? (end ? WAL_FULL : WAL_FIRST)
                                     : (end ? WAL_LAST : WAL_MIDDLE);
        wal_encode_physical(w, w->buffer + len, type, data, fragment);
        len += WAL_HEADER_SIZE + fragment;
        block_offset += WAL_HEADER_SIZE + fragment;
        data += fragment;
        left -= fragment;
        begin = false;
    } while (left > 0);
    WT_ASSERT(block_offset <= WAL_BLOCK_SIZE);
    return len;
}

wt_status wal_add_record(wal_writer *w, const void *data, size_t n, uint64_t *offset_out)
{
    WT_ASSERT(w != NULL);
    WT_ASSERT(data != NULL || n == 0);
    if (w->error != WT_OK) return w->error;
    size_t bound = wal_encoded_bound(n);
    WT_ASSERT(bound > n); /* no overflow */
    wal_writer_reserve(w, bound);
    size_t first_header = 0;
    size_t len = wal_encode_record(w, data, n, &first_header);
    WT_ASSERT(len <= bound);
    wt_status s = port_file_append(w->file, w->buffer, len);
    if (s != WT_OK) {
        w->error = s;
        return s;
    }
    if (offset_out != NULL) *offset_out = w->file_size + first_header;
    w->file_size += len;
    w->block_offset = (size_t)(w->file_size % WAL_BLOCK_SIZE);
    return WT_OK;
}

wt_status wal_sync(wal_writer *w)
{
    WT_ASSERT(w != NULL);
    if (w->error != WT_OK) return w->error;
    wt_status s = port_file_sync(w->file);
    if (s != WT_OK) w->error = s;
    return s;
}

port_file *wal_writer_file(const wal_writer *w) { return w->file; }

void wal_writer_set_error(wal_writer *w, wt_status s)
{
    WT_ASSERT(s != WT_OK);
    if (w->error == WT_OK) w->error = s;
}

void wal_writer_rewind(wal_writer *w, uint64_t file_size)
{
    WT_ASSERT(file_size <= w->file_size);
    w->file_size = file_size;
    w->block_offset = (size_t)(file_size % WAL_BLOCK_SIZE);
}

uint64_t wal_file_size(const wal_writer *w)
{
    WT_ASSERT(w != NULL);
    return w->file_size;
}

uint64_t wal_log_number(const wal_writer *w)
{
    WT_ASSERT(w != NULL);
    return w->log_number;
}

wt_status wal_writer_close(wal_writer *w)
{
    WT_ASSERT(w != NULL);
    wt_status s = port_file_close(w->file);
    port_free(w->buffer);
    port_free(w);
    return s;
}

/* ================================================================ reader */

/* What the physical layer found next. */
typedef enum wal_physical_kind {
    WAL_PHYS_RECORD,       /* a record with a good CRC and type 1..4 */
    WAL_PHYS_EOF,          /* clean end of file */
    WAL_PHYS_PADDING,      /* zero-type zero-length header: rest of block skipped */
    WAL_PHYS_CHECKSUM,     /* CRC mismatch: rest of block dropped */
    WAL_PHYS_BAD_LENGTH,   /* length past a whole block: rest of block dropped */
    WAL_PHYS_BAD_TYPE,     /* good CRC, unknown type: the record dropped */
    WAL_PHYS_TRUNC_HEADER, /* file ends inside a header */
    WAL_PHYS_TRUNC_BODY,   /* file ends inside a payload */
    WAL_PHYS_IO,           /* a block read failed */
} wal_physical_kind;

typedef struct wal_physical {
    wal_record_type type; /* WAL_PHYS_RECORD only */
    wt_slice payload;     /* WAL_PHYS_RECORD: points into the block buffer */
    uint64_t offset;      /* file offset of the header / bad bytes */
    uint64_t bytes;       /* physical bytes consumed or dropped from offset */
} wal_physical;

struct wal_reader {
    port_file *file;
    uint64_t log_number;
    uint8_t *block;          /* WAL_BLOCK_SIZE bytes */
    size_t block_len;        /* valid bytes in block */
    size_t pos;              /* next unconsumed byte in block */
    uint64_t block_start;    /* file offset of block[0] */
    bool eof;                /* the last read returned a short block */
    bool done;               /* only WAL_READ_EOF from now on */
    bool in_fragment;        /* reassembling a FIRST..LAST record */
    uint64_t fragment_offset;/* offset of its FIRST header */
    uint8_t *scratch;        /* payloads of its fragments so far */
    size_t scratch_len, scratch_cap;
    bool have_pending;       /* `pending` must be handled before reading on */
    wal_physical pending;
};

wal_reader *wal_reader_create(port_file *f, uint64_t log_number)
{
    WT_ASSERT(f != NULL);
    wal_reader *r = port_alloc_zeroed(sizeof *r);
    r->file = f;
    r->log_number = log_number;
    r->block = port_alloc(WAL_BLOCK_SIZE);
    return r;
}

void wal_reader_destroy(wal_reader *r)
{
    if (r == NULL) return;
    /* A failed close of a file opened for reading loses nothing. */
    wt_status ignored = port_file_close(r->file);
    (void)ignored;
    port_free(r->block);
    port_free(r->scratch);
    port_free(r);
}

/* Reads the block after the current one.  Returns WT_OK also at end of
 * file (then block_len < WAL_BLOCK_SIZE and eof is set). */
static wt_status wal_reader_next_block(wal_reader *r)
{
    WT_ASSERT(!r->eof);
    WT_ASSERT(r->block_len == 0 || r->block_len == WAL_BLOCK_SIZE);
    r->block_start += r->block_len;
    r->block_len = 0;
    r->pos = 0;
    size_t got = 0;
    wt_status s = port_file_read(r->file, r->block_start, r->block, WAL_BLOCK_SIZE, &got);
    if (s != WT_OK) return s;
    WT_ASSERT(got <= WAL_BLOCK_SIZE);
    r->block_len = got;
    if (got < WAL_BLOCK_SIZE) r->eof = true;
    return WT_OK;
}

/* Consumes the rest of the block as dropped bytes starting at pos. */
static void wal_drop_rest(wal_reader *r, wal_physical *p)
{
    p->offset = r->block_start + r->pos;
    p->bytes = r->block_len - r->pos;
    r->pos = r->block_len;
}

/* Parses the header at pos (at least WAL_HEADER_SIZE bytes are there). */
static wal_physical_kind wal_parse_physical(wal_reader *r, wal_physical *p)
{
    const uint8_t *h = r->block + r->pos;
    size_t left = r->block_len - r->pos;
    size_t length = (size_t)h[4] | ((size_t)h[5] << 8);
    unsigned type = h[6];
    if (WAL_HEADER_SIZE + length > left) {
        bool short_block = r->eof;
        wal_drop_rest(r, p);
        return short_block ? WAL_PHYS_TRUNC_BODY : WAL_PHYS_BAD_LENGTH;
    }
    if (type == WAL_ZERO && length == 0) {
        wal_drop_rest(r, p);
        return WAL_PHYS_PADDING;
    }
    /* The CRC covers the type byte (h[6]) and the payload after it. */
    uint32_t expected = wt_crc32c_unmask(wt_get_fixed32(h));
    uint32_t actual = wt_crc32c(h + 6, 1 + length);
    if (actual != expected) {
        wal_drop_rest(r, p);
        return WAL_PHYS_CHECKSUM;
    }
    p->offset = r->block_start + r->pos;
    p->bytes = WAL_HEADER_SIZE + length;
    p->payload = wt_slice_make(h + WAL_HEADER_SIZE, length);
    r->pos += WAL_HEADER_SIZE + length;
    if (type < WAL_FULL || type > WAL_LAST) return WAL_PHYS_BAD_TYPE;
    p->type = (wal_record_type)type;
    return WAL_PHYS_RECORD;
}

/* The next physical record or problem.  Each call consumes at least one
 * byte or reads a block, so a caller's loop ends at the end of the file. */
static wal_physical_kind wal_read_physical(wal_reader *r, wal_physical *p)
{
    if (r->block_len - r->pos < WAL_HEADER_SIZE && !r->eof) {
        /* Fewer than 7 bytes left in a whole block are its zero trailer
         * (or no block was read yet): go on with the next block. */
        wt_status s = wal_reader_next_block(r);
        if (s != WT_OK) {
            p->offset = r->block_start;
            p->bytes = 0;
            return WAL_PHYS_IO;
        }
    }
    size_t left = r->block_len - r->pos;
    if (left >= WAL_HEADER_SIZE) return wal_parse_physical(r, p);
    WT_ASSERT(r->eof); /* a whole block always holds a header */
    if (left > 0) {
        wal_drop_rest(r, p);
        return WAL_PHYS_TRUNC_HEADER;
    }
    p->offset = r->block_start + r->block_len;
    p->bytes = 0;
    return WAL_PHYS_EOF;
}

static void wal_scratch_append(wal_reader *r, wt_slice s)
{
    if (r->scratch_len + s.size > r->scratch_cap) {
        size_t cap = r->scratch_cap ? r->scratch_cap : WAL_BLOCK_SIZE;
        while (cap < r->scratch_len + s.size) {
            WT_ASSERT(cap <= SIZE_MAX / 2);
            cap *= 2;
        }
        r->scratch = port_realloc(r->scratch, cap);
        r->scratch_cap = cap;
    }
    if (s.size > 0) memcpy(r->scratch + r->scratch_len, s.data, s.size);
    r->scratch_len += s.size;
}

/* Fills *problem, attaching (and forgetting) the record being reassembled. */
static wal_read_result wal_problem_set(wal_reader *r, wal_problem *problem,
                                       wal_problem_kind kind, const char *reason,
                                       const wal_physical *p)
{
    problem->kind = kind;
    problem->offset = p->offset;
    problem->bytes = p->bytes;
    problem->at_tail = kind == WAL_PROBLEM_TRUNCATED_HEADER ||
                       kind == WAL_PROBLEM_TRUNCATED_RECORD;
    problem->reason = reason;
    problem->partial_offset = p->offset;
    problem->partial_bytes = 0;
    if (r->in_fragment) {
        WT_ASSERT(r->fragment_offset < p->offset);
        problem->partial_offset = r->fragment_offset;
        problem->partial_bytes = p->offset - r->fragment_offset;
    }
    r->in_fragment = false;
    r->scratch_len = 0;
    if (problem->at_tail || kind == WAL_PROBLEM_IO) r->done = true;
    return WAL_READ_PROBLEM;
}

/* Handles a FULL or FIRST.  Returns true when *result is final. */
static bool wal_on_start(wal_reader *r, const wal_physical *p, wt_slice *record,
                         uint64_t *offset, wal_problem *problem, wal_read_result *result)
{
    if (r->in_fragment && r->scratch_len > 0) {
        /* The record before never ended.  Report it, then read this
         * physical record again on the next call. */
        r->pending = *p;
        r->have_pending = true;
        wal_physical at = *p;
        at.bytes = 0;
        *result = wal_problem_set(r, problem, WAL_PROBLEM_UNEXPECTED,
                                  "partial record without end", &at);
        return true;
    }
    /* An empty FIRST followed by a new start is dropped silently (RocksDB
     * tolerates it from older writers). */
    r->in_fragment = false;
    r->scratch_len = 0;
    if (p->type == WAL_FULL) {
        *record = p->payload;
        *offset = p->offset;
        *result = WAL_READ_RECORD;
        return true;
    }
    r->in_fragment = true;
    r->fragment_offset = p->offset;
    wal_scratch_append(r, p->payload);
    return false;
}

/* Handles a MIDDLE or LAST.  Returns true when *result is final. */
static bool wal_on_continue(wal_reader *r, const wal_physical *p, wt_slice *record,
                            uint64_t *offset, wal_problem *problem, wal_read_result *result)
{
    if (!r->in_fragment) {
        *result = wal_problem_set(r, problem, WAL_PROBLEM_UNEXPECTED,
                                  "missing start of fragmented record", p);
        return true;
    }
    wal_scratch_append(r, p->payload);
    if (p->type == WAL_MIDDLE) return false;
    *record = wt_slice_make(r->scratch, r->scratch_len);
    *offset = r->fragment_offset;
    r->in_fragment = false;
    *result = WAL_READ_RECORD;
    return true;
}

/* Turns a physical problem into a reported one.  Returns true when
 * *result is final (padding outside a fragmented record is not). */
static bool wal_on_problem(wal_reader *r, wal_physical_kind kind, const wal_physical *p,
                           wal_problem *problem, wal_read_result *result)
{
    WT_ASSERT(kind != WAL_PHYS_RECORD);
    switch (kind) {
    case WAL_PHYS_PADDING:
        if (!r->in_fragment) return false;
        *result = wal_problem_set(r, problem, WAL_PROBLEM_UNEXPECTED,
                                  "error in middle of record", p);
        return true;
    case WAL_PHYS_CHECKSUM:
        *result = wal_problem_set(r, problem, WAL_PROBLEM_CHECKSUM, "checksum mismatch", p);
        return true;
    case WAL_PHYS_BAD_LENGTH:
        *result = wal_problem_set(r, problem, WAL_PROBLEM_BAD_LENGTH, "bad record length", p);
        return true;
    case WAL_PHYS_BAD_TYPE:
        *result = wal_problem_set(r, problem, WAL_PROBLEM_BAD_TYPE, "unknown record type", p);
        return true;
    case WAL_PHYS_TRUNC_HEADER:
        *result = wal_problem_set(r, problem, WAL_PROBLEM_TRUNCATED_HEADER,
                                  "truncated header", p);
        return true;
    case WAL_PHYS_TRUNC_BODY:
        *result = wal_problem_set(r, problem, WAL_PROBLEM_TRUNCATED_RECORD,
                                  "truncated record body", p);
        return true;
    case WAL_PHYS_IO:
        *result = wal_problem_set(r, problem, WAL_PROBLEM_IO, "read error", p);
        return true;
    case WAL_PHYS_EOF:
        r->done = true;
        if (!r->in_fragment) {
            *result = WAL_READ_EOF;
            return true;
        }
        *result = wal_problem_set(r, problem, WAL_PROBLEM_TRUNCATED_RECORD,
                                  "error reading trailing data", p);
        return true;
    case WAL_PHYS_RECORD:
        break;
    }
    return true; /* unreachable: asserted above */
}

wal_read_result wal_read_record(wal_reader *r, wt_slice *record, uint64_t *offset,
                                wal_problem *problem)
{
    WT_ASSERT(r != NULL);
    WT_ASSERT(record != NULL && offset != NULL && problem != NULL);
    if (r->done) return WAL_READ_EOF;
    wal_read_result result = WAL_READ_EOF;
    /* Terminates: every wal_read_physical call consumes bytes or a block
     * read, and the file is finite. */
    for (;;) {
        wal_physical p = {0};
        wal_physical_kind kind;
        if (r->have_pending) {
            p = r->pending;
            kind = WAL_PHYS_RECORD;
            r->have_pending = false;
        } else {
            kind = wal_read_physical(r, &p);
        }
        bool final;
        if (kind != WAL_PHYS_RECORD) {
            final = wal_on_problem(r, kind, &p, problem, &result);
        } else if (p.type == WAL_FULL || p.type == WAL_FIRST) {
            final = wal_on_start(r, &p, record, offset, problem, &result);
        } else {
            final = wal_on_continue(r, &p, record, offset, problem, &result);
        }
        if (final) return result;
    }
}
