/*
 * rocks_fill.cc — RocksDB's side of a comparison db_bench 7.8.3 cannot
 * make: fillrandom against librocksdb with every write-mode field set by
 * hand, two_write_queues among them (db_bench has no flag for it).
 *
 *     rocks_fill [--threads N] [--num N] [--sync]
 *                [--mode default|serial|pipelined|unordered|two-queues]
 *                [--key-size 16] [--value-size 100] [--seed N]
 *                [--adaptive-yield 0|1] [--db DIR]
 *
 * It does what wtbench (wtbench.c) does, on RocksDB: each of N threads
 * writes --num single-Put batches (one reused WriteBatch per thread) of a
 * random key from [0, num) formatted as a 16-byte zero-padded decimal and a
 * value of --value-size bytes, with WriteOptions.sync as given; the wall
 * time runs from the first thread's start (they are released at once)
 * to the moment the last one finishes, as the threads note them; every write is timed into a per-thread
 * latency_hist.h histogram.  The DB options are RocksDB's defaults plus
 * what bench/vs_db_bench.sh gives db_bench: create_if_missing, no
 * compression, no automatic compactions, statistics on (for the group
 * size: (write.self + write.other) / write.self), and the mode's fields:
 *
 *   mode        enable_pipelined_write  allow_concurrent_memtable_write
 *               unordered_write  two_write_queues
 *   default     false  true   false  false
 *   serial      false  false  false  false
 *   pipelined   true   true   false  false
 *   unordered   false  true   true   false
 *   two-queues  false  true   false  true
 *
 * With two_write_queues RocksDB keeps a second queue for writes that skip
 * the memtable (WAL-only writes, as WritePrepared transactions make);
 * these writes all go to the memtable, so they use the first queue, as
 * wtbench --mode two-queues' writes do in wtlab's engine.
 * --adaptive-yield 0 sets enable_write_thread_adaptive_yield = false (as
 * db_bench's flag of that name).
 *
 * Not like with like with sync in this mode: RocksDB 7.8.3's
 * two_write_queues path appends the group to the WAL, inserts into the
 * memtable and only then syncs the WAL (SyncWAL, "expected to be very
 * rare" in db_impl_write.cc), where wtlab's engine, like RocksDB's later
 * versions, syncs before the memtable insert.  Without sync the two paths
 * are the same (an append under the log mutex with an atomic sequence).
 *
 * It prints one line in wtbench's format, so bench/vs_db_bench.sh reads
 * both with one parser:
 *     rocks_fill: mode=two-queues threads=16 sync=0 ops=300000 secs=..
 *                 ops_per_sec=.. micros_per_op=.. mean_group=..
 *                 p50_us=.. p99_us=.. p999_us=.. max_us=..
 *                 cpu_secs=.. cpu_secs_per_mwrite=.. last_sequence=.. wal_syncs=..
 * (last_sequence: the DB's after the run, one per Put; wal_syncs: the
 * statistics' WAL syncs.)
 *
 * Built only when librocksdb-dev (pkg-config rocksdb) and a C++ compiler
 * are installed (bench/meson.build); not a test and never a dependency of
 * the engine.  Exit status: 0 ok, 1 the open or a write failed, 2 usage.
 */
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/statistics.h>
#include <rocksdb/write_batch.h>

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "fill_keys.h"
#include "latency_hist.h"

