/*
 * test_json.c — the JSON parser that keeps positions (sim/lab/json_doc.c
 * with its lexer json_lex.c) and the validator over it
 * (sim/lab/json_check.c).
 *
 * Goal: json_doc accepts exactly what jansson 2.14 accepts (json_loadb
 * with JSON_REJECT_DUPLICATES), builds the same values, and fails with
 * jansson's message at jansson's position, while knowing where every
 * value starts and what its path is; json_check reports each kind of
 * mistake as "FILE:LINE:COL: PATH: message" at the right place.
 *
 * Method: positions and paths of a text with escaped keys, nested arrays
 * and multi-byte characters are compared with values counted by hand;
 * tables of malformed texts are checked against written-out messages and
 * against jansson itself; then a few thousand seeded mutations of valid
 * texts (bytes deleted, inserted, replaced, spans repeated, texts cut)
 * must give jansson's verdict, message and position, or its tree.
 * json_check runs field tables over small documents and compares whole
 * error lines.
 *
 * Under valgrind: CK_FORK=no valgrind --leak-check=full tests/test_json.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
/* By path, as test_scenario.c: no sim folder is on the include path. */
#include "../sim/lab/json_check.h"
#include "../sim/lab/json_doc.h"

enum { MUTATIONS = 4000 };

static json_doc *parse_ok(const char *text, size_t len)
{
    json_doc_error err;
    json_doc *d = json_doc_parse(text, len, &err);
    ck_assert_msg(d != NULL, "%u:%u: %s", err.line, err.column, err.text);
    return d;
}

/* The node whose path is `path`, by walking the whole tree. */
static const json_doc_node *find(const json_doc_node *n, const char *path)
{
    char buf[256];
    json_doc_path(n, buf, sizeof buf);
    if (strcmp(buf, path) == 0) return n;
    if (n->type != JSON_DOC_OBJECT && n->type != JSON_DOC_ARRAY) return NULL;
    for (size_t i = 0; i < n->child_count; i++) {
        const json_doc_node *hit = find(n->children[i], path);
        if (hit != NULL) return hit;
    }
    return NULL;
}

static void expect_at(const json_doc *d, const char *path, uint32_t line, uint32_t col)
{
    const json_doc_node *n = find(json_doc_root(d), path);
    ck_assert_msg(n != NULL, "no %s", path);
    ck_assert_msg(n->line == line && n->column == col, "%s at %u:%u, want %u:%u", path, n->line,
                  n->column, line, col);
}

static void expect_key_at(const json_doc *d, const char *path, uint32_t line, uint32_t col)
{
    const json_doc_node *n = find(json_doc_root(d), path);
    ck_assert_msg(n != NULL && n->key != NULL, "no member %s", path);
    ck_assert_msg(n->key_line == line && n->key_column == col, "key %s at %u:%u, want %u:%u",
                  path, n->key_line, n->key_column, line, col);
}

static const char nested[] =
    "{\"a/b\": [1, {\"m~n\": \"x\\\"y\", \"\\u00e9\": true}],\n"
    "  \"c\": null,\n"
    "  \"\\u0041\\/\": [[], [-1.5e3, [false]]],\n"
    "\t\"\": {\"\\ud83d\\ude00\": \"\"}}";

START_TEST(test_positions)
{
    json_doc *d = parse_ok(nested, strlen(nested));
    expect_at(d, "", 1, 1);
    expect_at(d, "/a~1b", 1, 9);
    expect_key_at(d, "/a~1b", 1, 2);
    expect_at(d, "/a~1b/0", 1, 10);
    expect_at(d, "/a~1b/1", 1, 13);
    expect_at(d, "/a~1b/1/m~0n", 1, 21);
    expect_key_at(d, "/a~1b/1/m~0n", 1, 14);
    expect_at(d, "/a~1b/1/\xc3\xa9", 1, 39);
    expect_at(d, "/c", 2, 8);
    expect_key_at(d, "/c", 2, 3);
    expect_at(d, "/A~1", 3, 15);
    expect_at(d, "/A~1/0", 3, 16);
    expect_at(d, "/A~1/1/0", 3, 21);
    expect_at(d, "/A~1/1/1/0", 3, 30);
    expect_at(d, "/", 4, 6);
    expect_key_at(d, "/", 4, 2);
    expect_at(d, "//\xf0\x9f\x98\x80", 4, 23);
    const json_doc_node *elem = find(json_doc_root(d), "/A~1/1/1");
    ck_assert(elem->key == NULL && elem->key_line == 0 && elem->index == 1);
    json_doc_free(d);
}
END_TEST

