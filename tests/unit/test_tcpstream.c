/*
 * test_tcpstream.c - libcheck suite for tcpstream.c: a real TLS 1.3
 * ClientHello record (openssl s_client on loopback) cut at every byte over
 * two segments in order and reversed, three segments in every order,
 * retransmits and overlaps, a hello spanning two records, sequence numbers
 * wrapping past 2^32, streams without a SYN, plaintext before TLS (SMTP
 * STARTTLS, the PostgreSQL SSLRequest), plaintext that never turns into
 * TLS, an oversized message, other record types mid-message, the
 * filled-ranges limit, the server's direction (ServerHello), an
 * SSLv2-compatible ClientHello, and memory accounting.
 */
#include <stdlib.h>
#include <string.h>

#include "captured.h"
#include "testutil.h"
#include "traffic/tcpstream.h"
#include "traffic/tls.h"

#define CH_LEN sizeof(ch13_record)
#define CH_BODY (ch13_record + 9)
#define CH_BODY_LEN (CH_LEN - 9)

static void
assert_hello(const struct tcpstream *s, const uint8_t *body, size_t len)
{
    const uint8_t *m;
    size_t n;

    ck_assert_int_eq(s->state, TCPS_DONE);
    m = tcpstream_message(s, &n);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(n, len);
    ck_assert_mem_eq(m, body, len);
}

static void
assert_client_hello(const struct tcpstream *s)
{
    assert_hello(s, CH_BODY, CH_BODY_LEN);
}

/* Adds [from, to) of stream data (stream offset 0 at seq base). */
static enum tcps_state
add_part(struct tcpstream *s, uint32_t base, const uint8_t *data, size_t from,
         size_t to)
{
    return tcpstream_add(s, base + (uint32_t)from, data + from, to - from);
}

START_TEST(cut_every_byte_in_order)
{
    static const uint32_t isns[] = {1000, 0xfffffff0u, 0xffffff00u};
    struct tcpstream s;
    size_t cut, k;

    for (k = 0; k < 3; k++) {
        for (cut = 1; cut < CH_LEN; cut++) {
            uint32_t base = isns[k] + 1;

            tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
            tcpstream_syn(&s, isns[k]);
            ck_assert_int_eq(add_part(&s, base, ch13_record, 0, cut),
                             TCPS_WAIT);
            ck_assert_int_eq(add_part(&s, base, ch13_record, cut, CH_LEN),
                             TCPS_DONE);
            assert_client_hello(&s);
            tcpstream_free(&s);
        }
    }
}
END_TEST

START_TEST(cut_every_byte_reversed)
{
    struct tcpstream s;
    size_t cut;

    for (cut = 1; cut < CH_LEN; cut++) {
        tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
        tcpstream_syn(&s, 77);
        ck_assert_int_eq(add_part(&s, 78, ch13_record, cut, CH_LEN), TCPS_WAIT);
        ck_assert_int_eq(add_part(&s, 78, ch13_record, 0, cut), TCPS_DONE);
        assert_client_hello(&s);
        tcpstream_free(&s);
    }
}
END_TEST

/* Three segments in each of the six orders, for a spread of cuts. */
START_TEST(three_segments_reordered)
{
    static const unsigned orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                          {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    struct tcpstream s;
    size_t a, b, bounds[4];
    unsigned o, i;

    for (a = 1; a < CH_LEN - 1; a += 7) {
        for (b = a + 1; b < CH_LEN; b += 13) {
            bounds[0] = 0;
            bounds[1] = a;
            bounds[2] = b;
            bounds[3] = CH_LEN;
            for (o = 0; o < 6; o++) {
                tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
                tcpstream_syn(&s, 0x7fffffffu);
                for (i = 0; i < 3; i++) {
                    unsigned j = orders[o][i];
                    enum tcps_state st = add_part(&s, 0x80000000u, ch13_record,
                                                  bounds[j], bounds[j + 1]);

                    ck_assert_int_eq(st, i == 2 ? TCPS_DONE : TCPS_WAIT);
                }
                assert_client_hello(&s);
                tcpstream_free(&s);
            }
        }
    }
}
END_TEST

START_TEST(retransmits_and_overlaps)
{
    struct tcpstream s;

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 5);
    ck_assert_int_eq(add_part(&s, 6, ch13_record, 50, 200), TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, 6, ch13_record, 50, 200), TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, 6, ch13_record, 0, 100), TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, 6, ch13_record, 0, 150), TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, 6, ch13_record, 10, 20), TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, 6, ch13_record, 250, CH_LEN), TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, 6, ch13_record, 190, 260), TCPS_DONE);
    assert_client_hello(&s);
    /* Once done, more segments change nothing. */
    ck_assert_int_eq(add_part(&s, 6, ch13_record, 0, CH_LEN), TCPS_DONE);
    assert_client_hello(&s);
    tcpstream_free(&s);

    /* A retransmit that starts before the stream (it repeats the SYN's
     * sequence number) is cut to the stream start. */
    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 5);
    {
        uint8_t b[CH_LEN + 3] = {0xee, 0xee, 0xee};

        memcpy(b + 3, ch13_record, CH_LEN);
        ck_assert_int_eq(tcpstream_add(&s, 3, b, 100), TCPS_WAIT);
        ck_assert_int_eq(tcpstream_add(&s, 3, b, sizeof(b)), TCPS_DONE);
    }
    assert_client_hello(&s);
    tcpstream_free(&s);
}
END_TEST

