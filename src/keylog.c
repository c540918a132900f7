/*
 * keylog.c - reads, validates, normalises and deduplicates key logs (see
 * keylog.h; formats in notes §1.10, hazards in reliability.md §4).
 *
 * Input is read in chunks (a read() loop, "-" is standard input) and cut into
 * lines by a small state machine: LF, CRLF and a bare CR all end a line, a
 * missing final newline is accepted, lines longer than KEYLOG_MAX_LINE are
 * counted and skipped without being buffered. Lengths always come from the
 * data: a NUL byte anywhere makes the input binary. Each line is checked
 * against the exact grammar of its type (tls, ssh, wg below) by hand, never
 * with sscanf/strtoul, and kept lines are appended to the text spool
 * (spool.h) ending in LF. Duplicates and conflicts are found with one
 * open-addressing hash set of offsets into the text (struct keylog_index),
 * hashed on the conflict key - (label, client random) for TLS, (cookie,
 * kind) for SSH - or on the whole line for the other types; every candidate
 * is confirmed by comparing the stored line, read back from the spool. On
 * error the text, the statistics and the index are restored (the index is
 * rebuilt from the text), so a failed call leaves no trace but its warnings.
 *
 * Messages name "file:line" and the label at most; they never contain the
 * hex of a secret, a client random or a raw line. opcua and esp are text
 * types with their own line grammar (notes §1.10). The ZigBee types are
 * binary records: copied verbatim, their size checked against the record
 * size. Unknown numeric types are copied verbatim and not validated here.
 */
#include "keylog.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secrets.h"

#define KL_READ_SIZE ((size_t)64 << 10)
#define KL_MAX_WARN 10
#define KL_WHY_MAX 160
#define KL_LABEL_SHOW 64
/* Explicit caps on the normalised text (the index keeps 40-bit offsets)
 * and on the hash table (in slots). */
#define KL_POS_BITS 40
#define KL_POS_MASK ((UINT64_C(1) << KL_POS_BITS) - 1)
#define KL_DATA_MAX (KL_POS_MASK - 1)
#define KL_TABLE_MIN ((size_t)1024)
#define KL_TABLE_MAX                                                           \
    ((uint64_t)SIZE_MAX / 4 / sizeof(uint64_t) < (UINT64_C(1) << 36)           \
         ? SIZE_MAX / 4 / sizeof(uint64_t)                                     \
         : (size_t)(UINT64_C(1) << 36))

/* The index: one hash set of every kept line. A slot is 0 (empty) or the
 * top 24 bits of the line's hash (the tag) above the line's offset in the
 * text plus one (40 bits): 8 bytes a line, so that a 130 MB key log has an
 * index of 8 MiB. The hash is of the conflict key (tls: "LABEL RANDOM",
 * ssh: "COOKIE KIND", ASCII case folded) when the type has one, else of the
 * whole line, so the lines sharing a key meet in one probe run. A tag match
 * is confirmed by comparing the stored line itself. scratch holds a stored
 * line read back from the spool file, and is the window of index_rebuild. */
struct keylog_index {
    uint64_t *slot;
    size_t cap, count;
    uint8_t *scratch; /* KL_SCRATCH bytes */
};

#define KL_SCRATCH (KEYLOG_MAX_LINE + 1)

/* The state of one keylog_add_* call. */
struct kl_add {
    struct keylog *k;
    const char *name;
    bool strict;
    keylog_line_fn on_line;
    void *on_line_ctx;
    const struct sc_diag *diag;
    struct sc_err *err;
    struct keylog saved; /* len and statistics before the call */
    /* the line being assembled when it spans reads */
    uint8_t *line;
    size_t len, cap;
    bool overlong; /* longer than KEYLOG_MAX_LINE: skipping to its end */
    bool cr;       /* the last byte was CR: swallow one LF */
    uint64_t lineno, bad, valid;
    /* TLS lines with Wireshark-only legacy labels, and the first's line */
    uint64_t legacy, legacy_first;
};

struct kl_fields {
    const uint8_t *p[3];
    size_t n[3];
};

/* ---- small helpers ---------------------------------------------------- */

static uint8_t
lower(uint8_t b)
{
    return b >= 'A' && b <= 'Z' ? (uint8_t)(b + ('a' - 'A')) : b;
}