START_TEST(test_values_and_access)
{
    json_doc *d = parse_ok(nested, strlen(nested));
    const json_doc_node *root = json_doc_root(d);
    ck_assert_int_eq(root->type, JSON_DOC_OBJECT);
    ck_assert_ptr_null(root->parent);
    ck_assert_uint_eq(root->child_count, 4);
    const json_doc_node *ab = json_doc_get(root, "a/b");
    ck_assert_ptr_eq(ab, json_doc_at(root, 0));
    ck_assert_ptr_eq(ab->parent, root);
    ck_assert_int_eq(json_doc_at(ab, 0)->integer, 1);
    const json_doc_node *obj = json_doc_at(ab, 1);
    ck_assert_str_eq(json_doc_get(obj, "m~n")->string, "x\"y");
    ck_assert_uint_eq(json_doc_get(obj, "m~n")->string_len, 3);
    ck_assert_int_eq(json_doc_get(obj, "\xc3\xa9")->type, JSON_DOC_TRUE);
    ck_assert_ptr_null(json_doc_get(obj, "nope"));
    ck_assert_ptr_null(json_doc_get(ab, "m~n")); /* not an object */
    ck_assert_int_eq(json_doc_get(root, "c")->type, JSON_DOC_NULL);
    const json_doc_node *a = json_doc_get(root, "A/");
    ck_assert_uint_eq(json_doc_at(a, 0)->child_count, 0);
    ck_assert(json_doc_at(json_doc_at(a, 1), 0)->real == -1500.0);
    const json_doc_node *smile = json_doc_at(json_doc_get(root, ""), 0);
    ck_assert_str_eq(smile->key, "\xf0\x9f\x98\x80");
    ck_assert_uint_eq(smile->string_len, 0);
    ck_assert_uint_eq(json_doc_value_count(d), 15);
    json_doc_free(d);
}
END_TEST

START_TEST(test_path_truncation)
{
    json_doc *d = parse_ok(nested, strlen(nested));
    const json_doc_node *n = find(json_doc_root(d), "/a~1b/1/m~0n");
    char tiny[4];
    ck_assert_uint_eq(json_doc_path(n, tiny, sizeof tiny), strlen("/a~1b/1/m~0n"));
    ck_assert_str_eq(tiny, "/a~");
    ck_assert_uint_eq(json_doc_path(n, NULL, 0), strlen("/a~1b/1/m~0n"));
    json_doc_free(d);
    char buf[8];
    size_t len = 0;
    json_doc_append_key(buf, sizeof buf, &len, "a/b", 3);
    ck_assert_str_eq(buf, "/a~1b");
    json_doc_append_key(buf, sizeof buf, &len, "~x", 2);
    ck_assert_uint_eq(len, 9);
    ck_assert_str_eq(buf, "/a~1b/~");
    len = 0;
    json_doc_append_key(NULL, 0, &len, "~~", 2);
    ck_assert_uint_eq(len, 5);
}
END_TEST

START_TEST(test_duplicates)
{
    static const char text[] = "{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": [2]}, \"a\": 3}";
    json_doc_error err;
    ck_assert_ptr_null(json_doc_parse(text, strlen(text), &err));
    ck_assert_int_eq(err.code, JSON_DOC_ERROR_DUPLICATE_KEY);
    ck_assert_str_eq(err.path, "/b/c");
    ck_assert_str_eq(err.text, "duplicate key");
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.column, 16);
    /* The same key in different objects is no duplicate. */
    static const char ok[] = "[{\"a\": 1}, {\"a\": {\"a\": 2}}]";
    json_doc_free(parse_ok(ok, strlen(ok)));
}
END_TEST