/* The message body split over two records: first record holds first
 * bytes of the message. Returns the stream length. */
static size_t
two_records(uint8_t *out, size_t first)
{
    size_t msg = CH_LEN - 5, second = msg - first;

    memcpy(out, "\x16\x03\x01", 3);
    out[3] = (uint8_t)(first >> 8);
    out[4] = (uint8_t)first;
    memcpy(out + 5, ch13_record + 5, first);
    memcpy(out + 5 + first, "\x16\x03\x03", 3);
    out[5 + first + 3] = (uint8_t)(second >> 8);
    out[5 + first + 4] = (uint8_t)second;
    memcpy(out + 10 + first, ch13_record + 5 + first, second);
    return 10 + msg;
}

START_TEST(hello_spans_two_records)
{
    uint8_t b[CH_LEN + 5];
    struct tcpstream s;
    size_t first, n, cut;

    for (first = 1; first < CH_LEN - 5; first += 3) {
        n = two_records(b, first);
        for (cut = 1; cut < n; cut += 11) {
            tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
            tcpstream_syn(&s, 0xfffffffeu);
            ck_assert_int_eq(add_part(&s, 0xffffffffu, b, cut, n), TCPS_WAIT);
            ck_assert_int_eq(add_part(&s, 0xffffffffu, b, 0, cut), TCPS_DONE);
            assert_client_hello(&s);
            tcpstream_free(&s);
        }
    }
    /* A record of another type before the message is complete. */
    n = two_records(b, 100);
    b[105] = 23;
    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 1);
    ck_assert_int_eq(add_part(&s, 2, b, 0, n), TCPS_FAILED);
    ck_assert_ptr_null(tcpstream_message(&s, NULL));
    tcpstream_free(&s);
}
END_TEST

/* Byte by byte across 2^32, the stream's byte 0 the last sequence number
 * before the wrap. */
START_TEST(sequence_wraparound)
{
    struct tcpstream s;
    size_t i;

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 0xfffffffeu);
    for (i = CH_LEN; i-- > 1;)
        ck_assert_int_eq(add_part(&s, 0xffffffffu, ch13_record, i, i + 1),
                         TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, 0xffffffffu, ch13_record, 0, 1), TCPS_DONE);
    assert_client_hello(&s);
    tcpstream_free(&s);
}
END_TEST

START_TEST(no_syn)
{
    static const uint8_t junk[] = "\x17\x03\x03\x00\x10not a hello";
    struct tcpstream s;
    uint32_t base = 0xffffff80u;

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    /* data that does not start the wanted record: ignored, nothing held */
    ck_assert_int_eq(tcpstream_add(&s, 17, junk, sizeof(junk) - 1), TCPS_WAIT);
    ck_assert(!s.have_base);
    ck_assert_uint_eq(tcpstream_memory(&s), 0);
    /* the second segment before the first is lost (it cannot be placed),
     * the retransmit completes the message */
    ck_assert_int_eq(add_part(&s, base, ch13_record, 200, CH_LEN), TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, base, ch13_record, 0, 200), TCPS_WAIT);
    ck_assert(s.have_base);
    ck_assert_uint_eq(s.base, base);
    /* a segment before the base is ignored */
    ck_assert_int_eq(tcpstream_add(&s, base - 10, junk, 10), TCPS_WAIT);
    ck_assert_int_eq(add_part(&s, base, ch13_record, 200, CH_LEN), TCPS_DONE);
    assert_client_hello(&s);
    tcpstream_free(&s);
}
END_TEST

