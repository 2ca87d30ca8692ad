/*
 * hb.c — vector clocks and plain-field shadows (see hb.h).
 *
 * Two open-addressing tables keyed by address: sync objects (each with a
 * clock) and plain fields (each with its last write and up to HB_READS
 * reads since).  Entries are never removed within a run; hb_forget resets
 * an entry's contents instead.  Clocks are HB_MAX_FIBERS wide, but only
 * the first `width` components (the highest fiber id seen + 1) are ever
 * non-zero, so joins and comparisons stop there.
 *
 * Epochs: a fiber's own component starts at 1 and grows after each of its
 * releases, so accesses after a release are not covered by it.
 */
#include "hb.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum { HB_READS = 8 };

typedef struct hb_clock {
    uint32_t c[HB_MAX_FIBERS];
} hb_clock;

typedef struct hb_read {
    uint32_t fiber, epoch;
    hb_access_info info;
} hb_read;

typedef struct hb_shadow {
    bool has_write;
    uint32_t write_epoch;
    hb_access_info write;
    uint32_t nreads;
    hb_read reads[HB_READS];
} hb_shadow;

typedef struct hb_slot {
    uintptr_t key; /* 0: empty */
    void *val;     /* hb_clock * or hb_shadow * */
} hb_slot;

typedef struct hb_table {
    hb_slot *slots;
    size_t cap, used;
    size_t val_size;
} hb_table;

static hb_clock fibers[HB_MAX_FIBERS];
static uint32_t width;
static hb_table objects = {.val_size = sizeof(hb_clock)};
static hb_table shadows = {.val_size = sizeof(hb_shadow)};

static size_t hash_addr(uintptr_t k, size_t cap)
{
    return (size_t)((k * 0x9e3779b97f4a7c15ull) >> 17) & (cap - 1);
}

static void table_clear(hb_table *t)
{
    for (size_t i = 0; i < t->cap; i++) free(t->slots[i].val);
    if (t->slots) memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->used = 0;
}

static void table_grow(hb_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    hb_slot *slots = calloc(cap, sizeof *slots);
    assert(slots != NULL);
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i].key == 0) continue;
        size_t j = hash_addr(t->slots[i].key, cap);
        while (slots[j].key != 0) j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
}

/* The entry for addr; created (zeroed) when `create`, else NULL if none. */
static void *table_get(hb_table *t, const void *addr, bool create)
{
    uintptr_t k = (uintptr_t)addr;
    assert(k != 0);
    if (t->cap == 0) {
        if (!create) return NULL;
        table_grow(t);
    }
    size_t i = hash_addr(k, t->cap);
    for (; t->slots[i].key != 0; i = (i + 1) & (t->cap - 1))
        if (t->slots[i].key == k) return t->slots[i].val;
    if (!create) return NULL;
    if ((t->used + 1) * 4 > t->cap * 3) {
        table_grow(t);
        return table_get(t, addr, true);
    }
    t->slots[i].key = k;
    t->slots[i].val = calloc(1, t->val_size);
    assert(t->slots[i].val != NULL);
    t->used++;
    return t->slots[i].val;
}

static void table_forget(hb_table *t, uintptr_t lo, uintptr_t hi)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key >= lo && t->slots[i].key < hi) memset(t->slots[i].val, 0, t->val_size);
}

/* ------------------------------------------------------------- clocks */

static bool tracked(uint32_t fiber) { return fiber < HB_MAX_FIBERS; }

static void see(uint32_t fiber)
{
    if (fiber + 1 > width) width = fiber + 1;
    if (fibers[fiber].c[fiber] == 0) fibers[fiber].c[fiber] = 1;
}

static void join_into(hb_clock *to, const hb_clock *from)
{
    for (uint32_t i = 0; i < width; i++)
        if (from->c[i] > to->c[i]) to->c[i] = from->c[i];
}

void hb_reset(void)
{
    memset(fibers, 0, sizeof fibers);
    width = 0;
    table_clear(&objects);
    table_clear(&shadows);
}

void hb_spawn(uint32_t parent, uint32_t child)
{
    if (!tracked(child)) return;
    see(child);
    if (!tracked(parent)) return;
    see(parent);
    join_into(&fibers[child], &fibers[parent]);
    fibers[parent].c[parent]++;
}

void hb_join(uint32_t joiner, uint32_t joined)
{
    if (!tracked(joiner) || !tracked(joined)) return;
    see(joiner);
    see(joined);
    join_into(&fibers[joiner], &fibers[joined]);
}

void hb_acquire(uint32_t fiber, const void *obj)
{
    if (!tracked(fiber)) return;
    see(fiber);
    const hb_clock *c = table_get(&objects, obj, false);
    if (c != NULL) join_into(&fibers[fiber], c);
}

void hb_release(uint32_t fiber, const void *obj, bool accumulate)
{
    if (!tracked(fiber)) return;
    see(fiber);
    hb_clock *c = table_get(&objects, obj, true);
    if (accumulate)
        join_into(c, &fibers[fiber]);
    else
        *c = fibers[fiber];
    fibers[fiber].c[fiber]++;
}

void hb_clear(const void *obj)
{
    hb_clock *c = table_get(&objects, obj, false);
    if (c != NULL) memset(c, 0, sizeof *c);
}

/* Only plain-field shadows are forgotten: a sync object's stale clock on
 * reused memory can only add happens-before edges (hide a race, never
 * invent one), and walking the object table on every free would cost
 * O(objects) per free (memtables hold thousands of atomic links). */
void hb_forget(const void *p, size_t n)
{
    uintptr_t lo = (uintptr_t)p;
    table_forget(&shadows, lo, lo + n);
}

/* ------------------------------------------------------------- shadows */

/* True when `fiber` has seen (fiber_of, epoch). */
static bool ordered(uint32_t fiber, uint32_t other, uint32_t epoch)
{
    return other == fiber || fibers[fiber].c[other] >= epoch;
}

bool hb_access(uint32_t fiber, const void *addr, bool write, const char *file, int line,
               uint64_t step, hb_race *race)
{
    if (!tracked(fiber)) return true;
    see(fiber);
    hb_shadow *sh = table_get(&shadows, addr, true);
    hb_access_info me = {.fiber = fiber, .write = write, .file = file, .line = line, .step = step};
    if (sh->has_write && !ordered(fiber, sh->write.fiber, sh->write_epoch)) {
        race->earlier = sh->write;
        return false;
    }
    uint32_t epoch = fibers[fiber].c[fiber];
    if (write) {
        for (uint32_t i = 0; i < sh->nreads; i++)
            if (!ordered(fiber, sh->reads[i].fiber, sh->reads[i].epoch)) {
                race->earlier = sh->reads[i].info;
                return false;
            }
        sh->has_write = true;
        sh->write = me;
        sh->write_epoch = epoch;
        sh->nreads = 0;
        return true;
    }
    for (uint32_t i = 0; i < sh->nreads; i++)
        if (sh->reads[i].fiber == fiber) {
            sh->reads[i].epoch = epoch;
            sh->reads[i].info = me;
            return true;
        }
    /* Full: the oldest read goes (a race with it may then be missed,
     * never invented). */
    if (sh->nreads == HB_READS) {
        memmove(&sh->reads[0], &sh->reads[1], (HB_READS - 1) * sizeof sh->reads[0]);
        sh->nreads--;
    }
    sh->reads[sh->nreads++] = (hb_read){.fiber = fiber, .epoch = epoch, .info = me};
    return true;
}
