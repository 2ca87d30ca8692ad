/*
 * wtengine.c — the public C API (include/wtengine.h) over the engine's
 * own (db.h, write_batch.h, port_pthread.h): opaque handles, byte strings
 * as pointer and length, statuses with the engine's numbers.
 *
 * Only the pthreads library (libwtengine) compiles this file; its
 * functions are the only ones the shared library exports (the library is
 * built with -fvisibility=hidden and wtengine.h marks these
 * WTENGINE_API).  Each call translates and forwards; no state of its own,
 * so thread safety is the engine's (db.h).  Allocations go through
 * port_alloc, which never returns NULL.
 */
#include "wtengine.h"

#include "db.h"
#include "port_pthread.h"
#include "util.h"
#include "write_batch.h"

#ifndef WTENGINE_VERSION
#error "meson passes WTENGINE_VERSION"
#endif
#include "build_id.h"

/* The public numbers are the engine's: a status crosses by cast. */
_Static_assert(WTENGINE_OK == (int)WT_OK, "status numbers");
_Static_assert(WTENGINE_NOT_FOUND == (int)WT_NOT_FOUND, "status numbers");
_Static_assert(WTENGINE_CORRUPTION == (int)WT_CORRUPTION, "status numbers");
_Static_assert(WTENGINE_NOT_SUPPORTED == (int)WT_NOT_SUPPORTED, "status numbers");
_Static_assert(WTENGINE_INVALID_ARGUMENT == (int)WT_INVALID_ARGUMENT, "status numbers");
_Static_assert(WTENGINE_IO_ERROR == (int)WT_IO_ERROR, "status numbers");
_Static_assert(WTENGINE_NO_SPACE == (int)WT_NO_SPACE, "status numbers");
_Static_assert(WTENGINE_INCOMPLETE == (int)WT_INCOMPLETE, "status numbers");
_Static_assert(WTENGINE_BUSY == (int)WT_BUSY, "status numbers");
_Static_assert(WTENGINE_SHUTDOWN + 1 == (int)WT_STATUS_COUNT, "every status is public");
_Static_assert(WTENGINE_RECOVERY_TOLERATE_CORRUPTED_TAIL_RECORDS ==
                   (int)WT_WAL_TOLERATE_CORRUPTED_TAIL_RECORDS, "recovery modes");
_Static_assert(WTENGINE_RECOVERY_ABSOLUTE_CONSISTENCY == (int)WT_WAL_ABSOLUTE_CONSISTENCY,
               "recovery modes");
_Static_assert(WTENGINE_RECOVERY_POINT_IN_TIME == (int)WT_WAL_POINT_IN_TIME, "recovery modes");
_Static_assert(WTENGINE_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS ==
                   (int)WT_WAL_SKIP_ANY_CORRUPTED_RECORDS, "recovery modes");

struct wtengine_options {
    wt_options o;
};
struct wtengine_write_options {
    wt_write_options wo;
};
struct wtengine_write_batch {
    wt_write_batch b;
};
struct wtengine_db {
    wt_db *db;
};

static wtengine_status from_status(wt_status s)
{
    WT_ASSERT(s < WT_STATUS_COUNT);
    return (wtengine_status)s;
}

/* NULL write options are the defaults (all false). */
static const wt_write_options *write_options(const wtengine_write_options *wo)
{
    static const wt_write_options defaults;
    return wo ? &wo->wo : &defaults;
}

const char *wtengine_status_name(wtengine_status s)
{
    return (int)s >= 0 && (int)s < WT_STATUS_COUNT ? wt_status_name((wt_status)s) : "unknown";
}

const char *wtengine_version(void) { return WTENGINE_VERSION; }
const char *wtengine_build_id(void) { return WTLAB_BUILD_ID; }

/* --------------------------------------------------------------- options */

wtengine_options *wtengine_options_create(void)
{
    wtengine_options *o = port_alloc(sizeof *o);
    wt_options_default(&o->o);
    return o;
}

void wtengine_options_destroy(wtengine_options *o) { port_free(o); }

void wtengine_options_set_create_if_missing(wtengine_options *o, bool v)
{
    o->o.create_if_missing = v;
}
void wtengine_options_set_allow_concurrent_memtable_write(wtengine_options *o, bool v)
{
    o->o.allow_concurrent_memtable_write = v;
}
void wtengine_options_set_enable_pipelined_write(wtengine_options *o, bool v)
{
    o->o.enable_pipelined_write = v;
}
void wtengine_options_set_unordered_write(wtengine_options *o, bool v)
{
    o->o.unordered_write = v;
}
void wtengine_options_set_two_write_queues(wtengine_options *o, bool v)
{
    o->o.two_write_queues = v;
}
void wtengine_options_set_max_write_batch_group_size_bytes(wtengine_options *o, uint64_t v)
{
    o->o.max_write_batch_group_size_bytes = v;
}
void wtengine_options_set_write_buffer_size(wtengine_options *o, uint64_t v)
{
    o->o.write_buffer_size = v;
}
void wtengine_options_set_max_write_buffer_number(wtengine_options *o, int v)
{
    o->o.max_write_buffer_number = v;
}
void wtengine_options_set_wal_recovery_mode(wtengine_options *o, wtengine_recovery_mode v)
{
    o->o.wal_recovery_mode = (wt_wal_recovery_mode)v;
}
void wtengine_options_set_flush_on_close(wtengine_options *o, bool v)
{
    o->o.flush_on_close = v;
}
void wtengine_options_set_sync_group_fill(wtengine_options *o, bool v)
{
    o->o.sync_group_fill = v;
}
void wtengine_options_set_sync_prewake_usec(wtengine_options *o, uint64_t v)
{
    o->o.sync_prewake_usec = v;
}
void wtengine_options_set_max_active_writers(wtengine_options *o, uint64_t v)
{
    o->o.max_active_writers = v;
}
void wtengine_options_set_active_writer_handoff(wtengine_options *o, uint64_t handoff)
{
    o->o.active_writer_handoff = handoff;
}

