/*
 * fuzz_traffic.c - the traffic decoder: the session table (traffic/
 * session.h, and through it packet.h, tcpstream.h, tls.h, dtls.h, quic.h)
 * and the session pass's key judging and filtering (scope.h).
 *
 * Input format (docs/fuzzing.md): one byte of options, then frames, each a
 * 4-byte header and its bytes:
 *   options  bit 0: replay the frames as a pcapng through scope_scan too,
 *                   which must give exactly the same sessions, flows
 *                   without handshake and statistics;
 *            bit 1: judge and filter a key log made from the sessions
 *                   (scope_judge, scope_filter);
 *            bits 2-3: the table limits (max_flows / max_pending): 16 /
 *                   64 KiB, 2 / 4 KiB, 16 / 1 byte (every pending
 *                   handshake over the cap at once), 256 / 1 MiB;
 *   frame    byte 0: link type, an index into link_types[] (mod its size:
 *                   every type packet.h decodes and a few it does not);
 *            bytes 1-2: length, big endian (cut to what is left);
 *            byte 3: bits 0-2 the time step from the previous frame
 *                   (time_steps[]: none, 1 us ... past the fragment
 *                   timeout, an hour, or 1 s backwards), bits 3-4 the
 *                   interface, bit 5 a new section (ignored on the
 *                   first frame).
 * Every frame goes to one table with small limits (eviction and the memory
 * cap run), then tr_table_finish, and every session, flow without handshake
 * and statistic is read. Checks (abort on violation): each session's random
 * is found at its own index and no two sessions share one; sessions <= the
 * ClientHellos parsed (not malformed); the frame count matches; strings are
 * NUL-terminated; endpoints and protocols are valid; a random one bit away
 * from a session's is found only where it really is; the key-log judgement
 * and filter agree with the contract of scope.h line by line.
 *
 * Deterministic: no clock, no randomness, a fresh table per input.
 */
#include <string.h>

#include "byteorder.h"
#include "capinfo.h"
#include "fuzz.h"
#include "input.h"
#include "keylog.h"
#include "pcapng_write.h"
#include "scope.h"
#include "secrets.h"
#include "source.h"
#include "traffic/session.h"

/* Decompression in the fuzzing thread: one thread, reproducible runs. */
static const struct input_opts fuzz_input = {.readahead = READAHEAD_OFF};

/* Link types packet.h decodes (Ethernet, Linux SLL and SLL2, NULL, LOOP,
 * raw IP 101/12/14, IPv4, IPv6), then some it does not (PPP, 802.11,
 * radiotap, USER0, a reserved value). All fit a pcapng IDB's 16 bits. */
static const uint16_t link_types[] = {1,   113, 276, 0,   108, 101, 12,   14,
                                      228, 229, 9,   105, 127, 147, 65535};
#define N_LINK_TYPES (sizeof(link_types) / sizeof(link_types[0]))

/* Microseconds; the fragment timeout is 30 s. INT64_MIN: 1 s backwards. */
#define STEP_BACK INT64_MIN
static const int64_t time_steps[8] = {
    0, 1, 1000, 1000000, 10000000, 31000000, 3600000000, STEP_BACK};

#define TIME_START UINT64_C(1700000000000000) /* us, November 2023 */
#define MAX_IFACES 64 /* per section: link type x interface bits */

struct limits_choice {
    size_t flows, pending;
};

static const struct limits_choice limit_choices[4] = {
    {16, 65536}, {2, 4096}, {16, 1}, {256, 1 << 20}};

/* One frame of the input, decoded. */
struct frame {
    uint16_t linktype;
    const uint8_t *data;
    size_t len;
    uint64_t section; /* 1-based */
    uint32_t iface;   /* IDB index in its section */
    bool new_iface;   /* the first frame of that interface */
    uint64_t units;   /* microseconds */
};

/* Walks the input, one frame per call. */
struct frames {
    const uint8_t *start, *p, *end;
    uint64_t section, units;
    uint8_t ifmap[MAX_IFACES]; /* (link type, iface bits) -> IDB index + 1 */
    uint32_t n_ifaces;
};

