/*
 * scheduler.h — the deterministic fiber scheduler behind the sim's port.
 *
 * Every simulated thread is a fiber on the calling OS thread.  Each port
 * call is a scheduling point: the running fiber announces the operation it
 * is about to perform (kind + object), virtual time advances by a small
 * cost, and the policy picks which runnable fiber goes next.  A choice is
 * recorded only where more than one fiber could run (a "decision"); the
 * list of decisions plus the scenario and seed replays a run exactly.
 *
 * Fibers block on mutexes, condition variables, futex words and joins;
 * they sleep in virtual time (file latencies); a pinning rule can hold one
 * at a sync point.  A fiber spinning (port_pause/port_yield) is passed over
 * while any fiber that is not spinning can run, until some fiber writes
 * shared state.  When nothing can run, the clock jumps to the next sleeper;
 * when nothing sleeps either and fibers remain, the run is a deadlock.  A
 * step bound turns livelock into a reported failure.
 *
 * One scheduler runs at a time per process (the port has no context
 * argument); sched_run returns when the run completed or was abandoned.
 * Not thread-safe: everything happens on one OS thread.
 */
#ifndef WT_SIM_SCHED_H
#define WT_SIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

enum {
    SCHED_MAX_FIBERS = 512,
    SCHED_NAME_MAX = 64,
};

/* What a fiber is about to do at a scheduling point. */
typedef enum sched_op {
    SCHED_OP_START,      /* a fiber's first step */
    SCHED_OP_LOAD,
    SCHED_OP_STORE,
    SCHED_OP_RMW,        /* cas, fetch_add, exchange */
    SCHED_OP_PAUSE,
    SCHED_OP_YIELD,
    SCHED_OP_LOCK,
    SCHED_OP_UNLOCK,
    SCHED_OP_WAIT,       /* cond wait, park */
    SCHED_OP_WAKE,       /* signal, broadcast, unpark */
    SCHED_OP_SPAWN,
    SCHED_OP_JOIN,
    SCHED_OP_SLEEP,
    SCHED_OP_FILE,
    SCHED_OP_SYNC_POINT,
    SCHED_OP_COUNT
} sched_op;

const char *sched_op_name(sched_op op);
/* True for operations that change shared state (they end spinning). */
bool sched_op_writes(sched_op op);

typedef enum sched_fiber_state {
    SCHED_RUNNABLE,
    SCHED_BLOCKED,
    SCHED_SLEEPING,
    SCHED_HELD,
    SCHED_FINISHED,
} sched_fiber_state;

typedef enum sched_outcome {
    SCHED_RUNNING,
    SCHED_COMPLETED,   /* every fiber finished */
    SCHED_DEADLOCK,    /* fibers remain, none can run or wake */
    SCHED_STEP_LIMIT,  /* max_steps reached: livelock or a too-long run */
    SCHED_ASSERTION,   /* an engine assertion failed */
    SCHED_ABORTED,     /* the runner stopped the run (e.g. a failed invariant) */
} sched_outcome;

const char *sched_outcome_name(sched_outcome o);

/* One fiber (a simulated thread). */
typedef struct sched_fiber {
    uint32_t id;                 /* 0 is the root fiber */
    char name[SCHED_NAME_MAX];
    sched_fiber_state state;
    bool spinning;
    sched_op pending_op;         /* announced at the last scheduling point */
    const void *pending_obj;
    const char *wait_what;       /* BLOCKED/HELD: a literal naming the wait */
    const void *wait_obj;
    int32_t wait_owner;          /* mutex waits: the holder's id, else -1 */
    uint64_t blocked_seq;        /* FIFO order among waiters */
    uint64_t wake_ns;            /* SLEEPING */
    uint64_t block_until_ns;     /* BLOCKED by sched_block_until: its deadline (0: none) */
    bool block_timed_out;        /* that wait ended by its deadline */
    bool on_core;                /* CPU model: it holds a core (RUNNABLE or busy) */
    bool busy;                   /* SLEEPING as CPU work (sched_busy_ns): keeps its core */
    uint64_t core_since_ns;      /* CPU model: when it took its core */
    int32_t waker;               /* CPU model, wake_preempt: who woke it (-1: none) */
    bool spin_wait;              /* in a spin/yield wait loop (AwaitState before it parks) */
    uint64_t spin_until_ns;      /* spin_preempt gives its core away only before this */
    bool waking;                 /* sleeping through a wake-up's delay (dispatch, latency) */
    bool returning;              /* CPU model, wake_pushback_ns: woken, its wake-up delay not
                                    over yet */
    int32_t woken_by;            /* the fiber that woke it last (-1: none) */
    uint64_t pushback_ns;        /* wake_pushback_ns owed before its wake-up delay began */
    bool tick_woken;             /* its last timed wait ended because other fibers'
                                    steps advanced the clock past wake_ns (not a jump
                                    of the clock while nothing could run) */
    uint64_t rng;                /* port_random_u32 stream */
    uint64_t steps;              /* scheduling points taken */
    int64_t priority;            /* pct */
    void (*fn)(void *);
    void *arg;
    struct fiber *ctx;
    void *user;                  /* the runner's per-fiber data */
} sched_fiber;

