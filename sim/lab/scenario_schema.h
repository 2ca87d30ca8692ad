/*
 * scenario_schema.h — what the three files of the scenario schema share
 * while loading: scenario.c (loading, the top level, options,
 * schedule, crash, freeing), scenario_device.c (the device),
 * scenario_writers.c (writers, batches and
 * their operations) and scenario_expect.c (expectations).  Nothing else
 * includes it; the rest of the program reads scenarios through
 * scenario.h.
 *
 * A load is one scenario_loader: the json_check that reports errors
 * (its user pointer points back at the loader, so field functions reach
 * it), the scenario being filled and the running totals checked against
 * the SCENARIO_MAX_ bounds.  Field tables are written with the F_ macros
 * below, one row per key: {F_U64(T, "key", member, min)} or, for a key
 * that must be present, {F_NAME(T, "key", member), .required = true}.
 *
 * Every allocation is attached to the scenario as soon as it is made
 * (counts updated before an element is filled), so one scenario_free
 * releases a half-built scenario.  Not thread-safe per load.
 */
#ifndef WT_SIM_SCENARIO_SCHEMA_H
#define WT_SIM_SCENARIO_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "json_check.h"
#include "scenario.h"

typedef struct scenario_loader {
    json_check check;        /* check.user == this loader */
    scenario *s;
    const json_doc_node *root;
    uint64_t batch_total, op_total, op_bytes; /* against the SCENARIO_MAX_ bounds */
    const char *base;        /* relative paths (device.profile) are relative to its dir */
} scenario_loader;

static inline scenario_loader *scenario_loader_of(json_check *c)
{
    return (scenario_loader *)c->user;
}

/* Field-table rows (the inside of one json_check_field initializer). */
#define F_BOOL(T, k, m) .key = k, .kind = JSON_CHECK_BOOL, .offset = offsetof(T, m)
#define F_NUM(kind_, T, k, m, lo, hi) \
    .key = k, .kind = kind_, .offset = offsetof(T, m), .min = lo, .max = hi
#define F_U64(T, k, m, lo) F_NUM(JSON_CHECK_U64, T, k, m, lo, INT64_MAX)
#define F_STR(T, k, m, nonempty) \
    .key = k, .kind = JSON_CHECK_STRING, .offset = offsetof(T, m), .min = nonempty
#define F_NAME(T, k, m) \
    .key = k, .kind = JSON_CHECK_CUSTOM, .offset = offsetof(T, m), .fn = scenario_check_name
/* A function of its own, given the member m (F_CUSTOM) or the whole
 * target struct (F_WHOLE). */
#define F_CUSTOM(T, k, m, f) .key = k, .kind = JSON_CHECK_CUSTOM, .offset = offsetof(T, m), .fn = f
#define F_WHOLE(k, f) .key = k, .kind = JSON_CHECK_CUSTOM, .offset = 0, .fn = f
#define F_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/* scenario.c */

/* [A-Za-z0-9_-]{1,63}: writer and fiber names. */
bool scenario_valid_name(const char *s);
/* A name into member (char[SCENARIO_MAX_NAME]); a json_check_fn. */
bool scenario_check_name(json_check *c, const json_doc_node *v, void *member);
/* A writer state name (RocksDB's, e.g. "GROUP_LEADER") -> its bit. */
bool scenario_check_state(json_check *c, const json_doc_node *v, uint32_t *bit);
/* calloc for n elements that tolerates n == 0 (NULL then); out of memory
 * is reported at `at`. */
bool scenario_alloc_array(json_check *c, const json_doc_node *at, size_t n, size_t size,
                          void **out);
/* name is one of s's writers, else an "unknown writer" error at `at`. */
bool scenario_check_writer_ref(json_check *c, const scenario *s, const char *name,
                               const json_doc_node *at, json_check_where w);
/* name is a writer, "main", "flush", or "crasher" (with any_crasher, or
 * when s crashes at a time), else an "unknown WHAT" error with "did you
 * mean" at `at`'s value. */
bool scenario_check_fiber_ref(json_check *c, const scenario *s, const char *name,
                              const json_doc_node *at, const char *what, bool any_crasher);

/* scenario_device.c: "device" (whole target: the scenario); the defaults
 * (from set_defaults); and, once all is loaded, the timing model resolved
 * from the profile, the top-level costs and the per-file-kind ones. */
bool scenario_device_parse(json_check *c, const json_doc_node *v, void *member);
void scenario_device_defaults(scenario *s);
bool scenario_device_finish(scenario_loader *l);

/* scenario_writers.c: "writers" (whole target: the scenario), expanded. */
bool scenario_writers_parse(json_check *c, const json_doc_node *v, void *member);

/* scenario_expect.c: "expect" (member: the scenario_expect), and the
 * writer names it refers to, checked once all writers are known. */
bool scenario_expect_parse(json_check *c, const json_doc_node *v, void *member);
bool scenario_expect_check_refs(scenario_loader *l);

/* scenario_goals.c: "goals" (whole target), their writer names checked
 * once all writers are known, and freeing them. */
bool scenario_goals_parse(json_check *c, const json_doc_node *v, void *member);
bool scenario_goals_check_refs(scenario_loader *l);
void scenario_goals_free(scenario *s);
/* scenario_expect_events.c: "transitions", "wal", "writes" and "order"
 * of "expect" (each member: the scenario_expect), their writer and fiber
 * names checked once all writers are known, and their freeing. */
bool scenario_expect_parse_transitions(json_check *c, const json_doc_node *v, void *member);
bool scenario_expect_parse_wal(json_check *c, const json_doc_node *v, void *member);
bool scenario_expect_parse_writes(json_check *c, const json_doc_node *v, void *member);
bool scenario_expect_parse_order(json_check *c, const json_doc_node *v, void *member);
bool scenario_expect_check_event_refs(scenario_loader *l, const json_doc_node *expect);
void scenario_expect_free_events(scenario_expect *e);
/* scenario_reads.c: "reads" of "expect" (member: the scenario_expect),
 * its references checked once the whole file is read, and its freeing. */
bool scenario_expect_parse_reads(json_check *c, const json_doc_node *v, void *member);
bool scenario_expect_check_read_refs(scenario_loader *l, const json_doc_node *expect);
void scenario_expect_free_reads(scenario_expect *e);
/* An event spec "[first|last] KIND KEY=VALUE ..." (scenario.h) at v into
 * spec; its writer and fiber names, checked once the writers are known
 * (at: where to report); its freeing.  scenario_expect_events.c; the
 * reads' step conditions use them too. */
bool scenario_parse_event_spec(json_check *c, const json_doc_node *v, scenario_event_spec *spec);
bool scenario_check_event_spec_refs(scenario_loader *l, const scenario_event_spec *spec,
                                    const json_doc_node *at);
void scenario_event_spec_free(scenario_event_spec *s);
/* A sync point name of the engine, else an "unknown sync point" error at
 * v (with "did you mean").  scenario.c's pins use it too. */
bool scenario_check_sync_point(json_check *c, const json_doc_node *v, const char *name);

#endif
