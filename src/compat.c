/*
 * compat.c - reader-compatibility checks over pcapng blocks (see compat.h).
 *
 * The limits are those of libpcap 1.10 sf-pcapng.c and Wireshark 4.0
 * wiretap/pcapng.c as observed with the installed readers (tests/cli/
 * reader_compat.sh runs them on one fixture per rule; docs/compat.md has
 * the matrix). The quoted messages are the readers' own.
 *
 * It does not validate: every block given here has passed pcapng_next (or
 * was built by secretcap), so lengths, option headers and interface
 * references are known to be in bounds.
 */
#include "compat.h"

#include "pcap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* libpcap: INITIAL_MAX_BLOCKSIZE, BT_SHB_INSANE_MAX, MAXIMUM_SNAPLEN. */
#define PCAP_MAX_BLOCK ((uint32_t)16 << 20)
#define PCAP_MAX_SHB ((uint32_t)1 << 20)
#define READERS_MIN_RECORD 262144u

#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

/*
 * The link types each reader knows, as bitmaps over 0..319; every value
 * from 320 up is unknown to both. Observed, not copied: capinfos 4.0.17 on
 * one IDB of every link type 0..65535 (Wireshark maps the value to an
 * encapsulation, or shows "Unknown (0 - unknown)", its packets as
 * "UNKNOWN", and editcap refuses to write them), and tcpdump 4.99.3 /
 * libpcap 1.10.3 on a file of each link type 0..399 (libpcap's filter
 * compiler refuses "unknown data link type N (min 104, max 289)": 0, 1,
 * 6-12, 15, 16, 19, 50, 51, 99 and 100-289 pass).
 */
static const uint32_t ws_known[10] = {
    0x000d7fcfu, 0x000c0001u, 0x00000000u, 0x8ee73f38u, 0xfff9ffafu,
    0x7dbe3eafu, 0x10fe1fb9u, 0xff2fb8ffu, 0x899fd51du, 0x000000f5u};
static const uint32_t pcap_known[10] = {
    0x00099fc3u, 0x000c0000u, 0x00000000u, 0xfffffff8u, 0xffffffffu,
    0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x00000003u};

static bool
in_bitmap(const uint32_t map[10], uint16_t v)
{
    return v < 320 && (map[v / 32] >> (v % 32) & 1u) != 0;
}

bool
compat_linktype_pcap(uint16_t linktype)
{
    return in_bitmap(pcap_known, linktype);
}

bool
compat_linktype_ws(uint16_t linktype)
{
    return in_bitmap(ws_known, linktype);
}

static const struct {
    const char *name;
    unsigned readers;
} kinds[COMPAT_NKINDS] = {
    [COMPAT_BIG_BLOCK] = {"block-over-16MiB", COMPAT_TCPDUMP},
    [COMPAT_BIG_SHB] = {"shb-over-1MiB", COMPAT_TCPDUMP},
    [COMPAT_BYTE_ORDER] = {"mixed-byte-orders", COMPAT_TCPDUMP},
    [COMPAT_LINKTYPE_MIX] = {"mixed-link-types", COMPAT_TCPDUMP},
    [COMPAT_LINKTYPE_SECT] = {"mixed-link-types-sections",
                              COMPAT_TCPDUMP | COMPAT_EDITCAP},
    [COMPAT_SNAPLEN_MIX] = {"mixed-snaplens", COMPAT_TCPDUMP},
    [COMPAT_BIG_PACKET] = {"packet-over-limit",
                           COMPAT_TSHARK | COMPAT_EDITCAP | COMPAT_CAPINFOS},
    [COMPAT_CAPLEN_SNAPLEN] = {"caplen-over-snaplen", COMPAT_TCPDUMP},
    [COMPAT_LINKTYPE_WS] = {"link-type-unknown-to-wireshark",
                            COMPAT_EDITCAP | COMPAT_CAPINFOS},
    [COMPAT_LINKTYPE_PCAP] = {"link-type-unknown-to-libpcap", COMPAT_TCPDUMP},
    [COMPAT_PKT_OPTION] = {"packet-option-length",
                           COMPAT_TSHARK | COMPAT_EDITCAP | COMPAT_CAPINFOS},
    [COMPAT_TSRESOL_TWICE] = {"if-tsresol-twice", COMPAT_TCPDUMP},
    [COMPAT_TSOFFSET] = {"if-tsoffset", COMPAT_TCPDUMP},
    [COMPAT_NO_IDB] = {"no-interface", COMPAT_TCPDUMP | COMPAT_EDITCAP},
};

unsigned
compat_kind_readers(enum compat_kind k)
{
    return k < COMPAT_NKINDS ? kinds[k].readers : 0;
}

