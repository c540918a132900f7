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
 */
#ifndef SC_READER_H
#define SC_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "source.h"

/* Initial buffer size. */
#define READER_CHUNK ((size_t)1 << 20)

struct reader;

typedef int (*reader_retain_fn)(void *ctx, const uint8_t *p, size_t n,
                                struct sc_err *err);

/* Creates a reader over src and takes ownership of it (closed by
 * reader_free, also on failure here). max >= READER_CHUNK bounds the
 * buffer. Returns NULL with err set on allocation failure. */
struct reader *reader_new(struct source *src, size_t max, struct sc_err *err);
void reader_free(struct reader *r);

/* Makes n bytes available at the current position.
 * Returns 1 and sets *p when they are; 0 when the stream ends first (then
 * reader_buffered() tells how many bytes were left: 0 means a clean end);
 * -1 with err set on a read error or when n exceeds the buffer cap. */
int reader_fill(struct reader *r, size_t n, const uint8_t **p,
                struct sc_err *err);

/* Bytes available at the current position without reading. */
size_t reader_buffered(const struct reader *r);

/* Pointer to the current position (valid for reader_buffered() bytes). */
const uint8_t *reader_ptr(const struct reader *r);

/* Advances past n bytes; n <= reader_buffered(). */
void reader_consume(struct reader *r, size_t n);

/* Reads and discards n bytes (which may exceed the buffer). Returns 1, 0 if
 * the stream ended first, -1 on error. Retained bytes are flushed first and
 * the skipped bytes are not retained. */
int reader_skip(struct reader *r, uint64_t n, struct sc_err *err);

/* Offset of the current position from the start of the stream. */
uint64_t reader_offset(const struct reader *r);

/* The underlying source (for its name, size, inflating flag). */
const struct source *reader_source(const struct reader *r);

void reader_set_retain(struct reader *r, reader_retain_fn fn, void *ctx);
int reader_retain_flush(struct reader *r, struct sc_err *err);
/* Hands over only the retained bytes before stream offset `upto` (which must
 * lie within the retained span); the rest stay retained. Used to insert a
 * block before, or remove, the block just read. */
int reader_retain_flush_to(struct reader *r, uint64_t upto, struct sc_err *err);
void reader_retain_drop(struct reader *r);

#endif
