/*
 * pcapng.h - pcapng block reading and validation (draft-ietf-opsawg-pcapng).
 *
 * pcapng_next() returns each block as a view into the reader's buffer after
 * validating it in place, in the order libpcap does, before anything is
 * allocated or trusted:
 *   - framing: total length >= 12, a multiple of 4, <= PCAPNG_MAX_BLOCK,
 *     the trailing length equal to the leading one;
 *   - the fixed part of each known block type fits (SHB 28, IDB 20, EPB 32,
 *     SPB 16, PB 32, NRB 16, ISB 24, DSB 20, CB 16 bytes);
 *   - variable parts fit: EPB/PB captured data, DSB secrets, NRB records;
 *   - options: each header and padded value lies inside the block;
 *     opt_endofopt has length 0; if_tsresol has length 1 and a sane value;
 *     bytes after opt_endofopt are ignored (as Wireshark does);
 *   - references: EPB/PB/ISB interface IDs below the section's IDB count,
 *     an SPB only after an IDB;
 *   - SHB: byte-order magic, version 1.0 or 1.2 (others rejected).
 * Unknown, local-use and custom blocks are checked for framing only.
 * The first block of a stream must be an SHB; each SHB starts a new section
 * with its own byte order and interface table.
 *
 * Error messages read
 *   "in.pcapng.gz: offset 6924 (uncompressed): block #7 (EPB): captured
 *    length 1600 exceeds block body 1508"
 * the name being the reader's source name.
 */
#ifndef SC_PCAPNG_H
#define SC_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "byteorder.h"
#include "err.h"
#include "reader.h"

#define PCAPNG_BT_SHB 0x0A0D0D0Au
#define PCAPNG_BT_IDB 0x00000001u
#define PCAPNG_BT_PB 0x00000002u
#define PCAPNG_BT_SPB 0x00000003u
#define PCAPNG_BT_NRB 0x00000004u
#define PCAPNG_BT_ISB 0x00000005u
#define PCAPNG_BT_EPB 0x00000006u
#define PCAPNG_BT_JOURNAL 0x00000009u
#define PCAPNG_BT_DSB 0x0000000Au
#define PCAPNG_BT_CB 0x00000BADu
#define PCAPNG_BT_DCB 0x40000BADu

#define PCAPNG_BOM 0x1A2B3C4Du
/* Smallest EPB: 12 bytes of framing and a 20-byte fixed part. */
#define PCAPNG_MIN_EPB 32u
/* Largest block accepted: Wireshark's reader limit (MIN_EPB_SIZE + 128 MiB
 * + 128 KiB); a larger block cannot be opened by Wireshark anyway. */
#define PCAPNG_MAX_BLOCK 134348832u
/* Most interfaces one section may declare: 2^20, well above the 100,000
 * IDBs Wireshark is known to read in one section. The table costs
 * sizeof(struct pcapng_iface) = 12 bytes an interface, 12 MiB at the cap;
 * the session pass (scope.c) adds 16 bytes and `info` (capinfo.c) 48
 * bytes plus an if_name of at most CAPINFO_NAME_MAX bytes. */
#define PCAPNG_MAX_IFACES 1048576u

/* Short printable name for a block type ("EPB", "DSB", "0x80000001"). The
 * returned pointer is to a static string or to buf (>= 16 bytes). */
const char *pcapng_block_name(uint32_t type, char *buf);

struct pcapng_iface {
    uint16_t linktype;
    uint32_t snaplen;
    uint8_t tsresol; /* raw if_tsresol value, 6 when absent */
};

struct pcapng_block {
    uint32_t type;
    uint32_t len;        /* total length */
    const uint8_t *data; /* len bytes: the whole block, header to trailer */
    enum byte_order order;
    uint64_t offset;  /* offset of the block in the (uncompressed) stream */
    uint64_t number;  /* 1-based block number in the file */
    uint64_t section; /* 1-based section number */
};

struct pcapng_reader {
    struct reader *rd;
    /* Stream offset no block may end beyond: the size of a regular file,
     * UINT64_MAX for pipes and decompressed streams. */
    uint64_t limit;
    enum byte_order order;       /* of the current section */
    uint64_t blocks;             /* blocks returned so far */
    uint64_t sections;           /* sections seen so far */
    struct pcapng_iface *ifaces; /* the current section's interfaces */
    uint32_t n_ifaces;
    uint32_t cap_ifaces;
};

/* Prepares to read blocks from rd (positioned at the first SHB). */
void pcapng_init(struct pcapng_reader *pr, struct reader *rd);
void pcapng_free(struct pcapng_reader *pr);

/* Returns 1 with *b filled (a validated block, consumed from the reader),
 * 0 at a clean end of stream (between blocks), -1 on error. A stream that
 * ends inside a block is an error naming the block's offset. */
