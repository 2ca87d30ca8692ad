/*
 * test_manifest.c — version edits, MANIFEST files and CURRENT.
 *
 * Goal: what manifest_log_and_apply applied is exactly what
 * manifest_recover rebuilds (live files sorted by number with their
 * metadata, log number, next file number, last sequence); CURRENT switches
 * atomically to a new manifest whose snapshot carries the whole state; a
 * torn last record is dropped with its edit and the earlier edits kept; a
 * missing CURRENT is WT_NOT_FOUND; a damaged middle record, an edit that
 * does not decode or does not apply, a malformed CURRENT and a missing
 * manifest are WT_CORRUPTION naming the file and the offset.
 *
 * Method: hand-written edit sequences with known outcomes, and a
 * fixed-seed random sequence of flush-like and compaction-like edits that
 * is checked against a plain model (a sorted array of live numbers) after
 * every step and against recovery at checkpoints, with manifest switches
 * in between.  Damage is done with byte edits and truncation through port
 * files; bad edits are written with the WAL writer directly.  Every body
 * runs inside harness_run: real files in the pthreads build, the sim's
 * in-memory files in the sim build.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "filename.h"
#include "harness.h"
#include "manifest.h"
#include "port.h"
#include "table.h"
#include "wal.h"
#include "test_files.h"

enum {
    WHY_CAP = 512,
    MODEL_FILES_MAX = 4096,
    RANDOM_STEPS_FULL = 400,
    RANDOM_STEPS_MIN = 60,
};

#define MANIFEST_TEST(name) DIR_TEST(name, "manifest")

/* ------------------------------------------------------------ file helpers */

/* ------------------------------------------------------------ edit helpers */

/* Adds a file whose keys and sequences follow from its number. */
static void add_file(version_edit *e, uint64_t number)
{
    manifest_file_meta f;
    memset(&f, 0, sizeof f);
    char smallest[32], largest[32];
    snprintf(smallest, sizeof smallest, "a%06llu", (unsigned long long)number);
    snprintf(largest, sizeof largest, "z%06llu", (unsigned long long)number);
    f.number = number;
    f.file_size = 1000 + number;
    f.entries = 10 + number;
    f.min_seq = number * 100;
    f.max_seq = number * 100 + 99;
    wt_buf_init(&f.smallest_key);
    wt_buf_init(&f.largest_key);
    wt_buf_set(&f.smallest_key, smallest, strlen(smallest));
    wt_buf_set(&f.largest_key, largest, strlen(largest));
    version_edit_add_file(e, &f);
    wt_buf_free(&f.smallest_key);
    wt_buf_free(&f.largest_key);
}

static void assert_buf_eq(const wt_buf *a, const wt_buf *b)
{
    ck_assert_uint_eq(a->size, b->size);
    ck_assert(a->size == 0 || memcmp(a->data, b->data, a->size) == 0);
}

static void assert_state_eq(const version_state *got, const version_state *want)
{
    ck_assert_uint_eq(got->log_number, want->log_number);
    ck_assert_uint_eq(got->next_file_number, want->next_file_number);
    ck_assert_uint_eq(got->last_sequence, want->last_sequence);
    ck_assert_uint_eq(got->file_count, want->file_count);
    for (size_t i = 0; i < got->file_count; i++) {
        const manifest_file_meta *a = &got->files[i], *b = &want->files[i];
        ck_assert_uint_eq(a->number, b->number);
        ck_assert_uint_eq(a->file_size, b->file_size);
        ck_assert_uint_eq(a->entries, b->entries);
        ck_assert_uint_eq(a->min_seq, b->min_seq);
        ck_assert_uint_eq(a->max_seq, b->max_seq);
        assert_buf_eq(&a->smallest_key, &b->smallest_key);
        assert_buf_eq(&a->largest_key, &b->largest_key);
        if (i > 0) ck_assert_uint_lt(got->files[i - 1].number, a->number);
    }
}

static void assert_live(const version_state *s, const uint64_t *numbers, size_t n)
{
    ck_assert_uint_eq(s->file_count, n);
    for (size_t i = 0; i < n; i++) ck_assert_uint_eq(s->files[i].number, numbers[i]);
}

