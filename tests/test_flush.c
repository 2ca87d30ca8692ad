/*
 * test_flush.c — memtable switch and flush, write stalls, error
 * propagation, over real files (pthreads) and simulated ones (sim).
 *
 * Method: small write buffers make the memtable switch and flush many
 * times while several threads write; the contents are checked key by key
 * before and after reopening, and the directory must hold tables and only
 * the WALs still needed.  Stalls: one allowed immutable memtable and
 * no_slowdown writers, which may fail with WT_INCOMPLETE but never hang,
 * while the others all succeed.  Errors are injected (harness faults):
 * a failed WAL sync or memtable insert fails the write, becomes sticky,
 * and what failed is not there after reopening.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "db.h"
#include "harness.h"

static wt_db *open_db(const wt_options *o, const char *dir)
{
    wt_db *db = NULL;
    wt_recovery_report rep;
    wt_status s = wt_db_open(o, dir, &db, &rep);
    ck_assert_msg(s == WT_OK, "open: %s %s", wt_status_name(s), rep.detail);
    return db;
}

static wt_options small_buffers(void)
{
    wt_options o;
    wt_options_default(&o);
    o.create_if_missing = true;
    o.write_buffer_size = 32 * 1024;
    o.max_write_buffer_number = 2;
    return o;
}

/* ------------------------------------------------------- many switches */

enum { SW_THREADS = 4, SW_WRITES = 6000 };

typedef struct sw_job {
    wt_db *db;
    unsigned thread, writes;
    unsigned failures;
} sw_job;

/* WTLAB_SOAK=N multiplies the writes of the switch test, for a long run by
 * hand (e.g. WTLAB_SOAK=100 CK_DEFAULT_TIMEOUT=0 build/tests/test_flush_pthread). */
static unsigned soak_factor(void)
{
    const char *v = getenv("WTLAB_SOAK");
    return v != NULL && atoi(v) > 0 ? (unsigned)atoi(v) : 1;
}

static void key_of(char *k, size_t n, unsigned t, unsigned i) { snprintf(k, n, "key-%u-%07u", t, i); }

static void sw_writer(void *arg)
{
    sw_job *j = arg;
    char key[32], value[64];
    for (unsigned i = 0; i < j->writes; i++) {
        key_of(key, sizeof key, j->thread, i);
        snprintf(value, sizeof value, "value-%u-%u-%040u", j->thread, i, i);
        wt_write_options wo = {.sync = i % 500 == 0, .disable_wal = i % 500 != 0 && i % 7 == 3};
        if (wt_db_put(j->db, &wo, wt_slice_str(key), wt_slice_str(value)) != WT_OK) j->failures++;
    }
}

/* The scan must return exactly every written key, in order (thread-major:
 * "key-0-..." < "key-1-..."), each with its value. */
typedef struct scan_check {
    unsigned writes, next; /* next = expected index, t * writes + i */
    char bad[160];         /* the first mismatch; "" if none */
} scan_check;

static bool scan_check_entry(wt_slice key, wt_slice value, void *arg)
{
    scan_check *c = arg;
    char k[32], v[64];
    unsigned t = c->next / c->writes, i = c->next % c->writes;
    if (t >= SW_THREADS) {
        snprintf(c->bad, sizeof c->bad, "an extra key after the last one");
        return false;
    }
    key_of(k, sizeof k, t, i);
    int n = snprintf(v, sizeof v, "value-%u-%u-%040u", t, i, i);
    if (wt_slice_compare(key, wt_slice_str(k)) != 0 ||
        wt_slice_compare(value, wt_slice_make(v, (size_t)n)) != 0) {
        snprintf(c->bad, sizeof c->bad, "entry %u: expected %s", c->next, k);
        return false;
    }
    c->next++;
    return true;
}

/* Every key by a scan, and every 97th (and the last of each thread) by Get:
 * a Get checks the tables newest first, one data block each, so getting
 * all keys back costs keys x tables block reads on a long run. */
