/*
 * json_doc.c — a JSON parser that keeps positions, with jansson's errors.
 *
 * json_lex.c is jansson's lexer; the parser here follows jansson 2.14's
 * parse_json, parse_value, parse_object and parse_array step for step
 * (same tokens read, same errors raised through json_lex_fail, so the
 * same message and position), and builds nodes as it goes.
 *
 * Nodes live in an arena, allocated in document order (pre-order: a
 * container before its children), and never move.  Children of open
 * containers wait on one stack and are copied into their container's
 * array when it closes, so memory is linear in the text.  A hash table of
 * members keyed by (object, key) finds a repeated key in constant time;
 * it is dropped after parsing.  Token starts only move forward, so a
 * cursor that counts newlines from one node to the next gives every line
 * and column in one pass over the text.
 *
 * Recursion is bounded by JSON_DOC_MAX_DEPTH (two frames per level).
 */
#include "json_doc.h"

#include <assert.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_lex.h"

enum {
    ARENA_CHUNK = 64 << 10,
    TABLE_MIN_SLOTS = 64,
};

_Static_assert(JSON_DOC_MAX_TEXT < UINT32_MAX / 2, "lines and columns fit in uint32_t");
_Static_assert(JSON_DOC_MAX_VALUES < SIZE_MAX / 4, "table slots fit");

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} arena_chunk;

struct json_doc {
    arena_chunk *chunks;    /* the head is the one being filled */
    const json_doc_node *root;
    size_t value_count;
};

typedef struct parser {
    json_lex lx;
    size_t depth;           /* values open, as jansson counts them */
    json_doc *doc;
    const json_doc_node **stack; /* children of the open containers */
    size_t stack_len, stack_cap;
    const json_doc_node **slots; /* members by (parent, key); NULL = empty */
    size_t slot_count, slot_used;
    size_t cursor_offset;   /* line/column cursor: an offset, */
    uint32_t cursor_line;   /* its line, */
    size_t cursor_line_start; /* and where that line starts */
} parser;

/* Where a new value goes: its parent and its name there. */
typedef struct place {
    json_doc_node *parent;  /* NULL for the root */
    size_t index;
    const char *key;        /* members only */
    uint32_t key_line, key_column;
} place;

static bool fail_oom(parser *p)
{
    return json_lex_fail_at(&p->lx, JSON_DOC_ERROR_NO_MEMORY, p->lx.at, "out of memory");
}

/* ---------------------------------------------------------------- arena */

static void *arena_alloc(json_doc *d, size_t size)
{
    size_t align = alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    arena_chunk *c = d->chunks;
    if (c != NULL && c->cap - c->used >= size) {
        void *out = c->data + c->used;
        c->used += size;
        return out;
    }
    size_t cap = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;
    arena_chunk *fresh = malloc(sizeof *fresh + cap);
    if (fresh == NULL) return NULL;
    fresh->used = size;
    fresh->cap = cap;
    if (cap == size && c != NULL) {
        /* A large block of its own: keep filling the current chunk. */
        fresh->next = c->next;
        c->next = fresh;
    } else {
        fresh->next = c;
        d->chunks = fresh;
    }
    return fresh->data;
}

void json_doc_free(json_doc *d)
{
    if (d == NULL) return;
    for (arena_chunk *c = d->chunks, *next; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    free(d);
}

/* ----------------------------------------------------------- positions */

void json_doc_line_column(const char *text, size_t len, size_t offset, uint32_t *line,
                          uint32_t *column)
{
    assert(text != NULL || len == 0);
    if (offset > len) offset = len;
    uint32_t l = 1;
    size_t start = 0;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    }
    *line = l;
    *column = (uint32_t)(offset - start + 1);
}

/* Line and column of offset, which is never before the previous one. */
static void locate(parser *p, size_t offset, uint32_t *line, uint32_t *column)
{
    assert(offset >= p->cursor_offset && offset <= p->lx.len);
    for (size_t i = p->cursor_offset; i < offset; i++) {
        if (p->lx.text[i] == '\n') {
            p->cursor_line++;
            p->cursor_line_start = i + 1;
        }
    }
    p->cursor_offset = offset;
    *line = p->cursor_line;
    *column = (uint32_t)(offset - p->cursor_line_start + 1);
}

/* ---------------------------------------------------- members by (object, key) */

static size_t member_hash(const json_doc_node *parent, const char *key)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)parent;
    for (const char *k = key; *k != '\0'; k++) h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return (size_t)(h ^ h >> 29);
}

