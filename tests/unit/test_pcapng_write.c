/*
 * test_pcapng_write.c - the pcapng block builders (src/pcapng_write.c).
 *
 * Each builder is checked byte for byte against blocks written out by hand
 * from the spec's layouts, in both byte orders; then a sequence of built
 * blocks is read back through pcapng_next (which validates every field) over
 * memory sources handing out 1, 3 or 4096 bytes per read.
 */
#include <string.h>

#include "pcapng.h"
#include "pcapng_write.h"
#include "source.h"
#include "testutil.h"

START_TEST(test_shb_userappl)
{
    /* clang-format off */
    static const uint8_t le[52] = {
        0x0A, 0x0D, 0x0D, 0x0A, 52, 0, 0, 0,             /* type, length */
        0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0,              /* BOM, 1.0 */
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  /* section -1 */
        4, 0, 13, 0,                                     /* shb_userappl */
        's', 'e', 'c', 'r', 'e', 't', 'c', 'a', 'p', ' ', '0', '.', '1',
        0, 0, 0,                                         /* padding */
        0, 0, 0, 0,                                      /* endofopt */
        52, 0, 0, 0};
    static const uint8_t be[52] = {
        0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 52,
        0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0, 4, 0, 13,
        's', 'e', 'c', 'r', 'e', 't', 'c', 'a', 'p', ' ', '0', '.', '1',
        0, 0, 0,
        0, 0, 0, 0,
        0, 0, 0, 52};
    /* clang-format on */
    uint8_t buf[PCAPNG_SHB_MAX];

    memset(buf, 0xEE, sizeof(buf));
    ck_assert_uint_eq(pcapng_build_shb(buf, BO_LE, "secretcap 0.1"), 52);
    ck_assert_mem_eq(buf, le, 52);
    memset(buf, 0xEE, sizeof(buf));
    ck_assert_uint_eq(pcapng_build_shb(buf, BO_BE, "secretcap 0.1"), 52);
    ck_assert_mem_eq(buf, be, 52);
}
END_TEST

START_TEST(test_shb_plain)
{
    /* clang-format off */
    static const uint8_t le[28] = {
        0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A,
        1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        28, 0, 0, 0};
    static const uint8_t be[28] = {
        0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 28, 0x1A, 0x2B, 0x3C, 0x4D,
        0, 1, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0, 0, 0, 28};
    /* clang-format on */
    uint8_t buf[PCAPNG_SHB_MAX];

    /* No userappl (NULL or empty): no options area at all. */
    ck_assert_uint_eq(pcapng_build_shb(buf, BO_LE, NULL), 28);
    ck_assert_mem_eq(buf, le, 28);
    ck_assert_uint_eq(pcapng_build_shb(buf, BO_BE, NULL), 28);
    ck_assert_mem_eq(buf, be, 28);
    ck_assert_uint_eq(pcapng_build_shb(buf, BO_LE, ""), 28);
    ck_assert_mem_eq(buf, le, 28);
}
END_TEST

START_TEST(test_shb_long_userappl)
{
    char ua[400];
    uint8_t buf[PCAPNG_SHB_MAX + 16];
    size_t n;

    memset(ua, 'a', sizeof(ua) - 1);
    ua[sizeof(ua) - 1] = '\0';
    memset(buf, 0xEE, sizeof(buf));
    n = pcapng_build_shb(buf, BO_BE, ua);
    /* Truncated to 256 bytes: 28 + 4 + 256 + 4. */
    ck_assert_uint_eq(n, 292);
    ck_assert_uint_le(n, PCAPNG_SHB_MAX);
    ck_assert_uint_eq(bo_get16(BO_BE, buf + 26), 256);
    ck_assert_uint_eq(bo_get32(BO_BE, buf + 4), 292);
    ck_assert_uint_eq(bo_get32(BO_BE, buf + 288), 292);
    ck_assert_uint_eq(buf[292], 0xEE);
    /* An odd length is padded with zeros. */
    n = pcapng_build_shb(buf, BO_LE, "x");
    ck_assert_uint_eq(n, 40);
    ck_assert_uint_eq(buf[28], 'x');
    ck_assert_uint_eq(buf[29], 0);
    ck_assert_uint_eq(buf[30], 0);
    ck_assert_uint_eq(buf[31], 0);
}
END_TEST

