/*
 * test_fiber.c — Check suite for sim/port/fiber.c (suite "sim", module "fiber").
 *
 * Goal: the hand-written context switch keeps every fiber's control flow,
 * registers, FP control state and stack intact; finished fibers go to their
 * exit target; stacks are reused by fiber_reset; the high-water scan and
 * the guard page work.  The suite must also pass under ASan+UBSan (gcc and
 * clang) and under valgrind with CK_FORK=no, which is how the sanitizer
 * annotations in fiber.c are exercised.
 *
 * Method: fibers only record what they see into plain structs; every
 * ck_assert runs on the thread context after control came back.  (A failed
 * ck_assert longjmps in CK_FORK=no mode, and a longjmp from a fiber stack to
 * the thread stack would be undefined.)  Orders of events are checked
 * against logs; values computed across switches are compared with the same
 * computation done without switches.
 */
#define _DEFAULT_SOURCE /* sigaltstack, SA_ONSTACK under _POSIX_C_SOURCE */

#include "fiber.h"

#include "check_main.h"

#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifndef TEST_ASAN
#define TEST_ASAN 0
#endif

#if TEST_ASAN
/* Set by ASan's runtime from ASAN_OPTIONS.  With it on, locals whose
 * address is taken live on ASan's fake stack, not on the fiber's. */
extern int __asan_option_detect_stack_use_after_return;
static bool locals_on_fake_stack(void)
{
    return __asan_option_detect_stack_use_after_return != 0;
}
#else
static bool locals_on_fake_stack(void)
{
    return false;
}
#endif

enum {
    TEST_STACK_BYTES = 256 * 1024,
    TEST_DEEP_STACK_BYTES = 1024 * 1024,
};

/* --- ping-pong ---------------------------------------------------------- */

enum { PING_PONG_ROUNDS = 1000 };

typedef struct ping_pong {
    fiber *main;
    fiber *self;
    int value;                       /* written by both sides in turn */
    int seen[PING_PONG_ROUNDS];      /* what the fiber read each round */
    int rounds_seen;
    fiber *current_in_fiber;         /* fiber_current() as seen inside */
} ping_pong;

static void ping_pong_fn(void *arg)
{
    ping_pong *p = arg;
    p->current_in_fiber = fiber_current();
    for (int i = 0; i < PING_PONG_ROUNDS; i++) {
        p->seen[p->rounds_seen++] = p->value;
        p->value = p->value * 2 + 1;
        fiber_switch(p->self, p->main);
    }
}

START_TEST(test_ping_pong)
{
    static ping_pong p;
    memset(&p, 0, sizeof p);
    p.main = fiber_thread_context();
    ck_assert_ptr_eq(fiber_current(), p.main);
    p.self = fiber_create(TEST_STACK_BYTES, ping_pong_fn, &p);
    ck_assert_ptr_nonnull(p.self);
    for (int i = 0; i < PING_PONG_ROUNDS; i++) {
        p.value = i;
        fiber_switch(p.main, p.self);
        ck_assert_int_eq(p.rounds_seen, i + 1);
        ck_assert_int_eq(p.seen[i], i);
        ck_assert_int_eq(p.value, 2 * i + 1);
        ck_assert(!fiber_is_finished(p.self));
    }
    /* One more switch lets the loop end: fn returns to the thread. */
    fiber_switch(p.main, p.self);
    ck_assert(fiber_is_finished(p.self));
    ck_assert_ptr_eq(p.current_in_fiber, p.self);
    ck_assert_ptr_eq(fiber_current(), p.main);
    fiber_destroy(p.self);
}
END_TEST

/* --- round robin through a scheduler ------------------------------------ */

enum { RR_FIBERS = 64, RR_ROUNDS = 50 };

typedef struct round_robin {
    fiber *main;
    fiber *fibers[RR_FIBERS];
    int log[RR_FIBERS * RR_ROUNDS];  /* fiber index, in order of running */
    int log_len;
} round_robin;

typedef struct rr_member {
    round_robin *rr;
    int index;
} rr_member;

static void rr_fn(void *arg)
{
    rr_member *m = arg;
    for (int round = 0; round < RR_ROUNDS; round++) {
        m->rr->log[m->rr->log_len++] = m->index;
        if (round + 1 < RR_ROUNDS) {
            fiber_switch(m->rr->fibers[m->index], m->rr->main);
        }
    }
}

