/*
 * keylog_stats.h - what a key log holds, for `check` and `info`: lines per
 * label, distinct client randoms, TLS 1.2 / 1.3 completeness per client
 * random, duplicates and conflicts, each problem located as file:line.
 *
 * keylog_stats_line() is a keylog_line_fn (keylog.h): pass it with the
 * stats as opts.on_line / on_line_ctx to keylog_add_file or keylog_add_mem,
 * which call it for every valid line, so the grammar is checked once, in
 * keylog.c. Then keylog_stats_finish() computes the completeness.
 *
 * TLS (RFC 9850 labels): a client random is a TLS 1.2 session when it has
 * CLIENT_RANDOM; otherwise a TLS 1.3 session when it has any TLS 1.3 label
 * (CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 * CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0, EXPORTER_SECRET,
 * CLIENT_EARLY_TRAFFIC_SECRET, EARLY_EXPORTER_SECRET), complete when it has
 * the four handshake and traffic secrets Wireshark needs to decrypt both
 * directions; otherwise (ECH or unknown labels only) "other". Legacy RSA
 * lines are counted per label but have no client random.
 * A duplicate is a line whose label and client random were seen before
 * with the same secret (hex compared ignoring case); a conflict, with a
 * different secret. Other types: lines and exact duplicates only.
 *
 * Secrets never leave this module: problems carry file names, line numbers
 * and labels; a secret is kept only as a 64-bit hash. File names are
 * pointers to the caller's strings, which must outlive the stats.
 * Memory: one entry per distinct (label, client random) and per client
 * random; at most KLS_MAX_LABELS labels are named (the rest counted
 * together) and KLS_MAX_PROBLEMS problems kept (all counted).
 */
#ifndef SC_KEYLOG_STATS_H
#define SC_KEYLOG_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KLS_MAX_LABELS 64
#define KLS_LABEL_SHOW 64
#define KLS_MAX_PROBLEMS 1000

/* TLS 1.3 secrets a session needs to be decrypted in both directions. */
#define KLS_TLS13_NEEDED 4

struct kls_label {
    char name[KLS_LABEL_SHOW + 4]; /* "..." appended when cut */
    uint64_t hash;
    uint64_t count;
};

enum kls_kind {
    KLS_DUPLICATE,  /* same label, client random and secret */
    KLS_CONFLICT,   /* same label and client random, other secret */
    KLS_INCOMPLETE, /* TLS 1.3 session without all needed secrets */
};

struct kls_problem {
    enum kls_kind kind;
    const char *name; /* file of the line */
    uint64_t line;
    const char *first_name; /* the earlier line (duplicate, conflict) */
    uint64_t first_line;
    char label[KLS_LABEL_SHOW + 4];
    /* incomplete: the missing labels, as a bit set of kls_tls13_names() */
    unsigned missing;
};

struct kls_table; /* private hash sets */

struct keylog_stats {
    uint32_t type;
    uint64_t lines;      /* valid lines seen, duplicates included */
    uint64_t exact_dups; /* byte-identical repeated lines */
    struct kls_label labels[KLS_MAX_LABELS];
    size_t n_labels;
    uint64_t other_label_lines; /* lines of labels beyond KLS_MAX_LABELS */
    /* TLS sessions, after keylog_stats_finish() */
    uint64_t client_randoms;
    uint64_t tls12, tls13_complete, tls13_incomplete, other_sessions;
    uint64_t duplicates, conflicts;
    struct kls_problem *problems; /* in line order, then incomplete ones */
    size_t n_problems, cap_problems;
    uint64_t problems_dropped; /* beyond KLS_MAX_PROBLEMS */
    bool oom;                  /* an allocation failed: stats incomplete */
    struct kls_table *t;
};

void keylog_stats_init(struct keylog_stats *s, uint32_t type);
void keylog_stats_free(struct keylog_stats *s);

/* The keylog_line_fn: ctx is a struct keylog_stats. */
void keylog_stats_line(void *ctx, const char *name, uint64_t lineno,
                       const uint8_t *line, size_t len, bool dup);

/* Classifies the sessions and records the incomplete ones. Returns 0, or
 * -1 with err set if memory ran out at any point. */
int keylog_stats_finish(struct keylog_stats *s, struct sc_err *err);

/* Name of bit i (0..KLS_TLS13_NEEDED-1) of kls_problem.missing. */
const char *kls_tls13_name(unsigned i);

#endif
