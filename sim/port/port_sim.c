/*
 * port_sim.c — port.h over the deterministic fiber scheduler.
 *
 * Every call that touches shared state first announces itself with
 * sched_point (the scheduler may run other fibers there), then takes effect
 * at once: no other fiber runs between a point and its operation, so each
 * atomic is indivisible and the memory model is sequentially consistent.
 * Blocking calls (mutex, condvar, park, join) block the fiber in the
 * scheduler; file operations go to simfs and sleep their latency in
 * virtual time.  Outside a run (no scheduler) the calls act directly.
 */
#include "port_sim.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb.h"
#include "port.h"
#include "port_sim_int.h"
#include "scheduler.h"

static simfs *the_fs;

void port_sim_set_fs(simfs *fs) { the_fs = fs; }

/* The timing model (timing.h) when set; else simfs's flat costs. */
static timing_state timing;
static bool timing_set;
/* The last write_begin's batch of each writer (bytes, for insert costs),
 * and the insert the running fiber announced last (insert_begin). */
static uint64_t write_bytes[SCHED_MAX_FIBERS];
typedef struct insert_note {
    uint32_t fiber, writer;
    uint64_t count;
    bool valid;
} insert_note;
static insert_note pending_insert;
/* Fibers waiting for the device (a file operation's latency), and
 * whether each fiber's last wake-up from a park found the machine idle. */
static bool on_device[SCHED_MAX_FIBERS];
static bool woke_idle[SCHED_MAX_FIBERS];

void port_sim_busy_ns(uint64_t ns)
{
    sched *s = sched_current();
    if (s != NULL) sched_busy_ns(s, ns);
}

void port_sim_set_timing(const timing_model *m, uint64_t seed)
{
    timing_set = m != NULL;
    if (m != NULL) timing_state_init(&timing, m, seed);
    memset(on_device, 0, sizeof on_device);
    memset(woke_idle, 0, sizeof woke_idle);
    memset(write_bytes, 0, sizeof write_bytes);
    memset(&pending_insert, 0, sizeof pending_insert);
}

simfs *port_sim_fs(void) { return the_fs; }

static int quiet_depth;

void port_sim_quiet_begin(void) { quiet_depth++; }

void port_sim_quiet_end(void)
{
    assert(quiet_depth > 0);
    quiet_depth--;
}

static void point(sched_op op, const void *obj)
{
    sched *s = sched_current();
    if (s != NULL && quiet_depth == 0) sched_point(s, op, obj);
}

/* ------------------------------------------- happens-before (sim/port/hb.h) */

static uint32_t self_id(void)
{
    sched *s = sched_current();
    return s != NULL && sched_self(s) != NULL ? sched_self(s)->id : 0;
}

/* Inside a run, on a fiber, and not an observer's quiet section (whose
 * accesses are the checker's own, not the engine's). */
static bool in_run(void)
{
    sched *s = sched_current();
    return s != NULL && sched_self(s) != NULL && quiet_depth == 0;
}

/* Who hears of races; while nobody does (the engine's unit tests), no
 * clocks are kept at all. */
static port_sim_race_hook race_hook;
static void *race_hook_arg;

static bool hb_on(void) { return race_hook != NULL && in_run(); }

bool port_sim_race_hook_set(void) { return race_hook != NULL; }

static bool acquires(port_order o)
{
    return o == PORT_ACQUIRE || o == PORT_ACQ_REL || o == PORT_SEQ_CST;
}

static bool releases(port_order o)
{
    return o == PORT_RELEASE || o == PORT_ACQ_REL || o == PORT_SEQ_CST;
}

static void hb_load(const void *a, port_order o)
{
    if (hb_on() && acquires(o)) hb_acquire(self_id(), a);
}

static void hb_store(const void *a, port_order o)
{
    if (!hb_on()) return;
    if (releases(o))
        hb_release(self_id(), a, false);
    else
        hb_clear(a);
}

static void hb_rmw(const void *a, port_order o)
{
    if (!hb_on()) return;
    if (acquires(o)) hb_acquire(self_id(), a);
    if (releases(o)) hb_release(self_id(), a, true);
}

