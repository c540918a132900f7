/*
 * pcap.h - classic libpcap savefile reading (draft-ietf-opsawg-pcap).
 *
 * Accepts the magics libpcap accepts, in both byte orders: 0xA1B2C3D4 (µs),
 * 0xA1B23C4D (ns) and 0xA1B2CD34 (Kuznetzov "modified", 24-byte record
 * headers). Version rules follow libpcap: 2.0-2.4 and 543.0; versions below
 * 2.3 store caplen and len swapped, 2.3 swaps when caplen > len. The link
 * type field's reserved bits (0x03FF0000) must be 0; the FCS bits (P bit
 * 0x04000000, length in 16-bit words in bits 28-31) are decoded.
 *
 * Records are returned as views into the reader's buffer (zero copy), valid
 * until the next call. A record whose captured length exceeds what libpcap
 * and Wireshark read for the link type (pcap_max_record: 262,144 bytes for
 * almost all, libpcap's max_snaplen_for_dlt) is almost always a corrupt
 * record header, so it is rejected before anything is buffered, naming
 * --max-record; pcap_allow_record() raises the limit up to PCAP_MAX_CAPLEN
 * and counts the records over the readers' limit (for a warning). One
 * longer than the snaplen is returned as is (every byte kept) and flagged.
 */
#ifndef SC_PCAP_H
#define SC_PCAP_H

#include <stdbool.h>
#include <stdint.h>

#include "byteorder.h"
#include "err.h"
#include "reader.h"

#define PCAP_FILE_HDR_LEN 24
/* Largest captured length accepted: libpcap's largest per-DLT maximum
 * (D-Bus, 128 MiB). */
#define PCAP_MAX_CAPLEN ((uint32_t)128 << 20)

struct pcap_header {
    enum byte_order order;
    bool nsec;     /* ns timestamps (magic 0xA1B23C4D) */
    bool modified; /* 0xA1B2CD34: 24-byte record headers */
    uint16_t ver_major, ver_minor;
    uint32_t snaplen;     /* as stored */
    uint16_t linktype;    /* low 16 bits of the link type field */
    bool fcs_present;     /* P bit */
    uint32_t fcs_bits;    /* FCS length in bits (words * 16) when present */
    uint32_t rec_hdr_len; /* 16, or 24 for the modified format */
    int32_t thiszone;     /* GMT offset in seconds (ignored by readers) */
};

struct pcap_record {
    uint64_t number; /* 1-based record number */
    uint64_t offset; /* offset of the record header in the stream */
    uint32_t ts_sec;
    uint32_t ts_frac; /* µs or ns */
    uint32_t caplen;
    uint32_t origlen;
    const uint8_t *data; /* caplen bytes, valid until the next call */
    /* modified format only (else 0): */
    uint32_t ifindex;
    uint16_t protocol;
    uint8_t pkt_type;
};

struct pcap_reader {
    struct reader *rd;
    const char *name; /* for messages */
    struct pcap_header hdr;
    uint64_t records; /* records returned so far */
    /* Set by pcap_open from hdr and the source, so that nothing per record
     * has to derive them again: */
    uint8_t lens;          /* how caplen and len are stored (enum in pcap.c) */
    bool fast;             /* records can take pcap_next_fast */
    uint64_t limit;        /* file size for a regular file, else UINT64_MAX */
    uint32_t max_caplen;   /* larger records are refused */
    uint32_t readers_max;  /* pcap_max_record(linktype) */
    uint64_t over_readers; /* records longer than readers_max (allowed) */
    uint64_t first_over;   /* the first of them (record number) */
};

/* The longest record libpcap 1.10 and Wireshark read for a link type:
 * 128 MiB for D-Bus (231), 8 MiB for EBHSCR (279), 1 MiB for USBPcap
 * (249), 262,144 bytes for every other. */
uint32_t pcap_max_record(uint16_t linktype);

/* Accepts records up to max bytes (at most PCAP_MAX_CAPLEN) from here on;
 * those longer than pcap_max_record() are counted in over_readers. */
void pcap_allow_record(struct pcap_reader *pr, uint32_t max);

/* Reads and validates the 24-byte file header. 0 or -1. */
int pcap_open(struct pcap_reader *pr, struct reader *rd, const char *name,
              struct sc_err *err);

/* Parses a file header in place (no I/O): 0, or -1 with a message without
 * the file name. Exposed for unit tests and `info`. */
int pcap_parse_header(const uint8_t p[PCAP_FILE_HDR_LEN], struct pcap_header *h,
                      struct sc_err *err);

/* Returns 1 with *rec filled, 0 at a clean end of file, -1 on error (a
 * truncated record is an error naming the record and its offset). The
 * record's bytes are consumed from the reader. */
static inline int pcap_next(struct pcap_reader *pr, struct pcap_record *rec,
                            struct sc_err *err);

/* pcap_next for every record; it makes every check and reports every
 * error. */
int pcap_next_slow(struct pcap_reader *pr, struct pcap_record *rec,
                   struct sc_err *err);

/*
 * The usual record, inline because pcap input pays it per packet: 16-byte
 * header, caplen and len in their normal places (pr->fast set), byte order
 * o (a constant in each instance) and the whole record already buffered.
 * The same checks as pcap_next_slow; 1 with *rec filled, or 0 when anything
 * is unusual (pcap_next_slow then does it all again and reports the error,
 * if any).
 */
static inline __attribute__((always_inline)) int
pcap_next_fast(struct pcap_reader *pr, struct pcap_record *rec,
               enum byte_order o)
{
    struct reader *rd = pr->rd;
    const uint8_t *p = reader_ptr(rd);
    size_t have = reader_buffered(rd);
    uint64_t off = reader_offset(rd);
    uint32_t caplen;

    if (have < 16)
        return 0;
    caplen = bo_get32(o, p + 8);
    /* caplen <= max_caplen <= PCAP_MAX_CAPLEN, so 16 + caplen cannot
     * wrap. Longer than the readers' limit: counted by the slow path. */
    if (caplen > pr->readers_max || 16 + (size_t)caplen > have ||
        off + 16 + caplen > pr->limit)
        return 0;
    rec->number = pr->records + 1;
    rec->offset = off;
    rec->ts_sec = bo_get32(o, p);
    rec->ts_frac = bo_get32(o, p + 4);
    rec->caplen = caplen;
    rec->origlen = bo_get32(o, p + 12);
    rec->data = p + 16;
    rec->ifindex = 0;
    rec->protocol = 0;
    rec->pkt_type = 0;
    reader_consume(rd, 16 + (size_t)caplen);
    pr->records = rec->number;
    return 1;
}

static inline int
pcap_next(struct pcap_reader *pr, struct pcap_record *rec, struct sc_err *err)
{
    if (pr->fast && (pr->hdr.order == BO_LE ? pcap_next_fast(pr, rec, BO_LE)
                                            : pcap_next_fast(pr, rec, BO_BE)))
        return 1;
    return pcap_next_slow(pr, rec, err);
}

#endif
