/*
 * test_wal.c — the WAL writer and reader against RocksDB's log format.
 *
 * Goal: files written by wal_writer are byte for byte what RocksDB 7.8.3
 * writes; wal_reader reads them and RocksDB's own files back; the reader
 * reports damage where it is, with RocksDB's classification, and
 * resynchronises the way RocksDB's log::Reader does.
 *
 * Method:
 *  - the worked example of shared/reference/wal-format.md: the four
 *    WriteBatch payloads are built here by hand (12-byte header, tags,
 *    varint lengths), written, and the file is compared with the published
 *    bytes, the table of physical records, and the RocksDB-written fixture
 *    tests/data/rocksdb-7.8.3.log (same batches, written by RocksDB);
 *  - the fixture is also read with wal_reader and its batches parsed here;
 *  - block-tail cases (record filling a block, 7 and 6 bytes left) checked
 *    on the raw bytes; thousands of random records round-tripped;
 *  - corruption: files are written, then damaged with plain byte edits (or
 *    assembled from hand-made physical records), and the exact sequence of
 *    records and problems the reader returns is compared with the expected
 *    one.
 * Files go through port.h only, so the test also runs in the sim build;
 * the random source is a fixed-seed generator, so failures repeat.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "crc32c.h"
#include "harness.h"
#include "port.h"
#include "wal.h"
#include "test_files.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ byte buffers */

static void bytes_put(bytes *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n) cap *= 2;
        b->data = realloc(b->data, cap);
        ck_assert_ptr_nonnull(b->data);
        b->cap = cap;
    }
    if (n > 0) memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void bytes_u8(bytes *b, uint8_t v) { bytes_put(b, &v, 1); }

static void bytes_le(bytes *b, uint64_t v, int width)
{
    for (int i = 0; i < width; i++) bytes_u8(b, (uint8_t)(v >> (8 * i)));
}

static void bytes_free(bytes *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ------------------------------------------- WriteBatch bytes, by hand */

enum {
    TAG_DELETE = 0x00, TAG_PUT = 0x01, TAG_MERGE = 0x02, TAG_LOG_DATA = 0x03,
    TAG_SINGLE_DELETE = 0x07, TAG_RANGE_DELETE = 0x0F,
};

static void batch_header(bytes *b, uint64_t sequence, uint32_t count)
{
    bytes_le(b, sequence, 8);
    bytes_le(b, count, 4);
}

static void batch_string(bytes *b, const void *s, size_t n)
{
    size_t v = n;
    while (v >= 0x80) {
        bytes_u8(b, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    bytes_u8(b, (uint8_t)v);
    bytes_put(b, s, n);
}

static void batch_entry(bytes *b, uint8_t tag, const char *k, const char *v)
{
    bytes_u8(b, tag);
    batch_string(b, k, strlen(k));
    if (v != NULL) batch_string(b, v, strlen(v));
}

/* The four batches of the worked example in wal-format.md. */
static void worked_example_batches(bytes out[4])
{
    memset(out, 0, 4 * sizeof out[0]);
    batch_header(&out[0], 1, 1);
    batch_entry(&out[0], TAG_PUT, "a", "1");

    batch_header(&out[1], 2, 4);
    batch_entry(&out[1], TAG_PUT, "k2", "v2");
    batch_entry(&out[1], TAG_DELETE, "k3", NULL);
    batch_entry(&out[1], TAG_SINGLE_DELETE, "k4", NULL);
    batch_entry(&out[1], TAG_RANGE_DELETE, "r0", "r9");
    batch_entry(&out[1], TAG_LOG_DATA, "blob", NULL);

    batch_header(&out[2], 6, 1);
    bytes_u8(&out[2], TAG_PUT);
    batch_string(&out[2], "big", 3);
    char *big = malloc(70000);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 70000);
    batch_string(&out[2], big, 70000);
    free(big);

    batch_header(&out[3], 7, 1);
    batch_entry(&out[3], TAG_PUT, "z", "after");
}

/* Describes a batch as "seq=S count=C | PUT k=v | DELETE k ...", long
 * values as "<N x 'c'>" when they repeat one byte. */
static void describe_value(char *out, size_t cap, const uint8_t *p, size_t n)
{
    bool same = n > 16;
    for (size_t i = 1; same && i < n; i++) same = p[i] == p[0];
    if (same) snprintf(out, cap, "<%zu x '%c'>", n, p[0]);
    else snprintf(out, cap, "%.*s", (int)n, (const char *)p);
}

static const uint8_t *parse_string(const uint8_t *p, const uint8_t *end, char *out, size_t cap)
{
    uint32_t n = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
        ck_assert(p < end);
        uint8_t byte = *p++;
        n |= (uint32_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) break;
    }
    ck_assert_uint_le(n, (size_t)(end - p));
    describe_value(out, cap, p, n);
    return p + n;
}

static void describe_batch(const uint8_t *p, size_t n, char *out, size_t cap)
{
    ck_assert_uint_ge(n, 12);
    uint64_t seq = 0;
    for (int i = 7; i >= 0; i--) seq = (seq << 8) | p[i];
    uint32_t count = (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 |
                     (uint32_t)p[11] << 24;
    size_t used = (size_t)snprintf(out, cap, "seq=%llu count=%u", (unsigned long long)seq, count);
    const uint8_t *q = p + 12, *end = p + n;
    while (q < end) {
        char a[64], b[64];
        uint8_t tag = *q++;
        const char *name = tag == TAG_PUT ? "PUT" : tag == TAG_DELETE ? "DELETE"
                         : tag == TAG_SINGLE_DELETE ? "SINGLE_DELETE"
                         : tag == TAG_RANGE_DELETE ? "RANGE_DELETE"
                         : tag == TAG_MERGE ? "MERGE" : tag == TAG_LOG_DATA ? "LOG_DATA" : NULL;
        ck_assert_msg(name != NULL, "unexpected tag %02x", tag);
        q = parse_string(q, end, a, sizeof a);
        bool two = tag == TAG_PUT || tag == TAG_MERGE || tag == TAG_RANGE_DELETE;
        if (two) q = parse_string(q, end, b, sizeof b);
        used += (size_t)snprintf(out + used, cap - used, " | %s %s%s%s", name, a,
                                 two ? " " : "", two ? b : "");
        ck_assert_uint_lt(used, cap);
    }
}

/* ------------------------------------------------------------ file helpers */

static wal_writer *writer_open(const char *path)
{
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    return wal_writer_create(f, 4, 0);
}

static void writer_close(wal_writer *w)
{
    ck_assert_int_eq(wal_writer_close(w), WT_OK);
}

static uint64_t add(wal_writer *w, const void *data, size_t n)
{
    uint64_t offset = UINT64_MAX;
    ck_assert_int_eq(wal_add_record(w, data, n, &offset), WT_OK);
    return offset;
}

static wal_reader *reader_open(const char *path)
{
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_READ, &f), WT_OK);
    return wal_reader_create(f, 4);
}

