# sessions_oracle.sh - tshark as the oracle of `secretcap sessions` (issue 9).
#
# For every capture C of tests/fixtures/traffic/ and every capture of the
# shared corpus (those with a C.expect; the corpus part is skipped with a
# visible note when $CORPUS is absent): the sorted unique client randoms of
# `secretcap sessions --json C` equal the set tshark shows for ClientHellos:
#   tshark -r C -o tcp.reassemble_out_of_order:TRUE
#     -Y 'tls.handshake.type == 1 || dtls.handshake.type == 1'
#     -T fields -e tls.handshake.random -e dtls.handshake.random
# (issue 9's command; tshark 4.0 leaves out-of-order reassembly off, which
# only tcp-split-ooo.pcap needs; tshark decrypts QUIC Initials itself).
# One known blind spot of tshark 4.0 is filled from the client's own key
# log: traffic/quic-v2draft.pcap (QUIC v2 draft 0x709a50c4, which tshark
# does not dissect): its key log's client randoms are added to the set.
# tshark runs with HOME/XDG_CONFIG_HOME set to an empty dir. The JSON must be
# one document of the documented shape: secretcap_sessions 1, one file
# object, error null, each session with protocol tls|dtls|quic, a 64-digit
# lower-case client_random (unique in the file), server_name string or
# null, keys complete|partial|none and a missing list (empty iff complete).
# A compressed capture tshark cannot read is skipped with a note; any other
# tshark failure fails the test.
# Then --require-keys: exit 0 with the capture's own key log on
# s01-tls13/s01.pcap and on the real traffic fixtures whose every session
# has keys; exit 1 on s04-partial-keys (its key log covers 2 of 4
# sessions: 2 complete, 2 none) and on s01 without a key log; exit 0
# without --require-keys.
# One line per capture ("ok   C: N sessions" or "FAIL C: ..." with a diff),
# then "N passed, N failed, N skipped". Runs two captures at a time.
. "$(dirname "$0")/lib.sh"

# randoms_json JSON OUT: validates the document, writes the sorted randoms;
# prints the reason and returns 1 when the document is wrong.
randoms_json() {
    python3 - "$1" "$2" <<'PY'
import json, re, sys
try:
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError as e:
    print("stdout is not one JSON document: %s" % e); sys.exit(1)
def bad(why):
    print(why); sys.exit(1)
if not isinstance(doc, dict) or doc.get("secretcap_sessions") != 1:
    bad("no \"secretcap_sessions\": 1 at the top")
files = doc.get("files")
if not isinstance(files, list) or len(files) != 1:
    bad("\"files\" is not a list of one object")
f = files[0]
if f.get("error") is not None:
    bad("error: %r" % f.get("error"))
if not isinstance(f.get("file"), str):
    bad("\"file\" is not a string")
sessions = f.get("sessions")
if not isinstance(sessions, list):
    bad("\"sessions\" is not a list")
seen = []
for i, s in enumerate(sessions):
    w = "session %d: " % i
    if s.get("protocol") not in ("tls", "dtls", "quic"):
        bad(w + "protocol %r" % s.get("protocol"))
    r = s.get("client_random")
    if not isinstance(r, str) or not re.fullmatch(r"[0-9a-f]{64}", r):
        bad(w + "client_random %r" % r)
    sn = s.get("server_name")
    if sn is not None and not isinstance(sn, str):
        bad(w + "server_name %r" % sn)
    k, m = s.get("keys"), s.get("missing")
    if k not in ("complete", "partial", "none"):
        bad(w + "keys %r" % k)
    if not isinstance(m, list) or not all(isinstance(x, str) for x in m):
        bad(w + "missing %r" % m)
    # A QUIC ClientHello refused by Version Negotiation needs no keys:
    # nothing is missing, whatever its key status.
    if s.get("rejected") is True:
        if m:
            bad(w + "rejected session with missing %r" % m)
    elif (k == "complete") != (len(m) == 0):
        bad(w + "keys %s with missing %r" % (k, m))
    seen.append(r)
if len(seen) != len(set(seen)):
    bad("a client random is listed twice")
open(sys.argv[2], "w").write("".join(r + "\n" for r in sorted(seen)))
PY
}

