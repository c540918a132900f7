/*
 * scope_json.c - the JSON of `secretcap sessions --json`
 * (docs/sessions-json.md): one file object per input, written into a
 * struct json piece by piece so that the caller can flush the buffer
 * between sessions (a capture with 100,000 sessions never needs its whole
 * report in memory).
 */
#include "scope_json.h"

#include <stdio.h>

#include "traffic/tls.h"

static void
json_endpoint(struct json *j, const struct tr_endpoint *e)
{
    char b[64];

    tr_endpoint_format(e, b, sizeof(b));
    json_str(j, b);
}

static void
json_version(struct json *j, uint16_t v)
{
    char b[16];

    if (v == 0)
        json_null(j);
    else
        json_str(j, tls_version_name(v, b, sizeof(b)));
}

static void
json_labels(struct json *j, uint16_t bits)
{
    json_arr_begin(j);
    for (unsigned b = 0; b < SL_COUNT; b++)
        if (bits & (1u << b))
            json_str(j, scope_label_name(b));
    json_arr_end(j);
}

/* ALPN names are joined by ','; a name holding ',' is shown split (the
 * parser already replaced unprintable bytes). */
static void
json_alpn(struct json *j, const char *alpn)
{
    const char *p = alpn;

    json_arr_begin(j);
    while (*p != '\0') {
        const char *e = p;

        while (*e != '\0' && *e != ',')
            e++;
        json_strn(j, (const uint8_t *)p, (size_t)(e - p));
        p = *e == ',' ? e + 1 : e;
    }
    json_arr_end(j);
}

void
scope_json_begin(struct json *j, const char *name, const struct scope *sc,
                 const struct sc_err *err)
{
    json_obj_begin(j);
    json_key(j, "file");
    json_str(j, name);
    json_key(j, "format");
    if (sc == NULL || sc->format == FMT_UNKNOWN)
        json_null(j);
    else
        json_str(j, format_name(sc->format));
    json_key(j, "compression");
    if (sc != NULL && sc->compression != COMPRESSION_NONE)
        json_str(j, compression_info(sc->compression)->name);
    else
        json_null(j);
    json_key(j, "error");
    if (err != NULL)
        json_str(j, err->msg);
    else
        json_null(j);
    json_key(j, "sessions");
    json_arr_begin(j);
}

void
scope_json_session(struct json *j, const struct scope *sc, size_t i)
{
    size_t n;
    const struct tr_session *s = &tr_table_sessions(sc->table, &n)[i];
    const struct scope_judgement *jd = &sc->judge[i];
    char b[16], hex[65];

    json_obj_begin(j);
    json_key(j, "protocol");
    json_str(j, tr_proto_name(s->protocol));
    json_key(j, "version_offered");
    json_version(j, s->offered);
    json_key(j, "version_chosen");
    json_version(j, s->chosen);
    json_key(j, "quic_version");
    if (s->protocol == TR_QUIC) {
        snprintf(b, sizeof(b), "0x%08x", s->quic_version);
        json_str(j, b);
    } else {
        json_null(j);
    }
    json_key(j, "client");
    json_endpoint(j, &s->client);
    json_key(j, "server");
    json_endpoint(j, &s->server);
    json_key_u64(j, "section", s->first.section);
    json_key_u64(j, "interface", s->first.iface);
    json_key_u64(j, "first_packet", s->first.packet);
    json_key(j, "first_packet_time");
    capinfo_json_ts(j, &s->first.ts);
    json_key(j, "server_name");
    if (s->server_name[0] == '\0')
        json_null(j);
    else
        json_str(j, s->server_name);
    json_key(j, "alpn");
    json_alpn(j, s->alpn);
    json_key(j, "client_random");
    json_str(j, scope_random_hex(s->random, hex));
    json_key(j, "keys");
    json_str(j, scope_keys_name(jd->keys));
    json_key(j, "rejected");
    json_bool(j, s->rejected);
    json_key(j, "missing");
    json_labels(j, jd->missing);
    json_key(j, "present");
    json_labels(j, jd->have);
    json_obj_end(j);
}

