/* states.c — the writer state table (see states.h). */
#include "states.h"

#include <string.h>

#include "write_thread.h"

/* Colours: a qualitative palette that stays readable in print. */
const state_info state_table[STATE_COUNT] = {
    {WT_STATE_INIT, "INIT", "init", "#bdbdbd"},
    {WT_STATE_GROUP_LEADER, "GROUP_LEADER", "leader", "#d62728"},
    {WT_STATE_MEMTABLE_WRITER_LEADER, "MEMTABLE_WRITER_LEADER", "mem leader", "#9467bd"},
    {WT_STATE_PARALLEL_MEMTABLE_WRITER, "PARALLEL_MEMTABLE_WRITER", "parallel", "#2ca02c"},
    {WT_STATE_COMPLETED, "COMPLETED", "done", "#1f77b4"},
    {WT_STATE_LOCKED_WAITING, "LOCKED_WAITING", "blocked", "#ff7f0e"},
    {WT_STATE_PARALLEL_MEMTABLE_CALLER, "PARALLEL_MEMTABLE_CALLER", "caller", "#17becf"},
};

int state_index(uint32_t bit)
{
    for (int i = 0; i < STATE_COUNT; i++)
        if (state_table[i].bit == bit) return i;
    return -1;
}

int state_index_by_name(const char *name)
{
    for (int i = 0; i < STATE_COUNT; i++)
        if (strcmp(state_table[i].name, name) == 0) return i;
    return -1;
}

/* Legal targets of each state (a bit mask of wt_state values).  A waiter
 * (INIT or LOCKED_WAITING) is moved by others straight to what it awaits;
 * a pipelined WAL leader parks in GROUP_LEADER after handing its group on;
 * a parallel writer parks until the last one completes it. */
bool state_transition_legal(uint32_t from, uint32_t to)
{
    const uint32_t woken = WT_STATE_GROUP_LEADER | WT_STATE_MEMTABLE_WRITER_LEADER |
                           WT_STATE_PARALLEL_MEMTABLE_WRITER | WT_STATE_PARALLEL_MEMTABLE_CALLER |
                           WT_STATE_COMPLETED;
    uint32_t allowed = 0;
    switch (from) {
    case WT_STATE_INIT: allowed = woken | WT_STATE_LOCKED_WAITING; break;
    case WT_STATE_LOCKED_WAITING: allowed = woken; break;
    case WT_STATE_GROUP_LEADER:
        allowed = WT_STATE_PARALLEL_MEMTABLE_WRITER | WT_STATE_MEMTABLE_WRITER_LEADER |
                  WT_STATE_PARALLEL_MEMTABLE_CALLER | WT_STATE_COMPLETED | WT_STATE_LOCKED_WAITING;
        break;
    case WT_STATE_MEMTABLE_WRITER_LEADER:
        allowed = WT_STATE_PARALLEL_MEMTABLE_WRITER | WT_STATE_COMPLETED;
        break;
    case WT_STATE_PARALLEL_MEMTABLE_CALLER: allowed = WT_STATE_PARALLEL_MEMTABLE_WRITER; break;
    case WT_STATE_PARALLEL_MEMTABLE_WRITER:
        allowed = WT_STATE_COMPLETED | WT_STATE_LOCKED_WAITING;
        break;
    default: allowed = 0; break;
    }
    return (allowed & to) != 0 && (to & (to - 1)) == 0;
}
