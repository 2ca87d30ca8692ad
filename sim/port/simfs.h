/*
 * simfs.h — the sim's in-memory file system.
 *
 * Files live in memory, each with two lengths: `size` (what was appended)
 * and `synced` (what a sync made durable).  A crash keeps only what is
 * durable: every file shrinks to its synced length (optionally keeping a
 * random prefix of the unsynced tail: a torn write), and files created or
 * renamed since their directory was last synced disappear or revert.
 *
 * simfs does no scheduling and has no clock: operations return at once and
 * simfs_cost_ns says how much virtual time the caller (port_sim.c) should
 * charge; fsync makes the calling fiber sleep that long while others run.
 * Faults: the nth append/sync/read of matching files fails with a chosen
 * status (optionally from then on); appends past capacity fail with
 * WT_NO_SPACE.  Deterministic: all randomness comes from the given seed.
 * Not thread-safe (the sim runs on one OS thread).  The exact durability
 * model, fault and error rules are in the header comment of simfs.c.
 */
#ifndef WT_SIM_SIMFS_H
#define WT_SIM_SIMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"
#include "status.h"

typedef enum simfs_op {
    SIMFS_OP_APPEND,
    SIMFS_OP_SYNC,
    SIMFS_OP_READ,
    SIMFS_OP_META, /* open, close, rename, unlink, list, mkdir, sync_dir */
} simfs_op;

typedef struct simfs_fault {
    simfs_op op;           /* APPEND, SYNC or READ */
    uint64_t nth;          /* 1-based, counted over matching files */
    wt_status error;
    const char *path_suffix; /* NULL: any file; the string must outlive the simfs */
    bool sticky;
} simfs_fault;

typedef struct simfs_config {
    uint64_t append_ns;
    uint64_t append_ns_per_kib;
    uint64_t sync_ns;
    uint64_t read_ns;
    uint64_t meta_ns;
    uint64_t capacity_bytes;   /* 0 = unlimited */
    const simfs_fault *faults; /* copied */
    size_t fault_count;
    uint64_t seed;             /* torn-write prefixes */
} simfs_config;

typedef struct simfs simfs;
typedef struct simfs_file simfs_file;

simfs *simfs_create(const simfs_config *cfg);
void simfs_destroy(simfs *fs);
/* Adds a fault whose count starts now (f->path_suffix must outlive fs). */
void simfs_add_fault(simfs *fs, const simfs_fault *f);

/* Virtual time an operation of `bytes` costs (the caller sleeps it). */
uint64_t simfs_cost_ns(const simfs *fs, simfs_op op, size_t bytes);

/* The path f was opened with (canonical; valid while f is open). */
const char *simfs_file_path(const simfs_file *f);

/* The same contracts as the port_file_* and port_* calls in port.h. */
WT_MUST_USE wt_status simfs_open(simfs *fs, const char *path, port_open_mode mode,
                                 simfs_file **out);
WT_MUST_USE wt_status simfs_append(simfs_file *f, const void *data, size_t n);
WT_MUST_USE wt_status simfs_sync(simfs_file *f);
WT_MUST_USE wt_status simfs_read(simfs_file *f, uint64_t off, void *buf, size_t n, size_t *got);
WT_MUST_USE wt_status simfs_size(simfs_file *f, uint64_t *size);
WT_MUST_USE wt_status simfs_close(simfs_file *f);
WT_MUST_USE wt_status simfs_mkdir(simfs *fs, const char *path);
WT_MUST_USE wt_status simfs_sync_dir(simfs *fs, const char *path);
WT_MUST_USE wt_status simfs_rename(simfs *fs, const char *from, const char *to);
WT_MUST_USE wt_status simfs_unlink(simfs *fs, const char *path);
WT_MUST_USE wt_status simfs_truncate(simfs *fs, const char *path, uint64_t size);
bool simfs_exists(const simfs *fs, const char *path);
/* Entries directly in dir, ascending strcmp order. */
WT_MUST_USE wt_status simfs_list(simfs *fs, const char *dir,
                                 void (*fn)(const char *name, void *arg), void *arg);

/* An exclusive lock on path (an empty file created if missing; the
 * creation needs a directory sync to survive a crash, like any file),
 * held by *out until simfs_unlock.  WT_BUSY: another handle holds it.
 * A crash releases every lock (the process died). */
WT_MUST_USE wt_status simfs_lock(simfs *fs, const char *path, simfs_file **out);
void simfs_unlock(simfs_file *f);

/* Power loss: drop what is not durable.  Open handles become stale: any
 * later call on them returns WT_IO_ERROR (close still frees them). */
void simfs_crash(simfs *fs, bool tear_unsynced_tail);
/* Process kill: the page cache survives, so nothing is lost (unsynced
 * bytes and directory entries stay, still not durable); handles become
 * stale and locks are released, as in simfs_crash. */
void simfs_kill_process(simfs *fs);

/* Crash points (simfs_crash.c): every call that can change what a crash
 * leaves is numbered 1, 2, ...: append, sync, sync_dir, open with CREATE,
 * rename, unlink, truncate, mkdir (failed calls too; reads, closes, locks
 * and listings are not: a crash before them leaves what a crash before the
 * next numbered call leaves).  When crash point `nth` is reached the call
 * does not happen: for an append with 0 < torn_bytes < its length, its
 * first torn_bytes bytes are appended (a torn write), then the file system
 * crashes: a power loss (the torn file keeps its whole unsynced tail, the
 * others drop theirs, or keep a random part with tear_others) or a process
 * kill; then fn(arg) runs.  If fn returns, the call fails with WT_IO_ERROR. */
typedef struct simfs_crash_point {
    uint64_t nth;         /* 0: none */
    uint64_t torn_bytes;  /* appends only; 0: the crash comes before the call */
    bool process_kill;
    bool tear_others;
    void (*fn)(void *arg);
    void *arg;
} simfs_crash_point;
void simfs_set_crash_point(simfs *fs, const simfs_crash_point *cp);
/* Crash points passed so far. */
uint64_t simfs_file_ops(const simfs *fs);
/* With record on, simfs keeps each crash point's append length (0 for the
 * other calls): simfs_op_append_size(fs, i) for i in 1..simfs_file_ops. */
void simfs_record_ops(simfs *fs, bool record);
uint64_t simfs_op_append_size(const simfs *fs, uint64_t i);

/* For tests and traces. */
typedef struct simfs_stats {
    uint64_t appends, syncs, reads, bytes_appended, faults_injected;
} simfs_stats;
simfs_stats simfs_get_stats(const simfs *fs);
/* Durable length of a file (what survives a crash), or -1 if absent. */
int64_t simfs_synced_size(const simfs *fs, const char *path);
/* Bytes counted against capacity_bytes: the sizes of files reachable by a
 * name or an open (not stale) handle.  Added for tests and traces. */
uint64_t simfs_used_bytes(const simfs *fs);

#endif
