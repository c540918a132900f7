/*
 * batch.c - `secretcap inject` over many captures: -O OUTDIR, -r,
 * --files-from, --keylog-for, --in-place, -j N, --report.
 *
 * The parent finds the captures (walk.c; recognised by content), decides
 * each output name, then runs up to N worker processes, one capture each.
 * A worker is an ordinary single-file inject (cli_inject_one) in a child
 * process, so every rule of the single-file path holds per capture: temp
 * file + rename, nothing left on error, input never written. Each worker
 * sends its result (a fixed-size record) back through a pipe. A failure
 * does not stop the others unless --fail-fast. SIGINT/SIGTERM: the parent
 * stops starting work, passes the signal to the workers (which remove
 * their temp files), waits for them and exits 128+N; completed outputs
 * stay.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "walk.h"

enum job_state { JOB_TODO, JOB_SKIPPED, JOB_RUNNING, JOB_DONE, JOB_FAILED };

struct job {
    char *input;
    char *output;
    char *keylog; /* per-capture key log, or NULL */
    enum job_state state;
    const char *why; /* skip reason (static text) */
    struct cli_result res;
};

struct batch {
    const struct inject_args *args;
    const struct out_opts *oo;
    const struct batch_args *b;
    struct loaded_secrets *s;
    enum compression out_comp; /* of every output */
    struct job *jobs;
    size_t n_jobs, cap_jobs;
    size_t not_captures;
};

static int
add_job(struct batch *bt, const char *input, const char *output,
        const char *keylog)
{
    struct job *j;

    if (bt->n_jobs == bt->cap_jobs) {
        size_t cap = bt->cap_jobs ? bt->cap_jobs * 2 : 64;
        struct job *nj = realloc(bt->jobs, cap * sizeof(*nj));

        if (nj == NULL)
            return -1;
        bt->jobs = nj;
        bt->cap_jobs = cap;
    }
    j = &bt->jobs[bt->n_jobs];
    memset(j, 0, sizeof(*j));
    j->input = strdup(input);
    j->output = output ? strdup(output) : NULL;
    j->keylog = keylog ? strdup(keylog) : NULL;
    if (j->input == NULL || (output && !j->output) || (keylog && !j->keylog))
        return -1;
    bt->n_jobs++;
    return 0;
}

/* Output path for a capture found as `rel`: OUTDIR/<rel dir>/<stem>.pcapng,
 * or beside the input for --in-place. */
static int
output_for(const struct batch *bt, const char *path, const char *rel,
           const struct input *in, char *out, size_t cap)
{
    char ext[16];
    char stem[PATH_MAX], dir[PATH_MAX];
    const char *slash, *name;
    int n;

    /* In place: a pcapng whose result has the same compression replaces
     * itself; anything else gets <stem>.pcapng beside it. */
    snprintf(ext, sizeof(ext), ".pcapng%s",
             compression_info(bt->out_comp)->suffix);
    if (bt->b->in_place && in->format == FMT_PCAPNG &&
        in->compression == bt->out_comp) {
        n = snprintf(out, cap, "%s", path);
        return n < 0 || (size_t)n >= cap ? -1 : 0;
    }
    slash = strrchr(bt->b->in_place ? path : rel, '/');
    name = slash ? slash + 1 : (bt->b->in_place ? path : rel);
    if (walk_stem(name, stem, sizeof(stem)) < 0)
        return -1;
    if (bt->b->in_place) {
        n = slash
                ? snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path)
                : snprintf(dir, sizeof(dir), ".");
    } else if (slash != NULL) {
        n = snprintf(dir, sizeof(dir), "%s/%.*s", bt->b->outdir,
                     (int)(slash - rel), rel);
    } else {
        n = snprintf(dir, sizeof(dir), "%s", bt->b->outdir);
    }
    if (n < 0 || (size_t)n >= sizeof(dir))
        return -1;
    n = snprintf(out, cap, "%s/%s%s", dir, stem, ext);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Called by the walk for every candidate file. */
