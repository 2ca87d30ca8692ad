/*
 * fiber.c — stackful fibers for the sim build: stacks, hand-laid first
 * frames, the switch wrapper, and the sanitizer and valgrind annotations
 * around every switch.  The register-level switch itself lives in
 * fiber_switch_<arch>.S; this file knows its frame layout (`fiber_frame`)
 * only to lay a new fiber's first frame.
 *
 * A fiber's stack is one mmap: a PROT_NONE guard page at the low end, then
 * the usable stack, whose top is page-aligned.  fiber_reset lays a frame at
 * the top that makes the next fiber_arch_switch "return" into
 * fiber_arch_trampoline, which calls fiber_main(fiber) on an ABI-aligned
 * stack; fiber_main runs fn(arg) and then leaves for the exit target for
 * good.  Stacks are reused across resets; nothing is allocated per switch
 * and no system call is made per switch.
 *
 * Saved per fiber: the callee-saved registers and the FP control state
 * (x86-64: MXCSR and the x87 control word; AArch64: FPCR), so a fiber that
 * changes its rounding mode keeps it to itself.  A new run starts with the
 * FP control in force when fiber_reset (or fiber_create) was called, as a
 * new thread inherits its creator's.  Stack sizes are the caller's choice:
 * ASan's redzones make frames larger, so sanitizer builds want more (the
 * high-water scan, fiber_stack_high_water, is there to measure).
 *
 * Invariants:
 * - Per OS thread exactly one fiber is FIBER_RUNNING: fiber_tls.current
 *   (the thread context until the first switch).
 * - A READY or SUSPENDED fiber's sp points at a saved frame on its own
 *   stack; a RUNNING or FINISHED fiber's sp is stale.
 * - A fiber only ever runs on the OS thread that created it.
 * - Under ASan, fake_stack_save is written by the fiber's own suspension and
 *   handed to ASan when that same fiber resumes (never shared).  ASan's idea
 *   of the current stack is always (stack_lo, stack_size) of `current`.
 *
 * Thread-safety: none.  Each OS thread has its own thread context and
 * `current` (thread-local); a fiber must be created, switched, reset and
 * destroyed on one thread.  Nothing here synchronises.
 *
 * Sanitizers:
 * - ASan: __sanitizer_start_switch_fiber right before each switch (save slot
 *   of the fiber being suspended; NULL when a fiber leaves for good because
 *   a reset fiber restarts from the trampoline, never resuming old frames),
 *   __sanitizer_finish_switch_fiber right after arriving (NULL on a fiber's
 *   first entry).  The thread context's stack bounds are learnt from
 *   finish's out-parameters when it is left.  A fiber reset or destroyed
 *   while suspended may own a fake stack (detect_stack_use_after_return=1)
 *   that only it can free, so it is resumed once just to leave for good.
 *   Reused stacks are unpoisoned.
 * - TSan: each fiber has a TSan fiber, switched to right before each switch
 *   (with synchronisation: the sim is sequential by construction) and
 *   recreated on reset so abandoned shadow call stacks do not pile up.
 * - Valgrind (when <valgrind/valgrind.h> was found, WT_HAVE_VALGRIND):
 *   stacks are registered so memcheck follows the switches.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS and MAP_STACK under _POSIX_C_SOURCE */

#include "fiber.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#ifndef FIBER_ASAN
#define FIBER_ASAN 0
#endif

#if defined(__SANITIZE_THREAD__)
#define FIBER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FIBER_TSAN 1
#endif
#endif
#ifndef FIBER_TSAN
#define FIBER_TSAN 0
#endif

#if FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if FIBER_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#if defined(WT_HAVE_VALGRIND) && WT_HAVE_VALGRIND
#include <valgrind/valgrind.h>
#else
#define VALGRIND_STACK_REGISTER(lo, hi) ((void)(lo), (void)(hi), 0u)
#define VALGRIND_STACK_DEREGISTER(id) ((void)(id))
#define VALGRIND_DISABLE_ERROR_REPORTING ((void)0)
#define VALGRIND_ENABLE_ERROR_REPORTING ((void)0)
#endif

/* Inlined so that no instrumented function returns between a TSan fiber
 * switch and the stack switch (its exit would pop the wrong shadow stack). */
#define FIBER_ALWAYS_INLINE inline __attribute__((always_inline))
#define FIBER_NO_SANITIZE_ADDRESS __attribute__((no_sanitize_address))

/* Written over a tracked stack at creation; a word still holding it was
 * never touched. */