/* A failed CAS is a load with the failure order (port_arch_fast.h's rule). */
static void hb_cas_failed(const void *a, port_order o)
{
    hb_load(a, o == PORT_RELEASE ? PORT_RELAXED : o == PORT_ACQ_REL ? PORT_ACQUIRE : o);
}

/* The last write to a 32-bit cell, so that a state event can name the
 * value that write really replaced (port_event.word).  No fiber runs
 * between a write and the event that reports it. */
static struct {
    bool valid;
    uint32_t fiber;
    const void *cell;
    uint32_t old, now;
} last_u32;

static void release_held(const void *cell, uint32_t now);

static void note_u32(const void *cell, uint32_t old, uint32_t now)
{
    release_held(cell, now);
    last_u32.valid = true;
    last_u32.fiber = self_id();
    last_u32.cell = cell;
    last_u32.old = old;
    last_u32.now = now;
}

static void note_u64(const void *cell, uint64_t old, uint64_t now)
{
    (void)cell, (void)old, (void)now;
}

/* ---------------------------------------------------------------- atomics */

#define SIM_ATOMIC_INT(T, S)                                                            \
    void port_atomic_init_##S(port_atomic_##S *a, T v)                                  \
    {                                                                                   \
        a->v = v;                                                                       \
        if (hb_on()) hb_clear(a);                                                       \
    }                                                                                   \
    T port_atomic_load_##S(const port_atomic_##S *a, port_order o)                      \
    {                                                                                   \
        point(SCHED_OP_LOAD, a);                                                        \
        hb_load(a, o);                                                                  \
        return a->v;                                                                    \
    }                                                                                   \
    void port_atomic_store_##S(port_atomic_##S *a, T v, port_order o)                   \
    {                                                                                   \
        point(SCHED_OP_STORE, a);                                                       \
        hb_store(a, o);                                                                 \
        note_##S(a, a->v, v);                                                           \
        a->v = v;                                                                       \
    }                                                                                   \
    bool port_atomic_cas_##S(port_atomic_##S *a, T *expected, T desired, port_order o)  \
    {                                                                                   \
        point(SCHED_OP_RMW, a);                                                         \
        if (a->v != *expected) {                                                        \
            hb_cas_failed(a, o);                                                        \
            *expected = a->v;                                                           \
            return false;                                                               \
        }                                                                               \
        hb_rmw(a, o);                                                                   \
        note_##S(a, a->v, desired);                                                     \
        a->v = desired;                                                                 \
        return true;                                                                    \
    }                                                                                   \
    T port_atomic_fetch_add_##S(port_atomic_##S *a, T v, port_order o)                  \
    {                                                                                   \
        point(SCHED_OP_RMW, a);                                                         \
        hb_rmw(a, o);                                                                   \
        T old = a->v;                                                                   \
        note_##S(a, old, old + v);                                                      \
        a->v = old + v;                                                                 \
        return old;                                                                     \
    }                                                                                   \
    T port_atomic_fetch_sub_##S(port_atomic_##S *a, T v, port_order o)                  \
    {                                                                                   \
        point(SCHED_OP_RMW, a);                                                         \
        hb_rmw(a, o);                                                                   \
        T old = a->v;                                                                   \
        note_##S(a, old, old - v);                                                      \
        a->v = old - v;                                                                 \
        return old;                                                                     \
    }

SIM_ATOMIC_INT(uint32_t, u32)
SIM_ATOMIC_INT(uint64_t, u64)

void port_atomic_init_ptr(port_atomic_ptr *a, void *v)
{
    a->v = v;
    if (hb_on()) hb_clear(a);
}

void *port_atomic_load_ptr(const port_atomic_ptr *a, port_order o)
{
    point(SCHED_OP_LOAD, a);
    hb_load(a, o);
    return a->v;
}

void port_atomic_store_ptr(port_atomic_ptr *a, void *v, port_order o)
{
    point(SCHED_OP_STORE, a);
    hb_store(a, o);
    a->v = v;
}