/* A hand-made physical record with a correct CRC. */
static void physical(bytes *b, uint8_t type, const void *payload, size_t n)
{
    ck_assert_uint_le(n, 0xFFFF);
    uint32_t crc = wt_crc32c_extend(wt_crc32c(&type, 1), payload, n);
    bytes_le(b, wt_crc32c_mask(crc), 4);
    bytes_le(b, n, 2);
    bytes_u8(b, type);
    bytes_put(b, payload, n);
}

static void zeros(bytes *b, size_t n)
{
    for (size_t i = 0; i < n; i++) bytes_u8(b, 0);
}

/* ------------------------------------------- what a reader returns, in order */

enum { EVENTS_MAX = 64 };

typedef struct event {
    wal_read_result result;
    uint64_t offset;     /* record offset, or problem offset */
    size_t size;         /* record bytes */
    uint8_t first_byte;  /* record's first byte (0 when empty) */
    wal_problem problem;
} event;

typedef struct events {
    event e[EVENTS_MAX];
    int n;
} events;

/* Reads until EOF, recording every result; then checks EOF is sticky. */
static events read_events(const char *path)
{
    events ev = {0};
    wal_reader *r = reader_open(path);
    for (;;) {
        ck_assert_int_lt(ev.n, EVENTS_MAX);
        event *e = &ev.e[ev.n++];
        wt_slice rec = {0};
        memset(&e->problem, 0, sizeof e->problem);
        e->result = wal_read_record(r, &rec, &e->offset, &e->problem);
        if (e->result == WAL_READ_RECORD) {
            e->size = rec.size;
            e->first_byte = rec.size ? rec.data[0] : 0;
        } else if (e->result == WAL_READ_PROBLEM) {
            e->offset = e->problem.offset;
            ck_assert_ptr_nonnull(e->problem.reason);
        } else {
            break;
        }
    }
    wt_slice rec;
    uint64_t off;
    wal_problem pr;
    ck_assert_int_eq(wal_read_record(r, &rec, &off, &pr), WAL_READ_EOF);
    wal_reader_destroy(r);
    return ev;
}

static void expect_record(const events *ev, int i, uint64_t offset, size_t size)
{
    ck_assert_int_lt(i, ev->n);
    ck_assert_msg(ev->e[i].result == WAL_READ_RECORD, "event %d: result %d (%s)", i,
                  ev->e[i].result, ev->e[i].problem.reason ? ev->e[i].problem.reason : "");
    ck_assert_uint_eq(ev->e[i].offset, offset);
    ck_assert_uint_eq(ev->e[i].size, size);
}

static void expect_problem(const events *ev, int i, wal_problem_kind kind, const char *reason,
                           uint64_t offset, uint64_t dropped, bool at_tail)
{
    ck_assert_int_lt(i, ev->n);
    ck_assert_msg(ev->e[i].result == WAL_READ_PROBLEM, "event %d: result %d", i,
                  ev->e[i].result);
    const wal_problem *p = &ev->e[i].problem;
    ck_assert_str_eq(wal_problem_kind_name(p->kind), wal_problem_kind_name(kind));
    ck_assert_str_eq(p->reason, reason);
    ck_assert_uint_eq(p->offset, offset);
    ck_assert_uint_eq(p->bytes, dropped);
    ck_assert_int_eq(p->at_tail, at_tail);
}

static void expect_partial(const events *ev, int i, uint64_t partial_offset)
{
    const wal_problem *p = &ev->e[i].problem;
    ck_assert_uint_eq(p->partial_offset, partial_offset);
    ck_assert_uint_eq(p->partial_bytes, p->offset - partial_offset);
    ck_assert_uint_gt(p->partial_bytes, 0);
}

static void expect_no_partial(const events *ev, int i)
{
    ck_assert_uint_eq(ev->e[i].problem.partial_bytes, 0);
}

