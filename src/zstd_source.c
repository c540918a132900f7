/*
 * zstd_source.c - a source that decompresses a zstd stream read from a
 * reader (see zstd_source.h for the contract).
 *
 * ZSTD_decompressStream() reads straight from the inner reader's buffer and
 * writes straight into the caller's buffer (the library keeps its window
 * internally; when a frame's content size is known and fits the output it
 * decodes in place). Frame boundaries are handled here, not left to the
 * library: at each one the next bytes are looked at (RFC 8878 section 3.1:
 * a zstd frame, a skippable frame, or the end), so that trailing garbage is
 * an error rather than something the decoder may or may not reject,
 * skippable frames are skipped by reading (not seeking, and never buffered
 * whole whatever their declared size), and every zstd frame's window size
 * is checked against the limit before the decoder allocates anything. The
 * header is decoded with ZSTD_getFrameHeader(), which is in zstd.h's
 * static-linking-only section but exported by the shared library (the
 * ZSTD_frameHeader layout has been stable since zstd 1.3).
 *
 * The library reports a frame's end (return value 0) only once its
 * checksum, when present, has been verified and all its output flushed; a
 * stream that runs out before that is truncated. It does not do
 * multi-threaded decoding (zstd has none) nor read-ahead (readahead.h).
 */
#include "zstd_source.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef SECRETCAP_HAVE_ZSTD

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader, ZSTD_frameHeader */
#include <zstd.h>
#include <zstd_errors.h>

#define MIB ((uint64_t)1 << 20)

enum zs_state {
    ZS_NEXT,   /* at a frame boundary: look at what follows */
    ZS_SKIP,   /* inside a skippable frame's payload */
    ZS_FRAME,  /* inside a zstd frame: feed the decoder */
    ZS_DONE,   /* clean end */
    ZS_FAILED, /* a data error was reported: repeat it, never "end" */
};

struct zs_source {
    struct source base;
    struct reader *in; /* the compressed bytes */
    ZSTD_DCtx *dctx;
    uint64_t window_max; /* bytes, clamped */
    uint64_t produced;   /* bytes returned by read() so far */
    uint64_t skip_left;  /* ZS_SKIP: payload bytes still to skip */
    enum zs_state state;
    bool started; /* a frame (of either kind) has begun */
    bool pending; /* the last call filled the output: the decoder may hold
                     more output, so call it even without new input */
    size_t hint;  /* the decoder's next input size (0: any) */
    struct sc_err failed; /* the data error, once state is ZS_FAILED */
};

static uint32_t
le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* The stream ended inside a frame: C is where the data ended. */
static int
zs_truncated(const struct zs_source *zs, struct sc_err *err)
{
    sc_err_set(
        err, SC_ERR_DATA,
        "%s: uncompressed offset %llu (compressed offset %llu): zstd stream truncated (unexpected end of file)",
        zs->base.name, (unsigned long long)zs->produced,
        (unsigned long long)(reader_offset(zs->in) + reader_buffered(zs->in)));
    return sc_err_cut(err);
}

static int
zs_corrupt(const struct zs_source *zs, const char *what, struct sc_err *err)
{
    return sc_err_set(
        err, SC_ERR_DATA,
        "%s: uncompressed offset %llu (compressed offset %llu): corrupt zstd data (%s)",
        zs->base.name, (unsigned long long)zs->produced,
        (unsigned long long)reader_offset(zs->in), what);
}

/* Do the n (1..4) bytes at p agree with the start of a zstd frame's magic
 * (28 b5 2f fd) or of a skippable frame's (5? 2a 4d 18)? */
static bool
zs_magic_prefix(const uint8_t *p, size_t n)
{
    static const uint8_t zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    static const uint8_t skip_magic[4] = {0x50, 0x2a, 0x4d, 0x18};
    size_t i;
    bool zstd = true, skip = true;

    for (i = 0; i < n && i < 4; i++) {
        if (p[i] != zstd_magic[i])
            zstd = false;
        if ((i == 0 ? p[i] & 0xf0 : p[i]) != skip_magic[i])
            skip = false;
    }
    return zstd || skip;
}

/* At a frame boundary: looks at the next frame's header without consuming
 * it (RFC 8878 section 3.1.1). Returns 1 when a zstd frame starts (state
 * ZS_FRAME) or a skippable one does (state ZS_SKIP, its 8-byte header
 * consumed), 0 at a clean end, -1 on error. */
