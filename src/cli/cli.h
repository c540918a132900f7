/*
 * cli.h - what the command-line files share: exit codes, the program name,
 * message helpers and the entry point of each command. The CLI (src/cli/)
 * is the only code that prints to the user or exits; the library in src/
 * returns errors in struct sc_err.
 */
#ifndef SC_CLI_H
#define SC_CLI_H

#include <stdbool.h>
#include <sys/stat.h>

#include "err.h"

#define EXIT_DATA 1   /* data or I/O error */
#define EXIT_USAGE 2  /* usage error */
#define EXIT_PIPE 141 /* output pipe closed (128 + SIGPIPE), quiet */

extern const char *cli_progname;

/* Prints "secretcap: MSG" and the --help hint; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints err (nothing for a closed pipe) and returns its exit code. */
int cli_report(const struct sc_err *err);

/* A struct sc_diag callback: prints "secretcap: warning: MSG" unless
 * *(const bool *)quiet. */
void cli_print_warning(void *quiet, const char *msg);

/* True when path exists and is the file described by sb (symlinks
 * followed, so a symlink or a hard link to it counts). */
bool cli_same_file(const char *path, const struct stat *sb);

/* Commands: argv[0] is the command name. Each returns the exit code. */
int cmd_inject(int argc, char **argv);
/* The editcap-compatible form: argv is the whole command line. */
int cmd_editcap(int argc, char **argv);

#endif
