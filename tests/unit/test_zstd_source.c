/*
 * test_zstd_source.c - unit tests for the zstd source (zstd_source.c).
 *
 * The zstd data is made here with libzstd itself (with and without
 * checksums, several frames, skippable frames anywhere) or by hand (frame
 * headers declaring a given window), then damaged on purpose: truncated at
 * every byte, checksum and header bytes flipped, garbage, zeros or stray
 * bytes appended. The property under test: a damaged stream is an error
 * with the documented message, never a clean end, and the error is
 * sticky. Compressed bytes reach the source 1, 3 and 4096 bytes at a time
 * (tu_chunks) or all at once, under a reader as input.c stacks them, and
 * are read back with output buffers of varying sizes. Files written by the
 * zstd CLI are in tests/fixtures/compressed (README.txt there).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "source.h"
#include "testutil.h"
#include "zstd_source.h"

#ifdef SECRETCAP_HAVE_ZSTD

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader, to check headers */
#include <zstd.h>

#define MIB ((size_t)1 << 20)

struct buf {
    uint8_t *p;
    size_t len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
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

/* Appends one zstd frame of data to out; with checksum, an XXH64 content
 * checksum; wlog > 0 forces the window log. */
static void
zst_frame(struct buf *out, const uint8_t *data, size_t len, bool checksum,
          int wlog)
{
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    size_t bound = ZSTD_compressBound(len), got;

    ck_assert(cc != NULL);
    ck_assert(!ZSTD_isError(
        ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, checksum ? 1 : 0)));
    ck_assert(
        !ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 3)));
    if (wlog > 0)
        ck_assert(
            !ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, wlog)));
    buf_add(out, NULL, 0);
    if (out->len + bound + 1 > out->cap) {
        out->cap = out->len + bound + 1;
        out->p = realloc(out->p, out->cap);
        ck_assert(out->p != NULL);
    }
    got = ZSTD_compress2(cc, out->p + out->len, bound, data, len);
    ck_assert_msg(!ZSTD_isError(got), "%s", ZSTD_getErrorName(got));
    out->len += got;
    ZSTD_freeCCtx(cc);
}

/* Appends a skippable frame (magic 0x184D2A50 + variant) with len bytes of
 * payload. */
static void
skip_frame(struct buf *out, unsigned variant, size_t len)
{
    uint8_t h[8] = {(uint8_t)(0x50 + variant),
                    0x2a,
                    0x4d,
                    0x18,
                    (uint8_t)len,
                    (uint8_t)(len >> 8),
                    (uint8_t)(len >> 16),
                    (uint8_t)(len >> 24)};
    uint8_t *d = make_text(len, 77);

    buf_add(out, h, sizeof(h));
    buf_add(out, d, len);
    free(d);
}

/* Decompresses z through source_mem(chunk) -> reader -> zstd_source with
 * output buffers of varying sizes. Returns 0 at a clean end, -1 on error
 * (checked to be sticky); *out gets whatever was produced. */
static int
run_zstd(const uint8_t *z, size_t zlen, size_t chunk, uint64_t window_max,
         struct buf *out, struct sc_err *err)
{
    static const size_t outsz[] = {1, 7, 4096, 65536, 1 << 20, 3};
    static uint8_t tmp[1 << 20];
    struct source *mem = source_mem(z, zlen, chunk, "t.zst", err);
    struct reader *rd;
    struct source *s;
    size_t k = 0;
    int result = -1;
    bool overlong = false;