bool port_atomic_cas_ptr(port_atomic_ptr *a, void **expected, void *desired, port_order o)
{
    point(SCHED_OP_RMW, a);
    if (a->v != *expected) {
        hb_cas_failed(a, o);
        *expected = a->v;
        return false;
    }
    hb_rmw(a, o);
    a->v = desired;
    return true;
}

/* Never fails spuriously here (x86-like); callers loop anyway. */
bool port_atomic_cas_weak_ptr(port_atomic_ptr *a, void **expected, void *desired, port_order o)
{
    return port_atomic_cas_ptr(a, expected, desired, o);
}

void *port_atomic_exchange_ptr(port_atomic_ptr *a, void *v, port_order o)
{
    point(SCHED_OP_RMW, a);
    hb_rmw(a, o);
    void *old = a->v;
    a->v = v;
    return old;
}

/* ------------------------------------------------------------ observation */


void port_sim_set_race_hook(port_sim_race_hook hook, void *arg)
{
    race_hook = hook;
    race_hook_arg = arg;
}

void port_plain_access(const void *addr, size_t size, const char *what, const char *file,
                       int line, int is_write)
{
    (void)size;
    if (!in_run() || race_hook == NULL) return;
    sched *s = sched_current();
    port_sim_race r = {.addr = addr, .what = what, .file = file, .line = line,
                       .write = is_write != 0};
    if (!hb_access(self_id(), addr, is_write != 0, file, line, sched_steps(s), &r.race))
        race_hook(race_hook_arg, &r);
}

static struct {
    const port_atomic_u32 *word;
    uint32_t mask;
} awaits[SCHED_MAX_FIBERS];

void port_await_begin(const port_atomic_u32 *word, uint32_t goal_mask)
{
    if (!in_run()) return;
    awaits[self_id()].word = word;
    awaits[self_id()].mask = goal_mask;
    /* cpu.spin_preempt "by_wait": a calibrated share of the waits of each
     * kind spins descheduled, the others keep their cores (timing.h). */
    bool one_state = goal_mask != 0 && (goal_mask & (goal_mask - 1)) == 0;
    uint64_t ns = timing_set ? timing_spin_descheduled_ns(&timing, one_state) : UINT64_MAX;
    if (ns == UINT64_MAX)
        sched_spin_wait(sched_current(), true);
    else
        sched_spin_wait_for(sched_current(), ns);
}

void port_await_end(const port_atomic_u32 *word)
{
    (void)word;
    if (!in_run()) return;
    awaits[self_id()].word = NULL;
    awaits[self_id()].mask = 0;
    sched_spin_wait(sched_current(), false);
}

bool port_sim_await_of(uint32_t fiber, const port_atomic_u32 **word, uint32_t *mask)
{
    if (fiber >= SCHED_MAX_FIBERS || awaits[fiber].word == NULL) return false;
    *word = awaits[fiber].word;
    *mask = awaits[fiber].mask;
    return true;
}

void port_sim_run_begin(void)
{
    hb_reset();
    memset(awaits, 0, sizeof awaits);
    memset(&last_u32, 0, sizeof last_u32);
}

/* ---------------------------------------------------------- spin, futex */

/* cpu.spin_held: a store that sets the word a held spinner waits for
 * (its goal) releases it: it runs again after a sample of the return
 * latency of a writer set to that state on a busy machine (the profile's
 * wake_latency_by_state_busy for that state, else its wake_latency_by_state,
 * else the scenario's wake_latency mode), as a real thread descheduled while
 * it spun comes back from the run queue.  (The sample is drawn before
 * sched_spin_release knows whether the fiber is held: deterministic, but
 * it shifts the random stream against "by_wait".) */
static void release_held(const void *cell, uint32_t now)
{
    sched *s = sched_current();
    if (!timing_set || s == NULL || !sched_cpu_model(s)->spin_held) return;
    for (uint32_t i = 0; i < sched_fiber_count(s); i++) {
        if (awaits[i].word != cell || (awaits[i].mask & now) == 0) continue;
        sched_spin_release(s, i, timing_held_return_ns(&timing, now));
    }
}

