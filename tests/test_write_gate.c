/*
 * test_write_gate.c — the active-writer gate (write_gate.c; the wtlab
 * option max_active_writers), in both builds: at most `limit` callers are
 * ever inside; every caller gets in and out (no lost admission), whether
 * the waiters are admitted by hand-offs (a called waiter given a slot at
 * an exit, or taking a free one when no exit comes) or, when the writers
 * inside leave for good, by the waiters' own re-check; an off gate does
 * nothing.
 *
 * Method: T threads each enter and leave the gate R times; inside, a
 * thread counts itself in `inside`, records the largest count seen and
 * yields (so that the others run and find the gate full).  The sim build
 * runs it under its deterministic scheduler; the pthreads build on the
 * machine's cores.
 */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "write_gate.h"

enum { MAX_T = 8 };

typedef struct gate_case {
    uint32_t limit, handoff, threads;
    unsigned rounds[MAX_T]; /* enters of each thread */
    bool calls;             /* the sim run must call waiters (hand-offs) */
    uint64_t inside_ns;     /* a writer inside sleeps this long (0: yields) */
} gate_case;

typedef struct gate_run {
    write_gate gate;
    const gate_case *c;
    port_atomic_u32 inside, max_inside, done;
    port_atomic_u64 waited;
} gate_run;

typedef struct worker_arg {
    gate_run *run;
    unsigned rounds;
} worker_arg;

static void worker(void *p)
{
    worker_arg *a = p;
    gate_run *r = a->run;
    for (unsigned i = 0; i < a->rounds; i++) {
        if (write_gate_enter(&r->gate)) port_atomic_fetch_add_u64(&r->waited, 1, PORT_RELAXED);
        uint32_t n = port_atomic_fetch_add_u32(&r->inside, 1, PORT_SEQ_CST) + 1;
        uint32_t m = port_atomic_load_u32(&r->max_inside, PORT_RELAXED);
        while (n > m && !port_atomic_cas_u32(&r->max_inside, &m, n, PORT_RELAXED)) {
        }
        if (r->c->inside_ns > 0)
            port_sleep_ns(r->c->inside_ns);
        else
            port_yield();
        port_atomic_fetch_sub_u32(&r->inside, 1, PORT_SEQ_CST);
        write_gate_leave(&r->gate);
        port_atomic_fetch_add_u32(&r->done, 1, PORT_RELAXED);
    }
}

static void run_case(void *p)
{
    const gate_case *c = p;
    static gate_run r;
    memset(&r, 0, sizeof r);
    r.c = c;
    write_gate_init(&r.gate, c->limit, c->handoff);
    port_thread *th[MAX_T];
    worker_arg args[MAX_T];
    unsigned total = 0;
    for (uint32_t i = 0; i < c->threads; i++) {
        args[i] = (worker_arg){&r, c->rounds[i]};
        total += c->rounds[i];
        ck_assert_int_eq(port_thread_create(&th[i], "gate-worker", worker, &args[i]), WT_OK);
    }
    for (uint32_t i = 0; i < c->threads; i++) port_thread_join(th[i]);
    ck_assert_uint_eq(port_atomic_load_u32(&r.done, PORT_RELAXED), total);
    ck_assert_uint_eq(port_atomic_load_u32(&r.inside, PORT_RELAXED), 0);
    uint32_t max = port_atomic_load_u32(&r.max_inside, PORT_RELAXED);
    uint64_t waited = port_atomic_load_u64(&r.waited, PORT_RELAXED);
    ck_assert_uint_eq(waited, port_atomic_load_u64(&r.gate.waits, PORT_RELAXED));
    if (c->limit == 0) {
        ck_assert_uint_eq(waited, 0);
    } else {
        ck_assert_msg(max <= c->limit, "%u inside a gate of %u", max, c->limit);
        /* In the sim every yield inside lets the others run and find the
         * gate full; on real cores that is likely but not certain. */
        if (harness_is_sim()) ck_assert_uint_gt(waited, 0);
        uint64_t calls = port_atomic_load_u64(&r.gate.calls, PORT_RELAXED);
        ck_assert_uint_le(calls, waited);
        if (harness_is_sim() && c->calls) ck_assert_uint_gt(calls, 0);
    }
    write_gate_destroy(&r.gate);
}

/* One writer inside at a time; each exit while others wait hands the slot on. */
static const gate_case one_by_one = {1, 1, 6, {40, 40, 40, 40, 40, 40}, true};
/* Two inside; every third exit hands its slot on. */
static const gate_case two_every_third = {2, 3, 6, {60, 60, 60, 60, 60, 60}, true};
/* The option's default hand-off with more threads than slots. */
static const gate_case three_default = {3, 128, 8, {200, 200, 200, 200, 200, 200, 200, 200}, true};
/* Writers that leave for good while others wait, and a hand-off that never
 * comes (every 1000th exit): the waiters get in by their own re-check. */
static const gate_case leave_for_good = {1, 1000, 4, {1, 2, 3, 4}, false};
/* Every writer writes once: each exit calls the oldest waiter and leaves
 * for good, so no exit gives the called waiter a slot; it takes the free
 * one itself once any exit would do (write_gate.c, "Hand-offs"). */
static const gate_case called_take_free_slot = {1, 1, 5, {1, 1, 1, 1, 1}, true};
/* The writer inside stays 1 ms (a write stall, say): a called waiter that
 * no exit serves for a while parks between its looks and is woken by the
 * exit that gives it the slot. */
static const gate_case called_naps_while_inside_waits = {1, 1, 2, {4, 4}, true, 1000000};
/* Off: nobody waits, several inside at once are fine. */
static const gate_case off = {0, 0, 4, {50, 50, 50, 50}, false};

START_TEST(one_inside_hands_off_each_exit) { harness_run(run_case, (void *)&one_by_one); }
END_TEST
START_TEST(two_inside_hand_off_every_third_exit) { harness_run(run_case, (void *)&two_every_third); }
END_TEST
START_TEST(three_inside_default_handoff) { harness_run(run_case, (void *)&three_default); }
END_TEST
START_TEST(waiters_admitted_when_writers_leave_for_good) { harness_run(run_case, (void *)&leave_for_good); }
END_TEST
START_TEST(called_waiter_takes_a_free_slot) { harness_run(run_case, (void *)&called_take_free_slot); }
END_TEST
START_TEST(called_waiter_naps_while_no_exit_comes)
{
    harness_run(run_case, (void *)&called_naps_while_inside_waits);
}
END_TEST
START_TEST(off_gate_admits_everyone) { harness_run(run_case, (void *)&off); }
END_TEST

static Suite *write_gate_suite(void)
{
    Suite *s = suite_create("write_gate");
    TCase *tc = tcase_create("gate");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, one_inside_hands_off_each_exit);
    tcase_add_test(tc, two_inside_hand_off_every_third_exit);
    tcase_add_test(tc, three_inside_default_handoff);
    tcase_add_test(tc, waiters_admitted_when_writers_leave_for_good);
    tcase_add_test(tc, called_waiter_takes_a_free_slot);
    tcase_add_test(tc, called_waiter_naps_while_no_exit_comes);
    tcase_add_test(tc, off_gate_admits_everyone);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return wt_run_suite(write_gate_suite()); }
