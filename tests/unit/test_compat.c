/*
 * test_compat.c - reader-compatibility checks (src/compat.c).
 *
 * Blocks are built in memory in both byte orders, validated with
 * pcapng_check_block (which keeps the interface table, as the reader does)
 * and given to compat_block. One test case per rule: the finding is made
 * exactly at the reader's limit and not one byte below it; the report
 * names the first block and counts the others; --strict turns the first
 * finding into an error. tests/cli/reader_compat.sh checks the same rules
 * against the real readers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "pcapng.h"
#include "testutil.h"

static const enum byte_order orders[2] = {BO_LE, BO_BE};

/* One test's state: the reader's interface table and the checks. */
struct t {
    enum byte_order o;
    struct pcapng_reader pr;
    struct compat c;
    uint64_t number, offset;
    uint8_t *buf; /* the last block built */
};

static void
t_init(struct t *t, enum byte_order o, bool strict)
{
    memset(t, 0, sizeof(*t));
    t->o = o;
    pcapng_init(&t->pr, NULL);
    compat_init(&t->c, "x.pcapng", false, strict);
}

static void
t_free(struct t *t)
{
    pcapng_free(&t->pr);
    free(t->buf);
}

/* Builds a block of type with body (n bytes, padded) and checks it; fake_len
 * (when not 0) is the length compat sees instead (framing-only rules).
 * Returns compat_block's result. */
static int
t_block(struct t *t, uint32_t type, const uint8_t *body, size_t n,
        uint32_t fake_len, struct sc_err *err)
{
    size_t total = 12 + ((n + 3) & ~(size_t)3);
    struct pcapng_block b;
    struct sc_err e2 = {0};

    free(t->buf);
    t->buf = calloc(1, total);
    ck_assert_ptr_nonnull(t->buf);
    bo_put32(t->o, t->buf, type);
    bo_put32(t->o, t->buf + 4, (uint32_t)total);
    memcpy(t->buf + 8, body, n);
    bo_put32(t->o, t->buf + total - 4, (uint32_t)total);
    b.type = type;
    b.len = (uint32_t)total;
    b.data = t->buf;
    b.order = t->o;
    b.offset = t->offset;
    b.number = ++t->number;
    b.section = type == PCAPNG_BT_SHB ? t->pr.sections + 1 : t->pr.sections;
    ck_assert_msg(pcapng_check_block(&t->pr, &b, &e2) == 0, "%s", e2.msg);
    t->offset += total;
    if (fake_len != 0)
        b.len = fake_len;
    return compat_block(&t->c, &t->pr, &b, err);
}

static void
ok(int rc, const struct sc_err *err)
{
    ck_assert_msg(rc == 0, "%s", err->msg);
}

static void
shb(struct t *t, enum byte_order o, uint32_t fake_len)
{
    uint8_t b[16];
    struct sc_err err = {0};

    t->o = o;
    bo_put32(o, b, PCAPNG_BOM);
    bo_put16(o, b + 4, 1);
    bo_put16(o, b + 6, 0);
    bo_put64(o, b + 8, UINT64_MAX);
    ok(t_block(t, PCAPNG_BT_SHB, b, sizeof(b), fake_len, &err), &err);
}

/* An IDB with opts (optlen bytes, already encoded) appended. */
static void
idb(struct t *t, uint16_t lt, uint32_t snaplen, const uint8_t *opts,
    size_t optlen)
{
    uint8_t b[64] = {0};
    struct sc_err err = {0};

    ck_assert_uint_le(optlen, sizeof(b) - 8);
    bo_put16(t->o, b, lt);
    bo_put32(t->o, b + 4, snaplen);
    if (optlen > 0)
        memcpy(b + 8, opts, optlen);
    ok(t_block(t, PCAPNG_BT_IDB, b, 8 + optlen, 0, &err), &err);
}

/* An EPB on iface of caplen bytes with opts; returns compat's result. */
static int
epb(struct t *t, uint32_t iface, uint32_t caplen, const uint8_t *opts,
    size_t optlen, struct sc_err *err)
{
    size_t pad = ((size_t)caplen + 3) & ~(size_t)3;
    uint8_t *b = calloc(1, 20 + pad + optlen);
    int rc;

    ck_assert_ptr_nonnull(b);
    bo_put32(t->o, b, iface);
    bo_put32(t->o, b + 12, caplen);
    bo_put32(t->o, b + 16, caplen);
    if (optlen > 0)
        memcpy(b + 20 + pad, opts, optlen);
    rc = t_block(t, PCAPNG_BT_EPB, b, 20 + pad + optlen, 0, err);
    free(b);
    return rc;
}

