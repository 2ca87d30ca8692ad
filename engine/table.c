/*
 * table.c — writing and reading table files (format in table.h).
 *
 * Builder invariants: `block` holds the entries of the data block being
 * filled (never TABLE_BLOCK_SIZE bytes or more between calls); `index`
 * holds one index entry per data block already written; `offset` is the
 * number of bytes appended so far, i.e. where the next block starts (while
 * `error` is WT_OK); `last_key` is the internal key of the last entry
 * added, against which the next one is asserted to sort strictly after.
 * Once `error` is set nothing more is appended.
 *
 * Reader invariants: after table_open, `blocks` describes every data block
 * in file order, the blocks tile [0, footer.index_offset) exactly, each is
 * non-empty, and their last keys (slices into `index_data`, the index
 * block's bytes) strictly ascend.  Nothing in a table changes after open,
 * so readers share it without locks; each read brings its block into a
 * buffer owned by the caller (table_get's local buffer, an iterator's).
 *
 * Every block is checked before use: its 5-byte trailer must say type 0
 * and carry the masked crc32c of the block bytes followed by that type
 * byte (the type byte directly follows the block, so one crc over
 * size + 1 bytes covers both).  Entries are decoded defensively anyway: a
 * block that passes its crc but does not parse is corruption, not a crash.
 */
#include "table.h"

#include <string.h>

#include "crc32c.h"

enum {
    TABLE_TAG_BYTES = 8,        /* fixed64 (seq << 8 | type) after the user key */
    TABLE_BLOCK_TYPE_PLAIN = 0, /* the only block type: uncompressed */
    TABLE_TYPE_FOR_SEEK = 0xff, /* sorts before every stored type of a sequence */
    TABLE_FOOTER_CRC_AT = 44,   /* bytes of the footer the crc covers */
    TABLE_FOOTER_MAGIC_AT = 48,
};

_Static_assert(TABLE_FOOTER_MAGIC_AT + 8 == TABLE_FOOTER_SIZE, "magic ends the footer");
_Static_assert(TABLE_FOOTER_CRC_AT + 4 == TABLE_FOOTER_MAGIC_AT, "crc precedes the magic");
_Static_assert(TABLE_TRAILER_SIZE == 1 + 4, "type byte + fixed32 crc");

/* ============================================================ shared bits */

void table_properties_init(table_properties *p)
{
    memset(p, 0, sizeof *p);
    wt_buf_init(&p->smallest_key);
    wt_buf_init(&p->largest_key);
}

void table_properties_free(table_properties *p)
{
    wt_buf_free(&p->smallest_key);
    wt_buf_free(&p->largest_key);
    table_properties_init(p);
}

static bool table_type_valid(uint64_t type)
{
    return type == WT_TYPE_DELETION || type == WT_TYPE_VALUE || type == WT_TYPE_SINGLE_DELETION;
}

/* Internal-key order: user key ascending, then packed (seq << 8 | type)
 * descending, so the newest version of a key sorts first. */
static int table_compare(wt_slice user_a, uint64_t packed_a, wt_slice user_b, uint64_t packed_b)
{
    int r = wt_slice_compare(user_a, user_b);
    if (r != 0) return r;
    return (packed_a < packed_b) - (packed_a > packed_b);
}

/* Splits an internal key (REQUIRES: at least TABLE_TAG_BYTES long). */
static wt_slice table_user_key(wt_slice internal_key, uint64_t *packed)
{
    WT_ASSERT(internal_key.size >= TABLE_TAG_BYTES);
    size_t user_size = internal_key.size - TABLE_TAG_BYTES;
    *packed = wt_get_fixed64(internal_key.data + user_size);
    return wt_slice_make(internal_key.data, user_size);
}

/* What the footer records. */
typedef struct table_footer {
    uint64_t index_offset;
    uint64_t index_size;
    uint64_t entries;
    uint64_t min_seq;
    uint64_t max_seq;
} table_footer;

