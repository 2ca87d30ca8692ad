/*
 * db_impl.c — what every db*.c unit shares, so that none of them calls
 * back into another for it: the trace events, the sticky background error,
 * and the sequence counters' readers.  The struct itself and who guards
 * what are in db_impl.h.
 *
 * The units and their calls, each only downwards:
 *   db_open.c  (options, recovery, open, close)
 *     -> db.c  (the write paths, PreprocessWrite)   -> db_flush.c
 *     -> db_flush.c (switch, flush, stalls, table and WAL bookkeeping)
 *   db_read.c  (get, scan)
 * and all of them -> db_impl.c, filename.c.
 *
 * Thread safety: the background error is an atomic, set under the DB
 * mutex and read without it; the sequences are atomics.
 */
#include "db_impl.h"

/* ---------------------------------------------------------------- events */

void db_emit(port_event_kind kind, uint32_t writer, wt_status status, uint64_t a, uint64_t b,
             uint64_t c, uint64_t d)
{
    if (!port_events_enabled()) return;
    port_event e = {.kind = kind, .writer = writer, .status = status,
                    .a = a, .b = b, .c = c, .d = d};
    port_event_emit(&e);
}

/* ------------------------------------------------------ background error */

wt_status wt_db_background_error(wt_db *db)
{
    return (wt_status)port_atomic_load_u32(&db->bg_error, PORT_ACQUIRE);
}

/* A failed WAL write or memtable insert stops all later writes until the
 * DB is reopened (RocksDB: paranoid_checks makes it a background error). */
void db_set_background_error_locked(wt_db *db, wt_status s)
{
    WT_ASSERT(s != WT_OK);
    port_mutex_assert_held(&db->mutex);
    if (s == WT_BUSY || s == WT_INCOMPLETE || !db->opts.paranoid_checks) return;
    uint32_t expected = WT_OK;
    if (port_atomic_cas_u32(&db->bg_error, &expected, s, PORT_ACQ_REL))
        db_emit(PORT_EV_ERROR, port_thread_id(), s, 0, 0, 0, 0);
    port_cond_broadcast(&db->bg_cv); /* stalled writers must see it */
}

void db_set_background_error(wt_db *db, wt_status s)
{
    port_mutex_lock(&db->mutex);
    db_set_background_error_locked(db, s);
    port_mutex_unlock(&db->mutex);
}

/* ----------------------------------------------------------- sequences */

uint64_t wt_db_last_sequence(wt_db *db)
{
    return port_atomic_load_u64(&db->last_sequence, PORT_ACQUIRE);
}

uint64_t wt_db_last_allocated_sequence(wt_db *db)
{
    return port_atomic_load_u64(&db->last_allocated_sequence, PORT_ACQUIRE);
}