static int
consider(void *ctx, const char *path, const char *rel, struct sc_err *err)
{
    struct batch *bt = ctx;
    char out[PATH_MAX], keys[PATH_MAX];
    const char *keylog = NULL;
    struct input in = {0};
    struct sc_err ierr = {0};
    size_t idx = bt->n_jobs;
    int rc;
    struct stat si, so;

    /* Recognised by content: what input_open accepts is a capture. */
    if (input_open(&in, path, &bt->args->in_opts, &ierr) < 0) {
        if (ierr.kind == SC_ERR_DATA &&
            strstr(ierr.msg, "not a capture file") != NULL) {
            bt->not_captures++;
            return 0;
        }
        /* Unreadable or broken: a failed job, reported with the rest. */
        if (add_job(bt, path, NULL, NULL) < 0)
            return sc_err_set(err, SC_ERR_IO, "out of memory");
        bt->jobs[idx].state = JOB_FAILED;
        bt->jobs[idx].res.status = EXIT_DATA;
        snprintf(bt->jobs[idx].res.error, sizeof(bt->jobs[idx].res.error), "%s",
                 ierr.msg);
        return 0;
    }
    rc = output_for(bt, path, rel, &in, out, sizeof(out));
    input_close(&in);
    if (rc < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: output path too long", path);
    if (bt->b->keylog_for != NULL) {
        if (walk_template(bt->b->keylog_for, path, keys, sizeof(keys), err) < 0)
            return -1;
        if (access(keys, R_OK) == 0)
            keylog = keys;
    }
    if (add_job(bt, path, out, keylog) < 0)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    if (bt->b->keylog_for != NULL && keylog == NULL) {
        if (bt->b->require_keys) {
            bt->jobs[idx].state = JOB_FAILED;
            bt->jobs[idx].res.status = EXIT_DATA;
            snprintf(bt->jobs[idx].res.error, sizeof(bt->jobs[idx].res.error),
                     "%s: no key log found (%s)", path, keys);
        } else if (bt->args->n_files == 0) {
            bt->jobs[idx].state = JOB_SKIPPED;
            bt->jobs[idx].why = "no key log found";
        }
    }
    if (bt->jobs[idx].state == JOB_TODO && bt->b->skip_existing &&
        stat(out, &so) == 0 && stat(path, &si) == 0 &&
        (so.st_mtim.tv_sec > si.st_mtim.tv_sec ||
         (so.st_mtim.tv_sec == si.st_mtim.tv_sec &&
          so.st_mtim.tv_nsec >= si.st_mtim.tv_nsec)) &&
        strcmp(out, path) != 0) {
        bt->jobs[idx].state = JOB_SKIPPED;
        bt->jobs[idx].why = "output exists and is newer";
    }
    return 0;
}

static void
note_unreadable(void *ctx, const char *path, int errnum)
{
    struct batch *bt = ctx;
    size_t idx = bt->n_jobs;

    if (add_job(bt, path, NULL, NULL) < 0)
        return;
    bt->jobs[idx].state = JOB_FAILED;
    bt->jobs[idx].res.status = EXIT_DATA;
    snprintf(bt->jobs[idx].res.error, sizeof(bt->jobs[idx].res.error),
             "%s: cannot read: %s", path, strerror(errnum));
}

static void note_unreadable(void *ctx, const char *path, int errnum);

/* Paths from --files-from: a relative path without ".." is mirrored as
 * it is (so `find . -print0` keeps the tree), anything else by its base
 * name; a folder is walked like a folder argument. */
static int
consider_listed(struct batch *bt, char **paths, size_t n, struct sc_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = paths[i], *rel = p, *slash;
        struct stat st;

        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (walk_args((const char *const *)&paths[i], 1, bt->b->recursive,
                          bt->b->outdir, consider, bt, note_unreadable,
                          err) < 0)
                return -1;
            continue;
        }
        while (strncmp(rel, "./", 2) == 0)
            rel += 2;
        slash = strrchr(p, '/');
        if (p[0] == '/' || strstr(p, "..") != NULL || rel[0] == '\0')
            rel = slash ? slash + 1 : p;
        if (consider(bt, p, rel, err) < 0)
            return -1;
    }
    return 0;
}

/* Two inputs may map to one output (x.pcap and x.pcap.gz): the later ones
 * fail instead of silently replacing the first one's result. */
static int
cmp_output(const void *a, const void *b)
{
    const struct job *const *x = a, *const *y = b;
    int c = strcmp((*x)->output, (*y)->output);

    /* Equal names stay in input order. */
    return c != 0 ? c : (*x < *y ? -1 : *x > *y);
}

