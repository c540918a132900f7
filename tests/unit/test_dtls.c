/*
 * test_dtls.c - libcheck suite for dtls.c: real DTLS 1.2 datagrams
 * (openssl s_client -dtls1_2 against s_server -listen on loopback: the
 * ClientHello without and with the HelloVerifyRequest cookie, the
 * ServerHello), a ClientHello in three fragments out of order with a
 * repeat, two records in a datagram, DTLS 1.3 unified-header records,
 * other epochs, and hostile fragments: past the message, too long,
 * overrunning the record, conflicting lengths, too many messages, every
 * truncation of a datagram.
 */
#include <stdlib.h>
#include <string.h>

#include "captured.h"
#include "testutil.h"
#include "traffic/dtls.h"
#include "traffic/tls.h"

/* The ClientHello of dtls_ch1: body after the 13 + 12 header bytes. */
#define CH1_BODY (dtls_ch1 + 25)
#define CH1_LEN (sizeof(dtls_ch1) - 25)
#define CH0_BODY (dtls_ch0 + 25)
#define CH0_LEN (sizeof(dtls_ch0) - 25)

struct seen {
    unsigned n;
    uint8_t type[8];
    size_t len[8];
    uint8_t body[8][512];
};

static void
on_msg(void *ctx, uint8_t type, const uint8_t *body, size_t len)
{
    struct seen *s = ctx;

    ck_assert_uint_lt(s->n, 8);
    s->type[s->n] = type;
    s->len[s->n] = len;
    if (len <= sizeof(s->body[0]))
        memcpy(s->body[s->n], body, len);
    s->n++;
}

static void
put24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

/* Appends to out one DTLS 1.2 handshake record (epoch 0 unless given)
 * holding one fragment [off, off + flen) of a message of msg_len bytes.
 * Returns the bytes written. */
static size_t
record(uint8_t *out, uint16_t epoch, uint8_t type, uint32_t msg_len,
       uint16_t seq, uint32_t off, uint32_t flen, const uint8_t *data)
{
    size_t rlen = 12 + flen;

    out[0] = 22;
    out[1] = 0xfe;
    out[2] = 0xfd;
    out[3] = (uint8_t)(epoch >> 8);
    out[4] = (uint8_t)epoch;
    memset(out + 5, 0, 6);
    out[10] = (uint8_t)seq;
    out[11] = (uint8_t)(rlen >> 8);
    out[12] = (uint8_t)rlen;
    out[13] = type;
    put24(out + 14, msg_len);
    out[17] = (uint8_t)(seq >> 8);
    out[18] = (uint8_t)seq;
    put24(out + 19, off);
    put24(out + 22, flen);
    memcpy(out + 25, data + off, flen);
    return 13 + rlen;
}

START_TEST(client_hello_in_one_record)
{
    struct dtls_asm *a = dtls_asm_new();
    struct seen s = {0};
    struct tls_hello h;

    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(dtls_datagram(a, dtls_ch0, sizeof(dtls_ch0), on_msg, &s),
                     1);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.type[0], TLS_HT_CLIENT_HELLO);
    ck_assert_uint_eq(s.len[0], CH0_LEN);
    ck_assert_mem_eq(s.body[0], CH0_BODY, CH0_LEN);
    ck_assert_int_eq(tls_hello_parse(1, s.body[0], s.len[0], true, &h), 1);
    ck_assert_str_eq(h.sni, "dtls.test");
    /* nothing is held once the message is complete */
    ck_assert_uint_le(dtls_asm_memory(a), 4096);
    dtls_asm_free(a);
}
END_TEST

START_TEST(server_hello)
{
    struct dtls_asm *a = dtls_asm_new();
    struct seen s = {0};
    struct tls_hello h;

    ck_assert_int_eq(dtls_datagram(a, dtls_sh, sizeof(dtls_sh), on_msg, &s), 1);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.type[0], TLS_HT_SERVER_HELLO);
    ck_assert_int_eq(tls_hello_parse(2, s.body[0], s.len[0], true, &h), 1);
    ck_assert_uint_eq(h.version, 0xfefd);
    dtls_asm_free(a);
}
END_TEST

/* Three fragments, each its own datagram, delivered 3 1 3 2 (the repeat
 * before completion), then all again: one callback. */
