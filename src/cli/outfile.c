/*
 * outfile.c - a capture output as the command line asks for it: an
 * atomically published file or stdout (output.h), written uncompressed or
 * through a compressor (compress.h) chosen by --compress or by the output
 * name, with --level and --threads. inject and strip share it, and their
 * option parsing for it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum compression
cli_output_compression(const struct out_opts *oo, const char *output)
{
    if (oo->compress_given)
        return oo->compress;
    return output == NULL || strcmp(output, "-") == 0
               ? COMPRESSION_NONE
               : compression_for_path(output);
}

int
cli_parse_out_opt(int opt, const char *arg, struct out_opts *oo)
{
    uint64_t n;

    switch (opt) {
    case CLI_OPT_COMPRESS:
        if (!compression_by_name(arg, &oo->compress))
            return cli_usage_error("--compress: '%s' is not one of: %s", arg,
                                   compression_names());
        oo->compress_given = true;
        return 0;
    case CLI_OPT_LEVEL:
        if (!cli_parse_uint(arg, 1, 99, &n))
            return cli_usage_error("--level: '%s' is not a compression level "
                                   "(gzip 1-9, zstd 1-19, lz4 1-12)",
                                   arg);
        oo->level = (int)n;
        return 0;
    case 'T':
        if (!cli_parse_uint(arg, 0, 256, &n))
            return cli_usage_error("--threads: '%s' is not a number from 0 "
                                   "to 256",
                                   arg);
        oo->threads = (int)n;
        return 0;
    case CLI_OPT_SYNC:
        oo->sync = true;
        return 0;
    default:
        return cli_usage_error("unknown output option");
    }
}

int
cli_check_out_opts(const struct out_opts *oo, enum compression oc)
{
    const struct compression_info *ci = compression_info(oc);

    if (!ci->built_in)
        return cli_usage_error("%s output needs lib%s: this secretcap was "
                               "built without it",
                               ci->name, ci->name);
    if (oo->level != 0 && oc == COMPRESSION_NONE)
        return cli_usage_error("--level needs compressed output (--compress "
                               "gzip|zstd|lz4 or an output name ending in "
                               ".gz, .zst or .lz4)");
    if (oo->level != 0 &&
        (oo->level < ci->level_min || oo->level > ci->level_max))
        return cli_usage_error("--level: %d is not a %s level (%d to %d)",
                               oo->level, ci->name, ci->level_min,
                               ci->level_max);
    if (oo->threads >= 0 && !ci->threads)
        return cli_usage_error("--threads needs zstd output (--compress zstd "
                               "or an output name ending in .zst)");
    return 0;
}

/* The zstd workers for -T: 0 or not given, one per CPU up to
 * CLI_ZSTD_THREADS_MAX (each worker holds about 5 MiB at level 3: measured
 * 25 MiB of RSS with 2, 63 MiB with 16). */
static int
zstd_threads(const struct out_opts *oo)
{
    int n = cli_cpus();

    if (oo->threads > 0)
        return oo->threads;
    return n < CLI_ZSTD_THREADS_MAX ? n : CLI_ZSTD_THREADS_MAX;
}

int
cli_output_open(struct cli_output *o, const char *path,
                const struct out_opts *oo, struct sc_err *err)
{
    enum compression oc = cli_output_compression(oo, path);

    memset(o, 0, sizeof(*o));
    o->file.fd = -1;
    if (out_open(&o->file, path, oo->sync, err) < 0 ||
        writer_init(&o->w, o->file.fd, o->file.name, WRITER_BUF, err) < 0)
        return -1;
    if (oc == COMPRESSION_NONE)
        return 0;
    /* w (uncompressed) -> compressor -> raw (compressed) -> fd. */
    if (writer_init(&o->raw, o->file.fd, o->file.name, WRITER_BUF, err) < 0 ||
        (o->comp = compressor_new(oc, &o->raw, oo->level, zstd_threads(oo),
                                  err)) == NULL)
        return -1;
    writer_set_sink(&o->w, compressor_write, o->comp);
    return 0;
}

int
cli_output_commit(struct cli_output *o, struct sc_err *err)
{
    if (writer_flush(&o->w, err) < 0)
        return -1;
    if (o->comp != NULL && compressor_finish(o->comp, err) < 0)
        return -1;
    return out_commit(&o->file, err);
}

void
cli_output_close(struct cli_output *o)
{
    /* The writer first: it waits for a copy still running on its copier
     * thread, which writes to the fd that out_abort closes. */
    writer_free(&o->w);
    compressor_free(o->comp);
    writer_free(&o->raw);
    out_abort(&o->file);
    memset(o, 0, sizeof(*o));
    o->file.fd = -1;
}
