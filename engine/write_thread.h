/*
 * write_thread.h — RocksDB's WriteThread: how many writer threads become one
 * group commit.
 *
 * Every write call owns a wt_writer (on its own stack) and links it into a
 * lock-free LIFO list whose head is `newest_writer`; each writer points to
 * the one linked before it (`link_older`).  The writer whose link_older is
 * NULL is the leader: it gathers the writers behind it into a write group
 * (EnterAsBatchGroupLeader), writes the group's WAL record, inserts or has
 * the members insert their batches into the memtable, publishes the
 * sequence, and hands leadership to the next writer and wakes its followers
 * (ExitAsBatchGroupLeader).  `link_newer` is filled in lazily by the leader
 * (CreateMissingNewerLinks).  Only the current leader removes writers from
 * the list; anyone may push.
 *
 * Waiting is AwaitState: spin (port_pause) up to 200 times, then (adaptive)
 * yield for up to max_yield_usec, then CAS the state to LOCKED_WAITING and
 * park on the state word.  SetState stores the new state and unparks only
 * when it saw LOCKED_WAITING, so the common wake-up costs one CAS.
 *
 * This follows RocksDB 9.4+: incompatible writers are moved aside and
 * re-linked after the group (#12138), large parallel groups are woken by
 * PARALLEL_MEMTABLE_CALLER writers with a stride of sqrt(n) (#12545).
 */
#ifndef WT_WRITE_THREAD_H
#define WT_WRITE_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"
#include "status.h"
#include "write_batch.h"
#include "writer_state.h" /* wt_state: the states, their names, legal transitions */

enum {
    WT_AWAIT_SPINS = 200,           /* phase 1: pause-spins */
    WT_MAX_SLOW_YIELDS = 3,         /* phase 2 gives up after this many slow yields */
    WT_MIN_PARALLEL_CALLER_GROUP = 20, /* stride wake-up from this group size */
    WT_PREWAKE_HISTORY = 8,         /* sync pre-wake: fsync durations kept */
    WT_PREWAKE_FORMING = 1,         /* sync pre-wake: prewake_at while a sync group forms */
};

/* A WriteCallback: check() runs in the leader before the group is written
 * and can veto this write (its status is returned to the caller);
 * allow_batching = false keeps the writer out of other leaders' groups. */
typedef struct wt_write_callback {
    wt_status (*check)(void *arg);
    void *arg;
    bool allow_batching;
} wt_write_callback;

typedef struct wt_writer wt_writer;

/* Where one caller's writes spent their time (wtlab extension, in the
 * spirit of RocksDB's PerfContext write_* counters).  Filled only when a
 * write's WriteOptions carry a pointer to one (wtbench --breakdown), and
 * only by the thread that owns it: every field is added to, never reset.
 * Nanoseconds from port_now_ns; nothing is measured without it, so the
 * sim (which never sets it) sees no extra clock reads. */
typedef struct wt_write_stats {
    /* AwaitState, this caller's writer: pause-spinning, yielding, parked. */
    uint64_t spin_ns, yield_ns, block_ns;
    uint64_t blocks;          /* waits that parked */
    /* Groups this caller led (EnterAsBatchGroupLeader) and their members. */
    uint64_t groups, members;
    uint64_t fill_wait_ns;    /* sync_group_fill: waiting for the group to fill */
    uint64_t enter_ns;        /* PreprocessWrite + forming the group, without fill_wait_ns */
    uint64_t merge_ns;        /* building the merged batch */
    uint64_t wal_ns;          /* appending the WAL record */
    uint64_t sync_ns;         /* fdatasync of the WAL */
    uint64_t memtable_ns;     /* leader: the group's inserts (serial), or its own
                                 insert and waiting for the members' (parallel) */
    uint64_t publish_ns;      /* publishing the last sequence */
    uint64_t exit_ns;         /* ExitAsBatchGroupLeader: hand-off, waking members
                                 (counted by whoever ran it: leader or last member) */
    uint64_t exits;
    /* sync_prewake_usec: timed parks of this caller's sync writes, those
     * that slept past the state change that ended the wait, and waits
     * that yielded past the expected end and parked until woken. */
    uint64_t prewake_parks, prewake_overslept, prewake_fallbacks;
    /* sync_overlap_insert: groups this caller led whose inserts a waiting
     * writer ran during the fsync, and groups of other leaders it inserted. */
    uint64_t overlap_led, overlap_ran;
    /* leader_inserts_parked_group in pipelined mode: memtable groups of
     * several writers this caller led and inserted itself, because most
     * members were parked, where the concurrent memtable would have had
     * each insert its own. */
    uint64_t parked_groups_inserted;
    /* leader_takes_parked_group: groups this caller formed, wrote and
     * completed for a parked next leader after its own group (db.c,
     * "Taking a parked leader's group"; the groups themselves count, as
     * groups, members and exits, in the parked leader's statistics). */
    uint64_t groups_taken;
    /* max_active_writers: this caller's writes that waited at the gate
     * (write_gate.c); the wait is part of the write's latency. */
    uint64_t gate_waits;
} wt_write_stats;