static void
frames_begin(struct frames *fs, const uint8_t *data, size_t size)
{
    memset(fs, 0, sizeof(*fs));
    fs->start = fs->p = data;
    fs->end = data + size;
    fs->section = 1;
    fs->units = TIME_START;
}

static int
frames_next(struct frames *fs, struct frame *f)
{
    unsigned lt, flags, key;
    int64_t step;
    size_t len;

    if (fs->end - fs->p < 4)
        return 0;
    lt = fs->p[0] % N_LINK_TYPES;
    len = (size_t)fs->p[1] << 8 | fs->p[2];
    flags = fs->p[3];
    fs->p += 4;
    if (len > (size_t)(fs->end - fs->p))
        len = (size_t)(fs->end - fs->p);
    if ((flags & 0x20) && fs->p - 4 != fs->start) {
        /* Not on the first frame: the first SHB is section 1. */
        fs->section++;
        fs->n_ifaces = 0;
        memset(fs->ifmap, 0, sizeof(fs->ifmap));
    }
    step = time_steps[flags & 7];
    if (step == STEP_BACK)
        fs->units = fs->units > 1000000 ? fs->units - 1000000 : 0;
    else
        fs->units += (uint64_t)step;
    key = lt * 4 + ((flags >> 3) & 3);
    f->new_iface = fs->ifmap[key] == 0;
    if (f->new_iface)
        fs->ifmap[key] = (uint8_t)++fs->n_ifaces;
    f->linktype = link_types[lt];
    f->data = fs->p;
    f->len = len;
    f->section = fs->section;
    f->iface = fs->ifmap[key] - 1u;
    f->units = fs->units;
    fs->p += len;
    return 1;
}

/* A growing byte buffer for the pcapng copy of the input. */
struct buf {
    uint8_t *p;
    size_t len, cap;
};

static uint8_t *
buf_room(struct buf *b, size_t n)
{
    if (n > b->cap - b->len) {
        size_t cap = b->cap == 0 ? 65536 : b->cap;
        uint8_t *np;

        while (n > cap - b->len)
            cap *= 2;
        np = realloc(b->p, cap);
        FUZZ_CHECK(np != NULL, "out of memory");
        b->p = np;
        b->cap = cap;
    }
    return b->p + b->len;
}

/* The frames as a little-endian pcapng: an SHB per section, an IDB per
 * (link type, interface) before its first packet, one EPB per frame. */
static void
to_pcapng(const uint8_t *data, size_t size, struct buf *out)
{
    struct frames fs;
    struct frame f;
    uint64_t section = 0;

    frames_begin(&fs, data, size);
    while (frames_next(&fs, &f) == 1) {
        uint32_t blen = (uint32_t)(32 + ((f.len + 3) & ~(size_t)3));
        uint8_t *q;

        if (f.section != section) {
            q = buf_room(out, PCAPNG_SHB_MAX);
            out->len += pcapng_build_shb(q, BO_LE, "secretcap-fuzz");
            section = f.section;
        }
        if (f.new_iface) {
            q = buf_room(out, PCAPNG_IDB_MAX);
            out->len += pcapng_build_idb(q, BO_LE, f.linktype, 0, -1, -1);
        }
        q = buf_room(out, blen);
        memset(q, 0, blen);
        bo_put32(BO_LE, q, PCAPNG_BT_EPB);
        bo_put32(BO_LE, q + 4, blen);
        bo_put32(BO_LE, q + 8, f.iface);
        bo_put32(BO_LE, q + 12, (uint32_t)(f.units >> 32));
        bo_put32(BO_LE, q + 16, (uint32_t)f.units);
        bo_put32(BO_LE, q + 20, (uint32_t)f.len);
        bo_put32(BO_LE, q + 24, (uint32_t)f.len);
        if (f.len > 0)
            memcpy(q + 28, f.data, f.len);
        bo_put32(BO_LE, q + blen - 4, blen);
        out->len += blen;
    }
    if (section == 0) { /* no frame: an empty capture is still one */
        uint8_t *q = buf_room(out, PCAPNG_SHB_MAX);

        out->len += pcapng_build_shb(q, BO_LE, NULL);
    }
}