/* Many members: the member table grows and still finds every repeat. */
START_TEST(test_many_members)
{
    enum { N = 5000 };
    char *text = malloc(N * 24 + 32);
    ck_assert_ptr_nonnull(text);
    size_t n = 0;
    text[n++] = '{';
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(text + n, "%s\"k%d\": [%d]", i ? "," : "", i, i);
    text[n] = '}';
    json_doc *d = parse_ok(text, n + 1);
    ck_assert_uint_eq(json_doc_value_count(d), 1 + 2 * N);
    for (int i = 0; i < N; i += 7) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        const json_doc_node *v = json_doc_at(json_doc_get(json_doc_root(d), key), 0);
        ck_assert_int_eq(atoi(text + v->offset), i);
    }
    json_doc_free(d);
    n += (size_t)sprintf(text + n, ", \"k4321\": 0}");
    json_doc_error err;
    ck_assert_ptr_null(json_doc_parse(text, n, &err));
    ck_assert_str_eq(err.path, "/k4321");
    free(text);
}
END_TEST

/* ------------------------------------------------- malformed, and jansson */

/* Both parsers on text[0..len): the same verdict and, on failure, the
 * same message and position (a repeated key: ours names it instead). */
static void compare_with_jansson(const char *text, size_t len);

typedef struct bad_case {
    const char *text;
    uint32_t line, column;
    const char *message;
} bad_case;

static const bad_case bad_cases[] = {
    {"", 1, 1, "'[' or '{' expected near end of file"},
    {"  7", 1, 3, "'[' or '{' expected near '7'"},
    {"[1,]", 1, 4, "unexpected token near ']'"},
    {"[1,", 1, 3, "']' expected near end of file"},
    {"{\"a\" 1}", 1, 6, "':' expected near '1'"},
    {"{\"a\": 1", 1, 7, "'}' expected near end of file"},
    {"{\"a\":", 1, 5, "unexpected token near end of file"},
    {"{\n  \"a\": \"x", 2, 9, "premature end of input near '\"x'"},
    {"[\"a\nb\"]", 1, 3, "unexpected newline near '\"a'"},
    {"[\"a\tb\"]", 1, 3, "control character 0x9 near '\"a'"},
    {"[\"\\x\"]", 1, 4, "invalid escape near '\"\\x'"},
    {"[\"\\u12g4\"]", 1, 7, "invalid escape near '\"\\u12g'"},
    {"[\"\\ud800\"]", 1, 9, "invalid Unicode '\\uD800' near '\"\\ud800\"'"},
    {"[\"\\udc00x\"]", 1, 10, "invalid Unicode '\\uDC00' near '\"\\udc00x\"'"},
    {"[\"\\ud800\\u0041\"]", 1, 15,
     "invalid Unicode '\\uD800\\u0041' near '\"\\ud800\\u0041\"'"},
    {"[\"\\ud800\\u0041 and more\"]", 1, 24, "invalid Unicode '\\uD800\\u0041'"},
    {"[\"\\u0000\"]", 1, 9, "\\u0000 is not allowed without JSON_ALLOW_NUL near '\"\\u0000\"'"},
    {"{\"\\u0000\": 1}", 1, 9, "NUL byte in object key not supported near '\"\\u0000\"'"},
    {"[01]", 1, 2, "invalid token near '0'"},
    {"[1.]", 1, 3, "invalid token near '1.'"},
    {"[-]", 1, 2, "invalid token near '-'"},
    {"[1e+]", 1, 4, "invalid token near '1e+'"},
    {"[tru]", 1, 4, "invalid token near 'tru'"},
    {"[truex]", 1, 6, "invalid token near 'truex'"},
    {"[true1]", 1, 6, "']' expected near '1'"},
    {"[@]", 1, 2, "invalid token near '@'"},
    {"[\xc3\xa9]", 1, 3, "invalid token near '\xc3\xa9'"},
    {"[\"\xff\"]", 1, 2, "unable to decode byte 0xff near '\"'"},
    {"[\xed\xa0\x80]", 1, 1, "unable to decode byte 0xed"},
    {"[\"\xc3\"]", 1, 2, "unable to decode byte 0xc3 near '\"'"},
    {"{1: 2}", 1, 2, "string or '}' expected near '1'"},
    {"{\"a\": 1,}", 1, 9, "string or '}' expected near '}'"},
    {"{} {}", 1, 4, "end of file expected near '{'"},
    {"[99999999999999999999]", 1, 21, "too big integer near '99999999999999999999'"},
    {"[-9223372036854775809]", 1, 21, "too big negative integer near '-9223372036854775809'"},
    {"[999999999999999999999]", 1, 22, "too big integer"},
    {"[1e999]", 1, 6, "real number overflow near '1e999'"},
    {"[\"a very long string indeed\" 1]", 1, 30, "']' expected near '1'"},
    {"[\"a very long string that is cut", 1, 32, "premature end of input"},
};

