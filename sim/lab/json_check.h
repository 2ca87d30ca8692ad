/*
 * json_check.h — strict validation of a parsed JSON document, with errors
 * that say where and why: "FILE:LINE:COL: /key/path: message".
 *
 * A loader describes each object it accepts as a table of fields (key,
 * kind, offset of the member it fills in the caller's struct, integer
 * range, required or not, or a function of its own for anything else)
 * and calls json_check_fields: members are checked in document order, so
 * the first mistake in the file is the one reported; a key not in the
 * table is an "unknown key" with a "did you mean" suggestion when one is
 * close (else the list of allowed keys); missing required keys come
 * after.  Typed getters (boolean, integer in a range, string, one of a
 * list of names, array) check single values the same way.
 *
 * Every check returns true, or false with the message in the json_check's
 * buffer; the loader stops at the first false.  The message names:
 *   - FILE (json_check.file), then LINE:COL where the offending value
 *     starts (for an unknown or misplaced key: the key's opening quote;
 *     for a missing key: the object that lacks it);
 *   - the value's key path as a JSON Pointer ("(root)" for the whole
 *     document), see json_doc.h;
 *   - the message.
 * Syntax errors from json_doc have no path: "FILE:LINE:COL: message".
 *
 * The module knows nothing of what the document means.  Thread safety: a
 * json_check is used by one thread; distinct ones are independent.
 */
#ifndef WT_SIM_JSON_CHECK_H
#define WT_SIM_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_doc.h"

enum {
    JSON_CHECK_SHOW_MAX = 40,    /* bytes of a user's string quoted in a message */
    JSON_CHECK_SUGGEST_MAX = 64, /* longer words get no "did you mean" */
    JSON_CHECK_MAX_FIELDS = 32,  /* fields of one table */
};

/* One validation: where messages go, and the caller's context. */
typedef struct json_check {
    const char *file;    /* the name messages start with */
    char *message;       /* the error, NUL-terminated, truncated to message_cap */
    size_t message_cap;
    void *user;          /* for the caller's field functions; not used here */
} json_check;

/* Which position an error names. */
typedef enum json_check_where {
    JSON_CHECK_AT_VALUE, /* where the value starts */
    JSON_CHECK_AT_KEY,   /* a member's key (its opening quote); for an element its value */
} json_check_where;

typedef enum json_check_kind {
    JSON_CHECK_BOOL,     /* bool */
    JSON_CHECK_U64,      /* uint64_t, an integer in [min, max] */
    JSON_CHECK_I64,      /* int64_t in [min, max] */
    JSON_CHECK_INT,      /* int in [min, max] */
    JSON_CHECK_UINT,     /* unsigned in [min, max] */
    JSON_CHECK_STRING,   /* char *, malloc'd (an earlier value is freed); min 1: not empty */
    JSON_CHECK_U64_TEXT, /* uint64_t from an integer or a string of decimal digits */
    JSON_CHECK_CUSTOM,   /* fn(check, value, member) */
} json_check_kind;

/* Checks value v and stores it through member (the target struct plus the
 * field's offset).  Returns false after json_check_fail*. */
typedef bool (*json_check_fn)(json_check *c, const json_doc_node *v, void *member);

/* One allowed key of an object. */
typedef struct json_check_field {
    const char *key;
    json_check_kind kind;
    size_t offset;       /* of the member it fills in the target struct */
    int64_t min, max;    /* integers: the range (min <= max); strings: min 1 = not empty */
    json_check_fn fn;    /* JSON_CHECK_CUSTOM only */
    bool required;
} json_check_field;

/* Parses text[0..len) with json_doc_parse.  On failure returns NULL with
 * the message "FILE:LINE:COL: message" ("FILE:LINE:COL: PATH: duplicate
 * key" for a repeated key); overflow_hint (or "") is appended to the
 * message of a number too big to hold. */
json_doc *json_check_parse(json_check *c, const char *text, size_t len,
                           const char *overflow_hint);

/* Checks obj is an object whose keys are all in fields[0..n), stores each
 * member, in document order, into target by its field, then checks that
 * the required keys are present. */
bool json_check_fields(json_check *c, const json_doc_node *obj, const json_check_field *fields,
                       size_t n, void *target);

/* Single values.  Each returns false, with the message set, when v is not
 * what is asked. */
bool json_check_bool(json_check *c, const json_doc_node *v, bool *out);
bool json_check_int(json_check *c, const json_doc_node *v, int64_t min, int64_t max,
                    int64_t *out);
/* A string, malloc'd into *out (owned by the caller). */
bool json_check_string(json_check *c, const json_doc_node *v, bool nonempty, char **out);
/* A non-negative integer, or a decimal string for values beyond what JSON
 * numbers carry portably (2^53), up to UINT64_MAX. */
bool json_check_u64_text(json_check *c, const json_doc_node *v, uint64_t *out);
/* One of names[0..n); *index gets its place.  `what` names the kind of
 * name in the message ("unknown policy \"rand\" (did you mean ...)"). */
bool json_check_enum(json_check *c, const json_doc_node *v, const char *const *names, size_t n,
                     const char *what, size_t *index);
bool json_check_object(json_check *c, const json_doc_node *v);
/* An array (non-empty if asked); *count gets its size. */
bool json_check_array(json_check *c, const json_doc_node *v, bool nonempty, size_t *count);

/* Fills the message "FILE:LINE:COL: PATH: message" for node n and
 * returns false. */
__attribute__((format(printf, 4, 5)))
bool json_check_fail(json_check *c, const json_doc_node *n, json_check_where w, const char *fmt,
                     ...);
/* The same for the key `key` that object obj lacks: the path is obj's and
 * the key, the position is obj's. */
__attribute__((format(printf, 4, 5)))
bool json_check_fail_missing(json_check *c, const json_doc_node *obj, const char *key,
                             const char *fmt, ...);
/* "unknown WHAT \"GIVEN\" (did you mean \"NAME\"?)", or "(expected one of:
 * a, b, c)" when no name is close. */
bool json_check_fail_unknown(json_check *c, const json_doc_node *n, json_check_where w,
                             const char *what, const char *given, const char *const *names,
                             size_t count);
bool json_check_fail_oom(json_check *c, const json_doc_node *n);

/* "an object", "a string", ... for messages ("got %s"). */
const char *json_check_type_name(const json_doc_node *v);
/* A user's string made safe to quote: at most JSON_CHECK_SHOW_MAX bytes
 * (cut at a UTF-8 boundary, "..." appended), control bytes, quotes and
 * backslashes shown as '?'.  Returns out. */
const char *json_check_show(const char *s, char out[JSON_CHECK_SHOW_MAX + 4]);
/* The name closest to `given` (case-insensitive), or NULL: a name
 * containing it (3+ bytes), else one within a small edit distance (1 for
 * words under 6 bytes, a third of the length beyond; always fewer edits
 * than either word is long, so "zz" does not suggest "a"). */
const char *json_check_suggest(const char *given, const char *const *names, size_t count);

#endif
