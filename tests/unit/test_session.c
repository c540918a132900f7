/*
 * test_session.c - libcheck suite for traffic/session.c, the session table:
 * TLS over TCP with and without the SYN (which side is the client), the
 * ServerHello's version, sessions unique by client random across flows,
 * flows without handshake, ClientHellos cut short, the flow cap (LRU
 * eviction) and the pending-memory cap, a new SYN on a finished tuple,
 * DTLS over UDP, IPv6 endpoints, and every truncation of a valid frame.
 *
 * Frames are built byte by byte with frames.h (Ethernet II, IPv4 or IPv6,
 * TCP or UDP, then a TLS or DTLS handshake record holding a ClientHello or
 * ServerHello from client_hello_body() / server_hello_body()), so each test
 * states exactly what is on the wire. Not covered here: the layers below
 * (test_packet.c), the TCP reassembly (test_tcpstream.c), QUIC decryption
 * (test_quic.c).
 */
#include <stdlib.h>
#include <string.h>

#include "traffic/session.h"
#include "traffic/tls.h"
#include "frames.h"
#include "testutil.h"

#define LT_ETHERNET 1

/* The table under test plus the packet counter for tr_where. */
struct rig {
    struct tr_table *t;
    struct tr_where w;
};

static void
rig_init(struct rig *r, size_t max_flows, size_t max_pending)
{
    struct tr_limits lim = {max_flows, max_pending};

    memset(r, 0, sizeof(*r));
    r->t = tr_table_new(&lim);
    ck_assert_ptr_nonnull(r->t);
    r->w.section = 1;
    r->w.iface = 0;
    r->w.ts.set = true;
    r->w.ts.digits = 6;
}

static void
feed_raw(struct rig *r, const uint8_t *p, size_t n)
{
    struct sc_err err = {0};

    r->w.packet++;
    r->w.ts.sec = 1700000000 + (int64_t)r->w.packet;
    r->w.ts.atto = (uint64_t)r->w.packet * 1000000000000u;
    ck_assert_int_eq(tr_table_frame(r->t, LT_ETHERNET, p, n, &r->w, &err), 0);
}

static void
feed(struct rig *r, uint8_t proto, const struct ep *src, const struct ep *dst,
     uint32_t seq, uint8_t flags, const uint8_t *data, size_t len)
{
    struct buf f;

    frame(&f, proto, src, dst, seq, flags, data, len);
    feed_raw(r, f.b, f.n);
}

static void
syn_handshake(struct rig *r, const struct ep *c, const struct ep *s,
              uint32_t cisn, uint32_t sisn)
{
    feed(r, 6, c, s, cisn, TH_SYN, NULL, 0);
    feed(r, 6, s, c, sisn, TH_SYN | TH_ACK, NULL, 0);
    feed(r, 6, c, s, cisn + 1, TH_ACK, NULL, 0);
}

static void
spec_init(struct hello_spec *h, uint8_t seed)
{
    memset(h, 0, sizeof(*h));
    fill_random(h->random, seed);
}

static void
assert_ep(const struct tr_endpoint *e, const struct ep *want)
{
    ck_assert_uint_eq(e->ipver, want->ipver);
    ck_assert_uint_eq(e->port, want->port);
    ck_assert_mem_eq(e->addr, want->addr, want->ipver == 6 ? 16 : 4);
}

static const struct tr_session *
sessions(struct rig *r, size_t want)
{
    size_t n;
    const struct tr_session *s = tr_table_sessions(r->t, &n);

    ck_assert_uint_eq(n, want);
    return s;
}

/* ---- TLS over TCP -------------------------------------------------------- */

