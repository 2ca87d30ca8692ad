/*
 * port.h — the only platform interface the write engine sees.
 *
 * The engine is compiled twice.  In the pthreads build these calls are real
 * threads, futexes, C11 atomics and POSIX files (engine/port_pthread.c, with
 * the inline fast paths in engine/pthread/port_arch*.h).  In the sim build
 * every call is a scheduling point of a deterministic fiber scheduler
 * (sim/port_sim.c, sim/port_arch*.h): the scheduler may switch fibers before
 * the call takes effect, records the choice, and advances virtual time.
 * meson chooses the implementation by include directory; nothing in the
 * engine branches on the build.
 *
 * Rules for engine code:
 *  - shared mutable state is either protected by a port_mutex or accessed
 *    only through the port_atomic_* calls below, with an explicit order;
 *  - every wait is a port call (park, cond wait, mutex lock, sleep), so the
 *    sim sees every place a thread can block;
 *  - every name passed here (mutexes, sync points, park sites) is a string
 *    literal: the sim prints them in deadlock reports and traces, which must
 *    not contain addresses.
 *
 * Each call lists what it REQUIRES of the caller.
 */
#ifndef WT_PORT_H
#define WT_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Memory orders, numbered as C11's memory_order (checked by port_arch.h). */
typedef enum port_order {
    PORT_RELAXED = 0,
    PORT_ACQUIRE = 2,
    PORT_RELEASE = 3,
    PORT_ACQ_REL = 4,
    PORT_SEQ_CST = 5,
} port_order;

/*
 * port_arch.h (one per build) defines:
 *   port_atomic_u32, port_atomic_u64, port_atomic_ptr  — atomic cells;
 *   port_mutex, port_cond                               — lock objects;
 *   PORT_FAST — the storage class of the hot calls below ("static inline"
 *   in the pthreads build, empty in the sim build where they are ordinary
 *   functions that yield to the scheduler).
 */
#include "port_arch.h"

/* ---------------------------------------------------------------- atomics
 * REQUIRES: the cell was initialised with port_atomic_init_* before any
 * other thread can see it.  init is a plain store, not a scheduling point.
 * CAS is strong (never fails spuriously) unless named _weak; on failure it
 * writes the value seen into *expected.  A release or acq_rel order on a
 * load, or acquire on a store, is a programmer error. */
PORT_FAST void port_atomic_init_u32(port_atomic_u32 *a, uint32_t v);
PORT_FAST uint32_t port_atomic_load_u32(const port_atomic_u32 *a, port_order o);
PORT_FAST void port_atomic_store_u32(port_atomic_u32 *a, uint32_t v, port_order o);
PORT_FAST bool port_atomic_cas_u32(port_atomic_u32 *a, uint32_t *expected,
                                   uint32_t desired, port_order o);
PORT_FAST uint32_t port_atomic_fetch_add_u32(port_atomic_u32 *a, uint32_t v, port_order o);
PORT_FAST uint32_t port_atomic_fetch_sub_u32(port_atomic_u32 *a, uint32_t v, port_order o);

PORT_FAST void port_atomic_init_u64(port_atomic_u64 *a, uint64_t v);
PORT_FAST uint64_t port_atomic_load_u64(const port_atomic_u64 *a, port_order o);
PORT_FAST void port_atomic_store_u64(port_atomic_u64 *a, uint64_t v, port_order o);
PORT_FAST bool port_atomic_cas_u64(port_atomic_u64 *a, uint64_t *expected,
                                   uint64_t desired, port_order o);
PORT_FAST uint64_t port_atomic_fetch_add_u64(port_atomic_u64 *a, uint64_t v, port_order o);
PORT_FAST uint64_t port_atomic_fetch_sub_u64(port_atomic_u64 *a, uint64_t v, port_order o);

PORT_FAST void port_atomic_init_ptr(port_atomic_ptr *a, void *v);
PORT_FAST void *port_atomic_load_ptr(const port_atomic_ptr *a, port_order o);
PORT_FAST void port_atomic_store_ptr(port_atomic_ptr *a, void *v, port_order o);
PORT_FAST bool port_atomic_cas_ptr(port_atomic_ptr *a, void **expected, void *desired,
                                   port_order o);
/* May fail although *a == *expected (as on LL/SC machines); callers loop. */
PORT_FAST bool port_atomic_cas_weak_ptr(port_atomic_ptr *a, void **expected, void *desired,
                                        port_order o);