static void check_all(wt_db *db, unsigned writes)
{
    scan_check sc = {.writes = writes, .next = 0, .bad = ""};
    ck_assert_int_eq(wt_db_scan(db, scan_check_entry, &sc), WT_OK);
    ck_assert_msg(sc.bad[0] == '\0', "scan: %s", sc.bad);
    ck_assert_uint_eq(sc.next, SW_THREADS * writes);
    char key[32], value[64];
    wt_buf v;
    wt_buf_init(&v);
    for (unsigned t = 0; t < SW_THREADS; t++)
        for (unsigned i = 0; i < writes; i++) {
            if (i % 97 != 0 && i != writes - 1) continue;
            key_of(key, sizeof key, t, i);
            int n = snprintf(value, sizeof value, "value-%u-%u-%040u", t, i, i);
            wt_status s = wt_db_get(db, wt_slice_str(key), &v);
            ck_assert_msg(s == WT_OK, "%s: %s", key, wt_status_name(s));
            ck_assert_uint_eq(v.size, (size_t)n);
            ck_assert_mem_eq(v.data, value, (size_t)n);
        }
    wt_buf_free(&v);
}

typedef struct dir_count {
    unsigned logs, tables, manifests;
} dir_count;

static void count_file(const char *name, void *arg)
{
    dir_count *c = arg;
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".log") == 0) c->logs++;
    if (n > 4 && strcmp(name + n - 4, ".sst") == 0) c->tables++;
    if (strncmp(name, "MANIFEST-", 9) == 0) c->manifests++;
}

typedef struct sw_case {
    bool pipelined, unordered;
} sw_case;

