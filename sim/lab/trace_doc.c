/*
 * trace_doc.c — a whole trace in memory, read with trace_reader
 * (trace_reader.h).
 *
 * The reader's strings live only until its next line, so the doc copies
 * what it keeps into a pool: every distinct string once (names, statuses
 * and states repeat on almost every line), name lists as arrays.  The
 * pool and everything in the doc are freed by trace_doc_free.
 */
#define _GNU_SOURCE
#include "trace_reader.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { POOL_MIN_SLOTS = 256 };

struct trace_pool {
    char **slots;        /* open addressing; NULL = free */
    size_t slot_count, used;
    void **blocks;       /* name arrays */
    size_t block_count, block_cap;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void pool_grow(trace_pool *p)
{
    size_t n = p->slot_count ? p->slot_count * 2 : POOL_MIN_SLOTS;
    char **slots = calloc(n, sizeof *slots);
    assert(slots != NULL);
    for (size_t i = 0; i < p->slot_count; i++) {
        if (p->slots[i] == NULL) continue;
        size_t j = hash_str(p->slots[i]) & (n - 1);
        while (slots[j] != NULL) j = (j + 1) & (n - 1);
        slots[j] = p->slots[i];
    }
    free(p->slots);
    p->slots = slots;
    p->slot_count = n;
}

/* The pool's copy of s (NULL stays NULL). */
static const char *pool_str(trace_pool *p, const char *s)
{
    if (s == NULL) return NULL;
    if (2 * (p->used + 1) > p->slot_count) pool_grow(p);
    size_t j = hash_str(s) & (p->slot_count - 1);
    while (p->slots[j] != NULL) {
        if (strcmp(p->slots[j], s) == 0) return p->slots[j];
        j = (j + 1) & (p->slot_count - 1);
    }
    p->slots[j] = strdup(s);
    assert(p->slots[j] != NULL);
    p->used++;
    return p->slots[j];
}

static trace_names pool_names(trace_pool *p, trace_names n)
{
    if (n.count == 0) return (trace_names){NULL, 0};
    const char **copy = malloc(n.count * sizeof *copy);
    assert(copy != NULL);
    for (uint32_t i = 0; i < n.count; i++) copy[i] = pool_str(p, n.names[i]);
    if (p->block_count == p->block_cap) {
        p->block_cap = p->block_cap ? p->block_cap * 2 : 64;
        p->blocks = realloc(p->blocks, p->block_cap * sizeof *p->blocks);
        assert(p->blocks != NULL);
    }
    p->blocks[p->block_count++] = copy;
    return (trace_names){copy, n.count};
}

static void pool_free(trace_pool *p)
{
    if (p == NULL) return;
    for (size_t i = 0; i < p->slot_count; i++) free(p->slots[i]);
    for (size_t i = 0; i < p->block_count; i++) free(p->blocks[i]);
    free(p->slots);
    free(p->blocks);
    free(p);
}

/* ------------------------------------------------------------- copying */

/* Replaces every string and name list of a line struct by pool copies,
 * walking the line's table row. */
static void pool_fields(trace_pool *p, const trace_field_def *fields, void *base)
{
    for (const trace_field_def *f = fields; f->key != NULL; f++) {
        void *v = (char *)base + f->offset;
        if (f->type == TRACE_STR) *(const char **)v = pool_str(p, *(const char **)v);
        if (f->type == TRACE_NAMES) *(trace_names *)v = pool_names(p, *(trace_names *)v);
    }
}

static void keep_line(trace_doc *d, const char *line, size_t *cap)
{
    if (d->line_count == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        d->lines = realloc(d->lines, *cap * sizeof *d->lines);
        assert(d->lines != NULL);
    }
    d->lines[d->line_count] = strdup(line);
    assert(d->lines[d->line_count] != NULL);
    d->line_count++;
}

static void keep_event(trace_doc *d, const trace_event *e, size_t *cap)
{
    if (d->event_count == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        d->events = realloc(d->events, *cap * sizeof *d->events);
        assert(d->events != NULL);
    }
    trace_event *copy = &d->events[d->event_count];
    *copy = *e;
    copy->fiber = pool_str(d->pool, e->fiber);
    pool_fields(d->pool, trace_kinds[e->kind].fields, copy);
    d->event_count++;
}

static bool load_events(trace_doc *d, trace_reader *r, size_t *line_cap)
{
    size_t event_cap = 0;
    for (;;) {
        trace_event e;
        trace_item item = trace_reader_next(r, &e);
        if (item == TRACE_ITEM_END) return true;
        if (item == TRACE_ITEM_ERROR) return false;
        keep_line(d, trace_reader_line(r), line_cap);
        if (item == TRACE_ITEM_EVENT) keep_event(d, &e, &event_cap);
        if (item == TRACE_ITEM_SUMMARY) {
            d->has_summary = true;
            d->summary = *trace_reader_summary(r);
            pool_fields(d->pool, trace_summary_fields_for(d->header.source), &d->summary);
        }
    }
}

bool trace_doc_load(const char *path, trace_doc *d, char *err, size_t err_cap)
{
    memset(d, 0, sizeof *d);
    trace_reader *r = trace_reader_open(path, err, err_cap);
    if (r == NULL) return false;
    if (trace_reader_file_kind(r) != TRACE_FILE_TRACE) {
        snprintf(err, err_cap, "%s:1: an exploration summary, not a trace", path);
        trace_reader_close(r);
        return false;
    }
    d->pool = calloc(1, sizeof *d->pool);
    assert(d->pool != NULL);
    d->header = *trace_reader_header(r);
    d->header.format = pool_str(d->pool, d->header.format);
    d->header.source = pool_str(d->pool, d->header.source);
    pool_fields(d->pool, trace_header_fields_for(d->header.source), &d->header);
    size_t cap = 0;
    keep_line(d, trace_reader_line(r), &cap);
    bool ok = load_events(d, r, &cap);
    if (!ok) snprintf(err, err_cap, "%s", trace_reader_error(r));
    trace_reader_close(r);
    if (!ok) trace_doc_free(d);
    return ok;
}

void trace_doc_free(trace_doc *d)
{
    for (size_t i = 0; i < d->line_count; i++) free(d->lines[i]);
    free(d->lines);
    free(d->events);
    pool_free(d->pool);
    memset(d, 0, sizeof *d);
}