static int
mark_collisions(struct batch *bt)
{
    struct job **v = malloc((bt->n_jobs + 1) * sizeof(*v));
    size_t n = 0;

    if (v == NULL)
        return -1;
    for (size_t i = 0; i < bt->n_jobs; i++)
        if (bt->jobs[i].output != NULL && bt->jobs[i].state == JOB_TODO)
            v[n++] = &bt->jobs[i];
    qsort(v, n, sizeof(*v), cmp_output);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (strcmp(v[first]->output, v[i]->output) != 0) {
            first = i;
            continue;
        }
        v[i]->state = JOB_FAILED;
        v[i]->res.status = EXIT_DATA;
        snprintf(v[i]->res.error, sizeof(v[i]->res.error),
                 "%s: output %s is also the output of %s; skipped", v[i]->input,
                 v[i]->output, v[first]->input);
    }
    free(v);
    return 0;
}

/* Reads NUL- or newline-separated paths from FILE ("-" = stdin). */
static int
read_files_from(const char *file, char **buf, char ***paths, size_t *n)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    char *data = NULL, *p, *end, sep;
    size_t len = 0, cap = 0, got;

    *paths = NULL;
    *n = 0;
    if (f == NULL) {
        fprintf(stderr, "%s: %s: cannot open: %s\n", cli_progname, file,
                strerror(errno));
        return EXIT_DATA;
    }
    do {
        if (len == cap) {
            char *nd;

            cap = cap ? cap * 2 : 65536;
            nd = realloc(data, cap + 1);
            if (nd == NULL) {
                free(data);
                return EXIT_DATA;
            }
            data = nd;
        }
        got = fread(data + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (f != stdin)
        fclose(f);
    data[len] = '\0';
    sep = memchr(data, '\0', len) != NULL ? '\0' : '\n';
    *paths = calloc(len / 2 + 2, sizeof(char *));
    if (*paths == NULL) {
        free(data);
        return EXIT_DATA;
    }
    for (p = data, end = data + len; p < end;) {
        char *q = memchr(p, sep, (size_t)(end - p));

        if (q == NULL)
            q = end;
        *q = '\0';
        if (q > p)
            (*paths)[(*n)++] = p;
        p = q + 1;
    }
    *buf = data; /* the paths point into it */
    return 0;
}

/* mkdir -p of the folder that will hold path. */
static int
make_parent_dirs(const char *path, struct sc_err *err)
{
    char dir[PATH_MAX];
    size_t n = strlen(path);

    if (n >= sizeof(dir))
        return sc_err_set(err, SC_ERR_IO, "%s: path too long", path);
    memcpy(dir, path, n + 1);
    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0777) < 0 && errno != EEXIST)
            return sc_err_set(err, SC_ERR_IO, "%s: cannot create folder: %s",
                              dir, strerror(errno));
        *p = '/';
    }
    return 0;
}

/* The worker: one capture, in a child process. */
static void
run_child(const struct batch *bt, const struct job *j, int fd)
{
    struct cli_result res = {0};
    struct sc_err err = {0};
    struct out_opts oo = *bt->oo;
    ssize_t put;

    /* --rm: the original goes only once its result is on disk. */
    if (bt->b->rm)
        oo.sync = true;
    if (make_parent_dirs(j->output, &err) < 0) {
        res.status = EXIT_DATA;
        snprintf(res.error, sizeof(res.error), "%s", err.msg);
    } else {
        cli_inject_file(bt->args, &oo, bt->s, j->input, j->output, j->keylog,
                        bt->b->in_place, false, &res);
        if (res.status == 0 && bt->b->in_place && bt->b->rm &&
            strcmp(j->input, j->output) != 0 && unlink(j->input) < 0) {
            res.status = EXIT_DATA;
            snprintf(res.error, sizeof(res.error),
                     "%s: converted, but cannot remove the original: %s",
                     j->input, strerror(errno));
        }
    }
    put = write(fd, &res, sizeof(res));
    _exit(put == (ssize_t)sizeof(res) ? res.status : EXIT_DATA);
}

struct worker {
    pid_t pid;
    int fd;
    size_t job;
};

/* A string member, or null. */
static void
json_str_member(struct json *j, const char *key, const char *value)
{
    json_key(j, key);
    if (value != NULL)
        json_str(j, value);
    else
        json_null(j);
}

/* One JSON object per input, in input order (docs: README "A folder of
 * captures"). */
