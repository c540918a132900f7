/*
 * capinfo.h - what a capture holds, for `secretcap info`: format and
 * compression, sections (byte order, version, section length), interfaces
 * (link type, snaplen, timestamp resolution and offset, name), packets,
 * first and last packet time, blocks by type, and every Decryption Secrets
 * Block with what its payload holds.
 *
 * capinfo_scan() reads an opened input (pcap or pcapng, any compression
 * input.h handles) to its end through the validating readers, so every
 * length it reports has been checked against the block it came from; a DSB
 * payload is only ever looked at within its block (reliability.md §4).
 * Payloads are analysed as data, never trusted: text types go through
 * keylog.c's grammar (lines, invalid lines, and for TLS lines per label and
 * distinct client randoms, via keylog_stats.h), ZigBee payloads are counted
 * in records, anything else is only measured. A payload that is not what
 * its type says (binary data in a TLS DSB, ...) is described in `problem`.
 * Nothing is printed: the CLI formats the report (text), or
 * capinfo_to_json() writes the stable JSON of docs/info-json.md.
 *
 * On a read or format error the scan stops: the fields describe what was
 * read up to there, and the error comes back as usual.
 */
#ifndef SC_CAPINFO_H
#define SC_CAPINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "byteorder.h"
#include "compat.h"
#include "err.h"
#include "input.h"
#include "json.h"
#include "pcapng.h"

/* A packet time: seconds since 1970 (UTC) plus attoseconds, and how many
 * fraction digits the interface's resolution supports. */
struct capinfo_ts {
    bool set;
    int64_t sec;
    uint64_t atto; /* < 10^18 */
    uint8_t digits;
};

/* The most bytes of an if_name kept (and shown); longer names are cut, so
 * that a section of many interfaces stays bounded in memory. */
#define CAPINFO_NAME_MAX 128

struct capinfo_iface {
    uint16_t linktype;
    uint32_t snaplen;
    uint8_t tsresol; /* raw if_tsresol (pcap: 6 for µs, 9 for ns) */
    int64_t tsoffset;
    char *name; /* if_name, NUL-terminated copy (NULL when absent) */
    size_t name_len;
    uint64_t packets;
};

struct capinfo_section {
    uint64_t offset;
    enum byte_order order;
    uint16_t major, minor;
    bool has_length; /* pcapng: the SHB's section length (-1: unknown) */
    int64_t length;
    struct capinfo_iface *ifaces;
    uint32_t n_ifaces, cap_ifaces;
    uint64_t packets;
};

struct capinfo_label {
    char *name;
    uint64_t count;
};

struct capinfo_dsb {
    uint64_t number; /* 1-based among the file's DSBs */
    uint64_t section;
    uint64_t offset; /* of the block, in the uncompressed stream */
    uint32_t block_len;
    uint32_t type;
    uint32_t secrets_len;
    bool text;                    /* analysed as text lines */
    uint64_t lines;               /* valid lines (text types) */
    uint64_t bad_lines;           /* invalid lines (text types) */
    uint64_t records;             /* ZigBee records */
    struct capinfo_label *labels; /* tls, ssh, wg */
    size_t n_labels;
    uint64_t other_label_lines;
    uint64_t client_randoms; /* tls */
    char *problem; /* why the payload is not what its type says, or NULL */
};

struct capinfo_btype {
    uint32_t type;
    uint64_t count;
};

#define CAPINFO_MAX_BTYPES 64

struct capinfo {
    enum cap_format format;       /* FMT_PCAP or FMT_PCAPNG */
    enum compression compression; /* how the input was compressed */
    uint64_t bytes;               /* uncompressed bytes read */
    int64_t compressed_bytes; /* size of a compressed regular file, else -1 */
    struct capinfo_section *sections;
    size_t n_sections, cap_sections;
    uint64_t packets;
    struct capinfo_ts first, last; /* earliest and latest packet time */
    uint64_t packets_no_ts;        /* SPBs: no timestamp */
    struct capinfo_btype btypes[CAPINFO_MAX_BTYPES]; /* first-seen order */
    size_t n_btypes;
    uint64_t other_blocks; /* blocks of types beyond CAPINFO_MAX_BTYPES */
    uint64_t blocks;
    struct capinfo_dsb *dsbs;
    size_t n_dsbs, cap_dsbs;
    /* What would make tshark, tcpdump, editcap or capinfos refuse the
     * file (compat.h); pcap: its link type. */
    struct compat compat;
};

/* The readers `info` names, in order: COMPAT_* bit and name. */
#define CAPINFO_N_READERS 4
extern const struct capinfo_reader {
    unsigned bit;
    const char *name;
} capinfo_readers[CAPINFO_N_READERS];

/* A pcapng timestamp: units of if_tsresol (raw option value) plus
 * if_tsoffset seconds -> *t. */
void capinfo_ts_from_units(uint64_t units, uint8_t tsresol, int64_t tsoffset,
                           struct capinfo_ts *t);

/* Scans in to its end. 0, or -1 with err set (ci holds what was read). */
int capinfo_scan(struct capinfo *ci, struct input *in, struct sc_err *err);
void capinfo_free(struct capinfo *ci);

/* Formats t as ISO 8601 UTC with t->digits fraction digits
 * ("2024-05-01T12:00:00.123456Z"); "-" when unset. cap >= 48. */
void capinfo_format_ts(const struct capinfo_ts *t, char *buf, size_t cap);

/* Resolution as text: "1e-6" for 10^-6, "2^-10" for 2^-10. cap >= 16. */
void capinfo_format_resol(uint8_t tsresol, char *buf, size_t cap);

/* A short name for common link types ("ETHERNET"), or NULL. */
const char *capinfo_linktype_name(uint16_t linktype);

/* t as a JSON string (capinfo_format_ts), or null when unset. */
void capinfo_json_ts(struct json *j, const struct capinfo_ts *t);

/* The timestamp options of a validated IDB: if_tsresol (6 when absent) and
 * if_tsoffset (0 when absent). */
void capinfo_idb_time(const struct pcapng_block *b, uint8_t *tsresol,
                      int64_t *tsoffset);

/* Appends one file object of docs/info-json.md to j: name is the display
 * name, err the scan error or NULL. */
void capinfo_to_json(const struct capinfo *ci, const char *name,
                     const struct sc_err *err, struct json *j);

#endif