static void expect_eof(const events *ev, int i)
{
    ck_assert_int_eq(ev->n, i + 1);
    ck_assert_int_eq(ev->e[i].result, WAL_READ_EOF);
}

#define WAL_TEST(name) DIR_TEST(name, "wal")

/* ----------------------------------------------------------- worked example */

/* The first 80 bytes of the example file, from wal-format.md. */
static const uint8_t example_head[80] = {
    0xe9, 0x9f, 0x78, 0x19, 0x11, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x01, 0x01, 0x61, 0x01, 0x31, 0x88, 0x15, 0x6e, 0xae, 0x28, 0x00, 0x01, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x02, 0x6b, 0x32, 0x02,
    0x76, 0x32, 0x00, 0x02, 0x6b, 0x33, 0x07, 0x02, 0x6b, 0x34, 0x0f, 0x02, 0x72, 0x30, 0x02, 0x72,
    0x39, 0x03, 0x04, 0x62, 0x6c, 0x6f, 0x62, 0x60, 0xe4, 0x28, 0x16, 0xb2, 0x7f, 0x02, 0x06, 0x00,
};

typedef struct physical_row {
    uint64_t offset;
    size_t length;
    uint8_t type;
} physical_row;

/* Walks the raw file as the format defines it, checking every CRC. */
static int walk_physical(const bytes *file, physical_row *rows, int max)
{
    int n = 0;
    size_t pos = 0;
    while (pos < file->len) {
        size_t left_in_block = WAL_BLOCK_SIZE - pos % WAL_BLOCK_SIZE;
        if (left_in_block < WAL_HEADER_SIZE) {
            for (size_t i = 0; i < left_in_block; i++) ck_assert_uint_eq(file->data[pos + i], 0);
            pos += left_in_block;
            continue;
        }
        ck_assert_uint_le(pos + WAL_HEADER_SIZE, file->len);
        const uint8_t *h = file->data + pos;
        size_t len = (size_t)h[4] | (size_t)h[5] << 8;
        ck_assert_uint_le(WAL_HEADER_SIZE + len, left_in_block);
        uint32_t stored = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
                          (uint32_t)h[3] << 24;
        ck_assert_uint_eq(stored, wt_crc32c_mask(wt_crc32c(h + 6, 1 + len)));
        ck_assert_int_lt(n, max);
        rows[n++] = (physical_row){pos, len, h[6]};
        pos += WAL_HEADER_SIZE + len;
    }
    ck_assert_uint_eq(pos, file->len);
    return n;
}

WAL_TEST(test_worked_example_bytes)
{
    bytes batch[4];
    worked_example_batches(batch);
    ck_assert_uint_eq(batch[0].len, 17);
    ck_assert_uint_eq(batch[1].len, 40);
    ck_assert_uint_eq(batch[2].len, 70020);
    ck_assert_uint_eq(batch[3].len, 21);

    const char *path = dir_file(t, "000004.log");
    wal_writer *w = writer_open(path);
    static const uint64_t record_offsets[4] = {0, 24, 71, 70112};
    for (int i = 0; i < 4; i++) ck_assert_uint_eq(add(w, batch[i].data, batch[i].len),
                                                  record_offsets[i]);
    ck_assert_uint_eq(wal_file_size(w), 70140);
    ck_assert_uint_eq(wal_log_number(w), 4);
    ck_assert_int_eq(wal_sync(w), WT_OK);
    writer_close(w);

    bytes file = file_read_all(path);
    ck_assert_uint_eq(file.len, 70140);
    ck_assert_int_eq(memcmp(file.data, example_head, sizeof example_head), 0);

    static const physical_row expected[] = {
        {0, 17, WAL_FULL},          {24, 40, WAL_FULL},         {71, 32690, WAL_FIRST},
        {32768, 32761, WAL_MIDDLE}, {65536, 4569, WAL_LAST},    {70112, 21, WAL_FULL},
    };
    physical_row rows[16];
    int n = walk_physical(&file, rows, 16);
    ck_assert_int_eq(n, (int)ARRAY_LEN(expected));
    for (int i = 0; i < n; i++) {
        ck_assert_uint_eq(rows[i].offset, expected[i].offset);
        ck_assert_uint_eq(rows[i].length, expected[i].length);
        ck_assert_uint_eq(rows[i].type, expected[i].type);
    }

    wal_reader *r = reader_open(path);
    for (int i = 0; i < 4; i++) {
        wt_slice rec;
        uint64_t off;
        wal_problem pr;
        ck_assert_int_eq(wal_read_record(r, &rec, &off, &pr), WAL_READ_RECORD);
        ck_assert_uint_eq(off, record_offsets[i]);
        ck_assert_uint_eq(rec.size, batch[i].len);
        ck_assert_int_eq(memcmp(rec.data, batch[i].data, rec.size), 0);
    }
    wt_slice rec;
    uint64_t off;
    wal_problem pr;
    ck_assert_int_eq(wal_read_record(r, &rec, &off, &pr), WAL_READ_EOF);
    wal_reader_destroy(r);
    bytes_free(&file);
    for (int i = 0; i < 4; i++) bytes_free(&batch[i]);
}

/* ------------------------------------------------- the RocksDB-written file */

/* tests/data/ of the source tree: $WTLAB_TEST_DATA, else found from this
 * file's compile-time path, which meson gives relative to the build root
 * (the parent of the directory holding this executable). */