static int
write_report(const struct batch *bt, const char *path)
{
    static const char *const names[] = {"cancelled", "skipped", "cancelled",
                                        "done", "failed"};
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    bool ok = f != NULL;

    for (size_t i = 0; ok && i < bt->n_jobs; i++) {
        const struct job *jb = &bt->jobs[i];
        bool ran = jb->state == JOB_DONE || jb->state == JOB_FAILED;
        struct json j;

        json_init(&j);
        j.compact = true;
        json_obj_begin(&j);
        json_str_member(&j, "path", jb->input);
        json_str_member(&j, "output", ran ? jb->output : NULL);
        json_str_member(&j, "status",
                        jb->state == JOB_DONE && jb->res.salvaged
                            ? "salvaged"
                            : names[jb->state]);
        json_str_member(&j, "error",
                        jb->state == JOB_FAILED    ? jb->res.error
                        : jb->state == JOB_SKIPPED ? jb->why
                                                   : NULL);
        json_str_member(&j, "keylog", jb->keylog);
        json_key(&j, "packets");
        json_u64(&j, jb->res.packets);
        json_key(&j, "secrets_blocks");
        json_u64(&j, jb->res.dsbs_added);
        json_key(&j, "bytes_in");
        json_u64(&j, jb->res.bytes_in);
        if (jb->res.salvaged) {
            json_key_u64(&j, "cut_at", jb->res.cut_at);
            json_key_u64(&j, "bytes_dropped", jb->res.dropped);
        }
        if (bt->args->scope_capture) {
            /* --scope capture: what the first pass found and kept. */
            const struct cli_result *r = &jb->res;

            json_key_u64(&j, "sessions", r->sessions);
            json_key_u64(&j, "sessions_complete", r->sessions_complete);
            json_key_u64(&j, "sessions_partial", r->sessions_partial);
            json_key_u64(&j, "sessions_without_keys", r->sessions_none);
            json_key_u64(&j, "sessions_rejected", r->sessions_rejected);
            json_key_u64(&j, "flows_without_handshake",
                         r->flows_without_handshake);
            json_key_u64(&j, "keylog_lines_kept", r->lines_kept);
            json_key_u64(&j, "keylog_lines_dropped", r->lines_dropped);
            json_key_u64(&j, "keylog_lines_legacy", r->lines_legacy);
        }
        json_obj_end(&j);
        json_end(&j);
        ok = !json_failed(&j) && fputs(j.buf, f) >= 0;
        json_free(&j);
    }
    if (f != NULL && f != stdout && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "%s: %s: cannot write report: %s\n", cli_progname, path,
                strerror(errno));
    return ok ? 0 : -1;
}

/* Starts job i in a new worker. Returns 0, or -1 if fork/pipe failed. */
static int
start(struct batch *bt, struct worker *w, size_t i)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) < 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(bt, &bt->jobs[i], fds[1]);
    }
    close(fds[1]);
    w->pid = pid;
    w->fd = fds[0];
    w->job = i;
    bt->jobs[i].state = JOB_RUNNING;
    return 0;
}

/* Waits for any worker to finish and reaps it. */
static void
wait_one(struct batch *bt, struct worker *ws, size_t n, bool *forwarded)
{
    for (;;) {
        int wstatus;
        pid_t pid;

        if (sc_interrupted && !*forwarded) {
            for (size_t k = 0; k < n; k++)
                if (ws[k].pid > 0)
                    kill(ws[k].pid, sc_interrupted);
            *forwarded = true;
        }
        pid = waitpid(-1, &wstatus, WNOHANG);
        if (pid == 0) {
            struct timespec ts = {0, 20 * 1000 * 1000};

            nanosleep(&ts, NULL);
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            if (ws[k].pid == pid && pid > 0) {
                struct job *j = &bt->jobs[ws[k].job];
                ssize_t got = read(ws[k].fd, &j->res, sizeof(j->res));

                close(ws[k].fd);
                if (got != (ssize_t)sizeof(j->res)) {
                    memset(&j->res, 0, sizeof(j->res));
                    j->res.status = WIFSIGNALED(wstatus)
                                        ? 128 + WTERMSIG(wstatus)
                                        : EXIT_DATA;
                    snprintf(j->res.error, sizeof(j->res.error),
                             "%s: worker ended without a result", j->input);
                }
                j->res.error[sizeof(j->res.error) - 1] = '\0';
                j->state = j->res.status == 0 ? JOB_DONE : JOB_FAILED;
                ws[k].pid = 0;
                return;
            }
        }
        if (pid < 0 && errno == ECHILD)
            return;
    }
}

