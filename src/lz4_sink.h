/*
 * lz4_sink.h - compressed output: a writer sink that compresses into one
 * LZ4 frame (the LZ4 Frame Format, lz4_Frame_format.md 1.6.x) written to
 * another writer.
 *
 * Usage: raw = a writer on the output fd; ls = lz4_sink_new(&raw, level);
 * writer_set_sink(&w, lz4_sink_write, ls); write everything through w;
 * writer_flush(&w); lz4_sink_finish(ls) (ends the frame and flushes raw);
 * lz4_sink_free(ls). The result is one frame that lz4 -d, lz4cat and
 * Wireshark read, with the frame options of the lz4 CLI 1.9.4 defaults:
 * 4 MiB blocks, independent blocks, content checksum (XXH32) on, no block
 * checksums, no content size, no dictionary.
 *
 * Levels are the lz4 CLI's: 1 and 2 are the fast compressor (what lz4 -1
 * and lz4 -2 do: LZ4_compress_fast, acceleration 1), 3 to 12 the HC
 * compressor at that level (lz4 -9 is HC level 9, lz4 -12 the optimal
 * parser).
 *
 * Memory: about 8 MiB (a 4 MiB block of buffered input, a 4 MiB output
 * buffer, the compressor's state), whatever the input size.
 *
 * Errors: 0 / -1 with err set; writes to raw keep raw's sticky error
 * (SC_ERR_PIPE for a closed pipe). The first error sticks: every later
 * write or finish fails with it. liblz4's errors are SC_ERR_IO
 * "NAME: lz4 compression failed (MESSAGE)". The sink owns its buffers and
 * the compression context, not raw.
 *
 * Built without liblz4 (no SECRETCAP_HAVE_LZ4), lz4_sink_new always fails
 * with SC_ERR_USAGE and the other functions are never reached.
 */
#ifndef SC_LZ4_SINK_H
#define SC_LZ4_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "output.h"

#define LZ4_LEVEL_MIN 1
#define LZ4_LEVEL_MAX 12
#define LZ4_LEVEL_DEFAULT 1

struct lz4_sink;

/* Starts an lz4 frame written to raw (not owned; must outlive the sink).
 * Returns NULL with err set: SC_ERR_USAGE for a level outside 1..12 or a
 * build without liblz4, SC_ERR_IO when out of memory. Nothing is written
 * to raw before the first lz4_sink_write or lz4_sink_finish. */
struct lz4_sink *lz4_sink_new(struct writer *raw, int level,
                              struct sc_err *err);

/* A writer_sink_fn: compresses n bytes (sink is a struct lz4_sink *).
 * Whole blocks are compressed straight from p; a last partial block is
 * copied into the sink until the next call fills it. */
int lz4_sink_write(void *sink, const uint8_t *p, size_t n, struct sc_err *err);

/* Compresses the last (partial) block, ends the frame (end mark and
 * checksum) and flushes raw. Call once, after the last lz4_sink_write. */
int lz4_sink_finish(struct lz4_sink *ls, struct sc_err *err);

/* Frees the sink; NULL is a no-op. */
void lz4_sink_free(struct lz4_sink *ls);

#endif
