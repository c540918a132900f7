/*
 * zstd_sink.h - compressed output: a writer sink that compresses into one
 * Zstandard frame (RFC 8878) written to another writer.
 *
 * Usage: raw = a writer on the output fd; zs = zstd_sink_new(&raw, level,
 * threads); writer_set_sink(&w, zstd_sink_write, zs); write everything
 * through w; writer_flush(&w); zstd_sink_finish(zs) (ends the frame and
 * flushes raw); zstd_sink_free(zs). The result is one frame that zstd -d,
 * zstdcat and Wireshark read, made as the zstd CLI makes it by default:
 * content checksum on (XXH64, the CLI's --check), no dictionary. The frame
 * header never declares the content size (it is not known when the frame
 * starts; the CLI writes it only for a regular input file), not even for
 * an empty stream.
 *
 * Levels are zstd's 1 (fastest) to 19 (smallest); the --ultra levels
 * 20-22 are refused because their windows (up to 128 MiB) would break the
 * memory bound of the output path.
 *
 * Threads: 0 compresses in the caller's thread; N > 0 hands the work to N
 * worker threads of libzstd (ZSTD_c_nbWorkers), the caller's thread only
 * feeding them and writing what they produced. A libzstd built without
 * multithreading refuses worker threads: the sink then silently compresses
 * in the caller's thread (same frame format, slower). With workers, jobs
 * are at most 2 MiB (ZSTD_c_jobSize) so that memory stays bounded; see
 * zstd_sink.c for the numbers.
 *
 * Errors: 0 / -1 with err set; writes to raw keep raw's sticky error
 * (SC_ERR_PIPE for a closed pipe). The first error sticks: every later
 * write or finish fails with it. libzstd's errors are SC_ERR_IO
 * "NAME: zstd compression failed (MESSAGE)". The sink owns its buffers and
 * the compression context, not raw.
 *
 * Built without libzstd (no SECRETCAP_HAVE_ZSTD), zstd_sink_new always
 * fails with SC_ERR_USAGE and the other functions are never reached.
 */
#ifndef SC_ZSTD_SINK_H
#define SC_ZSTD_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "output.h"

#define ZSTD_LEVEL_MIN 1
#define ZSTD_LEVEL_MAX 19
#define ZSTD_LEVEL_DEFAULT 3

struct zstd_sink;

/* Starts a zstd frame written to raw (not owned; must outlive the sink).
 * threads: 0 = compress in the caller's thread, N > 0 = N libzstd worker
 * threads (clamped to libzstd's maximum, 0 when libzstd has no thread
 * support). Returns NULL with err set: SC_ERR_USAGE for a level outside
 * 1..19, a negative thread count or a build without libzstd; SC_ERR_IO when
 * out of memory. Nothing is written to raw before the first
 * zstd_sink_write or zstd_sink_finish. */
struct zstd_sink *zstd_sink_new(struct writer *raw, int level, int threads,
                                struct sc_err *err);

/* A writer_sink_fn: compresses n bytes (sink is a struct zstd_sink *).
 * Compressed bytes reach raw in spans of up to 1 MiB as they are produced
 * (with worker threads, a job's output only once the job is done). */
int zstd_sink_write(void *sink, const uint8_t *p, size_t n, struct sc_err *err);

/* Ends the frame (last block and checksum) and flushes raw. Call once,
 * after the last zstd_sink_write. With worker threads this waits for the
 * jobs still running. */
int zstd_sink_finish(struct zstd_sink *zs, struct sc_err *err);

/* Frees the sink (and stops its worker threads); NULL is a no-op. The frame
 * is left unfinished if zstd_sink_finish was not called. */
void zstd_sink_free(struct zstd_sink *zs);

#endif
