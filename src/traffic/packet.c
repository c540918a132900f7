/*
 * packet.c - pkt_decode(): link layer (link.c), IP (ip.c), tunnels
 * (tunnel.c; IP-in-IP 4 and IPv6-in-IP 41 are removed here too), then the
 * TCP or UDP header, into a struct l4_packet.
 *
 * TCP (RFC 9293 section 3.1): at least 20 bytes, data offset >= 5 and
 * within the segment. UDP (RFC 768): at least 8 bytes, a length field of at
 * least 8 and at most the IP payload (longer: malformed; shorter: the
 * payload is clamped to it); a length of 0 (RFC 2675 jumbo UDP) is
 * malformed.
 *
 * Every frame is counted once in struct pkt_stats: handed on (return 1),
 * unsupported, not_ip, malformed, other_proto, or taken in as a fragment
 * (fragments); reassembled, frag_dropped and tunnels count events on top.
 * The unfragmented path neither allocates nor copies packet bytes: out->data
 * points into the frame.
 */
#include "traffic/packet.h"

#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "traffic/ip.h"
#include "traffic/link.h"
#include "traffic/tunnel.h"

struct pkt_decoder {
    struct pkt_stats st;
    struct frag_table *frags;
};

struct pkt_decoder *
pkt_decoder_new(const struct pkt_limits *lim)
{
    struct pkt_decoder *d = calloc(1, sizeof(*d));

    if (d == NULL)
        return NULL;
    d->frags = frag_table_new(lim ? lim->frag_max_datagrams : 0,
                              lim ? lim->frag_timeout_ns : 0);
    if (d->frags == NULL) {
        free(d);
        return NULL;
    }
    return d;
}

void
pkt_decoder_free(struct pkt_decoder *d)
{
    if (d == NULL)
        return;
    frag_table_free(d->frags);
    free(d);
}

const struct pkt_stats *
pkt_decoder_stats(const struct pkt_decoder *d)
{
    return &d->st;
}

bool
pkt_linktype_supported(uint32_t linktype)
{
    return link_supported(linktype);
}

static void
fill_addrs(struct l4_packet *out, const struct ip_packet *ip)
{
    out->ipver = ip->ver;
    out->proto = ip->proto;
    memcpy(out->src, ip->src, 16);
    memcpy(out->dst, ip->dst, 16);
}

/* Counts the frame for a link_kind that is not IP: 0 to return. */
static int
count_kind(struct pkt_stats *st, enum link_kind k)
{
    if (k == LINK_UNSUPPORTED)
        st->unsupported++;
    else if (k == LINK_NOT_IP)
        st->not_ip++;
    else
        st->malformed++;
    return 0;
}

int
pkt_decode(struct pkt_decoder *d, uint32_t linktype, const uint8_t *frame,
           size_t caplen, uint64_t now_ns, struct l4_packet *out)
{
    struct pkt_stats *st = &d->st;
    struct ip_packet ip;
    const uint8_t *net = NULL, *q;
    size_t netlen = 0, n, ulen, doff;
    enum link_kind k;
    int depth = 0;

    st->frames++;
    frag_expire(d->frags, now_ns, st);
    k = link_decode(linktype, frame, caplen, &net, &netlen);
    for (;;) {
        if (k != LINK_IPV4 && k != LINK_IPV6)
            return count_kind(st, k);
        switch (ip_decode(d->frags, k, net, netlen, now_ns, &ip, st)) {
        case IP_MALFORMED:
            st->malformed++;
            return 0;
        case IP_HELD:
            return 0;
        case IP_OK:
            break;
        }
        q = ip.payload;
        n = ip.len;
        switch (ip.proto) {
        case 6:
            if (n < 20)
                goto malformed;
            doff = (size_t)(q[12] >> 4) * 4;
            if (doff < 20 || doff > n)
                goto malformed;
            fill_addrs(out, &ip);
            out->sport = bo_get16(BO_BE, q);
            out->dport = bo_get16(BO_BE, q + 2);
            out->seq = bo_get32(BO_BE, q + 4);
            out->tcp_flags = q[13];
            out->data = q + doff;
            out->len = n - doff;
            return 1;
        case 17:
            if (n < 8)
                goto malformed;
            ulen = bo_get16(BO_BE, q + 4);
            if (ulen < 8 || ulen > n)
                goto malformed;
            if (bo_get16(BO_BE, q + 2) == TUNNEL_VXLAN_PORT) {
                k = tunnel_vxlan(q + 8, ulen - 8, &net, &netlen);
                if (k != LINK_UNSUPPORTED)
                    break;
            }
            fill_addrs(out, &ip);
            out->sport = bo_get16(BO_BE, q);
            out->dport = bo_get16(BO_BE, q + 2);
            out->seq = 0;
            out->tcp_flags = 0;
            out->data = q + 8;
            out->len = ulen - 8;
            return 1;
        case 47:
            k = tunnel_gre(q, n, &net, &netlen);
            break;
        case 4: /* IP in IP (RFC 2003) */
            k = LINK_IPV4;
            net = q;
            netlen = n;
            break;
        case 41: /* IPv6 in IP (RFC 4213), also in IPv6 */
            k = LINK_IPV6;
            net = q;
            netlen = n;
            break;
        default:
            st->other_proto++;
            return 0;
        }
        /* One tunnel layer removed (k says what it holds). */
        if (++depth > PKT_MAX_DEPTH)
            goto malformed;
        st->tunnels++;
    }
malformed:
    st->malformed++;
    return 0;
}