START_TEST(test_round_robin)
{
    static round_robin rr;
    static rr_member members[RR_FIBERS];
    memset(&rr, 0, sizeof rr);
    rr.main = fiber_thread_context();
    for (int i = 0; i < RR_FIBERS; i++) {
        members[i] = (rr_member){ .rr = &rr, .index = i };
        rr.fibers[i] = fiber_create(TEST_STACK_BYTES, rr_fn, &members[i]);
        ck_assert_ptr_nonnull(rr.fibers[i]);
    }
    for (int round = 0; round < RR_ROUNDS; round++) {
        for (int i = 0; i < RR_FIBERS; i++) {
            fiber_switch(rr.main, rr.fibers[i]);
            ck_assert_int_eq(rr.log_len, round * RR_FIBERS + i + 1);
        }
    }
    for (int k = 0; k < RR_FIBERS * RR_ROUNDS; k++) {
        ck_assert_int_eq(rr.log[k], k % RR_FIBERS);
    }
    for (int i = 0; i < RR_FIBERS; i++) {
        ck_assert(fiber_is_finished(rr.fibers[i]));
        fiber_destroy(rr.fibers[i]);
    }
}
END_TEST

/* --- a token ring: fibers switch to each other directly ------------------ */

enum { RING_FIBERS = 8, RING_LAPS = 100 };

typedef struct ring {
    fiber *fibers[RING_FIBERS];
    int log[RING_FIBERS * RING_LAPS];
    int log_len;
} ring;

typedef struct ring_member {
    ring *r;
    int index;
} ring_member;

/* Each lap passes the token to the next fiber.  On the last lap a fiber
 * returns instead, and its exit target (the next fiber, or the thread for
 * the last one) takes over: the exit path carries the token. */
static void ring_fn(void *arg)
{
    ring_member *m = arg;
    fiber *self = m->r->fibers[m->index];
    fiber *next = m->r->fibers[(m->index + 1) % RING_FIBERS];
    for (int lap = 0; lap < RING_LAPS; lap++) {
        m->r->log[m->r->log_len++] = lap * RING_FIBERS + m->index;
        if (lap + 1 < RING_LAPS) {
            fiber_switch(self, next);
        }
    }
}

START_TEST(test_ring_exit_targets)
{
    static ring r;
    static ring_member members[RING_FIBERS];
    memset(&r, 0, sizeof r);
    fiber *main = fiber_thread_context();
    for (int i = 0; i < RING_FIBERS; i++) {
        members[i] = (ring_member){ .r = &r, .index = i };
        r.fibers[i] = fiber_create(TEST_STACK_BYTES, ring_fn, &members[i]);
        ck_assert_ptr_nonnull(r.fibers[i]);
    }
    for (int i = 0; i + 1 < RING_FIBERS; i++) {
        fiber_set_exit_target(r.fibers[i], r.fibers[i + 1]);
    }
    fiber_switch(main, r.fibers[0]);
    ck_assert_int_eq(r.log_len, RING_FIBERS * RING_LAPS);
    for (int k = 0; k < RING_FIBERS * RING_LAPS; k++) {
        ck_assert_int_eq(r.log[k], k);
    }
    for (int i = 0; i < RING_FIBERS; i++) {
        ck_assert(fiber_is_finished(r.fibers[i]));
        fiber_destroy(r.fibers[i]);
    }
}
END_TEST

/* --- exit target: a suspended fiber and the default --------------------- */

typedef struct exit_probe {
    fiber *main;
    fiber *waiter;
    fiber *finisher;
    char log[8];
    int log_len;
} exit_probe;

static void waiter_fn(void *arg)
{
    exit_probe *e = arg;
    e->log[e->log_len++] = 'w';
    fiber_switch(e->waiter, e->main);
    /* Resumed by the finisher's exit, not by a fiber_switch to us. */
    e->log[e->log_len++] = 'W';
}

static void finisher_fn(void *arg)
{
    exit_probe *e = arg;
    e->log[e->log_len++] = 'f';
}

