/*
 * main.c - the secretcap command line. The only place that prints to the
 * user or exits.
 *
 *   secretcap inject [OPTIONS] -k KEYLOG... -o OUTPUT INPUT
 *   secretcap --inject-secrets TYPE,FILE... [--discard-all-secrets] IN OUT
 *
 * The second form takes the editcap options secretcap implements, so a
 * script can swap the binary name; any other editcap option is refused
 * with exit 2 rather than silently ignored.
 *
 * Exit codes: 0 success (warnings may have been printed), 1 data or I/O
 * error, 2 usage error, 128+N stopped by signal N (141: output pipe closed).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "input.h"
#include "keylog.h"
#include "output.h"
#include "pipeline.h"
#include "secrets.h"

#define EXIT_DATA 1
#define EXIT_USAGE 2
#define EXIT_PIPE 141

static const char *progname = "secretcap";

#define MAX_SECRET_FILES 256

struct secret_arg {
    uint32_t type;
    bool known;
    const char *path;
};

struct cli {
    struct secret_arg files[MAX_SECRET_FILES];
    size_t n_files;
    const char *output;
    const char *input;
    bool discard;
    bool all_sections;
    bool strict;
    bool quiet;
};

static void
print_warning(void *ctx, const char *msg)
{
    const struct cli *cli = ctx;

    if (!cli->quiet)
        fprintf(stderr, "%s: warning: %s\n", progname, msg);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", progname);
    return EXIT_USAGE;
}

/* Reports err and returns the exit code for its kind. */
static int
report(const struct sc_err *err)
{
    switch (err->kind) {
    case SC_ERR_PIPE:
        return EXIT_PIPE; /* the reader went away: nothing to say */
    case SC_ERR_INTR:
        return 128 + (sc_interrupted ? sc_interrupted : SIGINT);
    case SC_ERR_USAGE:
        fprintf(stderr, "%s: %s\n", progname, err->msg);
        return EXIT_USAGE;
    default:
        fprintf(stderr, "%s: %s\n", progname, err->msg);
        return EXIT_DATA;
    }
}

static void
on_signal(int sig)
{
    sc_interrupted = sig;
}

static void
install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: blocking I/O returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A closed output pipe shows up as EPIPE and a quiet exit 141. */
    signal(SIGPIPE, SIG_IGN);
    /* Over-large files show up as EFBIG, an ordinary write error. */
    signal(SIGXFSZ, SIG_IGN);
}

static const char main_help[] =
    "Usage: secretcap COMMAND [OPTIONS] ...\n"
    "       secretcap --inject-secrets TYPE,FILE [--inject-secrets ...]\n"
    "                 [--discard-all-secrets] INPUT OUTPUT\n"
    "\n"
    "Embeds decryption secrets (TLS key logs first) into packet captures as\n"
    "pcapng Decryption Secrets Blocks, so that one .pcapng opens decrypted\n"
    "in Wireshark/tshark.\n"
    "\n"
    "Commands:\n"
    "  inject     add key logs to a capture (pcap or pcapng, plain or gzip)\n"
    "\n"
    "The second form accepts the editcap options --inject-secrets and\n"
    "--discard-all-secrets (other editcap options are refused).\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help ('secretcap COMMAND --help' for one)\n"
    "  -V, --version  show the version\n"
    "\n"
    "Exit status:\n"
    "  0  success (warnings, if any, went to stderr)\n"
    "  1  data or I/O error (bad capture, bad key log, write failure)\n"
    "  2  usage error\n"
    "  128+N  stopped by signal N (130 SIGINT, 143 SIGTERM, 141 output pipe "
    "closed)\n";

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
    "  -q, --quiet                no warnings\n"
    "  -h, --help                 show this help\n"
    "\n"
    "A file OUTPUT is written to a temporary file in the same directory and\n"
    "renamed over OUTPUT only when complete; on any error nothing is left\n"
    "behind and an existing OUTPUT is untouched. OUTPUT may not be INPUT or\n"
    "one of the key logs.\n"
    "\n"
    "Exit status: 0 success, 1 data or I/O error, 2 usage error,\n"
    "128+N stopped by signal N.\n";

