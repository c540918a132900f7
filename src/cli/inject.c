/*
 * inject.c - `secretcap inject`, and the inject operation that the
 * editcap-compatible form (editcap.c) shares: load and validate the key
 * logs, open the input, refuse an output that is the input or a key log,
 * run the pipeline into an atomically published output.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "gzip_sink.h"
#include "input.h"
#include "keylog.h"
#include "output.h"
#include "pipeline.h"
#include "secrets.h"

static const char inject_help[] =
    "Usage: secretcap inject [OPTIONS] -k KEYLOG [-k KEYLOG]... -o OUTPUT "
    "INPUT\n"
    "\n"
    "Writes INPUT (pcap or pcapng, optionally gzip-compressed; '-' = stdin)\n"
    "to OUTPUT as pcapng with the key logs embedded as Decryption Secrets\n"
    "Blocks placed before the first packet. Every input block is kept byte\n"
    "for byte (pcapng) or converted exactly (pcap).\n"
    "\n"
    "Options:\n"
    "  -k, --keylog FILE          TLS key log (SSLKEYLOGFILE format); may be\n"
    "                             repeated: merged, duplicate lines once;\n"
    "                             '-' = stdin\n"
    "  -s, --secrets TYPE:FILE    secrets of another type: tls, ssh, wg,\n"
    "                             opcua, esp, zigbee-nwk, zigbee-aps or a\n"
    "                             number (0xNNNNNNNN)\n"
    "  -o, --output FILE          output file; '-' = stdout (not a terminal)\n"
    "      --discard-all-secrets  drop the secrets blocks already in INPUT\n"
    "      --all-sections         add the secrets to every section (default:\n"
    "                             the first; tshark applies them to all)\n"
    "      --strict               an invalid key-log line is an error\n"
    "                             (default: warning, line skipped)\n"
    "      --compress gzip|none   compress OUTPUT with gzip (default: gzip\n"
    "                             when OUTPUT ends in .gz, else none)\n"
    "      --level N              gzip level, 1 (fastest) to 9 (smallest);\n"
    "                             default 6\n"
    "  -q, --quiet                no warnings and no progress line\n"
    "  -h, --help                 show this help\n"
    "\n"
    "A file OUTPUT is written to a temporary file in the same directory and\n"
    "renamed over OUTPUT only when complete; on any error nothing is left\n"
    "behind and an existing OUTPUT is untouched. OUTPUT may not be INPUT or\n"
    "one of the key logs.\n"
    "\n"
    "When stderr is a terminal, a progress line (bytes read, percent when\n"
    "the size is known, throughput) is shown on long runs.\n"
    "\n"
    "Exit status: 0 success, 1 data or I/O error, 2 usage error,\n"
    "128+N stopped by signal N.\n";

/* Adds a secrets file argument "TYPE<sep>FILE" (or a plain TLS file when
 * sep is 0). Returns 0 or an exit code. */
int
cli_add_secret_arg(struct inject_args *cli, const char *arg, char sep)
{
    struct secret_arg *a;
    const char *file = arg;
    char type[64];

    if (cli->n_files == MAX_SECRET_FILES)
        return cli_usage_error("too many secrets files (at most %d)",
                               MAX_SECRET_FILES);
    a = &cli->files[cli->n_files];
    a->type = SECRETS_TLS;
    a->known = true;
    if (sep != 0) {
        const char *cut = strchr(arg, sep);
        size_t n = cut ? (size_t)(cut - arg) : strlen(arg);

        if (cut == NULL || cut[1] == '\0')
            return cli_usage_error("'%s': expected TYPE%cFILE (no secrets file "
                                   "name was given)",
                                   arg, sep);
        if (n >= sizeof(type))
            n = sizeof(type) - 1;
        memcpy(type, arg, n);
        type[n] = '\0';
        if (secrets_type_parse(type, &a->type, &a->known) < 0)
            return cli_usage_error(
                "'%s' isn't a valid secrets type (known: %s, "
                "or a number such as 0x544c534b)",
                type, secrets_type_list());
        file = cut + 1;
    }
    if (file[0] == '\0')
        return cli_usage_error("empty key log file name");
    a->path = file;
    cli->n_files++;
    return 0;
}

/* Refuses an output that is the input or a key log. */
static int
check_output_target(const struct inject_args *cli, const struct input *in)
{
    struct stat st;

    if (strcmp(cli->output, "-") == 0)
        return 0;
    if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode) &&
        cli_same_file(cli->output, &st))
        return cli_usage_error("%s: output is the same file as the input %s; "
                               "refusing to overwrite it",
                               cli->output, in->name);
    for (size_t i = 0; i < cli->n_files; i++) {
        const char *k = cli->files[i].path;

        if (strcmp(k, "-") != 0 && stat(k, &st) == 0 &&
            cli_same_file(cli->output, &st))
            return cli_usage_error("%s: output is the same file as the key log "
                                   "%s; refusing to overwrite it",
                                   cli->output, k);
    }
    if (stat(cli->output, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: %s: is a directory\n", cli_progname, cli->output);
        return EXIT_DATA;
    }
    return 0;
}

