/*
 * status.h — the result of every fallible engine call.
 *
 * A status is a small enum, returned by value.  Functions that can fail are
 * declared WT_MUST_USE so a dropped error is a compile error under -Werror.
 * Where a caller needs to know *where* something failed (a WAL offset, a
 * file name), the function takes an explicit report out-parameter; the
 * status itself carries only the class of failure, like RocksDB's
 * Status::Code.
 */
#ifndef WT_STATUS_H
#define WT_STATUS_H

#include <stddef.h>

#define WT_MUST_USE __attribute__((warn_unused_result))

typedef enum wt_status {
    WT_OK = 0,
    WT_NOT_FOUND,        /* key absent (Get), file absent */
    WT_CORRUPTION,       /* bad bytes: checksum, framing, batch format */
    WT_NOT_SUPPORTED,    /* option combination RocksDB rejects per write */
    WT_INVALID_ARGUMENT, /* caller error: bad options, sync with disableWAL */
    WT_IO_ERROR,         /* a file operation failed */
    WT_NO_SPACE,         /* a file operation failed with ENOSPC */
    WT_INCOMPLETE,       /* no_slowdown write refused by a stall */
    WT_BUSY,             /* a write callback vetoed the write */
    WT_SHUTDOWN,         /* the DB is closing */
    WT_STATUS_COUNT
} wt_status;

/* Stable lower-case name of a status ("ok", "io_error", ...), used in traces. */
const char *wt_status_name(wt_status s);

/* Parse a name produced by wt_status_name; returns false when unknown. */
_Bool wt_status_parse(const char *name, wt_status *out);

/* Formats the detail of an error (where and why) into why[cap], as the
 * table and manifest readers report it; does nothing when why is NULL. */
__attribute__((format(printf, 3, 4))) void wt_why(char *why, size_t cap, const char *fmt, ...);

#endif
