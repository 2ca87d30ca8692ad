/*
 * test_table.c — table files: written from a memtable, read back exactly,
 * and every kind of damage reported as corruption with its offset.
 *
 * Goal: a table built from a memtable iterator holds exactly the
 * memtable's entries (all versions, deletions and single deletions, in
 * internal-key order); table_get answers like the memtable at every
 * snapshot; the bytes on disk follow the format documented in table.h;
 * empty tables and entries bigger than a block work; a flipped byte in a
 * data block, its trailer, the index or the footer, and a truncated file,
 * are all WT_CORRUPTION with the damaged structure's offset in `why`;
 * concurrent readers of one table agree with the model.
 *
 * Method: a fixed-seed generator writes N sequences to a memtable, each a
 * value, deletion or single deletion of one of N/2 keys, and records every
 * key's versions in a model.  The table is compared with the memtable
 * iterator entry by entry and with the model for gets.  The file is then
 * parsed by hand here (footer, index, trailers, entries) from the format
 * text alone, which also yields the block offsets used to aim the damage.
 * Damage is plain byte edits through port files.  Every body runs inside
 * harness_run, so the same file tests real files (pthreads) and the sim's
 * in-memory files; sizes shrink by harness_scale_div().
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "coding.h"
#include "crc32c.h"
#include "filename.h"
#include "harness.h"
#include "memtable.h"
#include "port.h"
#include "table.h"
#include "test_files.h"

enum {
    WRITES_FULL = 8000,  /* sequences written in the pthreads build */
    WRITES_MIN = 1200,   /* at least this many in any build (several blocks) */
    VERSIONS_MAX = 8,    /* versions per key in the model */
    BIG_VALUE = 5000,    /* bigger than a block */
    BLOCKS_MAX = 4096,   /* bound of the hand parser's block list */
    READERS = 4,
    WHY_CAP = 256,
};

/* ------------------------------------------------------------ byte buffers */

/* Rewrites path with the byte at `at` flipped. */
static void flip_byte(const char *path, uint64_t at)
{
    bytes b = file_read_all(path);
    ck_assert_uint_lt(at, b.len);
    b.data[at] ^= 0x5a;
    file_write_all(path, b.data, b.len);
    free(b.data);
}

/* ------------------------------------------------------------------ model */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

typedef struct model {
    uint64_t writes;         /* sequences 1..writes were written */
    uint32_t nkeys;
    uint32_t *key_of;        /* [seq] key index */
    uint8_t *type_of;        /* [seq] wt_value_type */
    uint8_t *version_count;  /* [key] */
    uint64_t (*versions)[VERSIONS_MAX]; /* [key][i] ascending seqs */
} model;

static void key_name(char *buf, size_t n, uint32_t k) { snprintf(buf, n, "key%06u", k); }

/* The value written at seq: mostly short, every 97th bigger than a block. */
static size_t value_for(uint64_t seq, uint8_t *buf)
{
    size_t len = seq % 97 == 0 ? BIG_VALUE : 1 + (size_t)(seq * 31 % 50);
    for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(seq * 13 + i);
    return len;
}

static uint64_t writes_for_build(void)
{
    uint64_t n = WRITES_FULL / harness_scale_div();
    return n < WRITES_MIN ? WRITES_MIN : n;
}

/* Writes sequences 1..writes into m and the model. */
static void model_fill(model *md, memtable *m, uint64_t writes)
{
    static uint8_t value[BIG_VALUE];
    memset(md, 0, sizeof *md);
    rng_state = 0x9E3779B97F4A7C15ull;
    md->writes = writes;
    md->nkeys = (uint32_t)(writes / 2);
    md->key_of = calloc(writes + 1, sizeof md->key_of[0]);
    md->type_of = calloc(writes + 1, 1);
    md->version_count = calloc(md->nkeys, 1);
    md->versions = calloc(md->nkeys, sizeof md->versions[0]);
    for (uint64_t seq = 1; seq <= writes; seq++) {
        uint32_t k = rng_next() % md->nkeys;
        while (md->version_count[k] == VERSIONS_MAX) k = (k + 1) % md->nkeys;
        uint32_t r = rng_next() % 10;
        wt_value_type type = r == 0 ? WT_TYPE_DELETION
                           : r == 1 ? WT_TYPE_SINGLE_DELETION : WT_TYPE_VALUE;
        md->key_of[seq] = k;
        md->type_of[seq] = (uint8_t)type;
        md->versions[k][md->version_count[k]++] = seq;
        char key[32];
        key_name(key, sizeof key, k);
        size_t len = type == WT_TYPE_VALUE ? value_for(seq, value) : 0;
        memtable_add(m, seq, type, wt_slice_str(key), wt_slice_make(value, len), false);
    }
}

