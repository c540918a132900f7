/*
 * test_tls.c - libcheck suite for tls.c: real ClientHellos and
 * ServerHellos captured from openssl s_client/s_server on loopback (TLS
 * 1.3 with SNI, ALPN and supported_versions; TLS 1.2; a HelloRetryRequest;
 * DTLS 1.2 with a cookie), GREASE, SNI and ALPN cleaning and cutting, every
 * truncation of a body, every vector length made to overrun its parent,
 * the version names and the record plausibility tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "captured.h"
#include "testutil.h"
#include "traffic/tls.h"

/* TLS 1.2 ClientHello record, openssl s_client -tls1_2 -servername www.test.org
 * (205 bytes) */
static const uint8_t ch12_record[] = {
    0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03, 0x1c,
    0x1e, 0xdc, 0x6b, 0xa4, 0xc2, 0x09, 0x39, 0xb4, 0xe0, 0x0a, 0x97, 0x79,
    0x5b, 0x74, 0xf3, 0x47, 0x0c, 0x71, 0x70, 0xc2, 0xe3, 0x57, 0x35, 0x7a,
    0x9e, 0xcd, 0x3b, 0x06, 0x6a, 0xfe, 0x9c, 0x00, 0x00, 0x38, 0xc0, 0x2c,
    0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa, 0xc0, 0x2b,
    0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b, 0xc0, 0x23,
    0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39, 0xc0, 0x09,
    0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d, 0x00, 0x3c,
    0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0x63, 0x00, 0x00,
    0x00, 0x11, 0x00, 0x0f, 0x00, 0x00, 0x0c, 0x77, 0x77, 0x77, 0x2e, 0x74,
    0x65, 0x73, 0x74, 0x2e, 0x6f, 0x72, 0x67, 0x00, 0x0b, 0x00, 0x04, 0x03,
    0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x1d, 0x00,
    0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18, 0x00, 0x16, 0x00, 0x00, 0x00,
    0x17, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05,
    0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08,
    0x0b, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06,
    0x01, 0x03, 0x03, 0x03, 0x01, 0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06,
    0x02,
};

/* TLS 1.3 HelloRetryRequest record, s_server -groups P-256 (93 bytes) */
static const uint8_t hrr_record[] = {
    0x16, 0x03, 0x03, 0x00, 0x58, 0x02, 0x00, 0x00, 0x54, 0x03, 0x03, 0xcf,
    0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e,
    0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07,
    0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c, 0x20, 0x6f, 0x7b, 0xa0, 0xc6,
    0x02, 0x26, 0x7d, 0xe7, 0x6a, 0xef, 0x2c, 0x1a, 0x47, 0x85, 0xa1, 0x79,
    0x82, 0xe6, 0xbb, 0xab, 0xe6, 0x77, 0x60, 0xc6, 0xd4, 0x53, 0x39, 0xdc,
    0x7f, 0x4c, 0x0b, 0x12, 0x13, 0x02, 0x00, 0x00, 0x0c, 0x00, 0x2b, 0x00,
    0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17,
};

/* The handshake body of a TLS record holding one whole message. */
static const uint8_t *
record_body(const uint8_t *rec, size_t *len)
{
    *len = (size_t)rec[6] << 16 | (size_t)rec[7] << 8 | rec[8];
    return rec + 9;
}

