/*
 * table.h — sorted, checksummed table files ("SST"): what a memtable flush
 * writes and what reads and recovery read back.
 *
 * A table holds internal-key entries (user key, sequence, value type,
 * value) in memtable order: user key ascending (bytewise), then
 * (sequence << 8 | type) descending, so the newest version of a key comes
 * first.  The layout is RocksDB's block-based table reduced to its bones:
 * no compression, no filters, no restart points, no properties block.
 *
 * File layout (all integers little-endian; varints as in coding.h):
 *
 *   data block 0 | trailer | data block 1 | trailer | ... |
 *   index block | trailer | footer
 *
 *   data block  = entries, each
 *                 varint32 klen | user key | fixed64 (seq << 8 | type) |
 *                 varint32 vlen | value           (klen = |user key| + 8)
 *                 A block is closed once it holds TABLE_BLOCK_SIZE bytes or
 *                 more, so a block is ~4 KiB unless one entry is bigger.
 *   trailer     = u8 block type (0: uncompressed) | fixed32 masked crc32c
 *                 of (block bytes, type byte), like RocksDB's 5-byte block
 *                 trailer.
 *   index block = one entry per data block, in file order:
 *                 varint32 klen | last internal key of the block |
 *                 varint64 block offset | varint64 block size (without
 *                 its trailer); followed by its own trailer.
 *   footer      = TABLE_FOOTER_SIZE (56) bytes:
 *                 [0]  fixed64 index offset   [8]  fixed64 index size
 *                 [16] fixed64 entry count    [24] fixed64 smallest seq
 *                 [32] fixed64 largest seq    [40] fixed32 format version (1)
 *                 [44] fixed32 masked crc32c of bytes [0, 44)
 *                 [48] fixed64 TABLE_MAGIC
 *
 * Invariants a reader checks at open: the footer's magic and crc; the
 * index block's crc; data blocks tile [0, index offset) in index order
 * with no gaps; index keys strictly ascend; the index block ends where the
 * footer starts.  Every block read (data or index) verifies its crc.  An
 * empty table has no data blocks, an empty index block and entry count 0.
 *
 * Thread safety: a builder is used by one thread.  A table is immutable
 * after table_open; any number of threads may call table_get and use their
 * own iterators at once (each read uses the caller's buffers; there is no
 * cache).  An iterator is used by one thread.  table_close requires that
 * no call is in progress and no iterator is alive.
 */
#ifndef WT_TABLE_H
#define WT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coding.h"
#include "memtable.h"
#include "port.h"
#include "status.h"
#include "util.h"

enum {
    TABLE_BLOCK_SIZE = 4096,     /* target data block size */
    TABLE_TRAILER_SIZE = 5,      /* type byte + masked crc32c */
    TABLE_FOOTER_SIZE = 56,
    TABLE_FORMAT_VERSION = 1,
};

/* "wtlabsst" read as a little-endian fixed64. */
#define TABLE_MAGIC UINT64_C(0x74737362616c7477)

/* What a finished table holds.  The keys are owned copies. */
typedef struct table_properties {
    uint64_t entries;
    uint64_t file_size;
    wt_buf smallest_key; /* user key of the first entry (empty: no entries) */
    wt_buf largest_key;  /* user key of the last entry */
    uint64_t min_seq;    /* 0 when entries == 0 */
    uint64_t max_seq;
} table_properties;

void table_properties_init(table_properties *p);
void table_properties_free(table_properties *p);

/* ---------------------------------------------------------------- builder */
typedef struct table_builder table_builder;

/* Starts a table in f, a new empty file opened with PORT_OPEN_CREATE.
 * Takes ownership of f. */
table_builder *table_builder_create(port_file *f);

/* Adds one entry.  REQUIRES: (user_key, seq, type) sorts strictly after the
 * previous entry in internal-key order; seq <= WT_MAX_SEQUENCE; type is a
 * wt_value_type.  A failed file append is remembered (sticky) and reported
 * by table_builder_finish; later adds then write nothing. */
void table_builder_add(table_builder *b, wt_slice user_key, uint64_t seq, wt_value_type type,
                       wt_slice value);

/* The first error a file append met, WT_OK if none. */
wt_status table_builder_status(const table_builder *b);

/* Writes the last data block, the index block and the footer, syncs and
 * closes the file, and frees b (whatever the result).  props (may be NULL,
 * must be initialised) receives the table's properties on WT_OK.
 * Returns WT_OK, or the I/O error (WT_IO_ERROR, WT_NO_SPACE) of the first
 * failed append, sync or close; then the file is garbage and the caller
 * deletes it.  The caller syncs the directory before recording the file
 * anywhere durable (manifest_log_and_apply does). */
WT_MUST_USE wt_status table_builder_finish(table_builder *b, table_properties *props);

/* Closes the file and frees b without finishing the table (the file is
 * garbage; the caller deletes it). */
void table_builder_abandon(table_builder *b);

/* ----------------------------------------------------------------- reader */
typedef struct table table;

/* Opens a table of file_size bytes (the size the builder reported) in f, a
 * file opened with PORT_OPEN_READ.  Takes ownership of f (closed on
 * failure).  Reads and checks the footer and the index block.
 * WT_CORRUPTION: bad bytes; `why` (may be NULL) names the offset and the
 * reason, e.g. "offset 8211: index block checksum mismatch".  A file
 * shorter than file_size is corruption too.  WT_IO_ERROR: a read failed. */
WT_MUST_USE wt_status table_open(port_file *f, uint64_t file_size, table **out, char *why,
                                 size_t why_cap);
/* Closes the file and frees t. */
void table_close(table *t);

uint64_t table_entry_count(const table *t);
uint64_t table_min_seq(const table *t);
uint64_t table_max_seq(const table *t);
uint64_t table_data_block_count(const table *t);

typedef enum table_get_result {
    TABLE_GET_ABSENT,  /* no version of key with sequence <= snapshot */
    TABLE_GET_FOUND,   /* newest visible version is a value: *value set */
    TABLE_GET_DELETED, /* newest visible version is a (single) deletion */
} table_get_result;

/* The newest version of user_key with sequence <= snapshot.  Reads (and
 * checks) at most one data block.  *value (initialised by the caller) is
 * set only for TABLE_GET_FOUND.  WT_CORRUPTION / WT_IO_ERROR as for
 * table_open, with the block's offset in `why`. */
WT_MUST_USE wt_status table_get(const table *t, wt_slice user_key, uint64_t snapshot,
                                table_get_result *result, wt_buf *value, char *why,
                                size_t why_cap);

/* --------------------------------------------------------------- iterator
 * Walks every entry (all versions) in internal-key order.  key() and
 * value() point into the iterator's block buffer: valid until the next
 * seek or next.  A failed block read ends the iteration (valid() false)
 * and is reported by table_iter_status. */
typedef struct table_iter table_iter;

table_iter *table_iter_create(const table *t);
void table_iter_destroy(table_iter *it);
void table_iter_seek_to_first(table_iter *it);
bool table_iter_valid(const table_iter *it);
/* REQUIRES: valid. */
void table_iter_next(table_iter *it);
wt_slice table_iter_key(const table_iter *it); /* user key */
uint64_t table_iter_seq(const table_iter *it);
wt_value_type table_iter_type(const table_iter *it);
wt_slice table_iter_value(const table_iter *it);
/* WT_OK, or the error that ended the iteration; *why (may be NULL) gets
 * a message naming the offset, owned by the iterator ("" when WT_OK). */
wt_status table_iter_status(const table_iter *it, const char **why);

#endif