START_TEST(test_idb)
{
    /* clang-format off */
    static const uint8_t le[40] = {
        1, 0, 0, 0, 40, 0, 0, 0,
        1, 0, 0, 0, 0x00, 0x00, 0x04, 0x00, /* linktype 1, snaplen 262144 */
        9, 0, 1, 0, 9, 0, 0, 0,             /* if_tsresol 9 */
        13, 0, 1, 0, 32, 0, 0, 0,           /* if_fcslen 32 */
        0, 0, 0, 0,
        40, 0, 0, 0};
    static const uint8_t be[40] = {
        0, 0, 0, 1, 0, 0, 0, 40,
        0, 1, 0, 0, 0x00, 0x04, 0x00, 0x00,
        0, 9, 0, 1, 9, 0, 0, 0,
        0, 13, 0, 1, 32, 0, 0, 0,
        0, 0, 0, 0,
        0, 0, 0, 40};
    static const uint8_t plain_be[20] = {
        0, 0, 0, 1, 0, 0, 0, 20, 0, 105, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20};
    static const uint8_t ts_le[32] = {
        1, 0, 0, 0, 32, 0, 0, 0, 228, 0, 0, 0, 0xFF, 0xFF, 0, 0,
        9, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0};
    /* clang-format on */
    uint8_t buf[PCAPNG_IDB_MAX];

    memset(buf, 0xEE, sizeof(buf));
    ck_assert_uint_eq(pcapng_build_idb(buf, BO_LE, 1, 262144, 9, 32), 40);
    ck_assert_mem_eq(buf, le, 40);
    ck_assert_uint_eq(bo_get32(BO_LE, buf + PCAPNG_IDB_SNAPLEN_OFF), 262144);
    memset(buf, 0xEE, sizeof(buf));
    ck_assert_uint_eq(pcapng_build_idb(buf, BO_BE, 1, 262144, 9, 32), 40);
    ck_assert_mem_eq(buf, be, 40);
    ck_assert_uint_eq(pcapng_build_idb(buf, BO_BE, 105, 0, -1, -1), 20);
    ck_assert_mem_eq(buf, plain_be, 20);
    ck_assert_uint_eq(pcapng_build_idb(buf, BO_LE, 228, 65535, 6, -1), 32);
    ck_assert_mem_eq(buf, ts_le, 32);
}
END_TEST

