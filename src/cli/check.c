/*
 * check.c - `secretcap check`: validates key logs without any capture.
 *
 * Each KEYLOG is read into memory and checked alone first (keylog.c's
 * grammar, with its warnings): a file that is not a usable key log (no
 * valid line, binary, UTF-16, a capture) is reported and makes the exit
 * status 1. The usable files are then read again, in order, into one key
 * log with keylog_stats.h observing every valid line, so duplicates and
 * conflicts are found across files too. Problems are located as
 * file:line with the label at most; secrets are never printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "keylog.h"
#include "keylog_stats.h"
#include "secrets.h"

static const char check_help[] =
    "Usage: secretcap check [OPTIONS] KEYLOG...\n"
    "\n"
    "Checks key logs without touching any capture ('-' = stdin): every\n"
    "line against the format of its type, lines per label, distinct client\n"
    "randoms, TLS 1.2 and TLS 1.3 completeness per client random (TLS 1.3\n"
    "needs CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,\n"
    "CLIENT_TRAFFIC_SECRET_0 and SERVER_TRAFFIC_SECRET_0), duplicates and\n"
    "conflicts (same label and client random, different secret), across all\n"
    "the files given. Problems are shown as FILE:LINE; secrets never are.\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE  secrets type of the files (default tls; ssh, wg,\n"
    "                   opcua, esp, zigbee-nwk, zigbee-aps)\n"
    "  -j, --json       the report as JSON (warnings included, not printed)\n"
    "  -q, --quiet      no warnings (the report still lists problems)\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 every key log is usable (warnings and problems may have\n"
    "been reported), 1 a key log is unusable (no valid line, binary data,\n"
    "UTF-16, a capture, unreadable), 2 usage error.\n";

#define CHECK_MAX_FILES 256
#define CHECK_MAX_SIZE ((size_t)1 << 32)

struct file_report {
    const char *name;
    bool usable;
    char error[SC_ERR_MSG_MAX];
    uint64_t valid, invalid, comments;
    char **warnings;
    size_t n_warnings;
};

struct warn_sink {
    struct file_report *f;
    bool json, quiet;
};

static void
collect_warning(void *ctx, const char *msg)
{
    struct warn_sink *s = ctx;
    char **w;
    size_t n;

    if (!s->json) {
        if (!s->quiet)
            fprintf(stderr, "%s: warning: %s\n", cli_progname, msg);
        return;
    }
    w = realloc(s->f->warnings, (s->f->n_warnings + 1) * sizeof(*w));
    if (w == NULL)
        return;
    s->f->warnings = w;
    n = strlen(msg) + 1;
    w[s->f->n_warnings] = malloc(n);
    if (w[s->f->n_warnings] != NULL) {
        memcpy(w[s->f->n_warnings], msg, n);
        s->f->n_warnings++;
    }
}

/* The first, per-file pass observes nothing: it only keeps keylog.c from
 * warning about conflicts, which the report lists. */
static void
observe_nothing(void *ctx, const char *name, uint64_t lineno,
                const uint8_t *line, size_t len, bool dup)
{
    (void)ctx;
    (void)name;
    (void)lineno;
    (void)line;
    (void)len;
    (void)dup;
}

/* Reads a whole file ("-" = stdin). */
static int
slurp(const char *path, const char *name, uint8_t **data, size_t *len,
      struct sc_err *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    size_t cap = 0, n = 0;
    uint8_t *p = NULL, *q;
    struct stat st;
    ssize_t r;
    int fd;

    fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: cannot open: %s", name,
                          strerror(errno));
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (!is_stdin)
            close(fd);
        return sc_err_set(err, SC_ERR_IO, "%s: is a directory", name);
    }
    for (;;) {
        if (n == cap) {
            if (cap >= CHECK_MAX_SIZE) {
                sc_err_set(err, SC_ERR_DATA, "%s: larger than %zu bytes", name,
                           CHECK_MAX_SIZE);
                goto fail;
            }
            cap = cap == 0 ? 65536 : cap * 2;
            q = realloc(p, cap);
            if (q == NULL) {
                sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
                goto fail;
            }
            p = q;
        }
        r = read(fd, p + n, cap - n);
        if (r == 0)
            break;
        if (r < 0) {
            if (errno == EINTR && !sc_interrupted)
                continue;
            sc_err_set(err, SC_ERR_IO, "%s: read failed: %s", name,
                       strerror(errno));
            goto fail;
        }
        n += (size_t)r;
    }
    if (!is_stdin)
        close(fd);
    *data = p;
    *len = n;
    return 0;
fail:
    if (!is_stdin)
        close(fd);
    free(p);
    return -1;
}

static const char *
kind_name(enum kls_kind k)
{
    switch (k) {
    case KLS_DUPLICATE:
        return "duplicate";
    case KLS_CONFLICT:
        return "conflict";
    default:
        return "incomplete";
    }
}