#define FIBER_STACK_PATTERN UINT64_C(0xf1be5a17f1be5a17)

/* Life cycle of a fiber.  The thread context is only RUNNING or SUSPENDED. */
typedef enum fiber_state {
    /* A first frame is laid: the next switch to it runs fn(arg) from the
     * top of the stack. */
    FIBER_READY,
    /* On the CPU.  Exactly one per OS thread (fiber_tls.current). */
    FIBER_RUNNING,
    /* Switched away mid-run; sp holds its saved frame. */
    FIBER_SUSPENDED,
    /* fn returned and the fiber left for its exit target; it runs again
     * only after fiber_reset. */
    FIBER_FINISHED,
} fiber_state;

struct fiber {
    void *sp;               /* saved frame while READY or SUSPENDED */
    fiber_state state;
    bool is_thread;         /* an OS thread's own stack; not ours to map */
    bool high_water_tracked; /* stack was pattern-filled at creation */
    bool unwind_requested;  /* resume only to leave for good (ASan) */
    void (*fn)(void *arg);
    void *arg;
    fiber *exit_target;     /* where fiber_main goes when fn returns */
    fiber *switcher;        /* who switched to this fiber most recently */
    unsigned char *map_lo;  /* the mmap: guard page, then the stack */
    size_t map_bytes;
    unsigned char *stack_lo; /* lowest usable byte (ASan's "bottom") */
    size_t stack_size;      /* usable bytes above stack_lo */
    void *fake_stack_save;  /* ASan: own fake stack while suspended */
    unsigned valgrind_stack_id;
    void *tsan_fiber;
};

/* Per OS thread: its own context, and which fiber runs now. */
typedef struct fiber_thread_state {
    fiber context;
    fiber *current;          /* NULL until fiber_thread_context runs */
    bool track_high_water;   /* fiber_track_high_water */
#if FIBER_ASAN
    /* Out-parameters of __sanitizer_finish_switch_fiber.  Kept here, not
     * in locals, so they never live on an ASan fake stack mid-switch. */
    const void *asan_came_from_lo;
    size_t asan_came_from_size;
#endif
} fiber_thread_state;

static _Thread_local fiber_thread_state fiber_tls;

/* fiber_switch_<arch>.S.  Saves the callee-saved state on the running stack,
 * stores sp in *save_sp, continues from load_sp. */
__attribute__((visibility("hidden")))
void fiber_arch_switch(void **save_sp, void *load_sp);
/* The first instructions of every fiber; calls its C entry (never returns). */
__attribute__((visibility("hidden")))
void fiber_arch_trampoline(void);

static _Noreturn void fiber_main(fiber *self);

#if defined(__x86_64__)
/* The frame fiber_arch_switch pushes (see fiber_switch_x86_64.S), plus
 * what a first frame needs above it. */
typedef struct fiber_frame {
    uint16_t fcw;            /* x87 control word */
    uint16_t unused0[3];
    uint32_t mxcsr;
    uint32_t unused1;
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t return_address;
    /* Not popped: the trampoline starts with rsp = &top_pad[0], 16-byte
     * aligned, and its `call` gives the C entry the ABI alignment. */
    uint64_t top_pad[2];
} fiber_frame;
_Static_assert(offsetof(fiber_frame, mxcsr) == 8, "MXCSR slot at 8");
_Static_assert(offsetof(fiber_frame, r15) == 16, "r15 slot at 16");
_Static_assert(offsetof(fiber_frame, rbp) == 56, "rbp slot at 56");
_Static_assert(offsetof(fiber_frame, return_address) == 64, "ret at 64");
#define FIBER_FRAME_POPPED_BYTES (offsetof(fiber_frame, return_address) + 8)

