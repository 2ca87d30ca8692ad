/*
 * test_db.c — the DB under many writer threads in every write mode, and
 * recovery: after close, after a kill, and from corrupted WALs under each
 * WAL recovery mode.
 *
 * Method: many threads write unique keys (mixing sync, disableWAL, multi-op
 * batches and WAL-only writes where the mode has them) and record each
 * write's status and first sequence.  Then: every write succeeded; the
 * sequence ranges of all writes are contiguous from 1 and end at the
 * published last sequence (no lost or duplicated sequence); every key reads
 * back; a scan sees exactly the written keys; after reopen exactly the
 * WAL-logged keys are back.  The kill test forks a writer process, kills it
 * with SIGKILL after some acknowledged sync writes, and checks that the
 * recovered DB holds every acknowledged write and is a sequence prefix.
 */
#define _GNU_SOURCE
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "db.h"
#include "filename.h"
#include "harness.h"
#include "wal.h"

/* ------------------------------------------------------------- helpers */

typedef struct mode_case {
    const char *name;
    bool concurrent, pipelined, unordered, two_queues;
    bool fill; /* sync_group_fill, and mostly sync writes */
    bool leader_inserts; /* leader_inserts_parked_group */
    uint64_t prewake_usec; /* sync_prewake_usec (1: wake as late as it can, so that
                              the timed parks run even when fsync is fast) */
    bool strict_yield; /* strict_yield_credit */
    bool overlap; /* sync_overlap_insert (with prewake: inserts during the fsync) */
    unsigned fewer; /* 0 or N: a 1/N of the writes (keeps the suite's time
                       within its timeout as modes are added) */
    bool park_behind; /* join_park_behind_parked */
    bool take_parked; /* leader_takes_parked_group */
    unsigned buffer_kib; /* 0, or write_buffer_size in KiB (memtable switches,
                            flushes and stalls while writers queue) */
    unsigned active; /* max_active_writers (0: no gate) */
    unsigned handoff; /* active_writer_handoff (0: the default) */
} mode_case;

static const mode_case modes[] = {
    {"serial memtable", false, false, false, false},
    {"parallel memtable", true, false, false, false},
    {"pipelined", false, true, false, false},
    {"pipelined parallel", true, true, false, false},
    {"unordered", true, false, true, false},
    {"two write queues", true, false, false, true},
    {"sync group fill", true, false, false, false, true},
    {"pipelined sync group fill", false, true, false, false, true},
    {"sync group fill, leader inserts parked groups", true, false, false, false, true, true},
    {"sync group fill, leader inserts, sync prewake", true, false, false, false, true, true, 1},
    {"pipelined, sync group fill, sync prewake", false, true, false, false, true, false, 1},
    /* Sync groups of pipelined parallel memtable writes inserted by their
     * memtable leader under the pre-wake (db.c, leader_inserts_parked;
     * tests/prewake.sh pins which thread inserts in the sim). */
    {"pipelined parallel, sync group fill, leader inserts, sync prewake", .concurrent = true,
     .pipelined = true, .fill = true, .leader_inserts = true, .prewake_usec = 1, .fewer = 4},
    {"two write queues, sync group fill, sync prewake", true, false, false, true, true, false, 1},
    {"parallel memtable, strict yield credit", true, false, false, false, false, false, 0, true},
    {"pipelined parallel, strict yield credit", true, true, false, false, false, false, 0, true},
    {"sync group fill, leader inserts, sync prewake, overlap insert", true, false, false, false,
     true, true, 1, false, true, 4},
    {"serial memtable, sync group fill, sync prewake, overlap insert", false, false, false, false,
     true, false, 1, false, true, 4},
    {"pipelined parallel, leader inserts parked groups", true, true, false, false, false, true, 0,
     false, false, 4},
    {"pipelined parallel, leader inserts, strict yield credit", true, true, false, false, false, true, 0,
     true, false, 4},
    {"parallel memtable, strict yield credit, park behind parked", true, false, false, false, false,
     false, 0, true, false, 4, true},
    {"serial memtable, park behind parked", false, false, false, false, false, false, 0, false, false,
     4, true},
    /* Correct results with the option in pipelined mode (which parks it
     * counts there: tests/scenarios.sh, park-behind-pipelined.json). */
    {"pipelined parallel, park behind parked", true, true, false, false, false, false, 0, false,
     false, 4, true},
    {"parallel memtable, leader takes parked groups", true, false, false, false, false, false, 0,
     false, false, 4, false, true},
    {"parallel memtable, strict yield credit, park behind parked, leader takes parked groups", true,
     false, false, false, false, false, 0, true, false, 4, true, true},
    {"serial memtable, leader takes parked groups", false, false, false, false, false, false, 0,
     false, false, 4, false, true},
    {"parallel memtable, leader takes parked groups, 128 KiB memtables", true, false, false, false,
     false, false, 0, false, false, 4, false, true, 128},
    /* The active-writer gate (write_gate.c): in every mode, with memtable
     * switches and stalls while writers wait at it, and with sync writes
     * (which pass it) mixed in. */
    {"parallel memtable, 2 active writers", .concurrent = true, .active = 2, .fewer = 4},
    {"serial memtable, 1 active writer, hand-off every 3rd exit, 128 KiB memtables", .active = 1,
     .handoff = 3, .buffer_kib = 128, .fewer = 4},
    {"pipelined parallel, 2 active writers", .concurrent = true, .pipelined = true, .active = 2,
     .fewer = 4},
    {"unordered, 1 active writer", .concurrent = true, .unordered = true, .active = 1,
     .fewer = 4},
    {"two write queues, 2 active writers", .concurrent = true, .two_queues = true, .active = 2,
     .fewer = 4},
    {"sync group fill, 2 active writers", .concurrent = true, .fill = true, .active = 2, .fewer = 4},
};
enum { MODE_COUNT = sizeof modes / sizeof modes[0] };

