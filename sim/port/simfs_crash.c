/*
 * simfs_crash.c — what a crash leaves in the sim's file system, and crash
 * points (contracts in simfs.h; the durability model in simfs.c's header).
 *
 * A power loss replaces the live namespace by the durable one and shrinks
 * every durable file to its synced length (with tearing: a random part of
 * the unsynced tail survives; a file torn at a crash point keeps its whole
 * unsynced tail plus the torn prefix of the interrupted append).  A process
 * kill loses nothing on the device.  Both make every open handle stale and
 * release every lock.  Crash points are counted by simfs_crash_point_here,
 * which simfs.c calls at the start of each numbered call.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "simfs_impl.h"

/* Shrinks a durable file to synced, or to a random point of its tail. */
static void crash_drop_unsynced(simfs *fs, simfs_inode *n, bool tear_unsynced_tail)
{
    assert(n->synced <= n->size);
    uint64_t unsynced = n->size - n->synced, keep = 0;
    /* A torn write keeps part of the tail: at least one byte and not all of
     * it (a tail of one byte can only be kept or lost). */
    if (tear_unsynced_tail && unsynced > 1) keep = 1 + simfs_random(fs) % (unsynced - 1);
    else if (tear_unsynced_tail && unsynced == 1) keep = simfs_random(fs) % 2;
    simfs_inode_resize(fs, n, n->synced + keep);
}

/* The process dies: its handles go stale and its locks are released. */
static void handles_die(simfs *fs)
{
    for (simfs_file *f = fs->handles; f != NULL; f = f->next) {
        if (f->stale) continue;
        f->stale = true;
        if (f->node->lock_holder == f) f->node->lock_holder = NULL;
        simfs_inode_ref(fs, f->node, 0, 0, 0, -1);
    }
}

/* Power loss; `torn` (or NULL) keeps its whole length. */
static void power_loss(simfs *fs, bool tear_unsynced_tail, const simfs_inode *torn)
{
    handles_die(fs);
    while (fs->live.count > 0) simfs_live_remove(fs, fs->live.count - 1);
    /* Durable entries in path order, each inode once: a deterministic walk. */
    uint64_t mark = ++fs->mark;
    for (size_t i = 0; i < fs->durable.count; i++) {
        const simfs_entry *e = &fs->durable.items[i];
        if (e->node->mark != mark) {
            e->node->mark = mark;
            if (e->node != torn) crash_drop_unsynced(fs, e->node, tear_unsynced_tail);
        }
        simfs_live_add(fs, fs->live.count, e->path, e->node);
    }
    assert(fs->live.count == fs->durable.count);
    simfs_check_used(fs);
}

void simfs_crash(simfs *fs, bool tear_unsynced_tail)
{
    assert(fs != NULL);
    power_loss(fs, tear_unsynced_tail, NULL);
}

void simfs_kill_process(simfs *fs)
{
    assert(fs != NULL);
    handles_die(fs);
    simfs_check_used(fs);
}

/* ---------------------------------------------------------- crash points */

void simfs_set_crash_point(simfs *fs, const simfs_crash_point *cp)
{
    assert(fs != NULL);
    assert(cp != NULL);
    assert(cp->nth == 0 || cp->fn != NULL);
    fs->crash_at = *cp;
}

uint64_t simfs_file_ops(const simfs *fs)
{
    assert(fs != NULL);
    return fs->file_ops;
}

void simfs_record_ops(simfs *fs, bool record)
{
    assert(fs != NULL);
    fs->record_ops = record;
}

uint64_t simfs_op_append_size(const simfs *fs, uint64_t i)
{
    assert(fs != NULL);
    assert(fs->record_ops);
    assert(i >= 1 && i <= fs->file_ops);
    return fs->op_sizes[i - 1];
}

static void record_op(simfs *fs, uint64_t bytes)
{
    if (!fs->record_ops) return;
    if (fs->file_ops > fs->op_sizes_cap) {
        fs->op_sizes_cap = fs->op_sizes_cap ? fs->op_sizes_cap * 2 : 1024;
        fs->op_sizes = realloc(fs->op_sizes, fs->op_sizes_cap * sizeof *fs->op_sizes);
        assert(fs->op_sizes != NULL);
    }
    fs->op_sizes[fs->file_ops - 1] = bytes;
}

bool simfs_crash_point_here(simfs *fs, simfs_file *f, const void *data, size_t n)
{
    fs->file_ops++;
    bool append = f != NULL && data != NULL;
    record_op(fs, append ? n : 0);
    const simfs_crash_point *cp = &fs->crash_at;
    if (cp->nth == 0 || fs->file_ops != cp->nth) return false;
    simfs_inode *torn = NULL;
    if (append && !f->stale && cp->torn_bytes > 0 && cp->torn_bytes < n &&
        simfs_append_bytes(fs, f->node, data, (size_t)cp->torn_bytes))
        torn = f->node;
    if (cp->process_kill) simfs_kill_process(fs);
    else power_loss(fs, cp->tear_others, torn);
    fs->crash_at.nth = 0; /* one crash per arming */
    cp->fn(cp->arg);
    return true;
}
