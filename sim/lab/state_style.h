/*
 * state_style.h — how the charts draw each writer state: a short label and
 * a colour, one row per row of the engine's wt_state_table (writer_state.h,
 * which owns the states' names and legal transitions).
 */
#ifndef WT_SIM_STATE_STYLE_H
#define WT_SIM_STATE_STYLE_H

#include "writer_state.h"

typedef struct state_style {
    const char *label; /* short chart label */
    const char *color; /* "#rrggbb", fixed per state in every chart */
} state_style;

/* WT_STATE_COUNT rows; row i styles the state wt_state_table[i]. */
extern const state_style state_style_table[];

#endif
