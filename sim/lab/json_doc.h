/*
 * json_doc.h — a JSON text parsed once into a tree whose every value knows
 * where it is.
 *
 * jansson reports positions only for syntax errors; a strict loader also
 * wants them for every later error ("expected a boolean" at 5:51,
 * /writers/1/batches/0/sync).  json_doc_parse reads the text once and
 * builds a read-only tree: each node has its type and value, its parent,
 * its key (object members) or index (array elements), and the line and
 * column where it starts; a member also knows where its key starts.
 *
 * Grammar and syntax errors are jansson's, as json_loadb(text, len,
 * JSON_REJECT_DUPLICATES, ...) of jansson 2.14 has them, so a caller that
 * used jansson reports the same messages: the text must be an object or
 * an array; it must be UTF-8; strings may not contain \u0000 and escapes
 * may not leave lone surrogates; integers (no fraction, no exponent) must
 * fit in int64_t; values nest at most JSON_DOC_MAX_DEPTH deep.  An error's
 * text is jansson's word for word ("invalid token near 'tru'") and its
 * position is jansson's: the last byte the parser read.  tests/test_json.c
 * compares both on many malformed texts.  Differences from jansson: a
 * repeated key is reported at its opening quote, with its path, as
 * "duplicate key"; texts over JSON_DOC_MAX_TEXT bytes or
 * JSON_DOC_MAX_VALUES values are refused; and a NUL byte right after a
 * number or a word (true, false, null) is an invalid token, where jansson
 * 2.14 skips it.  The lexer is json_lex.c.
 *
 * Paths are JSON Pointers (RFC 6901): "" is the whole document,
 * "/writers/2/batches/0/sync" a nested value; object keys are written
 * decoded, with "~" as "~0" and "/" as "~1"; array elements by decimal
 * index.
 *
 * Positions: lines and columns are 1-based; lines are separated by LF
 * (a CR is an ordinary byte); columns count BYTES, not characters, so in
 * the line  "é": 1  the value 1 is at column 7.  Offsets are 0-based.
 *
 * Memory: a document owns all its nodes and strings (one arena, linear in
 * the text); json_doc_free releases them.  Nodes never move.
 *
 * Thread safety: a document is immutable once json_doc_parse returns; any
 * number of threads may read it at once.
 */
#ifndef WT_SIM_JSON_DOC_H
#define WT_SIM_JSON_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    JSON_DOC_MAX_TEXT = 16 << 20,   /* bytes */
    JSON_DOC_MAX_DEPTH = 2048,      /* nested values (jansson's JSON_PARSER_MAX_DEPTH) */
    JSON_DOC_MAX_VALUES = 4 << 20,  /* values in one text */
};

/* jansson's value types, in the same order. */
typedef enum json_doc_type {
    JSON_DOC_OBJECT,
    JSON_DOC_ARRAY,
    JSON_DOC_STRING,
    JSON_DOC_INTEGER,
    JSON_DOC_REAL,
    JSON_DOC_TRUE,
    JSON_DOC_FALSE,
    JSON_DOC_NULL,
} json_doc_type;

/* One value.  Read-only for everyone but the parser. */
typedef struct json_doc_node json_doc_node;
struct json_doc_node {
    json_doc_type type;
    uint32_t line, column;         /* the value's first byte */
    uint32_t key_line, key_column; /* a member's key (its opening quote); 0 otherwise */
    size_t offset;                 /* of the value's first byte */
    const json_doc_node *parent;   /* NULL for the root */
    size_t index;                  /* place among the parent's children, from 0 */
    const char *key;               /* a member's decoded key, else NULL */
    union {
        struct {                   /* JSON_DOC_STRING: decoded, NUL-terminated, */
            const char *string;    /* and never a NUL inside */
            size_t string_len;
        };
        int64_t integer;           /* JSON_DOC_INTEGER */
        double real;               /* JSON_DOC_REAL */
        struct {                   /* JSON_DOC_OBJECT: members; JSON_DOC_ARRAY: */
            const json_doc_node *const *children; /* elements; in document order */
            size_t child_count;
        };
    };
};

typedef enum json_doc_error_code {
    JSON_DOC_ERROR_SYNTAX,           /* jansson's syntax errors, invalid UTF-8, too deep */
    JSON_DOC_ERROR_NUMERIC_OVERFLOW, /* an integer beyond int64_t, a real beyond double */
    JSON_DOC_ERROR_DUPLICATE_KEY,    /* a key repeated within one object */
    JSON_DOC_ERROR_LIMIT,            /* JSON_DOC_MAX_TEXT or JSON_DOC_MAX_VALUES exceeded */
    JSON_DOC_ERROR_NO_MEMORY,
} json_doc_error_code;

/* Why json_doc_parse failed, and where. */
typedef struct json_doc_error {
    json_doc_error_code code;
    size_t offset;    /* the position as an offset: jansson's, or the repeated key's quote */
    uint32_t line, column;
    char path[512];   /* JSON_DOC_ERROR_DUPLICATE_KEY: the repeated member (truncated); else "" */
    char text[160];   /* jansson's wording (its JSON_ERROR_TEXT_LENGTH) */
} json_doc_error;

typedef struct json_doc json_doc;

/* Parses text[0..len) (it need not be NUL-terminated).  Returns a new
 * document owned by the caller (json_doc_free), or NULL with *err filled:
 * a syntax error, a numeric overflow, a repeated key, a limit exceeded,
 * or out of memory.  The text is not referenced afterwards. */
json_doc *json_doc_parse(const char *text, size_t len, json_doc_error *err);

void json_doc_free(json_doc *d);

/* The whole document: an object or an array. */
const json_doc_node *json_doc_root(const json_doc *d);

/* Number of values in the document (the root is one). */
size_t json_doc_value_count(const json_doc *d);

/* The member of object n called key, or NULL (also when n is no object).
 * Linear in the object's size. */
const json_doc_node *json_doc_get(const json_doc_node *n, const char *key);

/* Child i of an object or array (i < child_count). */
const json_doc_node *json_doc_at(const json_doc_node *n, size_t i);

/* The path of n into buf, NUL-terminated and truncated to cap like
 * snprintf.  Returns the untruncated length. */
size_t json_doc_path(const json_doc_node *n, char *buf, size_t cap);

/* Appends to buf (current length *len, capacity cap) "/" and key[0..n)
 * escaped per RFC 6901.  Like snprintf it never writes past cap, always
 * NUL-terminates when cap > 0, and advances *len by the full length, so
 * *len >= cap afterwards means the result was truncated. */
void json_doc_append_key(char *buf, size_t cap, size_t *len, const char *key, size_t n);

/* Line and column (1-based, bytes) of byte `offset` of text[0..len);
 * offsets past the end give the position just after the last byte. */
void json_doc_line_column(const char *text, size_t len, size_t offset, uint32_t *line,
                          uint32_t *column);

#endif
