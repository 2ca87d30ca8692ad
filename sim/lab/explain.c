/*
 * explain.c — a failing run as columns and sentences (see explain.h).
 */
#define _GNU_SOURCE
#include "explain.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { EXPLAIN_CONTEXT_EVENTS = 24 }; /* shown before a failure of no writer */

typedef struct slice {
    const trace_doc *d;
    size_t violation;            /* index of the violation event, or event_count */
    const char *subject;         /* the writer (or fiber) the failure concerns */
    size_t from;                 /* the slice's first event */
    const char *cols[EXPLAIN_MAX_COLUMNS];
    size_t ncols;
} slice;

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static int col_of(const slice *s, const char *fiber)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (same(s->cols[i], fiber)) return (int)i;
    return -1;
}

static void add_col(slice *s, const char *fiber)
{
    if (fiber == NULL || same(fiber, "-") || col_of(s, fiber) >= 0) return;
    if (s->ncols < EXPLAIN_MAX_COLUMNS) s->cols[s->ncols++] = fiber;
}

static bool names_has(trace_names n, const char *x)
{
    for (uint32_t i = 0; i < n.count; i++)
        if (same(n.names[i], x)) return true;
    return false;
}

/* Whether text names fiber as a word ("w1's", "(w1 -> w2)": yes; "w12": no). */
static bool text_names(const char *text, const char *fiber)
{
    size_t n = strlen(fiber);
    for (const char *p = text ? strstr(text, fiber) : NULL; p; p = strstr(p + 1, fiber)) {
        bool left = p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                                   (p[-1] >= '0' && p[-1] <= '9'));
        char c = p[n];
        bool right = !(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
        if (left && right) return true;
    }
    return false;
}

/* A deadlock names no writer: the subject is a writer still inside a
 * write at the end, preferring one whose last state is a wait. */
static const char *stuck_writer(const trace_doc *d, size_t end)
{
    const char *best = NULL;
    bool best_waits = false;
    for (size_t i = 0; i < end; i++) {
        const trace_event *e = &d->events[i];
        if (e->kind != TRACE_WRITE_BEGIN) continue;
        bool ended = false, waits = false;
        for (size_t j = i + 1; j < end && !ended; j++) {
            const trace_event *f = &d->events[j];
            ended = f->kind == TRACE_WRITE_END && same(f->writer, e->writer);
            if (f->kind == TRACE_STATE && same(f->writer, e->writer))
                waits = same(f->to, "LOCKED_WAITING");
        }
        if (ended) continue;
        if (best == NULL || (waits && !best_waits)) {
            best = e->writer;
            best_waits = waits;
        }
    }
    return best;
}

static void build_slice(slice *s, const trace_doc *d)
{
    memset(s, 0, sizeof *s);
    s->d = d;
    s->violation = d->event_count;
    for (size_t i = d->event_count; i-- > 0;)
        if (d->events[i].kind == TRACE_VIOLATION) {
            s->violation = i;
            break;
        }
    size_t end = s->violation < d->event_count ? s->violation : d->event_count;
    const trace_event *v = s->violation < d->event_count ? &d->events[s->violation] : NULL;
    s->subject = v && v->writer ? v->writer : NULL;
    if (s->subject == NULL) s->subject = stuck_writer(d, end);
    if (s->subject == NULL && v && !same(v->fiber, "-")) s->subject = v->fiber;
    if (s->subject == NULL) return;
    add_col(s, s->subject);
    bool found = false;
    for (size_t i = end; i-- > 0 && !found;)
        if (d->events[i].kind == TRACE_WRITE_BEGIN && same(d->events[i].writer, s->subject)) {
            s->from = i;
            found = true;
        }
    if (!found) { /* not a writer (main, flush): the last events before the failure */
        size_t seen = 0;
        s->from = end;
        for (size_t i = end; i-- > 0 && seen < EXPLAIN_CONTEXT_EVENTS;) {
            if (d->events[i].kind == TRACE_PICK) continue;
            seen++;
            s->from = i;
            add_col(s, d->events[i].fiber);
        }
        return;
    }
    /* who touched the subject in the window */
    for (size_t i = s->from; i < end; i++) {
        const trace_event *e = &d->events[i];
        bool touches = false;
        switch (e->kind) {
        case TRACE_STATE: case TRACE_INSERT_BEGIN: touches = same(e->writer, s->subject); break;
        case TRACE_GROUP: case TRACE_MEMTABLE_GROUP: touches = names_has(e->members, s->subject); break;
        case TRACE_DETACH: touches = same(e->next, s->subject); break;
        case TRACE_MOVE_ASIDE: touches = same(e->writer, s->subject); break;
        default: break;
        }
        if (touches) add_col(s, e->fiber);
    }
    if (v) add_col(s, v->fiber);
    /* threads the violation's text names (the other side of a race) */
    for (size_t i = 0; v && i < end; i++) {
        const char *f = d->events[i].fiber;
        if (f && !same(f, "main") && text_names(v->detail, f)) add_col(s, f);
    }
    /* and the slice starts where the earliest current write of them does */
    for (size_t c = 1; c < s->ncols; c++)
        for (size_t i = end; i-- > 0;)
            if (d->events[i].kind == TRACE_WRITE_BEGIN && same(d->events[i].writer, s->cols[c])) {
                if (i < s->from) s->from = i;
                break;
            }
}