/* Encodes option code/len/value (zero value) at p; returns its size. */
static size_t
opt(enum byte_order o, uint8_t *p, uint16_t code, uint16_t len)
{
    size_t n = 4 + (((size_t)len + 3) & ~(size_t)3);

    memset(p, 0, n);
    bo_put16(o, p, code);
    bo_put16(o, p + 2, len);
    return n;
}

static uint64_t
count(const struct t *t, enum compat_kind k)
{
    return t->c.f[k].count;
}

/* Only kind k was found (or nothing, k == COMPAT_NKINDS). */
static void
only(const struct t *t, enum compat_kind k)
{
    for (int i = 0; i < COMPAT_NKINDS; i++)
        ck_assert_msg((t->c.f[i].count > 0) == (i == (int)k),
                      "kind %s: count %llu", compat_kind_name(i),
                      (unsigned long long)t->c.f[i].count);
}

/* Collects warnings. */
struct lines {
    char text[4][512];
    int n;
};

static void
collect(void *ctx, const char *msg)
{
    struct lines *l = ctx;

    if (l->n < 4)
        snprintf(l->text[l->n], sizeof(l->text[0]), "%s", msg);
    l->n++;
}

START_TEST(test_clean)
{
    for (int i = 0; i < 2; i++) {
        struct t t;
        struct sc_err err = {0};
        struct lines l = {0};
        struct sc_diag d = {collect, &l};

        t_init(&t, orders[i], true);
        shb(&t, orders[i], 0);
        idb(&t, 1, 0, NULL, 0);
        for (int k = 0; k < 3; k++)
            ok(epb(&t, 0, 60 + k, NULL, 0, &err), &err);
        /* The largest Ethernet packet every reader takes. */
        ok(epb(&t, 0, 262144, NULL, 0, &err), &err);
        ok(compat_end(&t.c, &err), &err);
        only(&t, COMPAT_NKINDS);
        ck_assert_uint_eq(compat_report(&t.c, &d), 0);
        ck_assert_int_eq(l.n, 0);
        ck_assert_uint_eq(compat_refused(&t.c), 0);
        ck_assert_int_eq(compat_reason(&t.c, COMPAT_TSHARK), -1);
        t_free(&t);
    }
}
END_TEST

START_TEST(test_big_block)
{
    for (int i = 0; i < 2; i++) {
        struct t t;
        struct sc_err err = {0};
        uint8_t dsb[8] = {0};

        t_init(&t, orders[i], false);
        shb(&t, orders[i], 0);
        idb(&t, 1, 0, NULL, 0);
        ok(t_block(&t, PCAPNG_BT_DSB, dsb, 8, 16u << 20, &err), &err);
        only(&t, COMPAT_NKINDS);
        ok(t_block(&t, PCAPNG_BT_DSB, dsb, 8, (16u << 20) + 4, &err), &err);
        only(&t, COMPAT_BIG_BLOCK);
        ck_assert_uint_eq(compat_refused(&t.c), COMPAT_TCPDUMP);
        t_free(&t);
        /* A D-Bus interface raises libpcap's limit. */
        t_init(&t, orders[i], false);
        shb(&t, orders[i], 0);
        idb(&t, 231, 0, NULL, 0);
        ok(t_block(&t, PCAPNG_BT_DSB, dsb, 8, 17u << 20, &err), &err);
        only(&t, COMPAT_NKINDS);
        t_free(&t);
    }
}
END_TEST

START_TEST(test_big_shb)
{
    struct t t;

    t_init(&t, BO_LE, false);
    shb(&t, BO_LE, 1u << 20);
    only(&t, COMPAT_NKINDS);
    t_free(&t);
    t_init(&t, BO_LE, false);
    shb(&t, BO_BE, (1u << 20) + 4);
    only(&t, COMPAT_BIG_SHB);
    t_free(&t);
    /* Only the first section's SHB. */
    t_init(&t, BO_LE, false);
    shb(&t, BO_LE, 0);
    shb(&t, BO_LE, (1u << 20) + 4);
    only(&t, COMPAT_NKINDS);
    t_free(&t);
}
END_TEST

