/*
 * reader.h - a buffered reader over a source, with zero-copy views.
 *
 * The reader owns one growable buffer. reader_fill() makes at least n bytes
 * available at the current position and returns a pointer into the buffer;
 * parsers validate blocks in place through that pointer and call
 * reader_consume() when done. A pointer stays valid until the next
 * reader_fill() that has to read (it may move or refill the buffer); a fill
 * that is already satisfied by buffered bytes never moves anything.
 *
 * Reads are done in large chunks (READER_CHUNK) directly into the buffer.
 * The buffer grows (doubling) only when one fill asks for more than it holds,
 * and never beyond the `max` given at creation: asking for more is an error,
 * so memory is bounded by max whatever the input.
 *
 * Retained bytes (zero-copy pass-through): with a retain callback set,
 * consumed bytes are not discarded at once. Before the reader would drop them
 * to make room, and whenever the owner calls reader_retain_flush(), it hands
 * the bytes consumed since the last hand-over to the callback as one span,
 * straight from the buffer. reader_retain_drop() forgets the consumed bytes
 * instead (a block that is replaced or removed). Spans are handed over in
 * stream order and each byte at most once.
 *
 * Mapped files: reader_map() switches a reader over a plain regular file to
 * windows of the file mapped read-only (filemap.h) instead of a buffer
 * filled by read(2): the same views and contract, no copy. Each span then
 * also names the file and its offset there, so that a consumer can copy it
 * in the kernel (copy_file_range, splice); one that says so
 * (reader_retain_unbounded) gets spans that may be far larger than a
 * window and no longer in memory (p NULL), handed over only when the owner
 * flushes. reader_verify() tells whether the file changed while it was read
 * (it shrank under a window, or its size or time differ from the start).
 */
#ifndef SC_READER_H
#define SC_READER_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "source.h"

/* Initial buffer size. */
#define READER_CHUNK ((size_t)1 << 20)

/* Size of a mapped window (more when one fill asks for more). */
#define READER_MAP_WINDOW ((size_t)8 << 20)

/* Consumed bytes handed to the retain callback. */
struct reader_span {
    const uint8_t *p; /* the n bytes; NULL when not in memory (only for a
                         reader_retain_unbounded reader) */
    uint64_t n;
    uint64_t off;  /* stream offset of the first byte */
    int fd;        /* the plain file they are in (a mapped reader), or -1 */
    uint64_t foff; /* their offset in that file */
};

typedef int (*reader_retain_fn)(void *ctx, const struct reader_span *s,
                                struct sc_err *err);

struct filemap;

/*
 * The fields are private to reader.c (see the layout there). They are in
 * the header only so that the per-block calls below (a fill that is already
 * satisfied, consume, offset) inline into the parsers' loops: on 64-byte
 * packets those calls were a sixth of the CPU time.
 */
struct reader {
    struct source *src;
    uint8_t *buf; /* the buffer, or the mapped window (never written) */
    size_t cap, max;
    size_t pos, end;
    uint64_t base; /* stream offset of buf[0] */
    uint64_t kept; /* stream offset of the first retained byte */
    bool eof;
    reader_retain_fn retain;
    void *retain_ctx;
    bool retain_any;     /* the callback takes spans not in memory */
    struct filemap *map; /* mapped mode: the window; NULL: buffer mode */
    int map_fd;
    uint64_t map_start; /* file offset of stream offset 0 */
    uint64_t map_size;  /* stream bytes in the file */
};

/* Creates a reader over src and takes ownership of it (closed by
 * reader_free, also on failure here). max >= READER_CHUNK bounds the
 * buffer. Returns NULL with err set on allocation failure. */
struct reader *reader_new(struct source *src, size_t max, struct sc_err *err);
void reader_free(struct reader *r);

/* Makes n bytes available at the current position.
 * Returns 1 and sets *p when they are; 0 when the stream ends first (then
 * reader_buffered() tells how many bytes were left: 0 means a clean end);
 * -1 with err set on a read error or when n exceeds the buffer cap. */
static inline int reader_fill(struct reader *r, size_t n, const uint8_t **p,
                              struct sc_err *err);
/* reader_fill when the bytes are not all buffered yet. */
int reader_fill_slow(struct reader *r, size_t n, const uint8_t **p,
                     struct sc_err *err);

/* Bytes available at the current position without reading. */
static inline size_t
reader_buffered(const struct reader *r)
{
    return r->end - r->pos;
}

/* Consumed bytes not yet handed to the retain callback. */
static inline uint64_t
reader_retained(const struct reader *r)
{
    return r->base + r->pos - r->kept;
}

/* Pointer to the current position (valid for reader_buffered() bytes). */
static inline const uint8_t *
reader_ptr(const struct reader *r)
{
    return r->buf + r->pos;
}

static inline int
reader_fill(struct reader *r, size_t n, const uint8_t **p, struct sc_err *err)
{
    if (r->end - r->pos >= n) {
        *p = r->buf + r->pos;
        return 1;
    }
    return reader_fill_slow(r, n, p, err);
}

/* Advances past n bytes; n <= reader_buffered(). */
static inline void
reader_consume(struct reader *r, size_t n)
{
    assert(n <= r->end - r->pos);
    r->pos += n;
    if (r->retain == NULL)
        r->kept = r->base + r->pos;
}

/* Reads and discards n bytes (which may exceed the buffer). Returns 1, 0 if
 * the stream ended first, -1 on error. Retained bytes are flushed first and
 * the skipped bytes are not retained. */
int reader_skip(struct reader *r, uint64_t n, struct sc_err *err);

/* reader_skip of *left bytes that can be resumed: *left counts down as
 * bytes are skipped, so after an error (I/O, SC_ERR_INTR when sc_interrupted
 * is set) a second call goes on where the first stopped. */
int reader_skip_left(struct reader *r, uint64_t *left, struct sc_err *err);

/* Offset of the current position from the start of the stream. */
static inline uint64_t
reader_offset(const struct reader *r)
{
    return r->base + r->pos;
}

/* The underlying source (for its name, size, inflating flag). */
static inline const struct source *
reader_source(const struct reader *r)
{
    return r->src;
}

/* Switches r, before anything was read, to windows mapped from fd (a
 * regular file whose stream offset 0 is at file offset start, size bytes
 * from there). Returns 0, or -1 when the file cannot be mapped: then r is
 * unchanged and reads as before. */
int reader_map(struct reader *r, int fd, uint64_t start, uint64_t size,
               struct sc_err *err);
/* True when r reads a mapped file. */
static inline bool
reader_mapped(const struct reader *r)
{
    return r->map != NULL;
}
/* 0 when the input is unchanged since it was opened, else -1 with err
 * (SC_ERR_DATA) saying what changed: a mapped page found past the end of
 * the file, or the source's own check (source.h verify). */
int reader_verify(struct reader *r, struct sc_err *err);

void reader_set_retain(struct reader *r, reader_retain_fn fn, void *ctx);
/* The callback takes spans that are not (all) in memory (p NULL): a
 * mapped reader then keeps retaining across windows. */
void reader_retain_unbounded(struct reader *r, bool on);
int reader_retain_flush(struct reader *r, struct sc_err *err);
/* Hands over only the retained bytes before stream offset `upto` (which must
 * lie within the retained span); the rest stay retained. Used to insert a
 * block before, or remove, the block just read. */
int reader_retain_flush_to(struct reader *r, uint64_t upto, struct sc_err *err);
void reader_retain_drop(struct reader *r);

#endif