/* ------------------------------------------------------------- phrasing */

static bool in_cols(const slice *s, const char *x) { return col_of(s, x) >= 0; }

/* One event of the slice in RocksDB's words; false: not shown. */
static bool phrase(const slice *s, const trace_event *e, char *buf, size_t cap)
{
    const char *me = e->fiber;
    switch (e->kind) {
    case TRACE_WRITE_BEGIN:
        snprintf(buf, cap, "Write(): batch %lld begins (%llu op%s%s%s)", (long long)e->batch,
                 (unsigned long long)e->count, e->count == 1 ? "" : "s",
                 e->opts && *e->opts ? ", " : "", e->opts ? e->opts : "");
        return true;
    case TRACE_WRITE_END:
        snprintf(buf, cap, "Write() returns batch %lld: %s, seq %llu", (long long)e->batch,
                 e->status, (unsigned long long)e->seq);
        return true;
    case TRACE_LINK:
        snprintf(buf, cap, "JoinBatchGroup: CAS onto the %s queue%s", e->queue,
                 e->leads ? ", empty: it leads" : ", behind others");
        return true;
    case TRACE_STATE:
        if (same(e->writer, me)) {
            if (same(e->to, "LOCKED_WAITING"))
                snprintf(buf, cap, "AwaitState: stores LOCKED_WAITING over %s, blocks", e->from);
            else
                snprintf(buf, cap, "own state %s -> %s", e->from, e->to);
        } else if (same(e->to, "COMPLETED")) {
            snprintf(buf, cap, "sets %s COMPLETED (was %s)", e->writer, e->from);
        } else if (same(e->to, "GROUP_LEADER") || same(e->to, "MEMTABLE_WRITER_LEADER")) {
            snprintf(buf, cap, "makes %s the next leader: %s -> %s", e->writer, e->from, e->to);
        } else {
            snprintf(buf, cap, "sets %s %s -> %s", e->writer, e->from, e->to);
        }
        return in_cols(s, e->writer) || same(e->writer, s->subject);
    case TRACE_GROUP: {
        int n = snprintf(buf, cap, "EnterAsBatchGroupLeader: group [");
        for (uint32_t i = 0; i < e->members.count && (size_t)n < cap; i++)
            n += snprintf(buf + n, cap - (size_t)n, "%s%s", i ? " " : "", e->members.names[i]);
        if ((size_t)n < cap)
            snprintf(buf + n, cap - (size_t)n, "] seq %llu..%llu", (unsigned long long)e->first_seq,
                     (unsigned long long)e->last_seq);
        return true;
    }
    case TRACE_MEMTABLE_GROUP:
        snprintf(buf, cap, "EnterAsMemTableWriter: %u writers, seq %llu..%llu", e->members.count,
                 (unsigned long long)e->first_seq, (unsigned long long)e->last_seq);
        return true;
    case TRACE_NEWER_LINKS:
        snprintf(buf, cap, "CreateMissingNewerLinks: %llu link_newer set",
                 (unsigned long long)e->links);
        return true;
    case TRACE_DETACH:
        snprintf(buf, cap, "takes its group of %llu off the %s queue; next: %s",
                 (unsigned long long)e->size, e->queue, e->next ? e->next : "none");
        return true;
    case TRACE_MOVE_ASIDE:
        snprintf(buf, cap, "moves %s aside (incompatible)", e->writer);
        return true;
    case TRACE_WAL_APPEND:
        snprintf(buf, cap, "WriteToWAL: %llu bytes at %llu, seq %llu: %s",
                 (unsigned long long)e->bytes, (unsigned long long)e->offset,
                 (unsigned long long)e->first_seq, e->status);
        return true;
    case TRACE_WAL_SYNC_BEGIN: snprintf(buf, cap, "SyncWAL: fsync begins"); return true;
    case TRACE_WAL_SYNC_END: snprintf(buf, cap, "SyncWAL: fsync done: %s", e->status); return true;
    case TRACE_INSERT_BEGIN:
        snprintf(buf, cap, "InsertInto memtable %llu: %s's batch, seq %llu",
                 (unsigned long long)e->memtable, e->writer, (unsigned long long)e->seq);
        return true;
    case TRACE_INSERT_END:
        snprintf(buf, cap, "insert of %s's batch done: %s", e->writer, e->status);
        return true;
    case TRACE_PUBLISH:
        snprintf(buf, cap, "SetLastSequence(%llu): readers see it", (unsigned long long)e->seq);
        return true;
    case TRACE_ALLOCATE:
        snprintf(buf, cap, "FetchAddLastAllocatedSequence: %llu..%llu",
                 (unsigned long long)e->first_seq,
                 (unsigned long long)(e->first_seq + (e->count ? e->count - 1 : 0)));
        return true;
    case TRACE_MEMTABLE_SWITCH:
        snprintf(buf, cap, "SwitchMemtable: new WAL %llu", (unsigned long long)e->log);
        return true;
    case TRACE_FLUSH_BEGIN:
        snprintf(buf, cap, "FlushMemTable: memtable %llu -> table %llu",
                 (unsigned long long)e->memtable, (unsigned long long)e->file);
        return true;
    case TRACE_FLUSH_END: snprintf(buf, cap, "flush done: %s", e->status); return true;
    case TRACE_STALL_BEGIN: snprintf(buf, cap, "WriteStall begins"); return true;
    case TRACE_STALL_END: snprintf(buf, cap, "WriteStall ends"); return true;
    case TRACE_BG_ERROR: snprintf(buf, cap, "background error: %s", e->status); return true;
    case TRACE_HOLD: snprintf(buf, cap, "pinned at %s until %s", e->at, e->until); return true;
    case TRACE_RELEASE: snprintf(buf, cap, "released (%s)", e->until); return true;
    case TRACE_CRASH: snprintf(buf, cap, "power lost"); return true;
    case TRACE_FINISH: snprintf(buf, cap, "thread ends"); return true;
    case TRACE_VIOLATION: snprintf(buf, cap, "X %s", e->invariant); return true;
    default: return false;
    }
}

