/*
 * lz4_sink.c - lz4-compressed output (see lz4_sink.h for the contract).
 *
 * liblz4's frame API (LZ4F_compressBegin / Update / End) with the lz4 CLI
 * 1.9.4 defaults (lz4io.c: blockSizeID 7 = 4 MiB, blockIndependence 1,
 * streamChecksum 1, blockChecksum 0, no content size, autoFlush off).
 * The caller's span is fed to LZ4F_compressUpdate in LS_CHUNK = 4 MiB
 * pieces: with independent blocks, liblz4 compresses each whole block
 * straight from the caller's memory and copies only a block's unfinished
 * tail into its own 4 MiB block buffer. LZ4F_compressUpdate needs a
 * destination of LZ4F_compressBound(piece), the worst case for the piece
 * plus a buffered tail: about 4 MiB for a 4 MiB piece (one block can
 * complete per piece; the partial tail is not compressed until the next
 * call or the end). Each call's output goes to the raw writer as one span
 * (a compressed block, usually half a MiB or more).
 *
 * Not done here: linked blocks, block checksums, the content size field,
 * dictionaries, LZ4F_flush (the frame ends only at lz4_sink_finish).
 */
#include "lz4_sink.h"

#include <stdlib.h>
#include <string.h>

#ifdef SECRETCAP_HAVE_LZ4
#include <lz4frame.h>
#endif

#ifdef SECRETCAP_HAVE_LZ4

#define LS_CHUNK ((size_t)4 << 20)

struct lz4_sink {
    struct writer *raw;
    LZ4F_cctx *cctx;
    uint8_t *dst;         /* cap bytes of compressed output */
    size_t cap;           /* LZ4F_HEADER_SIZE_MAX + the bound of one call */
    size_t pending;       /* bytes at dst[0] not yet sent (the frame header) */
    struct sc_err sticky; /* the first error: every later call fails */
};

/* Keeps the first error (rc < 0) so that every later call fails with it:
 * after a failed write part of the input is lost, and after a library
 * error the context cannot go on. */
static int
keep(struct lz4_sink *ls, int rc, struct sc_err *err)
{
    if (rc < 0 && err != NULL && ls->sticky.kind == SC_ERR_NONE)
        ls->sticky = *err;
    return rc;
}

/* Fails with the kept error, if any. */
static int
failed(const struct lz4_sink *ls, struct sc_err *err)
{
    if (ls->sticky.kind == SC_ERR_NONE)
        return 0;
    if (err != NULL)
        *err = ls->sticky;
    return -1;
}

static int
lz4_fail(struct lz4_sink *ls, size_t rc, struct sc_err *err)
{
    return sc_err_set(err, SC_ERR_IO, "%s: lz4 compression failed (%s)",
                      ls->raw->name, LZ4F_getErrorName(rc));
}

/* Sends dst[0..pending + n) to the raw writer: the header still pending
 * and the n bytes the last call put after it. */
static int
emit(struct lz4_sink *ls, size_t n, struct sc_err *err)
{
    size_t len = ls->pending + n;

    ls->pending = 0;
    return len == 0 ? 0 : writer_write(ls->raw, ls->dst, len, err);
}

struct lz4_sink *
lz4_sink_new(struct writer *raw, int level, struct sc_err *err)
{
    LZ4F_preferences_t prefs;
    struct lz4_sink *ls;
    size_t bound, end_bound, rc;

    if (level < LZ4_LEVEL_MIN || level > LZ4_LEVEL_MAX) {
        sc_err_set(err, SC_ERR_USAGE, "compression level %d is not in %d-%d",
                   level, LZ4_LEVEL_MIN, LZ4_LEVEL_MAX);
        return NULL;
    }
    memset(&prefs, 0, sizeof(prefs));
    prefs.frameInfo.blockSizeID = LZ4F_max4MB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
    prefs.compressionLevel = level;
    bound = LZ4F_compressBound(LS_CHUNK, &prefs);
    end_bound = LZ4F_compressBound(0, &prefs);
    if (end_bound > bound)
        bound = end_bound;

    ls = calloc(1, sizeof(*ls));
    if (ls == NULL)
        goto nomem;
    ls->raw = raw;
    ls->cap = LZ4F_HEADER_SIZE_MAX + bound;
    ls->dst = malloc(ls->cap);
    if (ls->dst == NULL ||
        LZ4F_isError(LZ4F_createCompressionContext(&ls->cctx, LZ4F_VERSION)))
        goto nomem;
    /* The header goes into dst[] and leaves with the first block (or the
     * end mark), so that nothing reaches raw before the first write. */
    rc = LZ4F_compressBegin(ls->cctx, ls->dst, ls->cap, &prefs);
    if (LZ4F_isError(rc)) {
        lz4_fail(ls, rc, err);
        lz4_sink_free(ls);
        return NULL;
    }
    ls->pending = rc;
    return ls;
nomem:
    sc_err_set(err, SC_ERR_IO,
               "%s: cannot start lz4 compression: out of memory", raw->name);
    lz4_sink_free(ls);
    return NULL;
}

int
lz4_sink_write(void *sink, const uint8_t *p, size_t n, struct sc_err *err)
{
    struct lz4_sink *ls = sink;

    if (failed(ls, err) < 0)
        return -1;
    while (n > 0) {
        size_t k = n < LS_CHUNK ? n : LS_CHUNK;
        size_t rc = LZ4F_compressUpdate(ls->cctx, ls->dst + ls->pending,
                                        ls->cap - ls->pending, p, k, NULL);

        if (LZ4F_isError(rc))
            return keep(ls, lz4_fail(ls, rc, err), err);
        if (emit(ls, rc, err) < 0)
            return keep(ls, -1, err);
        p += k;
        n -= k;
    }
    return 0;
}

int
lz4_sink_finish(struct lz4_sink *ls, struct sc_err *err)
{
    size_t rc;

    if (failed(ls, err) < 0)
        return -1;
    rc = LZ4F_compressEnd(ls->cctx, ls->dst + ls->pending,
                          ls->cap - ls->pending, NULL);
    if (LZ4F_isError(rc))
        return keep(ls, lz4_fail(ls, rc, err), err);
    if (emit(ls, rc, err) < 0)
        return keep(ls, -1, err);
    return keep(ls, writer_flush(ls->raw, err), err);
}

void
lz4_sink_free(struct lz4_sink *ls)
{
    if (ls == NULL)
        return;
    LZ4F_freeCompressionContext(ls->cctx);
    free(ls->dst);
    free(ls);
}

#else /* !SECRETCAP_HAVE_LZ4 */

struct lz4_sink {
    struct writer *raw;
};

struct lz4_sink *
lz4_sink_new(struct writer *raw, int level, struct sc_err *err)
{
    (void)raw;
    (void)level;
    sc_err_set(err, SC_ERR_USAGE,
               "lz4 output needs liblz4: this secretcap was built without it");
    return NULL;
}

int
lz4_sink_write(void *sink, const uint8_t *p, size_t n, struct sc_err *err)
{
    struct lz4_sink *ls = sink;

    (void)p;
    (void)n;
    return sc_err_set(err, SC_ERR_USAGE, "%s: lz4 output needs liblz4",
                      ls != NULL && ls->raw != NULL ? ls->raw->name : "output");
}

int
lz4_sink_finish(struct lz4_sink *ls, struct sc_err *err)
{
    return lz4_sink_write(ls, NULL, 0, err);
}

void
lz4_sink_free(struct lz4_sink *ls)
{
    (void)ls;
}

#endif
