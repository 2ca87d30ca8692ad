/*
 * loaded_trace.c — a sim trace loaded for re-execution (loaded_trace.h),
 * on top of trace_doc: the decisions are the doc's pick events, the
 * scenario is the header's embedded text.
 */
#define _GNU_SOURCE
#include "loaded_trace.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static void collect_picks(loaded_trace *t)
{
    t->picks = malloc((t->doc.event_count + 1) * sizeof *t->picks);
    assert(t->picks != NULL);
    for (size_t i = 0; i < t->doc.event_count; i++)
        if (t->doc.events[i].kind == TRACE_PICK) t->picks[t->pick_count++] = t->doc.events[i].pick;
}

static void take_summary(loaded_trace *t)
{
    if (!t->doc.has_summary) return;
    const trace_summary *s = &t->doc.summary;
    t->summary_outcome = s->outcome;
    if (strcmp(s->invariants, "ok") != 0) t->summary_invariant = s->invariants;
}

bool loaded_trace_open(const char *path, loaded_trace *t)
{
    memset(t, 0, sizeof *t);
    char err[TRACE_READER_ERR_MAX];
    if (!trace_doc_load(path, &t->doc, err, sizeof err)) {
        fprintf(stderr, "wtlab: %s\n", err);
        return false;
    }
    t->header = t->doc.header;
    t->file = (loaded_lines){t->doc.lines, t->doc.line_count};
    if (strcmp(t->header.source, TRACE_SOURCE_REAL) == 0) {
        fprintf(stderr, "wtlab: %s: a real trace (recorded by %s) cannot be re-executed; "
                        "`wtlab replay --text` shows it as a timeline\n", path, t->header.program);
        loaded_trace_free(t);
        return false;
    }
    collect_picks(t);
    take_summary(t);
    char name[4096];
    snprintf(name, sizeof name, "%s (embedded scenario)", path);
    scenario_error serr;
    /* Paths in it (a device profile) are relative to the scenario file it
     * was run from. */
    t->sc = scenario_load_text_at(name, t->header.scenario, t->header.scenario_path, &serr);
    if (t->sc == NULL) {
        fprintf(stderr, "wtlab: %s\n", serr.text);
        loaded_trace_free(t);
        return false;
    }
    return true;
}

void loaded_trace_free(loaded_trace *t)
{
    free(t->picks);
    scenario_free(t->sc);
    trace_doc_free(&t->doc);
    memset(t, 0, sizeof *t);
}

void loaded_trace_config(const loaded_trace *t, run_config *cfg)
{
    /* "dfs" and "minimized" name no policy: the scenario's follows the picks. */
    scenario_policy fallback;
    if (!policy_parse(t->header.policy, &fallback)) fallback = t->sc->schedule.policy;
    run_config_replay(cfg, t->sc, (run_picks){.names = t->picks, .count = t->pick_count}, fallback,
                      t->header.seed, t->header.policy);
    cfg->pct_depth = (unsigned)t->header.pct_depth;
    cfg->pct_steps = t->header.pct_steps;
    cfg->max_steps = t->header.max_steps;
}