/* Plaintext lines, then the ClientHello; every cut of the whole stream
 * over two segments, both orders. */
static void
plaintext_then_hello(const uint8_t *pre, size_t pre_len)
{
    uint8_t b[CH_LEN + 128];
    struct tcpstream s;
    size_t n = pre_len + CH_LEN, cut;

    ck_assert_uint_le(n, sizeof(b));
    memcpy(b, pre, pre_len);
    memcpy(b + pre_len, ch13_record, CH_LEN);
    for (cut = 1; cut < n; cut++) {
        tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
        tcpstream_syn(&s, 4242);
        ck_assert_int_eq(add_part(&s, 4243, b, 0, cut), TCPS_WAIT);
        ck_assert_int_eq(add_part(&s, 4243, b, cut, n), TCPS_DONE);
        assert_client_hello(&s);
        tcpstream_free(&s);

        tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
        tcpstream_syn(&s, 4242);
        ck_assert_int_eq(add_part(&s, 4243, b, cut, n), TCPS_WAIT);
        ck_assert_int_eq(add_part(&s, 4243, b, 0, cut), TCPS_DONE);
        assert_client_hello(&s);
        tcpstream_free(&s);
    }
}

START_TEST(smtp_starttls)
{
    static const char smtp[] = "EHLO client.example.org\r\nSTARTTLS\r\n";

    plaintext_then_hello((const uint8_t *)smtp, sizeof(smtp) - 1);
}
END_TEST

START_TEST(postgres_sslrequest)
{
    /* Int32 length 8, Int32 80877103: the request contains 0x16. */
    static const uint8_t ssl_request[] = {0x00, 0x00, 0x00, 0x08,
                                          0x04, 0xd2, 0x16, 0x2f};

    plaintext_then_hello(ssl_request, sizeof(ssl_request));
}
END_TEST

START_TEST(http_is_not_tls)
{
    static const char req[] =
        "GET /index.html HTTP/1.1\r\nHost: example.org\r\n"
        "User-Agent: test\r\nAccept: */*\r\nX-Pad: 0123456789\r\n\r\n";
    struct tcpstream s;
    uint32_t seq = 1;
    size_t total = 0;
    enum tcps_state st = TCPS_WAIT;

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 0);
    while (st == TCPS_WAIT && total < TCPSTREAM_PLAIN_MAX + 1000) {
        st = tcpstream_add(&s, seq, (const uint8_t *)req, sizeof(req) - 1);
        seq += sizeof(req) - 1;
        total += sizeof(req) - 1;
    }
    ck_assert_int_eq(st, TCPS_FAILED);
    ck_assert_uint_le(total, TCPSTREAM_PLAIN_MAX + 16 + sizeof(req));
    ck_assert_uint_eq(tcpstream_memory(&s), 0);
    ck_assert_ptr_null(s.buf);
    ck_assert_ptr_null(tcpstream_message(&s, NULL));
    ck_assert_int_eq(tcpstream_add(&s, seq, ch13_record, CH_LEN), TCPS_FAILED);
    tcpstream_free(&s);
}
END_TEST

/* A binary first byte that no known prelude starts with fails at once,
 * as does a stream whose first record holds another handshake type. */
START_TEST(not_tls_at_once)
{
    static const uint8_t bin[] = {0x05, 0x01, 0x00};
    struct tcpstream s;

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 0);
    ck_assert_int_eq(tcpstream_add(&s, 1, bin, sizeof(bin)), TCPS_FAILED);
    tcpstream_free(&s);

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 0);
    ck_assert_int_eq(tcpstream_add(&s, 1, sh13_record, sizeof(sh13_record)),
                     TCPS_FAILED);
    tcpstream_free(&s);
}
END_TEST

