/*
 * gzip_source.h - a source that inflates a gzip stream read from a reader.
 *
 * Handles multi-member streams (members concatenated, as gzip(1) and
 * editcap accept). Integrity is checked: a bad header, corrupt deflate data,
 * a CRC or ISIZE mismatch, or a stream that ends inside a member is an error
 * (SC_ERR_DATA) that names the compressed offset; never a silent end.
 * Trailing zero bytes after the last member are accepted (tape padding)
 * and counted for a warning (gzip(1): "decompression OK, trailing zero
 * bytes ignored"); other trailing bytes that do not start a gzip member
 * are an error.
 *
 * The inner reader's buffer is fed to inflate directly (no copy). When the
 * build has ISA-L (SECRETCAP_HAVE_ISAL), the deflate data is inflated by
 * isal_inflate, else by zlib; the output is the same either way, and so are
 * the messages for header, CRC, ISIZE, truncation and trailing-byte errors
 * (corrupt deflate data is worded by the library that found it).
 *
 * Threading: none here; input.c runs the source ahead of the caller on a
 * worker thread by wrapping it in a readahead source (readahead.h). The
 * source is not thread-safe, and need not be: after the wrapper's worker
 * starts, only it calls read().
 */
#ifndef SC_GZIP_SOURCE_H
#define SC_GZIP_SOURCE_H

#include "reader.h"
#include "source.h"

#include <stdbool.h>
#include <stdint.h>

/* Takes ownership of `compressed` (freed on close and on failure). Uses
 * the fastest inflate the build has. */
struct source *gzip_source(struct reader *compressed, const char *name,
                           struct sc_err *err);

/* Same, choosing the library: fast = false forces zlib (the plain path the
 * fast one is tested against). */
struct source *gzip_source_ex(struct reader *compressed, const char *name,
                              bool fast, struct sc_err *err);

/* Has gzip source s (from gzip_source) store the number of zero bytes
 * after its last member in *zeros (0 until then) before it returns the
 * end of the stream, so that a reader that has seen the end may read it
 * (also from another thread: the end is handed over after it). */
void gzip_source_report_zeros(struct source *s, uint64_t *zeros);

/* True when the build has a faster inflate than zlib (ISA-L). */
bool gzip_have_fast_inflate(void);

#endif