int
cli_run_batch(const struct inject_args *args, const struct out_opts *oo,
              const struct batch_args *b, struct loaded_secrets *s)
{
    struct batch bt = {0};
    struct worker *ws;
    struct sc_err err = {0};
    char **from = NULL, *from_buf = NULL;
    size_t n_from = 0, running = 0, next = 0;
    size_t done = 0, skipped = 0, failed = 0, cancelled = 0;
    unsigned long long bytes = 0;
    bool forwarded = false, stop = false;
    double t0 = cli_now(), dt;
    int rc = 0;

    bt.args = args;
    bt.oo = oo;
    bt.b = b;
    bt.s = s;
    bt.out_comp = cli_output_compression(oo, NULL);
    if (b->files_from != NULL) {
        rc = read_files_from(b->files_from, &from_buf, &from, &n_from);
        if (rc != 0)
            return rc;
    }
    if (walk_args((const char *const *)args->inputs, args->n_inputs,
                  b->recursive, b->outdir, consider, &bt, note_unreadable,
                  &err) < 0 ||
        consider_listed(&bt, from, n_from, &err) < 0) {
        free(from);
        free(from_buf);
        return cli_report(&err);
    }
    if (mark_collisions(&bt) < 0)
        return EXIT_DATA;
    ws = calloc(b->jobs, sizeof(*ws));
    if (ws == NULL) {
        free(from);
        free(from_buf);
        return EXIT_DATA;
    }
    while (!stop || running > 0) {
        while (!stop && running < b->jobs && next < bt.n_jobs &&
               !sc_interrupted) {
            if (bt.jobs[next].state != JOB_TODO) {
                next++;
                continue;
            }
            for (size_t k = 0; k < b->jobs; k++) {
                if (ws[k].pid == 0) {
                    if (start(&bt, &ws[k], next) < 0) {
                        bt.jobs[next].state = JOB_FAILED;
                        bt.jobs[next].res.status = EXIT_DATA;
                        snprintf(bt.jobs[next].res.error,
                                 sizeof(bt.jobs[next].res.error),
                                 "%s: cannot start a worker: %s",
                                 bt.jobs[next].input, strerror(errno));
                    } else {
                        running++;
                    }
                    break;
                }
            }
            next++;
        }
        if (next >= bt.n_jobs || sc_interrupted)
            stop = true;
        if (running == 0)
            break;
        wait_one(&bt, ws, b->jobs, &forwarded);
        running--;
        for (size_t i = 0; i < bt.n_jobs && b->fail_fast; i++)
            if (bt.jobs[i].state == JOB_FAILED)
                stop = true;
    }
    dt = cli_now() - t0;
    for (size_t i = 0; i < bt.n_jobs; i++) {
        const struct job *j = &bt.jobs[i];

        switch (j->state) {
        case JOB_DONE:
            done++;
            bytes += j->res.bytes_in;
            break;
        case JOB_SKIPPED:
            skipped++;
            if (!args->quiet)
                fprintf(stderr, "%s: %s: skipped: %s\n", cli_progname, j->input,
                        j->why);
            break;
        case JOB_FAILED:
            failed++;
            if (j->res.error[0] != '\0' && j->res.status < 128)
                fprintf(stderr, "%s: %s\n", cli_progname, j->res.error);
            break;
        default:
            cancelled++;
            break;
        }
    }
    if (b->report != NULL && write_report(&bt, b->report) < 0)
        rc = EXIT_DATA;
    if (!args->quiet || failed > 0) {
        fprintf(stderr, "%s: %zu done, %zu skipped, %zu failed", cli_progname,
                done, skipped, failed);
        if (cancelled > 0)
            fprintf(stderr, ", %zu not started", cancelled);
        fprintf(stderr, ", %zu not captures; %.1f MB in %.2f s (%.1f MB/s)\n",
                bt.not_captures, (double)bytes / 1e6, dt,
                dt > 0 ? (double)bytes / 1e6 / dt : 0.0);
    }
    for (size_t i = 0; i < bt.n_jobs; i++) {
        free(bt.jobs[i].input);
        free(bt.jobs[i].output);
        free(bt.jobs[i].keylog);
    }
    free(bt.jobs);
    free(ws);
    free(from);
    free(from_buf);
    if (sc_interrupted)
        return 128 + sc_interrupted;
    if (failed > 0)
        return EXIT_DATA;
    return rc;
}