static void
check_endpoint(const struct tr_endpoint *e)
{
    char text[64];

    FUZZ_CHECK(e->ipver == 4 || e->ipver == 6, "endpoint IP version %u",
               e->ipver);
    if (e->ipver == 4) {
        static const uint8_t zero[12];

        FUZZ_CHECK(memcmp(e->addr + 4, zero, 12) == 0,
                   "IPv4 address with bytes beyond 4");
    }
    tr_endpoint_format(e, text, sizeof(text));
    FUZZ_CHECK(memchr(text, '\0', sizeof(text)) != NULL && text[0] != '\0',
               "endpoint text not terminated or empty");
}

static void
check_where(const struct tr_where *w, uint64_t frames, uint64_t sections)
{
    FUZZ_CHECK(w->packet >= 1 && w->packet <= frames,
               "first packet %llu of %llu", (unsigned long long)w->packet,
               (unsigned long long)frames);
    FUZZ_CHECK(w->section >= 1 && w->section <= sections,
               "section %llu of %llu", (unsigned long long)w->section,
               (unsigned long long)sections);
    FUZZ_CHECK(w->iface < MAX_IFACES, "interface %u", w->iface);
    FUZZ_CHECK(w->ts.set, "no time");
}

static int
cmp_random(const void *a, const void *b)
{
    return memcmp(*(const uint8_t *const *)a, *(const uint8_t *const *)b, 32);
}

/* Everything the table holds, against the invariants of session.h. */
static void
check_table(const struct tr_table *t, uint64_t frames, uint64_t sections)
{
    const struct tr_stats *st = tr_table_stats(t);
    const struct tr_session *s;
    const struct tr_nohs *nh;
    const uint8_t **sorted;
    size_t ns, nn;
    volatile size_t sum = 0;

    s = tr_table_sessions(t, &ns);
    FUZZ_CHECK(st->pkt.frames == frames, "%llu frames counted, %llu given",
               (unsigned long long)st->pkt.frames, (unsigned long long)frames);
    FUZZ_CHECK(st->pkt.unsupported <= frames && st->pkt.not_ip <= frames &&
                   st->pkt.malformed <= frames,
               "more frames skipped than given");
    FUZZ_CHECK(st->hellos_malformed <= st->hellos, "malformed %llu > %llu",
               (unsigned long long)st->hellos_malformed,
               (unsigned long long)st->hellos);
    FUZZ_CHECK(ns <= st->hellos - st->hellos_malformed,
               "%zu sessions from %llu ClientHellos (%llu malformed)", ns,
               (unsigned long long)st->hellos,
               (unsigned long long)st->hellos_malformed);
    FUZZ_CHECK(st->flows_evicted <= st->flows, "evicted %llu of %llu flows",
               (unsigned long long)st->flows_evicted,
               (unsigned long long)st->flows);
    FUZZ_CHECK(st->flows <= frames, "%llu flows from %llu frames",
               (unsigned long long)st->flows, (unsigned long long)frames);
    for (size_t i = 0; i < ns; i++) {
        uint8_t other[32];
        long j;

        FUZZ_CHECK(tr_table_find(t, s[i].random) == (long)i,
                   "session %zu: its random found at %ld", i,
                   tr_table_find(t, s[i].random));
        FUZZ_CHECK(s[i].protocol >= TR_TLS && s[i].protocol <= TR_QUIC,
                   "session %zu: protocol %u", i, s[i].protocol);
        FUZZ_CHECK(s[i].server_name != NULL && s[i].alpn != NULL,
                   "session %zu: NULL name", i);
        sum += strlen(s[i].server_name) + strlen(s[i].alpn);
        sum += strlen(tr_proto_name(s[i].protocol));
        FUZZ_CHECK(s[i].protocol == TR_QUIC || s[i].quic_version == 0,
                   "session %zu: a QUIC version on %s", i,
                   tr_proto_name(s[i].protocol));
        check_endpoint(&s[i].client);
        check_endpoint(&s[i].server);
        check_where(&s[i].first, frames, sections);
        /* One bit away: found only where that random really is. */
        memcpy(other, s[i].random, 32);
        other[i % 32] ^= (uint8_t)(1u << (i % 8));
        j = tr_table_find(t, other);
        FUZZ_CHECK(j < 0 || ((size_t)j < ns && j != (long)i &&
                             memcmp(s[j].random, other, 32) == 0),
                   "session %zu: a neighbour random found at %ld", i, j);
    }
    /* No two sessions with the same random (find == own index implies it;
     * checked directly as well). */
    sorted = malloc((ns != 0 ? ns : 1) * sizeof(*sorted));
    FUZZ_CHECK(sorted != NULL, "out of memory");
    for (size_t i = 0; i < ns; i++)
        sorted[i] = s[i].random;
    qsort(sorted, ns, sizeof(*sorted), cmp_random);
    for (size_t i = 1; i < ns; i++)
        FUZZ_CHECK(memcmp(sorted[i - 1], sorted[i], 32) != 0,
                   "two sessions with the same random");
    free(sorted);

    nh = tr_table_nohs(t, &nn);
    FUZZ_CHECK(nn <= TR_NOHS_LIST_MAX && nn <= st->nohs,
               "%zu flows without handshake listed, %llu counted", nn,
               (unsigned long long)st->nohs);
    FUZZ_CHECK(st->nohs <= st->flows, "%llu flows without handshake of %llu",
               (unsigned long long)st->nohs, (unsigned long long)st->flows);
    for (size_t i = 0; i < nn; i++) {
        FUZZ_CHECK(nh[i].protocol >= TR_TLS && nh[i].protocol <= TR_QUIC,
                   "no-handshake flow %zu: protocol %u", i, nh[i].protocol);
        FUZZ_CHECK(nh[i].packets >= 1 && nh[i].packets <= frames,
                   "no-handshake flow %zu: %llu packets", i,
                   (unsigned long long)nh[i].packets);
        check_endpoint(&nh[i].a);
        check_endpoint(&nh[i].b);
        check_where(&nh[i].first, frames, sections);
    }
    (void)sum;
}