START_TEST(message_too_long)
{
    /* handshake length TLS_HELLO_MAX + 1 */
    static const uint8_t big[] = {0x16, 0x03, 0x01, 0x40, 0x00, 0x01,
                                  0x01, 0x00, 0x01, 0x03, 0x03};
    struct tcpstream s;

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 9);
    ck_assert_int_eq(tcpstream_add(&s, 10, big, sizeof(big)), TCPS_FAILED);
    tcpstream_free(&s);
    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    ck_assert_int_eq(tcpstream_add(&s, 10, big, sizeof(big)), TCPS_FAILED);
    tcpstream_free(&s);
}
END_TEST

/* The largest message allowed, in 16 KiB records, after a SYN. */
START_TEST(largest_message)
{
    size_t msg = TLS_HELLO_MAX + 4, n = 0, at = 0, k;
    uint8_t *b = malloc(msg + 5 * 8);
    uint8_t *body = malloc(msg);
    struct tcpstream s;
    enum tcps_state st = TCPS_WAIT;

    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(body);
    for (k = 0; k < msg; k++)
        body[k] = (uint8_t)(k * 7);
    body[0] = 1;
    body[1] = (uint8_t)(TLS_HELLO_MAX >> 16);
    body[2] = (uint8_t)(TLS_HELLO_MAX >> 8);
    body[3] = (uint8_t)TLS_HELLO_MAX;
    body[4] = 3;
    body[5] = 3;
    while (at < msg) {
        k = msg - at < 16384 ? msg - at : 16384;
        b[n] = 0x16;
        b[n + 1] = 3;
        b[n + 2] = 3;
        b[n + 3] = (uint8_t)(k >> 8);
        b[n + 4] = (uint8_t)k;
        memcpy(b + n + 5, body + at, k);
        n += 5 + k;
        at += k;
    }
    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 0xffff0000u);
    for (k = 0; k < n && st == TCPS_WAIT; k += 1400)
        st = tcpstream_add(&s, 0xffff0001u + (uint32_t)k, b + k,
                           n - k < 1400 ? n - k : 1400);
    assert_hello(&s, body + 4, TLS_HELLO_MAX);
    ck_assert_uint_eq(tcpstream_memory(&s), TLS_HELLO_MAX);
    tcpstream_free(&s);
    free(b);
    free(body);
}
END_TEST

/* Every other byte as its own segment: the ninth hole is more than the
 * stream tracks, so that segment is dropped; the in-order retransmit
 * completes the message. */
START_TEST(range_limit)
{
    struct tcpstream s;
    size_t i;

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 0);
    for (i = 1; i < 40; i += 2)
        ck_assert_int_eq(add_part(&s, 1, ch13_record, i, i + 1), TCPS_WAIT);
    ck_assert_uint_eq(s.n_ranges, 8);
    ck_assert_int_eq(add_part(&s, 1, ch13_record, 0, CH_LEN), TCPS_DONE);
    assert_client_hello(&s);
    tcpstream_free(&s);
}
END_TEST

START_TEST(server_hello_other_direction)
{
    /* ServerHello, then ChangeCipherSpec and encrypted records in the
     * same segment */
    uint8_t b[sizeof(sh13_record) + 6 + 20];
    struct tcpstream s;
    size_t cut;

    memcpy(b, sh13_record, sizeof(sh13_record));
    memcpy(b + sizeof(sh13_record), "\x14\x03\x03\x00\x01\x01", 6);
    memcpy(b + sizeof(sh13_record) + 6, "\x17\x03\x03\x00\x0f", 5);
    memset(b + sizeof(sh13_record) + 11, 0x5a, 15);
    for (cut = 1; cut < sizeof(b); cut++) {
        tcpstream_init(&s, TLS_HT_SERVER_HELLO);
        tcpstream_syn(&s, 100000);
        add_part(&s, 100001, b, cut, sizeof(b));
        add_part(&s, 100001, b, 0, cut);
        assert_hello(&s, sh13_record + 9, sizeof(sh13_record) - 9);
        tcpstream_free(&s);
    }
    /* without a SYN */
    tcpstream_init(&s, TLS_HT_SERVER_HELLO);
    ck_assert_int_eq(tcpstream_add(&s, 3, b, sizeof(b)), TCPS_DONE);
    assert_hello(&s, sh13_record + 9, sizeof(sh13_record) - 9);
    tcpstream_free(&s);
    /* a ClientHello is not what the server direction wants */
    tcpstream_init(&s, TLS_HT_SERVER_HELLO);
    ck_assert_int_eq(tcpstream_add(&s, 3, ch13_record, CH_LEN), TCPS_WAIT);
    ck_assert(!s.have_base);
    tcpstream_free(&s);
}
END_TEST

