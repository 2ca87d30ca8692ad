/*
 * json_pos.c — a JSON scanner that records where every value starts.
 *
 * One recursive-descent pass over the text (recursion bounded by
 * JSON_POS_MAX_DEPTH) appends an entry per value in document order
 * (pre-order: a container before its children).  An entry names its parent
 * entry and either its array index or its decoded object key (bytes in a
 * side arena), so memory is linear in the text: paths are never stored
 * whole, they are rebuilt from the parent chain when asked for.
 *
 * An open-addressing hash table maps (parent, index-or-key) to the entry.
 * Members are hashed as soon as their key is read, which is also where
 * jansson detects a repeated key, so with JSON_POS_REJECT_DUPLICATES the
 * first error in document order wins whether it is a duplicate or a syntax
 * error.  A lookup walks the pointer one segment at a time through it.
 *
 * Invariants: entries[0] is the root; every other entry's parent index is
 * smaller than its own; the table holds at most half its slots.
 */
#include "json_pos.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    NO_PARENT = UINT32_MAX,
    ELEMENT = UINT32_MAX,      /* name_len of an array element */
    TABLE_MIN_SLOTS = 64,
    KIND_SCALAR = 0,
    KIND_OBJECT = 1,
    KIND_ARRAY = 2,
};

_Static_assert(JSON_POS_MAX_TEXT < UINT32_MAX / 2, "offsets and key bytes fit in uint32_t");
_Static_assert(JSON_POS_MAX_VALUES < UINT32_MAX / 4, "entry indices and table slots fit");

typedef struct pos_entry {
    uint32_t parent;     /* entry index, NO_PARENT for the root */
    uint32_t name_off;   /* member: key offset in keys; element: the index */
    uint32_t name_len;   /* member: key length; ELEMENT for array elements */
    uint32_t offset, line, column;
    uint32_t key_offset, key_line, key_column; /* members only */
    uint8_t kind;
} pos_entry;

struct json_pos {
    pos_entry *entries;
    uint32_t count, cap;
    char *keys;          /* decoded member keys, not NUL-terminated */
    uint32_t keys_len, keys_cap;
    uint32_t *slots;     /* entry index + 1; 0 = empty */
    uint32_t slot_count; /* a power of two */
};

typedef struct scanner {
    const char *text;
    size_t len, at;
    uint32_t line;       /* of text[at] */
    size_t line_start;   /* offset of that line's first byte */
    unsigned flags;
    json_pos *p;
    json_pos_error *err;
} scanner;

/* ------------------------------------------------------------- errors */

