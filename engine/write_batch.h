/*
 * write_batch.h — RocksDB's WriteBatch representation.
 *
 * A batch is one byte string ("rep"): a 12-byte header — sequence number
 * (fixed64 LE, the sequence of the first counted record) and count
 * (fixed32 LE, the number of counted records) — followed by tagged records.
 * Tags (RocksDB ValueType numbers): 0x01 put(key, value), 0x00 delete(key),
 * 0x07 single delete(key), 0x03 log data(blob, not counted); the reader also
 * accepts the column-family variants (0x05, 0x04, 0x08 with a varint32 cf id
 * first), merge (0x02/0x06), range delete (0x0F/0x0E) and noop (0x0D), so a
 * WAL written by RocksDB can be dumped.  Strings are varint32
 * length-prefixed.  The rep is exactly what goes into a WAL record, and a
 * group leader appends followers' records to form one record.
 *
 * Small batches live in storage inside the struct (no allocation for a
 * typical Put); larger ones grow on the heap.  A batch is not thread-safe;
 * the write path reads a follower's batch only while its owner waits.
 */
#ifndef WT_WRITE_BATCH_H
#define WT_WRITE_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coding.h"
#include "status.h"

enum {
    WT_BATCH_HEADER = 12,
    WT_BATCH_INLINE = 128, /* bytes of rep stored inside the struct */
};

/* Record tags (RocksDB ValueType values as written in a batch). */
typedef enum wt_batch_tag {
    WT_TAG_DELETION = 0x00,
    WT_TAG_VALUE = 0x01,
    WT_TAG_MERGE = 0x02,
    WT_TAG_LOG_DATA = 0x03,
    WT_TAG_CF_DELETION = 0x04,
    WT_TAG_CF_VALUE = 0x05,
    WT_TAG_CF_MERGE = 0x06,
    WT_TAG_SINGLE_DELETION = 0x07,
    WT_TAG_CF_SINGLE_DELETION = 0x08,
    WT_TAG_NOOP = 0x0D,
    WT_TAG_CF_RANGE_DELETION = 0x0E,
    WT_TAG_RANGE_DELETION = 0x0F,
} wt_batch_tag;

typedef struct wt_write_batch {
    uint8_t *rep;  /* == inline_rep while small */
    size_t size;
    size_t cap;
    uint8_t inline_rep[WT_BATCH_INLINE];
} wt_write_batch;

/* An empty batch: header only, sequence 0, count 0. */
void wt_batch_init(wt_write_batch *b);
void wt_batch_destroy(wt_write_batch *b);
/* Back to empty; keeps heap storage for reuse. */
void wt_batch_clear(wt_write_batch *b);

void wt_batch_put(wt_write_batch *b, wt_slice key, wt_slice value);
void wt_batch_delete(wt_write_batch *b, wt_slice key);
void wt_batch_single_delete(wt_write_batch *b, wt_slice key);
/* A blob carried in the WAL only; not counted, never applied. */
void wt_batch_put_log_data(wt_write_batch *b, wt_slice blob);

/* Appends src's records to dst and adds its count (dst's sequence stays). */
void wt_batch_append(wt_write_batch *dst, const wt_write_batch *src);

/* Replaces the contents with rep bytes read from a WAL record.
 * WT_CORRUPTION when shorter than the header. */
WT_MUST_USE wt_status wt_batch_set_contents(wt_write_batch *b, const void *rep, size_t n);

static inline size_t wt_batch_byte_size(const wt_write_batch *b) { return b->size; }
static inline uint32_t wt_batch_count(const wt_write_batch *b) { return wt_get_fixed32(b->rep + 8); }
static inline uint64_t wt_batch_sequence(const wt_write_batch *b) { return wt_get_fixed64(b->rep); }
static inline void wt_batch_set_sequence(wt_write_batch *b, uint64_t seq) { wt_put_fixed64(b->rep, seq); }
static inline wt_slice wt_batch_contents(const wt_write_batch *b) { return wt_slice_make(b->rep, b->size); }

/* ------------------------------------------------------------ iteration */

typedef struct wt_batch_record {
    wt_batch_tag tag;
    uint32_t column_family;
    wt_slice key;   /* key, blob (log data) or range begin */
    wt_slice value; /* value or range end; empty otherwise */
} wt_batch_record;

typedef struct wt_batch_iter {
    const uint8_t *base;
    const uint8_t *p;
    const uint8_t *limit;
    uint32_t counted;  /* counted records seen so far */
    uint32_t expected; /* count from the header */
    uint64_t offset;   /* rep offset of the record returned last */
    const char *error; /* reason of WT_BATCH_ITER_CORRUPT */
} wt_batch_iter;

typedef enum wt_batch_iter_result {
    WT_BATCH_ITER_RECORD,
    WT_BATCH_ITER_END,     /* all records read and the count matched */
    WT_BATCH_ITER_CORRUPT, /* it->error and it->offset say what and where */
} wt_batch_iter_result;

/* Iterates a rep (at least WT_BATCH_HEADER bytes). */
void wt_batch_iter_init(wt_batch_iter *it, const uint8_t *rep, size_t n);
wt_batch_iter_result wt_batch_iter_next(wt_batch_iter *it, wt_batch_record *rec);

/* True for tags that consume a sequence number. */
bool wt_batch_tag_counted(wt_batch_tag tag);
/* "PUT", "DELETE", "SINGLE_DELETE", "MERGE", "DELETE_RANGE", "LOG_DATA", "NOOP". */
const char *wt_batch_tag_name(wt_batch_tag tag);

/* Checks the whole rep: framing and count.  WT_CORRUPTION when bad. */
WT_MUST_USE wt_status wt_batch_validate(const uint8_t *rep, size_t n);

#endif
