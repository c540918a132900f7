/*
 * ip.h - IPv4 and IPv6 headers and fragment reassembly.
 *
 * ip_decode() checks one IP header against the bytes present, clamps the
 * payload to the length the header announces (Ethernet padding, FCS),
 * skips IPv4 options and the IPv6 extension headers (hop-by-hop 0, routing
 * 43, destination options 60, AH 51, mobility 135, HIP 139, shim6 140) and
 * stops at the first upper-layer protocol; ESP (50) and No Next Header (59)
 * end the chain and are handed on as that protocol number.
 *
 * Fragments are kept in a struct frag_table. Reassembly policy:
 *   - key: IP version, source, destination, identification, protocol (IPv6:
 *     the Next Header of the Fragment header);
 *   - a datagram is at most 65,535 bytes of payload; a fragment that would
 *     go beyond is dropped (counted malformed and frag_dropped);
 *   - overlaps keep the bytes that came first (retransmitted fragments are
 *     the common case; all copies of the data are usually the same), in
 *     8-byte units as fragment offsets are; a fragment that contradicts the
 *     datagram's end (a second, different last fragment, data beyond the
 *     end) drops the whole datagram;
 *   - a datagram whose first fragment is older than the timeout (packet
 *     time) is dropped, and so is the oldest one when the table is full;
 *   - IPv6 atomic fragments (offset 0, M clear; RFC 6946) are not held.
 * Statistics (struct pkt_stats): fragments (every fragment taken in),
 * reassembled (datagrams completed), frag_dropped (the fragments of the
 * datagrams given up, and fragments refused on their own).
 */
#ifndef SC_TRAFFIC_IP_H
#define SC_TRAFFIC_IP_H

#include <stddef.h>
#include <stdint.h>

#include "traffic/packet.h"

struct ip_packet {
    uint8_t ver;   /* 4 or 6 */
    uint8_t proto; /* upper-layer protocol (IPv6: after the extensions) */
    uint8_t src[16], dst[16]; /* IPv4: 4 bytes, then zeros */
    const uint8_t *payload;   /* into the packet, or into the table */
    size_t len;
};

enum ip_result {
    IP_MALFORMED = -1, /* header truncated or inconsistent */
    IP_HELD = 0,       /* a fragment, kept (or dropped: see the stats) */
    IP_OK = 1,         /* *out filled */
};

struct frag_table;

/* max datagrams held at once (0: 1024; at most 1 << 20), timeout in ns
 * of packet time (0: 30 s). NULL on allocation failure. */
struct frag_table *frag_table_new(size_t max, uint64_t timeout_ns);
void frag_table_free(struct frag_table *t);

/* Drops the datagrams older than the timeout at packet time now_ns. */
void frag_expire(struct frag_table *t, uint64_t now_ns, struct pkt_stats *st);

/* Decodes the IP packet p/len, whose version the layer below announced
 * (4 or 6; a different version nibble is malformed). On IP_OK, out->payload
 * points into p or, for a datagram just reassembled, into the table, where
 * it stays valid until the next call with this table. now_ns: packet time.
 * t must not be NULL. Fragment counters are updated in *st; the caller
 * counts IP_MALFORMED. */
enum ip_result ip_decode(struct frag_table *t, int ver, const uint8_t *p,
                         size_t len, uint64_t now_ns, struct ip_packet *out,
                         struct pkt_stats *st);

#endif
