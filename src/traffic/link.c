/*
 * link.c - link-layer headers: Ethernet II (VLAN tags, PPPoE, MPLS), Linux
 * SLL and SLL2, DLT_NULL, DLT_LOOP, raw IP, LINKTYPE_IPV4/IPV6.
 *
 * References: IEEE 802.1Q (tags 0x8100, 0x88A8; 0x9100 is the pre-standard
 * QinQ value), RFC 2516 (PPPoE session stage 0x8864), RFC 3032 (MPLS label
 * stack, S bit), the tcpdump.org link-layer header types page (SLL, SLL2,
 * NULL/LOOP address families: AF_INET 2, AF_INET6 10 on Linux, 24 on
 * NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS).
 *
 * Every header is checked against the bytes present before it is read.
 * Deliberately not decoded: 802.3 length frames (LLC/SNAP), PPPoE
 * discovery, MPLS pseudowires (a control word or Ethernet under the bottom
 * label is LINK_NOT_IP), link types other than those listed in link.h.
 */
#include "traffic/link.h"

#include "byteorder.h"

#define ETH_HLEN 14
#define SLL_HLEN 16
#define SLL2_HLEN 20

/* The IP version of a raw packet, from its first nibble. */
static enum link_kind
raw_ip(const uint8_t *p, size_t len, const uint8_t **net, size_t *netlen)
{
    if (len < 1)
        return LINK_MALFORMED;
    *net = p;
    *netlen = len;
    switch (p[0] >> 4) {
    case 4:
        return LINK_IPV4;
    case 6:
        return LINK_IPV6;
    default:
        return LINK_MALFORMED;
    }
}

/* p/len is what follows an EtherType of value type: IP, after any VLAN
 * tags, PPPoE session header or MPLS labels. */
static enum link_kind
ethertype_payload(uint16_t type, const uint8_t *p, size_t len,
                  const uint8_t **net, size_t *netlen)
{
    int tags = 0;

    for (;;) {
        switch (type) {
        case 0x0800:
            *net = p;
            *netlen = len;
            return LINK_IPV4;
        case 0x86DD:
            *net = p;
            *netlen = len;
            return LINK_IPV6;
        case 0x8100:
        case 0x88A8:
        case 0x9100:
            /* TCI (2), then the next EtherType (2). */
            if (len < 4 || ++tags > LINK_MAX_TAGS)
                return LINK_MALFORMED;
            type = bo_get16(BO_BE, p + 2);
            p += 4;
            len -= 4;
            break;
        case 0x8864:
            /* RFC 2516 section 4: ver/type 0x11, code 0, session (2),
             * length (2), then the PPP protocol (2). */
            if (len < 8 || p[0] != 0x11 || p[1] != 0)
                return LINK_MALFORMED;
            switch (bo_get16(BO_BE, p + 6)) {
            case 0x0021:
                type = 0x0800;
                break;
            case 0x0057:
                type = 0x86DD;
                break;
            default:
                return LINK_NOT_IP;
            }
            p += 8;
            len -= 8;
            break;
        case 0x8847:
        case 0x8848:
            /* RFC 3032: 4-byte entries until the bottom of stack (S). */
            for (;;) {
                if (len < 4 || ++tags > LINK_MAX_TAGS)
                    return LINK_MALFORMED;
                if (p[2] & 0x01)
                    break;
                p += 4;
                len -= 4;
            }
            p += 4;
            len -= 4;
            if (len < 1)
                return LINK_MALFORMED;
            if (p[0] >> 4 == 4 || p[0] >> 4 == 6)
                return raw_ip(p, len, net, netlen);
            return LINK_NOT_IP; /* pseudowire control word, ... */
        default:
            return LINK_NOT_IP; /* ARP, LLDP, 802.3 length, ... */
        }
    }
}

enum link_kind
link_ether(const uint8_t *p, size_t len, const uint8_t **net, size_t *netlen)
{
    if (len < ETH_HLEN)
        return LINK_MALFORMED;
    return ethertype_payload(bo_get16(BO_BE, p + 12), p + ETH_HLEN,
                             len - ETH_HLEN, net, netlen);
}

/* DLT_NULL / DLT_LOOP address family values. */
static enum link_kind
af_kind(uint32_t af)
{
    switch (af) {
    case 2:
        return LINK_IPV4;
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD, BSD/OS */
    case 28: /* FreeBSD, DragonFly */
    case 30: /* macOS */
        return LINK_IPV6;
    default:
        return LINK_NOT_IP;
    }
}

/* DLT_NULL (either byte order: the writer's host order) and DLT_LOOP
 * (network order only). The AF values are below 256, so a value read in
 * the wrong order can never be mistaken for a valid one. */
static enum link_kind
null_loop(const uint8_t *p, size_t len, bool either_order, const uint8_t **net,
          size_t *netlen)
{
    enum link_kind k;
    uint32_t af;

    if (len < 4)
        return LINK_MALFORMED;
    af = bo_get32(BO_BE, p);
    k = af_kind(af);
    if (k == LINK_NOT_IP && either_order)
        k = af_kind(bo_get32(BO_LE, p));
    if (k == LINK_NOT_IP)
        return LINK_NOT_IP;
    if (raw_ip(p + 4, len - 4, net, netlen) != k)
        return LINK_MALFORMED;
    return k;
}

enum link_kind
link_decode(uint32_t linktype, const uint8_t *frame, size_t caplen,
            const uint8_t **net, size_t *netlen)
{
    enum link_kind k;

    switch (linktype) {
    case 1:
        return link_ether(frame, caplen, net, netlen);
    case 113:
        if (caplen < SLL_HLEN)
            return LINK_MALFORMED;
        return ethertype_payload(bo_get16(BO_BE, frame + 14), frame + SLL_HLEN,
                                 caplen - SLL_HLEN, net, netlen);
    case 276:
        if (caplen < SLL2_HLEN)
            return LINK_MALFORMED;
        return ethertype_payload(bo_get16(BO_BE, frame), frame + SLL2_HLEN,
                                 caplen - SLL2_HLEN, net, netlen);
    case 0:
        return null_loop(frame, caplen, true, net, netlen);
    case 108:
        return null_loop(frame, caplen, false, net, netlen);
    case 101:
    case 12:
    case 14:
        return raw_ip(frame, caplen, net, netlen);
    case 228:
    case 229:
        k = raw_ip(frame, caplen, net, netlen);
        if (k != (linktype == 228 ? LINK_IPV4 : LINK_IPV6))
            return LINK_MALFORMED;
        return k;
    default:
        return LINK_UNSUPPORTED;
    }
}

bool
link_supported(uint32_t linktype)
{
    switch (linktype) {
    case 0:
    case 1:
    case 12:
    case 14:
    case 101:
    case 108:
    case 113:
    case 228:
    case 229:
    case 276:
        return true;
    default:
        return false;
    }
}
