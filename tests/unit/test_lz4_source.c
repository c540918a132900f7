/*
 * test_lz4_source.c - unit tests for the lz4 source (lz4_source.c).
 *
 * The lz4 data is made here with liblz4 itself (LZ4F_compressFrame, with
 * and without block and content checksums and content size, linked and
 * independent blocks, several frames, skippable frames anywhere), then
 * damaged on purpose: truncated at every byte, checksum and header bytes
 * flipped, garbage, zeros or stray bytes appended. The property under
 * test: a damaged stream is an error with the documented message, never a
 * clean end, and the error is sticky. Compressed bytes reach the source 1,
 * 3 and 4096 bytes at a time (tu_chunks) or all at once, under a reader as
 * input.c stacks them, and are read back with output buffers of varying
 * sizes. Files written by the lz4 CLI are in tests/fixtures/compressed
 * (README.txt there).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lz4_source.h"
#include "reader.h"
#include "source.h"
#include "testutil.h"

#ifdef SECRETCAP_HAVE_LZ4

#include <lz4.h>
#include <lz4frame.h>

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

/* Frame options for lz_frame(). */
enum {
    CCK = 1,   /* content checksum */
    BCK = 2,   /* block checksums */
    SIZE = 4,  /* content size in the header */
    INDEP = 8, /* independent blocks (else linked) */
    MB4 = 16,  /* 4 MiB blocks (else 64 KiB) */
};

