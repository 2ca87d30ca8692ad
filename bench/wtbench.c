/*
 * wtbench.c — write throughput of the pthreads engine, measured the way
 * RocksDB's `db_bench --benchmarks=fillrandom` measures its own, so the two
 * can be run side by side (bench/vs_db_bench.sh).
 *
 *     wtbench [--threads N] [--num N] [--sync] [--disable-wal] [--sync-group-fill]
 *             [--breakdown] [--fsync-bound] [--leader-inserts-parked]
 *             [--strict-yield-credit] [--park-behind-parked] [--leader-takes-parked]
 *             [--mode default|serial|pipelined|unordered|two-queues]
 *             [--key-size 16] [--value-size 100] [--seed N] [--db DIR]
 *             [--trace FILE] [--max-yield-usec N] [--slow-yield-usec N]
 *
 * What it does, as db_bench's fillrandom does: each of N threads writes
 * --num single-Put batches (one reused WriteBatch per thread) of a random
 * key from [0, num) formatted as a 16-byte zero-padded decimal and a
 * value of --value-size bytes, with WriteOptions sync/disableWAL as given.
 * The wall time is from the first thread's start (they are released at
 * once) to the moment the last one finishes, as the threads note them.
 * (Until 2026-12-06 the main thread read the start after the release:
 * late when it waited for a core, so a run of 16 threads on 2 cores could
 * be timed a little short; a run of a few hundred writes could print 0.)
 *
 * What it prints (one line, machine-readable key=value pairs):
 *     wtbench: mode=default threads=16 sync=1 ops=160000 secs=1.23
 *              ops_per_sec=130081 micros_per_op=7.69 wal_records=10012
 *              mean_group=15.98
 * wal_records counts the WAL records written (one per write group in the
 * default mode: the leader writes the group's merged batch as one record);
 * mean_group is batches per record, read back from the WAL after close.
 * The same line also has cpu_secs (user + system CPU of the process during
 * the timed part, getrusage), cpu_secs_per_mwrite (CPU-seconds per million
 * writes), the write latency percentiles p50_us p99_us p999_us max_us
 * and the context switches per write of the process during the timed part
 * (getrusage), vol_csw_per_write (the thread slept: a park, or with
 * --sync an I/O wait in write or fdatasync) and
 * invol_csw_per_write (preempted, or a sched_yield that gave the CPU
 * away).  The latency percentiles:
 * every write call is timed into a per-thread log-linear histogram
 * (latency_hist.h, buckets within 3 %, allocated before the start), as
 * db_bench --histogram=1 times its own, and a percentile is interpolated
 * inside its bucket, as db_bench does.
 *
 * --breakdown passes a wt_write_stats (write_thread.h) with every write
 * and prints two more lines: per group formed, the mean microseconds in
 * each leader phase (fill wait, forming the group, merging the batch,
 * the WAL append, fsync, memtable, publish, exit and wake-up), and per
 * write the mean latency split into spin / yield / block (AwaitState) and
 * the rest (run).  The clock reads cost some throughput: compare
 * breakdown runs with breakdown runs.  A third line is the tail: the
 * share of writes that parked (a futex wait in AwaitState), their
 * p50/p99, and what share of the slowest 1 % of all writes they are.
 *
 * --max-yield-usec N and --slow-yield-usec N set the write thread's
 * adaptive yield (write_thread_max_yield_usec, 100, and
 * write_thread_slow_yield_usec, 3), as db_bench's flags of those names.
 *
 * --fsync-bound measures, on a scratch file in the DB directory, the
 * median of 50 appends of one group-sized record (all N writers' batches)
 * each followed by fdatasync, before and after the timed part, and prints
 *     fsync_bound: group_bytes=.. fsync_us=.. bound_ops_per_sec=..
 *                  achieved=.. group_cycle_us=.. cycle_over_fsync=..
 * bound = N writers / fsync time (every group holds everyone and costs
 * one fsync); achieved = ops_per_sec / bound; group_cycle_us = wall time
 * / WAL records.  Meaningful with --sync.  With --breakdown too, a second
 * line relates the cycle to the mean fsync of the run itself
 * (in_run_fsync_us, cycle_over_in_run_fsync): on a shared machine the
 * device's latency drifts between the measurements and the run.
 *
 * --leader-inserts-parked turns on the wtlab option
 * leader_inserts_parked_group (db.h; db.c, collect_group, and for
 * --mode pipelined the memtable group's leader, pipelined_parallel_group).
 * --strict-yield-credit turns on the wtlab option strict_yield_credit
 * (db.h; write_thread_wait.c, "Strict yield credit").
 * --park-behind-parked turns on the wtlab option join_park_behind_parked
 * (db.h; write_thread_wait.c, "Park behind parked").
 * --leader-takes-parked turns on the wtlab option leader_takes_parked_group
 * (db.h; db.c, "Taking a parked leader's group"); with --breakdown a line
 * "breakdown: taken:" gives the groups led for a parked next leader.
 * --max-active-writers N sets the wtlab option max_active_writers and
 * --gate-handoff K its active_writer_handoff (db.h; write_gate.c); with
 * --breakdown a line "breakdown: gate:" gives the writes that waited there.
 *
 * --sync-group-fill turns on the wtlab extension of that name (db.h;
 * write_thread.c, "Sync group fill"), off by default as in RocksDB.
 * --sync-prewake USEC sets the wtlab extension sync_prewake_usec (db.h;
 * write_thread_prewake.c), 0 (off) by default.
 * --sync-overlap-insert turns on the wtlab extension sync_overlap_insert
 * (db.h; write_thread_prewake.c, "Inserts during the fsync"): with
 * --sync-prewake and a leader that inserts the group itself (serial mode
 * or --leader-inserts-parked), a pre-woken writer inserts the group while
 * the fsync runs; --breakdown then prints overlap_groups (the share of
 * groups whose inserts ran so).
 *
 * --trace FILE records every engine event as a real trace
 * (traces/README.md; the worker threads are w1..wN), from before the open
 * to after the close; the file is written after the timed part.  The
 * output line is the same with and without it, so the two can be compared.
 *
 * The DB directory is created under $TMPDIR (or --db) and removed at the
 * end.  Exit status: 0 ok, 1 a write, the read-back or writing the trace
 * failed, 2 usage (or the trace file cannot be created).
 */
