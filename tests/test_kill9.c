/*
 * test_kill9.c — real kill -9 of a writing process, in every write mode
 * (pthreads build only; issue 22).
 *
 * Goal: an acknowledged sync write survives SIGKILL at any moment, and
 * what recovery brings back has no holes: for each writer thread, whose
 * writes are sequential (write i+1 starts after write i is acknowledged),
 * the recovered keys are exactly writes 0..P with P >= the last one
 * acknowledged.
 *
 * Method: per write mode, rounds on one DB.  Each round forks a child
 * that opens the DB (recovering the previous rounds), starts THREADS
 * threads of sync puts "rRR-tTT-IIIIIIII" and reports each acknowledged
 * write on a pipe ("R T I\n", one write(2), atomic below PIPE_BUF) — with
 * a 64 KiB write buffer, so memtable switches and flushes are in flight.
 * The parent reads the pipe until a random moment (5..150 ms after the
 * first acknowledgement), sends SIGKILL, drains the pipe, then opens the
 * DB read-only and checks every round so far.  The child's LOCK dies
 * with it, so the next round opens the same directory.
 *
 * Bounded for meson test (3 rounds per mode); WTLAB_KILL9_ROUNDS=N runs N
 * rounds per mode and prints the totals (e.g. WTLAB_KILL9_ROUNDS=100
 * CK_DEFAULT_TIMEOUT=0 build/tests/test_kill9).
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "db.h"
#include "harness.h"

enum { THREADS = 6, ROUNDS_MAX = 1000, WRITES_MAX = 1 << 20, KILL_MS_MIN = 5, KILL_MS_SPAN = 145 };

typedef struct mode_case {
    const char *name;
    bool concurrent, pipelined, unordered, two_queues;
} mode_case;

static const mode_case modes[] = {
    {"default (parallel memtable)", true, false, false, false},
    {"serial memtable", false, false, false, false},
    {"pipelined", true, true, false, false},
    {"unordered", true, false, true, false},
    {"two write queues", true, false, false, true},
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
    o.write_buffer_size = 64 * 1024;
    o.max_write_buffer_number = 2;
    return o;
}

static unsigned rounds_per_mode(void)
{
    const char *v = getenv("WTLAB_KILL9_ROUNDS");
    long n = v != NULL ? atol(v) : 0;
    return n > 0 && n <= ROUNDS_MAX ? (unsigned)n : 3;
}

/* ---------------------------------------------------------------- child */

typedef struct child_job {
    wt_db *db;
    unsigned round, thread;
    int ack_fd;
} child_job;

static void child_writer(void *arg)
{
    const child_job *j = arg;
    char key[40], value[80], ack[40];
    wt_write_options wo = {.sync = true};
    for (unsigned i = 0; i < WRITES_MAX; i++) {
        snprintf(key, sizeof key, "r%02u-t%02u-%08u", j->round, j->thread, i);
        snprintf(value, sizeof value, "value-%u-%u-%u-%032u", j->round, j->thread, i, i);
        if (wt_db_put(j->db, &wo, wt_slice_str(key), wt_slice_str(value)) != WT_OK) _exit(3);
        int n = snprintf(ack, sizeof ack, "%u %u %u\n", j->round, j->thread, i);
        if (write(j->ack_fd, ack, (size_t)n) != n) _exit(4);
    }
}

/* Runs in the forked child until killed; never returns. */
static void child_main(const char *dir, const mode_case *m, unsigned round, int ack_fd)
{
    wt_options o = mode_options(m);
    wt_db *db;
    if (wt_db_open(&o, dir, &db, NULL) != WT_OK) _exit(2);
    child_job jobs[THREADS];
    port_thread *threads[THREADS];
    for (unsigned t = 0; t < THREADS; t++) {
        jobs[t] = (child_job){db, round, t, ack_fd};
        if (port_thread_create(&threads[t], "kill9-writer", child_writer, &jobs[t]) != WT_OK) _exit(5);
    }
    for (unsigned t = 0; t < THREADS; t++) port_thread_join(threads[t]);
    _exit(6); /* WRITES_MAX reached: the parent should have killed us long before */
}

/* --------------------------------------------------------------- parent */

typedef struct acks {
    long last[ROUNDS_MAX][THREADS]; /* last acknowledged index, -1: none */
    char partial[64];
    size_t partial_len;
    uint64_t count;
} acks;

static void acks_line(acks *a, const char *line)
{
    unsigned r, t, i;
    ck_assert_msg(sscanf(line, "%u %u %u", &r, &t, &i) == 3, "bad ack line '%s'", line);
    ck_assert_uint_lt(r, ROUNDS_MAX);
    ck_assert_uint_lt(t, THREADS);
    ck_assert_msg((long)i == a->last[r][t] + 1, "acks out of order: round %u thread %u: %u after %ld",
                  r, t, i, a->last[r][t]);
    a->last[r][t] = i;
    a->count++;
}

