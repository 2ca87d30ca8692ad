/*
 * json_lex.c — jansson 2.14's JSON lexer (src/load.c), over a buffer.
 *
 * Each function says which of jansson's it follows; they follow it step
 * for step, including its pushbacks, because the position an error
 * reports is how far jansson had read.  jansson checks UTF-8 as bytes
 * are read, outside strings as well as inside, and so does lex_get: the
 * first byte of a multi-byte sequence checks the whole sequence and the
 * others pass unchecked (utf8_end).  jansson pushes a byte back only
 * right after reading it, so pushing back is at--.
 *
 * One known difference: jansson 2.14 skips a NUL byte that it has pushed
 * back (its stream buffer reads a NUL as empty), so "[1\0]" loads there;
 * here the NUL is an invalid token.
 */
#include "json_lex.h"

#include <assert.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    GOT_EOF = -1,     /* what lex_get returns besides a byte */
    GOT_ERROR = -2,   /* invalid UTF-8; the error is set */
    CONTEXT_MAX = 20, /* jansson quotes a token of at most this many bytes */
    NUMBER_BUF = 64,
};

void json_lex_init(json_lex *lx, const char *text, size_t len, json_doc_error *err)
{
    assert(text != NULL || len == 0);
    assert(err != NULL);
    memset(lx, 0, sizeof *lx);
    lx->text = text;
    lx->len = len;
    lx->token = JSON_LEX_INVALID;
    lx->err = err;
}

void json_lex_close(json_lex *lx)
{
    free(lx->string);
    lx->string = NULL;
    lx->string_cap = 0;
}

/* --------------------------------------------------------------- errors */

bool json_lex_fail_at(json_lex *lx, json_doc_error_code code, size_t offset, const char *text)
{
    if (lx->failed) return false;
    json_doc_error *e = lx->err;
    lx->failed = true;
    e->code = code;
    e->offset = offset;
    json_doc_line_column(lx->text, lx->len, offset, &e->line, &e->column);
    e->path[0] = '\0';
    size_t n = strnlen(text, sizeof e->text - 1); /* cut as jansson cuts */
    memcpy(e->text, text, n);
    e->text[n] = '\0';
    return false;
}

bool json_lex_fail(json_lex *lx, json_doc_error_code code, const char *fmt, ...)
{
    if (lx->failed) return false;
    /* jansson cuts each of these at its JSON_ERROR_TEXT_LENGTH; text is
     * cut when json_lex_fail_at copies it. */
    char msg[sizeof lx->err->text], text[sizeof lx->err->text + 48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    assert(lx->token_start <= lx->at);
    const char *saved = lx->text + lx->token_start;
    size_t saved_len = lx->at - lx->token_start;
    if (saved_len > 0 && saved[0] != '\0') {
        /* jansson prints its saved text with %s: it stops at a NUL byte. */
        if (saved_len <= CONTEXT_MAX)
            snprintf(text, sizeof text, "%s near '%.*s'", msg, (int)strnlen(saved, saved_len),
                     saved);
        else
            snprintf(text, sizeof text, "%s", msg);
    } else if (lx->utf8_failed) {
        snprintf(text, sizeof text, "%s", msg); /* no context for UTF-8 errors */
    } else {
        snprintf(text, sizeof text, "%s near end of file", msg);
    }
    return json_lex_fail_at(lx, code, lx->at > 0 ? lx->at - 1 : 0, text);
}

static bool fail_oom(json_lex *lx)
{
    return json_lex_fail_at(lx, JSON_DOC_ERROR_NO_MEMORY, lx->at, "out of memory");
}

/* ------------------------------------------------------------ the stream */

/* jansson's utf8_check_first: the length of a sequence starting with c,
 * 0 if no sequence starts so. */
static size_t utf8_length(unsigned char c)
{
    if (c < 0x80) return 1;
    if (c < 0xc2) return 0; /* a continuation byte, or an overlong 2-byte start */
    if (c < 0xe0) return 2;
    if (c < 0xf0) return 3;
    if (c < 0xf5) return 4;
    return 0;
}

/* jansson's utf8_check_full on the n bytes at text[at]; bytes past the end
 * read as 0xff (jansson stores EOF into a char). */
static bool utf8_valid(const json_lex *lx, size_t at, size_t n)
{
    unsigned char first = (unsigned char)lx->text[at];
    uint32_t cp = first & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (size_t i = 1; i < n; i++) {
        unsigned char u = at + i < lx->len ? (unsigned char)lx->text[at + i] : 0xff;
        if (u < 0x80 || u > 0xbf) return false;
        cp = cp << 6 | (u & 0x3f);
    }
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    return !((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000));
}

/* jansson's stream_get: the next byte, GOT_EOF, or GOT_ERROR after
 * setting the error for a byte that starts no valid UTF-8 sequence. */
static int lex_get(json_lex *lx)
{
    if (lx->failed) return GOT_ERROR;
    if (lx->at >= lx->len) return GOT_EOF;
    unsigned char c = (unsigned char)lx->text[lx->at];
    if (c >= 0x80 && lx->at >= lx->utf8_end) {
        size_t n = utf8_length(c);
        if (n == 0 || !utf8_valid(lx, lx->at, n)) {
            lx->utf8_failed = true;
            json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "unable to decode byte 0x%x", c);
            return GOT_ERROR;
        }
        lx->utf8_end = lx->at + n;
    }
    lx->at++;
    return c;
}