#include "db.h"
#include "fill_keys.h"
#include "latency_hist.h"
#include "filename.h"
#include "port_pthread.h"
#include "wal.h"
#include "write_batch.h"
#include "build_id.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { MAX_THREADS = 256 };

typedef struct bench_config {
    unsigned threads;
    uint64_t num;
    unsigned key_size, value_size;
    uint64_t seed;
    const char *mode;
    bool fill;
    bool leader_inserts;  /* --leader-inserts-parked */
    bool overlap_insert;  /* --sync-overlap-insert */
    bool strict_yield;    /* --strict-yield-credit */
    bool park_behind;     /* --park-behind-parked */
    bool take_parked;     /* --leader-takes-parked */
    uint64_t active_writers; /* --max-active-writers (0: off) */
    uint64_t gate_handoff;   /* --gate-handoff (128, the option's default) */
    uint64_t prewake_usec; /* --sync-prewake USEC (0: off) */
    bool breakdown;      /* --breakdown: per-phase and per-wait times */
    bool fsync_bound;    /* --fsync-bound: measure the device in the same run */
    int64_t max_yield_usec, slow_yield_usec; /* -1: the engine's default */
    wt_write_options wo;
} bench_config;

typedef struct bench_thread {
    const bench_config *cfg;
    wt_db *db;
    unsigned index;
    pthread_barrier_t *start;
    wt_status status;
    double started_at, finished_at; /* after the start barrier; after its last write */
    latency_hist *hist;     /* this thread's write latencies */
    latency_hist *parked;   /* --breakdown: those of the writes that parked */
    wt_write_stats stats;   /* --breakdown */
} bench_thread;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *bench_worker(void *arg)
{
    bench_thread *t = arg;
    const bench_config *cfg = t->cfg;
    port_pthread_trace_name_thread("w%u", t->index + 1);
    uint64_t rng = fill_seed(cfg->seed, t->index);
    char key[64];
    char *value = malloc(cfg->value_size ? cfg->value_size : 1);
    if (value == NULL) {
        t->status = WT_NO_SPACE;
        pthread_barrier_wait(t->start);
        t->started_at = t->finished_at = now_seconds(); /* no write: no gap in the timing */
        return NULL;
    }
    for (unsigned i = 0; i < cfg->value_size; i++) value[i] = (char)('a' + (fill_next_random(&rng) % 26));
    wt_write_batch batch;
    wt_batch_init(&batch);
    wt_write_options wo = cfg->wo;
    if (cfg->breakdown) wo.stats = &t->stats;
    pthread_barrier_wait(t->start);
    t->started_at = now_seconds();
    for (uint64_t i = 0; i < cfg->num; i++) {
        uint64_t k = fill_next_random(&rng) % cfg->num;
        fill_format_key(key, cfg->key_size, k);
        wt_batch_clear(&batch);
        wt_batch_put(&batch, wt_slice_make(key, cfg->key_size),
                     wt_slice_make(value, cfg->value_size));
        uint64_t blocks = t->stats.blocks, t0 = now_ns();
        wt_status s = wt_db_write(t->db, &wo, &batch);
        uint64_t dt = now_ns() - t0;
        hist_add(t->hist, dt);
        if (t->stats.blocks != blocks) hist_add(t->parked, dt);
        if (s != WT_OK) {
            t->status = s;
            break;
        }
    }
    t->finished_at = now_seconds();
    wt_batch_destroy(&batch);
    free(value);
    return NULL;
}