START_TEST(test_exit_target)
{
    static exit_probe e;
    memset(&e, 0, sizeof e);
    e.main = fiber_thread_context();
    e.waiter = fiber_create(TEST_STACK_BYTES, waiter_fn, &e);
    e.finisher = fiber_create(TEST_STACK_BYTES, finisher_fn, &e);
    ck_assert_ptr_nonnull(e.waiter);
    ck_assert_ptr_nonnull(e.finisher);
    fiber_switch(e.main, e.waiter);
    ck_assert_str_eq(e.log, "w");
    fiber_set_exit_target(e.finisher, e.waiter);
    fiber_switch(e.main, e.finisher);
    /* finisher returned into waiter, which returned to its default target,
     * the thread context. */
    ck_assert_str_eq(e.log, "wfW");
    ck_assert(fiber_is_finished(e.finisher));
    ck_assert(fiber_is_finished(e.waiter));
    /* The exit target can be pointed back at the thread. */
    fiber_reset(e.finisher, finisher_fn, &e);
    fiber_set_exit_target(e.finisher, e.main);
    fiber_switch(e.main, e.finisher);
    ck_assert_str_eq(e.log, "wfWf");
    fiber_destroy(e.finisher);
    fiber_destroy(e.waiter);
}
END_TEST

/* --- reset and rerun; abandon mid-run ------------------------------------ */

enum { RESET_RUNS = 1000 };

typedef struct rerun {
    fiber *main;
    fiber *self;
    int finished_runs;
    int started_runs;
    uintptr_t frame_address;  /* the entry frame of the latest run */
    int *escaped_local;       /* a local of the abandoned run */
} rerun;

static void rerun_fn(void *arg)
{
    rerun *r = arg;
    r->started_runs++;
    r->frame_address = (uintptr_t)__builtin_frame_address(0);
    r->finished_runs++;
}

/* Keeps a pointer to a local of a suspended frame.  Under ASan with
 * detect_stack_use_after_return=1 such a local lives on the fiber's fake
 * stack, so abandoning the fiber must still free that fake stack. */
static __attribute__((noinline)) void remember_local(rerun *r, int *local)
{
    r->escaped_local = local;
}

/* Stops halfway; the test resets it without ever resuming it. */
static void abandoned_fn(void *arg)
{
    rerun *r = arg;
    int local = r->started_runs++;
    remember_local(r, &local);
    r->frame_address = (uintptr_t)__builtin_frame_address(0);
    fiber_switch(r->self, r->main);
    r->finished_runs += local >= 0; /* never reached */
}

START_TEST(test_reset_rerun)
{
    static rerun r;
    memset(&r, 0, sizeof r);
    r.main = fiber_thread_context();
    r.self = fiber_create(TEST_STACK_BYTES, rerun_fn, &r);
    ck_assert_ptr_nonnull(r.self);
    uintptr_t first_frame = 0;
    for (int run = 0; run < RESET_RUNS; run++) {
        if (run > 0) {
            fiber_reset(r.self, rerun_fn, &r);
        }
        ck_assert(!fiber_is_finished(r.self));
        fiber_switch(r.main, r.self);
        ck_assert(fiber_is_finished(r.self));
        if (run == 0) {
            first_frame = r.frame_address;
        }
        /* Same stack, same first frame: the stack is reused as laid. */
        ck_assert_uint_eq(r.frame_address, first_frame);
    }
    ck_assert_int_eq(r.started_runs, RESET_RUNS);
    ck_assert_int_eq(r.finished_runs, RESET_RUNS);
    fiber_destroy(r.self);
}
END_TEST

/* Virtual memory size of this process in KiB, or 0 if unknown. */
static unsigned long vm_size_kib(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    if (status == NULL) {
        return 0;
    }
    char line[256];
    unsigned long kib = 0;
    while (fgets(line, sizeof line, status) != NULL) {
        if (sscanf(line, "VmSize: %lu kB", &kib) == 1) {
            break;
        }
    }
    fclose(status);
    return kib;
}

START_TEST(test_reset_abandoned)
{
    static rerun r;
    memset(&r, 0, sizeof r);
    r.main = fiber_thread_context();
    r.self = fiber_create(TEST_STACK_BYTES, abandoned_fn, &r);
    ck_assert_ptr_nonnull(r.self);
    unsigned long vm_before_kib = vm_size_kib();
    for (int run = 0; run < RESET_RUNS; run++) {
        /* Alternate abandoned runs with complete ones on the same stack. */
        void (*fn)(void *) = run % 2 == 0 ? abandoned_fn : rerun_fn;
        if (run > 0) {
            fiber_reset(r.self, fn, &r);
        }
        fiber_switch(r.main, r.self);
        ck_assert(fiber_is_finished(r.self) == (run % 2 == 1));
    }
    ck_assert_int_eq(r.started_runs, RESET_RUNS);
    ck_assert_int_eq(r.finished_runs, RESET_RUNS / 2);
    if (locals_on_fake_stack() && vm_before_kib != 0) {
        /* Each abandoned run had a fake stack of a few MiB; had resets not
         * freed them, 500 of them would have grown the mapping by GiBs. */
        ck_assert_uint_lt(vm_size_kib() - vm_before_kib, 256 * 1024);
    }
    /* Destroying a fiber suspended mid-run is allowed too. */
    fiber_reset(r.self, abandoned_fn, &r);
    fiber_switch(r.main, r.self);
    ck_assert(!fiber_is_finished(r.self));
    fiber_destroy(r.self);
}
END_TEST

