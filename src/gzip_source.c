/*
 * gzip_source.c - a source that inflates a gzip stream read from a reader
 * (see gzip_source.h for the contract).
 *
 * inflate() reads straight from the inner reader's buffer and writes
 * straight into the caller's buffer, so no byte is copied twice. Every
 * member is checked to its trailer (CRC-32 and ISIZE, RFC 1952 section 2.3):
 * the classic trap is a truncated .gz that looks like a clean end of file,
 * so this source returns 0 (end) only after a member ended cleanly and
 * nothing but zero padding follows it. Errors name the offset in the
 * *compressed* stream, which is where the damage is. It does not handle raw
 * deflate or zlib-wrapped data (windowBits 15 + 16: gzip only).
 *
 * Fast path (SECRETCAP_HAVE_ISAL): each member's header is still parsed by
 * zlib (inflate with Z_BLOCK stops right after it, so header errors read
 * the same in both builds), then the deflate data and the trailer go to
 * ISA-L's isal_inflate (ISAL_GZIP_NO_HDR_VER: raw deflate, CRC-32 and
 * ISIZE verified), which is 2-3 times faster than zlib's inflate. ISA-L
 * stops exactly after the trailer, so multi-member streams and the
 * trailing-bytes rules are handled by the same code as with zlib. Its data
 * errors are coarser than zlib's ("invalid deflate block" rather than
 * "invalid block type") and the offset is that of the first byte it had not
 * yet decoded. The output is byte for byte the same (tests/unit/
 * test_gzip_sink.c).
 *
 * Threading: none; see gzip_source.h.
 */
#include "gzip_source.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifdef SECRETCAP_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

enum gz_state {
    GZ_MEMBER,  /* inside a member: feed inflate */
    GZ_DATA,    /* ISA-L only: header parsed, deflate data to isal_inflate */
    GZ_BETWEEN, /* a member just ended: look at what follows */
    GZ_DONE,    /* clean end: the last member ended, only zeros followed */
    GZ_FAILED,  /* a data error was reported: repeat it, never "end" */
};

struct gz_source {
    struct source base;
    struct reader *in; /* the compressed bytes */
    z_stream zs;
    enum gz_state state;
    bool fast; /* ISA-L for the deflate data (SECRETCAP_HAVE_ISAL) */
#ifdef SECRETCAP_HAVE_ISAL
    struct inflate_state is;
    uint8_t last8[8]; /* the last 8 compressed bytes isal_inflate took */
#endif
    struct sc_err failed; /* the data error, once state is GZ_FAILED */
    uint64_t zeros;       /* trailing zero bytes seen so far */
    uint64_t *zeros_out;  /* where to report them at the end, or NULL */
};

static unsigned long long
gz_offset(const struct gz_source *gz)
{
    return (unsigned long long)reader_offset(gz->in);
}

/* After a member: 1f 8b starts the next member; zero bytes up to the end
 * are tape padding (gzip(1) accepts them too, with a warning: their count
 * goes to zeros_out for the caller's warning); anything else is an error
 * rather than silently ignored data. Returns 1 when another member starts,
 * 0 at a clean end, -1 on error. */
static int
gz_next_member(struct gz_source *gz, struct sc_err *err)
{
    const uint8_t *p;
    int rc = reader_fill(gz->in, 1, &p, err);
    int zrc;

    if (rc <= 0)
        return rc;
    if (p[0] == 0x1f) {
        rc = reader_fill(gz->in, 2, &p, err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            /* A lone 1f at the end: most likely the first byte of a
             * member that was cut off, so call it what it looks like. */
            sc_err_set(err, SC_ERR_DATA,
                       "%s: compressed offset %llu: gzip stream truncated "
                       "(unexpected end of file)",
                       gz->base.name, gz_offset(gz) + 1);
            return sc_err_cut(err);
        }
        if (p[1] == 0x8b) {
            zrc = inflateReset(&gz->zs);
            if (zrc != Z_OK)
                return sc_err_set(err, SC_ERR_DATA,
                                  "%s: compressed offset %llu: corrupt gzip "
                                  "data (inflateReset failed: %d)",
                                  gz->base.name, gz_offset(gz), zrc);
            return 1;
        }
    } else {
        /* Zero padding, possibly spread over many buffer refills. */
        for (;;) {
            size_t avail = reader_buffered(gz->in);
            size_t i;

            p = reader_ptr(gz->in);
            for (i = 0; i < avail && p[i] == 0; i++)
                ;
            reader_consume(gz->in, i);
            gz->zeros += i;
            if (i < avail)
                break;
            if (sc_interrupted)
                return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                                  gz->base.name);
            rc = reader_fill(gz->in, 1, &p, err);
            if (rc == 0 && gz->zeros_out != NULL)
                *gz->zeros_out = gz->zeros; /* before the end is seen */
            if (rc <= 0)
                return rc;
        }
    }
    return sc_err_set(err, SC_ERR_DATA,
                      "%s: compressed offset %llu: trailing garbage after "
                      "gzip member",
                      gz->base.name, gz_offset(gz));
}