typedef struct sched sched;

/* A recorded choice: the runnable set (ascending ids) and the pick. */
typedef struct sched_decision {
    uint64_t step;
    uint32_t pick;
    uint32_t current;            /* the fiber that reached the point if it could go on, else UINT32_MAX */
    uint32_t candidate_count;
    uint32_t candidates_at;      /* index into sched's candidate pool */
} sched_decision;

/* The policy: picks one of n >= 2 candidates (ascending ids).  `current`
 * is the fiber that reached the point, or UINT32_MAX if it cannot go on. */
typedef struct sched_policy {
    const char *name;
    uint32_t (*pick)(struct sched_policy *p, sched *s, const uint32_t *cands, size_t n,
                     uint32_t current);
    void (*on_spawn)(struct sched_policy *p, sched *s, sched_fiber *f);
    void (*on_step)(struct sched_policy *p, sched *s, sched_fiber *f);
    /* f runs now: it performs its pending operation (pending_op on
     * pending_obj) and goes on to its next scheduling point.  Called for
     * every step, with one candidate or many (explore's dependency log). */
    void (*on_run)(struct sched_policy *p, sched *s, sched_fiber *f);
    /* f, running, reads the virtual clock (sched_read_clock: the port's
     * clock, a sleep's deadline); explore's dependency log (optional). */
    void (*on_clock_read)(struct sched_policy *p, sched *s, sched_fiber *f);
    void (*destroy)(struct sched_policy *p);
} sched_policy;

/* Observers (all optional).  Called on the running fiber's stack. */
typedef struct sched_hooks {
    void *arg;
    void (*on_decision)(void *arg, sched *s, const sched_decision *d, const uint32_t *cands);
    void (*on_event)(void *arg, sched *s, const port_event *e);
    /* A sync point was reached; return true to hold the fiber there. */
    bool (*on_sync_point)(void *arg, sched *s, sched_fiber *f, const char *name);
    /* After every step: release holds whose condition now holds. */
    void (*after_step)(void *arg, sched *s);
    void (*on_fiber_end)(void *arg, sched *s, sched_fiber *f);
    /* No fiber can run or wake (the last one just blocked, without a
     * step after it): release holds whose condition now holds; true if
     * one was released (the run goes on), false: it is a deadlock. */
    bool (*on_stuck)(void *arg, sched *s);
    /* A deadlock is being reported: append details (e.g. the write queue). */
    void (*on_deadlock)(void *arg, sched *s, char *buf, size_t cap);
} sched_hooks;

/* The CPU model (off with cores 0, the default: every runnable fiber can
 * run at once, as on a machine with a core per thread).  With cores = N a
 * fiber needs one of N cores to run: it takes a free one when it is
 * chosen, keeps it while it runs and while it is busy (sched_busy_ns:
 * CPU work such as a memtable insert or a futex wake), and gives it up when
 * it blocks, sleeps (I/O: sched_sleep_ns), is held, finishes, yields while
 * others are ready, or has held it slice_ns while others are ready.  A
 * fiber woken from a block or an I/O sleep is ready after switch_ns (the
 * wake-up's dispatch delay) and then waits for a core: ready fibers are
 * candidates only while a core is free, so which of them gets it is a
 * decision of the policy like any other (and replays the same way).  With
 * other_ns, a core given up while fibers wait for one first serves the
 * machine's other work for other_ns (an idle core is taken at once).  With
 * spin_preempt, fibers spinning in a wait loop give their cores up while
 * another fiber is ready or on its way back from a wake-up.  The
 * per-step tick cost is charged to the one clock as before. */