START_TEST(test_epb)
{
    /* clang-format off */
    static const uint8_t head_le[28] = {
        6, 0, 0, 0, 40, 0, 0, 0,
        2, 0, 0, 0,                          /* interface 2 */
        0x01, 0x00, 0x00, 0x00,              /* ts high */
        0x04, 0x03, 0x02, 0x01,              /* ts low */
        5, 0, 0, 0, 0xDC, 0x05, 0, 0};       /* caplen 5, origlen 1500 */
    static const uint8_t head_be[28] = {
        0, 0, 0, 6, 0, 0, 0, 52,
        0, 0, 0, 2,
        0x00, 0x00, 0x00, 0x01,
        0x01, 0x02, 0x03, 0x04,
        0, 0, 0, 5, 0, 0, 0x05, 0xDC};
    static const uint8_t tail_le[7] = {0, 0, 0, 40, 0, 0, 0};
    static const uint8_t tail_flags_be[19] = {
        0, 0, 0,                             /* padding */
        0, 2, 0, 4, 0, 0, 0, 1,              /* epb_flags = 1 (inbound) */
        0, 0, 0, 0,                          /* endofopt */
        0, 0, 0, 52};
    static const uint8_t tail_aligned_le[4] = {32, 0, 0, 0};
    /* clang-format on */
    uint8_t buf[64];
    uint64_t ts = ((uint64_t)1 << 32) | 0x01020304u;

    ck_assert_uint_eq(pcapng_epb_len(5, 0), 40);
    ck_assert_uint_eq(pcapng_epb_len(5, 1), 52);
    ck_assert_uint_eq(pcapng_epb_len(0, 0), 32);
    ck_assert_uint_eq(pcapng_epb_len(0xFFFFFFFFu, 1), 32 + 0x100000000ull + 12);
    memset(buf, 0xEE, sizeof(buf));
    ck_assert_uint_eq(pcapng_build_epb_head(buf, BO_LE, 2, ts, 5, 1500, 0),
                      PCAPNG_EPB_HDR_LEN);
    ck_assert_mem_eq(buf, head_le, 28);
    ck_assert_uint_eq(pcapng_build_epb_tail(buf, BO_LE, 5, 0), 7);
    ck_assert_mem_eq(buf, tail_le, 7);
    ck_assert_uint_eq(pcapng_build_epb_head(buf, BO_BE, 2, ts, 5, 1500, 1),
                      PCAPNG_EPB_HDR_LEN);
    ck_assert_mem_eq(buf, head_be, 28);
    ck_assert_uint_eq(pcapng_build_epb_tail(buf, BO_BE, 5, 1), 19);
    ck_assert_mem_eq(buf, tail_flags_be, 19);
    ck_assert_uint_le(19, PCAPNG_EPB_TAIL_MAX);
    ck_assert_uint_eq(pcapng_build_epb_tail(buf, BO_LE, 0, 0), 4);
    ck_assert_mem_eq(buf, tail_aligned_le, 4);
}
END_TEST

START_TEST(test_dsb)
{
    /* clang-format off */
    static const uint8_t head_le[16] = {
        0x0A, 0, 0, 0, 28, 0, 0, 0, 0x4B, 0x53, 0x4C, 0x54, 5, 0, 0, 0};
    static const uint8_t head_be[16] = {
        0, 0, 0, 0x0A, 0, 0, 0, 28, 0x54, 0x4C, 0x53, 0x4B, 0, 0, 0, 5};
    static const uint8_t tail_le[7] = {0, 0, 0, 28, 0, 0, 0};
    static const uint8_t tail_be[7] = {0, 0, 0, 0, 0, 0, 28};
    static const uint8_t tail8_be[4] = {0, 0, 0, 28};
    /* clang-format on */
    uint8_t buf[32];

    memset(buf, 0xEE, sizeof(buf));
    ck_assert_uint_eq(pcapng_build_dsb_head(buf, BO_LE, 0x544c534bu, 5, 0),
                      PCAPNG_DSB_HDR_LEN);
    ck_assert_mem_eq(buf, head_le, 16);
    ck_assert_uint_eq(pcapng_build_dsb_tail(buf, BO_LE, 5, 0), 7);
    ck_assert_mem_eq(buf, tail_le, 7);
    ck_assert_uint_eq(pcapng_build_dsb_head(buf, BO_BE, 0x544c534bu, 5, 0),
                      PCAPNG_DSB_HDR_LEN);
    ck_assert_mem_eq(buf, head_be, 16);
    ck_assert_uint_eq(pcapng_build_dsb_tail(buf, BO_BE, 5, 0), 7);
    ck_assert_mem_eq(buf, tail_be, 7);
    /* A multiple of 4: no padding. */
    ck_assert_uint_eq(pcapng_build_dsb_tail(buf, BO_BE, 8, 0), 4);
    ck_assert_mem_eq(buf, tail8_be, 4);
    /* The largest DSB, with the largest padding, is exactly 16 MiB. */
    ck_assert_uint_eq(pcapng_build_dsb_head(buf, BO_LE, 1,
                                            PCAPNG_DSB_MAX_SECRETS,
                                            PCAPNG_DSB_PAD_MAX),
                      16);
    ck_assert_uint_eq(bo_get32(BO_LE, buf + 4), 16u << 20);
}
END_TEST

/* The padding rule: 0 for an aligned gap, the gap itself when it holds the
 * option, one more page when it does not; always a multiple of 4 that
 * moves the output by gap modulo 4096. */