void port_pause(void) { point(SCHED_OP_PAUSE, NULL); }

void port_yield(void) { point(SCHED_OP_YIELD, NULL); }

/* Not a scheduling point: it reads no shared state.  The fiber's own id:
 * a core per fiber, as without the CPU model (whose cores have no names). */
uint32_t port_cpu_hint(void) { return self_id(); }

void port_park(port_atomic_u32 *word, uint32_t expected, const char *what)
{
    sched *s = sched_current();
    assert(s != NULL);
    sched_point(s, SCHED_OP_WAIT, word);
    if (word->v != expected) return;
    sched_block(s, word, what, -1);
    /* Woken: a real thread takes a while to run again (timing.h). */
    uint32_t me = sched_self(s)->id;
    uint64_t lat = timing_set ? timing_wake_latency_idle_ns(&timing, word->v, woke_idle[me]) : 0;
    if (lat > 0) sched_wake_delay_ns(s, lat);
}

/* A timed park: as port_park, and the fiber also runs again when virtual
 * time reaches the deadline (deterministic: the clock is the sim's). */
void port_park_until(port_atomic_u32 *word, uint32_t expected, uint64_t deadline_ns,
                     const char *what)
{
    sched *s = sched_current();
    assert(s != NULL);
    sched_point(s, SCHED_OP_WAIT, word);
    if (word->v != expected || sched_read_clock(s) >= deadline_ns) return;
    if (sched_block_until(s, word, what, deadline_ns)) return; /* ran out: running already */
    uint32_t me = sched_self(s)->id;
    uint64_t lat = timing_set ? timing_wake_latency_idle_ns(&timing, word->v, woke_idle[me]) : 0;
    if (lat > 0) sched_wake_delay_ns(s, lat);
}

/* No fiber but the running one (and the ones parked on word) is active.  Active: running or ready
 * for a core, computing, on its way back from a wake-up (a dispatch
 * delay), or parked in an await for one state only (a group member that
 * has inserted its entry and waits for COMPLETED: on a real machine it was
 * seldom parked, only descheduled).  Not active: parked otherwise (waiting
 * to join a group), blocked, held by a pin, finished, or waiting for the
 * device.  calibrate measures the same on a real trace (trace_stats.h). */
static bool machine_idle(sched *s, const port_atomic_u32 *word)
{
    uint32_t me = sched_self(s)->id;
    for (size_t i = 0; i < sched_fiber_count(s); i++) {
        const sched_fiber *f = sched_fiber_at(s, (uint32_t)i);
        if (f->id == me || (f->state == SCHED_BLOCKED && f->wait_obj == word)) continue;
        if (f->state == SCHED_RUNNABLE) return false;
        if (f->state == SCHED_SLEEPING && !on_device[f->id]) return false;
        uint32_t mask = awaits[f->id].mask;
        bool one_state = awaits[f->id].word != NULL && mask != 0 && (mask & (mask - 1)) == 0;
        if (f->state == SCHED_BLOCKED && one_state) return false;
    }
    return true;
}

void port_unpark(port_atomic_u32 *word)
{
    sched *s = sched_current();
    if (s == NULL) return;
    sched_point(s, SCHED_OP_WAKE, word);
    /* Whether the wake-up finds the machine idle (timing.h's idle
     * distributions): decided before the parked fibers become runnable. */
    bool idle = timing_set && machine_idle(s, word);
    for (size_t i = 0; timing_set && i < sched_fiber_count(s); i++) {
        sched_fiber *f = sched_fiber_at(s, (uint32_t)i);
        if (f->state == SCHED_BLOCKED && f->wait_obj == word) woke_idle[f->id] = idle;
    }
    /* Waking a parked OS thread is a system call (futex wake): the waker
     * is busy for the scenario's schedule.wake_ns (or a sample of the
     * profile's wake cost) while others run. */
    if (sched_wake_all(s, word) == 0) return;
    uint64_t fixed = sched_wake_ns(s);
    uint64_t ns = timing_set ? timing_wake_cost_idle_ns(&timing, fixed, word->v, idle) : fixed;
    /* Under a CPU model a sampled cost above the fixed one is the waker
     * preempted by the thread it woke: it computes `fixed` on its core and
     * waits the rest off it (then queues for a core again). */
    bool split = sched_cpu_model(s)->cores > 0 && ns > fixed;
    if (split) {
        if (fixed > 0) sched_busy_ns(s, fixed);
        sched_sleep_ns(s, ns - fixed);
    } else if (ns > 0) {
        sched_busy_ns(s, ns); /* CPU work: keeps the core (CPU model) */
    }
}