START_TEST(test_tcp_with_syn)
{
    struct rig r;
    struct hello_spec h;
    struct buf rec;
    /* The client has the higher address and port: the key's order must not
     * decide who the client is. */
    struct ep c = ep4(10, 0, 0, 9, 50000), s = ep4(10, 0, 0, 1, 8443);
    const struct tr_session *ss;
    char buf[64];

    rig_init(&r, 0, 0);
    spec_init(&h, 1);
    h.sni = "example.org";
    h.alpn[0] = "h2";
    h.alpn[1] = "http/1.1";
    h.versions[0] = 0x0304;
    h.versions[1] = 0x0303;
    client_hello_record(&rec, &h);
    r.w.section = 2;
    r.w.iface = 3;
    syn_handshake(&r, &c, &s, 1000, 5000);
    feed(&r, 6, &c, &s, 1001, TH_ACK, rec.b, rec.n);
    tr_table_finish(r.t);
    ss = sessions(&r, 1);
    ck_assert_mem_eq(ss[0].random, h.random, 32);
    ck_assert_uint_eq(ss[0].protocol, TR_TLS);
    ck_assert_uint_eq(ss[0].offered, 0x0304);
    ck_assert_uint_eq(ss[0].chosen, 0);
    assert_ep(&ss[0].client, &c);
    assert_ep(&ss[0].server, &s);
    ck_assert_str_eq(tr_endpoint_format(&ss[0].client, buf, sizeof(buf)),
                     "10.0.0.9:50000");
    ck_assert_str_eq(tr_endpoint_format(&ss[0].server, buf, sizeof(buf)),
                     "10.0.0.1:8443");
    /* Where: the flow's first packet (the SYN). */
    ck_assert_uint_eq(ss[0].first.section, 2);
    ck_assert_uint_eq(ss[0].first.iface, 3);
    ck_assert_uint_eq(ss[0].first.packet, 1);
    ck_assert(ss[0].first.ts.set);
    ck_assert_int_eq(ss[0].first.ts.sec, 1700000001);
    ck_assert_uint_eq(ss[0].first.ts.atto, 1000000000000u);
    ck_assert_str_eq(ss[0].server_name, "example.org");
    ck_assert_str_eq(ss[0].alpn, "h2,http/1.1");
    ck_assert_int_eq(tr_table_find(r.t, h.random), 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->flows, 1);
    ck_assert_uint_eq(tr_table_stats(r.t)->hellos, 1);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 0);
    tr_table_free(r.t);
}
END_TEST

START_TEST(test_tcp_without_syn)
{
    struct rig r;
    struct hello_spec h;
    struct buf rec;
    /* The client (the sender of the ClientHello record) is the higher
     * address; no SYN is in the capture. A server's data segment comes
     * first and must not decide the direction. */
    struct ep c = ep4(192, 0, 2, 200, 40000), s = ep4(192, 0, 2, 1, 443);
    static const uint8_t junk[] = "220 ready\r\n";
    const struct tr_session *ss;

    rig_init(&r, 0, 0);
    spec_init(&h, 2);
    client_hello_record(&rec, &h);
    feed(&r, 6, &s, &c, 777, TH_ACK, junk, sizeof(junk) - 1);
    feed(&r, 6, &c, &s, 123456, TH_ACK, rec.b, rec.n);
    tr_table_finish(r.t);
    ss = sessions(&r, 1);
    assert_ep(&ss[0].client, &c);
    assert_ep(&ss[0].server, &s);
    ck_assert_uint_eq(ss[0].first.packet, 1);
    ck_assert_str_eq(ss[0].server_name, "");
    ck_assert_str_eq(ss[0].alpn, "");
    ck_assert_uint_eq(ss[0].offered, 0x0303); /* no supported_versions */
    tr_table_free(r.t);
}
END_TEST

