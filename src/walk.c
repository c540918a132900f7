/*
 * walk.c - finding and naming the captures of a batch run (see walk.h).
 *
 * Paths are built in fixed PATH_MAX buffers with explicit length checks; a
 * path that does not fit is an error, never truncated.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct walker {
    bool recursive;
    bool have_skip;
    dev_t skip_dev;
    ino_t skip_ino;
    walk_fn fn;
    void *ctx;
    void (*unreadable)(void *ctx, const char *path, int errnum);
};

bool
walk_is_temp_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    size_t i;

    if (name[0] != '.' || dot == NULL || dot == name || strlen(dot) != 7)
        return false;
    for (i = 1; i < 7; i++)
        if (!((dot[i] >= 'a' && dot[i] <= 'z') ||
              (dot[i] >= 'A' && dot[i] <= 'Z') ||
              (dot[i] >= '0' && dot[i] <= '9')))
            return false;
    return true;
}

static int
join(char *out, size_t cap, const char *a, const char *b, struct sc_err *err)
{
    int n = a[0] == '\0' ? snprintf(out, cap, "%s", b)
                         : snprintf(out, cap, "%s/%s", a, b);

    if (n < 0 || (size_t)n >= cap)
        return sc_err_set(err, SC_ERR_IO, "%s/%s: path too long", a, b);
    return 0;
}

static int
walk_dir(struct walker *w, const char *dir, const char *rel, int depth,
         struct sc_err *err)
{
    struct dirent **ents = NULL;
    int n, i, rc = 0;

    n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        if (w->unreadable != NULL)
            w->unreadable(w->ctx, dir, errno);
        return 0;
    }
    for (i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        char path[PATH_MAX], sub[PATH_MAX];
        struct stat st;

        if (rc != 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
            walk_is_temp_name(name))
            continue;
        if (join(path, sizeof(path), dir, name, err) < 0 ||
            join(sub, sizeof(sub), rel, name, err) < 0) {
            rc = -1;
            continue;
        }
        if (lstat(path, &st) < 0) {
            if (w->unreadable != NULL)
                w->unreadable(w->ctx, path, errno);
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            /* Follow links to files, never links to folders. */
            if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
                continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (!w->recursive || (w->have_skip && st.st_dev == w->skip_dev &&
                                  st.st_ino == w->skip_ino))
                continue;
            if (depth > 256) {
                rc = sc_err_set(err, SC_ERR_IO, "%s: folders nested too deep",
                                path);
                continue;
            }
            rc = walk_dir(w, path, sub, depth + 1, err);
        } else if (S_ISREG(st.st_mode)) {
            rc = w->fn(w->ctx, path, sub, err);
        }
    }
    for (i = 0; i < n; i++)
        free(ents[i]);
    free(ents);
    return rc;
}

int
walk_args(const char *const *paths, size_t n, bool recursive, const char *skip,
          walk_fn fn, void *ctx,
          void (*unreadable)(void *ctx, const char *path, int errnum),
          struct sc_err *err)
{
    struct walker w = {recursive, false, 0, 0, fn, ctx, unreadable};
    struct stat st;

    if (skip != NULL && stat(skip, &st) == 0) {
        w.have_skip = true;
        w.skip_dev = st.st_dev;
        w.skip_ino = st.st_ino;
    }
    for (size_t i = 0; i < n; i++) {
        const char *slash;

        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (walk_dir(&w, paths[i], "", 0, err) < 0)
                return -1;
            continue;
        }
        /* A file (or something the caller will report as unreadable). */
        slash = strrchr(paths[i], '/');
        if (fn(ctx, paths[i], slash ? slash + 1 : paths[i], err) < 0)
            return -1;
    }
    return 0;
}

static bool
strip_suffix(char *s, const char *const *suffixes)
{
    size_t len = strlen(s);

    for (size_t i = 0; suffixes[i] != NULL; i++) {
        size_t n = strlen(suffixes[i]);

        if (len > n && strcasecmp(s + len - n, suffixes[i]) == 0) {
            s[len - n] = '\0';
            return true;
        }
    }
    return false;
}

int
walk_stem(const char *name, char *out, size_t cap)
{
    static const char *const comp[] = {".gz",   ".gzip", ".zst",
                                       ".zstd", ".lz4",  NULL};
    static const char *const cap_ext[] = {".pcapng", ".pcap", ".cap", ".ntar",
                                          NULL};
    size_t len = strlen(name);

    if (len >= cap)
        return -1;
    memcpy(out, name, len + 1);
    strip_suffix(out, comp);
    strip_suffix(out, cap_ext);
    return 0;
}

int
walk_template(const char *tmpl, const char *path, char *out, size_t cap,
              struct sc_err *err)
{
    char dir[PATH_MAX], stem[PATH_MAX];
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    const char *whole = tmpl;
    size_t used = 0;

    if (slash == NULL) {
        strcpy(dir, ".");
    } else {
        size_t n = slash == path ? 1 : (size_t)(slash - path);

        if (n >= sizeof(dir))
            return sc_err_set(err, SC_ERR_IO, "%s: path too long", path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    if (walk_stem(name, stem, sizeof(stem)) < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: path too long", path);
    while (*tmpl != '\0') {
        const char *piece = tmpl;
        size_t n = 1;

        if (*tmpl == '{') {
            const char *close = strchr(tmpl, '}');
            size_t wl = close ? (size_t)(close - tmpl - 1) : 0;

            if (close != NULL && wl == 3 && strncmp(tmpl + 1, "dir", 3) == 0)
                piece = dir;
            else if (close != NULL && wl == 4 &&
                     strncmp(tmpl + 1, "name", 4) == 0)
                piece = name;
            else if (close != NULL && wl == 4 &&
                     strncmp(tmpl + 1, "stem", 4) == 0)
                piece = stem;
            else
                return sc_err_set(err, SC_ERR_USAGE,
                                  "key-log template '%s': unknown "
                                  "placeholder (use {dir}, {name}, {stem})",
                                  whole);
            n = strlen(piece);
            tmpl = close + 1;
        } else {
            tmpl++;
        }
        if (n >= cap - used)
            return sc_err_set(err, SC_ERR_IO, "%s: key-log path too long",
                              path);
        memcpy(out + used, piece, n);
        used += n;
    }
    out[used] = '\0';
    return 0;
}
