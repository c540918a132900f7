/*
 * extract.c - `secretcap extract` and the editcap form
 * `secretcap --extract-secrets INPUT OUTPUT`: the secrets held in a
 * capture's Decryption Secrets Blocks, written out.
 *
 *   tls (default): one valid key log, the union of every TLS DSB in file
 *       order, each payload re-validated through keylog.c under the name
 *       "INPUT: DSB #N" (bad lines reported and dropped, duplicates once,
 *       LF line ends). A TLS DSB with no usable line is reported and skipped.
 *   another type, or "all": the payloads of the matching DSBs, as stored,
 *       concatenated in file order (streamed, never held whole).
 *   --split: one file per matching DSB, raw payload, named like editcap 4.4
 *       (STEM_00000.EXT, ...), each published atomically.
 * No matching DSB is an error (exit 1): a script asking for keys must not
 * mistake "none" for an empty key log. pcap input is an error too.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"
#include "keylog.h"
#include "output.h"
#include "secrets.h"
#include "secrets_extract.h"

static const char extract_help[] =
    "Usage: secretcap extract [OPTIONS] INPUT\n"
    "\n"
    "Writes the secrets held in the Decryption Secrets Blocks of INPUT (a\n"
    "pcapng file, optionally compressed with gzip, zstd or lz4; '-' =\n"
    "stdin).\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  output file (default '-': stdout)\n"
    "  -t, --type TYPE    secrets type to extract: tls (default), ssh, wg,\n"
    "                     opcua, esp, zigbee-nwk, zigbee-aps, a number\n"
    "                     (0xNNNNNNNN), or all\n"
    "      --split        one file per secrets block: FILE's name with\n"
    "                     _00000, _00001, ... before its extension (as\n"
    "                     editcap --extract-secrets); needs -o FILE\n"
    "      --max-window MIB  largest zstd window accepted (default 128)\n"
    "  -q, --quiet        no warnings\n"
    "  -h, --help         show this help\n"
    "\n"
    "For tls the output is one valid key log: every TLS block's lines in\n"
    "file order, checked line by line (bad lines are reported and dropped),\n"
    "each distinct line once, LF line ends. For other types (and all) the\n"
    "payloads are written as stored, concatenated in file order; binary\n"
    "types are not written to a terminal. --split writes each payload as\n"
    "stored. Files are written atomically (mode 0600).\n"
    "\n"
    "Exit status: 0 success, 1 data or I/O error (including: no secrets\n"
    "block of the type asked for; a pcap input), 2 usage error.\n";

struct extract_args {
    const char *input;
    const char *output; /* "-" = stdout */
    uint32_t type;
    bool all;
    bool split;
    bool editcap; /* editcap naming: split only when there are 2+ DSBs */
    bool quiet;
    struct input_opts in_opts; /* --max-window */
};

struct ex {
    const struct extract_args *a;
    const struct input *in;
    struct sc_diag *diag;
    struct keylog k; /* tls mode */
    uint64_t matched, skipped, other;
    /* raw mode: one output for everything */
    struct out_file out;
    struct writer w;
    bool open;
    /* editcap form: the first payload, held until a second one shows up */
    uint8_t *first;
    uint32_t first_len;
};

static bool
tls_mode(const struct extract_args *a)
{
    return !a->all && !a->split && a->type == SECRETS_TLS;
}

/* Refuses an output that is the input. */
static int
check_target(const struct ex *x, const char *path, struct sc_err *err)
{
    struct stat st;

    if (strcmp(path, "-") != 0 && fstat(x->in->fd, &st) == 0 &&
        S_ISREG(st.st_mode) && cli_same_file(path, &st))
        return sc_err_set(err, SC_ERR_USAGE,
                          "%s: output is the same file as the input %s; "
                          "refusing to overwrite it",
                          path, x->in->name);
    return 0;
}

static int
open_out(struct ex *x, const char *path, struct out_file *o, struct writer *w,
         struct sc_err *err)
{
    memset(o, 0, sizeof(*o));
    o->fd = -1;
    memset(w, 0, sizeof(*w));
    if (check_target(x, path, err) < 0)
        return -1;
    if (strcmp(path, "-") == 0) {
        /* Key logs are text: a terminal is fine (out_open refuses it). */
        o->fd = STDOUT_FILENO;
        o->is_stdout = true;
        o->name = "stdout";
    } else if (out_open(o, path, false, err) < 0) {
        return -1;
    }
    return writer_init(w, o->fd, o->name, (size_t)64 << 10, err);
}

