/*
 * packet.h - from a captured frame to its TCP or UDP payload.
 *
 * pkt_decode() peels the layers of one frame:
 *   link (link.c):  Ethernet II with any number of 802.1Q / 802.1ad / QinQ
 *                   (0x8100, 0x88A8, 0x9100) tags, Linux SLL (113) and SLL2
 *                   (276), DLT_NULL (0, the AF word in either byte order),
 *                   DLT_LOOP (108, network order), raw IP (101, 12, 14),
 *                   LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229);
 *   IP (ip.c):      IPv4 (options, fragment reassembly) and IPv6 (hop-by-hop,
 *                   routing, destination options and fragment extension
 *                   headers, fragment reassembly); the payload is clamped to
 *                   the IP total length (Ethernet padding, FCS);
 *   tunnels (tunnel.c): GRE (RFC 2784/2890: checksum, key and sequence
 *                   fields; IPv4, IPv6 and transparent Ethernet 0x6558
 *                   inside; ERSPAN type II 0x88BE and III 0x22EB) and VXLAN
 *                   (UDP destination port 4789, RFC 7348), at most
 *                   PKT_MAX_DEPTH layers deep;
 *   TCP and UDP headers (ports, TCP sequence number and flags, TCP data
 *                   offset).
 * Nothing here trusts a length: every header is checked against the bytes
 * that are really there before it is read. A frame that cannot be decoded is
 * counted in struct pkt_stats and skipped, never an error: malformed traffic
 * never stops a run.
 *
 * Memory: fragment reassembly keeps at most pkt_limits.frag_max_datagrams
 * datagrams of at most 65,535 bytes each, and drops a datagram whose
 * fragments are older than frag_timeout_ns (packet time) or that is the
 * oldest when the table is full.
 */
#ifndef SC_TRAFFIC_PACKET_H
#define SC_TRAFFIC_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX_DEPTH 4 /* tunnel layers removed at most */

struct pkt_stats {
    uint64_t frames;       /* frames given to pkt_decode */
    uint64_t unsupported;  /* link type not decoded */
    uint64_t not_ip;       /* ARP, LLDP, ...: no IP inside */
    uint64_t malformed;    /* a header truncated or inconsistent */
    uint64_t other_proto;  /* IP, but neither TCP nor UDP (ICMP, ...) */
    uint64_t fragments;    /* IP fragments taken in */
    uint64_t reassembled;  /* datagrams completed from fragments */
    uint64_t frag_dropped; /* fragments given up: timeout, table full,
                              inconsistent overlap, too large */
    uint64_t tunnels;      /* GRE / VXLAN layers removed */
};

struct l4_packet {
    uint8_t ipver;   /* 4 or 6: the innermost IP header */
    uint8_t proto;   /* 6 (TCP) or 17 (UDP) */
    uint8_t src[16]; /* IPv4: the 4 bytes, then zeros */
    uint8_t dst[16];
    uint16_t sport, dport;
    uint32_t seq;        /* TCP only: sequence number */
    uint8_t tcp_flags;   /* TCP only: FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10 */
    const uint8_t *data; /* TCP or UDP payload; valid until the next call */
    size_t len;
};

struct pkt_limits {
    size_t frag_max_datagrams; /* 0: default 1024 */
    uint64_t frag_timeout_ns;  /* 0: default 30 s */
};

struct pkt_decoder;

/* NULL limits: the defaults. NULL on allocation failure. */
struct pkt_decoder *pkt_decoder_new(const struct pkt_limits *lim);
void pkt_decoder_free(struct pkt_decoder *d);

/* Decodes one frame of the given link type, captured at now_ns (packet
 * time, ns since 1970; used for the fragment timeout only). Returns 1 with
 * *out filled (a TCP or UDP packet, possibly reassembled from fragments:
 * out->data then points into the decoder and is valid until the next call),
 * 0 when there is nothing to hand on (not IP, not TCP/UDP, malformed, a
 * fragment held for reassembly: counted in the statistics). */
int pkt_decode(struct pkt_decoder *d, uint32_t linktype, const uint8_t *frame,
               size_t caplen, uint64_t now_ns, struct l4_packet *out);

const struct pkt_stats *pkt_decoder_stats(const struct pkt_decoder *d);

/* True when pkt_decode knows the link type. */
bool pkt_linktype_supported(uint32_t linktype);

#endif