static void model_free(model *md)
{
    free(md->key_of);
    free(md->type_of);
    free(md->version_count);
    free(md->versions);
}

/* The newest version of key k with seq <= snapshot: 0 when none. */
static uint64_t model_visible(const model *md, uint32_t k, uint64_t snapshot)
{
    uint64_t found = 0;
    for (unsigned i = 0; i < md->version_count[k]; i++)
        if (md->versions[k][i] <= snapshot) found = md->versions[k][i];
    return found;
}

/* ------------------------------------------------------------ table files */

/* Flushes m into a new table file at path. */
static void build_from_memtable(const char *path, const memtable *m, table_properties *props)
{
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    table_builder *b = table_builder_create(f);
    memtable_iter it;
    memtable_iter_init(&it, m);
    for (memtable_iter_seek_to_first(&it); memtable_iter_valid(&it); memtable_iter_next(&it))
        table_builder_add(b, memtable_iter_key(&it), memtable_iter_sequence(&it),
                          memtable_iter_type(&it), memtable_iter_value(&it));
    ck_assert_int_eq(table_builder_status(b), WT_OK);
    ck_assert_int_eq(table_builder_finish(b, props), WT_OK);
}

static wt_status open_table(const char *path, uint64_t size, table **out, char *why)
{
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_READ, &f), WT_OK);
    why[0] = '\0';
    return table_open(f, size, out, why, WHY_CAP);
}

static table *open_ok(const char *path, uint64_t size)
{
    char why[WHY_CAP];
    table *t = NULL;
    wt_status s = open_table(path, size, &t, why);
    ck_assert_msg(s == WT_OK, "table_open: %s: %s", wt_status_name(s), why);
    return t;
}

/* A fixture: a memtable with the model's writes, flushed to dir/000007.sst. */
typedef struct fixture {
    model md;
    memtable *mem;
    table_properties props;
    char path[PATH_MAX];
} fixture;

static void fixture_build(fixture *fx, const char *dir)
{
    fx->mem = memtable_create(1 << 16);
    model_fill(&fx->md, fx->mem, writes_for_build());
    table_properties_init(&fx->props);
    filename_table(fx->path, sizeof fx->path, dir, 7);
    build_from_memtable(fx->path, fx->mem, &fx->props);
}

static void fixture_free(fixture *fx)
{
    memtable_destroy(fx->mem);
    table_properties_free(&fx->props);
    model_free(&fx->md);
}

#define TABLE_TEST(name) DIR_TEST(name, "table")

/* ------------------------------------------- the format, parsed by hand */

typedef struct handle {
    uint64_t offset, size;
} handle;

typedef struct layout {
    uint64_t index_offset, index_size, entries, min_seq, max_seq, footer_at;
    handle blocks[BLOCKS_MAX];
    size_t nblocks;
    uint64_t entries_seen;
} layout;

/* Checks the 5-byte trailer after [at, at + size). */
static void check_trailer(const bytes *file, uint64_t at, uint64_t size)
{
    ck_assert_uint_le(at + size + 5, file->len);
    const uint8_t *blk = file->data + at;
    ck_assert_uint_eq(blk[size], 0); /* block type: uncompressed */
    uint32_t crc = wt_crc32c(blk, size + 1);
    ck_assert_uint_eq(wt_get_fixed32(blk + size + 1), wt_crc32c_mask(crc));
}

/* Counts the entries of a data block, checking their framing. */
static uint64_t count_entries(const uint8_t *p, const uint8_t *end)
{
    uint64_t n = 0;
    while (p < end) {
        wt_slice ikey, value;
        p = wt_get_length_prefixed(p, end, &ikey);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_ge(ikey.size, 8);
        uint8_t type = ikey.data[ikey.size - 8]; /* low byte of fixed64 LE */
        ck_assert(type == 0 || type == 1 || type == 7);
        p = wt_get_length_prefixed(p, end, &value);
        ck_assert_ptr_nonnull(p);
        n++;
    }
    return n;
}

