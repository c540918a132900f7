/*
 * pcap.c - classic libpcap savefile reading (see pcap.h).
 *
 * Implements the file header and record header of draft-ietf-opsawg-pcap
 * with the variants libpcap accepts: µs, ns and Kuznetzov "modified" magics
 * in both byte orders, versions 2.0-2.4 and DG/UX 543.0 with their swapped
 * length fields, and the FCS bits of the link type field. Every length is
 * checked before the reader is asked for the bytes it announces, so a lying
 * record header can never make us buffer more than PCAP_MAX_CAPLEN.
 *
 * It deliberately does not do what libpcap does with a record longer than
 * the snaplen (read snaplen bytes, drop the rest): every captured byte is
 * returned and the caller compares caplen with hdr.snaplen. Nor does it try
 * Wireshark's heuristics for the AIX/SS990417/Nokia variants, which need to
 * look ahead and cannot work on a pipe.
 *
 * Messages from pcap_open and pcap_next start with the reader's name (when
 * set), like the reader's own I/O messages.
 */
#include "pcap.h"

#include <stdarg.h>
#include <stdio.h>

#define PCAP_MAGIC_US 0xA1B2C3D4u
#define PCAP_MAGIC_NS 0xA1B23C4Du
#define PCAP_MAGIC_MOD 0xA1B2CD34u

/* Link type field (pcap/pcap.h LT_* macros). */
#define LT_RESERVED1 0x03FF0000u
#define LT_FCS_PRESENT 0x04000000u
#define LT_FCS_WORDS(x) (((x) >> 28) & 0xFu)

/* How the record header's caplen and len fields are stored. */
enum len_order { LENS_NORMAL, LENS_SWAPPED, LENS_MAYBE_SWAPPED };

/* Formats "[name: ]offset N[ (uncompressed)]: <msg>" for a data error. */
static int pcap_data_err(const struct pcap_reader *pr, uint64_t off,
                         struct sc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
pcap_data_err(const struct pcap_reader *pr, uint64_t off, struct sc_err *err,
              const char *fmt, ...)
{
    char msg[SC_ERR_MSG_MAX];
    bool inflating = pr->rd != NULL && reader_source(pr->rd)->inflating;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return sc_err_set(err, SC_ERR_DATA, "%s%soffset %llu%s: %s",
                      pr->name != NULL ? pr->name : "",
                      pr->name != NULL ? ": " : "", (unsigned long long)off,
                      inflating ? " (uncompressed)" : "", msg);
}

int
pcap_parse_header(const uint8_t p[PCAP_FILE_HDR_LEN], struct pcap_header *h,
                  struct sc_err *err)
{
    static const enum byte_order orders[2] = {BO_LE, BO_BE};
    uint32_t magic = 0, lt;
    int i;

    /* The magic is written in the writer's byte order: try both and keep
     * the one that yields a known value. */
    for (i = 0; i < 2; i++) {
        magic = bo_get32(orders[i], p);
        if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
            magic == PCAP_MAGIC_MOD)
            break;
    }
    if (i == 2)
        return sc_err_set(err, SC_ERR_DATA, "not a pcap file (magic 0x%08x)",
                          bo_get32(BO_BE, p));
    h->order = orders[i];
    h->nsec = magic == PCAP_MAGIC_NS;
    h->modified = magic == PCAP_MAGIC_MOD;
    h->ver_major = bo_get16(h->order, p + 4);
    h->ver_minor = bo_get16(h->order, p + 6);
    /* libpcap: "2.x with minor <= 4, or the DG/UX 543.0". */
    if (!(h->ver_major == 2 && h->ver_minor <= 4) &&
        !(h->ver_major == 543 && h->ver_minor == 0))
        return sc_err_set(err, SC_ERR_DATA, "unsupported pcap version %u.%u",
                          h->ver_major, h->ver_minor);
    /* Offsets 8 and 12 (thiszone, sigfigs): readers ignore them; thiszone
     * is kept to say so. */
    h->thiszone = (int32_t)bo_get32(h->order, p + 8);
    h->snaplen = bo_get32(h->order, p + 16);
    lt = bo_get32(h->order, p + 20);
    if ((lt & LT_RESERVED1) != 0)
        return sc_err_set(
            err, SC_ERR_DATA,
            "reserved bits of the link type field are not zero (0x%08x)", lt);
    h->linktype = (uint16_t)(lt & 0xFFFFu);
    h->fcs_present = (lt & LT_FCS_PRESENT) != 0;
    /* The FCS length is counted in 16-bit words (Ethernet: 2 = 4 bytes). */
    h->fcs_bits = h->fcs_present ? LT_FCS_WORDS(lt) * 16 : 0;
    h->rec_hdr_len = h->modified ? 24 : 16;
    return 0;
}

/* How caplen and len are stored, from the version (libpcap sf-pcap.c):
 * before 2.3 they were swapped, 2.3 files exist both ways, and DG/UX 543.0
 * is treated as swapped too. */
static enum len_order
pcap_len_order(const struct pcap_header *h)
{
    if (h->ver_major == 543)
        return LENS_SWAPPED;
    if (h->ver_minor < 3)
        return LENS_SWAPPED;
    if (h->ver_minor == 3)
        return LENS_MAYBE_SWAPPED;
    return LENS_NORMAL;
}

uint32_t
pcap_max_record(uint16_t linktype)
{
    switch (linktype) {
    case 231: /* LINKTYPE_DBUS */
        return (uint32_t)128 << 20;
    case 279: /* LINKTYPE_EBHSCR */
        return (uint32_t)8 << 20;
    case 249: /* LINKTYPE_USBPCAP */
        return (uint32_t)1 << 20;
    default:
        return 262144; /* libpcap's MAXIMUM_SNAPLEN */
    }
}

