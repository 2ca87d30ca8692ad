/*
 * cmd_step.c — `wtlab step SCENARIO [--trace T]`: the learner is the
 * scheduler.
 *
 * At every scheduling point where more than one writer could run, the
 * screen (step.h) shows who can run and what each is about to do, the
 * writer list, states, groups and goals; the learner picks who moves (a
 * number or a name), or `run` (on to the next engine event), `back`
 * (undo), `goto STEP`, `save FILE`, `help`, `quit`.  Each screen comes
 * from re-executing the scenario with the moves made so far, so `back` is
 * exact.  With --trace, the scenario and seed are the trace's and `run` /
 * `goto` follow its recorded decisions.  Commands come from the terminal
 * (the screen is redrawn) or, without one, from stdin one per line, each
 * screen printed as plain text after an echo of its command.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "loaded_trace.h"
#include "step.h"

static void step_usage(FILE *out)
{
    fputs("usage: wtlab step SCENARIO [--trace TRACE]\n"
          "       wtlab step --trace TRACE\n"
          "You are the scheduler: at every point where several writers could run, pick\n"
          "who moves next.  Each screen shows the runnable writers with the operation\n"
          "each is about to perform, the writer list (newest -> oldest, link_newer where\n"
          "set), every writer's state, the groups in progress and the scenario's goals.\n"
          "Commands (one per line; without a terminal they are read from stdin):\n"
          "  N | NAME     the N-th runnable writer (or the one called NAME) moves\n"
          "  run          let the scenario's policy move until the next engine event\n"
          "  back         undo the last command (exact: the run is re-executed)\n"
          "  goto STEP    move (forward or back) to the first decision at or after STEP\n"
          "  save FILE    write the run so far, completed by the policy, as a trace\n"
          "               (`wtlab replay FILE`, `wtlab view FILE -o PAGE.html`)\n"
          "  help, quit\n"
          "With --trace, the trace's scenario and seed are used and `run`/`goto` follow\n"
          "its recorded decisions.\n"
          "exit status: 0 done, 2 bad input\n", out);
}

typedef struct moves {
    char **names;
    size_t count;
} moves;

typedef struct session {
    const scenario *sc;
    const char *const *ahead;
    size_t ahead_count;
    moves cur;
    moves *history;           /* the moves before each command, for back */
    size_t history_count;
    step_screen screen;
    bool tty;
} session;

static moves moves_copy(const moves *m, size_t count)
{
    assert(count <= m->count);
    moves c = {calloc(count + 1, sizeof(char *)), count};
    assert(c.names != NULL);
    for (size_t i = 0; i < count; i++) {
        c.names[i] = strdup(m->names[i]);
        assert(c.names[i] != NULL);
    }
    return c;
}

static void moves_free(moves *m)
{
    for (size_t i = 0; i < m->count; i++) free(m->names[i]);
    free(m->names);
    m->names = NULL;
    m->count = 0;
}

static void moves_push(moves *m, const char *name)
{
    m->names = realloc(m->names, (m->count + 2) * sizeof *m->names);
    assert(m->names != NULL);
    m->names[m->count] = strdup(name);
    assert(m->names[m->count] != NULL);
    m->count++;
}

/* Probes the session's moves (go/until: step.h) and takes the screen;
 * decisions taken beyond the moves become moves. */
static bool refresh(session *s, step_go go, uint64_t until)
{
    step_request rq = {.sc = s->sc, .moves = (const char *const *)s->cur.names,
                       .move_count = s->cur.count, .ahead = s->ahead,
                       .ahead_count = s->ahead_count, .go = go, .until_step = until};
    step_screen next;
    if (!step_probe(&rq, &next)) return false;
    for (size_t i = 0; i < next.taken_count; i++) moves_push(&s->cur, next.taken[i]);
    step_screen_free(&s->screen);
    s->screen = next;
    return true;
}

static void show(session *s, const char *old_goals)
{
    if (s->tty) fputs("\033[H\033[2J", stdout);
    step_screen_print(&s->screen, stdout);
    /* Announce goals that became met with this command. */
    const char *p = s->screen.goals;
    while (old_goals != NULL && p != NULL && *p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        if (n > 6 && strncmp(p, "  [x] ", 6) == 0) {
            char line[1024];
            snprintf(line, sizeof line, "  [ ] %.*s\n", (int)(n - 6), p + 6);
            if (strstr(old_goals, line) != NULL) printf("*** goal reached: %.*s\n", (int)(n - 6), p + 6);
        }
        p = eol ? eol + 1 : NULL;
    }
    fflush(stdout);
}

static void remember(session *s)
{
    s->history = realloc(s->history, (s->history_count + 1) * sizeof *s->history);
    assert(s->history != NULL);
    s->history[s->history_count++] = moves_copy(&s->cur, s->cur.count);
}

static void say(const char *fmt, const char *arg)
{
    printf(fmt, arg);
    putchar('\n');
    fflush(stdout);
}

/* The candidate a word names (a 1-based number or a name), or -1. */
static int candidate_of(const step_screen *sc, const char *word)
{
    char *end;
    errno = 0;
    long k = strtol(word, &end, 10);
    if (*word && *end == '\0' && errno == 0) return k >= 1 && (size_t)k <= sc->cand_count ? (int)k - 1 : -1;
    for (size_t i = 0; i < sc->cand_count; i++)
        if (strcmp(sc->cands[i].name, word) == 0) return (int)i;
    return -1;
}