static int
close_out(struct out_file *o, struct writer *w, struct sc_err *err)
{
    int rc = writer_flush(w, err);

    if (rc == 0 && !o->is_stdout)
        rc = out_commit(o, err);
    return rc;
}

static void
drop_out(struct out_file *o, struct writer *w)
{
    if (!o->is_stdout)
        out_abort(o);
    writer_free(w);
    memset(w, 0, sizeof(*w));
}

/* Writes one payload to its own file. */
static int
write_one(struct ex *x, const char *path, const uint8_t *p, size_t n,
          struct sc_err *err)
{
    struct out_file o;
    struct writer w;
    int rc;

    rc = open_out(x, path, &o, &w, err);
    if (rc == 0)
        rc = writer_write(&w, p, n, err);
    if (rc == 0)
        rc = close_out(&o, &w, err);
    drop_out(&o, &w);
    return rc;
}

static int
write_split(struct ex *x, uint64_t index, const uint8_t *p, size_t n,
            struct sc_err *err)
{
    char name[4096];

    if (secrets_split_name(x->a->output, index, name, sizeof(name)) < 0)
        return sc_err_set(err, SC_ERR_USAGE, "%s: output name too long",
                          x->a->output);
    return write_one(x, name, p, n, err);
}

static int
on_dsb(void *ctx, const struct dsb_view *d, struct sc_err *err)
{
    struct ex *x = ctx;
    const struct extract_args *a = x->a;
    struct keylog_opts kopts = {0};
    struct sc_err kerr;
    char name[4200];

    if (!a->all && d->type != a->type) {
        x->other++;
        return 0;
    }
    x->matched++;
    if (tls_mode(a)) {
        snprintf(name, sizeof(name), "%s: DSB #%" PRIu64, x->in->name,
                 d->number);
        sc_err_clear(&kerr);
        if (keylog_add_mem(&x->k, name, d->data, d->len, &kopts, x->diag,
                           &kerr) < 0) {
            if (kerr.kind != SC_ERR_DATA) {
                *err = kerr;
                return -1;
            }
            sc_warn(x->diag, "%s; block skipped", kerr.msg);
            x->skipped++;
        }
        return 0;
    }
    if (a->editcap && strcmp(a->output, "-") != 0) {
        /* editcap: one DSB -> OUTPUT; several -> OUTPUT_00000, ... */
        if (x->matched == 1) {
            x->first = malloc(d->len > 0 ? d->len : 1);
            if (x->first == NULL)
                return sc_err_set(err, SC_ERR_IO, "out of memory");
            memcpy(x->first, d->data, d->len);
            x->first_len = d->len;
            return 0;
        }
        if (x->matched == 2) {
            if (write_split(x, 0, x->first, x->first_len, err) < 0)
                return -1;
            free(x->first);
            x->first = NULL;
        }
        return write_split(x, x->matched - 1, d->data, d->len, err);
    }
    if (a->split)
        return write_split(x, x->matched - 1, d->data, d->len, err);
    if (!x->open) {
        if (open_out(x, a->output, &x->out, &x->w, err) < 0)
            return -1;
        x->open = true;
    }
    return writer_write(&x->w, d->data, d->len, err);
}

static void
type_label(const struct extract_args *a, char *buf, size_t cap)
{
    const char *n = secrets_type_name(a->type);

    if (a->all)
        snprintf(buf, cap, "any type");
    else if (n != NULL)
        snprintf(buf, cap, "type %s", n);
    else
        snprintf(buf, cap, "type 0x%08x", a->type);
}