static void parse_layout(const bytes *file, layout *l)
{
    memset(l, 0, sizeof *l);
    ck_assert_uint_ge(file->len, 56);
    const uint8_t *foot = file->data + file->len - 56;
    l->footer_at = file->len - 56;
    ck_assert(wt_get_fixed64(foot + 48) == TABLE_MAGIC);
    ck_assert(memcmp(foot + 48, "wtlabsst", 8) == 0);
    ck_assert_uint_eq(wt_get_fixed32(foot + 40), 1);
    ck_assert_uint_eq(wt_get_fixed32(foot + 44), wt_crc32c_mask(wt_crc32c(foot, 44)));
    l->index_offset = wt_get_fixed64(foot);
    l->index_size = wt_get_fixed64(foot + 8);
    l->entries = wt_get_fixed64(foot + 16);
    l->min_seq = wt_get_fixed64(foot + 24);
    l->max_seq = wt_get_fixed64(foot + 32);
    ck_assert_uint_eq(l->index_offset + l->index_size + 5, l->footer_at);
    check_trailer(file, l->index_offset, l->index_size);
    const uint8_t *p = file->data + l->index_offset, *end = p + l->index_size;
    uint64_t next = 0;
    while (p < end) {
        wt_slice last_key;
        handle h;
        p = wt_get_length_prefixed(p, end, &last_key);
        ck_assert_ptr_nonnull(p);
        p = wt_get_varint64(p, end, &h.offset);
        ck_assert_ptr_nonnull(p);
        p = wt_get_varint64(p, end, &h.size);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq(h.offset, next);
        check_trailer(file, h.offset, h.size);
        const uint8_t *blk = file->data + h.offset;
        l->entries_seen += count_entries(blk, blk + h.size);
        next = h.offset + h.size + 5;
        ck_assert_uint_lt(l->nblocks, BLOCKS_MAX);
        l->blocks[l->nblocks++] = h;
    }
    ck_assert_uint_eq(next, l->index_offset);
    ck_assert_uint_eq(l->entries_seen, l->entries);
}

static layout *layout_of(const char *path)
{
    bytes b = file_read_all(path);
    layout *l = malloc(sizeof *l);
    ck_assert_ptr_nonnull(l);
    parse_layout(&b, l);
    free(b.data);
    return l;
}

/* -------------------------------------------------------------- checks */

/* The table iterator yields exactly the memtable's entries. */
static void assert_same_as_memtable(const table *tb, const memtable *m)
{
    table_iter *ti = table_iter_create(tb);
    memtable_iter mi;
    memtable_iter_init(&mi, m);
    uint64_t n = 0;
    memtable_iter_seek_to_first(&mi);
    for (table_iter_seek_to_first(ti); table_iter_valid(ti); table_iter_next(ti)) {
        ck_assert_msg(memtable_iter_valid(&mi), "table has more entries than the memtable");
        wt_slice tk = table_iter_key(ti), mk = memtable_iter_key(&mi);
        ck_assert_int_eq(wt_slice_compare(tk, mk), 0);
        ck_assert_uint_eq(table_iter_seq(ti), memtable_iter_sequence(&mi));
        ck_assert_int_eq(table_iter_type(ti), memtable_iter_type(&mi));
        ck_assert_int_eq(wt_slice_compare(table_iter_value(ti), memtable_iter_value(&mi)), 0);
        memtable_iter_next(&mi);
        n++;
    }
    const char *why = NULL;
    ck_assert_msg(table_iter_status(ti, &why) == WT_OK, "iterator: %s", why);
    ck_assert_msg(!memtable_iter_valid(&mi), "table has fewer entries than the memtable");
    ck_assert_uint_eq(n, memtable_entry_count(m));
    table_iter_destroy(ti);
}

/* Returns the number of mismatches of get(k, snapshot) against the model
 * (0 expected); writes the first into first[]. */
static unsigned check_get(const table *tb, const model *md, uint32_t k, uint64_t snapshot,
                          wt_buf *value, char *first, size_t cap)
{
    static __thread uint8_t want[BIG_VALUE];
    char key[32], why[WHY_CAP] = "";
    key_name(key, sizeof key, k);
    table_get_result r = TABLE_GET_ABSENT;
    wt_status s = table_get(tb, wt_slice_str(key), snapshot, &r, value, why, sizeof why);
    uint64_t seq = model_visible(md, k, snapshot);
    table_get_result expect = seq == 0 ? TABLE_GET_ABSENT
                            : md->type_of[seq] == WT_TYPE_VALUE ? TABLE_GET_FOUND
                                                                 : TABLE_GET_DELETED;
    bool ok = s == WT_OK && r == expect;
    if (ok && r == TABLE_GET_FOUND) {
        size_t len = value_for(seq, want);
        ok = value->size == len && memcmp(value->data, want, len) == 0;
    }
    if (!ok)
        snprintf(first, cap, "get(%s, %llu): status %s result %d want %d (%s)", key,
                 (unsigned long long)snapshot, wt_status_name(s), r, expect, why);
    return ok ? 0 : 1;
}

