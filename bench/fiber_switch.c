/*
 * fiber_switch.c — what one sim/port/fiber.c context switch costs.
 *
 * Method: the thread context and one fiber ping-pong through fiber_switch;
 * every fiber_switch call counts as one switch.  After a warm-up, three
 * timed trials of N switches (default 10^7, or argv[1]) are measured with
 * CLOCK_MONOTONIC and the fastest trial is reported, as
 *
 *     fiber_switch: 8.3 ns/switch (10000000 switches)
 *
 * The figure includes fiber.c's wrapper (assertions, state bookkeeping and,
 * in sanitizer builds, the annotations), i.e. what the scheduler will pay.
 * Single-threaded; nothing else is measured.
 */
#include "fiber.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum {
    BENCH_TRIALS = 3,
    BENCH_STACK_BYTES = 256 * 1024,
};

typedef struct bench_pair {
    fiber *main;
    fiber *partner;
} bench_pair;

/* Switches straight back, forever; destroyed while suspended. */
static void partner_fn(void *arg)
{
    bench_pair *pair = arg;
    for (;;) {
        fiber_switch(pair->partner, pair->main);
    }
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("fiber_switch: clock_gettime");
        exit(EXIT_FAILURE);
    }
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Runs `switches` switches (rounded down to an even count: each round
 * trip is two) and returns the elapsed nanoseconds. */
static uint64_t run_trial(bench_pair *pair, uint64_t switches)
{
    uint64_t round_trips = switches / 2;
    uint64_t start_ns = now_ns();
    for (uint64_t i = 0; i < round_trips; i++) {
        fiber_switch(pair->main, pair->partner);
    }
    return now_ns() - start_ns;
}

static uint64_t parse_switches(int argc, char **argv)
{
    if (argc < 2) {
        return 10000000u;
    }
    char *end = NULL;
    unsigned long long n = strtoull(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || n < 2) {
        fprintf(stderr, "usage: %s [switches >= 2]\n", argv[0]);
        exit(2);
    }
    return (uint64_t)n & ~(uint64_t)1;
}

int main(int argc, char **argv)
{
    uint64_t switches = parse_switches(argc, argv);
    bench_pair pair = { .main = fiber_thread_context() };
    pair.partner = fiber_create(BENCH_STACK_BYTES, partner_fn, &pair);
    if (pair.partner == NULL) {
        perror("fiber_switch: fiber_create");
        return EXIT_FAILURE;
    }
    (void)run_trial(&pair, switches / 10 + 2); /* warm-up */
    uint64_t best_ns = UINT64_MAX;
    for (int t = 0; t < BENCH_TRIALS; t++) {
        uint64_t ns = run_trial(&pair, switches);
        best_ns = ns < best_ns ? ns : best_ns;
    }
    printf("fiber_switch: %.1f ns/switch (%llu switches)\n",
           (double)best_ns / (double)switches, (unsigned long long)switches);
    fiber_destroy(pair.partner);
    return EXIT_SUCCESS;
}