void
pcap_allow_record(struct pcap_reader *pr, uint32_t max)
{
    if (max > PCAP_MAX_CAPLEN)
        max = PCAP_MAX_CAPLEN;
    if (max > pr->max_caplen)
        pr->max_caplen = max;
}

int
pcap_open(struct pcap_reader *pr, struct reader *rd, const char *name,
          struct sc_err *err)
{
    const uint8_t *p;
    int rc;

    pr->rd = rd;
    pr->name = name;
    pr->records = 0;
    rc = reader_fill(rd, PCAP_FILE_HDR_LEN, &p, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return pcap_data_err(pr, 0, err,
                             "truncated file header (%zu of %d bytes)",
                             reader_buffered(rd), PCAP_FILE_HDR_LEN);
    if (pcap_parse_header(p, &pr->hdr, err) < 0) {
        sc_err_prefix(err, "%s%soffset 0", name != NULL ? name : "",
                      name != NULL ? ": " : "");
        return -1;
    }
    pr->lens = (uint8_t)pcap_len_order(&pr->hdr);
    /* The inline path of pcap_next takes the usual records. */
    pr->fast = pr->lens == LENS_NORMAL && !pr->hdr.modified;
    pr->limit = !reader_source(rd)->inflating && reader_source(rd)->size >= 0
                    ? (uint64_t)reader_source(rd)->size
                    : UINT64_MAX;
    pr->readers_max = pcap_max_record(pr->hdr.linktype);
    pr->max_caplen = pr->readers_max;
    pr->over_readers = 0;
    pr->first_over = 0;
    reader_consume(rd, PCAP_FILE_HDR_LEN);
    return 0;
}

int
pcap_next_slow(struct pcap_reader *pr, struct pcap_record *rec,
               struct sc_err *err)
{
    const struct pcap_header *h = &pr->hdr;
    uint64_t off = reader_offset(pr->rd);
    uint64_t number = pr->records + 1;
    uint32_t hl = h->rec_hdr_len, caplen, origlen;
    enum len_order lens;
    const struct source *src;
    const uint8_t *p;
    int rc;

    rc = reader_fill(pr->rd, hl, &p, err);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        size_t have = reader_buffered(pr->rd);

        if (have == 0)
            return 0; /* clean end between records */
        pcap_data_err(pr, off, err,
                      "record #%llu: truncated record header (%zu of %u bytes)",
                      (unsigned long long)number, have, hl);
        return sc_err_cut(err);
    }
    caplen = bo_get32(h->order, p + 8);
    origlen = bo_get32(h->order, p + 12);
    lens = (enum len_order)pr->lens;
    if (lens == LENS_SWAPPED ||
        (lens == LENS_MAYBE_SWAPPED && caplen > origlen)) {
        uint32_t tmp = caplen;

        caplen = origlen;
        origlen = tmp;
    }
    /* Before asking the reader for the data: a lying caplen must not make
     * us buffer (or wait for) up to 4 GiB. */
    if (caplen > pr->max_caplen && pr->max_caplen < PCAP_MAX_CAPLEN)
        return pcap_data_err(
            pr, off, err,
            "record #%llu: captured length %u exceeds the %u bytes libpcap "
            "and Wireshark read for link type %u: a corrupt record header? "
            "(--max-record BYTES accepts longer records)",
            (unsigned long long)number, caplen, pr->max_caplen,
            pr->hdr.linktype);
    if (caplen > pr->max_caplen)
        return pcap_data_err(
            pr, off, err,
            "record #%llu: captured length %u exceeds the maximum of %u",
            (unsigned long long)number, caplen, PCAP_MAX_CAPLEN);
    /* A regular file tells how many bytes are left: a record longer than
     * that is truncated, and the reader need not grow its buffer to find
     * out. Pipes and gzip streams learn it by reading. */
    src = reader_source(pr->rd);
    if (off + hl + caplen > pr->limit) {
        uint64_t size = (uint64_t)src->size;
        uint64_t left = size > off + hl ? size - off - hl : 0;

        pcap_data_err(pr, off, err,
                      "record #%llu: truncated record data (%llu of %u bytes)",
                      (unsigned long long)number, (unsigned long long)left,
                      caplen);
        return sc_err_cut(err);
    }
    /* Header and data in one view, so that nothing moves between them. */
    rc = reader_fill(pr->rd, (size_t)hl + caplen, &p, err);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        pcap_data_err(pr, off, err,
                      "record #%llu: truncated record data (%zu of %u bytes)",
                      (unsigned long long)number, reader_buffered(pr->rd) - hl,
                      caplen);
        return sc_err_cut(err);
    }
    if (caplen > pr->readers_max && pr->over_readers++ == 0)
        pr->first_over = number;
    rec->number = number;
    rec->offset = off;
    rec->ts_sec = bo_get32(h->order, p);
    rec->ts_frac = bo_get32(h->order, p + 4);
    rec->caplen = caplen;
    rec->origlen = origlen;
    rec->data = p + hl;
    if (h->modified) {
        /* struct pcap_sf_patched_pkthdr: index, protocol, pkt_type, pad. */
        rec->ifindex = bo_get32(h->order, p + 16);
        rec->protocol = bo_get16(h->order, p + 20);
        rec->pkt_type = p[22];
    } else {
        rec->ifindex = 0;
        rec->protocol = 0;
        rec->pkt_type = 0;
    }
    /* Consuming does not move the buffer: rec->data stays valid until the
     * next fill. */
    reader_consume(pr->rd, (size_t)hl + caplen);
    pr->records = number;
    return 1;
}