/* Counts the records and batches in every NNNNNN.log file of dir. */
static int count_wal(const char *dir, uint64_t *records, uint64_t *batches)
{
    DIR *d = opendir(dir);
    if (d == NULL) return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL && rc == 0) {
        uint64_t number;
        if (!filename_parse_log(e->d_name, &number)) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        port_file *f;
        if (port_file_open(path, PORT_OPEN_READ, &f) != WT_OK) {
            rc = -1;
            break;
        }
        wal_reader *r = wal_reader_create(f, number);
        wt_slice rec;
        uint64_t off;
        wal_problem problem;
        wal_read_result res;
        while ((res = wal_read_record(r, &rec, &off, &problem)) == WAL_READ_RECORD) {
            if (rec.size < 12) {
                rc = -1;
                break;
            }
            const uint8_t *p = rec.data;
            *records += 1;
            *batches += (uint64_t)p[8] | (uint64_t)p[9] << 8 | (uint64_t)p[10] << 16 |
                        (uint64_t)p[11] << 24;
        }
        if (res == WAL_READ_PROBLEM) rc = -1;
        wal_reader_destroy(r);
    }
    closedir(d);
    return rc;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static int usage(FILE *out, int rc)
{
    fprintf(out,
            "usage: wtbench [--threads N] [--num N] [--sync] [--disable-wal] [--sync-group-fill]\n"
            "               [--breakdown] [--fsync-bound] [--leader-inserts-parked]\n"
            "               [--strict-yield-credit] [--park-behind-parked] [--leader-takes-parked]\n"
            "               [--sync-prewake USEC] [--sync-overlap-insert]\n"
            "               [--max-active-writers N] [--gate-handoff K]\n"
            "               [--mode default|serial|pipelined|unordered|two-queues]\n"
            "               [--key-size N] [--value-size N] [--seed N] [--db DIR]\n"
            "               [--max-yield-usec N] [--slow-yield-usec N]\n"
            "               [--trace FILE]\n"
            "fillrandom like db_bench: each thread writes --num one-Put batches.\n"
            "Defaults: 1 thread, 100000 writes per thread, key 16 bytes, value 100 bytes,\n"
            "mode default (concurrent memtable writes on), no sync; DB in $TMPDIR.\n"
            "Prints throughput, CPU-seconds per million writes, latency p50/p99/p99.9/max.\n"
            "--breakdown: per-group phase times and per-write spin/yield/block/run.\n"
            "--fsync-bound: measure a group-sized append+fdatasync; print the bound.\n"
            "--leader-inserts-parked: wtlab option leader_inserts_parked_group (off in RocksDB).\n"
            "--strict-yield-credit: wtlab option strict_yield_credit (off in RocksDB): a yield\n"
            "phase in which a yield gave the CPU away (and the wait went on) counts as a\n"
            "failure for the adaptive yield.\n"
            "--park-behind-parked: wtlab option join_park_behind_parked (off in RocksDB): a\n"
            "joining writer parks at once while another writer of its queue is parked.\n"
            "--leader-takes-parked: wtlab option leader_takes_parked_group (off in RocksDB):\n"
            "a leader whose next leader is parked writes that writer's group itself.\n"
            "--sync-prewake USEC: wtlab option sync_prewake_usec (0, off in RocksDB): sync\n"
            "group members wake USEC us before the leader's fsync is expected to end.\n"
            "--sync-overlap-insert: wtlab option sync_overlap_insert (off in RocksDB): with\n"
            "--sync-prewake, a woken waiting writer inserts a serially inserted sync group\n"
            "while its leader's fsync runs (published only after the sync succeeded).\n"
            "--max-active-writers N: wtlab option max_active_writers (0, off in RocksDB): at\n"
            "most N writes without sync inside the engine at once; the rest wait, parked.\n"
            "--gate-handoff K: wtlab option active_writer_handoff (128): every K exits while\n"
            "writers wait at that gate, the oldest waiter is called to take a slot.\n"
            "--max-yield-usec, --slow-yield-usec: write_thread_max_yield_usec (100) and\n"
            "write_thread_slow_yield_usec (3), as db_bench's flags of those names.\n"
            "--trace FILE: record every engine event as a real trace (threads w1..wN),\n"
            "written after the timed part; view it with `wtlab plot FILE -o chart.png`.\n"
            "--version: the version and build id.\n"
            "exit status: 0 ok, 1 a write, the read-back or the trace failed, 2 usage\n");
    return rc;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') return false;
    *out = v;
    return true;
}

