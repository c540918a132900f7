/*
 * tunnel.c - GRE and VXLAN decapsulation (see tunnel.h).
 *
 * GRE (RFC 2784 section 2, RFC 2890 section 2): the first 16 bits are
 * C (0x8000), R (0x4000, RFC 1701 routing), K (0x2000), S (0x1000), then
 * strict source route, recursion control, flags and the version in the low
 * 3 bits; then the protocol type; then, in this order, checksum + reserved
 * (C), key (K) and sequence number (S), 4 bytes each. RFC 2784 says a
 * receiver discards a packet with bits 1 or 3-5 set unless it implements
 * RFC 1701: R, strict source route and recursion are malformed here.
 * ERSPAN (draft-foschiano-erspan): type I is 0x88BE without S and without
 * an ERSPAN header; type II is 0x88BE with S and an 8-byte header; type III
 * is 0x22EB with a 12-byte header whose O bit (the last bit of byte 11)
 * announces an 8-byte platform-specific subheader; a type III frame type
 * (FT: bits 6-2 of byte 10) other than 0 (Ethernet) is not decoded.
 * VXLAN (RFC 7348 section 5): flags (I = 0x08), 3 reserved bytes, VNI (3),
 * reserved (1), then the inner Ethernet frame.
 * Not decoded: GRE version 1 (PPTP), NVGRE's VSID (it is just a key),
 * Geneve, GTP-U, Teredo, MPLS in GRE, VXLAN-GPE.
 */
#include "traffic/tunnel.h"

#include "byteorder.h"

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_BAD 0x0F00 /* strict source route, recursion control */
#define GRE_VER 0x0007

enum link_kind
tunnel_gre(const uint8_t *p, size_t len, const uint8_t **net, size_t *netlen)
{
    uint16_t fl, proto;
    size_t hl = 4;

    if (len < 4)
        return LINK_MALFORMED;
    fl = bo_get16(BO_BE, p);
    proto = bo_get16(BO_BE, p + 2);
    if ((fl & GRE_VER) != 0)
        return LINK_NOT_IP; /* version 1: PPTP's enhanced GRE */
    if ((fl & (GRE_R | GRE_BAD)) != 0)
        return LINK_MALFORMED;
    hl += (fl & GRE_C) ? 4 : 0;
    hl += (fl & GRE_K) ? 4 : 0;
    hl += (fl & GRE_S) ? 4 : 0;
    if (hl > len)
        return LINK_MALFORMED;
    p += hl;
    len -= hl;
    switch (proto) {
    case 0x0800:
        *net = p;
        *netlen = len;
        return LINK_IPV4;
    case 0x86DD:
        *net = p;
        *netlen = len;
        return LINK_IPV6;
    case 0x6558:
        return link_ether(p, len, net, netlen);
    case 0x88BE:
        if (fl & GRE_S) { /* type II: ver, VLAN, COS, session, index */
            if (len < 8)
                return LINK_MALFORMED;
            p += 8;
            len -= 8;
        }
        return link_ether(p, len, net, netlen);
    case 0x22EB:
        if (len < 12)
            return LINK_MALFORMED;
        if ((p[10] >> 2 & 0x1F) != 0)
            return LINK_NOT_IP; /* FT: not an Ethernet frame */
        hl = (p[11] & 0x01) ? 20 : 12;
        if (hl > len)
            return LINK_MALFORMED;
        return link_ether(p + hl, len - hl, net, netlen);
    default:
        return LINK_NOT_IP;
    }
}

enum link_kind
tunnel_vxlan(const uint8_t *p, size_t len, const uint8_t **net, size_t *netlen)
{
    if (len < 8 || (p[0] & 0x08) == 0)
        return LINK_UNSUPPORTED;
    return link_ether(p + 8, len - 8, net, netlen);
}