__attribute__((format(printf, 3, 4)))
static bool scan_fail(scanner *sc, size_t offset, const char *fmt, ...)
{
    json_pos_error *e = sc->err;
    e->offset = offset;
    json_pos_line_column(sc->text, sc->len, offset, &e->line, &e->column);
    e->path[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    return false;
}

void json_pos_line_column(const char *text, size_t len, size_t offset, uint32_t *line,
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

/* ------------------------------------------------------- hash table */

static uint32_t hash_name(uint32_t parent, uint32_t name_off, uint32_t name_len,
                          const char *key)
{
    uint32_t h = 2166136261u;
    uint32_t words[2] = {parent, name_len == ELEMENT ? name_off : name_len};
    for (size_t w = 0; w < 2; w++) {
        for (int b = 0; b < 32; b += 8) {
            h = (h ^ ((words[w] >> b) & 0xffu)) * 16777619u;
        }
    }
    if (name_len != ELEMENT) {
        for (uint32_t i = 0; i < name_len; i++) h = (h ^ (uint8_t)key[i]) * 16777619u;
    }
    return h;
}

static const char *entry_key(const json_pos *p, const pos_entry *e)
{
    return e->name_len == ELEMENT ? NULL : p->keys + e->name_off;
}

/* The slot holding (parent, name), or the empty slot where it would go. */
static uint32_t table_find(const json_pos *p, uint32_t parent, uint32_t name_off,
                           uint32_t name_len, const char *key)
{
    assert(p->slot_count > 0 && (p->slot_count & (p->slot_count - 1)) == 0);
    uint32_t mask = p->slot_count - 1;
    uint32_t i = hash_name(parent, name_off, name_len, key) & mask;
    for (uint32_t probes = 0; probes < p->slot_count; probes++, i = (i + 1) & mask) {
        if (p->slots[i] == 0) return i;
        const pos_entry *e = &p->entries[p->slots[i] - 1];
        if (e->parent != parent || e->name_len != name_len) continue;
        if (name_len == ELEMENT ? e->name_off == name_off
                                : memcmp(entry_key(p, e), key, name_len) == 0)
            return i;
    }
    assert(!"json_pos: hash table full");
    return 0;
}

/* Doubles the table and re-inserts every entry in document order, so a
 * repeated key keeps pointing at its last occurrence. */
static bool table_grow(json_pos *p)
{
    uint32_t n = p->slot_count ? p->slot_count * 2 : TABLE_MIN_SLOTS;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL) return false;
    free(p->slots);
    p->slots = slots;
    p->slot_count = n;
    for (uint32_t i = 1; i < p->count; i++) {
        const pos_entry *e = &p->entries[i];
        uint32_t s = table_find(p, e->parent, e->name_off, e->name_len, entry_key(p, e));
        p->slots[s] = i + 1;
    }
    return true;
}

/* -------------------------------------------------------------- entries */

/* Appends an entry for a value named (parent, name); its position is set
 * by scan_value.  Reports a duplicate member with REJECT_DUPLICATES. */
static bool entry_add(scanner *sc, uint32_t parent, uint32_t name_off, uint32_t name_len,
                      size_t key_offset, uint32_t *index)
{
    json_pos *p = sc->p;
    if (p->count >= JSON_POS_MAX_VALUES)
        return scan_fail(sc, sc->at, "more than %d values", (int)JSON_POS_MAX_VALUES);
    if (p->count == p->cap) {
        uint32_t cap = p->cap ? p->cap * 2 : 64;
        pos_entry *e = realloc(p->entries, cap * sizeof *e);
        if (e == NULL) return scan_fail(sc, sc->at, "out of memory");
        p->entries = e;
        p->cap = cap;
    }
    if ((p->count + 1) * 2 > p->slot_count && !table_grow(p))
        return scan_fail(sc, sc->at, "out of memory");
    uint32_t i = p->count;
    pos_entry *e = &p->entries[i];
    memset(e, 0, sizeof *e);
    e->parent = parent;
    e->name_off = name_off;
    e->name_len = name_len;
    if (name_len != ELEMENT) {
        e->key_offset = (uint32_t)key_offset;
        e->key_line = sc->line;
        e->key_column = (uint32_t)(key_offset - sc->line_start + 1);
    }
    p->count++;
    if (parent == NO_PARENT) {
        *index = i;
        return true;
    }
    uint32_t s = table_find(p, parent, name_off, name_len, entry_key(p, e));
    if (p->slots[s] != 0 && (sc->flags & JSON_POS_REJECT_DUPLICATES)) {
        scan_fail(sc, key_offset, "duplicate key");
        json_pos_entry(p, i, sc->err->path, sizeof sc->err->path, NULL);
        return false;
    }
    p->slots[s] = i + 1;
    *index = i;
    return true;
}

/* ------------------------------------------------------------ scanning */

static void skip_ws(scanner *sc)
{
    while (sc->at < sc->len) {
        char c = sc->text[sc->at];
        if (c == '\n') {
            sc->line++;
            sc->line_start = sc->at + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        sc->at++;
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads the 4 hex digits of a \u escape at text[at]. */
static bool read_hex4(const scanner *sc, size_t at, uint32_t *out)
{
    if (sc->len - at < 4) return false;
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int d = hex_value(sc->text[at + i]);
        if (d < 0) return false;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return true;
}

static void key_put(json_pos *p, char c)
{
    assert(p->keys_len < p->keys_cap);
    p->keys[p->keys_len++] = c;
}

/* UTF-8 of cp (lone surrogates as three bytes; jansson rejects them). */
static void key_put_utf8(json_pos *p, uint32_t cp)
{
    if (cp < 0x80) {
        key_put(p, (char)cp);
    } else if (cp < 0x800) {
        key_put(p, (char)(0xc0 | cp >> 6));
        key_put(p, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        key_put(p, (char)(0xe0 | cp >> 12));
        key_put(p, (char)(0x80 | (cp >> 6 & 0x3f)));
        key_put(p, (char)(0x80 | (cp & 0x3f)));
    } else {
        key_put(p, (char)(0xf0 | cp >> 18));
        key_put(p, (char)(0x80 | (cp >> 12 & 0x3f)));
        key_put(p, (char)(0x80 | (cp >> 6 & 0x3f)));
        key_put(p, (char)(0x80 | (cp & 0x3f)));
    }
}

/* Decodes the escape at text[at] (just after the backslash) into the key
 * arena when decode is set; returns the bytes consumed, 0 if invalid. */
static size_t scan_escape(scanner *sc, size_t at, bool decode)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (at >= sc->len) return 0;
    const char *hit = strchr(from, sc->text[at]);
    if (hit != NULL && *hit != '\0') {
        if (decode) key_put(sc->p, to[hit - from]);
        return 1;
    }
    uint32_t cp, low;
    if (sc->text[at] != 'u' || !read_hex4(sc, at + 1, &cp)) return 0;
    size_t used = 5;
    if (cp >= 0xd800 && cp <= 0xdbff && sc->len - (at + 5) >= 6 && sc->text[at + 5] == '\\' &&
        sc->text[at + 6] == 'u' && read_hex4(sc, at + 7, &low) && low >= 0xdc00 &&
        low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        used = 11;
    }
    if (decode) key_put_utf8(sc->p, cp);
    return used;
}

/* Scans the string at text[at] == '"'.  With decode, its decoded bytes go
 * to the key arena at *off, *n bytes. */
static bool scan_string(scanner *sc, bool decode, uint32_t *off, uint32_t *n)
{
    size_t start = sc->at;
    json_pos *p = sc->p;
    assert(sc->text[start] == '"');
    if (decode && p->keys_cap - p->keys_len < sc->len - start) {
        /* The decoded key is never longer than the rest of the text. */
        size_t cap = p->keys_len + (sc->len - start);
        char *k = realloc(p->keys, cap);
        if (k == NULL) return scan_fail(sc, start, "out of memory");
        p->keys = k;
        p->keys_cap = (uint32_t)cap;
    }
    uint32_t key_start = p->keys_len;
    size_t at = start + 1;
    for (;;) {
        if (at >= sc->len) return scan_fail(sc, start, "unterminated string");
        unsigned char c = (unsigned char)sc->text[at];
        if (c == '"') break;
        if (c < 0x20) return scan_fail(sc, at, "control character in string");
        if (c == '\\') {
            size_t used = scan_escape(sc, at + 1, decode);
            if (used == 0) return scan_fail(sc, at, "invalid escape in string");
            at += 1 + used;
        } else {
            if (decode) key_put(p, (char)c);
            at++;
        }
    }
    sc->at = at + 1;
    if (decode) {
        *off = key_start;
        *n = p->keys_len - key_start;
    }
    return true;
}

static size_t skip_digits(const scanner *sc, size_t at)
{
    while (at < sc->len && sc->text[at] >= '0' && sc->text[at] <= '9') at++;
    return at;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool scan_number(scanner *sc)
{
    size_t at = sc->at, d;
    if (sc->text[at] == '-') at++;
    if (at < sc->len && sc->text[at] == '0') {
        at++;
    } else if ((d = skip_digits(sc, at)) > at) {
        at = d;
    } else {
        return scan_fail(sc, sc->at, "invalid number");
    }
    if (at < sc->len && sc->text[at] == '.') {
        if ((d = skip_digits(sc, at + 1)) == at + 1) return scan_fail(sc, at, "invalid number");
        at = d;
    }
    if (at < sc->len && (sc->text[at] == 'e' || sc->text[at] == 'E')) {
        at++;
        if (at < sc->len && (sc->text[at] == '+' || sc->text[at] == '-')) at++;
        if ((d = skip_digits(sc, at)) == at) return scan_fail(sc, at, "invalid number");
        at = d;
    }
    sc->at = at;
    return true;
}

static bool scan_literal(scanner *sc)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if (sc->len - sc->at >= n && memcmp(sc->text + sc->at, words[i], n) == 0) {
            sc->at += n;
            return true;
        }
    }
    return scan_fail(sc, sc->at, "invalid token");
}

static bool scan_value(scanner *sc, uint32_t index, unsigned depth);

static bool expect_char(scanner *sc, char c, const char *what)
{
    skip_ws(sc);
    if (sc->at < sc->len && sc->text[sc->at] == c) {
        sc->at++;
        return true;
    }
    if (sc->at >= sc->len) return scan_fail(sc, sc->at, "%s expected near end of file", what);
    return scan_fail(sc, sc->at, "%s expected", what);
}

static bool scan_object(scanner *sc, uint32_t self, unsigned depth)
{
    sc->at++; /* '{' */
    skip_ws(sc);
    if (sc->at < sc->len && sc->text[sc->at] == '}') {
        sc->at++;
        return true;
    }
    for (;;) {
        skip_ws(sc);
        if (sc->at >= sc->len || sc->text[sc->at] != '"')
            return scan_fail(sc, sc->at, "string (object key) expected");
        size_t key_offset = sc->at;
        uint32_t off = 0, n = 0, child;
        if (!scan_string(sc, true, &off, &n)) return false;
        if (!entry_add(sc, self, off, n, key_offset, &child)) return false;
        if (!expect_char(sc, ':', "':'")) return false;
        if (!scan_value(sc, child, depth + 1)) return false;
        skip_ws(sc);
        if (sc->at < sc->len && sc->text[sc->at] == ',') {
            sc->at++;
            continue;
        }
        return expect_char(sc, '}', "',' or '}'");
    }
}

static bool scan_array(scanner *sc, uint32_t self, unsigned depth)
{
    sc->at++; /* '[' */
    skip_ws(sc);
    if (sc->at < sc->len && sc->text[sc->at] == ']') {
        sc->at++;
        return true;
    }
    for (uint32_t k = 0;; k++) {
        uint32_t child;
        skip_ws(sc);
        if (!entry_add(sc, self, k, ELEMENT, 0, &child)) return false;
        if (!scan_value(sc, child, depth + 1)) return false;
        skip_ws(sc);
        if (sc->at < sc->len && sc->text[sc->at] == ',') {
            sc->at++;
            continue;
        }
        return expect_char(sc, ']', "',' or ']'");
    }
}

/* Scans the value starting at the next non-blank byte into entry index. */
static bool scan_value(scanner *sc, uint32_t index, unsigned depth)
{
    skip_ws(sc);
    if (sc->at >= sc->len) return scan_fail(sc, sc->at, "value expected near end of file");
    pos_entry *e = &sc->p->entries[index];
    e->offset = (uint32_t)sc->at;
    e->line = sc->line;
    e->column = (uint32_t)(sc->at - sc->line_start + 1);
    char c = sc->text[sc->at];
    if (c == '{' || c == '[') {
        if (depth >= JSON_POS_MAX_DEPTH)
            return scan_fail(sc, sc->at, "nesting deeper than %d", (int)JSON_POS_MAX_DEPTH);
        e->kind = c == '{' ? KIND_OBJECT : KIND_ARRAY;
        return c == '{' ? scan_object(sc, index, depth) : scan_array(sc, index, depth);
    }
    e->kind = KIND_SCALAR;
    if (c == '"') return scan_string(sc, false, NULL, NULL);
    if (c == '-' || (c >= '0' && c <= '9')) return scan_number(sc);
    return scan_literal(sc);
}

json_pos *json_pos_scan(const char *text, size_t len, unsigned flags, json_pos_error *err)
{
    assert(err != NULL);
    assert(text != NULL || len == 0);
    memset(err, 0, sizeof *err);
    scanner sc = {.text = text, .len = len, .line = 1, .flags = flags, .err = err};
    if (len > JSON_POS_MAX_TEXT) {
        scan_fail(&sc, 0, "text larger than %d bytes", (int)JSON_POS_MAX_TEXT);
        return NULL;
    }
    json_pos *p = calloc(1, sizeof *p);
    if (p == NULL) {
        scan_fail(&sc, 0, "out of memory");
        return NULL;
    }
    sc.p = p;
    uint32_t root;
    if (!entry_add(&sc, NO_PARENT, 0, ELEMENT, 0, &root) || !scan_value(&sc, root, 0))
        goto fail;
    skip_ws(&sc);
    if (sc.at < len) {
        scan_fail(&sc, sc.at, "end of text expected");
        goto fail;
    }
    assert(root == 0 && p->count >= 1);
    return p;
fail:
    json_pos_free(p);
    return NULL;
}

void json_pos_free(json_pos *p)
{
    if (p == NULL) return;
    free(p->entries);
    free(p->keys);
    free(p->slots);
    free(p);
}

/* -------------------------------------------------------------- lookup */

static void fill_loc(const pos_entry *e, json_pos_loc *out)
{
    out->line = e->line;
    out->column = e->column;
    out->offset = e->offset;
    out->is_member = e->name_len != ELEMENT;
    out->key_line = out->is_member ? e->key_line : 0;
    out->key_column = out->is_member ? e->key_column : 0;
    out->key_offset = out->is_member ? e->key_offset : 0;
}

/* Decodes segment seg[0..n) ("~0", "~1") into buf; false on a bad escape. */
static bool unescape_segment(const char *seg, size_t n, char *buf, size_t *out_len)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (seg[i] != '~') {
            buf[k++] = seg[i];
        } else if (i + 1 < n && (seg[i + 1] == '0' || seg[i + 1] == '1')) {
            buf[k++] = seg[i + 1] == '0' ? '~' : '/';
            i++;
        } else {
            return false;
        }
    }
    *out_len = k;
    return true;
}

/* "0" or [1-9][0-9]* below 2^32. */
static bool parse_index(const char *seg, size_t n, uint32_t *out)
{
    if (n == 0 || n > 10 || (n > 1 && seg[0] == '0')) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (seg[i] < '0' || seg[i] > '9') return false;
        v = v * 10 + (uint64_t)(seg[i] - '0');
    }
    if (v >= ELEMENT) return false;
    *out = (uint32_t)v;
    return true;
}

