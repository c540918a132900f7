/*
 * test_scope.c - libcheck suite for scope.c, the session pass: scope_scan
 * over pcap and pcapng in memory (read 1, 3 and 4096 bytes at a time),
 * scope_judge's key status for each rule of scope.h (TLS 1.3 and 1.2 by the
 * ServerHello, 1.3 offered with no ServerHello, DSBs already in the capture,
 * unmatched and legacy RSA lines), and scope_filter (exactly the lines of
 * the capture's sessions, in memory and spooled to a file).
 *
 * The captures are built here: one Ethernet/IPv4/TCP connection per session
 * (frames and hellos from frames.h), with a generated ClientHello and
 * (optionally) ServerHello; so is the pcapng with a Decryption Secrets
 * Block. Not covered: the session table's
 * own behaviour (test_session.c), the CLI (tests/cli/scope_cli.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "keylog.h"
#include "scope.h"
#include "secrets.h"
#include "source.h"
#include "traffic/tls.h"
#include "frames.h"
#include "testutil.h"

/* ---- captures -------------------------------------------------------- */

/* A growing capture file in memory. */
struct cap {
    uint8_t *p;
    size_t n, cap;
};

static void
cap_put(struct cap *c, const void *p, size_t n)
{
    if (c->n + n > c->cap) {
        c->cap = (c->n + n) * 2 + 4096;
        c->p = realloc(c->p, c->cap);
        ck_assert_ptr_nonnull(c->p);
    }
    if (n != 0)
        memcpy(c->p + c->n, p, n);
    c->n += n;
}

static void
cap_u32(struct cap *c, uint32_t v) /* little endian */
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};

    cap_put(c, b, 4);
}

static void
cap_u16(struct cap *c, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

    cap_put(c, b, 2);
}

static void
cap_pad(struct cap *c, size_t n)
{
    static const uint8_t zero[4];

    cap_put(c, zero, (4 - n % 4) % 4);
}

/* The capture being built: pcap or pcapng (then SHB + IDB written). */
struct capw {
    struct cap c;
    bool ng;
    uint32_t packets;
};

static void
capw_init(struct capw *w, bool ng)
{
    memset(w, 0, sizeof(*w));
    w->ng = ng;
    if (ng) {
        cap_u32(&w->c, 0x0A0D0D0A);
        cap_u32(&w->c, 28);
        cap_u32(&w->c, 0x1A2B3C4D);
        cap_u16(&w->c, 1);
        cap_u16(&w->c, 0);
        cap_u32(&w->c, 0xffffffff);
        cap_u32(&w->c, 0xffffffff);
        cap_u32(&w->c, 28);
        cap_u32(&w->c, 1); /* IDB */
        cap_u32(&w->c, 20);
        cap_u16(&w->c, 1); /* Ethernet */
        cap_u16(&w->c, 0);
        cap_u32(&w->c, 65535);
        cap_u32(&w->c, 20);
    } else {
        cap_u32(&w->c, 0xa1b2c3d4);
        cap_u16(&w->c, 2);
        cap_u16(&w->c, 4);
        cap_u32(&w->c, 0);
        cap_u32(&w->c, 0);
        cap_u32(&w->c, 65535);
        cap_u32(&w->c, 1);
    }
}

static void
capw_frame(struct capw *w, const struct buf *f)
{
    uint32_t sec = 1700000000 + w->packets, usec = 1000 * w->packets;

    w->packets++;
    if (w->ng) {
        uint64_t ts = (uint64_t)sec * 1000000 + usec;

        cap_u32(&w->c, 6);
        cap_u32(&w->c, (uint32_t)(32 + f->n + (4 - f->n % 4) % 4));
        cap_u32(&w->c, 0);
        cap_u32(&w->c, (uint32_t)(ts >> 32));
        cap_u32(&w->c, (uint32_t)ts);
        cap_u32(&w->c, (uint32_t)f->n);
        cap_u32(&w->c, (uint32_t)f->n);
        cap_put(&w->c, f->b, f->n);
        cap_pad(&w->c, f->n);
        cap_u32(&w->c, (uint32_t)(32 + f->n + (4 - f->n % 4) % 4));
    } else {
        cap_u32(&w->c, sec);
        cap_u32(&w->c, usec);
        cap_u32(&w->c, (uint32_t)f->n);
        cap_u32(&w->c, (uint32_t)f->n);
        cap_put(&w->c, f->b, f->n);
    }
}