static char *fixture_path(const char *name)
{
    char *out = NULL;
    const char *env = getenv("WTLAB_TEST_DATA");
    if (env != NULL && *env != '\0') {
        ck_assert_int_ge(asprintf(&out, "%s/%s", env, name), 0);
        return out;
    }
    const char *src = __FILE__;
    const char *slash = strrchr(src, '/');
    int src_dir_len = slash ? (int)(slash - src) : 1;
    if (slash == NULL) src = ".";
    if (src[0] == '/') {
        ck_assert_int_ge(asprintf(&out, "%.*s/data/%s", src_dir_len, src, name), 0);
        return out;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ck_assert_int_gt(n, 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    ck_assert_int_ge(asprintf(&out, "%s/../%.*s/data/%s", exe, src_dir_len, src, name), 0);
    return out;
}

/* Copies a real file of the source tree into the port's file system. */
static bytes load_fixture(const char *name)
{
    char *path = fixture_path(name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (set WTLAB_TEST_DATA to tests/data)", path);
    bytes b = {0};
    uint8_t chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) bytes_put(&b, chunk, got);
    ck_assert_int_eq(ferror(f), 0);
    fclose(f);
    free(path);
    return b;
}

WAL_TEST(test_rocksdb_fixture_reads)
{
    bytes fixture = load_fixture("rocksdb-7.8.3.log");
    ck_assert_uint_eq(fixture.len, 70140);
    const char *path = dir_file(t, "rocksdb.log");
    file_write_all(path, fixture.data, fixture.len);

    static const struct {
        uint64_t offset;
        const char *text;
    } expected[] = {
        {0, "seq=1 count=1 | PUT a 1"},
        {24, "seq=2 count=4 | PUT k2 v2 | DELETE k3 | SINGLE_DELETE k4 | RANGE_DELETE r0 r9"
             " | LOG_DATA blob"},
        {71, "seq=6 count=1 | PUT big <70000 x 'x'>"},
        {70112, "seq=7 count=1 | PUT z after"},
    };
    wal_reader *r = reader_open(path);
    for (size_t i = 0; i < ARRAY_LEN(expected); i++) {
        wt_slice rec;
        uint64_t off;
        wal_problem pr;
        char text[512];
        ck_assert_int_eq(wal_read_record(r, &rec, &off, &pr), WAL_READ_RECORD);
        ck_assert_uint_eq(off, expected[i].offset);
        describe_batch(rec.data, rec.size, text, sizeof text);
        ck_assert_str_eq(text, expected[i].text);
    }
    wt_slice rec;
    uint64_t off;
    wal_problem pr;
    ck_assert_int_eq(wal_read_record(r, &rec, &off, &pr), WAL_READ_EOF);
    wal_reader_destroy(r);
    bytes_free(&fixture);
}

/* The same batches through wal_writer give RocksDB's file, every byte. */
WAL_TEST(test_rocksdb_fixture_identical)
{
    bytes fixture = load_fixture("rocksdb-7.8.3.log");
    bytes batch[4];
    worked_example_batches(batch);
    const char *path = dir_file(t, "ours.log");
    wal_writer *w = writer_open(path);
    for (int i = 0; i < 4; i++) add(w, batch[i].data, batch[i].len);
    writer_close(w);
    bytes ours = file_read_all(path);
    ck_assert_uint_eq(ours.len, fixture.len);
    for (size_t i = 0; i < ours.len; i++) {
        ck_assert_msg(ours.data[i] == fixture.data[i], "byte %zu: ours %02x rocksdb %02x", i,
                      ours.data[i], fixture.data[i]);
    }
    bytes_free(&ours);
    bytes_free(&fixture);
    for (int i = 0; i < 4; i++) bytes_free(&batch[i]);
}

/* ---------------------------------------------------------- block tails */

static void fill_record(bytes *b, size_t n, uint8_t seed)
{
    b->len = 0;
    for (size_t i = 0; i < n; i++) bytes_u8(b, (uint8_t)(seed + i * 31));
}

/* A record filling a block to the last byte; then one leaving exactly 7
 * bytes (the next record starts with a header-only FIRST there); then one
 * leaving 6 (zero-filled, the next record starts in the next block). */
WAL_TEST(test_block_tail_cases)
{
    const char *path = dir_file(t, "tail.log");
    wal_writer *w = writer_open(path);
    bytes rec = {0};
    fill_record(&rec, WAL_BLOCK_SIZE - WAL_HEADER_SIZE, 1);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 0);
    ck_assert_uint_eq(wal_file_size(w), WAL_BLOCK_SIZE);
    fill_record(&rec, 100, 2);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 32768); /* no trailer */
    /* Leave exactly 7 bytes: 32768 + 107 + 7 + x = 65536 - 7. */
    size_t x = 65536 - 7 - (32768 + 107) - 7;
    fill_record(&rec, x, 3);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 32875);
    fill_record(&rec, 50, 4);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 65529); /* empty FIRST, then LAST */
    /* Leave exactly 6 bytes in block 2: 65536 + 57 + 7 + y = 98304 - 6. */
    size_t y = 98304 - 6 - (65536 + 57) - 7;
    fill_record(&rec, y, 5);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 65593);
    fill_record(&rec, 0, 6);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 98304); /* after 6 zero bytes */
    fill_record(&rec, 0, 7);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 98311); /* empty record: one FULL */
    writer_close(w);

    bytes file = file_read_all(path);
    physical_row rows[16];
    int n = walk_physical(&file, rows, 16);
    static const physical_row expected[] = {
        {0, 32761, WAL_FULL}, {32768, 100, WAL_FULL}, {32875, 32647, WAL_FULL},
        {65529, 0, WAL_FIRST}, {65536, 50, WAL_LAST}, {65593, 32698, WAL_FULL},
        {98304, 0, WAL_FULL}, {98311, 0, WAL_FULL},
    };
    ck_assert_int_eq(n, (int)ARRAY_LEN(expected));
    for (int i = 0; i < n; i++) {
        ck_assert_uint_eq(rows[i].offset, expected[i].offset);
        ck_assert_uint_eq(rows[i].length, expected[i].length);
        ck_assert_uint_eq(rows[i].type, expected[i].type);
    }
    for (size_t i = 98298; i < 98304; i++) ck_assert_uint_eq(file.data[i], 0);

    events ev = read_events(path);
    static const uint64_t offsets[] = {0, 32768, 32875, 65529, 65593, 98304, 98311};
    static const size_t sizes[] = {32761, 100, 32647, 50, 32698, 0, 0};
    for (int i = 0; i < 7; i++) expect_record(&ev, i, offsets[i], sizes[i]);
    expect_eof(&ev, 7);
    bytes_free(&file);
    bytes_free(&rec);
}