START_TEST(test_bad_syntax)
{
    const bad_case *b = &bad_cases[_i];
    json_doc_error err;
    ck_assert_ptr_null(json_doc_parse(b->text, strlen(b->text), &err));
    ck_assert_msg(err.line == b->line && err.column == b->column, "%s: got %u:%u %s", b->text,
                  err.line, err.column, err.text);
    ck_assert_str_eq(err.text, b->message);
    ck_assert_str_eq(err.path, "");
    bool overflow = strstr(b->message, "too big") != NULL || strstr(b->message, "overflow");
    ck_assert_int_eq(err.code, overflow ? JSON_DOC_ERROR_NUMERIC_OVERFLOW : JSON_DOC_ERROR_SYNTAX);
    compare_with_jansson(b->text, strlen(b->text));
}
END_TEST

START_TEST(test_depth)
{
    size_t depth = JSON_DOC_MAX_DEPTH;
    char *text = malloc(2 * depth + 4);
    ck_assert_ptr_nonnull(text);
    /* JSON_DOC_MAX_DEPTH nested arrays parse; one more value does not. */
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    json_doc *d = parse_ok(text, 2 * depth);
    ck_assert_uint_eq(json_doc_value_count(d), depth);
    char path[8192];
    const json_doc_node *n = json_doc_root(d);
    while (n->child_count > 0) n = json_doc_at(n, 0);
    ck_assert_uint_eq(json_doc_path(n, path, sizeof path), 2 * (depth - 1));
    json_doc_free(d);
    memcpy(text + depth, "1", 1);
    memset(text + depth + 1, ']', depth);
    json_doc_error err;
    ck_assert_ptr_null(json_doc_parse(text, 2 * depth + 1, &err));
    ck_assert_str_eq(err.text, "maximum parsing depth reached near '1'");
    ck_assert_uint_eq(err.column, depth + 1);
    compare_with_jansson(text, 2 * depth + 1);
    free(text);
    ck_assert_ptr_null(json_doc_parse("{}", (size_t)JSON_DOC_MAX_TEXT + 1, &err));
    ck_assert_int_eq(err.code, JSON_DOC_ERROR_LIMIT);
    ck_assert_str_eq(err.text, "text larger than 16777216 bytes");
}
END_TEST

/* jansson 2.14 skips a NUL byte it has pushed back; json_doc does not. */
START_TEST(test_nul_bytes)
{
    json_doc_error err;
    ck_assert_ptr_null(json_doc_parse("[1\0]", 4, &err));
    ck_assert_str_eq(err.text, "']' expected near end of file");
    ck_assert_ptr_null(json_doc_parse("[\"a\0\"]", 6, &err));
    ck_assert_str_eq(err.text, "control character 0x0 near '\"a'");
    compare_with_jansson("[\"a\0\"]", 6);
    compare_with_jansson("[\0]", 3);
}
END_TEST

START_TEST(test_line_column)
{
    static const char t[] = "ab\n\ncd\r\nx";
    uint32_t line, col;
    json_doc_line_column(t, sizeof t - 1, 0, &line, &col);
    ck_assert(line == 1 && col == 1);
    json_doc_line_column(t, sizeof t - 1, 2, &line, &col);
    ck_assert(line == 1 && col == 3);
    json_doc_line_column(t, sizeof t - 1, 3, &line, &col);
    ck_assert(line == 2 && col == 1);
    json_doc_line_column(t, sizeof t - 1, 8, &line, &col);
    ck_assert(line == 4 && col == 1);
    json_doc_line_column(t, sizeof t - 1, 100, &line, &col);
    ck_assert(line == 4 && col == 2);
}
END_TEST