START_TEST(test_dsb_pad_rule)
{
    ck_assert_uint_eq(pcapng_dsb_pad(0), 0);
    ck_assert_uint_eq(pcapng_dsb_pad(4096 * 7), 0);
    ck_assert_uint_eq(pcapng_dsb_pad(4), 4100);
    ck_assert_uint_eq(pcapng_dsb_pad(32), 4128);
    ck_assert_uint_eq(pcapng_dsb_pad(36), 36);
    ck_assert_uint_eq(pcapng_dsb_pad(4092), 4092);
    ck_assert_uint_eq(pcapng_dsb_pad(4096 + 40), 40);
    /* Unsigned wrap: "the output is 100 bytes past" still aligns. */
    ck_assert_uint_eq(pcapng_dsb_pad((uint64_t)0 - 100), 3996);
    for (uint64_t g = 0; g < 3 * 4096; g += 4) {
        uint32_t p = pcapng_dsb_pad(g);

        ck_assert_uint_eq(p % 4, 0);
        ck_assert_uint_eq((p - g) % 4096, 0);
        ck_assert(p == 0 ||
                  (p >= PCAPNG_DSB_PAD_MIN && p <= PCAPNG_DSB_PAD_MAX));
    }
}
END_TEST

/* A padded DSB: the secrets as before, then opt_comment holding the text
 * and spaces, opt_endofopt, the trailer; our own reader accepts it and
 * finds the secrets unchanged. Both byte orders, every pad length. */
START_TEST(test_dsb_padded)
{
    static const char secrets[] = "CLIENT_RANDOM 00 11\n";
    uint8_t
        blk[PCAPNG_DSB_HDR_LEN + 32 + PCAPNG_DSB_TAIL_MAX + PCAPNG_DSB_PAD_MAX];
    uint32_t slen = sizeof(secrets) - 1;

    for (int i = 0; i < 2; i++) {
        enum byte_order o = i ? BO_BE : BO_LE;

        for (uint32_t pad = PCAPNG_DSB_PAD_MIN; pad <= PCAPNG_DSB_PAD_MAX;
             pad += 4) {
            size_t n = pcapng_build_dsb_head(blk, o, 0x544c534bu, slen, pad);
            struct pcapng_opt_iter it;
            struct pcapng_opt opt;
            struct pcapng_block b;
            struct pcapng_dsb d;
            struct pcapng_reader pr;
            struct sc_err err = {0};

            memcpy(blk + n, secrets, slen);
            n += slen;
            n += pcapng_build_dsb_tail(blk + n, o, slen, pad);
            ck_assert_uint_eq(n, 20 + pad4(slen) + pad);
            ck_assert_uint_eq(bo_get32(o, blk + 4), n);
            ck_assert_uint_eq(bo_get32(o, blk + n - 4), n);
            b = (struct pcapng_block){
                PCAPNG_BT_DSB, (uint32_t)n, blk, o, 0, 1, 1};
            pr = (struct pcapng_reader){.order = o, .sections = 1};
            ck_assert_int_eq(pcapng_check_block(&pr, &b, &err), 0);
            pcapng_dsb_fields(&b, &d);
            ck_assert_uint_eq(d.secrets_len, slen);
            ck_assert_mem_eq(d.secrets, secrets, slen);
            ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
            ck_assert_int_eq(pcapng_opts_next(&it, &opt), 1);
            ck_assert_uint_eq(opt.code, 1);
            ck_assert_uint_eq(opt.len, pad - 8);
            ck_assert_mem_eq(opt.value, PCAPNG_DSB_PAD_TEXT,
                             sizeof(PCAPNG_DSB_PAD_TEXT) - 1);
            ck_assert_uint_eq(opt.value[opt.len - 1], ' ');
            ck_assert_int_eq(pcapng_opts_next(&it, &opt), 0);
        }
    }
}
END_TEST