/* ----------------------------------------------------------------- table */

typedef struct row {
    uint64_t step;
    int col;
    char text[256];
} row;

typedef struct rows {
    row *v;
    size_t n, cap;
} rows;

static void add_row(rows *r, uint64_t step, int col, const char *fmt, ...)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        assert(r->v != NULL);
    }
    row *x = &r->v[r->n++];
    x->step = step;
    x->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->text, sizeof x->text, fmt, ap);
    va_end(ap);
}

static void collect_rows(const slice *s, rows *r, size_t *preemptions)
{
    const trace_doc *d = s->d;
    size_t end = s->violation < d->event_count ? s->violation + 1 : d->event_count;
    *preemptions = 0;
    for (size_t i = s->from; i < end; i++) {
        const trace_event *e = &d->events[i];
        char buf[256];
        if (e->kind == TRACE_PICK) {
            if (!names_has(e->of, e->fiber) || same(e->pick, e->fiber)) continue;
            int c = col_of(s, e->fiber);
            if (c < 0 && col_of(s, e->pick) < 0) continue;
            ++*preemptions;
            if (c >= 0) add_row(r, e->step, c, "~> preempted: %s runs", e->pick);
            else add_row(r, e->step, col_of(s, e->pick), "~> runs, preempting %s", e->fiber);
            continue;
        }
        int c = col_of(s, e->kind == TRACE_HOLD || e->kind == TRACE_RELEASE ? e->writer : e->fiber);
        if (e->kind == TRACE_VIOLATION && c < 0) c = col_of(s, s->subject);
        if (c < 0 || !phrase(s, e, buf, sizeof buf)) continue;
        add_row(r, e->step, c, "%s", buf);
    }
}