/* The same value in both trees; every node's position is consistent. */
static void compare_tree(const char *text, size_t len, const json_t *j, const json_doc_node *n)
{
    static const json_type types[] = {
        [JSON_DOC_OBJECT] = JSON_OBJECT, [JSON_DOC_ARRAY] = JSON_ARRAY,
        [JSON_DOC_STRING] = JSON_STRING, [JSON_DOC_INTEGER] = JSON_INTEGER,
        [JSON_DOC_REAL] = JSON_REAL,     [JSON_DOC_TRUE] = JSON_TRUE,
        [JSON_DOC_FALSE] = JSON_FALSE,   [JSON_DOC_NULL] = JSON_NULL,
    };
    uint32_t line, col;
    json_doc_line_column(text, len, n->offset, &line, &col);
    ck_assert(line == n->line && col == n->column);
    ck_assert_int_eq(json_typeof(j), types[n->type]);
    if (n->type == JSON_DOC_STRING) {
        ck_assert_uint_eq(json_string_length(j), n->string_len);
        ck_assert(memcmp(json_string_value(j), n->string, n->string_len + 1) == 0);
    } else if (n->type == JSON_DOC_INTEGER) {
        ck_assert(json_integer_value(j) == n->integer);
    } else if (n->type == JSON_DOC_REAL) {
        ck_assert(json_real_value(j) == n->real);
    } else if (n->type == JSON_DOC_ARRAY) {
        ck_assert_uint_eq(json_array_size(j), n->child_count);
        for (size_t i = 0; i < n->child_count; i++)
            compare_tree(text, len, json_array_get(j, i), n->children[i]);
    } else if (n->type == JSON_DOC_OBJECT) {
        ck_assert_uint_eq(json_object_size(j), n->child_count);
        void *it = json_object_iter((json_t *)j);
        for (size_t i = 0; i < n->child_count; i++, it = json_object_iter_next((json_t *)j, it)) {
            ck_assert_str_eq(json_object_iter_key(it), n->children[i]->key); /* same order */
            compare_tree(text, len, json_object_iter_value(it), n->children[i]);
        }
    }
}

static void compare_with_jansson(const char *text, size_t len)
{
    json_error_t je;
    json_doc_error err;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    json_doc *d = json_doc_parse(text, len, &err);
    ck_assert_msg((j == NULL) == (d == NULL), "%.*s: jansson %s, json_doc %s", (int)len, text,
                  j ? "accepts" : je.text, d ? "accepts" : err.text);
    if (d != NULL) {
        compare_tree(text, len, j, json_doc_root(d));
    } else if (json_error_code(&je) == json_error_duplicate_key) {
        ck_assert_int_eq(err.code, JSON_DOC_ERROR_DUPLICATE_KEY);
    } else {
        size_t offset = je.position > 0 ? (size_t)je.position - 1 : 0;
        ck_assert_msg(strcmp(je.text, err.text) == 0 && offset == err.offset,
                      "%.*s:\n  jansson  %zu %s\n  json_doc %zu %s", (int)len, text, offset,
                      je.text, err.offset, err.text);
        bool overflow = json_error_code(&je) == json_error_numeric_overflow;
        ck_assert(overflow == (err.code == JSON_DOC_ERROR_NUMERIC_OVERFLOW));
    }
    json_decref(j);
    json_doc_free(d);
}

