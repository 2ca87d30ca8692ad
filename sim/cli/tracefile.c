/*
 * tracefile.c — parsing a trace's header, decisions and summary.
 */
#define _GNU_SOURCE
#include "tracefile.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static char *dup_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? strdup(s) : NULL;
}

static bool parse_header(const char *path, const char *line, trace_header *h)
{
    json_error_t err;
    json_t *o = json_loads(line, 0, &err);
    const char *fmt = json_string_value(json_object_get(o, "format"));
    if (o == NULL || fmt == NULL || strcmp(fmt, "wtlab-trace") != 0) {
        fprintf(stderr, "wtlab: %s:1: not a wtlab trace (the first line is not its header)\n", path);
        json_decref(o);
        return false;
    }
    json_int_t version = json_integer_value(json_object_get(o, "version"));
    if (version != TRACE_FORMAT_VERSION) {
        fprintf(stderr, "wtlab: %s:1: trace format version %lld, this wtlab reads %d\n", path,
                (long long)version, TRACE_FORMAT_VERSION);
        json_decref(o);
        return false;
    }
    h->build = dup_str(o, "build");
    h->scenario_name = dup_str(o, "scenario_name");
    h->scenario_path = dup_str(o, "scenario_path");
    h->scenario_text = dup_str(o, "scenario");
    h->policy = dup_str(o, "policy");
    const char *seed = json_string_value(json_object_get(o, "seed"));
    h->seed = seed ? strtoull(seed, NULL, 10) : 0;
    h->pct_depth = (uint64_t)json_integer_value(json_object_get(o, "pct_depth"));
    h->pct_steps = (uint64_t)json_integer_value(json_object_get(o, "pct_steps"));
    h->max_steps = (uint64_t)json_integer_value(json_object_get(o, "max_steps"));
    json_decref(o);
    if (h->scenario_text == NULL || h->policy == NULL) {
        fprintf(stderr, "wtlab: %s:1: trace header lacks the embedded scenario or policy\n", path);
        return false;
    }
    return true;
}

/* Collects the picks and reads the summary; every line must be JSON. */
static bool parse_events(const char *path, loaded_trace *t)
{
    size_t cap = 0;
    for (size_t i = 1; i < t->file.count; i++) {
        json_error_t err;
        json_t *o = json_loads(t->file.lines[i], 0, &err);
        if (!json_is_object(o)) {
            fprintf(stderr, "wtlab: %s:%zu:%d: not a JSON object: %s\n", path, i + 1, err.column,
                    err.text);
            json_decref(o);
            return false;
        }
        const char *ev = json_string_value(json_object_get(o, "ev"));
        const char *type = json_string_value(json_object_get(o, "type"));
        if (ev != NULL && strcmp(ev, "pick") == 0) {
            if (t->pick_count == cap) {
                cap = cap ? cap * 2 : 1024;
                t->picks = realloc(t->picks, cap * sizeof *t->picks);
            }
            t->picks[t->pick_count++] = dup_str(o, "pick");
        } else if (type != NULL && strcmp(type, "summary") == 0) {
            const char *inv = json_string_value(json_object_get(o, "invariants"));
            t->summary_invariant = inv && strcmp(inv, "ok") != 0 ? strdup(inv) : NULL;
            t->summary_outcome = dup_str(o, "outcome");
        }
        json_decref(o);
    }
    return true;
}

bool loaded_trace_open(const char *path, loaded_trace *t)
{
    memset(t, 0, sizeof *t);
    char err[512];
    if (!trace_read(path, &t->file, err, sizeof err)) {
        fprintf(stderr, "wtlab: %s\n", err);
        return false;
    }
    if (!parse_header(path, t->file.lines[0], &t->header) || !parse_events(path, t)) {
        loaded_trace_free(t);
        return false;
    }
    char name[4096];
    snprintf(name, sizeof name, "%s (embedded scenario)", path);
    scenario_error serr;
    t->sc = scenario_load_text(name, t->header.scenario_text, &serr);
    if (t->sc == NULL) {
        fprintf(stderr, "wtlab: %s\n", serr.text);
        loaded_trace_free(t);
        return false;
    }
    return true;
}

void loaded_trace_free(loaded_trace *t)
{
    trace_header *h = &t->header;
    free(h->build);
    free(h->scenario_name);
    free(h->scenario_path);
    free(h->scenario_text);
    free(h->policy);
    for (size_t i = 0; i < t->pick_count; i++) free(t->picks[i]);
    free(t->picks);
    free(t->summary_invariant);
    free(t->summary_outcome);
    scenario_free(t->sc);
    trace_file_free(&t->file);
    memset(t, 0, sizeof *t);
}

void loaded_trace_config(const loaded_trace *t, run_config *cfg)
{
    /* "dfs" and "minimized" name no policy: the scenario's follows the picks. */
    scenario_policy fallback;
    if (!policy_parse(t->header.policy, &fallback)) fallback = t->sc->schedule.policy;
    run_config_replay(cfg, t->sc,
                      (run_picks){.names = (const char *const *)t->picks, .count = t->pick_count},
                      fallback, t->header.seed, t->header.policy);
    cfg->pct_depth = (unsigned)t->header.pct_depth;
    cfg->pct_steps = t->header.pct_steps;
    cfg->max_steps = t->header.max_steps;
}
