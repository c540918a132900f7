/*
 * gencap.c - deterministic synthetic captures and key logs for the
 * benchmark (and for large-file tests). Not part of secretcap.
 *
 *   gencap pcap|pcap-ns|pcapng SIZE 64|1500|mixed > out
 *   gencap keylog SIZE > keys.log
 *   gencap inflate zlib|isal < in.gz > out
 *
 * "inflate" is the benchmark's yardstick for gzip input: a bare streaming
 * inflate with 1 MiB buffers by the same library secretcap uses (zlib, or
 * ISA-L when built with -DHAVE_ISAL -lisal), no parsing.
 *
 * SIZE is the approximate output size in bytes (suffixes K, M, G). Packets
 * are Ethernet/IPv4/UDP-shaped with pseudo-random payload from a fixed
 * seed, so two runs give identical files. Output is little-endian.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "byteorder.h"
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t
next(void)
{
    /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}

static uint64_t
parse_size(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 10);

    switch (*end) {
    case 'K':
    case 'k':
        return v << 10;
    case 'M':
    case 'm':
        return v << 20;
    case 'G':
    case 'g':
        return v << 30;
    default:
        return v;
    }
}

static uint32_t
pkt_len(const char *mode)
{
    static const uint32_t mix[] = {64, 64, 64, 128, 576, 1500, 1500, 1500};

    if (strcmp(mode, "64") == 0)
        return 64;
    if (strcmp(mode, "1500") == 0)
        return 1500;
    return mix[next() % 8];
}

static void
payload(uint8_t *p, uint32_t n)
{
    static const uint8_t
        hdr[42] = {0,    1,    2,    3,    4, 5, 6,    7, 8,  9,
                   10,   11,   8,    0, /* Ethernet, IPv4 */
                   0x45, 0,    0,    0,    0, 0, 0x40, 0, 64, 17,
                   0,    0,    127,  0,    0, 1, 127,  0, 0,  1,
                   0x30, 0x39, 0x01, 0xbb, 0, 0, 0,    0};
    uint32_t i = 0;

    memcpy(p, hdr, n < sizeof(hdr) ? n : sizeof(hdr));
    for (i = sizeof(hdr); i + 8 <= n; i += 8) {
        uint64_t r = next();
        memcpy(p + i, &r, 8);
    }
    for (; i < n; i++)
        p[i] = (uint8_t)next();
}

static int
gen_capture(const char *fmt, uint64_t size, const char *mode)
{
    static uint8_t out[1 << 20];
    uint8_t pkt[2048];
    size_t used = 0;
    uint64_t written = 0, ts = 1700000000ull * 1000000;
    int ng = strcmp(fmt, "pcapng") == 0, ns = strcmp(fmt, "pcap-ns") == 0;

    if (ng) {
        static const uint8_t shb[28] = {
            0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0,    0,    0x4d, 0x3c,
            0x2b, 0x1a, 1,    0,    0,  0, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 28, 0, 0,    0};
        static const uint8_t idb[20] = {1, 0, 0, 0, 20, 0, 0,  0, 1, 0,
                                        0, 0, 0, 0, 4,  0, 20, 0, 0, 0};
        memcpy(out, shb, 28);
        memcpy(out + 28, idb, 20);
        used = 48;
    } else {
        bo_put32(BO_LE, out, ns ? 0xA1B23C4Du : 0xA1B2C3D4u);
        out[4] = 2, out[5] = 0, out[6] = 4, out[7] = 0;
        memset(out + 8, 0, 8);
        bo_put32(BO_LE, out + 16, 262144);
        bo_put32(BO_LE, out + 20, 1);
        used = 24;
    }
    while (written + used < size) {
        uint32_t n = pkt_len(mode), total = ng ? 32 + ((n + 3) & ~3u) : 16 + n;
        uint8_t *p;

        if (used + total > sizeof(out)) {
            if (fwrite(out, 1, used, stdout) != used)
                return 1;
            written += used;
            used = 0;
        }
        p = out + used;
        payload(pkt, n);
        ts += 1 + next() % 1000;
        if (ng) {
            bo_put32(BO_LE, p, 6);
            bo_put32(BO_LE, p + 4, total);
            bo_put32(BO_LE, p + 8, 0);
            bo_put32(BO_LE, p + 12, (uint32_t)(ts >> 32));
            bo_put32(BO_LE, p + 16, (uint32_t)ts);
            bo_put32(BO_LE, p + 20, n);
            bo_put32(BO_LE, p + 24, n);
            memcpy(p + 28, pkt, n);
            memset(p + 28 + n, 0, total - 32 - n);
            bo_put32(BO_LE, p + total - 4, total);
        } else {
            uint64_t t = ns ? ts * 1000 : ts;
            uint64_t unit = ns ? 1000000000ull : 1000000ull;
            bo_put32(BO_LE, p, (uint32_t)(t / unit));
            bo_put32(BO_LE, p + 4, (uint32_t)(t % unit));
            bo_put32(BO_LE, p + 8, n);
            bo_put32(BO_LE, p + 12, n);
            memcpy(p + 16, pkt, n);
        }
        used += total;
    }
    return fwrite(out, 1, used, stdout) == used ? 0 : 1;
}