static void assert_gets(const table *tb, const model *md, uint64_t snapshot)
{
    wt_buf value;
    wt_buf_init(&value);
    char first[WHY_CAP] = "";
    unsigned bad = 0;
    for (uint32_t k = 0; k < md->nkeys; k++)
        bad += check_get(tb, md, k, snapshot, &value, first, sizeof first);
    ck_assert_msg(bad == 0, "%u bad gets at snapshot %llu; first: %s", bad,
                  (unsigned long long)snapshot, first);
    wt_buf_free(&value);
}

static void assert_absent(const table *tb, const char *key)
{
    wt_buf value;
    wt_buf_init(&value);
    char why[WHY_CAP] = "";
    table_get_result r = TABLE_GET_FOUND;
    ck_assert_int_eq(table_get(tb, wt_slice_str(key), WT_MAX_SEQUENCE, &r, &value, why,
                               sizeof why), WT_OK);
    ck_assert_msg(r == TABLE_GET_ABSENT, "%s: result %d", key, r);
    wt_buf_free(&value);
}

/* ------------------------------------------------------------------ tests */

TABLE_TEST(test_round_trip)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    const table_properties *p = &fx.props;
    ck_assert_uint_eq(p->entries, fx.md.writes);
    ck_assert_uint_eq(p->min_seq, 1);
    ck_assert_uint_eq(p->max_seq, fx.md.writes);
    /* Smallest and largest user keys: the model's lowest and highest keys
     * that were written at all. */
    uint32_t lo = 0, hi = fx.md.nkeys - 1;
    while (fx.md.version_count[lo] == 0) lo++;
    while (fx.md.version_count[hi] == 0) hi--;
    char key[32];
    key_name(key, sizeof key, lo);
    ck_assert_int_eq(wt_slice_compare(wt_slice_make(p->smallest_key.data, p->smallest_key.size),
                                      wt_slice_str(key)), 0);
    key_name(key, sizeof key, hi);
    ck_assert_int_eq(wt_slice_compare(wt_slice_make(p->largest_key.data, p->largest_key.size),
                                      wt_slice_str(key)), 0);
    bytes b = file_read_all(fx.path);
    ck_assert_uint_eq(b.len, p->file_size);
    free(b.data);

    table *tb = open_ok(fx.path, p->file_size);
    ck_assert_uint_eq(table_entry_count(tb), fx.md.writes);
    ck_assert_uint_eq(table_min_seq(tb), 1);
    ck_assert_uint_eq(table_max_seq(tb), fx.md.writes);
    ck_assert_uint_gt(table_data_block_count(tb), 4);
    assert_same_as_memtable(tb, fx.mem);
    /* A second pass over the same iterator object starts again. */
    assert_same_as_memtable(tb, fx.mem);
    table_close(tb);
    fixture_free(&fx);
}

TABLE_TEST(test_format_matches_spec)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    layout *l = layout_of(fx.path);
    ck_assert_uint_eq(l->entries, fx.md.writes);
    ck_assert_uint_eq(l->min_seq, 1);
    ck_assert_uint_eq(l->max_seq, fx.md.writes);
    table *tb = open_ok(fx.path, fx.props.file_size);
    ck_assert_uint_eq(table_data_block_count(tb), l->nblocks);
    table_close(tb);
    /* Blocks close at the first entry that reaches 4 KiB: every block but
     * the last is at least that big, and only a big value makes one much
     * bigger. */
    for (size_t i = 0; i + 1 < l->nblocks; i++) {
        ck_assert_uint_ge(l->blocks[i].size, TABLE_BLOCK_SIZE);
        ck_assert_uint_lt(l->blocks[i].size, TABLE_BLOCK_SIZE + BIG_VALUE + 64);
    }
    free(l);
    fixture_free(&fx);
}