if [ "${1:-}" = --one ]; then
    # Worker: one capture. Prints "ok   C: ...", "skip C: ..." or "FAIL C: ...".
    c=$2
    rel=${c#"$FIXTURES"/}
    [ -n "$CORPUS" ] && rel=${rel#"$CORPUS"/}
    if ! randoms_tshark "$c" "$T/want"; then
        case $c in
        *.gz) echo "skip $rel: tshark cannot read it: $(grep -v 'Running as' "$T/tshark.err" | head -c 200 | tr '\n' ' ')"; exit 0 ;;
        esac
        echo "FAIL $rel: tshark failed: $(grep -v 'Running as' "$T/tshark.err" | head -c 300 | tr '\n' ' ')"; exit 1
    fi
    # Where tshark 4.0 is known to be blind, the client's own key log is the
    # second witness: its client randoms are sessions of the capture too.
    case $rel in
    traffic/quic-v2draft.pcap)  # QUIC v2 draft 0x709a50c4: unknown to tshark 4.0
        awk '{print tolower($2)}' "${c%.pcap}.keys" | grep -E '^[0-9a-f]{64}$' |
            sort -u - "$T/want" -o "$T/want" ;;
    esac
    "$SECRETCAP" sessions --json "$c" >"$T/json" 2>"$T/se"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $rel: sessions --json exited $rc: $(head -c 300 "$T/se" | tr '\n' ' ')"; exit 1
    fi
    if ! why=$(randoms_json "$T/json" "$T/got"); then
        echo "FAIL $rel: $why"; exit 1
    fi
    if ! cmp -s "$T/want" "$T/got"; then
        echo "FAIL $rel: secretcap's client randoms differ from tshark's (< tshark only, > secretcap only):"
        diff "$T/want" "$T/got" | grep '^[<>]' | sed 's/^/    /'
        exit 1
    fi
    echo "ok   $rel: $(wc -l <"$T/got") sessions"
    exit 0
fi

need_binary
need_python
need_tshark
export SECRETCAP CORPUS FIXTURES

find "$FIXTURES/traffic" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' \
    -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) | sort >"$T/list"
nfix=$(wc -l <"$T/list")
check "tests/fixtures/traffic has captures (found $nfix)" test "$nfix" -gt 0
if [ -n "$CORPUS" ] && [ -f "$CORPUS/MANIFEST.md" ]; then
    find "$CORPUS" -name '*.expect' | sort | sed 's/\.expect$//' >>"$T/list"
    have_corpus=1
else
    echo "SKIP (part): $TEST_NAME: corpus not found (CORPUS='$CORPUS'): only tests/fixtures/traffic is compared"
    have_corpus=0
fi
total=$(wc -l <"$T/list")
echo "$TEST_NAME: $total captures ($nfix in tests/fixtures/traffic)"
tr '\n' '\0' <"$T/list" | xargs -0 -P2 -n1 bash "$0" --one | tee "$T/results"
passed=$(grep -c '^ok ' "$T/results")
skipped=$(grep -c '^skip ' "$T/results")
failed=$((total - passed - skipped))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || FAILS=$((FAILS + failed))
CHECKS=$((CHECKS + total))

# ------------------------------------------------------------ --require-keys
TR=$FIXTURES/traffic
# Real fixtures whose own key log covers every session (quic-vn: the first
# ClientHello, of version 0x1a2a3a4a, has no keys; quic-v2draft: no session
# tshark knows, left out).
for n in tls13 tls12 tls-3conn dtls12 smtp-starttls quic-v1 quic-retry; do
    run "$SECRETCAP" sessions --require-keys -k "$TR/$n.keys" "$TR/$n.pcap"
    expect_rc 0 "sessions --require-keys -k $n.keys $n.pcap"
done
if [ $have_corpus = 1 ]; then
    s01=$CORPUS/s01-tls13
    s04=$CORPUS/s04-partial-keys
    run "$SECRETCAP" sessions --require-keys -k "$s01/s01.keys" "$s01/s01.pcap"
    expect_rc 0 "sessions --require-keys -k s01.keys s01.pcap"
    run "$SECRETCAP" sessions --require-keys "$s01/s01.pcap"
    expect_rc 1 "sessions --require-keys s01.pcap (no key log)"
    run "$SECRETCAP" sessions --require-keys -k "$s04/s04_conn1_conn3.keys" "$s04/s04.pcapng"
    expect_rc 1 "sessions --require-keys -k s04_conn1_conn3.keys s04.pcapng"
    run "$SECRETCAP" sessions -k "$s04/s04_conn1_conn3.keys" "$s04/s04.pcapng"
    expect_rc 0 "sessions -k s04_conn1_conn3.keys s04.pcapng (no --require-keys)"
    # s04: 4 sessions, the key log has connections 1 and 3: 2 complete, 2 none.
    run "$SECRETCAP" sessions --json -k "$s04/s04_conn1_conn3.keys" "$s04/s04.pcapng"
    expect_rc 0 "sessions --json -k s04_conn1_conn3.keys s04.pcapng"
    CHECKS=$((CHECKS + 1))
    st=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["files"][0]["sessions"]
print(" ".join(sorted(x["keys"] for x in s)))' "$T/stdout" 2>&1)
    if [ "$st" != "complete complete none none" ]; then
        fail "s04 key status: expected 'complete complete none none', got '$st'"
    fi
else
    echo "SKIP (part): $TEST_NAME: corpus not found: --require-keys checked on tests/fixtures/traffic only"
fi
finish
