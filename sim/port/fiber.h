/*
 * fiber.h — stackful fibers on one OS thread with a hand-written context
 * switch (no system call per switch; ucontext is not used).
 *
 * A fiber runs fn(arg) on its own mmap'd stack with a PROT_NONE guard page
 * below it.  fiber_switch saves the callee-saved registers of the running
 * context and resumes `to`.  When fn returns, the fiber switches to the
 * context recorded by fiber_set_exit_target (the scheduler) and must never be
 * resumed again until fiber_reset.  Stacks are reused across runs.
 *
 * Sanitizers: under ASan every switch is annotated with
 * __sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber; under
 * valgrind stacks are registered.  Not thread-safe: all fibers of a
 * fiber_context live on the thread that created it.
 */
#ifndef WT_SIM_FIBER_H
#define WT_SIM_FIBER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct fiber fiber;

/* The context of the calling OS thread, so it can be switched back to.
 * Created lazily; one per thread. */
fiber *fiber_thread_context(void);

/* A new fiber with a stack of at least stack_bytes (rounded to pages).
 * It does not run until someone switches to it. */
/* Sizes below FIBER_STACK_MIN_BYTES are raised to it; REQUIRES: stack_bytes
 * <= FIBER_STACK_MAX_BYTES, fn != NULL.  Returns NULL when memory for the
 * stack or the descriptor cannot be had (errno from mmap/mprotect/calloc).
 * The fiber's exit target is the calling thread's context. */
fiber *fiber_create(size_t stack_bytes, void (*fn)(void *arg), void *arg);

/* Re-arms a finished or never-started fiber (or one abandoned mid-run) to run
 * fn(arg) from the top of its stack at the next switch to it. */
void fiber_reset(fiber *f, void (*fn)(void *arg), void *arg);

/* Frees the stack.  REQUIRES: f is not running. */
void fiber_destroy(fiber *f);

/* Saves the running context into `from` and resumes `to`.
 * REQUIRES: from is the running fiber (or the thread context). */
void fiber_switch(fiber *from, fiber *to);

/* Where a fiber goes when its fn returns (default: the thread context). */
void fiber_set_exit_target(fiber *f, fiber *target);

/* Deepest stack use seen so far, in bytes (pattern scan; for tuning). */
/* Tracking is off by default because it writes every page of a new stack
 * (time, and resident memory for stacks that would stay untouched).  It is on
 * for fibers created while fiber_track_high_water(true) is in force on the
 * creating thread, or while the environment variable WT_FIBER_HIGH_WATER is
 * set to anything but "" or "0".  A tracked stack is filled with a pattern
 * once, at creation, and never refilled, so the figure is the deepest use
 * since creation, across resets.  Untracked fibers report 0. */
size_t fiber_stack_high_water(const fiber *f);

/* --- additions ---------------------------------------------------------- */

enum {
    FIBER_STACK_MIN_BYTES = 16 * 1024,
    FIBER_STACK_MAX_BYTES = 1024 * 1024 * 1024,
};

/* True when p lies in f's usable stack (checkers tell stack objects by it). */
bool fiber_stack_contains(const fiber *f, const void *p);

/* Turns stack high-water tracking on or off for fibers created afterwards by
 * the calling thread. */
void fiber_track_high_water(bool on);

/* The fiber (or thread context) running on the calling thread. */
fiber *fiber_current(void);

/* True once f's fn has returned and f has switched to its exit target;
 * false again after fiber_reset. */
bool fiber_is_finished(const fiber *f);

#endif