typedef struct wt_write_group {
    wt_writer *leader;
    wt_writer *last_writer;   /* members: leader .. last_writer via link_newer */
    uint64_t last_sequence;   /* set before parallel inserts */
    port_atomic_u32 status;   /* memtable error from a parallel writer (wt_status) */
    port_atomic_u32 running;  /* parallel writers not yet done */
    size_t size;
} wt_write_group;

struct wt_writer {
    wt_write_batch *batch;    /* NULL: unbatched writer or a dummy */
    bool sync;
    bool no_slowdown;
    bool disable_wal;
    bool disable_memtable;    /* WAL-only write (two write queues) */
    const wt_write_callback *callback;
    wt_write_stats *stats;    /* NULL, or the caller's (touched by its thread only) */
    port_atomic_u32 state;    /* wt_state */
    port_atomic_u64 prewake_group; /* sync_prewake: the group that took it (0: none yet) */
    wt_status callback_status;
    uint64_t log_used;        /* WAL file number the batch went to */
    uint32_t owner;           /* port_thread_id of the calling thread */
    /* Plain fields other threads read or write, ordered by the state word
     * and the queue heads.  Access them only with WT_LOAD / WT_STORE
     * (below), so that the sim checks each access is ordered; observers
     * outside the engine (the sim's dumps) may read them directly. */
    struct {
        wt_write_group *write_group;
        uint64_t sequence;    /* first sequence of this batch */
        wt_status status;     /* group / WAL / memtable result */
        wt_writer *link_older;
        wt_writer *link_newer;
    } shared;
};

/* A plain access to one of w->shared's fields (port.h, "observation"). */
#define WT_LOAD(w, field) PORT_PLAIN_LOAD((w)->shared.field)
#define WT_STORE(w, field, v) PORT_PLAIN_STORE((w)->shared.field, (v))

/* Adaptive-yield bookkeeping of one AwaitState call site. */
typedef struct wt_await_context {
    const char *name;
    port_atomic_u32 credit; /* int32 stored as u32 */
} wt_await_context;

typedef struct write_thread_options {
    bool allow_concurrent_memtable_write;
    bool enable_pipelined_write;
    uint64_t max_write_batch_group_size_bytes;
    uint64_t max_yield_usec;  /* 0 disables phase 2 */
    uint64_t slow_yield_usec;
    /* wtlab extension, off in RocksDB: see "Sync group fill" in write_thread.c. */
    bool sync_group_fill;
    /* wtlab extension, 0 (off) in RocksDB: see "Sync pre-wake" in
     * write_thread_prewake.c.  Members of a sync group wake this many
     * microseconds before its fsync is expected to end. */
    uint64_t sync_prewake_usec;
    /* wtlab extension, off in RocksDB: see "Inserts during the fsync" in
     * write_thread_prewake.c (needs sync_prewake_usec to have any effect). */
    bool sync_overlap_insert;
    /* wtlab extension, off in RocksDB: see "Strict yield credit" in
     * write_thread_wait.c.  A yield phase with a slow yield counts as a
     * failure for the adaptive credit. */
    bool strict_yield_credit;
    /* wtlab extension, off in RocksDB: see "Park behind parked" in
     * write_thread_wait.c.  A joining writer parks at once while another
     * writer of its queue is parked. */
    bool join_park_behind_parked;
} write_thread_options;

/* Which queue a writer-list event is about (PORT_EV_LINK and the rest). */
typedef enum wt_queue_id {
    WT_QUEUE_WRITE = 0,    /* the write queue */
    WT_QUEUE_NONMEM = 1,   /* the second write queue (two_write_queues) */
    WT_QUEUE_MEMTABLE = 2, /* a write queue's pipelined memtable queue */
} wt_queue_id;