static void assert_recovers_to(const char *dir, const version_state *want)
{
    version_state got;
    version_state_init(&got);
    char why[WHY_CAP] = "";
    wt_status s = manifest_recover(dir, &got, why, sizeof why);
    ck_assert_msg(s == WT_OK, "manifest_recover: %s: %s", wt_status_name(s), why);
    assert_state_eq(&got, want);
    version_state_free(&got);
}

static void assert_recover_fails(const char *dir, wt_status want, const char *want_why)
{
    version_state got;
    version_state_init(&got);
    char why[WHY_CAP] = "";
    wt_status s = manifest_recover(dir, &got, why, sizeof why);
    ck_assert_msg(s == want, "manifest_recover: %s (%s), want %s", wt_status_name(s), why,
                  wt_status_name(want));
    ck_assert_msg(strstr(why, want_why) != NULL, "why \"%s\" lacks \"%s\"", why, want_why);
    ck_assert_uint_eq(got.file_count, 0);
    version_state_free(&got);
}

static void log_edit(manifest *m, version_edit *e, version_state *state)
{
    ck_assert_int_eq(manifest_log_and_apply(m, e, state), WT_OK);
    version_edit_free(e);
}

/* A fresh DB: manifest 1 holding an empty state with next file 2. */
static manifest *create_fresh(const char *dir, version_state *state)
{
    version_state_init(state);
    state->next_file_number = 2;
    manifest *m = NULL;
    ck_assert_int_eq(manifest_create_new(dir, 1, state, &m), WT_OK);
    return m;
}

/* Three edits: a flush of 2 and 3 (log 4), a flush of 5 (log 6), and a
 * compaction-like swap of 2 and 3 for 7.  Returns the manifest size
 * before each edit in offsets[0..2]. */
static void log_three_edits(manifest *m, version_state *state, uint64_t offsets[3])
{
    version_edit e;
    version_edit_init(&e);
    offsets[0] = manifest_file_size(m);
    add_file(&e, 3); /* out of order on purpose: the state sorts */
    add_file(&e, 2);
    version_edit_set_log_number(&e, 4);
    version_edit_set_next_file_number(&e, 5);
    version_edit_set_last_sequence(&e, 300);
    log_edit(m, &e, state);
    offsets[1] = manifest_file_size(m);
    add_file(&e, 5);
    version_edit_set_log_number(&e, 6);
    version_edit_set_next_file_number(&e, 7);
    version_edit_set_last_sequence(&e, 550);
    log_edit(m, &e, state);
    offsets[2] = manifest_file_size(m);
    version_edit_delete_file(&e, 2);
    version_edit_delete_file(&e, 3);
    add_file(&e, 7);
    version_edit_set_next_file_number(&e, 8);
    log_edit(m, &e, state);
}

/* ------------------------------------------------------------------ tests */

MANIFEST_TEST(test_missing_current_is_not_found)
{
    assert_recover_fails(t->dir, WT_NOT_FOUND, "CURRENT: not found");
    uint64_t n = 0;
    ck_assert_int_eq(manifest_read_current(t->dir, &n, NULL, 0), WT_NOT_FOUND);
}

MANIFEST_TEST(test_create_and_recover_snapshot)
{
    version_state state;
    version_state_init(&state);
    version_edit e;
    version_edit_init(&e);
    for (uint64_t n = 10; n < 20; n += 3) add_file(&e, n);
    version_edit_set_log_number(&e, 21);
    version_edit_set_next_file_number(&e, 30);
    version_edit_set_last_sequence(&e, 12345);
    ck_assert_ptr_null(version_state_check_edit(&state, &e));
    version_state_apply(&state, &e);
    version_edit_free(&e);
    manifest *m = NULL;
    ck_assert_int_eq(manifest_create_new(t->dir, 29, &state, &m), WT_OK);
    ck_assert_uint_eq(manifest_number(m), 29);
    ck_assert_int_eq(manifest_close(m), WT_OK);
    bytes current = file_read_all(dir_file(t, "CURRENT"));
    ck_assert_uint_eq(current.len, strlen("MANIFEST-000029\n"));
    ck_assert(memcmp(current.data, "MANIFEST-000029\n", current.len) == 0);
    free(current.data);
    ck_assert(!port_exists(dir_file(t, "CURRENT.tmp")));
    uint64_t live[] = {10, 13, 16, 19};
    assert_live(&state, live, 4);
    assert_recovers_to(t->dir, &state);
    version_state_free(&state);
}

