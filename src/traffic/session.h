/*
 * session.h - the session table: every TLS-over-TCP, DTLS and QUIC session
 * whose ClientHello is in a capture.
 *
 * tr_table_frame() takes the frames of a capture one by one (any link type
 * packet.h decodes, any section, any interface) and keeps a table of flows
 * (TCP connections and UDP associations, both directions in one entry). A
 * flow's handshake state lives only while its handshake is being read:
 *   TCP:  the client is the sender of the SYN (or of the first handshake
 *         record); its stream is read for the ClientHello and the server's
 *         for the ServerHello (tcpstream.h: reordering, retransmits,
 *         STARTTLS prefixes);
 *   QUIC: a UDP flow whose first datagram is a client Initial; the client's
 *         datagrams go to quic.h until the ClientHello is complete;
 *   DTLS: a UDP flow whose datagrams are DTLS records (dtls.h), both
 *         directions, until the ServerHello.
 * Each complete ClientHello gives a session, unique by client random (a
 * ClientHello sent again after a HelloVerifyRequest, a Retry or a TCP
 * retransmission in another flow is the same session). A flow that carries
 * TLS records, QUIC packets or DTLS records but no ClientHello is noted as
 * a flow without handshake: its sessions cannot be decrypted whatever the
 * keys (the capture started after the handshake).
 *
 * Memory is bounded by the flows tracked at once, never by the capture
 * size: at most tr_limits.max_flows flows (default TR_MAX_FLOWS_DEFAULT;
 * about 160 bytes each); when the table is full, the least recently seen of
 * 8 flows sampled round the table is evicted (approximate LRU: a true LRU
 * list costs two cache misses on every packet); handshake buffers at most
 * tr_limits.max_pending bytes in all (default 256 MiB), the least recently seen
 * pending handshake given up first. Sessions cost about 120 bytes each plus
 * their names; the list of flows without handshake keeps the first
 * TR_NOHS_LIST_MAX (all are counted).
 *
 * Nothing here fails on traffic: malformed packets are counted and skipped.
 * The only error is running out of memory.
 */
#ifndef SC_TRAFFIC_SESSION_H
#define SC_TRAFFIC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capinfo.h"
#include "err.h"
#include "traffic/packet.h"

#define TR_MAX_FLOWS_DEFAULT ((size_t)1 << 18)
#define TR_MAX_PENDING_DEFAULT ((size_t)256 << 20)
#define TR_NOHS_LIST_MAX 1000

enum tr_proto { TR_TLS = 1, TR_DTLS, TR_QUIC };

/* Where a packet was: section, interface, packet number and time. */
struct tr_where {
    uint64_t section; /* 1-based */
    uint32_t iface;   /* 0-based, in its section */
    uint64_t packet;  /* 1-based packet number in the file */
    struct capinfo_ts ts;
};

struct tr_endpoint {
    uint8_t ipver; /* 4 or 6 */
    uint8_t addr[16];
    uint16_t port;
};

struct tr_session {
    uint8_t random[32];
    uint8_t protocol;      /* enum tr_proto */
    uint16_t offered;      /* highest TLS/DTLS version offered */
    uint16_t chosen;       /* the ServerHello's version; 0: not seen */
    uint32_t quic_version; /* QUIC only */
    struct tr_endpoint client, server;
    struct tr_where first; /* the flow's first packet */
    bool rejected;         /* QUIC: answered by Version Negotiation (no keys) */
    char *server_name;     /* owned; "" when absent */
    char *alpn;            /* owned; names joined by ',', "" when absent */
};

/* A flow with TLS, DTLS or QUIC traffic but no ClientHello. */
struct tr_nohs {
    uint8_t protocol;        /* enum tr_proto */
    struct tr_endpoint a, b; /* a: the sender of the first packet seen */
    struct tr_where first;
    uint64_t packets;
};

struct tr_stats {
    struct pkt_stats pkt;      /* the packet decoder's counts */
    uint64_t flows;            /* flows created */
    uint64_t flows_evicted;    /* dropped because the table was full */
    uint64_t pending_dropped;  /* handshakes given up for the memory cap */
    uint64_t hellos;           /* ClientHellos parsed (repeats included) */
    uint64_t hellos_malformed; /* complete but unparsable ClientHellos */
    uint64_t incomplete;       /* flows whose ClientHello never completed */
    uint64_t nohs;             /* flows without handshake (all) */
    uint64_t quic_bad;         /* QUIC packets that did not decrypt/parse */
    uint64_t quic_vn;          /* QUIC Version Negotiation packets */
    uint64_t quic_retry;       /* QUIC Retry packets */
};

struct tr_limits {
    size_t max_flows;   /* 0: TR_MAX_FLOWS_DEFAULT */
    size_t max_pending; /* 0: TR_MAX_PENDING_DEFAULT */
};

struct tr_table;

/* NULL limits: the defaults. NULL when out of memory. */
struct tr_table *tr_table_new(const struct tr_limits *lim);
void tr_table_free(struct tr_table *t);

/* One frame of the given link type, caplen bytes at data, seen at w.
 * Returns 0, or -1 with err set when out of memory. */
int tr_table_frame(struct tr_table *t, uint32_t linktype, const uint8_t *data,
                   size_t caplen, const struct tr_where *w, struct sc_err *err);

/* Ends the capture: flows still open are judged (without handshake,
 * incomplete). Call once, after the last frame. */
void tr_table_finish(struct tr_table *t);

/* The sessions, in the order their ClientHellos completed; valid until
 * tr_table_free. */
const struct tr_session *tr_table_sessions(const struct tr_table *t, size_t *n);

/* Index of the session with this client random, or -1. */
long tr_table_find(const struct tr_table *t, const uint8_t random[32]);

/* The flows without handshake (at most TR_NOHS_LIST_MAX; stats.nohs counts
 * all). */
const struct tr_nohs *tr_table_nohs(const struct tr_table *t, size_t *n);

const struct tr_stats *tr_table_stats(const struct tr_table *t);

/* "tls", "dtls", "quic". */
const char *tr_proto_name(uint8_t protocol);

/* "192.0.2.1:443" or "[2001:db8::1]:443" into buf (cap >= 64). */
const char *tr_endpoint_format(const struct tr_endpoint *e, char *buf,
                               size_t cap);

#endif