START_TEST(test_shb_patch)
{
    int i;

    for (i = 0; i < 2; i++) {
        enum byte_order o = i ? BO_BE : BO_LE;
        uint8_t in[PCAPNG_SHB_MAX], out[PCAPNG_SHB_MAX], want[PCAPNG_SHB_MAX];
        size_t n = pcapng_build_shb(in, o, "editcap");

        memcpy(want, in, n);
        /* Input says 1.2 and a section length: output says 1.0 and -1,
         * everything else (options) unchanged. */
        bo_put16(o, in + 14, 2);
        bo_put64(o, in + 16, 123456);
        memset(out, 0xEE, sizeof(out));
        pcapng_shb_patch(out, in, n, o);
        ck_assert_mem_eq(out, want, n);
        ck_assert_uint_eq(out[n], 0xEE);
        /* 1.0 stays 1.0; other versions are left alone (never valid
         * input anyway). */
        bo_put16(o, in + 14, 0);
        pcapng_shb_patch(out, in, n, o);
        ck_assert_mem_eq(out, want, n);
        bo_put16(o, in + 12, 2);
        bo_put16(o, in + 14, 2);
        pcapng_shb_patch(out, in, n, o);
        ck_assert_uint_eq(bo_get16(o, out + 12), 2);
        ck_assert_uint_eq(bo_get16(o, out + 14), 2);
        ck_assert_uint_eq(bo_get64(o, out + 16), UINT64_MAX);
    }
}
END_TEST

/* Appends one section built with every builder, in order o. */
static size_t
build_section(uint8_t *p, enum byte_order o)
{
    static const char secrets[] = "CLIENT_RANDOM 00 11\n";
    const uint32_t slen = sizeof(secrets) - 1;
    size_t n = 0;

    n += pcapng_build_shb(p + n, o, "secretcap");
    n += pcapng_build_idb(p + n, o, 1, 65535, 9, 32);
    n += pcapng_build_idb(p + n, o, 101, 0, -1, -1);
    n += pcapng_build_dsb_head(p + n, o, 0x544c534bu, slen, 0);
    memcpy(p + n, secrets, slen);
    n += slen;
    n += pcapng_build_dsb_tail(p + n, o, slen, 0);
    n += pcapng_build_epb_head(p + n, o, 0, 0x0000000100000002ull, 3, 60, 0);
    memcpy(p + n, "abc", 3);
    n += 3;
    n += pcapng_build_epb_tail(p + n, o, 3, 0);
    n += pcapng_build_epb_head(p + n, o, 1, 7, 8, 8, 2);
    memcpy(p + n, "12345678", 8);
    n += 8;
    n += pcapng_build_epb_tail(p + n, o, 8, 2);
    n += pcapng_build_epb_head(p + n, o, 1, 7, 0, 0, 0);
    n += pcapng_build_epb_tail(p + n, o, 0, 0);
    return n;
}