/* --------------------------------------------------------- write options */

wtengine_write_options *wtengine_write_options_create(void)
{
    return port_alloc_zeroed(sizeof(wtengine_write_options));
}

void wtengine_write_options_destroy(wtengine_write_options *wo) { port_free(wo); }

void wtengine_write_options_set_sync(wtengine_write_options *wo, bool v) { wo->wo.sync = v; }
void wtengine_write_options_set_disable_wal(wtengine_write_options *wo, bool v)
{
    wo->wo.disable_wal = v;
}
void wtengine_write_options_set_no_slowdown(wtengine_write_options *wo, bool v)
{
    wo->wo.no_slowdown = v;
}

/* ------------------------------------------------------------ WriteBatch */

wtengine_write_batch *wtengine_write_batch_create(void)
{
    wtengine_write_batch *b = port_alloc(sizeof *b);
    wt_batch_init(&b->b);
    return b;
}

void wtengine_write_batch_destroy(wtengine_write_batch *b)
{
    if (b == NULL) return;
    wt_batch_destroy(&b->b);
    port_free(b);
}

void wtengine_write_batch_clear(wtengine_write_batch *b) { wt_batch_clear(&b->b); }

void wtengine_write_batch_put(wtengine_write_batch *b, const char *key, size_t key_len,
                              const char *value, size_t value_len)
{
    wt_batch_put(&b->b, wt_slice_make(key, key_len), wt_slice_make(value, value_len));
}

void wtengine_write_batch_delete(wtengine_write_batch *b, const char *key, size_t key_len)
{
    wt_batch_delete(&b->b, wt_slice_make(key, key_len));
}

void wtengine_write_batch_single_delete(wtengine_write_batch *b, const char *key, size_t key_len)
{
    wt_batch_single_delete(&b->b, wt_slice_make(key, key_len));
}

uint32_t wtengine_write_batch_count(const wtengine_write_batch *b) { return wt_batch_count(&b->b); }

/* -------------------------------------------------------------------- DB */

wtengine_status wtengine_open(const wtengine_options *o, const char *dir, wtengine_db **out)
{
    WT_ASSERT(dir != NULL);
    WT_ASSERT(out != NULL);
    wt_options defaults;
    if (o == NULL) {
        wt_options_default(&defaults);
        defaults.create_if_missing = true;
    }
    wt_db *db = NULL;
    wt_status s = wt_db_open(o ? &o->o : &defaults, dir, &db, NULL);
    *out = NULL;
    if (s != WT_OK) return from_status(s);
    *out = port_alloc(sizeof **out);
    (*out)->db = db;
    return WTENGINE_OK;
}

wtengine_status wtengine_close(wtengine_db *db)
{
    WT_ASSERT(db != NULL);
    wt_status s = wt_db_close(db->db);
    port_free(db);
    return from_status(s);
}

wtengine_status wtengine_put(wtengine_db *db, const wtengine_write_options *wo, const char *key,
                             size_t key_len, const char *value, size_t value_len)
{
    return from_status(wt_db_put(db->db, write_options(wo), wt_slice_make(key, key_len),
                                 wt_slice_make(value, value_len)));
}

wtengine_status wtengine_delete(wtengine_db *db, const wtengine_write_options *wo,
                                const char *key, size_t key_len)
{
    return from_status(wt_db_delete(db->db, write_options(wo), wt_slice_make(key, key_len)));
}

wtengine_status wtengine_write(wtengine_db *db, const wtengine_write_options *wo,
                               wtengine_write_batch *b)
{
    return from_status(wt_db_write(db->db, write_options(wo), &b->b));
}

wtengine_status wtengine_get(wtengine_db *db, const char *key, size_t key_len, char **value,
                             size_t *value_len)
{
    WT_ASSERT(value != NULL);
    WT_ASSERT(value_len != NULL);
    wt_buf v;
    wt_buf_init(&v);
    wt_status s = wt_db_get(db->db, wt_slice_make(key, key_len), &v);
    *value = NULL;
    *value_len = 0;
    if (s == WT_OK) {
        *value = port_alloc(v.size + 1);
        if (v.size > 0) memcpy(*value, v.data, v.size);
        (*value)[v.size] = '\0';
        *value_len = v.size;
    }
    wt_buf_free(&v);
    return from_status(s);
}

void wtengine_free(void *p) { port_free(p); }

typedef struct scan_call {
    wtengine_scan_fn fn;
    void *arg;
} scan_call;

static bool scan_entry(wt_slice key, wt_slice value, void *arg)
{
    const scan_call *call = arg;
    return call->fn((const char *)key.data, key.size, (const char *)value.data, value.size,
                    call->arg);
}

wtengine_status wtengine_scan(wtengine_db *db, wtengine_scan_fn fn, void *arg)
{
    WT_ASSERT(fn != NULL);
    scan_call call = {fn, arg};
    return from_status(wt_db_scan(db->db, scan_entry, &call));
}

uint64_t wtengine_last_sequence(wtengine_db *db) { return wt_db_last_sequence(db->db); }

/* --------------------------------------------------------------- tracing */

wtengine_status wtengine_trace_start(const char *path, const char *program)
{
    return from_status(port_pthread_trace_start(path, program ? program : "wtengine"));
}

wtengine_status wtengine_trace_stop(void) { return from_status(port_pthread_trace_stop()); }

void wtengine_trace_name_thread(const char *name)
{
    port_pthread_trace_name_thread("%s", name);
}