static void
capw_dsb(struct capw *w, const char *text)
{
    size_t n = strlen(text);
    uint32_t len = (uint32_t)(20 + n + (4 - n % 4) % 4);

    ck_assert(w->ng);
    cap_u32(&w->c, 0x0A);
    cap_u32(&w->c, len);
    cap_u32(&w->c, SECRETS_TLS);
    cap_u32(&w->c, (uint32_t)n);
    cap_put(&w->c, text, n);
    cap_pad(&w->c, n);
    cap_u32(&w->c, len);
}

/* One TCP connection (SYN from the client) with a ClientHello offering
 * `offered` (0x0304: supported_versions 1.3 and 1.2; else no extension)
 * and, when chosen != 0, the server's ServerHello. */
static void
capw_conn(struct capw *w, uint8_t seed, uint16_t offered, uint16_t chosen)
{
    struct ep c = ep4(10, 0, 0, (uint8_t)(seed + 10), (uint16_t)(40000 + seed));
    struct ep s = ep4(10, 0, 0, 1, 443);
    struct hello_spec h;
    struct buf rec, f;

    memset(&h, 0, sizeof(h));
    fill_random(h.random, seed);
    h.sni = "scope.test";
    if (offered == 0x0304) {
        h.versions[0] = 0x0304;
        h.versions[1] = 0x0303;
    }
    frame(&f, 6, &c, &s, 100, TH_SYN, NULL, 0);
    capw_frame(w, &f);
    frame(&f, 6, &s, &c, 900, TH_SYN | TH_ACK, NULL, 0);
    capw_frame(w, &f);
    client_hello_record(&rec, &h);
    frame(&f, 6, &c, &s, 101, TH_ACK, rec.b, rec.n);
    capw_frame(w, &f);
    if (chosen != 0) {
        server_hello_record(&rec, chosen);
        frame(&f, 6, &s, &c, 901, TH_ACK, rec.b, rec.n);
        capw_frame(w, &f);
    }
}

/* The client random of connection `seed` as 64 hex digits. */
static const char *
rhex(uint8_t seed)
{
    static char s[8][65];
    static int k;
    uint8_t r[32];
    char *o = s[k++ % 8];

    fill_random(r, seed);
    for (int i = 0; i < 32; i++)
        snprintf(o + 2 * i, 3, "%02x", r[i]);
    return o;
}

