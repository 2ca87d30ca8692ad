/*
 * test_db_edges.c — the DB's edges through the C API, in both builds
 * (issue 22): corruption in a table is reported with file and offset,
 * LOCK keeps a second open out, a read-only open writes nothing and takes
 * no write, a DB whose CURRENT is gone is refused untouched, opens that
 * write nothing leave no empty WALs behind, and a flush reads its table
 * back before recording it.
 *
 * Method: each case builds a small DB, damages or contends it with port
 * file calls (real files in the pthreads build, simfs in the sim), and
 * asserts the status, the detail text and the directory listing (names
 * and sizes) before and after.  Every case failed before the fixes: scan
 * returned WT_OK over a damaged table, the second open succeeded, there
 * was no read-only open, and so on (see the commit that added this file).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "db.h"
#include "harness.h"

enum { KEYS = 600, LISTING_MAX = 4096 };

static wt_options create_options(void)
{
    wt_options o;
    wt_options_default(&o);
    o.create_if_missing = true;
    return o;
}

static void key_of(char *k, size_t n, unsigned i) { snprintf(k, n, "key-%05u", i); }

/* A DB in dir holding KEYS keys in one table and one more in its WAL. */
static void make_db(const char *dir)
{
    wt_options o = create_options();
    wt_db *db = NULL;
    wt_recovery_report rep;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, &rep), WT_OK);
    wt_write_options wo = {0};
    char k[32];
    for (unsigned i = 0; i < KEYS; i++) {
        key_of(k, sizeof k, i);
        ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str(k), wt_slice_str("value-0123456789")),
                         WT_OK);
    }
    ck_assert_int_eq(wt_db_flush(db), WT_OK);
    ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str("zz-wal"), wt_slice_str("in the wal")), WT_OK);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
}

/* "name size\n" per file of dir, in name order. */
typedef struct listing {
    const char *dir;
    char text[LISTING_MAX];
    unsigned logs, tables;
    char table[512]; /* the path of the last table seen */
} listing;

static void list_one(const char *name, void *arg)
{
    listing *l = arg;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", l->dir, name);
    uint64_t size = 0;
    port_file *f;
    if (port_file_open(path, PORT_OPEN_READ, &f) == WT_OK) {
        wt_status s = port_file_size(f, &size);
        ck_assert_int_eq(s, WT_OK);
        ck_assert_int_eq(port_file_close(f), WT_OK);
    }
    size_t len = strlen(l->text);
    snprintf(l->text + len, sizeof l->text - len, "%s %llu\n", name, (unsigned long long)size);
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".log") == 0) l->logs++;
    if (n > 4 && strcmp(name + n - 4, ".sst") == 0) {
        l->tables++;
        snprintf(l->table, sizeof l->table, "%s", path);
    }
}

static listing list_dir(const char *dir)
{
    listing l;
    memset(&l, 0, sizeof l);
    l.dir = dir;
    ck_assert_int_eq(port_list_dir(dir, list_one, &l), WT_OK);
    return l;
}

/* Flips one byte of the file at path (rewrites the whole file). */
static void damage(const char *path, uint64_t offset)
{
    port_file *f;
    uint64_t size;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_READ, &f), WT_OK);
    ck_assert_int_eq(port_file_size(f, &size), WT_OK);
    ck_assert_uint_lt(offset, size);
    char *data = malloc(size);
    size_t got;
    ck_assert_int_eq(port_file_read(f, 0, data, size, &got), WT_OK);
    ck_assert_uint_eq(got, size);
    ck_assert_int_eq(port_file_close(f), WT_OK);
    data[offset] ^= 0x5a;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    ck_assert_int_eq(port_file_append(f, data, size), WT_OK);
    ck_assert_int_eq(port_file_sync(f), WT_OK);
    ck_assert_int_eq(port_file_close(f), WT_OK);
    free(data);
}

static bool count_entry(wt_slice key, wt_slice value, void *arg)
{
    (void)key, (void)value;
    ++*(unsigned *)arg;
    return true;
}

/* ------------------------------------------------------ table corruption */