static bool
same_where(const struct tr_where *a, const struct tr_where *b)
{
    return a->section == b->section && a->iface == b->iface &&
           a->packet == b->packet && a->ts.set == b->ts.set &&
           a->ts.sec == b->ts.sec && a->ts.atto == b->ts.atto;
}

static bool
same_endpoint(const struct tr_endpoint *a, const struct tr_endpoint *b)
{
    return a->ipver == b->ipver && a->port == b->port &&
           memcmp(a->addr, b->addr, 16) == 0;
}

/* The table scope_scan built from the pcapng copy against the direct one. */
static void
check_same(const struct tr_table *a, const struct tr_table *b)
{
    const struct tr_session *sa, *sb;
    const struct tr_nohs *na, *nb;
    size_t nsa, nsb, nna, nnb;

    sa = tr_table_sessions(a, &nsa);
    sb = tr_table_sessions(b, &nsb);
    FUZZ_CHECK(nsa == nsb, "%zu sessions, %zu through scope_scan", nsa, nsb);
    for (size_t i = 0; i < nsa; i++) {
        FUZZ_CHECK(memcmp(sa[i].random, sb[i].random, 32) == 0,
                   "session %zu: another random through scope_scan", i);
        FUZZ_CHECK(sa[i].protocol == sb[i].protocol &&
                       sa[i].offered == sb[i].offered &&
                       sa[i].chosen == sb[i].chosen &&
                       sa[i].quic_version == sb[i].quic_version,
                   "session %zu: protocol %u/%u, offered 0x%04x/0x%04x, "
                   "chosen 0x%04x/0x%04x, QUIC 0x%08x/0x%08x through "
                   "scope_scan",
                   i, sa[i].protocol, sb[i].protocol, sa[i].offered,
                   sb[i].offered, sa[i].chosen, sb[i].chosen,
                   sa[i].quic_version, sb[i].quic_version);
        FUZZ_CHECK(same_endpoint(&sa[i].client, &sb[i].client) &&
                       same_endpoint(&sa[i].server, &sb[i].server),
                   "session %zu: other endpoints through scope_scan", i);
        FUZZ_CHECK(same_where(&sa[i].first, &sb[i].first),
                   "session %zu: first packet section %llu iface %u #%llu "
                   "at %lld.%018llu, through scope_scan section %llu iface "
                   "%u #%llu at %lld.%018llu",
                   i, (unsigned long long)sa[i].first.section,
                   sa[i].first.iface, (unsigned long long)sa[i].first.packet,
                   (long long)sa[i].first.ts.sec,
                   (unsigned long long)sa[i].first.ts.atto,
                   (unsigned long long)sb[i].first.section, sb[i].first.iface,
                   (unsigned long long)sb[i].first.packet,
                   (long long)sb[i].first.ts.sec,
                   (unsigned long long)sb[i].first.ts.atto);
        FUZZ_CHECK(strcmp(sa[i].server_name, sb[i].server_name) == 0 &&
                       strcmp(sa[i].alpn, sb[i].alpn) == 0,
                   "session %zu: other names through scope_scan", i);
    }
    na = tr_table_nohs(a, &nna);
    nb = tr_table_nohs(b, &nnb);
    FUZZ_CHECK(nna == nnb,
               "%zu flows without handshake, %zu through "
               "scope_scan",
               nna, nnb);
    for (size_t i = 0; i < nna; i++)
        FUZZ_CHECK(na[i].protocol == nb[i].protocol &&
                       na[i].packets == nb[i].packets &&
                       same_endpoint(&na[i].a, &nb[i].a) &&
                       same_endpoint(&na[i].b, &nb[i].b) &&
                       same_where(&na[i].first, &nb[i].first),
                   "flow without handshake %zu differs through scope_scan", i);
    FUZZ_CHECK(memcmp(tr_table_stats(a), tr_table_stats(b),
                      sizeof(struct tr_stats)) == 0,
               "statistics differ through scope_scan");
}