static wt_options mode_options(const mode_case *m)
{
    wt_options o;
    wt_options_default(&o);
    o.create_if_missing = true;
    o.allow_concurrent_memtable_write = m->concurrent;
    o.enable_pipelined_write = m->pipelined;
    o.unordered_write = m->unordered;
    o.two_write_queues = m->two_queues;
    o.sync_group_fill = m->fill;
    o.leader_inserts_parked_group = m->leader_inserts;
    o.sync_prewake_usec = m->prewake_usec;
    o.strict_yield_credit = m->strict_yield;
    o.sync_overlap_insert = m->overlap;
    o.join_park_behind_parked = m->park_behind;
    o.leader_takes_parked_group = m->take_parked;
    if (m->buffer_kib > 0) o.write_buffer_size = (uint64_t)m->buffer_kib * 1024;
    o.max_active_writers = m->active;
    if (m->handoff > 0) o.active_writer_handoff = m->handoff;
    return o;
}

static wt_db *open_ok(const wt_options *o, const char *dir)
{
    wt_db *db = NULL;
    wt_recovery_report rep;
    wt_status s = wt_db_open(o, dir, &db, &rep);
    ck_assert_msg(s == WT_OK, "open %s: %s", dir, wt_status_name(s));
    return db;
}

static void close_ok(wt_db *db) { ck_assert_int_eq(wt_db_close(db), WT_OK); }

static size_t key_name(char *buf, size_t n, unsigned thread, unsigned write, unsigned op)
{
    return (size_t)snprintf(buf, n, "t%02u-w%06u-o%u", thread, write, op);
}

/* ------------------------------------------------------- many writers */

enum { THREADS = 16, WRITES = 10000, MAX_OPS = 3 };

typedef struct write_record {
    wt_status status;
    uint64_t seq;
    uint32_t count;
} write_record;

typedef struct writer_job {
    wt_db *db;
    const mode_case *mode;
    unsigned thread, writes;
    write_record *rec;
    wt_write_stats stats; /* every write passes it (WriteOptions.stats) */
} writer_job;