    ck_assert(mem != NULL);
    rd = reader_new(mem, READER_CHUNK, err);
    ck_assert(rd != NULL);
    s = zstd_source(rd, "t.zst", window_max, err);
    ck_assert_msg(s != NULL, "%s", err->msg);
    ck_assert(s->inflating);
    ck_assert_int_eq(s->size, -1);
    ck_assert_str_eq(s->name, "t.zst");
    for (;;) {
        size_t n = outsz[k++ % (sizeof(outsz) / sizeof(outsz[0]))];
        ssize_t got = source_read(s, tmp, n, err);

        if (got < 0)
            break;
        if (got == 0) {
            result = 0;
            ck_assert_int_eq(source_read(s, tmp, 10, err), 0);
            break;
        }
        /* No ck_assert in this loop: each costs a write() in libcheck. */
        if ((size_t)got > n)
            overlong = true;
        buf_add(out, tmp, (size_t)got);
    }
    ck_assert(!overlong);
    if (result < 0) {
        struct sc_err again = {0};

        ck_assert_int_eq(source_read(s, tmp, 4096, &again), -1);
        ck_assert_int_eq(again.kind, err->kind);
        ck_assert_str_eq(again.msg, err->msg);
    }
    source_close(s);
    return result;
}

static void
expect_ok(const uint8_t *z, size_t zlen, size_t chunk, uint64_t window_max,
          const uint8_t *want, size_t wantlen)
{
    struct sc_err err = {0};
    struct buf out = {0};

    ck_assert_msg(run_zstd(z, zlen, chunk, window_max, &out, &err) == 0,
                  "error: %s", err.msg);
    ck_assert_uint_eq(out.len, wantlen);
    if (wantlen > 0)
        ck_assert(memcmp(out.p, want, wantlen) == 0);
    free(out.p);
}

/* Does msg match pat, where "%C" in pat stands for a decimal number <= max
 * (a compressed offset that depends on how the library buffered)? */
static bool
msg_matches(const char *msg, const char *pat, size_t max)
{
    const char *c = strstr(pat, "%C");
    char *end;
    unsigned long long v;

    if (c == NULL)
        return strcmp(msg, pat) == 0;
    if (strncmp(msg, pat, (size_t)(c - pat)) != 0)
        return false;
    msg += c - pat;
    if (*msg < '0' || *msg > '9')
        return false;
    v = strtoull(msg, &end, 10);
    return v <= max && strcmp(end, c + 2) == 0;
}

/* The exact message; "%U" in msg stands for the bytes returned before the
 * error (which depends on the read sizes), "%C" for a compressed offset
 * within the stream. */
