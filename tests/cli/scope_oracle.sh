# scope_oracle.sh - `inject --scope capture` against tshark (issue 9).
#
# For every corpus capture C with a C.expect (K = the one *.keys of its
# directory) and every real capture NAME.pcap of tests/fixtures/traffic
# that has its NAME.keys:
#   secretcap inject -k K --scope capture -o OUT C     exits 0;
#   $CORPUS/oracle.sh OUT C.expect                      exits 0 (corpus);
#   the TLS key-log lines in OUT's DSBs (read by the independent checker
#   tests/tools/pcapng_blocks.py, not by secretcap) are exactly
#     - the distinct lines of K whose client random is one of tshark's
#       ClientHello randoms of C (none lost, no other line), plus
#     - the lines of the DSBs C already held (pass-through);
#   so every embedded line carries a client random of tshark's set.
# tshark's set: issue 9's command plus -o tcp.reassemble_out_of_order:TRUE,
# HOME set to an empty dir (see sessions_oracle.sh); for
# traffic/quic-v2draft.pcap (QUIC v2 draft, unknown to tshark 4.0) the
# client randoms of its own key log are added to the set. s03-extra-keys (8
# sessions in the key log, 3 in the capture) must lose the extra lines:
# checked by name. The same through stdin (`cat C | inject ... -`) for
# s03.pcap and s01.pcap.gz: the output equals the file-input output byte
# for byte. One line per capture, then "N passed, N failed".
. "$(dirname "$0")/lib.sh"

# want_lines KEYS RANDOMS PRE OUT: the distinct key-log lines of KEYS whose
# client random (2nd field, any case) is in RANDOMS, plus the lines of PRE;
# sorted, CR dropped, comments and blank lines dropped.
want_lines() {
    python3 - "$@" <<'PY'
import sys
keys, rnd, pre, out = sys.argv[1:5]
rs = set(open(rnd).read().split())
def lines(path):
    d = open(path, "rb").read()
    if d.startswith(b"\xef\xbb\xbf"):
        d = d[3:]
    for l in d.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
        if l and not l.startswith(b"#"):
            yield l.decode("ascii", "replace")
w = set(l for l in lines(keys)
        if len(l.split(" ")) >= 3 and l.split(" ")[1].lower() in rs)
w |= set(lines(pre))
open(out, "w").write("".join(l + "\n" for l in sorted(w)))
PY
}

# embedded FILE OUT: the TLS lines of FILE's DSBs, sorted, unique.
embedded() {
    python3 "$TOOLS/pcapng_blocks.py" extract "$1" >"$T/emb.raw" || return 1
    tr -d '\r' <"$T/emb.raw" | sed '/^$/d; /^#/d' | sort -u >"$2"
}

if [ "${1:-}" = --one ]; then
    # Worker: one capture and its key log. Prints "ok ..." or "FAIL ...".
    c=$2 k=$3
    rel=${c#"$FIXTURES"/}
    [ -n "$CORPUS" ] && rel=${rel#"$CORPUS"/}
    out=$T/out.pcapng
    if ! randoms_tshark "$c" "$T/rnd"; then
        echo "FAIL $rel: tshark failed: $(grep -v 'Running as' "$T/tshark.err" | head -c 300 | tr '\n' ' ')"; exit 1
    fi
    # tshark 4.0 does not dissect QUIC v2 draft 0x709a50c4: the client's own
    # key log witnesses that session (as in sessions_oracle.sh).
    case $rel in
    traffic/quic-v2draft.pcap)
        awk '{print tolower($2)}' "$k" | grep -E '^[0-9a-f]{64}$' |
            sort -u - "$T/rnd" -o "$T/rnd" ;;
    esac
    "$SECRETCAP" inject -k "$k" --scope capture -o "$out" "$c" >"$T/so" 2>"$T/se"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $rel: inject --scope capture exited $rc: $(head -c 300 "$T/se" | tr '\n' ' ')"; exit 1
    fi
    if [ -f "$c.expect" ]; then
        if ! "$CORPUS/oracle.sh" "$out" "$c.expect" >"$T/oracle" 2>&1; then
            echo "FAIL $rel: oracle.sh: $(grep -v 'Running as' "$T/oracle" | head -c 400 | tr '\n' ' ')"; exit 1
        fi
    fi
    # Lines the capture already held in DSBs stay (pass-through).
    : >"$T/pre"
    case $c in *.pcapng | *.pcapng.gz) embedded "$c" "$T/pre" || : >"$T/pre" ;; esac
    want_lines "$k" "$T/rnd" "$T/pre" "$T/want"
    if ! embedded "$out" "$T/got"; then
        echo "FAIL $rel: the checker cannot read the output"; exit 1
    fi
    if ! cmp -s "$T/want" "$T/got"; then
        echo "FAIL $rel: embedded lines differ (< expected only, > embedded only; secrets not shown):"
        diff "$T/want" "$T/got" | grep '^[<>]' | cut -d' ' -f1-3 | sed 's/^/    /'
        exit 1
    fi
    stray=$(awk '{print tolower($2)}' "$T/got" | sort -u | comm -23 - "$T/rnd" | wc -l)
    if [ "$stray" -ne 0 ]; then
        echo "FAIL $rel: $stray embedded client random(s) not in tshark's set"; exit 1
    fi
    case $rel in
    s03-extra-keys/s03.pcap)
        n=$(awk '{print tolower($2)}' "$T/got" | sort -u | wc -l)
        if [ "$n" -ne 3 ]; then
            echo "FAIL $rel: expected the 3 captured sessions only, embedded $n"; exit 1
        fi ;;
    esac
    echo "ok   $rel: $(wc -l <"$T/got") lines of $(awk '{print $2}' "$T/got" | sort -u | wc -l) sessions"
    exit 0