/* A writer created over an existing file continues its block layout. */
WAL_TEST(test_append_to_existing_file)
{
    const char *path = dir_file(t, "append.log");
    wal_writer *w = writer_open(path);
    bytes rec = {0};
    fill_record(&rec, 32700, 1);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 0);
    writer_close(w);

    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_APPEND, &f), WT_OK);
    w = wal_writer_create(f, 4, 32707);
    fill_record(&rec, 100, 2);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 32707); /* FIRST of 54 bytes */
    fill_record(&rec, 10, 3);
    ck_assert_uint_eq(add(w, rec.data, rec.len), 32768 + 7 + 46);
    writer_close(w);

    events ev = read_events(path);
    expect_record(&ev, 0, 0, 32700);
    expect_record(&ev, 1, 32707, 100);
    expect_record(&ev, 2, 32821, 10);
    expect_eof(&ev, 3);
    bytes_free(&rec);
}

WAL_TEST(test_empty_file)
{
    const char *path = dir_file(t, "empty.log");
    file_write_all(path, NULL, 0);
    events ev = read_events(path);
    expect_eof(&ev, 0);
}

/* ------------------------------------------------------------ round trip */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* Sizes that exercise every fragmentation path, given where the file is. */
static size_t random_size(uint64_t file_size)
{
    size_t left = WAL_BLOCK_SIZE - (size_t)(file_size % WAL_BLOCK_SIZE);
    switch (rng_next() % 12) {
    case 0: return 0;
    case 1: return left >= 7 ? left - 7 : 0;          /* fills the block exactly */
    case 2: return left >= 14 ? left - 14 : 1;        /* leaves exactly 7 bytes */
    case 3: return left >= 13 ? left - 13 : 2;        /* leaves exactly 6 bytes */
    case 4: return left >= 8 ? left - 8 + rng_next() % 3 : 3; /* around the edge */
    case 5: return 2 * WAL_BLOCK_SIZE + rng_next() % 70000;
    case 6: return rng_next() % 40000;
    default: return rng_next() % 300;
    }
}

WAL_TEST(test_random_round_trip)
{
    int count = 4000 / (int)harness_scale_div();
    size_t *sizes = calloc((size_t)count, sizeof *sizes);
    uint64_t *offsets = calloc((size_t)count, sizeof *offsets);
    ck_assert_ptr_nonnull(sizes);
    ck_assert_ptr_nonnull(offsets);
    const char *path = dir_file(t, "random.log");
    wal_writer *w = writer_open(path);
    bytes rec = {0};
    for (int i = 0; i < count; i++) {
        uint64_t before = wal_file_size(w);
        sizes[i] = random_size(before);
        fill_record(&rec, sizes[i], (uint8_t)i);
        offsets[i] = add(w, rec.data, rec.len);
        size_t left = WAL_BLOCK_SIZE - (size_t)(before % WAL_BLOCK_SIZE);
        /* The record starts where the file ended, or after a trailer. */
        ck_assert_uint_eq(offsets[i], left < WAL_HEADER_SIZE ? before + left : before);
    }
    writer_close(w);

    wal_reader *r = reader_open(path);
    for (int i = 0; i < count; i++) {
        wt_slice got;
        uint64_t off;
        wal_problem pr;
        ck_assert_int_eq(wal_read_record(r, &got, &off, &pr), WAL_READ_RECORD);
        ck_assert_uint_eq(off, offsets[i]);
        ck_assert_uint_eq(got.size, sizes[i]);
        fill_record(&rec, sizes[i], (uint8_t)i);
        ck_assert(got.size == 0 || memcmp(got.data, rec.data, got.size) == 0);
    }
    wt_slice got;
    uint64_t off;
    wal_problem pr;
    ck_assert_int_eq(wal_read_record(r, &got, &off, &pr), WAL_READ_EOF);
    wal_reader_destroy(r);

    bytes file = file_read_all(path);
    physical_row *rows = calloc(file.len / WAL_HEADER_SIZE + 1, sizeof *rows);
    int n = walk_physical(&file, rows, (int)(file.len / WAL_HEADER_SIZE + 1));
    ck_assert_int_ge(n, count);
    free(rows);
    bytes_free(&file);
    bytes_free(&rec);
    free(sizes);
    free(offsets);
}