static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* One to three seeded edits of seed into buf; returns the new length. */
static size_t mutate(const char *seed, size_t n, char *buf, size_t cap, uint64_t *rng)
{
    static const char bytes[] = "{}[]:,\"\\/u0123456789-+.eEtrfalsn \n\t\r\x80\xc3\xa9\xed\xff"
                                "\xf0\x9f\x98\x80xd8dc";
    memcpy(buf, seed, n);
    for (uint64_t edits = 1 + next_random(rng) % 3; edits > 0 && n > 0; edits--) {
        size_t at = (size_t)(next_random(rng) % n);
        char b = bytes[next_random(rng) % (sizeof bytes - 1)];
        switch (next_random(rng) % 5) {
        case 0: memmove(buf + at, buf + at + 1, n - at - 1), n--; break;
        case 1:
            if (n < cap) memmove(buf + at + 1, buf + at, n - at), buf[at] = b, n++;
            break;
        case 2: buf[at] = b; break;
        case 3: n = at; break;
        default: {
            size_t span = 1 + (size_t)(next_random(rng) % 16);
            if (span > n - at) span = n - at;
            if (n + span <= cap) memmove(buf + at + span, buf + at, n - at), n += span;
        }
        }
    }
    return n;
}

/* Seeded mutations of valid texts: the same verdict as jansson, the same
 * message at the same byte, or the same tree. */
START_TEST(test_mutations_match_jansson)
{
    static const char *const seeds[] = {
        nested,
        "{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"repeat\": 2, \"batches\": [{\"puts\": "
        "1}, {\"ops\": [[\"put\", \"k\", \"v\"]], \"sync\": true}]}], \"schedule\": {\"seed\": "
        "\"18446744073709551615\", \"policy\": \"random\"}, \"expect\": {\"contents\": {\"k\": "
        "null}}}",
        "[0, -0, 12.5e-3, 1E+2, -9223372036854775808, 9223372036854775807, \"\\b\\f\\n\\r\\t\\/"
        "\\\\\\\"\", \"\\uD834\\uDD1E\", [true, false, null], {}, []]",
    };
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    char buf[1024];
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        size_t n = strlen(seeds[s]);
        ck_assert(n < sizeof buf / 2);
        compare_with_jansson(seeds[s], n);
        for (int i = 0; i < MUTATIONS; i++)
            compare_with_jansson(buf, mutate(seeds[s], n, buf, sizeof buf, &rng));
    }
}
END_TEST

/* ------------------------------------------------------------ json_check */

typedef struct target {
    bool flag;
    uint64_t size;
    int64_t delta;
    int count;
    unsigned level;
    char *label;
    uint64_t seed;
    size_t colour;
} target;

static bool check_colour(json_check *c, const json_doc_node *v, void *member)
{
    static const char *const names[] = {"red", "green", "blue"};
    return json_check_enum(c, v, names, 3, "colour", member);
}

static const json_check_field fields[] = {
    {.key = "flag", .kind = JSON_CHECK_BOOL, .offset = offsetof(target, flag)},
    {.key = "size", .kind = JSON_CHECK_U64, .offset = offsetof(target, size), .min = 1,
     .max = INT64_MAX, .required = true},
    {.key = "delta", .kind = JSON_CHECK_I64, .offset = offsetof(target, delta), .min = -5,
     .max = 5},
    {.key = "count", .kind = JSON_CHECK_INT, .offset = offsetof(target, count), .max = 9},
    {.key = "level", .kind = JSON_CHECK_UINT, .offset = offsetof(target, level), .min = 1,
     .max = 3},
    {.key = "label", .kind = JSON_CHECK_STRING, .offset = offsetof(target, label), .min = 1},
    {.key = "seed", .kind = JSON_CHECK_U64_TEXT, .offset = offsetof(target, seed)},
    {.key = "colour", .kind = JSON_CHECK_CUSTOM, .offset = offsetof(target, colour),
     .fn = check_colour},
};

/* Parses and checks text against `fields` at path /x; NULL or the error. */
static const char *check_text(const char *text, target *t, char *msg, size_t cap)
{
    json_check c = {.file = "t.json", .message = msg, .message_cap = cap};
    memset(t, 0, sizeof *t);
    json_doc *d = json_check_parse(&c, text, strlen(text), " (hint)");
    if (d == NULL) return msg;
    const json_doc_node *x = json_doc_get(json_doc_root(d), "x");
    bool ok = x != NULL ? json_check_fields(&c, x, fields, sizeof fields / sizeof fields[0], t)
                        : json_check_fields(&c, json_doc_root(d), fields, 0, t);
    json_doc_free(d);
    return ok ? NULL : msg;
}