static void switches_body(void *arg)
{
    const sw_case *c = arg;
    char *dir = harness_make_dir("switch");
    wt_options o = small_buffers();
    o.enable_pipelined_write = c->pipelined;
    o.unordered_write = c->unordered;
    wt_db *db = open_db(&o, dir);
    unsigned writes = SW_WRITES * soak_factor() / harness_scale_div();
    sw_job jobs[SW_THREADS];
    port_thread *th[SW_THREADS];
    for (unsigned t = 0; t < SW_THREADS; t++) {
        jobs[t] = (sw_job){db, t, writes, 0};
        ck_assert_int_eq(port_thread_create(&th[t], "switcher", sw_writer, &jobs[t]), WT_OK);
    }
    for (unsigned t = 0; t < SW_THREADS; t++) {
        port_thread_join(th[t]);
        ck_assert_uint_eq(jobs[t].failures, 0);
    }
    ck_assert_uint_eq(wt_db_last_sequence(db), SW_THREADS * writes);
    check_all(db, writes);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    dir_count files = {0, 0, 0};
    ck_assert_int_eq(port_list_dir(dir, count_file, &files), WT_OK);
    ck_assert_uint_ge(files.tables, 3);    /* the memtable switched and flushed many times */
    printf("# %s: %u writes verified across %u flushed tables\n",
           c->pipelined ? "pipelined" : c->unordered ? "unordered" : "default",
           SW_THREADS * writes, files.tables);
    ck_assert_uint_le(files.logs, 1 + 3);  /* obsolete WALs were deleted */
    ck_assert_uint_eq(files.manifests, 1);
    db = open_db(&o, dir);
    ck_assert_uint_eq(wt_db_last_sequence(db), SW_THREADS * writes);
    check_all(db, writes);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(many_switches_and_flushes)
{
    static const sw_case cases[] = {{false, false}, {true, false}, {false, true}};
    harness_run(switches_body, (void *)&cases[_i]);
}
END_TEST

/* --------------------------------------------------------------- stalls */

enum { ST_THREADS = 4, ST_WRITES = 3000 };

typedef struct st_job {
    wt_db *db;
    unsigned thread, writes;
    bool no_slowdown;
    wt_status *results;
} st_job;

static void st_writer(void *arg)
{
    st_job *j = arg;
    char key[32];
    for (unsigned i = 0; i < j->writes; i++) {
        key_of(key, sizeof key, j->thread, i);
        wt_write_options wo = {.no_slowdown = j->no_slowdown};
        j->results[i] = wt_db_put(j->db, &wo, wt_slice_str(key), wt_slice_str(key));
    }
}

static void stall_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("stall");
    wt_options o = small_buffers();
    o.write_buffer_size = 4096;
    o.max_write_buffer_number = 1; /* writes stop while one memtable waits for flush */
    wt_db *db = open_db(&o, dir);
    unsigned writes = ST_WRITES / harness_scale_div();
    st_job jobs[ST_THREADS];
    port_thread *th[ST_THREADS];
    for (unsigned t = 0; t < ST_THREADS; t++) {
        jobs[t] = (st_job){db, t, writes, t % 2 == 1, calloc(writes, sizeof(wt_status))};
        ck_assert_int_eq(port_thread_create(&th[t], "staller", st_writer, &jobs[t]), WT_OK);
    }
    for (unsigned t = 0; t < ST_THREADS; t++) port_thread_join(th[t]); /* nobody hangs */
    unsigned incomplete = 0;
    char key[32];
    wt_buf v;
    wt_buf_init(&v);
    for (unsigned t = 0; t < ST_THREADS; t++)
        for (unsigned i = 0; i < writes; i++) {
            wt_status r = jobs[t].results[i];
            key_of(key, sizeof key, t, i);
            ck_assert_msg(r == WT_OK || (jobs[t].no_slowdown && r == WT_INCOMPLETE),
                          "%s: %s", key, wt_status_name(r));
            incomplete += r == WT_INCOMPLETE;
            /* What failed left nothing; what succeeded is there. */
            ck_assert_int_eq(wt_db_get(db, wt_slice_str(key), &v), r == WT_OK ? WT_OK : WT_NOT_FOUND);
        }
    /* The simulated device is slow enough that stalls surely happen. */
    if (harness_is_sim()) ck_assert_uint_gt(incomplete, 0);
    wt_buf_free(&v);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    for (unsigned t = 0; t < ST_THREADS; t++) free(jobs[t].results);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(stalls_never_hang_and_no_slowdown_fails_fast) { harness_run(stall_body, NULL); }
END_TEST

/* --------------------------------------------------------------- errors */

static void put_expect(wt_db *db, bool sync, const char *k, wt_status want)
{
    wt_write_options wo = {.sync = sync};
    wt_status s = wt_db_put(db, &wo, wt_slice_str(k), wt_slice_str(k));
    ck_assert_msg(s == want, "put %s: %s, expected %s", k, wt_status_name(s), wt_status_name(want));
}

static void get_expect(wt_db *db, const char *k, wt_status want)
{
    wt_buf v;
    wt_buf_init(&v);
    wt_status s = wt_db_get(db, wt_slice_str(k), &v);
    ck_assert_msg(s == want, "get %s: %s, expected %s", k, wt_status_name(s), wt_status_name(want));
    wt_buf_free(&v);
}

typedef struct error_case {
    harness_fault_op op;
    wt_status status;
} error_case;

static void error_body(void *arg)
{
    const error_case *c = arg;
    char *dir = harness_make_dir("error");
    wt_options o = small_buffers();
    wt_db *db = open_db(&o, dir);
    put_expect(db, true, "before", WT_OK);
    harness_inject_fault(c->op, ".log", 1, c->status, false);
    put_expect(db, true, "failed", c->status);
    harness_clear_faults();
    /* The error is sticky: later writes fail until the DB is reopened. */
    put_expect(db, false, "after", c->status);
    ck_assert_int_eq(wt_db_background_error(db), c->status);
    get_expect(db, "before", WT_OK);
    get_expect(db, "failed", WT_NOT_FOUND);
    get_expect(db, "after", WT_NOT_FOUND);
    ck_assert_uint_eq(wt_db_last_sequence(db), 1);
    wt_best_effort(wt_db_close(db));
    db = open_db(&o, dir);
    get_expect(db, "before", WT_OK);
    get_expect(db, "failed", WT_NOT_FOUND); /* its WAL record was taken back */
    get_expect(db, "after", WT_NOT_FOUND);
    put_expect(db, true, "reopened", WT_OK);
    ck_assert_uint_eq(wt_db_last_sequence(db), 2);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(errors_reach_the_writer_and_stick)
{
    static const error_case cases[] = {
        {HARNESS_FAULT_SYNC, WT_IO_ERROR},
        {HARNESS_FAULT_APPEND, WT_NO_SPACE},
        {HARNESS_FAULT_MEMTABLE_INSERT, WT_IO_ERROR},
    };
    harness_run(error_body, (void *)&cases[_i]);
}
END_TEST

static Suite *flush_suite(void)
{
    Suite *s = suite_create("flush");
    TCase *tc = tcase_create("flush");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, many_switches_and_flushes, 0, 3);
    tcase_add_test(tc, stalls_never_hang_and_no_slowdown_fails_fast);
    tcase_add_loop_test(tc, errors_reach_the_writer_and_stick, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return wt_run_suite(flush_suite()); }