/* Starts recording into path; the header names the command line. */
static int start_trace(const char *path, int argc, char **argv)
{
    char program[4096] = "";
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(program);
        snprintf(program + len, sizeof program - len, "%s%s", i ? " " : "", argv[i]);
    }
    if (port_pthread_trace_start(path, program) != WT_OK) {
        fprintf(stderr, "wtbench: --trace %s: cannot create the file: %s\n", path,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* The command line into cfg; 0, or the exit status to return (usage). */
static int parse_args(int argc, char **argv, bench_config *cfg, const char **db_dir,
                      const char **trace_path)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t v = 0;
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return usage(stdout, 0), -1;
        if (strcmp(a, "--version") == 0) {
            printf("wtbench %s\nbuild %s\n", WTLAB_VERSION, WTLAB_BUILD_ID);
            return -1;
        }
        if (strcmp(a, "--sync") == 0) cfg->wo.sync = true;
        else if (strcmp(a, "--disable-wal") == 0) cfg->wo.disable_wal = true;
        else if (strcmp(a, "--sync-group-fill") == 0) cfg->fill = true;
        else if (strcmp(a, "--breakdown") == 0) cfg->breakdown = true;
        else if (strcmp(a, "--leader-inserts-parked") == 0) cfg->leader_inserts = true;
        else if (strcmp(a, "--sync-overlap-insert") == 0) cfg->overlap_insert = true;
        else if (strcmp(a, "--strict-yield-credit") == 0) cfg->strict_yield = true;
        else if (strcmp(a, "--park-behind-parked") == 0) cfg->park_behind = true;
        else if (strcmp(a, "--leader-takes-parked") == 0) cfg->take_parked = true;
        else if (strcmp(a, "--fsync-bound") == 0) cfg->fsync_bound = true;
        else if (strcmp(a, "--mode") == 0 && has_value) cfg->mode = argv[++i];
        else if (strcmp(a, "--db") == 0 && has_value) *db_dir = argv[++i];
        else if (strcmp(a, "--trace") == 0 && has_value) *trace_path = argv[++i];
        else if (has_value && parse_u64(argv[i + 1], &v) &&
                 (strcmp(a, "--threads") == 0 || strcmp(a, "--num") == 0 ||
                  strcmp(a, "--key-size") == 0 || strcmp(a, "--value-size") == 0 ||
                  strcmp(a, "--seed") == 0 || strcmp(a, "--max-yield-usec") == 0 ||
                  strcmp(a, "--slow-yield-usec") == 0 || strcmp(a, "--sync-prewake") == 0 ||
                  strcmp(a, "--max-active-writers") == 0 || strcmp(a, "--gate-handoff") == 0)) {
            i++;
            if (strcmp(a, "--threads") == 0) cfg->threads = (unsigned)v;
            if (strcmp(a, "--num") == 0) cfg->num = v;
            if (strcmp(a, "--key-size") == 0) cfg->key_size = (unsigned)v;
            if (strcmp(a, "--value-size") == 0) cfg->value_size = (unsigned)v;
            if (strcmp(a, "--seed") == 0) cfg->seed = v;
            if (strcmp(a, "--max-yield-usec") == 0) cfg->max_yield_usec = (int64_t)(v & INT64_MAX);
            if (strcmp(a, "--slow-yield-usec") == 0) cfg->slow_yield_usec = (int64_t)(v & INT64_MAX);
            if (strcmp(a, "--sync-prewake") == 0) cfg->prewake_usec = v;
            if (strcmp(a, "--max-active-writers") == 0) cfg->active_writers = v;
            if (strcmp(a, "--gate-handoff") == 0) cfg->gate_handoff = v;
        } else {
            fprintf(stderr, "wtbench: bad argument '%s'\n", a);
            return usage(stderr, 2);
        }
    }
    if (cfg->threads == 0 || cfg->threads > MAX_THREADS || cfg->num == 0 || cfg->key_size < 8 ||
        cfg->key_size > 32 || cfg->value_size > (1u << 20) || cfg->prewake_usec > 1000000 ||
        cfg->active_writers > 4096 || cfg->gate_handoff == 0 || cfg->gate_handoff > 1000000) {
        fprintf(stderr, "wtbench: threads 1..%d, num > 0, key size 8..32, value size <= 1 MiB,\n"
                "sync prewake <= 1000000 us, max active writers <= 4096, gate hand-off\n"
                "1..1000000\n", MAX_THREADS);
        return 2;
    }
    return 0;
}

