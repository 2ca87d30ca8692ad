/*
 * scenario_writers.c — the "writers" section of a scenario: each writer's
 * name and start time, and its batches expanded into scenario_batch
 * structs ("repeat" copies the list, "puts" generates operations).
 *
 * Expansion is what can make a short file ask for much memory, so every
 * batch, operation and key/value byte is counted against the
 * SCENARIO_MAX_ bounds (running totals in the scenario_loader) before it
 * is allocated; an error names the key that asked for too much.  A batch
 * given several times by "repeat" is checked each time it is expanded;
 * its errors name its place in the file.
 *
 * Not thread-safe per load (see scenario_schema.h).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_schema.h"

/* A batch as written: the scenario_batch flags plus how its ops are given. */
typedef struct batch_spec {
    scenario_batch b;
    const json_doc_node *ops; /* "ops", or NULL */
    uint64_t puts;            /* "puts" generator count */
    uint64_t value_bytes;     /* generated value size */
} batch_spec;

/* "callback" (member: the scenario_batch). */
static bool check_callback(json_check *c, const json_doc_node *v, void *member)
{
    static const json_check_field callback_fields[] = {
        {F_BOOL(scenario_batch, "allow_batching", callback_allow_batching)},
        {F_BOOL(scenario_batch, "fail", callback_fail)},
    };
    scenario_batch *b = member;
    b->has_callback = true;
    return json_check_fields(c, v, callback_fields, F_COUNT(callback_fields), b);
}

/* Keeps an array node for later (member: a const json_doc_node *). */
static bool keep_array(json_check *c, const json_doc_node *v, bool nonempty, void *member)
{
    size_t n;
    if (!json_check_array(c, v, nonempty, &n)) return false;
    *(const json_doc_node **)member = v;
    return true;
}

static bool keep_ops(json_check *c, const json_doc_node *v, void *member)
{
    return keep_array(c, v, false, member);
}

static const json_check_field batch_fields[] = {
    {F_CUSTOM(batch_spec, "ops", ops, keep_ops)},
    {F_NUM(JSON_CHECK_U64, batch_spec, "puts", puts, 1, SCENARIO_MAX_OPS)},
    {F_NUM(JSON_CHECK_U64, batch_spec, "value_bytes", value_bytes, 0, SCENARIO_MAX_OP_BYTES)},
    {F_BOOL(batch_spec, "sync", b.sync)},
    {F_BOOL(batch_spec, "disable_wal", b.disable_wal)},
    {F_BOOL(batch_spec, "no_slowdown", b.no_slowdown)},
    {F_BOOL(batch_spec, "disable_memtable", b.disable_memtable)},
    {F_CUSTOM(batch_spec, "callback", b, check_callback)},
    {F_U64(batch_spec, "think_ns", b.think_ns, 0)},
};

/* Accounts for n more operations / bytes against the scenario bounds;
 * an error names `at`. */
static bool count_ops(scenario_loader *l, const json_doc_node *at, uint64_t n)
{
    if (n > (uint64_t)SCENARIO_MAX_OPS - l->op_total)
        return json_check_fail(&l->check, at, JSON_CHECK_AT_VALUE,
                               "the scenario expands to more than %d operations in all",
                               SCENARIO_MAX_OPS);
    l->op_total += n;
    return true;
}

static bool count_bytes(scenario_loader *l, const json_doc_node *at, uint64_t n)
{
    if (n > (uint64_t)SCENARIO_MAX_OP_BYTES - l->op_bytes)
        return json_check_fail(&l->check, at, JSON_CHECK_AT_VALUE,
                               "the scenario expands to more than %d bytes of keys and values",
                               SCENARIO_MAX_OP_BYTES);
    l->op_bytes += n;
    return true;
}

static bool op_string(scenario_loader *l, const json_doc_node *v, char **out)
{
    return json_check_string(&l->check, v, false, out) && count_bytes(l, v, strlen(*out));
}