/* RFC 5246 Appendix E.2: msg_length, msg_type 1, version, three lengths,
 * cipher specs, session id, challenge. */
START_TEST(sslv2_client_hello)
{
    static const uint8_t v2[] = {
        0x80, 0x22, 0x01, 0x03, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00, 0x10, 0x00,
        0x00, 0x2f, 0x01, 0x00, 0x80, 0x00, 0xc0, 0x14, 0xa1, 0xa2, 0xa3, 0xa4,
        0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0};
    struct tcpstream s;
    struct tls_hello h;
    const uint8_t *m;
    size_t n;
    uint8_t random[32] = {0};

    ck_assert_uint_eq(sizeof(v2), 2 + 0x22);
    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 0);
    ck_assert_int_eq(tcpstream_add(&s, 1, v2, 20), TCPS_WAIT);
    ck_assert_int_eq(tcpstream_add(&s, 21, v2 + 20, sizeof(v2) - 20),
                     TCPS_DONE);
    m = tcpstream_message(&s, &n);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(tls_hello_parse(1, m, n, false, &h), 1);
    ck_assert_uint_eq(h.version, 0x0301);
    memcpy(random + 16, v2 + 20, 16);
    ck_assert_mem_eq(h.random, random, 32);
    tcpstream_free(&s);
    /* without a SYN too */
    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    ck_assert_int_eq(tcpstream_add(&s, 1, v2, sizeof(v2)), TCPS_DONE);
    tcpstream_free(&s);
    /* lengths that do not add up */
    {
        uint8_t bad[sizeof(v2)];

        memcpy(bad, v2, sizeof(v2));
        bad[10] = 0x11;
        tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
        tcpstream_syn(&s, 0);
        ck_assert_int_eq(tcpstream_add(&s, 1, bad, sizeof(bad)), TCPS_FAILED);
        tcpstream_free(&s);
    }
}
END_TEST

START_TEST(memory_accounting)
{
    struct tcpstream s;

    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    ck_assert_uint_eq(tcpstream_memory(&s), 0);
    tcpstream_syn(&s, 0);
    add_part(&s, 1, ch13_record, 0, 100);
    ck_assert_uint_gt(tcpstream_memory(&s), 0);
    ck_assert_uint_le(tcpstream_memory(&s), TCPSTREAM_WINDOW);
    add_part(&s, 1, ch13_record, 100, CH_LEN);
    ck_assert_uint_eq(tcpstream_memory(&s), CH_BODY_LEN);
    tcpstream_free(&s);
    ck_assert_uint_eq(tcpstream_memory(&s), 0);
    /* beyond the window: ignored */
    tcpstream_init(&s, TLS_HT_CLIENT_HELLO);
    tcpstream_syn(&s, 0);
    ck_assert_int_eq(add_part(&s, 1 + TCPSTREAM_WINDOW, ch13_record, 0, 10),
                     TCPS_WAIT);
    ck_assert_uint_eq(tcpstream_memory(&s), 0);
    tcpstream_free(&s);
}
END_TEST

static Suite *
tcpstream_suite(void)
{
    Suite *s = suite_create("tcpstream");
    struct {
        const char *name;
        const TTest *test;
    } cases[] = {
        {"cut_every_byte_in_order", cut_every_byte_in_order},
        {"cut_every_byte_reversed", cut_every_byte_reversed},
        {"three_segments_reordered", three_segments_reordered},
        {"retransmits_and_overlaps", retransmits_and_overlaps},
        {"hello_spans_two_records", hello_spans_two_records},
        {"sequence_wraparound", sequence_wraparound},
        {"no_syn", no_syn},
        {"smtp_starttls", smtp_starttls},
        {"postgres_sslrequest", postgres_sslrequest},
        {"http_is_not_tls", http_is_not_tls},
        {"not_tls_at_once", not_tls_at_once},
        {"message_too_long", message_too_long},
        {"largest_message", largest_message},
        {"range_limit", range_limit},
        {"server_hello_other_direction", server_hello_other_direction},
        {"sslv2_client_hello", sslv2_client_hello},
        {"memory_accounting", memory_accounting},
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
    return tu_run(tcpstream_suite());
}
