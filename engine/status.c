/* status.c — names of statuses, stable because traces and scenarios use them;
 * the error-detail formatter. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[WT_STATUS_COUNT] = {
    [WT_OK] = "ok",
    [WT_NOT_FOUND] = "not_found",
    [WT_CORRUPTION] = "corruption",
    [WT_NOT_SUPPORTED] = "not_supported",
    [WT_INVALID_ARGUMENT] = "invalid_argument",
    [WT_IO_ERROR] = "io_error",
    [WT_NO_SPACE] = "no_space",
    [WT_INCOMPLETE] = "incomplete",
    [WT_BUSY] = "busy",
    [WT_SHUTDOWN] = "shutdown",
};

const char *wt_status_name(wt_status s)
{
    if ((unsigned)s >= WT_STATUS_COUNT) return "unknown";
    return status_names[s];
}

_Bool wt_status_parse(const char *name, wt_status *out)
{
    for (unsigned i = 0; i < WT_STATUS_COUNT; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *out = (wt_status)i;
            return 1;
        }
    }
    return 0;
}

void wt_why(char *why, size_t cap, const char *fmt, ...)
{
    if (why == NULL || cap == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
}
