/*
 * bugs.h — deliberately re-introduced concurrency mistakes, for proving that
 * `wtlab explore` finds real races (meson option -Dinject_bug=NAME).
 *
 * WT_INJECT_BUG is a compile-time constant (0 = none), so WT_BUG(X) is an
 * ordinary `if` on a constant that the compiler removes in normal builds.
 * Each bug is a mistake RocksDB made or could make:
 *   SKIP_NEWER_LINKS    ExitAsBatchGroupLeader trusts link_newer without
 *                       CreateMissingNewerLinks (lazily-built links, #7508).
 *   PUBLISH_EARLY       a parallel group's leader publishes the last sequence
 *                       before the members' memtable inserts finish (#13429).
 *   WAKE_BEFORE_DETACH  followers are completed before the group is detached
 *                       from the queue, so a returning writer can reuse the
 *                       last writer's address (#4143, #9944).
 *   LOST_WAKEUP         AwaitState's block phase stores LOCKED_WAITING instead
 *                       of CASing it, overwriting a wake-up that raced in.
 *   PIPELINED_LINK_LATE the pipelined WAL leader wakes the next WAL leader
 *                       before linking its group into the memtable queue, so
 *                       groups can reach the memtable out of order (#4143).
 *   FREE_MEMTABLE_EARLY the flush frees an immutable memtable as soon as its
 *                       entries are copied into the table builder, before the
 *                       table is installed and the memtable leaves the
 *                       immutable list, so a reader that searches the list in
 *                       that window reads freed memory (a use-after-free that
 *                       crashes the run: the sim poisons freed blocks).
 *   STATUS_AFTER_COMPLETE the leader stores a follower's status after
 *                       completing it: the follower may read its status
 *                       first (a data race on a plain field, as in #9692).
 *   PENDING_DONE_EARLY  an unordered write stops counting as a pending
 *                       memtable write before its insert, so a memtable
 *                       switch and flush can take the memtable from under it.
 *   NO_SLOWDOWN_WAITS   a no_slowdown writer that meets the stall dummy
 *                       waits for the stall to end instead of failing.
 */
#ifndef WT_BUGS_H
#define WT_BUGS_H

#ifndef WT_INJECT_BUG
#define WT_INJECT_BUG 0
#endif

enum {
    WT_BUG_NONE = 0,
    WT_BUG_SKIP_NEWER_LINKS = 1,
    WT_BUG_PUBLISH_EARLY = 2,
    WT_BUG_WAKE_BEFORE_DETACH = 3,
    WT_BUG_LOST_WAKEUP = 4,
    WT_BUG_PIPELINED_LINK_LATE = 5,
    WT_BUG_FREE_MEMTABLE_EARLY = 6,
    WT_BUG_STATUS_AFTER_COMPLETE = 7,
    WT_BUG_PENDING_DONE_EARLY = 8,
    WT_BUG_NO_SLOWDOWN_WAITS = 9,
};

#define WT_BUG(name) (WT_INJECT_BUG == WT_BUG_##name)

/* Name of the injected bug ("none" normally), for build ids and traces. */
static inline const char *wt_injected_bug_name(void)
{
    static const char *const names[] = {"none", "skip_newer_links", "publish_early",
                                        "wake_before_detach", "lost_wakeup",
                                        "pipelined_link_late", "free_memtable_early",
                                        "status_after_complete", "pending_done_early",
                                        "no_slowdown_waits"};
    return names[WT_INJECT_BUG];
}

#endif