static int
gen_keylog(uint64_t size)
{
    static const char hex[] = "0123456789abcdef";
    char line[256];
    uint64_t written = 0;

    while (written < size) {
        char *p = line;
        p += sprintf(p, "CLIENT_RANDOM ");
        for (int i = 0; i < 64; i++)
            *p++ = hex[next() & 15];
        *p++ = ' ';
        for (int i = 0; i < 96; i++)
            *p++ = hex[next() & 15];
        *p++ = '\n';
        if (fwrite(line, 1, (size_t)(p - line), stdout) != (size_t)(p - line))
            return 1;
        written += (uint64_t)(p - line);
    }
    return 0;
}

static uint8_t inbuf[1 << 20], outbuf[1 << 20];

static int
put(const uint8_t *p, size_t n)
{
    return fwrite(p, 1, n, stdout) == n ? 0 : 1;
}

static int
inflate_zlib(void)
{
    z_stream zs;
    int rc = Z_OK;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return 1;
    for (;;) {
        ssize_t got = read(0, inbuf, sizeof(inbuf));

        if (got <= 0)
            break;
        zs.next_in = inbuf;
        zs.avail_in = (uInt)got;
        while (zs.avail_in > 0) {
            zs.next_out = outbuf;
            zs.avail_out = sizeof(outbuf);
            rc = inflate(&zs, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END)
                return 1;
            if (put(outbuf, sizeof(outbuf) - zs.avail_out))
                return 1;
            if (rc == Z_STREAM_END && inflateReset(&zs) != Z_OK)
                return 1;
        }
    }
    inflateEnd(&zs);
    return 0;
}

#ifdef HAVE_ISAL
static int
inflate_isal(void)
{
    static struct inflate_state st;

    isal_inflate_init(&st);
    st.crc_flag = ISAL_GZIP;
    for (;;) {
        ssize_t got = read(0, inbuf, sizeof(inbuf));

        if (got <= 0)
            break;
        st.next_in = inbuf;
        st.avail_in = (uint32_t)got;
        while (st.avail_in > 0) {
            st.next_out = outbuf;
            st.avail_out = sizeof(outbuf);
            if (isal_inflate(&st) != ISAL_DECOMP_OK)
                return 1;
            if (put(outbuf, sizeof(outbuf) - st.avail_out))
                return 1;
            if (st.block_state == ISAL_BLOCK_FINISH) {
                isal_inflate_reset(&st);
                st.crc_flag = ISAL_GZIP;
            } else if (st.avail_out > 0) {
                break;
            }
        }
    }
    return 0;
}
#endif

int
main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "inflate") == 0) {
        if (strcmp(argv[2], "zlib") == 0)
            return inflate_zlib();
#ifdef HAVE_ISAL
        if (strcmp(argv[2], "isal") == 0)
            return inflate_isal();
#endif
        fprintf(stderr, "gencap: inflate %s: not built in\n", argv[2]);
        return 2;
    }
    if (argc == 3 && strcmp(argv[1], "keylog") == 0)
        return gen_keylog(parse_size(argv[2]));
    if (argc == 4 &&
        (strcmp(argv[1], "pcap") == 0 || strcmp(argv[1], "pcap-ns") == 0 ||
         strcmp(argv[1], "pcapng") == 0))
        return gen_capture(argv[1], parse_size(argv[2]), argv[3]);
    fprintf(stderr, "usage: gencap pcap|pcap-ns|pcapng SIZE 64|1500|mixed\n"
                    "       gencap keylog SIZE\n"
                    "       gencap inflate zlib|isal < in.gz > out\n");
    return 2;
}