/* -------------------------------------------------------- mutex, condvar */

void port_mutex_init(port_mutex *m, const char *name)
{
    m->owner = 0;
    m->name = name;
}

void port_mutex_destroy(port_mutex *m)
{
    if (m->owner != 0) port_assert_fail("mutex destroyed while held", __FILE__, __LINE__);
}

static void acquire(sched *s, port_mutex *m)
{
    while (m->owner != 0) sched_block(s, m, m->name, (int32_t)m->owner - 1);
    m->owner = sched_self(s)->id + 1;
    if (hb_on()) hb_acquire(sched_self(s)->id, m);
}

static void release(sched *s, port_mutex *m)
{
    if (hb_on()) hb_release(sched_self(s)->id, m, false);
    m->owner = 0;
    sched_wake_one(s, m);
}

void port_mutex_lock(port_mutex *m)
{
    sched *s = sched_current();
    if (s == NULL) {
        m->owner = 1;
        return;
    }
    sched_point(s, SCHED_OP_LOCK, m);
    if (m->owner == sched_self(s)->id + 1)
        port_assert_fail("mutex locked twice by the same thread", __FILE__, __LINE__);
    acquire(s, m);
}

void port_mutex_unlock(port_mutex *m)
{
    sched *s = sched_current();
    if (s == NULL) {
        m->owner = 0;
        return;
    }
    sched_point(s, SCHED_OP_UNLOCK, m);
    if (m->owner != sched_self(s)->id + 1)
        port_assert_fail("mutex unlocked by a thread that does not hold it", __FILE__, __LINE__);
    release(s, m);
}

void port_mutex_assert_held(const port_mutex *m)
{
    if (sched_current() != NULL && m->owner != self_id() + 1)
        port_assert_fail("mutex held by the caller", __FILE__, __LINE__);
}

void port_cond_init(port_cond *c, const char *name) { c->name = name; }

void port_cond_destroy(port_cond *c) { (void)c; }

void port_cond_wait(port_cond *c, port_mutex *m)
{
    sched *s = sched_current();
    assert(s != NULL);
    sched_point(s, SCHED_OP_WAIT, c);
    port_mutex_assert_held(m);
    release(s, m);
    sched_block(s, c, c->name, -1);
    acquire(s, m);
}

void port_cond_signal(port_cond *c)
{
    sched *s = sched_current();
    if (s == NULL) return;
    sched_point(s, SCHED_OP_WAKE, c);
    sched_wake_one(s, c);
}

void port_cond_broadcast(port_cond *c)
{
    sched *s = sched_current();
    if (s == NULL) return;
    sched_point(s, SCHED_OP_WAKE, c);
    sched_wake_all(s, c);
}

/* --------------------------------------------------------------- threads */

wt_status port_thread_create(port_thread **out, const char *name, void (*fn)(void *), void *arg)
{
    sched *s = sched_current();
    assert(s != NULL);
    sched_point(s, SCHED_OP_SPAWN, NULL);
    *out = (port_thread *)sched_spawn(s, name, fn, arg);
    return WT_OK;
}

void port_thread_join(port_thread *t)
{
    sched *s = sched_current();
    assert(s != NULL);
    sched_join(s, (sched_fiber *)t);
}

uint32_t port_thread_id(void) { return self_id(); }

/* --------------------------------------------------- clock, random, sync */

uint64_t port_now_ns(void)
{
    sched *s = sched_current();
    return s != NULL ? sched_read_clock(s) : 0;
}

