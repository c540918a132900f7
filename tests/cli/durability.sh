#!/usr/bin/env bash
# durability.sh - issue 11's fsync policy, seen through strace: a new output
# is renamed into place without fsync; one that replaces a file (an
# existing output, --in-place) is fsync'ed, and its directory after the
# rename; --sync asks for it on a new output; batch --rm syncs a
# converted pcap's result before it removes the original. Every output is
# complete either way (atomic rename). Skips visibly without strace.
. "$(dirname "$0")/lib.sh"
need_binary
command -v strace >/dev/null 2>&1 || skip "strace not installed"

PCAP=$FIXTURES/sample/s01.pcap
KEYS=$FIXTURES/sample/s01.keys
IN=$T/s01.pcapng
"$SECRETCAP" inject -k "$KEYS" "$PCAP" -o "$IN" \
    || { echo "FAIL: $TEST_NAME: cannot make the pcapng input"; exit 1; }

# syncs ARGS...: runs secretcap under strace; n = its fsync calls.
syncs() {
    # LeakSanitizer cannot run under ptrace (a sanitizer build).
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
        strace -f -qq -o "$T/trace" -e trace=fsync,fdatasync,sync_file_range \
        "$SECRETCAP" "$@" >"$T/stdout" 2>"$T/stderr"
    RC=$?
    LAST_CMD="secretcap $*"
    n=$(grep -cE '(fsync|fdatasync)\(' "$T/trace")
}

syncs inject -k "$KEYS" "$IN" -o "$T/new.pcapng"
expect_rc 0 "new output"
check "new output: no fsync ($n)" test "$n" -eq 0
check "new output: complete" cmp -s <("$SECRETCAP" inject -k "$KEYS" "$IN" -o -) "$T/new.pcapng"

syncs inject -k "$KEYS" "$IN" -o "$T/new.pcapng"
expect_rc 0 "existing output"
check "existing output replaced: file and directory synced ($n)" test "$n" -eq 2

syncs inject --sync -k "$KEYS" "$IN" -o "$T/synced.pcapng"
expect_rc 0 "--sync"
check "--sync: file and directory synced ($n)" test "$n" -eq 2

syncs strip --sync "$T/new.pcapng" -o "$T/stripped.pcapng"
expect_rc 0 "strip --sync"
check "strip --sync: synced ($n)" test "$n" -eq 2

syncs inject -k "$KEYS" "$IN" -o -
expect_rc 0 "stdout"
check "stdout: no fsync ($n)" test "$n" -eq 0

mkdir -p "$T/b"
cp "$IN" "$T/b/a.pcapng"
syncs inject -k "$KEYS" --in-place "$T/b/a.pcapng"
expect_rc 0 "--in-place"
check "--in-place: synced ($n)" test "$n" -eq 2

cp "$PCAP" "$T/b/c.pcap"
syncs inject -k "$KEYS" --in-place --rm "$T/b/c.pcap"
expect_rc 0 "--in-place --rm"
check "--rm: the result synced before the original goes ($n)" test "$n" -ge 2
check "--rm: original removed" test ! -e "$T/b/c.pcap"
check "--rm: result there" test -s "$T/b/c.pcapng"

mkdir -p "$T/o"
cp "$PCAP" "$T/b/d.pcap"
syncs inject -k "$KEYS" -O "$T/o" "$T/b/d.pcap"
expect_rc 0 "batch -O"
check "batch -O, new outputs: no fsync ($n)" test "$n" -eq 0

finish