typedef struct sched_cpu {
    uint32_t cores;       /* 0: no CPU model */
    uint64_t switch_ns;   /* woken -> ready for a core */
    uint64_t slice_ns;    /* preemption while others are ready; 0: never */
    bool wake_preempt;    /* a woken fiber that finds no free core takes its waker's */
    uint64_t other_ns;    /* the machine's other load: a core given up while fibers
                             wait for one serves other work this long first; 0: none */
    bool spin_preempt;    /* fibers spinning in a wait loop (sched_spin_wait) give up
                             their cores while another fiber is ready or on its way back
                             from a wake-up; a store they wait for needs no wake-up */
    bool spin_held;       /* with spin_preempt: a spinner giving its core away for a
                             limited time (sched_spin_wait_for) is off every core
                             meanwhile, not only while another fiber is ready (the
                             core serves the machine's other load); released early
                             by sched_spin_release */
    uint64_t wake_pushback_ns; /* each wake-up delays the return of the fibers the same
                             waker woke before it and that are not back yet by this
                             much (the last woken runs first); 0: off */
} sched_cpu;

enum { SCHED_MAX_CORES = 1024 };

typedef struct sched_config {
    uint64_t seed;          /* fiber RNG streams */
    uint64_t max_steps;
    uint64_t tick_ns;       /* virtual cost of a plain scheduling point */
    uint64_t wake_ns;       /* what waking a parked fiber costs the waker (port_unpark) */
    size_t stack_bytes;
    sched_cpu cpu;          /* the CPU model; zero: off */
    sched_policy *policy;   /* owned by the caller */
    sched_hooks hooks;
} sched_config;

/* Creates a scheduler; sched_run then runs root(arg) as fiber 0 ("main"). */
sched *sched_create(const sched_config *cfg);
void sched_destroy(sched *s);
sched_outcome sched_run(sched *s, void (*root)(void *), void *arg);

/* The scheduler running now, or NULL outside sched_run. */
sched *sched_current(void);
sched_fiber *sched_self(sched *s);

/* ---- for port_sim.c ---- */
void sched_point(sched *s, sched_op op, const void *obj);
sched_fiber *sched_spawn(sched *s, const char *name, void (*fn)(void *), void *arg);
void sched_join(sched *s, sched_fiber *f);
/* Blocks the running fiber until sched_wake_one/all on obj (what: a literal;
 * owner: the fiber that holds obj, or -1). */
void sched_block(sched *s, const void *obj, const char *what, int32_t owner);
/* sched_block that also ends when virtual time reaches deadline_ns (a
 * timed futex wait); true when it ended by the deadline, not a wake-up. */
bool sched_block_until(sched *s, const void *obj, const char *what, uint64_t deadline_ns);
/* Wakes the longest-blocked fiber waiting on obj; false if none. */
bool sched_wake_one(sched *s, const void *obj);
size_t sched_wake_all(sched *s, const void *obj);
/* Sleeps ns of virtual time waiting (I/O, a timer): with a CPU model the
 * core is given up meanwhile. */
void sched_sleep_ns(sched *s, uint64_t ns);
/* Spends ns of virtual time computing: like sched_sleep_ns without a CPU
 * model; with one the fiber keeps its core, so ready fibers wait. */
void sched_busy_ns(sched *s, uint64_t ns);
/* Sleeps ns of virtual time on the way back from a wake-up (a sampled
 * wake-up latency): like sched_sleep_ns; with cpu.spin_preempt the fiber
 * counts as ready meanwhile, so spinners give way (scheduler.c). */
void sched_wake_delay_ns(sched *s, uint64_t ns);
void sched_sync_point(sched *s, const char *name);
/* The running fiber enters (on) or leaves (off) a wait loop that spins or
 * yields until a word changes (AwaitState before it parks; blocking ends
 * it too): with cpu.spin_preempt its core may then go to a ready fiber. */
void sched_spin_wait(sched *s, bool on);
/* The same, on, giving its core away (spin_preempt) only for `ns` of
 * virtual time from now; after that the wait spins as a ready fiber. */
void sched_spin_wait_for(sched *s, uint64_t ns);
/* cpu.spin_held: fiber `id`, held off the cores by sched_spin_wait_for,
 * had its word set; it runs again (queues for a core) within `ns` from
 * now (sooner if its hold ends sooner).  Nothing if it is not held. */
