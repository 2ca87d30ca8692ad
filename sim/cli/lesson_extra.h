/*
 * lesson_extra.h — what a lesson has besides its scenario and page: the
 * window of its chart, zoomed charts, and exercises the tool checks.
 *
 * They live in scenarios/lessons/extras/NN-name.json (optional):
 *
 *   {"window": {"from_ns": F, "to_ns": T},           the main chart's x range
 *    "zooms": [{"name": "wakeup", "from_ns": F, "to_ns": T}],
 *                                                    NN-name-wakeup.png too
 *    "exercises": [{"task": "...", "expect": {...}, "hint": "...",
 *                   "answer": "answers/NN-K.json",
 *                   "transitions": ["FROM -> TO"], "absent_transitions": [...],
 *                   "absent_states": ["STATE"]}]}      (the last three optional)
 *
 * An exercise's "expect" is a scenario "expect" section (scenarios/README):
 * the learner's answer (a scenario, or a trace, which is replayed) is run
 * with that section in place of its own, and the exercise is done when
 * every expectation holds.  "answer" names the model answer, relative to
 * the lessons directory.  Loading reports FILE:LINE:COL: /path: message.
 */
#ifndef WT_SIM_CLI_LESSON_EXTRA_H
#define WT_SIM_CLI_LESSON_EXTRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "writer_state.h"

enum { LESSON_MAX_ZOOMS = 4, LESSON_MAX_EXERCISES = 4 };

typedef struct lesson_window {
    char *name;              /* zooms only: the chart file's suffix */
    uint64_t from_ns, to_ns;
} lesson_window;

typedef struct lesson_exercise {
    char *task, *hint, *answer;
    char *expect_json;       /* the "expect" object, as JSON text */
    /* Checks beyond a scenario's expectations, on the run's counts:
     * "transitions" that must happen, "absent_transitions" that must not
     * (both as ["FROM -> TO", ...]), "absent_states" never entered. */
    bool need[WT_STATE_COUNT][WT_STATE_COUNT], banned[WT_STATE_COUNT][WT_STATE_COUNT];
    uint32_t absent_states;  /* wt_state bits */
} lesson_exercise;

typedef struct lesson_extra {
    bool has_window;
    lesson_window window;
    lesson_window zooms[LESSON_MAX_ZOOMS];
    size_t zoom_count;
    lesson_exercise exercises[LESSON_MAX_EXERCISES];
    size_t exercise_count;
} lesson_extra;

/* Loads path into *x (zeroed first).  A missing file is no error: *x
 * stays empty.  false with err filled on anything malformed. */
bool lesson_extra_load(const char *path, lesson_extra *x, char *err, size_t err_cap);
void lesson_extra_free(lesson_extra *x);

/* Whether run counts (transitions[from][to], states_visited bits) meet
 * the exercise's own checks; if not, what is missing goes to why. */
bool lesson_exercise_counts_ok(const lesson_exercise *e,
                               const uint64_t transitions[WT_STATE_COUNT][WT_STATE_COUNT],
                               uint32_t states_visited, char *why, size_t why_cap);

/* The scenario text `text` with its "expect" member replaced by
 * expect_json (malloc'd; the caller frees), or NULL with err filled when
 * text is not a JSON object. */
char *lesson_replace_expect(const char *name, const char *text, const char *expect_json,
                            char *err, size_t err_cap);

#endif
