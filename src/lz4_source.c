/*
 * lz4_source.c - a source that decompresses an lz4 frame-format stream
 * read from a reader (see lz4_source.h for the contract).
 *
 * LZ4F_decompress() reads straight from the inner reader's buffer and
 * writes straight into the caller's buffer when a whole block fits there
 * (else through its own block buffer). Frame boundaries are handled here,
 * not left to the library: at each one the next 4 bytes are looked at (an
 * lz4 frame, a skippable frame, the legacy magic, or the end), so that
 * trailing garbage is an error rather than something the decoder may or
 * may not reject, and skippable frames are skipped by reading, never
 * buffered whole whatever their declared size. The library returns 0 only
 * once a frame has ended with its end mark and, when the flags ask for
 * them, its content checksum and content size verified; block checksums
 * are checked block by block. A stream that runs out before that is
 * truncated. It does not decode the legacy format (lz4 -l) nor read ahead
 * (readahead.h).
 */
#include "lz4_source.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef SECRETCAP_HAVE_LZ4

#include <lz4.h>
#include <lz4frame.h>

#define LZ4_MAGIC 0x184D2204u
#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_SKIP_MAGIC 0x184D2A50u /* to 0x184D2A5F */
#define LZ4_SKIP_MASK 0xFFFFFFF0u

enum lz_state {
    LZ_NEXT,   /* at a frame boundary: look at what follows */
    LZ_SKIP,   /* inside a skippable frame's payload */
    LZ_FRAME,  /* inside an lz4 frame: feed the decoder */
    LZ_DONE,   /* clean end */
    LZ_FAILED, /* a data error was reported: repeat it, never "end" */
};

struct lz_source {
    struct source base;
    struct reader *in; /* the compressed bytes */
    LZ4F_dctx *dctx;
    uint64_t produced;  /* bytes returned by read() so far */
    uint64_t skip_left; /* LZ_SKIP: payload bytes still to skip */
    enum lz_state state;
    bool started; /* a frame (of either kind) has begun */
    bool pending; /* the last call filled the output: the decoder may hold
                     more output, so call it even without new input */
    size_t hint;  /* the decoder's next input size (0: any) */
    struct sc_err failed; /* the data error, once state is LZ_FAILED */
};

static uint32_t
le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* The stream ended inside a frame: C is where the data ended. */
static int
lz_truncated(const struct lz_source *lz, struct sc_err *err)
{
    sc_err_set(
        err, SC_ERR_DATA,
        "%s: uncompressed offset %llu (compressed offset %llu): lz4 stream truncated (unexpected end of file)",
        lz->base.name, (unsigned long long)lz->produced,
        (unsigned long long)(reader_offset(lz->in) + reader_buffered(lz->in)));
    return sc_err_cut(err);
}

static int
lz_corrupt(const struct lz_source *lz, const char *what, struct sc_err *err)
{
    return sc_err_set(
        err, SC_ERR_DATA,
        "%s: uncompressed offset %llu (compressed offset %llu): corrupt lz4 data (%s)",
        lz->base.name, (unsigned long long)lz->produced,
        (unsigned long long)reader_offset(lz->in), what);
}

/* Do the n (1..4) bytes at p agree with the start of an lz4 frame's magic
 * (04 22 4d 18), a skippable frame's (5? 2a 4d 18) or the legacy one's
 * (02 21 4c 18)? */
static bool
lz_magic_prefix(const uint8_t *p, size_t n)
{
    static const uint8_t frame[4] = {0x04, 0x22, 0x4d, 0x18};
    static const uint8_t skip[4] = {0x50, 0x2a, 0x4d, 0x18};
    static const uint8_t legacy[4] = {0x02, 0x21, 0x4c, 0x18};
    bool is_frame = true, is_skip = true, is_legacy = true;
    size_t i;

    for (i = 0; i < n && i < 4; i++) {
        is_frame = is_frame && p[i] == frame[i];
        is_skip = is_skip && (i == 0 ? p[i] & 0xf0 : p[i]) == skip[i];
        is_legacy = is_legacy && p[i] == legacy[i];
    }
    return is_frame || is_skip || is_legacy;
}

/* At a frame boundary: looks at the next frame's magic. Returns 1 when an
 * lz4 frame starts (state LZ_FRAME, nothing consumed: the library reads
 * the header) or a skippable one does (state LZ_SKIP, its 8-byte header
 * consumed), 0 at a clean end, -1 on error. */
static int
lz_next_frame(struct lz_source *lz, struct sc_err *err)
{
    const uint8_t *p;
    size_t avail;
    uint32_t magic;
    int rc = reader_fill(lz->in, 8, &p, err);

    if (rc < 0)
        return -1;
    /* At the end of the stream fewer bytes may be left: look at those. */
    avail = rc == 1 ? 8 : reader_buffered(lz->in);
    p = reader_ptr(lz->in);
    if (avail == 0) {
        /* A stream has at least one frame. */
        if (!lz->started)
            return lz_truncated(lz, err);
        return 0;
    }
    if (!lz_magic_prefix(p, avail)) {
        if (!lz->started) {
            /* Not ours to word: the library names what it found. */
            lz->started = true;
            lz->state = LZ_FRAME;
            lz->hint = LZ4F_HEADER_SIZE_MIN; /* the decoder asks for the rest */
            return 1;
        }
        return sc_err_set(
            err, SC_ERR_DATA,
            "%s: compressed offset %llu: data after the last lz4 frame is not a lz4 frame",
            lz->base.name, (unsigned long long)reader_offset(lz->in));
    }
    if (avail < 4)
        return lz_truncated(lz, err); /* a magic cut short */
    lz->started = true;
    magic = le32(p);
    if (magic == LZ4_LEGACY_MAGIC)
        return sc_err_set(
            err, SC_ERR_DATA,
            "%s: legacy lz4 format (lz4 -l) is not supported; decompress it first (lz4 -dc %s | secretcap ... -)",
            lz->base.name, lz->base.name);
    if ((magic & LZ4_SKIP_MASK) == LZ4_SKIP_MAGIC) {
        /* Magic, Frame Size (4 bytes LE), user data. */
        if (avail < 8)
            return lz_truncated(lz, err);
        lz->skip_left = le32(p + 4);
        reader_consume(lz->in, 8);
        lz->state = LZ_SKIP;
        return 1;
    }
    /* A new frame: the context is clean after the last one ended, and a
     * reset is cheap. */
    LZ4F_resetDecompressionContext(lz->dctx);
    lz->pending = false;
    lz->state = LZ_FRAME;
    lz->hint = LZ4F_HEADER_SIZE_MIN; /* the decoder asks for the rest */
    return 1;
}