/* The slot holding (parent, key), or the empty slot where it would go. */
static size_t table_find(const parser *p, const json_doc_node *parent, const char *key)
{
    assert(p->slot_count > 0 && (p->slot_count & (p->slot_count - 1)) == 0);
    size_t mask = p->slot_count - 1, i = member_hash(parent, key) & mask;
    for (size_t probes = 0; probes < p->slot_count; probes++, i = (i + 1) & mask) {
        const json_doc_node *m = p->slots[i];
        if (m == NULL || (m->parent == parent && strcmp(m->key, key) == 0)) return i;
    }
    assert(!"json_doc: member table full");
    return 0;
}

/* Makes room for one more member: the table stays at most half full. */
static bool table_reserve(parser *p)
{
    if ((p->slot_used + 1) * 2 <= p->slot_count) return true;
    size_t n = p->slot_count ? p->slot_count * 2 : TABLE_MIN_SLOTS;
    const json_doc_node **old = p->slots;
    size_t old_count = p->slot_count;
    p->slots = calloc(n, sizeof *p->slots);
    if (p->slots == NULL) {
        p->slots = old;
        return false;
    }
    p->slot_count = n;
    for (size_t i = 0; i < old_count; i++) {
        if (old[i] != NULL) p->slots[table_find(p, old[i]->parent, old[i]->key)] = old[i];
    }
    free(old);
    return true;
}

/* ------------------------------------------------------------- the tree */

/* jansson's syntax errors raised by the parser: the current token is the
 * context.  Returns false. */
static bool syntax_error(parser *p, const char *msg)
{
    return json_lex_fail(&p->lx, JSON_DOC_ERROR_SYNTAX, "%s", msg);
}

static bool scan(parser *p)
{
    return json_lex_scan(&p->lx);
}

/* The current string token, copied into the arena. */
static const char *keep_string(parser *p)
{
    assert(p->lx.token == JSON_LEX_STRING);
    char *s = arena_alloc(p->doc, p->lx.string_len + 1);
    if (s == NULL) {
        fail_oom(p);
        return NULL;
    }
    memcpy(s, p->lx.string, p->lx.string_len + 1);
    return s;
}

