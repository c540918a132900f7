/*
 * lz4_source.h - a source that decompresses an lz4 stream (the LZ4 frame
 * format, doc/lz4_Frame_format.md in the lz4 sources) read from a reader.
 *
 * The stream is a sequence of frames: lz4 frames (magic 0x184D2204) and
 * skippable frames (magic 0x184D2A50..0x184D2A5F, a 4-byte little-endian
 * size, then that many bytes), concatenated in any order; their content is
 * one stream, as with lz4 -d. A stream of only skippable frames is a clean
 * end with 0 bytes. The legacy format (magic 0x184C2102, written by
 * lz4 -l) is not supported: it gets its own message. Frames that need a
 * dictionary are not supported (a data error from the library). It is
 * single-threaded: read-ahead on a second thread is the business of a
 * wrapper (readahead.h), not of this source.
 *
 * Integrity: the header checksum, the block checksums and the content
 * checksum (when the frame's flags say they are there) and the content
 * size (when present) are verified; a mismatch is an error. A stream that
 * ends inside a frame (header, block or checksum), or that is empty, is an
 * error, never a silent end. After a frame ends the next bytes must start
 * another frame (lz4 or skippable magic); anything else, zero padding or
 * 1-3 stray bytes included, is an error (lz4 -d refuses them too).
 *
 * Memory: blocks of the frame format are at most 4 MiB (block maximum size
 * 7), so the decoder needs at most about 8.2 MiB (a block, its output and
 * the 64 KiB window) whatever the input; there is no option to limit it.
 *
 * Errors (SC_ERR_DATA, one line; U = bytes this source returned so far, C
 * = offset in the compressed stream):
 * - "NAME: uncompressed offset U (compressed offset C): " followed by
 *   "lz4 stream truncated (unexpected end of file)" or
 *   "corrupt lz4 data (LIBRARY MESSAGE)", the message being
 *   LZ4F_getErrorName()'s ("ERROR_contentChecksum_invalid", ...);
 * - "NAME: compressed offset C: data after the last lz4 frame is not a lz4
 *   frame";
 * - "NAME: legacy lz4 format (lz4 -l) is not supported; decompress it
 *   first (lz4 -dc NAME | secretcap ... -)". For truncation C is where the data
 * ended; for corrupt data, how far the library had read (best effort). A data
 * error is sticky: every later read() returns the same error, never a late
 * clean end. I/O errors and interruptions (SC_ERR_INTR, "NAME: interrupted")
 * from the inner reader are not sticky: a retry goes on where it stopped.
 */
#ifndef SC_LZ4_SOURCE_H
#define SC_LZ4_SOURCE_H

#include "err.h"
#include "reader.h"
#include "source.h"

/*
 * Creates a source that decompresses the lz4 stream in `compressed`. Takes
 * ownership of `compressed`: it is freed by close() and on every failure
 * here. name (for messages) is not copied and must outlive the source.
 *
 * The source has size -1 and inflating = true; read() returns > 0 bytes,
 * 0 only at a clean end, or -1 with err set (see above).
 *
 * Returns NULL with err set: SC_ERR_IO when out of memory; SC_ERR_DATA
 * when this build has no liblz4 ("NAME: lz4-compressed input, but this
 * secretcap was built without liblz4; decompress it first (lz4 -dc NAME |
 * secretcap ... -)").
 */
struct source *lz4_source(struct reader *compressed, const char *name,
                          struct sc_err *err);

/* The liblz4 version in use (LZ4_versionString(), "1.9.4"), or NULL when
 * built without liblz4. Static storage. */
const char *lz4_library_version(void);

#endif