static void table_encode_footer(uint8_t out[TABLE_FOOTER_SIZE], const table_footer *f)
{
    wt_put_fixed64(out + 0, f->index_offset);
    wt_put_fixed64(out + 8, f->index_size);
    wt_put_fixed64(out + 16, f->entries);
    wt_put_fixed64(out + 24, f->min_seq);
    wt_put_fixed64(out + 32, f->max_seq);
    wt_put_fixed32(out + 40, TABLE_FORMAT_VERSION);
    wt_put_fixed32(out + TABLE_FOOTER_CRC_AT,
                   wt_crc32c_mask(wt_crc32c(out, TABLE_FOOTER_CRC_AT)));
    wt_put_fixed64(out + TABLE_FOOTER_MAGIC_AT, TABLE_MAGIC);
}

/* Decodes and checks a footer; NULL on success, else the reason. */
static const char *table_decode_footer(const uint8_t in[TABLE_FOOTER_SIZE], table_footer *f)
{
    if (wt_get_fixed64(in + TABLE_FOOTER_MAGIC_AT) != TABLE_MAGIC)
        return "bad magic number (not a table file)";
    uint32_t stored = wt_crc32c_unmask(wt_get_fixed32(in + TABLE_FOOTER_CRC_AT));
    if (stored != wt_crc32c(in, TABLE_FOOTER_CRC_AT)) return "footer checksum mismatch";
    if (wt_get_fixed32(in + 40) != TABLE_FORMAT_VERSION) return "unknown table format version";
    f->index_offset = wt_get_fixed64(in + 0);
    f->index_size = wt_get_fixed64(in + 8);
    f->entries = wt_get_fixed64(in + 16);
    f->min_seq = wt_get_fixed64(in + 24);
    f->max_seq = wt_get_fixed64(in + 32);
    if (f->min_seq > f->max_seq) return "footer sequence range inverted";
    return NULL;
}

/* One decoded data block entry; slices point into the block. */
typedef struct table_entry {
    wt_slice user_key;
    uint64_t seq;
    wt_value_type type;
    wt_slice value;
} table_entry;

/* Decodes the entry at p; NULL when it is malformed or runs past limit. */
static const uint8_t *table_decode_entry(const uint8_t *p, const uint8_t *limit, table_entry *e)
{
    wt_slice internal_key, value;
    p = wt_get_length_prefixed(p, limit, &internal_key);
    if (p == NULL || internal_key.size < TABLE_TAG_BYTES) return NULL;
    p = wt_get_length_prefixed(p, limit, &value);
    if (p == NULL) return NULL;
    uint64_t packed = 0;
    e->user_key = table_user_key(internal_key, &packed);
    if (!table_type_valid(packed & 0xff)) return NULL;
    e->seq = packed >> 8;
    e->type = (wt_value_type)(packed & 0xff);
    e->value = value;
    return p;
}

/* ================================================================ builder */

struct table_builder {
    port_file *file;
    wt_status error;        /* first failed append; sticky */
    uint64_t offset;        /* bytes appended: where the next block starts */
    wt_buf block;           /* entries of the data block being filled */
    wt_buf index;           /* index entries of the blocks written */
    wt_buf last_key;        /* internal key of the last entry added */
    table_properties props; /* entries, seq range, smallest key so far */
};

table_builder *table_builder_create(port_file *f)
{
    WT_ASSERT(f != NULL);
    table_builder *b = port_alloc_zeroed(sizeof *b);
    b->file = f;
    b->error = WT_OK;
    wt_buf_init(&b->block);
    wt_buf_init(&b->index);
    wt_buf_init(&b->last_key);
    table_properties_init(&b->props);
    return b;
}

static void table_builder_free(table_builder *b)
{
    wt_buf_free(&b->block);
    wt_buf_free(&b->index);
    wt_buf_free(&b->last_key);
    table_properties_free(&b->props);
    port_free(b);
}