static void corruption_body(void *arg)
{
    uint64_t offset = *(const uint64_t *)arg;
    char *dir = harness_make_dir("edges-sst");
    make_db(dir);
    listing l = list_dir(dir);
    ck_assert_uint_eq(l.tables, 1);
    damage(l.table, offset);
    wt_options o = create_options();
    wt_db *db;
    ck_assert_int_eq(wt_db_open_read_only(&o, dir, &db, NULL), WT_OK);
    unsigned seen = 0;
    ck_assert_int_eq(wt_db_scan(db, count_entry, &seen), WT_CORRUPTION);
    ck_assert_uint_lt(seen, KEYS + 1);
    char detail[256], want[600];
    wt_db_error_detail(db, detail, sizeof detail);
    snprintf(want, sizeof want, "%s: offset ", l.table);
    ck_assert_msg(strncmp(detail, want, strlen(want)) == 0, "detail: %s", detail);
    ck_assert_ptr_nonnull(strstr(detail, "data block checksum mismatch"));
    /* get of the first key reads the first block: damaged when offset is in it. */
    wt_buf v;
    wt_buf_init(&v);
    wt_status s = wt_db_get(db, wt_slice_str("key-00000"), &v);
    if (offset < 100) {
        ck_assert_int_eq(s, WT_CORRUPTION);
        wt_db_error_detail(db, detail, sizeof detail);
        ck_assert_ptr_nonnull(strstr(detail, "offset 0: data block checksum mismatch"));
    }
    wt_buf_free(&v);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(table_corruption_is_reported_with_file_and_offset)
{
    static const uint64_t offsets[] = {3, 5000};
    harness_run(corruption_body, (void *)&offsets[_i]);
}
END_TEST

/* ------------------------------------------------------------------ LOCK */

static void lock_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("edges-lock");
    wt_options o = create_options();
    wt_db *a, *b = NULL;
    wt_recovery_report rep;
    ck_assert_int_eq(wt_db_open(&o, dir, &a, NULL), WT_OK);
    ck_assert_int_eq(wt_db_open(&o, dir, &b, &rep), WT_IO_ERROR);
    ck_assert_ptr_null(b);
    ck_assert_msg(strstr(rep.detail, "/LOCK: held by another open") != NULL, "detail: %s",
                  rep.detail);
    wt_write_options wo = {.sync = true};
    ck_assert_int_eq(wt_db_put(a, &wo, wt_slice_str("k"), wt_slice_str("v")), WT_OK);
    ck_assert_int_eq(wt_db_close(a), WT_OK);
    ck_assert_int_eq(wt_db_open(&o, dir, &b, NULL), WT_OK); /* released by close */
    wt_buf v;
    wt_buf_init(&v);
    ck_assert_int_eq(wt_db_get(b, wt_slice_str("k"), &v), WT_OK);
    wt_buf_free(&v);
    ck_assert_int_eq(wt_db_close(b), WT_OK);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(a_second_open_fails_while_lock_is_held) { harness_run(lock_body, NULL); }
END_TEST

/* ------------------------------------------------------------- read only */

static void read_only_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("edges-ro");
    make_db(dir);
    listing before = list_dir(dir);
    wt_options o = create_options();
    wt_db *db;
    ck_assert_int_eq(wt_db_open_read_only(&o, dir, &db, NULL), WT_OK);
    unsigned seen = 0;
    ck_assert_int_eq(wt_db_scan(db, count_entry, &seen), WT_OK);
    ck_assert_uint_eq(seen, KEYS + 1);
    wt_write_options wo = {0};
    ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str("x"), wt_slice_str("y")), WT_NOT_SUPPORTED);
    ck_assert_int_eq(wt_db_flush(db), WT_NOT_SUPPORTED);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    listing after = list_dir(dir);
    ck_assert_str_eq(before.text, after.text);
    /* A missing DB, or a directory that is not one, is an error and stays as it was. */
    char missing[512];
    snprintf(missing, sizeof missing, "%s/none", dir);
    wt_recovery_report rep;
    ck_assert_int_eq(wt_db_open_read_only(&o, missing, &db, &rep), WT_INVALID_ARGUMENT);
    ck_assert(!port_exists(missing));
    ck_assert_int_eq(port_mkdir(missing), WT_OK);
    ck_assert_int_eq(wt_db_open_read_only(&o, missing, &db, &rep), WT_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(rep.detail, "CURRENT: does not exist"));
    ck_assert_str_eq(list_dir(missing).text, "");
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(a_read_only_open_writes_nothing) { harness_run(read_only_body, NULL); }
END_TEST

/* ------------------------------------------------------- CURRENT missing */

static void no_current_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("edges-current");
    make_db(dir);
    char current[512];
    snprintf(current, sizeof current, "%s/CURRENT", dir);
    ck_assert_int_eq(port_unlink(current), WT_OK);
    listing before = list_dir(dir);
    wt_options o = create_options();
    wt_db *db = NULL;
    wt_recovery_report rep;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, &rep), WT_CORRUPTION);
    ck_assert_ptr_nonnull(strstr(rep.detail, "CURRENT: missing, but the directory holds"));
    ck_assert_int_eq(wt_db_open_read_only(&o, dir, &db, &rep), WT_CORRUPTION);
    listing after = list_dir(dir); /* LOCK was there before: make_db opened the DB */
    ck_assert_str_eq(before.text, after.text);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(a_db_without_current_is_refused_untouched) { harness_run(no_current_body, NULL); }
END_TEST

/* ------------------------------------------------------------ empty WALs */