START_TEST(test_server_hello_sets_chosen)
{
    static const uint16_t chosen[] = {0x0304, 0x0303};

    for (size_t i = 0; i < 2; i++) {
        struct rig r;
        struct hello_spec h;
        struct buf ch, sh;
        struct ep c = ep4(10, 1, 1, 1, 33333), s = ep4(10, 1, 1, 2, 443);
        const struct tr_session *ss;

        rig_init(&r, 0, 0);
        spec_init(&h, 3);
        h.versions[0] = 0x0304;
        h.versions[1] = 0x0303;
        client_hello_record(&ch, &h);
        server_hello_record(&sh, chosen[i]);
        syn_handshake(&r, &c, &s, 1, 100);
        feed(&r, 6, &c, &s, 2, TH_ACK, ch.b, ch.n);
        feed(&r, 6, &s, &c, 101, TH_ACK, sh.b, sh.n);
        tr_table_finish(r.t);
        ss = sessions(&r, 1);
        ck_assert_uint_eq(ss[0].offered, 0x0304);
        ck_assert_uint_eq(ss[0].chosen, chosen[i]);
        ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 0);
        tr_table_free(r.t);
    }
}
END_TEST

START_TEST(test_same_hello_two_flows)
{
    struct rig r;
    struct hello_spec h;
    struct buf rec;
    struct ep c1 = ep4(10, 0, 0, 2, 40001), c2 = ep4(10, 0, 0, 2, 40002);
    struct ep s = ep4(10, 0, 0, 1, 443);
    const struct tr_session *ss;

    rig_init(&r, 0, 0);
    spec_init(&h, 4);
    client_hello_record(&rec, &h);
    syn_handshake(&r, &c1, &s, 10, 20);
    feed(&r, 6, &c1, &s, 11, TH_ACK, rec.b, rec.n);
    syn_handshake(&r, &c2, &s, 30, 40);
    feed(&r, 6, &c2, &s, 31, TH_ACK, rec.b, rec.n);
    tr_table_finish(r.t);
    ss = sessions(&r, 1);
    assert_ep(&ss[0].client, &c1); /* the first flow's */
    ck_assert_uint_eq(tr_table_stats(r.t)->flows, 2);
    ck_assert_uint_eq(tr_table_stats(r.t)->hellos, 2);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 0);
    tr_table_free(r.t);
}
END_TEST

START_TEST(test_application_data_only)
{
    struct rig r;
    struct ep a = ep4(172, 16, 0, 5, 51515), b = ep4(172, 16, 0, 1, 443);
    uint8_t app[64];
    const struct tr_nohs *nh;
    size_t n;

    memset(app, 0xab, sizeof(app));
    app[0] = 23; /* application_data */
    app[1] = 3;
    app[2] = 3;
    app[3] = 0;
    app[4] = sizeof(app) - 5;
    rig_init(&r, 0, 0);
    r.w.section = 1;
    feed(&r, 6, &a, &b, 5000, TH_ACK, app, sizeof(app));
    feed(&r, 6, &b, &a, 9000, TH_ACK, app, sizeof(app));
    feed(&r, 6, &a, &b, 5000 + sizeof(app), TH_ACK, app, sizeof(app));
    tr_table_finish(r.t);
    sessions(&r, 0);
    nh = tr_table_nohs(r.t, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 1);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 0);
    ck_assert_uint_eq(nh[0].protocol, TR_TLS);
    ck_assert_str_eq(tr_proto_name(nh[0].protocol), "tls");
    {
        struct tr_endpoint ea = nh[0].a, eb = nh[0].b;

        ck_assert_uint_eq(ea.port, 51515); /* the first packet's sender */
        ck_assert_uint_eq(eb.port, 443);
    }
    ck_assert_uint_eq(nh[0].packets, 3);
    ck_assert_uint_eq(nh[0].first.packet, 1);
    tr_table_free(r.t);
}
END_TEST

START_TEST(test_truncated_hello)
{
    struct rig r;
    struct hello_spec h;
    struct buf rec;
    struct ep c = ep4(10, 0, 0, 2, 40001), s = ep4(10, 0, 0, 1, 443);

    rig_init(&r, 0, 0);
    spec_init(&h, 5);
    h.sni = "cut.example";
    client_hello_record(&rec, &h);
    syn_handshake(&r, &c, &s, 10, 20);
    feed(&r, 6, &c, &s, 11, TH_ACK, rec.b, rec.n / 2);
    tr_table_finish(r.t);
    sessions(&r, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 1);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 0);
    ck_assert_int_eq(tr_table_find(r.t, h.random), -1);
    tr_table_free(r.t);
}
END_TEST

