/*
 * dpor.h — the dependency log of one run: happens-before (vector clocks
 * over the executed steps), races, Mazurkiewicz class hashes.
 *
 * A run is a sequence of steps: each is one fiber performing the
 * operation it announced (sched_policy.on_run), plus the fiber's code up
 * to its next scheduling point (its "segment").  Two steps are dependent
 * by explore's relation (dpor_dependent: same object unless both loads;
 * every lock/condition/park operation with every other; spawns with
 * spawns; file operations on the same file or the directory; sync points
 * with everything when the scenario pins; and the clock, below).
 *
 * Joins are awaits: a join attempt that finds the fiber running and
 * blocks is no event (it gets no place in the class); the step that
 * resumes it is the join, ordered after the joined fiber's last step (an
 * edge, never a race).  So whether the join had to wait makes no class of
 * its own (as GenMC and Nidhugg treat a blocked await).
 * Happens-before is program order plus dependence; a run's Mazurkiewicz class is the
 * set of steps with their vector clocks, so two runs that differ only in
 * the order of independent steps hash alike (dpor_log_class).
 *
 * The clock.  Virtual time is one shared counter: a fiber advances it
 * when it announces a scheduling point that costs ticks (the step whose
 * segment ends so "adds"), and reads it in port_now_ns and when a sleep
 * fixes its deadline (sched_read_clock; the step "reads").  A step also
 * reads the clock when it ends a timed wait because other fibers'
 * advances reached the deadline (a "tick wake").  A reading and an
 * advance by another fiber are dependent (the value read is the sum of
 * the advances before it); two advances commute, and so do two readings.
 * Whether a step reads or adds is known only when its segment ends, so a
 * step is settled (dependencies, races) when the next one starts or at
 * dpor_log_end.  A wait that ends because nothing else could run (the
 * clock jumps to the deadline) comes after every step taken before the
 * jump (sched_clock_jumps), not after those taken since: the fibers the
 * jump woke and the steps after it are ordered by their own dependencies
 * (a timed park's wait point too: with a wake of its word after the
 * jump), so the relation stays symmetric.  See scenarios/README.md.
 *
 * Spinning.  A fiber spins from announcing a pause or yield until any
 * fiber writes or ends (a "clearing"); the scheduler passes a spinner
 * over while a fiber that does not spin can run.  So a step taken
 * spinning (its fiber spun when chosen) is dependent with every step of
 * another fiber taken not spinning (what made that fiber spin, block or
 * end was such a step; a blocked join attempt counts as its fiber's step
 * before it) and with others' clearings and spin beginnings (a step that
 * ends announcing a pause or yield where its fiber did not spin, or that
 * wrote); a spin beginning with others' clearings; a clearing with the
 * next step of each fiber whose spin it ended; two clearings while some
 * fiber spins.  Whether a step ended its fiber is known when the next
 * one starts (dpor_log_segment_over).  A spinner's advance of the clock
 * that ends a timed wait passes the other spinners over: the woken
 * fiber's step reads the clock, and if it is taken not spinning it is
 * ordered after that advance and before the spinners' later steps.  A
 * fiber that paused and then slept or blocked keeps its spinning mark
 * until a clearing, and a clearing ends its spin too: the spinners a
 * step's clearing ends are every fiber with the mark, not only the
 * runnable ones (scenarios/README.md, "Timed waits next to spinners").
 *
 * Races (dpor_log_races): pairs e < e' of steps of different fibers,
 * dependent, with e not happening before e' through any other step; for
 * each, the fibers that could start the reversed order ("initials" of
 * notdep(e).e', Abdulla et al., POPL 2014), for the search to put in
 * the source set of the decision before e.
 *
 * Not thread-safe; one log per search.
 */
#ifndef WT_SIM_DPOR_H
#define WT_SIM_DPOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scheduler.h"

enum { DPOR_MAX_FIBERS = 64 };

typedef struct dpor_log dpor_log;

/* pins: the scenario has pinning rules (sync points are dependent);
 * races: find races (the search needs them; coverage needs only
 * classes). */
dpor_log *dpor_log_new(bool pins, bool races);
void dpor_log_free(dpor_log *l);
/* Forgets the previous run. */
void dpor_log_reset(dpor_log *l);

/* Fiber f of s performs its pending operation now; node is the index of
 * the decision that chose it, or -1 when it was the only candidate.
 * false (and nothing logged from then on) once a fiber id reaches
 * DPOR_MAX_FIBERS. */
bool dpor_log_step(dpor_log *l, sched *s, const sched_fiber *f, int32_t node);

