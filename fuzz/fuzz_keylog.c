/*
 * fuzz_keylog.c - the key-log parser: keylog_add_mem for every secrets type
 * with a grammar or a format (TLS, SSH, WireGuard, OPC UA, ESP, ZigBee) and
 * an unknown (raw) type, then keylog_next_chunk. The checks below follow
 * k->validated, so they hold whichever types keylog.c validates.
 *
 * The input is added as two "files" (its two halves, split at a point from
 * the selector) and then once more whole, so that deduplication across
 * files and the "left as it was on error" rule are exercised. Selector bit 2
 * turns on strict mode. Invariants:
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

static void
add(struct keylog *k, const char *name, const uint8_t *p, size_t n,
    const struct keylog_opts *opts, uint64_t *raw_expect)
{
    struct sc_err err = {0};
    size_t len = k->len;
    uint64_t kept = k->lines_kept, dup = k->lines_dup, bad = k->lines_bad,
             com = k->lines_comment;
    uint8_t *copy = NULL;

    if (len > 0) {
        copy = malloc(len);
        FUZZ_CHECK(copy != NULL, "out of memory");
        memcpy(copy, k->data, len);
    }
    if (keylog_add_mem(k, name, p, n, opts, &diag, &err) < 0) {
        FUZZ_CHECK(err.kind != SC_ERR_NONE && err.msg[0] != '\0',
                   "error without a message");
        FUZZ_CHECK(
            k->len == len && k->lines_kept == kept && k->lines_dup == dup &&
                k->lines_bad == bad && k->lines_comment == com,
            "failed add changed the key log (%zu -> %zu bytes)", len, k->len);
        FUZZ_CHECK(len == 0 || memcmp(copy, k->data, len) == 0,
                   "failed add changed the text");
    } else {
        FUZZ_CHECK(k->len >= len, "add shrank the key log");
        FUZZ_CHECK(len == 0 || memcmp(copy, k->data, len) == 0,
                   "add changed earlier text");
        if (!k->validated) {
            FUZZ_CHECK(k->len == len + n, "raw add of %zu bytes: %zu -> %zu", n,
                       len, k->len);
            FUZZ_CHECK(n == 0 || memcmp(k->data + len, p, n) == 0,
                       "raw add changed the bytes");
            *raw_expect += n;
        }
    }
    free(copy);
}

static void
check_text(const struct keylog *k)
{
    size_t line_start = 0;

    if (!k->validated)
        return;
    FUZZ_CHECK(k->len == 0 || k->data[k->len - 1] == '\n',
               "text does not end in LF");
    for (size_t i = 0; i < k->len; i++) {
        uint8_t c = k->data[i];

        FUZZ_CHECK(c != '\0' && c != '\r', "NUL or CR kept at %zu", i);
        if (c == '\n') {
            FUZZ_CHECK(i > line_start, "empty line kept at %zu", i);
            FUZZ_CHECK(k->data[line_start] != '#', "comment kept at %zu",
                       line_start);
            FUZZ_CHECK(i - line_start <= KEYLOG_MAX_LINE,
                       "line of %zu bytes kept", i - line_start);
            line_start = i + 1;
        }
    }
}

static void
check_chunks(const struct keylog *k, size_t max)
{
    size_t pos = 0, total = 0, n, start;

    for (;;) {
        start = pos;
        n = keylog_next_chunk(k, &pos, max);
        if (n == 0)
            break;
        FUZZ_CHECK(pos == start + n && n <= max, "chunk of %zu at %zu", n,
                   start);
        FUZZ_CHECK(!k->validated || k->data[start + n - 1] == '\n',
                   "chunk at %zu does not end in LF", start);
        total += n;
    }
    FUZZ_CHECK(total == k->len && pos == k->len, "chunks cover %zu of %zu",
               total, k->len);
}

static void
one_type(uint32_t type, const uint8_t *data, size_t size, unsigned sel)
{
    struct keylog_opts opts = {.strict = (sel >> 2) & 1};
    struct keylog k;
    size_t cut = size == 0 ? 0 : (size_t)(sel * 2654435761u) % (size + 1);
    uint64_t raw = 0;

    keylog_init(&k, type);
    add(&k, "a.keys", data, cut, &opts, &raw);
    add(&k, "b.keys", data + cut, size - cut, &opts, &raw);
    add(&k, "c.keys", data, size, &opts, &raw);
    check_text(&k);
    if (!k.validated)
        FUZZ_CHECK(k.len == raw, "raw length %zu, expected %llu", k.len,
                   (unsigned long long)raw);
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
