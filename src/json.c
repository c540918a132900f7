/*
 * json.c - the JSON writer of json.h: layout (commas, indent) and string
 * escaping (RFC 8259 §7, invalid UTF-8 replaced by U+FFFD).
 */
#include "json.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_LEN (SIZE_MAX / 2)

static void
put(struct json *j, const char *p, size_t n)
{
    size_t ncap;
    char *nb;

    if (j->failed)
        return;
    if (n > JSON_MAX_LEN - j->len) {
        j->failed = true;
        return;
    }
    if (j->len + n + 1 > j->cap) {
        ncap = j->cap < 4096 ? 4096 : j->cap * 2;
        while (ncap < j->len + n + 1)
            ncap *= 2;
        nb = realloc(j->buf, ncap);
        if (nb == NULL) {
            j->failed = true;
            return;
        }
        j->buf = nb;
        j->cap = ncap;
    }
    memcpy(j->buf + j->len, p, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void
puts_(struct json *j, const char *s)
{
    put(j, s, strlen(s));
}

static void
newline(struct json *j)
{
    static const char spaces[] = "                                ";
    int i;

    if (j->compact)
        return;
    put(j, "\n", 1);
    for (i = 0; i < j->depth; i++)
        put(j, spaces, 2);
}

/* Before a value or a key: the separator and the indent. */
static void
before(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0)
        return;
    if (!j->first[j->depth])
        put(j, ",", 1);
    j->first[j->depth] = false;
    newline(j);
}

void
json_init(struct json *j)
{
    memset(j, 0, sizeof(*j));
}

void
json_free(struct json *j)
{
    free(j->buf);
    json_init(j);
}

bool
json_failed(const struct json *j)
{
    return j->failed;
}

static void
open_(struct json *j, const char *c)
{
    before(j);
    put(j, c, 1);
    assert(j->depth + 1 < JSON_MAX_DEPTH);
    j->depth++;
    j->first[j->depth] = true;
}

static void
close_(struct json *j, const char *c)
{
    bool empty;

    assert(j->depth > 0 && !j->after_key);
    empty = j->first[j->depth];
    j->depth--;
    if (!empty)
        newline(j);
    put(j, c, 1);
}

void
json_obj_begin(struct json *j)
{
    open_(j, "{");
}

void
json_obj_end(struct json *j)
{
    close_(j, "}");
}

void
json_arr_begin(struct json *j)
{
    open_(j, "[");
}

void
json_arr_end(struct json *j)
{
    close_(j, "]");
}

/* Length of the valid UTF-8 sequence at p (n > 0 bytes), or 0. Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t
utf8_len(const uint8_t *p, size_t n)
{
    uint8_t b = p[0];
    size_t len, i;
    uint32_t cp;

    if (b < 0x80)
        return 1;
    if (b >= 0xc2 && b <= 0xdf) {
        len = 2;
        cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
        len = 3;
        cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
        len = 4;
        cp = b & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

static void
string(struct json *j, const uint8_t *p, size_t n)
{
    char esc[8];
    size_t i = 0, run, l;

    put(j, "\"", 1);
    while (i < n) {
        /* Copy a run of plain printable ASCII at once. */
        for (run = i; run < n && p[run] >= 0x20 && p[run] < 0x7f &&
                      p[run] != '"' && p[run] != '\\';
             run++)
            ;
        put(j, (const char *)p + i, run - i);
        i = run;
        if (i == n)
            break;
        switch (p[i]) {
        case '"':
            puts_(j, "\\\"");
            i++;
            continue;
        case '\\':
            puts_(j, "\\\\");
            i++;
            continue;
        case '\n':
            puts_(j, "\\n");
            i++;
            continue;
        case '\r':
            puts_(j, "\\r");
            i++;
            continue;
        case '\t':
            puts_(j, "\\t");
            i++;
            continue;
        default:
            break;
        }
        if (p[i] < 0x20 || p[i] == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
            puts_(j, esc);
            i++;
            continue;
        }
        l = utf8_len(p + i, n - i);
        if (l == 0) {
            puts_(j, "\xef\xbf\xbd"); /* U+FFFD for one bad byte */
            i++;
        } else {
            put(j, (const char *)p + i, l);
            i += l;
        }
    }
    put(j, "\"", 1);
}

void
json_key(struct json *j, const char *k)
{
    assert(j->depth > 0 && !j->after_key);
    before(j);
    string(j, (const uint8_t *)k, strlen(k));
    put(j, ": ", j->compact ? 1 : 2);
    j->after_key = true;
}

void
json_strn(struct json *j, const uint8_t *p, size_t n)
{
    before(j);
    string(j, p, n);
}

void
json_str(struct json *j, const char *s)
{
    json_strn(j, (const uint8_t *)s, strlen(s));
}

void
json_u64(struct json *j, uint64_t v)
{
    char b[24];

    before(j);
    snprintf(b, sizeof(b), "%" PRIu64, v);
    puts_(j, b);
}

void
json_key_u64(struct json *j, const char *k, uint64_t v)
{
    json_key(j, k);
    json_u64(j, v);
}

void
json_i64(struct json *j, int64_t v)
{
    char b[24];

    before(j);
    snprintf(b, sizeof(b), "%" PRId64, v);
    puts_(j, b);
}

void
json_bool(struct json *j, bool v)
{
    before(j);
    puts_(j, v ? "true" : "false");
}

void
json_null(struct json *j)
{
    before(j);
    puts_(j, "null");
}

void
json_end(struct json *j)
{
    assert(j->depth == 0);
    put(j, "\n", 1);
}