/* Columns without a row go (a thread the text names that did nothing in
 * the window); rows keep pointing at their threads. */
static void drop_empty_columns(slice *s, rows *r)
{
    int map[EXPLAIN_MAX_COLUMNS];
    size_t kept = 0;
    for (size_t c = 0; c < s->ncols; c++) {
        bool used = false;
        for (size_t i = 0; i < r->n && !used; i++) used = r->v[i].col == (int)c;
        map[c] = used ? (int)kept : -1;
        if (used) s->cols[kept++] = s->cols[c];
    }
    s->ncols = kept;
    for (size_t i = 0; i < r->n; i++) r->v[i].col = map[r->v[i].col];
}

/* Prints text wrapped into lines of at most w characters, line k (0-based)
 * of it, padded to w; returns whether more lines follow. */
static bool wrapped_line(const char *text, size_t w, size_t k, char *out)
{
    size_t len = strlen(text), at = 0;
    for (size_t line = 0;; line++) {
        size_t take = len - at <= w ? len - at : w;
        if (take == w && at + take < len) { /* break at a space if there is one */
            size_t b = take;
            while (b > w / 2 && text[at + b] != ' ') b--;
            if (text[at + b] == ' ') take = b;
        }
        if (line == k) {
            memcpy(out, text + at, take);
            memset(out + take, ' ', w - take);
            out[w] = '\0';
            at += take;
            while (at < len && text[at] == ' ') at++;
            return at < len;
        }
        at += take;
        while (at < len && text[at] == ' ') at++;
        if (at >= len) {
            memset(out, ' ', w);
            out[w] = '\0';
            return false;
        }
    }
}

static void print_table(const slice *s, const rows *r, const explain_options *o, FILE *out)
{
    size_t w = o->col_width ? o->col_width : EXPLAIN_DEFAULT_WIDTH;
    size_t first = o->max_rows && r->n > o->max_rows ? r->n - o->max_rows : 0;
    char cell[512];
    if (w >= sizeof cell) w = sizeof cell - 1;
    fprintf(out, "    step |");
    for (size_t c = 0; c < s->ncols; c++) {
        wrapped_line(s->cols[c], w, 0, cell);
        fprintf(out, " %s |", cell);
    }
    fprintf(out, "\n    -----+");
    for (size_t c = 0; c < s->ncols; c++) {
        for (size_t k = 0; k < w + 2; k++) fputc('-', out);
        fputc('+', out);
    }
    fputc('\n', out);
    if (first > 0)
        fprintf(out, "         | (%zu earlier rows left out; --rows 0 shows all)\n", first);
    for (size_t i = first; i < r->n; i++) {
        bool more = true;
        for (size_t k = 0; more; k++) {
            if (k == 0) fprintf(out, "%8llu |", (unsigned long long)r->v[i].step);
            else fprintf(out, "         |");
            more = false;
            for (size_t c = 0; c < s->ncols; c++) {
                if ((int)c == r->v[i].col) more = wrapped_line(r->v[i].text, w, k, cell);
                else wrapped_line("", w, 0, cell);
                fprintf(out, " %s |", cell);
            }
            /* drop trailing spaces of the line */
            fputc('\n', out);
        }
    }
}

/* ------------------------------------------------------------- sentences */