static void do_save(session *s, const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        say("cannot write '%s'", path);
        return;
    }
    bool ok = step_save_trace(s->sc, (const char *const *)s->cur.names, s->cur.count, f);
    ok = fclose(f) == 0 && ok;
    if (ok) printf("saved %s (%zu moves, then the scenario's policy to the end); "
                   "check it with `wtlab replay %s`\n", path, s->cur.count, path);
    else say("writing '%s' failed", path);
    fflush(stdout);
}

/* goto: keep the moves made before STEP, then go on to STEP. */
static bool do_goto(session *s, uint64_t step)
{
    size_t keep = 0;
    while (keep < s->cur.count && keep < s->screen.step_count && s->screen.steps[keep] < step) keep++;
    moves kept = moves_copy(&s->cur, keep);
    moves_free(&s->cur);
    s->cur = kept;
    return refresh(s, STEP_GO_STEP, step);
}

/* One command; false: quit. */
static bool command(session *s, char *line)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *word = strtok(line, " \t"), *arg = word ? strtok(NULL, " \t") : NULL;
    if (word == NULL) return true;
    if (!s->tty) printf("> %s%s%s\n", word, arg ? " " : "", arg ? arg : "");
    if (!strcmp(word, "quit") || !strcmp(word, "q") || !strcmp(word, "exit")) return false;
    if (!strcmp(word, "help") || !strcmp(word, "?")) {
        step_usage(stdout);
        return true;
    }
    if (!strcmp(word, "save")) {
        if (arg == NULL) say("save needs a file name%s", "");
        else do_save(s, arg);
        return true;
    }
    char *old_goals = strdup(s->screen.goals ? s->screen.goals : "");
    bool moved = false;
    if (!strcmp(word, "back") || !strcmp(word, "undo")) {
        if (s->history_count == 0) say("nothing to undo: this is the start%s", "");
        else {
            moves_free(&s->cur);
            s->cur = s->history[--s->history_count];
            moved = refresh(s, STEP_GO_NONE, 0);
        }
    } else if (!strcmp(word, "run") || !strcmp(word, "goto")) {
        uint64_t step = 0;
        if (!strcmp(word, "goto") && (arg == NULL || !cli_parse_u64(arg, &step) || step == 0)) {
            say("goto needs a step number >= 1%s", "");
        } else if (!strcmp(word, "run") && !s->screen.at_decision) {
            say("the run has ended%s; back, goto or save", "");
        } else {
            remember(s);
            moved = !strcmp(word, "run") ? refresh(s, STEP_GO_EVENT, 0) : do_goto(s, step);
        }
    } else if (!s->screen.at_decision) {
        say("the run has ended; '%s' is no move (back, goto, save, quit)", word);
    } else {
        int k = candidate_of(&s->screen, word);
        if (k < 0) {
            say("'%s' is not a runnable writer here, nor a command (help lists them)", word);
        } else {
            remember(s);
            moves_push(&s->cur, s->screen.cands[k].name);
            moved = refresh(s, STEP_GO_NONE, 0);
        }
    }
    if (moved) show(s, old_goals);
    free(old_goals);
    return true;
}

int cmd_step(int argc, char **argv)
{
    static const struct option opts[] = {
        {"trace", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *trace_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
        switch (c) {
        case 't': trace_path = optarg; break;
        case 'h': step_usage(stdout); return EXIT_OK;
        default: step_usage(stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind > 1 || (argc - optind == 0 && trace_path == NULL)) {
        step_usage(stderr);
        return EXIT_USAGE;
    }
    loaded_trace t = {0};
    bool have_trace = trace_path != NULL;
    if (have_trace && !loaded_trace_open(trace_path, &t)) return EXIT_USAGE;
    scenario *own = NULL;
    if (argc - optind == 1) {
        scenario_error err;
        own = scenario_load_file(argv[optind], &err);
        if (own == NULL) {
            if (have_trace) loaded_trace_free(&t);
            fprintf(stderr, "wtlab: %s\n", err.text);
            return EXIT_USAGE;
        }
    }
    session s = {.sc = own ? own : t.sc, .tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)};
    if (have_trace) {
        s.ahead = t.picks;
        s.ahead_count = t.pick_count;
    }
    int rc = EXIT_OK;
    if (!refresh(&s, STEP_GO_NONE, 0)) {
        fprintf(stderr, "wtlab: the scenario could not be run\n");
        rc = EXIT_USAGE;
    } else {
        show(&s, NULL);
        char *line = NULL;
        size_t cap = 0;
        for (;;) {
            if (s.tty) {
                fputs("step> ", stdout);
                fflush(stdout);
            }
            if (getline(&line, &cap, stdin) < 0 || !command(&s, line)) break;
            fflush(stdout);
        }
        free(line);
    }
    step_screen_free(&s.screen);
    moves_free(&s.cur);
    for (size_t i = 0; i < s.history_count; i++) moves_free(&s.history[i]);
    free(s.history);
    scenario_free(own);
    if (have_trace) loaded_trace_free(&t);
    return rc;
}
