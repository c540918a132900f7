/*
 * input.c - opening a capture for reading (see input.h for the contract).
 *
 * The format is decided by magic numbers at offset 0 and nothing else
 * (reliability notes, section 0 rule 3: no guessing, no fallback to another
 * format). gzip, zstd and lz4 are undone transparently by stacking their
 * source, a readahead source and a second reader; bzip2 and xz are
 * recognised only to say what to do.
 * The sniff asks for 8 bytes and accepts fewer at the end of the stream,
 * so /dev/zero, a FIFO or a terminal-like stream fails after one read
 * instead of being read forever. Nothing is ever opened for writing.
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gzip_source.h"
#include "lz4_source.h"
#include "zstd_source.h"

#define SNIFF_BYTES 8 /* longest magic (xz) is 6 */

struct magic {
    enum cap_format format;
    size_t len;
    uint8_t bytes[6];
};

/* On-disk byte sequences. pcap magics are written in the writer's byte
 * order, so each appears both ways round. */
static const struct magic magics[] = {
    {FMT_PCAP, 4, {0xa1, 0xb2, 0xc3, 0xd4}}, /* microseconds */
    {FMT_PCAP, 4, {0xd4, 0xc3, 0xb2, 0xa1}},
    {FMT_PCAP, 4, {0xa1, 0xb2, 0x3c, 0x4d}}, /* nanoseconds */
    {FMT_PCAP, 4, {0x4d, 0x3c, 0xb2, 0xa1}},
    {FMT_PCAP, 4, {0xa1, 0xb2, 0xcd, 0x34}}, /* Kuznetzov */
    {FMT_PCAP, 4, {0x34, 0xcd, 0xb2, 0xa1}},
    {FMT_PCAPNG, 4, {0x0a, 0x0d, 0x0d, 0x0a}}, /* SHB type, a palindrome */
    {FMT_GZIP, 2, {0x1f, 0x8b}},
    {FMT_ZSTD, 4, {0x28, 0xb5, 0x2f, 0xfd}},
    {FMT_BZIP2, 3, {'B', 'Z', 'h'}},
    {FMT_XZ, 6, {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}},
    {FMT_LZ4, 4, {0x04, 0x22, 0x4d, 0x18}},
    {FMT_LZ4, 4, {0x02, 0x21, 0x4c, 0x18}}, /* legacy: refused by its source */
};