TABLE_TEST(test_gets_at_snapshots)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    table *tb = open_ok(fx.path, fx.props.file_size);
    uint64_t w = fx.md.writes;
    uint64_t snapshots[] = {0, 1, w / 4, w / 2, w / 2 + 1, 3 * w / 4, w - 1, w,
                            WT_MAX_SEQUENCE};
    for (size_t i = 0; i < sizeof snapshots / sizeof snapshots[0]; i++)
        assert_gets(tb, &fx.md, snapshots[i]);
    /* Keys never written: before the first, between two, after the last. */
    assert_absent(tb, "");
    assert_absent(tb, "a");
    assert_absent(tb, "key000000!");
    assert_absent(tb, "key0001");
    assert_absent(tb, "zzz");
    table_close(tb);
    fixture_free(&fx);
}

TABLE_TEST(test_empty_table)
{
    char path[PATH_MAX];
    filename_table(path, sizeof path, t->dir, 1);
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    table_properties props;
    table_properties_init(&props);
    ck_assert_int_eq(table_builder_finish(table_builder_create(f), &props), WT_OK);
    ck_assert_uint_eq(props.entries, 0);
    ck_assert_uint_eq(props.file_size, TABLE_TRAILER_SIZE + TABLE_FOOTER_SIZE);
    ck_assert_uint_eq(props.smallest_key.size, 0);
    ck_assert_uint_eq(props.largest_key.size, 0);
    layout *l = layout_of(path);
    ck_assert_uint_eq(l->nblocks, 0);
    ck_assert_uint_eq(l->index_size, 0);
    free(l);
    table *tb = open_ok(path, props.file_size);
    ck_assert_uint_eq(table_entry_count(tb), 0);
    ck_assert_uint_eq(table_data_block_count(tb), 0);
    table_iter *it = table_iter_create(tb);
    table_iter_seek_to_first(it);
    ck_assert(!table_iter_valid(it));
    ck_assert_int_eq(table_iter_status(it, NULL), WT_OK);
    table_iter_destroy(it);
    assert_absent(tb, "anything");
    table_close(tb);
    table_properties_free(&props);
}

TABLE_TEST(test_single_big_entry)
{
    static uint8_t big[3 * TABLE_BLOCK_SIZE];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7);
    char path[PATH_MAX];
    filename_table(path, sizeof path, t->dir, 2);
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    table_builder *b = table_builder_create(f);
    table_builder_add(b, wt_slice_str("k"), 9, WT_TYPE_VALUE, wt_slice_make(big, sizeof big));
    table_builder_add(b, wt_slice_str("k"), 3, WT_TYPE_DELETION, wt_slice_make(NULL, 0));
    table_properties props;
    table_properties_init(&props);
    ck_assert_int_eq(table_builder_finish(b, &props), WT_OK);
    table *tb = open_ok(path, props.file_size);
    /* The big entry fills its block past 4 KiB and closes it; the deletion
     * starts a second block, closed by finish. */
    ck_assert_uint_eq(table_data_block_count(tb), 2);
    wt_buf v;
    wt_buf_init(&v);
    table_get_result r = TABLE_GET_ABSENT;
    ck_assert_int_eq(table_get(tb, wt_slice_str("k"), 100, &r, &v, NULL, 0), WT_OK);
    ck_assert_int_eq(r, TABLE_GET_FOUND);
    ck_assert_uint_eq(v.size, sizeof big);
    ck_assert(memcmp(v.data, big, sizeof big) == 0);
    ck_assert_int_eq(table_get(tb, wt_slice_str("k"), 8, &r, &v, NULL, 0), WT_OK);
    ck_assert_int_eq(r, TABLE_GET_DELETED);
    ck_assert_int_eq(table_get(tb, wt_slice_str("k"), 2, &r, &v, NULL, 0), WT_OK);
    ck_assert_int_eq(r, TABLE_GET_ABSENT);
    wt_buf_free(&v);
    table_close(tb);
    table_properties_free(&props);
}

/* Expects WT_CORRUPTION from table_open with `want` in why. */
static void assert_open_corrupt(const char *path, uint64_t size, const char *want)
{
    char why[WHY_CAP];
    table *tb = NULL;
    wt_status s = open_table(path, size, &tb, why);
    ck_assert_msg(s == WT_CORRUPTION, "table_open: %s (%s), want corruption",
                  wt_status_name(s), why);
    ck_assert_ptr_null(tb);
    ck_assert_msg(strstr(why, want) != NULL, "why \"%s\" lacks \"%s\"", why, want);
}