static bool
is_hex(const uint8_t *p, size_t n)
{
    size_t i;
    uint8_t b;

    for (i = 0; i < n; i++) {
        b = lower(p[i]);
        if (!((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f')))
            return false;
    }
    return true;
}

static bool
is_base64(uint8_t b)
{
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ||
           (b >= '0' && b <= '9') || b == '+' || b == '/';
}

static bool
field_is(const uint8_t *p, size_t n, const char *s)
{
    return n == strlen(s) && memcmp(p, s, n) == 0;
}

static bool
eq_fold(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

/* FNV-1a with a final mix so that the low bits (the table index) depend on
 * every byte. fold: hash the ASCII lower case (hex may be in either case). */
static uint64_t
hash_bytes(const uint8_t *s, size_t n, bool fold)
{
    uint64_t h = UINT64_C(14695981039346656037);
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= fold ? lower(s[i]) : s[i];
        h *= UINT64_C(1099511628211);
    }
    h ^= h >> 32;
    h *= UINT64_C(0x9e3779b97f4a7c15);
    h ^= h >> 29;
    return h;
}

/* ---- the text --------------------------------------------------------- */

static int
text_append(struct kl_add *a, const uint8_t *p, size_t n)
{
    struct keylog *k = a->k;

    if (n > KL_DATA_MAX - k->text.len)
        return sc_err_set(a->err, SC_ERR_DATA,
                          "%s: key logs exceed %" PRIu64 " bytes in total",
                          a->name, (uint64_t)KL_DATA_MAX);
    if (spool_append(&k->text, p, n, a->err) < 0) {
        sc_err_prefix(a->err, "%s", a->name);
        return -1;
    }
    return 0;
}

/* ---- the index -------------------------------------------------------- */

static uint32_t
slot_tag(uint64_t v)
{
    return (uint32_t)(v >> KL_POS_BITS);
}

/* The first slot to probe for a tag: the tag scaled to the table. */
static size_t
tag_home(uint32_t tag, size_t cap)
{
    return (size_t)(((uint64_t)tag * cap) >> (64 - KL_POS_BITS));
}

static void
table_put(struct keylog_index *ix, uint64_t v)
{
    size_t i = tag_home(slot_tag(v), ix->cap);

    assert(ix->count < ix->cap);
    while (ix->slot[i] != 0)
        i = i + 1 == ix->cap ? 0 : i + 1;
    ix->slot[i] = v;
    ix->count++;
}

static uint64_t
slot_make(uint64_t hash, uint64_t off)
{
    assert(off < KL_POS_MASK);
    return (hash >> KL_POS_BITS << KL_POS_BITS) | (off + 1);
}

/* Makes room for one more entry (doubling, at most 3/4 full); the tags
 * are all a re-insertion needs. */
static int
table_reserve(struct keylog_index *ix)
{
    struct keylog_index nt = {0};
    size_t i;

    if (ix->cap != 0 && ix->count + 1 <= ix->cap / 4 * 3)
        return 0;
    if (ix->cap > KL_TABLE_MAX / 2)
        return -1;
    nt.cap = ix->cap != 0 ? ix->cap * 2 : KL_TABLE_MIN;
    nt.slot = calloc(nt.cap, sizeof(*nt.slot));
    if (nt.slot == NULL)
        return -1;
    for (i = 0; i < ix->cap; i++) {
        if (ix->slot[i] != 0)
            table_put(&nt, ix->slot[i]);
    }
    free(ix->slot);
    ix->slot = nt.slot;
    ix->cap = nt.cap;
    ix->count = nt.count;
    return 0;
}

/* Length of the conflict key of a valid line: up to the second space for
 * tls ("LABEL RANDOM") and ssh ("COOKIE KIND"); 0 (no key) for the others. */
static size_t
line_key_len(uint32_t type, const uint8_t *s, size_t len)
{
    const uint8_t *sp;

    if (type != SECRETS_TLS && type != SECRETS_SSH)
        return 0;
    sp = memchr(s, ' ', len);
    assert(sp != NULL);
    sp = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - s));
    assert(sp != NULL);
    return (size_t)(sp - s);
}

/* The index hash of a valid line whose conflict key is klen bytes long
 * (line_key_len; see struct keylog_index). */
static uint64_t
line_hash(const uint8_t *s, size_t len, size_t klen)
{
    return klen != 0 ? hash_bytes(s, klen, true) : hash_bytes(s, len, false);
}

/* What the index knows of a new line. */
struct kl_match {
    bool dup;        /* the same line is kept already */
    bool key_seen;   /* a kept line has the same key... */
    bool same_value; /* ...and the first such line the same secret */
};

/* Looks up the valid line s[0..len) with conflict key length klen and
 * hash h. 0, or -1 when a stored line could not be read back. */
static int
index_find(struct kl_add *a, const uint8_t *s, size_t len, size_t klen,
           uint64_t h, struct kl_match *m)
{
    const struct keylog *k = a->k;
    const struct keylog_index *ix = k->index;
    uint32_t tag = (uint32_t)(h >> KL_POS_BITS);
    const uint8_t *p;
    size_t i, got;
    uint64_t v;

    memset(m, 0, sizeof(*m));
    if (ix->cap == 0)
        return 0;
    for (i = tag_home(tag, ix->cap); (v = ix->slot[i]) != 0;
         i = i + 1 == ix->cap ? 0 : i + 1) {
        if (slot_tag(v) != tag)
            continue;
        /* Stored lines end in LF: len + 1 bytes decide equality. */
        p = spool_peek(&k->text, (v & KL_POS_MASK) - 1, len + 1, ix->scratch,
                       &got, a->err);
        if (p == NULL) {
            sc_err_prefix(a->err, "%s", a->name);
            return -1;
        }
        if (got == len + 1 && p[len] == '\n' && memcmp(p, s, len) == 0) {
            m->dup = true;
            return 0;
        }
        if (klen != 0 && !m->key_seen && got > klen && p[klen] == ' ' &&
            eq_fold(p, s, klen)) {
            m->key_seen = true;
            m->same_value = got == len + 1 && p[len] == '\n' &&
                            eq_fold(p + klen, s + klen, len - klen);
        }
    }
    return 0;
}

/* After a rollback: re-indexes the text. The table only shrinks and the
 * window is the index's scratch, so this never allocates; it fails only if
 * the spool file cannot be read back. */
static int
index_rebuild(struct keylog *k, struct sc_err *err)
{
    struct keylog_index *ix = k->index;
    const uint8_t *w, *eol;
    uint64_t off = 0, h;
    size_t got, at, len;

    if (ix == NULL)
        return 0;
    if (ix->cap != 0)
        memset(ix->slot, 0, ix->cap * sizeof(*ix->slot));
    ix->count = 0;
    while (off < k->text.len) {
        w = spool_peek(&k->text, off, KL_SCRATCH, ix->scratch, &got, err);
        if (w == NULL)
            return -1;
        /* Every stored line fits a window: at least one ends in it. */
        for (at = 0; (eol = memchr(w + at, '\n', got - at)) != NULL;
             at += len + 1) {
            const uint8_t *line = w + at;

            len = (size_t)(eol - line);
            h = line_hash(line, len, line_key_len(k->type, line, len));
            table_put(ix, slot_make(h, off + at));
        }
        assert(at > 0);
        off += at;
    }
    return 0;
}

/* ---- grammars --------------------------------------------------------- */

/* Splits a line into exactly 3 fields separated by single spaces. */
static bool
split3(const uint8_t *s, size_t len, struct kl_fields *f, char *why)
{
    const char *what = NULL;
    size_t i, start = 0, nf = 0;

    assert(len > 0);
    if (memchr(s, '\t', len) != NULL)
        what = "a tab";
    else if (s[0] == ' ')
        what = "a leading space";
    else if (s[len - 1] == ' ')
        what = "a trailing space";
    for (i = 0; what == NULL && i <= len; i++) {
        if (i < len && s[i] != ' ')
            continue;
        if (i == start)
            what = "a double space";
        if (nf < 3) {
            f->p[nf] = s + start;
            f->n[nf] = i - start;
        }
        nf++;
        start = i + 1;
    }
    if (what == NULL && nf == 3)
        return true;
    if (what != NULL)
        snprintf(why, KL_WHY_MAX,
                 "expected 3 fields separated by single spaces, found %s",
                 what);
    else
        snprintf(why, KL_WHY_MAX,
                 "expected 3 fields separated by single spaces, found %zu", nf);
    return false;
}

/* A non-empty even number of hex digits. */
static bool
hex_value_ok(const uint8_t *p, size_t n, const char *what, char *why)
{
    if (n == 0)
        snprintf(why, KL_WHY_MAX, "%s is empty", what);
    else if (!is_hex(p, n))
        snprintf(why, KL_WHY_MAX, "%s is not hex", what);
    else if (n % 2 != 0)
        snprintf(why, KL_WHY_MAX, "%s has an odd number of hex digits", what);
    else
        return true;
    return false;
}

static bool
tls_label_ok(const uint8_t *p, size_t n, char *why)
{
    size_t i;
    bool lower_seen = false, other_seen = false;

    for (i = 0; i < n; i++) {
        if (p[i] >= 'a' && p[i] <= 'z')
            lower_seen = true;
        else if (!((p[i] >= 'A' && p[i] <= 'Z') ||
                   (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
            other_seen = true;
    }
    if (other_seen)
        snprintf(why, KL_WHY_MAX, "label may only contain A-Z, 0-9 and _");
    else if (lower_seen)
        snprintf(why, KL_WHY_MAX, "label must be upper case");
    return !other_seen && !lower_seen;
}

/* Wireshark's legacy "RSA Session-ID:<hex> Master-Key:<hex>". */
static bool
tls_rsa_session_ok(const struct kl_fields *f, char *why)
{
    static const char sid[] = "Session-ID:", mk[] = "Master-Key:";
    const size_t ls = sizeof(sid) - 1, lm = sizeof(mk) - 1;

    if (!hex_value_ok(f->p[1] + ls, f->n[1] - ls, "RSA Session-ID", why))
        return false;
    if (f->n[2] < lm || memcmp(f->p[2], mk, lm) != 0) {
        snprintf(why, KL_WHY_MAX, "expected Master-Key: after RSA Session-ID:");
        return false;
    }
    return hex_value_ok(f->p[2] + lm, f->n[2] - lm, "RSA Master-Key", why);
}

/* LABEL SP <64 hex> SP <hex>, RFC 9850 §3; plus Wireshark's legacy
 * "RSA <16 hex> <hex>" and "RSA Session-ID:<hex> Master-Key:<hex>". */
static bool
tls_line_ok(const uint8_t *s, size_t len, char *why)
{
    struct kl_fields f;
    bool rsa;

    if (!split3(s, len, &f, why) || !tls_label_ok(f.p[0], f.n[0], why))
        return false;
    rsa = field_is(f.p[0], f.n[0], "RSA");
    if (rsa && f.n[1] >= 11 && memcmp(f.p[1], "Session-ID:", 11) == 0)
        return tls_rsa_session_ok(&f, why);
    if (!is_hex(f.p[1], f.n[1])) {
        snprintf(why, KL_WHY_MAX, "client random is not hex");
        return false;
    }
    if (f.n[1] != 64 && !(rsa && f.n[1] == 16)) {
        snprintf(why, KL_WHY_MAX,
                 "client random is %zu hex digits, expected %s", f.n[1],
                 rsa ? "64 (or 16 for RSA)" : "64");
        return false;
    }
    return hex_value_ok(f.p[2], f.n[2], "secret", why);
}

/* <32..64 hex cookie> SP (SHARED_SECRET|PRIVATE_KEY) SP <hex>. */
static bool
ssh_line_ok(const uint8_t *s, size_t len, char *why)
{
    struct kl_fields f;

    if (!split3(s, len, &f, why))
        return false;
    if (!is_hex(f.p[0], f.n[0])) {
        snprintf(why, KL_WHY_MAX, "cookie is not hex");
        return false;
    }
    if (f.n[0] < 32 || f.n[0] > 64 || f.n[0] % 2 != 0) {
        snprintf(
            why, KL_WHY_MAX,
            "cookie is %zu hex digits, expected an even number from 32 to 64",
            f.n[0]);
        return false;
    }
    if (!field_is(f.p[1], f.n[1], "SHARED_SECRET") &&
        !field_is(f.p[1], f.n[1], "PRIVATE_KEY")) {
        snprintf(why, KL_WHY_MAX,
                 "second field must be SHARED_SECRET or PRIVATE_KEY");
        return false;
    }
    return hex_value_ok(f.p[2], f.n[2], "key", why);
}

/* NAME *SP "=" *SP <44 base64 characters, the last one '='> (32 bytes). */
static bool
wg_line_ok(const uint8_t *s, size_t len, char *why)
{
    static const char *const names[] = {
        "LOCAL_STATIC_PRIVATE_KEY", "REMOTE_STATIC_PUBLIC_KEY",
        "LOCAL_EPHEMERAL_PRIVATE_KEY", "PRESHARED_KEY"};
    size_t i = 0, j, n;

    while (i < len && s[i] != ' ' && s[i] != '=')
        i++;
    for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
        if (field_is(s, i, names[j]))
            break;
    }
    if (j == sizeof(names) / sizeof(names[0])) {
        snprintf(
            why, KL_WHY_MAX,
            "unknown key name (expected LOCAL_STATIC_PRIVATE_KEY, REMOTE_STATIC_PUBLIC_KEY, LOCAL_EPHEMERAL_PRIVATE_KEY or PRESHARED_KEY)");
        return false;
    }
    while (i < len && s[i] == ' ')
        i++;
    if (i == len || s[i] != '=') {
        snprintf(why, KL_WHY_MAX, "expected '=' after the key name");
        return false;
    }
    for (i++; i < len && s[i] == ' '; i++)
        ;
    n = len - i;
    for (j = 0; n == 44 && j < 43 && is_base64(s[i + j]); j++)
        ;
    if (n != 44 || j != 43 || s[len - 1] != '=') {
        snprintf(why, KL_WHY_MAX,
                 "key is not base64 of 32 bytes (44 characters ending in '=')");
        return false;
    }
    return true;
}

/* OPC UA (Wireshark's opcua key log): KEY ": " VALUE, KEY of letters,
 * digits and '_' (client_iv_<chan>_<token>, server_key_..., ..._siglen_...),
 * VALUE hex digits (upper case as written by the stacks; either accepted). */
static bool
opcua_line_ok(const uint8_t *s, size_t len, char *why)
{
    size_t i = 0;

    while (i < len &&
           ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
            (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
        i++;
    if (i == 0) {
        snprintf(why, KL_WHY_MAX,
                 "expected 'key: value' (key of letters, digits and _)");
        return false;
    }
    if (len - i < 2 || s[i] != ':' || s[i + 1] != ' ') {
        snprintf(why, KL_WHY_MAX,
                 "expected ': ' after the key (key of letters, digits and _)");
        return false;
    }
    i += 2;
    if (i == len) {
        snprintf(why, KL_WHY_MAX, "value is empty");
        return false;
    }
    if (!is_hex(s + i, len - i)) {
        snprintf(why, KL_WHY_MAX, "value is not hex");
        return false;
    }
    return true;
}

#define ESP_FIELDS 10

/* ESP SA list (Wireshark esp_sa, notes §1.10): one RFC 4180 record of
 * exactly ESP_FIELDS fields. A field is either unquoted (no '"') or
 * quoted, with "" for a quote inside; a quoted field must end on the same
 * line (this reader is line based). The header row passes as a row. */
static bool
esp_line_ok(const uint8_t *s, size_t len, char *why)
{
    size_t i = 0, nf = 0;

    for (;;) {
        nf++;
        if (i < len && s[i] == '"') {
            for (i++;; i++) {
                if (i == len) {
                    snprintf(why, KL_WHY_MAX,
                             "field %zu: quoted field does not end on this "
                             "line",
                             nf);
                    return false;
                }
                if (s[i] != '"')
                    continue;
                if (i + 1 < len && s[i + 1] == '"') {
                    i++;
                    continue;
                }
                break;
            }
            i++; /* past the closing quote */
            if (i < len && s[i] != ',') {
                snprintf(why, KL_WHY_MAX,
                         "field %zu: text after a closing quote", nf);
                return false;
            }
        } else {
            while (i < len && s[i] != ',' && s[i] != '"')
                i++;
            if (i < len && s[i] == '"') {
                snprintf(why, KL_WHY_MAX,
                         "field %zu: quote inside an unquoted field", nf);
                return false;
            }
        }
        if (i == len)
            break;
        i++; /* past the comma */
    }
    if (nf != ESP_FIELDS) {
        snprintf(why, KL_WHY_MAX,
                 "expected %d comma-separated fields (Protocol, Src IP, "
                 "Dest IP, SPI, Encryption, Encryption Key, Authentication, "
                 "Authentication Key, SN, ESN High Bits), found %zu",
                 ESP_FIELDS, nf);
        return false;
    }
    return true;
}

static bool
line_ok(uint32_t type, const uint8_t *s, size_t len, char *why)
{
    switch (type) {
    case SECRETS_TLS:
        return tls_line_ok(s, len, why);
    case SECRETS_SSH:
        return ssh_line_ok(s, len, why);
    case SECRETS_OPCUA:
        return opcua_line_ok(s, len, why);
    case SECRETS_ESP:
        return esp_line_ok(s, len, why);
    default:
        assert(type == SECRETS_WG);
        return wg_line_ok(s, len, why);
    }
}

/* ---- lines ------------------------------------------------------------ */

static int
bad_line(struct kl_add *a, const char *why, bool incomplete)
{
    const char *pre =
        incomplete ? "last line has no newline (incomplete?): " : "";

    a->k->lines_bad++;
    a->bad++;
    if (a->strict)
        return sc_err_set(a->err, SC_ERR_DATA, "%s:%" PRIu64 ": %s%s", a->name,
                          a->lineno, pre, why);
    if (a->bad <= KL_MAX_WARN)
        sc_warn(a->diag, "%s:%" PRIu64 ": %s%s", a->name, a->lineno, pre, why);
    return 0;
}

/* Warns that s (a new line with key s[0..klen)) gives a different secret
 * for a key already seen. Names the label (tls) or kind (ssh), no hex. */
static void
conflict_warn(struct kl_add *a, const uint8_t *s, size_t klen)
{
    const uint8_t *sp = memchr(s, ' ', klen);
    const uint8_t *what = s;
    size_t n;

    assert(sp != NULL);
    n = (size_t)(sp - s);
    if (a->k->type == SECRETS_SSH) {
        what = sp + 1;
        n = klen - n - 1;
    }
    sc_warn(a->diag,
            "%s:%" PRIu64
            ": %.*s%s for a %s already seen with a different secret",
            a->name, a->lineno, (int)(n > KL_LABEL_SHOW ? KL_LABEL_SHOW : n),
            (const char *)what, n > KL_LABEL_SHOW ? "..." : "",
            a->k->type == SECRETS_SSH ? "cookie" : "client random");
}

/* A valid line: drop it if already kept, else append it and index it. */
static int
accept_line(struct kl_add *a, const uint8_t *s, size_t len)
{
    static const uint8_t lf = '\n';
    struct keylog *k = a->k;
    size_t klen = line_key_len(k->type, s, len);
    uint64_t h = line_hash(s, len, klen), off = k->text.len;
    struct kl_match m;

    a->valid++;
    /* "RSA ..." and "PMS_CLIENT_RANDOM ..." are Wireshark's own: other
     * readers of a TLS key log ignore them (one warning per file). */
    if (k->type == SECRETS_TLS &&
        ((len > 4 && memcmp(s, "RSA ", 4) == 0) ||
         (len > 18 && memcmp(s, "PMS_CLIENT_RANDOM ", 18) == 0)) &&
        a->legacy++ == 0)
        a->legacy_first = a->lineno;
    if (k->index == NULL) {
        k->index = calloc(1, sizeof(*k->index));
        if (k->index == NULL ||
            (k->index->scratch = malloc(KL_SCRATCH)) == NULL)
            return sc_err_set(a->err, SC_ERR_IO, "%s: out of memory", a->name);
    }
    if (index_find(a, s, len, klen, h, &m) < 0)
        return -1;
    if (m.dup) {
        k->lines_dup++;
        if (a->on_line != NULL)
            a->on_line(a->on_line_ctx, a->name, a->lineno, s, len, true);
        return 0;
    }
    if (table_reserve(k->index) != 0)
        return sc_err_set(a->err, SC_ERR_IO, "%s: out of memory", a->name);
    if (m.key_seen && !m.same_value && a->on_line == NULL)
        conflict_warn(a, s, klen);
    if (a->on_line != NULL)
        a->on_line(a->on_line_ctx, a->name, a->lineno, s, len, false);
    if (text_append(a, s, len) < 0 || text_append(a, &lf, 1) < 0)
        return -1;
    table_put(k->index, slot_make(h, off));
    k->lines_kept++;
    return 0;
}

/* A complete line s[0..len) without its terminator. */
static int
end_line(struct kl_add *a, const uint8_t *s, size_t len, bool overlong,
         bool incomplete)
{
    char why[KL_WHY_MAX];

    a->lineno++;
    if (overlong || len > KEYLOG_MAX_LINE) {
        snprintf(why, sizeof(why), "line is longer than %zu bytes",
                 (size_t)KEYLOG_MAX_LINE);
        return bad_line(a, why, incomplete);
    }
    if (len == 0 || s[0] == '#') {
        a->k->lines_comment++;
        return 0;
    }
    if (!line_ok(a->k->type, s, len, why))
        return bad_line(a, why, incomplete);
    return accept_line(a, s, len);
}

/* Adds to the line being assembled; past KEYLOG_MAX_LINE only remembers
 * that it is too long. */
static int
line_add(struct kl_add *a, const uint8_t *p, size_t n)
{
    size_t ncap;
    uint8_t *nl;

    if (a->overlong || n == 0)
        return 0;
    if (n > KEYLOG_MAX_LINE - a->len) {
        a->overlong = true;
        a->len = 0;
        return 0;
    }
    if (a->len + n > a->cap) {
        ncap = a->cap * 2 > 4096 ? a->cap * 2 : 4096;
        if (ncap < a->len + n)
            ncap = a->len + n;
        if (ncap > KEYLOG_MAX_LINE)
            ncap = KEYLOG_MAX_LINE;
        nl = realloc(a->line, ncap);
        if (nl == NULL)
            return sc_err_set(a->err, SC_ERR_IO, "%s: out of memory", a->name);
        a->line = nl;
        a->cap = ncap;
    }
    memcpy(a->line + a->len, p, n);
    a->len += n;
    return 0;
}

static const uint8_t *
find_eol(const uint8_t *p, const uint8_t *end)
{
    for (; p < end; p++) {
        if (*p <= '\r' && (*p == '\n' || *p == '\r' || *p == '\0'))
            break;
    }
    return p;
}

/* Feeds n more bytes of text. A line that lies within p is processed in
 * place; only a line that spans two calls is copied. */
static int
feed(struct kl_add *a, const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n, *q;
    int rc;

    while (p < end) {
        if (a->cr) {
            a->cr = false;
            if (*p == '\n') {
                p++;
                continue;
            }
        }
        q = find_eol(p, end);
        if (q == end)
            return line_add(a, p, (size_t)(end - p));
        if (*q == '\0')
            return sc_err_set(a->err, SC_ERR_DATA,
                              "%s: not a key log (binary data)", a->name);
        if (a->len == 0 && !a->overlong) {
            rc = end_line(a, p, (size_t)(q - p), false, false);
        } else {
            rc = line_add(a, p, (size_t)(q - p));
            if (rc == 0)
                rc = end_line(a, a->line, a->len, a->overlong, false);
            a->len = 0;
            a->overlong = false;
        }
        if (rc != 0)
            return rc;
        a->cr = *q == '\r';
        p = q + 1;
    }
    return 0;
}

/* End of input: the last line without a newline, the summary, and the
 * "nothing useful" check. */
static int
finish(struct kl_add *a)
{
    if ((a->len > 0 || a->overlong) &&
        end_line(a, a->line, a->len, a->overlong, true) != 0)
        return -1;
    if (a->bad > KL_MAX_WARN)
        sc_warn(a->diag, "%s: %" PRIu64 " more invalid lines skipped", a->name,
                a->bad - KL_MAX_WARN);
    if (a->legacy > 0)
        sc_warn(a->diag,
                "%s:%" PRIu64 ": %" PRIu64 " line%s with a Wireshark-only "
                "legacy label (RSA, PMS_CLIENT_RANDOM); only Wireshark uses "
                "them",
                a->name, a->legacy_first, a->legacy, a->legacy == 1 ? "" : "s");
    if (a->valid > 0)
        return 0;
    if (a->lineno == 0)
        return sc_err_set(a->err, SC_ERR_DATA,
                          "%s: empty file, no valid key-log line", a->name);
    return sc_err_set(a->err, SC_ERR_DATA, "%s: no valid key-log line",
                      a->name);
}

/* Checks the first n bytes of a text key log (n < 4 only if that is all
 * there is). Sets *skip to the length of a UTF-8 BOM to drop. */
static int
sniff(struct kl_add *a, const uint8_t *p, size_t n, size_t *skip)
{
    static const uint8_t magic[][4] = {
        {0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1},
        {0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1},
        {0xa1, 0xb2, 0xcd, 0x34}, {0x34, 0xcd, 0xb2, 0xa1},
        {0x0a, 0x0d, 0x0d, 0x0a}};
    size_t i;

    *skip = 0;
    if (n >= 2 &&
        ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
        return sc_err_set(a->err, SC_ERR_DATA,
                          "%s: key log is UTF-16; re-save it as UTF-8",
                          a->name);
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        sc_warn(a->diag, "%s: UTF-8 byte order mark removed", a->name);
        *skip = 3;
        return 0;
    }
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return sc_err_set(
            a->err, SC_ERR_DATA,
            "%s: is a capture file, not a key log (gzip-compressed)", a->name);
    for (i = 0; n >= 4 && i < sizeof(magic) / sizeof(magic[0]); i++) {
        if (memcmp(p, magic[i], 4) == 0)
            return sc_err_set(a->err, SC_ERR_DATA,
                              "%s: is a capture file, not a key log", a->name);
    }
    /* Binary data is one error, not a warning per "line" first. */
    if (memchr(p, '\0', n) != NULL)
        return sc_err_set(a->err, SC_ERR_DATA,
                          "%s: not a key log (binary data)", a->name);
    return 0;
}

/* ---- one call --------------------------------------------------------- */

static void
add_begin(struct kl_add *a, struct keylog *k, const char *name,
          const struct keylog_opts *opts, const struct sc_diag *diag,
          struct sc_err *err)
{
    memset(a, 0, sizeof(*a));
    a->k = k;
    a->name = name != NULL ? name : "(memory)";
    a->strict = opts != NULL && opts->strict;
    a->on_line = opts != NULL ? opts->on_line : NULL;
    a->on_line_ctx = opts != NULL ? opts->on_line_ctx : NULL;
    a->diag = diag;
    a->err = err;
    a->saved = *k;
}

/* Restores the text, the statistics, and the index if lines were added.
 * If the spool cannot be cut back or read back (an I/O error on its
 * temporary file), the key log is marked broken: it refuses further use
 * instead of holding lines of a file that failed. */
static void
add_rollback(struct kl_add *a)
{
    struct keylog *k = a->k;
    bool added = k->text.len != a->saved.text.len;
    struct sc_err ignored;

    k->lines_kept = a->saved.lines_kept;
    k->lines_dup = a->saved.lines_dup;
    k->lines_bad = a->saved.lines_bad;
    k->lines_comment = a->saved.lines_comment;
    if (!added)
        return;
    if (spool_truncate(&k->text, a->saved.text.len, &ignored) < 0 ||
        (k->validated && index_rebuild(k, &ignored) < 0))
        k->broken = true;
}

static int
add_end(struct kl_add *a, int rc)
{
    if (rc != 0)
        add_rollback(a);
    free(a->line);
    a->line = NULL;
    return rc;
}

static int
check_usable(const struct keylog *k, const char *name, struct sc_err *err)
{
    if (!k->broken)
        return 0;
    return sc_err_set(err, SC_ERR_IO,
                      "%s: key log unusable after an earlier error reading "
                      "back its temporary file",
                      name);
}

static int
read_some(struct kl_add *a, int fd, uint8_t *buf, size_t cap, size_t *got)
{
    ssize_t r;

    for (;;) {
        if (sc_interrupted)
            return sc_err_set(a->err, SC_ERR_INTR, "%s: interrupted", a->name);
        r = read(fd, buf, cap);
        if (r >= 0) {
            *got = (size_t)r;
            return 0;
        }
        if (errno != EINTR)
            return sc_err_set(a->err, SC_ERR_IO, "%s: read failed: %s", a->name,
                              strerror(errno));
    }
}

static int
read_text(struct kl_add *a, int fd)
{
    uint8_t *buf = malloc(KL_READ_SIZE);
    size_t have = 0, got = 1, skip = 0;
    int rc = 0;

    if (buf == NULL)
        return sc_err_set(a->err, SC_ERR_IO, "%s: out of memory", a->name);
    /* sniff() wants 4 bytes, which a pipe may hand out one at a time. */
    while (rc == 0 && have < 4 && got > 0) {
        rc = read_some(a, fd, buf + have, KL_READ_SIZE - have, &got);
        have += got;
    }
    if (rc == 0)
        rc = sniff(a, buf, have, &skip);
    if (rc == 0)
        rc = feed(a, buf + skip, have - skip);
    while (rc == 0 && got > 0) {
        rc = read_some(a, fd, buf, KL_READ_SIZE, &got);
        if (rc == 0)
            rc = feed(a, buf, got);
    }
    free(buf);
    return rc != 0 ? rc : finish(a);
}

/* Binary record types: n bytes added must be whole records. */
static int
check_records(struct kl_add *a, uint64_t n)
{
    const struct keylog *k = a->k;

    if (k->record == 0 || n % k->record == 0)
        return 0;
    return sc_err_set(
        a->err, SC_ERR_DATA,
        "%s: %" PRIu64 " bytes is not a whole number of %s records (%u bytes "
        "each: %s)",
        a->name, n, secrets_type_name(k->type), k->record,
        k->type == SECRETS_ZIGBEE_NWK
            ? "16-byte key, 2-byte PAN ID"
            : "16-byte key, 2-byte PAN ID, 2-byte low and high addresses");
}

/* Raw types: the bytes as they are. */
static int
read_raw(struct kl_add *a, int fd)
{
    uint8_t *buf = malloc(KL_READ_SIZE);
    uint64_t added;
    size_t got;
    int rc;

    if (buf == NULL)
        return sc_err_set(a->err, SC_ERR_IO, "%s: out of memory", a->name);
    do {
        rc = read_some(a, fd, buf, KL_READ_SIZE, &got);
        if (rc == 0)
            rc = text_append(a, buf, got);
    } while (rc == 0 && got > 0);
    free(buf);
    if (rc != 0)
        return rc;
    added = a->k->text.len - a->saved.text.len;
    if (added == 0)
        return sc_err_set(a->err, SC_ERR_DATA, "%s: empty file", a->name);
    return check_records(a, added);
}

int
keylog_add_mem(struct keylog *k, const char *name, const uint8_t *p, size_t n,
               const struct keylog_opts *opts, const struct sc_diag *diag,
               struct sc_err *err)
{
    struct kl_add a;
    size_t skip = 0;
    int rc;

    add_begin(&a, k, name, opts, diag, err);
    if (check_usable(k, a.name, err) < 0)
        return -1;
    if (n == 0) {
        rc = k->validated
                 ? finish(&a)
                 : sc_err_set(err, SC_ERR_DATA, "%s: empty file", a.name);
    } else if (!k->validated) {
        rc = check_records(&a, n);
        if (rc == 0)
            rc = text_append(&a, p, n);
    } else {
        rc = sniff(&a, p, n, &skip);
        if (rc == 0)
            rc = feed(&a, p + skip, n - skip);
        if (rc == 0)
            rc = finish(&a);
    }
    return add_end(&a, rc);
}

int
keylog_add_file(struct keylog *k, const char *path,
                const struct keylog_opts *opts, const struct sc_diag *diag,
                struct sc_err *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "(stdin)" : path;
    struct kl_add a;
    struct stat st;
    int fd, rc;

    if (check_usable(k, name, err) < 0)
        return -1;
    fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: cannot open: %s", name,
                          strerror(errno));
    add_begin(&a, k, name, opts, diag, err);
    if (fstat(fd, &st) != 0) {
        rc = sc_err_set(err, SC_ERR_IO, "%s: cannot stat: %s", name,
                        strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = sc_err_set(err, SC_ERR_IO, "%s: is a directory", name);
    } else {
        rc = k->validated ? read_text(&a, fd) : read_raw(&a, fd);
    }
    if (!is_stdin)
        close(fd);
    return add_end(&a, rc);
}

uint64_t
keylog_len(const struct keylog *k)
{
    return k->text.len;
}

int
keylog_next_chunk(const struct keylog *k, uint64_t *pos, size_t max, size_t *n,
                  struct sc_err *err)
{
    const uint8_t *s;
    uint8_t *scratch;
    uint64_t rest;
    size_t got, i;

    assert(*pos <= k->text.len);
    assert(!k->validated || max > KEYLOG_MAX_LINE);
    if (check_usable(k, "secrets", err) < 0)
        return -1;
    rest = k->text.len - *pos;
    if (k->record != 0 && max >= k->record)
        max -= max % k->record;
    *n = rest < max ? (size_t)rest : max;
    if (k->validated && *n < rest) {
        /* Every kept line is at most KL_SCRATCH bytes with its LF, so the
         * last line end before *pos + *n lies in the KL_SCRATCH bytes
         * before it. */
        scratch = malloc(KL_SCRATCH);
        if (scratch == NULL)
            return sc_err_set(err, SC_ERR_IO, "out of memory");
        s = spool_peek(&k->text, *pos + *n - KL_SCRATCH, KL_SCRATCH, scratch,
                       &got, err);
        for (i = got; s != NULL && i > 0 && s[i - 1] != '\n'; i--)
            ;
        free(scratch);
        if (s == NULL)
            return -1;
        assert(i > 0);
        *n -= got - i;
    }
    *pos += *n;
    return 0;
}

int
keylog_each(const struct keylog *k, uint64_t off, uint64_t n, spool_piece_fn fn,
            void *ctx, struct sc_err *err)
{
    if (check_usable(k, "secrets", err) < 0)
        return -1;
    return spool_each(&k->text, off, n, fn, ctx, err);
}

int
keylog_read(const struct keylog *k, uint64_t off, void *dst, size_t n,
            struct sc_err *err)
{
    const uint8_t *p;
    size_t got;

    if (check_usable(k, "secrets", err) < 0)
        return -1;
    if (off > k->text.len || n > k->text.len - off)
        return sc_err_set(err, SC_ERR_IO, "secrets: read past the end");
    p = spool_peek(&k->text, off, n, dst, &got, err);
    if (p == NULL)
        return -1;
    if (p != dst)
        memcpy(dst, p, n);
    return 0;
}

void
keylog_set_mem_max(struct keylog *k, size_t max)
{
    k->text.mem_max = max;
}

void
keylog_init(struct keylog *k, uint32_t type)
{
    memset(k, 0, sizeof(*k));
    spool_init(&k->text, SPOOL_MEM_DEFAULT);
    k->type = type;
    k->validated = keylog_type_is_text(type);
    k->record = keylog_record_size(type);
}

uint32_t
keylog_record_size(uint32_t type)
{
    if (type == SECRETS_ZIGBEE_NWK)
        return 18;
    if (type == SECRETS_ZIGBEE_APS)
        return 22;
    return 0;
}

bool
keylog_type_is_text(uint32_t type)
{
    return type == SECRETS_TLS || type == SECRETS_SSH || type == SECRETS_WG ||
           type == SECRETS_OPCUA || type == SECRETS_ESP;
}

void
keylog_free(struct keylog *k)
{
    size_t mem_max = k->text.mem_max;

    if (k->index != NULL) {
        free(k->index->slot);
        free(k->index->scratch);
        free(k->index);
    }
    spool_free(&k->text);
    keylog_init(k, k->type);
    k->text.mem_max = mem_max;
}