/* ["put", KEY, VALUE], ["delete", KEY], ["single_delete", KEY], ["log_data", BLOB] */
static bool parse_op(scenario_loader *l, const json_doc_node *v, scenario_op *op)
{
    static const char *const names[] = {"put", "delete", "single_delete", "log_data"};
    static const scenario_op_kind kinds[] = {SCENARIO_OP_PUT, SCENARIO_OP_DELETE,
                                             SCENARIO_OP_SINGLE_DELETE, SCENARIO_OP_LOG_DATA};
    static const char *const args[] = {"a key and a value", "a key", "a key", "a blob"};
    json_check *c = &l->check;
    size_t n, k;
    if (v->type != JSON_DOC_ARRAY)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected an operation array such as [\"put\", KEY, VALUE], got %s",
                               json_check_type_name(v));
    if (!json_check_array(c, v, true, &n) ||
        !json_check_enum(c, json_doc_at(v, 0), names, 4, "operation", &k))
        return false;
    size_t want = kinds[k] == SCENARIO_OP_PUT ? 3 : 2;
    if (n != want)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "\"%s\" takes %s: expected %zu elements, got %zu", names[k],
                               args[k], want, n);
    op->kind = kinds[k];
    if (!op_string(l, json_doc_at(v, 1), &op->key)) return false;
    return want < 3 || op_string(l, json_doc_at(v, 2), &op->value);
}

static bool parse_ops(scenario_loader *l, const json_doc_node *ops, scenario_batch *out)
{
    size_t n = ops->child_count;
    if (!count_ops(l, ops, n) ||
        !scenario_alloc_array(&l->check, ops, n, sizeof *out->ops, (void **)&out->ops))
        return false;
    for (size_t i = 0; i < n; i++) {
        out->op_count = i + 1;
        if (!parse_op(l, json_doc_at(ops, i), &out->ops[i])) return false;
    }
    return true;
}

/* "puts": N puts "<writer>-<index>-<j>" = "v<index>-<j>" padded with '.'
 * (or cut) to value_bytes.  Errors name the "puts" value. */
static bool generate_puts(scenario_loader *l, const json_doc_node *puts, const char *writer,
                          uint64_t index, const batch_spec *spec, scenario_batch *out)
{
    uint64_t n = spec->puts, vb = spec->value_bytes;
    if (!count_ops(l, puts, n) ||
        !scenario_alloc_array(&l->check, puts, n, sizeof *out->ops, (void **)&out->ops))
        return false;
    for (uint64_t j = 0; j < n; j++) {
        scenario_op *op = &out->ops[j];
        out->op_count = j + 1;
        char key[SCENARIO_MAX_NAME + 48], pattern[48];
        int kn = snprintf(key, sizeof key, "%s-%llu-%llu", writer, (unsigned long long)index,
                          (unsigned long long)j);
        int pn = snprintf(pattern, sizeof pattern, "v%llu-%llu", (unsigned long long)index,
                          (unsigned long long)j);
        assert(kn > 0 && (size_t)kn < sizeof key && pn > 0 && (size_t)pn < sizeof pattern);
        if (!count_bytes(l, puts, (uint64_t)kn + vb)) return false;
        op->kind = SCENARIO_OP_PUT;
        op->key = strdup(key);
        op->value = malloc(vb + 1);
        if (op->key == NULL || op->value == NULL) return json_check_fail_oom(&l->check, puts);
        size_t copy = (uint64_t)pn < vb ? (size_t)pn : (size_t)vb;
        memcpy(op->value, pattern, copy);
        memset(op->value + copy, '.', vb - copy);
        op->value[vb] = '\0';
    }
    return true;
}

/* Expanded batch number `index` of writer from the batch object v. */
static bool parse_batch(scenario_loader *l, const json_doc_node *v, const char *writer,
                        uint64_t index, scenario_batch *out)
{
    json_check *c = &l->check;
    batch_spec spec = {.b.callback_allow_batching = true, .value_bytes = 8};
    if (!json_check_fields(c, v, batch_fields, F_COUNT(batch_fields), &spec)) return false;
    const json_doc_node *puts = json_doc_get(v, "puts");
    const json_doc_node *value_bytes = json_doc_get(v, "value_bytes");
    if (spec.ops != NULL && puts != NULL)
        return json_check_fail(c, puts, JSON_CHECK_AT_KEY,
                               "cannot be combined with \"ops\" (give one of them)");
    if (spec.ops == NULL && puts == NULL)
        return json_check_fail_missing(c, v, "ops", "required key is missing (or give \"puts\")");
    if (puts == NULL && value_bytes != NULL)
        return json_check_fail(c, value_bytes, JSON_CHECK_AT_KEY, "only allowed with \"puts\"");
    *out = spec.b;
    out->ops = NULL;
    out->op_count = 0;
    return spec.ops != NULL ? parse_ops(l, spec.ops, out)
                            : generate_puts(l, puts, writer, index, &spec, out);
}