typedef struct write_thread {
    write_thread_options opts;
    const char *name;                  /* "write_thread" / "nonmem_write_thread" */
    wt_queue_id id;                    /* WT_QUEUE_WRITE or WT_QUEUE_NONMEM */
    port_atomic_ptr newest_writer;     /* head of the WAL (main) queue */
    port_atomic_ptr newest_memtable_writer; /* head of the pipelined memtable queue */
    uint64_t last_sequence;            /* pipelined: last sequence handed out */
    wt_writer write_stall_dummy;       /* the head while writes are stalled */
    port_mutex stall_mu;
    port_cond stall_cv;
    uint64_t stall_begun_count;        /* under the DB mutex */
    port_atomic_u64 stall_ended_count;
    wt_await_context ctx_join, ctx_complete_parallel, ctx_exit_leader, ctx_unbatched,
        ctx_wait_memtable;
    /* Sync group fill (only with opts.sync_group_fill); touched by the
     * current leader only, handed on with leadership. */
    uint64_t fill_expect;        /* last sync group + writers queued behind it */
    uint64_t fill_prev_ns;       /* how long that group took, enter to exit */
    uint64_t fill_group_start_ns;
    uint32_t fill_skip;          /* groups left to form without waiting */
    uint32_t fill_backoff;       /* the last skip (doubles on each timeout) */
    uint64_t fill_waits, fill_timeouts; /* statistics */
    /* Sync pre-wake (only with opts.sync_prewake_usec > 0).  prewake_at
     * and prewake_est_ns are read by waiting writers; the rest is touched
     * by the current leader only and handed on with leadership. */
    port_atomic_u64 prewake_at;      /* 0: no sync leader; WT_PREWAKE_FORMING: a sync
                                        leader forms its group; else when its members
                                        should be running again (fsync begin +
                                        estimate - lead), port_now_ns */
    port_atomic_u64 prewake_group;   /* groups entered (sync_prewake: 1, 2, ...) */
    port_atomic_u32 parked_writers;  /* join_park_behind_parked: writers parked now */
    port_atomic_u64 prewake_est_ns;  /* the fsync estimate (0: none yet) */
    uint64_t prewake_sync_ns[WT_PREWAKE_HISTORY]; /* the last fsync durations */
    uint64_t prewake_samples;        /* fsyncs recorded (ring index: mod history) */
    bool prewake_synced;             /* the current leader's group began its fsync */
    /* Inserts during the fsync (only with opts.sync_overlap_insert): the
     * leader opens a job before its fsync, one waiting writer runs it. */
    port_atomic_u32 overlap_state;   /* wt_overlap_state */
    port_atomic_u64 overlap_group;   /* prewake_group of the group whose job it is */
    wt_status (*overlap_fn)(void *arg); /* set before OPEN is released */
    void *overlap_arg;
    wt_status overlap_status;        /* the job's result, set before DONE is released */
} write_thread;

void write_thread_init(write_thread *wt, const char *name, wt_queue_id id,
                       const write_thread_options *opts);
void write_thread_destroy(write_thread *wt);

/* What one write asks for, copied into its wt_writer (the WriteOptions
 * fields RocksDB's Writer keeps).  All false: a plain write, as the stall
 * dummy and unbatched writers use. */
typedef struct wt_writer_flags {
    bool sync;             /* the group's WAL record is synced before completion */
    bool no_slowdown;      /* fail with WT_INCOMPLETE rather than wait in a stall */
    bool disable_wal;      /* the batch is not logged */
    bool disable_memtable; /* WAL-only write (two write queues) */
} wt_writer_flags;

/* A writer for one write call.  batch may be NULL only for unbatched use;
 * cb may be NULL. */
void wt_writer_init(wt_writer *w, wt_write_batch *batch, wt_writer_flags flags,
                    const wt_write_callback *cb);

static inline uint32_t wt_writer_state(const wt_writer *w)
{
    return port_atomic_load_u32(&w->state, PORT_ACQUIRE);
}
static inline bool wt_writer_callback_failed(const wt_writer *w)
{
    return w->callback != NULL && w->callback_status != WT_OK;
}
static inline bool wt_writer_should_write_memtable(const wt_writer *w)
{
    return WT_LOAD(w, status) == WT_OK && !wt_writer_callback_failed(w) && !w->disable_memtable;
}
static inline bool wt_writer_should_write_wal(const wt_writer *w)
{
    return WT_LOAD(w, status) == WT_OK && !wt_writer_callback_failed(w) && !w->disable_wal;
}
static inline wt_status wt_writer_final_status(const wt_writer *w)
{
    wt_status s = WT_LOAD(w, status);
    return s != WT_OK ? s : w->callback_status;
}
/* Runs the callback (if any) once; false when it vetoed the write. */
bool wt_writer_check_callback(wt_writer *w);