static void
expect_err(const uint8_t *z, size_t zlen, size_t chunk, uint64_t window_max,
           const char *msg)
{
    struct sc_err err = {0};
    struct buf out = {0};
    char want[SC_ERR_MSG_MAX];
    const char *u = strstr(msg, "%U");

    ck_assert_int_eq(run_zstd(z, zlen, chunk, window_max, &out, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    if (u != NULL)
        snprintf(want, sizeof(want), "%.*s%zu%s", (int)(u - msg), msg, out.len,
                 u + 2);
    else
        snprintf(want, sizeof(want), "%s", msg);
    ck_assert_msg(msg_matches(err.msg, want, zlen), "got \"%s\", want \"%s\"",
                  err.msg, want);
    free(out.p);
}

#define DEF ZSTD_WINDOW_MAX_DEFAULT

START_TEST(test_round_trip)
{
    size_t lens[] = {300000, 1, 0, 123456, 7};
    struct buf z = {0}, want = {0};
    size_t i;

    /* One frame with a checksum, one without. */
    for (i = 0; i < 2; i++) {
        uint8_t *d = make_text(lens[0], (uint32_t)i);

        z.len = 0;
        zst_frame(&z, d, lens[0], i == 0, 0);
        expect_ok(z.p, z.len, tu_chunks[_i], DEF, d, lens[0]);
        free(d);
    }
    /* Several frames, some empty, checksums alternating. */
    z.len = 0;
    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        uint8_t *d = make_text(lens[i], (uint32_t)i + 10);

        zst_frame(&z, d, lens[i], i % 2 == 0, 0);
        buf_add(&want, d, lens[i]);
        free(d);
    }
    expect_ok(z.p, z.len, tu_chunks[_i], DEF, want.p, want.len);
    /* All at once from the source. */
    expect_ok(z.p, z.len, 0, DEF, want.p, want.len);
    free(z.p);
    free(want.p);
}
END_TEST

/* Skippable frames before, between and after zstd frames, of every magic
 * variant, empty and not. */
START_TEST(test_skippable)
{
    size_t len = 50000;
    uint8_t *d = make_text(len, 3);
    struct buf z = {0}, want = {0};

    skip_frame(&z, 0, 100);
    zst_frame(&z, d, len, true, 0);
    skip_frame(&z, 15, 0);
    skip_frame(&z, 7, 5000);
    zst_frame(&z, d, len, false, 0);
    skip_frame(&z, 1, 3);
    buf_add(&want, d, len);
    buf_add(&want, d, len);
    expect_ok(z.p, z.len, tu_chunks[_i], DEF, want.p, want.len);
    free(z.p);
    free(want.p);
    free(d);
}
END_TEST

/* Only skippable frames: a clean end with nothing. */
START_TEST(test_only_skippable)
{
    struct buf z = {0};

    skip_frame(&z, 0, 10);
    expect_ok(z.p, z.len, tu_chunks[_i], DEF, NULL, 0);
    skip_frame(&z, 10, 0);
    expect_ok(z.p, z.len, tu_chunks[_i], DEF, NULL, 0);
    free(z.p);
}
END_TEST

/* Empty input, and a skippable frame whose payload is cut (its declared
 * size is never allocated). */
START_TEST(test_empty_and_short_skippable)
{
    uint8_t h[8] = {0x50, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0xff};

    expect_err(
        (const uint8_t *)"", 0, tu_chunks[_i], DEF,
        "t.zst: uncompressed offset 0 (compressed offset 0): zstd stream truncated (unexpected end of file)");
    expect_err(
        h, sizeof(h), tu_chunks[_i], DEF,
        "t.zst: uncompressed offset 0 (compressed offset 8): zstd stream truncated (unexpected end of file)");
}
END_TEST

/* Not zstd at all: the library's words for it. */
START_TEST(test_not_zstd)
{
    expect_err(
        (const uint8_t *)"garbage!", 8, tu_chunks[_i], DEF,
        "t.zst: uncompressed offset 0 (compressed offset 0): corrupt zstd data (Unknown frame descriptor)");
}
END_TEST

/* Cut at every byte of a small stream (a frame with a checksum, a
 * skippable frame, a frame without): an error at exactly the cut, never a
 * clean end, except at the frame boundaries. */
START_TEST(test_truncated)
{
    size_t len = 3000, b1, b2, cut;
    uint8_t *d = make_text(len, 5);
    struct buf z = {0};
    char msg[300];

    zst_frame(&z, d, len, true, 0);
    b1 = z.len;
    skip_frame(&z, 2, 20);
    b2 = z.len;
    zst_frame(&z, d, 100, false, 0);
    for (cut = 0; cut < z.len; cut++) {
        if (cut == b1 || cut == b2)
            continue; /* whole frames: valid */
        snprintf(
            msg, sizeof(msg),
            "t.zst: uncompressed offset %%U (compressed offset %zu): zstd stream truncated (unexpected end of file)",
            cut);
        expect_err(z.p, cut, tu_chunks[_i], DEF, msg);
    }
    expect_ok(z.p, b1, tu_chunks[_i], DEF, d, len);
    expect_ok(z.p, b2, tu_chunks[_i], DEF, d, len);
    free(z.p);
    free(d);
}
END_TEST

/* A flipped content checksum byte, a reserved header bit, a bad block. */
START_TEST(test_corrupt)
{
    size_t len = 20000;
    uint8_t *d = make_text(len, 6);
    struct buf z = {0};

    zst_frame(&z, d, len, true, 0);
    z.p[z.len - 1] ^= 0x01;
    /* The offset is where the input of the failing call began. */
    expect_err(
        z.p, z.len, tu_chunks[_i], DEF,
        "t.zst: uncompressed offset %U (compressed offset %C): corrupt zstd data (Restored data doesn't match checksum)");
    z.p[z.len - 1] ^= 0x01;

    /* Frame_Header_Descriptor bit 3 is reserved (RFC 8878 3.1.1.1.1.4). */
    z.p[4] ^= 0x08;
    expect_err(
        z.p, z.len, tu_chunks[_i], DEF,
        "t.zst: uncompressed offset 0 (compressed offset 0): corrupt zstd data (Unsupported frame parameter)");
    z.p[4] ^= 0x08;

    /* A second frame whose magic is right but whose first block header
     * says Block_Type 3 (reserved). */
    {
        size_t one = z.len, hdr;
        ZSTD_frameHeader fh;

        zst_frame(&z, d, 1000, false, 0);
        ck_assert_int_eq(ZSTD_getFrameHeader(&fh, z.p + one, z.len - one), 0);
        hdr = one + fh.headerSize;
        z.p[hdr] |= 0x06;
        /* The first frame's bytes all come out before the error. */
        expect_err(
            z.p, z.len, tu_chunks[_i], DEF,
            "t.zst: uncompressed offset 20000 (compressed offset %C): corrupt zstd data (Data corruption detected)");
    }
    free(z.p);
    free(d);
}
END_TEST

START_TEST(test_trailing_data)
{
    static const struct {
        const char *bytes;
        size_t len;
        bool truncated; /* a magic's first bytes: a cut frame */
    } tails[] = {
        {"garbage", 7, false},
        {"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20, false},
        {"\0", 1, false},
        {"x", 1, false},
        {"xy", 2, false},
        {"xyz", 3, false},
        {"\x28\xb5\x2f\xfe", 4, false}, /* off by one bit */
        {"\x28", 1, true},
        {"\x28\xb5\x2f", 3, true},
        {"\x5f\x2a", 2, true},
        {"\x28\xb5\x2f\xfd", 4, true},
        {"\x50\x2a\x4d\x18\x00\x00", 6, true},
    };
    size_t len = 10000, one, i;
    uint8_t *d = make_text(len, 4);
    struct buf z = {0};
    char msg[300];

    zst_frame(&z, d, len, true, 0);
    one = z.len;
    for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        z.len = one;
        buf_add(&z, tails[i].bytes, tails[i].len);
        if (tails[i].truncated)
            snprintf(
                msg, sizeof(msg),
                "t.zst: uncompressed offset %zu (compressed offset %zu): zstd stream truncated (unexpected end of file)",
                len, z.len);
        else
            snprintf(
                msg, sizeof(msg),
                "t.zst: compressed offset %zu: data after the last zstd frame is not a zstd frame",
                one);
        expect_err(z.p, z.len, tu_chunks[_i], DEF, msg);
    }
    free(z.p);
    free(d);
}
END_TEST

/* A hand-made frame: magic, Frame_Header_Descriptor 0x80 (4-byte
 * Frame_Content_Size, not single segment), a Window_Descriptor, FCS 0,
 * then one empty last Raw block (RFC 8878 3.1.1). */
static size_t
window_frame(uint8_t *f, uint8_t window_descriptor)
{
    static const uint8_t head[] = {0x28, 0xb5, 0x2f, 0xfd, 0x80};
    static const uint8_t tail[] = {0, 0, 0, 0, 0x01, 0x00, 0x00};

    memcpy(f, head, sizeof(head));
    f[sizeof(head)] = window_descriptor;
    memcpy(f + sizeof(head) + 1, tail, sizeof(tail));
    return sizeof(head) + 1 + sizeof(tail);
}

START_TEST(test_window_2gib)
{
    uint8_t f[64];
    /* Exponent 21, mantissa 0: 2^(10 + 21) = 2 GiB. */
    size_t n = window_frame(f, 21 << 3);
    ZSTD_frameHeader fh;

    ck_assert_int_eq(ZSTD_getFrameHeader(&fh, f, n), 0);
    ck_assert_uint_eq(fh.windowSize, (uint64_t)2048 << 20);
    expect_err(
        f, n, tu_chunks[_i], DEF,
        "t.zst: compressed offset 0: zstd frame needs a 2048 MiB window, more than the 128 MiB limit (raise it with --max-window MIB)");
    /* At the largest limit it is accepted (and holds nothing); a larger
     * limit is clamped to it. */
    expect_ok(f, n, tu_chunks[_i], ZSTD_WINDOW_MAX_LIMIT, NULL, 0);
    expect_ok(f, n, tu_chunks[_i], UINT64_MAX, NULL, 0);
    /* After a valid frame, the offset is the second frame's. */
    {
        struct buf z = {0};
        char msg[300];

        zst_frame(&z, (const uint8_t *)"abc", 3, true, 0);
        snprintf(
            msg, sizeof(msg),
            "t.zst: compressed offset %zu: zstd frame needs a 2048 MiB window, more than the 1 MiB limit (raise it with --max-window MIB)",
            z.len);
        buf_add(&z, f, n);
        /* A limit under 1 MiB is clamped to 1 MiB. */
        expect_err(z.p, z.len, tu_chunks[_i], 1000, msg);
        free(z.p);
    }
    /* Mantissa 7: 2^20 + 7 * 2^17 = 1.875 MiB, rounded up to 2 MiB. */
    n = window_frame(f, (10 << 3) | 7);
    expect_err(
        f, n, tu_chunks[_i], MIB,
        "t.zst: compressed offset 0: zstd frame needs a 2 MiB window, more than the 1 MiB limit (raise it with --max-window MIB)");
    expect_ok(f, n, tu_chunks[_i], 2 * MIB, NULL, 0);
}
END_TEST

/* A real 8 MiB-window frame (9 MiB of data, window log 23): accepted with
 * an 8 MiB limit, refused with 4 MiB. */
START_TEST(test_window_8mib)
{
    size_t len = 9 * MIB;
    uint8_t *d = make_text(len, 8);
    struct buf z = {0};
    ZSTD_frameHeader fh;

    zst_frame(&z, d, len, true, 23);
    ck_assert_int_eq(ZSTD_getFrameHeader(&fh, z.p, z.len), 0);
    ck_assert_uint_eq(fh.windowSize, 8 * MIB);
    expect_ok(z.p, z.len, tu_chunks[_i] == 1 ? 65536 : tu_chunks[_i], 8 * MIB,
              d, len);
    expect_err(
        z.p, z.len, tu_chunks[_i], 4 * MIB,
        "t.zst: compressed offset 0: zstd frame needs a 8 MiB window, more than the 4 MiB limit (raise it with --max-window MIB)");
    free(z.p);
    free(d);
}
END_TEST

/* A second and third read after a data error give the same error. */
START_TEST(test_sticky)
{
    size_t len = 5000;
    uint8_t *d = make_text(len, 9);
    struct buf z = {0};
    struct sc_err err = {0}, again = {0};
    struct source *mem, *s;
    struct reader *rd;
    uint8_t tmp[65536];
    ssize_t got;
    int i;

    zst_frame(&z, d, len, true, 0);
    buf_add(&z, "junk", 4);
    mem = source_mem(z.p, z.len, tu_chunks[_i], "t.zst", &err);
    rd = reader_new(mem, READER_CHUNK, &err);
    s = zstd_source(rd, "t.zst", DEF, &err);
    ck_assert(s != NULL);
    while ((got = source_read(s, tmp, sizeof(tmp), &err)) > 0)
        ;
    ck_assert_int_eq(got, -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    for (i = 0; i < 2; i++) {
        memset(&again, 0, sizeof(again));
        ck_assert_int_eq(source_read(s, tmp, sizeof(tmp), &again), -1);
        ck_assert_int_eq(again.kind, SC_ERR_DATA);
        ck_assert_str_eq(again.msg, err.msg);
    }
    source_close(s);
    free(z.p);
    free(d);
}
END_TEST

/* A source that fails once with an I/O error after `at` bytes, then goes
 * on: the zstd source must pass the error on and not make it sticky. */
struct flaky {
    struct source base;
    struct source *inner;
    size_t at, done;
    bool failed;
};

static ssize_t
flaky_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct flaky *f = (struct flaky *)s;
    ssize_t got;

    if (!f->failed && f->done >= f->at) {
        f->failed = true;
        return sc_err_set(err, SC_ERR_IO, "t.zst: read failed: EIO");
    }
    if (!f->failed && n > f->at - f->done)
        n = f->at - f->done;
    got = source_read(f->inner, buf, n, err);
    if (got > 0)
        f->done += (size_t)got;
    return got;
}

static void
flaky_close(struct source *s)
{
    struct flaky *f = (struct flaky *)s;

    source_close(f->inner);
    free(f);
}

START_TEST(test_io_error_not_sticky)
{
    size_t len = 100000;
    uint8_t *d = make_text(len, 12);
    struct buf z = {0}, out = {0};
    struct sc_err err = {0};
    struct flaky *f = calloc(1, sizeof(*f));
    struct reader *rd;
    struct source *s;
    uint8_t tmp[4096];
    ssize_t got;
    int ioerrs = 0;

    ck_assert(f != NULL);
    zst_frame(&z, d, len, true, 0);
    f->inner = source_mem(z.p, z.len, tu_chunks[_i], "t.zst", &err);
    f->at = z.len / 2;
    f->base.read = flaky_read;
    f->base.close = flaky_close;
    f->base.name = "t.zst";
    f->base.size = -1;
    rd = reader_new(&f->base, READER_CHUNK, &err);
    s = zstd_source(rd, "t.zst", DEF, &err);
    ck_assert(s != NULL);
    for (;;) {
        got = source_read(s, tmp, sizeof(tmp), &err);
        if (got < 0) {
            ck_assert_int_eq(err.kind, SC_ERR_IO);
            ck_assert_str_eq(err.msg, "t.zst: read failed: EIO");
            ck_assert_int_eq(++ioerrs, 1);
            continue;
        }
        if (got == 0)
            break;
        buf_add(&out, tmp, (size_t)got);
    }
    ck_assert_int_eq(ioerrs, 1);
    ck_assert_uint_eq(out.len, len);
    ck_assert(memcmp(out.p, d, len) == 0);
    source_close(s);
    free(out.p);
    free(z.p);
    free(d);
}
END_TEST

/* sc_interrupted: SC_ERR_INTR at once, not sticky. */
START_TEST(test_interrupted)
{
    size_t len = 200000, have = 0;
    uint8_t *d = make_text(len, 13);
    struct buf z = {0};
    struct sc_err err = {0};
    struct source *mem, *s;
    struct reader *rd;
    uint8_t tmp[10000];
    ssize_t n;
    int round = 0;

    zst_frame(&z, d, len, true, 0);
    mem = source_mem(z.p, z.len, 4096, "t.zst", &err);
    rd = reader_new(mem, READER_CHUNK, &err);
    s = zstd_source(rd, "t.zst", DEF, &err);
    for (;;) {
        if (round++ % 3 == 1) {
            sc_interrupted = SIGINT;
            ck_assert_int_eq(source_read(s, tmp, sizeof(tmp), &err), -1);
            ck_assert_int_eq(err.kind, SC_ERR_INTR);
            ck_assert_str_eq(err.msg, "t.zst: interrupted");
            sc_interrupted = 0;
        }
        n = source_read(s, tmp, sizeof(tmp), &err);
        ck_assert_msg(n >= 0, "%s", err.msg);
        if (n == 0)
            break;
        ck_assert_uint_le(have + (size_t)n, len);
        ck_assert(memcmp(tmp, d + have, (size_t)n) == 0);
        have += (size_t)n;
    }
    ck_assert_uint_eq(have, len);
    source_close(s);
    free(z.p);
    free(d);
}
END_TEST

/* Files written by the zstd CLI (tests/fixtures/compressed/README.txt). */
START_TEST(test_cli_fixtures)
{
    static const struct {
        const char *zst, *orig[2];
    } cases[] = {
        {"compressed/s01.pcap.19-check.zst", {"sample/s01.pcap", NULL}},
        {"compressed/pcapng-le.pcapng.no-check.zst",
         {"pcapng-le.pcapng", NULL}},
        {"compressed/multi-frame.zst",
         {"pcap-usec-le.pcap", "dsb-mixed.pcapng"}},
    };
    size_t i, j;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf want = {0};
        size_t zlen;
        uint8_t *z = tu_slurp(tu_fixture(cases[i].zst), &zlen);

        for (j = 0; j < 2 && cases[i].orig[j] != NULL; j++) {
            size_t olen;
            uint8_t *o = tu_slurp(tu_fixture(cases[i].orig[j]), &olen);

            buf_add(&want, o, olen);
            free(o);
        }
        expect_ok(z, zlen, tu_chunks[_i], DEF, want.p, want.len);
        /* Cut one byte short: truncated, never a clean end. */
        {
            char msg[300];

            snprintf(
                msg, sizeof(msg),
                "t.zst: uncompressed offset %%U (compressed offset %zu): zstd stream truncated (unexpected end of file)",
                zlen - 1);
            expect_err(z, zlen - 1, tu_chunks[_i], DEF, msg);
        }
        free(want.p);
        free(z);
    }
}
END_TEST

