/*
 * port_sim_alloc.c — port_alloc/port_free in the sim (split from
 * port_sim.c): blocks carry a header for tracking a run's allocations,
 * freed blocks are poisoned and quarantined.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hb.h"
#include "port.h"
#include "port_sim.h"
#include "port_sim_int.h"

/* ----------------------------------------------------------------- memory
 * Each block carries a header linking it into the tracking list (when a
 * scope is open) so an abandoned run can free what its fibers held. */

typedef struct alloc_header {
    struct alloc_header *prev, *next; /* NULL when untracked */
    size_t size;
    uint64_t magic;
} alloc_header;

_Static_assert(sizeof(alloc_header) % 16 == 0, "keep blocks 16-byte aligned");

enum { ALLOC_MAGIC = 0x77746c6162616c6cull };

static alloc_header tracked = {&tracked, &tracked, 0, ALLOC_MAGIC};
static bool tracking;

static void *finish_alloc(alloc_header *h, size_t n)
{
    if (h == NULL) port_assert_fail("out of memory", __FILE__, __LINE__);
    h->size = n;
    h->magic = ALLOC_MAGIC;
    if (tracking) {
        h->next = tracked.next;
        h->prev = &tracked;
        tracked.next->prev = h;
        tracked.next = h;
    } else {
        h->prev = h->next = NULL;
    }
    return h + 1;
}

static alloc_header *header_of(void *p)
{
    alloc_header *h = (alloc_header *)p - 1;
    if (h->magic != ALLOC_MAGIC) port_assert_fail("port_free of a foreign block", __FILE__, __LINE__);
    return h;
}

static void unlink_block(alloc_header *h)
{
    if (h->next == NULL) return;
    h->prev->next = h->next;
    h->next->prev = h->prev;
    h->prev = h->next = NULL;
}

void *port_alloc(size_t n) { return finish_alloc(malloc(sizeof(alloc_header) + n), n); }

void *port_alloc_zeroed(size_t n) { return finish_alloc(calloc(1, sizeof(alloc_header) + n), n); }

void *port_realloc(void *p, size_t n)
{
    if (p == NULL) return port_alloc(n);
    alloc_header *h = header_of(p);
    if (port_sim_race_hook_set()) hb_forget(p, h->size);
    bool was_tracked = h->next != NULL;
    unlink_block(h);
    alloc_header *q = realloc(h, sizeof(alloc_header) + n);
    if (q == NULL) port_assert_fail("out of memory", __FILE__, __LINE__);
    bool keep = tracking;
    tracking = was_tracked;
    void *r = finish_alloc(q, n);
    tracking = keep;
    return r;
}

/* Freed blocks are poisoned and held back (a quarantine, as ASan's) so a
 * use after free reads POISON_BYTE everywhere -- a pointer loaded from a
 * freed block is non-canonical and faults at its first use -- instead of
 * whatever the next allocation put there.  Under ASan the block goes back
 * at once: ASan's own quarantine reports the use exactly. */
#if defined(__SANITIZE_ADDRESS__)
#define PORT_SIM_QUARANTINE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PORT_SIM_QUARANTINE 0
#endif
#endif
#ifndef PORT_SIM_QUARANTINE
#define PORT_SIM_QUARANTINE 1
#endif

enum { POISON_BYTE = 0xa5, QUARANTINE_MAX_BYTES = 64u << 20 };

static alloc_header quarantined = {&quarantined, &quarantined, 0, 0}; /* oldest at prev */
static size_t quarantined_bytes;

static void quarantine_release_oldest(void)
{
    alloc_header *h = quarantined.prev;
    quarantined_bytes -= h->size;
    h->prev->next = h->next;
    h->next->prev = h->prev;
    free(h);
}

static void quarantine_flush(void)
{
    while (quarantined.prev != &quarantined) quarantine_release_oldest();
}

void port_free(void *p)
{
    if (p == NULL) return;
    alloc_header *h = header_of(p);
    if (port_sim_race_hook_set()) hb_forget(p, h->size);
    unlink_block(h);
    h->magic = 0;
    memset(p, POISON_BYTE, h->size);
    if (!PORT_SIM_QUARANTINE || h->size > QUARANTINE_MAX_BYTES) {
        free(h);
        return;
    }
    h->next = quarantined.next;
    h->prev = &quarantined;
    quarantined.next->prev = h;
    quarantined.next = h;
    quarantined_bytes += h->size;
    while (quarantined_bytes > QUARANTINE_MAX_BYTES) quarantine_release_oldest();
}

void port_sim_track_begin(void)
{
    assert(!tracking && tracked.next == &tracked);
    tracking = true;
}

void port_sim_track_end(size_t *leaked_blocks, size_t *leaked_bytes)
{
    size_t blocks = 0, bytes = 0;
    while (tracked.next != &tracked) {
        alloc_header *h = tracked.next;
        blocks++;
        bytes += h->size;
        unlink_block(h);
        h->magic = 0;
        free(h);
    }
    tracking = false;
    quarantine_flush();
    if (leaked_blocks) *leaked_blocks = blocks;
    if (leaked_bytes) *leaked_bytes = bytes;
}
