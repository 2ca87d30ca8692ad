/*
 * json_lex.h — jansson 2.14's JSON lexer over a buffer, for json_doc.c.
 *
 * json_doc promises jansson's syntax errors word for word and byte for
 * byte, and those come out of jansson's lexer: its error text quotes the
 * current token's saved text ("invalid token near 'tru'"; nothing if the
 * text is over 20 bytes; "near end of file" if there is none) and its
 * position is how many bytes the stream had handed out.  This lexer keeps
 * both exactly as jansson does: `at` is jansson's stream position (bytes
 * read minus bytes pushed back) and the saved text is always
 * text[token_start..at).  Its users are json_doc.c's parser (which raises
 * the parser's own errors through json_lex_fail, so they get the same
 * context) and tests.
 *
 * The first error wins, as in jansson: once one is set every scan and
 * fail returns false and leaves it alone.
 *
 * Not thread-safe; one lexer per parse.
 */
#ifndef WT_SIM_JSON_LEX_H
#define WT_SIM_JSON_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_doc.h"

/* Tokens: the byte itself for { } [ ] : , and else these (jansson's). */
enum {
    JSON_LEX_INVALID = -1, /* a malformed token; the parser says where it stands */
    JSON_LEX_EOF = 0,
    JSON_LEX_STRING = 256,
    JSON_LEX_INTEGER,
    JSON_LEX_REAL,
    JSON_LEX_TRUE,
    JSON_LEX_FALSE,
    JSON_LEX_NULL,
};

typedef struct json_lex {
    const char *text;
    size_t len;
    size_t at;             /* bytes read: jansson's stream position */
    size_t utf8_end;       /* bytes before it are part of a checked UTF-8 sequence */
    size_t token_start;    /* the current token is text[token_start..at) */
    int token;
    char *string;          /* JSON_LEX_STRING: decoded, NUL-terminated (a NUL may be */
    size_t string_len;     /* inside: \u0000); valid until the next scan */
    size_t string_cap;
    int64_t integer;       /* JSON_LEX_INTEGER */
    double real;           /* JSON_LEX_REAL */
    bool failed;           /* *err is set; later errors are ignored */
    bool utf8_failed;      /* jansson's STREAM_STATE_ERROR: invalid UTF-8 was read */
    json_doc_error *err;
} json_lex;

/* Starts lexing text[0..len); errors go to *err. */
void json_lex_init(json_lex *lx, const char *text, size_t len, json_doc_error *err);
/* Releases the string buffer. */
void json_lex_close(json_lex *lx);

/* jansson's lex_scan: reads the next token into lx->token.  Returns false
 * once an error is set (a malformed number or word alone is
 * JSON_LEX_INVALID with no error yet). */
bool json_lex_scan(json_lex *lx);

/* jansson's error_set: the message plus the current token as context, at
 * the last byte read.  Returns false. */
__attribute__((format(printf, 3, 4)))
bool json_lex_fail(json_lex *lx, json_doc_error_code code, const char *fmt, ...);
/* An error of our own, not jansson's: text as is, at byte offset.
 * Returns false. */
bool json_lex_fail_at(json_lex *lx, json_doc_error_code code, size_t offset, const char *text);

#endif