static int
zs_next_frame(struct zs_source *zs, struct sc_err *err)
{
    const uint8_t *p;
    ZSTD_frameHeader fh;
    size_t avail, zrc;
    int rc = reader_fill(zs->in, ZSTD_FRAMEHEADERSIZE_MAX, &p, err);

    if (rc < 0)
        return -1;
    /* At the end of the stream fewer bytes may be left: look at those. */
    avail = rc == 1 ? ZSTD_FRAMEHEADERSIZE_MAX : reader_buffered(zs->in);
    p = reader_ptr(zs->in);
    if (avail == 0) {
        /* zstd -d calls an empty input truncated too. */
        if (!zs->started)
            return zs_truncated(zs, err);
        return 0;
    }
    if (!zs_magic_prefix(p, avail)) {
        if (!zs->started)
            return zs_corrupt(
                zs, ZSTD_getErrorString(ZSTD_error_prefix_unknown), err);
        return sc_err_set(
            err, SC_ERR_DATA,
            "%s: compressed offset %llu: data after the last zstd frame is not a zstd frame",
            zs->base.name, (unsigned long long)reader_offset(zs->in));
    }
    if (avail < 4)
        return zs_truncated(zs, err); /* a magic cut short */
    zs->started = true;

    if ((le32(p) & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START) {
        /* Section 3.1.2: magic, Frame_Size (4 bytes LE), user data. */
        if (avail < 8)
            return zs_truncated(zs, err);
        zs->skip_left = le32(p + 4);
        reader_consume(zs->in, 8);
        zs->state = ZS_SKIP;
        return 1;
    }

    zrc = ZSTD_getFrameHeader(&fh, p, avail);
    if (ZSTD_isError(zrc))
        return zs_corrupt(zs, ZSTD_getErrorName(zrc), err);
    if (zrc > 0)
        return zs_truncated(zs, err); /* the header needs more bytes */
    if (fh.windowSize > zs->window_max)
        return sc_err_set(
            err, SC_ERR_DATA,
            "%s: compressed offset %llu: zstd frame needs a %llu MiB window, more than the %llu MiB limit (raise it with --max-window MIB)",
            zs->base.name, (unsigned long long)reader_offset(zs->in),
            (unsigned long long)((fh.windowSize + MIB - 1) / MIB),
            (unsigned long long)(zs->window_max / MIB));
    zrc = ZSTD_DCtx_reset(zs->dctx, ZSTD_reset_session_only);
    if (ZSTD_isError(zrc))
        return zs_corrupt(zs, ZSTD_getErrorName(zrc), err);
    zs->pending = false;
    zs->state = ZS_FRAME;
    zs->hint = 5; /* the frame header's fixed prefix; the decoder asks more */
    return 1;
}

static ssize_t
zs_decompress(struct zs_source *zs, uint8_t *buf, size_t n, struct sc_err *err)
{
    for (;;) {
        const uint8_t *p;
        ZSTD_inBuffer ib;
        ZSTD_outBuffer ob;
        size_t avail, zrc;
        int rc;

        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                              zs->base.name);
        switch (zs->state) {
        case ZS_DONE:
            return 0;
        case ZS_FAILED: /* zstd_read() answers before we get here */
            *err = zs->failed;
            return -1;
        case ZS_NEXT:
            rc = zs_next_frame(zs, err);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                zs->state = ZS_DONE;
                return 0;
            }
            continue;
        case ZS_SKIP:
            rc = reader_skip_left(zs->in, &zs->skip_left, err);
            if (rc < 0)
                return -1;
            if (rc == 0)
                return zs_truncated(zs, err);
            zs->state = ZS_NEXT;
            continue;
        case ZS_FRAME:
            break;
        }

        avail = reader_buffered(zs->in);
        if (avail == 0 && !zs->pending) {
            rc = reader_fill(zs->in, 1, &p, err);
            if (rc < 0)
                return -1;
            if (rc == 0)
                return zs_truncated(zs, err);
            avail = reader_buffered(zs->in);
        }
        /* At most what the decoder asks for (about a block): the output of
         * good blocks is returned before a bad block's error, and the
         * error's offsets are those of the bad block. */
        ib.src = reader_ptr(zs->in);
        ib.size = zs->hint > 0 && zs->hint < avail ? zs->hint : avail;
        ib.pos = 0;
        ob.dst = buf;
        ob.size = n;
        ob.pos = 0;
        zrc = ZSTD_decompressStream(zs->dctx, &ob, &ib);
        reader_consume(zs->in, ib.pos);
        if (ZSTD_isError(zrc))
            return zs_corrupt(zs, ZSTD_getErrorName(zrc), err);
        zs->pending = ob.pos == ob.size;
        zs->hint = zrc;
        if (zrc == 0) {
            /* Frame complete: checksum verified, output flushed. */
            zs->state = ZS_NEXT;
            zs->pending = false;
        } else if (ib.pos == 0 && ob.pos == 0 && avail > 0) {
            /* The library always progresses with input and room for
             * output; make sure this cannot spin if it does not. */
            return zs_corrupt(zs, "decoder made no progress", err);
        }
        /* Headers, empty blocks and frames produce nothing: go on. */
        if (ob.pos > 0) {
            zs->produced += ob.pos;
            return (ssize_t)ob.pos;
        }
    }
}