START_TEST(test_check_fields_ok)
{
    target t;
    char msg[256];
    const char *err = check_text(
        "{\"x\": {\"flag\": true, \"size\": 7, \"delta\": -5, \"count\": 0, \"level\": 3, "
        "\"label\": \"L\", \"seed\": \"18446744073709551615\", \"colour\": \"blue\"}}",
        &t, msg, sizeof msg);
    ck_assert_msg(err == NULL, "%s", err);
    ck_assert(t.flag && t.size == 7 && t.delta == -5 && t.count == 0 && t.level == 3);
    ck_assert_str_eq(t.label, "L");
    ck_assert(t.seed == UINT64_MAX);
    ck_assert_uint_eq(t.colour, 2);
    free(t.label);
    ck_assert_ptr_null(check_text("{\"x\": {\"size\": 1, \"seed\": 5}}", &t, msg, sizeof msg));
    ck_assert(t.seed == 5 && !t.flag && t.label == NULL);
}
END_TEST

typedef struct check_case {
    const char *text;
    const char *expect; /* the whole error line */
} check_case;

#define X "{\"x\": {\"size\": 1, "
static const check_case check_cases[] = {
    {"{\"x\": {}}", "t.json:1:7: /x/size: required key is missing"},
    {X "\"color\": 1}}", "t.json:1:19: /x/color: unknown key (did you mean \"colour\"?)"},
    {X "\"zz\": 1}}", "t.json:1:19: /x/zz: unknown key (expected one of: flag, size, delta, "
                      "count, level, label, seed, colour)"},
    {X "\"flag\": \"yes\"}}", "t.json:1:27: /x/flag: expected a boolean, got a string"},
    {X "\"delta\": 6}}", "t.json:1:28: /x/delta: must be between -5 and 5, got 6"},
    {X "\"count\": -1}}", "t.json:1:28: /x/count: expected a non-negative integer, got -1"},
    {"{\"x\": {\"size\": 0}}", "t.json:1:16: /x/size: must be at least 1, got 0"},
    {X "\"level\": 1.0}}", "t.json:1:28: /x/level: expected an integer, got a floating-point "
                           "number"},
    {X "\"label\": \"\"}}", "t.json:1:28: /x/label: must not be empty"},
    {X "\"label\": null}}", "t.json:1:28: /x/label: expected a string, got null"},
    {X "\"seed\": \"1x\"}}", "t.json:1:27: /x/seed: expected a decimal string of digits, got "
                             "\"1x\""},
    {X "\"seed\": \"18446744073709551616\"}}",
     "t.json:1:27: /x/seed: \"18446744073709551616\" does not fit in 64 bits"},
    {X "\"seed\": []}}", "t.json:1:27: /x/seed: expected a non-negative integer or a decimal "
                         "string, got an array"},
    {X "\"colour\": \"gren\"}}",
     "t.json:1:29: /x/colour: unknown colour \"gren\" (did you mean \"green\"?)"},
    {X "\"colour\": \"pink\\n\\\"\"}}",
     "t.json:1:29: /x/colour: unknown colour \"pink??\" (expected one of: red, green, blue)"},
    {"{\"x\": [1]}", "t.json:1:7: /x: expected an object, got an array"},
    {"[1]", "t.json:1:1: (root): expected an object, got an array"},
    {"{\"a/b~\": 1}", "t.json:1:2: /a~1b~0: unknown key (expected one of: )"},
    {"{\"x\": 1, \"x\": 2}", "t.json:1:10: /x: duplicate key"},
    {"{\"x\": [1e999]}", "t.json:1:12: real number overflow near '1e999' (hint)"},
    {"{\"x\": tru}", "t.json:1:9: invalid token near 'tru'"},
};
#undef X

START_TEST(test_check_errors)
{
    const check_case *k = &check_cases[_i];
    target t;
    char msg[256];
    const char *err = check_text(k->text, &t, msg, sizeof msg);
    ck_assert_msg(err != NULL, "accepted %s", k->text);
    ck_assert_msg(strcmp(err, k->expect) == 0, "%s:\n  want %s\n  got  %s", k->text, k->expect,
                  err);
    free(t.label);
}
END_TEST

