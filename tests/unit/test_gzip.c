/*
 * test_gzip.c - unit tests for the gzip source (gzip_source.c).
 *
 * The gzip data is made here with zlib (deflateInit2, windowBits 31), then
 * damaged on purpose: truncated at many points, CRC and ISIZE bytes
 * flipped, deflate data corrupted, garbage or zeros appended. The property
 * under test is the one gzread() users get wrong: a damaged stream is an
 * error naming the compressed offset, never a clean end. Compressed bytes
 * reach the source 1, 3 and 4096 at a time (tu_chunks).
 *
 * Every run is made twice, inflating in the caller's thread and in the
 * worker thread, and the two must agree byte for byte: the same output,
 * the same result, the same error message after the same bytes. The
 * worker's own cases (a ring that wraps many times, close while it is
 * busy or blocked on a pipe, interruption) are at the end.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gzip_source.h"
#include "readahead.h"
#include "reader.h"
#include "source.h"
#include "testutil.h"

struct buf {
    uint8_t *p;
    size_t len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        /* Geometric growth: thousands of 1-byte appends stay linear. */
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (b->p == NULL)
            abort();
    }
    if (n > 0)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static uint8_t *
make_text(size_t len, uint32_t seed)
{
    uint8_t *d = malloc(len ? len : 1);
    size_t i;

    ck_assert(d != NULL);
    /* Compressible but not trivially so: words from a small alphabet. */
    for (i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        d[i] = (uint8_t)("abcdefgh ij\n"[(seed >> 16) % 12]);
    }
    return d;
}

/* Appends one gzip member holding data to out. With hdr, the optional
 * header fields (FEXTRA, FNAME, FCOMMENT, FHCRC) are written too. */