/* The child of entry cur named by the escaped segment, or -1. */
static int64_t find_child(const json_pos *p, uint32_t cur, const char *seg, size_t n,
                          char *buf)
{
    const pos_entry *e = &p->entries[cur];
    uint32_t s;
    if (e->kind == KIND_ARRAY) {
        uint32_t k;
        if (!parse_index(seg, n, &k)) return -1;
        s = table_find(p, cur, k, ELEMENT, NULL);
    } else if (e->kind == KIND_OBJECT) {
        size_t len;
        if (!unescape_segment(seg, n, buf, &len) || len >= ELEMENT) return -1;
        s = table_find(p, cur, 0, (uint32_t)len, buf);
    } else {
        return -1;
    }
    return p->slots[s] == 0 ? -1 : (int64_t)p->slots[s] - 1;
}

bool json_pos_lookup(const json_pos *p, const char *path, json_pos_loc *out)
{
    assert(p != NULL && p->count > 0);
    assert(path != NULL);
    if (path[0] != '\0' && path[0] != '/') return false;
    char *buf = malloc(strlen(path) + 1);
    if (buf == NULL) return false;
    uint32_t cur = 0;
    bool found = true;
    const char *seg = path;
    while (found && *seg == '/') {
        seg++;
        size_t n = strcspn(seg, "/");
        int64_t child = find_child(p, cur, seg, n, buf);
        if (child < 0) found = false;
        else cur = (uint32_t)child;
        seg += n;
    }
    free(buf);
    if (found && out != NULL) fill_loc(&p->entries[cur], out);
    return found;
}