/* jansson's lex_unget_unsave: pushes back a byte (not EOF or an error). */
static void lex_unget(json_lex *lx, int c)
{
    if (c < 0) return;
    assert(lx->at > lx->token_start);
    lx->at--;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(int c)
{
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* ------------------------------------------------------------- strings */

static uint32_t hex4(const char *s)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = v << 4 | (uint32_t)hex_value((unsigned char)s[i]);
    return v;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The code point of the \u escape at s[0] == '\\' (its four hex digits
 * were checked by lex_string), joining a surrogate pair; *used gets the
 * bytes consumed.  false (error set) on a lone surrogate, as jansson. */
static bool decode_unicode(json_lex *lx, const char *s, const char *end, uint32_t *cp,
                           size_t *used)
{
    uint32_t v = hex4(s + 2);
    *used = 6;
    if (v >= 0xdc00 && v <= 0xdfff)
        return json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "invalid Unicode '\\u%04X'", (unsigned)v);
    if (v >= 0xd800 && v <= 0xdbff) {
        if (end - (s + 6) < 6 || s[6] != '\\' || s[7] != 'u')
            return json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "invalid Unicode '\\u%04X'",
                                 (unsigned)v);
        uint32_t low = hex4(s + 8);
        if (low < 0xdc00 || low > 0xdfff)
            return json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "invalid Unicode '\\u%04X\\u%04X'",
                                 (unsigned)v, (unsigned)low);
        v = ((v - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        *used = 12;
    }
    *cp = v;
    return true;
}

/* Makes room for n bytes in the string buffer. */
static bool reserve_string(json_lex *lx, size_t n)
{
    if (n <= lx->string_cap) return true;
    char *s = realloc(lx->string, n);
    if (s == NULL) return fail_oom(lx);
    lx->string = s;
    lx->string_cap = n;
    return true;
}

/* Decodes the string token text[token_start..at) into lx->string; it is
 * never longer than the token. */
static bool decode_string(json_lex *lx)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *s = lx->text + lx->token_start + 1, *end = lx->text + lx->at - 1;
    assert(lx->at - lx->token_start >= 2 && *end == '"');
    if (!reserve_string(lx, (size_t)(end - s) + 1)) return false;
    char *out = lx->string;
    size_t n = 0;
    while (s < end) {
        if (*s != '\\') {
            out[n++] = *s++;
        } else if (s[1] == 'u') {
            uint32_t cp = 0;
            size_t used = 0;
            if (!decode_unicode(lx, s, end, &cp, &used)) return false;
            n += put_utf8(out + n, cp);
            s += used;
        } else {
            const char *hit = strchr(from, s[1]);
            assert(hit != NULL && *hit != '\0');
            out[n++] = to[hit - from];
            s += 2;
        }
    }
    assert(n <= (size_t)(lx->at - lx->token_start));
    out[n] = '\0';
    lx->string_len = n;
    lx->token = JSON_LEX_STRING;
    return true;
}

/* jansson's lex_scan_string: checks the token up to its closing quote,
 * then decodes it. */
static bool lex_string(json_lex *lx)
{
    lx->token = JSON_LEX_INVALID;
    int c = lex_get(lx);
    while (c != '"') {
        if (c == GOT_ERROR) return false;
        if (c == GOT_EOF) return json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "premature end of input");
        if (c <= 0x1f) {
            lex_unget(lx, c);
            if (c == '\n') return json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "unexpected newline");
            return json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "control character 0x%x", c);
        }
        if (c == '\\') {
            c = lex_get(lx);
            if (c == 'u') {
                c = lex_get(lx);
                for (int i = 0; i < 4; i++) {
                    if (hex_value(c) < 0)
                        return json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "invalid escape");
                    c = lex_get(lx);
                }
            } else if (c > 0 && strchr("\"\\/bfnrt", c) != NULL) {
                c = lex_get(lx);
            } else {
                return json_lex_fail(lx, JSON_DOC_ERROR_SYNTAX, "invalid escape");
            }
        } else {
            c = lex_get(lx);
        }
    }
    return decode_string(lx);
}