static inline int pcapng_next(struct pcapng_reader *pr, struct pcapng_block *b,
                              struct sc_err *err);

/* pcapng_next for every block; it makes every check and reports every
 * error. */
int pcapng_next_slow(struct pcapng_reader *pr, struct pcapng_block *b,
                     struct sc_err *err);

/* Validates one complete block in place (no I/O). iface state is updated
 * for IDBs and SHBs. Used by pcapng_next and exposed for unit tests. */
int pcapng_check_block(struct pcapng_reader *pr, const struct pcapng_block *b,
                       struct sc_err *err);

/* Fills *b for the block of type and len at p (stream offset off, byte
 * order o), the next one of pr. For the fast paths below. */
static inline void
pcapng_block_at(const struct pcapng_reader *pr, struct pcapng_block *b,
                const uint8_t *p, uint32_t type, uint32_t len,
                enum byte_order o, uint64_t off)
{
    b->type = type;
    b->len = len;
    b->data = p;
    b->order = o;
    b->offset = off;
    b->number = pr->blocks + 1;
    b->section = pr->sections;
}

/*
 * The usual block, inline because it is paid per packet: an EPB without
 * options, all buffered, in a section of byte order o (a constant in each
 * instance). It makes the checks of pcapng_next_slow and
 * pcapng_check_block; 1 with *b filled, or 0 when anything is unusual
 * (pcapng_next_slow then does it all again and reports the error, if
 * any). An EPB with options goes through pcapng_check_block in full.
 */
static inline __attribute__((always_inline)) int
pcapng_next_epb(struct pcapng_reader *pr, struct pcapng_block *b,
                struct sc_err *err, enum byte_order o)
{
    struct reader *rd = pr->rd;
    const uint8_t *p = reader_ptr(rd);
    size_t have = reader_buffered(rd);
    uint64_t off = reader_offset(rd), opts;
    uint32_t len;

    if (have < PCAPNG_MIN_EPB || pr->sections == 0 ||
        bo_get32(o, p) != PCAPNG_BT_EPB)
        return 0;
    len = bo_get32(o, p + 4);
    /* Framing (a multiple of 4, the minimum and the cap, the file size, the
     * trailer), then the interface and the captured length (pad4 in 64
     * bits: no wrap). */
    if (len > have || len % 4 != 0 || len < PCAPNG_MIN_EPB ||
        len > PCAPNG_MAX_BLOCK || off + len > pr->limit ||
        bo_get32(o, p + len - 4) != len || bo_get32(o, p + 8) >= pr->n_ifaces)
        return 0;
    opts = 28 + pad4(bo_get32(o, p + 20));
    if (opts > len - 4)
        return 0;
    pcapng_block_at(pr, b, p, PCAPNG_BT_EPB, len, o, off);
    if (opts < len - 4 && pcapng_check_block(pr, b, err) < 0)
        return -1;
    reader_consume(rd, len);
    pr->blocks = b->number;
    return 1;
}

static inline int
pcapng_next(struct pcapng_reader *pr, struct pcapng_block *b,
            struct sc_err *err)
{
    int rc = pr->order == BO_LE ? pcapng_next_epb(pr, b, err, BO_LE)
                                : pcapng_next_epb(pr, b, err, BO_BE);

    return rc != 0 ? rc : pcapng_next_slow(pr, b, err);
}

/* Options iteration over a validated block. */
struct pcapng_opt_iter {
    const uint8_t *p;
    size_t left;
    enum byte_order order;
};
struct pcapng_opt {
    uint16_t code;
    uint16_t len;
    const uint8_t *value;
};
/* Starts iterating the options of b (by type: SHB at 24, IDB at 16, EPB
 * after the padded data, DSB after the padded secrets, ...). Returns 0, or
 * -1 for block types without a known options area. */
int pcapng_opts_begin(const struct pcapng_block *b, struct pcapng_opt_iter *it);
/* 1 = one option, 0 = end (opt_endofopt or end of area). Only valid on a
 * block that pcapng_check_block accepted. */
int pcapng_opts_next(struct pcapng_opt_iter *it, struct pcapng_opt *o);

/* SHB fields. */
struct pcapng_shb {
    uint16_t major, minor;
    int64_t section_length;
};
void pcapng_shb_fields(const struct pcapng_block *b, struct pcapng_shb *s);

/* DSB fields (secrets are a view into the block). */
struct pcapng_dsb {
    uint32_t secrets_type;
    uint32_t secrets_len;
    const uint8_t *secrets;
};
void pcapng_dsb_fields(const struct pcapng_block *b, struct pcapng_dsb *d);

#endif