static void table_builder_write(table_builder *b, const void *data, size_t n)
{
    if (b->error != WT_OK) return;
    wt_status s = port_file_append(b->file, data, n);
    if (s != WT_OK) {
        b->error = s;
        return;
    }
    b->offset += n;
}

/* Appends the trailer to blk, writes it, and empties blk. */
static void table_builder_write_block(table_builder *b, wt_buf *blk)
{
    size_t size = blk->size;
    uint8_t type = TABLE_BLOCK_TYPE_PLAIN;
    wt_buf_append(blk, &type, 1);
    uint8_t crc[4];
    wt_put_fixed32(crc, wt_crc32c_mask(wt_crc32c(blk->data, size + 1)));
    wt_buf_append(blk, crc, sizeof crc);
    WT_ASSERT(blk->size == size + TABLE_TRAILER_SIZE);
    table_builder_write(b, blk->data, blk->size);
    blk->size = 0;
}

/* Writes the data block being filled and indexes it by its last key. */
static void table_builder_flush_block(table_builder *b)
{
    WT_ASSERT(b->block.size > 0);
    WT_ASSERT(b->last_key.size >= TABLE_TAG_BYTES);
    uint64_t offset = b->offset, size = b->block.size;
    table_builder_write_block(b, &b->block);
    wt_buf_put_varint64(&b->index, b->last_key.size);
    wt_buf_append(&b->index, b->last_key.data, b->last_key.size);
    wt_buf_put_varint64(&b->index, offset);
    wt_buf_put_varint64(&b->index, size);
}

void table_builder_add(table_builder *b, wt_slice user_key, uint64_t seq, wt_value_type type,
                       wt_slice value)
{
    WT_ASSERT(b != NULL);
    WT_ASSERT(seq <= WT_MAX_SEQUENCE);
    WT_ASSERT(table_type_valid(type));
    WT_ASSERT(user_key.size <= UINT32_MAX - TABLE_TAG_BYTES);
    WT_ASSERT(value.size <= UINT32_MAX);
    uint64_t packed = (seq << 8) | (uint64_t)type;
    if (b->props.entries == 0) {
        wt_buf_set(&b->props.smallest_key, user_key.data, user_key.size);
        b->props.min_seq = seq;
        b->props.max_seq = seq;
    } else {
        uint64_t last_packed = 0;
        wt_slice last = table_user_key(wt_slice_make(b->last_key.data, b->last_key.size),
                                       &last_packed);
        WT_ASSERT(table_compare(last, last_packed, user_key, packed) < 0);
        b->props.min_seq = wt_min_u64(b->props.min_seq, seq);
        b->props.max_seq = wt_max_u64(b->props.max_seq, seq);
    }
    wt_buf_set(&b->last_key, user_key.data, user_key.size);
    wt_buf_put_fixed64(&b->last_key, packed);
    wt_buf_put_varint64(&b->block, b->last_key.size);
    wt_buf_append(&b->block, b->last_key.data, b->last_key.size);
    wt_buf_put_varint64(&b->block, value.size);
    wt_buf_append(&b->block, value.data, value.size);
    b->props.entries++;
    if (b->block.size >= TABLE_BLOCK_SIZE) table_builder_flush_block(b);
}

wt_status table_builder_status(const table_builder *b)
{
    WT_ASSERT(b != NULL);
    return b->error;
}

/* Fills props from the finished builder (keys copied). */
static void table_builder_fill_props(table_builder *b, table_properties *props)
{
    props->entries = b->props.entries;
    props->file_size = b->offset;
    props->min_seq = b->props.min_seq;
    props->max_seq = b->props.max_seq;
    wt_buf_set(&props->smallest_key, b->props.smallest_key.data, b->props.smallest_key.size);
    if (b->props.entries > 0) {
        uint64_t packed = 0;
        wt_slice last = table_user_key(wt_slice_make(b->last_key.data, b->last_key.size),
                                       &packed);
        wt_buf_set(&props->largest_key, last.data, last.size);
    } else {
        props->largest_key.size = 0;
    }
}

