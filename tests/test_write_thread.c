/*
 * test_write_thread.c — group formation and hand-off rules of the write
 * thread, on queues built by hand, and the writer state table
 * (writer_state.c) the sim's oracle and charts rely on.
 *
 * Method: writers are linked into a write_thread's list exactly as
 * JoinBatchGroup would leave them (newest first, link_older only, the
 * oldest already GROUP_LEADER), without other threads.  Then the leader's
 * calls run and the test checks who joined the group, the order of the
 * list afterwards, and every writer's state and status.  Interleavings with
 * real concurrency are covered by test_db and by the sim's scenarios.
 * port_park_until (the timed park of sync_prewake_usec) is checked in
 * both ports: ended by a wake-up, or by its deadline alone.
 * The state table is checked row by row against the bits, and the
 * transition rule against transitions RocksDB's WriteThread makes and
 * ones it never makes.
 */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "write_thread.h"

enum { MAX_W = 32 };

typedef struct fixture {
    write_thread wt;
    wt_writer w[MAX_W];
    wt_write_batch b[MAX_W];
    size_t n;
} fixture;

static fixture F;

/* Frees what the previous queue left (batches may have grown onto the heap). */
static void teardown_queue(void)
{
    for (size_t i = 0; i < F.n; i++) wt_batch_destroy(&F.b[i]);
    port_atomic_store_ptr(&F.wt.newest_writer, NULL, PORT_RELEASE);
    write_thread_destroy(&F.wt);
    F.n = 0;
}

static void setup_queue(uint64_t group_bytes)
{
    if (F.n > 0) teardown_queue();
    memset(&F, 0, sizeof F);
    write_thread_options o = {.allow_concurrent_memtable_write = true,
                              .max_write_batch_group_size_bytes = group_bytes,
                              .max_yield_usec = 0, .slow_yield_usec = 3};
    write_thread_init(&F.wt, "write_thread", WT_QUEUE_WRITE, &o);
}

/* Adds a writer whose batch has one put with a value of value_bytes. */
static wt_writer *push(size_t value_bytes, bool sync, bool no_slowdown, bool disable_wal)
{
    ck_assert_uint_lt(F.n, MAX_W);
    size_t i = F.n++;
    static char value[4096];
    memset(value, 'v', sizeof value);
    wt_batch_init(&F.b[i]);
    wt_batch_put(&F.b[i], wt_slice_str("k"), wt_slice_make(value, value_bytes));
    wt_writer *w = &F.w[i];
    wt_writer_flags flags = {.sync = sync, .no_slowdown = no_slowdown, .disable_wal = disable_wal};
    wt_writer_init(w, &F.b[i], flags, NULL);
    WT_STORE(w, link_older, wt_newest_writer(&F.wt));
    port_atomic_store_ptr(&F.wt.newest_writer, w, PORT_RELEASE);
    if (WT_LOAD(w, link_older) == NULL) port_atomic_store_u32(&w->state, WT_STATE_GROUP_LEADER, PORT_RELEASE);
    return w;
}

/* Checks the list from the head along link_older against want[]. */
static void expect_list(const size_t *want, size_t n)
{
    wt_writer *w = wt_newest_writer(&F.wt);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(w == &F.w[want[i]], "list position %zu: expected w%zu", i, want[i]);
        w = WT_LOAD(w, link_older);
    }
    ck_assert_ptr_null(w);
}

static void expect_group(const wt_write_group *g, const size_t *want, size_t n)
{
    ck_assert_uint_eq(g->size, n);
    size_t i = 0;
    WT_GROUP_FOREACH(w, g) {
        ck_assert_msg(w == &F.w[want[i]], "group member %zu: expected w%zu", i, want[i]);
        ck_assert_ptr_eq(WT_LOAD(w, write_group), g);
        i++;
    }
    ck_assert_uint_eq(i, n);
}