/* Loads the secrets files, one struct keylog per type in order of first
 * appearance. Returns 0 or an exit code. */
static int
load_secrets(const struct inject_args *cli, struct keylog *logs, size_t *n_logs,
             const struct sc_diag *diag)
{
    struct keylog_opts kopts = {.strict = cli->strict};
    struct sc_err err;
    size_t stdin_uses = 0;

    *n_logs = 0;
    for (size_t i = 0; i < cli->n_files; i++) {
        const struct secret_arg *a = &cli->files[i];
        size_t j;

        if (strcmp(a->path, "-") == 0 && ++stdin_uses > 1)
            return cli_usage_error("stdin can be read only once (several key "
                                   "logs or the capture are '-')");
        if (!a->known)
            sc_warn(diag,
                    "%s: secrets type 0x%08x is not one secretcap knows; "
                    "embedding it unvalidated",
                    a->path, a->type);
        for (j = 0; j < *n_logs; j++)
            if (logs[j].type == a->type)
                break;
        if (j == *n_logs) {
            keylog_init(&logs[j], a->type);
            (*n_logs)++;
        }
        sc_err_clear(&err);
        if (keylog_add_file(&logs[j], a->path, &kopts, diag, &err) < 0)
            return cli_report(&err);
    }
    if (stdin_uses > 0 && strcmp(cli->input, "-") == 0)
        return cli_usage_error("stdin can be read only once (the capture and a "
                               "key log are both '-')");
    return 0;
}

/* How the output is written: compression and its level. */
enum compress_mode { COMPRESS_AUTO = 0, COMPRESS_NONE, COMPRESS_GZIP };

struct out_opts {
    enum compress_mode compress; /* AUTO: gzip when the name ends in .gz */
    int level;                   /* 0: not given */
};

/* ---- progress line ------------------------------------------------------ */

/* Rate-limited progress on stderr (only when it is a terminal): the first
 * line after PROGRESS_DELAY, then at most every PROGRESS_EVERY seconds. */
#define PROGRESS_DELAY 0.5
#define PROGRESS_EVERY 0.25

struct progress {
    int64_t total; /* input size, -1 if unknown (pipe, gzip) */
    double start, last;
    uint64_t last_bytes; /* what the last line showed */
    bool shown;
};

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress_print(struct progress *pg, uint64_t bytes, double t)
{
    double mib = (double)bytes / (1 << 20), dt = t - pg->start;
    char pct[16] = "";

    if (pg->total > 0)
        snprintf(pct, sizeof(pct), " (%3.0f%%)",
                 100.0 * (double)bytes / (double)pg->total);
    fprintf(stderr, "\r%s: %.1f MiB read%s, %.0f MiB/s   ", cli_progname, mib,
            pct, dt > 0 ? mib / dt : 0.0);
    fflush(stderr);
    pg->shown = true;
    pg->last = t;
    pg->last_bytes = bytes;
}

static void
progress_cb(void *ctx, uint64_t bytes)
{
    struct progress *pg = ctx;
    double t = now_seconds();

    if (t - pg->start < PROGRESS_DELAY ||
        (pg->shown && t - pg->last < PROGRESS_EVERY))
        return;
    progress_print(pg, bytes, t);
}