wt_status table_builder_finish(table_builder *b, table_properties *props)
{
    WT_ASSERT(b != NULL);
    if (b->block.size > 0) table_builder_flush_block(b);
    table_footer footer = {.index_offset = b->offset, .index_size = b->index.size,
                           .entries = b->props.entries, .min_seq = b->props.min_seq,
                           .max_seq = b->props.max_seq};
    table_builder_write_block(b, &b->index);
    uint8_t encoded[TABLE_FOOTER_SIZE];
    table_encode_footer(encoded, &footer);
    table_builder_write(b, encoded, sizeof encoded);
    PORT_SYNC_POINT("table:builder_finish:before_sync");
    if (b->error == WT_OK) {
        WT_ASSERT(b->offset == footer.index_offset + footer.index_size + TABLE_TRAILER_SIZE +
                                   TABLE_FOOTER_SIZE);
        b->error = port_file_sync(b->file);
    }
    wt_status closed = port_file_close(b->file);
    if (b->error == WT_OK) b->error = closed;
    wt_status s = b->error;
    if (s == WT_OK && props != NULL) table_builder_fill_props(b, props);
    table_builder_free(b);
    return s;
}

void table_builder_abandon(table_builder *b)
{
    WT_ASSERT(b != NULL);
    /* The file is garbage either way; a failed close changes nothing. */
    wt_status ignored = port_file_close(b->file);
    (void)ignored;
    table_builder_free(b);
}

/* ================================================================= reader */

typedef struct table_block_handle {
    wt_slice last_key; /* internal key; points into table.index_data */
    uint64_t offset;
    uint64_t size;     /* without the trailer */
} table_block_handle;

struct table {
    port_file *file;
    uint64_t file_size;
    table_footer footer;
    uint8_t *index_data;        /* the index block's bytes */
    table_block_handle *blocks; /* one per data block, in file order */
    size_t block_count;
};

/* Reads the block [offset, offset + size) and its trailer into buf and
 * checks them; on WT_OK buf->size == size.  `what` names the block. */
static wt_status table_read_block(const table *t, uint64_t offset, uint64_t size,
                                  const char *what, wt_buf *buf, char *why, size_t cap)
{
    WT_ASSERT(size <= t->file_size);
    WT_ASSERT(offset <= t->file_size - size);
    size_t n = (size_t)size + TABLE_TRAILER_SIZE;
    wt_buf_reserve(buf, n);
    buf->size = 0;
    size_t got = 0;
    wt_status s = port_file_read(t->file, offset, buf->data, n, &got);
    unsigned long long at = (unsigned long long)offset;
    if (s != WT_OK) {
        wt_why(why, cap, "offset %llu: %s read failed", at, what);
        return s;
    }
    if (got < n) {
        wt_why(why, cap, "offset %llu: %s truncated (%zu of %zu bytes)", at, what, got, n);
        return WT_CORRUPTION;
    }
    const uint8_t *trailer = buf->data + size;
    if (trailer[0] != TABLE_BLOCK_TYPE_PLAIN) {
        wt_why(why, cap, "offset %llu: %s has unknown block type %u", at, what, trailer[0]);
        return WT_CORRUPTION;
    }
    uint32_t stored = wt_crc32c_unmask(wt_get_fixed32(trailer + 1));
    if (stored != wt_crc32c(buf->data, (size_t)size + 1)) {
        wt_why(why, cap, "offset %llu: %s checksum mismatch", at, what);
        return WT_CORRUPTION;
    }
    buf->size = (size_t)size;
    return WT_OK;
}

