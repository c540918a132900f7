/*
 * fuzz_inject.c - the whole inject pipeline with a round-trip oracle.
 *
 * The input goes through input_open_source (format sniffing and gzip
 * included, read in 1, 3, 4096 or unlimited bytes per read), then
 * inject_run with a fixed one-line TLS key log into a memfd. Whatever it
 * accepts, its own output must:
 *   - re-read cleanly with pcapng_next (no error, a clean end);
 *   - pcapng input: contain every input block unchanged and in order (the
 *     SHB patched only in version and section length; input DSBs missing
 *     only when discard asked for it), so every EPB/SPB/PB is kept, plus
 *     exactly one injected DSB in each section that should get one (the
 *     first, or all with all_sections), after the SHB and its IDBs and
 *     before any other block;
 *   - pcap input: be SHB, IDB (same link type; a snaplen that every record
 *     fits), the injected DSB, then one EPB per record with the same
 *     timestamp, lengths and bytes.
 * The input side is re-read independently (a second input_open_source) in
 * lockstep with the output. Any violation abort()s.
 *
 * Selector bits: 0-1 read size, 2 writer buffer (4 KiB or 64 KiB, so both
 * the buffered and the direct write paths run), 3 discard_existing, 4
 * discard only TLS DSBs (else all), 5 all_sections.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "byteorder.h"
#include "fuzz.h"
#include "input.h"
#include "keylog.h"
#include "output.h"
#include "pcap.h"
#include "pcapng.h"
#include "pipeline.h"
#include "secrets.h"
#include "source.h"

/* Decompression in the fuzzing thread: one thread, reproducible runs. */
static const struct input_opts fuzz_input = {.readahead = READAHEAD_OFF};

static const char tls_text[] =
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef "
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";

static struct keylog keys; /* the injected secrets, made once */
static int out_fd = -1;    /* the output, reused (truncated) per input */

static void
setup(void)
{
    struct sc_err err = {0};

    if (out_fd >= 0)
        return;
    keylog_init(&keys, SECRETS_TLS);
    FUZZ_CHECK(keylog_add_mem(&keys, "fixed.keys", (const uint8_t *)tls_text,
                              sizeof(tls_text) - 1, NULL, NULL, &err) == 0,
               "fixed key log: %s", err.msg);
    FUZZ_CHECK(keylog_len(&keys) == sizeof(tls_text) - 1,
               "fixed key log length");
    out_fd = memfd_create("secretcap-fuzz-out", MFD_CLOEXEC);
    FUZZ_CHECK(out_fd >= 0, "memfd_create: %s", strerror(errno));
}

/* Is b a DSB with exactly the injected secrets (and no options)? */
static int
is_ours(const struct pcapng_block *b)
{
    struct pcapng_dsb d;

    if (b->type != PCAPNG_BT_DSB)
        return 0;
    pcapng_dsb_fields(b, &d);
    /* The fixed key log is one normalised line: its text is tls_text. */
    return d.secrets_type == SECRETS_TLS &&
           d.secrets_len == sizeof(tls_text) - 1 &&
           b->len == 20 + pad4(sizeof(tls_text) - 1) &&
           memcmp(d.secrets, tls_text, sizeof(tls_text) - 1) == 0;
}

static int
is_packet(uint32_t type)
{
    return type == PCAPNG_BT_EPB || type == PCAPNG_BT_SPB ||
           type == PCAPNG_BT_PB;
}

/* Output block o is input block i as the pipeline passes it through. */
static int
same_block(const struct pcapng_block *o, const struct pcapng_block *i)
{
    if (o->type != i->type || o->len != i->len || o->order != i->order)
        return 0;
    if (o->type == PCAPNG_BT_SHB) {
        struct pcapng_shb s;

        pcapng_shb_fields(o, &s);
        return s.major == 1 && s.minor == 0 && s.section_length == -1 &&
               memcmp(o->data + 8, i->data + 8, 4) == 0 &&
               memcmp(o->data + 24, i->data + 24, o->len - 24) == 0;
    }
    return memcmp(o->data, i->data, o->len) == 0;
}

struct reread {
    struct input in;
    struct reader *out_rd;
};

/* The next input block the output should contain (input DSBs that discard
 * drops are skipped). */
static int
next_kept(struct pcapng_reader *pr, struct pcapng_block *b,
          const struct inject_opts *o, uint64_t *dropped, struct sc_err *err)
{
    int rc;

    while ((rc = pcapng_next(pr, b, err)) == 1) {
        struct pcapng_dsb d;

        if (b->type != PCAPNG_BT_DSB || !o->discard_existing)
            break;
        pcapng_dsb_fields(b, &d);
        if (o->discard_type != 0 && d.secrets_type != o->discard_type)
            break;
        (*dropped)++;
    }
    return rc;
}