static void
print_text(const struct file_report *fr, size_t nf, const struct keylog *k,
           const struct keylog_stats *st, bool usable)
{
    size_t i;
    unsigned b;

    for (i = 0; i < nf; i++) {
        if (!fr[i].usable) {
            printf("unusable: %s\n", fr[i].error);
            continue;
        }
        printf("%s: %" PRIu64 " valid line%s, %" PRIu64 " invalid, %" PRIu64
               " comment or blank\n",
               fr[i].name, fr[i].valid, fr[i].valid == 1 ? "" : "s",
               fr[i].invalid, fr[i].comments);
    }
    printf("total: %" PRIu64 " valid lines, %" PRIu64 " distinct (%" PRIu64
           " exact duplicates)\n",
           st->lines, k->lines_kept, st->exact_dups);
    if (st->n_labels > 0)
        printf("labels:\n");
    for (i = 0; i < st->n_labels; i++)
        printf("  %-34s %" PRIu64 "\n", st->labels[i].name,
               st->labels[i].count);
    if (st->other_label_lines > 0)
        printf("  %-34s %" PRIu64 "\n", "(other labels)",
               st->other_label_lines);
    if (st->type == SECRETS_TLS)
        printf("client randoms: %" PRIu64 " (TLS 1.2: %" PRIu64
               ", TLS 1.3 complete: %" PRIu64 ", TLS 1.3 incomplete: %" PRIu64
               ", other: %" PRIu64 ")\n",
               st->client_randoms, st->tls12, st->tls13_complete,
               st->tls13_incomplete, st->other_sessions);
    if (st->type == SECRETS_TLS)
        printf("duplicates: %" PRIu64 ", conflicts: %" PRIu64 "\n",
               st->duplicates, st->conflicts);
    for (i = 0; i < st->n_problems; i++) {
        const struct kls_problem *p = &st->problems[i];

        if (i == 0)
            printf("problems:\n");
        if (p->kind == KLS_INCOMPLETE) {
            printf("  %s:%" PRIu64 ": TLS 1.3 client random without", p->name,
                   p->line);
            for (b = 0; b < KLS_TLS13_NEEDED; b++)
                if (p->missing & (1u << b))
                    printf(" %s", kls_tls13_name(b));
            printf(" (first line of this client random)\n");
        } else if (p->kind == KLS_DUPLICATE) {
            printf("  %s:%" PRIu64 ": %s: duplicate of %s:%" PRIu64 "\n",
                   p->name, p->line, p->label, p->first_name, p->first_line);
        } else {
            printf("  %s:%" PRIu64 ": %s: conflicts with %s:%" PRIu64
                   " (same client random, different secret)\n",
                   p->name, p->line, p->label, p->first_name, p->first_line);
        }
    }
    if (st->problems_dropped > 0)
        printf("  ... %" PRIu64 " more problems not listed\n",
               st->problems_dropped);
    printf("result: %s\n", usable ? "usable" : "NOT usable");
}

static void
print_json(struct json *j, const struct file_report *fr, size_t nf,
           const struct keylog *k, const struct keylog_stats *st, bool usable)
{
    const char *tn = secrets_type_name(st->type);
    size_t i, w;
    unsigned b;

    json_obj_begin(j);
    json_key(j, "secretcap_check");
    json_u64(j, 1);
    json_key(j, "type");
    json_str(j, tn != NULL ? tn : "unknown");
    json_key(j, "usable");
    json_bool(j, usable);
    json_key(j, "files");
    json_arr_begin(j);
    for (i = 0; i < nf; i++) {
        json_obj_begin(j);
        json_key(j, "file");
        json_str(j, fr[i].name);
        json_key(j, "usable");
        json_bool(j, fr[i].usable);
        json_key(j, "error");
        if (fr[i].usable)
            json_null(j);
        else
            json_str(j, fr[i].error);
        json_key(j, "valid_lines");
        json_u64(j, fr[i].valid);
        json_key(j, "invalid_lines");
        json_u64(j, fr[i].invalid);
        json_key(j, "comment_lines");
        json_u64(j, fr[i].comments);
        json_key(j, "warnings");
        json_arr_begin(j);
        for (w = 0; w < fr[i].n_warnings; w++)
            json_str(j, fr[i].warnings[w]);
        json_arr_end(j);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "valid_lines");
    json_u64(j, st->lines);
    json_key(j, "distinct_lines");
    json_u64(j, k->lines_kept);
    json_key(j, "exact_duplicates");
    json_u64(j, st->exact_dups);
    json_key(j, "labels");
    json_obj_begin(j);
    for (i = 0; i < st->n_labels; i++) {
        json_key(j, st->labels[i].name);
        json_u64(j, st->labels[i].count);
    }
    json_obj_end(j);
    json_key(j, "other_label_lines");
    json_u64(j, st->other_label_lines);
    json_key(j, "client_randoms");
    json_u64(j, st->client_randoms);
    json_key(j, "sessions");
    json_obj_begin(j);
    json_key(j, "tls12");
    json_u64(j, st->tls12);
    json_key(j, "tls13_complete");
    json_u64(j, st->tls13_complete);
    json_key(j, "tls13_incomplete");
    json_u64(j, st->tls13_incomplete);
    json_key(j, "other");
    json_u64(j, st->other_sessions);
    json_obj_end(j);
    json_key(j, "duplicates");
    json_u64(j, st->duplicates);
    json_key(j, "conflicts");
    json_u64(j, st->conflicts);
    json_key(j, "problems");
    json_arr_begin(j);
    for (i = 0; i < st->n_problems; i++) {
        const struct kls_problem *p = &st->problems[i];

        json_obj_begin(j);
        json_key(j, "kind");
        json_str(j, kind_name(p->kind));
        json_key(j, "file");
        json_str(j, p->name);
        json_key(j, "line");
        json_u64(j, p->line);
        if (p->kind == KLS_INCOMPLETE) {
            json_key(j, "missing");
            json_arr_begin(j);
            for (b = 0; b < KLS_TLS13_NEEDED; b++)
                if (p->missing & (1u << b))
                    json_str(j, kls_tls13_name(b));
            json_arr_end(j);
        } else {
            json_key(j, "label");
            json_str(j, p->label);
            json_key(j, "first_file");
            json_str(j, p->first_name);
            json_key(j, "first_line");
            json_u64(j, p->first_line);
        }
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "problems_not_listed");
    json_u64(j, st->problems_dropped);
    json_obj_end(j);
    json_end(j);
}