PORT_FAST void *port_atomic_exchange_ptr(port_atomic_ptr *a, void *v, port_order o);

/* ------------------------------------------------------------ spin waits
 * port_pause: a CPU spin hint (x86 PAUSE).  port_yield: give the CPU away
 * (sched_yield).  Both say "I am waiting for another thread to change
 * something"; the sim deprioritises the caller until some other fiber writes
 * shared state, so spin loops cannot make a run infinite. */
PORT_FAST void port_pause(void);
void port_yield(void);

/* ------------------------------------------------------------ observation
 * What the sim checks and the hardware does not; the pthreads build
 * compiles all of it to nothing (or to the plain access itself).
 *
 * port_await_begin / port_await_end bracket a wait for *word to reach one
 * of the bits of goal_mask (AwaitState).  The sim shows the mask in
 * deadlock reports and flags a waker that moves the word to a state its
 * waiter does not wait for.
 *
 * PORT_PLAIN_LOAD(x) / PORT_PLAIN_STORE(x, v): a plain (non-atomic) access
 * to a field that crosses threads, ordered only by the atomics and locks
 * around it (a Writer's status, sequence, group, links).  x is an lvalue;
 * its text names the field in reports.  The sim keeps vector clocks over
 * the release/acquire edges it schedules and reports an access that is not
 * ordered after the field's last write (or a write not ordered after its
 * reads) as a data race at that step.  Every access to such a field goes
 * through these macros, its initialisation included. */
PORT_FAST void port_await_begin(const port_atomic_u32 *word, uint32_t goal_mask);
PORT_FAST void port_await_end(const port_atomic_u32 *word);

/* ------------------------------------------------------------- park/wake
 * A futex on a 32-bit word.  port_park blocks while *word == expected and
 * may return spuriously; callers re-check in a loop.  `what` is a string
 * literal naming the wait site (shown in deadlock reports).
 * port_unpark wakes every thread parked on word.
 * REQUIRES: the word's memory stays mapped while a waker may touch it
 * (a wake of a stale address is harmless). */
void port_park(port_atomic_u32 *word, uint32_t expected, const char *what);
void port_unpark(port_atomic_u32 *word);
/* port_park with a deadline: blocks while *word == expected until
 * port_now_ns() >= deadline_ns at the latest (a deadline already past
 * returns at once).  May return early or spuriously; callers re-check the
 * word and the clock.  pthreads: FUTEX_WAIT_BITSET on CLOCK_MONOTONIC, and
 * the first call on a thread sets that thread's timer slack to 1 us
 * (Linux's default 50 us would make the deadline that much later); sim:
 * the fiber blocks until it is woken or virtual time reaches the deadline. */
void port_park_until(port_atomic_u32 *word, uint32_t expected, uint64_t deadline_ns,
                     const char *what);

/* -------------------------------------------------------- mutex, condvar
 * Non-recursive.  `name` is a string literal.  REQUIRES: lock/unlock pair
 * on the same thread; destroy only when unlocked and without waiters. */
void port_mutex_init(port_mutex *m, const char *name);
void port_mutex_destroy(port_mutex *m);
void port_mutex_lock(port_mutex *m);
void port_mutex_unlock(port_mutex *m);
/* Aborts (assertion failure) unless the calling thread holds m. */
void port_mutex_assert_held(const port_mutex *m);

void port_cond_init(port_cond *c, const char *name);
void port_cond_destroy(port_cond *c);
/* REQUIRES: m held.  Releases m while blocked; may wake spuriously. */
void port_cond_wait(port_cond *c, port_mutex *m);
void port_cond_signal(port_cond *c);
void port_cond_broadcast(port_cond *c);

/* --------------------------------------------------------------- threads
 * fn runs on a new thread.  `name` is a string literal.  Every created
 * thread must be joined exactly once. */
typedef struct port_thread port_thread;
WT_MUST_USE wt_status port_thread_create(port_thread **out, const char *name,
                                         void (*fn)(void *arg), void *arg);
void port_thread_join(port_thread *t);
/* Small id of the calling thread, stable for its life (sim: fiber id). */
uint32_t port_thread_id(void);
/* The CPU the calling thread runs on now: a hint, stale as soon as read
 * (pthreads: sched_getcpu, 0 when unknown; sim: the fiber's id). */