/* A data error is final: the same error again on every later call, so a
 * caller that retries can never see a late clean end. I/O errors and
 * interruptions are not made sticky (the inner reader decides). */
static ssize_t
zstd_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct zs_source *zs = (struct zs_source *)s;
    struct sc_err e;
    ssize_t got;

    if (zs->state == ZS_FAILED) {
        if (err != NULL)
            *err = zs->failed;
        return -1;
    }
    e.kind = SC_ERR_NONE;
    got = zs_decompress(zs, buf, n, &e);
    if (got < 0) {
        if (e.kind == SC_ERR_DATA) {
            zs->failed = e;
            zs->state = ZS_FAILED;
        }
        if (err != NULL)
            *err = e;
    }
    return got;
}

static void
zstd_close(struct source *s)
{
    struct zs_source *zs = (struct zs_source *)s;

    ZSTD_freeDCtx(zs->dctx);
    reader_free(zs->in);
    free(zs);
}

/* ceil(log2(v)) for v >= 1. */
static int
log2_up(uint64_t v)
{
    int l = 0;

    while (l < 63 && ((uint64_t)1 << l) < v)
        l++;
    return l;
}

struct source *
zstd_source(struct reader *compressed, const char *name, uint64_t window_max,
            struct sc_err *err)
{
    struct zs_source *zs = calloc(1, sizeof(*zs));
    int wlog;
    size_t zrc;

    if (zs == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
        reader_free(compressed);
        return NULL;
    }
    if (window_max < MIB)
        window_max = MIB;
    if (window_max > ZSTD_WINDOW_MAX_LIMIT)
        window_max = ZSTD_WINDOW_MAX_LIMIT;
    zs->dctx = ZSTD_createDCtx();
    if (zs->dctx == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
        free(zs);
        reader_free(compressed);
        return NULL;
    }
    /* Defence in depth: the decoder refuses larger windows by itself. */
    wlog = log2_up(window_max);
    if (wlog > ZSTD_WINDOWLOG_MAX)
        wlog = ZSTD_WINDOWLOG_MAX;
    zrc = ZSTD_DCtx_setParameter(zs->dctx, ZSTD_d_windowLogMax, wlog);
    if (ZSTD_isError(zrc)) {
        sc_err_set(err, SC_ERR_IO, "%s: cannot start zstd decompression (%s)",
                   name, ZSTD_getErrorName(zrc));
        ZSTD_freeDCtx(zs->dctx);
        free(zs);
        reader_free(compressed);
        return NULL;
    }
    zs->base.read = zstd_read;
    zs->base.close = zstd_close;
    zs->base.name = name;
    zs->base.size = -1;
    zs->base.inflating = true;
    zs->in = compressed;
    zs->window_max = window_max;
    zs->state = ZS_NEXT;
    return &zs->base;
}

const char *
zstd_library_version(void)
{
    return ZSTD_versionString();
}

#else /* !SECRETCAP_HAVE_ZSTD */

struct source *
zstd_source(struct reader *compressed, const char *name, uint64_t window_max,
            struct sc_err *err)
{
    (void)window_max;
    reader_free(compressed);
    sc_err_set(
        err, SC_ERR_DATA,
        "%s: zstd-compressed input, but this secretcap was built without libzstd; decompress it first (zstd -dc %s | secretcap ... -)",
        name, name);
    return NULL;
}

const char *
zstd_library_version(void)
{
    return NULL;
}

#endif