/* ------------------------------------------------------------- numbers */

/* strtoll on the token -?[0-9]+, without copying it. */
static bool lex_integer(json_lex *lx)
{
    const char *s = lx->text + lx->token_start, *end = lx->text + lx->at;
    bool negative = *s == '-';
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
    for (s += negative; s < end; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        assert(d <= 9);
        if (v > (limit - d) / 10)
            return json_lex_fail(lx, JSON_DOC_ERROR_NUMERIC_OVERFLOW, "%s",
                                 negative ? "too big negative integer" : "too big integer");
        v = v * 10 + d;
    }
    lx->integer = negative ? (v == limit ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    lx->token = JSON_LEX_INTEGER;
    return true;
}

/* strtod on the token, with the locale's decimal point as jansson does. */
static bool lex_real(json_lex *lx)
{
    size_t n = lx->at - lx->token_start;
    char small[NUMBER_BUF], *buf = n < sizeof small ? small : malloc(n + 1);
    if (buf == NULL) return fail_oom(lx);
    memcpy(buf, lx->text + lx->token_start, n);
    buf[n] = '\0';
    char *dot = strchr(buf, '.');
    const char *point = localeconv()->decimal_point;
    if (dot != NULL && point != NULL && point[0] != '\0') *dot = point[0];
    errno = 0;
    char *stop;
    double v = strtod(buf, &stop);
    bool overflow = errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL);
    (void)stop; /* the whole token in the C locale; jansson asserts that */
    if (buf != small) free(buf);
    if (overflow) return json_lex_fail(lx, JSON_DOC_ERROR_NUMERIC_OVERFLOW, "real number overflow");
    lx->real = v;
    lx->token = JSON_LEX_REAL;
    return true;
}

/* jansson's lex_scan_number, c being the first byte ('-' or a digit).
 * A malformed number is JSON_LEX_INVALID without an error (the parser
 * reports it where it stands), as in jansson. */
static bool lex_number(json_lex *lx, int c)
{
    lx->token = JSON_LEX_INVALID;
    if (c == '-') c = lex_get(lx);
    if (c == '0') {
        c = lex_get(lx);
        if (is_digit(c)) {
            lex_unget(lx, c);
            return true;
        }
    } else if (is_digit(c)) {
        do c = lex_get(lx);
        while (is_digit(c));
    } else {
        lex_unget(lx, c);
        return !lx->failed;
    }
    if (c != '.' && c != 'E' && c != 'e') {
        lex_unget(lx, c);
        return !lx->failed && lex_integer(lx);
    }
    if (c == '.') {
        c = lex_get(lx);
        if (!is_digit(c)) {
            lex_unget(lx, c);
            return !lx->failed;
        }
        do c = lex_get(lx);
        while (is_digit(c));
    }
    if (c == 'E' || c == 'e') {
        c = lex_get(lx);
        if (c == '+' || c == '-') c = lex_get(lx);
        if (!is_digit(c)) {
            lex_unget(lx, c);
            return !lx->failed;
        }
        do c = lex_get(lx);
        while (is_digit(c));
    }
    lex_unget(lx, c);
    return !lx->failed && lex_real(lx);
}

/* --------------------------------------------------------------- tokens */

/* true, false, null, or a run of letters jansson calls an invalid token. */
static void lex_word(json_lex *lx)
{
    static const char *const words[] = {"true", "false", "null"};
    static const int tokens[] = {JSON_LEX_TRUE, JSON_LEX_FALSE, JSON_LEX_NULL};
    int c;
    do c = lex_get(lx);
    while (is_alpha(c));
    lex_unget(lx, c);
    size_t n = lx->at - lx->token_start;
    lx->token = JSON_LEX_INVALID;
    for (size_t i = 0; i < 3; i++) {
        if (strlen(words[i]) == n && memcmp(lx->text + lx->token_start, words[i], n) == 0)
            lx->token = tokens[i];
    }
}

bool json_lex_scan(json_lex *lx)
{
    int c;
    do {
        lx->token_start = lx->at;
        c = lex_get(lx);
    } while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if (c == GOT_ERROR) return false;
    if (c == GOT_EOF) {
        lx->token = JSON_LEX_EOF;
        return true;
    }
    if (c != 0 && strchr("{}[]:,", c) != NULL) {
        lx->token = c;
        return true;
    }
    if (c == '"') return lex_string(lx);
    if (is_digit(c) || c == '-') return lex_number(lx, c);
    if (is_alpha(c)) {
        lex_word(lx);
        return !lx->failed;
    }
    /* Any other byte: take the rest of its UTF-8 sequence into the token. */
    if (lx->at < lx->utf8_end) lx->at = lx->utf8_end;
    lx->token = JSON_LEX_INVALID;
    return true;
}