MANIFEST_TEST(test_log_edits_and_recover)
{
    version_state state;
    manifest *m = create_fresh(t->dir, &state);
    assert_recovers_to(t->dir, &state);
    uint64_t offsets[3];
    log_three_edits(m, &state, offsets);
    uint64_t live[] = {5, 7};
    assert_live(&state, live, 2);
    ck_assert_uint_eq(state.log_number, 6);
    ck_assert_uint_eq(state.next_file_number, 8);
    ck_assert_uint_eq(state.last_sequence, 550);
    const manifest_file_meta *f = version_state_find(&state, 7);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->entries, 17);
    ck_assert_uint_eq(f->max_seq, 799);
    ck_assert_ptr_null(version_state_find(&state, 2));
    /* Recovery while the manifest is still open for appends, and after. */
    assert_recovers_to(t->dir, &state);
    ck_assert_int_eq(manifest_close(m), WT_OK);
    assert_recovers_to(t->dir, &state);
    version_state_free(&state);
}

MANIFEST_TEST(test_current_switches_to_new_manifest)
{
    version_state state;
    manifest *m = create_fresh(t->dir, &state);
    uint64_t offsets[3];
    log_three_edits(m, &state, offsets);
    ck_assert_int_eq(manifest_close(m), WT_OK);
    /* Reopen as db.c would: recover, allocate a manifest number, switch. */
    version_state recovered;
    version_state_init(&recovered);
    ck_assert_int_eq(manifest_recover(t->dir, &recovered, NULL, 0), WT_OK);
    uint64_t number = recovered.next_file_number++;
    ck_assert_int_eq(manifest_create_new(t->dir, number, &recovered, &m), WT_OK);
    uint64_t current = 0;
    ck_assert_int_eq(manifest_read_current(t->dir, &current, NULL, 0), WT_OK);
    ck_assert_uint_eq(current, number);
    version_edit e;
    version_edit_init(&e);
    version_edit_delete_file(&e, 5);
    add_file(&e, recovered.next_file_number);
    version_edit_set_next_file_number(&e, recovered.next_file_number + 1);
    log_edit(m, &e, &recovered);
    ck_assert_int_eq(manifest_close(m), WT_OK);
    /* The old manifest no longer matters: damage it beyond repair. */
    char old[PATH_MAX];
    filename_manifest(old, sizeof old, t->dir, 1);
    file_write_all(old, "garbage", 7);
    assert_recovers_to(t->dir, &recovered);
    uint64_t live[] = {7, 9};
    assert_live(&recovered, live, 2);
    version_state_free(&recovered);
    version_state_free(&state);
}

/* Cuts the manifest at `cut` bytes and expects the state `want`. */
static void assert_cut_recovers(test_dir *t, const bytes *full, uint64_t cut,
                                const version_state *want)
{
    char path[PATH_MAX];
    filename_manifest(path, sizeof path, t->dir, 1);
    file_write_all(path, full->data, (size_t)cut);
    assert_recovers_to(t->dir, want);
}