/* ---- key logs: scope_judge and scope_filter ----------------------------- */

#define NEED13                                                                 \
    (1u << SL_CLIENT_HANDSHAKE_TRAFFIC_SECRET |                                \
     1u << SL_SERVER_HANDSHAKE_TRAFFIC_SECRET |                                \
     1u << SL_CLIENT_TRAFFIC_SECRET_0 | 1u << SL_SERVER_TRAFFIC_SECRET_0)
#define NEED12 (1u << SL_CLIENT_RANDOM)

/* The labels the key log gives session i: none, CLIENT_RANDOM, the four
 * TLS 1.3 secrets, one of them, or an unknown label. */
static unsigned
labels_for(size_t i)
{
    static const unsigned sets[5] = {
        0, NEED12, NEED13, 1u << SL_CLIENT_TRAFFIC_SECRET_0, 1u << SL_COUNT};

    return sets[i % 5];
}

static void
add_line(struct buf *b, const char *label, const uint8_t random[32])
{
    size_t n = strlen(label);
    uint8_t *q = buf_room(b, n + 1 + 64 + 1 + 96 + 1);
    static const char hex[] = "0123456789abcdef";

    memcpy(q, label, n);
    q[n++] = ' ';
    for (size_t i = 0; i < 32; i++) {
        q[n++] = (uint8_t)hex[random[i] >> 4];
        q[n++] = (uint8_t)hex[random[i] & 15];
    }
    q[n++] = ' ';
    for (size_t i = 0; i < 96; i++)
        q[n++] = (uint8_t)hex[(i * 7 + random[i % 32]) & 15];
    q[n++] = '\n';
    b->len += n;
}

static bool
is13(uint16_t v)
{
    return v == 0x0304 || v == 0xFEFC;
}