static json_doc_node *new_node(parser *p, json_doc_type type, const place *at)
{
    if (p->doc->value_count >= JSON_DOC_MAX_VALUES) {
        char text[64];
        snprintf(text, sizeof text, "more than %d values", (int)JSON_DOC_MAX_VALUES);
        json_lex_fail_at(&p->lx, JSON_DOC_ERROR_LIMIT, p->lx.token_start, text);
        return NULL;
    }
    json_doc_node *n = arena_alloc(p->doc, sizeof *n);
    if (n == NULL) {
        fail_oom(p);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = type;
    n->offset = p->lx.token_start;
    locate(p, p->lx.token_start, &n->line, &n->column);
    n->parent = at->parent;
    n->index = at->index;
    n->key = at->key;
    n->key_line = at->key_line;
    n->key_column = at->key_column;
    p->doc->value_count++;
    return n;
}

static bool push_child(parser *p, const json_doc_node *child)
{
    if (p->stack_len == p->stack_cap) {
        size_t cap = p->stack_cap ? p->stack_cap * 2 : 64;
        const json_doc_node **s = realloc(p->stack, cap * sizeof *s);
        if (s == NULL) return fail_oom(p);
        p->stack = s;
        p->stack_cap = cap;
    }
    p->stack[p->stack_len++] = child;
    return true;
}

/* Moves the children above base on the stack into the container. */
static bool close_container(parser *p, json_doc_node *self, size_t base)
{
    assert(base <= p->stack_len);
    size_t n = p->stack_len - base;
    const json_doc_node **items = NULL;
    if (n > 0) {
        items = arena_alloc(p->doc, n * sizeof *items);
        if (items == NULL) return fail_oom(p);
        memcpy(items, p->stack + base, n * sizeof *items);
    }
    self->children = items;
    self->child_count = n;
    p->stack_len = base;
    return true;
}

static bool parse_value(parser *p, const place *at, json_doc_node **out);

/* Sets the duplicate-key error for key of object self, which starts at
 * offset key_start.  Returns false. */
static bool fail_duplicate(parser *p, const json_doc_node *self, const char *key,
                           size_t key_start)
{
    json_doc_error *e = p->lx.err;
    json_lex_fail_at(&p->lx, JSON_DOC_ERROR_DUPLICATE_KEY, key_start, "duplicate key");
    size_t len = json_doc_path(self, e->path, sizeof e->path);
    json_doc_append_key(e->path, sizeof e->path, &len, key, strlen(key));
    return false;
}

/* The member whose key is the current token (jansson's parse_object loop
 * body, up to the value). */
static bool parse_member(parser *p, json_doc_node *self, size_t base)
{
    size_t key_start = p->lx.token_start;
    if (memchr(p->lx.string, '\0', p->lx.string_len) != NULL)
        return syntax_error(p, "NUL byte in object key not supported");
    if (p->slot_count > 0 && p->slots[table_find(p, self, p->lx.string)] != NULL)
        return fail_duplicate(p, self, p->lx.string, key_start);
    place at = {.parent = self, .index = p->stack_len - base, .key = keep_string(p)};
    if (at.key == NULL) return false;
    locate(p, key_start, &at.key_line, &at.key_column);
    if (!scan(p)) return false;
    if (p->lx.token != ':') return syntax_error(p, "':' expected");
    json_doc_node *child;
    if (!scan(p) || !parse_value(p, &at, &child) || !push_child(p, child)) return false;
    /* Inserted once its value is parsed, as jansson does; the value's own
     * members may have grown the table meanwhile. */
    if (!table_reserve(p)) return fail_oom(p);
    p->slots[table_find(p, self, at.key)] = child;
    p->slot_used++;
    return true;
}

static bool parse_object(parser *p, json_doc_node *self)
{
    size_t base = p->stack_len;
    if (!scan(p)) return false;
    if (p->lx.token == '}') return close_container(p, self, base);
    for (;;) {
        if (p->lx.token != JSON_LEX_STRING) return syntax_error(p, "string or '}' expected");
        if (!parse_member(p, self, base) || !scan(p)) return false;
        if (p->lx.token != ',') break;
        if (!scan(p)) return false;
    }
    if (p->lx.token != '}') return syntax_error(p, "'}' expected");
    return close_container(p, self, base);
}

static bool parse_array(parser *p, json_doc_node *self)
{
    size_t base = p->stack_len;
    if (!scan(p)) return false;
    if (p->lx.token == ']') return close_container(p, self, base);
    while (p->lx.token != JSON_LEX_EOF) {
        place at = {.parent = self, .index = p->stack_len - base};
        json_doc_node *child;
        if (!parse_value(p, &at, &child) || !push_child(p, child) || !scan(p)) return false;
        if (p->lx.token != ',') break;
        if (!scan(p)) return false;
    }
    if (p->lx.token != ']') return syntax_error(p, "']' expected");
    return close_container(p, self, base);
}

/* A node for the current scalar token. */
static json_doc_node *new_scalar(parser *p, const place *at)
{
    json_doc_node *n;
    switch (p->lx.token) {
    case JSON_LEX_STRING:
        if ((n = new_node(p, JSON_DOC_STRING, at)) == NULL) return NULL;
        n->string_len = p->lx.string_len;
        n->string = keep_string(p);
        return n->string != NULL ? n : NULL;
    case JSON_LEX_INTEGER:
        if ((n = new_node(p, JSON_DOC_INTEGER, at)) != NULL) n->integer = p->lx.integer;
        return n;
    case JSON_LEX_REAL:
        if ((n = new_node(p, JSON_DOC_REAL, at)) != NULL) n->real = p->lx.real;
        return n;
    case JSON_LEX_TRUE: return new_node(p, JSON_DOC_TRUE, at);
    case JSON_LEX_FALSE: return new_node(p, JSON_DOC_FALSE, at);
    case JSON_LEX_NULL: return new_node(p, JSON_DOC_NULL, at);
    }
    assert(!"not a scalar token");
    return NULL;
}

/* jansson's parse_value: the value whose first token is current. */
static bool parse_value(parser *p, const place *at, json_doc_node **out)
{
    if (++p->depth > JSON_DOC_MAX_DEPTH) return syntax_error(p, "maximum parsing depth reached");
    json_doc_node *n;
    switch (p->lx.token) {
    case '{':
    case '[':
        n = new_node(p, p->lx.token == '{' ? JSON_DOC_OBJECT : JSON_DOC_ARRAY, at);
        if (n == NULL) return false;
        if (!(n->type == JSON_DOC_OBJECT ? parse_object(p, n) : parse_array(p, n))) return false;
        break;
    case JSON_LEX_STRING:
        if (memchr(p->lx.string, '\0', p->lx.string_len) != NULL)
            return syntax_error(p, "\\u0000 is not allowed without JSON_ALLOW_NUL");
        /* fall through */
    case JSON_LEX_INTEGER:
    case JSON_LEX_REAL:
    case JSON_LEX_TRUE:
    case JSON_LEX_FALSE:
    case JSON_LEX_NULL:
        if ((n = new_scalar(p, at)) == NULL) return false;
        break;
    case JSON_LEX_INVALID: return syntax_error(p, "invalid token");
    default: return syntax_error(p, "unexpected token");
    }
    p->depth--;
    *out = n;
    return true;
}

/* jansson's parse_json without JSON_DECODE_ANY. */
static bool parse_document(parser *p)
{
    if (!scan(p)) return false;
    if (p->lx.token != '[' && p->lx.token != '{') return syntax_error(p, "'[' or '{' expected");
    json_doc_node *root;
    place at = {.parent = NULL};
    if (!parse_value(p, &at, &root) || !scan(p)) return false;
    if (p->lx.token != JSON_LEX_EOF) return syntax_error(p, "end of file expected");
    assert(p->depth == 0 && p->stack_len == 0);
    p->doc->root = root;
    return true;
}

json_doc *json_doc_parse(const char *text, size_t len, json_doc_error *err)
{
    assert(err != NULL);
    assert(text != NULL || len == 0);
    memset(err, 0, sizeof *err);
    parser p = {.cursor_line = 1};
    json_lex_init(&p.lx, text, len, err);
    if (len > JSON_DOC_MAX_TEXT) {
        char msg[64];
        snprintf(msg, sizeof msg, "text larger than %d bytes", (int)JSON_DOC_MAX_TEXT);
        json_lex_fail_at(&p.lx, JSON_DOC_ERROR_LIMIT, 0, msg);
        return NULL;
    }
    p.doc = calloc(1, sizeof *p.doc);
    if (p.doc == NULL) {
        json_lex_fail_at(&p.lx, JSON_DOC_ERROR_NO_MEMORY, 0, "out of memory");
        return NULL;
    }
    bool ok = parse_document(&p);
    json_lex_close(&p.lx);
    free(p.stack);
    free(p.slots);
    if (ok) return p.doc;
    assert(p.lx.failed);
    json_doc_free(p.doc);
    return NULL;
}

/* -------------------------------------------------------------- reading */

const json_doc_node *json_doc_root(const json_doc *d)
{
    assert(d != NULL && d->root != NULL);
    return d->root;
}

size_t json_doc_value_count(const json_doc *d)
{
    assert(d != NULL);
    return d->value_count;
}

const json_doc_node *json_doc_get(const json_doc_node *n, const char *key)
{
    assert(n != NULL && key != NULL);
    if (n->type != JSON_DOC_OBJECT) return NULL;
    for (size_t i = 0; i < n->child_count; i++) {
        if (strcmp(n->children[i]->key, key) == 0) return n->children[i];
    }
    return NULL;
}

const json_doc_node *json_doc_at(const json_doc_node *n, size_t i)
{
    assert(n->type == JSON_DOC_OBJECT || n->type == JSON_DOC_ARRAY);
    assert(i < n->child_count);
    return n->children[i];
}

void json_doc_append_key(char *buf, size_t cap, size_t *len, const char *key, size_t n)
{
    assert(buf != NULL || cap == 0);
    size_t at = *len;
#define PUT(ch)                         \
    do {                                \
        if (at + 1 < cap) buf[at] = ch; \
        at++;                           \
    } while (0)
    PUT('/');
    for (size_t i = 0; i < n; i++) {
        if (key[i] == '~') {
            PUT('~');
            PUT('0');
        } else if (key[i] == '/') {
            PUT('~');
            PUT('1');
        } else {
            PUT(key[i]);
        }
    }
#undef PUT
    if (cap > 0) buf[at < cap ? at : cap - 1] = '\0';
    *len = at;
}

static void append_path(const json_doc_node *n, char *buf, size_t cap, size_t *len)
{
    if (n->parent == NULL) return;
    append_path(n->parent, buf, cap, len);
    if (n->key != NULL) {
        json_doc_append_key(buf, cap, len, n->key, strlen(n->key));
    } else {
        char num[24];
        int w = snprintf(num, sizeof num, "%zu", n->index);
        assert(w > 0 && (size_t)w < sizeof num);
        json_doc_append_key(buf, cap, len, num, (size_t)w);
    }
}

size_t json_doc_path(const json_doc_node *n, char *buf, size_t cap)
{
    assert(n != NULL);
    assert(buf != NULL || cap == 0);
    size_t len = 0;
    if (cap > 0) buf[0] = '\0';
    append_path(n, buf, cap, &len);
    return len;
}