static int
run_extract(const struct extract_args *a)
{
    struct sc_diag diag = {cli_print_warning, (void *)&a->quiet};
    struct input in = {0};
    struct ex x;
    struct sc_err err;
    uint64_t n_dsbs = 0;
    char what[32];
    int rc;

    memset(&x, 0, sizeof(x));
    x.a = a;
    x.in = &in;
    x.diag = &diag;
    x.out.fd = -1;
    keylog_init(&x.k, SECRETS_TLS);
    sc_err_clear(&err);
    if (!tls_mode(a) && !a->split && strcmp(a->output, "-") == 0 &&
        isatty(STDOUT_FILENO) &&
        (a->all ||
         (keylog_record_size(a->type) != 0 || !keylog_type_is_text(a->type)))) {
        rc = cli_usage_error("refusing to write binary secrets to a "
                             "terminal; use -o FILE or a redirection");
        goto done;
    }
    if (input_open(&in, a->input, &a->in_opts, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    if (in.format == FMT_PCAP) {
        fprintf(stderr, "%s: %s: is a pcap file; it holds no secrets blocks\n",
                cli_progname, in.name);
        rc = EXIT_DATA;
        goto done;
    }
    if (check_target(&x, a->output, &err) < 0 ||
        secrets_each_dsb(&in, on_dsb, &x, &n_dsbs, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    type_label(a, what, sizeof(what));
    if (x.matched == 0) {
        if (n_dsbs == 0)
            fprintf(stderr, "%s: %s: no secrets blocks\n", cli_progname,
                    in.name);
        else
            fprintf(stderr,
                    "%s: %s: no secrets blocks of %s (%" PRIu64
                    " of other types; see 'secretcap info')\n",
                    cli_progname, in.name, what, n_dsbs);
        rc = EXIT_DATA;
        goto done;
    }
    if (tls_mode(a)) {
        if (keylog_len(&x.k) == 0) {
            fprintf(stderr,
                    "%s: %s: no valid key-log line in its %" PRIu64
                    " TLS secrets block%s\n",
                    cli_progname, in.name, x.matched,
                    x.matched == 1 ? "" : "s");
            rc = EXIT_DATA;
            goto done;
        }
        if (open_out(&x, a->output, &x.out, &x.w, &err) < 0 ||
            keylog_each(&x.k, 0, keylog_len(&x.k), writer_put, &x.w, &err) <
                0 ||
            close_out(&x.out, &x.w, &err) < 0) {
            rc = cli_report(&err);
            goto done;
        }
    } else if (x.first != NULL) {
        if (write_one(&x, a->output, x.first, x.first_len, &err) < 0) {
            rc = cli_report(&err);
            goto done;
        }
    } else if (x.open && close_out(&x.out, &x.w, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    rc = 0;
done:
    if (x.open || tls_mode(a))
        drop_out(&x.out, &x.w);
    free(x.first);
    keylog_free(&x.k);
    input_close(&in);
    return rc;
}

int
cli_extract_secrets(const char *input, const char *output)
{
    struct extract_args a = {0};

    a.input = input;
    a.output = output;
    a.all = true;
    a.editcap = true;
    return run_extract(&a);
}

int
cmd_extract(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"type", required_argument, NULL, 't'},
        {"split", no_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},
        {"max-window", required_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct extract_args a = {0};
    bool known;
    int c, rc;

    a.output = "-";
    a.type = SECRETS_TLS;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            a.output = optarg;
            break;
        case 't':
            if (strcmp(optarg, "all") == 0) {
                a.all = true;
            } else if (secrets_type_parse(optarg, &a.type, &known) < 0) {
                return cli_usage_error(
                    "'%s' isn't a valid secrets type (known: %s, all, or a "
                    "number such as 0x544c534b)",
                    optarg, secrets_type_list());
            }
            break;
        case 'S':
            a.split = true;
            break;
        case 'q':
            a.quiet = true;
            break;
        case 'W':
            if ((rc = cli_parse_max_window(optarg, &a.in_opts)) != 0)
                return rc;
            break;
        case 'h':
            fputs(extract_help, stdout);
            return 0;
        default:
            return cli_option_error(c, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(argc - optind == 0
                                   ? "no input capture given"
                                   : "exactly one input capture expected");
    if (a.split && strcmp(a.output, "-") == 0)
        return cli_usage_error("--split needs -o FILE (the name the numbered "
                               "files are derived from)");
    a.input = argv[optind];
    return run_extract(&a);
}
