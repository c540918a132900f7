/*
 * inject.c - `secretcap inject`, and the inject operation that the
 * editcap-compatible form (editcap.c) shares: load and validate the key
 * logs, open the input, refuse an output that is the input or a key log,
 * run the pipeline into an atomically published output.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compress.h"
#include "input.h"
#include "keylog.h"
#include "output.h"
#include "pipeline.h"
#include "scope.h"
#include "secrets.h"
#include "spool.h"
#include "walk.h"

static const char inject_help[] =
    "Usage: secretcap inject [OPTIONS] -k KEYLOG [-k KEYLOG]... -o OUTPUT "
    "INPUT\n"
    "\n"
    "Writes INPUT (pcap or pcapng, plain or compressed with gzip, zstd or\n"
    "lz4; '-' = stdin) to OUTPUT as pcapng with the key logs embedded as\n"
    "Decryption Secrets Blocks placed before the first packet. Every input\n"
    "block is kept byte for byte (pcapng) or converted exactly (pcap).\n"
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
    "                             (default: warning, line skipped), and so\n"
    "                             is a block that tshark, tcpdump or editcap\n"
    "                             refuses (default: warning, block kept)\n"
    "      --max-record BYTES     accept pcap records up to BYTES (default:\n"
    "                             what libpcap and Wireshark read for the\n"
    "                             link type, 262144 for most; a longer one\n"
    "                             is taken for a corrupt header)\n"
    "      --salvage              INPUT cut short (its last block or record,\n"
    "                             or its gzip/zstd/lz4 stream, ends early):\n"
    "                             write every complete block before the cut\n"
    "                             and the secrets, warn, exit 0\n"
    "      --scope all|capture    capture: embed only the TLS key-log lines\n"
    "                             of sessions whose ClientHello is in INPUT\n"
    "                             (a first pass finds them; see 'secretcap\n"
    "                             sessions'); a pipe is spooled to $TMPDIR\n"
    "                             for it. Default: all\n"
    "      --compress gzip|zstd|lz4|none\n"
    "                             compress OUTPUT (default: by its name:\n"
    "                             .gz gzip, .zst zstd, .lz4 lz4; else none)\n"
    "      --level N              compression level: gzip 1-9 (default 6),\n"
    "                             zstd 1-19 (default 3), lz4 1-12 (default 1)\n"
    "  -T, --threads N            zstd output: worker threads; 0: one per\n"
    "                             CPU, at most 8 (default; in batch mode the\n"
    "                             default is the CPUs divided by -j)\n"
    "      --sync                 fsync a new OUTPUT before it is renamed\n"
    "                             into place (one that replaces a file is\n"
    "                             always synced)\n" CLI_HELP_MAX_WINDOW
    "  -q, --quiet                no warnings and no progress line\n"
    "  -h, --help                 show this help\n"
    "\n"
    "Many captures (batch mode):\n"
    "  secretcap inject [-k KEYLOG]... -O OUTDIR [-r] INPUT...\n"
    "  secretcap inject [-k KEYLOG]... --in-place [--rm] INPUT...\n"
    "  -O, --output-dir DIR       write <stem>.pcapng (.pcapng.gz, .zst or\n"
    "                             .lz4 with --compress) for each capture\n"
    "                             under DIR, mirroring the folders given\n"
    "  -r, --recursive            walk folders recursively\n"
    "      --files-from FILE      read input paths from FILE ('-' = stdin),\n"
    "                             newline- or NUL-separated (find -print0)\n"
    "      --keylog-for TEMPLATE  per-capture key log, e.g.\n"
    "                             '{dir}/{stem}.keys' ({dir} {name} {stem});\n"
    "                             added to the -k key logs\n"
    "      --require-keys         a capture without its key log fails\n"
    "                             (default: skipped, unless -k is given)\n"
    "      --in-place             a pcapng is replaced by its result\n"
    "                             (atomically); a pcap gets <stem>.pcapng\n"
    "                             beside it\n"
    "      --rm                   with --in-place: remove a converted pcap\n"
    "                             once its result is complete and synced\n"
    "  -j, --jobs N               N captures at a time (default: CPUs)\n"
    "      --report FILE          one JSON object per input (see README)\n"
    "      --fail-fast            start nothing after the first failure\n"
    "      --skip-existing        skip inputs whose output is newer\n"
    "Captures are recognised by content, other files are skipped and\n"
    "counted; a failure does not stop the other captures; the exit status\n"
    "is 1 if any failed. A summary line goes to stderr.\n"
    "\n"
    "A file OUTPUT is written to a temporary file in the same directory and\n"
    "renamed over OUTPUT only when complete; on any error nothing is left\n"
    "behind and an existing OUTPUT is untouched. OUTPUT may not be INPUT or\n"
    "one of the key logs. An OUTPUT that replaces a file is synced to disk\n"
    "first (a new one with --sync). A plain pcapng INPUT file is copied in\n"
    "the kernel where it can (shared extents on XFS and btrfs); the\n"
    "secrets blocks are padded so that its packets keep their 4 KiB\n"
    "alignment. An INPUT that changes while it is read is an error.\n"
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

/* Refuses an output that is the input (unless replace_input) or a key
 * log. Returns 0 or -1 with err set. */