static void empty_wal_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("edges-wal");
    make_db(dir);
    wt_options o = create_options();
    for (unsigned i = 0; i < 12; i++) {
        wt_db *db;
        ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_OK);
        if (i == 0) ck_assert_int_eq(wt_db_flush(db), WT_OK); /* the WAL's key to a table */
        ck_assert_int_eq(wt_db_close(db), WT_OK);
    }
    listing l = list_dir(dir);
    ck_assert_msg(l.logs <= 1, "%u WAL files after 12 opens that wrote nothing:\n%s", l.logs,
                  l.text);
    wt_db *db;
    ck_assert_int_eq(wt_db_open_read_only(&o, dir, &db, NULL), WT_OK);
    unsigned seen = 0;
    ck_assert_int_eq(wt_db_scan(db, count_entry, &seen), WT_OK);
    ck_assert_uint_eq(seen, KEYS + 1);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(opens_that_write_nothing_leave_no_wal_behind) { harness_run(empty_wal_body, NULL); }
END_TEST

/* ------------------------------------------------- flush reads its table */

static void flush_verify_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("edges-flush");
    wt_options o = create_options();
    wt_db *db;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_OK);
    wt_write_options wo = {0};
    char k[32];
    for (unsigned i = 0; i < 200; i++) {
        key_of(k, sizeof k, i);
        ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str(k), wt_slice_str("v")), WT_OK);
    }
    /* The first read of the new table (its footer) fails: the flush must
     * fail and leave the WAL in charge, not record an unreadable table. */
    harness_inject_fault(HARNESS_FAULT_READ, ".sst", 1, WT_IO_ERROR, false);
    ck_assert_int_eq(wt_db_flush(db), WT_IO_ERROR);
    harness_clear_faults();
    char detail[256];
    wt_db_error_detail(db, detail, sizeof detail);
    ck_assert_msg(strncmp(detail, "flush: ", 7) == 0 && strstr(detail, ".sst: ") != NULL,
                  "detail: %s", detail);
    listing l = list_dir(dir);
    ck_assert_msg(l.tables == 0, "the unreadable table was kept:\n%s", l.text);
    ck_assert_int_eq(wt_db_close(db), WT_OK); /* nothing was lost: the WAL holds it all */
    ck_assert_int_eq(wt_db_open_read_only(&o, dir, &db, NULL), WT_OK);
    unsigned seen = 0;
    ck_assert_int_eq(wt_db_scan(db, count_entry, &seen), WT_OK);
    ck_assert_uint_eq(seen, 200);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(a_flush_whose_table_cannot_be_read_back_installs_nothing)
{
    harness_run(flush_verify_body, NULL);
}
END_TEST

/* ------------------------------------------------ replay errors fail open */

static void replay_error_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("edges-replay");
    wt_options o = create_options();
    wt_db *db;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_OK);
    wt_write_options wo = {.sync = true};
    char k[32];
    for (unsigned i = 0; i < 3; i++) {
        key_of(k, sizeof k, i);
        ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str(k), wt_slice_str("synced")), WT_OK);
    }
    ck_assert_int_eq(wt_db_close(db), WT_OK); /* the WAL holds the three writes */
    /* The memtable fails while recovery replays the second record: that
     * says nothing about the WAL, so the open must fail, not drop it. */
    harness_inject_fault(HARNESS_FAULT_MEMTABLE_INSERT, NULL, 2, WT_IO_ERROR, false);
    wt_recovery_report rep;
    wt_status s = wt_db_open(&o, dir, &db, &rep);
    harness_clear_faults();
    if (s == WT_OK) ck_assert_int_eq(wt_db_close(db), WT_OK);
    ck_assert_msg(s == WT_IO_ERROR, "open: %s, %llu records replayed, data_dropped %d",
                  wt_status_name(s), (unsigned long long)rep.records, rep.data_dropped);
    ck_assert_msg(strstr(rep.detail, ".log: offset ") != NULL &&
                      strstr(rep.detail, "replaying the record failed: io_error") != NULL,
                  "detail: %s", rep.detail);
    ck_assert_int_eq(wt_db_open_read_only(&o, dir, &db, NULL), WT_OK);
    unsigned seen = 0;
    ck_assert_int_eq(wt_db_scan(db, count_entry, &seen), WT_OK);
    ck_assert_uint_eq(seen, 3);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(a_record_that_fails_to_replay_fails_the_open) { harness_run(replay_error_body, NULL); }
END_TEST

static Suite *edges_suite(void)
{
    Suite *s = suite_create(harness_build());
    TCase *tc = tcase_create("db_edges");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, table_corruption_is_reported_with_file_and_offset, 0, 2);
    tcase_add_test(tc, a_second_open_fails_while_lock_is_held);
    tcase_add_test(tc, a_read_only_open_writes_nothing);
    tcase_add_test(tc, a_db_without_current_is_refused_untouched);
    tcase_add_test(tc, opens_that_write_nothing_leave_no_wal_behind);
    tcase_add_test(tc, a_flush_whose_table_cannot_be_read_back_installs_nothing);
    tcase_add_test(tc, a_record_that_fails_to_replay_fails_the_open);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return wt_run_suite(edges_suite()); }
