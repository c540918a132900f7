/*
 * cli.h - what the command-line files share: exit codes, the program name,
 * message helpers and the entry point of each command. The CLI (src/cli/)
 * is the only code that prints to the user or exits; the library in src/
 * returns errors in struct sc_err.
 */
#ifndef SC_CLI_H
#define SC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "compress.h"
#include "err.h"
#include "input.h"
#include "keylog.h"
#include "output.h"

#define EXIT_DATA 1   /* data or I/O error */
#define EXIT_USAGE 2  /* usage error */
#define EXIT_PIPE 141 /* output pipe closed (128 + SIGPIPE), quiet */

extern const char *cli_progname;

/* Prints "secretcap: MSG" and the --help hint; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For getopt_long's ':' (missing argument) and '?' (unknown option)
 * results, with optstring starting with ':': prints the usage error and
 * returns EXIT_USAGE. */
int cli_option_error(int c, char *const *argv);

/* Prints err (nothing for a closed pipe) and returns its exit code. */
int cli_report(const struct sc_err *err);

/* A struct sc_diag callback: prints "secretcap: warning: MSG" unless
 * *(const bool *)quiet. */
void cli_print_warning(void *quiet, const char *msg);

/* Ends a command that wrote its report to stdout: flushes it and returns
 * rc, EXIT_PIPE when the reader went away, or EXIT_DATA (message printed)
 * when the write failed. */
int cli_flush_stdout(int rc);

/* The CPUs this process may run on (its affinity mask, else the CPUs
 * online); at least 1. */
int cli_cpus(void);

/* The most zstd workers -T 0 (the default) gives: memory stays bounded on
 * machines with many CPUs. */
#define CLI_ZSTD_THREADS_MAX 8

/* Seconds on the monotonic clock (for throughput and rate limits). */
double cli_now(void);

/* True when path exists and is the file described by sb (symlinks
 * followed, so a symlink or a hard link to it counts). */
bool cli_same_file(const char *path, const struct stat *sb);

/* What an inject run needs, as the command line gave it. */
#define MAX_SECRET_FILES 256

struct secret_arg {
    uint32_t type;
    bool known;
    const char *path;
};

struct inject_args {
    struct secret_arg files[MAX_SECRET_FILES];
    size_t n_files;
    const char *output;
    const char *input;
    char **inputs; /* batch mode: every INPUT argument */
    size_t n_inputs;
    bool discard;
    bool all_sections;
    bool strict;
    bool quiet;
    bool scope_capture; /* --scope capture: only the capture's sessions */
    bool salvage;       /* --salvage: keep what precedes a cut */
    struct input_opts in_opts; /* --max-window */
};

/* How the output is written: compression, its level and threads. */
struct out_opts {
    bool compress_given;       /* --compress; else by the output's name */
    enum compression compress; /* with compress_given */
    int level;                 /* 0: not given (the format's default) */
    int threads; /* -T N: zstd workers, 0: one per CPU; -1: not given */
    bool sync;   /* --sync: fsync a new output too (output.h out_open) */
};

/* The compression output gets: --compress, else by its name's suffix
 * (stdout "-", or NULL in batch mode where the names follow from the
 * compression: none). */
enum compression cli_output_compression(const struct out_opts *oo,
                                        const char *output);

/* getopt values of the output options (outfile.c); -T is 'T'. */
#define CLI_OPT_COMPRESS 0x1000
#define CLI_OPT_LEVEL 0x1001
#define CLI_OPT_SYNC 0x1002

/* Parses --compress, --level, -T/--threads or --sync (opt) into oo. Returns 0
 * or an exit code (usage error printed). */
int cli_parse_out_opt(int opt, const char *arg, struct out_opts *oo);

/* Checks oo against the output's compression oc: a format this build has,
 * a level in its range, threads only for zstd. Returns 0 or an exit code
 * (usage error printed). */
int cli_check_out_opts(const struct out_opts *oo, enum compression oc);

/* The output file (or stdout), its writer and compressor. */
struct cli_output {
    struct out_file file;
    struct writer w;         /* what the pipeline writes to (uncompressed) */
    struct writer raw;       /* the compressed bytes, to file.fd */
    struct compressor *comp; /* NULL: uncompressed output */
};

/* Opens path as oo says. 0, or -1 with err set (cli_output_close then). */
int cli_output_open(struct cli_output *o, const char *path,
                    const struct out_opts *oo, struct sc_err *err);