static void
check_section(struct pcapng_reader *pr, enum byte_order o, uint64_t section)
{
    struct pcapng_block b;
    struct pcapng_shb s;
    struct pcapng_dsb d;
    struct pcapng_opt_iter it;
    struct pcapng_opt opt;
    struct sc_err err;

    ck_assert_int_eq(pcapng_next(pr, &b, &err), 1);
    ck_assert_uint_eq(b.type, PCAPNG_BT_SHB);
    ck_assert_int_eq(b.order, o);
    ck_assert_uint_eq(b.section, section);
    pcapng_shb_fields(&b, &s);
    ck_assert_uint_eq(s.major, 1);
    ck_assert_uint_eq(s.minor, 0);
    ck_assert_int_eq(s.section_length, -1);
    ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
    ck_assert_int_eq(pcapng_opts_next(&it, &opt), 1);
    ck_assert_uint_eq(opt.code, 4);
    ck_assert_uint_eq(opt.len, 9);
    ck_assert_mem_eq(opt.value, "secretcap", 9);
    ck_assert_int_eq(pcapng_opts_next(&it, &opt), 0);

    ck_assert_int_eq(pcapng_next(pr, &b, &err), 1);
    ck_assert_int_eq(pcapng_next(pr, &b, &err), 1);
    ck_assert_uint_eq(pr->n_ifaces, 2);
    ck_assert_uint_eq(pr->ifaces[0].linktype, 1);
    ck_assert_uint_eq(pr->ifaces[0].snaplen, 65535);
    ck_assert_uint_eq(pr->ifaces[0].tsresol, 9);
    ck_assert_uint_eq(pr->ifaces[1].linktype, 101);
    ck_assert_uint_eq(pr->ifaces[1].tsresol, 6);

    ck_assert_int_eq(pcapng_next(pr, &b, &err), 1);
    ck_assert_uint_eq(b.type, PCAPNG_BT_DSB);
    pcapng_dsb_fields(&b, &d);
    ck_assert_uint_eq(d.secrets_type, 0x544c534bu);
    ck_assert_uint_eq(d.secrets_len, 20);
    ck_assert_mem_eq(d.secrets, "CLIENT_RANDOM 00 11\n", 20);

    ck_assert_int_eq(pcapng_next(pr, &b, &err), 1);
    ck_assert_uint_eq(b.type, PCAPNG_BT_EPB);
    ck_assert_uint_eq(bo_get32(o, b.data + 12), 1);
    ck_assert_uint_eq(bo_get32(o, b.data + 16), 2);
    ck_assert_uint_eq(bo_get32(o, b.data + 24), 60);
    ck_assert_mem_eq(b.data + 28, "abc", 3);
    ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
    ck_assert_int_eq(pcapng_opts_next(&it, &opt), 0);

    ck_assert_int_eq(pcapng_next(pr, &b, &err), 1);
    ck_assert_uint_eq(bo_get32(o, b.data + 8), 1);
    ck_assert_mem_eq(b.data + 28, "12345678", 8);
    ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
    ck_assert_int_eq(pcapng_opts_next(&it, &opt), 1);
    ck_assert_uint_eq(opt.code, 2);
    ck_assert_uint_eq(opt.len, 4);
    ck_assert_uint_eq(bo_get32(o, opt.value), 2);
    ck_assert_int_eq(pcapng_opts_next(&it, &opt), 0);

    ck_assert_int_eq(pcapng_next(pr, &b, &err), 1);
    ck_assert_uint_eq(b.len, 32);
}

START_TEST(test_read_back)
{
    uint8_t buf[1024];
    size_t n = 0, c;

    n += build_section(buf + n, BO_LE);
    n += build_section(buf + n, BO_BE);
    n += build_section(buf + n, BO_LE);
    ck_assert_uint_le(n, sizeof(buf));
    for (c = 0; c < 3; c++) {
        struct sc_err err;
        struct source *src = source_mem(buf, n, tu_chunks[c], "mem", &err);
        struct reader *rd = reader_new(src, 0, &err);
        struct pcapng_reader pr;
        struct pcapng_block b;

        ck_assert_ptr_nonnull(rd);
        pcapng_init(&pr, rd);
        check_section(&pr, BO_LE, 1);
        check_section(&pr, BO_BE, 2);
        check_section(&pr, BO_LE, 3);
        ck_assert_msg(pcapng_next(&pr, &b, &err) == 0, "%s", err.msg);
        ck_assert_uint_eq(pr.blocks, 21);
        pcapng_free(&pr);
        reader_free(rd);
    }
}
END_TEST

static Suite *
pcapng_write_suite(void)
{
    Suite *s = suite_create("pcapng_write");
    struct {
        const char *name;
        const TTest *fn;
    } cases[] = {
        {"shb_userappl", test_shb_userappl},
        {"shb_plain", test_shb_plain},
        {"shb_long_userappl", test_shb_long_userappl},
        {"idb", test_idb},
        {"epb", test_epb},
        {"dsb", test_dsb},
        {"dsb_pad_rule", test_dsb_pad_rule},
        {"dsb_padded", test_dsb_padded},
        {"shb_patch", test_shb_patch},
        {"read_back", test_read_back},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TCase *tc = tcase_create(cases[i].name);

        tcase_add_test(tc, cases[i].fn);
        suite_add_tcase(s, tc);
    }
    return s;
}

int
main(void)
{
    return tu_run(pcapng_write_suite());
}