START_TEST(fragments_out_of_order)
{
    static const unsigned order[] = {2, 0, 2, 1, 0, 1, 2};
    struct dtls_asm *a = dtls_asm_new();
    struct seen s = {0};
    uint32_t bounds[4] = {0, 70, 150, CH1_LEN};
    uint8_t d[600];
    size_t i, n;
    size_t base = dtls_asm_memory(a);

    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        unsigned k = order[i];

        n = record(d, 0, 1, CH1_LEN, 1, bounds[k], bounds[k + 1] - bounds[k],
                   CH1_BODY);
        ck_assert_int_eq(dtls_datagram(a, d, n, on_msg, &s), 1);
        ck_assert_uint_eq(s.n, i >= 3 ? 1 : 0);
        if (i == 1)
            ck_assert_uint_ge(dtls_asm_memory(a), base + CH1_LEN);
        if (i == 3)
            ck_assert_uint_eq(dtls_asm_memory(a), base);
    }
    ck_assert_uint_eq(s.len[0], CH1_LEN);
    ck_assert_mem_eq(s.body[0], CH1_BODY, CH1_LEN);
    dtls_asm_free(a);
}
END_TEST

/* Overlapping fragments of every size, and byte by byte backwards. */
START_TEST(fragments_every_size)
{
    struct dtls_asm *a;
    struct seen s;
    uint8_t d[600];
    size_t n, step, off;
    int k;

    for (step = 1; step < CH1_LEN; step += 5) {
        a = dtls_asm_new();
        memset(&s, 0, sizeof(s));
        for (off = 0; off < CH1_LEN; off += step) {
            size_t len = CH1_LEN - off < step + 3 ? CH1_LEN - off : step + 3;

            n = record(d, 0, 1, CH1_LEN, 1, (uint32_t)off, (uint32_t)len,
                       CH1_BODY);
            dtls_datagram(a, d, n, on_msg, &s);
        }
        ck_assert_uint_eq(s.n, 1);
        ck_assert_mem_eq(s.body[0], CH1_BODY, CH1_LEN);
        dtls_asm_free(a);
    }
    /* byte by byte from the end: the holes never exceed one range */
    a = dtls_asm_new();
    memset(&s, 0, sizeof(s));
    for (k = (int)CH1_LEN - 1; k >= 0; k--) {
        n = record(d, 0, 1, CH1_LEN, 1, (uint32_t)k, 1, CH1_BODY);
        dtls_datagram(a, d, n, on_msg, &s);
    }
    ck_assert_uint_eq(s.n, 1);
    ck_assert_mem_eq(s.body[0], CH1_BODY, CH1_LEN);
    dtls_asm_free(a);
}
END_TEST

/* RFC 6347 §4.2.1: ClientHello (message_seq 0), HelloVerifyRequest,
 * ClientHello with the cookie (message_seq 1): two callbacks, one random;
 * a retransmitted first ClientHello is not reported again. */
START_TEST(hello_verify_request_flow)
{
    struct dtls_asm *a = dtls_asm_new();
    struct seen s = {0};
    struct tls_hello h0, h1;

    ck_assert_int_eq(dtls_datagram(a, dtls_ch0, sizeof(dtls_ch0), on_msg, &s),
                     1);
    ck_assert_int_eq(dtls_datagram(a, dtls_ch1, sizeof(dtls_ch1), on_msg, &s),
                     1);
    ck_assert_int_eq(dtls_datagram(a, dtls_ch0, sizeof(dtls_ch0), on_msg, &s),
                     1);
    ck_assert_int_eq(dtls_datagram(a, dtls_ch1, sizeof(dtls_ch1), on_msg, &s),
                     1);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_int_eq(tls_hello_parse(1, s.body[0], s.len[0], true, &h0), 1);
    ck_assert_int_eq(tls_hello_parse(1, s.body[1], s.len[1], true, &h1), 1);
    ck_assert_mem_eq(h0.random, h1.random, 32);
    ck_assert_uint_ne(s.len[0], s.len[1]);
    dtls_asm_free(a);
}
END_TEST

/* Two records in one datagram: the message in two halves, then a
 * ServerHello record followed by a ChangeCipherSpec record. */