/* Adds a secrets file argument "TYPE<sep>FILE" (or a plain TLS file when
 * sep is 0). Returns 0 or an exit code. */
static int
add_secret_arg(struct cli *cli, const char *arg, char sep)
{
    struct secret_arg *a;
    const char *file = arg;
    char type[64];

    if (cli->n_files == MAX_SECRET_FILES)
        return usage_error("too many secrets files (at most %d)",
                           MAX_SECRET_FILES);
    a = &cli->files[cli->n_files];
    a->type = SECRETS_TLS;
    a->known = true;
    if (sep != 0) {
        const char *cut = strchr(arg, sep);
        size_t n = cut ? (size_t)(cut - arg) : strlen(arg);

        if (cut == NULL || cut[1] == '\0')
            return usage_error("'%s': expected TYPE%cFILE (no secrets file "
                               "name was given)",
                               arg, sep);
        if (n >= sizeof(type))
            n = sizeof(type) - 1;
        memcpy(type, arg, n);
        type[n] = '\0';
        if (secrets_type_parse(type, &a->type, &a->known) < 0)
            return usage_error("'%s' isn't a valid secrets type (known: %s, "
                               "or a number such as 0x544c534b)",
                               type, secrets_type_list());
        file = cut + 1;
    }
    if (file[0] == '\0')
        return usage_error("empty key log file name");
    a->path = file;
    cli->n_files++;
    return 0;
}

/* (st_dev, st_ino) of path, following symlinks; false if it does not exist. */
static bool
same_file(const char *a, const struct stat *sb)
{
    struct stat sa;

    return stat(a, &sa) == 0 && sa.st_dev == sb->st_dev &&
           sa.st_ino == sb->st_ino;
}

/* Refuses an output that is the input or a key log. */
static int
check_output_target(const struct cli *cli, const struct input *in)
{
    struct stat st;

    if (strcmp(cli->output, "-") == 0)
        return 0;
    if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode) &&
        same_file(cli->output, &st))
        return usage_error("%s: output is the same file as the input %s; "
                           "refusing to overwrite it",
                           cli->output, in->name);
    for (size_t i = 0; i < cli->n_files; i++) {
        const char *k = cli->files[i].path;

        if (strcmp(k, "-") != 0 && stat(k, &st) == 0 &&
            same_file(cli->output, &st))
            return usage_error("%s: output is the same file as the key log "
                               "%s; refusing to overwrite it",
                               cli->output, k);
    }
    if (stat(cli->output, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: %s: is a directory\n", progname, cli->output);
        return EXIT_DATA;
    }
    return 0;
}

/* Loads the secrets files, one struct keylog per type in order of first
 * appearance. Returns 0 or an exit code. */
static int
load_secrets(const struct cli *cli, struct keylog *logs, size_t *n_logs,
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
            return usage_error("stdin can be read only once (several key "
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
            return report(&err);
    }
    if (stdin_uses > 0 && strcmp(cli->input, "-") == 0)
        return usage_error("stdin can be read only once (the capture and a "
                           "key log are both '-')");
    return 0;
}

