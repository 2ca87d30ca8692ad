/*
 * timeline.c — one trace event as one aligned text line (see timeline.h).
 *
 * Columns: step (8), time in µs with ns precision (12), fiber (10),
 * event (15), writer (10), then free-form details built from the event's
 * keys.  Parses each line with jansson; unknown events print their keys.
 */
#include "timeline.h"

#include <jansson.h>
#include <string.h>

void timeline_heading(FILE *out)
{
    fprintf(out, "%8s %12s  %-10s %-15s %-10s %s\n", "step", "t (us)", "fiber", "event", "writer",
            "details");
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long num(json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* Does the event involve writer w (as fiber, writer, leader or member)? */
static bool involves(json_t *o, const char *w)
{
    if (strcmp(str(o, "fiber"), w) == 0 || strcmp(str(o, "writer"), w) == 0 ||
        strcmp(str(o, "leader"), w) == 0 || strcmp(str(o, "pick"), w) == 0)
        return true;
    json_t *members = json_object_get(o, "members");
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m) if (strcmp(json_string_value(m), w) == 0) return true;
    return false;
}

static void list(json_t *arr, char *buf, size_t cap)
{
    size_t i, n = 0;
    json_t *m;
    buf[0] = '\0';
    json_array_foreach(arr, i, m) {
        if (n >= cap) break;
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? " " : "", json_string_value(m));
    }
}

static void details(json_t *o, const char *ev, char *d, size_t cap)
{
    char names[512];
    if (strcmp(ev, "pick") == 0) {
        list(json_object_get(o, "of"), names, sizeof names);
        snprintf(d, cap, "run %s (of %s)", str(o, "pick"), names);
    } else if (strcmp(ev, "state") == 0) {
        snprintf(d, cap, "%s -> %s", str(o, "from"), str(o, "to"));
    } else if (strcmp(ev, "write_begin") == 0) {
        snprintf(d, cap, "batch %lld: %lld bytes, %lld op%s%s%s", num(o, "batch"), num(o, "bytes"),
                 num(o, "count"), num(o, "count") == 1 ? "" : "s", *str(o, "opts") ? ", " : "",
                 str(o, "opts"));
    } else if (strcmp(ev, "write_end") == 0) {
        snprintf(d, cap, "batch %lld: %s, seq %lld (+%lld)", num(o, "batch"), str(o, "status"),
                 num(o, "seq"), num(o, "count"));
    } else if (strcmp(ev, "group") == 0 || strcmp(ev, "memtable_group") == 0) {
        list(json_object_get(o, "members"), names, sizeof names);
        char bytes[48] = "";
        if (json_object_get(o, "bytes")) snprintf(bytes, sizeof bytes, ", %lld bytes", num(o, "bytes"));
        snprintf(d, cap, "[%s] %zu member%s%s, seq %lld..%lld%s", names,
                 json_array_size(json_object_get(o, "members")),
                 json_array_size(json_object_get(o, "members")) == 1 ? "" : "s", bytes,
                 num(o, "first_seq"), num(o, "last_seq"), strcmp(ev, "group") ? " (memtable)" : "");
    } else if (strcmp(ev, "wal_append") == 0) {
        snprintf(d, cap, "offset %lld, %lld bytes, seq %lld (+%lld): %s", num(o, "offset"),
                 num(o, "bytes"), num(o, "first_seq"), num(o, "count"), str(o, "status"));
    } else if (strcmp(ev, "insert_begin") == 0 || strcmp(ev, "insert_end") == 0) {
        snprintf(d, cap, "seq %lld (+%lld)%s%s", num(o, "seq"), num(o, "count"),
                 *str(o, "status") ? ": " : "", str(o, "status"));
    } else if (strcmp(ev, "wal_sync_begin") == 0 || strcmp(ev, "wal_sync_end") == 0) {
        snprintf(d, cap, "log %06lld%s%s", num(o, "log"), *str(o, "status") ? ": " : "",
                 str(o, "status"));
    } else if (strcmp(ev, "recovery") == 0) {
        snprintf(d, cap, "%lld records replayed, last sequence %lld%s: %s", num(o, "records"),
                 num(o, "last_seq"), json_is_true(json_object_get(o, "problem")) ? ", a problem" : "",
                 str(o, "status"));
    } else if (strcmp(ev, "publish") == 0) {
        snprintf(d, cap, "last sequence %lld", num(o, "seq"));
    } else if (strcmp(ev, "hold") == 0 || strcmp(ev, "release") == 0) {
        snprintf(d, cap, "at %s until %s", str(o, "at"), str(o, "until"));
    } else if (strcmp(ev, "violation") == 0) {
        snprintf(d, cap, "%s: %s", str(o, "invariant"), str(o, "detail"));
    } else {
        /* Anything else: its remaining keys, compactly. */
        char *all = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        const char *p = all ? strstr(all, "\"ev\":") : NULL;
        p = p ? strchr(p, ',') : NULL;
        snprintf(d, cap, "%s", p ? p + 1 : "");
        size_t n = strlen(d);
        if (n > 0 && d[n - 1] == '}') d[n - 1] = '\0';
        free(all);
    }
}

bool timeline_format(const char *json_line, const char *writer, bool with_picks, char *buf,
                     size_t cap, uint64_t *step)
{
    json_error_t err;
    json_t *o = json_loads(json_line, JSON_DECODE_ANY, &err);
    bool ok = json_is_object(o) && json_object_get(o, "ev") != NULL;
    const char *ev = ok ? str(o, "ev") : "";
    if (ok && strcmp(ev, "pick") == 0 && !with_picks) ok = false;
    if (ok && writer != NULL && !involves(o, writer)) ok = false;
    if (ok) {
        char d[1024];
        details(o, ev, d, sizeof d);
        long long t = num(o, "t");
        *step = (uint64_t)num(o, "step");
        snprintf(buf, cap, "%8lld %8lld.%03lld  %-10s %-15s %-10s %s", num(o, "step"), t / 1000,
                 t % 1000, str(o, "fiber"), ev, str(o, "writer")[0] ? str(o, "writer") : str(o, "leader"),
                 d);
    }
    json_decref(o);
    return ok;
}