const char *
compat_kind_name(enum compat_kind k)
{
    return k < COMPAT_NKINDS ? kinds[k].name : "?";
}

/* libpcap's snaplen for an interface: 0 (and anything above INT_MAX)
 * means the link type's maximum. */
static uint32_t
adjusted_snaplen(uint16_t linktype, uint32_t snaplen)
{
    return snaplen == 0 || snaplen > INT32_MAX ? pcap_max_record(linktype)
                                               : snaplen;
}

static void
set_quick(struct compat *c)
{
    c->quick_caplen =
        c->snaplen < READERS_MIN_RECORD ? c->snaplen : READERS_MIN_RECORD;
}

void
compat_init(struct compat *c, const char *name, bool inflating, bool strict)
{
    memset(c, 0, sizeof(*c));
    c->name = name;
    c->inflating = inflating;
    c->strict = strict;
    c->max_block = PCAP_MAX_BLOCK;
    c->quick_caplen = 0;
}

/* "NAME: block #N at offset O[ (uncompressed)]" into buf. */
static void
where(const struct compat *c, const struct compat_finding *f, char *buf,
      size_t n)
{
    if (f->block == 0)
        snprintf(buf, n, "%s", c->name);
    else
        snprintf(buf, n, "%s: block #%" PRIu64 " at offset %" PRIu64 "%s",
                 c->name, f->block, f->offset,
                 c->inflating ? " (uncompressed)" : "");
}

/* Records a finding of kind k at block b (NULL: the whole file). The text
 * is formatted only for the first one. -1 with err set when strict. */
static int found(struct compat *c, enum compat_kind k,
                 const struct pcapng_block *b, struct sc_err *err,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
found(struct compat *c, enum compat_kind k, const struct pcapng_block *b,
      struct sc_err *err, const char *fmt, ...)
{
    struct compat_finding *f = &c->f[k];
    char at[512];
    va_list ap;

    if (f->count++ > 0)
        return 0;
    f->block = b != NULL ? b->number : 0;
    f->offset = b != NULL ? b->offset : 0;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof(f->what), fmt, ap);
    va_end(ap);
    if (!c->strict)
        return 0;
    where(c, f, at, sizeof(at));
    return sc_err_set(err, SC_ERR_DATA, "%s: %s (--strict)", at, f->what);
}

#define TSHARK_REFUSES "tshark, Wireshark, editcap and capinfos refuse it"

static int
check_idb(struct compat *c, const struct pcapng_block *b, struct sc_err *err)
{
    uint16_t lt = bo_get16(b->order, b->data + 8);
    uint32_t raw = bo_get32(b->order, b->data + 12);
    uint32_t snaplen = adjusted_snaplen(lt, raw);
    uint64_t limit = (uint64_t)pcap_max_record(lt) + 131072 + 32;
    unsigned tsresol = 0, tsoffset = 0;
    struct pcapng_opt_iter it;
    struct pcapng_opt o;

    if (!compat_linktype_ws(lt) &&
        found(c, COMPAT_LINKTYPE_WS, b, err,
              "link type %u is unknown to Wireshark 4.0: tshark shows its "
              "packets as UNKNOWN, editcap and mergecap refuse to write "
              "it, capinfos reports \"Unknown packet encapsulation\"",
              lt) < 0)
        return -1;
    if (!compat_linktype_pcap(lt) &&
        found(c, COMPAT_LINKTYPE_PCAP, b, err,
              "link type %u is unknown to libpcap 1.10: tcpdump refuses "
              "it (\"unknown data link type %u\")",
              lt, lt) < 0)
        return -1;
    if (c->idbs++ == 0) {
        c->linktype = lt;
        c->snaplen = snaplen;
        c->first_idb_section = b->section;
        set_quick(c);
    } else {
        bool later = b->section != c->first_idb_section;

        if (lt != c->linktype &&
            found(c, later ? COMPAT_LINKTYPE_SECT : COMPAT_LINKTYPE_MIX, b, err,
                  "an interface of link type %u after one of link type %u%s: "
                  "tcpdump refuses it (libpcap reads one link type per "
                  "file: \"an interface has a type %u different from the "
                  "type of the first interface\")%s",
                  lt, c->linktype, later ? " in an earlier section" : "", lt,
                  later ? "; editcap and mergecap, which merge sections "
                          "into one, fail to write it"
                        : "") < 0)
            return -1;
        if (snaplen != c->snaplen &&
            found(c, COMPAT_SNAPLEN_MIX, b, err,
                  "an interface of snaplen %" PRIu32 " after one of snaplen "
                  "%" PRIu32 ": tcpdump refuses it (\"an interface has a "
                  "snapshot length %" PRIu32 " different from the snapshot "
                  "length of the first interface\")",
                  snaplen, c->snaplen, snaplen) < 0)
            return -1;
    }
    /* libpcap raises its block limit for link types with longer records
     * (D-Bus): MAX_BLOCKSIZE_FOR_SNAPLEN. */
    if (limit > c->max_block)
        c->max_block = (uint32_t)limit;
    if (pcapng_opts_begin(b, &it) < 0)
        return 0;
    while (pcapng_opts_next(&it, &o) == 1) {
        if (o.code == OPT_IF_TSRESOL && ++tsresol == 2 &&
            found(c, COMPAT_TSRESOL_TWICE, b, err,
                  "an IDB with two if_tsresol options: tcpdump refuses it "
                  "(\"Interface Description Block has more than one "
                  "if_tsresol option\"), Wireshark reads it") < 0)
            return -1;
        if (o.code != OPT_IF_TSOFFSET)
            continue;
        if (o.len != 8 &&
            found(c, COMPAT_TSOFFSET, b, err,
                  "an IDB if_tsoffset option of length %u, not 8: tcpdump "
                  "refuses it, Wireshark reads it",
                  o.len) < 0)
            return -1;
        if (++tsoffset == 2 &&
            found(c, COMPAT_TSOFFSET, b, err,
                  "an IDB with two if_tsoffset options: tcpdump refuses "
                  "it, Wireshark reads it") < 0)
            return -1;
    }
    return 0;
}