static int
check_output_target(const struct inject_args *cli, const struct input *in,
                    const char *output, bool replace_input, struct sc_err *err)
{
    struct stat st;

    if (strcmp(output, "-") == 0)
        return 0;
    if (!replace_input && fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode) &&
        cli_same_file(output, &st))
        return sc_err_set(err, SC_ERR_USAGE,
                          "%s: output is the same file as the input %s; "
                          "refusing to overwrite it",
                          output, in->name);
    for (size_t i = 0; i < cli->n_files; i++) {
        const char *k = cli->files[i].path;

        if (strcmp(k, "-") != 0 && stat(k, &st) == 0 &&
            cli_same_file(output, &st))
            return sc_err_set(err, SC_ERR_USAGE,
                              "%s: output is the same file as the key log "
                              "%s; refusing to overwrite it",
                              output, k);
    }
    if (stat(output, &st) == 0 && S_ISDIR(st.st_mode))
        return sc_err_set(err, SC_ERR_IO, "%s: is a directory", output);
    return 0;
}

/* Adds one secrets file to the key log of its type in s. */
static int
add_secrets_file(struct loaded_secrets *s, const struct secret_arg *a,
                 const struct keylog_opts *kopts, const struct sc_diag *diag,
                 struct sc_err *err)
{
    size_t j;

    for (j = 0; j < s->n; j++)
        if (s->logs[j].type == a->type)
            break;
    if (j == s->n) {
        keylog_init(&s->logs[j], a->type);
        s->n++;
    }
    return keylog_add_file(&s->logs[j], a->path, kopts, diag, err);
}

/* Loads the secrets files, one struct keylog per type in order of first
 * appearance. */
int
cli_load_secrets(const struct inject_args *cli, struct loaded_secrets *s,
                 const struct sc_diag *diag)
{
    struct keylog_opts kopts = {.strict = cli->strict};
    struct sc_err err;
    size_t stdin_uses = 0;

    s->n = 0;
    for (size_t i = 0; i < cli->n_files; i++) {
        const struct secret_arg *a = &cli->files[i];

        if (strcmp(a->path, "-") == 0 && ++stdin_uses > 1)
            return cli_usage_error("stdin can be read only once (several key "
                                   "logs or the capture are '-')");
        if (!a->known)
            sc_warn(diag,
                    "%s: secrets type 0x%08x is not one secretcap knows; "
                    "embedding it unvalidated",
                    a->path, a->type);
        sc_err_clear(&err);
        if (add_secrets_file(s, a, &kopts, diag, &err) < 0)
            return cli_report(&err);
    }
    if (stdin_uses > 0 && cli->input != NULL && strcmp(cli->input, "-") == 0)
        return cli_usage_error("stdin can be read only once (the capture and a "
                               "key log are both '-')");
    return 0;
}

