/*
 * explore_int.h — what explore.c and explore_search.c share (internal to
 * the sweep; see explore.h).
 */
#ifndef WT_SIM_EXPLORE_INT_H
#define WT_SIM_EXPLORE_INT_H

#include <stdbool.h>

#include "explore.h"

/* Should the sweep stop now (--first-failure, --until-covered)?  Sets
 * st->covered when the latter stops it. */
bool explore_stop_now(const explore_config *c, explore_stats *st);

/* dfs, dpor: the search (explore_run for those kinds). */
bool explore_search(const explore_config *c, explore_stats *st);

#endif