size_t json_pos_count(const json_pos *p)
{
    assert(p != NULL);
    return p->count;
}

void json_pos_append_key(char *buf, size_t cap, size_t *len, const char *key, size_t n)
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

size_t json_pos_entry(const json_pos *p, size_t i, char *buf, size_t cap, json_pos_loc *loc)
{
    assert(p != NULL && i < p->count);
    uint32_t chain[JSON_POS_MAX_DEPTH + 1];
    size_t depth = 0;
    for (uint32_t e = (uint32_t)i; e != 0; e = p->entries[e].parent) {
        assert(depth < JSON_POS_MAX_DEPTH + 1);
        assert(p->entries[e].parent < e);
        chain[depth++] = e;
    }
    size_t len = 0;
    if (cap > 0) buf[0] = '\0';
    while (depth > 0) {
        const pos_entry *e = &p->entries[chain[--depth]];
        if (e->name_len == ELEMENT) {
            char num[16];
            int n = snprintf(num, sizeof num, "%u", (unsigned)e->name_off);
            size_t before = len;
            json_pos_append_key(buf, cap, &len, num, (size_t)n);
            assert(len == before + 1 + (size_t)n); /* digits need no escaping */
        } else {
            json_pos_append_key(buf, cap, &len, p->keys + e->name_off, e->name_len);
        }
    }
    if (loc != NULL) fill_loc(&p->entries[i], loc);
    return len;
}
