/*
 * simfs_impl.h — simfs's data structures, shared by simfs.c (files and
 * directories) and simfs_crash.c (crashes and crash points).  Not part of
 * the sim's interface: include simfs.h instead.
 */
#ifndef WT_SIM_SIMFS_IMPL_H
#define WT_SIM_SIMFS_IMPL_H

#include "simfs.h"

typedef struct simfs_inode {
    uint8_t *data;
    uint64_t size;           /* bytes appended; size <= cap */
    uint64_t cap;            /* bytes allocated for data */
    uint64_t synced;         /* durable prefix; synced <= size */
    uint32_t links;          /* names in the live namespace */
    uint32_t durable_links;  /* names in the durable namespace */
    uint32_t handles;        /* open handles, stale or not */
    uint32_t active_handles; /* open handles not made stale by a crash */
    uint64_t mark;           /* last namespace walk that visited it */
    const struct simfs_file *lock_holder; /* simfs_lock's handle, NULL: unlocked */
} simfs_inode;

typedef struct simfs_entry {
    char *path;         /* canonical, owned */
    simfs_inode *node;  /* NULL in the directory table */
} simfs_entry;

/* Sorted by strcmp of path, paths unique. */
typedef struct simfs_table {
    simfs_entry *items;
    size_t count, cap;
} simfs_table;

typedef struct simfs_fault_state {
    simfs_fault fault;
    uint64_t seen; /* matching ops so far */
} simfs_fault_state;

struct simfs_file {
    simfs *fs;
    simfs_inode *node;
    char *path;          /* canonical path at open; faults match it */
    port_open_mode mode;
    bool stale;          /* a crash happened since open */
    simfs_file *prev, *next; /* fs->handles, so destroy can free leftovers */
};

struct simfs {
    simfs_config cfg;          /* cfg.faults is not used after create */
    simfs_fault_state *faults;
    size_t fault_count;
    simfs_table live, durable, dirs;
    simfs_file *handles;       /* open handles */
    uint64_t used_bytes;       /* sizes of charged inodes (see inode_charged) */
    uint64_t inode_count;
    uint64_t mark;             /* walk counter for simfs_inode.mark */
    uint64_t rng;              /* splitmix64 state */
    simfs_stats stats;
    uint64_t file_ops;         /* crash points passed (simfs_file_ops) */
    simfs_crash_point crash_at;/* crash_at.nth 0: none */
    bool record_ops;
    uint64_t *op_sizes;        /* per crash point: bytes of the append, 0 other ops */
    size_t op_sizes_cap;
};

/* simfs.c's helpers that the crash code needs (contracts there). */
uint64_t simfs_random(simfs *fs);
void simfs_inode_resize(simfs *fs, simfs_inode *n, uint64_t size);
void simfs_inode_ref(simfs *fs, simfs_inode *n, int links, int durable, int handles, int active);
void simfs_live_add(simfs *fs, size_t pos, const char *path, simfs_inode *n);
void simfs_live_remove(simfs *fs, size_t pos);
void simfs_check_used(simfs *fs);
/* Grows a charged inode by n bytes if capacity allows; false: no space. */
bool simfs_append_bytes(simfs *fs, simfs_inode *node, const void *data, size_t n);

/* Called by every call that can change what a crash leaves, before it acts
 * (f and the data for an append, else NULL).  Counts the crash point; at
 * the armed one, crashes (simfs_crash.c) and returns true: the call then
 * fails with WT_IO_ERROR and does nothing more. */
bool simfs_crash_point_here(simfs *fs, simfs_file *f, const void *data, size_t n);

#endif