static bool
is_skippable(const uint8_t *p)
{
    return (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
           p[3] == 0x18;
}

enum cap_format
format_sniff(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (n >= magics[i].len &&
            memcmp(p, magics[i].bytes, magics[i].len) == 0)
            return magics[i].format;
    /* A skippable frame, 0x184D2A50..0x184D2A5F little-endian (RFC 8878
     * section 3.1.2; the lz4 frame format has the same). */
    if (n >= 4 && is_skippable(p))
        return FMT_ZSTD;
    return FMT_UNKNOWN;
}

const char *
format_name(enum cap_format f)
{
    switch (f) {
    case FMT_PCAP:
        return "pcap";
    case FMT_PCAPNG:
        return "pcapng";
    case FMT_GZIP:
        return "gzip";
    case FMT_ZSTD:
        return "zstd";
    case FMT_BZIP2:
        return "bzip2";
    case FMT_XZ:
        return "xz";
    case FMT_LZ4:
        return "lz4";
    case FMT_UNKNOWN:
        break;
    }
    return "unknown";
}

/* Peeks at the first bytes without consuming them. A short stream is not
 * an error here: what is there is judged by its magic. */
static int
sniff(struct reader *rd, enum cap_format *fmt, size_t *have, struct sc_err *err)
{
    const uint8_t *p;
    int rc = reader_fill(rd, SNIFF_BYTES, &p, err);

    if (rc < 0)
        return -1;
    *have = reader_buffered(rd);
    *fmt = format_sniff(reader_ptr(rd), *have);
    return 0;
}

/* The decompressing source for a compressed format, over rd (owned by it
 * from here, also on failure), run ahead on a worker thread. */
static struct source *
decompressor(enum compression c, struct reader *rd, const char *name,
             const struct input_opts *opts, uint64_t *zeros, struct sc_err *err)
{
    struct source *s = NULL;

    switch (c) {
    case COMPRESSION_GZIP:
        if ((s = gzip_source(rd, name, err)) != NULL)
            gzip_source_report_zeros(s, zeros);
        break;
    case COMPRESSION_ZSTD:
        s = zstd_source(rd, name,
                        opts->zstd_window_max != 0 ? opts->zstd_window_max
                                                   : ZSTD_WINDOW_MAX_DEFAULT,
                        err);
        break;
    case COMPRESSION_LZ4:
        s = lz4_source(rd, name, err);
        break;
    case COMPRESSION_NONE:
        reader_free(rd);
        sc_err_set(err, SC_ERR_DATA, "%s: not compressed", name);
        return NULL;
    }
    if (s == NULL)
        return NULL;
    /* The reader stays alive under s, which the wrapper owns. */
    return readahead_source(s, rd, opts->readahead, err);
}

/* The stream starts with a skippable frame, which zstd and lz4 share: look
 * past such frames (each at most SKIP_PEEK_MAX bytes, all in the reader's
 * buffer, nothing consumed) at the magic of the first real frame. lz4
 * when it is lz4's, else zstd (whose source then judges what follows). */
#define SKIP_PEEK_MAX ((uint64_t)1 << 20)

static int
sniff_past_skippable(struct reader *rd, enum cap_format *fmt,
                     struct sc_err *err)
{
    uint64_t at = 0;

    for (int frames = 0; frames < 16; frames++) {
        const uint8_t *p;
        uint64_t size;
        int rc = reader_fill(rd, (size_t)at + 8, &p, err);

        if (rc < 0)
            return -1;
        if (rc == 0 || !is_skippable(p + at))
            break;
        size = (uint64_t)p[at + 4] | (uint64_t)p[at + 5] << 8 |
               (uint64_t)p[at + 6] << 16 | (uint64_t)p[at + 7] << 24;
        if (size > SKIP_PEEK_MAX)
            break;
        at += 8 + size;
        rc = reader_fill(rd, (size_t)at + 4, &p, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            break;
        if (format_sniff(p + at, 4) == FMT_LZ4) {
            *fmt = FMT_LZ4;
            break;
        }
    }
    return 0;
}

static enum compression
compression_of(enum cap_format f)
{
    switch (f) {
    case FMT_GZIP:
        return COMPRESSION_GZIP;
    case FMT_ZSTD:
        return COMPRESSION_ZSTD;
    case FMT_LZ4:
        return COMPRESSION_LZ4;
    default:
        return COMPRESSION_NONE;
    }
}

/* Builds the reader stack over src and checks the format. Takes ownership
 * of src: on failure everything is released. */
static int
open_stack(struct input *in, struct source *src, const struct input_opts *opts,
           struct sc_err *err)
{
    static const struct input_opts defaults;
    const char *name = src->name;
    enum compression comp = COMPRESSION_NONE;
    enum cap_format fmt;
    size_t have;
    struct reader *rd;

    in->trailing_zeros = 0;
    if (opts == NULL)
        opts = &defaults;
    /* The same cap serves a plain and a compressed input: the raw reader
     * under a decompressing source is asked for at most a frame header at
     * a time, so its buffer stays at READER_CHUNK whatever the cap. */
    rd = reader_new(src, INPUT_MAX_BUFFER, err);
    if (rd == NULL)
        return -1;
    /* A plain file is read through mapped windows; one that cannot be
     * mapped is read as before. */
    if (src->mappable) {
        struct sc_err ignored;

        (void)reader_map(rd, src->map_fd, src->map_start,
                         (uint64_t)src->size - src->map_start, &ignored);
    }
    in->raw = rd;
    if (sniff(rd, &fmt, &have, err) < 0)
        goto fail;
    if (have == 0) {
        sc_err_set(err, SC_ERR_DATA, "%s: empty file", name);
        goto fail;
    }
    if (fmt == FMT_ZSTD && have >= 4 && is_skippable(reader_ptr(rd)) &&
        sniff_past_skippable(rd, &fmt, err) < 0)
        goto fail;
    comp = compression_of(fmt);
    if (comp != COMPRESSION_NONE) {
        struct source *ds =
            decompressor(comp, rd, name, opts, &in->trailing_zeros, err);

        rd = NULL; /* owned by ds now, also on failure */
        if (ds == NULL)
            goto fail;
        rd = reader_new(ds, INPUT_MAX_BUFFER, err);
        if (rd == NULL)
            goto fail;
        /* A decompression error (truncated, corrupt) surfaces here already
         * when it is in the first bytes. */
        if (sniff(rd, &fmt, &have, err) < 0)
            goto fail;
        if (have == 0) {
            sc_err_set(err, SC_ERR_DATA,
                       "%s: empty file (after %s decompression)", name,
                       compression_info(comp)->name);
            goto fail;
        }
    }

    switch (fmt) {
    case FMT_PCAP:
    case FMT_PCAPNG:
        break;
    case FMT_GZIP:
    case FMT_ZSTD:
    case FMT_LZ4:
        sc_err_set(err, SC_ERR_DATA, "%s: %s data inside %s is not supported",
                   name, format_name(fmt), compression_info(comp)->name);
        goto fail;
    case FMT_BZIP2:
    case FMT_XZ:
        /* bzip2 and xz both take -dc. */
        sc_err_set(err, SC_ERR_DATA,
                   "%s: %s-compressed input is not supported; decompress it "
                   "first (e.g. %s -dc %s | secretcap ... -)",
                   name, format_name(fmt), format_name(fmt), name);
        goto fail;
    case FMT_UNKNOWN:
    default:
        if (comp != COMPRESSION_NONE)
            sc_err_set(err, SC_ERR_DATA,
                       "%s: not a capture file (no pcap or pcapng magic at "
                       "offset 0 after %s decompression)",
                       name, compression_info(comp)->name);
        else
            sc_err_set(err, SC_ERR_DATA,
                       "%s: not a capture file (no pcap or pcapng magic at "
                       "offset 0)",
                       name);
        goto fail;
    }
    in->rd = rd;
    in->format = fmt;
    in->compression = comp;
    in->max_record = opts->max_record;
    in->name = name;
    return 0;

fail:
    reader_free(rd);
    return -1;
}

int
input_open(struct input *in, const char *path, const struct input_opts *opts,
           struct sc_err *err)
{
    return input_open_tee(in, path, -1, opts, err);
}

int
input_open_fd(struct input *in, int fd, const char *name,
              const struct input_opts *opts, struct sc_err *err)
{
    struct source *src = source_fd(fd, false, name, err);

    if (src == NULL)
        return -1;
    if (input_open_source(in, src, opts, err) < 0)
        return -1;
    in->name = name;
    in->fd = fd;
    return 0;
}

int
input_open_tee(struct input *in, const char *path, int tee_fd,
               const struct input_opts *opts, struct sc_err *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "stdin" : path;
    struct source *src;
    struct stat st;
    int fd;

    memset(in, 0, sizeof(*in));
    in->fd = -1;
    if (is_stdin) {
        /* A capture typed at a terminal is never what the user meant. */
        if (isatty(STDIN_FILENO))
            return sc_err_set(err, SC_ERR_USAGE,
                              "stdin: refusing to read a capture from a "
                              "terminal");
        fd = STDIN_FILENO;
    } else {
        /* A named FIFO with no writer would block open(2) forever: open it
         * without waiting, then read normally. With nobody writing, the
         * first read sees the end ("empty file") at once. */
        int nb = stat(path, &st) == 0 && S_ISFIFO(st.st_mode) ? O_NONBLOCK : 0;

        /* Read-only, always (reliability notes 3.2 rule 1). */
        do
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | nb);
        while (fd < 0 && errno == EINTR && !sc_interrupted);
        if (fd < 0)
            return sc_err_set(err, SC_ERR_IO, "%s: cannot open: %s", name,
                              strerror(errno));
        if (nb != 0 &&
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
            int e = errno;

            close(fd);
            return sc_err_set(err, SC_ERR_IO, "%s: cannot open: %s", name,
                              strerror(e));
        }
    }
    if (fstat(fd, &st) < 0) {
        int e = errno;

        if (!is_stdin)
            close(fd);
        return sc_err_set(err, SC_ERR_IO, "%s: cannot stat: %s", name,
                          strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        if (!is_stdin)
            close(fd);
        return sc_err_set(err, SC_ERR_IO, "%s: is a directory", name);
    }
    /* The source owns the fd (closed with it) unless it is stdin. */
    src = source_fd_tee(fd, !is_stdin, name, tee_fd, err);
    if (src == NULL) {
        if (!is_stdin)
            close(fd);
        return -1;
    }
    if (open_stack(in, src, opts, err) < 0) {
        memset(in, 0, sizeof(*in));
        in->fd = -1;
        return -1;
    }
    in->fd = fd;
    return 0;
}

int
input_open_source(struct input *in, struct source *src,
                  const struct input_opts *opts, struct sc_err *err)
{
    memset(in, 0, sizeof(*in));
    in->fd = -1;
    if (open_stack(in, src, opts, err) < 0) {
        memset(in, 0, sizeof(*in));
        in->fd = -1;
        return -1;
    }
    return 0;
}

int
input_verify(struct input *in, struct sc_err *err)
{
    return in->raw != NULL ? reader_verify(in->raw, err) : 0;
}

int
input_finish(struct input *in, int rc, struct sc_err *err)
{
    struct sc_err changed;

    if (input_verify(in, &changed) < 0) {
        *err = changed;
        return -1;
    }
    return rc;
}

void
input_close(struct input *in)
{
    if (in == NULL)
        return;
    /* Frees the reader stack; the fd source closes the fd unless stdin. */
    reader_free(in->rd);
    memset(in, 0, sizeof(*in));
    in->fd = -1;
}