int
cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"type", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static struct file_report fr[CHECK_MAX_FILES];
    struct keylog k;
    struct keylog_stats st;
    struct keylog_opts kopts = {0}, quiet_opts = {0};
    struct warn_sink sink = {0};
    struct sc_diag diag = {collect_warning, &sink};
    struct sc_err err;
    struct json j;
    uint32_t type = SECRETS_TLS;
    bool known, usable = true;
    size_t nf, i, w;
    int c, rc = 0, stdin_uses = 0;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:jqh", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (secrets_type_parse(optarg, &type, &known) < 0 || !known)
                return cli_usage_error(
                    "'%s' isn't a secrets type check knows (known: %s)", optarg,
                    secrets_type_list());
            break;
        case 'j':
            sink.json = true;
            break;
        case 'q':
            sink.quiet = true;
            break;
        case 'h':
            fputs(check_help, stdout);
            return 0;
        default:
            return cli_option_error(c, argv);
        }
    }
    nf = (size_t)(argc - optind);
    if (nf == 0)
        return cli_usage_error("no key log given");
    if (nf > CHECK_MAX_FILES)
        return cli_usage_error("too many key logs (at most %d)",
                               CHECK_MAX_FILES);
    for (i = 0; i < nf; i++)
        if (strcmp(argv[optind + (int)i], "-") == 0 && ++stdin_uses > 1)
            return cli_usage_error("stdin can be read only once");
    keylog_init(&k, type);
    keylog_stats_init(&st, type);
    kopts.on_line = keylog_stats_line;
    kopts.on_line_ctx = &st;
    quiet_opts.on_line = observe_nothing;
    for (i = 0; i < nf; i++) {
        const char *path = argv[optind + (int)i];
        struct keylog alone;
        uint8_t *data = NULL;
        size_t len = 0;

        memset(&fr[i], 0, sizeof(fr[i]));
        fr[i].name = strcmp(path, "-") == 0 ? "(stdin)" : path;
        sink.f = &fr[i];
        sc_err_clear(&err);
        keylog_init(&alone, type);
        if (slurp(path, fr[i].name, &data, &len, &err) == 0 &&
            keylog_add_mem(&alone, fr[i].name, data, len, &quiet_opts, &diag,
                           &err) == 0) {
            fr[i].usable = true;
            fr[i].valid = alone.lines_kept + alone.lines_dup;
            fr[i].invalid = alone.lines_bad;
            fr[i].comments = alone.lines_comment;
            /* The same text again, now observed; cannot fail but for
             * memory. */
            if (keylog_add_mem(&k, fr[i].name, data, len, &kopts, NULL, &err) <
                0)
                fr[i].usable = false;
        }
        if (!fr[i].usable) {
            if (err.kind == SC_ERR_INTR) {
                free(data);
                keylog_free(&alone);
                rc = cli_report(&err);
                goto done;
            }
            snprintf(fr[i].error, sizeof(fr[i].error), "%s", err.msg);
            cli_report(&err);
            usable = false;
        }
        free(data);
        keylog_free(&alone);
    }
    if (keylog_stats_finish(&st, &err) < 0) {
        rc = cli_report(&err);
        goto done;
    }
    fflush(stderr);
    if (sink.json) {
        json_init(&j);
        print_json(&j, fr, nf, &k, &st, usable);
        if (!json_failed(&j))
            fwrite(j.buf, 1, j.len, stdout);
        json_free(&j);
    } else {
        print_text(fr, nf, &k, &st, usable);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = errno == EPIPE ? EXIT_PIPE : EXIT_DATA;
    else
        rc = usable ? 0 : EXIT_DATA;
done:
    for (i = 0; i < nf; i++) {
        for (w = 0; w < fr[i].n_warnings; w++)
            free(fr[i].warnings[w]);
        free(fr[i].warnings);
        fr[i].warnings = NULL;
        fr[i].n_warnings = 0;
    }
    keylog_stats_free(&st);
    keylog_free(&k);
    return rc;
}
