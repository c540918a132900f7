/*
 * main.c - the secretcap command line: dispatch to the commands, signal
 * handling, and the message helpers every command uses (cli.h).
 *
 *   secretcap inject [OPTIONS] -k KEYLOG... -o OUTPUT INPUT
 *   secretcap extract [-o FILE] [--type TYPE] [--split] INPUT
 *   secretcap strip [--type TYPE] -o OUTPUT INPUT
 *   secretcap info [--json] INPUT...
 *   secretcap check [--json] [--type TYPE] KEYLOG...
 *   secretcap --extract-secrets INPUT OUTPUT
 *   secretcap --inject-secrets TYPE,FILE... [--discard-all-secrets] IN OUT
 *
 * Exit codes: 0 success (warnings may have been printed), 1 data or I/O
 * error, 2 usage error, 128+N stopped by signal N (141: output pipe closed).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <unistd.h>
#include <stdlib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "pcap.h"
#include "zstd_source.h"

const char *cli_progname = "secretcap";

void
cli_print_warning(void *quiet, const char *msg)
{
    if (!*(const bool *)quiet)
        fprintf(stderr, "%s: warning: %s\n", cli_progname, msg);
}

int
cli_usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", cli_progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", cli_progname);
    return EXIT_USAGE;
}

int
cli_report(const struct sc_err *err)
{
    switch (err->kind) {
    case SC_ERR_PIPE:
        return EXIT_PIPE; /* the reader went away: nothing to say */
    case SC_ERR_INTR:
        return 128 + (sc_interrupted ? sc_interrupted : SIGINT);
    case SC_ERR_USAGE:
        fprintf(stderr, "%s: %s\n", cli_progname, err->msg);
        return EXIT_USAGE;
    default:
        fprintf(stderr, "%s: %s\n", cli_progname, err->msg);
        return EXIT_DATA;
    }
}

int
cli_option_error(int c, char *const *argv)
{
    if (c == ':')
        return cli_usage_error("option '%s' needs an argument",
                               argv[optind - 1]);
    return cli_usage_error("unknown option '%s'", argv[optind - 1]);
}

int
cli_flush_stdout(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (errno == EPIPE)
        return EXIT_PIPE;
    fprintf(stderr, "%s: stdout: write failed: %s\n", cli_progname,
            strerror(errno));
    return EXIT_DATA;
}

bool
cli_parse_uint(const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = strtoull(arg, &end, 10);
    if (end == arg || *end != '\0' || arg[0] == '-' || errno != 0 || n < min ||
        n > max)
        return false;
    *out = n;
    return true;
}

int
cli_parse_max_record(const char *arg, struct input_opts *o)
{
    uint64_t n;

    if (!cli_parse_uint(arg, 1, PCAP_MAX_CAPLEN, &n))
        return cli_usage_error("--max-record: '%s' is not a number of bytes "
                               "from 1 to %u",
                               arg, (unsigned)PCAP_MAX_CAPLEN);
    o->max_record = (uint32_t)n;
    return 0;
}

int
cli_parse_max_window(const char *arg, struct input_opts *o)
{
    uint64_t max_mib = ZSTD_WINDOW_MAX_LIMIT >> 20;
    uint64_t n;

    if (!cli_parse_uint(arg, 1, max_mib, &n))
        return cli_usage_error("--max-window: '%s' is not a number of MiB "
                               "from 1 to %" PRIu64,
                               arg, max_mib);
    o->zstd_window_max = n << 20;
    return 0;
}

int
cli_cpus(void)
{
    cpu_set_t set;
    long n;

    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)(n < 4096 ? n : 4096) : 1;
}

double
cli_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool
cli_same_file(const char *path, const struct stat *sb)
{
    struct stat sa;

    return stat(path, &sa) == 0 && sa.st_dev == sb->st_dev &&
           sa.st_ino == sb->st_ino;
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
    "       secretcap --extract-secrets INPUT OUTPUT\n"
    "\n"
    "Embeds decryption secrets (TLS key logs first) into packet captures as\n"
    "pcapng Decryption Secrets Blocks, so that one .pcapng opens decrypted\n"
    "in Wireshark/tshark.\n"
    "\n"
    "Commands:\n"
    "  inject     add key logs to a capture (pcap or pcapng; plain, gzip,\n"
    "             zstd or lz4)\n"
    "  extract    write the secrets held in a capture (a TLS key log, ...)\n"
    "  strip      remove the secrets blocks from a capture\n"
    "  info       describe captures: sections, interfaces, packets, secrets\n"
    "  check      validate key logs without any capture\n"
    "  sessions   list the TLS, DTLS and QUIC sessions of captures and whether\n"
    "             the key logs cover them\n"
    "  version    the version and the libraries built in\n"
    "\n"
    "The editcap forms accept the editcap options --inject-secrets,\n"
    "--discard-all-secrets and --extract-secrets (other editcap options are\n"
    "refused).\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help ('secretcap COMMAND --help' for one)\n"
    "  -V, --version  show the version and the libraries built in\n"
    "\n"
    "Exit status:\n"
    "  0  success (warnings, if any, went to stderr)\n"
    "  1  data or I/O error (bad capture, bad key log, write failure)\n"
    "  2  usage error\n"
    "  128+N  stopped by signal N (130 SIGINT, 143 SIGTERM, 141 output pipe "
    "closed)\n";

int
main(int argc, char **argv)
{
    install_signals();
    if (argc < 2)
        return cli_usage_error("no command given");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(main_help, stdout);
        return 0;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
        if (argc > 2)
            return cli_usage_error("--version takes no arguments (see "
                                   "'secretcap version --json')");
        return cmd_version(1, argv + 1);
    }
    if (strcmp(argv[1], "version") == 0)
        return cmd_version(argc - 1, argv + 1);
    if (strcmp(argv[1], "inject") == 0)
        return cmd_inject(argc - 1, argv + 1);
    if (strcmp(argv[1], "extract") == 0)
        return cmd_extract(argc - 1, argv + 1);
    if (strcmp(argv[1], "strip") == 0)
        return cmd_strip(argc - 1, argv + 1);
    if (strcmp(argv[1], "info") == 0)
        return cmd_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "sessions") == 0)
        return cmd_sessions(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        return cmd_editcap(argc, argv);
    return cli_usage_error("unknown command '%s'", argv[1]);
}