static void
check_pcapng(struct reread *rr, const struct inject_opts *o,
             const struct inject_stats *st)
{
    struct sc_err err = {0};
    struct pcapng_reader ir, orr;
    struct pcapng_block ib, ob;
    uint64_t packets = 0, dropped = 0, added = 0, section = 0;
    int ri, ro, injected = 0, other = 0, just_injected = 0;

    pcapng_init(&ir, rr->in.rd);
    pcapng_init(&orr, rr->out_rd);
    ri = next_kept(&ir, &ib, o, &dropped, &err);
    FUZZ_CHECK(ri >= 0, "input re-read failed: %s", err.msg);
    while ((ro = pcapng_next(&orr, &ob, &err)) == 1) {
        if (ob.type == PCAPNG_BT_SHB) {
            if (section > 0)
                FUZZ_CHECK(injected == (section == 1 || o->all_sections),
                           "section %llu: %d injected DSBs",
                           (unsigned long long)section, injected);
            section++;
            injected = other = 0;
        }
        FUZZ_CHECK(section > 0, "output does not start with an SHB");
        if (is_ours(&ob) && !injected && !other &&
            (section == 1 || o->all_sections)) {
            injected = just_injected = 1;
            added++;
            continue;
        }
        FUZZ_CHECK(ri == 1, "output block #%llu (type 0x%08x) not in input",
                   (unsigned long long)ob.number, ob.type);
        FUZZ_CHECK(same_block(&ob, &ib),
                   "output block #%llu (type 0x%08x) differs from input block "
                   "#%llu (type 0x%08x)",
                   (unsigned long long)ob.number, ob.type,
                   (unsigned long long)ib.number, ib.type);
        /* "after the SHB and the IDBs that directly follow it". */
        FUZZ_CHECK(!(just_injected && ob.type == PCAPNG_BT_IDB),
                   "IDB right after the injected DSB in section %llu",
                   (unsigned long long)section);
        just_injected = 0;
        if (ob.type != PCAPNG_BT_SHB && ob.type != PCAPNG_BT_IDB)
            other = 1;
        if (is_packet(ob.type))
            packets++;
        ri = next_kept(&ir, &ib, o, &dropped, &err);
        FUZZ_CHECK(ri >= 0, "input re-read failed: %s", err.msg);
    }
    FUZZ_CHECK(ro == 0, "output does not re-read: %s", err.msg);
    FUZZ_CHECK(ri == 0, "input block #%llu (type 0x%08x) missing from output",
               (unsigned long long)ib.number, ib.type);
    FUZZ_CHECK(section > 0 && injected == (section == 1 || o->all_sections),
               "last section %llu: %d injected DSBs",
               (unsigned long long)section, injected);
    FUZZ_CHECK(packets == st->packets && added == st->dsbs_added &&
                   dropped == st->dsbs_dropped && section == st->sections,
               "statistics: packets %llu/%llu, DSBs %llu/%llu",
               (unsigned long long)packets, (unsigned long long)st->packets,
               (unsigned long long)added, (unsigned long long)st->dsbs_added);
    pcapng_free(&ir);
    pcapng_free(&orr);
}

