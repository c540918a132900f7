/*
 * gzip_source.h - a source that inflates a gzip stream read from a reader.
 *
 * Handles multi-member streams (members concatenated, as gzip(1) and
 * editcap accept). Integrity is checked: a bad header, corrupt deflate data,
 * a CRC or ISIZE mismatch, or a stream that ends inside a member is an error
 * (SC_ERR_DATA) that names the compressed offset; never a silent end.
 * Trailing zero bytes after the last member are accepted (tape padding);
 * other trailing bytes that do not start a gzip member are an error.
 *
 * The inner reader's buffer is fed to inflate directly (no copy).
 */
#ifndef SC_GZIP_SOURCE_H
#define SC_GZIP_SOURCE_H

#include "reader.h"
#include "source.h"

/* Takes ownership of `compressed` (freed on close and on failure). */
struct source *gzip_source(struct reader *compressed, const char *name,
                           struct sc_err *err);

#endif
