/*
 * json.h - a tiny JSON writer into a growable memory buffer.
 *
 * The caller emits values in document order (json_obj_begin, json_key,
 * json_str, ...); the writer adds commas, ": ", newlines and a two-space
 * indent, so the output is stable (one key or element per line) and easy to
 * diff. Strings are escaped per RFC 8259 §7: '"', '\\' and the control
 * characters U+0000..U+001F are escaped (\n, \t, ... or \u00XX), DEL too;
 * valid UTF-8 passes through and every byte of an invalid UTF-8 sequence
 * becomes U+FFFD, so the result is always valid UTF-8 JSON whatever bytes
 * were given (interface names, labels, file names from a hostile capture).
 *
 * The writer never prints: the caller writes j->buf[0..j->len) where it
 * wants. An allocation failure is sticky: later calls do nothing and
 * json_failed() is true. Nesting deeper than JSON_MAX_DEPTH is a bug
 * (assert). Numbers are integers only.
 */
#ifndef SC_JSON_H
#define SC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16

struct json {
    char *buf; /* NUL-terminated text, len bytes (owned) */
    size_t len, cap;
    bool failed;
    int depth;
    bool first[JSON_MAX_DEPTH]; /* no element yet at this depth */
    bool after_key;             /* a key was written; its value is next */
    bool compact;               /* one line, no indentation (JSON Lines) */
};

void json_init(struct json *j);
void json_free(struct json *j);
bool json_failed(const struct json *j);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
/* An object key (escaped like a string). */
void json_key(struct json *j, const char *k);
void json_str(struct json *j, const char *s);
/* n bytes, any content. */
void json_strn(struct json *j, const uint8_t *p, size_t n);
void json_u64(struct json *j, uint64_t v);
/* json_key(j, k) then json_u64(j, v): an object member. */
void json_key_u64(struct json *j, const char *k, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Ends the document with a newline (call once, at depth 0). */
void json_end(struct json *j);

#endif