static void writer_main(void *arg)
{
    writer_job *job = arg;
    wt_write_batch b;
    wt_batch_init(&b);
    char key[64], value[64];
    for (unsigned j = 0; j < job->writes; j++) {
        wt_write_options wo = {.stats = &job->stats};
        wt_batch_clear(&b);
        if (job->mode->two_queues && j % 11 == 5) {
            /* A WAL-only write through the second queue: log data only. */
            wo.disable_memtable = true;
            wt_batch_put_log_data(&b, wt_slice_str("wal-only"));
        } else {
            unsigned ops = 1 + j % MAX_OPS;
            for (unsigned op = 0; op < ops; op++) {
                size_t kn = key_name(key, sizeof key, job->thread, j, op);
                int vn = snprintf(value, sizeof value, "value-%u-%u-%u", job->thread, j, op);
                wt_batch_put(&b, wt_slice_make(key, kn), wt_slice_make(value, (size_t)vn));
            }
            wo.sync = job->mode->fill ? j % 4 != 1 : j % 97 == 3;
            wo.disable_wal = !wo.sync && j % 13 == 7;
        }
        write_record *r = &job->rec[j];
        r->status = wt_db_write_ex(job->db, &wo, &b, NULL, &r->seq);
        r->count = wt_batch_count(&b);
    }
    wt_batch_destroy(&b);
}

