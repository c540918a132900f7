/*
 * compress.h - the compression formats of captures: gzip, zstd and lz4.
 *
 * One table says what each format is called, the file-name suffix that
 * selects it, its levels, and whether this build has it (zstd and lz4 are
 * optional libraries; gzip is always there, through zlib and, when built
 * in, ISA-L). Reading is input.c's business (it stacks gzip_source,
 * zstd_source or lz4_source by magic number); writing goes through the
 * compressor below, one interface over gzip_sink, zstd_sink and lz4_sink.
 */
#ifndef SC_COMPRESS_H
#define SC_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "output.h"

enum compression {
    COMPRESSION_NONE = 0,
    COMPRESSION_GZIP,
    COMPRESSION_ZSTD,
    COMPRESSION_LZ4,
};
#define COMPRESSION_COUNT 4

struct compression_info {
    const char *name;   /* "none", "gzip", "zstd", "lz4" */
    const char *suffix; /* what names an output so: "", ".gz", ".zst", ".lz4" */
    int level_min, level_max, level_default; /* 0 for none */
    bool threads;  /* the compressor can use worker threads (zstd) */
    bool built_in; /* this build reads and writes it */
};

/* The table entry of c (never NULL for a valid c). */
const struct compression_info *compression_info(enum compression c);

/* By name, as --compress takes it ("gzip", "zstd", "lz4", "none").
 * Returns false for any other name. */
bool compression_by_name(const char *name, enum compression *c);

/* The format an output name asks for by its suffix (".gz", ".zst",
 * ".lz4"); COMPRESSION_NONE for any other name. */
enum compression compression_for_path(const char *path);

/* The names, space separated, of the formats --compress takes ("gzip zstd
 * lz4 none"): for usage messages. */
const char *compression_names(void);

struct compressor;

/*
 * Starts compressing into raw (not owned; must outlive the compressor):
 * c is GZIP, ZSTD or LZ4; level 0 means the format's default, else it
 * must be within its levels; threads is for zstd (0: compress in the
 * caller's thread, N: N libzstd workers) and ignored by the others.
 * Returns NULL with err set: SC_ERR_USAGE for a level out of range or a
 * format this build lacks, SC_ERR_IO otherwise.
 */
struct compressor *compressor_new(enum compression c, struct writer *raw,
                                  int level, int threads, struct sc_err *err);

/* A writer_sink_fn: compresses n bytes. */
int compressor_write(void *comp, const uint8_t *p, size_t n,
                     struct sc_err *err);

/* Ends the stream (the last frame or member) and flushes raw. Call once,
 * after the last compressor_write. */
int compressor_finish(struct compressor *comp, struct sc_err *err);

void compressor_free(struct compressor *comp);

#endif