void port_sleep_ns(uint64_t ns)
{
    sched *s = sched_current();
    if (s != NULL) sched_sleep_ns(s, ns);
}

uint32_t port_random_u32(void)
{
    static uint64_t outside = 0x2545f4914f6cdd1dull;
    sched *s = sched_current();
    uint64_t *x = s != NULL && sched_self(s) != NULL ? &sched_self(s)->rng : &outside;
    *x ^= *x >> 12; /* xorshift64* */
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return (uint32_t)((*x * 0x2545f4914f6cdd1dull) >> 32);
}

void port_sync_point(const char *name)
{
    sched *s = sched_current();
    if (s != NULL) sched_sync_point(s, name);
}

static wt_status (*fault_hook)(const char *name, void *arg);
static void *fault_hook_arg;

void port_sim_set_fault_hook(wt_status (*hook)(const char *name, void *arg), void *arg)
{
    fault_hook = hook;
    fault_hook_arg = arg;
}

/* The memtable insert the fiber announced (insert_begin) costs its
 * model's time, charged where the engine asks the insert's fault point. */
static void charge_insert(const char *name)
{
    sched *s = sched_current();
    if (!timing_set || s == NULL || strcmp(name, "memtable:insert") != 0) return;
    if (!pending_insert.valid || pending_insert.fiber != self_id()) return;
    pending_insert.valid = false;
    uint64_t w = pending_insert.writer;
    uint64_t bytes = w < SCHED_MAX_FIBERS ? write_bytes[w] : 0;
    uint64_t ns = timing_insert_ns(&timing, pending_insert.count, bytes);
    if (ns > 0) sched_busy_ns(s, ns);
}

wt_status port_fault_point(const char *name)
{
    charge_insert(name);
    return fault_hook != NULL ? fault_hook(name, fault_hook_arg) : WT_OK;
}

bool port_events_enabled(void) { return sched_current() != NULL; }

/* A state event names the value its write really replaced: the engine
 * reports what it believed it replaced, and a racing write can make the
 * two differ (a store over a wake-up it never saw). */
void port_event_emit(const port_event *e)
{
    sched *s = sched_current();
    if (s == NULL) return;
    if (e->kind == PORT_EV_WRITE_BEGIN && e->writer < SCHED_MAX_FIBERS) write_bytes[e->writer] = e->a;
    if (e->kind == PORT_EV_MEM_INSERT_BEGIN)
        pending_insert = (insert_note){self_id(), e->writer, e->b, true};
    if (e->kind == PORT_EV_STATE && e->word != NULL && last_u32.valid &&
        last_u32.cell == (const void *)e->word && last_u32.fiber == self_id() &&
        last_u32.now == e->to && last_u32.old != e->from) {
        port_event real = *e;
        real.from = last_u32.old;
        sched_emit(s, &real);
        return;
    }
    sched_emit(s, e);
}

void port_assert_fail(const char *expr, const char *file, int line)
{
    char msg[512];
    snprintf(msg, sizeof msg, "assertion failed: %s (%s:%d)", expr, file, line);
    sched *s = sched_current();
    if (s != NULL && sched_self(s) != NULL) sched_fail(s, SCHED_ASSERTION, msg);
    fprintf(stderr, "wtlab: %s\n", msg);
    abort();
}

/* ------------------------------------------------------------------ files */

static simfs *fs_or_fail(void)
{
    if (the_fs == NULL) port_assert_fail("no simulated file system set", __FILE__, __LINE__);
    return the_fs;
}

/* Charges the operation's latency: the fiber sleeps, others run.  With
 * a timing model the cost depends on the file's kind (f NULL: meta). */
