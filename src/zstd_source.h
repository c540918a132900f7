/*
 * zstd_source.h - a source that decompresses a zstd stream read from a
 * reader (Zstandard, RFC 8878).
 *
 * The stream is a sequence of frames: zstd frames (magic 0xFD2FB528) and
 * skippable frames (magic 0x184D2A50..0x184D2A5F, a 4-byte little-endian
 * size, then that many bytes, RFC 8878 section 3.1.2), concatenated in any
 * order; their content is one stream, as with zstd -d. A stream of only
 * skippable frames is a clean end with 0 bytes. It does not support
 * dictionaries (a frame that names one is a data error from the library)
 * nor the magicless format. It is single-threaded: read-ahead on a second
 * thread is the business of a wrapper (readahead.h), not of this source.
 *
 * Integrity: when a frame carries a content checksum (XXH64), it is
 * verified; a mismatch is an error. A stream that ends inside a frame
 * (header, block or checksum), or that is empty, is an error, never a
 * silent end. After a frame ends the next bytes must start another frame
 * (zstd or skippable magic); anything else, zero padding or 1-3 stray
 * bytes included, is an error (zstd -d refuses them too).
 *
 * Memory is bounded by window_max: before each frame its header is read
 * and a frame whose window is larger is refused, naming the option that
 * raises the limit; the decoder is also told the limit
 * (ZSTD_d_windowLogMax) as a second line of defence.
 *
 * Errors (SC_ERR_DATA, one line; U = bytes this source returned so far, C
 * = offset in the compressed stream):
 * - "NAME: uncompressed offset U (compressed offset C): " followed by
 *   "zstd stream truncated (unexpected end of file)" or
 *   "corrupt zstd data (LIBRARY MESSAGE)";
 * - "NAME: compressed offset C: " followed by
 *   "data after the last zstd frame is not a zstd frame" or
 *   "zstd frame needs a W MiB window, more than the L MiB limit (raise it
 *   with --max-window MIB)".
 * For truncation C is where the data ended; for a corrupt header or a
 * refused window, where the frame starts; for corrupt data, how far the
 * library had read (best effort). A data error is sticky: every later
 * read() returns the same error, never a late clean end. I/O errors and
 * interruptions (SC_ERR_INTR, "NAME: interrupted") from the inner reader
 * are not sticky: a retry goes on where it stopped.
 */
#ifndef SC_ZSTD_SOURCE_H
#define SC_ZSTD_SOURCE_H

#include <stdint.h>

#include "err.h"
#include "reader.h"
#include "source.h"

/* zstd -d's default --memory: the largest window accepted by default. */
#define ZSTD_WINDOW_MAX_DEFAULT ((uint64_t)128 << 20)
/* The largest window --max-window accepts (2^31, zstd's limit on 64-bit
 * hosts). */
#define ZSTD_WINDOW_MAX_LIMIT ((uint64_t)2048 << 20)

/*
 * Creates a source that decompresses the zstd stream in `compressed`.
 * Takes ownership of `compressed`: it is freed by close() and on every
 * failure here. name (for messages) is not copied and must outlive the
 * source. window_max (bytes) is the largest frame window accepted,
 * clamped to [1 MiB, ZSTD_WINDOW_MAX_LIMIT].
 *
 * The source has size -1 and inflating = true; read() returns > 0 bytes,
 * 0 only at a clean end, or -1 with err set (see above).
 *
 * Returns NULL with err set: SC_ERR_IO when out of memory; SC_ERR_DATA
 * when this build has no libzstd ("NAME: zstd-compressed input, but this
 * secretcap was built without libzstd; decompress it first (zstd -dc NAME
 * | secretcap ... -)").
 */
struct source *zstd_source(struct reader *compressed, const char *name,
                           uint64_t window_max, struct sc_err *err);

/* The libzstd version in use ("1.5.4", ZSTD_versionString()), or NULL
 * when built without libzstd. Static storage. */
const char *zstd_library_version(void);

#endif