/* --- callee-saved registers --------------------------------------------- */

/* Puts distinct values derived from seed in the callee-saved registers
 * (bound with register variables, so they are in those registers at the
 * empty asm statements and, being live across the call, stay there),
 * switches away, and reports what the registers hold once resumed.  rbp and
 * x29 are left out: they may be the frame pointer. */
#if defined(__x86_64__)
enum { PROBE_REGS = 5 };

static __attribute__((noinline)) void callee_saved_probe(
    fiber *from, fiber *to, uint64_t seed, uint64_t out[PROBE_REGS])
{
    register uint64_t rbx __asm__("rbx") = seed + 1;
    register uint64_t r12 __asm__("r12") = seed + 2;
    register uint64_t r13 __asm__("r13") = seed + 3;
    register uint64_t r14 __asm__("r14") = seed + 4;
    register uint64_t r15 __asm__("r15") = seed + 5;
    __asm__ volatile("" : "+r"(rbx), "+r"(r12), "+r"(r13), "+r"(r14),
                     "+r"(r15));
    fiber_switch(from, to);
    __asm__ volatile("" : "+r"(rbx), "+r"(r12), "+r"(r13), "+r"(r14),
                     "+r"(r15));
    uint64_t seen[PROBE_REGS] = { rbx, r12, r13, r14, r15 };
    memcpy(out, seen, sizeof seen);
}
#elif defined(__aarch64__)
enum { PROBE_REGS = 18 };

static __attribute__((noinline)) void callee_saved_probe(
    fiber *from, fiber *to, uint64_t seed, uint64_t out[PROBE_REGS])
{
    register uint64_t x19 __asm__("x19") = seed + 1;
    register uint64_t x20 __asm__("x20") = seed + 2;
    register uint64_t x21 __asm__("x21") = seed + 3;
    register uint64_t x22 __asm__("x22") = seed + 4;
    register uint64_t x23 __asm__("x23") = seed + 5;
    register uint64_t x24 __asm__("x24") = seed + 6;
    register uint64_t x25 __asm__("x25") = seed + 7;
    register uint64_t x26 __asm__("x26") = seed + 8;
    register uint64_t x27 __asm__("x27") = seed + 9;
    register uint64_t x28 __asm__("x28") = seed + 10;
    register double d8 __asm__("d8") = (double)(seed + 11);
    register double d9 __asm__("d9") = (double)(seed + 12);
    register double d10 __asm__("d10") = (double)(seed + 13);
    register double d11 __asm__("d11") = (double)(seed + 14);
    register double d12 __asm__("d12") = (double)(seed + 15);
    register double d13 __asm__("d13") = (double)(seed + 16);
    register double d14 __asm__("d14") = (double)(seed + 17);
    register double d15 __asm__("d15") = (double)(seed + 18);
    /* Two statements: "+" operands count twice against the limit of 30. */
#define PROBE_X_OPERANDS                                                    \
    "+r"(x19), "+r"(x20), "+r"(x21), "+r"(x22), "+r"(x23), "+r"(x24),      \
        "+r"(x25), "+r"(x26), "+r"(x27), "+r"(x28)
#define PROBE_D_OPERANDS                                                    \
    "+w"(d8), "+w"(d9), "+w"(d10), "+w"(d11), "+w"(d12), "+w"(d13),        \
        "+w"(d14), "+w"(d15)
    __asm__ volatile("" : PROBE_X_OPERANDS);
    __asm__ volatile("" : PROBE_D_OPERANDS);
    fiber_switch(from, to);
    __asm__ volatile("" : PROBE_X_OPERANDS);
    __asm__ volatile("" : PROBE_D_OPERANDS);
#undef PROBE_X_OPERANDS
#undef PROBE_D_OPERANDS
    uint64_t seen[PROBE_REGS] = {
        x19, x20, x21, x22, x23, x24, x25, x26, x27, x28,
        (uint64_t)d8, (uint64_t)d9, (uint64_t)d10, (uint64_t)d11,
        (uint64_t)d12, (uint64_t)d13, (uint64_t)d14, (uint64_t)d15,
    };
    memcpy(out, seen, sizeof seen);
}
#else
enum { PROBE_REGS = 1 };