/* Appends "LABEL RANDOM SECRET\n" to a text buffer. */
static void
kl_line(char *buf, size_t cap, const char *label, uint8_t seed)
{
    size_t n = strlen(buf);

    snprintf(
        buf + n, cap - n, "%s %s %s\n", label, rhex(seed),
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
}

static void
kl_tls13(char *buf, size_t cap, uint8_t seed)
{
    kl_line(buf, cap, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", seed);
    kl_line(buf, cap, "SERVER_HANDSHAKE_TRAFFIC_SECRET", seed);
    kl_line(buf, cap, "CLIENT_TRAFFIC_SECRET_0", seed);
    kl_line(buf, cap, "SERVER_TRAFFIC_SECRET_0", seed);
}

static void
keylog_text(struct keylog *k, const char *text, size_t mem_max)
{
    struct sc_err err = {0};

    keylog_init(k, SECRETS_TLS);
    keylog_set_mem_max(k, mem_max);
    if (text[0] != '\0')
        ck_assert_msg(keylog_add_mem(k, "keys", (const uint8_t *)text,
                                     strlen(text), NULL, NULL, &err) == 0,
                      "%s", err.msg);
}

/* The key log's text as a NUL-terminated malloc'd string. */
static char *
keylog_string(const struct keylog *k)
{
    struct sc_err err = {0};
    size_t n = (size_t)keylog_len(k);
    char *s = malloc(n + 1);

    ck_assert_ptr_nonnull(s);
    if (n != 0)
        ck_assert_int_eq(keylog_read(k, 0, s, n, &err), 0);
    s[n] = '\0';
    return s;
}

static void
scan(struct scope *sc, const struct capw *w, size_t chunk)
{
    struct sc_err err = {0};
    struct input in;

    ck_assert_int_eq(
        input_open_source(&in, source_mem(w->c.p, w->c.n, chunk, "mem", &err),
                          NULL, &err),
        0);
    ck_assert_msg(scope_scan(sc, &in, NULL, &err) == 0, "%s", err.msg);
    input_close(&in);
}

static void
judge(struct scope *sc, const char *text)
{
    struct sc_err err = {0};
    struct keylog k;
    const struct keylog *logs[1] = {&k};

    keylog_text(&k, text, SPOOL_MEM_DEFAULT);
    ck_assert_msg(scope_judge(sc, logs, text[0] != '\0' ? 1 : 0, &err) == 0,
                  "%s", err.msg);
    keylog_free(&k);
}

#define B(x) ((uint16_t)(1u << (x)))
#define ALL13                                                                  \
    (B(SL_CLIENT_HANDSHAKE_TRAFFIC_SECRET) |                                   \
     B(SL_SERVER_HANDSHAKE_TRAFFIC_SECRET) | B(SL_CLIENT_TRAFFIC_SECRET_0) |   \
     B(SL_SERVER_TRAFFIC_SECRET_0))

/* ---- scanning ------------------------------------------------------------ */

START_TEST(test_scan_pcap_and_pcapng)
{
    for (int ng = 0; ng < 2; ng++) {
        struct capw w;

        capw_init(&w, ng);
        capw_conn(&w, 1, 0x0304, 0x0304);
        capw_conn(&w, 2, 0x0303, 0x0303);
        for (size_t i = 0; i < 3; i++) {
            struct scope sc;
            const struct tr_session *s;
            size_t n;

            scan(&sc, &w, tu_chunks[i]);
            ck_assert_int_eq(sc.format, ng ? FMT_PCAPNG : FMT_PCAP);
            ck_assert_int_eq(sc.compression, COMPRESSION_NONE);
            ck_assert_uint_eq(sc.packets, 8);
            ck_assert_uint_eq(sc.bytes, w.c.n);
            s = tr_table_sessions(sc.table, &n);
            ck_assert_uint_eq(n, 2);
            ck_assert_uint_eq(s[0].chosen, 0x0304);
            ck_assert_uint_eq(s[1].chosen, 0x0303);
            ck_assert_str_eq(s[0].server_name, "scope.test");
            ck_assert_uint_eq(s[1].first.packet, 5);
            ck_assert_int_eq(s[1].first.ts.sec, 1700000004);
            ck_assert_uint_eq(s[1].first.ts.atto,
                              UINT64_C(4000) * 1000000000000u);
            ck_assert_uint_eq(s[1].first.section, 1);
            scope_free(&sc);
        }
        free(w.c.p);
    }
}
END_TEST

START_TEST(test_scan_fixture)
{
    /* A real capture of the fixtures, when it is there: two TLS 1.3
     * sessions or more, every one with a 1.3 offer. */
    const char *path = tu_fixture("traffic/tls13.pcap");
    FILE *f = fopen(path, "rb");
    struct capw w;
    struct scope sc;
    size_t n;

    if (f == NULL)
        return; /* being written by another engineer */
    fclose(f);
    memset(&w, 0, sizeof(w));
    w.c.p = tu_slurp(path, &w.c.n);
    scan(&sc, &w, 0);
    tr_table_sessions(sc.table, &n);
    ck_assert_uint_ge(n, 1);
    scope_free(&sc);
    free(w.c.p);
}
END_TEST

START_TEST(test_scan_bad_capture)
{
    static const uint8_t junk[] = "this is not a capture at all";
    struct sc_err err = {0};
    struct input in;
    struct capw w;
    struct scope sc;

    /* Not a capture: input_open_source refuses it. */
    ck_assert_int_eq(
        input_open_source(&in, source_mem(junk, sizeof(junk), 0, "mem", &err),
                          NULL, &err),
        -1);
    /* A capture cut in a record: an error, what was read is kept. */
    capw_init(&w, false);
    capw_conn(&w, 1, 0x0304, 0x0304);
    capw_conn(&w, 2, 0x0304, 0x0304);
    ck_assert_int_eq(
        input_open_source(&in, source_mem(w.c.p, w.c.n - 7, 0, "mem", &err),
                          NULL, &err),
        0);
    ck_assert_int_eq(scope_scan(&sc, &in, NULL, &err), -1);
    ck_assert_ptr_nonnull(sc.table);
    input_close(&in);
    scope_free(&sc);
    free(w.c.p);
}
END_TEST

/* ---- judging ------------------------------------------------------------- */

START_TEST(test_judge_rules)
{
    struct capw w;
    struct scope sc;
    char t[8192] = "";

    capw_init(&w, false);
    capw_conn(&w, 1, 0x0304, 0x0304); /* 0: 1.3 chosen, all four */
    capw_conn(&w, 2, 0x0304, 0x0304); /* 1: 1.3, SHTS missing */
    capw_conn(&w, 3, 0x0304, 0x0304); /* 2: 1.3, no line */
    capw_conn(&w, 4, 0x0303, 0x0303); /* 3: 1.2, CLIENT_RANDOM */
    capw_conn(&w, 5, 0x0304,
              0x0303);           /* 4: 1.3 offered, 1.2 chosen, 1.3 lines */
    capw_conn(&w, 6, 0x0304, 0); /* 5: 1.3 offered, no SH, CLIENT_RANDOM */
    capw_conn(&w, 7, 0x0304, 0); /* 6: 1.3 offered, no SH, 1.3 lines */
    capw_conn(&w, 8, 0x0304, 0); /* 7: 1.3 offered, no SH, 2 of 4 */
    capw_conn(&w, 9, 0x0303, 0); /* 8: 1.2 only, no SH, 1.3 lines */
    capw_conn(&w, 10, 0x0304, 0x0304); /* 9: 1.3, only an unknown label */
    scan(&sc, &w, 0);
    kl_tls13(t, sizeof(t), 1);
    kl_line(t, sizeof(t), "CLIENT_HANDSHAKE_TRAFFIC_SECRET", 2);
    kl_line(t, sizeof(t), "CLIENT_TRAFFIC_SECRET_0", 2);
    kl_line(t, sizeof(t), "SERVER_TRAFFIC_SECRET_0", 2);
    kl_line(t, sizeof(t), "EXPORTER_SECRET", 2);
    kl_line(t, sizeof(t), "CLIENT_RANDOM", 4);
    kl_tls13(t, sizeof(t), 5);
    kl_line(t, sizeof(t), "CLIENT_RANDOM", 6);
    kl_tls13(t, sizeof(t), 7);
    kl_line(t, sizeof(t), "CLIENT_HANDSHAKE_TRAFFIC_SECRET", 8);
    kl_line(t, sizeof(t), "SERVER_HANDSHAKE_TRAFFIC_SECRET", 8);
    kl_tls13(t, sizeof(t), 9);
    kl_line(t, sizeof(t), "SOME_FUTURE_SECRET", 10);
    /* Lines of no session: 3 CLIENT_RANDOM, 2 EXPORTER_SECRET, 1 of an
     * unknown label; 2 legacy RSA lines. */
    kl_line(t, sizeof(t), "CLIENT_RANDOM", 100);
    kl_line(t, sizeof(t), "CLIENT_RANDOM", 101);
    kl_line(t, sizeof(t), "CLIENT_RANDOM", 102);
    kl_line(t, sizeof(t), "EXPORTER_SECRET", 100);
    kl_line(t, sizeof(t), "EXPORTER_SECRET", 101);
    kl_line(t, sizeof(t), "NEW_LABEL", 103);
    strcat(t, "RSA 0123456789abcdef 00112233445566778899aabbccddeeff\n");
    strcat(t, "RSA fedcba9876543210 00112233445566778899aabbccddeeff\n");
    judge(&sc, t);

    ck_assert_uint_eq(sc.judge[0].keys, SCOPE_KEYS_COMPLETE);
    ck_assert_uint_eq(sc.judge[0].missing, 0);
    ck_assert_uint_eq(sc.judge[0].have, ALL13);

    ck_assert_uint_eq(sc.judge[1].keys, SCOPE_KEYS_PARTIAL);
    ck_assert_uint_eq(sc.judge[1].missing,
                      B(SL_SERVER_HANDSHAKE_TRAFFIC_SECRET));

    ck_assert_uint_eq(sc.judge[2].keys, SCOPE_KEYS_NONE);
    ck_assert_uint_eq(sc.judge[2].have, 0);
    ck_assert_uint_eq(sc.judge[2].missing, ALL13);

    ck_assert_uint_eq(sc.judge[3].keys, SCOPE_KEYS_COMPLETE);
    ck_assert_uint_eq(sc.judge[3].missing, 0);

    /* The ServerHello chose 1.2: CLIENT_RANDOM is needed, the 1.3 lines do
     * not help (scope.h: "for the version the server chose"). */
    ck_assert_uint_eq(sc.judge[4].keys, SCOPE_KEYS_PARTIAL);
    ck_assert_uint_eq(sc.judge[4].missing, B(SL_CLIENT_RANDOM));

    /* No ServerHello, 1.3 offered: either set will do. */
    ck_assert_uint_eq(sc.judge[5].keys, SCOPE_KEYS_COMPLETE);
    ck_assert_uint_eq(sc.judge[6].keys, SCOPE_KEYS_COMPLETE);
    ck_assert_uint_eq(sc.judge[7].keys, SCOPE_KEYS_PARTIAL);
    ck_assert_uint_eq(sc.judge[7].missing, B(SL_CLIENT_TRAFFIC_SECRET_0) |
                                               B(SL_SERVER_TRAFFIC_SECRET_0));

    /* No ServerHello, only 1.2 offered: CLIENT_RANDOM. */
    ck_assert_uint_eq(sc.judge[8].keys, SCOPE_KEYS_PARTIAL);
    ck_assert_uint_eq(sc.judge[8].missing, B(SL_CLIENT_RANDOM));

    /* A line of an unknown label only: some line, not the needed ones. */
    ck_assert_uint_eq(sc.judge[9].keys, SCOPE_KEYS_PARTIAL);
    ck_assert_uint_eq(sc.judge[9].missing, ALL13);

    ck_assert_uint_eq(sc.n_complete, 4);
    ck_assert_uint_eq(sc.n_partial, 5);
    ck_assert_uint_eq(sc.n_none, 1);
    ck_assert_uint_eq(sc.unmatched, 6);
    ck_assert_uint_eq(sc.legacy, 2);
    ck_assert_uint_eq(sc.n_labels, 3);
    ck_assert_str_eq(sc.labels[0].name, "CLIENT_RANDOM");
    ck_assert_uint_eq(sc.labels[0].lines, 3);
    ck_assert_str_eq(sc.labels[1].name, "EXPORTER_SECRET");
    ck_assert_uint_eq(sc.labels[1].lines, 2);
    ck_assert_str_eq(sc.labels[2].name, "NEW_LABEL");
    ck_assert_uint_eq(sc.labels[2].lines, 1);

    /* Judging again starts from zero; no key log at all: all none. */
    judge(&sc, "");
    ck_assert_uint_eq(sc.n_none, 10);
    ck_assert_uint_eq(sc.unmatched, 0);
    ck_assert_uint_eq(sc.legacy, 0);
    ck_assert_uint_eq(sc.n_labels, 0);
    scope_free(&sc);
    free(w.c.p);
}
END_TEST

START_TEST(test_judge_names)
{
    ck_assert_str_eq(scope_label_name(SL_CLIENT_RANDOM), "CLIENT_RANDOM");
    ck_assert_str_eq(scope_label_name(SL_SERVER_HANDSHAKE_TRAFFIC_SECRET),
                     "SERVER_HANDSHAKE_TRAFFIC_SECRET");
    ck_assert_str_eq(scope_label_name(SL_EARLY_EXPORTER_SECRET),
                     "EARLY_EXPORTER_SECRET");
    ck_assert_str_eq(scope_label_name(SL_COUNT), "?");
    ck_assert_str_eq(scope_keys_name(SCOPE_KEYS_COMPLETE), "complete");
    ck_assert_str_eq(scope_keys_name(SCOPE_KEYS_PARTIAL), "partial");
    ck_assert_str_eq(scope_keys_name(SCOPE_KEYS_NONE), "none");
}
END_TEST

/* Upper-case hex in a key log names the same random. */
START_TEST(test_judge_upper_hex)
{
    struct capw w;
    struct scope sc;
    char t[1024], up[65];

    capw_init(&w, false);
    capw_conn(&w, 4, 0x0303, 0x0303);
    scan(&sc, &w, 0);
    snprintf(up, sizeof(up), "%s", rhex(4));
    for (char *p = up; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    snprintf(t, sizeof(t), "CLIENT_RANDOM %s 00112233\n", up);
    judge(&sc, t);
    ck_assert_uint_eq(sc.judge[0].keys, SCOPE_KEYS_COMPLETE);
    scope_free(&sc);
    free(w.c.p);
}
END_TEST

/* A DSB in the capture supplies keys; its lines of other sessions are not
 * "lines of no session" (only -k key logs are counted). */
START_TEST(test_judge_dsb)
{
    struct capw w;
    struct scope sc;
    char d[4096] = "";

    kl_tls13(d, sizeof(d), 1);
    kl_line(d, sizeof(d), "CLIENT_RANDOM", 77);
    capw_init(&w, true);
    capw_dsb(&w, d);
    capw_conn(&w, 1, 0x0304, 0x0304);
    capw_conn(&w, 2, 0x0304, 0x0304);
    scan(&sc, &w, 3);
    judge(&sc, "");
    ck_assert_uint_eq(sc.judge[0].keys, SCOPE_KEYS_COMPLETE);
    ck_assert_uint_eq(sc.judge[1].keys, SCOPE_KEYS_NONE);
    ck_assert_uint_eq(sc.n_complete, 1);
    ck_assert_uint_eq(sc.unmatched, 0);
    /* With a -k key log for session 2 as well: both complete. */
    {
        char t[4096] = "";

        kl_tls13(t, sizeof(t), 2);
        judge(&sc, t);
        ck_assert_uint_eq(sc.n_complete, 2);
    }
    scope_free(&sc);
    free(w.c.p);
}
END_TEST

/* ---- filtering ----------------------------------------------------------- */

static void
filter_case(size_t mem_max)
{
    struct capw w;
    struct scope sc;
    struct keylog in, out;
    struct scope_filter_stats st = {0};
    struct sc_err err = {0};
    char t[8192] = "", want[8192] = "";
    char *got;

    capw_init(&w, true);
    capw_conn(&w, 1, 0x0304, 0x0304);
    capw_conn(&w, 2, 0x0303, 0x0303);
    scan(&sc, &w, 0);
    kl_line(t, sizeof(t), "CLIENT_RANDOM", 50); /* dropped */
    kl_tls13(t, sizeof(t), 1);
    kl_tls13(want, sizeof(want), 1);
    strcat(t, "RSA 0123456789abcdef 00112233445566778899aabbccddeeff\n");
    kl_line(t, sizeof(t), "EXPORTER_SECRET", 51); /* dropped */
    kl_line(t, sizeof(t), "CLIENT_RANDOM", 2);
    kl_line(want, sizeof(want), "CLIENT_RANDOM", 2);
    kl_line(t, sizeof(t), "EXPORTER_SECRET", 1);
    kl_line(want, sizeof(want), "EXPORTER_SECRET", 1);
    strcat(t, "RSA Session-ID:00112233 Master-Key:aabbccdd\n");
    keylog_text(&in, t, mem_max);
    keylog_set_mem_max(&out, 0); /* ignored: scope_filter initialises out */
    ck_assert_msg(scope_filter(&sc, &in, &out, &st, &err) == 0, "%s", err.msg);
    got = keylog_string(&out);
    ck_assert_str_eq(got, want);
    ck_assert_uint_eq(out.type, SECRETS_TLS);
    ck_assert_uint_eq(st.kept, 6);
    ck_assert_uint_eq(st.dropped, 2);
    ck_assert_uint_eq(st.dropped_legacy, 2);
    free(got);
    keylog_free(&out);
    /* The counts add up over calls. */
    ck_assert_int_eq(scope_filter(&sc, &in, &out, &st, &err), 0);
    ck_assert_uint_eq(st.kept, 12);
    ck_assert_uint_eq(st.dropped_legacy, 4);
    keylog_free(&out);
    keylog_free(&in);
    /* An empty key log gives an empty one. */
    keylog_init(&in, SECRETS_TLS);
    memset(&st, 0, sizeof(st));
    ck_assert_int_eq(scope_filter(&sc, &in, &out, &st, &err), 0);
    ck_assert_uint_eq(keylog_len(&out), 0);
    ck_assert_uint_eq(st.kept + st.dropped + st.dropped_legacy, 0);
    keylog_free(&out);
    keylog_free(&in);
    scope_free(&sc);
    free(w.c.p);
}

START_TEST(test_filter_mem)
{
    filter_case(SPOOL_MEM_DEFAULT);
}
END_TEST

START_TEST(test_filter_spooled)
{
    filter_case(0);
}
END_TEST

/* A key log larger than one chunk (1 MiB), spooled: every line of the
 * capture's sessions kept, in order, the rest dropped. */
START_TEST(test_filter_large)
{
    struct capw w;
    struct scope sc;
    struct keylog in, out;
    struct scope_filter_stats st = {0};
    struct sc_err err = {0};
    size_t cap = (size_t)3 << 20, n = 0;
    char *t = malloc(cap);
    unsigned lines = 0;

    ck_assert_ptr_nonnull(t);
    capw_init(&w, false);
    capw_conn(&w, 1, 0x0303, 0x0303);
    scan(&sc, &w, 0);
    while (n < cap - 300) {
        /* Every 1000th line is the capture's session (distinct secrets so
         * that nothing is deduplicated); the others of distinct randoms. */
        if (lines % 1000 == 0)
            n += (size_t)snprintf(t + n, cap - n, "CLIENT_RANDOM %s %08x\n",
                                  rhex(1), lines);
        else
            n += (size_t)snprintf(t + n, cap - n,
                                  "CLIENT_RANDOM %08x%056x %08x\n", lines, 0,
                                  lines);
        lines++;
    }
    keylog_text(&in, t, 0);
    ck_assert_int_eq(scope_filter(&sc, &in, &out, &st, &err), 0);
    ck_assert_uint_eq(st.kept, (lines + 999) / 1000);
    ck_assert_uint_eq(st.kept + st.dropped, lines);
    ck_assert_uint_eq(out.lines_kept, st.kept);
    keylog_free(&out);
    keylog_free(&in);
    scope_free(&sc);
    free(w.c.p);
    free(t);
}
END_TEST

static Suite *
scope_suite(void)
{
    Suite *s = suite_create("scope");
    struct {
        const char *name;
        const TTest *t;
    } cases[] = {
        {"scan_pcap_and_pcapng", test_scan_pcap_and_pcapng},
        {"scan_fixture", test_scan_fixture},
        {"scan_bad_capture", test_scan_bad_capture},
        {"judge_rules", test_judge_rules},
        {"judge_names", test_judge_names},
        {"judge_upper_hex", test_judge_upper_hex},
        {"judge_dsb", test_judge_dsb},
        {"filter_mem", test_filter_mem},
        {"filter_spooled", test_filter_spooled},
        {"filter_large", test_filter_large},
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
    return tu_run(scope_suite());
}