/* The judgement scope.h promises for session s with the labels `have`. */
static uint8_t
expected_keys(const struct tr_session *s, unsigned have)
{
    unsigned need, h = have & ((1u << SL_COUNT) - 1);

    /* Refused by Version Negotiation: no keys needed, none missing. */
    if (s->rejected)
        return have != 0 ? SCOPE_KEYS_PARTIAL : SCOPE_KEYS_NONE;
    if (s->protocol == TR_QUIC || is13(s->chosen))
        need = NEED13;
    else if (s->chosen != 0 || !is13(s->offered))
        need = NEED12;
    else
        need = (h & NEED12) == NEED12 ? NEED12 : NEED13;
    if ((need & ~h) == 0)
        return SCOPE_KEYS_COMPLETE;
    return have != 0 ? SCOPE_KEYS_PARTIAL : SCOPE_KEYS_NONE;
}

static void
check_keys(struct scope *sc)
{
    const struct tr_session *s;
    struct keylog in, out;
    struct keylog_opts ko = {0};
    struct scope_filter_stats fst = {0};
    struct sc_err err = {0};
    const struct keylog *logs[1] = {&in};
    struct buf text = {0};
    size_t ns, kept_lines = 0, kept_bytes = 0, unrelated = 0;

    s = tr_table_sessions(sc->table, &ns);
    for (size_t i = 0; i < ns; i++) {
        unsigned have = labels_for(i);
        uint8_t other[32];
        size_t before = text.len;

        for (unsigned bit = 0; bit <= SL_COUNT; bit++) {
            if (!(have & (1u << bit)))
                continue;
            add_line(&text,
                     bit == SL_COUNT ? "FUZZ_OTHER_LABEL"
                                     : scope_label_name(bit),
                     s[i].random);
            kept_lines++;
        }
        kept_bytes += text.len - before;
        /* A line of no session of the capture. */
        memcpy(other, s[i].random, 32);
        other[31] ^= 0x5a;
        if (tr_table_find(sc->table, other) < 0) {
            add_line(&text, "CLIENT_RANDOM", other);
            unrelated++;
        }
    }
    {
        static const char rsa[] = "RSA 0123456789abcdef 00112233445566778899"
                                  "aabbccddeeff00112233445566778899aabbccdd"
                                  "eeff00112233445566778899aabbccddeeff\n";
        uint8_t *q = buf_room(&text, sizeof(rsa) - 1);

        memcpy(q, rsa, sizeof(rsa) - 1);
        text.len += sizeof(rsa) - 1;
    }
    keylog_init(&in, SECRETS_TLS);
    FUZZ_CHECK(keylog_add_mem(&in, "fuzz-keys", text.p, text.len, &ko, NULL,
                              &err) == 0,
               "keylog_add_mem: %s", err.msg);
    FUZZ_CHECK(in.lines_bad == 0, "%llu bad lines in the generated key log",
               (unsigned long long)in.lines_bad);

    FUZZ_CHECK(scope_judge(sc, logs, 1, &err) == 0, "scope_judge: %s", err.msg);
    FUZZ_CHECK(sc->n_complete + sc->n_partial + sc->n_none + sc->n_rejected ==
                   ns,
               "judged %zu + %zu + %zu + %zu of %zu sessions", sc->n_complete,
               sc->n_partial, sc->n_none, sc->n_rejected, ns);
    FUZZ_CHECK(sc->unmatched == unrelated && sc->legacy == 1,
               "unmatched %llu of %zu, legacy %llu",
               (unsigned long long)sc->unmatched, unrelated,
               (unsigned long long)sc->legacy);
    for (size_t i = 0; i < ns; i++) {
        /* The capture's own DSBs may add lines (scope_scan): only those
         * the key log gave are known to be there. */
        unsigned have = labels_for(i);

        FUZZ_CHECK((sc->judge[i].have & have) == have,
                   "session %zu: labels 0x%x judged, 0x%x given", i,
                   sc->judge[i].have, have);
        if (keylog_len(&sc->embedded) == 0)
            FUZZ_CHECK(sc->judge[i].have == have &&
                           sc->judge[i].keys == expected_keys(&s[i], have),
                       "session %zu (%s, offered 0x%04x, chosen 0x%04x): "
                       "labels 0x%x gave keys %s",
                       i, tr_proto_name(s[i].protocol), s[i].offered,
                       s[i].chosen, have, scope_keys_name(sc->judge[i].keys));
    }

    FUZZ_CHECK(scope_filter(sc, &in, &out, &fst, &err) == 0, "scope_filter: %s",
               err.msg);
    FUZZ_CHECK(fst.kept == kept_lines && fst.dropped == unrelated &&
                   fst.dropped_legacy == 1,
               "filter kept %llu of %zu, dropped %llu of %zu, legacy %llu",
               (unsigned long long)fst.kept, kept_lines,
               (unsigned long long)fst.dropped, unrelated,
               (unsigned long long)fst.dropped_legacy);
    FUZZ_CHECK(keylog_len(&out) == kept_bytes, "filtered %llu bytes, %zu kept",
               (unsigned long long)keylog_len(&out), kept_bytes);
    keylog_free(&out);
    keylog_free(&in);
    free(text.p);
}

