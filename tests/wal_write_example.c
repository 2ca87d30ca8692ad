/*
 * wal_write_example.c — writes a WAL with wal.h for RocksDB's ldb to read.
 *
 * Usage: wal_write_example FILE
 *
 * The file holds the worked example of shared/reference/wal-format.md
 * (sequences 1, 2, 6, 7; its first 70 140 bytes are what RocksDB 7.8.3
 * wrote) and then batches chosen to reach the writer's edge cases, so that
 * RocksDB's reader is the judge of each: column-family and merge entries,
 * a record that leaves exactly 7 bytes in its block (the next record starts
 * with a header-only FIRST), one that leaves 6 (zero trailer), a second
 * record over 64 KiB with varied bytes, and an empty batch (count 0, as
 * RocksDB writes after a point-in-time recovery).  tests/wal_interop.sh
 * compares `ldb dump_wal` of the result with tests/data/wal_example.expected.
 *
 * The WriteBatch bytes are built here by hand (12-byte header: sequence
 * u64 LE, count u32 LE; then tag, varint32 lengths, bytes), independent of
 * the engine's write_batch.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port.h"
#include "wal.h"

enum { EXAMPLE_BATCH_MAX = 200000 };

typedef struct batch {
    uint8_t bytes[EXAMPLE_BATCH_MAX];
    size_t len;
} batch;

static void batch_put_bytes(batch *b, const void *p, size_t n)
{
    if (b->len + n > EXAMPLE_BATCH_MAX) {
        fprintf(stderr, "wal_write_example: batch too large\n");
        exit(2);
    }
    memcpy(b->bytes + b->len, p, n);
    b->len += n;
}

static void batch_u8(batch *b, uint8_t v) { batch_put_bytes(b, &v, 1); }

static void batch_varint(batch *b, uint32_t v)
{
    while (v >= 0x80) {
        batch_u8(b, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    batch_u8(b, (uint8_t)v);
}

static void batch_begin(batch *b, uint64_t sequence, uint32_t count)
{
    b->len = 0;
    for (int i = 0; i < 8; i++) batch_u8(b, (uint8_t)(sequence >> (8 * i)));
    for (int i = 0; i < 4; i++) batch_u8(b, (uint8_t)(count >> (8 * i)));
}

static void batch_string(batch *b, const void *s, size_t n)
{
    batch_varint(b, (uint32_t)n);
    batch_put_bytes(b, s, n);
}

static void batch_str(batch *b, const char *s) { batch_string(b, s, strlen(s)); }

/* tag key [value] with tag 0x01 put, 0x00 delete, 0x07 single delete,
 * 0x02 merge, 0x0F range delete, 0x03 log data. */
static void batch_entry(batch *b, uint8_t tag, const char *key, const char *value)
{
    batch_u8(b, tag);
    batch_str(b, key);
    if (value != NULL) batch_str(b, value);
}

/* A put of key and n bytes of `fill`, or of a byte pattern when fill is 0. */
static void batch_put_filled(batch *b, const char *key, size_t n, char fill)
{
    batch_u8(b, 0x01);
    batch_str(b, key);
    batch_varint(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) batch_u8(b, fill ? (uint8_t)fill : (uint8_t)(i * 7 + i / 251));
}

static void append(wal_writer *w, const batch *b)
{
    uint64_t offset = 0;
    if (wal_add_record(w, b->bytes, b->len, &offset) != WT_OK) {
        fprintf(stderr, "wal_write_example: append failed\n");
        exit(1);
    }
}

/* A one-put batch whose WAL record ends exactly `left` bytes before the
 * end of the current block. */
static void batch_to_block_end(batch *b, const wal_writer *w, uint64_t sequence,
                               const char *key, size_t left)
{
    size_t used = (size_t)(wal_file_size(w) % WAL_BLOCK_SIZE);
    size_t payload = WAL_BLOCK_SIZE - used - left - WAL_HEADER_SIZE;
    size_t overhead = 12 + 1 + 1 + strlen(key);
    size_t value = payload - overhead - 3; /* a 3-byte varint length */
    batch_begin(b, sequence, 1);
    batch_put_filled(b, key, value, 'f');
    if (b->len != payload) {
        fprintf(stderr, "wal_write_example: sizing error\n");
        exit(2);
    }
}

static void write_worked_example(wal_writer *w, batch *b)
{
    batch_begin(b, 1, 1);
    batch_entry(b, 0x01, "a", "1");
    append(w, b);
    batch_begin(b, 2, 4);
    batch_entry(b, 0x01, "k2", "v2");
    batch_entry(b, 0x00, "k3", NULL);
    batch_entry(b, 0x07, "k4", NULL);
    batch_entry(b, 0x0F, "r0", "r9");
    batch_entry(b, 0x03, "blob", NULL);
    append(w, b);
    batch_begin(b, 6, 1);
    batch_put_filled(b, "big", 70000, 'x');
    append(w, b);
    batch_begin(b, 7, 1);
    batch_entry(b, 0x01, "z", "after");
    append(w, b);
}

static void write_edge_cases(wal_writer *w, batch *b)
{
    batch_begin(b, 8, 4); /* merge, column family 2 put and delete, empty value */
    batch_entry(b, 0x02, "m", "+1");
    batch_u8(b, 0x05);
    batch_varint(b, 2);
    batch_str(b, "cfkey");
    batch_str(b, "cfvalue");
    batch_u8(b, 0x04);
    batch_varint(b, 2);
    batch_str(b, "cfgone");
    batch_entry(b, 0x01, "empty", "");
    append(w, b);
    batch_to_block_end(b, w, 12, "seven", 7);
    append(w, b);
    batch_begin(b, 13, 1); /* starts with a FIRST of length 0 */
    batch_entry(b, 0x01, "after7", "x");
    append(w, b);
    batch_to_block_end(b, w, 14, "six", 6);
    append(w, b);
    batch_begin(b, 15, 1); /* after a 6-byte zero trailer */
    batch_entry(b, 0x01, "after6", "y");
    append(w, b);
    batch_begin(b, 16, 1); /* FIRST, MIDDLE, MIDDLE, ..., LAST */
    batch_put_filled(b, "pattern", 150000, 0);
    append(w, b);
    batch_begin(b, 17, 0); /* empty batch */
    append(w, b);
    batch_begin(b, 17, 2);
    batch_entry(b, 0x01, "last", "one");
    batch_entry(b, 0x07, "a", NULL);
    append(w, b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: wal_write_example FILE\n");
        return 2;
    }
    port_file *f = NULL;
    if (port_file_open(argv[1], PORT_OPEN_CREATE, &f) != WT_OK) {
        fprintf(stderr, "wal_write_example: cannot create %s\n", argv[1]);
        return 1;
    }
    wal_writer *w = wal_writer_create(f, 4, 0);
    batch *b = malloc(sizeof *b);
    if (b == NULL) return 1;
    write_worked_example(w, b);
    write_edge_cases(w, b);
    free(b);
    if (wal_sync(w) != WT_OK || wal_writer_close(w) != WT_OK) {
        fprintf(stderr, "wal_write_example: sync or close failed\n");
        return 1;
    }
    return 0;
}