/* The detail without its "step N: " prefix. */
static const char *bare_detail(const char *d)
{
    if (d && strncmp(d, "step ", 5) == 0) {
        const char *c = strstr(d, ": ");
        if (c) return c + 2;
    }
    return d ? d : "";
}

static const char *why_it_matters(const char *inv)
{
    static const struct { const char *inv, *text; } t[] = {
        {"lost_wakeup", "In RocksDB, AwaitState announces LOCKED_WAITING with a compare-and-swap "
                        "from the state it last read, so a wake-up that lands in between makes "
                        "the CAS fail and the waiter sees it. A plain store overwrites the "
                        "wake-up instead: the waker saw no LOCKED_WAITING, so it will not "
                        "signal, and the waiter blocks for good."},
        {"legal_transition", "RocksDB's write thread never makes this transition (the table of "
                             "legal ones is in engine/writer_state.c)."},
        {"writer_list", "A Writer lives on its thread's stack: once COMPLETED its thread may "
                        "return from Write() and reuse that memory, so it must be off the "
                        "queue (ExitAsBatchGroupLeader unlinks the group before it wakes the "
                        "members)."},
        {"publish_order", "RocksDB raises LastSequence (SetLastSequence) only after every "
                          "memtable insert of the group is done; earlier, a reader could see "
                          "part of a group."},
        {"data_race", "The two accesses are not ordered by any release/acquire pair (in "
                      "RocksDB the state word's store and load order them): the reader may "
                      "see a stale or torn value."},
        {"insert_after_flush", "A memtable must not go to flush (and be freed) while an insert "
                               "into it still runs: RocksDB waits for pending memtable writes "
                               "first."},
        {"pending_writes", "With unordered_write a published sequence may still be inserting: "
                           "RocksDB waits for pending writes before switching the memtable."},
        {"no_slowdown_waits", "A write with no_slowdown must fail at once with Incomplete "
                              "instead of waiting in a write stall."},
        {"one_leader", "A write queue has exactly one leader at a time."},
        {"deadlock", "Every thread left is waiting and none can wake another."},
        {"assertion", "An assertion in the engine failed: the write path reached a state its "
                      "code rules out."},
        {"crashed", "The engine's process died (a memory error the quarantine or a sanitizer "
                    "caught)."},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (same(inv, t[i].inv)) return t[i].text;
    return NULL;
}

static void print_wrapped_line(FILE *out, const char *indent, const char *text);

/* Prints text wrapped, each of its own lines on its own (a deadlock's
 * report lists one thread a line). */
static void print_wrapped(FILE *out, const char *indent, const char *text)
{
    char line[1024];
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, text, n);
        line[n] = '\0';
        if (n > 0) print_wrapped_line(out, indent, line);
        text = nl ? nl + 1 : text + strlen(text);
    }
}

static void print_wrapped_line(FILE *out, const char *indent, const char *text)
{
    size_t col = 0, width = 76;
    const char *p = text;
    fputs(indent, out);
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        if (col > 0 && col + 1 + n > width) {
            fprintf(out, "\n%s", indent);
            col = 0;
        } else if (col > 0) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, n, out);
        col += n;
        p += n;
        while (*p == ' ') p++;
    }
    fputc('\n', out);
}