MANIFEST_TEST(test_torn_last_record_is_dropped)
{
    version_state state, before;
    version_state_init(&before);
    manifest *m = create_fresh(t->dir, &state);
    uint64_t offsets[3];
    log_three_edits(m, &state, offsets);
    version_state_copy(&before, &state);
    /* A last edit big enough to span a 32 KiB block: its record is
     * fragmented, so cuts fall in its FIRST, MIDDLE or LAST fragment. */
    version_edit e;
    version_edit_init(&e);
    uint64_t first = state.next_file_number;
    for (uint64_t n = first; n < first + 2500; n++) add_file(&e, n);
    version_edit_set_next_file_number(&e, first + 2500);
    uint64_t last_at = manifest_file_size(m);
    log_edit(m, &e, &state);
    uint64_t end = manifest_file_size(m);
    ck_assert_uint_gt(end - last_at, WAL_BLOCK_SIZE);
    ck_assert_int_eq(manifest_close(m), WT_OK);
    char path[PATH_MAX];
    bytes full = file_read_all(filename_manifest(path, sizeof path, t->dir, 1));
    ck_assert_uint_eq(full.len, end);
    assert_recovers_to(t->dir, &state);
    uint64_t cuts[] = {end - 1, end - 7, WAL_BLOCK_SIZE + 3, WAL_BLOCK_SIZE,
                       WAL_BLOCK_SIZE - 1, last_at + 8, last_at + 3, last_at};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        assert_cut_recovers(t, &full, cuts[i], &before);
    free(full.data);
    version_state_free(&before);
    version_state_free(&state);
}

MANIFEST_TEST(test_torn_small_last_record)
{
    version_state state;
    manifest *m = create_fresh(t->dir, &state);
    uint64_t offsets[3];
    log_three_edits(m, &state, offsets);
    ck_assert_int_eq(manifest_close(m), WT_OK);
    char path[PATH_MAX];
    bytes full = file_read_all(filename_manifest(path, sizeof path, t->dir, 1));
    /* Expected: the state after the first two edits. */
    version_state want;
    version_state_init(&want);
    want.next_file_number = 2;
    version_edit e;
    version_edit_init(&e);
    add_file(&e, 3);
    add_file(&e, 2);
    version_edit_set_log_number(&e, 4);
    version_edit_set_next_file_number(&e, 5);
    version_edit_set_last_sequence(&e, 300);
    version_state_apply(&want, &e);
    version_edit_free(&e);
    add_file(&e, 5);
    version_edit_set_log_number(&e, 6);
    version_edit_set_next_file_number(&e, 7);
    version_edit_set_last_sequence(&e, 550);
    version_state_apply(&want, &e);
    version_edit_free(&e);
    /* Every cut inside the third record, and the cut just before it. */
    for (uint64_t cut = offsets[2]; cut < full.len; cut++)
        assert_cut_recovers(t, &full, cut, &want);
    free(full.data);
    version_state_free(&want);
    version_state_free(&state);
}

MANIFEST_TEST(test_corrupt_middle_record)
{
    version_state state;
    manifest *m = create_fresh(t->dir, &state);
    uint64_t offsets[3];
    log_three_edits(m, &state, offsets);
    ck_assert_int_eq(manifest_close(m), WT_OK);
    char path[PATH_MAX];
    filename_manifest(path, sizeof path, t->dir, 1);
    bytes b = file_read_all(path);
    b.data[offsets[1] + WAL_HEADER_SIZE + 2] ^= 0x20; /* the second edit's payload */
    file_write_all(path, b.data, b.len);
    free(b.data);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s: offset %llu: checksum mismatch", path,
             (unsigned long long)offsets[1]);
    assert_recover_fails(t->dir, WT_CORRUPTION, want);
    version_state_free(&state);
}