/* Where an error points: AT_KEY names a member's key, an element's value;
 * a missing key names the object; long messages are cut. */
START_TEST(test_check_positions)
{
    static const char text[] = "{\"list\": [true,\n  \"s\"], \"obj\": {\"k\": 1}}";
    char msg[64];
    json_check c = {.file = "p.json", .message = msg, .message_cap = sizeof msg};
    json_doc *d = json_check_parse(&c, text, strlen(text), NULL);
    ck_assert_ptr_nonnull(d);
    const json_doc_node *root = json_doc_root(d), *list = json_doc_get(root, "list");
    const json_doc_node *k = json_doc_get(json_doc_get(root, "obj"), "k");
    ck_assert(!json_check_fail(&c, k, JSON_CHECK_AT_KEY, "key"));
    ck_assert_str_eq(msg, "p.json:2:17: /obj/k: key");
    ck_assert(!json_check_fail(&c, json_doc_at(list, 1), JSON_CHECK_AT_KEY, "elem"));
    ck_assert_str_eq(msg, "p.json:2:3: /list/1: elem");
    ck_assert(!json_check_fail_missing(&c, json_doc_get(root, "obj"), "m/n", "missing %d", 1));
    ck_assert_str_eq(msg, "p.json:2:16: /obj/m~1n: missing 1");
    size_t n;
    bool b;
    ck_assert(json_check_array(&c, list, true, &n) && n == 2);
    ck_assert(json_check_bool(&c, json_doc_at(list, 0), &b) && b);
    ck_assert(!json_check_array(&c, json_doc_get(root, "obj"), false, &n));
    ck_assert_str_eq(msg, "p.json:2:16: /obj: expected an array, got an object");
    ck_assert(!json_check_fail(&c, root, JSON_CHECK_AT_VALUE, "%0100d", 0));
    ck_assert_uint_eq(strlen(msg), sizeof msg - 1);
    json_doc_free(d);
}
END_TEST

START_TEST(test_check_suggest_and_show)
{
    static const char *const names[] = {"a", "enable_pipelined_write", "GROUP_LEADER", "random"};
    ck_assert_ptr_null(json_check_suggest("zz", names, 4));
    ck_assert_str_eq(json_check_suggest("pipelined", names, 4), "enable_pipelined_write");
    ck_assert_str_eq(json_check_suggest("leader", names, 4), "GROUP_LEADER");
    ck_assert_str_eq(json_check_suggest("rnadom", names, 4), "random");
    ck_assert_ptr_null(json_check_suggest("", names, 4));
    char out[JSON_CHECK_SHOW_MAX + 4];
    ck_assert_str_eq(json_check_show("a\"b\\c\x01", out), "a?b?c?");
    char longer[64];
    memset(longer, 'x', 39);
    strcpy(longer + 39, "\xc3\xa9yz");
    ck_assert_str_eq(json_check_show(longer, out), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...");
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *doc = tcase_create("json_doc");
    tcase_add_test(doc, test_positions);
    tcase_add_test(doc, test_values_and_access);
    tcase_add_test(doc, test_path_truncation);
    tcase_add_test(doc, test_duplicates);
    tcase_add_test(doc, test_many_members);
    tcase_add_loop_test(doc, test_bad_syntax, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(doc, test_depth);
    tcase_add_test(doc, test_nul_bytes);
    tcase_add_test(doc, test_line_column);
    tcase_add_test(doc, test_mutations_match_jansson);
    suite_add_tcase(s, doc);
    TCase *check = tcase_create("json_check");
    tcase_add_test(check, test_check_fields_ok);
    tcase_add_loop_test(check, test_check_errors, 0,
                        (int)(sizeof check_cases / sizeof check_cases[0]));
    tcase_add_test(check, test_check_positions);
    tcase_add_test(check, test_check_suggest_and_show);
    suite_add_tcase(s, check);
    return s;
}

int main(void)
{
    return wt_run_suite(json_suite());
}