/* The inject operation shared by both command-line forms. */
static int
run_inject(struct cli *cli)
{
    struct keylog logs[MAX_SECRET_FILES];
    const struct keylog *ptrs[MAX_SECRET_FILES];
    struct sc_diag diag = {print_warning, cli};
    struct input in = {0};
    struct out_file out = {0};
    struct writer w = {0};
    struct inject_stats st;
    struct inject_opts opts = {0};
    struct sc_err err;
    size_t n_logs = 0;
    int rc;

    if (cli->n_files == 0 && !cli->discard)
        return usage_error("no secrets to inject (give -k KEYLOG)");
    out.fd = -1;
    rc = load_secrets(cli, logs, &n_logs, &diag);
    if (rc != 0)
        goto done;
    sc_err_clear(&err);
    if (input_open(&in, cli->input, &err) < 0) {
        rc = report(&err);
        goto done;
    }
    rc = check_output_target(cli, &in);
    if (rc != 0)
        goto done;
    if (out_open(&out, cli->output, &err) < 0 ||
        writer_init(&w, out.fd, out.name, WRITER_BUF, &err) < 0) {
        rc = report(&err);
        goto done;
    }
    for (size_t i = 0; i < n_logs; i++)
        ptrs[i] = &logs[i];
    opts.secrets = ptrs;
    opts.n_secrets = n_logs;
    opts.discard_existing = cli->discard;
    opts.all_sections = cli->all_sections;
    opts.userappl = "secretcap " SECRETCAP_VERSION;
    opts.diag = &diag;
    if (inject_run(&in, &w, &opts, &st, &err) < 0 ||
        out_commit(&out, &err) < 0) {
        rc = report(&err);
        goto done;
    }
    rc = 0;
done:
    out_abort(&out);
    writer_free(&w);
    input_close(&in);
    for (size_t i = 0; i < n_logs; i++)
        keylog_free(&logs[i]);
    return rc;
}

enum { OPT_DISCARD = 256, OPT_ALL_SECTIONS, OPT_STRICT, OPT_INJECT_SECRETS };

static int
cmd_inject(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"keylog", required_argument, NULL, 'k'},
        {"secrets", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"discard-all-secrets", no_argument, NULL, OPT_DISCARD},
        {"all-sections", no_argument, NULL, OPT_ALL_SECTIONS},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli cli = {0};
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":k:s:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if ((rc = add_secret_arg(&cli, optarg, 0)) != 0)
                return rc;
            break;
        case 's':
            if ((rc = add_secret_arg(&cli, optarg, ':')) != 0)
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
        case 'q':
            cli.quiet = true;
            break;
        case 'h':
            fputs(inject_help, stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs an argument",
                               argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (cli.output == NULL)
        return usage_error("no output given (-o FILE, or -o - for stdout)");
    if (argc - optind != 1)
        return usage_error(argc - optind == 0
                               ? "no input capture given"
                               : "exactly one input capture expected");
    cli.input = argv[optind];
    return run_inject(&cli);
}

/* The editcap-compatible form. */
static int
cmd_editcap(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"inject-secrets", required_argument, NULL, OPT_INJECT_SECRETS},
        {"discard-all-secrets", no_argument, NULL, OPT_DISCARD},
        {NULL, 0, NULL, 0},
    };
    struct cli cli = {0};
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_INJECT_SECRETS:
            if (strcmp(optarg, "help") == 0) {
                printf("%s\n", secrets_type_list());
                return 0;
            }
            if ((rc = add_secret_arg(&cli, optarg, ',')) != 0)
                return rc;
            break;
        case OPT_DISCARD:
            cli.discard = true;
            break;
        case ':':
            return usage_error("option '%s' needs an argument",
                               argv[optind - 1]);
        default:
            return usage_error("editcap option '%s' is not supported "
                               "(only --inject-secrets and "
                               "--discard-all-secrets are)",
                               argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return usage_error("expected INPUT and OUTPUT after the options");
    cli.input = argv[optind];
    cli.output = argv[optind + 1];
    return run_inject(&cli);
}

int
main(int argc, char **argv)
{
    install_signals();
    if (argc < 2)
        return usage_error("no command given");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(main_help, stdout);
        return 0;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("secretcap %s\n", SECRETCAP_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "inject") == 0)
        return cmd_inject(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        return cmd_editcap(argc, argv);
    return usage_error("unknown command '%s'", argv[1]);
}
