/*
 * fsync_yield.c — how much of a measured fsync is the device and how much
 * the CPU scheduler: the latency of append + fdatasync on one thread,
 * alone or next to K threads of the same process that do nothing but
 * sched_yield (as waiting writers do in AwaitState's yield phase).
 *
 *     fsync_yield [--yielders K] [--syncs N] [--bytes B] [--dir DIR]
 *
 * Appends B bytes (2048: a 16-writer group record) to a scratch file in
 * DIR ($TMPDIR or /tmp) and fdatasyncs it, N times (2000), timing each
 * pair; the yielders run from before the first to after the last.
 * Prints one line:
 *     fsync_yield: yielders=15 syncs=2000 bytes=2048 p50_us=.. p90_us=..
 *                  p99_us=.. max_us=..
 * fdatasync sleeps until the device (and the journal thread) are done, so
 * its time includes the wait until the woken thread gets a CPU again; on
 * a machine shared with CPU-bound jobs of other sessions that wait can
 * last up to a scheduler tick.  Run it with and without yielders,
 * alternately, to see that part.  Not a test: nothing is asserted.
 * Exit 0; 1 when the file cannot be written; 2 on bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAX_YIELDERS = 256, MAX_BYTES = 1 << 20, MAX_SYNCS = 1000000 };

static atomic_bool stop;

static void *yielder(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) sched_yield();
    return NULL;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int usage(void)
{
    fprintf(stderr, "usage: fsync_yield [--yielders K] [--syncs N] [--bytes B] [--dir DIR]\n");
    return 2;
}

/* A whole number in [lo, hi], or false. */
static bool parse_count(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    long yielders = 0, syncs = 2000, bytes = 2048;
    const char *dir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) return fprintf(stderr, "fsync_yield: %s needs a value\n", a), usage();
        const char *v = argv[++i];
        bool ok = true;
        if (strcmp(a, "--yielders") == 0) ok = parse_count(v, 0, MAX_YIELDERS, &yielders);
        else if (strcmp(a, "--syncs") == 0) ok = parse_count(v, 1, MAX_SYNCS, &syncs);
        else if (strcmp(a, "--bytes") == 0) ok = parse_count(v, 1, MAX_BYTES, &bytes);
        else if (strcmp(a, "--dir") == 0) dir = v;
        else return fprintf(stderr, "fsync_yield: unknown argument %s\n", a), usage();
        if (!ok) return fprintf(stderr, "fsync_yield: bad value for %s: %s\n", a, v), usage();
    }
    char path[4096];
    if (snprintf(path, sizeof path, "%s/fsync_yield.%ld", dir, (long)getpid()) >= (int)sizeof path)
        return fprintf(stderr, "fsync_yield: --dir too long\n"), 2;
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0) return fprintf(stderr, "fsync_yield: %s: %s\n", path, strerror(errno)), 1;
    char *buf = malloc((size_t)bytes);
    uint64_t *lat = malloc((size_t)syncs * sizeof *lat);
    if (buf == NULL || lat == NULL) return fprintf(stderr, "fsync_yield: out of memory\n"), 1;
    memset(buf, 'x', (size_t)bytes);

    pthread_t th[MAX_YIELDERS];
    for (long i = 0; i < yielders; i++) {
        if (pthread_create(&th[i], NULL, yielder, NULL) != 0)
            return fprintf(stderr, "fsync_yield: cannot start a thread\n"), 1;
    }
    int rc = 0;
    for (long i = 0; i < syncs; i++) {
        uint64_t t0 = now_ns();
        if (write(fd, buf, (size_t)bytes) != (ssize_t)bytes || fdatasync(fd) != 0) {
            fprintf(stderr, "fsync_yield: %s: %s\n", path, strerror(errno));
            rc = 1;
            syncs = i;
            break;
        }
        lat[i] = now_ns() - t0;
    }
    atomic_store(&stop, true);
    for (long i = 0; i < yielders; i++) pthread_join(th[i], NULL);
    close(fd);
    unlink(path);
    if (rc == 0) {
        qsort(lat, (size_t)syncs, sizeof *lat, cmp_u64);
        printf("fsync_yield: yielders=%ld syncs=%ld bytes=%ld p50_us=%.1f p90_us=%.1f p99_us=%.1f"
               " max_us=%.1f\n",
               yielders, syncs, bytes, (double)lat[syncs / 2] / 1e3,
               (double)lat[syncs * 9 / 10] / 1e3, (double)lat[syncs * 99 / 100] / 1e3,
               (double)lat[syncs - 1] / 1e3);
    }
    free(lat);
    free(buf);
    return rc;
}