START_TEST(two_records_in_one_datagram)
{
    struct dtls_asm *a = dtls_asm_new();
    struct seen s = {0};
    uint8_t d[700];
    size_t n;

    n = record(d, 0, 1, CH1_LEN, 1, 100, CH1_LEN - 100, CH1_BODY);
    n += record(d + n, 0, 1, CH1_LEN, 1, 0, 100, CH1_BODY);
    ck_assert_int_eq(dtls_datagram(a, d, n, on_msg, &s), 2);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_mem_eq(s.body[0], CH1_BODY, CH1_LEN);
    dtls_asm_free(a);

    a = dtls_asm_new();
    memcpy(d, dtls_sh, sizeof(dtls_sh));
    memcpy(d + sizeof(dtls_sh),
           "\x14\xfe\xfd\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x01", 14);
    ck_assert_int_eq(dtls_datagram(a, d, sizeof(dtls_sh) + 14, on_msg, &s), 2);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_uint_eq(s.type[1], TLS_HT_SERVER_HELLO);
    dtls_asm_free(a);
}
END_TEST

/* RFC 9147 §4: 001CSLEE. With the L bit the record is skipped by its
 * length; without it, or with a connection ID, it ends the datagram. */
START_TEST(unified_header_skipped)
{
    /* S and L set: 16-bit sequence number, 16-bit length 4 */
    static const uint8_t uh[] = {0x2d, 0x12, 0x34, 0x00, 0x04,
                                 0xde, 0xad, 0xbe, 0xef};
    struct dtls_asm *a = dtls_asm_new();
    struct seen s = {0};
    uint8_t d[600];

    memcpy(d, uh, sizeof(uh));
    memcpy(d + sizeof(uh), dtls_ch0, sizeof(dtls_ch0));
    ck_assert_int_eq(
        dtls_datagram(a, d, sizeof(uh) + sizeof(dtls_ch0), on_msg, &s), 2);
    ck_assert_uint_eq(s.n, 1);
    /* no length: the rest of the datagram is that record */
    d[0] = 0x29;
    ck_assert_int_eq(
        dtls_datagram(a, d, sizeof(uh) + sizeof(dtls_ch0), on_msg, &s), 1);
    /* a connection ID: its length is unknown, the walk ends */
    d[0] = 0x3d;
    ck_assert_int_eq(
        dtls_datagram(a, d, sizeof(uh) + sizeof(dtls_ch0), on_msg, &s), 1);
    /* a length past the datagram */
    d[0] = 0x2d;
    d[3] = 0x40;
    ck_assert_int_eq(dtls_datagram(a, d, sizeof(uh), on_msg, &s), 1);
    ck_assert_uint_eq(s.n, 1);
    dtls_asm_free(a);
}
END_TEST

/* A handshake record of epoch 1 is encrypted: counted, not read. */
START_TEST(other_epoch_ignored)
{
    struct dtls_asm *a = dtls_asm_new();
    struct seen s = {0};
    uint8_t d[600];
    size_t n;

    n = record(d, 1, 1, CH1_LEN, 1, 0, CH1_LEN, CH1_BODY);
    ck_assert_int_eq(dtls_datagram(a, d, n, on_msg, &s), 1);
    ck_assert_uint_eq(s.n, 0);
    dtls_asm_free(a);
}
END_TEST