static void all_compatible_join(void *arg)
{
    (void)arg;
    setup_queue(1 << 20);
    for (int i = 0; i < 5; i++) push(10, false, false, false);
    wt_write_group g;
    size_t bytes = wt_enter_as_batch_group_leader(&F.wt, &F.w[0], &g);
    ck_assert_uint_eq(bytes, 5 * wt_batch_byte_size(&F.b[0]));
    expect_group(&g, (size_t[]){0, 1, 2, 3, 4}, 5);
    /* Nobody behind the group: the queue empties. */
    wt_exit_as_batch_group_leader(&F.wt, &g, WT_OK);
    ck_assert_ptr_null(wt_newest_writer(&F.wt));
    for (int i = 1; i < 5; i++) ck_assert_uint_eq(wt_writer_state(&F.w[i]), WT_STATE_COMPLETED);
    ck_assert_uint_eq(wt_writer_state(&F.w[0]), WT_STATE_GROUP_LEADER);
    teardown_queue();
}

START_TEST(compatible_writers_join) { harness_run(all_compatible_join, NULL); }
END_TEST

static void incompatible_moved_aside(void *arg)
{
    (void)arg;
    setup_queue(1 << 20);
    push(10, false, false, false); /* w0 leader, not sync */
    push(10, true, false, false);  /* w1 sync: not behind a non-sync leader */
    push(10, false, false, false); /* w2 joins */
    push(10, false, false, true);  /* w3 disableWAL differs */
    push(10, false, true, false);  /* w4 no_slowdown differs */
    push(10, false, false, false); /* w5 joins */
    wt_write_group g;
    wt_enter_as_batch_group_leader(&F.wt, &F.w[0], &g);
    expect_group(&g, (size_t[]){0, 2, 5}, 3);
    /* RocksDB 9.1+: the set-aside writers follow the group in arrival order. */
    expect_list((size_t[]){4, 3, 1, 5, 2, 0}, 6);
    /* Exit: w1 leads next; members complete with the group's status. */
    wt_exit_as_batch_group_leader(&F.wt, &g, WT_IO_ERROR);
    ck_assert_uint_eq(wt_writer_state(&F.w[1]), WT_STATE_GROUP_LEADER);
    ck_assert_ptr_null(WT_LOAD(&F.w[1], link_older));
    ck_assert_uint_eq(wt_writer_state(&F.w[2]), WT_STATE_COMPLETED);
    ck_assert_uint_eq(wt_writer_state(&F.w[5]), WT_STATE_COMPLETED);
    ck_assert_int_eq(WT_LOAD(&F.w[2], status), WT_IO_ERROR);
    ck_assert_int_eq(WT_LOAD(&F.w[5], status), WT_IO_ERROR);
    ck_assert_uint_eq(wt_writer_state(&F.w[3]), WT_STATE_INIT);
    ck_assert_uint_eq(wt_writer_state(&F.w[4]), WT_STATE_INIT);
    /* w1 leads next; w3 (disableWAL) and w4 (no_slowdown) still differ
     * from it, so it writes alone and they stay queued in order. */
    wt_write_group g2;
    wt_enter_as_batch_group_leader(&F.wt, &F.w[1], &g2);
    expect_group(&g2, (size_t[]){1}, 1);
    expect_list((size_t[]){4, 3, 1}, 3);
    teardown_queue();
}

START_TEST(incompatible_writers_moved_aside) { harness_run(incompatible_moved_aside, NULL); }
END_TEST

static void sync_leader_takes_non_sync(void *arg)
{
    (void)arg;
    setup_queue(1 << 20);
    push(10, true, false, false);
    push(10, false, false, false);
    push(10, true, false, false);
    wt_write_group g;
    wt_enter_as_batch_group_leader(&F.wt, &F.w[0], &g);
    expect_group(&g, (size_t[]){0, 1, 2}, 3);
    teardown_queue();
}

START_TEST(sync_leader_carries_non_sync) { harness_run(sync_leader_takes_non_sync, NULL); }
END_TEST

