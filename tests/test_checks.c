/*
 * test_checks.c — the checks at the step, on hand-made inputs: the
 * happens-before checker (sim/port/hb.c), the writer-list walk
 * (sim/lab/queue_check.c) on lists broken on purpose, and the oracle's
 * group and memtable invariants on events fed by hand.
 */
#include <check.h>
#include <stdlib.h>
#include <stdio.h>

#include "hb.h"
#include "oracle.h"
#include "port_sim.h"
#include "queue_check.h"
#include "scheduler.h"

/* ------------------------------------------------------ happens-before */

static uint32_t cell_a, cell_b; /* their addresses are the sync objects */
static int field;               /* a plain field */

START_TEST(unordered_write_then_read_is_a_race)
{
    hb_reset();
    hb_race r;
    ck_assert(hb_access(1, &field, true, "x.c", 10, 5, &r));
    ck_assert(!hb_access(2, &field, false, "y.c", 20, 9, &r));
    ck_assert_uint_eq(r.earlier.fiber, 1);
    ck_assert(r.earlier.write);
    ck_assert_int_eq(r.earlier.line, 10);
    ck_assert_uint_eq(r.earlier.step, 5);
}
END_TEST

START_TEST(release_acquire_orders_the_accesses)
{
    hb_reset();
    hb_race r;
    ck_assert(hb_access(1, &field, true, "x.c", 10, 5, &r));
    hb_release(1, &cell_a, false);
    hb_acquire(2, &cell_a);
    ck_assert(hb_access(2, &field, false, "y.c", 20, 9, &r));
    ck_assert(hb_access(2, &field, true, "y.c", 21, 10, &r));
}
END_TEST

START_TEST(a_write_after_the_release_is_not_covered)
{
    hb_reset();
    hb_race r;
    hb_release(1, &cell_a, false);
    ck_assert(hb_access(1, &field, true, "x.c", 11, 6, &r)); /* after the release */
    hb_acquire(2, &cell_a);
    ck_assert(!hb_access(2, &field, false, "y.c", 20, 9, &r));
}
END_TEST

START_TEST(a_read_then_an_unordered_write_is_a_race)
{
    hb_reset();
    hb_race r;
    ck_assert(hb_access(2, &field, false, "y.c", 20, 3, &r));
    ck_assert(!hb_access(1, &field, true, "x.c", 10, 4, &r));
    ck_assert(!r.earlier.write);
    ck_assert_uint_eq(r.earlier.fiber, 2);
}
END_TEST

START_TEST(acquiring_another_object_does_not_order)
{
    hb_reset();
    hb_race r;
    ck_assert(hb_access(1, &field, true, "x.c", 10, 5, &r));
    hb_release(1, &cell_a, false);
    hb_acquire(2, &cell_b);
    ck_assert(!hb_access(2, &field, false, "y.c", 20, 9, &r));
}
END_TEST

START_TEST(release_sequences_and_spawn_join_order)
{
    hb_reset();
    hb_race r;
    hb_spawn(0, 1);
    hb_spawn(0, 2);
    ck_assert(hb_access(1, &field, true, "x.c", 10, 5, &r));
    hb_release(1, &cell_a, true); /* an RMW by 1 */
    hb_release(3, &cell_a, true); /* an RMW by 3 continues the sequence */
    hb_acquire(2, &cell_a);
    ck_assert(hb_access(2, &field, true, "y.c", 20, 9, &r));
    hb_join(0, 2);
    ck_assert(hb_access(0, &field, false, "z.c", 30, 12, &r));
    hb_forget(&field, sizeof field);
    ck_assert(hb_access(3, &field, true, "w.c", 40, 13, &r)); /* freed: no history */
}
END_TEST

/* ------------------------------------------------------ writer lists */

typedef struct list_case {
    int shape; /* 0: a -> b -> NULL, 1: a -> b -> a (loop), 2: a -> (heap) */
    queue_end end;
    size_t count, cycle_to;
} list_case;

static void walk_in_fiber(void *arg)
{
    list_case *c = arg;
    sched *s = sched_current();
    static write_thread wt; /* only its stall dummy's address matters */
    wt_writer a, b;
    wt_writer *heap = malloc(sizeof *heap);
    wt_writer_init(&a, NULL, (wt_writer_flags){0}, NULL);
    wt_writer_init(&b, NULL, (wt_writer_flags){0}, NULL);
    a.shared.link_older = c->shape == 2 ? heap : &b;
    b.shared.link_older = c->shape == 1 ? &a : NULL;
    queue_walk qw;
    queue_walk_from(s, &wt, &a, &qw);
    c->end = qw.end;
    c->count = qw.count;
    c->cycle_to = qw.cycle_to;
    free(heap);
}

static list_case walk(int shape)
{
    list_case c = {.shape = shape};
    sched_policy *policy = sched_policy_fifo();
    sched_config sc = {.seed = 1, .tick_ns = 1, .policy = policy};
    sched *s = sched_create(&sc);
    port_sim_run_begin();
    ck_assert_int_eq(sched_run(s, walk_in_fiber, &c), SCHED_COMPLETED);
    sched_destroy(s);
    policy->destroy(policy);
    return c;
}