/* Damages block k of the fixture (at byte `delta` of it) and checks that
 * the entries before it read fine and it reads as corruption. */
static void damage_data_block(test_dir *t, size_t k, uint64_t delta, const char *reason)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    layout *l = layout_of(fx.path);
    ck_assert_uint_lt(k, l->nblocks);
    uint64_t before = 0;
    bytes b = file_read_all(fx.path);
    for (size_t i = 0; i < k; i++)
        before += count_entries(b.data + l->blocks[i].offset,
                                b.data + l->blocks[i].offset + l->blocks[i].size);
    free(b.data);
    flip_byte(fx.path, l->blocks[k].offset + delta);
    char want[WHY_CAP];
    snprintf(want, sizeof want, "offset %llu: data block %s",
             (unsigned long long)l->blocks[k].offset, reason);
    table *tb = open_ok(fx.path, fx.props.file_size); /* index and footer are intact */
    table_iter *it = table_iter_create(tb);
    uint64_t n = 0;
    for (table_iter_seek_to_first(it); table_iter_valid(it); table_iter_next(it)) n++;
    const char *why = NULL;
    ck_assert_int_eq(table_iter_status(it, &why), WT_CORRUPTION);
    ck_assert_msg(strstr(why, want) != NULL, "why \"%s\" lacks \"%s\"", why, want);
    ck_assert_uint_eq(n, before);
    table_iter_destroy(it);
    /* A get that needs the block fails the same way: some key has its
     * versions in block k. */
    wt_buf v;
    wt_buf_init(&v);
    char gwhy[WHY_CAP] = "";
    unsigned corrupt = 0;
    for (uint32_t key = 0; key < fx.md.nkeys; key++) {
        char name[32];
        key_name(name, sizeof name, key);
        table_get_result r;
        wt_status s = table_get(tb, wt_slice_str(name), WT_MAX_SEQUENCE, &r, &v, gwhy,
                                sizeof gwhy);
        if (s == WT_CORRUPTION) {
            ck_assert_msg(strstr(gwhy, want) != NULL, "why \"%s\" lacks \"%s\"", gwhy, want);
            corrupt++;
        }
    }
    ck_assert_uint_gt(corrupt, 0);
    wt_buf_free(&v);
    table_close(tb);
    free(l);
    fixture_free(&fx);
}

TABLE_TEST(test_corrupt_first_data_block) { damage_data_block(t, 0, 10, "checksum mismatch"); }

TABLE_TEST(test_corrupt_middle_data_block)
{
    layout *l = NULL;
    {
        /* Find how many blocks the fixture has, from a throwaway build. */
        fixture fx;
        fixture_build(&fx, t->dir);
        l = layout_of(fx.path);
        fixture_free(&fx);
    }
    size_t k = l->nblocks / 2;
    uint64_t size = l->blocks[k].size;
    free(l);
    damage_data_block(t, k, size / 2, "checksum mismatch");
}

TABLE_TEST(test_corrupt_block_trailer)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    layout *l = layout_of(fx.path);
    handle h = l->blocks[1];
    free(l);
    fixture_free(&fx);
    damage_data_block(t, 1, h.size, "has unknown block type");     /* the type byte */
    damage_data_block(t, 1, h.size + 2, "checksum mismatch");      /* the crc */
}

TABLE_TEST(test_corrupt_index)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    layout *l = layout_of(fx.path);
    char want[WHY_CAP];
    snprintf(want, sizeof want, "offset %llu: index block checksum mismatch",
             (unsigned long long)l->index_offset);
    flip_byte(fx.path, l->index_offset + l->index_size / 2);
    assert_open_corrupt(fx.path, fx.props.file_size, want);
    free(l);
    fixture_free(&fx);
}

TABLE_TEST(test_corrupt_footer)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    uint64_t size = fx.props.file_size, foot = size - TABLE_FOOTER_SIZE;
    bytes good = file_read_all(fx.path);
    struct {
        uint64_t at;
        const char *reason;
    } cases[] = {
        {0, "footer checksum mismatch"},   /* index offset */
        {9, "footer checksum mismatch"},   /* index size */
        {20, "footer checksum mismatch"},  /* entry count */
        {40, "footer checksum mismatch"},  /* version */
        {45, "footer checksum mismatch"},  /* the crc itself */
        {50, "bad magic number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        file_write_all(fx.path, good.data, good.len);
        flip_byte(fx.path, foot + cases[i].at);
        char want[WHY_CAP];
        snprintf(want, sizeof want, "offset %llu: %s", (unsigned long long)foot,
                 cases[i].reason);
        assert_open_corrupt(fx.path, size, want);
    }
    free(good.data);
    fixture_free(&fx);
}

