/*
 * fuzz_keylog.c - the key-log parser: keylog_add_mem for every secrets type
 * with a grammar or a format (TLS, SSH, WireGuard, OPC UA, ESP, ZigBee) and
 * an unknown (raw) type, then keylog_next_chunk. The checks below follow
 * k->validated, so they hold whichever types keylog.c validates.
 *
 * The input is added as two "files" (its two halves, split at a point from
 * the selector) and then once more whole, so that deduplication across
 * files and the "left as it was on error" rule are exercised. Selector bit 2
 * turns on strict mode; bit 3 keeps at most 64 bytes of text in memory, so
 * the rest goes through the spool's temporary file. Invariants:
 *   - a failed add leaves the key log exactly as it was (length, bytes,
 *     statistics);
 *   - validated types: the text has no NUL and no CR, every line ends in
 *     LF, no line is empty or a comment, no line is longer than
 *     KEYLOG_MAX_LINE;
 *   - types that are not validated: a successful add appends the bytes
 *     verbatim;
 *   - keylog_next_chunk covers the text exactly once, every chunk is at most
 *     max bytes and (validated types) ends with LF, for the smallest max
 *     allowed and for the DSB limit.
 */
#include <string.h>

#include "fuzz.h"
#include "keylog.h"
#include "pcapng_write.h"
#include "secrets.h"

/* A secrets type no module knows: the bytes are kept as they are. */
#define FUZZ_RAW_TYPE 0x52415721u

static void
on_warn(void *ctx, const char *msg)
{
    (void)ctx;
    (void)fuzz_touch((const uint8_t *)msg, strlen(msg));
}

static const struct sc_diag diag = {on_warn, NULL};

/* The whole text, malloc'd (NULL when empty). */
static uint8_t *
text_copy(const struct keylog *k)
{
    struct sc_err err = {0};
    size_t len = (size_t)keylog_len(k);
    uint8_t *t;

    if (len == 0)
        return NULL;
    t = malloc(len);
    FUZZ_CHECK(t != NULL, "out of memory");
    FUZZ_CHECK(keylog_read(k, 0, t, len, &err) == 0, "read back: %s", err.msg);
    return t;
}

static void
add(struct keylog *k, const char *name, const uint8_t *p, size_t n,
    const struct keylog_opts *opts, uint64_t *raw_expect)
{
    struct sc_err err = {0};
    size_t len = (size_t)keylog_len(k), now;
    uint64_t kept = k->lines_kept, dup = k->lines_dup, bad = k->lines_bad,
             com = k->lines_comment;
    uint8_t *copy = text_copy(k), *after;

    if (keylog_add_mem(k, name, p, n, opts, &diag, &err) < 0) {
        now = (size_t)keylog_len(k);
        FUZZ_CHECK(err.kind != SC_ERR_NONE && err.msg[0] != '\0',
                   "error without a message");
        FUZZ_CHECK(now == len && k->lines_kept == kept && k->lines_dup == dup &&
                       k->lines_bad == bad && k->lines_comment == com,
                   "failed add changed the key log (%zu -> %zu bytes)", len,
                   now);
        after = text_copy(k);
        FUZZ_CHECK(len == 0 || memcmp(copy, after, len) == 0,
                   "failed add changed the text");
    } else {
        now = (size_t)keylog_len(k);
        after = text_copy(k);
        FUZZ_CHECK(now >= len, "add shrank the key log");
        FUZZ_CHECK(len == 0 || memcmp(copy, after, len) == 0,
                   "add changed earlier text");
        if (!k->validated) {
            FUZZ_CHECK(now == len + n, "raw add of %zu bytes: %zu -> %zu", n,
                       len, now);
            FUZZ_CHECK(n == 0 || memcmp(after + len, p, n) == 0,
                       "raw add changed the bytes");
            *raw_expect += n;
        }
    }
    free(after);
    free(copy);
}

static void
check_text(const struct keylog *k)
{
    size_t line_start = 0, len = (size_t)keylog_len(k);
    uint8_t *t;

    if (!k->validated)
        return;
    t = text_copy(k);
    FUZZ_CHECK(len == 0 || t[len - 1] == '\n', "text does not end in LF");
    for (size_t i = 0; i < len; i++) {
        uint8_t c = t[i];

        FUZZ_CHECK(c != '\0' && c != '\r', "NUL or CR kept at %zu", i);
        if (c == '\n') {
            FUZZ_CHECK(i > line_start, "empty line kept at %zu", i);
            FUZZ_CHECK(t[line_start] != '#', "comment kept at %zu", line_start);
            FUZZ_CHECK(i - line_start <= KEYLOG_MAX_LINE,
                       "line of %zu bytes kept", i - line_start);
            line_start = i + 1;
        }
    }
    free(t);
}

static void
check_chunks(const struct keylog *k, size_t max)
{
    struct sc_err err = {0};
    uint64_t pos = 0, start, total = 0, len = keylog_len(k);
    uint8_t *t = text_copy(k);
    size_t n;

    for (;;) {
        start = pos;
        FUZZ_CHECK(keylog_next_chunk(k, &pos, max, &n, &err) == 0,
                   "next chunk: %s", err.msg);
        if (n == 0)
            break;
        FUZZ_CHECK(pos == start + n && n <= max, "chunk of %zu at %llu", n,
                   (unsigned long long)start);
        FUZZ_CHECK(!k->validated || t[start + n - 1] == '\n',
                   "chunk at %llu does not end in LF",
                   (unsigned long long)start);
        total += n;
    }
    FUZZ_CHECK(total == len && pos == len, "chunks cover %llu of %llu",
               (unsigned long long)total, (unsigned long long)len);
    free(t);
}

static void
one_type(uint32_t type, const uint8_t *data, size_t size, unsigned sel)
{
    struct keylog_opts opts = {.strict = (sel >> 2) & 1};
    struct keylog k;
    size_t cut = size == 0 ? 0 : (size_t)(sel * 2654435761u) % (size + 1);
    uint64_t raw = 0;

    keylog_init(&k, type);
    if ((sel >> 3) & 1)
        keylog_set_mem_max(&k, 64); /* the text moves to a temporary file */
    add(&k, "a.keys", data, cut, &opts, &raw);
    add(&k, "b.keys", data + cut, size - cut, &opts, &raw);
    add(&k, "c.keys", data, size, &opts, &raw);
    check_text(&k);
    if (!k.validated)
        FUZZ_CHECK(keylog_len(&k) == raw, "raw length %llu, expected %llu",
                   (unsigned long long)keylog_len(&k), (unsigned long long)raw);
    check_chunks(&k, KEYLOG_MAX_LINE + 2);
    check_chunks(&k, PCAPNG_DSB_MAX_SECRETS);
    keylog_free(&k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_selector(data, size);

    one_type(SECRETS_TLS, data, size, sel);
    one_type(SECRETS_SSH, data, size, sel);
    one_type(SECRETS_WG, data, size, sel);
    one_type(SECRETS_OPCUA, data, size, sel);
    one_type(SECRETS_ESP, data, size, sel);
    one_type(SECRETS_ZIGBEE_NWK, data, size, sel);
    one_type(FUZZ_RAW_TYPE, data, size, sel); /* kept verbatim */
    return 0;
}