uint32_t port_cpu_hint(void);

/* ------------------------------------------------------- clock, random
 * port_now_ns: monotonic nanoseconds (sim: virtual time).
 * port_sleep_ns: sleep at least ns (sim: the fiber sleeps in virtual time).
 * port_random_u32: per-thread pseudo-random numbers (sim: seeded from the
 * run's seed, so runs repeat). */
uint64_t port_now_ns(void);
void port_sleep_ns(uint64_t ns);
uint32_t port_random_u32(void);

/* ----------------------------------------------------------------- memory
 * Engine allocations.  port_alloc never returns NULL (out of memory is an
 * assertion failure).  The sim tracks them so an abandoned run frees all. */
void *port_alloc(size_t n);
void *port_alloc_zeroed(size_t n);
void *port_realloc(void *p, size_t n);
void port_free(void *p);

/* ------------------------------------------------------------- assertions
 * Called by WT_ASSERT on failure; never returns.  pthreads: prints and
 * aborts.  sim: ends the run as failed ("assertion") and reports where. */
__attribute__((noreturn)) void port_assert_fail(const char *expr, const char *file, int line);

/* ------------------------------------------------------------------ files
 * A file is appended to (WAL, tables, manifest) or read at offsets.  Paths
 * are '/'-separated.  Errors: WT_NOT_FOUND (no such file), WT_NO_SPACE
 * (ENOSPC), WT_IO_ERROR (anything else). */
typedef struct port_file port_file;
typedef enum port_open_mode {
    PORT_OPEN_READ,     /* existing file, read only */
    PORT_OPEN_CREATE,   /* new or truncated file, append only (appends go to the end,
                           also after port_truncate) */
    PORT_OPEN_APPEND,   /* existing file, append at its end */
} port_open_mode;

/* PORT_OPEN_READ opens only regular files: anything else (a directory, a
 * FIFO, a device) is WT_INVALID_ARGUMENT, without blocking on a FIFO. */
WT_MUST_USE wt_status port_file_open(const char *path, port_open_mode mode, port_file **out);
/* Appends all n bytes or fails; a failed append may leave a prefix. */
WT_MUST_USE wt_status port_file_append(port_file *f, const void *data, size_t n);
/* Makes appended bytes durable (fdatasync).  Sim: the fiber sleeps for the
 * device's sync latency while others run. */
WT_MUST_USE wt_status port_file_sync(port_file *f);
/* Reads up to n bytes at off; *got < n only at end of file. */
WT_MUST_USE wt_status port_file_read(port_file *f, uint64_t off, void *buf, size_t n,
                                     size_t *got);
WT_MUST_USE wt_status port_file_size(port_file *f, uint64_t *size);
/* Closes f whatever the result; the status reports a failed close. */
WT_MUST_USE wt_status port_file_close(port_file *f);

WT_MUST_USE wt_status port_mkdir(const char *path);          /* ok if it exists */
WT_MUST_USE wt_status port_sync_dir(const char *path);
WT_MUST_USE wt_status port_rename(const char *from, const char *to);
WT_MUST_USE wt_status port_unlink(const char *path);
WT_MUST_USE wt_status port_truncate(const char *path, uint64_t size);
bool port_exists(const char *path);
/* Calls fn once per entry name (not "." or ".."), in ascending strcmp order. */
WT_MUST_USE wt_status port_list_dir(const char *path,
                                    void (*fn)(const char *name, void *arg), void *arg);

/* An exclusive advisory lock on the file at path (created empty if
 * missing), held until port_unlock_file: RocksDB's LockFile on a DB's
 * LOCK file.  One holder at a time, also between two holders in one
 * process; a process that dies releases its locks (pthreads: flock(2) on
 * an open file description; sim: simfs, released by a crash).
 * WT_BUSY: another holder has it.  WT_NOT_FOUND: no such directory.
 * WT_IO_ERROR: anything else.  Sim: not a scheduling point (it never
 * blocks). */
typedef struct port_lock port_lock;
WT_MUST_USE wt_status port_lock_file(const char *path, port_lock **out);
/* Releases and frees l. */
void port_unlock_file(port_lock *l);

/* ------------------------------------------------------------ fault points
 * A named place where an operating failure can be injected that is not a
 * file operation (e.g. "memtable:insert").  Returns WT_OK normally, else
 * the injected status.  pthreads: port_pthread_set_faults; sim: the
 * scenario's device faults with that op name. */
