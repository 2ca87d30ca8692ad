/*
 * write_batch.c — building and reading RocksDB WriteBatch reps.
 *
 * Invariants: b->size >= WT_BATCH_HEADER; the count in the header equals
 * the number of counted records appended through this API; rep points to
 * inline_rep exactly while cap == WT_BATCH_INLINE.  Not thread-safe.
 */
#include "write_batch.h"

#include <string.h>

#include "util.h"

void wt_batch_init(wt_write_batch *b)
{
    b->rep = b->inline_rep;
    b->cap = WT_BATCH_INLINE;
    b->size = WT_BATCH_HEADER;
    memset(b->rep, 0, WT_BATCH_HEADER);
}

void wt_batch_destroy(wt_write_batch *b)
{
    if (b->rep != b->inline_rep) port_free(b->rep);
    b->rep = NULL;
    b->size = b->cap = 0;
}

void wt_batch_clear(wt_write_batch *b)
{
    WT_ASSERT(b->rep != NULL);
    b->size = WT_BATCH_HEADER;
    memset(b->rep, 0, WT_BATCH_HEADER);
}

static void batch_reserve(wt_write_batch *b, size_t extra)
{
    size_t need = b->size + extra;
    if (need <= b->cap) return;
    size_t cap = b->cap * 2;
    while (cap < need) cap *= 2;
    if (b->rep == b->inline_rep) {
        uint8_t *heap = port_alloc(cap);
        memcpy(heap, b->rep, b->size);
        b->rep = heap;
    } else {
        b->rep = port_realloc(b->rep, cap);
    }
    b->cap = cap;
}

static void batch_add_count(wt_write_batch *b, uint32_t n)
{
    wt_put_fixed32(b->rep + 8, wt_batch_count(b) + n);
}

static void put_length_prefixed(wt_write_batch *b, wt_slice s)
{
    WT_ASSERT(s.size <= UINT32_MAX);
    b->size += wt_put_varint32(b->rep + b->size, (uint32_t)s.size);
    if (s.size) memcpy(b->rep + b->size, s.data, s.size);
    b->size += s.size;
}

static void batch_add_record(wt_write_batch *b, wt_batch_tag tag, wt_slice key,
                             const wt_slice *value)
{
    size_t extra = 1 + WT_VARINT32_MAX + key.size;
    if (value) extra += WT_VARINT32_MAX + value->size;
    batch_reserve(b, extra);
    b->rep[b->size++] = (uint8_t)tag;
    put_length_prefixed(b, key);
    if (value) put_length_prefixed(b, *value);
    if (wt_batch_tag_counted(tag)) batch_add_count(b, 1);
}

void wt_batch_put(wt_write_batch *b, wt_slice key, wt_slice value)
{
    batch_add_record(b, WT_TAG_VALUE, key, &value);
}

void wt_batch_delete(wt_write_batch *b, wt_slice key)
{
    batch_add_record(b, WT_TAG_DELETION, key, NULL);
}

void wt_batch_single_delete(wt_write_batch *b, wt_slice key)
{
    batch_add_record(b, WT_TAG_SINGLE_DELETION, key, NULL);
}

void wt_batch_put_log_data(wt_write_batch *b, wt_slice blob)
{
    batch_add_record(b, WT_TAG_LOG_DATA, blob, NULL);
}

void wt_batch_append(wt_write_batch *dst, const wt_write_batch *src)
{
    WT_ASSERT(src->size >= WT_BATCH_HEADER);
    size_t n = src->size - WT_BATCH_HEADER;
    batch_reserve(dst, n);
    memcpy(dst->rep + dst->size, src->rep + WT_BATCH_HEADER, n);
    dst->size += n;
    batch_add_count(dst, wt_batch_count(src));
}

wt_status wt_batch_set_contents(wt_write_batch *b, const void *rep, size_t n)
{
    if (n < WT_BATCH_HEADER) return WT_CORRUPTION;
    b->size = WT_BATCH_HEADER;
    batch_reserve(b, n - WT_BATCH_HEADER);
    memcpy(b->rep, rep, n);
    b->size = n;
    return WT_OK;
}

/* ------------------------------------------------------------ iteration */

bool wt_batch_tag_counted(wt_batch_tag tag)
{
    switch (tag) {
    case WT_TAG_LOG_DATA:
    case WT_TAG_NOOP:
        return false;
    default:
        return true;
    }
}