#ifdef SECRETCAP_HAVE_ISAL
static const char *
isal_msg(int rc)
{
    switch (rc) {
    case ISAL_INVALID_BLOCK:
        return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
        return "invalid code";
    case ISAL_INVALID_LOOKBACK:
        return "invalid distance too far back";
    default:
        return "invalid deflate data";
    }
}

/* One isal_inflate() step over the avail bytes at p into out. Sets *used
 * and *produced; returns 0 or -1 with err set. At the end of the member
 * (trailer verified) the state becomes GZ_BETWEEN. */
static int
isal_step(struct gz_source *gz, const uint8_t *p, size_t avail, uint8_t *out,
          size_t n, size_t *used, size_t *produced, struct sc_err *err)
{
    struct inflate_state *st = &gz->is;
    uint32_t in_max = avail > UINT32_MAX ? UINT32_MAX : (uint32_t)avail;
    uint32_t out_max = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    int rc;

    st->next_in = (uint8_t *)(uintptr_t)p; /* isal_inflate never writes it */
    st->avail_in = in_max;
    st->next_out = out;
    st->avail_out = out_max;
    rc = isal_inflate(st);
    *used = in_max - st->avail_in;
    *produced = out_max - st->avail_out;
    reader_consume(gz->in, *used);
    /* Remember the last 8 bytes taken: the trailer, when ISA-L stops on a
     * checksum mismatch (it may have taken them over several calls). */
    if (*used >= 8) {
        memcpy(gz->last8, p + *used - 8, 8);
    } else if (*used > 0) {
        memmove(gz->last8, gz->last8 + *used, 8 - *used);
        memcpy(gz->last8 + 8 - *used, p, *used);
    }
    if (rc == ISAL_INCORRECT_CHECKSUM) {
        /* Say which half of the trailer is wrong, at the offset zlib would
         * name. */
        const uint8_t *t = gz->last8;
        uint32_t crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
                       (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;

        if (crc == st->crc)
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: corrupt gzip data "
                              "(incorrect length check)",
                              gz->base.name, gz_offset(gz));
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: compressed offset %llu: corrupt gzip data "
                          "(incorrect data check)",
                          gz->base.name, gz_offset(gz) - 4);
    }
    if (rc < 0) {
        /* Bits read ahead but not decoded are not the damage. */
        uint64_t off = reader_offset(gz->in);
        uint64_t ahead =
            st->read_in_length > 0 ? (uint64_t)st->read_in_length / 8 : 0;

        return sc_err_set(err, SC_ERR_DATA,
                          "%s: compressed offset %llu: corrupt gzip data "
                          "(%s)",
                          gz->base.name,
                          (unsigned long long)(off > ahead ? off - ahead : 0),
                          isal_msg(rc));
    }
    if (st->block_state == ISAL_BLOCK_FINISH)
        gz->state = GZ_BETWEEN;
    else if (*used == 0 && *produced == 0)
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: compressed offset %llu: corrupt gzip data "
                          "(inflate made no progress)",
                          gz->base.name, gz_offset(gz));
    return 0;
}
#endif