fi

need_binary
need_python
need_tshark
export SECRETCAP CORPUS FIXTURES
: >"$T/list"
for c in "$FIXTURES"/traffic/*.pcap; do
    [ -f "${c%.pcap}.keys" ] && printf '%s\0%s\0' "$c" "${c%.pcap}.keys" >>"$T/list"
done
if [ -n "$CORPUS" ] && [ -f "$CORPUS/MANIFEST.md" ]; then
    [ -x "$CORPUS/oracle.sh" ] || skip "$CORPUS/oracle.sh is not executable"
    have_corpus=1
    while IFS= read -r c; do
        set -- "$(dirname "$c")"/*.keys
        if [ $# -ne 1 ] || [ ! -f "$1" ]; then
            fail "expected exactly one *.keys next to $c, found $#"; continue
        fi
        printf '%s\0%s\0' "$c" "$1" >>"$T/list"
    done < <(find "$CORPUS" -name '*.expect' | sort | sed 's/\.expect$//')
else
    echo "SKIP (part): $TEST_NAME: corpus not found (CORPUS='$CORPUS'): only tests/fixtures/traffic is checked"
    have_corpus=0
fi
total=$(tr -cd '\0' <"$T/list" | wc -c)
total=$((total / 2))
check "captures to check (found $total)" test "$total" -gt 0
echo "$TEST_NAME: $total captures"
xargs -0 -P2 -n2 bash "$0" --one <"$T/list" | tee "$T/results"
passed=$(grep -c '^ok ' "$T/results")
failed=$((total - passed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || FAILS=$((FAILS + failed))
CHECKS=$((CHECKS + total))

# ------------------------------------------------------------ stdin
# A pipe is spooled for the second pass: same output as from the file.
if [ $have_corpus = 1 ]; then
    for c in "$CORPUS/s03-extra-keys/s03.pcap" "$CORPUS/s01-tls13/s01.pcap.gz"; do
        set -- "$(dirname "$c")"/*.keys
        k=$1
        run "$SECRETCAP" inject -k "$k" --scope capture -o "$T/file.pcapng" "$c"
        expect_rc 0 "inject --scope capture $(basename "$c")"
        run_sh "cat '$c' | '$SECRETCAP' inject -k '$k' --scope capture -o '$T/pipe.pcapng' -"
        expect_rc 0 "cat $(basename "$c") | inject --scope capture -"
        expect_same "$T/file.pcapng" "$T/pipe.pcapng" \
            "inject --scope capture of $(basename "$c"): stdin output differs from file output"
        CHECKS=$((CHECKS + 1))
        if ! "$CORPUS/oracle.sh" "$T/pipe.pcapng" "$c.expect" >"$T/oracle" 2>&1; then
            fail "oracle.sh on the stdin output of $(basename "$c"):"
            sed 's/^/    /' "$T/oracle"
        fi
    done
else
    c=$FIXTURES/traffic/tls-3conn.pcap
    k=$FIXTURES/traffic/tls-3conn.keys
    run "$SECRETCAP" inject -k "$k" --scope capture -o "$T/file.pcapng" "$c"
    expect_rc 0 "inject --scope capture tls-3conn.pcap"
    run_sh "cat '$c' | '$SECRETCAP' inject -k '$k' --scope capture -o '$T/pipe.pcapng' -"
    expect_rc 0 "cat tls-3conn.pcap | inject --scope capture -"
    expect_same "$T/file.pcapng" "$T/pipe.pcapng" "stdin output differs from file output"
fi
finish