static void fiber_frame_init(fiber_frame *frame, fiber *f)
{
    memset(frame, 0, sizeof *frame);
    /* A new run inherits the FP control of whoever resets the fiber, as a
     * new thread inherits its creator's floating-point environment. */
    __asm__ volatile("stmxcsr %0" : "=m"(frame->mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(frame->fcw));
    frame->r12 = (uint64_t)(uintptr_t)f;
    frame->r13 = (uint64_t)(uintptr_t)fiber_main;
    frame->rbp = 0; /* ends frame-pointer chains at the trampoline */
    frame->return_address = (uint64_t)(uintptr_t)fiber_arch_trampoline;
}
#elif defined(__aarch64__)
/* The frame fiber_arch_switch stores (see fiber_switch_aarch64.S). */
typedef struct fiber_frame {
    uint64_t x19_to_x28[10];
    uint64_t x29, x30;
    uint64_t d8_to_d15[8];
    uint64_t fpcr;
    uint64_t unused;
} fiber_frame;
_Static_assert(offsetof(fiber_frame, x29) == 80, "x29 slot at 80");
_Static_assert(offsetof(fiber_frame, d8_to_d15) == 96, "d8 slot at 96");
_Static_assert(offsetof(fiber_frame, fpcr) == 160, "FPCR slot at 160");
_Static_assert(sizeof(fiber_frame) == 176, "frame is 176 bytes");
#define FIBER_FRAME_POPPED_BYTES sizeof(fiber_frame)

static void fiber_frame_init(fiber_frame *frame, fiber *f)
{
    uint64_t fpcr;
    memset(frame, 0, sizeof *frame);
    /* A new run inherits the FP control of whoever resets the fiber. */
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    frame->fpcr = fpcr;
    frame->x19_to_x28[0] = (uint64_t)(uintptr_t)f;
    frame->x19_to_x28[1] = (uint64_t)(uintptr_t)fiber_main;
    frame->x29 = 0; /* ends frame-record chains at the trampoline */
    frame->x30 = (uint64_t)(uintptr_t)fiber_arch_trampoline;
}
#else
#error "sim/fiber.c: no context switch for this architecture"
#endif

/* Whatever stays on the stack after the first switch pops the frame is
 * where the trampoline starts: it must keep sp 16-byte aligned. */
_Static_assert((sizeof(fiber_frame) - FIBER_FRAME_POPPED_BYTES) % 16 == 0,
               "trampoline starts 16-byte aligned");
_Static_assert(sizeof(fiber_frame) < FIBER_STACK_MIN_BYTES,
               "a first frame fits the smallest stack");

/* Sets the states for a switch from `from` (which becomes from_state) to
 * `to`, and makes `to` the running fiber of this thread. */
static FIBER_ALWAYS_INLINE void fiber_mark_switch(fiber *from, fiber *to,
                                                  fiber_state from_state)
{
    from->state = from_state;
    to->state = FIBER_RUNNING;
    to->switcher = from;
    fiber_tls.current = to;
}

/* Last thing before fiber_arch_switch leaves `from` for `to`.
 * fake_stack_save is from's own slot while it is suspended, or NULL when
 * from leaves for good (ASan then frees its fake stack). */
static FIBER_ALWAYS_INLINE void fiber_sanitizer_leaving(fiber *to,
                                                        void **fake_stack_save)
{
#if FIBER_ASAN
    /* A thread context's bounds are learnt when it is first left, and a
     * fiber can only switch to the thread context after that. */
    assert(to->stack_lo != NULL);
    __sanitizer_start_switch_fiber(fake_stack_save, to->stack_lo,
                                   to->stack_size);
#else
    (void)fake_stack_save;
#endif
#if FIBER_TSAN
    __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
    (void)to;
}

/* First thing after arriving on self's stack.  fake_stack is self's saved
 * fake stack, or NULL on a fiber's first entry. */
static FIBER_ALWAYS_INLINE void fiber_sanitizer_arrived(fiber *self,
                                                        void *fake_stack)
{
#if FIBER_ASAN
    __sanitizer_finish_switch_fiber(fake_stack, &fiber_tls.asan_came_from_lo,
                                    &fiber_tls.asan_came_from_size);
    /* ASan reports the stack we came from: for a fiber that is its own
     * (stack_lo, stack_size); for a thread context it is how we learn its
     * bounds, needed to switch back to it. */
    fiber *came_from = self->switcher;
    if (came_from->is_thread) {
        came_from->stack_lo =
            (unsigned char *)(uintptr_t)fiber_tls.asan_came_from_lo;
        came_from->stack_size = fiber_tls.asan_came_from_size;
    }
#else
    (void)self;
    (void)fake_stack;
#endif
}

/* Leaves the running fiber for good: it is FINISHED and never resumed
 * (fiber_reset restarts it from the trampoline). */
static _Noreturn void fiber_leave(fiber *self, fiber *target)
{
    assert(self == fiber_tls.current);
    assert(target->state == FIBER_READY || target->state == FIBER_SUSPENDED);
    fiber_mark_switch(self, target, FIBER_FINISHED);
    fiber_sanitizer_leaving(target, NULL);
    fiber_arch_switch(&self->sp, target->sp);
    abort(); /* unreachable: nothing resumes a FINISHED fiber's frames */
}

/* The C entry of every fiber, called by fiber_arch_trampoline. */
static _Noreturn void fiber_main(fiber *self)
{
    fiber_sanitizer_arrived(self, NULL);
    assert(self == fiber_tls.current);
    assert(self->state == FIBER_RUNNING);
    self->fn(self->arg);
    fiber_leave(self, self->exit_target);
}

void fiber_switch(fiber *from, fiber *to)
{
    assert(from == fiber_tls.current);
    assert(from->state == FIBER_RUNNING);
    assert(to != from);
    assert(to->state == FIBER_READY || to->state == FIBER_SUSPENDED);
    fiber_mark_switch(from, to, FIBER_SUSPENDED);
    fiber_sanitizer_leaving(to, &from->fake_stack_save);
    fiber_arch_switch(&from->sp, to->sp);
    fiber_sanitizer_arrived(from, from->fake_stack_save);
    assert(from == fiber_tls.current);
    if (from->unwind_requested) {
        fiber_leave(from, from->switcher);
    }
}

fiber *fiber_thread_context(void)
{
    fiber_thread_state *t = &fiber_tls;
    if (t->current == NULL) {
        t->context.is_thread = true;
        t->context.state = FIBER_RUNNING;
#if FIBER_TSAN
        t->context.tsan_fiber = __tsan_get_current_fiber();
#endif
        t->current = &t->context;
    }
    return &t->context;
}

fiber *fiber_current(void)
{
    (void)fiber_thread_context();
    return fiber_tls.current;
}

/* Forgets the run a suspended fiber was in the middle of.  Its frames are
 * abandoned as they are: nothing on them is unwound or cleaned up.  Under
 * ASan the fiber may own a fake stack (detect_stack_use_after_return) that
 * only its own departure can free, so it is resumed once, and fiber_switch
 * sends it straight on for good (unwind_requested) before any of its own
 * code runs. */
static void fiber_discard_run(fiber *f)
{
    assert(f->state == FIBER_SUSPENDED);
    assert(!f->is_thread);
#if FIBER_ASAN
    if (f->fake_stack_save != NULL) {
        f->unwind_requested = true;
        fiber_switch(fiber_current(), f);
        assert(f->state == FIBER_FINISHED);
        f->unwind_requested = false;
    }
#endif
    f->fake_stack_save = NULL;
    f->state = FIBER_FINISHED;
}

/* Prepares the sanitizers for a new run on a used (or fresh) stack. */
static void fiber_sanitizer_new_run(fiber *f)
{
#if FIBER_ASAN
    /* Redzones of the last run's frames (all of them, if it was abandoned)
     * would otherwise stay poisoned under the new run's frames. */
    __asan_unpoison_memory_region(f->stack_lo, f->stack_size);
#endif
#if FIBER_TSAN
    /* A new shadow call stack: the last run never returned from fiber_main,
     * so its entries would pile up run after run. */
    if (f->tsan_fiber != NULL) {
        __tsan_destroy_fiber(f->tsan_fiber);
    }
    f->tsan_fiber = __tsan_create_fiber(0);
#endif
    f->fake_stack_save = NULL;
}

/* Lays the frame that makes the next switch to f enter the trampoline. */
static void fiber_lay_first_frame(fiber *f)
{
    unsigned char *top = f->stack_lo + f->stack_size;
    assert(((uintptr_t)top & 15) == 0);
    fiber_frame *frame = (fiber_frame *)(void *)(top - sizeof(fiber_frame));
    fiber_frame_init(frame, f);
    f->sp = frame;
}

void fiber_reset(fiber *f, void (*fn)(void *arg), void *arg)
{
    assert(f != NULL);
    assert(fn != NULL);
    assert(!f->is_thread);
    assert(f->state != FIBER_RUNNING);
    if (f->state == FIBER_SUSPENDED) {
        fiber_discard_run(f);
    }
    fiber_sanitizer_new_run(f);
    f->fn = fn;
    f->arg = arg;
    fiber_lay_first_frame(f);
    f->state = FIBER_READY;
}

static size_t fiber_page_bytes(void)
{
    long page = sysconf(_SC_PAGESIZE);
    assert(page > 0);
    assert((page & (page - 1)) == 0);
    return (size_t)page;
}

/* Maps f's stack: a PROT_NONE guard page below at least stack_bytes.
 * Returns false with errno set (and nothing mapped) on failure. */
static bool fiber_map_stack(fiber *f, size_t stack_bytes)
{
    size_t page = fiber_page_bytes();
    size_t usable = stack_bytes < FIBER_STACK_MIN_BYTES
                        ? (size_t)FIBER_STACK_MIN_BYTES : stack_bytes;
    usable = (usable + page - 1) & ~(page - 1);
    size_t total = usable + page;
    void *map = mmap(NULL, total, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (map == MAP_FAILED) {
        return false;
    }
    if (mprotect(map, page, PROT_NONE) != 0) {
        int saved_errno = errno;
        (void)munmap(map, total);
        errno = saved_errno;
        return false;
    }
    f->map_lo = map;
    f->map_bytes = total;
    f->stack_lo = (unsigned char *)map + page;
    f->stack_size = usable;
    return true;
}

static bool fiber_high_water_wanted(void)
{
    if (fiber_tls.track_high_water) {
        return true;
    }
    const char *v = getenv("WT_FIBER_HIGH_WATER");
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

static void fiber_fill_pattern(fiber *f)
{
    uint64_t *word = (uint64_t *)(void *)f->stack_lo;
    size_t words = f->stack_size / sizeof *word;
    for (size_t i = 0; i < words; i++) {
        word[i] = FIBER_STACK_PATTERN;
    }
    f->high_water_tracked = true;
}

fiber *fiber_create(size_t stack_bytes, void (*fn)(void *arg), void *arg)
{
    assert(fn != NULL);
    assert(stack_bytes <= FIBER_STACK_MAX_BYTES);
    fiber *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return NULL;
    }
    if (!fiber_map_stack(f, stack_bytes)) {
        free(f);
        return NULL;
    }
    f->exit_target = fiber_thread_context();
    f->valgrind_stack_id = VALGRIND_STACK_REGISTER(
        f->stack_lo, f->stack_lo + f->stack_size - 1);
    if (fiber_high_water_wanted()) {
        fiber_fill_pattern(f);
    }
    /* FINISHED: a stack with no run on it, which is what fiber_reset
     * expects of a fiber it re-arms. */
    f->state = FIBER_FINISHED;
    fiber_reset(f, fn, arg);
    return f;
}

void fiber_destroy(fiber *f)
{
    if (f == NULL) {
        return;
    }
    assert(!f->is_thread);
    assert(f->state != FIBER_RUNNING);
    if (f->state == FIBER_SUSPENDED) {
        fiber_discard_run(f);
    }
#if FIBER_TSAN
    __tsan_destroy_fiber(f->tsan_fiber);
#endif
#if FIBER_ASAN
    __asan_unpoison_memory_region(f->stack_lo, f->stack_size);
#endif
    VALGRIND_STACK_DEREGISTER(f->valgrind_stack_id);
    int rc = munmap(f->map_lo, f->map_bytes);
    assert(rc == 0);
    (void)rc;
    free(f);
}

void fiber_set_exit_target(fiber *f, fiber *target)
{
    assert(f != NULL);
    assert(target != NULL);
    assert(!f->is_thread);
    assert(target != f);
    f->exit_target = target;
}

bool fiber_is_finished(const fiber *f)
{
    assert(f != NULL);
    return f->state == FIBER_FINISHED;
}

void fiber_track_high_water(bool on)
{
    fiber_tls.track_high_water = on;
}

/* Bytes at the low end of f's stack still holding the fill pattern.  The
 * memory read may be poisoned for ASan (redzones of suspended or abandoned
 * frames) or dead for memcheck (below a popped sp), hence no ASan checks
 * here and valgrind errors off around the call. */
static FIBER_NO_SANITIZE_ADDRESS size_t fiber_untouched_bytes(const fiber *f)
{
    const uint64_t *word = (const uint64_t *)(const void *)f->stack_lo;
    size_t words = f->stack_size / sizeof *word;
    size_t i = 0;
    while (i < words && word[i] == FIBER_STACK_PATTERN) {
        i++;
    }
    return i * sizeof *word;
}

size_t fiber_stack_high_water(const fiber *f)
{
    assert(f != NULL);
    assert(!f->is_thread);
    if (!f->high_water_tracked) {
        return 0;
    }
    VALGRIND_DISABLE_ERROR_REPORTING;
    size_t untouched = fiber_untouched_bytes(f);
    VALGRIND_ENABLE_ERROR_REPORTING;
    assert(untouched <= f->stack_size);
    return f->stack_size - untouched;
}

bool fiber_stack_contains(const fiber *f, const void *p)
{
    const unsigned char *b = p;
    return f != NULL && !f->is_thread && b >= f->stack_lo && b < f->stack_lo + f->stack_size;
}
