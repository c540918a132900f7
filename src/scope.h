/*
 * scope.h - the session pass: which TLS, DTLS and QUIC sessions a capture
 * holds (traffic/session.h), whether key logs cover them, and key logs cut
 * down to them (`inject --scope capture`, `sessions`).
 *
 * scope_scan() reads an opened input (pcap or pcapng, any compression
 * input.h handles) to its end through the validating readers and feeds
 * every packet to a session table; the TLS secrets of the DSBs already in
 * the capture are collected too (they count when keys are judged). Only
 * capture-format errors are errors: undecodable traffic is counted.
 *
 * scope_judge() reads the key logs once, line by line, and gives each
 * session its key status:
 *   complete  the keys Wireshark needs for the version the server chose
 *             (ServerHello; QUIC is always TLS 1.3): CLIENT_RANDOM for TLS
 *             1.0-1.2 and DTLS 1.0/1.2, the four handshake and traffic
 *             secrets (CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET,
 *             CLIENT_/SERVER_TRAFFIC_SECRET_0) for TLS 1.3, DTLS 1.3, QUIC.
 *             Without a ServerHello in the capture: CLIENT_RANDOM or, when
 *             TLS 1.3 was offered, the four TLS 1.3 secrets;
 *   partial   some lines for the client random, not all (missing lists
 *             the labels needed);
 *   none      no line for it.
 * A QUIC ClientHello the server refused with Version Negotiation needs no
 * keys: it is counted in n_rejected (keys none, nothing missing).
 * Lines of the key logs (not of the capture's DSBs) whose client random is
 * no session of the capture are counted per label; legacy RSA lines, which
 * name no client random, are counted apart.
 *
 * scope_filter() copies the lines of a TLS key log whose client random is a
 * session of the capture into a new key log; every other line is dropped
 * and counted. Secret values are never copied anywhere else, and never
 * printed: only labels, counts and client randoms (public: they are in the
 * capture) leave this module.
 */
#ifndef SC_SCOPE_H
#define SC_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "input.h"
#include "keylog.h"
#include "traffic/session.h"

/* The labels a judgement knows, as bit numbers. */
enum scope_label {
    SL_CLIENT_RANDOM = 0,
    SL_CLIENT_EARLY_TRAFFIC_SECRET,
    SL_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
    SL_SERVER_HANDSHAKE_TRAFFIC_SECRET,
    SL_CLIENT_TRAFFIC_SECRET_0,
    SL_SERVER_TRAFFIC_SECRET_0,
    SL_EXPORTER_SECRET,
    SL_EARLY_EXPORTER_SECRET,
    SL_COUNT
};

/* "CLIENT_RANDOM", ... for a bit number below SL_COUNT. */
const char *scope_label_name(unsigned bit);

enum scope_keys {
    SCOPE_KEYS_NONE = 0,
    SCOPE_KEYS_PARTIAL,
    SCOPE_KEYS_COMPLETE
};

/* A client random as 64 lower-case hex digits into buf; returns buf. */
const char *scope_random_hex(const uint8_t random[32], char buf[65]);

/* "none", "partial", "complete". */
const char *scope_keys_name(enum scope_keys k);

struct scope_judgement {
    uint16_t have;    /* SL_* bits with a line */
    uint16_t missing; /* SL_* bits needed and absent */
    uint8_t keys;     /* enum scope_keys */
};

#define SCOPE_MAX_LABELS 64

struct scope_label_count {
    char name[64]; /* "" for the labels beyond SCOPE_MAX_LABELS */
    uint64_t lines;
};

struct scope_opts {
    struct tr_limits limits;
    /* Do not collect the capture's DSBs (they will be dropped: inject
     * --discard-all-secrets), so that they do not count as keys. */
    bool ignore_dsbs;
    /* A capture cut short (sc_err.cut) after its first section header is
     * read up to its last complete block, not an error (inject
     * --salvage). */
    bool salvage;
    /* Called with the input offset about every PIPELINE_PROGRESS_STEP bytes;
     * may be NULL. */
    void (*progress)(void *ctx, uint64_t bytes_in);
    void *progress_ctx;
};

struct scope {
    struct tr_table *table;
    struct keylog embedded; /* TLS secrets of the capture's DSBs */
    enum cap_format format;
    enum compression compression; /* how the input was compressed */
    uint64_t packets;
    uint64_t bytes; /* uncompressed bytes read */
    /* After scope_judge: */
    struct scope_judgement *judge; /* one per session */
    size_t n_complete, n_partial, n_none;
    size_t n_rejected; /* QUIC sessions refused by Version Negotiation:
                          they need no keys (keys none, nothing missing) */
    struct scope_label_count labels[SCOPE_MAX_LABELS + 1];
    size_t n_labels;
    uint64_t unmatched; /* key-log lines of no session of the capture */
    uint64_t legacy;    /* legacy RSA lines (no client random) */
};

/* Reads in to its end. 0, or -1 with err set (sc holds what was read; call
 * scope_free in any case). */
int scope_scan(struct scope *sc, struct input *in, const struct scope_opts *o,
               struct sc_err *err);

/* Judges every session against the TLS key logs logs[0..n) (others are
 * ignored) and the capture's own DSBs. 0, or -1 with err set. */
int scope_judge(struct scope *sc, const struct keylog *const *logs, size_t n,
                struct sc_err *err);

struct scope_filter_stats {
    uint64_t kept;
    uint64_t dropped;        /* lines of other sessions */
    uint64_t dropped_legacy; /* legacy RSA lines */
};

/* Initialises out (a TLS key log) with the lines of in (a TLS key log)
 * whose client random is a session of sc; adds the counts to *st. 0, or -1
 * with err set (out is freed then). */
int scope_filter(const struct scope *sc, const struct keylog *in,
                 struct keylog *out, struct scope_filter_stats *st,
                 struct sc_err *err);

void scope_free(struct scope *sc);

#endif