/* -------------------------------------------------------------- corruption */

/* Writes records of the given sizes (0 ends the list); returns the file. */
static bytes write_records(const char *path, const size_t *sizes)
{
    wal_writer *w = writer_open(path);
    bytes rec = {0};
    for (int i = 0; sizes[i] != 0; i++) {
        fill_record(&rec, sizes[i], (uint8_t)(i + 1));
        add(w, rec.data, rec.len);
    }
    writer_close(w);
    bytes_free(&rec);
    return file_read_all(path);
}

/* Records at 0, 107, 214, then one filling block 0, then two in block 1. */
static const size_t two_block_sizes[] = {100, 100, 100, 32768 - 321 - 7, 100, 100, 0};

WAL_TEST(test_corrupt_payload_checksum)
{
    const char *path = dir_file(t, "crc.log");
    bytes file = write_records(path, two_block_sizes);
    ck_assert_uint_eq(file.len, 32768 + 214);
    file.data[107 + 7 + 50] ^= 0x40;
    file_write_all(path, file.data, file.len);

    events ev = read_events(path);
    expect_record(&ev, 0, 0, 100);
    /* The rest of block 0 is dropped, as RocksDB does: the records at 214
     * and 321 are lost with the bad one. */
    expect_problem(&ev, 1, WAL_PROBLEM_CHECKSUM, "checksum mismatch", 107, 32768 - 107, false);
    expect_no_partial(&ev, 1);
    expect_record(&ev, 2, 32768, 100);
    ck_assert_uint_eq(ev.e[2].first_byte, 5);
    expect_record(&ev, 3, 32875, 100);
    expect_eof(&ev, 4);
    bytes_free(&file);
}

/* A bad MIDDLE fragment drops its logical record; the LAST that follows
 * is then a fragment without a start. */
WAL_TEST(test_corrupt_middle_fragment)
{
    const char *path = dir_file(t, "middle.log");
    static const size_t sizes[] = {70000, 30, 0};
    bytes file = write_records(path, sizes);
    uint64_t last_len = 70000 - 2 * 32761;
    ck_assert_uint_eq(file.len, 65536 + 7 + last_len + 7 + 30);
    file.data[32768 + 7 + 1000] ^= 0x01;
    file_write_all(path, file.data, file.len);

    events ev = read_events(path);
    expect_problem(&ev, 0, WAL_PROBLEM_CHECKSUM, "checksum mismatch", 32768, 32768, false);
    expect_partial(&ev, 0, 0);
    expect_problem(&ev, 1, WAL_PROBLEM_UNEXPECTED, "missing start of fragmented record", 65536,
                   7 + last_len, false);
    expect_no_partial(&ev, 1);
    expect_record(&ev, 2, 65536 + 7 + last_len, 30);
    expect_eof(&ev, 3);
    bytes_free(&file);
}

WAL_TEST(test_corrupt_header_crc_field)
{
    const char *path = dir_file(t, "crcfield.log");
    bytes file = write_records(path, two_block_sizes);
    file.data[214 + 2] ^= 0xff;
    file_write_all(path, file.data, file.len);
    events ev = read_events(path);
    expect_record(&ev, 0, 0, 100);
    expect_record(&ev, 1, 107, 100);
    expect_problem(&ev, 2, WAL_PROBLEM_CHECKSUM, "checksum mismatch", 214, 32768 - 214, false);
    expect_record(&ev, 3, 32768, 100);
    expect_record(&ev, 4, 32875, 100);
    expect_eof(&ev, 5);
    bytes_free(&file);
}

WAL_TEST(test_truncated_header)
{
    const char *path = dir_file(t, "trunchdr.log");
    static const size_t sizes[] = {100, 100, 0};
    bytes file = write_records(path, sizes);
    for (size_t cut = 1; cut < WAL_HEADER_SIZE; cut++) {
        file_write_all(path, file.data, 107 + cut);
        events ev = read_events(path);
        expect_record(&ev, 0, 0, 100);
        expect_problem(&ev, 1, WAL_PROBLEM_TRUNCATED_HEADER, "truncated header", 107, cut, true);
        expect_no_partial(&ev, 1);
        expect_eof(&ev, 2);
    }
    bytes_free(&file);
}

WAL_TEST(test_truncated_payload)
{
    const char *path = dir_file(t, "truncbody.log");
    static const size_t sizes[] = {100, 100, 0};
    bytes file = write_records(path, sizes);
    static const size_t cuts[] = {7, 8, 57, 106};
    for (size_t i = 0; i < ARRAY_LEN(cuts); i++) {
        file_write_all(path, file.data, 107 + cuts[i]);
        events ev = read_events(path);
        expect_record(&ev, 0, 0, 100);
        expect_problem(&ev, 1, WAL_PROBLEM_TRUNCATED_RECORD, "truncated record body", 107,
                       cuts[i], true);
        expect_eof(&ev, 2);
    }
    bytes_free(&file);
}

/* The file ends after the FIRST fragment (at a block boundary) or inside
 * the LAST one: the whole logical record is a torn tail. */
