/*
 * step.h — the learner is the scheduler: one screen of `wtlab step`.
 *
 * A stepping session is a list of decisions (fiber names, the "moves").
 * step_probe re-executes the scenario from the start following those
 * moves and stops at the next scheduling point where more than one fiber
 * could run (a decision), so every screen is a pure function of (scenario,
 * seed, moves, build) and undo is exact: drop the last move and re-execute.
 * At that point it renders a screen: every runnable fiber with what it is
 * about to do in RocksDB's terms (the function it is in, the operation
 * and the object: "JoinBatchGroup: CAS newest_writer (w1 -> w2)"), the
 * writer list as linked nodes (newest -> oldest, link_newer where set),
 * each writer's state, the groups in progress, the sequences, the events
 * since the last move and the goals of the scenario (step_goals.c).
 *
 * Beyond the moves a probe can go on by itself (STEP_GO_EVENT: until an
 * engine event happened, STEP_GO_STEP: until a step), following `ahead`
 * (recorded decisions, e.g. a trace's) where it can and the scenario's
 * own policy otherwise; the decisions it took are handed back so the
 * caller can append them to its moves.
 *
 * Not thread-safe (one run at a time per process, as run.h).
 */
#ifndef WT_SIM_STEP_H
#define WT_SIM_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"
#include "scheduler.h"

typedef enum step_go {
    STEP_GO_NONE,   /* stop at the first decision after the moves */
    STEP_GO_EVENT,  /* go on until an engine event happened, then stop at a decision */
    STEP_GO_STEP,   /* go on until the step counter reaches `until_step` */
} step_go;

typedef struct step_request {
    const scenario *sc;
    const char *const *moves;
    size_t move_count;
    const char *const *ahead;  /* decisions to follow beyond the moves (by index); may be NULL */
    size_t ahead_count;
    step_go go;
    uint64_t until_step;
} step_request;

typedef struct step_candidate {
    char name[SCHED_NAME_MAX];
    char what[256];            /* what it is about to do, in RocksDB terms */
} step_candidate;

typedef struct step_screen {
    bool at_decision;          /* false: the run ended before another decision */
    bool diverged;             /* a move was not possible (bad moves) */
    size_t decision;           /* moves taken before this screen */
    uint64_t step, t_ns;
    step_candidate cands[SCHED_MAX_FIBERS];
    size_t cand_count;
    char *body;                /* the rendered state (malloc'd), "" when the run ended */
    char *events;              /* events since the previous decision, one per line */
    char outcome[32];          /* when the run ended: "completed", "deadlock", ... */
    char *failure;             /* the failed invariant and why, or NULL */
    char **taken;              /* decisions taken beyond the moves (STEP_GO_*) */
    size_t taken_count;
    uint64_t *steps;           /* the step of every decision taken, moves included */
    size_t step_count;
    char *goals;               /* the goals' report ("" when the scenario has none) */
    size_t goals_met, goal_count;
} step_screen;

/* Re-executes and fills *out (free with step_screen_free).  false only
 * when the run could not be set up. */
bool step_probe(const step_request *rq, step_screen *out);
void step_screen_free(step_screen *s);

/* Writes the whole screen as plain text. */
void step_screen_print(const step_screen *s, FILE *out);

/* Runs the moves, then the scenario's policy to the end, writing a
 * normal trace (replayable by `wtlab replay`) to f.  false: the run could
 * not be set up or a write failed. */
bool step_save_trace(const scenario *sc, const char *const *moves, size_t move_count, FILE *f);

/* step_goals.c: checks sc's goals against a run's trace lines (each a
 * trace event line; the run's outcome when it ended, else NULL); writes
 * a report ("[x] text" / "[ ] text" lines) into *report (malloc'd) and
 * returns how many are met. */
size_t step_goals_check(const scenario *sc, const char *const *lines, size_t n,
                        const char *outcome, const char *failed_invariant, char **report);

#endif