static void callee_saved_probe(fiber *from, fiber *to, uint64_t seed,
                               uint64_t out[PROBE_REGS])
{
    fiber_switch(from, to);
    out[0] = seed + 1;
}
#endif

typedef struct probe_pair {
    fiber *main;
    fiber *self;
    uint64_t seen_in_fiber[PROBE_REGS];
} probe_pair;

static void probe_fn(void *arg)
{
    probe_pair *p = arg;
    callee_saved_probe(p->self, p->main, 2000, p->seen_in_fiber);
}

START_TEST(test_callee_saved_registers)
{
    static probe_pair p;
    memset(&p, 0, sizeof p);
    p.main = fiber_thread_context();
    p.self = fiber_create(TEST_STACK_BYTES, probe_fn, &p);
    ck_assert_ptr_nonnull(p.self);
    uint64_t seen_in_main[PROBE_REGS];
    /* main loads 1000+i and leaves; the fiber loads 2000+i and leaves;
     * main checks its values; the fiber resumes and records its own. */
    callee_saved_probe(p.main, p.self, 1000, seen_in_main);
    fiber_switch(p.main, p.self);
    ck_assert(fiber_is_finished(p.self));
    for (int i = 0; i < PROBE_REGS; i++) {
        ck_assert_uint_eq(seen_in_main[i], 1000 + i + 1);
        ck_assert_uint_eq(p.seen_in_fiber[i], 2000 + i + 1);
    }
    fiber_destroy(p.self);
}
END_TEST

/* --- floating point ------------------------------------------------------ */

#if defined(__x86_64__)
/* The two rounding-control fields the x86-64 switch saves separately:
 * MXCSR.RC (SSE arithmetic) and the x87 control word's RC. */
static unsigned sse_rounding_bits(void)
{
    uint32_t mxcsr;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    return (mxcsr >> 13) & 3u;
}

static unsigned x87_rounding_bits(void)
{
    uint16_t fcw;
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    return (fcw >> 10) & 3u;
}
#else
static unsigned sse_rounding_bits(void) { return 0; }
static unsigned x87_rounding_bits(void) { return 0; }
#endif

typedef struct fp_probe {
    fiber *main;
    fiber *self;
    int round_first;          /* fegetround() right after fesetround */
    int round_after_switch;   /* fegetround() after a round trip */
    unsigned sse_after, x87_after;
    long half_first;          /* lrint(0.5) in FE_UPWARD: 1 */
    long half_after;          /* the same, after the switch */
    double third_first;       /* 1/3 in the fiber's mode, before */
    double third_after;       /* the same, after the switch */
    int round_at_entry;       /* fegetround() first thing in a run */
} fp_probe;

static volatile double fp_one = 1.0;
static volatile double fp_three = 3.0;
static volatile double fp_half = 0.5;

/* Out of line, so the compiler (which assumes a constant FP environment
 * without -frounding-math) cannot move them across fesetround or a
 * switch. */
static __attribute__((noinline)) double fp_third(void)
{
    return fp_one / fp_three;
}

/* 0 in round-to-nearest (ties to even), 1 in FE_UPWARD.  A conversion,
 * because valgrind honours the SSE rounding mode there but not in
 * arithmetic. */
static __attribute__((noinline)) long fp_round_half(void)
{
    return lrint(fp_half);
}

static void fp_fn(void *arg)
{
    fp_probe *p = arg;
    p->round_at_entry = fegetround();
    fesetround(FE_UPWARD);
    p->round_first = fegetround();
    p->half_first = fp_round_half();
    p->third_first = fp_third();
    fiber_switch(p->self, p->main);
    p->round_after_switch = fegetround();
    p->sse_after = sse_rounding_bits();
    p->x87_after = x87_rounding_bits();
    p->half_after = fp_round_half();
    p->third_after = fp_third();
}