static int compare_records(const void *a, const void *b)
{
    const write_record *x = *(write_record *const *)a, *y = *(write_record *const *)b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Every write's sequence range: contiguous from 1, ending at last. */
static void check_sequences(writer_job *jobs, unsigned threads, uint64_t last)
{
    size_t n = 0;
    for (unsigned t = 0; t < threads; t++) n += jobs[t].writes;
    write_record **all = malloc(n * sizeof *all);
    size_t m = 0;
    for (unsigned t = 0; t < threads; t++)
        for (unsigned j = 0; j < jobs[t].writes; j++) {
            write_record *r = &jobs[t].rec[j];
            ck_assert_msg(r->status == WT_OK, "thread %u write %u: %s", t, j,
                          wt_status_name(r->status));
            if (r->count > 0) all[m++] = r;
        }
    qsort(all, m, sizeof *all, compare_records);
    uint64_t next = 1;
    for (size_t i = 0; i < m; i++) {
        ck_assert_msg(all[i]->seq == next, "sequence gap or overlap: write at %llu, expected %llu",
                      (unsigned long long)all[i]->seq, (unsigned long long)next);
        next += all[i]->count;
    }
    ck_assert_uint_eq(next - 1, last);
    free(all);
}

typedef struct scan_count {
    uint64_t keys;
    bool ordered;
    char prev[64];
} scan_count;

static bool count_key(wt_slice key, wt_slice value, void *arg)
{
    scan_count *c = arg;
    (void)value;
    ck_assert_uint_lt(key.size, sizeof c->prev);
    if (c->keys > 0 && wt_slice_compare(wt_slice_str(c->prev), key) >= 0) c->ordered = false;
    memcpy(c->prev, key.data, key.size);
    c->prev[key.size] = '\0';
    c->keys++;
    return true;
}

/* Every key of every write reads back (after a reopen too: WAL-logged
 * writes replay, and close flushed the disableWAL ones, as RocksDB does). */
static uint64_t check_contents(wt_db *db, writer_job *jobs, unsigned threads)
{
    char key[64], value[64];
    wt_buf v;
    wt_buf_init(&v);
    uint64_t expected = 0;
    for (unsigned t = 0; t < threads; t++)
        for (unsigned j = 0; j < jobs[t].writes; j++) {
            const write_record *r = &jobs[t].rec[j];
            for (unsigned op = 0; op < r->count; op++) {
                size_t kn = key_name(key, sizeof key, t, j, op);
                int vn = snprintf(value, sizeof value, "value-%u-%u-%u", t, j, op);
                wt_status s = wt_db_get(db, wt_slice_make(key, kn), &v);
                expected++;
                ck_assert_msg(s == WT_OK, "get %s: %s", key, wt_status_name(s));
                ck_assert_mem_eq(v.data, value, (size_t)vn);
            }
        }
    wt_buf_free(&v);
    scan_count c = {0, true, ""};
    ck_assert_int_eq(wt_db_scan(db, count_key, &c), WT_OK);
    ck_assert(c.ordered);
    ck_assert_uint_eq(c.keys, expected);
    return expected;
}

/* The callers' wt_write_stats add up: every write was a member of exactly
 * one group that some caller led (EnterAsBatchGroupLeader, on either
 * queue), and in the one-queue default path every group was exited once
 * (by its leader or by its last parallel member). */
static void check_stats(const mode_case *m, const writer_job *jobs, unsigned threads)
{
    uint64_t writes = 0, groups = 0, members = 0, exits = 0, prewake = 0;
    uint64_t led = 0, ran = 0, parked_inserted = 0, taken = 0, gate_waits = 0;
    for (unsigned t = 0; t < threads; t++) {
        gate_waits += jobs[t].stats.gate_waits;
        prewake += jobs[t].stats.prewake_parks + jobs[t].stats.prewake_fallbacks;
        led += jobs[t].stats.overlap_led;
        ran += jobs[t].stats.overlap_ran;
        parked_inserted += jobs[t].stats.parked_groups_inserted;
        taken += jobs[t].stats.groups_taken;
        writes += jobs[t].writes;
        groups += jobs[t].stats.groups;
        members += jobs[t].stats.members;
        exits += jobs[t].stats.exits;
    }
    ck_assert_uint_eq(members, writes);
    ck_assert_uint_ge(groups, 1);
    ck_assert_uint_le(groups, writes);
    if (!m->pipelined && !m->unordered && !m->two_queues) ck_assert_uint_eq(exits, groups);
    /* Without the option no wait takes the pre-wake path.  (With it, how
     * many do depends on the fsync times: not asserted.) */
    if (m->prewake_usec == 0) ck_assert_uint_eq(prewake, 0);
    /* Every job a waiting writer ran was closed by its leader.  Without
     * sync_overlap_insert none runs; with it, in the sim (deterministic)
     * some do (on pthreads how many depends on the fsync times). */
    ck_assert_uint_eq(led, ran);
    if (!m->overlap) ck_assert_uint_eq(ran, 0);
    if (m->overlap && harness_is_sim()) ck_assert_uint_gt(ran, 0);
    /* Pipelined groups inserted by their leader because their members were
     * parked: only with leader_inserts_parked_group; in the sim some are. */
    if (!m->leader_inserts || !m->pipelined) ck_assert_uint_eq(parked_inserted, 0);
    if (m->leader_inserts && m->pipelined && m->concurrent && harness_is_sim())
        ck_assert_uint_gt(parked_inserted, 0);
    /* Groups led for a parked next leader: only with
     * leader_takes_parked_group (each is also a group of its own above,
     * exited once); in the sim some are. */
    if (!m->take_parked) ck_assert_uint_eq(taken, 0);
    ck_assert_uint_le(taken, groups);
    if (m->take_parked && harness_is_sim()) ck_assert_uint_gt(taken, 0);
    /* Writes that waited at the active-writer gate: only with it; in the
     * sim (more writers than slots, writing without sync) some do. */
    if (m->active == 0) ck_assert_uint_eq(gate_waits, 0);
    if (m->active > 0 && !m->fill && harness_is_sim()) ck_assert_uint_gt(gate_waits, 0);
}

typedef struct mode_test {
    int mode;
} mode_test;

static void many_writers_body(void *arg)
{
    const mode_case *m = &modes[((mode_test *)arg)->mode];
    char *dir = harness_make_dir("modes");
    wt_options o = mode_options(m);
    wt_db *db = open_ok(&o, dir);
    uint64_t first_log = wt_db_current_log_number(db);
    unsigned writes = WRITES / harness_scale_div() / (m->fewer > 0 ? m->fewer : 1);
    writer_job jobs[THREADS];
    port_thread *th[THREADS];
    for (unsigned t = 0; t < THREADS; t++) {
        jobs[t] = (writer_job){db, m, t, writes, calloc(writes, sizeof(write_record)), {0}};
        ck_assert_int_eq(port_thread_create(&th[t], "writer", writer_main, &jobs[t]), WT_OK);
    }
    for (unsigned t = 0; t < THREADS; t++) port_thread_join(th[t]);
    /* Small memtables: the writers' leaders switched them (each switch
     * starts a new WAL) while the others queued. */
    if (m->buffer_kib > 0) ck_assert_uint_gt(wt_db_current_log_number(db), first_log);
    /* Sync leaders waited for groups to fill only with the option on
     * (16 threads writing mostly sync: some leader always has to wait). */
    const write_thread *wq = wt_db_write_thread(db);
    if (m->fill)
        ck_assert_uint_gt(wq->fill_waits, 0);
    else
        ck_assert_uint_eq(wq->fill_waits, 0);
    check_sequences(jobs, THREADS, wt_db_last_sequence(db));
    check_contents(db, jobs, THREADS);
    check_stats(m, jobs, THREADS);
    close_ok(db);
    db = open_ok(&o, dir);
    check_contents(db, jobs, THREADS);
    close_ok(db);
    for (unsigned t = 0; t < THREADS; t++) free(jobs[t].rec);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(many_writers_every_mode)
{
    mode_test mt = {_i};
    harness_run(many_writers_body, &mt);
}
END_TEST

/* ------------------------------------------------- rejected combinations */

static void rejections_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("reject");
    wt_options o;
    wt_options_default(&o);
    o.create_if_missing = true;
    wt_db *db = NULL;
    o.unordered_write = true;
    o.enable_pipelined_write = true;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_INVALID_ARGUMENT);
    o.enable_pipelined_write = false;
    o.allow_concurrent_memtable_write = false;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_INVALID_ARGUMENT);
    wt_options_default(&o);
    o.create_if_missing = true;
    o.sync_prewake_usec = 1000001; /* the lead times 8 must stay far from overflow */
    ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_INVALID_ARGUMENT);
    wt_options_default(&o);
    o.create_if_missing = true;
    o.max_active_writers = 4097;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_INVALID_ARGUMENT);
    o.max_active_writers = 2;
    o.active_writer_handoff = 0;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_INVALID_ARGUMENT);
    wt_options_default(&o);
    o.create_if_missing = true;
    db = open_ok(&o, dir);
    wt_write_options wo = {.sync = true, .disable_wal = true};
    ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str("k"), wt_slice_str("v")), WT_INVALID_ARGUMENT);
    wt_write_options wal_only = {.disable_memtable = true};
    ck_assert_int_eq(wt_db_put(db, &wal_only, wt_slice_str("k"), wt_slice_str("v")),
                     WT_INVALID_ARGUMENT);
    ck_assert_uint_eq(wt_db_last_sequence(db), 0);
    close_ok(db);
    o.enable_pipelined_write = true;
    o.two_write_queues = true;
    db = open_ok(&o, dir);
    wt_write_options plain = {0};
    ck_assert_int_eq(wt_db_put(db, &plain, wt_slice_str("k"), wt_slice_str("v")), WT_NOT_SUPPORTED);
    close_ok(db);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(rejected_option_combinations) { harness_run(rejections_body, NULL); }