void
cli_free_secrets(struct loaded_secrets *s)
{
    for (size_t i = 0; i < s->n; i++)
        keylog_free(&s->logs[i]);
    s->n = 0;
}

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
    double t = cli_now();

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
        progress_print(pg, bytes, cli_now());
    fputc('\n', stderr);
}

/* --scope capture, the first pass: the sessions of in (read to its end),
 * the key logs judged against them and the TLS ones cut down to them into
 * filtered[] (non-TLS secrets are used whole: ptrs[i] points at the key
 * log to embed). The counts go to res. 0 or -1 with err set. */
static int
scope_pass(const struct inject_args *cli, const struct loaded_secrets *s,
           struct input *in, struct progress *pg, struct keylog *filtered,
           const struct keylog **ptrs, struct cli_result *res,
           struct sc_err *err)
{
    struct sc_diag diag = {cli_print_warning, (void *)&cli->quiet};
    struct scope_opts so = {0};
    struct scope_filter_stats fst = {0};
    struct scope sc;
    int rc;

    /* Only the DSBs the output keeps count as keys. */
    so.ignore_dsbs = cli->discard;
    so.salvage = cli->salvage;

    if (pg->start != 0) {
        so.progress = progress_cb;
        so.progress_ctx = pg;
    }
    rc = scope_scan(&sc, in, &so, err);
    if (rc == 0)
        rc = scope_judge(&sc, ptrs, s->n, err);
    for (size_t i = 0; rc == 0 && i < s->n; i++) {
        if (s->logs[i].type != SECRETS_TLS) {
            const char *tn = secrets_type_name(s->logs[i].type);

            sc_warn(&diag,
                    "--scope capture filters TLS key logs only; the %s "
                    "secrets are embedded whole",
                    tn != NULL ? tn : "other");
            continue;
        }
        rc = scope_filter(&sc, &s->logs[i], &filtered[i], &fst, err);
        if (rc == 0)
            ptrs[i] = &filtered[i];
    }
    if (rc == 0) {
        size_t n;

        tr_table_sessions(sc.table, &n);
        res->sessions = n;
        res->sessions_complete = sc.n_complete;
        res->sessions_partial = sc.n_partial;
        res->sessions_none = sc.n_none;
        res->sessions_rejected = sc.n_rejected;
        res->flows_without_handshake = tr_table_stats(sc.table)->nohs;
        res->lines_kept = fst.kept;
        res->lines_dropped = fst.dropped + fst.dropped_legacy;
        res->lines_legacy = fst.dropped_legacy;
    }
    scope_free(&sc);
    return rc;
}

/* How --scope capture reads the same bytes a second time. */
struct again {
    int fd;      /* read again from here (-1: not set) */
    bool own;    /* fd is ours to close */
    int64_t off; /* where the capture starts in fd */
};

/* Opens input for --scope capture's first pass. A regular file (named, or
 * on stdin) is read again through the same open file (a dup of its fd),
 * so both passes see the same bytes even if the path is replaced between
 * them; anything else (a pipe) is copied as it is read to an unlinked
 * temporary file in $TMPDIR, which the second pass reads. */
static int
scope_open(struct input *in, const char *input, const struct input_opts *io,
           struct again *ag, struct sc_err *err)
{
    struct stat st;

    ag->fd = -1;
    ag->own = false;
    ag->off = 0;
    if (strcmp(input, "-") == 0 && fstat(STDIN_FILENO, &st) == 0 &&
        S_ISREG(st.st_mode) &&
        (ag->off = lseek(STDIN_FILENO, 0, SEEK_CUR)) >= 0) {
        ag->fd = STDIN_FILENO;
        return input_open(in, input, io, err);
    }
    ag->off = 0;
    if (strcmp(input, "-") != 0 && stat(input, &st) == 0 &&
        S_ISREG(st.st_mode)) {
        if (input_open(in, input, io, err) < 0)
            return -1;
        if ((ag->fd = fcntl(in->fd, F_DUPFD_CLOEXEC, 0)) < 0)
            return sc_err_set(err, SC_ERR_IO, "%s: cannot open it again: %s",
                              in->name, strerror(errno));
        ag->own = true;
        return 0;
    }
    if ((ag->fd = spool_temp_fd(err)) < 0)
        return -1;
    ag->own = true;
    return input_open_tee(in, input, ag->fd, io, err);
}