/* The final line (only if a line was shown at all), ended by a newline. */
static void
progress_end(struct progress *pg, uint64_t bytes, bool ok)
{
    if (!pg->shown)
        return;
    if (ok && bytes != pg->last_bytes)
        progress_print(pg, bytes, now_seconds());
    fputc('\n', stderr);
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
run_inject(struct inject_args *cli, const struct out_opts *oo)
{
    struct keylog logs[MAX_SECRET_FILES];
    const struct keylog *ptrs[MAX_SECRET_FILES];
    struct sc_diag diag = {cli_print_warning, &cli->quiet};
    struct input in = {0};
    struct out_file out = {0};
    struct writer w = {0}, raw = {0};
    struct gzip_sink *gz = NULL;
    struct progress pg = {0};
    struct inject_stats st;
    struct inject_opts opts = {0};
    struct sc_err err;
    size_t n_logs = 0;
    bool gzip_out;
    int rc;

    if (cli->n_files == 0 && !cli->discard)
        return cli_usage_error("no secrets to inject (give -k KEYLOG)");
    gzip_out = oo->compress == COMPRESS_GZIP ||
               (oo->compress == COMPRESS_AUTO && ends_with(cli->output, ".gz"));
    if (oo->level != 0 && !gzip_out)
        return cli_usage_error("--level needs gzip output (--compress gzip "
                               "or an output name ending in .gz)");
    out.fd = -1;
    rc = load_secrets(cli, logs, &n_logs, &diag);
    if (rc != 0)
        goto done;
    sc_err_clear(&err);
    if (input_open(&in, cli->input, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    rc = check_output_target(cli, &in);
    if (rc != 0)
        goto done;
    if (out_open(&out, cli->output, &err) < 0 ||
        writer_init(&w, out.fd, out.name, WRITER_BUF, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    if (gzip_out) {
        /* w (uncompressed) -> gzip sink -> raw (compressed) -> fd. */
        if (writer_init(&raw, out.fd, out.name, WRITER_BUF, &err) < 0 ||
            (gz = gzip_sink_new(&raw,
                                oo->level != 0 ? oo->level : GZIP_LEVEL_DEFAULT,
                                true, &err)) == NULL) {
            rc = cli_report(&err);
            goto done;
        }
        writer_set_sink(&w, gzip_sink_write, gz);
    }
    for (size_t i = 0; i < n_logs; i++)
        ptrs[i] = &logs[i];
    opts.secrets = ptrs;
    opts.n_secrets = n_logs;
    opts.discard_existing = cli->discard;
    opts.all_sections = cli->all_sections;
    opts.userappl = "secretcap " SECRETCAP_VERSION;
    opts.diag = &diag;
    if (!cli->quiet && isatty(STDERR_FILENO)) {
        pg.total = reader_source(in.rd)->size;
        pg.start = now_seconds();
        opts.progress = progress_cb;
        opts.progress_ctx = &pg;
    }
    rc = inject_run(&in, &w, &opts, &st, &err);
    if (rc == 0 && gz != NULL)
        rc = gzip_sink_finish(gz, &err);
    if (rc == 0)
        rc = out_commit(&out, &err);
    progress_end(&pg, st.bytes_in, rc == 0);
    if (rc < 0) {
        rc = cli_report(&err);
        goto done;
    }
    rc = 0;
done:
    out_abort(&out);
    gzip_sink_free(gz);
    writer_free(&raw);
    writer_free(&w);
    input_close(&in);
    for (size_t i = 0; i < n_logs; i++)
        keylog_free(&logs[i]);
    return rc;
}

int
cli_run_inject(struct inject_args *cli)
{
    static const struct out_opts defaults = {COMPRESS_AUTO, 0};

    return run_inject(cli, &defaults);
}

enum {
    OPT_DISCARD = 256,
    OPT_ALL_SECTIONS,
    OPT_STRICT,
    OPT_COMPRESS,
    OPT_LEVEL,
};

int
cmd_inject(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"keylog", required_argument, NULL, 'k'},
        {"secrets", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"discard-all-secrets", no_argument, NULL, OPT_DISCARD},
        {"all-sections", no_argument, NULL, OPT_ALL_SECTIONS},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"compress", required_argument, NULL, OPT_COMPRESS},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct inject_args cli = {0};
    struct out_opts oo = {COMPRESS_AUTO, 0};
    char *end;
    long level;
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":k:s:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if ((rc = cli_add_secret_arg(&cli, optarg, 0)) != 0)
                return rc;
            break;
        case 's':
            if ((rc = cli_add_secret_arg(&cli, optarg, ':')) != 0)
                return rc;
            break;
        case 'o':
            cli.output = optarg;
            break;
        case OPT_DISCARD:
            cli.discard = true;
            break;
        case OPT_ALL_SECTIONS:
            cli.all_sections = true;
            break;
        case OPT_STRICT:
            cli.strict = true;
            break;
        case OPT_COMPRESS:
            if (strcmp(optarg, "gzip") == 0)
                oo.compress = COMPRESS_GZIP;
            else if (strcmp(optarg, "none") == 0)
                oo.compress = COMPRESS_NONE;
            else
                return cli_usage_error("--compress: '%s' is not one of: "
                                       "gzip none",
                                       optarg);
            break;
        case OPT_LEVEL:
            level = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || level < GZIP_LEVEL_MIN ||
                level > GZIP_LEVEL_MAX)
                return cli_usage_error("--level: '%s' is not a number from "
                                       "%d to %d",
                                       optarg, GZIP_LEVEL_MIN, GZIP_LEVEL_MAX);
            oo.level = (int)level;
            break;
        case 'q':
            cli.quiet = true;
            break;
        case 'h':
            fputs(inject_help, stdout);
            return 0;
        case ':':
            return cli_usage_error("option '%s' needs an argument",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (cli.output == NULL)
        return cli_usage_error("no output given (-o FILE, or -o - for stdout)");
    if (argc - optind != 1)
        return cli_usage_error(argc - optind == 0
                                   ? "no input capture given"
                                   : "exactly one input capture expected");
    cli.input = argv[optind];
    return run_inject(&cli, &oo);
}