/* Are operations a and b dependent (explore's relation; joins and spawns
 * coarser than the log's: dependent with everything)? */
bool dpor_dependent(bool pins, sched_op a, const void *oa, sched_op b, const void *ob);

/* A fiber's pending operation as the search keeps it across runs: a
 * join's object (the joined fiber) is kept as its id, since the pointer
 * does not outlive the run. */
enum { DPOR_NO_FIBER = UINT32_MAX };
typedef struct dpor_op {
    uint32_t fiber;
    sched_op op;
    const void *obj;
    uint32_t joined;    /* SCHED_OP_JOIN: the joined fiber's id, else DPOR_NO_FIBER */
} dpor_op;

dpor_op dpor_op_of(const sched_fiber *f);

/* The running fiber f read the clock (sched_policy.on_clock_read) /
 * announced its next scheduling point (sched_policy.on_step): its step
 * reads / advances the clock. */
void dpor_log_clock_read(dpor_log *l, const sched_fiber *f);
void dpor_log_announce(dpor_log *l, const sched_fiber *f);
/* The relation without the clock and spinning (explore --clock-blind):
 * unsound for timed waits and spinners (scenarios/README.md), kept to
 * compare with and for its smaller spaces. */
void dpor_log_set_clock_blind(dpor_log *l, bool blind);
/* The run is over: settles its last step (before dpor_log_class). */
void dpor_log_end(dpor_log *l);
/* The running fiber's segment is over (at the next choice): notes
 * whether it ended its fiber, from s (NULL: if it announced nothing).
 * dpor_log_step does this itself; a search that reads the open step's
 * info at a choice calls it first. */
void dpor_log_segment_over(dpor_log *l, sched *s);
/* The run is cut at f's announcement (it did not end its fiber). */
void dpor_log_cut(dpor_log *l, const sched_fiber *f);

/* The step decision `node` chose, or -1 (not logged). */
int32_t dpor_log_node_step(const dpor_log *l, int32_t node);
/* Step i (below dpor_log_steps): its operation and whether it read or
 * advanced the clock so far (both final once its segment ended). */
typedef struct dpor_step_info {
    dpor_op op;
    bool reads, adds;
    bool spinning;      /* taken while its fiber was spinning */
    bool sets_spin;     /* it ended announcing a pause or yield */
    bool begins_spin;   /* ... and its fiber did not spin before it, or it wrote */
    bool ends;          /* it ended its fiber (which ends every spin, as a write does) */
    bool spin_live;     /* some runnable fiber spun when it ran */
    bool timed_waits;   /* some fiber was in a timed wait when it ran */
} dpor_step_info;
dpor_step_info dpor_log_step_info(const dpor_log *l, size_t i);

/* The same for the pending operations a and b, as sharp as the log's
 * relation: a join is dependent only with the joined fiber's steps, a
 * spawn only with spawns. */
bool dpor_dependent_fibers(bool pins, dpor_op a, dpor_op b);

/* The run's Mazurkiewicz class (nonzero): equal for runs that differ
 * only in the order of independent steps. */
uint64_t dpor_log_class(const dpor_log *l);
size_t dpor_log_steps(const dpor_log *l);
/* Tick wakes seen in this run (timed waits ended by the clock). */
size_t dpor_log_tick_wakes(const dpor_log *l);

/* One race: the step e was chosen at decision `node` (-1: it had no
 * alternative; `prev_node` is then the nearest decision before it, or
 * -1), `racer` is e''s fiber, `initials` the fibers (bit set) whose step
 * can begin the reversed order.  When none of them could run where e
 * ran, the race is reversible only if the racer was in a timed wait
 * there (other schedules can move the clock); a racer that was blocked
 * is woken by a dependent step, whose own races reorder it, and a
 * spinner passed over would only spin once more. */
/* Why e and e' of a race are dependent, for the summary: the memory,
 * sync, spawn, file and sync-point relation (a race also without the
 * clock and spinning); else the clock (a reading and an advance, or a
 * wait the clock jump ended); else spinning. */
typedef enum dpor_race_kind { DPOR_RACE_MEMORY, DPOR_RACE_CLOCK, DPOR_RACE_SPIN } dpor_race_kind;

typedef struct dpor_race {
    int32_t node, prev_node;
    uint32_t racer;
    uint64_t initials;
    bool racer_slept;   /* e''s fiber was in a timed wait when e ran */
    dpor_race_kind kind;
} dpor_race;

/* Calls fn for every race of the logged run, in order of e'. */
void dpor_log_races(dpor_log *l, void (*fn)(void *arg, const dpor_race *r), void *arg);

#endif
