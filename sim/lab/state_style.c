/* state_style.c — the charts' label and colour per writer state (see
 * state_style.h).  A missing or extra row does not compile. */
#include "state_style.h"

/* Colours: a qualitative palette that stays readable in print. */
const state_style state_style_table[] = {
    {"init", "#bdbdbd"},       /* INIT */
    {"leader", "#d62728"},     /* GROUP_LEADER */
    {"mem leader", "#9467bd"}, /* MEMTABLE_WRITER_LEADER */
    {"parallel", "#2ca02c"},   /* PARALLEL_MEMTABLE_WRITER */
    {"done", "#1f77b4"},       /* COMPLETED */
    {"blocked", "#ff7f0e"},    /* LOCKED_WAITING */
    {"caller", "#17becf"},     /* PARALLEL_MEMTABLE_CALLER */
};
_Static_assert(sizeof state_style_table / sizeof state_style_table[0] == WT_STATE_COUNT,
               "one row per writer state");
