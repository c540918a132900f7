/*
 * tunnel.h - encapsulations used by traffic mirroring and overlays: GRE
 * (RFC 2784, RFC 2890 key and sequence number), with IPv4, IPv6,
 * transparent Ethernet bridging (0x6558) and ERSPAN types I, II (0x88BE)
 * and III (0x22EB) inside, and VXLAN (RFC 7348, UDP port 4789).
 *
 * Each function removes one layer and returns what is inside as a
 * network-layer packet (an inner Ethernet header is removed too, through
 * link_ether()): LINK_IPV4 / LINK_IPV6 with *net and *netlen pointing into p,
 * LINK_NOT_IP for a valid layer without IP inside (ARP in VXLAN, a GRE
 * protocol not decoded), LINK_MALFORMED. The depth limit (PKT_MAX_DEPTH) is
 * the caller's: these functions never recurse.
 */
#ifndef SC_TRAFFIC_TUNNEL_H
#define SC_TRAFFIC_TUNNEL_H

#include <stddef.h>
#include <stdint.h>

#include "traffic/link.h"

#define TUNNEL_VXLAN_PORT 4789

/* The GRE packet p/len (the payload of IP protocol 47). Only version 0;
 * version 1 (PPTP) and RFC 1701 routing are LINK_NOT_IP / LINK_MALFORMED. */
enum link_kind tunnel_gre(const uint8_t *p, size_t len, const uint8_t **net,
                          size_t *netlen);

/* The payload p/len of a UDP datagram sent to TUNNEL_VXLAN_PORT. Returns
 * LINK_UNSUPPORTED (not a layer removed) when the 8-byte header is missing
 * or its I flag (0x08) is clear: the datagram is then ordinary UDP. */
enum link_kind tunnel_vxlan(const uint8_t *p, size_t len, const uint8_t **net,
                            size_t *netlen);

#endif