void sched_spin_release(sched *s, uint32_t id, uint64_t ns);
void sched_emit(sched *s, const port_event *e);
__attribute__((noreturn)) void sched_fail(sched *s, sched_outcome o, const char *message);

/* The clock as the running fiber reads it (port_now_ns, a sleep's
 * deadline): tells the policy (on_clock_read), then returns it. */
uint64_t sched_read_clock(sched *s);
/* Ticks of virtual time a scheduling point of kind op costs (charged
 * when the fiber announces it). */
uint64_t sched_op_ticks(sched_op op);

/* ---- for the runner ---- */
/* The clock, for the runner (traces, reports): no dependency. */
uint64_t sched_now_ns(const sched *s);
/* "runnable", "blocked", "sleeping", "held" or "finished". */
const char *sched_fiber_state_name(sched_fiber_state st);
uint64_t sched_wake_ns(const sched *s);
const sched_cpu *sched_cpu_model(const sched *s);
/* Fibers holding a core now (0 without a CPU model). */
uint32_t sched_cores_busy(const sched *s);
uint64_t sched_steps(const sched *s);
size_t sched_fiber_count(const sched *s);
sched_fiber *sched_fiber_at(sched *s, uint32_t id);
/* Dependency info for explore, in sched_policy.on_run (the choice of the
 * fiber that runs now has just scanned them): the fibers (ids below 64)
 * in a timed wait (a sleep or a timed park), and every unfinished one
 * with a spin mark, also one that paused and then sleeps or is blocked
 * (a write or a fiber's end clears its mark too). */
void sched_fiber_masks(const sched *s, uint64_t *sleeping, uint64_t *spinning);
/* How many times the clock jumped to a sleeper's deadline because nothing
 * could run (the wake-ups it caused have tick_woken false). */
uint64_t sched_clock_jumps(const sched *s);
/* The live (not finished) fiber whose stack holds p, or NULL. */
sched_fiber *sched_fiber_stack_of(sched *s, const void *p);
void sched_release(sched *s, sched_fiber *f);
/* Ends fiber f (not the running one) where it stands, as a crash would:
 * it never runs again and its joiners wake. */
void sched_kill(sched *s, sched_fiber *f);
/* The calling fiber ends here, as if its function had returned (joiners
 * wake, on_fiber_end runs); its stack is abandoned, never resumed. */
__attribute__((noreturn)) void sched_exit(sched *s);
/* Ends the run from inside a fiber (the runner's invariant failed). */
__attribute__((noreturn)) void sched_abort(sched *s, const char *message);
const char *sched_failure_message(const sched *s);
/* Recorded decisions of this run. */
size_t sched_decision_count(const sched *s);
const sched_decision *sched_decision_at(const sched *s, size_t i);
const uint32_t *sched_decision_candidates(const sched *s, const sched_decision *d);
uint64_t sched_random(sched *s); /* the policy's RNG (seeded from cfg.seed) */

/* Policies: each returns a new policy object (free with p->destroy). */
sched_policy *sched_policy_random(uint64_t seed);
sched_policy *sched_policy_fifo(void);
sched_policy *sched_policy_pct(uint64_t seed, unsigned depth, uint64_t expected_steps);
/* Follows picks[] at successive decisions (by fiber id); after they run
 * out, or when a pick is not a candidate, falls back to `fallback` (owned)
 * and counts a divergence. */
sched_policy *sched_policy_forced(const uint32_t *picks, size_t count, sched_policy *fallback);
size_t sched_policy_forced_divergences(const sched_policy *p);
/* Like sched_policy_forced, with picks given by fiber name (replay: names
 * survive changes to the scenario that shift fiber ids). */
sched_policy *sched_policy_forced_names(const char *const *names, size_t count,
                                        sched_policy *fallback);
/* Runs the named fibers for the given numbers of decisions, in order; an
 * entry whose fiber cannot run ends early (counted as skipped). */
sched_policy *sched_policy_explicit(const char *const *names, const uint64_t *steps, size_t count,
                                    sched_policy *fallback);
size_t sched_policy_explicit_skipped(const sched_policy *p);
uint64_t sched_policy_forced_first_divergence(const sched_policy *p);

#endif
