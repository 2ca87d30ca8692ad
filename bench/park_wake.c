/*
 * park_wake.c — the floor under a 16-thread sync group cycle on this
 * machine: how long it takes to wake N-1 parked threads and have every
 * one of them run again, with the engine's own park/unpark (port.h: a
 * futex per writer's state word, engine/port_pthread.c).
 *
 *     park_wake [--threads N] [--rounds R] [--fsync-us F] [--work-us W]
 *               [--tree | --prewake LEAD]
 *
 * One thread plays a group leader, N-1 play its members.  Each round:
 * every member announces itself (an atomic counter) and parks on its own
 * word, as a writer parks in AwaitState; the leader waits until all have
 * announced, sleeps F microseconds (the fsync; a member that announced is
 * parked by then), then wakes them and waits until every member has run
 * again: woken, W microseconds of CPU (returning from its write and
 * joining the next one), announced.  That moment is when the next group
 * could hold all N writers.  The leader wakes the members one futex wake
 * after another (as wt_exit_as_batch_group_leader does), or with --tree
 * wakes two and each woken member wakes two more (member i wakes 2i+1 and
 * 2i+2), so the wake-ups are issued from more than one core.
 *
 * --prewake LEAD: the floor of the sync pre-wake instead
 * (write_thread_prewake.c).  The members do not announce their parks:
 * each sleeps with a deadline until LEAD microseconds before the "fsync"
 * ends (the leader publishes that time when the fsync begins; before it,
 * a member sleeps for F - LEAD), then yields until released, and the
 * leader releases them with a store each, no futex wake.  back is then
 * the time N-1 threads that are already runnable take to be scheduled,
 * run and go back to sleep, with no engine work at all: any design in
 * which every writer's thread must run once between the fsyncs of two
 * full groups has at least this to do (bench/README.md, "The pre-wake's
 * own floor").
 *
 * Prints, over the rounds (the first 10 are warm-up and not counted):
 *     park_wake: threads=16 rounds=300 wake=serial fsync_us=300 work_us=2
 *                issue_us_p50=.. back_us_p50=.. back_us_p90=..
 *                late_us_p50=.. late_us_p90=..
 *                cycle_floor_us=.. floor_over_fsync=..
 * issue = the leader's time to issue the wake-ups; back = from the first
 * wake-up until the last member announced again; late = how long after
 * its F microseconds the leader's sleep returned (the leader waiting for
 * a CPU, as a leader's fdatasync does once the device is done; not in
 * cycle_floor); cycle_floor = F + back
 * (p50): the shortest group cycle of N writers that all park during the
 * fsync, and floor_over_fsync its ratio to F.  A group cycle of at most
 * 1.1 x fsync needs back <= 0.1 x F.  Not a test: nothing is asserted.
 * Exit 0, or 2 on bad arguments.
 */
#include "port.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

enum { MAX_THREADS = 256, WARMUP = 10 };

typedef struct member {
    port_atomic_u32 word; /* the round it may run in; parks while older */
    unsigned index;
} member;

static member members[MAX_THREADS];
static port_atomic_u32 announced;
static port_atomic_u32 stop;
static port_atomic_u64 wake_at; /* --prewake: when members should be running */
static unsigned n_members, work_us, lead_us, fsync_us;
static bool tree;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void burn_us(unsigned us)
{
    uint64_t end = now_ns() + (uint64_t)us * 1000u;
    while (now_ns() < end) port_pause();
}

static void wake(unsigned i, uint32_t round)
{
    if (i >= n_members) return;
    port_atomic_store_u32(&members[i].word, round, PORT_RELEASE);
    port_unpark(&members[i].word);
}