/* Writes MANIFEST-000001 from raw edit payloads, and CURRENT naming it. */
static void write_raw_manifest(test_dir *t, const wt_buf *records, size_t n,
                               uint64_t *offsets)
{
    char path[PATH_MAX];
    port_file *f = NULL;
    filename_manifest(path, sizeof path, t->dir, 1);
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    wal_writer *w = wal_writer_create(f, 1, 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(wal_add_record(w, records[i].data, records[i].size, &offsets[i]),
                         WT_OK);
    ck_assert_int_eq(wal_writer_close(w), WT_OK);
    file_write_all(dir_file(t, "CURRENT"), "MANIFEST-000001\n", 16);
}

MANIFEST_TEST(test_edit_that_does_not_apply)
{
    wt_buf records[2];
    version_edit e;
    version_edit_init(&e);
    wt_buf_init(&records[0]);
    wt_buf_init(&records[1]);
    version_edit_set_next_file_number(&e, 10);
    add_file(&e, 4);
    version_edit_encode(&e, &records[0]);
    version_edit_free(&e);
    version_edit_delete_file(&e, 5); /* not live */
    version_edit_encode(&e, &records[1]);
    version_edit_free(&e);
    uint64_t offsets[2];
    write_raw_manifest(t, records, 2, offsets);
    char want[WHY_CAP];
    snprintf(want, sizeof want, "MANIFEST-000001: offset %llu: deleted file is not live",
             (unsigned long long)offsets[1]);
    assert_recover_fails(t->dir, WT_CORRUPTION, want);
    /* An unknown tag in the second record. */
    records[1].size = 0;
    uint8_t junk[] = {99, 1};
    wt_buf_set(&records[1], junk, sizeof junk);
    write_raw_manifest(t, records, 2, offsets);
    snprintf(want, sizeof want, "MANIFEST-000001: offset %llu: unknown field tag",
             (unsigned long long)offsets[1]);
    assert_recover_fails(t->dir, WT_CORRUPTION, want);
    /* Only an empty edit: next_file_number never set. */
    records[0].size = 0;
    write_raw_manifest(t, records, 1, offsets);
    assert_recover_fails(t->dir, WT_CORRUPTION, "no record sets next_file_number");
    wt_buf_free(&records[0]);
    wt_buf_free(&records[1]);
}

MANIFEST_TEST(test_bad_current_and_missing_manifest)
{
    file_write_all(dir_file(t, "CURRENT"), "MANIFEST-000003", 15); /* no newline */
    assert_recover_fails(t->dir, WT_CORRUPTION, "CURRENT: malformed");
    file_write_all(dir_file(t, "CURRENT"), "000003.log\n", 11);
    assert_recover_fails(t->dir, WT_CORRUPTION, "CURRENT: malformed");
    file_write_all(dir_file(t, "CURRENT"), "MANIFEST-000003\n", 16);
    assert_recover_fails(t->dir, WT_CORRUPTION, "MANIFEST-000003: named by CURRENT but missing");
}

MANIFEST_TEST(test_edit_encoding_round_trip)
{
    (void)t;
    version_edit e, d;
    version_edit_init(&e);
    version_edit_init(&d);
    version_edit_set_log_number(&e, 300);
    version_edit_set_next_file_number(&e, UINT64_MAX);
    version_edit_set_last_sequence(&e, (1ull << 56) - 1);
    version_edit_delete_file(&e, 17);
    version_edit_delete_file(&e, 1ull << 40);
    add_file(&e, 99);
    wt_buf enc;
    wt_buf_init(&enc);
    version_edit_encode(&e, &enc);
    const char *reason = NULL;
    ck_assert_int_eq(version_edit_decode(&d, enc.data, enc.size, &reason), WT_OK);
    ck_assert(d.has_log_number && d.has_next_file_number && d.has_last_sequence);
    ck_assert_uint_eq(d.log_number, 300);
    ck_assert(d.next_file_number == UINT64_MAX);
    ck_assert_uint_eq(d.last_sequence, (1ull << 56) - 1);
    ck_assert_uint_eq(d.deleted_count, 2);
    ck_assert(d.deleted[1] == 1ull << 40);
    ck_assert_uint_eq(d.added_count, 1);
    ck_assert_uint_eq(d.added[0].number, 99);
    assert_buf_eq(&d.added[0].largest_key, &e.added[0].largest_key);
    /* Every strict prefix ending inside the new-file field is corrupt. */
    unsigned corrupt = 0;
    for (size_t n = 0; n < enc.size; n++) {
        wt_status s = version_edit_decode(&d, enc.data, n, &reason);
        corrupt += s == WT_CORRUPTION;
        if (s == WT_CORRUPTION) ck_assert_uint_eq(d.added_count, 0);
    }
    ck_assert_uint_ge(corrupt, 20);
    /* A repeated number field is corrupt. */
    uint8_t twice[] = {2, 5, 2, 6};
    ck_assert_int_eq(version_edit_decode(&d, twice, sizeof twice, &reason), WT_CORRUPTION);
    ck_assert_str_eq(reason, "field repeated in one edit");
    wt_buf_free(&enc);
    version_edit_free(&e);
    version_edit_free(&d);
}

MANIFEST_TEST(test_check_edit_rules)
{
    (void)t;
    version_state s;
    version_state_init(&s);
    s.log_number = 5;
    s.next_file_number = 10;
    s.last_sequence = 100;
    version_edit e;
    version_edit_init(&e);
    add_file(&e, 3);
    version_state_apply(&s, &e);
    version_edit_free(&e);
    struct {
        int kind;
        const char *want;
    } cases[] = {
        {0, "log number decreases"},          {1, "next file number decreases"},
        {2, "last sequence decreases"},       {3, "deleted file is not live"},
        {4, "file deleted twice"},            {5, "added file is already live"},
        {6, "added file number is not below next_file_number"},
        {7, "file both deleted and added"},   {8, "file added twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        switch (cases[i].kind) {
        case 0: version_edit_set_log_number(&e, 4); break;
        case 1: version_edit_set_next_file_number(&e, 9); break;
        case 2: version_edit_set_last_sequence(&e, 99); break;
        case 3: version_edit_delete_file(&e, 4); break;
        case 4: version_edit_delete_file(&e, 3); version_edit_delete_file(&e, 3); break;
        case 5: add_file(&e, 3); break;
        case 6: add_file(&e, 10); break;
        case 7: version_edit_delete_file(&e, 3); add_file(&e, 3); break;
        case 8: add_file(&e, 6); add_file(&e, 6); break;
        }
        const char *why = version_state_check_edit(&s, &e);
        ck_assert_msg(why != NULL && strcmp(why, cases[i].want) == 0, "case %zu: %s", i,
                      why ? why : "(accepted)");
        version_edit_free(&e);
    }
    version_edit_set_next_file_number(&e, 12);
    add_file(&e, 11); /* below the next_file_number the same edit sets */
    ck_assert_ptr_null(version_state_check_edit(&s, &e));
    version_edit_free(&e);
    version_state_free(&s);
}

MANIFEST_TEST(test_table_properties_to_manifest)
{
    char path[PATH_MAX];
    filename_table(path, sizeof path, t->dir, 2);
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    table_builder *b = table_builder_create(f);
    table_builder_add(b, wt_slice_str("apple"), 7, WT_TYPE_VALUE, wt_slice_str("red"));
    table_builder_add(b, wt_slice_str("pear"), 9, WT_TYPE_DELETION, wt_slice_str(""));
    table_properties props;
    table_properties_init(&props);
    ck_assert_int_eq(table_builder_finish(b, &props), WT_OK);
    version_state state;
    manifest *m = create_fresh(t->dir, &state);
    version_edit e;
    version_edit_init(&e);
    version_edit_add_table(&e, 2, &props);
    version_edit_set_next_file_number(&e, 3);
    version_edit_set_last_sequence(&e, 9);
    log_edit(m, &e, &state);
    ck_assert_int_eq(manifest_close(m), WT_OK);
    version_state got;
    version_state_init(&got);
    ck_assert_int_eq(manifest_recover(t->dir, &got, NULL, 0), WT_OK);
    ck_assert_uint_eq(got.file_count, 1);
    const manifest_file_meta *meta = &got.files[0];
    ck_assert_uint_eq(meta->file_size, props.file_size);
    ck_assert_uint_eq(meta->entries, 2);
    ck_assert_uint_eq(meta->min_seq, 7);
    ck_assert_uint_eq(meta->max_seq, 9);
    ck_assert_uint_eq(meta->smallest_key.size, 5);
    ck_assert(memcmp(meta->smallest_key.data, "apple", 5) == 0);
    ck_assert_uint_eq(meta->largest_key.size, 4);
    ck_assert(memcmp(meta->largest_key.data, "pear", 4) == 0);
    /* The recorded size opens the table. */
    port_file *rf = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_READ, &rf), WT_OK);
    table *tb = NULL;
    ck_assert_int_eq(table_open(rf, meta->file_size, &tb, NULL, 0), WT_OK);
    ck_assert_uint_eq(table_entry_count(tb), 2);
    table_close(tb);
    version_state_free(&got);
    version_state_free(&state);
    table_properties_free(&props);
}

