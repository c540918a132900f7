/*
 * version.c - `secretcap --version` and `secretcap version [--json]`: the
 * version, the git revision, and what this build can read and write with
 * which library (buildinfo.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buildinfo.h"
#include "cli.h"
#include "json.h"

static const char version_help[] =
    "Usage: secretcap version [--json]\n"
    "       secretcap -V\n"
    "\n"
    "Shows the version, the git revision it was built from, and one line\n"
    "per feature with the library and its version (a feature this build\n"
    "lacks says \"not built in\"; such files are then refused with a message\n"
    "that says why).\n"
    "\n"
    "Options:\n"
    "  -j, --json  one JSON object on one line\n"
    "  -h, --help  show this help\n";

static void
print_text(const struct buildinfo *bi)
{
    if (bi->git != NULL)
        printf("secretcap %s (git %s)\n", bi->version, bi->git);
    else
        printf("secretcap %s\n", bi->version);
    printf("gzip: zlib %s", bi->zlib);
    if (bi->isal != NULL)
        printf(", ISA-L %s", bi->isal);
    putchar('\n');
    if (bi->zstd != NULL)
        printf("zstd: libzstd %s\n", bi->zstd);
    else
        printf("zstd: not built in\n");
    if (bi->lz4 != NULL)
        printf("lz4: liblz4 %s\n", bi->lz4);
    else
        printf("lz4: not built in\n");
    printf("crypto: OpenSSL %s (QUIC Initial decryption)\n", bi->crypto);
}

static void
key_str_or_null(struct json *j, const char *k, const char *v)
{
    json_key(j, k);
    if (v != NULL)
        json_str(j, v);
    else
        json_null(j);
}

static int
print_json(const struct buildinfo *bi)
{
    struct json j;

    json_init(&j);
    j.compact = true;
    json_obj_begin(&j);
    key_str_or_null(&j, "version", bi->version);
    key_str_or_null(&j, "git", bi->git);
    json_key(&j, "compression");
    json_arr_begin(&j);
    for (unsigned c = COMPRESSION_GZIP; c < COMPRESSION_COUNT; c++)
        if (compression_info((enum compression)c)->built_in)
            json_str(&j, compression_info((enum compression)c)->name);
    json_arr_end(&j);
    json_key(&j, "libraries");
    json_obj_begin(&j);
    key_str_or_null(&j, "zlib", bi->zlib);
    key_str_or_null(&j, "isa-l", bi->isal);
    key_str_or_null(&j, "libzstd", bi->zstd);
    key_str_or_null(&j, "liblz4", bi->lz4);
    key_str_or_null(&j, "libcrypto", bi->crypto);
    json_obj_end(&j);
    json_obj_end(&j);
    json_end(&j);
    if (json_failed(&j)) {
        json_free(&j);
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        return EXIT_DATA;
    }
    fwrite(j.buf, 1, j.len, stdout);
    json_free(&j);
    return 0;
}

int
cmd_version(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct buildinfo bi;
    bool as_json = false;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j':
            as_json = true;
            break;
        case 'h':
            fputs(version_help, stdout);
            return 0;
        default:
            return cli_option_error(c, argv);
        }
    }
    if (optind != argc)
        return cli_usage_error("version takes no arguments");
    buildinfo_get(&bi);
    if (as_json)
        return cli_flush_stdout(print_json(&bi));
    print_text(&bi);
    return cli_flush_stdout(0);
}