END_TEST

/* --------------------------------------------- deletes and visibility */

static void delete_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("delete");
    wt_options o;
    wt_options_default(&o);
    o.create_if_missing = true;
    wt_db *db = open_ok(&o, dir);
    wt_write_options wo = {0};
    wt_buf v;
    wt_buf_init(&v);
    ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str("a"), wt_slice_str("1")), WT_OK);
    ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str("a"), wt_slice_str("2")), WT_OK);
    ck_assert_int_eq(wt_db_get(db, wt_slice_str("a"), &v), WT_OK);
    ck_assert_mem_eq(v.data, "2", 1);
    ck_assert_int_eq(wt_db_delete(db, &wo, wt_slice_str("a")), WT_OK);
    ck_assert_int_eq(wt_db_get(db, wt_slice_str("a"), &v), WT_NOT_FOUND);
    ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str("b"), wt_slice_str("3")), WT_OK);
    ck_assert_int_eq(wt_db_single_delete(db, &wo, wt_slice_str("b")), WT_OK);
    ck_assert_int_eq(wt_db_get(db, wt_slice_str("b"), &v), WT_NOT_FOUND);
    ck_assert_uint_eq(wt_db_last_sequence(db), 5);
    close_ok(db);
    db = open_ok(&o, dir);
    ck_assert_uint_eq(wt_db_last_sequence(db), 5);
    ck_assert_int_eq(wt_db_get(db, wt_slice_str("a"), &v), WT_NOT_FOUND);
    ck_assert_int_eq(wt_db_get(db, wt_slice_str("b"), &v), WT_NOT_FOUND);
    ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str("a"), wt_slice_str("4")), WT_OK);
    ck_assert_uint_eq(wt_db_last_sequence(db), 6);
    close_ok(db);
    db = open_ok(&o, dir);
    ck_assert_int_eq(wt_db_get(db, wt_slice_str("a"), &v), WT_OK);
    ck_assert_mem_eq(v.data, "4", 1);
    close_ok(db);
    wt_buf_free(&v);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(deletes_and_reopen) { harness_run(delete_body, NULL); }
