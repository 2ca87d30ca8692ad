/*
 * json_pos.h — where each value of a JSON text is: path -> line:column.
 *
 * jansson reports positions only for syntax errors; a strict scenario
 * loader also wants them for semantic errors ("expected a boolean" at
 * /writers/1/batches/0/sync).  json_pos_scan walks the text once with its
 * own small recursive-descent scanner and records, for every value, its
 * path and where it starts; for object members also where the key starts.
 *
 * Paths are JSON Pointers (RFC 6901): "" is the whole document,
 * "/writers/2/batches/0/sync" a nested value; object keys are decoded from
 * their JSON escapes and then escaped as the RFC says ("~" -> "~0",
 * "/" -> "~1"), array elements are decimal indices without leading zeros.
 *
 * Positions: lines and columns are 1-based; lines are separated by LF
 * (a CR is an ordinary byte); columns count BYTES, not characters, so a
 * line "  \"é\": 1" puts the value 1 at column 8.  Offsets are 0-based
 * byte offsets into the text.
 *
 * The scanner validates JSON syntax (RFC 8259 grammar; it does not check
 * UTF-8) and rejects what it cannot locate cheaply: texts over
 * JSON_POS_MAX_TEXT bytes, nesting deeper than JSON_POS_MAX_DEPTH, more
 * than JSON_POS_MAX_VALUES values.  Memory is linear in the text size.
 *
 * Thread safety: a json_pos is immutable after json_pos_scan returns; any
 * number of threads may look up in it at once.
 */
#ifndef WT_SIM_JSON_POS_H
#define WT_SIM_JSON_POS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    JSON_POS_MAX_TEXT = 16 << 20,   /* bytes */
    JSON_POS_MAX_DEPTH = 1024,      /* nested arrays/objects */
    JSON_POS_MAX_VALUES = 4 << 20,  /* values in one text */
};

/* json_pos_scan flags. */
enum {
    /* Fail at the first object key that repeats within its object. */
    JSON_POS_REJECT_DUPLICATES = 1,
};

/* Where one value is. */
typedef struct json_pos_loc {
    uint32_t line, column;         /* the value's first byte */
    size_t offset;
    bool is_member;                /* an object member: the key fields are set */
    uint32_t key_line, key_column; /* the key's opening quote; 0 if not a member */
    size_t key_offset;
} json_pos_loc;

/* Why json_pos_scan failed, and where. */
typedef struct json_pos_error {
    size_t offset;
    uint32_t line, column;
    char path[512];   /* duplicate keys: the repeated member's path (truncated); else "" */
    char text[160];
} json_pos_error;

typedef struct json_pos json_pos;

/* Scans text[0..len) (it need not be NUL-terminated).  Returns a new
 * json_pos owned by the caller (json_pos_free), or NULL with *err filled:
 * a syntax error, a limit exceeded, a duplicate key (with
 * JSON_POS_REJECT_DUPLICATES; err->path names it, the position is the
 * key's), or out of memory. */
json_pos *json_pos_scan(const char *text, size_t len, unsigned flags, json_pos_error *err);

void json_pos_free(json_pos *p);

/* Finds the value at path (a JSON Pointer, escaped).  false when no value
 * has that path or the path is malformed (no leading '/', bad "~" escape).
 * Without JSON_POS_REJECT_DUPLICATES a repeated key finds its last value. */
bool json_pos_lookup(const json_pos *p, const char *path, json_pos_loc *out);

/* Number of values; values are numbered 0..count-1 in document order
 * (value 0 is the whole document). */
size_t json_pos_count(const json_pos *p);

/* The path of value i into buf (NUL-terminated, truncated to cap like
 * snprintf) and its location.  Returns the untruncated path length. */
size_t json_pos_entry(const json_pos *p, size_t i, char *buf, size_t cap, json_pos_loc *loc);

/* Appends to buf (current length *len, capacity cap) "/" and key[0..n)
 * escaped per RFC 6901.  Like snprintf it never writes past cap, always
 * NUL-terminates when cap > 0, and advances *len by the full length, so
 * *len >= cap afterwards means the result was truncated. */
void json_pos_append_key(char *buf, size_t cap, size_t *len, const char *key, size_t n);

/* Line and column (1-based, bytes) of byte `offset` of text[0..len);
 * offsets past the end give the position just after the last byte. */
void json_pos_line_column(const char *text, size_t len, size_t offset, uint32_t *line,
                          uint32_t *column);

#endif