/* The DB options of cfg's mode; false for an unknown mode. */
static bool mode_options(const bench_config *cfg, wt_options *o)
{
    wt_options_default(o);
    o->create_if_missing = true;
    o->sync_group_fill = cfg->fill;
    o->leader_inserts_parked_group = cfg->leader_inserts;
    o->sync_overlap_insert = cfg->overlap_insert;
    o->strict_yield_credit = cfg->strict_yield;
    o->join_park_behind_parked = cfg->park_behind;
    o->leader_takes_parked_group = cfg->take_parked;
    o->sync_prewake_usec = cfg->prewake_usec;
    o->max_active_writers = cfg->active_writers;
    o->active_writer_handoff = cfg->gate_handoff;
    if (cfg->max_yield_usec >= 0) o->write_thread_max_yield_usec = (uint64_t)cfg->max_yield_usec;
    if (cfg->slow_yield_usec >= 0) o->write_thread_slow_yield_usec = (uint64_t)cfg->slow_yield_usec;
    if (strcmp(cfg->mode, "default") == 0) return true;
    if (strcmp(cfg->mode, "serial") == 0) o->allow_concurrent_memtable_write = false;
    else if (strcmp(cfg->mode, "pipelined") == 0) o->enable_pipelined_write = true;
    else if (strcmp(cfg->mode, "unordered") == 0) o->unordered_write = true;
    else if (strcmp(cfg->mode, "two-queues") == 0) o->two_write_queues = true;
    else return false;
    return true;
}

/* --db, or a new directory under $TMPDIR (removed at the end). */
static bool make_db_dir(const char *db_dir, char *dir, size_t cap)
{
    if (db_dir != NULL) {
        snprintf(dir, cap, "%s", db_dir);
        return true;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, cap, "%s/wtbench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) != NULL) return true;
    fprintf(stderr, "wtbench: mkdtemp %s: %s\n", dir, strerror(errno));
    return false;
}

/* What the timed part measured. */
typedef struct bench_result {
    double secs;          /* start barrier to the last thread's end */
    double cpu_secs;      /* user + system CPU of the process meanwhile */
    double vol_csw;       /* context switches meanwhile, voluntary (the thread slept:
                             a futex park, a timed park, an I/O wait) ... */
    double invol_csw;     /* ... and involuntary (preempted, or gave the CPU away
                             with sched_yield while still runnable) */
    latency_hist hist;    /* every write's latency */
    latency_hist parked;  /* --breakdown: the writes that parked at least once */
    wt_write_stats stats; /* --breakdown: the threads' sums */
} bench_result;

/* CPU-seconds of the whole process (user + system) and its context
 * switches so far (getrusage: summed over all threads, live or joined). */
static double cpu_seconds(double *vol_csw, double *invol_csw)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *vol_csw = (double)ru.ru_nvcsw;
    *invol_csw = (double)ru.ru_nivcsw;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void add_stats(wt_write_stats *into, const wt_write_stats *s)
{
    into->spin_ns += s->spin_ns;
    into->yield_ns += s->yield_ns;
    into->block_ns += s->block_ns;
    into->blocks += s->blocks;
    into->groups += s->groups;
    into->members += s->members;
    into->fill_wait_ns += s->fill_wait_ns;
    into->enter_ns += s->enter_ns;
    into->merge_ns += s->merge_ns;
    into->wal_ns += s->wal_ns;
    into->sync_ns += s->sync_ns;
    into->memtable_ns += s->memtable_ns;
    into->publish_ns += s->publish_ns;
    into->exit_ns += s->exit_ns;
    into->exits += s->exits;
    into->prewake_parks += s->prewake_parks;
    into->prewake_fallbacks += s->prewake_fallbacks;
    into->overlap_led += s->overlap_led;
    into->overlap_ran += s->overlap_ran;
    into->prewake_overslept += s->prewake_overslept;
    into->groups_taken += s->groups_taken;
    into->gate_waits += s->gate_waits;
}

/* The timed part: every thread writes its share.  0, or 1 when a write
 * failed.  The histograms are allocated before the start, never during. */
static int run_threads(bench_config *cfg, wt_db *db, bench_result *res)
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, cfg->threads + 1);
    static bench_thread th[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    for (unsigned i = 0; i < cfg->threads; i++) {
        th[i] = (bench_thread){.cfg = cfg, .db = db, .index = i, .start = &start, .status = WT_OK,
                               .hist = calloc(1, sizeof(latency_hist)),
                               .parked = calloc(1, sizeof(latency_hist))};
        if (th[i].hist == NULL || th[i].parked == NULL || pthread_create(&tid[i], NULL, bench_worker, &th[i]) != 0) {
            fprintf(stderr, "wtbench: cannot create thread %u\n", i);
            exit(1); /* the started threads wait at the barrier forever */
        }
    }
    /* The CPU and the context switches from before the release (the
     * workers wait at the barrier), the wall time from the first worker's
     * start to the last one's end as each worker notes them: the main
     * thread may get a core back only after the workers have run for a
     * while (16 threads on 2 cores). */
    double vol0, invol0, vol1, invol1;
    double cpu0 = cpu_seconds(&vol0, &invol0);
    pthread_barrier_wait(&start);
    double t0 = 0, t1 = 0;
    int rc = 0;
    for (unsigned i = 0; i < cfg->threads; i++) {
        pthread_join(tid[i], NULL);
        if (i == 0 || th[i].started_at < t0) t0 = th[i].started_at;
        if (th[i].finished_at > t1) t1 = th[i].finished_at;
        if (th[i].status != WT_OK) {
            fprintf(stderr, "wtbench: thread %u: write failed: %s\n", i,
                    wt_status_name(th[i].status));
            rc = 1;
        }
    }
    res->cpu_secs = cpu_seconds(&vol1, &invol1) - cpu0;
    res->vol_csw = vol1 - vol0;
    res->invol_csw = invol1 - invol0;
    for (unsigned i = 0; i < cfg->threads; i++) {
        hist_merge(&res->hist, th[i].hist);
        hist_merge(&res->parked, th[i].parked);
        add_stats(&res->stats, &th[i].stats);
        free(th[i].hist);
        free(th[i].parked);
    }
    pthread_barrier_destroy(&start);
    res->secs = t1 - t0;
    return rc;
}