static wt_status table_read_footer(table *t, char *why, size_t cap)
{
    if (t->file_size < TABLE_FOOTER_SIZE) {
        wt_why(why, cap, "offset 0: file of %llu bytes is shorter than a table footer",
                  (unsigned long long)t->file_size);
        return WT_CORRUPTION;
    }
    uint64_t at = t->file_size - TABLE_FOOTER_SIZE;
    uint8_t in[TABLE_FOOTER_SIZE];
    size_t got = 0;
    wt_status s = port_file_read(t->file, at, in, sizeof in, &got);
    if (s != WT_OK) {
        wt_why(why, cap, "offset %llu: footer read failed", (unsigned long long)at);
        return s;
    }
    if (got < sizeof in) {
        wt_why(why, cap, "offset %llu: file truncated (footer: %zu of %d bytes)",
                  (unsigned long long)at, got, TABLE_FOOTER_SIZE);
        return WT_CORRUPTION;
    }
    const char *reason = table_decode_footer(in, &t->footer);
    const table_footer *f = &t->footer;
    if (reason == NULL &&
        (f->index_offset > at || f->index_size > at - f->index_offset ||
         at - f->index_offset - f->index_size != TABLE_TRAILER_SIZE))
        reason = "index block handle does not end at the footer";
    if (reason != NULL) {
        wt_why(why, cap, "offset %llu: %s", (unsigned long long)at, reason);
        return WT_CORRUPTION;
    }
    return WT_OK;
}

/* Decodes the index entry at p into h, checking that its block follows
 * the block ending at `expected` and that its key follows `prev` (NULL for
 * the first).  Returns the next entry's position, NULL when bad. */
static const uint8_t *table_decode_handle(const table *t, const uint8_t *p,
                                          const uint8_t *limit, uint64_t expected,
                                          const table_block_handle *prev,
                                          table_block_handle *h)
{
    p = wt_get_length_prefixed(p, limit, &h->last_key);
    if (p == NULL || h->last_key.size < TABLE_TAG_BYTES) return NULL;
    p = wt_get_varint64(p, limit, &h->offset);
    if (p != NULL) p = wt_get_varint64(p, limit, &h->size);
    if (p == NULL) return NULL;
    uint64_t end = t->footer.index_offset;
    if (h->offset != expected || h->size == 0 || h->size > end - expected ||
        end - expected - h->size < TABLE_TRAILER_SIZE)
        return NULL;
    if (prev != NULL) {
        uint64_t pa = 0, pb = 0;
        wt_slice a = table_user_key(prev->last_key, &pa);
        wt_slice b = table_user_key(h->last_key, &pb);
        if (table_compare(a, pa, b, pb) >= 0) return NULL;
    }
    return p;
}

static wt_status table_load_index(table *t, char *why, size_t cap)
{
    const table_footer *f = &t->footer;
    wt_buf buf;
    wt_buf_init(&buf);
    wt_status s = table_read_block(t, f->index_offset, f->index_size, "index block", &buf,
                                   why, cap);
    if (s != WT_OK) {
        wt_buf_free(&buf);
        return s;
    }
    t->index_data = buf.data; /* the table owns the bytes from here on */
    const uint8_t *p = buf.data, *limit = buf.data + buf.size;
    uint64_t expected = 0;
    size_t cap_blocks = 0;
    while (p < limit) {
        if (t->block_count == cap_blocks) {
            cap_blocks = cap_blocks ? cap_blocks * 2 : 16;
            t->blocks = port_realloc(t->blocks, cap_blocks * sizeof t->blocks[0]);
        }
        table_block_handle *h = &t->blocks[t->block_count];
        const table_block_handle *prev = t->block_count ? h - 1 : NULL;
        p = table_decode_handle(t, p, limit, expected, prev, h);
        if (p == NULL) {
            wt_why(why, cap, "offset %llu: index block entry %zu is malformed",
                      (unsigned long long)f->index_offset, t->block_count);
            return WT_CORRUPTION;
        }
        expected = h->offset + h->size + TABLE_TRAILER_SIZE;
        t->block_count++;
    }
    if (expected != f->index_offset || (t->block_count == 0) != (f->entries == 0)) {
        wt_why(why, cap, "offset %llu: index block does not cover the data blocks",
                  (unsigned long long)f->index_offset);
        return WT_CORRUPTION;
    }
    return WT_OK;
}

