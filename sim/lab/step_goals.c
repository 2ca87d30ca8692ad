/*
 * step_goals.c — is a scenario's goal (scenario.h, "goals") met by what a
 * run did so far?  Read from the run's trace lines: "group" events
 * (leader, members), "state" events (writer, to) and "violation" events
 * (invariant), plus the failed invariant of a run that ended.  See step.h.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "step.h"
#include "writer_state.h"

static const char *str_of(const json_doc_node *obj, const char *key)
{
    const json_doc_node *v = json_doc_get(obj, key);
    return v != NULL && v->type == JSON_DOC_STRING ? v->string : "";
}

/* Does the event line meet goal g? */
static bool line_meets(const scenario_goal *g, const char *line)
{
    const char *want = g->kind == SCENARIO_GOAL_GROUP   ? "\"ev\":\"group\""
                       : g->kind == SCENARIO_GOAL_STATE ? "\"ev\":\"state\""
                                                        : "\"ev\":\"violation\"";
    if (strstr(line, want) == NULL) return false;
    json_doc_error err;
    json_doc *d = json_doc_parse(line, strlen(line), &err);
    if (d == NULL) return false;
    const json_doc_node *r = json_doc_root(d);
    bool met = false;
    switch (g->kind) {
    case SCENARIO_GOAL_GROUP: {
        const json_doc_node *m = json_doc_get(r, "members");
        size_t size = m != NULL && m->type == JSON_DOC_ARRAY ? m->child_count : 0;
        met = strcmp(str_of(r, "leader"), g->writer) == 0 &&
              (g->group_size == 0 || size == g->group_size);
        break;
    }
    case SCENARIO_GOAL_STATE:
        met = strcmp(str_of(r, "writer"), g->writer) == 0 &&
              strcmp(str_of(r, "to"), wt_state_name(g->state)) == 0;
        break;
    case SCENARIO_GOAL_INVARIANT:
        met = strcmp(str_of(r, "invariant"), g->invariant) == 0;
        break;
    }
    json_doc_free(d);
    return met;
}

size_t step_goals_check(const scenario *sc, const char *const *lines, size_t n,
                        const char *outcome, const char *failed_invariant, char **report)
{
    char *text = NULL;
    size_t len = 0, met_count = 0;
    FILE *out = open_memstream(&text, &len);
    assert(out != NULL);
    (void)outcome;
    for (size_t i = 0; i < sc->goal_count; i++) {
        const scenario_goal *g = &sc->goals[i];
        bool met = g->kind == SCENARIO_GOAL_INVARIANT && failed_invariant != NULL &&
                   strcmp(failed_invariant, g->invariant) == 0;
        for (size_t k = 0; k < n && !met; k++) met = line_meets(g, lines[k]);
        met_count += met;
        fprintf(out, "  [%c] %s\n", met ? 'x' : ' ', g->text);
    }
    fclose(out);
    *report = text;
    return met_count;
}