/* -------------------------------------------------------------- writers */

typedef struct writer_spec {
    char name[SCENARIO_MAX_NAME];
    uint64_t start_ns;
    uint64_t repeat;
    const json_doc_node *batches;
} writer_spec;

static bool keep_batches(json_check *c, const json_doc_node *v, void *member)
{
    return keep_array(c, v, true, member);
}

static const json_check_field writer_fields[] = {
    {F_NAME(writer_spec, "name", name), .required = true},
    {F_U64(writer_spec, "start_ns", start_ns, 0)},
    {F_NUM(JSON_CHECK_U64, writer_spec, "repeat", repeat, 1, SCENARIO_MAX_BATCHES)},
    {F_CUSTOM(writer_spec, "batches", batches, keep_batches), .required = true},
};

/* Writer w's name (of the object obj) is not reserved and not used by an
 * earlier writer. */
static bool check_writer_name(json_check *c, const scenario *s, size_t w,
                              const json_doc_node *obj)
{
    const char *name = s->writers[w].name;
    const json_doc_node *at = json_doc_get(obj, "name");
    assert(at != NULL);
    if (strcmp(name, "main") == 0 || strcmp(name, "flush") == 0)
        return json_check_fail(c, at, JSON_CHECK_AT_VALUE,
                               "\"%s\" is reserved for the sim's own fibers", name);
    for (size_t i = 0; i < w; i++) {
        if (strcmp(s->writers[i].name, name) == 0)
            return json_check_fail(c, at, JSON_CHECK_AT_VALUE,
                                   "duplicate writer name \"%s\" (also /writers/%zu/name)", name,
                                   i);
    }
    return true;
}

/* Expands the batch list of writer object obj `repeat` times into w. */
static bool expand_batches(scenario_loader *l, const json_doc_node *obj,
                           const writer_spec *spec, scenario_writer *w)
{
    size_t n = spec->batches->child_count;
    uint64_t total = (uint64_t)n * spec->repeat;
    assert(n > 0);
    if (total > (uint64_t)SCENARIO_MAX_BATCHES - l->batch_total) {
        const json_doc_node *at = json_doc_get(obj, spec->repeat > 1 ? "repeat" : "batches");
        return json_check_fail(&l->check, at, JSON_CHECK_AT_VALUE,
                               "the scenario expands to more than %d batches in all",
                               SCENARIO_MAX_BATCHES);
    }
    l->batch_total += total;
    if (!scenario_alloc_array(&l->check, obj, (size_t)total, sizeof *w->batches,
                              (void **)&w->batches))
        return false;
    for (uint64_t i = 0; i < total; i++) {
        w->batch_count = (size_t)i + 1;
        if (!parse_batch(l, json_doc_at(spec->batches, (size_t)(i % n)), w->name, i,
                         &w->batches[i]))
            return false;
    }
    return true;
}

bool scenario_writers_parse(json_check *c, const json_doc_node *v, void *member)
{
    scenario_loader *l = scenario_loader_of(c);
    scenario *s = member;
    assert(s == l->s);
    size_t n;
    if (!json_check_array(c, v, true, &n)) return false;
    if (n > SCENARIO_MAX_WRITERS)
        return json_check_fail(c, json_doc_at(v, SCENARIO_MAX_WRITERS), JSON_CHECK_AT_VALUE,
                               "too many writers (at most %d)", SCENARIO_MAX_WRITERS);
    if (!scenario_alloc_array(c, v, n, sizeof *s->writers, (void **)&s->writers)) return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *obj = json_doc_at(v, i);
        writer_spec spec = {.repeat = 1};
        scenario_writer *w = &s->writers[i];
        s->writer_count = i + 1;
        if (!json_check_fields(c, obj, writer_fields, F_COUNT(writer_fields), &spec)) return false;
        memcpy(w->name, spec.name, sizeof w->name);
        w->start_ns = spec.start_ns;
        if (!check_writer_name(c, s, i, obj) || !expand_batches(l, obj, &spec, w)) return false;
    }
    return true;
}