/* ---- the target --------------------------------------------------------- */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct limits_choice *lc;
    struct tr_limits lim;
    struct sc_err err = {0};
    struct tr_table *t;
    struct frames fs;
    struct frame f;
    struct scope sc;
    uint64_t frames = 0, sections = 0;
    unsigned opts;

    if (size == 0)
        return 0;
    opts = data[0];
    lc = &limit_choices[(opts >> 2) & 3];
    lim.max_flows = lc->flows;
    lim.max_pending = lc->pending;
    t = tr_table_new(&lim);
    FUZZ_CHECK(t != NULL, "tr_table_new: out of memory");
    frames_begin(&fs, data + 1, size - 1);
    while (frames_next(&fs, &f) == 1) {
        struct tr_where w = {f.section, f.iface, ++frames, {0}};

        capinfo_ts_from_units(f.units, 6, 0, &w.ts);
        sections = f.section;
        FUZZ_CHECK(tr_table_frame(t, f.linktype, f.data, f.len, &w, &err) == 0,
                   "tr_table_frame: %s", err.msg);
    }
    tr_table_finish(t);
    check_table(t, frames, sections);
#ifdef FUZZ_TRAFFIC_VERBOSE
    {
        const struct tr_stats *st = tr_table_stats(t);
        size_t ns, nn;

        tr_table_sessions(t, &ns);
        tr_table_nohs(t, &nn);
        fprintf(stderr,
                "traffic: %llu frames, %llu flows (%llu evicted), %llu "
                "hellos, %zu sessions, %zu without handshake, %llu "
                "incomplete, %llu pending dropped\n",
                (unsigned long long)frames, (unsigned long long)st->flows,
                (unsigned long long)st->flows_evicted,
                (unsigned long long)st->hellos, ns, nn,
                (unsigned long long)st->incomplete,
                (unsigned long long)st->pending_dropped);
    }
#endif

    memset(&sc, 0, sizeof(sc));
    if (opts & 1) {
        struct buf cap = {0};
        struct scope_opts so = {.limits = lim};
        struct input in;
        struct source *src;

        to_pcapng(data + 1, size - 1, &cap);
        src = source_mem(cap.p, cap.len, 0, "fuzz-pcapng", &err);
        FUZZ_CHECK(src != NULL &&
                       input_open_source(&in, src, &fuzz_input, &err) == 0,
                   "the pcapng copy does not open: %s", err.msg);
        FUZZ_CHECK(scope_scan(&sc, &in, &so, &err) == 0,
                   "scope_scan of the pcapng copy: %s", err.msg);
        FUZZ_CHECK(sc.packets == frames, "scope_scan: %llu packets of %llu",
                   (unsigned long long)sc.packets, (unsigned long long)frames);
        check_same(t, sc.table);
        input_close(&in);
        free(cap.p);
        tr_table_free(t);
    } else {
        keylog_init(&sc.embedded, SECRETS_TLS);
        sc.table = t;
    }
    if (opts & 2)
        check_keys(&sc);
    scope_free(&sc); /* frees the table */
    return 0;
}