static ssize_t
lz_decompress(struct lz_source *lz, uint8_t *buf, size_t n, struct sc_err *err)
{
    static const LZ4F_decompressOptions_t opts; /* checksums verified */

    for (;;) {
        const uint8_t *p;
        size_t avail, used, made, lrc;
        int rc;

        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                              lz->base.name);
        switch (lz->state) {
        case LZ_DONE:
            return 0;
        case LZ_FAILED: /* lz4_read() answers before we get here */
            *err = lz->failed;
            return -1;
        case LZ_NEXT:
            rc = lz_next_frame(lz, err);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                lz->state = LZ_DONE;
                return 0;
            }
            continue;
        case LZ_SKIP:
            rc = reader_skip_left(lz->in, &lz->skip_left, err);
            if (rc < 0)
                return -1;
            if (rc == 0)
                return lz_truncated(lz, err);
            lz->state = LZ_NEXT;
            continue;
        case LZ_FRAME:
            break;
        }

        avail = reader_buffered(lz->in);
        if (avail == 0 && !lz->pending) {
            rc = reader_fill(lz->in, 1, &p, err);
            if (rc < 0)
                return -1;
            if (rc == 0)
                return lz_truncated(lz, err);
            avail = reader_buffered(lz->in);
        }
        /* At most what the decoder asks for (about a block): the output of
         * good blocks is returned before a bad block's error. */
        used = lz->hint > 0 && lz->hint < avail ? lz->hint : avail;
        made = n;
        lrc = LZ4F_decompress(lz->dctx, buf, &made, reader_ptr(lz->in), &used,
                              &opts);
        reader_consume(lz->in, used);
        if (LZ4F_isError(lrc))
            return lz_corrupt(lz, LZ4F_getErrorName(lrc), err);
        lz->pending = made == n;
        lz->hint = lrc;
        if (lrc == 0) {
            /* Frame complete: end mark, checksum and size verified. */
            lz->state = LZ_NEXT;
            lz->pending = false;
        } else if (used == 0 && made == 0 && avail > 0) {
            /* The library always progresses with input and room for
             * output; make sure this cannot spin if it does not. */
            return lz_corrupt(lz, "decoder made no progress", err);
        }
        /* Headers and empty frames produce nothing: go on. */
        if (made > 0) {
            lz->produced += made;
            return (ssize_t)made;
        }
    }
}

/* A data error is final: the same error again on every later call, so a
 * caller that retries can never see a late clean end. I/O errors and
 * interruptions are not made sticky (the inner reader decides). */
static ssize_t
lz4_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct lz_source *lz = (struct lz_source *)s;
    struct sc_err e;
    ssize_t got;

    if (lz->state == LZ_FAILED) {
        if (err != NULL)
            *err = lz->failed;
        return -1;
    }
    e.kind = SC_ERR_NONE;
    got = lz_decompress(lz, buf, n, &e);
    if (got < 0) {
        if (e.kind == SC_ERR_DATA) {
            lz->failed = e;
            lz->state = LZ_FAILED;
        }
        if (err != NULL)
            *err = e;
    }
    return got;
}

static void
lz4_close(struct source *s)
{
    struct lz_source *lz = (struct lz_source *)s;

    LZ4F_freeDecompressionContext(lz->dctx);
    reader_free(lz->in);
    free(lz);
}

struct source *
lz4_source(struct reader *compressed, const char *name, struct sc_err *err)
{
    struct lz_source *lz = calloc(1, sizeof(*lz));
    size_t lrc;

    if (lz == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
        reader_free(compressed);
        return NULL;
    }
    lrc = LZ4F_createDecompressionContext(&lz->dctx, LZ4F_VERSION);
    if (LZ4F_isError(lrc)) {
        sc_err_set(err, SC_ERR_IO, "%s: cannot start lz4 decompression (%s)",
                   name, LZ4F_getErrorName(lrc));
        free(lz);
        reader_free(compressed);
        return NULL;
    }
    lz->base.read = lz4_read;
    lz->base.close = lz4_close;
    lz->base.name = name;
    lz->base.size = -1;
    lz->base.inflating = true;
    lz->in = compressed;
    lz->state = LZ_NEXT;
    return &lz->base;
}

const char *
lz4_library_version(void)
{
    return LZ4_versionString();
}

#else /* !SECRETCAP_HAVE_LZ4 */

struct source *
lz4_source(struct reader *compressed, const char *name, struct sc_err *err)
{
    reader_free(compressed);
    sc_err_set(
        err, SC_ERR_DATA,
        "%s: lz4-compressed input, but this secretcap was built without liblz4; decompress it first (lz4 -dc %s | secretcap ... -)",
        name, name);
    return NULL;
}

const char *
lz4_library_version(void)
{
    return NULL;
}

#endif