WT_MUST_USE wt_status port_fault_point(const char *name);

/* ------------------------------------------------------------ sync points
 * A named point in the engine, "module:function:step".  pthreads: nothing.
 * sim: a scheduling point where scenario pinning rules can hold a fiber. */
PORT_FAST void port_sync_point(const char *name);
#define PORT_SYNC_POINT(name) port_sync_point(name)

/* ----------------------------------------------------------------- events
 * What the engine tells an observer about the write path.  pthreads:
 * compiled away.  sim: each becomes one trace line (and feeds the invariant
 * oracle).  The engine never reads events back. */
typedef enum port_event_kind {
    PORT_EV_WRITE_BEGIN,    /* writer: a write call starts; a=bytes b=count, flags */
    PORT_EV_WRITE_END,      /* writer: the call returns; status, a=first seq, b=count */
    PORT_EV_STATE,          /* writer moved from -> to (write-thread states) */
    PORT_EV_GROUP,          /* leader formed a group; members, a=bytes, b=first seq, c=last seq */
    PORT_EV_MEMTABLE_GROUP, /* memtable leader formed a group (pipelined); like GROUP */
    PORT_EV_WAL_APPEND,     /* a=file offset b=bytes c=first seq d=count */
    PORT_EV_WAL_SYNC_BEGIN, /* a=log number */
    PORT_EV_WAL_SYNC_END,   /* a=log number, status */
    PORT_EV_MEM_INSERT_BEGIN, /* writer: a=first seq b=count c=memtable id */
    PORT_EV_MEM_INSERT_END,   /* writer: a=first seq b=count c=memtable id, status */
    PORT_EV_PUBLISH,        /* a=new last sequence */
    PORT_EV_ALLOCATE,       /* a=first allocated seq b=count (two queues, unordered) */
    PORT_EV_STALL_BEGIN,    /* a=reason (wt_stall_reason) */
    PORT_EV_STALL_END,
    PORT_EV_ERROR,          /* status: background error became sticky */
    PORT_EV_MEMTABLE_SWITCH,/* a=new log number b=immutable count */
    PORT_EV_FLUSH_BEGIN,    /* a=file number b=entries c=memtable id d=max seq */
    PORT_EV_FLUSH_END,      /* a=file number, status, c=min seq d=max seq */
    PORT_EV_RECOVERY,       /* a=records replayed b=last sequence c=corrupt offset+1 (0: none) */
    PORT_EV_LINK,           /* writer pushed itself on queue a (wt_queue_id); b=1: it leads
                               (the queue was empty); c=CAS attempts */
    PORT_EV_NEWER_LINKS,    /* leader of queue a built b missing link_newer pointers */
    PORT_EV_DETACH,         /* leader of queue a detached its group of b writers;
                               members: the next leader, if any */
    PORT_EV_MOVE_ASIDE,     /* leader of queue a moved members[0] aside (incompatible) */
    PORT_EV_KIND_COUNT
} port_event_kind;

enum {
    PORT_EV_FLAG_SYNC = 1u << 0,
    PORT_EV_FLAG_DISABLE_WAL = 1u << 1,
    PORT_EV_FLAG_NO_SLOWDOWN = 1u << 2,
    PORT_EV_FLAG_DISABLE_MEMTABLE = 1u << 3,
    PORT_EV_FLAG_NO_BATCHING = 1u << 4,
};

typedef struct port_event {
    port_event_kind kind;
    uint32_t writer;         /* thread id of the Writer's owner (port_thread_id) */
    uint32_t from, to;       /* PORT_EV_STATE */
    uint32_t flags;          /* PORT_EV_WRITE_BEGIN */
    wt_status status;
    uint64_t a, b, c, d;
    const uint32_t *members; /* PORT_EV_GROUP: owners of the members, oldest first */
    uint32_t member_count;
    /* PORT_EV_STATE: the state word that changed (the sim reads the value
     * it really replaced there; never printed). */
    const port_atomic_u32 *word;
} port_event;

PORT_FAST void port_event_emit(const port_event *e);
/* True when someone listens; lets the engine skip building costly events. */
PORT_FAST bool port_events_enabled(void);

/* The build's inline definitions of the PORT_FAST calls (if any). */
#include "port_arch_fast.h"

#endif