static ssize_t
gz_inflate(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct gz_source *gz = (struct gz_source *)s;
    /* avail_out is a uInt; a shorter read is always allowed. */
    uInt out_max = n > UINT_MAX ? UINT_MAX : (uInt)n;

    gz->zs.next_out = buf;
    gz->zs.avail_out = out_max;
    for (;;) {
        const uint8_t *p;
        size_t avail, used, produced;
        int rc, zrc;

        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "%s: interrupted", s->name);
        if (gz->state == GZ_DONE)
            return 0;
        if (gz->state == GZ_BETWEEN) {
            rc = gz_next_member(gz, err);
            if (rc < 0)
                return -1;
            gz->state = rc == 0 ? GZ_DONE : GZ_MEMBER;
            continue;
        }

        rc = reader_fill(gz->in, 1, &p, err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            /* The stream ended inside a member (header, data or trailer):
             * output already returned was good, but the capture is cut. */
            sc_err_set(err, SC_ERR_DATA,
                       "%s: compressed offset %llu: gzip stream truncated "
                       "(unexpected end of file)",
                       s->name, gz_offset(gz));
            return sc_err_cut(err);
        }
        avail = reader_buffered(gz->in);
#ifdef SECRETCAP_HAVE_ISAL
        if (gz->state == GZ_DATA) {
            if (isal_step(gz, p, avail, buf, n, &used, &produced, err) < 0)
                return -1;
            if (produced > 0)
                return (ssize_t)produced;
            continue;
        }
#endif
        gz->zs.next_in = (Bytef *)(uintptr_t)p; /* inflate never writes it */
        gz->zs.avail_in = avail > UINT_MAX ? UINT_MAX : (uInt)avail;
        /* With the fast path, zlib only parses the header: Z_BLOCK makes
         * inflate return right after it, before the first deflate byte. */
        zrc = inflate(&gz->zs, gz->fast ? Z_BLOCK : Z_NO_FLUSH);
        used = (size_t)((const uint8_t *)gz->zs.next_in - p);
        reader_consume(gz->in, used);
        produced = out_max - gz->zs.avail_out;
        gz->zs.next_in = NULL;
        gz->zs.avail_in = 0;

        switch (zrc) {
        case Z_STREAM_END:
            gz->state = GZ_BETWEEN;
            break;
        case Z_OK:
#ifdef SECRETCAP_HAVE_ISAL
            /* data_type bit 7: stopped at the end of the header. */
            if (gz->fast && (gz->zs.data_type & 128) != 0) {
                isal_inflate_reset(&gz->is);
                gz->is.crc_flag = ISAL_GZIP_NO_HDR_VER;
                gz->state = GZ_DATA;
            }
#endif
            break;
        case Z_BUF_ERROR:
            /* Cannot happen with avail_in > 0 and avail_out > 0; if it
             * does, make sure it cannot loop forever. */
            if (used == 0 && produced == 0)
                return sc_err_set(err, SC_ERR_DATA,
                                  "%s: compressed offset %llu: corrupt gzip "
                                  "data (inflate made no progress)",
                                  s->name, gz_offset(gz));
            break;
        default:
            /* Z_DATA_ERROR (bad header, bad deflate data, CRC or ISIZE
             * mismatch), Z_STREAM_ERROR, Z_MEM_ERROR, Z_NEED_DICT. */
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: corrupt gzip data "
                              "(%s)",
                              s->name, gz_offset(gz),
                              gz->zs.msg != NULL ? gz->zs.msg : zError(zrc));
        }
        /* Hand back what we have; headers and empty stored blocks produce
         * nothing, and then we keep going rather than return 0. */
        if (produced > 0)
            return (ssize_t)produced;
    }
}

/* A data error is final: the same error again on every later call, so a
 * caller that retries can never see a late clean end. I/O errors and
 * interruptions are not made sticky (the inner reader decides). */
static ssize_t
gz_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct gz_source *gz = (struct gz_source *)s;
    ssize_t got;

    if (gz->state == GZ_FAILED) {
        if (err != NULL)
            *err = gz->failed;
        return -1;
    }
    got = gz_inflate(s, buf, n, err);
    if (got < 0 && err != NULL && err->kind == SC_ERR_DATA) {
        gz->failed = *err;
        gz->state = GZ_FAILED;
    }
    return got;
}

static void
gz_close(struct source *s)
{
    struct gz_source *gz = (struct gz_source *)s;

    inflateEnd(&gz->zs);
    reader_free(gz->in);
    free(gz);
}

struct source *
gzip_source(struct reader *compressed, const char *name, struct sc_err *err)
{
    return gzip_source_ex(compressed, name, true, err);
}

bool
gzip_have_fast_inflate(void)
{
#ifdef SECRETCAP_HAVE_ISAL
    return true;
#else
    return false;
#endif
}

struct source *
gzip_source_ex(struct reader *compressed, const char *name, bool fast,
               struct sc_err *err)
{
    struct gz_source *gz = calloc(1, sizeof(*gz));
    int zrc;

    if (gz == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
        reader_free(compressed);
        return NULL;
    }
    /* zalloc/zfree/opaque are Z_NULL from calloc: zlib's own allocator. */
    zrc = inflateInit2(&gz->zs, 15 + 16);
    if (zrc != Z_OK) {
        sc_err_set(err, SC_ERR_IO, "%s: cannot start gzip decompression (%s)",
                   name, gz->zs.msg != NULL ? gz->zs.msg : zError(zrc));
        free(gz);
        reader_free(compressed);
        return NULL;
    }
    gz->base.read = gz_read;
    gz->base.close = gz_close;
    gz->base.name = name;
    gz->base.size = -1;
    gz->base.inflating = true;
    gz->in = compressed;
    gz->state = GZ_MEMBER;
#ifdef SECRETCAP_HAVE_ISAL
    gz->fast = fast;
    isal_inflate_init(&gz->is);
#else
    (void)fast;
#endif
    return &gz->base;
}

void
gzip_source_report_zeros(struct source *s, uint64_t *zeros)
{
    struct gz_source *gz = (struct gz_source *)s;

    *zeros = 0;
    gz->zeros_out = zeros;
}