const char *wt_batch_tag_name(wt_batch_tag tag)
{
    switch (tag) {
    case WT_TAG_VALUE:
    case WT_TAG_CF_VALUE:
        return "PUT";
    case WT_TAG_DELETION:
    case WT_TAG_CF_DELETION:
        return "DELETE";
    case WT_TAG_SINGLE_DELETION:
    case WT_TAG_CF_SINGLE_DELETION:
        return "SINGLE_DELETE";
    case WT_TAG_MERGE:
    case WT_TAG_CF_MERGE:
        return "MERGE";
    case WT_TAG_RANGE_DELETION:
    case WT_TAG_CF_RANGE_DELETION:
        return "DELETE_RANGE";
    case WT_TAG_LOG_DATA:
        return "LOG_DATA";
    case WT_TAG_NOOP:
        return "NOOP";
    }
    return "UNKNOWN";
}

void wt_batch_iter_init(wt_batch_iter *it, const uint8_t *rep, size_t n)
{
    WT_ASSERT(n >= WT_BATCH_HEADER);
    it->base = rep;
    it->p = rep + WT_BATCH_HEADER;
    it->limit = rep + n;
    it->counted = 0;
    it->expected = wt_get_fixed32(rep + 8);
    it->offset = WT_BATCH_HEADER;
    it->error = NULL;
}

static wt_batch_iter_result iter_corrupt(wt_batch_iter *it, const char *why)
{
    it->error = why;
    it->p = it->limit;
    return WT_BATCH_ITER_CORRUPT;
}

/* Which fields follow a tag: a cf id, a key, a second string. */
static bool tag_layout(uint8_t tag, bool *has_cf, bool *has_value)
{
    *has_cf = false;
    *has_value = false;
    switch (tag) {
    case WT_TAG_CF_VALUE:
    case WT_TAG_CF_MERGE:
    case WT_TAG_CF_RANGE_DELETION:
        *has_cf = true;
        /* fall through */
    case WT_TAG_VALUE:
    case WT_TAG_MERGE:
    case WT_TAG_RANGE_DELETION:
        *has_value = true;
        return true;
    case WT_TAG_CF_DELETION:
    case WT_TAG_CF_SINGLE_DELETION:
        *has_cf = true;
        return true;
    case WT_TAG_DELETION:
    case WT_TAG_SINGLE_DELETION:
    case WT_TAG_LOG_DATA:
    case WT_TAG_NOOP:
        return true;
    default:
        return false;
    }
}

wt_batch_iter_result wt_batch_iter_next(wt_batch_iter *it, wt_batch_record *rec)
{
    if (it->p >= it->limit) {
        if (it->error) return WT_BATCH_ITER_CORRUPT;
        return it->counted == it->expected ? WT_BATCH_ITER_END
                                           : iter_corrupt(it, "batch count does not match its records");
    }
    it->offset = (uint64_t)(it->p - it->base);
    uint8_t tag = *it->p++;
    bool has_cf, has_value;
    if (!tag_layout(tag, &has_cf, &has_value)) return iter_corrupt(it, "unknown batch record tag");
    rec->tag = (wt_batch_tag)tag;
    rec->column_family = 0;
    rec->value = wt_slice_make(NULL, 0);
    if (has_cf && (it->p = wt_get_varint32(it->p, it->limit, &rec->column_family)) == NULL)
        return iter_corrupt(it, "bad column family id in batch");
    if (tag == WT_TAG_NOOP) {
        rec->key = wt_slice_make(NULL, 0);
    } else if ((it->p = wt_get_length_prefixed(it->p, it->limit, &rec->key)) == NULL) {
        return iter_corrupt(it, "truncated key in batch");
    }
    if (has_value && (it->p = wt_get_length_prefixed(it->p, it->limit, &rec->value)) == NULL)
        return iter_corrupt(it, "truncated value in batch");
    if (wt_batch_tag_counted(rec->tag)) it->counted++;
    return WT_BATCH_ITER_RECORD;
}

wt_status wt_batch_validate(const uint8_t *rep, size_t n)
{
    if (n < WT_BATCH_HEADER) return WT_CORRUPTION;
    wt_batch_iter it;
    wt_batch_record rec;
    wt_batch_iter_init(&it, rep, n);
    wt_batch_iter_result r;
    while ((r = wt_batch_iter_next(&it, &rec)) == WT_BATCH_ITER_RECORD) {
    }
    return r == WT_BATCH_ITER_END ? WT_OK : WT_CORRUPTION;
}