namespace {

struct Config {
    unsigned threads = 1;
    uint64_t num = 100000;
    unsigned key_size = 16, value_size = 100;
    uint64_t seed = 1;
    bool sync = false, adaptive_yield = true;
    std::string mode = "default", db;
};

struct Worker {
    const Config *cfg = nullptr;
    rocksdb::DB *db = nullptr;
    unsigned index = 0;
    pthread_barrier_t *start = nullptr;
    bool failed = false;
    std::string error;
    uint64_t started_ns = 0, finished_ns = 0; /* after the start barrier; after its last write */
    latency_hist hist;
};

uint64_t now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

void *worker_main(void *arg)
{
    Worker *w = static_cast<Worker *>(arg);
    const Config &cfg = *w->cfg;
    uint64_t rng = fill_seed(cfg.seed, w->index);
    char key[64];
    std::string value(cfg.value_size, 'a');
    for (unsigned i = 0; i < cfg.value_size; i++)
        value[i] = static_cast<char>('a' + fill_next_random(&rng) % 26);
    rocksdb::WriteOptions wo;
    wo.sync = cfg.sync;
    rocksdb::WriteBatch batch;
    pthread_barrier_wait(w->start);
    w->started_ns = now_ns();
    for (uint64_t i = 0; i < cfg.num; i++) {
        uint64_t k = fill_next_random(&rng) % cfg.num;
        fill_format_key(key, cfg.key_size, k);
        batch.Clear();
        rocksdb::Status s = batch.Put(rocksdb::Slice(key, cfg.key_size), value);
        uint64_t t0 = now_ns();
        if (s.ok()) s = w->db->Write(wo, &batch);
        hist_add(&w->hist, now_ns() - t0);
        if (!s.ok()) {
            w->failed = true;
            w->error = s.ToString();
            break;
        }
    }
    w->finished_ns = now_ns();
    return nullptr;
}

int usage(FILE *out, int rc)
{
    std::fprintf(out,
                 "usage: rocks_fill [--threads N] [--num N] [--sync]\n"
                 "                  [--mode default|serial|pipelined|unordered|two-queues]\n"
                 "                  [--key-size N] [--value-size N] [--seed N]\n"
                 "                  [--adaptive-yield 0|1] [--db DIR]\n"
                 "fillrandom against librocksdb, like wtbench: each thread writes --num one-Put\n"
                 "batches; the mode's four DBOptions fields are set explicitly (two-queues:\n"
                 "two_write_queues, which db_bench 7.8.3 has no flag for).  Defaults: 1 thread,\n"
                 "100000 writes per thread, key 16 bytes, value 100 bytes, mode default, no\n"
                 "sync; DB in a new directory under $TMPDIR (removed at the end).\n"
                 "exit status: 0 ok, 1 the open or a write failed, 2 usage\n");
    return rc;
}

bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || *s == '-') return false;
    *out = v;
    return true;
}

/* 0, or the exit status (-1: --help, printed). */
int parse_args(int argc, char **argv, Config *cfg)
{
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        bool has_value = i + 1 < argc;
        uint64_t v = 0;
        if (a == "--help" || a == "-h") return usage(stdout, 0), -1;
        if (a == "--sync") {
            cfg->sync = true;
        } else if (a == "--mode" && has_value) {
            cfg->mode = argv[++i];
        } else if (a == "--db" && has_value) {
            cfg->db = argv[++i];
        } else if (has_value && parse_u64(argv[i + 1], &v) &&
                   (a == "--threads" || a == "--num" || a == "--key-size" ||
                    a == "--value-size" || a == "--seed" || a == "--adaptive-yield")) {
            i++;
            if (a == "--threads") cfg->threads = static_cast<unsigned>(v > 1024 ? 0 : v);
            if (a == "--num") cfg->num = v;
            if (a == "--key-size") cfg->key_size = static_cast<unsigned>(v > 64 ? 0 : v);
            if (a == "--value-size") cfg->value_size = static_cast<unsigned>(v > (1u << 20) ? ~0u : v);
            if (a == "--seed") cfg->seed = v;
            if (a == "--adaptive-yield") {
                if (v > 1) {
                    std::fprintf(stderr, "rocks_fill: --adaptive-yield takes 0 or 1\n");
                    return usage(stderr, 2);
                }
                cfg->adaptive_yield = v == 1;
            }
        } else {
            std::fprintf(stderr, "rocks_fill: bad argument '%s'\n", argv[i]);
            return usage(stderr, 2);
        }
    }
    if (cfg->threads == 0 || cfg->threads > 256 || cfg->num == 0 || cfg->key_size < 8 ||
        cfg->key_size > 32 || cfg->value_size > (1u << 20)) {
        std::fprintf(stderr, "rocks_fill: threads 1..256, num > 0, key size 8..32, value size <= 1 MiB\n");
        return 2;
    }
    return 0;
}

/* The mode's four fields; false for an unknown mode. */
bool mode_options(const std::string &mode, rocksdb::Options *o)
{
    o->enable_pipelined_write = mode == "pipelined";
    o->allow_concurrent_memtable_write = mode != "serial";
    o->unordered_write = mode == "unordered";
    o->two_write_queues = mode == "two-queues";
    return mode == "default" || mode == "serial" || mode == "pipelined" || mode == "unordered" ||
           mode == "two-queues";
}

double cpu_seconds()
{
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string make_db_dir(const std::string &given, bool *remove)
{
    *remove = given.empty();
    if (!given.empty()) return given;
    const char *tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/rocks_fill.XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) return std::string();
    return std::string(buf.data());
}

}  // namespace