/* A plaintext TCP connection (HTTP) is no handshake: neither incomplete
 * nor a flow without handshake. */
START_TEST(test_plain_tcp_not_counted)
{
    struct rig r;
    struct ep c = ep4(10, 0, 0, 2, 40001), s = ep4(10, 0, 0, 1, 80);
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    rig_init(&r, 0, 0);
    syn_handshake(&r, &c, &s, 10, 20);
    feed(&r, 6, &c, &s, 11, TH_ACK, (const uint8_t *)req, sizeof(req) - 1);
    feed(&r, 6, &s, &c, 21, TH_ACK, (const uint8_t *)resp, sizeof(resp) - 1);
    tr_table_finish(r.t);
    sessions(&r, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 0);
    tr_table_free(r.t);
}
END_TEST

/* max_flows 16, 100 connections open at once: 84 evicted, no crash, and a
 * ClientHello on an evicted flow is still found (the record start decides
 * the client). Then 100 connections one after the other. */
START_TEST(test_eviction)
{
    struct rig r;
    struct buf rec;
    struct hello_spec h;
    struct ep s = ep4(10, 9, 9, 9, 443);
    const struct tr_session *ss;

    rig_init(&r, 16, 0);
    for (unsigned i = 0; i < 100; i++) {
        struct ep c =
            ep4(10, 0, (uint8_t)(i >> 8), (uint8_t)i, (uint16_t)(20000 + i));

        feed(&r, 6, &c, &s, i * 1000, TH_SYN, NULL, 0);
    }
    ck_assert_uint_eq(tr_table_stats(r.t)->flows, 100);
    ck_assert_uint_eq(tr_table_stats(r.t)->flows_evicted, 84);
    for (unsigned i = 0; i < 100; i++) {
        struct ep c =
            ep4(10, 0, (uint8_t)(i >> 8), (uint8_t)i, (uint16_t)(20000 + i));

        spec_init(&h, (uint8_t)i);
        client_hello_record(&rec, &h);
        feed(&r, 6, &c, &s, i * 1000 + 1, TH_ACK, rec.b, rec.n);
    }
    tr_table_finish(r.t);
    ss = sessions(&r, 100);
    for (unsigned i = 0; i < 100; i++) {
        struct ep c =
            ep4(10, 0, (uint8_t)(i >> 8), (uint8_t)i, (uint16_t)(20000 + i));
        uint8_t rnd[32];

        fill_random(rnd, (uint8_t)i);
        ck_assert_int_eq(tr_table_find(r.t, rnd), (long)i);
        assert_ep(&ss[i].client, &c);
        assert_ep(&ss[i].server, &s);
    }
    /* 16 live flows at most: 100 SYN flows, then 84 more flows for the
     * ClientHellos of evicted ones... every new flow beyond 16 evicts. */
    ck_assert_uint_eq(tr_table_stats(r.t)->flows_evicted,
                      tr_table_stats(r.t)->flows - 16);
    tr_table_free(r.t);

    rig_init(&r, 16, 0);
    for (unsigned i = 0; i < 1000; i++) {
        struct ep c =
            ep4(10, 1, (uint8_t)(i >> 8), (uint8_t)i, (uint16_t)(1024 + i));

        spec_init(&h, (uint8_t)(i * 7));
        h.random[0] = (uint8_t)(i >> 8);
        h.random[1] = (uint8_t)i;
        client_hello_record(&rec, &h);
        syn_handshake(&r, &c, &s, i, i + 50);
        feed(&r, 6, &c, &s, i + 1, TH_ACK, rec.b, rec.n);
    }
    tr_table_finish(r.t);
    sessions(&r, 1000);
    ck_assert_uint_eq(tr_table_stats(r.t)->flows, 1000);
    ck_assert_uint_eq(tr_table_stats(r.t)->flows_evicted, 1000 - 16);
    tr_table_free(r.t);
}
END_TEST