/* ------------------------------------------------------ random edit model */

typedef struct model {
    uint64_t live[MODEL_FILES_MAX];
    size_t n;
} model;

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static void model_remove(model *md, size_t i)
{
    memmove(&md->live[i], &md->live[i + 1], (md->n - i - 1) * sizeof md->live[0]);
    md->n--;
}

/* One random step: a flush (new file, new log) or a compaction-like
 * replacement of some live files by one new file. */
static void random_edit(version_edit *e, const version_state *s, model *md)
{
    uint64_t next = s->next_file_number;
    if (md->n >= 2 && rng_next() % 3 == 0) {
        size_t victims = 1 + rng_next() % (md->n < 4 ? md->n : 4);
        for (size_t v = 0; v < victims; v++) {
            size_t i = rng_next() % md->n;
            version_edit_delete_file(e, md->live[i]);
            model_remove(md, i);
        }
    } else {
        version_edit_set_log_number(e, next + 1); /* the memtable's WAL after this flush */
        version_edit_set_last_sequence(e, s->last_sequence + 1 + rng_next() % 1000);
    }
    add_file(e, next);
    ck_assert_uint_lt(md->n, MODEL_FILES_MAX);
    md->live[md->n++] = next; /* new numbers are the largest: stays sorted */
    version_edit_set_next_file_number(e, next + 2);
}

