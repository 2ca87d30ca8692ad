/*
 * states.h — the writer states as data: names, chart colours, and which
 * transitions are legal.  The oracle checks every transition against this
 * table and the charts colour states with it, so both always agree.
 */
#ifndef WT_SIM_STATES_H
#define WT_SIM_STATES_H

#include <stdbool.h>
#include <stdint.h>

enum { STATE_COUNT = 7 };

typedef struct state_info {
    uint32_t bit;        /* wt_state value */
    const char *name;    /* "GROUP_LEADER" */
    const char *label;   /* short chart label */
    const char *color;   /* "#rrggbb", fixed per state in every chart */
} state_info;

extern const state_info state_table[STATE_COUNT];

/* Index 0..STATE_COUNT-1 of a wt_state bit, or -1. */
int state_index(uint32_t bit);
/* Index of a state name ("GROUP_LEADER"), or -1. */
int state_index_by_name(const char *name);
/* Is from -> to a transition the write thread may make? */
bool state_transition_legal(uint32_t from, uint32_t to);

#endif
