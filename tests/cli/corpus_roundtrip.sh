# corpus_roundtrip.sh - every capture C with a C.expect in the shared corpus:
# `secretcap inject -k K -o OUT C` (K = the one *.keys in C's directory)
# exits 0; `$CORPUS/oracle.sh OUT C.expect` (tshark, no key-log option: only
# the embedded DSBs can decrypt) exits 0; the independent block checker
# accepts OUT. One line per capture, then "N passed, N failed". Runs two
# captures at a time (xargs -P2); each job prints its one line at its end.
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --one ]; then
    # Worker: one capture. Prints "ok   C" or "FAIL C: reason".
    c=$2
    rel=${c#"$CORPUS"/}
    dir=$(dirname "$c")
    set -- "$dir"/*.keys
    if [ $# -ne 1 ] || [ ! -f "$1" ]; then
        echo "FAIL $rel: expected exactly one *.keys in $dir, found $#"; exit 1
    fi
    k=$1
    out=$T/out.pcapng
    "$SECRETCAP" inject -k "$k" -o "$out" "$c" >"$T/so" 2>"$T/se"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $rel: inject exited $rc: $(head -c 300 "$T/se" | tr '\n' ' ')"; exit 1
    fi
    # Reader-compatibility warnings are true of some corpus files (two
    # link types, no IDB...); reader_compat.sh checks them.
    if grep -Evq -- "$COMPAT_WARNING" "$T/se" || [ -s "$T/so" ]; then
        echo "FAIL $rel: inject not silent: $(head -c 300 "$T/se" | tr '\n' ' ')"; exit 1
    fi
    "$CORPUS/oracle.sh" "$out" "$c.expect" >"$T/oracle" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $rel: oracle exited $rc: $(grep -v 'Running as' "$T/oracle" | head -c 400 | tr '\n' ' ')"; exit 1
    fi
    if ! python3 "$TOOLS/pcapng_blocks.py" compare "$c" "$out" >"$T/cmp" 2>&1; then
        echo "FAIL $rel: block check: $(head -c 400 "$T/cmp" | tr '\n' ' ')"; exit 1
    fi
    echo "ok   $rel"
    exit 0
fi

need_binary
need_corpus
need_tshark
need_python
[ -x "$CORPUS/oracle.sh" ] || skip "$CORPUS/oracle.sh is not executable"
export SECRETCAP CORPUS FIXTURES

find "$CORPUS" -name '*.expect' | sort | sed 's/\.expect$//' >"$T/list"
total=$(wc -l <"$T/list")
check "corpus has captures (found $total)" test "$total" -gt 0
echo "corpus_roundtrip: $total captures under $CORPUS"
# Each worker prints one line when done; lines do not interleave.
tr '\n' '\0' <"$T/list" | xargs -0 -P2 -n1 bash "$0" --one | tee "$T/results"
passed=$(grep -c '^ok ' "$T/results")
failed=$((total - passed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || FAILS=$((FAILS + failed))
finish