START_TEST(hostile_fragments)
{
    static const uint8_t zeros[700];
    struct dtls_asm *a = dtls_asm_new();
    struct seen s = {0};
    uint8_t d[700];
    size_t n, base = dtls_asm_memory(a);
    unsigned i;

    /* fragment_offset + fragment_length > length */
    n = record(d, 0, 1, 100, 0, 50, 51, CH1_BODY);
    ck_assert_int_eq(dtls_datagram(a, d, n, on_msg, &s), 1);
    n = record(d, 0, 1, 100, 0, 0, 101, CH1_BODY);
    ck_assert_int_eq(dtls_datagram(a, d, n, on_msg, &s), 1);
    /* offset near 2^24 */
    n = record(d, 0, 1, 100, 0, 0, 10, CH1_BODY);
    put24(d + 19, 0xfffffa);
    ck_assert_int_eq(dtls_datagram(a, d, n, on_msg, &s), 1);
    /* length > TLS_HELLO_MAX: nothing allocated */
    n = record(d, 0, 1, TLS_HELLO_MAX + 1, 0, 0, 100, CH1_BODY);
    ck_assert_int_eq(dtls_datagram(a, d, n, on_msg, &s), 1);
    ck_assert_uint_eq(dtls_asm_memory(a), base);
    /* fragment_length beyond the record */
    n = record(d, 0, 1, CH1_LEN, 0, 0, CH1_LEN, CH1_BODY);
    put24(d + 22, CH1_LEN + 1);
    ck_assert_int_eq(dtls_datagram(a, d, n, on_msg, &s), 1);
    /* record length beyond the datagram */
    n = record(d, 0, 1, CH1_LEN, 0, 0, CH1_LEN, CH1_BODY);
    ck_assert_int_eq(dtls_datagram(a, d, n - 1, on_msg, &s), 0);
    /* a fragment whose message length disagrees with the pending one */
    n = record(d, 0, 1, CH1_LEN, 3, 0, 100, CH1_BODY);
    dtls_datagram(a, d, n, on_msg, &s);
    n = record(d, 0, 1, CH1_LEN + 1, 3, 100, CH1_LEN - 99, zeros);
    dtls_datagram(a, d, n, on_msg, &s);
    ck_assert_uint_eq(s.n, 0);
    /* many messages pending: memory stays bounded */
    for (i = 0; i < 50; i++) {
        n = record(d, 0, 1, TLS_HELLO_MAX, (uint16_t)(10 + i), 0, 100,
                   CH1_BODY);
        dtls_datagram(a, d, n, on_msg, &s);
    }
    ck_assert_uint_le(dtls_asm_memory(a),
                      base + DTLS_MAX_PENDING * (size_t)TLS_HELLO_MAX);
    ck_assert_uint_eq(s.n, 0);
    /* not DTLS at all */
    ck_assert_int_eq(
        dtls_datagram(a, (const uint8_t *)"GET / HTTP/1.1", 14, on_msg, &s), 0);
    ck_assert_int_eq(dtls_datagram(a, d, 0, on_msg, &s), 0);
    dtls_asm_free(a);
}
END_TEST

/* Every prefix of each real datagram: no crash, no callback; the whole
 * datagram completes. Each prefix is copied so that the sanitizer build
 * sees reads past it. */
START_TEST(every_truncation)
{
    const uint8_t *dg[] = {dtls_ch0, dtls_ch1, dtls_sh};
    size_t dl[] = {sizeof(dtls_ch0), sizeof(dtls_ch1), sizeof(dtls_sh)};
    struct dtls_asm *a;
    struct seen s;
    size_t k, n;

    for (k = 0; k < 3; k++) {
        a = dtls_asm_new();
        memset(&s, 0, sizeof(s));
        for (n = 0; n < dl[k]; n++) {
            uint8_t *copy = malloc(n + 1);

            ck_assert_ptr_nonnull(copy);
            memcpy(copy, dg[k], n);
            ck_assert_int_eq(dtls_datagram(a, copy, n, on_msg, &s), 0);
            free(copy);
        }
        ck_assert_uint_eq(s.n, 0);
        ck_assert_int_eq(dtls_datagram(a, dg[k], dl[k], on_msg, &s), 1);
        ck_assert_uint_eq(s.n, 1);
        dtls_asm_free(a);
    }
    dtls_asm_free(NULL);
}
END_TEST

static Suite *
dtls_suite(void)
{
    Suite *s = suite_create("dtls");
    struct {
        const char *name;
        const TTest *test;
    } cases[] = {
        {"client_hello_in_one_record", client_hello_in_one_record},
        {"server_hello", server_hello},
        {"fragments_out_of_order", fragments_out_of_order},
        {"fragments_every_size", fragments_every_size},
        {"hello_verify_request_flow", hello_verify_request_flow},
        {"two_records_in_one_datagram", two_records_in_one_datagram},
        {"unified_header_skipped", unified_header_skipped},
        {"other_epoch_ignored", other_epoch_ignored},
        {"hostile_fragments", hostile_fragments},
        {"every_truncation", every_truncation},
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
    return tu_run(dtls_suite());
}