int main(int argc, char **argv)
{
    Config cfg;
    int rc = parse_args(argc, argv, &cfg);
    if (rc != 0) return rc < 0 ? 0 : rc;
    rocksdb::Options options;
    if (!mode_options(cfg.mode, &options)) {
        std::fprintf(stderr, "rocks_fill: unknown mode '%s'\n", cfg.mode.c_str());
        return usage(stderr, 2);
    }
    options.create_if_missing = true;
    options.compression = rocksdb::kNoCompression;
    options.disable_auto_compactions = true;
    options.enable_write_thread_adaptive_yield = cfg.adaptive_yield;
    options.statistics = rocksdb::CreateDBStatistics();
    bool remove = false;
    std::string dir = make_db_dir(cfg.db, &remove);
    if (dir.empty()) {
        std::fprintf(stderr, "rocks_fill: cannot create a directory under $TMPDIR\n");
        return 1;
    }
    rocksdb::DB *db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
    if (!s.ok()) {
        std::fprintf(stderr, "rocks_fill: open %s: %s\n", dir.c_str(), s.ToString().c_str());
        return 1;
    }
    pthread_barrier_t start;
    pthread_barrier_init(&start, nullptr, cfg.threads + 1);
    std::vector<Worker> workers(cfg.threads);
    std::vector<pthread_t> tids(cfg.threads);
    for (unsigned i = 0; i < cfg.threads; i++) {
        workers[i].cfg = &cfg;
        workers[i].db = db;
        workers[i].index = i;
        workers[i].start = &start;
        hist_clear(&workers[i].hist);
        if (pthread_create(&tids[i], nullptr, worker_main, &workers[i]) != 0) {
            std::fprintf(stderr, "rocks_fill: cannot start thread %u\n", i + 1);
            std::exit(1);
        }
    }
    /* As wtbench: the CPU from before the release, the wall time from
     * the first worker's start to the last one's end, as they note them. */
    double cpu0 = cpu_seconds();
    pthread_barrier_wait(&start);
    uint64_t t0 = 0, t1 = 0;
    for (unsigned i = 0; i < cfg.threads; i++) {
        pthread_join(tids[i], nullptr);
        if (i == 0 || workers[i].started_ns < t0) t0 = workers[i].started_ns;
        if (workers[i].finished_ns > t1) t1 = workers[i].finished_ns;
    }
    double secs = static_cast<double>(t1 - t0) / 1e9;
    double cpu = cpu_seconds() - cpu0;
    pthread_barrier_destroy(&start);
    latency_hist all;
    hist_clear(&all);
    bool failed = false;
    for (const Worker &w : workers) {
        hist_merge(&all, &w.hist);
        if (w.failed) {
            std::fprintf(stderr, "rocks_fill: thread %u: write failed: %s\n", w.index + 1,
                         w.error.c_str());
            failed = true;
        }
    }
    uint64_t self = options.statistics->getTickerCount(rocksdb::WRITE_DONE_BY_SELF);
    uint64_t other = options.statistics->getTickerCount(rocksdb::WRITE_DONE_BY_OTHER);
    uint64_t wal_syncs = options.statistics->getTickerCount(rocksdb::WAL_FILE_SYNCED);
    uint64_t last_sequence = db->GetLatestSequenceNumber();
    delete db;
    if (remove) rocksdb::DestroyDB(dir, rocksdb::Options()), rmdir(dir.c_str());
    if (failed) return 1;
    uint64_t ops = all.count;
    std::printf("rocks_fill: mode=%s threads=%u sync=%d ops=%" PRIu64 " secs=%.3f "
                "ops_per_sec=%.0f micros_per_op=%.3f mean_group=%.2f "
                "p50_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f "
                "cpu_secs=%.3f cpu_secs_per_mwrite=%.2f last_sequence=%" PRIu64
                " wal_syncs=%" PRIu64 "\n",
                cfg.mode.c_str(), cfg.threads, cfg.sync ? 1 : 0, ops, secs,
                secs > 0 ? static_cast<double>(ops) / secs : 0.0,
                ops ? secs * 1e6 / static_cast<double>(ops) : 0.0,
                self ? static_cast<double>(self + other) / static_cast<double>(self) : 0.0,
                static_cast<double>(hist_quantile(&all, 0.50)) / 1e3,
                static_cast<double>(hist_quantile(&all, 0.99)) / 1e3,
                static_cast<double>(hist_quantile(&all, 0.999)) / 1e3,
                static_cast<double>(all.max_ns) / 1e3, cpu,
                ops ? cpu * 1e6 / static_cast<double>(ops) : 0.0, last_sequence, wal_syncs);
    return 0;
}