/* A handshake cut short by eviction is incomplete, not a flow without
 * handshake (the same rule as at the end of the capture). */
START_TEST(test_evicted_pending_incomplete)
{
    struct rig r;
    struct hello_spec h;
    struct buf rec;
    struct ep s = ep4(10, 9, 9, 9, 443), c = ep4(10, 0, 0, 1, 30000);

    rig_init(&r, 16, 0);
    spec_init(&h, 40);
    client_hello_record(&rec, &h);
    syn_handshake(&r, &c, &s, 10, 20);
    feed(&r, 6, &c, &s, 11, TH_ACK, rec.b, rec.n / 2);
    for (unsigned i = 0; i < 16; i++) {
        struct ep o = ep4(10, 3, 0, (uint8_t)i, (uint16_t)(20000 + i));

        feed(&r, 6, &o, &s, i, TH_SYN, NULL, 0);
    }
    tr_table_finish(r.t);
    ck_assert_uint_eq(tr_table_stats(r.t)->flows_evicted, 1);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 1);
    tr_table_free(r.t);
}
END_TEST

/* max_pending tiny: many half-open handshakes (each half a ClientHello)
 * are given up; the flow being worked on is never the one dropped. */
START_TEST(test_pending_cap)
{
    struct rig r;
    struct buf rec;
    struct hello_spec h;
    struct ep s = ep4(10, 9, 9, 9, 443);
    const struct tr_stats *st;

    rig_init(&r, 0, 1);
    for (unsigned i = 0; i < 50; i++) {
        struct ep c = ep4(10, 0, 0, (uint8_t)i, (uint16_t)(20000 + i));

        spec_init(&h, (uint8_t)i);
        client_hello_record(&rec, &h);
        feed(&r, 6, &c, &s, i * 1000, TH_SYN, NULL, 0);
        feed(&r, 6, &c, &s, i * 1000 + 1, TH_ACK, rec.b, rec.n / 2);
    }
    tr_table_finish(r.t);
    st = tr_table_stats(r.t);
    ck_assert_uint_ge(st->pending_dropped, 49);
    ck_assert_uint_eq(st->incomplete, 50);
    sessions(&r, 0);
    tr_table_free(r.t);
}
END_TEST

START_TEST(test_new_syn_new_flow)
{
    struct rig r;
    struct hello_spec h1, h2;
    struct buf rec1, rec2, sh;
    struct ep c = ep4(10, 0, 0, 2, 40001), s = ep4(10, 0, 0, 1, 443);
    const struct tr_session *ss;

    rig_init(&r, 0, 0);
    spec_init(&h1, 11);
    spec_init(&h2, 12);
    client_hello_record(&rec1, &h1);
    client_hello_record(&rec2, &h2);
    server_hello_record(&sh, 0x0303);
    syn_handshake(&r, &c, &s, 10, 20);
    feed(&r, 6, &c, &s, 11, TH_ACK, rec1.b, rec1.n);
    feed(&r, 6, &s, &c, 21, TH_ACK, sh.b, sh.n);
    feed(&r, 6, &c, &s, 11 + (uint32_t)rec1.n, TH_FIN | TH_ACK, NULL, 0);
    /* The same tuple again (packet 7): a new connection. */
    syn_handshake(&r, &c, &s, 90000, 95000);
    feed(&r, 6, &c, &s, 90001, TH_ACK, rec2.b, rec2.n);
    tr_table_finish(r.t);
    ss = sessions(&r, 2);
    ck_assert_uint_eq(tr_table_stats(r.t)->flows, 2);
    ck_assert_mem_eq(ss[0].random, h1.random, 32);
    ck_assert_mem_eq(ss[1].random, h2.random, 32);
    ck_assert_uint_eq(ss[0].first.packet, 1);
    ck_assert_uint_eq(ss[1].first.packet, 7);
    ck_assert_uint_eq(ss[0].chosen, 0x0303);
    ck_assert_uint_eq(ss[1].chosen, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 0);
    tr_table_free(r.t);
}
END_TEST