/* Iterate group members oldest (leader) to newest. */
#define WT_GROUP_FOREACH(w, g) \
    for (wt_writer *w = (g)->leader; w != NULL; \
         w = (w == (g)->last_writer) ? NULL : WT_LOAD(w, link_newer))

/* ----------------------------------------------------------- the protocol */

/* Links w and waits until it is leader, completed, or told to write. */
void wt_join_batch_group(write_thread *wt, wt_writer *w);
/* Forms the group behind leader; returns its bytes. */
size_t wt_enter_as_batch_group_leader(write_thread *wt, wt_writer *leader, wt_write_group *g);
/* Hands leadership on and completes the followers with status. */
void wt_exit_as_batch_group_leader(write_thread *wt, wt_write_group *g, wt_status status);
void wt_exit_as_batch_group_follower(write_thread *wt, wt_writer *w);
/* leader_takes_parked_group (db.c, "Taking a parked leader's group"), not
 * pipelined: as the two above, but when may_take and the writer that
 * would lead next is parked (LOCKED_WAITING) and not a sync writer, it is
 * detached from the group without being made leader, and returned: the
 * caller then leads its group for it (it stays parked meanwhile: nobody
 * else changes its state) and ends with wt_complete_taken_leader.  NULL
 * when the next leader was made leader as usual, or there is none. */
wt_writer *wt_exit_as_batch_group_leader_take(write_thread *wt, wt_write_group *g,
                                              wt_status status, bool may_take);
wt_writer *wt_exit_as_batch_group_follower_take(write_thread *wt, wt_writer *w, bool may_take);
/* The last step for a taken leader, after its group's exit completed the
 * other members: its status, then COMPLETED (a wake-up). */
void wt_complete_taken_leader(wt_writer *w, wt_status status);

void wt_launch_parallel_memtable_writers(write_thread *wt, wt_write_group *g);
void wt_set_mem_writers_each_stride(write_thread *wt, wt_writer *w);
/* True when w was the last parallel writer and must do the exit work. */
bool wt_complete_parallel_memtable_writer(write_thread *wt, wt_writer *w);

/* Pipelined write: the memtable queue. */
void wt_enter_as_memtable_writer(write_thread *wt, wt_writer *leader, wt_write_group *g);
void wt_exit_as_memtable_writer(write_thread *wt, wt_writer *self, wt_write_group *g);
void wt_wait_for_memtable_writers(write_thread *wt);
uint64_t wt_update_last_sequence(write_thread *wt, uint64_t seq);

/* Exclusive access to the queue (memtable switch, flush scheduling).
 * REQUIRES: mu held on entry; held again on return. */
void wt_enter_unbatched(write_thread *wt, wt_writer *w, port_mutex *mu);
void wt_exit_unbatched(write_thread *wt, wt_writer *w);

/* Write stalls.  REQUIRES: DB mutex held; the caller leads the queue. */
void wt_begin_write_stall(write_thread *wt);
void wt_end_write_stall(write_thread *wt);

/* Sync pre-wake (write_thread_prewake.c), called by the queue's leader:
 * around its group's fsync (begin returns the clock for end; end records
 * the duration of a successful fsync).  Nothing when the option is off. */
uint64_t wt_sync_prewake_begin(write_thread *wt);
void wt_sync_prewake_end(write_thread *wt, uint64_t begin_ns, wt_status s);
/* A sync leader's group ended its WAL stage without an fsync (an error, a
 * WAL write that failed, no WAL-bound records): takes back the published
 * deadline and wakes g's members from their timed parks, so that they
 * park until woken as without the option.  Nothing if the group synced. */
void wt_sync_prewake_cancel(write_thread *wt, const wt_write_group *g, bool failed);

/* Inserts during the fsync (write_thread_prewake.c, opts.sync_overlap_insert).
 * open: the leader, before its fsync, offers fn(arg) to the sync writers
 * waiting in its queue; one of them may run it while the fsync runs.
 * close: after the fsync; false if nobody took the job (it will never
 * run: the caller does the work itself), true once it has run, with its
 * result in *s.  REQUIRES: the caller leads the queue; open then close. */
void wt_sync_overlap_open(write_thread *wt, wt_status (*fn)(void *arg), void *arg);
bool wt_sync_overlap_close(write_thread *wt, wt_status *s, wt_write_stats *st);

/* Members of g other than its leader that are parked (LOCKED_WAITING).
 * REQUIRES: the caller leads g (before any member is released). */
size_t wt_group_parked_members(const wt_write_group *g);

/* The oldest writer in the queue (test and sim introspection; racy). */
wt_writer *wt_newest_writer(const write_thread *wt);

#endif
