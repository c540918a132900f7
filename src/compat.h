/*
 * compat.h - will the major readers open what we write?
 *
 * secretcap passes pcapng blocks through byte for byte, so a block that
 * tshark 4.0 or libpcap 1.10 (tcpdump) refuses in the input would be
 * refused in the output too. struct compat sees every block written (after
 * pcapng_next validated it) and records, per kind of problem, the first
 * block (number, offset), how many blocks and a one-line description that
 * names the readers that refuse and why. Each rule was checked against
 * tshark 4.0.17, capinfos, editcap and tcpdump 4.99 / libpcap 1.10.3 on a
 * fixture (tests/tools/compat_fixtures.py, docs/compat.md):
 *   libpcap: a block over 16 MiB (more after a D-Bus interface), a first
 *     SHB over 1 MiB, a section of another byte order than the first,
 *     an interface of another link type or (adjusted) snaplen than the
 *     file's first, EPB/PB captured data above that snaplen, a second
 *     if_tsresol, an if_tsoffset not 8 bytes long or given twice, a link
 *     type its filter compiler does not know, a file without any IDB
 *     (editcap too: it refuses to write that file, and one whose later
 *     section has another link type, because it merges sections);
 *   Wireshark: EPB/PB/SPB data longer than it reads for the link type
 *     (pcap_max_record), EPB/PB options of the wrong length (epb_flags and
 *     epb_queue 4, epb_dropcount and epb_packetid 8, epb_verdict >= 1), a
 *     link type it has no encapsulation for (editcap refuses to write it).
 * What no reader refuses is not reported: options after opt_endofopt
 * (every reader stops there), wrong lengths of IDB, SHB and ISB options
 * other than if_tsoffset (Wireshark ignores them), if_tsresol values
 * (pcapng_next already refuses what libpcap refuses). It does not model
 * editcap's own section-merging bugs beyond a hint.
 *
 * Cost: compat_block() is inline; an EPB without options whose data fits
 * every reader's limit costs four compares. Everything else goes to
 * compat_block_slow(). Memory: a fixed struct, no allocation.
 */
#ifndef SC_COMPAT_H
#define SC_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "byteorder.h"
#include "err.h"
#include "pcapng.h"

enum compat_kind {
    COMPAT_BIG_BLOCK,      /* libpcap: block over its maximum (16 MiB) */
    COMPAT_BIG_SHB,        /* libpcap: first SHB over 1 MiB */
    COMPAT_BYTE_ORDER,     /* libpcap: sections of different byte orders */
    COMPAT_LINKTYPE_MIX,   /* libpcap: interfaces of different link types */
    COMPAT_LINKTYPE_SECT,  /* the same across sections: and editcap */
    COMPAT_SNAPLEN_MIX,    /* libpcap: interfaces of different snaplens */
    COMPAT_BIG_PACKET,     /* Wireshark: data over its limit for the type */
    COMPAT_CAPLEN_SNAPLEN, /* libpcap: captured length over the snaplen */
    COMPAT_LINKTYPE_WS,    /* Wireshark: unknown link type */
    COMPAT_LINKTYPE_PCAP,  /* libpcap: unknown link type */
    COMPAT_PKT_OPTION,     /* Wireshark: EPB/PB option of a wrong length */
    COMPAT_TSRESOL_TWICE,  /* libpcap: a second if_tsresol */
    COMPAT_TSOFFSET,       /* libpcap: if_tsoffset not 8 bytes, or twice */
    COMPAT_NO_IDB,         /* libpcap, editcap: no interface in the file */
    COMPAT_NKINDS
};

/* The readers, as bits of compat_kind_readers() and compat_refused(). */
#define COMPAT_TSHARK 1u   /* tshark and Wireshark 4.0 */
#define COMPAT_TCPDUMP 2u  /* tcpdump and anything on libpcap 1.10 */
#define COMPAT_EDITCAP 4u  /* editcap and mergecap 4.0 */
#define COMPAT_CAPINFOS 8u /* capinfos 4.0 */

#define COMPAT_WHAT_MAX 384

struct compat_finding {
    uint64_t count;  /* blocks with this problem; 0: none */
    uint64_t block;  /* the first one's block number (0 for COMPAT_NO_IDB) */
    uint64_t offset; /* and its stream offset */
    char what[COMPAT_WHAT_MAX]; /* the first one, "...: who refuses" */
};

struct compat {
    const char *name; /* for messages: the input's name */
    bool inflating;   /* offsets are in the uncompressed stream */
    bool strict;      /* the first finding is an error */
    /* The fast path's bound: an EPB without options and with at most this
     * many bytes of data is fine (min of 262144 and the libpcap snaplen;
     * 0 before the first IDB, so that nothing takes the fast path). */
    uint32_t quick_caplen;
    uint32_t max_block; /* libpcap's current block size limit */
    bool have_order;
    enum byte_order order; /* of the first section */
    uint64_t idbs;         /* IDBs seen in the file */
    uint64_t first_idb_section;
    uint16_t linktype; /* of the file's first IDB */
    uint32_t snaplen;  /* of the file's first IDB, adjusted as libpcap does */
    struct compat_finding f[COMPAT_NKINDS];
};

/* Prepares c for one file. name must outlive c. */
void compat_init(struct compat *c, const char *name, bool inflating,
                 bool strict);

/* Looks at one validated block b; pr is the reader's state after b (the
 * current section's interfaces; NULL for a block that is not from a
 * reader: then only an IDB is understood). 0, or -1 with err set (kind
 * SC_ERR_DATA, the message as compat_report would word it) when strict
 * and b is refused by a reader. */
int compat_block_slow(struct compat *c, const struct pcapng_reader *pr,
                      const struct pcapng_block *b, struct sc_err *err);

static inline int
compat_block(struct compat *c, const struct pcapng_reader *pr,
             const struct pcapng_block *b, struct sc_err *err)
{
    /* EPB: 32 bytes of framing and fixed part, the padded data, no
     * options; its data within every limit. */
    if (b->type == PCAPNG_BT_EPB) {
        uint32_t caplen = bo_get32(b->order, b->data + 20);

        if (caplen <= c->quick_caplen && b->len == 32 + pad4(caplen))
            return 0;
    }
    return compat_block_slow(c, pr, b, err);
}

/* At the end of the file: the findings that need all of it (no IDB). 0, or
 * -1 with err set when strict and there is one. */
int compat_end(struct compat *c, struct sc_err *err);

/* One warning per kind found, in kind order:
 *   "NAME: block #7 at offset 6924 and 3 more blocks: WHAT"
 * Returns the number of kinds found. */
unsigned compat_report(const struct compat *c, const struct sc_diag *diag);

/* The finding of kind k (count > 0) as in compat_report, without the
 * name when with_name is false: "block #7 at offset 6924 and 3 more
 * blocks: WHAT". */
void compat_format(const struct compat *c, enum compat_kind k, bool with_name,
                   char *buf, size_t n);

/* The readers that refuse a file with these findings (COMPAT_* bits), and
 * for a reader, the first kind found that it refuses (or -1). */
unsigned compat_refused(const struct compat *c);
int compat_reason(const struct compat *c, unsigned reader);

/* Which readers refuse a kind (COMPAT_* bits) and a short name for it
 * ("block-over-16MiB"). */
unsigned compat_kind_readers(enum compat_kind k);
const char *compat_kind_name(enum compat_kind k);

/* Whether libpcap 1.10 / Wireshark 4.0 know a link type (observed on every
 * value; see compat.c). */
bool compat_linktype_pcap(uint16_t linktype);
bool compat_linktype_ws(uint16_t linktype);

#endif