static void
check_pcap(struct reread *rr, const struct inject_stats *st)
{
    struct sc_err err = {0};
    struct pcap_reader pr;
    struct pcap_record rec;
    struct pcapng_reader orr;
    struct pcapng_block ob;
    uint32_t snaplen;
    uint64_t packets = 0;
    int rc, ro;

    FUZZ_CHECK(pcap_open(&pr, rr->in.rd, "fuzz", &err) == 0,
               "input re-read failed: %s", err.msg);
    pcapng_init(&orr, rr->out_rd);
    ro = pcapng_next(&orr, &ob, &err);
    FUZZ_CHECK(ro == 1 && ob.type == PCAPNG_BT_SHB && ob.order == BO_LE,
               "no SHB first: %s", err.msg);
    ro = pcapng_next(&orr, &ob, &err);
    FUZZ_CHECK(ro == 1 && ob.type == PCAPNG_BT_IDB, "no IDB second: %s",
               err.msg);
    FUZZ_CHECK(bo_get16(BO_LE, ob.data + 8) == pr.hdr.linktype,
               "link type %u, input %u", bo_get16(BO_LE, ob.data + 8),
               pr.hdr.linktype);
    snaplen = bo_get32(BO_LE, ob.data + 12);
    ro = pcapng_next(&orr, &ob, &err);
    FUZZ_CHECK(ro == 1 && is_ours(&ob), "no injected DSB third: %s", err.msg);
    while ((rc = pcap_next(&pr, &rec, &err)) == 1) {
        uint64_t scale = pr.hdr.nsec ? 1000000000u : 1000000u;
        uint64_t ts = (uint64_t)rec.ts_sec * scale + rec.ts_frac;

        ro = pcapng_next(&orr, &ob, &err);
        FUZZ_CHECK(ro == 1, "record #%llu missing from output: %s",
                   (unsigned long long)rec.number, err.msg);
        FUZZ_CHECK(
            ob.type == PCAPNG_BT_EPB && bo_get32(BO_LE, ob.data + 8) == 0 &&
                bo_get32(BO_LE, ob.data + 12) == (uint32_t)(ts >> 32) &&
                bo_get32(BO_LE, ob.data + 16) == (uint32_t)ts &&
                bo_get32(BO_LE, ob.data + 20) == rec.caplen &&
                bo_get32(BO_LE, ob.data + 24) == rec.origlen &&
                memcmp(ob.data + 28, rec.data, rec.caplen) == 0,
            "record #%llu: output block #%llu differs",
            (unsigned long long)rec.number, (unsigned long long)ob.number);
        FUZZ_CHECK(snaplen == 0 || rec.caplen <= snaplen,
                   "record #%llu: caplen %u over the IDB snaplen %u",
                   (unsigned long long)rec.number, rec.caplen, snaplen);
        packets++;
    }
    FUZZ_CHECK(rc == 0, "input re-read failed: %s", err.msg);
    ro = pcapng_next(&orr, &ob, &err);
    FUZZ_CHECK(ro == 0, "output has more than the records (%d: %s)", ro,
               err.msg);
    FUZZ_CHECK(packets == st->packets && st->dsbs_added == 1,
               "statistics: packets %llu/%llu, DSBs %llu",
               (unsigned long long)packets, (unsigned long long)st->packets,
               (unsigned long long)st->dsbs_added);
    pcapng_free(&orr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_selector(data, size);
    const struct keylog *secrets[1] = {&keys};
    struct inject_opts o = {0};
    struct inject_stats st;
    struct sc_err err = {0};
    struct input in;
    struct writer w;
    struct source *src;
    struct reread rr;
    enum cap_format fmt;
    uint8_t *out;
    off_t out_len;
    int rc;

    setup();
    src = source_mem(data, size, fuzz_chunk(sel), "fuzz", &err);
    FUZZ_CHECK(src != NULL, "source_mem: %s", err.msg);
    if (input_open_source(&in, src, &fuzz_input, &err) < 0) {
        FUZZ_CHECK(err.kind != SC_ERR_NONE && err.msg[0] != '\0',
                   "open error without a message");
        return 0;
    }
    fmt = in.format;
    FUZZ_CHECK(ftruncate(out_fd, 0) == 0 && lseek(out_fd, 0, SEEK_SET) == 0,
               "memfd reset: %s", strerror(errno));
    FUZZ_CHECK(writer_init(&w, out_fd, "fuzz-out",
                           (sel >> 2) & 1 ? 4096 : 65536, &err) == 0,
               "writer_init: %s", err.msg);
    o.secrets = secrets;
    o.n_secrets = 1;
    o.discard_existing = (sel >> 3) & 1;
    o.discard_type = (sel >> 4) & 1 ? SECRETS_TLS : 0;
    o.all_sections = (sel >> 5) & 1;
    o.userappl = "secretcap-fuzz";
    rc = inject_run(&in, &w, &o, &st, &err);
    input_close(&in);
    writer_free(&w);
    if (rc < 0) {
        FUZZ_CHECK(err.kind != SC_ERR_NONE && err.msg[0] != '\0',
                   "inject error without a message");
        return 0;
    }

    /* Accepted: the round trip. */
    out_len = lseek(out_fd, 0, SEEK_END);
    FUZZ_CHECK(out_len >= 0 && (uint64_t)out_len == st.bytes_out,
               "output is %lld bytes, stats say %llu", (long long)out_len,
               (unsigned long long)st.bytes_out);
    out = malloc(out_len > 0 ? (size_t)out_len : 1);
    FUZZ_CHECK(out != NULL, "out of memory");
    FUZZ_CHECK(pread(out_fd, out, (size_t)out_len, 0) == out_len, "pread: %s",
               strerror(errno));
    src = source_mem(data, size, 0, "fuzz", &err);
    FUZZ_CHECK(src != NULL &&
                   input_open_source(&rr.in, src, &fuzz_input, &err) == 0 &&
                   rr.in.format == fmt,
               "input re-open: %s", err.msg);
    src = source_mem(out, (size_t)out_len, 0, "fuzz-out", &err);
    FUZZ_CHECK(src != NULL, "source_mem: %s", err.msg);
    rr.out_rd = reader_new(src, INPUT_MAX_BUFFER, &err);
    FUZZ_CHECK(rr.out_rd != NULL, "reader_new: %s", err.msg);
    if (fmt == FMT_PCAPNG)
        check_pcapng(&rr, &o, &st);
    else
        check_pcap(&rr, &st);
    reader_free(rr.out_rd);
    input_close(&rr.in);
    free(out);
    return 0;
}