/* Who did what to the subject, step by step, in plain sentences. */
static void story(const slice *s, FILE *out)
{
    const trace_doc *d = s->d;
    size_t end = s->violation < d->event_count ? s->violation : d->event_count;
    char line[1024];
    for (size_t i = s->from; i < end; i++) {
        const trace_event *e = &d->events[i];
        line[0] = '\0';
        if (e->kind == TRACE_WRITE_BEGIN && same(e->writer, s->subject))
            snprintf(line, sizeof line, "Step %llu: %s starts its batch %lld.",
                     (unsigned long long)e->step, e->writer, (long long)e->batch);
        else if (e->kind == TRACE_HOLD && in_cols(s, e->writer))
            snprintf(line, sizeof line, "Step %llu: a pin holds %s at %s until %s.",
                     (unsigned long long)e->step, e->writer, e->at, e->until);
        else if (e->kind == TRACE_RELEASE && in_cols(s, e->writer))
            snprintf(line, sizeof line, "Step %llu: the pin lets %s go (%s).",
                     (unsigned long long)e->step, e->writer, e->until);
        else if (e->kind == TRACE_LINK && in_cols(s, e->writer))
            snprintf(line, sizeof line, "Step %llu: %s joins the %s queue%s.",
                     (unsigned long long)e->step, e->writer, e->queue,
                     e->leads ? " and leads it (it was empty)" : " behind the writers there");
        else if (e->kind == TRACE_GROUP && names_has(e->members, s->subject) &&
                 !same(e->leader, s->subject))
            snprintf(line, sizeof line, "Step %llu: %s leads a group of %u that includes %s.",
                     (unsigned long long)e->step, e->leader, e->members.count, s->subject);
        else if (e->kind == TRACE_STATE && same(e->writer, s->subject) && !same(e->fiber, e->writer))
            snprintf(line, sizeof line, "Step %llu: %s sets %s %s -> %s.",
                     (unsigned long long)e->step, e->fiber, e->writer, e->from, e->to);
        else if (e->kind == TRACE_STATE && same(e->writer, s->subject))
            snprintf(line, sizeof line, "Step %llu: %s itself stores %s over %s.",
                     (unsigned long long)e->step, e->writer, e->to, e->from);
        else if (e->kind == TRACE_PICK && names_has(e->of, e->fiber) && !same(e->pick, e->fiber) &&
                 (in_cols(s, e->fiber) || in_cols(s, e->pick)))
            snprintf(line, sizeof line, "Step %llu: the scheduler preempts %s and runs %s.",
                     (unsigned long long)e->step, e->fiber, e->pick);
        if (line[0]) print_wrapped(out, "  ", line);
    }
}

explain_status explain_trace(const trace_doc *d, const char *path, const explain_options *o,
                             FILE *out)
{
    slice s;
    build_slice(&s, d);
    const trace_event *v = s.violation < d->event_count ? &d->events[s.violation] : NULL;
    if (v == NULL) {
        const char *x = d->has_summary ? d->summary.expectations : NULL;
        if (x && strcmp(x, "ok") != 0) {
            fprintf(out, "explain %s: every invariant held; the scenario's expectations did "
                         "not:\n", path);
            print_wrapped(out, "  ", x);
            return EXPLAIN_EXPECTATIONS;
        }
        fprintf(out, "explain %s: nothing failed in this run%s.\n", path,
                d->has_summary ? "" : " (as far as the trace goes: it has no summary)");
        return EXPLAIN_NOTHING;
    }
    fprintf(out, "explain %s\n", path);
    fprintf(out, "  %s at step %llu", v->invariant, (unsigned long long)v->step);
    if (s.subject) fprintf(out, ", concerning %s", s.subject);
    fprintf(out, "\n");
    print_wrapped(out, "  ", bare_detail(v->detail));
    const char *why = why_it_matters(v->invariant);
    if (why) {
        fprintf(out, "\nWhy it matters:\n");
        print_wrapped(out, "  ", why);
    }
    if (s.subject == NULL) return EXPLAIN_FAILURE;
    const trace_event *first = &d->events[s.from < d->event_count ? s.from : 0];
    if (first->kind == TRACE_WRITE_BEGIN)
        fprintf(out, "\nWhat led there (from step %llu, where the current write of %s%s began):\n",
                (unsigned long long)first->step, first->writer,
                same(first->writer, s.subject) ? "" : ", the first of them,");
    else
        fprintf(out, "\nWhat led there (the last %d events before it, from step %llu):\n",
                EXPLAIN_CONTEXT_EVENTS, (unsigned long long)first->step);
    story(&s, out);
    fprintf(out, "  Step %llu: the run stops: %s.\n", (unsigned long long)v->step, v->invariant);
    rows r = {0};
    size_t preemptions = 0;
    collect_rows(&s, &r, &preemptions);
    drop_empty_columns(&s, &r);
    fprintf(out, "\nThe threads involved, one column each (%zu preemption%s among them, "
                 "marked ~>):\n", preemptions, preemptions == 1 ? "" : "s");
    print_table(&s, &r, o, out);
    free(r.v);
    return EXPLAIN_FAILURE;
}