START_TEST(test_version)
{
    ck_assert_ptr_nonnull(zstd_library_version());
    ck_assert_str_eq(zstd_library_version(), ZSTD_versionString());
}
END_TEST

static Suite *
zstd_suite(void)
{
    Suite *s = suite_create("zstd_source");
    TCase *tc;
    int n = (int)(sizeof(tu_chunks) / sizeof(tu_chunks[0]));

#define ADD_LOOP(fn, timeout)                                                  \
    do {                                                                       \
        tc = tcase_create(#fn);                                                \
        tcase_set_timeout(tc, timeout);                                        \
        tcase_add_loop_test(tc, fn, 0, n);                                     \
        suite_add_tcase(s, tc);                                                \
    } while (0)
    ADD_LOOP(test_round_trip, 60);
    ADD_LOOP(test_skippable, 30);
    ADD_LOOP(test_only_skippable, 10);
    ADD_LOOP(test_empty_and_short_skippable, 10);
    ADD_LOOP(test_not_zstd, 10);
    ADD_LOOP(test_truncated, 120);
    ADD_LOOP(test_corrupt, 30);
    ADD_LOOP(test_trailing_data, 30);
    ADD_LOOP(test_window_2gib, 30);
    ADD_LOOP(test_window_8mib, 120);
    ADD_LOOP(test_sticky, 10);
    ADD_LOOP(test_io_error_not_sticky, 30);
    ADD_LOOP(test_interrupted, 10);
    ADD_LOOP(test_cli_fixtures, 30);
    ADD_LOOP(test_version, 10);
#undef ADD_LOOP
    return s;
}

#else /* !SECRETCAP_HAVE_ZSTD */

/* Built without libzstd: the constructor frees the reader and says so. */
START_TEST(test_without_libzstd)
{
    struct sc_err err = {0};
    struct source *mem = source_mem("\x28\xb5\x2f\xfd", 4, 0, "t.zst", &err);
    struct reader *rd = reader_new(mem, READER_CHUNK, &err);

    ck_assert_ptr_null(zstd_source(rd, "t.zst", ZSTD_WINDOW_MAX_DEFAULT, &err));
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_str_eq(
        err.msg,
        "t.zst: zstd-compressed input, but this secretcap was built without libzstd; decompress it first (zstd -dc t.zst | secretcap ... -)");
    ck_assert_ptr_null(zstd_library_version());
}
END_TEST

static Suite *
zstd_suite(void)
{
    Suite *s = suite_create("zstd_source");
    TCase *tc = tcase_create("test_without_libzstd");

    tcase_add_test(tc, test_without_libzstd);
    suite_add_tcase(s, tc);
    return s;
}

#endif

int
main(void)
{
    return tu_run(zstd_suite());
}
