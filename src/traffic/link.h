/*
 * link.h - the link layer of a captured frame: from a pcap/pcapng link type
 * and the frame bytes to the network-layer packet inside (IPv4 or IPv6).
 *
 * Link types (LINKTYPE_* values of the pcap and pcapng formats):
 *   1    Ethernet II, with any number (at most LINK_MAX_TAGS) of 802.1Q
 *        0x8100, 802.1ad 0x88A8 and old QinQ 0x9100 tags; also PPPoE
 *        session frames (0x8864) and an MPLS label stack (0x8847, 0x8848)
 *        with IP under the bottom label;
 *   113  Linux cooked capture SLL (16-byte header, protocol at offset 14);
 *   276  SLL2 (20-byte header, protocol at offset 0);
 *   0    DLT_NULL (4-byte address family in the writer's byte order: both
 *        orders are accepted);
 *   108  DLT_LOOP (the same address family, network order);
 *   101, 12, 14  raw IP (the version nibble decides);
 *   228  LINKTYPE_IPV4, 229 LINKTYPE_IPV6.
 * Not decoded: 802.3/LLC/SNAP frames, 802.11, PPP link types, everything
 * else (LINK_UNSUPPORTED for an unknown link type, LINK_NOT_IP for a known
 * one that carries no IP, such as ARP).
 *
 * No function here allocates, copies or keeps a pointer: the result points
 * into the caller's frame.
 */
#ifndef SC_TRAFFIC_LINK_H
#define SC_TRAFFIC_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINK_MAX_TAGS 8 /* VLAN tags / MPLS labels removed at most */

/* What is inside a link-layer (or tunnel) header. The IP values are the IP
 * version; the negative ones mean nothing can be handed on. */
enum link_kind {
    LINK_UNSUPPORTED = -2, /* link type not decoded */
    LINK_MALFORMED = -1,   /* header truncated or inconsistent */
    LINK_NOT_IP = 0,       /* a valid frame without IP inside (ARP, ...) */
    LINK_IPV4 = 4,
    LINK_IPV6 = 6,
};

/* Removes the link-layer header of a frame of the given link type. On
 * LINK_IPV4 / LINK_IPV6, *net and *netlen are the network-layer packet
 * (pointing into frame; the IP header itself is not checked here beyond
 * its version nibble for the raw link types). */
enum link_kind link_decode(uint32_t linktype, const uint8_t *frame,
                           size_t caplen, const uint8_t **net, size_t *netlen);

/* The Ethernet II part of link_decode(), also used for the Ethernet frames
 * inside VXLAN and GRE (transparent Ethernet bridging, ERSPAN). */
enum link_kind link_ether(const uint8_t *p, size_t len, const uint8_t **net,
                          size_t *netlen);

/* True for the link types link_decode() knows. */
bool link_supported(uint32_t linktype);

#endif