wt_status table_open(port_file *f, uint64_t file_size, table **out, char *why, size_t why_cap)
{
    WT_ASSERT(f != NULL);
    WT_ASSERT(out != NULL);
    *out = NULL;
    table *t = port_alloc_zeroed(sizeof *t);
    t->file = f;
    t->file_size = file_size;
    wt_status s = table_read_footer(t, why, why_cap);
    if (s != WT_OK) goto fail;
    s = table_load_index(t, why, why_cap);
    if (s != WT_OK) goto fail;
    *out = t;
    return WT_OK;
fail:
    table_close(t);
    return s;
}

void table_close(table *t)
{
    if (t == NULL) return;
    /* A failed close of a file opened for reading loses nothing. */
    wt_status ignored = port_file_close(t->file);
    (void)ignored;
    port_free(t->index_data);
    port_free(t->blocks);
    port_free(t);
}

uint64_t table_entry_count(const table *t) { return t->footer.entries; }
uint64_t table_min_seq(const table *t) { return t->footer.min_seq; }
uint64_t table_max_seq(const table *t) { return t->footer.max_seq; }
uint64_t table_data_block_count(const table *t) { return t->block_count; }

/* The first block whose last key is >= (user_key, packed): the only block
 * that can hold the first entry >= it.  block_count when there is none. */
