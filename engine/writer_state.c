/*
 * writer_state.c — the writer state table and the legal transitions (see
 * writer_state.h).  A missing or extra row of the table does not compile;
 * wt_state_index asserts that the row it finds sits at its bit's index.
 *
 * Thread safety: constant data.
 */
#include "writer_state.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

const wt_state_info wt_state_table[] = {
    {WT_STATE_INIT, "INIT"},
    {WT_STATE_GROUP_LEADER, "GROUP_LEADER"},
    {WT_STATE_MEMTABLE_WRITER_LEADER, "MEMTABLE_WRITER_LEADER"},
    {WT_STATE_PARALLEL_MEMTABLE_WRITER, "PARALLEL_MEMTABLE_WRITER"},
    {WT_STATE_COMPLETED, "COMPLETED"},
    {WT_STATE_LOCKED_WAITING, "LOCKED_WAITING"},
    {WT_STATE_PARALLEL_MEMTABLE_CALLER, "PARALLEL_MEMTABLE_CALLER"},
};
_Static_assert(WT_ARRAY_LEN(wt_state_table) == WT_STATE_COUNT, "one row per state");

int wt_state_index(uint32_t bit)
{
    for (int i = 0; i < WT_STATE_COUNT; i++) {
        if (wt_state_table[i].bit != bit) continue;
        WT_ASSERT(bit == 1u << i); /* rows in bit order */
        return i;
    }
    return -1;
}

int wt_state_index_by_name(const char *name)
{
    WT_ASSERT(name != NULL);
    for (int i = 0; i < WT_STATE_COUNT; i++)
        if (strcmp(wt_state_table[i].name, name) == 0) return i;
    return -1;
}

const char *wt_state_name(uint32_t state)
{
    int i = wt_state_index(state);
    return i >= 0 ? wt_state_table[i].name : "UNKNOWN";
}

/* The legal targets of each state (a mask of wt_state bits).  A waiter
 * (INIT or LOCKED_WAITING) is moved by others straight to what it awaits;
 * a pipelined WAL leader parks in GROUP_LEADER after handing its group on;
 * a parallel writer parks until the last one completes it. */
static uint32_t legal_targets(uint32_t from)
{
    const uint32_t woken = WT_STATE_GROUP_LEADER | WT_STATE_MEMTABLE_WRITER_LEADER |
                           WT_STATE_PARALLEL_MEMTABLE_WRITER | WT_STATE_PARALLEL_MEMTABLE_CALLER |
                           WT_STATE_COMPLETED;
    switch (from) {
    case WT_STATE_INIT: return woken | WT_STATE_LOCKED_WAITING;
    case WT_STATE_LOCKED_WAITING: return woken;
    case WT_STATE_GROUP_LEADER:
        return WT_STATE_PARALLEL_MEMTABLE_WRITER | WT_STATE_MEMTABLE_WRITER_LEADER |
               WT_STATE_PARALLEL_MEMTABLE_CALLER | WT_STATE_COMPLETED | WT_STATE_LOCKED_WAITING;
    case WT_STATE_MEMTABLE_WRITER_LEADER:
        return WT_STATE_PARALLEL_MEMTABLE_WRITER | WT_STATE_COMPLETED;
    case WT_STATE_PARALLEL_MEMTABLE_CALLER: return WT_STATE_PARALLEL_MEMTABLE_WRITER;
    case WT_STATE_PARALLEL_MEMTABLE_WRITER: return WT_STATE_COMPLETED | WT_STATE_LOCKED_WAITING;
    }
    return 0; /* COMPLETED is terminal; anything else is not a state */
}

bool wt_state_transition_legal(uint32_t from, uint32_t to)
{
    bool single = to != 0 && (to & (to - 1)) == 0;
    return single && (legal_targets(from) & to) != 0;
}

void wt_state_mask_text(uint32_t mask, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap > 0) buf[0] = '\0';
    for (size_t i = 0; i < WT_STATE_COUNT && n < cap; i++)
        if (mask & wt_state_table[i].bit)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? "|" : "", wt_state_table[i].name);
}