END_TEST

/* ------------------------------------------------------ corrupted WALs */

enum { CORRUPT_WRITES = 600 }; /* about 2.6 WAL blocks of records */

/* Writes CORRUPT_WRITES one-put batches (seq i+1 = key "kNNN"), closes,
 * and returns the WAL path and each record's offset. */
static char *write_wal(const char *dir, uint64_t offsets[CORRUPT_WRITES])
{
    wt_options o;
    wt_options_default(&o);
    o.create_if_missing = true;
    wt_db *db = open_ok(&o, dir);
    uint64_t log_number = wt_db_current_log_number(db);
    wt_write_options wo = {0};
    char key[16], value[120];
    memset(value, 'x', sizeof value);
    for (int i = 0; i < CORRUPT_WRITES; i++) {
        snprintf(key, sizeof key, "k%03d", i);
        ck_assert_int_eq(wt_db_put(db, &wo, wt_slice_str(key), wt_slice_make(value, sizeof value)),
                         WT_OK);
    }
    close_ok(db);
    char *path = malloc(4096);
    filename_log(path, 4096, dir, log_number);
    port_file *f;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_READ, &f), WT_OK);
    wal_reader *r = wal_reader_create(f, log_number);
    wt_slice rec;
    wal_problem p;
    for (int i = 0; i < CORRUPT_WRITES; i++)
        ck_assert_int_eq(wal_read_record(r, &rec, &offsets[i], &p), WAL_READ_RECORD);
    wal_reader_destroy(r);
    return path;
}

/* Rewrites path keeping `keep` bytes, with byte `flip` (if < keep) inverted. */
static void rewrite_file(const char *path, uint64_t keep, uint64_t flip)
{
    port_file *f;
    uint64_t size;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_READ, &f), WT_OK);
    ck_assert_int_eq(port_file_size(f, &size), WT_OK);
    uint8_t *buf = malloc(size);
    size_t got;
    ck_assert_int_eq(port_file_read(f, 0, buf, size, &got), WT_OK);
    ck_assert_uint_eq(got, size);
    ck_assert_int_eq(port_file_close(f), WT_OK);
    if (flip < keep) buf[flip] ^= 0xff;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    ck_assert_int_eq(port_file_append(f, buf, keep < size ? keep : size), WT_OK);
    ck_assert_int_eq(port_file_close(f), WT_OK);
    free(buf);
}

/* Opens with mode; returns the keys found ("k000".. order) as a bitmap. */
static wt_status open_with_mode(const char *dir, wt_wal_recovery_mode mode, bool present[],
                                wt_recovery_report *rep)
{
    wt_options o;
    wt_options_default(&o);
    o.wal_recovery_mode = mode;
    wt_db *db = NULL;
    wt_status s = wt_db_open(&o, dir, &db, rep);
    if (s != WT_OK) return s;
    wt_buf v;
    wt_buf_init(&v);
    char key[16];
    for (int i = 0; i < CORRUPT_WRITES; i++) {
        snprintf(key, sizeof key, "k%03d", i);
        present[i] = wt_db_get(db, wt_slice_str(key), &v) == WT_OK;
    }
    wt_buf_free(&v);
    close_ok(db);
    return WT_OK;
}

static void expect_present(const bool present[], int from, int to, bool want)
{
    for (int i = from; i < to; i++)
        ck_assert_msg(present[i] == want, "k%03d %s", i, want ? "missing" : "present");
}

typedef struct corruption_case {
    wt_wal_recovery_mode mode;
} corruption_case;