/* The EPB/PB options whose length Wireshark 4.0 checks (and refuses the
 * file over): the length required, or 0 for "at least 1". */
static int
pkt_option_len(uint16_t code, const char **name, const char **ws)
{
    switch (code) {
    case 2:
        *name = "flags";
        *ws = "flags";
        return 4;
    case 4:
        *name = "dropcount";
        *ws = "drop count";
        return 8;
    case 5:
        *name = "packetid";
        *ws = "packet id";
        return 8;
    case 6:
        *name = "queue";
        *ws = "queue";
        return 4;
    case 7:
        *name = "verdict";
        *ws = "verdict";
        return 0;
    default:
        return -1;
    }
}

static int
check_packet(struct compat *c, const struct pcapng_reader *pr,
             const struct pcapng_block *b, struct sc_err *err)
{
    const char *bn = b->type == PCAPNG_BT_EPB  ? "EPB"
                     : b->type == PCAPNG_BT_PB ? "PB"
                                               : "SPB";
    const char *pre = b->type == PCAPNG_BT_EPB ? "epb" : "pack";
    uint32_t iface, caplen, max;
    uint16_t lt;
    struct pcapng_opt_iter it;
    struct pcapng_opt o;

    if (pr == NULL || pr->n_ifaces == 0)
        return 0;
    if (b->type == PCAPNG_BT_SPB) {
        uint32_t snap = pr->ifaces[0].snaplen;

        iface = 0;
        caplen = bo_get32(b->order, b->data + 8);
        if (snap != 0 && snap < caplen)
            caplen = snap;
    } else {
        iface = b->type == PCAPNG_BT_EPB ? bo_get32(b->order, b->data + 8)
                                         : bo_get16(b->order, b->data + 8);
        caplen = bo_get32(b->order, b->data + 20);
    }
    if (iface >= pr->n_ifaces)
        return 0; /* cannot pass pcapng_next */
    lt = pr->ifaces[iface].linktype;
    max = pcap_max_record(lt);
    if (caplen > max &&
        found(c, COMPAT_BIG_PACKET, b, err,
              "%s with %" PRIu32 " bytes of packet data, over the %" PRIu32
              " bytes Wireshark reads for link type %u: " TSHARK_REFUSES
              " (\"pcapng: cap_len %" PRIu32 " is larger than %" PRIu32 "\")",
              bn, caplen, max, lt, caplen, max) < 0)
        return -1;
    /* libpcap compares with the first interface's snaplen (all must be
     * equal); SPB data is cut to the snaplen, not refused. */
    if (b->type != PCAPNG_BT_SPB && c->idbs > 0 && caplen > c->snaplen &&
        found(c, COMPAT_CAPLEN_SNAPLEN, b, err,
              "%s with %" PRIu32 " bytes of packet data, over the snaplen "
              "%" PRIu32 ": tcpdump refuses it (\"invalid packet capture "
              "length %" PRIu32 ", bigger than snaplen of %" PRIu32 "\")",
              bn, caplen, c->snaplen, caplen, c->snaplen) < 0)
        return -1;
    if (b->type == PCAPNG_BT_SPB || pcapng_opts_begin(b, &it) < 0)
        return 0;
    while (pcapng_opts_next(&it, &o) == 1) {
        const char *name, *ws;
        int want = pkt_option_len(o.code, &name, &ws);

        if (want < 0 || (want == 0 ? o.len >= 1 : o.len == want))
            continue;
        if (want == 0) {
            if (found(
                    c, COMPAT_PKT_OPTION, b, err,
                    "%s %s_%s option of length %u, not at least 1: " TSHARK_REFUSES
                    " (\"pcapng: packet block %s option "
                    "length %u is < 1\"), tcpdump reads it",
                    bn, pre, name, o.len, ws, o.len) < 0)
                return -1;
        } else if (found(c, COMPAT_PKT_OPTION, b, err,
                         "%s %s_%s option of length %u, not %d: " TSHARK_REFUSES
                         " (\"pcapng: packet block %s option "
                         "length %u is not %d\"), tcpdump reads it",
                         bn, pre, name, o.len, want, ws, o.len, want) < 0) {
            return -1;
        }
        break; /* one finding per block */
    }
    return 0;
}

