/*
 * compress.c - the compression formats' table and the compressor over the
 * three sinks (see compress.h for the contract).
 */
#include "compress.h"

#include <stdlib.h>
#include <string.h>

#include "gzip_sink.h"
#include "lz4_sink.h"
#include "zstd_sink.h"

#ifdef SECRETCAP_HAVE_ZSTD
#define HAVE_ZSTD true
#else
#define HAVE_ZSTD false
#endif
#ifdef SECRETCAP_HAVE_LZ4
#define HAVE_LZ4 true
#else
#define HAVE_LZ4 false
#endif

static const struct compression_info table[COMPRESSION_COUNT] = {
    [COMPRESSION_NONE] = {"none", "", 0, 0, 0, false, true},
    [COMPRESSION_GZIP] = {"gzip", ".gz", GZIP_LEVEL_MIN, GZIP_LEVEL_MAX,
                          GZIP_LEVEL_DEFAULT, false, true},
    [COMPRESSION_ZSTD] = {"zstd", ".zst", ZSTD_LEVEL_MIN, ZSTD_LEVEL_MAX,
                          ZSTD_LEVEL_DEFAULT, true, HAVE_ZSTD},
    [COMPRESSION_LZ4] = {"lz4", ".lz4", LZ4_LEVEL_MIN, LZ4_LEVEL_MAX,
                         LZ4_LEVEL_DEFAULT, false, HAVE_LZ4},
};

const struct compression_info *
compression_info(enum compression c)
{
    return (unsigned)c < COMPRESSION_COUNT ? &table[c] : &table[0];
}

bool
compression_by_name(const char *name, enum compression *c)
{
    for (unsigned i = 0; i < COMPRESSION_COUNT; i++)
        if (strcmp(name, table[i].name) == 0) {
            *c = (enum compression)i;
            return true;
        }
    return false;
}

enum compression
compression_for_path(const char *path)
{
    size_t n = strlen(path);

    for (unsigned i = 1; i < COMPRESSION_COUNT; i++) {
        size_t m = strlen(table[i].suffix);

        if (n > m && strcmp(path + n - m, table[i].suffix) == 0)
            return (enum compression)i;
    }
    return COMPRESSION_NONE;
}

const char *
compression_names(void)
{
    return "gzip zstd lz4 none";
}

struct compressor {
    enum compression kind;
    void *sink; /* struct gzip_sink, zstd_sink or lz4_sink */
};

struct compressor *
compressor_new(enum compression c, struct writer *raw, int level, int threads,
               struct sc_err *err)
{
    const struct compression_info *ci = compression_info(c);
    struct compressor *comp;

    if (c == COMPRESSION_NONE || (unsigned)c >= COMPRESSION_COUNT) {
        sc_err_set(err, SC_ERR_USAGE, "no compression format given");
        return NULL;
    }
    if (level == 0)
        level = ci->level_default;
    comp = calloc(1, sizeof(*comp));
    if (comp == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", raw->name);
        return NULL;
    }
    comp->kind = c;
    switch (c) {
    case COMPRESSION_GZIP:
        comp->sink = gzip_sink_new(raw, level, true, err);
        break;
    case COMPRESSION_ZSTD:
        comp->sink = zstd_sink_new(raw, level, threads, err);
        break;
    case COMPRESSION_LZ4:
        comp->sink = lz4_sink_new(raw, level, err);
        break;
    case COMPRESSION_NONE:
        break;
    }
    if (comp->sink == NULL) {
        free(comp);
        return NULL;
    }
    return comp;
}

int
compressor_write(void *c, const uint8_t *p, size_t n, struct sc_err *err)
{
    struct compressor *comp = c;

    switch (comp->kind) {
    case COMPRESSION_GZIP:
        return gzip_sink_write(comp->sink, p, n, err);
    case COMPRESSION_ZSTD:
        return zstd_sink_write(comp->sink, p, n, err);
    case COMPRESSION_LZ4:
        return lz4_sink_write(comp->sink, p, n, err);
    case COMPRESSION_NONE:
        break;
    }
    return sc_err_set(err, SC_ERR_IO, "no compressor");
}

int
compressor_finish(struct compressor *comp, struct sc_err *err)
{
    switch (comp->kind) {
    case COMPRESSION_GZIP:
        return gzip_sink_finish(comp->sink, err);
    case COMPRESSION_ZSTD:
        return zstd_sink_finish(comp->sink, err);
    case COMPRESSION_LZ4:
        return lz4_sink_finish(comp->sink, err);
    case COMPRESSION_NONE:
        break;
    }
    return sc_err_set(err, SC_ERR_IO, "no compressor");
}

void
compressor_free(struct compressor *comp)
{
    if (comp == NULL)
        return;
    switch (comp->kind) {
    case COMPRESSION_GZIP:
        gzip_sink_free(comp->sink);
        break;
    case COMPRESSION_ZSTD:
        zstd_sink_free(comp->sink);
        break;
    case COMPRESSION_LZ4:
        lz4_sink_free(comp->sink);
        break;
    case COMPRESSION_NONE:
        break;
    }
    free(comp);
}