static void size_rules(void *arg)
{
    (void)arg;
    /* Limit 8000: a leader of <= 1000 bytes may carry 1000 bytes more. */
    setup_queue(8000);
    push(100, false, false, false);  /* w0: 116 bytes (12 + tag + 1+1 + 1+100) */
    push(400, false, false, false);  /* w1: 417 -> 533 */
    push(400, false, false, false);  /* w2: 417 -> 950 */
    push(400, false, false, false);  /* w3: 417 -> 1367 > 1116: aside */
    push(149, false, false, false);  /* w4: 166 -> 1116 <= 1116: joins */
    wt_write_group g;
    ck_assert_uint_eq(wt_batch_byte_size(&F.b[0]), 116);
    size_t bytes = wt_enter_as_batch_group_leader(&F.wt, &F.w[0], &g);
    expect_group(&g, (size_t[]){0, 1, 2, 4}, 4);
    ck_assert_uint_eq(bytes, 116 + 417 + 417 + 166);
    expect_list((size_t[]){3, 4, 2, 1, 0}, 5);

    /* A big leader (> 1/8 of the limit) may fill up to the limit. */
    setup_queue(8000);
    push(2000, false, false, false); /* w0: 2017 */
    for (int i = 0; i < 4; i++) push(1500, false, false, false); /* 1517 each */
    bytes = wt_enter_as_batch_group_leader(&F.wt, &F.w[0], &g);
    expect_group(&g, (size_t[]){0, 1, 2, 3}, 4); /* a 4th would pass 8000 */
    ck_assert_uint_eq(bytes, 2017 + 3 * 1517);
    teardown_queue();
}

START_TEST(group_size_limit_and_one_eighth_rule) { harness_run(size_rules, NULL); }
END_TEST

static void stall_fails_no_slowdown(void *arg)
{
    (void)arg;
    setup_queue(1 << 20);
    push(10, false, false, false); /* w0 leader */
    push(10, false, true, false);  /* w1 no_slowdown */
    push(10, false, false, false); /* w2 */
    push(10, false, true, false);  /* w3 no_slowdown */
    wt_begin_write_stall(&F.wt);
    ck_assert_ptr_eq(wt_newest_writer(&F.wt), &F.wt.write_stall_dummy);
    ck_assert_uint_eq(wt_writer_state(&F.w[1]), WT_STATE_COMPLETED);
    ck_assert_uint_eq(wt_writer_state(&F.w[3]), WT_STATE_COMPLETED);
    ck_assert_int_eq(WT_LOAD(&F.w[1], status), WT_INCOMPLETE);
    ck_assert_int_eq(WT_LOAD(&F.w[3], status), WT_INCOMPLETE);
    ck_assert_uint_eq(wt_writer_state(&F.w[2]), WT_STATE_INIT);
    ck_assert_ptr_eq(WT_LOAD(&F.wt.write_stall_dummy, link_older), &F.w[2]);
    ck_assert_ptr_eq(WT_LOAD(&F.w[2], link_older), &F.w[0]);
    /* A no_slowdown newcomer fails fast while the stall lasts. */
    wt_write_batch b;
    wt_batch_init(&b);
    wt_batch_put(&b, wt_slice_str("n"), wt_slice_str("v"));
    wt_writer late;
    wt_writer_init(&late, &b, (wt_writer_flags){.no_slowdown = true}, NULL);
    wt_join_batch_group(&F.wt, &late);
    ck_assert_uint_eq(wt_writer_state(&late), WT_STATE_COMPLETED);
    ck_assert_int_eq(WT_LOAD(&late, status), WT_INCOMPLETE);
    wt_end_write_stall(&F.wt);
    expect_list((size_t[]){2, 0}, 2);
    ck_assert_uint_eq(port_atomic_load_u64(&F.wt.stall_ended_count, PORT_ACQUIRE), 1);
    wt_batch_destroy(&b);
    teardown_queue();
}

START_TEST(write_stall_fails_no_slowdown_writers) { harness_run(stall_fails_no_slowdown, NULL); }
END_TEST

