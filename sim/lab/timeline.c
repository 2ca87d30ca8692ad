/*
 * timeline.c — one trace event as one aligned text line (timeline.h).
 *
 * Columns: step (8), time in µs with ns precision (12), fiber (10), event
 * (15), writer (10), then details.  The common kinds have a sentence of
 * their own; the others list their fields as the format's table names
 * them, so a new kind shows up without changes here.
 */
#include "timeline.h"

#include <inttypes.h>
#include <string.h>

void timeline_heading(FILE *out)
{
    fprintf(out, "%8s %12s  %-10s %-15s %-10s %s\n", "step", "t (us)", "fiber", "event", "writer",
            "details");
}

static bool named(const char *s, const char *name) { return s != NULL && strcmp(s, name) == 0; }

bool timeline_involves(const trace_event *e, const char *w)
{
    if (named(e->fiber, w) || named(e->writer, w) || named(e->leader, w) || named(e->pick, w))
        return true;
    for (uint32_t i = 0; i < e->members.count; i++)
        if (named(e->members.names[i], w)) return true;
    return false;
}

static void list(const trace_names *n, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < n->count && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? " " : "", n->names[i]);
}

/* "key value, key value" for every field of the kind's table row. */
static void generic(const trace_event *e, char *d, size_t cap)
{
    size_t len = 0;
    d[0] = '\0';
    for (const trace_field_def *f = trace_kinds[e->kind].fields; f->key && len < cap; f++) {
        const void *p = (const char *)e + f->offset;
        const char *sep = len ? ", " : "";
        char names[512];
        switch (f->type) {
        case TRACE_U64:
        case TRACE_U64_STR:
            len += (size_t)snprintf(d + len, cap - len, "%s%s %" PRIu64, sep, f->key,
                                    *(const uint64_t *)p);
            break;
        case TRACE_I64:
            len += (size_t)snprintf(d + len, cap - len, "%s%s %" PRId64, sep, f->key,
                                    *(const int64_t *)p);
            break;
        case TRACE_BOOL:
            len += (size_t)snprintf(d + len, cap - len, "%s%s %s", sep, f->key,
                                    *(const bool *)p ? "true" : "false");
            break;
        case TRACE_STR:
            len += (size_t)snprintf(d + len, cap - len, "%s%s %s", sep, f->key,
                                    *(const char *const *)p ? *(const char *const *)p : "-");
            break;
        case TRACE_NAMES:
            list((const trace_names *)p, names, sizeof names);
            len += (size_t)snprintf(d + len, cap - len, "%s%s [%s]", sep, f->key, names);
            break;
        }
    }
}

static void group_details(const trace_event *e, char *d, size_t cap)
{
    char names[512], bytes[48] = "";
    list(&e->members, names, sizeof names);
    if (e->kind == TRACE_GROUP) snprintf(bytes, sizeof bytes, ", %" PRIu64 " bytes", e->bytes);
    snprintf(d, cap, "[%s] %u member%s%s, seq %" PRIu64 "..%" PRIu64 "%s", names,
             e->members.count, e->members.count == 1 ? "" : "s", bytes, e->first_seq, e->last_seq,
             e->kind == TRACE_GROUP ? "" : " (memtable)");
}

static void details(const trace_event *e, char *d, size_t cap)
{
    char names[512];
    const char *st = e->status ? e->status : "";
    switch (e->kind) {
    case TRACE_PICK:
        list(&e->of, names, sizeof names);
        snprintf(d, cap, "run %s (of %s)", e->pick, names);
        break;
    case TRACE_STATE: snprintf(d, cap, "%s -> %s", e->from, e->to); break;
    case TRACE_WRITE_BEGIN:
        snprintf(d, cap, "batch %" PRId64 ": %" PRIu64 " bytes, %" PRIu64 " op%s%s%s", e->batch,
                 e->bytes, e->count, e->count == 1 ? "" : "s", *e->opts ? ", " : "", e->opts);
        break;
    case TRACE_WRITE_END:
        snprintf(d, cap, "batch %" PRId64 ": %s, seq %" PRIu64 " (+%" PRIu64 ")", e->batch, st,
                 e->seq, e->count);
        break;
    case TRACE_GROUP:
    case TRACE_MEMTABLE_GROUP: group_details(e, d, cap); break;
    case TRACE_WAL_APPEND:
        snprintf(d, cap, "offset %" PRIu64 ", %" PRIu64 " bytes, seq %" PRIu64 " (+%" PRIu64 "): %s",
                 e->offset, e->bytes, e->first_seq, e->count, st);
        break;
    case TRACE_INSERT_BEGIN:
    case TRACE_INSERT_END:
        snprintf(d, cap, "seq %" PRIu64 " (+%" PRIu64 ")%s%s", e->seq, e->count, *st ? ": " : "", st);
        break;
    case TRACE_WAL_SYNC_BEGIN:
    case TRACE_WAL_SYNC_END:
        snprintf(d, cap, "log %06" PRIu64 "%s%s", e->log, *st ? ": " : "", st);
        break;
    case TRACE_RECOVERY:
        snprintf(d, cap, "%" PRIu64 " records replayed, last sequence %" PRIu64 "%s: %s", e->records,
                 e->last_seq, e->problem ? ", a problem" : "", st);
        break;
    case TRACE_PUBLISH: snprintf(d, cap, "last sequence %" PRIu64, e->seq); break;
    case TRACE_HOLD:
    case TRACE_RELEASE: snprintf(d, cap, "at %s until %s", e->at, e->until); break;
    case TRACE_VIOLATION: snprintf(d, cap, "%s: %s", e->invariant, e->detail); break;
    default: generic(e, d, cap); break;
    }
}

void timeline_format(const trace_event *e, char *buf, size_t cap)
{
    char d[1024];
    details(e, d, sizeof d);
    const char *who = e->writer ? e->writer : e->leader ? e->leader : "";
    snprintf(buf, cap, "%8" PRIu64 " %8" PRIu64 ".%03" PRIu64 "  %-10s %-15s %-10s %s", e->step,
             e->t_ns / 1000, e->t_ns % 1000, e->fiber, trace_kinds[e->kind].name, who, d);
}