START_TEST(test_fp_rounding_is_per_fiber)
{
    static fp_probe p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(fegetround(), FE_TONEAREST);
    p.main = fiber_thread_context();
    p.self = fiber_create(TEST_STACK_BYTES, fp_fn, &p);
    ck_assert_ptr_nonnull(p.self);
    fiber_switch(p.main, p.self);
    /* The fiber's FE_UPWARD did not leak into the thread. */
    ck_assert_int_eq(p.round_at_entry, FE_TONEAREST);
    ck_assert_int_eq(p.round_first, FE_UPWARD);
    ck_assert_int_eq(fegetround(), FE_TONEAREST);
    ck_assert_uint_eq(sse_rounding_bits(), 0);
    ck_assert_uint_eq(x87_rounding_bits(), 0);
    ck_assert_int_eq(p.half_first, 1);
    ck_assert_int_eq(fp_round_half(), 0);
    fiber_switch(p.main, p.self);
    /* And the thread's mode did not leak into the fiber. */
    ck_assert_int_eq(p.round_after_switch, FE_UPWARD);
#if defined(__x86_64__)
    ck_assert_uint_eq(p.sse_after, 2); /* RC = 10b: round up */
    ck_assert_uint_eq(p.x87_after, 2);
#endif
    ck_assert_int_eq(p.half_after, 1);
    ck_assert(p.third_after == p.third_first);
    ck_assert(fiber_is_finished(p.self));

    /* A run inherits the FP control in force when fiber_reset was called. */
    ck_assert_int_eq(fesetround(FE_DOWNWARD), 0);
    fiber_reset(p.self, fp_fn, &p);
    ck_assert_int_eq(fesetround(FE_TONEAREST), 0);
    fiber_switch(p.main, p.self);
    ck_assert_int_eq(p.round_at_entry, FE_DOWNWARD);
    ck_assert_int_eq(fegetround(), FE_TONEAREST);
    fiber_destroy(p.self); /* suspended mid-run */
}
END_TEST

enum { SERIES_TERMS = 2000 };

/* Four running values per side, all live across every switch, so the
 * compiler keeps them in callee-saved FP registers where there are any
 * (d8-d15 on AArch64) or spills them (x86-64 has none): either way a
 * switch that lost or mixed them changes the results. */
typedef struct series4 {
    double a, b, c, d;
} series4;

static void series_step(series4 *s, int k, double bias)
{
    double x = (double)k + bias;
    s->a += 1.0 / x;
    s->b += 1.0 / (x * x);
    s->c *= 1.0 + bias * 1e-7;
    s->d += s->c / x;
}

typedef struct series {
    fiber *main;
    fiber *self;
    series4 fiber_result;
} series;

static void series_fn(void *arg)
{
    series *s = arg;
    double a = 0.0, b = 0.0, c = 1.0, d = 0.0;
    for (int k = 1; k <= SERIES_TERMS; k++) {
        double x = (double)k + 0.25;
        a += 1.0 / x;
        b += 1.0 / (x * x);
        c *= 1.0 + 0.25 * 1e-7;
        d += c / x;
        fiber_switch(s->self, s->main);
    }
    s->fiber_result = (series4){ a, b, c, d };
}

START_TEST(test_fp_values_across_switches)
{
    static series s;
    memset(&s, 0, sizeof s);
    s.main = fiber_thread_context();
    s.self = fiber_create(TEST_STACK_BYTES, series_fn, &s);
    ck_assert_ptr_nonnull(s.self);
    series4 expect_fiber = { 0.0, 0.0, 1.0, 0.0 };
    series4 expect_main = { 0.0, 0.0, 1.0, 0.0 };
    for (int k = 1; k <= SERIES_TERMS; k++) {
        series_step(&expect_fiber, k, 0.25);
        series_step(&expect_main, k, 0.75);
    }
    double a = 0.0, b = 0.0, c = 1.0, d = 0.0;
    for (int k = 1; k <= SERIES_TERMS; k++) {
        double x = (double)k + 0.75;
        a += 1.0 / x;
        b += 1.0 / (x * x);
        c *= 1.0 + 0.75 * 1e-7;
        d += c / x;
        fiber_switch(s.main, s.self);
    }
    fiber_switch(s.main, s.self); /* lets the loop end and the fiber return */
    ck_assert(fiber_is_finished(s.self));
    ck_assert(s.fiber_result.a == expect_fiber.a);
    ck_assert(s.fiber_result.b == expect_fiber.b);
    ck_assert(s.fiber_result.c == expect_fiber.c);
    ck_assert(s.fiber_result.d == expect_fiber.d);
    ck_assert(a == expect_main.a);
    ck_assert(b == expect_main.b);
    ck_assert(c == expect_main.c);
    ck_assert(d == expect_main.d);
    fiber_destroy(s.self);
}
END_TEST