static void stride_wakeup(void *arg)
{
    (void)arg;
    setup_queue(1 << 20);
    for (int i = 0; i < 25; i++) push(10, false, false, false);
    wt_write_group g;
    wt_enter_as_batch_group_leader(&F.wt, &F.w[0], &g);
    ck_assert_uint_eq(g.size, 25);
    wt_launch_parallel_memtable_writers(&F.wt, &g);
    ck_assert_uint_eq(port_atomic_load_u32(&g.running, PORT_ACQUIRE), 25);
    /* stride = 5: the leader writes, members 1..4 call, the leader woke
     * members 5, 10, 15, 20; the rest wait for their caller. */
    for (int i = 0; i < 25; i++) {
        uint32_t want = i == 0 || i % 5 == 0 ? WT_STATE_PARALLEL_MEMTABLE_WRITER
                        : i < 5              ? WT_STATE_PARALLEL_MEMTABLE_CALLER
                                             : WT_STATE_INIT;
        ck_assert_msg(wt_writer_state(&F.w[i]) == want, "w%d in %s", i,
                      wt_state_name(wt_writer_state(&F.w[i])));
    }
    for (int k = 1; k < 5; k++) wt_set_mem_writers_each_stride(&F.wt, &F.w[k]);
    for (int i = 0; i < 25; i++)
        ck_assert_uint_eq(wt_writer_state(&F.w[i]), WT_STATE_PARALLEL_MEMTABLE_WRITER);
    teardown_queue();
}

START_TEST(parallel_callers_wake_by_stride) { harness_run(stride_wakeup, NULL); }
END_TEST

static void small_parallel_group(void *arg)
{
    (void)arg;
    setup_queue(1 << 20);
    for (int i = 0; i < 19; i++) push(10, false, false, false);
    wt_write_group g;
    wt_enter_as_batch_group_leader(&F.wt, &F.w[0], &g);
    wt_launch_parallel_memtable_writers(&F.wt, &g);
    /* Under 20 members the leader wakes everyone itself. */
    for (int i = 0; i < 19; i++)
        ck_assert_uint_eq(wt_writer_state(&F.w[i]), WT_STATE_PARALLEL_MEMTABLE_WRITER);
    teardown_queue();
}

START_TEST(small_group_woken_by_leader) { harness_run(small_parallel_group, NULL); }
END_TEST

/* ------------------------------------------------------ timed park (port) */

/* port_park_until, as sync_prewake_usec uses it: ended by a change of the
 * word and its wake-up, and by the deadline alone when nobody wakes it
 * (the sim would report a deadlock, a lost timeout would hang). */
typedef struct timed_park {
    port_atomic_u32 word;
    uint32_t seen;      /* the word when the parker stopped waiting */
    bool before_deadline;
} timed_park;

static void park_until_changed(void *arg)
{
    timed_park *t = arg;
    uint64_t deadline = port_now_ns() + 10ull * 1000 * 1000 * 1000; /* a guard only */
    uint32_t v;
    while ((v = port_atomic_load_u32(&t->word, PORT_ACQUIRE)) == 0 && port_now_ns() < deadline)
        port_park_until(&t->word, 0, deadline, "test:park_until");
    t->seen = v;
    t->before_deadline = port_now_ns() < deadline;
}

static void timed_park_body(void *arg)
{
    (void)arg;
    timed_park t;
    port_atomic_init_u32(&t.word, 0);
    /* A deadline in the past, and a word that differs: return at once. */
    port_park_until(&t.word, 0, port_now_ns() > 0 ? port_now_ns() - 1 : 0, "test:past");
    port_park_until(&t.word, 7, port_now_ns() + 1000ull * 1000 * 1000, "test:differs");
    ck_assert_uint_eq(port_atomic_load_u32(&t.word, PORT_ACQUIRE), 0);
    /* Nobody wakes it: the deadline ends the wait. */
    uint64_t deadline = port_now_ns() + 2 * 1000 * 1000;
    while (port_atomic_load_u32(&t.word, PORT_ACQUIRE) == 0 && port_now_ns() < deadline)
        port_park_until(&t.word, 0, deadline, "test:timeout");
    ck_assert_uint_ge(port_now_ns(), deadline);
    /* A store and a wake-up end it long before its deadline. */
    port_thread *th;
    ck_assert_int_eq(port_thread_create(&th, "parker", park_until_changed, &t), WT_OK);
    port_sleep_ns(1000 * 1000);
    port_atomic_store_u32(&t.word, 1, PORT_RELEASE);
    port_unpark(&t.word);
    port_thread_join(th);
    ck_assert_uint_eq(t.seen, 1);
    ck_assert(t.before_deadline);
}