START_TEST(test_byte_orders)
{
    for (int i = 0; i < 2; i++) {
        struct t t;

        t_init(&t, orders[i], false);
        shb(&t, orders[i], 0);
        shb(&t, orders[i], 0);
        only(&t, COMPAT_NKINDS);
        shb(&t, orders[1 - i], 0);
        shb(&t, orders[i], 0);
        shb(&t, orders[1 - i], 0);
        only(&t, COMPAT_BYTE_ORDER);
        ck_assert_uint_eq(count(&t, COMPAT_BYTE_ORDER), 2);
        ck_assert_uint_eq(t.c.f[COMPAT_BYTE_ORDER].block, 3);
        t_free(&t);
    }
}
END_TEST

START_TEST(test_link_types)
{
    for (int i = 0; i < 2; i++) {
        struct t t;

        t_init(&t, orders[i], false);
        shb(&t, orders[i], 0);
        idb(&t, 1, 0, NULL, 0);
        idb(&t, 1, 0, NULL, 0);
        only(&t, COMPAT_NKINDS);
        idb(&t, 101, 0, NULL, 0);
        only(&t, COMPAT_LINKTYPE_MIX);
        t_free(&t);
        /* Across sections: editcap fails too. */
        t_init(&t, orders[i], false);
        shb(&t, orders[i], 0);
        idb(&t, 1, 0, NULL, 0);
        shb(&t, orders[i], 0);
        idb(&t, 101, 0, NULL, 0);
        only(&t, COMPAT_LINKTYPE_SECT);
        ck_assert_uint_eq(compat_refused(&t.c),
                          COMPAT_TCPDUMP | COMPAT_EDITCAP);
        t_free(&t);
    }
}
END_TEST

START_TEST(test_snaplens)
{
    struct t t;

    /* libpcap adjusts 0 (and > INT_MAX) to the link type's maximum. */
    t_init(&t, BO_LE, false);
    shb(&t, BO_LE, 0);
    idb(&t, 1, 0, NULL, 0);
    idb(&t, 1, 262144, NULL, 0);
    idb(&t, 1, 0x80000000u, NULL, 0);
    only(&t, COMPAT_NKINDS);
    idb(&t, 1, 65535, NULL, 0);
    only(&t, COMPAT_SNAPLEN_MIX);
    t_free(&t);
}
END_TEST

START_TEST(test_big_packet)
{
    for (int i = 0; i < 2; i++) {
        struct t t;
        struct sc_err err = {0};

        t_init(&t, orders[i], false);
        shb(&t, orders[i], 0);
        idb(&t, 1, 300000, NULL, 0);
        ok(epb(&t, 0, 262144, NULL, 0, &err), &err);
        only(&t, COMPAT_NKINDS);
        ok(epb(&t, 0, 262145, NULL, 0, &err), &err);
        only(&t, COMPAT_BIG_PACKET);
        ck_assert_uint_eq(compat_refused(&t.c),
                          COMPAT_TSHARK | COMPAT_EDITCAP | COMPAT_CAPINFOS);
        t_free(&t);
        /* D-Bus packets may be 128 MiB. */
        t_init(&t, orders[i], false);
        shb(&t, orders[i], 0);
        idb(&t, 231, 0, NULL, 0);
        ok(epb(&t, 0, 300000, NULL, 0, &err), &err);
        only(&t, COMPAT_NKINDS);
        t_free(&t);
    }
}
END_TEST

START_TEST(test_caplen_snaplen)
{
    struct t t;
    struct sc_err err = {0};

    t_init(&t, BO_BE, false);
    shb(&t, BO_BE, 0);
    idb(&t, 1, 54, NULL, 0);
    ok(epb(&t, 0, 54, NULL, 0, &err), &err);
    only(&t, COMPAT_NKINDS);
    ok(epb(&t, 0, 55, NULL, 0, &err), &err);
    only(&t, COMPAT_CAPLEN_SNAPLEN);
    t_free(&t);
    /* Snaplen 0: Ethernet's 262144, over which both kinds are found. */
    t_init(&t, BO_LE, false);
    shb(&t, BO_LE, 0);
    idb(&t, 1, 0, NULL, 0);
    ok(epb(&t, 0, 262145, NULL, 0, &err), &err);
    ck_assert_uint_eq(count(&t, COMPAT_CAPLEN_SNAPLEN), 1);
    ck_assert_uint_eq(count(&t, COMPAT_BIG_PACKET), 1);
    t_free(&t);
}
END_TEST