START_TEST(test_find_unknown)
{
    struct rig r;
    uint8_t rnd[32];
    struct hello_spec h;
    struct buf rec;
    struct ep c = ep4(10, 0, 0, 2, 40001), s = ep4(10, 0, 0, 1, 443);

    rig_init(&r, 0, 0);
    memset(rnd, 0, sizeof(rnd));
    ck_assert_int_eq(tr_table_find(r.t, rnd), -1); /* empty table */
    spec_init(&h, 13);
    client_hello_record(&rec, &h);
    feed(&r, 6, &c, &s, 1, TH_ACK, rec.b, rec.n);
    tr_table_finish(r.t);
    ck_assert_int_eq(tr_table_find(r.t, h.random), 0);
    ck_assert_int_eq(tr_table_find(r.t, rnd), -1);
    for (int i = 0; i < 256; i++) {
        memcpy(rnd, h.random, 32);
        rnd[i % 32] ^= (uint8_t)(1u << (i % 8));
        ck_assert_int_eq(tr_table_find(r.t, rnd), -1);
    }
    tr_table_free(r.t);
}
END_TEST

/* Many sessions: the random index grows (more than 1024 * 3/4). */
START_TEST(test_many_sessions)
{
    struct rig r;
    struct hello_spec h;
    struct buf rec;
    struct ep s = ep4(10, 9, 9, 9, 443);

    rig_init(&r, 0, 0);
    for (unsigned i = 0; i < 3000; i++) {
        struct ep c = ep4(10, 2, (uint8_t)(i >> 8), (uint8_t)i, 4000);

        spec_init(&h, 0);
        h.random[0] = (uint8_t)(i >> 8);
        h.random[1] = (uint8_t)i;
        client_hello_record(&rec, &h);
        feed(&r, 6, &c, &s, 77, TH_ACK, rec.b, rec.n);
    }
    tr_table_finish(r.t);
    sessions(&r, 3000);
    for (unsigned i = 0; i < 3000; i++) {
        fill_random(h.random, 0);
        h.random[0] = (uint8_t)(i >> 8);
        h.random[1] = (uint8_t)i;
        ck_assert_int_eq(tr_table_find(r.t, h.random), (long)i);
    }
    tr_table_free(r.t);
}
END_TEST

/* ---- UDP ----------------------------------------------------------------- */

START_TEST(test_dtls_hello)
{
    struct rig r;
    struct hello_spec h;
    struct buf ch, shb, sh;
    struct ep c = ep4(10, 0, 0, 7, 5684), s = ep4(10, 0, 0, 1, 4433);
    const struct tr_session *ss;

    rig_init(&r, 0, 0);
    spec_init(&h, 14);
    h.dtls = true;
    h.sni = "dtls.test";
    client_hello_record(&ch, &h);
    server_hello_body(&shb, 0x0303, true);
    shb.b[0] = 0xfe; /* DTLS 1.2 */
    shb.b[1] = 0xfd;
    dtls_record(&sh, TLS_HT_SERVER_HELLO, &shb, 0);
    feed(&r, 17, &c, &s, 0, 0, ch.b, ch.n);
    feed(&r, 17, &s, &c, 0, 0, sh.b, sh.n);
    tr_table_finish(r.t);
    ss = sessions(&r, 1);
    ck_assert_uint_eq(ss[0].protocol, TR_DTLS);
    ck_assert_str_eq(tr_proto_name(ss[0].protocol), "dtls");
    ck_assert_mem_eq(ss[0].random, h.random, 32);
    ck_assert_uint_eq(ss[0].offered, 0xfefd);
    ck_assert_uint_eq(ss[0].chosen, 0xfefd);
    ck_assert_str_eq(ss[0].server_name, "dtls.test");
    assert_ep(&ss[0].client, &c);
    assert_ep(&ss[0].server, &s);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 0);
    tr_table_free(r.t);
}
END_TEST