static void io_wait(simfs_op op, const simfs_file *f, size_t bytes)
{
    sched *s = sched_current();
    uint64_t ns;
    if (timing_set) {
        static const timing_op ops[] = {[SIMFS_OP_APPEND] = TIMING_OP_APPEND,
                                        [SIMFS_OP_SYNC] = TIMING_OP_SYNC,
                                        [SIMFS_OP_READ] = TIMING_OP_READ,
                                        [SIMFS_OP_META] = TIMING_OP_META};
        timing_file_kind k = f != NULL ? timing_file_kind_of(simfs_file_path(f)) : TIMING_FILE_OTHER;
        ns = timing_cost_ns(&timing, k, ops[op], bytes);
    } else {
        ns = simfs_cost_ns(fs_or_fail(), op, bytes);
    }
    /* An append copies into the page cache: CPU work, which keeps the
     * core under a CPU model; sync, read and metadata calls wait for the
     * device and give it up. */
    if (s != NULL && ns > 0 && op == SIMFS_OP_APPEND) sched_busy_ns(s, ns);
    else if (s != NULL && ns > 0) {
        uint32_t me = sched_self(s)->id;
        on_device[me] = true;
        sched_sleep_ns(s, ns);
        on_device[me] = false;
    }
}

wt_status port_file_open(const char *path, port_open_mode mode, port_file **out)
{
    point(SCHED_OP_FILE, NULL);
    simfs_file *f;
    wt_status st = simfs_open(fs_or_fail(), path, mode, &f);
    io_wait(SIMFS_OP_META, NULL, 0);
    if (st == WT_OK) *out = (port_file *)f;
    return st;
}

wt_status port_file_append(port_file *f, const void *data, size_t n)
{
    point(SCHED_OP_FILE, f);
    wt_status st = simfs_append((simfs_file *)f, data, n);
    io_wait(SIMFS_OP_APPEND, (simfs_file *)f, n);
    return st;
}

wt_status port_file_sync(port_file *f)
{
    point(SCHED_OP_FILE, f);
    /* Durable when the sync completes: a crash meanwhile loses the data. */
    io_wait(SIMFS_OP_SYNC, (simfs_file *)f, 0);
    return simfs_sync((simfs_file *)f);
}

wt_status port_file_read(port_file *f, uint64_t off, void *buf, size_t n, size_t *got)
{
    point(SCHED_OP_FILE, f);
    wt_status st = simfs_read((simfs_file *)f, off, buf, n, got);
    io_wait(SIMFS_OP_READ, (simfs_file *)f, n);
    return st;
}

wt_status port_file_size(port_file *f, uint64_t *size)
{
    point(SCHED_OP_FILE, f);
    return simfs_size((simfs_file *)f, size);
}

wt_status port_file_close(port_file *f)
{
    point(SCHED_OP_FILE, f);
    return simfs_close((simfs_file *)f);
}

wt_status port_mkdir(const char *path)
{
    point(SCHED_OP_FILE, NULL);
    return simfs_mkdir(fs_or_fail(), path);
}

wt_status port_sync_dir(const char *path)
{
    point(SCHED_OP_FILE, NULL);
    io_wait(SIMFS_OP_SYNC, NULL, 0);
    return simfs_sync_dir(fs_or_fail(), path);
}

wt_status port_rename(const char *from, const char *to)
{
    point(SCHED_OP_FILE, NULL);
    return simfs_rename(fs_or_fail(), from, to);
}

wt_status port_unlink(const char *path)
{
    point(SCHED_OP_FILE, NULL);
    return simfs_unlink(fs_or_fail(), path);
}

wt_status port_truncate(const char *path, uint64_t size)
{
    point(SCHED_OP_FILE, NULL);
    return simfs_truncate(fs_or_fail(), path, size);
}

bool port_exists(const char *path) { return simfs_exists(fs_or_fail(), path); }

wt_status port_list_dir(const char *path, void (*fn)(const char *name, void *arg), void *arg)
{
    point(SCHED_OP_FILE, NULL);
    return simfs_list(fs_or_fail(), path, fn, arg);
}

/* Not a scheduling point: a lock never blocks, and a point here would
 * move every recorded trace by the steps of each open. */
wt_status port_lock_file(const char *path, port_lock **out)
{
    simfs_file *f;
    wt_status st = simfs_lock(fs_or_fail(), path, &f);
    if (st == WT_OK) *out = (port_lock *)f;
    return st;
}

void port_unlock_file(port_lock *l)
{
    if (l != NULL) simfs_unlock((simfs_file *)l);
}