static size_t table_find_block(const table *t, wt_slice user_key, uint64_t packed)
{
    size_t lo = 0, hi = t->block_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t mid_packed = 0;
        wt_slice mid_user = table_user_key(t->blocks[mid].last_key, &mid_packed);
        if (table_compare(mid_user, mid_packed, user_key, packed) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Finds the first entry >= (user_key, packed) in a checked block. */
static wt_status table_search_block(const wt_buf *blk, uint64_t block_offset,
                                    wt_slice user_key, uint64_t packed, table_entry *e,
                                    bool *found, char *why, size_t cap)
{
    const uint8_t *p = blk->data, *limit = blk->data + blk->size;
    *found = false;
    while (p < limit) {
        const uint8_t *next = table_decode_entry(p, limit, e);
        if (next == NULL) {
            wt_why(why, cap, "offset %llu: data block entry at +%zu is malformed",
                      (unsigned long long)block_offset, (size_t)(p - blk->data));
            return WT_CORRUPTION;
        }
        if (table_compare(e->user_key, (e->seq << 8) | e->type, user_key, packed) >= 0) {
            *found = true;
            return WT_OK;
        }
        p = next;
    }
    return WT_OK;
}

wt_status table_get(const table *t, wt_slice user_key, uint64_t snapshot,
                    table_get_result *result, wt_buf *value, char *why, size_t why_cap)
{
    WT_ASSERT(t != NULL && result != NULL && value != NULL);
    WT_ASSERT(snapshot <= WT_MAX_SEQUENCE);
    *result = TABLE_GET_ABSENT;
    uint64_t packed = (snapshot << 8) | TABLE_TYPE_FOR_SEEK;
    size_t i = table_find_block(t, user_key, packed);
    if (i == t->block_count) return WT_OK;
    const table_block_handle *h = &t->blocks[i];
    wt_buf blk;
    wt_buf_init(&blk);
    wt_status s = table_read_block(t, h->offset, h->size, "data block", &blk, why, why_cap);
    table_entry e;
    bool found = false;
    if (s == WT_OK)
        s = table_search_block(&blk, h->offset, user_key, packed, &e, &found, why, why_cap);
    if (s == WT_OK && found && wt_slice_compare(e.user_key, user_key) == 0) {
        if (e.type == WT_TYPE_VALUE) {
            wt_buf_set(value, e.value.data, e.value.size);
            *result = TABLE_GET_FOUND;
        } else {
            *result = TABLE_GET_DELETED;
        }
    }
    wt_buf_free(&blk);
    return s;
}

/* =============================================================== iterator */

enum { TABLE_ITER_WHY_MAX = 160 };

struct table_iter {
    const table *t;
    size_t block;      /* the block in buf; block_count once past the end */
    wt_buf buf;        /* the current block's bytes */
    size_t pos;        /* offset in buf of the entry after the current one */
    bool valid;
    table_entry entry; /* the current entry (slices into buf) */
    wt_status status;  /* the error that ended the iteration */
    char why[TABLE_ITER_WHY_MAX];
};

table_iter *table_iter_create(const table *t)
{
    WT_ASSERT(t != NULL);
    table_iter *it = port_alloc_zeroed(sizeof *it);
    it->t = t;
    it->block = t->block_count;
    wt_buf_init(&it->buf);
    it->status = WT_OK;
    return it;
}

void table_iter_destroy(table_iter *it)
{
    if (it == NULL) return;
    wt_buf_free(&it->buf);
    port_free(it);
}

static void table_iter_fail(table_iter *it, wt_status s)
{
    WT_ASSERT(s != WT_OK);
    it->status = s;
    it->valid = false;
    it->block = it->t->block_count;
}

/* Decodes the entry at pos of the current block. */
static void table_iter_decode(table_iter *it)
{
    WT_ASSERT(it->pos < it->buf.size);
    const uint8_t *limit = it->buf.data + it->buf.size;
    const uint8_t *next = table_decode_entry(it->buf.data + it->pos, limit, &it->entry);
    if (next == NULL) {
        wt_why(it->why, sizeof it->why, "offset %llu: data block entry at +%zu is malformed",
                  (unsigned long long)it->t->blocks[it->block].offset, it->pos);
        table_iter_fail(it, WT_CORRUPTION);
        return;
    }
    it->pos = (size_t)(next - it->buf.data);
    it->valid = true;
}

/* Reads block it->block (if any) and positions at its first entry. */
static void table_iter_load(table_iter *it)
{
    it->valid = false;
    if (it->block >= it->t->block_count) return;
    const table_block_handle *h = &it->t->blocks[it->block];
    wt_status s = table_read_block(it->t, h->offset, h->size, "data block", &it->buf, it->why,
                                   sizeof it->why);
    if (s != WT_OK) {
        table_iter_fail(it, s);
        return;
    }
    WT_ASSERT(it->buf.size > 0); /* blocks are non-empty (checked at open) */
    it->pos = 0;
    table_iter_decode(it);
}

void table_iter_seek_to_first(table_iter *it)
{
    WT_ASSERT(it != NULL);
    it->status = WT_OK;
    it->why[0] = '\0';
    it->block = 0;
    table_iter_load(it);
}

bool table_iter_valid(const table_iter *it) { return it->valid; }

void table_iter_next(table_iter *it)
{
    WT_ASSERT(it->valid);
    if (it->pos < it->buf.size) {
        table_iter_decode(it);
        return;
    }
    it->block++;
    table_iter_load(it);
}

wt_slice table_iter_key(const table_iter *it)
{
    WT_ASSERT(it->valid);
    return it->entry.user_key;
}

uint64_t table_iter_seq(const table_iter *it)
{
    WT_ASSERT(it->valid);
    return it->entry.seq;
}

wt_value_type table_iter_type(const table_iter *it)
{
    WT_ASSERT(it->valid);
    return it->entry.type;
}

wt_slice table_iter_value(const table_iter *it)
{
    WT_ASSERT(it->valid);
    return it->entry.value;
}

wt_status table_iter_status(const table_iter *it, const char **why)
{
    WT_ASSERT(it != NULL);
    if (why != NULL) *why = it->why;
    return it->status;
}