/* Flushes w, ends the compressed stream, publishes the file. */
int cli_output_commit(struct cli_output *o, struct sc_err *err);
/* Removes an unpublished file and frees everything; safe after commit. */
void cli_output_close(struct cli_output *o);

/* A decimal number from min to max (no sign, nothing after it) into *out;
 * false for anything else (the caller words the usage error). */
bool cli_parse_uint(const char *arg, uint64_t min, uint64_t max, uint64_t *out);

/* Parses --max-record BYTES into o (up to 128 MiB). Returns 0 or an exit
 * code (usage error printed). */
int cli_parse_max_record(const char *arg, struct input_opts *o);

/* Parses --max-window MIB into o. Returns 0 or an exit code (usage error
 * printed). */
int cli_parse_max_window(const char *arg, struct input_opts *o);

/* The help text's lines for --max-window (every command that reads
 * captures shows them). */
#define CLI_HELP_MAX_WINDOW                                                    \
    "      --max-window MIB       largest zstd window accepted on input, in\n" \
    "                             MiB (default 128, like zstd -d; at most\n"   \
    "                             2048)\n"

/* The key logs of an inject run, loaded and validated once. */
struct loaded_secrets {
    struct keylog logs[MAX_SECRET_FILES]; /* one per secrets type */
    size_t n;
};

/* Loads a's secrets files. Returns 0 or an exit code (message printed). */
int cli_load_secrets(const struct inject_args *a, struct loaded_secrets *s,
                     const struct sc_diag *diag);
void cli_free_secrets(struct loaded_secrets *s);

/* The outcome of one capture. */
struct cli_result {
    int status; /* exit code */
    uint64_t packets, dsbs_added, bytes_in;
    /* --scope capture: */
    uint64_t sessions, sessions_complete, sessions_partial, sessions_none;
    uint64_t sessions_rejected; /* QUIC, refused by Version Negotiation */
    uint64_t flows_without_handshake;
    uint64_t lines_kept, lines_dropped, lines_legacy;
    /* --salvage: the input was cut short at cut_at, dropped bytes lost */
    bool salvaged;
    uint64_t cut_at, dropped;
    char error[SC_ERR_MSG_MAX]; /* without "secretcap: " */
};

/* Injects s into input, writing output atomically. extra_keylog (may be
 * NULL) is added to s first (batch workers: a per-capture key log; s is
 * the worker's own copy). replace_input allows output == input (for
 * --in-place; still via temp file and rename). Prints nothing but
 * key-log warnings and, with progress, the progress line. Returns
 * res->status. */
int cli_inject_file(const struct inject_args *a, const struct out_opts *oo,
                    struct loaded_secrets *s, const char *input,
                    const char *output, const char *extra_keylog,
                    bool replace_input, bool progress, struct cli_result *res);

/* The one-line --scope capture summary of r on stderr. */
void cli_scope_summary(const char *input, const struct cli_result *r);

/* Batch mode (batch.c). */
struct batch_args {
    const char *outdir;     /* -O: mirror the inputs under it */
    const char *files_from; /* --files-from FILE|- */
    const char *keylog_for; /* --keylog-for TEMPLATE */
    const char *report;     /* --report FILE: one JSON object per input */
    size_t jobs;            /* -j */
    bool recursive;         /* -r */
    bool require_keys;      /* a capture without its key log fails */
    bool in_place;          /* results beside (or over) their inputs */
    bool rm;                /* --in-place: remove a converted original */
    bool fail_fast;         /* start nothing after the first failure */
    bool skip_existing;     /* skip inputs whose output is newer */
};

int cli_run_batch(const struct inject_args *a, const struct out_opts *oo,
                  const struct batch_args *b, struct loaded_secrets *s);

/* Adds a secrets file argument "TYPE<sep>FILE" (a plain TLS key log when
 * sep is 0). Returns 0 or an exit code (usage error). */
int cli_add_secret_arg(struct inject_args *a, const char *arg, char sep);

/* Runs inject as described by a (both command-line forms). Returns the exit
 * code. */
int cli_run_inject(struct inject_args *a);

/* Commands: argv[0] is the command name. Each returns the exit code. */
int cmd_inject(int argc, char **argv);
/* The editcap-compatible form: argv is the whole command line. */
int cmd_editcap(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_strip(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* editcap's --extract-secrets INPUT OUTPUT (extract.c): every DSB as
 * stored; one DSB -> OUTPUT, several -> OUTPUT's name with _00000, ...;
 * OUTPUT '-' = all payloads concatenated on stdout. Returns the exit
 * code. */
int cli_extract_secrets(const char *input, const char *output);

#endif