/* Of all writes slower than h's q-quantile, the share (%) that is in
 * `part` (a sub-histogram of h). */
static double share_above(const latency_hist *part, const latency_hist *h, double q)
{
    uint64_t below, in_part = 0, all = 0;
    unsigned cut = hist_quantile_bucket(h, q, &below);
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        if (cut < HIST_BUCKETS && i <= cut) continue;
        in_part += part->bucket[i];
        all += h->bucket[i];
    }
    return all ? 100.0 * (double)in_part / (double)all : 0.0;
}

/* Reads the WAL back, checks the counts and prints the result line. */
static int report(const bench_config *cfg, const char *db_dir, uint64_t last_seq,
                  const uint64_t fill[2], const bench_result *res, uint64_t *records_out, int rc)
{
    uint64_t ops = cfg->num * cfg->threads;
    uint64_t records = 0, batches = 0;
    if (!cfg->wo.disable_wal && count_wal(db_dir, &records, &batches) != 0) {
        fprintf(stderr, "wtbench: reading the WAL back failed\n");
        rc = 1;
    }
    if (rc == 0 && last_seq != ops) {
        fprintf(stderr, "wtbench: last sequence %" PRIu64 " after %" PRIu64 " writes\n",
                last_seq, ops);
        rc = 1;
    }
    if (rc == 0 && !cfg->wo.disable_wal && batches != ops) {
        /* A memtable switch deletes flushed WALs; then the read-back is partial. */
        fprintf(stderr, "wtbench: note: WAL holds %" PRIu64 " of %" PRIu64
                        " batches (older WALs were flushed and deleted)\n", batches, ops);
    }
    double secs = res->secs;
    const latency_hist *h = &res->hist;
    printf("wtbench: mode=%s fill=%d threads=%u sync=%d disable_wal=%d ops=%" PRIu64
           " secs=%.3f ops_per_sec=%.0f micros_per_op=%.3f wal_records=%" PRIu64
           " mean_group=%.2f fill_waits=%" PRIu64 " fill_timeouts=%" PRIu64
           " cpu_secs=%.3f cpu_secs_per_mwrite=%.2f"
           " p50_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f"
           " vol_csw_per_write=%.3f invol_csw_per_write=%.3f\n",
           cfg->mode, cfg->fill, cfg->threads, cfg->wo.sync, cfg->wo.disable_wal, ops, secs,
           secs > 0 ? (double)ops / secs : 0.0, secs * 1e6 / (double)ops, records,
           records ? (double)batches / (double)records : 0.0, fill[0], fill[1],
           res->cpu_secs, res->cpu_secs * 1e6 / (double)ops,
           (double)hist_quantile(h, 0.50) / 1e3, (double)hist_quantile(h, 0.99) / 1e3,
           (double)hist_quantile(h, 0.999) / 1e3, (double)h->max_ns / 1e3,
           res->vol_csw / (double)ops, res->invol_csw / (double)ops);
    *records_out = records;
    return rc;
}

/* --breakdown: where the time went, per group (sums over the threads
 * divided by the groups formed) and per write (waits, and the rest: run). */