static void
gz_member(struct buf *out, const uint8_t *data, size_t len, bool hdr)
{
    z_stream zs;
    gz_header h;
    static uint8_t extra[300];
    static char name[5000], comment[100];
    uint8_t tmp[65536];
    int zrc;

    memset(&zs, 0, sizeof(zs));
    ck_assert_int_eq(
        deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    if (hdr) {
        memset(&h, 0, sizeof(h));
        memset(extra, 'x', sizeof(extra));
        memset(name, 'n', sizeof(name) - 1);
        snprintf(comment, sizeof(comment), "a comment");
        h.extra = extra;
        h.extra_len = sizeof(extra);
        h.name = (Bytef *)name;
        h.comment = (Bytef *)comment;
        h.hcrc = 1;
        ck_assert_int_eq(deflateSetHeader(&zs, &h), Z_OK);
    }
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    do {
        zs.next_out = tmp;
        zs.avail_out = sizeof(tmp);
        zrc = deflate(&zs, Z_FINISH);
        ck_assert(zrc == Z_OK || zrc == Z_STREAM_END);
        buf_add(out, tmp, sizeof(tmp) - zs.avail_out);
    } while (zrc != Z_STREAM_END);
    ck_assert_int_eq(deflateEnd(&zs), Z_OK);
}

static struct source *
open_gzip_rd(const uint8_t *gz, size_t gzlen, size_t chunk, bool threaded,
             struct reader **rdp, struct sc_err *err)
{
    struct source *mem = source_mem(gz, gzlen, chunk, "t.gz", err);
    struct reader *rd;
    struct source *s;

    ck_assert(mem != NULL);
    rd = reader_new(mem, 0, err);
    ck_assert(rd != NULL);
    s = gzip_source(rd, "t.gz", err);
    ck_assert(s != NULL);
    s = readahead_source(s, rd, threaded ? READAHEAD_ON : READAHEAD_OFF, err);
    ck_assert(s != NULL);
    if (rdp != NULL)
        *rdp = rd;
    return s;
}

static struct source *
open_gzip(const uint8_t *gz, size_t gzlen, size_t chunk, bool threaded,
          struct sc_err *err)
{
    return open_gzip_rd(gz, gzlen, chunk, threaded, NULL, err);
}

/* The worker's buffer size (gzip_source.h) and how full it must be before
 * the worker hands it over rather than wait for input (gzip_source.c). */
#define SLOT_SIZE ((size_t)1 << 20)
#define SLOT_MIN ((size_t)64 << 10)

/* Inflates gz through source_mem(chunk) -> reader -> gzip_source, reading
 * with output buffers of varying sizes, in the caller's thread or with the
 * worker. With like_worker, the reads after the first ask for what the
 * worker asks for: the rest of its buffer. Returns 0 at a clean end, -1
 * on error; *out gets whatever was produced. */
static int
run_gzip_mode(const uint8_t *gz, size_t gzlen, size_t chunk, bool threaded,
              bool like_worker, struct buf *out, struct sc_err *err)
{
    static const size_t outsz[] = {1, 7, 4096, 65536, 1 << 20};
    struct reader *rd;
    struct source *s = open_gzip_rd(gz, gzlen, chunk, threaded, &rd, err);
    /* Static: a fresh 1 MiB per run is an mmap under ASan, and the
     * sweeps do thousands of runs. */
    static uint8_t tmp[1 << 20];
    size_t k = 0, slot_fill = 0;
    int result = -1;
    bool overlong = false;

    ck_assert(s->inflating);
    ck_assert_int_eq(s->size, -1);
    ck_assert_str_eq(s->name, "t.gz");
    for (;;) {
        size_t n = outsz[k++ % (sizeof(outsz) / sizeof(outsz[0]))];
        ssize_t got;

        /* The worker fills a slot with as many calls as it takes, but
         * hands over one that is SLOT_MIN full when the input is drained.
         * (The compressed reader may be looked at: no worker here.) */
        if (like_worker && k > 1) {
            if (slot_fill >= SLOT_MIN && reader_buffered(rd) == 0)
                slot_fill = 0;
            n = SLOT_SIZE - slot_fill;
        }
        got = source_read(s, tmp, n, err);
        if (like_worker && k > 1 && got > 0)
            slot_fill = (slot_fill + (size_t)got) % SLOT_SIZE;

        if (got < 0)
            break;
        if (got == 0) {
            result = 0;
            /* The end is sticky. */
            ck_assert_int_eq(source_read(s, tmp, 10, err), 0);
            break;
        }
        /* No ck_assert in this loop: each one costs a write() in
         * libcheck, and the sweeps below make millions of reads. */
        if ((size_t)got > n)
            overlong = true;
        buf_add(out, tmp, (size_t)got);
    }
    ck_assert(!overlong);
    if (result < 0) {
        /* An error is sticky too: never a late clean end. */
        struct sc_err again = {0};

        ck_assert_int_eq(source_read(s, tmp, 4096, &again), -1);
        ck_assert_int_eq(again.kind, err->kind);
        ck_assert_str_eq(again.msg, err->msg);
    }
    source_close(s);
    return result;
}

/* Runs gz with the worker, and in the caller's thread both with the same
 * reads and with the reads the worker makes. The worker must give exactly
 * what the caller's thread gives with the worker's reads: the same bytes,
 * then the same result and message. (How much output comes before an error
 * depends on the read sizes with either library, which may decode a
 * window and then find the damage in the same call.) With the same reads
 * it must give the same result and message. Returns the worker's result;
 * *out and *err are the worker's. */
static int
run_gzip(const uint8_t *gz, size_t gzlen, size_t chunk, struct buf *out,
         struct sc_err *err)
{
    struct buf same = {0}, like = {0};
    struct sc_err err_same = {0}, err_like = {0};
    int rc_same =
        run_gzip_mode(gz, gzlen, chunk, false, false, &same, &err_same);
    int rc_like =
        run_gzip_mode(gz, gzlen, chunk, false, true, &like, &err_like);
    int rc = run_gzip_mode(gz, gzlen, chunk, true, false, out, err);

    ck_assert_int_eq(rc, rc_like);
    ck_assert_uint_eq(out->len, like.len);
    if (like.len > 0)
        ck_assert(memcmp(out->p, like.p, like.len) == 0);
    ck_assert_int_eq(rc, rc_same);
    if (rc < 0) {
        ck_assert_int_eq(err->kind, err_like.kind);
        ck_assert_str_eq(err->msg, err_like.msg);
        ck_assert_int_eq(err->kind, err_same.kind);
        ck_assert_str_eq(err->msg, err_same.msg);
    } else {
        ck_assert_uint_eq(out->len, same.len);
        if (same.len > 0)
            ck_assert(memcmp(out->p, same.p, same.len) == 0);
    }
    free(same.p);
    free(like.p);
    return rc;
}

static void
expect_ok(const uint8_t *gz, size_t gzlen, size_t chunk, const uint8_t *want,
          size_t wantlen)
{
    struct sc_err err = {0};
    struct buf out = {0};

    ck_assert_msg(run_gzip(gz, gzlen, chunk, &out, &err) == 0, "error: %s",
                  err.msg);
    ck_assert_uint_eq(out.len, wantlen);
    if (wantlen > 0)
        ck_assert(memcmp(out.p, want, wantlen) == 0);
    free(out.p);
}

static void
expect_err(const uint8_t *gz, size_t gzlen, size_t chunk, const char *msg)
{
    struct sc_err err = {0};
    struct buf out = {0};

    ck_assert_int_eq(run_gzip(gz, gzlen, chunk, &out, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_str_eq(err.msg, msg);
    free(out.p);
}

START_TEST(test_single_member)
{
    size_t len = 300000;
    uint8_t *data = make_text(len, 1);
    struct buf gz = {0};

    gz_member(&gz, data, len, false);
    expect_ok(gz.p, gz.len, tu_chunks[_i], data, len);
    free(gz.p);
    free(data);
}
END_TEST

/* Members with every optional header field: the header alone is > 5000
 * bytes of input that produce no output, so read() must keep going
 * rather than return 0. */
START_TEST(test_header_fields)
{
    size_t len = 1000;
    uint8_t *data = make_text(len, 2);
    struct buf gz = {0}, want = {0};

    gz_member(&gz, data, len, true);
    gz_member(&gz, data, 0, true);
    gz_member(&gz, data, len, true);
    buf_add(&want, data, len);
    buf_add(&want, data, len);
    expect_ok(gz.p, gz.len, tu_chunks[_i], want.p, want.len);
    free(want.p);
    free(gz.p);
    free(data);
}
END_TEST

START_TEST(test_multi_member)
{
    size_t lens[] = {50000, 1, 0, 123456, 7};
    struct buf gz = {0}, want = {0};
    size_t i;

    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        uint8_t *d = make_text(lens[i], (uint32_t)i + 10);

        gz_member(&gz, d, lens[i], false);
        buf_add(&want, d, lens[i]);
        free(d);
    }
    expect_ok(gz.p, gz.len, tu_chunks[_i], want.p, want.len);
    free(gz.p);
    free(want.p);
}
END_TEST

START_TEST(test_empty_payload)
{
    struct buf gz = {0};

    gz_member(&gz, (const uint8_t *)"", 0, false);
    ck_assert_uint_eq(gz.len, 20); /* header 10, empty block 2, trailer 8 */
    expect_ok(gz.p, gz.len, tu_chunks[_i], NULL, 0);
    free(gz.p);
}
END_TEST

START_TEST(test_trailing_zeros)
{
    size_t len = 10000;
    uint8_t *data = make_text(len, 3);
    uint8_t zeros[5000] = {0};
    struct buf gz = {0};

    gz_member(&gz, data, len, false);
    buf_add(&gz, zeros, 1);
    expect_ok(gz.p, gz.len, tu_chunks[_i], data, len);
    buf_add(&gz, zeros, sizeof(zeros));
    expect_ok(gz.p, gz.len, tu_chunks[_i], data, len);
    free(gz.p);
    free(data);
}
END_TEST

START_TEST(test_trailing_garbage)
{
    size_t len = 10000, mlen;
    uint8_t *data = make_text(len, 4);
    uint8_t zeros[100] = {0};
    struct buf gz = {0};
    char msg[200];

    gz_member(&gz, data, len, false);
    mlen = gz.len;
    buf_add(&gz, "garbage", 7);
    snprintf(msg, sizeof(msg),
             "t.gz: compressed offset %zu: trailing garbage after gzip "
             "member",
             mlen);
    expect_err(gz.p, gz.len, tu_chunks[_i], msg);

    /* Zero padding then garbage: the offset is the first non-zero byte. */
    gz.len = mlen;
    buf_add(&gz, zeros, sizeof(zeros));
    buf_add(&gz, "\x01", 1);
    snprintf(msg, sizeof(msg),
             "t.gz: compressed offset %zu: trailing garbage after gzip "
             "member",
             mlen + sizeof(zeros));
    expect_err(gz.p, gz.len, tu_chunks[_i], msg);

    /* 1f then something else is not a member. */
    gz.len = mlen;
    buf_add(&gz, "\x1f\x8c", 2);
    snprintf(msg, sizeof(msg),
             "t.gz: compressed offset %zu: trailing garbage after gzip "
             "member",
             mlen);
    expect_err(gz.p, gz.len, tu_chunks[_i], msg);
    /* A lone 1f at the end may be a cut second member: truncated. */
    gz.len = mlen;
    buf_add(&gz, "\x1f", 1);
    snprintf(msg, sizeof(msg),
             "t.gz: compressed offset %zu: gzip stream truncated "
             "(unexpected end of file)",
             mlen + 1);
    expect_err(gz.p, gz.len, tu_chunks[_i], msg);
    free(gz.p);
    free(data);
}
END_TEST

/* Cut anywhere, from 0 bytes to one byte short, including inside a
 * second member: an error at exactly the cut, never a clean end. */
START_TEST(test_truncated)
{
    size_t len = 20000, one, cut;
    uint8_t *data = make_text(len, 5);
    struct buf gz = {0};
    char msg[200];

    gz_member(&gz, data, len, false);
    one = gz.len;
    gz_member(&gz, data, 100, false);
    for (cut = 0; cut < gz.len; cut++) {
        /* Every byte for the small chunk sizes would be slow: sample the
         * middle of the deflate data, keep every header/trailer byte. */
        if (cut > 40 && cut + 40 < one && cut % 97 != 0)
            continue;
        if (cut == one)
            continue; /* exactly one whole member: valid */
        snprintf(msg, sizeof(msg),
                 "t.gz: compressed offset %zu: gzip stream truncated "
                 "(unexpected end of file)",
                 cut);
        expect_err(gz.p, cut, tu_chunks[_i], msg);
    }
    expect_ok(gz.p, one, tu_chunks[_i], data, len);
    free(gz.p);
    free(data);
}
END_TEST

START_TEST(test_bad_crc)
{
    size_t len = 5000;
    uint8_t *data = make_text(len, 6);
    struct buf gz = {0};
    char msg[200];

    gz_member(&gz, data, len, false);
    gz.p[gz.len - 8] ^= 0x01; /* first CRC-32 byte */
    snprintf(msg, sizeof(msg),
             "t.gz: compressed offset %zu: corrupt gzip data (incorrect "
             "data check)",
             gz.len - 4);
    expect_err(gz.p, gz.len, tu_chunks[_i], msg);
    free(gz.p);
    free(data);
}
END_TEST

START_TEST(test_bad_isize)
{
    size_t len = 5000;
    uint8_t *data = make_text(len, 7);
    struct buf gz = {0};
    char msg[200];

    gz_member(&gz, data, len, false);
    gz.p[gz.len - 1] ^= 0x80; /* last ISIZE byte */
    snprintf(msg, sizeof(msg),
             "t.gz: compressed offset %zu: corrupt gzip data (incorrect "
             "length check)",
             gz.len);
    expect_err(gz.p, gz.len, tu_chunks[_i], msg);
    free(gz.p);
    free(data);
}
END_TEST

START_TEST(test_corrupt_deflate)
{
    size_t len = 5000;
    uint8_t *data = make_text(len, 8);
    struct buf gz = {0};

    gz_member(&gz, data, len, false);
    /* First deflate byte: BFINAL=1, BTYPE=11 (reserved). */
    gz.p[10] = 0x07;
    /* ISA-L (the fast path) words deflate errors its own way. */
    expect_err(gz.p, gz.len, tu_chunks[_i],
               gzip_have_fast_inflate()
                   ? "t.gz: compressed offset 11: corrupt gzip data (invalid "
                     "deflate block)"
                   : "t.gz: compressed offset 11: corrupt gzip data (invalid "
                     "block type)");
    /* Compression method other than deflate (inflate reads CM and FLG
     * together, so it stops after byte 3). */
    gz.p[10] = 0x00;
    gz.p[2] = 7;
    expect_err(gz.p, gz.len, tu_chunks[_i],
               "t.gz: compressed offset 4: corrupt gzip data (unknown "
               "compression method)");
    free(gz.p);
    free(data);
}
END_TEST

/* Flip one bit in every byte that matters (deflate data and trailer):
 * each result is an error or, when the flipped bit was unused padding,
 * exactly the original data. Never different data with a clean end. */
START_TEST(test_flip_sweep)
{
    size_t len = 1000, i;
    uint8_t *data = make_text(len, 9);
    struct buf gz = {0};

    gz_member(&gz, data, len, false);
    for (i = 10; i < gz.len; i++) {
        uint8_t *copy = malloc(gz.len);
        struct sc_err err = {0};
        struct buf out = {0};

        memcpy(copy, gz.p, gz.len);
        copy[i] ^= (uint8_t)(1u << (i % 8));
        if (run_gzip(copy, gz.len, tu_chunks[_i], &out, &err) == 0) {
            ck_assert_uint_eq(out.len, len);
            ck_assert(memcmp(out.p, data, len) == 0);
        } else {
            ck_assert_int_eq(err.kind, SC_ERR_DATA);
            ck_assert(strncmp(err.msg, "t.gz: compressed offset ", 24) == 0);
        }
        free(out.p);
        free(copy);
    }
    free(gz.p);
    free(data);
}
END_TEST

/* A small file that inflates to a lot: reads stay bounded by the output
 * buffer, and the whole stream still checks out. */
START_TEST(test_zero_bomb)
{
    size_t len = 64u << 20;
    uint8_t *data = calloc(1, len);
    struct buf gz = {0};

    ck_assert(data != NULL);
    gz_member(&gz, data, len, false);
    ck_assert_uint_lt(gz.len, 100000);
    expect_ok(gz.p, gz.len, 4096, data, len);
    free(gz.p);
    free(data);
}
END_TEST

START_TEST(test_interrupted)
{
    struct buf gz = {0};
    struct sc_err err = {0};
    struct source *mem, *s;
    struct reader *rd;
    uint8_t out[16];

    gz_member(&gz, (const uint8_t *)"hello", 5, false);
    mem = source_mem(gz.p, gz.len, 0, "t.gz", &err);
    rd = reader_new(mem, 0, &err);
    s = gzip_source(rd, "t.gz", &err);
    ck_assert(s != NULL);
    sc_interrupted = SIGTERM;
    ck_assert_int_eq(source_read(s, out, sizeof(out), &err), -1);
    sc_interrupted = 0;
    ck_assert_int_eq(err.kind, SC_ERR_INTR);
    ck_assert_str_eq(err.msg, "t.gz: interrupted");
    ck_assert_int_eq(source_read(s, out, sizeof(out), &err), 5);
    ck_assert_mem_eq(out, "hello", 5);
    source_close(s);
    free(gz.p);
}
END_TEST

/* Plain data is not gzip: the header check fails at once. */
START_TEST(test_not_gzip)
{
    expect_err((const uint8_t *)"\x0a\x0d\x0d\x0a....", 8, tu_chunks[_i],
               "t.gz: compressed offset 2: corrupt gzip data (incorrect "
               "header check)");
}
END_TEST

/* ---- the worker thread ------------------------------------------------ */

/* The fixtures (pcap, pcapng, multi-member, bad CRC, truncated), with the
 * worker and without, with zlib and with the fastest inflate. */
START_TEST(test_fixtures_both_ways)
{
    static const char *const names[] = {
        "dsb-mixed.pcapng.gz",    "gzip-bad-crc.pcap.gz",
        "gzip-truncated.pcap.gz", "pcap-usec-le.pcap.gz",
        "pcapng-be.pcapng.gz",    "pcapng-le-multimember.pcapng.gz",
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t len;
        uint8_t *gz = tu_slurp(tu_fixture(names[i]), &len);
        struct sc_err err = {0};
        struct buf out = {0};
        int rc = run_gzip(gz, len, tu_chunks[_i], &out, &err);

        /* Only the two damaged ones fail, after some output. */
        if (strncmp(names[i], "gzip-", 5) == 0) {
            ck_assert_int_eq(rc, -1);
            ck_assert_int_eq(err.kind, SC_ERR_DATA);
        } else {
            ck_assert_msg(rc == 0, "%s: %s", names[i], err.msg);
            ck_assert_uint_gt(out.len, 24);
        }
        free(out.p);
        free(gz);
    }
}
END_TEST

/* Compressed bytes per read for the multi-MiB streams: the small ones take
 * minutes under the sanitizers, and the sweeps above cover them. */
static const size_t big_chunks[3] = {997, 4096, 65536};

/* Many members, some empty, ~12 MiB in all: the ring wraps many times and
 * member boundaries fall anywhere in a slot. Read in sizes from 1 byte to
 * 2 MiB, both ways. */
START_TEST(test_ring_wraps)
{
    static const size_t outsz[] = {1, 3, 4095, 1 << 20, 2 << 20, 65537};
    struct buf gz = {0}, want = {0};
    struct buf got[2] = {{0}, {0}};
    uint8_t *tmp = malloc(2 << 20);
    uint32_t seed = 99;
    int mode;

    ck_assert(tmp != NULL);
    while (want.len < (12u << 20)) {
        size_t len;
        uint8_t *d;

        seed = seed * 1103515245u + 12345u;
        len = (seed >> 8) % (3u << 20);
        if (seed % 5 == 0)
            len = 0;
        d = make_text(len, seed);
        gz_member(&gz, d, len, seed % 3 == 0);
        buf_add(&want, d, len);
        free(d);
    }
    for (mode = 0; mode < 2; mode++) {
        struct sc_err err = {0};
        struct source *s =
            open_gzip(gz.p, gz.len, big_chunks[_i], mode == 1, &err);
        size_t k = 0;
        ssize_t n;

        while ((n = source_read(s, tmp, outsz[k++ % 6], &err)) > 0)
            buf_add(&got[mode], tmp, (size_t)n);
        ck_assert_msg(n == 0, "%s", err.msg);
        source_close(s);
        ck_assert_uint_eq(got[mode].len, want.len);
        ck_assert(memcmp(got[mode].p, want.p, want.len) == 0);
    }
    free(got[0].p);
    free(got[1].p);
    free(tmp);
    free(gz.p);
    free(want.p);
}
END_TEST

/* The consumer stops early (a capture error, say) while the worker is
 * inflating or waiting for a free slot: close() stops and joins it. Run
 * under the sanitizers this also shows nothing leaks. */
START_TEST(test_close_early)
{
    size_t len = 16u << 20;
    uint8_t *data = make_text(len, 11);
    struct buf gz = {0};
    uint8_t tmp[8192];
    int i;

    gz_member(&gz, data, len, false);
    for (i = 0; i < 40; i++) {
        struct sc_err err = {0};
        struct source *s = open_gzip(gz.p, gz.len, 4096, true, &err);
        int reads = i % 8, r;

        for (r = 0; r < reads; r++)
            ck_assert_int_gt(source_read(s, tmp, sizeof(tmp), &err), 0);
        if (i % 3 == 0)
            usleep(2000); /* let the ring fill */
        source_close(s);
    }
    free(gz.p);
    free(data);
}
END_TEST

/* The worker is blocked in read(2) on a pipe whose writer is idle, as with
 * a live capture piped in: close() must still return. */
START_TEST(test_close_blocked_on_pipe)
{
    size_t len = 4u << 20;
    uint8_t *data = make_text(len, 12);
    struct buf gz = {0};
    struct sc_err err = {0};
    struct source *fd, *s;
    struct reader *rd;
    uint8_t tmp[4096];
    int p[2];

    gz_member(&gz, data, len, false);
    ck_assert_int_eq(pipe(p), 0);
    /* A prefix that inflates to far more than the first read takes, then
     * nothing: the writer stays open. (ISA-L may take much more input than
     * the first 4096 bytes of output need.) */
    ck_assert_int_eq(write(p[1], gz.p, 60000), 60000);
    fd = source_fd(p[0], true, "t.gz", &err);
    ck_assert(fd != NULL);
    rd = reader_new(fd, 0, &err);
    ck_assert(rd != NULL);
    s = readahead_source(gzip_source(rd, "t.gz", &err), rd, READAHEAD_ON, &err);
    ck_assert(s != NULL);
    ck_assert_int_eq(source_read(s, tmp, sizeof(tmp), &err), 4096);
    /* The second read starts the worker, which inflates the rest of the
     * prefix and then waits for the pipe. */
    ck_assert_int_gt(source_read(s, tmp, sizeof(tmp), &err), 0);
    ck_assert(memcmp(tmp, data + 4096, 16) == 0);
    usleep(20000);
    source_close(s); /* a hang here fails the test by its timeout */
    close(p[1]);
    free(gz.p);
    free(data);
}
END_TEST

/* sc_interrupted while the worker runs: read() fails with SC_ERR_INTR at
 * once; cleared again, reading goes on with no byte lost or repeated. */
START_TEST(test_interrupted_threaded)
{
    size_t len = 8u << 20, have = 0;
    uint8_t *data = make_text(len, 13);
    uint8_t *tmp = malloc(1 << 20);
    struct buf gz = {0};
    struct sc_err err = {0};
    struct source *s;
    ssize_t n;
    int round = 0;

    ck_assert(tmp != NULL);
    gz_member(&gz, data, len, false);
    s = open_gzip(gz.p, gz.len, 4096, true, &err);
    for (;;) {
        if (round++ % 4 == 1) {
            sc_interrupted = SIGINT;
            ck_assert_int_eq(source_read(s, tmp, 1 << 20, &err), -1);
            ck_assert_int_eq(err.kind, SC_ERR_INTR);
            ck_assert_str_eq(err.msg, "t.gz: interrupted");
            if (round % 3 == 0)
                usleep(1000); /* let the worker see it too */
            sc_interrupted = 0;
        }
        n = source_read(s, tmp, 1 << 20, &err);
        ck_assert_msg(n >= 0, "%s", err.msg);
        if (n == 0)
            break;
        ck_assert_uint_le(have + (size_t)n, len);
        ck_assert(memcmp(tmp, data + have, (size_t)n) == 0);
        have += (size_t)n;
    }
    ck_assert_uint_eq(have, len);
    source_close(s);
    free(tmp);
    free(gz.p);
    free(data);
}
END_TEST

/* Damage deep in a long stream: the bytes before it arrive first, then the
 * error, the same both ways (run_gzip compares them). With a bad CRC the
 * last call's output is not returned (the library reports the mismatch in
 * the call that wrote it), so up to one buffer is missing at the end. */
START_TEST(test_late_corruption)
{
    size_t len = 6u << 20;
    uint8_t *data = make_text(len, 14);
    struct buf gz = {0}, out = {0};
    struct sc_err err = {0};
    size_t member;

    gz_member(&gz, data, len, false);
    member = gz.len;
    gz_member(&gz, data, 1000, false);
    gz.p[member - 8] ^= 0x01; /* first member's CRC */
    ck_assert_int_eq(run_gzip(gz.p, gz.len, big_chunks[_i], &out, &err), -1);
    ck_assert(strstr(err.msg, "(incorrect data check)") != NULL);
    ck_assert_uint_le(out.len, len);
    ck_assert_uint_ge(out.len + SLOT_SIZE, len);
    ck_assert(memcmp(out.p, data, out.len) == 0);
    free(out.p);
    memset(&out, 0, sizeof(out));
    gz.p[member - 8] ^= 0x01;

    /* Cut half way: everything decoded so far, then "truncated". */
    ck_assert_int_eq(run_gzip(gz.p, member / 2, big_chunks[_i], &out, &err),
                     -1);
    ck_assert(strstr(err.msg, "gzip stream truncated") != NULL);
    ck_assert_uint_gt(out.len, len / 3);
    ck_assert(memcmp(out.p, data, out.len) == 0);
    free(out.p);
    memset(&out, 0, sizeof(out));

    gz.p[member / 2] ^= 0x55; /* deflate data, half way */
    ck_assert_int_eq(run_gzip(gz.p, gz.len, big_chunks[_i], &out, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_uint_gt(out.len, len / 3);
    free(out.p);
    free(gz.p);
    free(data);
}
END_TEST

static Suite *
gzip_suite(void)
{
    Suite *s = suite_create("gzip");
    TCase *tc;
    int n = (int)(sizeof(tu_chunks) / sizeof(tu_chunks[0]));

#define ADD_LOOP(fn, timeout)                                                  \
    do {                                                                       \
        tc = tcase_create(#fn);                                                \
        tcase_set_timeout(tc, timeout);                                        \
        tcase_add_loop_test(tc, fn, 0, n);                                     \
        suite_add_tcase(s, tc);                                                \
    } while (0)
#define ADD(fn, timeout)                                                       \
    do {                                                                       \
        tc = tcase_create(#fn);                                                \
        tcase_set_timeout(tc, timeout);                                        \
        tcase_add_test(tc, fn);                                                \
        suite_add_tcase(s, tc);                                                \
    } while (0)
    ADD_LOOP(test_single_member, 30);
    ADD_LOOP(test_header_fields, 30);
    ADD_LOOP(test_multi_member, 30);
    ADD_LOOP(test_empty_payload, 10);
    ADD_LOOP(test_trailing_zeros, 10);
    ADD_LOOP(test_trailing_garbage, 10);
    ADD_LOOP(test_truncated, 120);
    ADD_LOOP(test_bad_crc, 10);
    ADD_LOOP(test_bad_isize, 10);
    ADD_LOOP(test_corrupt_deflate, 10);
    ADD_LOOP(test_flip_sweep, 120);
    ADD(test_zero_bomb, 60);
    ADD(test_interrupted, 10);
    ADD_LOOP(test_not_gzip, 10);
    ADD_LOOP(test_fixtures_both_ways, 30);
    ADD_LOOP(test_ring_wraps, 300);
    ADD(test_close_early, 60);
    ADD(test_close_blocked_on_pipe, 10);
    ADD(test_interrupted_threaded, 60);
    ADD_LOOP(test_late_corruption, 300);
#undef ADD
#undef ADD_LOOP
    return s;
}

int
main(void)
{
    return tu_run(gzip_suite());
}