/* UDP traffic that is not DTLS (an NTP client request starts with 0x23,
 * DNS ids are random) must not be taken for a DTLS handshake. */
START_TEST(test_udp_not_dtls)
{
    struct rig r;
    struct ep c = ep4(10, 0, 0, 7, 40123), ntp = ep4(10, 0, 0, 1, 123);
    struct ep dns = ep4(10, 0, 0, 53, 53);
    uint8_t pkt[48];

    rig_init(&r, 0, 0);
    memset(pkt, 0, sizeof(pkt));
    pkt[0] = 0x23; /* NTPv4 client */
    feed(&r, 17, &c, &ntp, 0, 0, pkt, sizeof(pkt));
    pkt[0] = 0x24; /* NTPv4 server */
    feed(&r, 17, &ntp, &c, 0, 0, pkt, sizeof(pkt));
    memset(pkt, 0, sizeof(pkt));
    pkt[0] = 0x3a; /* DNS transaction id 0x3a7f */
    pkt[1] = 0x7f;
    pkt[2] = 0x01;
    pkt[5] = 1;
    feed(&r, 17, &c, &dns, 0, 0, pkt, 30);
    tr_table_finish(r.t);
    sessions(&r, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->incomplete, 0);
    ck_assert_uint_eq(tr_table_stats(r.t)->nohs, 0);
    tr_table_free(r.t);
}
END_TEST