TABLE_TEST(test_truncated_file)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    uint64_t size = fx.props.file_size;
    bytes good = file_read_all(fx.path);
    char want[WHY_CAP];
    /* The manifest's size, the file cut short: the footer is missing. */
    uint64_t cuts[] = {size - 1, size - TABLE_FOOTER_SIZE, size / 2, 10, 0};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        file_write_all(fx.path, good.data, (size_t)cuts[i]);
        snprintf(want, sizeof want, "offset %llu: file truncated",
                 (unsigned long long)(size - TABLE_FOOTER_SIZE));
        assert_open_corrupt(fx.path, size, want);
        /* The cut file taken at its own size: no footer where one must be. */
        if (cuts[i] >= TABLE_FOOTER_SIZE) {
            snprintf(want, sizeof want, "offset %llu: ",
                     (unsigned long long)(cuts[i] - TABLE_FOOTER_SIZE));
            assert_open_corrupt(fx.path, cuts[i], want);
        } else {
            assert_open_corrupt(fx.path, cuts[i], "offset 0: file of");
        }
    }
    free(good.data);
    fixture_free(&fx);
}

/* ------------------------------------------------------ concurrent readers */

typedef struct readers {
    const table *tb;
    const model *md;
    port_mutex mutex;
    unsigned bad;      /* under mutex */
    char first[WHY_CAP];
} readers;

static void reader_run(void *arg)
{
    readers *rd = arg;
    wt_buf value;
    wt_buf_init(&value);
    char first[WHY_CAP] = "";
    unsigned bad = 0;
    uint64_t w = rd->md->writes;
    for (uint32_t k = 0; k < rd->md->nkeys; k += 3)
        bad += check_get(rd->tb, rd->md, k, k % 2 ? w : w / 2, &value, first, sizeof first);
    table_iter *it = table_iter_create(rd->tb);
    uint64_t n = 0;
    for (table_iter_seek_to_first(it); table_iter_valid(it); table_iter_next(it)) n++;
    if (n != w || table_iter_status(it, NULL) != WT_OK) {
        bad++;
        snprintf(first, sizeof first, "iterator saw %llu of %llu entries",
                 (unsigned long long)n, (unsigned long long)w);
    }
    table_iter_destroy(it);
    wt_buf_free(&value);
    port_mutex_lock(&rd->mutex);
    if (rd->bad == 0 && bad > 0) snprintf(rd->first, sizeof rd->first, "%s", first);
    rd->bad += bad;
    port_mutex_unlock(&rd->mutex);
}

TABLE_TEST(test_concurrent_readers)
{
    fixture fx;
    fixture_build(&fx, t->dir);
    readers rd = {.md = &fx.md};
    rd.tb = open_ok(fx.path, fx.props.file_size);
    port_mutex_init(&rd.mutex, "test:readers");
    port_thread *threads[READERS];
    for (int i = 0; i < READERS; i++)
        ck_assert_int_eq(port_thread_create(&threads[i], "reader", reader_run, &rd), WT_OK);
    for (int i = 0; i < READERS; i++) port_thread_join(threads[i]);
    ck_assert_msg(rd.bad == 0, "%u bad reads; first: %s", rd.bad, rd.first);
    port_mutex_destroy(&rd.mutex);
    table_close((table *)rd.tb);
    fixture_free(&fx);
}

static Suite *table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_format_matches_spec);
    tcase_add_test(tc, test_gets_at_snapshots);
    tcase_add_test(tc, test_empty_table);
    tcase_add_test(tc, test_single_big_entry);
    tcase_add_test(tc, test_corrupt_first_data_block);
    tcase_add_test(tc, test_corrupt_middle_data_block);
    tcase_add_test(tc, test_corrupt_block_trailer);
    tcase_add_test(tc, test_corrupt_index);
    tcase_add_test(tc, test_corrupt_footer);
    tcase_add_test(tc, test_truncated_file);
    tcase_add_test(tc, test_concurrent_readers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return wt_run_suite(table_suite());
}