int
compat_block_slow(struct compat *c, const struct pcapng_reader *pr,
                  const struct pcapng_block *b, struct sc_err *err)
{
    char name[16];

    if (b->len > c->max_block &&
        found(c, COMPAT_BIG_BLOCK, b, err,
              "a %s of %" PRIu32 " bytes, over the %" PRIu32 " bytes "
              "libpcap reads: tcpdump refuses it (\"pcapng block size %" PRIu32
              " > maximum %" PRIu32 "\")",
              pcapng_block_name(b->type, name), b->len, c->max_block, b->len,
              c->max_block) < 0)
        return -1;
    switch (b->type) {
    case PCAPNG_BT_SHB:
        if (!c->have_order) {
            c->have_order = true;
            c->order = b->order;
            if (b->len > PCAP_MAX_SHB &&
                found(c, COMPAT_BIG_SHB, b, err,
                      "a first SHB of %" PRIu32 " bytes, over the %" PRIu32
                      " bytes libpcap reads: tcpdump refuses it (\"Section "
                      "Header "
                      "Block in pcapng dump file has invalid length\")",
                      b->len, PCAP_MAX_SHB) < 0)
                return -1;
        } else if (b->order != c->order &&
                   found(c, COMPAT_BYTE_ORDER, b, err,
                         "section #%" PRIu64 " is %s-endian, the first "
                         "%s-endian: tcpdump refuses it (libpcap reads one "
                         "byte order per file)",
                         b->section, b->order == BO_LE ? "little" : "big",
                         c->order == BO_LE ? "little" : "big") < 0) {
            return -1;
        }
        return 0;
    case PCAPNG_BT_IDB:
        return check_idb(c, b, err);
    case PCAPNG_BT_EPB:
    case PCAPNG_BT_PB:
    case PCAPNG_BT_SPB:
        return check_packet(c, pr, b, err);
    default:
        return 0;
    }
}

int
compat_end(struct compat *c, struct sc_err *err)
{
    if (c->have_order && c->idbs == 0)
        return found(c, COMPAT_NO_IDB, NULL, err,
                     "no Interface Description Block in the file: tcpdump "
                     "refuses it (\"the capture file has no Interface "
                     "Description Blocks\"), editcap refuses to write it");
    return 0;
}

void
compat_format(const struct compat *c, enum compat_kind k, bool with_name,
              char *buf, size_t n)
{
    const struct compat_finding *f = &c->f[k];
    char at[512], more[64] = "";
    size_t skip = 0;

    where(c, f, at, sizeof(at));
    if (!with_name) {
        /* "NAME: block ..." -> "block ..."; "NAME" alone -> "". */
        skip = strlen(c->name);
        skip += at[skip] == ':' ? 2 : 0;
    }
    if (f->count > 1)
        snprintf(more, sizeof(more), " and %" PRIu64 " more block%s",
                 f->count - 1, f->count == 2 ? "" : "s");
    snprintf(buf, n, "%s%s%s%s", at + skip, more, at[skip] != '\0' ? ": " : "",
             f->what);
}

unsigned
compat_report(const struct compat *c, const struct sc_diag *diag)
{
    unsigned n = 0;
    char line[COMPAT_WHAT_MAX + 600];

    for (int k = 0; k < COMPAT_NKINDS; k++) {
        if (c->f[k].count == 0)
            continue;
        compat_format(c, k, true, line, sizeof(line));
        sc_warn(diag, "%s", line);
        n++;
    }
    return n;
}

unsigned
compat_refused(const struct compat *c)
{
    unsigned r = 0;

    for (int k = 0; k < COMPAT_NKINDS; k++)
        if (c->f[k].count > 0)
            r |= kinds[k].readers;
    return r;
}

int
compat_reason(const struct compat *c, unsigned reader)
{
    for (int k = 0; k < COMPAT_NKINDS; k++)
        if (c->f[k].count > 0 && (kinds[k].readers & reader) != 0)
            return k;
    return -1;
}