static void print_breakdown(const bench_config *cfg, const bench_result *res)
{
    const wt_write_stats *s = &res->stats;
    double g = s->groups ? (double)s->groups : 1.0, us = 1e3;
    printf("breakdown: groups=%" PRIu64 " mean_group=%.2f per_group_us: fill_wait=%.2f"
           " enter=%.2f merge=%.2f wal_append=%.2f fsync=%.2f memtable=%.2f publish=%.2f"
           " exit_wake=%.2f\n",
           s->groups, (double)s->members / g, (double)s->fill_wait_ns / g / us,
           (double)s->enter_ns / g / us, (double)s->merge_ns / g / us, (double)s->wal_ns / g / us,
           (double)s->sync_ns / g / us, (double)s->memtable_ns / g / us,
           (double)s->publish_ns / g / us, (double)s->exit_ns / g / us);
    double n = (double)(cfg->num * cfg->threads);
    double wait = (double)(s->spin_ns + s->yield_ns + s->block_ns);
    printf("breakdown: per_write_us: latency=%.2f spin=%.2f yield=%.2f block=%.2f run=%.2f"
           " blocks_per_write=%.3f\n",
           (double)res->hist.sum_ns / n / us, (double)s->spin_ns / n / us,
           (double)s->yield_ns / n / us, (double)s->block_ns / n / us,
           ((double)res->hist.sum_ns - wait) / n / us, (double)s->blocks / n);
    /* The tail: the writes that parked (futex wait) and the rest. */
    const latency_hist *pk = &res->parked;
    printf("breakdown: tail: parked_writes=%.2f%% parked_p50_us=%.2f parked_p99_us=%.2f"
           " share_of_slowest_1%%_parked=%.0f%%\n",
           100.0 * (double)pk->count / n, (double)hist_quantile(pk, 0.50) / us,
           (double)hist_quantile(pk, 0.99) / us, share_above(pk, &res->hist, 0.99));
    if (cfg->prewake_usec > 0)
        printf("breakdown: prewake: timed_parks_per_write=%.3f overslept_per_write=%.3f"
               " fallbacks_per_write=%.3f\n", (double)s->prewake_parks / n,
               (double)s->prewake_overslept / n, (double)s->prewake_fallbacks / n);
    if (cfg->overlap_insert)
        printf("breakdown: overlap: overlap_groups=%.3f (groups whose inserts a waiting writer"
               " ran during the fsync, per group; %llu run)\n",
               s->groups > 0 ? (double)s->overlap_led / (double)s->groups : 0.0,
               (unsigned long long)s->overlap_ran);
    if (cfg->active_writers > 0)
        printf("breakdown: gate: gate_waits_per_write=%.4f (writes that waited at the"
               " max_active_writers gate)\n", (double)s->gate_waits / n);
    if (cfg->take_parked)
        printf("breakdown: taken: taken_groups=%.3f (groups led for a parked next leader, per"
               " group; %llu)\n",
               s->groups > 0 ? (double)s->groups_taken / (double)s->groups : 0.0,
               (unsigned long long)s->groups_taken);
    if (strcmp(cfg->mode, "default") != 0 && strcmp(cfg->mode, "serial") != 0)
        printf("breakdown: note: mode %s times only the waits, the group count, fill wait,"
               " merge/append/fsync where its path shares them (not memtable/publish/exit)\n",
               cfg->mode);
}

enum { FSYNC_SAMPLES = 50 };

/* The WAL record of a group of all N writers' one-Put batches: the record
 * header (7), the merged batch's header (12), and per Put its type byte,
 * two one-byte length varints, key and value. */
static size_t group_record_bytes(const bench_config *cfg)
{
    return 7 + 12 + (size_t)cfg->threads * (cfg->key_size + cfg->value_size + 3);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* --fsync-bound: the median time of one append of `bytes` plus fdatasync
 * on a fresh file in dir, through the same port calls the WAL uses.
 * Returns 0 (and prints why) when it cannot measure. */
static uint64_t measure_fsync_ns(const char *dir, size_t bytes)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/fsync-bound.tmp", dir);
    port_file *f;
    if (port_file_open(path, PORT_OPEN_CREATE, &f) != WT_OK) {
        fprintf(stderr, "wtbench: --fsync-bound: cannot create %s\n", path);
        return 0;
    }
    char *buf = calloc(1, bytes);
    uint64_t ns[FSYNC_SAMPLES];
    unsigned n = 0;
    for (; buf != NULL && n < FSYNC_SAMPLES; n++) {
        uint64_t t0 = now_ns();
        if (port_file_append(f, buf, bytes) != WT_OK || port_file_sync(f) != WT_OK) break;
        ns[n] = now_ns() - t0;
    }
    free(buf);
    wt_best_effort(port_file_close(f));
    unlink(path);
    if (n < FSYNC_SAMPLES) {
        fprintf(stderr, "wtbench: --fsync-bound: append/sync failed\n");
        return 0;
    }
    qsort(ns, n, sizeof ns[0], compare_u64);
    return ns[n / 2];
}