MANIFEST_TEST(test_random_edits_match_model)
{
    version_state state;
    manifest *m = create_fresh(t->dir, &state);
    model *md = calloc(1, sizeof *md);
    ck_assert_ptr_nonnull(md);
    unsigned steps = RANDOM_STEPS_FULL / harness_scale_div();
    if (steps < RANDOM_STEPS_MIN) steps = RANDOM_STEPS_MIN;
    for (unsigned step = 0; step < steps; step++) {
        version_edit e;
        version_edit_init(&e);
        random_edit(&e, &state, md);
        ck_assert_ptr_null(version_state_check_edit(&state, &e));
        log_edit(m, &e, &state);
        assert_live(&state, md->live, md->n);
        if (step % 16 == 15) {
            assert_recovers_to(t->dir, &state);
            /* Switch manifests as a reopen would. */
            ck_assert_int_eq(manifest_close(m), WT_OK);
            uint64_t number = state.next_file_number++;
            ck_assert_int_eq(manifest_create_new(t->dir, number, &state, &m), WT_OK);
        }
    }
    ck_assert_int_eq(manifest_close(m), WT_OK);
    assert_recovers_to(t->dir, &state);
    version_state copy;
    version_state_init(&copy);
    version_state_copy(&copy, &state);
    assert_state_eq(&copy, &state);
    version_state_free(&copy);
    free(md);
    version_state_free(&state);
}

static Suite *manifest_suite(void)
{
    Suite *s = suite_create("manifest");
    TCase *tc = tcase_create("manifest");
    tcase_add_test(tc, test_missing_current_is_not_found);
    tcase_add_test(tc, test_create_and_recover_snapshot);
    tcase_add_test(tc, test_log_edits_and_recover);
    tcase_add_test(tc, test_current_switches_to_new_manifest);
    tcase_add_test(tc, test_torn_last_record_is_dropped);
    tcase_add_test(tc, test_torn_small_last_record);
    tcase_add_test(tc, test_corrupt_middle_record);
    tcase_add_test(tc, test_edit_that_does_not_apply);
    tcase_add_test(tc, test_bad_current_and_missing_manifest);
    tcase_add_test(tc, test_edit_encoding_round_trip);
    tcase_add_test(tc, test_check_edit_rules);
    tcase_add_test(tc, test_table_properties_to_manifest);
    tcase_add_test(tc, test_random_edits_match_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return wt_run_suite(manifest_suite());
}
