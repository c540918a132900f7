/*
 * source.h - byte sources: where the bytes of a capture come from.
 *
 * A source is a pull interface ("give me up to n bytes"). Implementations:
 * a file descriptor (regular file, pipe, stdin), a memory buffer (unit tests
 * and fuzzing; it can be told to hand out at most `chunk` bytes per call to
 * exercise every short-read path), and a gzip stream that inflates another
 * reader (see gzip_source.h). Sources do no buffering of their own beyond
 * what inflate needs; struct reader (reader.h) buffers on top.
 *
 * Reads retry EINTR unless sc_interrupted is set, in which case they fail
 * with SC_ERR_INTR.
 */
#ifndef SC_SOURCE_H
#define SC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct source {
    /* Reads 1..n bytes into buf. Returns the count (> 0), 0 at the end of
     * the stream, or -1 with err filled. n is never 0. */
    ssize_t (*read)(struct source *s, uint8_t *buf, size_t n,
                    struct sc_err *err);
    /* Releases the source and everything it owns. */
    void (*close)(struct source *s);
    /* Optional (NULL): 0 when the bytes are still those that were read,
     * else -1 with an SC_ERR_DATA message saying what changed. */
    int (*verify)(struct source *s, struct sc_err *err);
    const char *name; /* display name for messages; owned by the creator */
    int64_t size;     /* total bytes if known (regular file), else -1 */
    bool inflating;   /* true for a decompressing source: offsets in
                         messages are "uncompressed" */
    /* A plain regular file that may be mapped instead of read: map_fd,
     * with stream offset 0 at file offset map_start (reader_map). */
    bool mappable;
    int map_fd;
    uint64_t map_start;
};

/* Wraps fd (not closed unless own_fd). name must outlive the source. A
 * regular file is mappable (not with a tee) and verified: its size and
 * modification time must be those it had when the source was made (a
 * capture still being written, a file replaced under secretcap). */
struct source *source_fd(int fd, bool own_fd, const char *name,
                         struct sc_err *err);

/* Like source_fd; every byte read is also written to tee_fd (not owned),
 * e.g. a temporary file that keeps a pipe's bytes for a second pass. A
 * failed write there is a read error naming the source and TMPDIR. */
struct source *source_fd_tee(int fd, bool own_fd, const char *name, int tee_fd,
                             struct sc_err *err);

/* A source over len bytes at data (not copied; must outlive the source)
 * that returns at most `chunk` bytes per read (chunk 0 = no limit). */
struct source *source_mem(const void *data, size_t len, size_t chunk,
                          const char *name, struct sc_err *err);

static inline ssize_t
source_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    return s->read(s, buf, n, err);
}

static inline int
source_verify(struct source *s, struct sc_err *err)
{
    return s->verify != NULL ? s->verify(s, err) : 0;
}

static inline void
source_close(struct source *s)
{
    if (s != NULL)
        s->close(s);
}

#endif