WAL_TEST(test_truncated_fragmented_record)
{
    const char *path = dir_file(t, "truncfrag.log");
    static const size_t sizes[] = {20, 40000, 0};
    bytes file = write_records(path, sizes);
    file_write_all(path, file.data, 32768);
    events ev = read_events(path);
    expect_record(&ev, 0, 0, 20);
    expect_problem(&ev, 1, WAL_PROBLEM_TRUNCATED_RECORD, "error reading trailing data", 32768,
                   0, true);
    expect_partial(&ev, 1, 27);
    expect_eof(&ev, 2);

    file_write_all(path, file.data, 32768 + 100);
    ev = read_events(path);
    expect_record(&ev, 0, 0, 20);
    expect_problem(&ev, 1, WAL_PROBLEM_TRUNCATED_RECORD, "truncated record body", 32768, 100,
                   true);
    expect_partial(&ev, 1, 27);
    expect_eof(&ev, 2);

    file_write_all(path, file.data, 32768 + 3);
    ev = read_events(path);
    expect_problem(&ev, 1, WAL_PROBLEM_TRUNCATED_HEADER, "truncated header", 32768, 3, true);
    expect_partial(&ev, 1, 27);
    expect_eof(&ev, 2);
    bytes_free(&file);
}

/* Rewrites the type byte of the record at `at` and fixes its CRC. */
static void retype(bytes *file, size_t at, uint8_t type)
{
    uint8_t *h = file->data + at;
    size_t len = (size_t)h[4] | (size_t)h[5] << 8;
    h[6] = type;
    uint32_t masked = wt_crc32c_mask(wt_crc32c(h + 6, 1 + len));
    for (int i = 0; i < 4; i++) h[i] = (uint8_t)(masked >> (8 * i));
}

WAL_TEST(test_bad_type)
{
    const char *path = dir_file(t, "type.log");
    static const size_t sizes[] = {100, 100, 100, 0};
    bytes file = write_records(path, sizes);
    static const uint8_t bad_types[] = {0, 5, 9, 0x80, 0xff};
    for (size_t i = 0; i < ARRAY_LEN(bad_types); i++) {
        retype(&file, 107, bad_types[i]);
        file_write_all(path, file.data, file.len);
        events ev = read_events(path);
        expect_record(&ev, 0, 0, 100);
        /* The CRC is good, so only this record is dropped. */
        expect_problem(&ev, 1, WAL_PROBLEM_BAD_TYPE, "unknown record type", 107, 107, false);
        expect_record(&ev, 2, 214, 100);
        expect_eof(&ev, 3);
    }
    bytes_free(&file);
}

WAL_TEST(test_bad_length)
{
    const char *path = dir_file(t, "length.log");
    bytes file = write_records(path, two_block_sizes);
    /* In a whole block a length past the block end is corruption. */
    file.data[107 + 4] = 0xff;
    file.data[107 + 5] = 0xff;
    file_write_all(path, file.data, file.len);
    events ev = read_events(path);
    expect_record(&ev, 0, 0, 100);
    expect_problem(&ev, 1, WAL_PROBLEM_BAD_LENGTH, "bad record length", 107, 32768 - 107, false);
    expect_record(&ev, 2, 32768, 100);
    expect_record(&ev, 3, 32875, 100);
    expect_eof(&ev, 4);

    /* In the file's last, short block RocksDB calls it a truncated body. */
    file.data[107 + 4] = 100;
    file.data[107 + 5] = 0;
    file.data[32768 + 4] = 0x00;
    file.data[32768 + 5] = 0x10;
    file_write_all(path, file.data, file.len);
    ev = read_events(path);
    expect_record(&ev, 0, 0, 100);
    expect_record(&ev, 1, 107, 100);
    expect_record(&ev, 2, 214, 100);
    expect_record(&ev, 3, 321, 32768 - 321 - 7);
    expect_problem(&ev, 4, WAL_PROBLEM_TRUNCATED_RECORD, "truncated record body", 32768, 214,
                   true);
    expect_eof(&ev, 5);
    bytes_free(&file);
}

WAL_TEST(test_fragment_without_start)
{
    const char *path = dir_file(t, "nostart.log");
    bytes b = {0};
    physical(&b, WAL_MIDDLE, "mid", 3);  /* 0..10 */
    physical(&b, WAL_FULL, "ok", 2);     /* 10..19 */
    physical(&b, WAL_LAST, "end", 3);    /* 19..29 */
    physical(&b, WAL_FULL, "ok2", 3);    /* 29..39 */
    file_write_all(path, b.data, b.len);
    events ev = read_events(path);
    expect_problem(&ev, 0, WAL_PROBLEM_UNEXPECTED, "missing start of fragmented record", 0, 10,
                   false);
    expect_record(&ev, 1, 10, 2);
    expect_problem(&ev, 2, WAL_PROBLEM_UNEXPECTED, "missing start of fragmented record", 19, 10,
                   false);
    expect_record(&ev, 3, 29, 3);
    ck_assert_uint_eq(ev.e[3].first_byte, 'o');
    expect_eof(&ev, 4);
    bytes_free(&b);
}

/* A FIRST that never ends, followed by a FULL or another FIRST: the
 * unfinished record is reported, the new one is read. */