static void
hex32(const char *hex, uint8_t out[32])
{
    unsigned i, v;

    for (i = 0; i < 32; i++) {
        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

/* A ClientHello body under construction: vectors are opened and closed,
 * their lengths patched in, and the offset and width of each length field
 * remembered so that a test can corrupt it. */
struct builder {
    uint8_t b[2048];
    size_t n;
    size_t open[8][2]; /* offset, width */
    unsigned depth;
    size_t fields[32][2];
    unsigned n_fields;
};

static void
put(struct builder *w, const void *p, size_t n)
{
    ck_assert_uint_le(n, sizeof(w->b) - w->n);
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void
put16(struct builder *w, unsigned v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

    put(w, b, 2);
}

static void
vec_open(struct builder *w, size_t width)
{
    static const uint8_t zero[2];

    ck_assert_uint_lt(w->depth, 8);
    w->open[w->depth][0] = w->n;
    w->open[w->depth][1] = width;
    w->depth++;
    put(w, zero, width);
}

static void
vec_close(struct builder *w)
{
    size_t at, width, len;

    ck_assert_uint_gt(w->depth, 0);
    w->depth--;
    at = w->open[w->depth][0];
    width = w->open[w->depth][1];
    len = w->n - at - width;
    if (width == 1) {
        w->b[at] = (uint8_t)len;
    } else {
        w->b[at] = (uint8_t)(len >> 8);
        w->b[at + 1] = (uint8_t)len;
    }
    ck_assert_uint_lt(w->n_fields, 32);
    w->fields[w->n_fields][0] = at;
    w->fields[w->n_fields][1] = width;
    w->n_fields++;
}

/* An extension with a body of nested vectors is built by the caller
 * between ext_open and vec_close. */
static void
ext_open(struct builder *w, unsigned type)
{
    put16(w, type);
    vec_open(w, 2);
}

/* A ClientHello with the given supported_versions list (n entries), an
 * SNI, ALPN "h2" and "http/1.1", and a GREASE extension. */
static void
build_client_hello(struct builder *w, const uint16_t *versions, size_t n,
                   const char *sni)
{
    static const uint8_t random[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const uint8_t sid[32] = {0xaa};
    static const uint8_t grease_body[1] = {0};
    size_t i;

    memset(w, 0, sizeof(*w));
    put16(w, 0x0303);
    put(w, random, 32);
    vec_open(w, 1);
    put(w, sid, 32);
    vec_close(w);
    vec_open(w, 2);
    put16(w, 0x1a1a);
    put16(w, 0x1301);
    put16(w, 0xc02f);
    vec_close(w);
    vec_open(w, 1);
    put(w, "\0", 1);
    vec_close(w);
    vec_open(w, 2); /* extensions */
    ext_open(w, 0x3a3a);
    put(w, grease_body, 1);
    vec_close(w);
    ext_open(w, 0); /* server_name */
    vec_open(w, 2);
    put(w, "\0", 1);
    vec_open(w, 2);
    put(w, sni, strlen(sni));
    vec_close(w);
    vec_close(w);
    vec_close(w);
    ext_open(w, 16); /* ALPN */
    vec_open(w, 2);
    vec_open(w, 1);
    put(w, "h2", 2);
    vec_close(w);
    vec_open(w, 1);
    put(w, "http/1.1", 8);
    vec_close(w);
    vec_close(w);
    vec_close(w);
    ext_open(w, 43); /* supported_versions */
    vec_open(w, 1);
    for (i = 0; i < n; i++)
        put16(w, versions[i]);
    vec_close(w);
    vec_close(w);
    vec_close(w); /* extensions */
}

START_TEST(tls13_client_hello)
{
    struct tls_hello h;
    uint8_t random[32];
    const uint8_t *body;
    size_t len;

    body = record_body(ch13_record, &len);
    ck_assert_uint_eq(len + 9, sizeof(ch13_record));
    ck_assert_int_eq(tls_hello_parse(1, body, len, false, &h), 1);
    ck_assert_uint_eq(h.type, TLS_HT_CLIENT_HELLO);
    ck_assert_uint_eq(h.legacy_version, 0x0303);
    ck_assert_uint_eq(h.version, 0x0304);
    hex32("1cf139020d59c49f636d8d02d93fd5a98bbaabcfa7ec4e21a589928a9005df81",
          random);
    ck_assert_mem_eq(h.random, random, 32);
    ck_assert_str_eq(h.sni, "example.com");
    ck_assert_str_eq(h.alpn, "h2,http/1.1");
    ck_assert(!h.hrr);
}
END_TEST

START_TEST(tls12_client_hello)
{
    struct tls_hello h;
    uint8_t random[32];
    const uint8_t *body;
    size_t len;

    body = record_body(ch12_record, &len);
    ck_assert_int_eq(tls_hello_parse(1, body, len, false, &h), 1);
    ck_assert_uint_eq(h.version, 0x0303);
    ck_assert_uint_eq(h.legacy_version, 0x0303);
    hex32("1c1edc6ba4c20939b4e00a97795b74f3470c7170c2e357357a9ecd3b066afe9c",
          random);
    ck_assert_mem_eq(h.random, random, 32);
    ck_assert_str_eq(h.sni, "www.test.org");
    ck_assert_str_eq(h.alpn, "");
}
END_TEST

/* A TLS 1.0-1.2 ClientHello may end after the compression methods. */
START_TEST(client_hello_without_extensions)
{
    static const uint8_t body[] = {
        0x03, 0x01, 1,  2,  3,  4,  5,  6,    7,    8,    9,    10,   11,  12,
        13,   14,   15, 16, 17, 18, 19, 20,   21,   22,   23,   24,   25,  26,
        27,   28,   29, 30, 31, 32, 0,  0x00, 0x02, 0x00, 0x2f, 0x01, 0x00};
    struct tls_hello h;

    ck_assert_int_eq(tls_hello_parse(1, body, sizeof(body), false, &h), 1);
    ck_assert_uint_eq(h.version, 0x0301);
    ck_assert_uint_eq(h.random[31], 32);
    ck_assert_str_eq(h.sni, "");
}
END_TEST

START_TEST(tls13_server_hello)
{
    struct tls_hello h;
    uint8_t random[32];
    const uint8_t *body;
    size_t len;

    body = record_body(sh13_record, &len);
    ck_assert_int_eq(tls_hello_parse(2, body, len, false, &h), 1);
    ck_assert_uint_eq(h.type, TLS_HT_SERVER_HELLO);
    ck_assert_uint_eq(h.legacy_version, 0x0303);
    ck_assert_uint_eq(h.version, 0x0304);
    ck_assert_uint_eq(h.cipher, 0x1302);
    ck_assert(!h.hrr);
    hex32("db784eba3c22bfced779d7c076897544ad2bffd86a257e905a8b0d36541117ab",
          random);
    ck_assert_mem_eq(h.random, random, 32);
}
END_TEST

START_TEST(hello_retry_request)
{
    struct tls_hello h;
    const uint8_t *body;
    size_t len;

    body = record_body(hrr_record, &len);
    ck_assert_int_eq(tls_hello_parse(2, body, len, false, &h), 1);
    ck_assert(h.hrr);
    ck_assert_uint_eq(h.version, 0x0304);
    ck_assert_uint_eq(h.cipher, 0x1302);
    /* The same bytes are no HRR when the random differs. */
    {
        uint8_t copy[sizeof(hrr_record)];

        memcpy(copy, hrr_record, sizeof(copy));
        copy[9 + 2 + 31] ^= 1;
        ck_assert_int_eq(tls_hello_parse(2, copy + 9, len, false, &h), 1);
        ck_assert(!h.hrr);
    }
}
END_TEST

START_TEST(grease_ignored)
{
    static const uint16_t v1[] = {0x1a1a, 0x0304, 0x0303, 0xfafa};
    static const uint16_t v2[] = {0x8a8a, 0x0302};
    static const uint16_t v3[] = {0x2a2a};
    struct builder w;
    struct tls_hello h;

    build_client_hello(&w, v1, 4, "grease.test");
    ck_assert_int_eq(tls_hello_parse(1, w.b, w.n, false, &h), 1);
    ck_assert_uint_eq(h.version, 0x0304);
    ck_assert_str_eq(h.sni, "grease.test");
    ck_assert_str_eq(h.alpn, "h2,http/1.1");
    build_client_hello(&w, v2, 2, "x");
    ck_assert_int_eq(tls_hello_parse(1, w.b, w.n, false, &h), 1);
    ck_assert_uint_eq(h.version, 0x0302);
    /* Only GREASE offered: the legacy version stands. */
    build_client_hello(&w, v3, 1, "x");
    ck_assert_int_eq(tls_hello_parse(1, w.b, w.n, false, &h), 1);
    ck_assert_uint_eq(h.version, 0x0303);
}
END_TEST

START_TEST(sni_cleaned_and_cut)
{
    static const uint16_t v[] = {0x0304};
    char name[400];
    struct builder w;
    struct tls_hello h;

    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    name[0] = '\x01';
    name[1] = '\x80';
    build_client_hello(&w, v, 1, name);
    ck_assert_int_eq(tls_hello_parse(1, w.b, w.n, false, &h), 1);
    ck_assert_uint_eq(strlen(h.sni), TLS_SNI_MAX);
    ck_assert_int_eq(h.sni[0], '?');
    ck_assert_int_eq(h.sni[1], '?');
    ck_assert_int_eq(h.sni[2], 'a');
}
END_TEST

START_TEST(dtls_client_hello_with_cookie)
{
    struct tls_hello h0, h1;
    const uint8_t *body;
    size_t len;

    /* record header 13, handshake header 12 */
    body = dtls_ch1 + 25;
    len = (size_t)dtls_ch1[14] << 16 | (size_t)dtls_ch1[15] << 8 | dtls_ch1[16];
    ck_assert_uint_eq(len + 25, sizeof(dtls_ch1));
    ck_assert_uint_gt(body[2 + 32 + 1 + body[34]], 0); /* a cookie */
    ck_assert_int_eq(tls_hello_parse(1, body, len, true, &h1), 1);
    ck_assert_uint_eq(h1.legacy_version, 0xfefd);
    ck_assert_uint_eq(h1.version, 0xfefd);
    ck_assert_str_eq(h1.sni, "dtls.test");
    /* The first ClientHello (empty cookie) has the same random. */
    body = dtls_ch0 + 25;
    len = sizeof(dtls_ch0) - 25;
    ck_assert_int_eq(tls_hello_parse(1, body, len, true, &h0), 1);
    ck_assert_mem_eq(h0.random, h1.random, 32);
    /* Read as TLS, the cookie is taken for the cipher suites. */
    ck_assert_int_eq(
        tls_hello_parse(1, dtls_ch1 + 25, sizeof(dtls_ch1) - 25, false, &h1),
        0);
}
END_TEST

START_TEST(dtls_server_hello)
{
    struct tls_hello h;

    ck_assert_int_eq(
        tls_hello_parse(2, dtls_sh + 25, sizeof(dtls_sh) - 25, true, &h), 1);
    ck_assert_uint_eq(h.version, 0xfefd);
    ck_assert(!h.hrr);
}
END_TEST

/* DTLS versions count down: 1.3 (0xFEFC) is higher than 1.2 (0xFEFD). */
START_TEST(dtls_highest_version)
{
    static const uint16_t v[] = {0xfefd, 0xfefc, 0xfeff, 0x0a0a};
    struct builder w;
    struct tls_hello h;
    uint8_t b[2048];

    build_client_hello(&w, v, 4, "d");
    /* insert an empty cookie after the session id (2 + 32 + 1 + 32) */
    memcpy(b, w.b, 67);
    b[67] = 0;
    memcpy(b + 68, w.b + 67, w.n - 67);
    ck_assert_int_eq(tls_hello_parse(1, b, w.n + 1, true, &h), 1);
    ck_assert_uint_eq(h.version, 0xfefc);
}
END_TEST

/* Every prefix of a real body: no crash, malformed except at the one
 * length where the hello ends after the compression methods; the random
 * is kept once it is complete. */
static void
all_truncations(uint8_t type, const uint8_t *body, size_t len, bool dtls,
                size_t no_ext_end)
{
    struct tls_hello h;
    size_t n;
    int r;

    for (n = 0; n < len; n++) {
        uint8_t *copy = malloc(n + 1);

        ck_assert_ptr_nonnull(copy);
        memcpy(copy, body, n);
        r = tls_hello_parse(type, copy, n, dtls, &h);
        ck_assert_msg(r == (n == no_ext_end), "length %zu: %d", n, r);
        if (n >= 34)
            ck_assert_mem_eq(h.random, body + 2, 32);
        free(copy);
    }
}

START_TEST(every_truncation)
{
    const uint8_t *body;
    size_t len, end;

    body = record_body(ch13_record, &len);
    end = 2 + 32 + 1 + body[34];
    end += 2 + ((size_t)body[end] << 8 | body[end + 1]);
    end += 1 + body[end];
    all_truncations(1, body, len, false, end);
    body = record_body(sh13_record, &len);
    all_truncations(2, body, len, false, 2 + 32 + 1 + body[34] + 3);
    body = dtls_ch1 + 25;
    len = sizeof(dtls_ch1) - 25;
    end = 2 + 32 + 1 + body[34];
    end += 1 + body[end];
    end += 2 + ((size_t)body[end] << 8 | body[end + 1]);
    end += 1 + body[end];
    all_truncations(1, body, len, true, end);
}
END_TEST

/* Each vector length of a built ClientHello, one more and (when not
 * zero) one less than its content: malformed, no crash, no read past the
 * body (the sanitizer build checks). */
START_TEST(lengths_overrun_parent)
{
    static const uint16_t v[] = {0x0304, 0x0303};
    struct builder w;
    struct tls_hello h;
    unsigned i, delta;

    build_client_hello(&w, v, 2, "example.org");
    ck_assert_int_eq(tls_hello_parse(1, w.b, w.n, false, &h), 1);
    for (i = 0; i < w.n_fields; i++) {
        for (delta = 0; delta < 2; delta++) {
            uint8_t *copy = malloc(w.n);
            size_t at = w.fields[i][0];
            unsigned val;

            ck_assert_ptr_nonnull(copy);
            memcpy(copy, w.b, w.n);
            val = w.fields[i][1] == 1 ? copy[at]
                                      : (unsigned)copy[at] << 8 | copy[at + 1];
            if (delta == 1 && val == 0) {
                free(copy);
                continue;
            }
            val = delta == 0 ? val + 1 : val - 1;
            if (w.fields[i][1] == 1) {
                copy[at] = (uint8_t)val;
            } else {
                copy[at] = (uint8_t)(val >> 8);
                copy[at + 1] = (uint8_t)val;
            }
            ck_assert_msg(tls_hello_parse(1, copy, w.n, false, &h) == 0,
                          "field at %zu %s 1", at, delta ? "-" : "+");
            free(copy);
        }
    }
}
END_TEST

START_TEST(odd_vectors)
{
    static const uint16_t v[] = {0x0304};
    struct builder w;
    struct tls_hello h;
    uint8_t copy[2048];

    build_client_hello(&w, v, 1, "x");
    /* session_id longer than 32 */
    memcpy(copy, w.b, w.n);
    copy[34] = 33;
    ck_assert_int_eq(tls_hello_parse(1, copy, w.n, false, &h), 0);
    /* odd cipher_suites length: fold a byte out of the session id */
    {
        static const uint8_t b[] = {
            3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,    0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0x13, 1, 0, 1, 0};

        ck_assert_int_eq(tls_hello_parse(1, b, sizeof(b), false, &h), 0);
    }
    /* empty cipher_suites, empty compression methods */
    {
        static const uint8_t b1[] = {3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        static const uint8_t b2[] = {
            3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,    0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x13, 1, 0};

        ck_assert_int_eq(tls_hello_parse(1, b1, sizeof(b1), false, &h), 0);
        ck_assert_int_eq(tls_hello_parse(1, b2, sizeof(b2), false, &h), 0);
    }
    /* trailing byte after the extensions */
    memcpy(copy, w.b, w.n);
    copy[w.n] = 0;
    ck_assert_int_eq(tls_hello_parse(1, copy, w.n + 1, false, &h), 0);
    /* not a hello type; NULL body */
    ck_assert_int_eq(tls_hello_parse(3, w.b, w.n, false, &h), 0);
    ck_assert_int_eq(tls_hello_parse(1, NULL, 0, false, &h), 0);
}
END_TEST

START_TEST(version_names)
{
    char buf[16];

    ck_assert_str_eq(tls_version_name(0x0304, buf, sizeof(buf)), "TLS 1.3");
    ck_assert_str_eq(tls_version_name(0x0301, buf, sizeof(buf)), "TLS 1.0");
    ck_assert_str_eq(tls_version_name(0x0300, buf, sizeof(buf)), "SSL 3.0");
    ck_assert_str_eq(tls_version_name(0xfefd, buf, sizeof(buf)), "DTLS 1.2");
    ck_assert_str_eq(tls_version_name(0xfeff, buf, sizeof(buf)), "DTLS 1.0");
    ck_assert_str_eq(tls_version_name(0xfefc, buf, sizeof(buf)), "DTLS 1.3");
    ck_assert_str_eq(tls_version_name(0x7f1d, buf, sizeof(buf)), "0x7f1d");
}
END_TEST

START_TEST(record_plausibility)
{
    static const uint8_t ok[] = {0x16, 0x03, 0x01, 0x01, 0x38};
    static const uint8_t big[] = {0x17, 0x03, 0x03, 0x48, 0x01};
    static const uint8_t ver[] = {0x16, 0x03, 0x05, 0x00, 0x10};
    static const uint8_t type[] = {0x18, 0x03, 0x03, 0x00, 0x10};
    static const uint8_t zero[] = {0x16, 0x03, 0x03, 0x00, 0x00};
    static const uint8_t http[] = {'G', 'E', 'T', ' ', '/'};
    static const uint8_t unified[] = {0x2c, 0x00, 0x01, 0x00, 0x01, 0xff};

    ck_assert(tls_record_plausible(ok, 5));
    ck_assert(!tls_record_plausible(ok, 4));
    ck_assert(tls_record_plausible(ch13_record, sizeof(ch13_record)));
    ck_assert(!tls_record_plausible(big, 5));
    ck_assert(!tls_record_plausible(ver, 5));
    ck_assert(!tls_record_plausible(type, 5));
    ck_assert(!tls_record_plausible(zero, 5));
    ck_assert(!tls_record_plausible(http, 5));
    ck_assert(dtls_record_plausible(dtls_ch0, sizeof(dtls_ch0)));
    ck_assert(!dtls_record_plausible(dtls_ch0, sizeof(dtls_ch0) - 1));
    ck_assert(!dtls_record_plausible(dtls_ch0, 12));
    ck_assert(!dtls_record_plausible(ch13_record, sizeof(ch13_record)));
    ck_assert(dtls_record_plausible(unified, sizeof(unified)));
    ck_assert(!dtls_record_plausible(http, sizeof(http)));
}
END_TEST

static Suite *
tls_suite(void)
{
    Suite *s = suite_create("tls");
    struct {
        const char *name;
        const TTest *test;
    } cases[] = {
        {"tls13_client_hello", tls13_client_hello},
        {"tls12_client_hello", tls12_client_hello},
        {"client_hello_without_extensions", client_hello_without_extensions},
        {"tls13_server_hello", tls13_server_hello},
        {"hello_retry_request", hello_retry_request},
        {"grease_ignored", grease_ignored},
        {"sni_cleaned_and_cut", sni_cleaned_and_cut},
        {"dtls_client_hello_with_cookie", dtls_client_hello_with_cookie},
        {"dtls_server_hello", dtls_server_hello},
        {"dtls_highest_version", dtls_highest_version},
        {"every_truncation", every_truncation},
        {"lengths_overrun_parent", lengths_overrun_parent},
        {"odd_vectors", odd_vectors},
        {"version_names", version_names},
        {"record_plausibility", record_plausibility},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TCase *tc = tcase_create(cases[i].name);

        tcase_add_test(tc, cases[i].test);
        suite_add_tcase(s, tc);
    }
    return s;
}

int
main(void)
{
    return tu_run(tls_suite());
}
