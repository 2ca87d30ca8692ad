/*
 * fill_keys.h — the key stream and key bytes of fillrandom as wtbench
 * (wtbench.c) and rocks_fill (rocks_fill.cc) write them, one definition
 * for both so the two engines get the same keys: xorshift64* seeded by the
 * run's --seed and the thread's index, the key a zero-padded decimal.
 * C and C++.
 */
#ifndef WT_BENCH_FILL_KEYS_H
#define WT_BENCH_FILL_KEYS_H

#include <stdint.h>

/* xorshift64*: a per-thread key stream (the keys' distribution matters,
 * their exact values do not). */
static inline uint64_t fill_next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Thread `index`'s (0-based) starting state for the run's seed. */
static inline uint64_t fill_seed(uint64_t seed, unsigned index)
{
    return seed * 0x9E3779B97F4A7C15ULL + index + 1;
}

/* key = k as a decimal number zero-padded to `size` digits, cut to its
 * first `size` characters: the bytes snprintf("%0*" PRIu64) would give,
 * without a formatted-output call per write (about 1 % of wtbench's CPU
 * per write; db_bench builds its keys without one too). */
static inline void fill_format_key(char *key, unsigned size, uint64_t k)
{
    char digits[20];
    unsigned n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + k % 10);
        k /= 10;
    } while (k != 0);
    unsigned pad = n < size ? size - n : 0;
    for (unsigned i = 0; i < pad; i++) key[i] = '0';
    for (unsigned i = pad; i < size; i++) key[i] = digits[sizeof digits - n + (i - pad)];
}

#endif