void
scope_json_end(struct json *j, const struct scope *sc)
{
    const struct tr_stats *st;
    const struct tr_nohs *nh;
    size_t n, nn;

    json_arr_end(j); /* sessions */
    if (sc == NULL || sc->table == NULL) {
        json_obj_end(j);
        return;
    }
    st = tr_table_stats(sc->table);
    tr_table_sessions(sc->table, &n);
    json_key(j, "summary");
    json_obj_begin(j);
    json_key_u64(j, "packets", sc->packets);
    json_key_u64(j, "sessions", n);
    json_key_u64(j, "complete", sc->n_complete);
    json_key_u64(j, "partial", sc->n_partial);
    json_key_u64(j, "none", sc->n_none);
    json_key_u64(j, "rejected", sc->n_rejected);
    json_key_u64(j, "flows_without_handshake", st->nohs);
    json_key_u64(j, "incomplete_handshakes", st->incomplete);
    json_key_u64(j, "unmatched_keylog_lines", sc->unmatched);
    json_key_u64(j, "legacy_rsa_lines", sc->legacy);
    json_obj_end(j);

    json_key(j, "unmatched_labels");
    json_obj_begin(j);
    for (size_t i = 0; i <= SCOPE_MAX_LABELS; i++) {
        if (i >= sc->n_labels && i != SCOPE_MAX_LABELS)
            continue;
        if (sc->labels[i].lines == 0)
            continue;
        json_key(j,
                 i == SCOPE_MAX_LABELS ? "(other labels)" : sc->labels[i].name);
        json_u64(j, sc->labels[i].lines);
    }
    json_obj_end(j);

    json_key(j, "flows_without_handshake");
    json_arr_begin(j);
    nh = tr_table_nohs(sc->table, &nn);
    for (size_t i = 0; i < nn; i++) {
        json_obj_begin(j);
        json_key(j, "protocol");
        json_str(j, tr_proto_name(nh[i].protocol));
        json_key(j, "from");
        json_endpoint(j, &nh[i].a);
        json_key(j, "to");
        json_endpoint(j, &nh[i].b);
        json_key_u64(j, "section", nh[i].first.section);
        json_key_u64(j, "interface", nh[i].first.iface);
        json_key_u64(j, "first_packet", nh[i].first.packet);
        json_key(j, "first_packet_time");
        capinfo_json_ts(j, &nh[i].first.ts);
        json_key_u64(j, "packets", nh[i].packets);
        json_obj_end(j);
    }
    json_arr_end(j);

    json_key(j, "decoding");
    json_obj_begin(j);
    json_key_u64(j, "frames", st->pkt.frames);
    json_key_u64(j, "unsupported_link_type", st->pkt.unsupported);
    json_key_u64(j, "not_ip", st->pkt.not_ip);
    json_key_u64(j, "malformed", st->pkt.malformed);
    json_key_u64(j, "other_protocol", st->pkt.other_proto);
    json_key_u64(j, "ip_fragments", st->pkt.fragments);
    json_key_u64(j, "ip_reassembled", st->pkt.reassembled);
    json_key_u64(j, "ip_fragments_dropped", st->pkt.frag_dropped);
    json_key_u64(j, "tunnels", st->pkt.tunnels);
    json_key_u64(j, "flows", st->flows);
    json_key_u64(j, "flows_evicted", st->flows_evicted);
    json_key_u64(j, "handshakes_given_up", st->pending_dropped);
    json_key_u64(j, "client_hellos", st->hellos);
    json_key_u64(j, "client_hellos_malformed", st->hellos_malformed);
    json_key_u64(j, "quic_undecryptable", st->quic_bad);
    json_key_u64(j, "quic_version_negotiation", st->quic_vn);
    json_key_u64(j, "quic_retry", st->quic_retry);
    json_obj_end(j);
    json_obj_end(j);
}
