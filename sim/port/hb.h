/*
 * hb.h — happens-before over the sim's fibers, for the plain fields that
 * cross threads (port.h, "observation": PORT_PLAIN_LOAD / PORT_PLAIN_STORE).
 *
 * Every fiber has a vector clock.  Synchronisation objects (atomic cells,
 * mutexes) carry the clock of their last release; an acquire joins it into
 * the acquiring fiber's clock.  The edges are the ones C11 gives: a load
 * acquires when its order is acquire or stronger, a store or RMW releases
 * when its order is release or stronger, an RMW continues the release
 * sequence of the cell, mutex unlock/lock, thread create and join.
 *
 * Each plain field address keeps its last write (fiber, epoch, where) and
 * the reads since then.  An access that is not ordered after the last
 * write, or a write not ordered after a read, is a data race (as loom's
 * UnsafeCell and ThreadSanitizer report them): hb_access describes it.
 *
 * Fibers with ids >= HB_MAX_FIBERS are not tracked (no report involves
 * them).  Addresses are keys only; nothing here prints one.  Not
 * thread-safe (the sim is single-threaded); state is per run (hb_reset).
 */
#ifndef WT_SIM_HB_H
#define WT_SIM_HB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { HB_MAX_FIBERS = 128 };

/* A plain access seen earlier, for reports. */
typedef struct hb_access_info {
    uint32_t fiber;
    bool write;
    const char *file; /* __FILE__ of the access */
    int line;
    uint64_t step;
} hb_access_info;

typedef struct hb_race {
    hb_access_info earlier; /* the access it is not ordered after */
} hb_race;

/* Forgets everything: a new run starts. */
void hb_reset(void);

/* child starts with everything parent did so far. */
void hb_spawn(uint32_t parent, uint32_t child);
/* joiner has seen everything joined did. */
void hb_join(uint32_t joiner, uint32_t joined);

/* obj's last release is visible to fiber from now on. */
void hb_acquire(uint32_t fiber, const void *obj);
/* fiber releases obj: a store replaces obj's clock (accumulate false), an
 * RMW adds to it (release sequence). */
void hb_release(uint32_t fiber, const void *obj, bool accumulate);
/* A relaxed store: obj no longer carries any release. */
void hb_clear(const void *obj);

/* The memory [p, p+n) is freed or reused: forget the plain accesses to it
 * (sync objects keep their clocks: see hb.c). */
void hb_forget(const void *p, size_t n);

/* A plain access by fiber at step.  Returns false (and fills *race) when it
 * races with an earlier access. */
bool hb_access(uint32_t fiber, const void *addr, bool write, const char *file, int line,
               uint64_t step, hb_race *race);

#endif