START_TEST(test_link_type_tables)
{
    static const struct {
        uint16_t lt;
        bool ws, pcap;
    } cases[] = {
        {0, true, true},       {1, true, true},     {2, true, false},
        {4, false, false},     {15, false, true},   {101, true, true},
        {102, false, true},    {147, true, true},   {231, true, true},
        {276, true, true},     {289, false, true},  {290, true, false},
        {295, true, false},    {296, false, false}, {9999, false, false},
        {65535, false, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct t t;

        ck_assert_msg(compat_linktype_ws(cases[i].lt) == cases[i].ws, "%u",
                      cases[i].lt);
        ck_assert_msg(compat_linktype_pcap(cases[i].lt) == cases[i].pcap, "%u",
                      cases[i].lt);
        t_init(&t, BO_LE, false);
        shb(&t, BO_LE, 0);
        idb(&t, cases[i].lt, 0, NULL, 0);
        ck_assert_uint_eq(count(&t, COMPAT_LINKTYPE_WS), !cases[i].ws);
        ck_assert_uint_eq(count(&t, COMPAT_LINKTYPE_PCAP), !cases[i].pcap);
        t_free(&t);
    }
}
END_TEST

START_TEST(test_packet_options)
{
    static const struct {
        uint16_t code, len;
        bool refused;
    } cases[] = {
        {2, 4, false}, {2, 2, true},  {2, 8, true},     {4, 8, false},
        {4, 4, true},  {5, 8, false}, {5, 4, true},     {6, 4, false},
        {6, 2, true},  {7, 1, false}, {7, 0, true},     {3, 0, false},
        {1, 0, false}, {8, 4, false}, {2988, 4, false},
    };
    for (int i = 0; i < 2; i++) {
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            struct t t;
            struct sc_err err = {0};
            uint8_t o[32];
            size_t n = opt(orders[i], o, cases[k].code, cases[k].len);

            n += opt(orders[i], o + n, 0, 0);
            t_init(&t, orders[i], false);
            shb(&t, orders[i], 0);
            idb(&t, 1, 0, NULL, 0);
            ok(epb(&t, 0, 60, o, n, &err), &err);
            only(&t, cases[k].refused ? COMPAT_PKT_OPTION : COMPAT_NKINDS);
            t_free(&t);
        }
    }
}
END_TEST

/* Nothing after opt_endofopt counts: every reader stops there. */
START_TEST(test_after_endofopt)
{
    struct t t;
    struct sc_err err = {0};
    uint8_t o[32];
    size_t n = opt(BO_LE, o, 0, 0);

    n += opt(BO_LE, o + n, 2, 2);
    t_init(&t, BO_LE, false);
    shb(&t, BO_LE, 0);
    n = opt(BO_LE, o, 0, 0);
    n += opt(BO_LE, o + n, 9, 1);
    n += opt(BO_LE, o + n, 9, 1);
    idb(&t, 1, 0, o, n);
    n = opt(BO_LE, o, 0, 0);
    n += opt(BO_LE, o + n, 2, 2);
    ok(epb(&t, 0, 60, o, n, &err), &err);
    only(&t, COMPAT_NKINDS);
    t_free(&t);
}
END_TEST

START_TEST(test_idb_options)
{
    for (int i = 0; i < 2; i++) {
        enum byte_order bo = orders[i];
        struct t t;
        uint8_t o[48];
        size_t n;

        t_init(&t, bo, false);
        shb(&t, bo, 0);
        n = opt(bo, o, 9, 1);
        n += opt(bo, o + n, 14, 8);
        idb(&t, 1, 0, o, n);
        only(&t, COMPAT_NKINDS);
        n = opt(bo, o, 9, 1);
        n += opt(bo, o + n, 9, 1);
        idb(&t, 1, 0, o, n);
        only(&t, COMPAT_TSRESOL_TWICE);
        t_free(&t);
        t_init(&t, bo, false);
        shb(&t, bo, 0);
        n = opt(bo, o, 14, 4);
        idb(&t, 1, 0, o, n);
        only(&t, COMPAT_TSOFFSET);
        n = opt(bo, o, 14, 8);
        n += opt(bo, o + n, 14, 8);
        idb(&t, 1, 0, o, n);
        ck_assert_uint_eq(count(&t, COMPAT_TSOFFSET), 2);
        t_free(&t);
    }
}
END_TEST