static void *member_main(void *arg)
{
    member *m = arg;
    for (uint32_t round = 1;; round++) {
        port_atomic_fetch_add_u32(&announced, 1, PORT_ACQ_REL);
        uint32_t v;
        if (lead_us > 0) {
            /* The pre-wake: sleep (unannounced, no futex wake needed) until
             * the leader's published time, then yield until released.  Before
             * the leader publishes this round's time (the group still forms),
             * sleep for fsync - lead. */
            while ((v = port_atomic_load_u32(&m->word, PORT_ACQUIRE)) < round) {
                uint64_t at = port_atomic_load_u64(&wake_at, PORT_ACQUIRE);
                uint64_t now = now_ns();
                if (at == 0) at = now + (uint64_t)(fsync_us - lead_us) * 1000u;
                if (now < at)
                    port_park_until(&m->word, v, at, "park_wake");
                else
                    port_yield();
            }
        }
        while ((v = port_atomic_load_u32(&m->word, PORT_ACQUIRE)) < round)
            port_park(&m->word, v, "park_wake");
        if (port_atomic_load_u32(&stop, PORT_ACQUIRE)) return NULL;
        if (tree) {
            wake(2 * m->index + 1, round);
            wake(2 * m->index + 2, round);
        }
        burn_us(work_us);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static bool parse_count(const char *s, unsigned long max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v > max) return false;
    *out = (unsigned)v;
    return true;
}

static int usage(void)
{
    fprintf(stderr, "usage: park_wake [--threads N] [--rounds R] [--fsync-us F] [--work-us W] "
                    "[--tree | --prewake LEAD]\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned threads = 16, rounds = 300;
    fsync_us = 300;
    work_us = 2;
    for (int i = 1; i < argc; i++) {
        unsigned *into = NULL;
        unsigned long max = 0;
        if (strcmp(argv[i], "--tree") == 0) {
            tree = true;
            continue;
        } else if (strcmp(argv[i], "--threads") == 0) {
            into = &threads, max = MAX_THREADS;
        } else if (strcmp(argv[i], "--rounds") == 0) {
            into = &rounds, max = 1000000;
        } else if (strcmp(argv[i], "--fsync-us") == 0) {
            into = &fsync_us, max = 1000000;
        } else if (strcmp(argv[i], "--work-us") == 0) {
            into = &work_us, max = 1000000;
        } else if (strcmp(argv[i], "--prewake") == 0) {
            into = &lead_us, max = 1000000;
        } else {
            fprintf(stderr, "park_wake: unknown argument '%s'\n", argv[i]);
            return usage();
        }
        if (i + 1 >= argc || !parse_count(argv[i + 1], max, into)) {
            fprintf(stderr, "park_wake: %s needs a number up to %lu\n", argv[i], max);
            return usage();
        }
        i++;
    }
    if (threads < 2 || rounds == 0 || fsync_us == 0 || lead_us >= fsync_us ||
        (tree && lead_us > 0)) {
        fprintf(stderr, "park_wake: needs --threads >= 2, --rounds >= 1, --fsync-us >= 1, "
                        "--prewake below --fsync-us and not with --tree\n");
        return usage();
    }
    n_members = threads - 1;
    /* The leader's sleep stands for an fsync: no timer slack (Linux's 50 us
     * default would make every "fsync" that much longer). */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    port_atomic_init_u32(&announced, 0);
    port_atomic_init_u32(&stop, 0);
    port_atomic_init_u64(&wake_at, 0);
    pthread_t tid[MAX_THREADS];
    for (unsigned i = 0; i < n_members; i++) {
        members[i].index = i;
        port_atomic_init_u32(&members[i].word, 0);
        if (pthread_create(&tid[i], NULL, member_main, &members[i]) != 0) {
            fprintf(stderr, "park_wake: pthread_create failed\n");
            return 1;
        }
    }
    uint64_t *issue = calloc(rounds, sizeof *issue), *back = calloc(rounds, sizeof *back);
    uint64_t *late = calloc(rounds, sizeof *late);
    if (issue == NULL || back == NULL || late == NULL) return 1;
    struct timespec fsync_ts = {fsync_us / 1000000u, (long)(fsync_us % 1000000u) * 1000};
    for (uint32_t r = 1; r <= rounds + WARMUP; r++) {
        /* All members announced round r; the "fsync" lets them park. */
        while (port_atomic_load_u32(&announced, PORT_ACQUIRE) < r * n_members) sched_yield();
        uint64_t ts = now_ns();
        if (lead_us > 0)
            port_atomic_store_u64(&wake_at, ts + (uint64_t)(fsync_us - lead_us) * 1000u,
                                  PORT_RELEASE);
        nanosleep(&fsync_ts, NULL);
        if (lead_us > 0) port_atomic_store_u64(&wake_at, 0, PORT_RELEASE);
        uint64_t t0 = now_ns();
        if (lead_us > 0) {
            /* Members are running (yielding): a store each, no futex wake. */
            for (unsigned i = 0; i < n_members; i++)
                port_atomic_store_u32(&members[i].word, r, PORT_RELEASE);
        } else if (tree) {
            wake(0, r);
            wake(1, r);
        } else {
            for (unsigned i = 0; i < n_members; i++) wake(i, r);
        }
        uint64_t t1 = now_ns();
        while (port_atomic_load_u32(&announced, PORT_ACQUIRE) < (r + 1) * n_members) sched_yield();
        uint64_t t2 = now_ns();
        if (r > WARMUP) {
            issue[r - 1 - WARMUP] = t1 - t0;
            late[r - 1 - WARMUP] = t0 - ts - (uint64_t)fsync_us * 1000u;
            back[r - 1 - WARMUP] = t2 - t0;
        }
    }
    port_atomic_store_u32(&stop, 1, PORT_RELEASE);
    for (unsigned i = 0; i < n_members; i++) wake(i, rounds + WARMUP + 1);
    for (unsigned i = 0; i < n_members; i++) pthread_join(tid[i], NULL);
    qsort(issue, rounds, sizeof *issue, cmp_u64);
    qsort(back, rounds, sizeof *back, cmp_u64);
    qsort(late, rounds, sizeof *late, cmp_u64);
    double issue50 = (double)issue[rounds / 2] / 1e3, back50 = (double)back[rounds / 2] / 1e3;
    double back90 = (double)back[rounds * 9 / 10] / 1e3;
    double late50 = (double)late[rounds / 2] / 1e3, late90 = (double)late[rounds * 9 / 10] / 1e3;
    double floor_us = fsync_us + back50;
    const char *how = lead_us > 0 ? "prewake" : tree ? "tree" : "serial";
    printf("park_wake: threads=%u rounds=%u wake=%s fsync_us=%u work_us=%u issue_us_p50=%.1f "
           "back_us_p50=%.1f back_us_p90=%.1f late_us_p50=%.1f late_us_p90=%.1f "
           "cycle_floor_us=%.1f floor_over_fsync=%.2f\n",
           threads, rounds, how, fsync_us, work_us, issue50, back50, back90, late50, late90,
           floor_us, floor_us / fsync_us);
    free(issue);
    free(back);
    free(late);
    return 0;
}