START_TEST(timed_park_ends_by_wake_or_deadline) { harness_run(timed_park_body, NULL); }
END_TEST

/* Row i is the state 1 << i, names map both ways, and anything that is
 * not exactly one state has no row. */
START_TEST(state_table_rows_and_names)
{
    for (int i = 0; i < WT_STATE_COUNT; i++) {
        uint32_t bit = 1u << i;
        ck_assert_uint_eq(wt_state_table[i].bit, bit);
        ck_assert_int_eq(wt_state_index(bit), i);
        ck_assert_int_eq(wt_state_index_by_name(wt_state_table[i].name), i);
        ck_assert_str_eq(wt_state_name(bit), wt_state_table[i].name);
    }
    ck_assert_str_eq(wt_state_name(WT_STATE_GROUP_LEADER), "GROUP_LEADER");
    ck_assert_int_eq(wt_state_index(0), -1);
    ck_assert_int_eq(wt_state_index(WT_STATE_INIT | WT_STATE_COMPLETED), -1);
    ck_assert_int_eq(wt_state_index(1u << WT_STATE_COUNT), -1);
    ck_assert_int_eq(wt_state_index_by_name("STATE_GROUP_LEADER"), -1);
    ck_assert_str_eq(wt_state_name(0), "UNKNOWN");
}
END_TEST

START_TEST(state_transition_rule)
{
    ck_assert(wt_state_transition_legal(WT_STATE_INIT, WT_STATE_GROUP_LEADER));
    ck_assert(wt_state_transition_legal(WT_STATE_INIT, WT_STATE_LOCKED_WAITING));
    ck_assert(wt_state_transition_legal(WT_STATE_LOCKED_WAITING, WT_STATE_COMPLETED));
    ck_assert(wt_state_transition_legal(WT_STATE_GROUP_LEADER, WT_STATE_MEMTABLE_WRITER_LEADER));
    ck_assert(wt_state_transition_legal(WT_STATE_PARALLEL_MEMTABLE_CALLER,
                                        WT_STATE_PARALLEL_MEMTABLE_WRITER));
    ck_assert(!wt_state_transition_legal(WT_STATE_GROUP_LEADER, WT_STATE_INIT));
    ck_assert(!wt_state_transition_legal(WT_STATE_LOCKED_WAITING, WT_STATE_LOCKED_WAITING));
    ck_assert(!wt_state_transition_legal(WT_STATE_INIT, WT_STATE_GROUP_LEADER | WT_STATE_COMPLETED));
    ck_assert(!wt_state_transition_legal(0, WT_STATE_GROUP_LEADER));
    for (int i = 0; i < WT_STATE_COUNT; i++) /* COMPLETED is terminal */
        ck_assert(!wt_state_transition_legal(WT_STATE_COMPLETED, 1u << i));
}
END_TEST

static Suite *write_thread_suite(void)
{
    Suite *s = suite_create("write_thread");
    TCase *tc = tcase_create("groups");
    tcase_add_test(tc, compatible_writers_join);
    tcase_add_test(tc, incompatible_writers_moved_aside);
    tcase_add_test(tc, sync_leader_carries_non_sync);
    tcase_add_test(tc, group_size_limit_and_one_eighth_rule);
    tcase_add_test(tc, write_stall_fails_no_slowdown_writers);
    tcase_add_test(tc, parallel_callers_wake_by_stride);
    tcase_add_test(tc, small_group_woken_by_leader);
    suite_add_tcase(s, tc);
    TCase *park = tcase_create("park");
    tcase_add_test(park, timed_park_ends_by_wake_or_deadline);
    suite_add_tcase(s, park);
    TCase *states = tcase_create("states");
    tcase_add_test(states, state_table_rows_and_names);
    tcase_add_test(states, state_transition_rule);
    suite_add_tcase(s, states);
    return s;
}

int main(void) { return wt_run_suite(write_thread_suite()); }