START_TEST(a_list_that_ends)
{
    list_case c = walk(0);
    ck_assert_int_eq(c.end, QUEUE_END_NULL);
    ck_assert_uint_eq(c.count, 2);
}
END_TEST

START_TEST(a_loop_is_named_where_it_closes)
{
    list_case c = walk(1);
    ck_assert_int_eq(c.end, QUEUE_END_CYCLE);
    ck_assert_uint_eq(c.count, 2);
    ck_assert_uint_eq(c.cycle_to, 0);
}
END_TEST

START_TEST(a_link_outside_every_stack_stops_the_walk)
{
    list_case c = walk(2);
    ck_assert_int_eq(c.end, QUEUE_END_BAD_POINTER);
    ck_assert_uint_eq(c.count, 1);
}
END_TEST

/* ------------------------------------------------- oracle, by events */

/* Three writers of one 1-put batch each; events are fed by hand, as the
 * runner would (writer and batch indexes, the step). */
typedef struct fed {
    scenario *sc;
    oracle *o;
    oracle_violation v;
    uint64_t step;
} fed;

static void fed_init_with(fed *f, const char *options)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"name\": \"t\", \"options\": {%s}, \"writers\": ["
             "{\"name\": \"w1\", \"batches\": [{\"puts\": 1}]},"
             "{\"name\": \"w2\", \"batches\": [{\"puts\": 1}]},"
             "{\"name\": \"w3\", \"batches\": [{\"puts\": 1}]}]}",
             options);
    scenario_error err;
    f->sc = scenario_load_text("(test)", text, &err);
    ck_assert_ptr_nonnull(f->sc);
    f->o = oracle_create(f->sc);
    f->step = 0;
}

static void fed_init(fed *f)
{
    scenario_error err;
    f->sc = scenario_load_text("(test)", "{\"name\": \"t\", \"writers\": ["
                               "{\"name\": \"w1\", \"batches\": [{\"puts\": 1}]},"
                               "{\"name\": \"w2\", \"batches\": [{\"puts\": 1}]},"
                               "{\"name\": \"w3\", \"batches\": [{\"puts\": 1}]}]}",
                               &err);
    ck_assert_ptr_nonnull(f->sc);
    f->o = oracle_create(f->sc);
    f->step = 0;
}

static void fed_free(fed *f)
{
    oracle_free(f->o);
    scenario_free(f->sc);
}

/* Feeds one event of writer w (its batch 0); false on a violation. */
static bool feed(fed *f, port_event e, int w, const int *members)
{
    e.writer = (uint32_t)w;
    return oracle_on_event(f->o, &e, w, 0, ++f->step, members, &f->v);
}

static void begin_all(fed *f)
{
    for (int w = 0; w < 3; w++)
        ck_assert(feed(f, (port_event){.kind = PORT_EV_WRITE_BEGIN, .a = 10, .b = 1}, w, NULL));
}

static port_event group_of(uint32_t n, uint64_t first)
{
    return (port_event){.kind = PORT_EV_GROUP, .a = 10 * n, .b = first, .c = first + n - 1,
                        .member_count = n};
}

static void expect_violation(fed *f, bool ok, const char *invariant)
{
    ck_assert_msg(!ok, "no violation, wanted %s", invariant);
    ck_assert_str_eq(f->v.invariant, invariant);
}

START_TEST(a_second_group_before_the_first_detaches)
{
    fed f;
    fed_init(&f);
    begin_all(&f);
    static const int g1[] = {0}, g2[] = {1};
    ck_assert(feed(&f, group_of(1, 1), 0, g1));
    expect_violation(&f, feed(&f, group_of(1, 2), 1, g2), "one_leader");
    fed_free(&f);
}
END_TEST

START_TEST(groups_with_overlapping_sequences)
{
    fed f;
    fed_init(&f);
    begin_all(&f);
    static const int g1[] = {0, 1}, g2[] = {2};
    ck_assert(feed(&f, group_of(2, 1), 0, g1));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_DETACH, .a = WT_QUEUE_WRITE, .b = 2}, 0, NULL));
    expect_violation(&f, feed(&f, group_of(1, 2), 2, g2), "group_sequences");
    fed_free(&f);
}
END_TEST

START_TEST(members_of_one_group_end_differently)
{
    fed f;
    fed_init(&f);
    begin_all(&f);
    static const int g[] = {0, 1};
    ck_assert(feed(&f, group_of(2, 1), 0, g));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_STATE, .from = WT_STATE_INIT,
                                    .to = WT_STATE_COMPLETED}, 1, NULL));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_WRITE_END, .status = WT_IO_ERROR}, 1, NULL));
    expect_violation(&f, feed(&f, (port_event){.kind = PORT_EV_WRITE_END, .a = 1, .b = 1}, 0, NULL),
                     "group_status");
    fed_free(&f);
}
END_TEST