/* --- deep recursion and stack high water --------------------------------- */

enum { RECURSION_FRAME_BYTES = 1024 };

/* Non-tail recursion over a written buffer in every frame, so each level
 * really takes and touches about RECURSION_FRAME_BYTES of stack. */
static uint64_t recurse(int depth)
{
    volatile unsigned char buf[RECURSION_FRAME_BYTES];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (unsigned char)(depth + (int)i);
    }
    uint64_t below = depth > 1 ? recurse(depth - 1) : 0;
    return below + buf[0] + buf[sizeof buf - 1];
}

static uint64_t recurse_expected(int depth)
{
    uint64_t sum = 0;
    for (int d = 1; d <= depth; d++) {
        sum += (unsigned char)d;
        sum += (unsigned char)(d + RECURSION_FRAME_BYTES - 1);
    }
    return sum;
}

typedef struct deep {
    int depth;
    uint64_t result;
} deep;

static void deep_fn(void *arg)
{
    deep *d = arg;
    d->result = recurse(d->depth);
}

START_TEST(test_deep_recursion)
{
    /* About 60% of the stack in the plain build; ASan's redzones add a
     * little per frame and it still fits. */
    static deep d = { .depth = 600 };
    fiber *f = fiber_create(TEST_DEEP_STACK_BYTES, deep_fn, &d);
    ck_assert_ptr_nonnull(f);
    fiber_switch(fiber_thread_context(), f);
    ck_assert(fiber_is_finished(f));
    ck_assert_uint_eq(d.result, recurse_expected(d.depth));
    fiber_destroy(f);
}
END_TEST

static void nothing_fn(void *arg)
{
    (void)arg;
}

START_TEST(test_stack_high_water)
{
    fiber *main = fiber_thread_context();
    fiber *untracked = fiber_create(TEST_STACK_BYTES, nothing_fn, NULL);
    ck_assert_ptr_nonnull(untracked);
    fiber_track_high_water(true);
    static deep d = { .depth = 64 };
    fiber *f = fiber_create(TEST_STACK_BYTES, deep_fn, &d);
    fiber_track_high_water(false);
    ck_assert_ptr_nonnull(f);

    size_t laid = fiber_stack_high_water(f);
    ck_assert_uint_gt(laid, 0);       /* the first frame */
    ck_assert_uint_le(laid, 256);
    fiber_switch(main, f);
    size_t deep_use = fiber_stack_high_water(f);
    if (!locals_on_fake_stack()) {
        ck_assert_uint_ge(deep_use, (size_t)d.depth * RECURSION_FRAME_BYTES);
    }
    ck_assert_uint_gt(deep_use, laid);
    ck_assert_uint_lt(deep_use, (size_t)d.depth * RECURSION_FRAME_BYTES * 2);

    /* The mark is the deepest since creation: a shallow run keeps it. */
    fiber_reset(f, nothing_fn, NULL);
    fiber_switch(main, f);
    ck_assert_uint_eq(fiber_stack_high_water(f), deep_use);

    fiber_switch(main, untracked);
    ck_assert_uint_eq(fiber_stack_high_water(untracked), 0);
    fiber_destroy(untracked);
    fiber_destroy(f);
}
END_TEST

/* --- guard page ---------------------------------------------------------- */

enum {
    GUARD_STACK_BYTES = 64 * 1024,  /* a page multiple: the stack is exact */
    GUARD_EXIT_IN_GUARD = 42,       /* the fault hit the guard page */
    GUARD_EXIT_ELSEWHERE = 43,      /* some other fault */
};

static volatile int overflow_forever = 1;
static uintptr_t guard_lo, guard_hi; /* the guard page, [lo, hi) */

static uint64_t overflow(int depth)
{
    volatile unsigned char buf[RECURSION_FRAME_BYTES];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (unsigned char)depth;
    }
    uint64_t below = overflow_forever ? overflow(depth + 1) : 0;
    return below + buf[0];
}