START_TEST(test_ipv6)
{
    struct rig r;
    struct hello_spec h;
    struct buf rec;
    struct ep c = ep6_loop(55555), s = ep6_loop(443);
    struct tr_endpoint e;
    const struct tr_session *ss;
    char buf[64];

    rig_init(&r, 0, 0);
    spec_init(&h, 15);
    client_hello_record(&rec, &h);
    syn_handshake(&r, &c, &s, 10, 20);
    feed(&r, 6, &c, &s, 11, TH_ACK, rec.b, rec.n);
    tr_table_finish(r.t);
    ss = sessions(&r, 1);
    ck_assert_uint_eq(ss[0].client.ipver, 6);
    ck_assert_str_eq(tr_endpoint_format(&ss[0].client, buf, sizeof(buf)),
                     "[::1]:55555");
    ck_assert_str_eq(tr_endpoint_format(&ss[0].server, buf, sizeof(buf)),
                     "[::1]:443");
    tr_table_free(r.t);

    memset(&e, 0, sizeof(e));
    e.ipver = 6;
    e.addr[0] = 0x20;
    e.addr[1] = 0x01;
    e.addr[2] = 0x0d;
    e.addr[3] = 0xb8;
    e.addr[15] = 1;
    e.port = 8443;
    ck_assert_str_eq(tr_endpoint_format(&e, buf, sizeof(buf)),
                     "[2001:db8::1]:8443");
    e.ipver = 4;
    memset(e.addr, 0, sizeof(e.addr));
    e.addr[0] = 192;
    e.addr[1] = 0;
    e.addr[2] = 2;
    e.addr[3] = 1;
    e.port = 0;
    ck_assert_str_eq(tr_endpoint_format(&e, buf, sizeof(buf)), "192.0.2.1:0");
    memset(e.addr, 0xff, 16);
    e.ipver = 6;
    e.port = 65535;
    ck_assert_str_eq(tr_endpoint_format(&e, buf, sizeof(buf)),
                     "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
    ck_assert_str_eq(tr_proto_name(TR_TLS), "tls");
    ck_assert_str_eq(tr_proto_name(TR_QUIC), "quic");
}
END_TEST

/* ---- hostile input ------------------------------------------------------- */

/* Every prefix of valid frames (TCP ClientHello, ServerHello, IPv6, DTLS)
 * fed to one table, then every single-byte corruption of a ClientHello
 * frame: nothing crashes, nothing fails. */
START_TEST(test_truncations)
{
    struct rig r;
    struct hello_spec h;
    struct buf ch, sh, dch, f[4];
    struct ep c = ep4(10, 0, 0, 2, 40001), s = ep4(10, 0, 0, 1, 443);
    struct ep c6 = ep6_loop(1234), s6 = ep6_loop(443);

    spec_init(&h, 16);
    h.sni = "trunc.example";
    h.alpn[0] = "h2";
    h.versions[0] = 0x0304;
    client_hello_record(&ch, &h);
    server_hello_record(&sh, 0x0304);
    frame(&f[0], 6, &c, &s, 11, TH_ACK, ch.b, ch.n);
    frame(&f[1], 6, &s, &c, 21, TH_ACK, sh.b, sh.n);
    frame(&f[2], 6, &c6, &s6, 11, TH_SYN, ch.b, ch.n);
    h.dtls = true;
    client_hello_record(&dch, &h);
    frame(&f[3], 17, &c, &s, 0, 0, dch.b, dch.n);
    rig_init(&r, 64, 1 << 20);
    for (int k = 0; k < 4; k++)
        for (size_t n = 0; n <= f[k].n; n++)
            feed_raw(&r, f[k].b, n);
    for (size_t i = 0; i < f[0].n; i++) {
        struct buf g = f[0];

        g.b[i] ^= 0xff;
        feed_raw(&r, g.b, g.n);
        g.b[i] = 0;
        feed_raw(&r, g.b, g.n);
    }
    /* A frame with a zero-length capture and a NULL pointer. */
    {
        struct sc_err err = {0};

        r.w.packet++;
        ck_assert_int_eq(tr_table_frame(r.t, LT_ETHERNET, NULL, 0, &r.w, &err),
                         0);
        ck_assert_int_eq(tr_table_frame(r.t, 12345, f[0].b, f[0].n, &r.w, &err),
                         0);
    }
    tr_table_finish(r.t);
    tr_table_finish(r.t); /* twice: no double counting, no crash */
    tr_table_free(r.t);
}
END_TEST

START_TEST(test_free_unfinished)
{
    struct rig r;
    struct hello_spec h;
    struct buf rec;
    struct ep c = ep4(10, 0, 0, 2, 40001), s = ep4(10, 0, 0, 1, 443);

    /* Handshake state still held when the table is freed: no leak (ASan). */
    rig_init(&r, 0, 0);
    spec_init(&h, 17);
    client_hello_record(&rec, &h);
    syn_handshake(&r, &c, &s, 10, 20);
    feed(&r, 6, &c, &s, 11, TH_ACK, rec.b, rec.n - 10);
    tr_table_free(r.t);
    tr_table_free(NULL);
}
END_TEST

static Suite *
session_suite(void)
{
    Suite *s = suite_create("session");
    struct {
        const char *name;
        const TTest *t;
    } cases[] = {
        {"tcp_with_syn", test_tcp_with_syn},
        {"tcp_without_syn", test_tcp_without_syn},
        {"server_hello_sets_chosen", test_server_hello_sets_chosen},
        {"same_hello_two_flows", test_same_hello_two_flows},
        {"application_data_only", test_application_data_only},
        {"truncated_hello", test_truncated_hello},
        {"plain_tcp_not_counted", test_plain_tcp_not_counted},
        {"eviction", test_eviction},
        {"evicted_pending_incomplete", test_evicted_pending_incomplete},
        {"pending_cap", test_pending_cap},
        {"new_syn_new_flow", test_new_syn_new_flow},
        {"find_unknown", test_find_unknown},
        {"many_sessions", test_many_sessions},
        {"dtls_hello", test_dtls_hello},
        {"udp_not_dtls", test_udp_not_dtls},
        {"ipv6", test_ipv6},
        {"truncations", test_truncations},
        {"free_unfinished", test_free_unfinished},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TCase *tc = tcase_create(cases[i].name);

        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, cases[i].t);
        suite_add_tcase(s, tc);
    }
    return s;
}

int
main(void)
{
    return tu_run(session_suite());
}