/* Appends one lz4 frame of data to out, made by LZ4F_compressFrame(). */
static void
lz_frame(struct buf *out, const uint8_t *data, size_t len, unsigned opt)
{
    LZ4F_preferences_t pr;
    size_t bound, got;

    memset(&pr, 0, sizeof(pr));
    pr.frameInfo.blockSizeID = opt & MB4 ? LZ4F_max4MB : LZ4F_max64KB;
    pr.frameInfo.blockMode =
        opt & INDEP ? LZ4F_blockIndependent : LZ4F_blockLinked;
    pr.frameInfo.contentChecksumFlag =
        opt & CCK ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
    pr.frameInfo.blockChecksumFlag =
        opt & BCK ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
    pr.frameInfo.contentSize = opt & SIZE ? len : 0;
    bound = LZ4F_compressFrameBound(len, &pr);
    buf_add(out, NULL, 0);
    if (out->len + bound + 1 > out->cap) {
        out->cap = out->len + bound + 1;
        out->p = realloc(out->p, out->cap);
        ck_assert(out->p != NULL);
    }
    got = LZ4F_compressFrame(out->p + out->len, bound, data, len, &pr);
    ck_assert_msg(!LZ4F_isError(got), "%s", LZ4F_getErrorName(got));
    out->len += got;
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

/* Decompresses z through source_mem(chunk) -> reader -> lz4_source with
 * output buffers of varying sizes. Returns 0 at a clean end, -1 on error
 * (checked to be sticky); *out gets whatever was produced. */
static int
run_lz4(const uint8_t *z, size_t zlen, size_t chunk, struct buf *out,
        struct sc_err *err)
{
    static const size_t outsz[] = {1, 7, 4096, 65536, 1 << 20, 3};
    static uint8_t tmp[1 << 20];
    struct source *mem = source_mem(z, zlen, chunk, "t.lz4", err);
    struct reader *rd;
    struct source *s;
    size_t k = 0;
    int result = -1;
    bool overlong = false;

    ck_assert(mem != NULL);
    rd = reader_new(mem, READER_CHUNK, err);
    ck_assert(rd != NULL);
    s = lz4_source(rd, "t.lz4", err);
    ck_assert_msg(s != NULL, "%s", err->msg);
    ck_assert(s->inflating);
    ck_assert_int_eq(s->size, -1);
    ck_assert_str_eq(s->name, "t.lz4");
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
expect_ok(const uint8_t *z, size_t zlen, size_t chunk, const uint8_t *want,
          size_t wantlen)
{
    struct sc_err err = {0};
    struct buf out = {0};

    ck_assert_msg(run_lz4(z, zlen, chunk, &out, &err) == 0, "error: %s",
                  err.msg);
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
expect_err(const uint8_t *z, size_t zlen, size_t chunk, const char *msg)
{
    struct sc_err err = {0};
    struct buf out = {0};
    char want[SC_ERR_MSG_MAX];
    const char *u = strstr(msg, "%U");

    ck_assert_int_eq(run_lz4(z, zlen, chunk, &out, &err), -1);
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

START_TEST(test_round_trip)
{
    static const unsigned opts[] = {0,         CCK,       BCK,
                                    CCK | BCK, SIZE,      INDEP | CCK,
                                    MB4,       MB4 | BCK, CCK | BCK | SIZE};
    size_t lens[] = {300000, 1, 0, 123456, 7, 70000};
    struct buf z = {0}, want = {0};
    size_t i;

    /* One frame with each set of options. */
    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        uint8_t *d = make_text(lens[0], (uint32_t)i);

        z.len = 0;
        lz_frame(&z, d, lens[0], opts[i]);
        expect_ok(z.p, z.len, tu_chunks[_i], d, lens[0]);
        free(d);
    }
    /* Several frames, some empty, options varying. */
    z.len = 0;
    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        uint8_t *d = make_text(lens[i], (uint32_t)i + 10);

        lz_frame(&z, d, lens[i], opts[(i * 4) % 9]);
        buf_add(&want, d, lens[i]);
        free(d);
    }
    expect_ok(z.p, z.len, tu_chunks[_i], want.p, want.len);
    expect_ok(z.p, z.len, 0, want.p, want.len);
    free(z.p);
    free(want.p);
}
END_TEST

/* Skippable frames before, between and after lz4 frames, of every magic
 * variant, empty and not. */
START_TEST(test_skippable)
{
    size_t len = 50000;
    uint8_t *d = make_text(len, 3);
    struct buf z = {0}, want = {0};

    skip_frame(&z, 0, 100);
    lz_frame(&z, d, len, CCK);
    skip_frame(&z, 15, 0);
    skip_frame(&z, 7, 5000);
    lz_frame(&z, d, len, BCK);
    skip_frame(&z, 1, 3);
    buf_add(&want, d, len);
    buf_add(&want, d, len);
    expect_ok(z.p, z.len, tu_chunks[_i], want.p, want.len);
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
    expect_ok(z.p, z.len, tu_chunks[_i], NULL, 0);
    skip_frame(&z, 10, 0);
    expect_ok(z.p, z.len, tu_chunks[_i], NULL, 0);
    free(z.p);
}
END_TEST

/* Empty input, and a skippable frame whose payload is cut (its declared
 * size is never allocated). */
START_TEST(test_empty_and_short_skippable)
{
    uint8_t h[8] = {0x50, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0xff};

    expect_err(
        (const uint8_t *)"", 0, tu_chunks[_i],
        "t.lz4: uncompressed offset 0 (compressed offset 0): lz4 stream truncated (unexpected end of file)");
    expect_err(
        h, sizeof(h), tu_chunks[_i],
        "t.lz4: uncompressed offset 0 (compressed offset 8): lz4 stream truncated (unexpected end of file)");
}
END_TEST

/* Not lz4 at all: the library says what it found. */
START_TEST(test_not_lz4)
{
    expect_err(
        (const uint8_t *)"garbage!", 8, tu_chunks[_i],
        "t.lz4: uncompressed offset 0 (compressed offset %C): corrupt lz4 data (ERROR_frameType_unknown)");
}
END_TEST

/* Cut at every byte of a small stream (a frame with both checksums and
 * several linked blocks, a skippable frame, a frame with the content
 * size): an error at exactly the cut, never a clean end, except at the
 * frame boundaries. */
/* Is cut within 12 bytes of a block boundary of the frame at z (7-byte
 * header, then blocks of a 4-byte size, data, and with block checksums 4
 * more bytes; a 0 size ends it), or of its start or end? */
static bool
near_block_edge(const uint8_t *z, size_t frame_len, size_t cut)
{
    size_t pos = 7;

    if (cut < pos + 12 || cut + 12 > frame_len)
        return true;
    while (pos + 4 <= frame_len) {
        uint32_t bs = (uint32_t)z[pos] | (uint32_t)z[pos + 1] << 8 |
                      (uint32_t)z[pos + 2] << 16 | (uint32_t)z[pos + 3] << 24;

        if (cut + 12 > pos && cut < pos + 12)
            return true;
        if (bs == 0)
            break;
        pos += 4 + (bs & 0x7fffffffu) + 4; /* with its block checksum */
    }
    return false;
}

/* Cut a small stream (a frame with both checksums and three linked
 * blocks, a skippable frame, a frame with the content size) at every byte
 * near a header, block boundary or trailer and at a sample of the others:
 * an error at exactly the cut, never a clean end, except at the frame
 * boundaries. */
START_TEST(test_truncated)
{
    size_t len = 140000, b1, b2, cut;
    uint8_t *d = make_text(len, 5);
    struct buf z = {0};
    char msg[300];

    lz_frame(&z, d, len, CCK | BCK);
    b1 = z.len;
    skip_frame(&z, 2, 20);
    b2 = z.len;
    lz_frame(&z, d, 100, SIZE);
    for (cut = 0; cut < z.len; cut++) {
        if (cut == b1 || cut == b2)
            continue; /* whole frames: valid */
        if (cut < b1 && !near_block_edge(z.p, b1, cut) && cut % 61 != 0)
            continue;
        snprintf(
            msg, sizeof(msg),
            "t.lz4: uncompressed offset %%U (compressed offset %zu): lz4 stream truncated (unexpected end of file)",
            cut);
        expect_err(z.p, cut, tu_chunks[_i], msg);
    }
    expect_ok(z.p, b1, tu_chunks[_i], d, len);
    expect_ok(z.p, b2, tu_chunks[_i], d, len);
    free(z.p);
    free(d);
}
END_TEST

/* A flipped content checksum, block data under a block checksum, the
 * header checksum, and a reserved header bit. */
START_TEST(test_corrupt)
{
    size_t len = 20000;
    uint8_t *d = make_text(len, 6);
    struct buf z = {0};

    lz_frame(&z, d, len, CCK | BCK);
    z.p[z.len - 1] ^= 0x01;
    expect_err(
        z.p, z.len, tu_chunks[_i],
        "t.lz4: uncompressed offset %U (compressed offset %C): corrupt lz4 data (ERROR_contentChecksum_invalid)");
    z.p[z.len - 1] ^= 0x01;

    /* Header (7 bytes: magic, FLG, BD, HC), block size (4), data. */
    z.p[20] ^= 0x10;
    expect_err(
        z.p, z.len, tu_chunks[_i],
        "t.lz4: uncompressed offset 0 (compressed offset %C): corrupt lz4 data (ERROR_blockChecksum_invalid)");
    z.p[20] ^= 0x10;

    z.p[6] ^= 0x01; /* HC */
    expect_err(
        z.p, z.len, tu_chunks[_i],
        "t.lz4: uncompressed offset 0 (compressed offset %C): corrupt lz4 data (ERROR_headerChecksum_invalid)");
    z.p[6] ^= 0x01;

    z.p[4] |= 0x02; /* FLG bit 1 is reserved */
    expect_err(
        z.p, z.len, tu_chunks[_i],
        "t.lz4: uncompressed offset 0 (compressed offset %C): corrupt lz4 data (ERROR_reservedFlag_set)");
    z.p[4] &= (uint8_t)~0x02;

    /* Bad data in a second frame: the first one's bytes come out first. */
    {
        size_t one = z.len;

        lz_frame(&z, d, len, BCK);
        z.p[one + 20] ^= 0x10;
        expect_err(
            z.p, z.len, tu_chunks[_i],
            "t.lz4: uncompressed offset 20000 (compressed offset %C): corrupt lz4 data (ERROR_blockChecksum_invalid)");
    }
    free(z.p);
    free(d);
}
END_TEST

/* XXH32 with seed 0 of n < 16 bytes (the xxHash specification's short
 * path): enough to re-make a frame descriptor's header checksum. */
static uint32_t
xxh32_short(const uint8_t *p, size_t n)
{
    const uint32_t p1 = 2654435761u, p2 = 2246822519u, p3 = 3266489917u,
                   p4 = 668265263u, p5 = 374761393u;
    uint32_t h = p5 + (uint32_t)n;

    ck_assert_uint_lt(n, 16);
    for (; n >= 4; p += 4, n -= 4) {
        uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

        h += v * p3;
        h = ((h << 17) | (h >> 15)) * p4;
    }
    for (; n > 0; p++, n--) {
        h += *p * p5;
        h = ((h << 11) | (h >> 21)) * p1;
    }
    h ^= h >> 15;
    h *= p2;
    h ^= h >> 13;
    h *= p3;
    h ^= h >> 16;
    return h;
}

/* A frame whose header declares a content size one more or one less than
 * its data (header checksum made right): the library's size check. */
START_TEST(test_content_size_wrong)
{
    size_t len = 5000;
    uint8_t *d = make_text(len, 14);
    struct buf z = {0};
    int delta;

    lz_frame(&z, d, len, SIZE | CCK);
    /* magic, FLG, BD, Content Size (8 bytes LE), HC. */
    ck_assert_int_eq(z.p[4] & 0x08, 0x08);
    ck_assert_uint_eq(z.p[14], (xxh32_short(z.p + 4, 10) >> 8) & 0xff);
    for (delta = -1; delta <= 1; delta += 2) {
        uint64_t cs = (uint64_t)len + (uint64_t)(int64_t)delta;
        int i;

        for (i = 0; i < 8; i++)
            z.p[6 + i] = (uint8_t)(cs >> (8 * i));
        z.p[14] = (uint8_t)(xxh32_short(z.p + 4, 10) >> 8);
        expect_err(
            z.p, z.len, tu_chunks[_i],
            "t.lz4: uncompressed offset %U (compressed offset %C): corrupt lz4 data (ERROR_frameSize_wrong)");
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
        {"\x04\x22\x4d\x19", 4, false}, /* off by one bit */
        {"\x04", 1, true},
        {"\x04\x22\x4d", 3, true},
        {"\x5f\x2a", 2, true},
        {"\x02\x21\x4c", 3, true},
        {"\x04\x22\x4d\x18", 4, true},
        {"\x04\x22\x4d\x18\x64\x40", 6, true},
        {"\x50\x2a\x4d\x18\x00\x00", 6, true},
    };
    size_t len = 10000, one, i;
    uint8_t *d = make_text(len, 4);
    struct buf z = {0};
    char msg[300];

    lz_frame(&z, d, len, CCK);
    one = z.len;
    for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        z.len = one;
        buf_add(&z, tails[i].bytes, tails[i].len);
        if (tails[i].truncated)
            snprintf(
                msg, sizeof(msg),
                "t.lz4: uncompressed offset %zu (compressed offset %zu): lz4 stream truncated (unexpected end of file)",
                len, z.len);
        else
            snprintf(
                msg, sizeof(msg),
                "t.lz4: compressed offset %zu: data after the last lz4 frame is not a lz4 frame",
                one);
        expect_err(z.p, z.len, tu_chunks[_i], msg);
    }
    free(z.p);
    free(d);
}
END_TEST

/* The legacy format (lz4 -l), at the start or after a frame. */
START_TEST(test_legacy)
{
    size_t len;
    uint8_t *l = tu_slurp(tu_fixture("compressed/legacy.lz4"), &len);
    struct buf z = {0};
    static const char msg[] =
        "t.lz4: legacy lz4 format (lz4 -l) is not supported; decompress it first (lz4 -dc t.lz4 | secretcap ... -)";

    ck_assert_uint_ge(len, 4);
    ck_assert(memcmp(l, "\x02\x21\x4c\x18", 4) == 0);
    expect_err(l, len, tu_chunks[_i], msg);
    lz_frame(&z, (const uint8_t *)"abc", 3, CCK);
    buf_add(&z, l, len);
    expect_err(z.p, z.len, tu_chunks[_i], msg);
    free(z.p);
    free(l);
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

    lz_frame(&z, d, len, CCK);
    buf_add(&z, "junk", 4);
    mem = source_mem(z.p, z.len, tu_chunks[_i], "t.lz4", &err);
    rd = reader_new(mem, READER_CHUNK, &err);
    s = lz4_source(rd, "t.lz4", &err);
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
 * on: the lz4 source must pass the error on and not make it sticky. */
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
        return sc_err_set(err, SC_ERR_IO, "t.lz4: read failed: EIO");
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
    size_t len = 300000;
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
    lz_frame(&z, d, len, CCK | BCK);
    f->inner = source_mem(z.p, z.len, tu_chunks[_i], "t.lz4", &err);
    f->at = z.len / 2;
    f->base.read = flaky_read;
    f->base.close = flaky_close;
    f->base.name = "t.lz4";
    f->base.size = -1;
    rd = reader_new(&f->base, READER_CHUNK, &err);
    s = lz4_source(rd, "t.lz4", &err);
    ck_assert(s != NULL);
    for (;;) {
        got = source_read(s, tmp, sizeof(tmp), &err);
        if (got < 0) {
            ck_assert_int_eq(err.kind, SC_ERR_IO);
            ck_assert_str_eq(err.msg, "t.lz4: read failed: EIO");
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

    lz_frame(&z, d, len, CCK);
    mem = source_mem(z.p, z.len, 4096, "t.lz4", &err);
    rd = reader_new(mem, READER_CHUNK, &err);
    s = lz4_source(rd, "t.lz4", &err);
    for (;;) {
        if (round++ % 3 == 1) {
            sc_interrupted = SIGINT;
            ck_assert_int_eq(source_read(s, tmp, sizeof(tmp), &err), -1);
            ck_assert_int_eq(err.kind, SC_ERR_INTR);
            ck_assert_str_eq(err.msg, "t.lz4: interrupted");
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

/* Files written by the lz4 CLI (tests/fixtures/compressed/README.txt). */
START_TEST(test_cli_fixtures)
{
    static const struct {
        const char *lz4, *orig[2];
    } cases[] = {
        {"compressed/s01.pcap.BD-BX.lz4", {"sample/s01.pcap", NULL}},
        {"compressed/pcapng-le.pcapng.content-size.lz4",
         {"pcapng-le.pcapng", NULL}},
        {"compressed/multi-frame.lz4",
         {"pcap-usec-le.pcap", "dsb-mixed.pcapng"}},
    };
    size_t i, j;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf want = {0};
        size_t zlen;
        uint8_t *z = tu_slurp(tu_fixture(cases[i].lz4), &zlen);
        char msg[300];

        for (j = 0; j < 2 && cases[i].orig[j] != NULL; j++) {
            size_t olen;
            uint8_t *o = tu_slurp(tu_fixture(cases[i].orig[j]), &olen);

            buf_add(&want, o, olen);
            free(o);
        }
        expect_ok(z, zlen, tu_chunks[_i], want.p, want.len);
        /* Cut one byte short: truncated, never a clean end. */
        snprintf(
            msg, sizeof(msg),
            "t.lz4: uncompressed offset %%U (compressed offset %zu): lz4 stream truncated (unexpected end of file)",
            zlen - 1);
        expect_err(z, zlen - 1, tu_chunks[_i], msg);
        free(want.p);
        free(z);
    }
    /* The flags the CLI wrote are the ones the names promise. */
    {
        size_t zlen;
        uint8_t *z =
            tu_slurp(tu_fixture("compressed/s01.pcap.BD-BX.lz4"), &zlen);

        ck_assert_uint_ge(zlen, 5);
        ck_assert_int_eq(z[4] & 0x14, 0x14); /* B.Checksum, C.Checksum */
        free(z);
        z = tu_slurp(tu_fixture("compressed/pcapng-le.pcapng.content-size.lz4"),
                     &zlen);
        ck_assert_uint_ge(zlen, 5);
        ck_assert_int_eq(z[4] & 0x08, 0x08); /* C.Size */
        free(z);
    }
}
END_TEST

START_TEST(test_version)
{
    ck_assert_ptr_nonnull(lz4_library_version());
    ck_assert_str_eq(lz4_library_version(), LZ4_versionString());
}
END_TEST

static Suite *
lz4_suite(void)
{
    Suite *s = suite_create("lz4_source");
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
    ADD_LOOP(test_not_lz4, 10);
    ADD_LOOP(test_truncated, 120);
    ADD_LOOP(test_corrupt, 30);
    ADD_LOOP(test_content_size_wrong, 10);
    ADD_LOOP(test_trailing_data, 30);
    ADD_LOOP(test_legacy, 10);
    ADD_LOOP(test_sticky, 10);
    ADD_LOOP(test_io_error_not_sticky, 30);
    ADD_LOOP(test_interrupted, 10);
    ADD_LOOP(test_cli_fixtures, 30);
    ADD_LOOP(test_version, 10);
#undef ADD_LOOP
    return s;
}

#else /* !SECRETCAP_HAVE_LZ4 */

/* Built without liblz4: the constructor frees the reader and says so. */
START_TEST(test_without_liblz4)
{
    struct sc_err err = {0};
    struct source *mem = source_mem("\x04\x22\x4d\x18", 4, 0, "t.lz4", &err);
    struct reader *rd = reader_new(mem, READER_CHUNK, &err);

    ck_assert_ptr_null(lz4_source(rd, "t.lz4", &err));
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_str_eq(
        err.msg,
        "t.lz4: lz4-compressed input, but this secretcap was built without liblz4; decompress it first (lz4 -dc t.lz4 | secretcap ... -)");
    ck_assert_ptr_null(lz4_library_version());
}
END_TEST

static Suite *
lz4_suite(void)
{
    Suite *s = suite_create("lz4_source");
    TCase *tc = tcase_create("test_without_liblz4");

    tcase_add_test(tc, test_without_liblz4);
    suite_add_tcase(s, tc);
    return s;
}

#endif

int
main(void)
{
    return tu_run(lz4_suite());
}