/* Reads what is available on fd; false at end of file. */
static bool acks_read(acks *a, int fd)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return true;
    ck_assert_msg(n >= 0, "read acks: %s", strerror(errno));
    for (ssize_t k = 0; k < n; k++) {
        if (buf[k] != '\n') {
            ck_assert_uint_lt(a->partial_len, sizeof a->partial - 1);
            a->partial[a->partial_len++] = buf[k];
            continue;
        }
        a->partial[a->partial_len] = '\0';
        acks_line(a, a->partial);
        a->partial_len = 0;
    }
    return n > 0;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One round: fork the writer, kill it at a random moment, collect acks. */
static void run_round(const char *dir, const mode_case *m, unsigned round, acks *a,
                      unsigned *seed)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        child_main(dir, m, round, fds[1]);
    }
    close(fds[1]);
    uint64_t before = a->count, kill_at = 0;
    unsigned delay = KILL_MS_MIN + (unsigned)rand_r(seed) % KILL_MS_SPAN;
    for (bool open = true; open;) {
        uint64_t now = now_ms();
        if (kill_at == 0 && a->count > before) kill_at = now + delay; /* the writers are running */
        if (kill_at != 0 && now >= kill_at) break;
        struct pollfd p = {fds[0], POLLIN, 0};
        int ready = poll(&p, 1, kill_at ? (int)(kill_at - now) : 1000);
        if (ready > 0) open = acks_read(a, fds[0]);
    }
    kill(pid, SIGKILL);
    while (acks_read(a, fds[0])) {
    }
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "%s round %u: the writer exited by itself (status %d) before the kill", m->name,
                  round, status);
}

typedef struct recovered {
    long next[ROUNDS_MAX][THREADS]; /* the index the next key of (round, thread) must have */
    char bad[200];
} recovered;

static bool recovered_entry(wt_slice key, wt_slice value, void *arg)
{
    recovered *rc = arg;
    char k[40];
    snprintf(k, sizeof k, "%.*s", (int)key.size, (const char *)key.data);
    unsigned r, t, i;
    char want[80];
    if (sscanf(k, "r%u-t%u-%u", &r, &t, &i) != 3 || r >= ROUNDS_MAX || t >= THREADS) {
        snprintf(rc->bad, sizeof rc->bad, "a key no writer wrote: '%s'", k);
        return false;
    }
    int n = snprintf(want, sizeof want, "value-%u-%u-%u-%032u", r, t, i, i);
    if ((long)i != rc->next[r][t] || wt_slice_compare(value, wt_slice_make(want, (size_t)n)) != 0) {
        snprintf(rc->bad, sizeof rc->bad, "a hole or a wrong value: '%s' where index %ld was due",
                 k, rc->next[r][t]);
        return false;
    }
    rc->next[r][t]++;
    return true;
}

/* Every acknowledged write of every round so far is back, with no holes. */
static void check_db(const char *dir, const mode_case *m, unsigned rounds, const acks *a,
                     uint64_t *unacked_present)
{
    wt_options o = mode_options(m);
    wt_db *db;
    wt_recovery_report rep;
    wt_status s = wt_db_open_read_only(&o, dir, &db, &rep);
    ck_assert_msg(s == WT_OK, "%s: reopen: %s %s", m->name, wt_status_name(s), rep.detail);
    recovered *rc = calloc(1, sizeof *rc);
    s = wt_db_scan(db, recovered_entry, rc);
    ck_assert_msg(s == WT_OK, "%s: scan: %s", m->name, wt_status_name(s));
    ck_assert_msg(rc->bad[0] == '\0', "%s after round %u: %s", m->name, rounds - 1, rc->bad);
    for (unsigned r = 0; r < rounds; r++)
        for (unsigned t = 0; t < THREADS; t++) {
            ck_assert_msg(rc->next[r][t] > a->last[r][t],
                          "%s: round %u thread %u: acknowledged up to %ld, recovered up to %ld",
                          m->name, r, t, a->last[r][t], rc->next[r][t] - 1);
            if (r == rounds - 1) *unacked_present += (uint64_t)(rc->next[r][t] - 1 - a->last[r][t]);
        }
    free(rc);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
}

START_TEST(acknowledged_writes_survive_kill_9)
{
    const mode_case *m = &modes[_i];
    char *dir = harness_make_dir("kill9");
    acks *a = calloc(1, sizeof *a);
    for (unsigned r = 0; r < ROUNDS_MAX; r++)
        for (unsigned t = 0; t < THREADS; t++) a->last[r][t] = -1;
    unsigned rounds = rounds_per_mode(), seed = 0x9e3779b9u ^ (unsigned)_i ^ (unsigned)getpid();
    uint64_t unacked_present = 0;
    for (unsigned r = 0; r < rounds; r++) {
        run_round(dir, m, r, a, &seed);
        check_db(dir, m, r + 1, a, &unacked_present);
    }
    /* The totals, for the closing note of a long run. */
    fprintf(stderr, "kill9 %-28s rounds %u, acknowledged writes %llu, all recovered; "
                    "unacknowledged but present %llu\n",
            m->name, rounds, (unsigned long long)a->count, (unsigned long long)unacked_present);
    free(a);
    harness_cleanup_dir(dir);
    free(dir);
}
END_TEST

static Suite *kill9_suite(void)
{
    Suite *s = suite_create("pthread");
    TCase *tc = tcase_create("kill9");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, acknowledged_writes_survive_kill_9, 0, MODE_COUNT);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return wt_run_suite(kill9_suite()); }