WAL_TEST(test_partial_record_without_end)
{
    const char *path = dir_file(t, "noend.log");
    bytes b = {0};
    physical(&b, WAL_FIRST, "abc", 3);   /* 0..10 */
    physical(&b, WAL_FULL, "x", 1);      /* 10..18 */
    physical(&b, WAL_FIRST, "abc", 3);   /* 18..28 */
    physical(&b, WAL_FIRST, "de", 2);    /* 28..37 */
    physical(&b, WAL_LAST, "f", 1);      /* 37..45 */
    file_write_all(path, b.data, b.len);
    events ev = read_events(path);
    expect_problem(&ev, 0, WAL_PROBLEM_UNEXPECTED, "partial record without end", 10, 0, false);
    expect_partial(&ev, 0, 0);
    expect_record(&ev, 1, 10, 1);
    ck_assert_uint_eq(ev.e[1].first_byte, 'x');
    expect_problem(&ev, 2, WAL_PROBLEM_UNEXPECTED, "partial record without end", 28, 0, false);
    expect_partial(&ev, 2, 18);
    expect_record(&ev, 3, 28, 3);
    ck_assert_uint_eq(ev.e[3].first_byte, 'd');
    expect_eof(&ev, 4);
    bytes_free(&b);
}

/* An empty FIRST followed by a new start is dropped without a report. */
WAL_TEST(test_empty_first_then_full)
{
    const char *path = dir_file(t, "emptyfirst.log");
    bytes b = {0};
    physical(&b, WAL_FIRST, "", 0);      /* 0..7 */
    physical(&b, WAL_FULL, "x", 1);      /* 7..15 */
    file_write_all(path, b.data, b.len);
    events ev = read_events(path);
    expect_record(&ev, 0, 7, 1);
    expect_eof(&ev, 1);
    bytes_free(&b);
}

/* Preallocated zeros: a zero header skips the rest of its block silently,
 * unless it interrupts a fragmented record. */
WAL_TEST(test_zero_padding)
{
    const char *path = dir_file(t, "zeros.log");
    bytes b = {0};
    physical(&b, WAL_FULL, "a", 1);      /* 0..8 */
    zeros(&b, 1000);
    file_write_all(path, b.data, b.len);
    events ev = read_events(path);
    expect_record(&ev, 0, 0, 1);
    expect_eof(&ev, 1);

    zeros(&b, WAL_BLOCK_SIZE - b.len);
    physical(&b, WAL_FULL, "b", 1);      /* 32768..32776 */
    file_write_all(path, b.data, b.len);
    ev = read_events(path);
    expect_record(&ev, 0, 0, 1);
    expect_record(&ev, 1, 32768, 1);
    expect_eof(&ev, 2);

    b.len = 0;
    physical(&b, WAL_FIRST, "abc", 3);   /* 0..10 */
    zeros(&b, WAL_BLOCK_SIZE - b.len);
    physical(&b, WAL_LAST, "d", 1);      /* 32768..32776 */
    physical(&b, WAL_FULL, "e", 1);      /* 32776..32784 */
    file_write_all(path, b.data, b.len);
    ev = read_events(path);
    expect_problem(&ev, 0, WAL_PROBLEM_UNEXPECTED, "error in middle of record", 10, 32758,
                   false);
    expect_partial(&ev, 0, 0);
    expect_problem(&ev, 1, WAL_PROBLEM_UNEXPECTED, "missing start of fragmented record", 32768,
                   8, false);
    expect_record(&ev, 2, 32776, 1);
    expect_eof(&ev, 3);
    bytes_free(&b);
}

/* A failed append is sticky and leaves wal_file_size where it was. */
WAL_TEST(test_writer_error_is_sticky)
{
    if (harness_is_sim()) return; /* relies on POSIX refusing writes to O_RDONLY */
    const char *path = dir_file(t, "readonly.log");
    file_write_all(path, (const uint8_t *)"abc", 3);
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_READ, &f), WT_OK);
    wal_writer *w = wal_writer_create(f, 9, 3);
    uint64_t off = 77;
    ck_assert_int_eq(wal_add_record(w, "x", 1, &off), WT_IO_ERROR);
    ck_assert_uint_eq(off, 77);
    ck_assert_uint_eq(wal_file_size(w), 3);
    ck_assert_int_eq(wal_add_record(w, "y", 1, NULL), WT_IO_ERROR);
    ck_assert_int_eq(wal_sync(w), WT_IO_ERROR);
    ck_assert_int_eq(wal_writer_close(w), WT_OK);
}

static Suite *wal_suite(void)
{
    Suite *s = suite_create("wal");
    TCase *tc = tcase_create("wal");
    tcase_add_test(tc, test_worked_example_bytes);
    tcase_add_test(tc, test_rocksdb_fixture_reads);
    tcase_add_test(tc, test_rocksdb_fixture_identical);
    tcase_add_test(tc, test_block_tail_cases);
    tcase_add_test(tc, test_append_to_existing_file);
    tcase_add_test(tc, test_empty_file);
    tcase_add_test(tc, test_random_round_trip);
    tcase_add_test(tc, test_corrupt_payload_checksum);
    tcase_add_test(tc, test_corrupt_middle_fragment);
    tcase_add_test(tc, test_corrupt_header_crc_field);
    tcase_add_test(tc, test_truncated_header);
    tcase_add_test(tc, test_truncated_payload);
    tcase_add_test(tc, test_truncated_fragmented_record);
    tcase_add_test(tc, test_bad_type);
    tcase_add_test(tc, test_bad_length);
    tcase_add_test(tc, test_fragment_without_start);
    tcase_add_test(tc, test_partial_record_without_end);
    tcase_add_test(tc, test_empty_first_then_full);
    tcase_add_test(tc, test_zero_padding);
    tcase_add_test(tc, test_writer_error_is_sticky);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return wt_run_suite(wal_suite());
}