static void mid_file_corruption_body(void *arg)
{
    wt_wal_recovery_mode mode = ((corruption_case *)arg)->mode;
    char *dir = harness_make_dir("corrupt");
    uint64_t offsets[CORRUPT_WRITES];
    char *path = write_wal(dir, offsets);
    rewrite_file(path, UINT64_MAX, offsets[50] + 20); /* a payload byte of record 50 */
    bool present[CORRUPT_WRITES];
    wt_recovery_report rep;
    wt_status s = open_with_mode(dir, mode, present, &rep);
    ck_assert_uint_ge(rep.problems, 1);
    ck_assert_uint_eq(rep.problem_offset, offsets[50]);
    ck_assert_ptr_nonnull(rep.problem_reason);
    ck_assert_ptr_nonnull(rep.action);
    switch (mode) {
    case WT_WAL_TOLERATE_CORRUPTED_TAIL_RECORDS:
    case WT_WAL_ABSOLUTE_CONSISTENCY:
        ck_assert_int_eq(s, WT_CORRUPTION);
        break;
    case WT_WAL_POINT_IN_TIME:
        ck_assert_int_eq(s, WT_OK);
        expect_present(present, 0, 50, true);
        expect_present(present, 50, CORRUPT_WRITES, false);
        ck_assert_uint_eq(rep.last_sequence, 50);
        break;
    case WT_WAL_SKIP_ANY_CORRUPTED_RECORDS: {
        /* Like RocksDB's reader, a checksum mismatch drops the rest of its
         * 32 KiB block (the length field cannot be trusted); replay goes on
         * with the next block. */
        ck_assert_int_eq(s, WT_OK);
        uint64_t block_end = (offsets[50] / WAL_BLOCK_SIZE + 1) * WAL_BLOCK_SIZE;
        int first_kept = 51;
        while (offsets[first_kept] < block_end) first_kept++;
        ck_assert_int_lt(first_kept, CORRUPT_WRITES - 100);
        expect_present(present, 0, 50, true);
        expect_present(present, 50, first_kept, false);
        expect_present(present, first_kept, CORRUPT_WRITES, true);
        break;
    }
    }
    free(path);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(mid_file_corruption_each_mode)
{
    corruption_case c = {(wt_wal_recovery_mode)_i};
    harness_run(mid_file_corruption_body, &c);
}
END_TEST

static void torn_tail_body(void *arg)
{
    wt_wal_recovery_mode mode = ((corruption_case *)arg)->mode;
    char *dir = harness_make_dir("torn");
    uint64_t offsets[CORRUPT_WRITES];
    char *path = write_wal(dir, offsets);
    /* Cut the last record in the middle of its payload. */
    rewrite_file(path, offsets[CORRUPT_WRITES - 1] + 30, UINT64_MAX);
    bool present[CORRUPT_WRITES];
    wt_recovery_report rep;
    wt_status s = open_with_mode(dir, mode, present, &rep);
    if (mode == WT_WAL_ABSOLUTE_CONSISTENCY) {
        ck_assert_int_eq(s, WT_CORRUPTION);
        ck_assert(rep.problem_at_tail);
        ck_assert_uint_eq(rep.problem_offset, offsets[CORRUPT_WRITES - 1]);
    } else {
        ck_assert_int_eq(s, WT_OK);
        expect_present(present, 0, CORRUPT_WRITES - 1, true);
        expect_present(present, CORRUPT_WRITES - 1, CORRUPT_WRITES, false);
    }
    free(path);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(torn_tail_each_mode)
{
    corruption_case c = {(wt_wal_recovery_mode)_i};
    harness_run(torn_tail_body, &c);
}
END_TEST

/* --------------------------------------------------------- kill -9 */

enum { KILL_THREADS = 4, KILL_ACKS = 400 };

typedef struct kill_job {
    wt_db *db;
    unsigned thread;
    int ack_fd;
} kill_job;

static void kill_writer(void *arg)
{
    kill_job *job = arg;
    char key[32];
    for (unsigned i = 0;; i++) {
        snprintf(key, sizeof key, "t%u-%06u", job->thread, i);
        wt_write_options wo = {.sync = i % 3 == 0};
        uint64_t seq;
        wt_write_batch b;
        wt_batch_init(&b);
        wt_batch_put(&b, wt_slice_str(key), wt_slice_str(key));
        if (wt_db_write_ex(job->db, &wo, &b, NULL, &seq) != WT_OK) _exit(3);
        wt_batch_destroy(&b);
        char line[64];
        int n = snprintf(line, sizeof line, "%u %u %llu\n", job->thread, i, (unsigned long long)seq);
        if (write(job->ack_fd, line, (size_t)n) != n) _exit(4);
    }
}

static void child_writes_forever(const char *dir, int ack_fd)
{
    wt_options o;
    wt_options_default(&o);
    o.create_if_missing = true;
    wt_db *db;
    if (wt_db_open(&o, dir, &db, NULL) != WT_OK) _exit(2);
    kill_job jobs[KILL_THREADS];
    port_thread *th[KILL_THREADS];
    for (unsigned t = 0; t < KILL_THREADS; t++) {
        jobs[t] = (kill_job){db, t, ack_fd};
        if (port_thread_create(&th[t], "killed", kill_writer, &jobs[t]) != WT_OK) _exit(5);
    }
    for (;;) pause();
}

static void kill_body(void *arg)
{
    (void)arg;
    char *dir = harness_make_dir("kill");
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        child_writes_forever(dir, fds[1]);
    }
    close(fds[1]);
    FILE *acks = fdopen(fds[0], "r");
    unsigned t, i, count = 0, max_acked[KILL_THREADS] = {0};
    unsigned long long seq, max_seq = 0;
    while (count < KILL_ACKS && fscanf(acks, "%u %u %llu", &t, &i, &seq) == 3) {
        ck_assert_uint_lt(t, KILL_THREADS);
        if (i + 1 > max_acked[t]) max_acked[t] = i + 1;
        if (seq > max_seq) max_seq = seq;
        count++;
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    fclose(acks);
    ck_assert_uint_eq(count, KILL_ACKS);
    ck_assert(WIFSIGNALED(status));

    wt_options o;
    wt_options_default(&o);
    wt_db *db = open_ok(&o, dir);
    uint64_t last = wt_db_last_sequence(db);
    ck_assert_uint_ge(last, max_seq); /* every acknowledged write is back */
    char key[32];
    wt_buf v;
    wt_buf_init(&v);
    uint64_t present = 0;
    for (t = 0; t < KILL_THREADS; t++) {
        bool gap = false;
        for (i = 0; i < max_acked[t] + 10000; i++) {
            snprintf(key, sizeof key, "t%u-%06u", t, i);
            bool here = wt_db_get(db, wt_slice_str(key), &v) == WT_OK;
            if (i < max_acked[t]) ck_assert_msg(here, "acknowledged %s lost", key);
            ck_assert_msg(!(here && gap), "%s present after a missing write", key);
            gap = gap || !here;
            present += here;
        }
    }
    /* One key per sequence: a prefix of the WAL order has exactly `last`. */
    ck_assert_uint_eq(present, last);
    wt_buf_free(&v);
    close_ok(db);
    harness_cleanup_dir(dir);
    free(dir);
}

START_TEST(recovers_after_kill)
{
    if (harness_is_sim()) return; /* the sim crashes simfs instead */
    harness_run(kill_body, NULL);
}
END_TEST

static Suite *db_suite(void)
{
    Suite *s = suite_create("db");
    TCase *modes_tc = tcase_create("modes");
    tcase_set_timeout(modes_tc, 600);
    tcase_add_loop_test(modes_tc, many_writers_every_mode, 0, MODE_COUNT);
    tcase_add_test(modes_tc, rejected_option_combinations);
    tcase_add_test(modes_tc, deletes_and_reopen);
    suite_add_tcase(s, modes_tc);
    TCase *rec = tcase_create("recovery");
    tcase_set_timeout(rec, 120);
    tcase_add_loop_test(rec, mid_file_corruption_each_mode, 0, 4);
    tcase_add_loop_test(rec, torn_tail_each_mode, 0, 4);
    tcase_add_test(rec, recovers_after_kill);
    suite_add_tcase(s, rec);
    return s;
}

int main(void) { return wt_run_suite(db_suite()); }
