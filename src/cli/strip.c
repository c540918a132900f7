/*
 * strip.c - `secretcap strip`: the capture without its Decryption Secrets
 * Blocks (all, or those of one secrets type). It is the inject pipeline
 * with nothing to inject and discard_existing set, so every other block is
 * passed through byte for byte; the only rewrite is the pipeline's SHB
 * patch (section length -1, version 1.2 written as 1.0).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "input.h"
#include "output.h"
#include "pipeline.h"
#include "secrets.h"

static const char strip_help[] =
    "Usage: secretcap strip [OPTIONS] -o OUTPUT INPUT\n"
    "\n"
    "Writes INPUT (pcapng, optionally compressed with gzip, zstd or lz4;\n"
    "'-' = stdin) to OUTPUT without its Decryption Secrets Blocks, so that\n"
    "the capture can be shared without its keys. Every other block is\n"
    "copied byte for byte; a section header with an explicit section length\n"
    "gets -1 (unknown) and version 1.2 is written as 1.0, as inject does.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  output file; '-' = stdout (not a terminal)\n"
    "  -t, --type TYPE    remove only the blocks of this secrets type (tls,\n"
    "                     ssh, wg, opcua, esp, zigbee-nwk, zigbee-aps or a\n"
    "                     number 0xNNNNNNNN); default: all\n"
    "      --compress gzip|zstd|lz4|none\n"
    "                     compress OUTPUT (default: by its name: .gz, .zst,\n"
    "                     .lz4; else none)\n"
    "      --level N      compression level (gzip 1-9, default 6; zstd\n"
    "                     1-19, default 3; lz4 1-12, default 1)\n"
    "  -T, --threads N    zstd worker threads (default 0: one per CPU, at\n"
    "                     most 8)\n"
    "      --sync         fsync a new OUTPUT before its rename (one that\n"
    "                     replaces a file always is)\n"
    "      --max-window MIB  largest zstd window accepted (default 128)\n"
    "  -q, --quiet        no warnings\n"
    "  -h, --help         show this help\n"
    "\n"
    "A file OUTPUT is written atomically; OUTPUT may not be INPUT. A pcap\n"
    "INPUT is an error: it cannot hold secrets. An INPUT without secrets\n"
    "blocks gives a copy and a warning.\n"
    "\n"
    "Exit status: 0 success, 1 data or I/O error, 2 usage error.\n";

int
cmd_strip(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"type", required_argument, NULL, 't'},
        {"compress", required_argument, NULL, CLI_OPT_COMPRESS},
        {"level", required_argument, NULL, CLI_OPT_LEVEL},
        {"sync", no_argument, NULL, CLI_OPT_SYNC},
        {"threads", required_argument, NULL, 'T'},
        {"quiet", no_argument, NULL, 'q'},
        {"max-window", required_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sc_diag diag;
    struct input in = {0};
    struct cli_output out = {0};
    struct out_opts oo = {.threads = -1};
    struct inject_opts opts = {0};
    struct input_opts io = {0};
    struct inject_stats st;
    struct sc_err err;
    struct stat sb;
    const char *output = NULL, *tname = NULL;
    uint32_t type = 0;
    bool known, quiet = false;
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:t:T:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 't':
            if (secrets_type_parse(optarg, &type, &known) < 0)
                return cli_usage_error(
                    "'%s' isn't a valid secrets type (known: %s, or a number "
                    "such as 0x544c534b)",
                    optarg, secrets_type_list());
            tname = optarg;
            break;
        case CLI_OPT_COMPRESS:
        case CLI_OPT_LEVEL:
        case CLI_OPT_SYNC:
        case 'T':
            if ((rc = cli_parse_out_opt(c, optarg, &oo)) != 0)
                return rc;
            break;
        case 'q':
            quiet = true;
            break;
        case 'W':
            if ((rc = cli_parse_max_window(optarg, &io)) != 0)
                return rc;
            break;
        case 'h':
            fputs(strip_help, stdout);
            return 0;
        default:
            return cli_option_error(c, argv);
        }
    }
    if (output == NULL)
        return cli_usage_error("no output given (-o FILE, or -o - for stdout)");
    if (argc - optind != 1)
        return cli_usage_error(argc - optind == 0
                                   ? "no input capture given"
                                   : "exactly one input capture expected");
    if ((rc = cli_check_out_opts(&oo, cli_output_compression(&oo, output))) !=
        0)
        return rc;
    if (tname != NULL && type == 0)
        return cli_usage_error("secrets type 0 is not a type (omit --type to "
                               "remove every secrets block)");
    diag.warn = cli_print_warning;
    diag.ctx = &quiet;
    out.file.fd = -1;
    sc_err_clear(&err);
    if (input_open(&in, argv[optind], &io, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    if (in.format == FMT_PCAP) {
        fprintf(stderr,
                "%s: %s: is a pcap file; it holds no secrets blocks (nothing "
                "to strip)\n",
                cli_progname, in.name);
        rc = EXIT_DATA;
        goto done;
    }
    if (strcmp(output, "-") != 0 && fstat(in.fd, &sb) == 0 &&
        S_ISREG(sb.st_mode) && cli_same_file(output, &sb)) {
        rc = cli_usage_error("%s: output is the same file as the input %s; "
                             "refusing to overwrite it",
                             output, in.name);
        goto done;
    }
    if (cli_output_open(&out, output, &oo, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    opts.discard_existing = true;
    opts.discard_type = type;
    opts.diag = &diag;
    if (inject_run(&in, &out.w, &opts, &st, &err) < 0 ||
        cli_output_commit(&out, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    if (st.dsbs_dropped == 0)
        sc_warn(&diag, "%s: no secrets blocks%s%s to strip; output is a copy",
                in.name, tname != NULL ? " of type " : "",
                tname != NULL ? tname : "");
    rc = 0;
done:
    cli_output_close(&out);
    input_close(&in);
    return rc;
}
