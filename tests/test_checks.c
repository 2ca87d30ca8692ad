/*
 * test_checks.c — the checks at the step, on hand-made inputs: the
 * happens-before checker (sim/port/hb.c) and the writer-list walk
 * (sim/lab/queue_check.c) on lists broken on purpose.
 */
#include <check.h>
#include <stdlib.h>

#include "hb.h"
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
    SRunner *sr = srunner_create(su);
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