/* The second pass's input: the same bytes again. */
static int
scope_reopen(struct input *in, const char *input, const struct input_opts *io,
             const struct again *ag, struct sc_err *err)
{
    const char *name = strcmp(input, "-") == 0 ? "stdin" : input;

    if (lseek(ag->fd, ag->off, SEEK_SET) < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: cannot read it again: %s", name,
                          strerror(errno));
    return input_open_fd(in, ag->fd, name, io, err);
}

/* The work of cli_inject_file; returns 0 or -1 with err set. */
static int
inject_file(const struct inject_args *cli, const struct out_opts *oo,
            struct loaded_secrets *s, const char *input, const char *output,
            const char *extra_keylog, bool replace_input, bool progress,
            struct cli_result *res, struct sc_err *err)
{
    const struct keylog *ptrs[MAX_SECRET_FILES];
    struct keylog *filtered = NULL;
    struct sc_diag diag = {cli_print_warning, (void *)&cli->quiet};
    struct again ag = {-1, false, 0};
    struct input in = {0};
    struct cli_output out = {0};
    struct progress pg = {0};
    struct inject_stats st = {0};
    struct inject_opts opts = {0};
    int rc = -1;

    out.file.fd = -1;
    if (extra_keylog != NULL) {
        struct secret_arg a = {SECRETS_TLS, true, extra_keylog};
        struct keylog_opts kopts = {.strict = cli->strict};

        if (add_secrets_file(s, &a, &kopts, &diag, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < s->n; i++)
        ptrs[i] = &s->logs[i];
    if (progress && !cli->quiet && isatty(STDERR_FILENO))
        pg.start = cli_now();
    if (cli->scope_capture) {
        /* The first pass, before any output exists. */
        if ((filtered = calloc(s->n + 1, sizeof(*filtered))) == NULL) {
            sc_err_set(err, SC_ERR_IO, "out of memory");
            goto done;
        }
        /* Empty key logs (no spool fd) until scope_filter fills them. */
        for (size_t i = 0; i < s->n; i++)
            keylog_init(&filtered[i], s->logs[i].type);
        if (scope_open(&in, input, &cli->in_opts, &ag, err) < 0 ||
            check_output_target(cli, &in, output, replace_input, err) < 0)
            goto done;
        pg.total = reader_source(in.rd)->size;
        if (scope_pass(cli, s, &in, &pg, filtered, ptrs, res, err) < 0)
            goto done;
        input_close(&in);
        if (scope_reopen(&in, input, &cli->in_opts, &ag, err) < 0)
            goto done;
    } else if (input_open(&in, input, &cli->in_opts, err) < 0 ||
               check_output_target(cli, &in, output, replace_input, err) < 0) {
        goto done;
    }
    if (cli_output_open(&out, output, oo, err) < 0)
        goto done;
    opts.secrets = ptrs;
    opts.n_secrets = s->n;
    opts.discard_existing = cli->discard;
    opts.all_sections = cli->all_sections;
    opts.salvage = cli->salvage;
    opts.align = true;
    opts.strict = cli->strict;
    opts.userappl = "secretcap " SECRETCAP_VERSION;
    opts.diag = &diag;
    if (pg.start != 0) {
        pg.total = reader_source(in.rd)->size;
        opts.progress = progress_cb;
        opts.progress_ctx = &pg;
    }
    rc = inject_run(&in, &out.w, &opts, &st, err);
    if (rc == 0)
        rc = cli_output_commit(&out, err);
    progress_end(&pg, st.bytes_in, rc == 0);
    res->packets = st.packets;
    res->dsbs_added = st.dsbs_added;
    res->bytes_in = st.bytes_in;
    res->salvaged = st.salvaged;
    res->cut_at = st.cut_at;
    res->dropped = st.dropped;
done:
    cli_output_close(&out);
    input_close(&in);
    if (filtered != NULL)
        for (size_t i = 0; i < s->n; i++)
            keylog_free(&filtered[i]);
    free(filtered);
    if (ag.own)
        close(ag.fd);
    return rc;
}

int
cli_inject_file(const struct inject_args *cli, const struct out_opts *oo,
                struct loaded_secrets *s, const char *input, const char *output,
                const char *extra_keylog, bool replace_input, bool progress,
                struct cli_result *res)
{
    struct sc_err err = {0};

    memset(res, 0, sizeof(*res));
    if (inject_file(cli, oo, s, input, output, extra_keylog, replace_input,
                    progress, res, &err) == 0)
        return res->status = 0;
    /* A capture cut short: say what would keep the rest. */
    snprintf(res->error, sizeof(res->error), "%s%s", err.msg,
             err.kind == SC_ERR_DATA && err.cut && !cli->salvage
                 ? " (--salvage writes every complete block before the cut)"
                 : "");
    switch (err.kind) {
    case SC_ERR_PIPE:
        res->error[0] = '\0'; /* the reader went away: nothing to say */
        return res->status = EXIT_PIPE;
    case SC_ERR_INTR:
        res->error[0] = '\0';
        return res->status = 128 + (sc_interrupted ? sc_interrupted : SIGINT);
    case SC_ERR_USAGE:
        return res->status = EXIT_USAGE;
    default:
        return res->status = EXIT_DATA;
    }
}

void
cli_scope_summary(const char *input, const struct cli_result *r)
{
    fprintf(stderr,
            "%s: %s: --scope capture: %" PRIu64 " session%s (%" PRIu64
            " with complete keys, %" PRIu64 " partial, %" PRIu64
            " without keys); key-log lines kept %" PRIu64 ", dropped %" PRIu64
            " (%" PRIu64 " legacy RSA)",
            cli_progname, strcmp(input, "-") == 0 ? "stdin" : input,
            r->sessions, r->sessions == 1 ? "" : "s", r->sessions_complete,
            r->sessions_partial, r->sessions_none, r->lines_kept,
            r->lines_dropped, r->lines_legacy);
    if (r->sessions_rejected > 0)
        fprintf(stderr, "; %" PRIu64 " refused by Version Negotiation",
                r->sessions_rejected);
    if (r->flows_without_handshake > 0)
        fprintf(stderr, "; %" PRIu64 " flow%s without handshake",
                r->flows_without_handshake,
                r->flows_without_handshake == 1 ? "" : "s");
    fputc('\n', stderr);
}

/* Checks what every run needs: something to inject; a level in the
 * output format's range, threads only with zstd output, and a format this
 * build has. Returns 0 or an exit code. */
static int
check_inject_args(const struct inject_args *cli, const struct out_opts *oo,
                  bool batch, const struct batch_args *b)
{
    enum compression oc;

    if (cli->n_files == 0 && !cli->discard && !(batch && b->keylog_for != NULL))
        return cli_usage_error("no secrets to inject (give -k KEYLOG)");
    oc = cli_output_compression(oo, batch ? NULL : cli->output);
    return cli_check_out_opts(oo, oc);
}

static int
run_inject(struct inject_args *cli, const struct out_opts *oo)
{
    struct loaded_secrets s;
    struct sc_diag diag = {cli_print_warning, &cli->quiet};
    struct cli_result res;
    int rc;

    rc = check_inject_args(cli, oo, false, NULL);
    if (rc != 0)
        return rc;
    rc = cli_load_secrets(cli, &s, &diag);
    if (rc == 0) {
        rc = cli_inject_file(cli, oo, &s, cli->input, cli->output, NULL, false,
                             true, &res);
        if (rc == EXIT_USAGE)
            cli_usage_error("%s", res.error);
        else if (res.error[0] != '\0')
            fprintf(stderr, "%s: %s\n", cli_progname, res.error);
        else if (cli->scope_capture && !cli->quiet)
            cli_scope_summary(cli->input, &res);
    }
    cli_free_secrets(&s);
    return rc;
}

/* Batch mode: checks the combination of options, loads the global key
 * logs once, hands over to batch.c. */
static int
run_batch(struct inject_args *cli, const struct out_opts *oo,
          const struct batch_args *b, char **inputs, size_t n)
{
    struct loaded_secrets s;
    struct sc_diag diag = {cli_print_warning, &cli->quiet};
    struct out_opts boo = *oo;
    int rc;

    if (cli->output != NULL)
        return cli_usage_error("-o names one output; with several inputs, "
                               "-O DIR or --in-place");
    if (b->outdir == NULL && !b->in_place)
        return cli_usage_error("several inputs need -O DIR or --in-place");
    if (b->outdir != NULL && b->in_place)
        return cli_usage_error("-O and --in-place do not go together");
    if (b->rm && !b->in_place)
        return cli_usage_error("--rm goes with --in-place");
    if (n == 0 && b->files_from == NULL)
        return cli_usage_error("no input capture given");
    for (size_t i = 0; i < n; i++)
        if (strcmp(inputs[i], "-") == 0)
            return cli_usage_error("stdin ('-') cannot be a batch input; "
                                   "use --files-from - to read paths");
    for (size_t i = 0; i < cli->n_files && b->files_from != NULL; i++)
        if (strcmp(b->files_from, "-") == 0 &&
            strcmp(cli->files[i].path, "-") == 0)
            return cli_usage_error("stdin can be read only once (--files-from "
                                   "and a key log are both '-')");
    if (b->keylog_for != NULL) {
        char probe[64];
        struct sc_err err = {0};

        if (walk_template(b->keylog_for, "x.pcap", probe, sizeof(probe), &err) <
                0 &&
            err.kind == SC_ERR_USAGE)
            return cli_usage_error("%s", err.msg);
    }
    rc = check_inject_args(cli, oo, true, b);
    if (rc != 0)
        return rc;
    /* b->jobs captures at a time share the CPUs: each zstd output gets its
     * share of workers unless -T says otherwise. */
    if (boo.threads < 0) {
        size_t share = (size_t)cli_cpus() / b->jobs;

        boo.threads = share > 0 ? (int)share : 1;
    }
    cli->inputs = inputs;
    cli->n_inputs = n;
    rc = cli_load_secrets(cli, &s, &diag);
    if (rc == 0)
        rc = cli_run_batch(cli, &boo, b, &s);
    cli_free_secrets(&s);
    return rc;
}

int
cli_run_inject(struct inject_args *cli)
{
    static const struct out_opts defaults = {.threads = -1};

    return run_inject(cli, &defaults);
}

enum {
    OPT_DISCARD = 256,
    OPT_ALL_SECTIONS,
    OPT_STRICT,
    OPT_FILES_FROM,
    OPT_KEYLOG_FOR,
    OPT_REQUIRE_KEYS,
    OPT_IN_PLACE,
    OPT_RM,
    OPT_REPORT,
    OPT_FAIL_FAST,
    OPT_SKIP_EXISTING,
    OPT_SCOPE,
    OPT_MAX_WINDOW,
    OPT_SALVAGE,
    OPT_MAX_RECORD,
};

/* Parses -j N: 1..1024. */
static int
parse_jobs(const char *arg, size_t *jobs)
{
    uint64_t n;

    if (!cli_parse_uint(arg, 1, 1024, &n))
        return cli_usage_error("-j: '%s' is not a number from 1 to 1024", arg);
    *jobs = (size_t)n;
    return 0;
}

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
        {"compress", required_argument, NULL, CLI_OPT_COMPRESS},
        {"level", required_argument, NULL, CLI_OPT_LEVEL},
        {"sync", no_argument, NULL, CLI_OPT_SYNC},
        {"threads", required_argument, NULL, 'T'},
        {"max-window", required_argument, NULL, OPT_MAX_WINDOW},
        {"salvage", no_argument, NULL, OPT_SALVAGE},
        {"max-record", required_argument, NULL, OPT_MAX_RECORD},
        {"output-dir", required_argument, NULL, 'O'},
        {"recursive", no_argument, NULL, 'r'},
        {"jobs", required_argument, NULL, 'j'},
        {"files-from", required_argument, NULL, OPT_FILES_FROM},
        {"keylog-for", required_argument, NULL, OPT_KEYLOG_FOR},
        {"require-keys", no_argument, NULL, OPT_REQUIRE_KEYS},
        {"in-place", no_argument, NULL, OPT_IN_PLACE},
        {"rm", no_argument, NULL, OPT_RM},
        {"report", required_argument, NULL, OPT_REPORT},
        {"fail-fast", no_argument, NULL, OPT_FAIL_FAST},
        {"skip-existing", no_argument, NULL, OPT_SKIP_EXISTING},
        {"scope", required_argument, NULL, OPT_SCOPE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct inject_args cli = {0};
    struct out_opts oo = {.threads = -1};
    struct batch_args b = {0};
    int c, rc;

    opterr = 0;
    b.jobs = (size_t)cli_cpus();
    while ((c = getopt_long(argc, argv, ":k:s:o:O:rj:T:qh", longopts, NULL)) !=
           -1) {
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
        case CLI_OPT_COMPRESS:
        case CLI_OPT_LEVEL:
        case CLI_OPT_SYNC:
        case 'T':
            if ((rc = cli_parse_out_opt(c, optarg, &oo)) != 0)
                return rc;
            break;
        case OPT_MAX_RECORD:
            if ((rc = cli_parse_max_record(optarg, &cli.in_opts)) != 0)
                return rc;
            break;
        case OPT_SALVAGE:
            cli.salvage = true;
            break;
        case OPT_MAX_WINDOW:
            if ((rc = cli_parse_max_window(optarg, &cli.in_opts)) != 0)
                return rc;
            break;
        case 'O':
            b.outdir = optarg;
            break;
        case 'r':
            b.recursive = true;
            break;
        case 'j':
            if ((rc = parse_jobs(optarg, &b.jobs)) != 0)
                return rc;
            break;
        case OPT_FILES_FROM:
            b.files_from = optarg;
            break;
        case OPT_KEYLOG_FOR:
            b.keylog_for = optarg;
            break;
        case OPT_REQUIRE_KEYS:
            b.require_keys = true;
            break;
        case OPT_IN_PLACE:
            b.in_place = true;
            break;
        case OPT_RM:
            b.rm = true;
            break;
        case OPT_REPORT:
            b.report = optarg;
            break;
        case OPT_FAIL_FAST:
            b.fail_fast = true;
            break;
        case OPT_SKIP_EXISTING:
            b.skip_existing = true;
            break;
        case OPT_SCOPE:
            if (strcmp(optarg, "capture") == 0)
                cli.scope_capture = true;
            else if (strcmp(optarg, "all") == 0)
                cli.scope_capture = false;
            else
                return cli_usage_error("--scope: '%s' is not one of: all "
                                       "capture",
                                       optarg);
            break;
        case 'q':
            cli.quiet = true;
            break;
        case 'h':
            fputs(inject_help, stdout);
            return 0;
        default:
            return cli_option_error(c, argv);
        }
    }
    if (b.outdir != NULL || b.in_place || b.files_from != NULL ||
        argc - optind > 1)
        return run_batch(&cli, &oo, &b, argv + optind, (size_t)(argc - optind));
    if (b.keylog_for != NULL || b.recursive || b.report != NULL || b.rm ||
        b.require_keys || b.fail_fast || b.skip_existing)
        return cli_usage_error("--keylog-for, -r, --report, --rm, "
                               "--require-keys, --fail-fast and "
                               "--skip-existing need -O DIR or --in-place");
    if (cli.output == NULL)
        return cli_usage_error("no output given (-o FILE, or -o - for stdout)");
    if (argc - optind != 1)
        return cli_usage_error("no input capture given");
    cli.input = argv[optind];
    return run_inject(&cli, &oo);
}