/* The bound: a group of all N writers per fsync (sync writes only). */
static void print_fsync_bound(const bench_config *cfg, uint64_t before_ns, uint64_t after_ns,
                              const bench_result *res, uint64_t records)
{
    double fsync_us = (double)(before_ns + after_ns) / 2 / 1e3;
    double bound = fsync_us > 0 ? cfg->threads * 1e6 / fsync_us : 0;
    double ops = res->secs > 0 ? (double)(cfg->num * cfg->threads) / res->secs : 0;
    double cycle_us = records ? res->secs * 1e6 / (double)records : 0;
    /* With --breakdown: the fsyncs of the run itself, at the same moment
     * as the cycles (the device's latency drifts on a shared machine). */
    const wt_write_stats *st = &res->stats;
    if (cfg->breakdown && st->groups > 0 && st->sync_ns > 0) {
        double run_fsync_us = (double)st->sync_ns / (double)st->groups / 1e3;
        printf("fsync_bound: in_run_fsync_us=%.1f in_run_bound_ops_per_sec=%.0f"
               " in_run_achieved=%.3f cycle_over_in_run_fsync=%.2f\n",
               run_fsync_us, cfg->threads * 1e6 / run_fsync_us,
               ops / (cfg->threads * 1e6 / run_fsync_us), cycle_us / run_fsync_us);
    }
    printf("fsync_bound: group_bytes=%zu fsync_us_before=%.1f fsync_us_after=%.1f fsync_us=%.1f"
           " bound_ops_per_sec=%.0f achieved=%.3f group_cycle_us=%.1f cycle_over_fsync=%.2f\n",
           group_record_bytes(cfg), (double)before_ns / 1e3,
           (double)after_ns / 1e3, fsync_us, bound, bound > 0 ? ops / bound : 0.0, cycle_us,
           fsync_us > 0 ? cycle_us / fsync_us : 0.0);
}

int main(int argc, char **argv)
{
    bench_config cfg = {.threads = 1, .num = 100000, .key_size = 16, .value_size = 100,
                        .max_yield_usec = -1, .slow_yield_usec = -1, .gate_handoff = 128,
                        .seed = 1, .mode = "default"};
    const char *db_dir = NULL, *trace_path = NULL;
    int rc = parse_args(argc, argv, &cfg, &db_dir, &trace_path);
    if (rc != 0) return rc < 0 ? 0 : rc;
    wt_options o;
    if (!mode_options(&cfg, &o)) {
        fprintf(stderr, "wtbench: unknown mode '%s'\n", cfg.mode);
        return usage(stderr, 2);
    }
    if (trace_path != NULL && start_trace(trace_path, argc, argv) != 0) return 2;
    char dir[4096];
    if (!make_db_dir(db_dir, dir, sizeof dir)) return 1;
    wt_db *db;
    wt_status s = wt_db_open(&o, dir, &db, NULL);
    if (s != WT_OK) {
        fprintf(stderr, "wtbench: open %s: %s\n", dir, wt_status_name(s));
        remove_dir(dir);
        if (trace_path != NULL) wt_best_effort(port_pthread_trace_stop());
        return 1;
    }
    size_t group_bytes = group_record_bytes(&cfg);
    uint64_t fsync_before = cfg.fsync_bound ? measure_fsync_ns(dir, group_bytes) : 0;
    static bench_result res;
    rc = run_threads(&cfg, db, &res);
    uint64_t fsync_after = cfg.fsync_bound ? measure_fsync_ns(dir, group_bytes) : 0;
    uint64_t last_seq = wt_db_last_sequence(db);
    const write_thread *wtq = wt_db_write_thread(db);
    const uint64_t fill[2] = {wtq->fill_waits, wtq->fill_timeouts};
    if ((s = wt_db_close(db)) != WT_OK) {
        fprintf(stderr, "wtbench: close: %s\n", wt_status_name(s));
        rc = 1;
    }
    if (trace_path != NULL && (s = port_pthread_trace_stop()) != WT_OK) {
        fprintf(stderr, "wtbench: --trace %s: writing the trace failed: %s\n", trace_path,
                wt_status_name(s));
        rc = 1;
    }
    uint64_t records = 0;
    rc = report(&cfg, dir, last_seq, fill, &res, &records, rc);
    if (cfg.breakdown) print_breakdown(&cfg, &res);
    if (cfg.fsync_bound) {
        if (fsync_before == 0 || fsync_after == 0) rc = 1;
        else print_fsync_bound(&cfg, fsync_before, fsync_after, &res, records);
    }
    remove_dir(dir);
    return rc;
}