START_TEST(test_no_idb)
{
    struct t t;
    struct sc_err err = {0};
    struct lines l = {0};
    struct sc_diag d = {collect, &l};

    t_init(&t, BO_LE, false);
    shb(&t, BO_LE, 0);
    ok(compat_end(&t.c, &err), &err);
    only(&t, COMPAT_NO_IDB);
    ck_assert_uint_eq(compat_report(&t.c, &d), 1);
    ck_assert_str_eq(l.text[0],
                     "x.pcapng: no Interface Description Block in the file: "
                     "tcpdump refuses it (\"the capture file has no "
                     "Interface Description Blocks\"), editcap refuses to "
                     "write it");
    t_free(&t);
    /* An IDB in any section will do. */
    t_init(&t, BO_LE, false);
    shb(&t, BO_LE, 0);
    shb(&t, BO_LE, 0);
    idb(&t, 1, 0, NULL, 0);
    ok(compat_end(&t.c, &err), &err);
    only(&t, COMPAT_NKINDS);
    t_free(&t);
}
END_TEST

START_TEST(test_report)
{
    struct t t;
    struct sc_err err = {0};
    struct lines l = {0};
    struct sc_diag d = {collect, &l};
    uint8_t o[16];
    size_t n = opt(BO_LE, o, 2, 2);

    t_init(&t, BO_LE, false);
    shb(&t, BO_LE, 0);
    idb(&t, 1, 0, NULL, 0);
    ok(epb(&t, 0, 60, NULL, 0, &err), &err);
    for (int k = 0; k < 3; k++)
        ok(epb(&t, 0, 60, o, n, &err), &err);
    idb(&t, 101, 0, NULL, 0);
    ck_assert_uint_eq(compat_report(&t.c, &d), 2);
    ck_assert_int_eq(l.n, 2);
    ck_assert_str_eq(
        l.text[0],
        "x.pcapng: block #7 at offset 440: an interface of link type 101 "
        "after one of link type 1: tcpdump refuses it (libpcap reads one "
        "link type per file: \"an interface has a type 101 different from "
        "the type of the first interface\")");
    ck_assert_str_eq(
        l.text[1],
        "x.pcapng: block #4 at offset 140 and 2 more blocks: EPB epb_flags "
        "option of length 2, not 4: tshark, Wireshark, editcap and "
        "capinfos refuse it (\"pcapng: packet block flags option length 2 "
        "is not 4\"), tcpdump reads it");
    ck_assert_int_eq(compat_reason(&t.c, COMPAT_TCPDUMP), COMPAT_LINKTYPE_MIX);
    ck_assert_int_eq(compat_reason(&t.c, COMPAT_TSHARK), COMPAT_PKT_OPTION);
    t_free(&t);
}
END_TEST

START_TEST(test_strict)
{
    struct t t;
    struct sc_err err = {0};
    uint8_t o[16];
    size_t n = opt(BO_LE, o, 6, 2);

    t_init(&t, BO_LE, true);
    shb(&t, BO_LE, 0);
    idb(&t, 1, 0, NULL, 0);
    ok(epb(&t, 0, 60, NULL, 0, &err), &err);
    ck_assert_int_eq(epb(&t, 0, 60, o, n, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_str_eq(err.msg,
                     "x.pcapng: block #4 at offset 140: EPB epb_queue option "
                     "of length 2, not 4: tshark, Wireshark, editcap and "
                     "capinfos refuse it (\"pcapng: packet block queue "
                     "option length 2 is not 4\"), tcpdump reads it "
                     "(--strict)");
    t_free(&t);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("compat");
    struct {
        const char *name;
        const TTest *fn;
    } cases[] = {
        {"clean", test_clean},
        {"big_block", test_big_block},
        {"big_shb", test_big_shb},
        {"byte_orders", test_byte_orders},
        {"link_types", test_link_types},
        {"snaplens", test_snaplens},
        {"big_packet", test_big_packet},
        {"caplen_snaplen", test_caplen_snaplen},
        {"link_type_tables", test_link_type_tables},
        {"packet_options", test_packet_options},
        {"after_endofopt", test_after_endofopt},
        {"idb_options", test_idb_options},
        {"no_idb", test_no_idb},
        {"report", test_report},
        {"strict", test_strict},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TCase *tc = tcase_create(cases[i].name);

        tcase_add_test(tc, cases[i].fn);
        suite_add_tcase(s, tc);
    }
    return tu_run(s);
}
