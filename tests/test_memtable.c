/*
 * test_memtable.c — the arena and the concurrent skiplist memtable.
 *
 * Goal: show that the arena hands out aligned, disjoint memory (also from
 * many threads at once, and for requests larger than a quarter block), and
 * that the memtable keeps internal-key order (user key ascending, newest
 * version first), answers point lookups at any snapshot (values, deletions,
 * single deletions, absent keys), iterates and seeks correctly, and keeps
 * every entry exactly once and whole when many threads insert while others
 * read.
 *
 * Method: small hand-written cases with known answers; a serial model test
 * that checks the memtable against a sorted array; multi-threaded runs
 * through port threads where every (key, seq) is distinct and every value is
 * a function of its sequence, so any entry a reader sees can be checked
 * byte for byte, and the final contents can be checked exactly.  Worker
 * threads record failures (Check assertions belong to the test's thread);
 * the test asserts none were recorded.  Every body runs inside harness_run
 * so the same file serves the sim build; sizes shrink by harness_scale_div().
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check_main.h"
#include "harness.h"
#include "memtable.h"
#include "port.h"

/* A test body run through the harness (pthreads: directly; sim: as a run). */
#define HARNESS_TEST(name)                                     \
    static void name##_body(void *arg);                        \
    START_TEST(name) { harness_run(name##_body, (void *)(intptr_t)_i); } \
    END_TEST                                                   \
    static void name##_body(void *arg)

enum {
    KEY_BUF = 32,
    VALUE_BUF = 96,
    WRITERS_MAX = 8,
    READERS = 2,
    READER_PASSES_MAX = 100000,
};

/* ------------------------------------------------------------- failures */

/* Failures seen by worker threads; the test thread asserts there are none. */
typedef struct failures {
    port_mutex mutex;
    uint32_t count; /* under mutex */
    char first[256];
} failures;

static void failures_init(failures *f)
{
    port_mutex_init(&f->mutex, "test:failures");
    f->count = 0;
    f->first[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static void failure_note(failures *f, const char *fmt, ...)
{
    port_mutex_lock(&f->mutex);
    if (f->count++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->first, sizeof f->first, fmt, ap);
        va_end(ap);
    }
    port_mutex_unlock(&f->mutex);
}

static void failures_assert_none(failures *f)
{
    port_mutex_lock(&f->mutex);
    uint32_t count = f->count;
    port_mutex_unlock(&f->mutex);
    ck_assert_msg(count == 0, "%u failures in worker threads; first: %s", count, f->first);
    port_mutex_destroy(&f->mutex);
}

/* ---------------------------------------------------------------- helpers */

static wt_slice str(const char *s) { return wt_slice_str(s); }

static void assert_slice_eq(wt_slice got, const char *want)
{
    ck_assert_uint_eq(got.size, strlen(want));
    ck_assert(got.size == 0 || memcmp(got.data, want, got.size) == 0);
}

static void assert_iter_at(const memtable_iter *it, const char *key, uint64_t seq,
                           wt_value_type type)
{
    ck_assert(memtable_iter_valid(it));
    assert_slice_eq(memtable_iter_key(it), key);
    ck_assert_uint_eq(memtable_iter_sequence(it), seq);
    ck_assert_int_eq(memtable_iter_type(it), type);
}

static void put(memtable *m, const char *key, uint64_t seq, const char *value)
{
    memtable_add(m, seq, WT_TYPE_VALUE, str(key), str(value), false);
}

static void del(memtable *m, const char *key, uint64_t seq, wt_value_type type)
{
    memtable_add(m, seq, type, str(key), wt_slice_make(NULL, 0), false);
}

static void assert_get(const memtable *m, const char *key, uint64_t snapshot,
                       memtable_get_result want, const char *want_value)
{
    wt_slice v = {NULL, 0};
    memtable_get_result r = memtable_get(m, str(key), snapshot, &v);
    ck_assert_msg(r == want, "get(%s, %llu) = %d, want %d", key, (unsigned long long)snapshot,
                  r, want);
    if (want == MEMTABLE_GET_FOUND) assert_slice_eq(v, want_value);
}

/* Internal-key order of two entries: <0 when (ka, sa) comes first. */
static int entry_order(wt_slice ka, uint64_t sa, wt_slice kb, uint64_t sb)
{
    int r = wt_slice_compare(ka, kb);
    if (r != 0) return r;
    return (sa < sb) - (sa > sb);
}

/* ------------------------------------------------------------------ arena */

HARNESS_TEST(test_arena_alignment)
{
    (void)arg;
    arena *a = arena_create(4096);
    enum { ROUNDS = 600 };
    unsigned char *ptrs[ROUNDS];
    size_t last_usage = arena_memory_usage(a), requested = 0;
    for (size_t i = 0; i < ROUNDS; i++) {
        size_t n = 1 + i % 300;
        ptrs[i] = i % 2 ? arena_alloc_concurrent(a, n) : arena_alloc(a, n);
        ck_assert_uint_eq((uintptr_t)ptrs[i] % 8, 0);
        memset(ptrs[i], (int)(i & 0xff), n);
        requested += n;
        size_t usage = arena_memory_usage(a);
        ck_assert_uint_ge(usage, last_usage);
        last_usage = usage;
    }
    ck_assert_uint_ge(last_usage, requested);
    for (size_t i = 0; i < ROUNDS; i++) /* nothing later overwrote it */
        for (size_t k = 0; k < 1 + i % 300; k++) ck_assert_uint_eq(ptrs[i][k], i & 0xff);
    arena_destroy(a);
}

HARNESS_TEST(test_arena_large)
{
    (void)arg;
    arena *a = arena_create(4096);
    unsigned char *small = arena_alloc(a, 16);
    size_t before = arena_memory_usage(a);
    /* Just over a quarter block, and much larger than a block. */
    unsigned char *large1 = arena_alloc_concurrent(a, 1025);
    unsigned char *large2 = arena_alloc(a, 100000);
    ck_assert_uint_eq((uintptr_t)large1 % 8, 0);
    ck_assert_uint_eq((uintptr_t)large2 % 8, 0);
    memset(large1, 0xa1, 1025);
    memset(large2, 0xa2, 100000);
    ck_assert_uint_ge(arena_memory_usage(a), before + 1025 + 100000);
    /* Large requests got their own blocks: small ones still come from the
     * current block, right after the previous small one. */
    unsigned char *next_small = arena_alloc_concurrent(a, 16);
    ck_assert_ptr_eq(next_small, small + 16);
    ck_assert_uint_eq(large1[1024], 0xa1);
    ck_assert_uint_eq(large2[99999], 0xa2);
    arena_destroy(a);
}

typedef struct arena_region {
    uintptr_t start;
    size_t size;
} arena_region;

typedef struct arena_worker {
    arena *a;
    arena_region *regions;
    size_t count;
    unsigned index;
} arena_worker;

static void arena_worker_run(void *p)
{
    arena_worker *w = p;
    for (size_t i = 0; i < w->count; i++) {
        uint32_t r = port_random_u32();
        /* Mostly small; every 64th just over a quarter block or bigger. */
        size_t n = i % 64 == 63 ? 257 + r % 3000 : 1 + r % 200;
        unsigned char *q = arena_alloc_concurrent(w->a, n);
        memset(q, (int)w->index, n); /* ASan/TSan see any overlap or overrun */
        w->regions[i].start = (uintptr_t)q;
        w->regions[i].size = n;
    }
}

static int region_cmp(const void *x, const void *y)
{
    const arena_region *a = x, *b = y;
    return (a->start > b->start) - (a->start < b->start);
}

HARNESS_TEST(test_arena_concurrent)
{
    (void)arg;
    enum { THREADS = 4 };
    size_t per_thread = 20000 / harness_scale_div();
    arena *a = arena_create(1024);
    arena_region *all = port_alloc(THREADS * per_thread * sizeof *all);
    arena_worker workers[THREADS];
    port_thread *threads[THREADS];
    for (unsigned t = 0; t < THREADS; t++) {
        workers[t] = (arena_worker){a, all + t * per_thread, per_thread, t};
        ck_assert_int_eq(port_thread_create(&threads[t], "arena-worker", arena_worker_run,
                                            &workers[t]), WT_OK);
    }
    for (unsigned t = 0; t < THREADS; t++) port_thread_join(threads[t]);
    size_t total = THREADS * per_thread;
    qsort(all, total, sizeof *all, region_cmp);
    for (size_t i = 0; i < total; i++) {
        ck_assert_uint_eq(all[i].start % 8, 0);
        if (i + 1 < total) ck_assert_uint_le(all[i].start + all[i].size, all[i + 1].start);
    }
    port_free(all);
    arena_destroy(a);
}

/* --------------------------------------------------------- memtable basics */

HARNESS_TEST(test_version_order)
{
    (void)arg;
    memtable *m = memtable_create(4096);
    put(m, "a", 1, "a1");
    put(m, "b", 2, "b2");
    put(m, "a", 5, "a5");
    put(m, "ab", 7, "ab7");
    put(m, "a", 3, "a3");
    put(m, "", 4, "empty");
    ck_assert_uint_eq(memtable_entry_count(m), 6);

    memtable_iter it;
    memtable_iter_init(&it, m);
    memtable_iter_seek_to_first(&it);
    static const struct { const char *key; uint64_t seq; const char *value; } want[] = {
        {"", 4, "empty"}, {"a", 5, "a5"}, {"a", 3, "a3"},
        {"a", 1, "a1"},   {"ab", 7, "ab7"}, {"b", 2, "b2"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_iter_at(&it, want[i].key, want[i].seq, WT_TYPE_VALUE);
        assert_slice_eq(memtable_iter_value(&it), want[i].value);
        memtable_iter_next(&it);
    }
    ck_assert(!memtable_iter_valid(&it));
    memtable_destroy(m);
}

HARNESS_TEST(test_get_snapshots)
{
    (void)arg;
    memtable *m = memtable_create(4096);
    put(m, "a", 10, "v10");
    del(m, "a", 20, WT_TYPE_DELETION);
    put(m, "a", 30, "v30");
    put(m, "ab", 15, "x");
    assert_get(m, "a", 0, MEMTABLE_GET_ABSENT, NULL);
    assert_get(m, "a", 9, MEMTABLE_GET_ABSENT, NULL);
    assert_get(m, "a", 10, MEMTABLE_GET_FOUND, "v10");
    assert_get(m, "a", 19, MEMTABLE_GET_FOUND, "v10");
    assert_get(m, "a", 20, MEMTABLE_GET_DELETED, NULL);
    assert_get(m, "a", 29, MEMTABLE_GET_DELETED, NULL);
    assert_get(m, "a", 30, MEMTABLE_GET_FOUND, "v30");
    assert_get(m, "a", WT_MAX_SEQUENCE, MEMTABLE_GET_FOUND, "v30");
    /* A longer key with the same prefix is a different key. */
    assert_get(m, "ab", 14, MEMTABLE_GET_ABSENT, NULL);
    assert_get(m, "ab", 15, MEMTABLE_GET_FOUND, "x");
    assert_get(m, "aa", WT_MAX_SEQUENCE, MEMTABLE_GET_ABSENT, NULL);
    assert_get(m, "", WT_MAX_SEQUENCE, MEMTABLE_GET_ABSENT, NULL);
    assert_get(m, "b", WT_MAX_SEQUENCE, MEMTABLE_GET_ABSENT, NULL);
    memtable_destroy(m);
}

HARNESS_TEST(test_single_deletion_and_empty_values)
{
    (void)arg;
    memtable *m = memtable_create(4096);
    put(m, "k", 1, "one");
    del(m, "k", 2, WT_TYPE_SINGLE_DELETION);
    put(m, "z", 3, "");
    put(m, "", 5, "");
    assert_get(m, "k", 1, MEMTABLE_GET_FOUND, "one");
    assert_get(m, "k", 2, MEMTABLE_GET_DELETED, NULL);
    assert_get(m, "z", 3, MEMTABLE_GET_FOUND, "");
    assert_get(m, "", 5, MEMTABLE_GET_FOUND, "");
    assert_get(m, "", 4, MEMTABLE_GET_ABSENT, NULL);

    memtable_iter it;
    memtable_iter_init(&it, m);
    memtable_iter_seek(&it, str("k"));
    assert_iter_at(&it, "k", 2, WT_TYPE_SINGLE_DELETION);
    ck_assert_uint_eq(memtable_iter_value(&it).size, 0);
    memtable_iter_next(&it);
    assert_iter_at(&it, "k", 1, WT_TYPE_VALUE);
    memtable_destroy(m);
}

HARNESS_TEST(test_iterator_seek)
{
    (void)arg;
    memtable *m = memtable_create(4096);
    memtable_iter it;
    memtable_iter_init(&it, m);
    memtable_iter_seek_to_first(&it);
    ck_assert(!memtable_iter_valid(&it));
    memtable_iter_seek(&it, str("k"));
    ck_assert(!memtable_iter_valid(&it));
    assert_get(m, "k", WT_MAX_SEQUENCE, MEMTABLE_GET_ABSENT, NULL);
    ck_assert_uint_eq(memtable_entry_count(m), 0);

    char key[KEY_BUF];
    uint64_t seq = 1;
    for (unsigned i = 0; i < 100; i += 2) { /* k00, k02, ... each with 2 versions */
        snprintf(key, sizeof key, "k%02u", i);
        put(m, key, seq++, "old");
        put(m, key, seq++, "new");
    }
    memtable_iter_seek(&it, str("k03"));
    assert_iter_at(&it, "k04", 6, WT_TYPE_VALUE);
    memtable_iter_seek(&it, str("k04"));
    assert_iter_at(&it, "k04", 6, WT_TYPE_VALUE);
    memtable_iter_next(&it);
    assert_iter_at(&it, "k04", 5, WT_TYPE_VALUE);
    memtable_iter_seek(&it, str(""));
    assert_iter_at(&it, "k00", 2, WT_TYPE_VALUE);
    memtable_iter_seek(&it, str("k98\x01"));
    ck_assert(!memtable_iter_valid(&it));
    memtable_iter_seek(&it, str("l"));
    ck_assert(!memtable_iter_valid(&it));
    memtable_destroy(m);
}

HARNESS_TEST(test_large_values)
{
    (void)arg;
    memtable *m = memtable_create(4096);
    static const size_t sizes[] = {0, 127, 128, 200, 1023, 1025, 5000, 100000};
    enum { N = sizeof sizes / sizeof sizes[0] };
    char *values[N];
    size_t total = 0;
    for (size_t i = 0; i < N; i++) {
        values[i] = port_alloc(sizes[i] + 1);
        for (size_t k = 0; k < sizes[i]; k++) values[i][k] = (char)('a' + (i * 7 + k) % 26);
        values[i][sizes[i]] = '\0';
        memtable_add(m, i + 1, WT_TYPE_VALUE, str("big"), str(values[i]), false);
        total += sizes[i];
    }
    ck_assert_uint_ge(memtable_memory_usage(m), total);
    for (size_t i = 0; i < N; i++) assert_get(m, "big", i + 1, MEMTABLE_GET_FOUND, values[i]);
    for (size_t i = 0; i < N; i++) port_free(values[i]);
    memtable_destroy(m);
}

/* ----------------------------------------------------- serial model check */

typedef struct model_entry {
    unsigned key;
    uint64_t seq;
    wt_value_type type;
} model_entry;

static int model_cmp(const void *x, const void *y)
{
    const model_entry *a = x, *b = y;
    if (a->key != b->key) return (a->key > b->key) - (a->key < b->key);
    return (a->seq < b->seq) - (a->seq > b->seq);
}

/* Expected memtable_get from the sorted model: first entry of key <= snap. */
static memtable_get_result model_get(const model_entry *e, size_t n, unsigned key, uint64_t snap,
                                     uint64_t *seq)
{
    for (size_t i = 0; i < n; i++) {
        if (e[i].key != key || e[i].seq > snap) continue;
        *seq = e[i].seq;
        return e[i].type == WT_TYPE_VALUE ? MEMTABLE_GET_FOUND : MEMTABLE_GET_DELETED;
    }
    return MEMTABLE_GET_ABSENT;
}

static void model_fill(memtable *m, model_entry *model, size_t n, unsigned keys)
{
    static const wt_value_type types[] = {WT_TYPE_VALUE, WT_TYPE_VALUE, WT_TYPE_DELETION,
                                          WT_TYPE_SINGLE_DELETION};
    for (size_t i = 0; i < n; i++) /* distinct sequences 1..n, shuffled below */
        model[i] = (model_entry){port_random_u32() % keys, i + 1, types[port_random_u32() % 4]};
    for (size_t i = n; i > 1; i--) {
        size_t j = port_random_u32() % i;
        uint64_t s = model[i - 1].seq;
        model[i - 1].seq = model[j].seq;
        model[j].seq = s;
    }
    char key[KEY_BUF], value[VALUE_BUF];
    for (size_t i = 0; i < n; i++) {
        snprintf(key, sizeof key, "m%05u", model[i].key);
        snprintf(value, sizeof value, "value-%llu", (unsigned long long)model[i].seq);
        memtable_add(m, model[i].seq, model[i].type, str(key),
                     model[i].type == WT_TYPE_VALUE ? str(value) : str(""), false);
    }
    qsort(model, n, sizeof *model, model_cmp);
}

HARNESS_TEST(test_model_serial)
{
    (void)arg;
    size_t n = 5000 / harness_scale_div();
    unsigned keys = (unsigned)(n / 8 + 1);
    memtable *m = memtable_create(8192);
    model_entry *model = port_alloc(n * sizeof *model);
    model_fill(m, model, n, keys);
    ck_assert_uint_eq(memtable_entry_count(m), n);

    memtable_iter it;
    memtable_iter_init(&it, m);
    memtable_iter_seek_to_first(&it);
    char key[KEY_BUF], value[VALUE_BUF];
    for (size_t i = 0; i < n; i++, memtable_iter_next(&it)) {
        snprintf(key, sizeof key, "m%05u", model[i].key);
        assert_iter_at(&it, key, model[i].seq, model[i].type);
    }
    ck_assert(!memtable_iter_valid(&it));

    for (unsigned q = 0; q < 2000 / harness_scale_div(); q++) {
        unsigned k = port_random_u32() % keys;
        uint64_t snap = port_random_u32() % (n + 2), seq = 0;
        memtable_get_result want = model_get(model, n, k, snap, &seq);
        snprintf(key, sizeof key, "m%05u", k);
        snprintf(value, sizeof value, "value-%llu", (unsigned long long)seq);
        assert_get(m, key, snap, want, value);
    }
    port_free(model);
    memtable_destroy(m);
}

/* ------------------------------------------------------- concurrent runs */

/* The key and value of sequence seq in the concurrent tests.  About four
 * versions per key, written by different threads; the value names its own
 * sequence and key and has a seq-dependent length, so a torn or misplaced
 * entry cannot pass the byte-for-byte check. */
static wt_slice conc_key(uint64_t seq, unsigned keys, char buf[KEY_BUF])
{
    unsigned idx = (unsigned)((seq * 2654435761u) % keys);
    int n = snprintf(buf, KEY_BUF, "key%08u", idx);
    return wt_slice_make(buf, (size_t)n);
}

static wt_slice conc_value(uint64_t seq, unsigned keys, char buf[VALUE_BUF])
{
    char key[KEY_BUF];
    conc_key(seq, keys, key);
    int n = snprintf(buf, VALUE_BUF, "v%010llu/%s/", (unsigned long long)seq, key);
    size_t pad = seq % 40;
    memset(buf + n, 'a' + (int)(seq % 26), pad);
    return wt_slice_make(buf, (size_t)n + pad);
}

/* Checks an entry (key, seq, value) against the functions above. */
static bool conc_entry_ok(wt_slice key, uint64_t seq, wt_slice value, unsigned keys)
{
    char kb[KEY_BUF], vb[VALUE_BUF];
    wt_slice want_key = conc_key(seq, keys, kb);
    wt_slice want_value = conc_value(seq, keys, vb);
    return wt_slice_compare(key, want_key) == 0 && wt_slice_compare(value, want_value) == 0;
}

typedef struct conc_test {
    memtable *m;
    unsigned writers;
    uint64_t per_writer;
    unsigned keys;
    bool concurrent;      /* memtable_add mode */
    port_atomic_u32 done; /* writers finished (release/acquire) */
    failures fail;
} conc_test;

typedef struct conc_worker {
    conc_test *t;
    unsigned index;
} conc_worker;

static void conc_writer_run(void *p)
{
    conc_worker *w = p;
    conc_test *t = w->t;
    char kb[KEY_BUF], vb[VALUE_BUF];
    for (uint64_t j = 0; j < t->per_writer; j++) {
        uint64_t seq = j * t->writers + w->index + 1; /* distinct across writers */
        memtable_add(t->m, seq, WT_TYPE_VALUE, conc_key(seq, t->keys, kb),
                     conc_value(seq, t->keys, vb), t->concurrent);
    }
}

/* One pass over the whole list: sorted, every entry whole.  Returns the
 * number of entries seen. */
static uint64_t conc_reader_pass(conc_test *t)
{
    memtable_iter it;
    memtable_iter_init(&it, t->m);
    wt_slice prev_key = {NULL, 0};
    uint64_t prev_seq = 0, seen = 0;
    for (memtable_iter_seek_to_first(&it); memtable_iter_valid(&it); memtable_iter_next(&it)) {
        wt_slice key = memtable_iter_key(&it);
        uint64_t seq = memtable_iter_sequence(&it);
        if (!conc_entry_ok(key, seq, memtable_iter_value(&it), t->keys))
            failure_note(&t->fail, "torn or wrong entry at seq %llu", (unsigned long long)seq);
        if (seen > 0 && entry_order(prev_key, prev_seq, key, seq) >= 0)
            failure_note(&t->fail, "order broken at seq %llu", (unsigned long long)seq);
        prev_key = key;
        prev_seq = seq;
        seen++;
    }
    return seen;
}

/* A point lookup at a random snapshot: whatever it finds must be whole and
 * belong to the key asked for. */
static void conc_reader_get(conc_test *t)
{
    uint64_t total = t->per_writer * t->writers;
    uint64_t snap = 1 + port_random_u32() % total;
    char kb[KEY_BUF];
    wt_slice key = conc_key(snap, t->keys, kb), value = {NULL, 0};
    if (memtable_get(t->m, key, snap, &value) != MEMTABLE_GET_FOUND) return;
    uint64_t seq = 0; /* the value starts "v" and ten digits of its sequence */
    for (size_t i = 1; i < 11 && i < value.size; i++) seq = seq * 10 + (value.data[i] - '0');
    if (value.size < 11 || seq > snap || !conc_entry_ok(key, seq, value, t->keys))
        failure_note(&t->fail, "get(seq %llu) returned a bad value", (unsigned long long)snap);
}

static void conc_reader_run(void *p)
{
    conc_worker *w = p;
    conc_test *t = w->t;
    uint64_t last_seen = 0;
    for (unsigned pass = 0; pass < READER_PASSES_MAX; pass++) {
        /* Acquire pairs with the release store after the writers joined. */
        bool done = port_atomic_load_u32(&t->done, PORT_ACQUIRE) != 0;
        uint64_t seen = conc_reader_pass(t);
        if (seen < last_seen) failure_note(&t->fail, "pass saw fewer entries than before");
        last_seen = seen;
        for (unsigned g = 0; g < 64; g++) conc_reader_get(t);
        if (done) break; /* one full pass after the writers finished */
    }
}

/* After all threads joined: every entry present once, in order, whole. */
static void conc_verify(conc_test *t)
{
    uint64_t total = t->per_writer * t->writers;
    ck_assert_uint_eq(memtable_entry_count(t->m), total);
    unsigned char *seen = port_alloc_zeroed(total + 1);
    memtable_iter it;
    memtable_iter_init(&it, t->m);
    wt_slice prev_key = {NULL, 0};
    uint64_t prev_seq = 0, count = 0;
    for (memtable_iter_seek_to_first(&it); memtable_iter_valid(&it); memtable_iter_next(&it)) {
        wt_slice key = memtable_iter_key(&it);
        uint64_t seq = memtable_iter_sequence(&it);
        ck_assert_uint_ge(seq, 1);
        ck_assert_uint_le(seq, total);
        ck_assert_msg(!seen[seq], "seq %llu twice", (unsigned long long)seq);
        seen[seq] = 1;
        ck_assert(conc_entry_ok(key, seq, memtable_iter_value(&it), t->keys));
        if (count > 0) ck_assert_int_lt(entry_order(prev_key, prev_seq, key, seq), 0);
        prev_key = key;
        prev_seq = seq;
        count++;
    }
    ck_assert_uint_eq(count, total);
    char kb[KEY_BUF], vb[VALUE_BUF];
    for (uint64_t seq = 1; seq <= total; seq++) { /* at its own snapshot, each is newest */
        wt_slice value = {NULL, 0};
        ck_assert_int_eq(memtable_get(t->m, conc_key(seq, t->keys, kb), seq, &value),
                         MEMTABLE_GET_FOUND);
        ck_assert(wt_slice_compare(value, conc_value(seq, t->keys, vb)) == 0);
    }
    port_free(seen);
}

/* Runs `writers` writer threads (and `readers` reader threads alongside)
 * over `keys` user keys (0: about four versions per key), then verifies the
 * memtable. */
static void conc_run(unsigned writers, uint64_t per_writer, unsigned readers, bool concurrent,
                     unsigned keys)
{
    ck_assert_uint_le(writers, WRITERS_MAX);
    ck_assert(concurrent || writers == 1);
    conc_test t = {.writers = writers, .per_writer = per_writer, .concurrent = concurrent};
    t.keys = keys != 0 ? keys : (unsigned)(writers * per_writer / 4 + 1);
    t.m = memtable_create(64 * 1024);
    port_atomic_init_u32(&t.done, 0);
    failures_init(&t.fail);
    conc_worker workers[WRITERS_MAX + READERS];
    port_thread *threads[WRITERS_MAX + READERS];
    for (unsigned i = 0; i < writers + readers; i++) {
        workers[i] = (conc_worker){&t, i};
        ck_assert_int_eq(port_thread_create(&threads[i], i < writers ? "writer" : "reader",
                                            i < writers ? conc_writer_run : conc_reader_run,
                                            &workers[i]), WT_OK);
    }
    for (unsigned i = 0; i < writers; i++) port_thread_join(threads[i]);
    port_atomic_store_u32(&t.done, 1, PORT_RELEASE);
    for (unsigned i = writers; i < writers + readers; i++) port_thread_join(threads[i]);
    failures_assert_none(&t.fail);
    conc_verify(&t);
    memtable_destroy(t.m);
}

HARNESS_TEST(test_concurrent_insert)
{
    (void)arg;
    conc_run(8, 20000 / harness_scale_div(), 0, true, 0);
}

/* Four hot keys: every writer inserts the newest version of the same few
 * keys, so the CAS at the head of a key's version run fails often and the
 * re-search path is exercised. */
HARNESS_TEST(test_concurrent_insert_hot_keys)
{
    (void)arg;
    conc_run(8, 20000 / harness_scale_div(), 0, true, 4);
}

/* _i = 0: four concurrent writers; _i = 1: one serial writer (release
 * stores only), both with readers running throughout. */
HARNESS_TEST(test_readers_during_inserts)
{
    bool serial = (intptr_t)arg == 1;
    conc_run(serial ? 1 : 4, (serial ? 40000 : 10000) / harness_scale_div(), READERS,
             !serial, 0);
}

/* Regular blocks grow (1, 2, 4, 8, 8, ... x block_bytes): 64 KiB in
 * 8-byte pieces from 1 KiB blocks fits in 3 + 57 / 8 = 11 blocks, not 64.
 * 8-byte pieces leave no tail unused, so usage - requested is only the
 * block headers: at least 8 bytes each (a pointer), so 64 blocks would
 * cost >= 512 bytes; 11 blocks of a few words cost far less. */
HARNESS_TEST(test_arena_growth)
{
    (void)arg;
    arena *a = arena_create(1024);
    enum { PIECE = 8, TOTAL = 64 * 1024 };
    size_t start = arena_memory_usage(a);
    unsigned char *prev = NULL;
    for (size_t i = 0; i < TOTAL / PIECE; i++) {
        unsigned char *p = i % 2 ? arena_alloc(a, PIECE) : arena_alloc_concurrent(a, PIECE);
        memset(p, (int)(i & 0xff), PIECE);
        if (prev != NULL) ck_assert_uint_eq(prev[0], (i - 1) & 0xff);
        prev = p;
    }
    size_t usage = arena_memory_usage(a);
    ck_assert_uint_ge(usage, TOTAL);
    ck_assert_msg(usage - TOTAL < 512 && usage - start <= TOTAL + 512,
                  "64 KiB in 8-byte pieces cost %zu bytes of overhead", usage - TOTAL);
    arena_destroy(a);
}

/* ------------------------------------------------ bytewise key order */

/* The skiplist compares user keys eight bytes at a time as big-endian
 * words; these keys make every word boundary and byte value matter: keys
 * of 0..19 bytes that differ from a base only in one byte (0x00, 0x01,
 * 0x7f, 0x80, 0xfe or 0xff at any position), plus every prefix of the
 * base, so order must be decided by unsigned bytes, by the first differing
 * word, by the tail after the last whole word, and by length. */
enum { ORDER_KEY_MAX = 20, ORDER_KEYS_MAX = 1200 }; /* 20 prefixes + 6 * (0 + 1 + ... + 19) */

typedef struct order_key {
    uint8_t bytes[ORDER_KEY_MAX];
    size_t size;
} order_key;

static int order_key_cmp(const void *x, const void *y)
{
    const order_key *a = x, *b = y;
    return wt_slice_compare(wt_slice_make(a->bytes, a->size), wt_slice_make(b->bytes, b->size));
}

/* Fills keys[] (distinct); returns how many. */
static size_t order_keys_make(order_key *keys)
{
    static const uint8_t values[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
    uint8_t base[ORDER_KEY_MAX];
    for (size_t i = 0; i < ORDER_KEY_MAX; i++) base[i] = (uint8_t)(0x40 + i);
    size_t n = 0;
    for (size_t len = 0; len <= ORDER_KEY_MAX - 1; len++) {
        ck_assert_uint_lt(n, ORDER_KEYS_MAX);
        memcpy(keys[n].bytes, base, len); /* the prefix of length len */
        keys[n++].size = len;
        for (size_t pos = 0; pos < len; pos++) {
            for (size_t v = 0; v < sizeof values; v++) {
                ck_assert_uint_lt(n, ORDER_KEYS_MAX);
                memcpy(keys[n].bytes, base, len);
                keys[n].bytes[pos] = values[v];
                keys[n].size = len;
                n++;
            }
        }
    }
    /* Drop duplicates (a value may equal the base byte): sort, unique. */
    qsort(keys, n, sizeof keys[0], order_key_cmp);
    size_t unique = 0;
    for (size_t i = 0; i < n; i++)
        if (unique == 0 || order_key_cmp(&keys[unique - 1], &keys[i]) != 0) keys[unique++] = keys[i];
    return unique;
}

HARNESS_TEST(test_key_order_bytewise)
{
    (void)arg;
    static order_key keys[ORDER_KEYS_MAX];
    size_t n = order_keys_make(keys);
    ck_assert_uint_gt(n, 500);
    memtable *m = memtable_create(1 << 16);
    /* Insert in a scrambled order (a stride coprime to n), sequence = the
     * key's rank + 1, so the iteration order can be checked by sequence. */
    size_t stride = 7;
    while (n % stride == 0) stride += 2;
    for (size_t i = 0, j = 0; i < n; i++, j = (j + stride) % n)
        memtable_add(m, j + 1, WT_TYPE_VALUE, wt_slice_make(keys[j].bytes, keys[j].size),
                     wt_slice_make(keys[j].bytes, keys[j].size), i % 2 == 0);
    memtable_iter it;
    memtable_iter_init(&it, m);
    memtable_iter_seek_to_first(&it);
    for (size_t i = 0; i < n; i++, memtable_iter_next(&it)) {
        ck_assert(memtable_iter_valid(&it));
        ck_assert_msg(memtable_iter_sequence(&it) == i + 1, "position %zu holds the key of rank %llu",
                      i, (unsigned long long)memtable_iter_sequence(&it) - 1);
    }
    ck_assert(!memtable_iter_valid(&it));
    for (size_t i = 0; i < n; i++) {
        wt_slice k = wt_slice_make(keys[i].bytes, keys[i].size), v = {NULL, 0};
        ck_assert_int_eq(memtable_get(m, k, WT_MAX_SEQUENCE, &v), MEMTABLE_GET_FOUND);
        ck_assert_int_eq(wt_slice_compare(v, k), 0);
        memtable_iter_seek(&it, k);
        ck_assert(memtable_iter_valid(&it));
        ck_assert_uint_eq(memtable_iter_sequence(&it), i + 1);
    }
    memtable_destroy(m);
}

static Suite *memtable_suite(void)
{
    Suite *s = suite_create(harness_build());
    TCase *tc = tcase_create("memtable");
    tcase_add_test(tc, test_arena_alignment);
    tcase_add_test(tc, test_arena_large);
    tcase_add_test(tc, test_arena_growth);
    tcase_add_test(tc, test_arena_concurrent);
    tcase_add_test(tc, test_version_order);
    tcase_add_test(tc, test_get_snapshots);
    tcase_add_test(tc, test_single_deletion_and_empty_values);
    tcase_add_test(tc, test_iterator_seek);
    tcase_add_test(tc, test_key_order_bytewise);
    tcase_add_test(tc, test_large_values);
    tcase_add_test(tc, test_model_serial);
    tcase_add_test(tc, test_concurrent_insert);
    tcase_add_test(tc, test_concurrent_insert_hot_keys);
    tcase_add_loop_test(tc, test_readers_during_inserts, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return wt_run_suite(memtable_suite()); }