static void overflow_fn(void *arg)
{
    uint64_t *result = arg;
    /* The entry frame sits just under the page-aligned stack top, so the
     * guard page is the page below top - GUARD_STACK_BYTES. */
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    uintptr_t top = (frame + page - 1) & ~(page - 1);
    guard_hi = top - GUARD_STACK_BYTES;
    guard_lo = guard_hi - page;
    *result = overflow(0);
}

static void on_overflow_fault(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    uintptr_t addr = (uintptr_t)info->si_addr;
    _exit(addr >= guard_lo && addr < guard_hi ? GUARD_EXIT_IN_GUARD
                                              : GUARD_EXIT_ELSEWHERE);
}

/* Runs only in fork mode (the child exits).  Overflowing a fiber stack must
 * fault on its guard page rather than run into whatever is mapped below.
 * A handler on an alternate stack checks the faulting address; it replaces
 * the sanitizers' SEGV reporting, so this runs in every build. */
START_TEST(test_guard_page)
{
    static unsigned char alt_stack[64 * 1024];
    static uint64_t result;
    stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack };
    ck_assert_int_eq(sigaltstack(&ss, NULL), 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_overflow_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);
    fiber *f = fiber_create(GUARD_STACK_BYTES, overflow_fn, &result);
    ck_assert_ptr_nonnull(f);
    fiber_switch(fiber_thread_context(), f);
    ck_abort_msg("overflowing the fiber stack did not fault");
}
END_TEST

/* --- one thread context per OS thread ------------------------------------ */

typedef struct thread_probe {
    fiber *main_context;      /* the test thread's */
    fiber *thread_context;    /* the other thread's */
    fiber *current_before;
    ping_pong p;
    int ok_rounds;
} thread_probe;

static void *thread_main(void *arg)
{
    thread_probe *t = arg;
    t->thread_context = fiber_thread_context();
    t->current_before = fiber_current();
    t->p.main = t->thread_context;
    t->p.self = fiber_create(TEST_STACK_BYTES, ping_pong_fn, &t->p);
    if (t->p.self == NULL) {
        return NULL;
    }
    for (int i = 0; i < PING_PONG_ROUNDS; i++) {
        t->p.value = i;
        fiber_switch(t->p.main, t->p.self);
        t->ok_rounds += t->p.value == 2 * i + 1;
    }
    fiber_switch(t->p.main, t->p.self);
    fiber_destroy(t->p.self);
    return NULL;
}

START_TEST(test_thread_contexts)
{
    static thread_probe t;
    memset(&t, 0, sizeof t);
    t.main_context = fiber_thread_context();
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, thread_main, &t), 0);
    ck_assert_int_eq(pthread_join(thread, NULL), 0);
    ck_assert_ptr_nonnull(t.thread_context);
    ck_assert_ptr_ne(t.thread_context, t.main_context);
    ck_assert_ptr_eq(t.current_before, t.thread_context);
    ck_assert_int_eq(t.ok_rounds, PING_PONG_ROUNDS);
    ck_assert_ptr_eq(fiber_thread_context(), t.main_context);
    ck_assert_ptr_eq(fiber_current(), t.main_context);
}
END_TEST

static bool fork_mode(void)
{
    const char *ck_fork = getenv("CK_FORK");
    return ck_fork == NULL || strcmp(ck_fork, "no") != 0;
}

static Suite *fiber_suite(void)
{
    Suite *s = suite_create("sim:fiber");
    TCase *tc = tcase_create("switch");
    tcase_add_test(tc, test_ping_pong);
    tcase_add_test(tc, test_round_robin);
    tcase_add_test(tc, test_ring_exit_targets);
    tcase_add_test(tc, test_exit_target);
    tcase_add_test(tc, test_reset_rerun);
    tcase_add_test(tc, test_reset_abandoned);
    tcase_add_test(tc, test_callee_saved_registers);
    tcase_add_test(tc, test_fp_rounding_is_per_fiber);
    tcase_add_test(tc, test_fp_values_across_switches);
    tcase_add_test(tc, test_thread_contexts);
    suite_add_tcase(s, tc);

    TCase *stack = tcase_create("stack");
    tcase_add_test(stack, test_deep_recursion);
    tcase_add_test(stack, test_stack_high_water);
    /* In CK_FORK=no mode the test's exit would end the whole run. */
    if (fork_mode()) {
        tcase_add_exit_test(stack, test_guard_page, GUARD_EXIT_IN_GUARD);
    }
    suite_add_tcase(s, stack);
    return s;
}

int main(void)
{
    return wt_run_suite(fiber_suite());
}