START_TEST(a_leader_returns_before_completing_a_member)
{
    fed f;
    fed_init(&f);
    begin_all(&f);
    static const int g[] = {0, 1};
    ck_assert(feed(&f, group_of(2, 1), 0, g));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_STATE, .from = WT_STATE_INIT,
                                    .to = WT_STATE_LOCKED_WAITING}, 1, NULL));
    expect_violation(&f, feed(&f, (port_event){.kind = PORT_EV_WRITE_END, .a = 1, .b = 1}, 0, NULL),
                     "group_completion");
    fed_free(&f);
}
END_TEST

START_TEST(a_memtable_flushed_under_an_insert)
{
    fed f;
    fed_init(&f);
    begin_all(&f);
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_MEM_INSERT_BEGIN, .a = 1, .b = 1, .c = 1}, 0,
                   NULL));
    expect_violation(&f, feed(&f, (port_event){.kind = PORT_EV_FLUSH_BEGIN, .a = 4, .c = 1}, -1, NULL),
                     "insert_after_flush");
    fed_free(&f);
}
END_TEST

START_TEST(an_insert_into_a_flushed_memtable)
{
    fed f;
    fed_init(&f);
    begin_all(&f);
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_FLUSH_BEGIN, .a = 4, .c = 1}, -1, NULL));
    expect_violation(&f, feed(&f, (port_event){.kind = PORT_EV_MEM_INSERT_BEGIN, .a = 1, .b = 1,
                                               .c = 1}, 0, NULL),
                     "insert_after_flush");
    fed_free(&f);
}
END_TEST

/* max_write_batch_group_size_bytes 16: a leader of 40 bytes is over the
 * cap. It still writes alone (RocksDB always admits the leader's own batch),
 * but nobody may join it. */
START_TEST(a_leader_over_the_byte_cap_writes_alone)
{
    fed f;
    fed_init_with(&f, "\"max_write_batch_group_size_bytes\": 16");
    for (int w = 0; w < 3; w++)
        ck_assert(feed(&f, (port_event){.kind = PORT_EV_WRITE_BEGIN, .a = 40, .b = 1}, w, NULL));
    static const int alone[] = {0}, pair[] = {1, 2};
    port_event g = group_of(1, 1);
    g.a = 40;
    ck_assert_msg(feed(&f, g, 0, alone), "%s", f.v.detail);
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_DETACH, .a = WT_QUEUE_WRITE, .b = 1}, 0, NULL));
    g = group_of(2, 2);
    g.a = 80;
    expect_violation(&f, feed(&f, g, 1, pair), "group_rules");
    fed_free(&f);
}
END_TEST

START_TEST(the_same_events_in_order_pass)
{
    fed f;
    fed_init(&f);
    begin_all(&f);
    static const int g1[] = {0, 1}, g2[] = {2};
    ck_assert(feed(&f, group_of(2, 1), 0, g1));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_MEM_INSERT_BEGIN, .a = 1, .b = 2, .c = 1}, 0,
                   NULL));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_MEM_INSERT_END, .a = 1, .b = 2, .c = 1}, 0,
                   NULL));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_DETACH, .a = WT_QUEUE_WRITE, .b = 2}, 0, NULL));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_STATE, .from = WT_STATE_INIT,
                                    .to = WT_STATE_COMPLETED}, 1, NULL));
    ck_assert(feed(&f, group_of(1, 3), 2, g2));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_FLUSH_BEGIN, .a = 4, .c = 1}, -1, NULL));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_WRITE_END, .a = 2}, 1, NULL));
    ck_assert(feed(&f, (port_event){.kind = PORT_EV_WRITE_END, .a = 1}, 0, NULL));
    fed_free(&f);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("checks");
    TCase *hb = tcase_create("happens-before");
    tcase_add_test(hb, unordered_write_then_read_is_a_race);
    tcase_add_test(hb, release_acquire_orders_the_accesses);
    tcase_add_test(hb, a_write_after_the_release_is_not_covered);
    tcase_add_test(hb, a_read_then_an_unordered_write_is_a_race);
    tcase_add_test(hb, acquiring_another_object_does_not_order);
    tcase_add_test(hb, release_sequences_and_spawn_join_order);
    suite_add_tcase(su, hb);
    TCase *lists = tcase_create("writer lists");
    tcase_add_test(lists, a_list_that_ends);
    tcase_add_test(lists, a_loop_is_named_where_it_closes);
    tcase_add_test(lists, a_link_outside_every_stack_stops_the_walk);
    suite_add_tcase(su, lists);
    TCase *orc = tcase_create("oracle");
    tcase_add_test(orc, a_second_group_before_the_first_detaches);
    tcase_add_test(orc, groups_with_overlapping_sequences);
    tcase_add_test(orc, a_leader_over_the_byte_cap_writes_alone);
    tcase_add_test(orc, members_of_one_group_end_differently);
    tcase_add_test(orc, a_leader_returns_before_completing_a_member);
    tcase_add_test(orc, a_memtable_flushed_under_an_insert);
    tcase_add_test(orc, an_insert_into_a_flushed_memtable);
    tcase_add_test(orc, the_same_events_in_order_pass);
    suite_add_tcase(su, orc);
    SRunner *sr = srunner_create(su);
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
