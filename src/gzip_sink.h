/*
 * gzip_sink.h - compressed output: a writer sink that deflates into a gzip
 * member (RFC 1952) written to another writer.
 *
 * Usage: raw = a writer on the output fd; gz = gzip_sink_new(&raw, level);
 * writer_set_sink(&w, gzip_sink_write, gz); write everything through w;
 * writer_flush(&w); gzip_sink_finish(gz) (ends the member and flushes raw);
 * gzip_sink_free(gz). The result is one gzip member that gzip -d, zcat and
 * Wireshark read. Compression is done by ISA-L's streaming isal_deflate
 * when the build has it (SECRETCAP_HAVE_ISAL), else by zlib's deflate.
 *
 * Levels are gzip's 1 (fastest) to 9 (smallest). zlib uses them as they
 * are; ISA-L has four levels (0-3) and gets 1-2 -> 1, 3-6 -> 2, 7-9 -> 3
 * (its level 0 is not used: it barely compresses). The output is not the
 * same bytes with the two libraries, but always decompresses to the same
 * capture.
 *
 * Errors: 0 / -1 with err set; writes to raw keep raw's sticky error
 * (SC_ERR_PIPE for a closed pipe). The sink owns its buffers, not raw.
 */
#ifndef SC_GZIP_SINK_H
#define SC_GZIP_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "output.h"

#define GZIP_LEVEL_MIN 1
#define GZIP_LEVEL_MAX 9
#define GZIP_LEVEL_DEFAULT 6

struct gzip_sink;

/* Starts a gzip member written to raw (not owned; must outlive the sink).
 * fast = false forces zlib even when ISA-L is built in. Returns NULL with
 * err set (SC_ERR_USAGE for a level outside 1..9, SC_ERR_IO otherwise). */
struct gzip_sink *gzip_sink_new(struct writer *raw, int level, bool fast,
                                struct sc_err *err);

/* A writer_sink_fn: compresses n bytes. */
int gzip_sink_write(void *sink, const uint8_t *p, size_t n, struct sc_err *err);

/* Ends the member (trailer) and flushes raw. Call once, after the last
 * gzip_sink_write. */
int gzip_sink_finish(struct gzip_sink *gz, struct sc_err *err);

void gzip_sink_free(struct gzip_sink *gz);

/* "isa-l" or "zlib": what gzip_sink_new(..., fast = true) uses. */
const char *gzip_sink_library(void);

#endif
