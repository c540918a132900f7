# lib.sh - helpers for the CLI tests (sourced by every tests/cli/*.sh).
#
# Environment (set by CTest, see CMakeLists.txt):
#   SECRETCAP  the binary under test          (required)
#   FIXTURES   tests/fixtures                 (default: next to this file)
#   CORPUS     the shared capture corpus      (optional; corpus tests skip)
#
# A test script does:
#   . "$(dirname "$0")/lib.sh"
#   run "$SECRETCAP" inject -k "$FIXTURES/keys-valid.keys" -o "$T/out" IN
#   expect_rc 0; expect_stderr_empty; expect_compare IN "$T/out"
#   ...
#   finish
# run() captures stdout in $T/stdout, stderr in $T/stderr and the status in
# $RC. Every expect_* records a failure (and prints what was seen) without
# stopping, so one run reports every broken expectation; finish() exits 1 if
# any failed. Exit 77 means "skipped" (CTest SKIP_RETURN_CODE), always with a
# visible "SKIP: reason" line.
#
# Run directly (bash tests/cli/lib.sh), this file tests its own helpers: that
# each expect_* passes on a true condition and FAILS on a false one, so that
# no test built on them can pass vacuously.

set -u

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOOLS=$(cd "$LIB_DIR/../tools" && pwd)
: "${FIXTURES:=$(cd "$LIB_DIR/../fixtures" && pwd)}"
: "${CORPUS:=}"
TEST_NAME=$(basename "$0" .sh)
FAILS=0
CHECKS=0
RC=
T=$(mktemp -d "${TMPDIR:-/tmp}/sc-$TEST_NAME.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# ------------------------------------------------------------- reporting

fail() {
    FAILS=$((FAILS + 1))
    echo "FAIL: $TEST_NAME: $*"
}

# Shows the last command's output after a failure.
show_last() {
    echo "  command: ${LAST_CMD:-?}"
    echo "  exit status: ${RC:-?}"
    if [ -s "$T/stderr" ]; then
        echo "  stderr:"; sed -n '1,20s/^/    | /p' "$T/stderr"
    else
        echo "  stderr: (empty)"
    fi
}

check() {  # check DESCRIPTION COMMAND... : passes when COMMAND succeeds
    local what=$1; shift
    CHECKS=$((CHECKS + 1))
    if ! "$@"; then
        fail "$what"
        return 1
    fi
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$TEST_NAME: $FAILS of $CHECKS checks FAILED"
        exit 1
    fi
    echo "$TEST_NAME: all $CHECKS checks passed"
    exit 0
}

skip() {
    echo "SKIP: $TEST_NAME: $*"
    exit 77
}

need_python() {
    command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
}

have_tshark() {
    command -v tshark >/dev/null 2>&1
}

# randoms_tshark C OUT: tshark's sorted unique TLS and DTLS ClientHello
# randoms of capture C (QUIC ones too: tshark decrypts Initials), the
# oracle of issue 9. Out-of-order TCP segments are reassembled (off by
# default in tshark 4.0). No user profile: HOME is an empty directory.
randoms_tshark() {
    mkdir -p "$T/home"
    HOME=$T/home XDG_CONFIG_HOME=$T/home tshark -r "$1" \
        -o tcp.reassemble_out_of_order:TRUE \
        -Y 'tls.handshake.type == 1 || dtls.handshake.type == 1' \
        -T fields -e tls.handshake.random -e dtls.handshake.random \
        2>"$T/tshark.err" >"$T/tshark.out" || return 1
    tr ',\t ' '\n\n\n' <"$T/tshark.out" | tr -d ':' | tr 'A-F' 'a-f' |
        sed '/^$/d' | sort -u >"$2"
}

need_tshark() {
    have_tshark || skip "tshark not installed"
}

need_corpus() {
    [ -n "$CORPUS" ] && [ -f "$CORPUS/MANIFEST.md" ] \
        || skip "corpus not found (CORPUS='$CORPUS')"
}

need_binary() {
    if [ -z "${SECRETCAP:-}" ] || [ ! -x "$SECRETCAP" ]; then
        echo "FAIL: $TEST_NAME: \$SECRETCAP is not an executable: '${SECRETCAP:-}'"
        exit 1
    fi
}

# ------------------------------------------------------------------ running

# run CMD... : runs CMD with stdin from /dev/null (unless RUN_STDIN is set),
# stdout to $T/stdout, stderr to $T/stderr; sets RC.
run() {
    LAST_CMD="$*"
    "$@" <"${RUN_STDIN:-/dev/null}" >"$T/stdout" 2>"$T/stderr"
    RC=$?
    return 0
}

# run_sh 'SHELL PIPELINE' : same for a pipeline (bash -c, pipefail off);
# RC is the status of the whole string (use PIPESTATUS inside if needed).
run_sh() {
    LAST_CMD="$1"
    bash -c "$1" </dev/null >"$T/stdout" 2>"$T/stderr"
    RC=$?
    return 0
}

# --------------------------------------------------------------- expect_*

expect_rc() {  # expect_rc N [what]
    CHECKS=$((CHECKS + 1))
    if [ "$RC" != "$1" ]; then
        fail "${2:-exit status}: expected $1, got $RC"
        show_last
        return 1
    fi
}

expect_stderr_empty() {
    CHECKS=$((CHECKS + 1))
    if [ -s "$T/stderr" ]; then
        fail "${1:-stderr should be empty}"
        show_last
        return 1
    fi
}

expect_stdout_empty() {
    CHECKS=$((CHECKS + 1))
    if [ -s "$T/stdout" ]; then
        fail "${1:-stdout should be empty} ($(wc -c <"$T/stdout") bytes)"
        show_last
        return 1
    fi
}

# expect_stderr_eq TEXT : stderr is exactly TEXT plus a final newline.
expect_stderr_eq() {
    CHECKS=$((CHECKS + 1))
    if [ "$(cat "$T/stderr"; echo x)" != "$1"$'\n'x ]; then
        fail "stderr differs from the expected text:"
        printf '%s\n' "$1" | sed 's/^/    want| /'
        show_last
        return 1
    fi
}

# expect_stderr_match ERE [what] : some line of stderr matches ERE.
expect_stderr_match() {
    CHECKS=$((CHECKS + 1))
    if ! grep -Eq -- "$1" "$T/stderr"; then
        fail "${2:-stderr} should match /$1/"
        show_last
        return 1
    fi
}

# expect_stderr_lines ERE... : stderr has exactly one line per ERE, line i
# matching (the whole line) ERE i.
expect_stderr_lines() {
    local n=0 line re
    CHECKS=$((CHECKS + 1))
    local -a want=("$@")
    local ok=1
    [ "$(wc -l <"$T/stderr")" -eq "${#want[@]}" ] || ok=0
    if [ $ok = 1 ]; then
        while IFS= read -r line; do
            re=${want[$n]}
            if ! printf '%s\n' "$line" | grep -Eqx -- "$re"; then
                ok=0
                break
            fi
            n=$((n + 1))
        done <"$T/stderr"
    fi
    if [ $ok = 0 ]; then
        fail "stderr should be ${#want[@]} line(s) matching:"
        printf '%s\n' "${want[@]}" | sed 's/^/    want| /'
        show_last
        return 1
    fi
}

# The reader-compatibility warnings of compat.h (a reader "refuses it"
# or "refuse it", or will not write it): true of a fixture such as one of
# two byte orders, and checked by reader_compat.sh.
COMPAT_WARNING='^secretcap: warning: .*(refuses? it|refuses? to write it|fail to write it)'

# expect_stderr_compat_only [what]: stderr is empty but for such warnings.
expect_stderr_compat_only() {
    CHECKS=$((CHECKS + 1))
    if grep -Evq -- "$COMPAT_WARNING" "$T/stderr"; then
        fail "${1:-stderr should hold no more than reader-compatibility warnings}"
        show_last
        return 1
    fi
}

expect_stderr_not_match() {  # ERE [what]
    CHECKS=$((CHECKS + 1))
    if grep -Eq -- "$1" "$T/stderr"; then
        fail "${2:-stderr} must not match /$1/"
        show_last
        return 1
    fi
}

expect_absent() {  # FILE
    CHECKS=$((CHECKS + 1))
    if [ -e "$1" ] || [ -L "$1" ]; then
        fail "$1 should not exist"
        show_last
        return 1
    fi
}

expect_exists() {  # FILE
    CHECKS=$((CHECKS + 1))
    if [ ! -s "$1" ]; then
        fail "$1 should exist and not be empty"
        show_last
        return 1
    fi
}

expect_same() {  # FILE1 FILE2 [what]
    CHECKS=$((CHECKS + 1))
    if ! cmp -s -- "$1" "$2"; then
        fail "${3:-files differ}: $1 vs $2 ($(cmp -- "$1" "$2" 2>&1 | head -1))"
        return 1
    fi
}

expect_differ() {  # FILE1 FILE2 [what]
    CHECKS=$((CHECKS + 1))
    if cmp -s -- "$1" "$2"; then
        fail "${3:-files should differ}: $1 vs $2"
        return 1
    fi
}

# expect_no_temps DIR : no ".NAME.XXXXXX" temp files left behind.
expect_no_temps() {
    local left
    CHECKS=$((CHECKS + 1))
    left=$(find "$1" -maxdepth 1 -name '.*.??????' 2>/dev/null)
    if [ -n "$left" ]; then
        fail "temp files left in $1: $left"
        return 1
    fi
}

# expect_compare IN OUT [compare options] : the independent block checker.
expect_compare() {
    local in=$1 out=$2; shift 2
    CHECKS=$((CHECKS + 1))
    if ! python3 "$TOOLS/pcapng_blocks.py" compare "$in" "$out" "$@" \
        >"$T/compare.log" 2>&1; then
        fail "block comparison of $(basename "$in") -> $out:"
        sed 's/^/    /' "$T/compare.log"
        return 1
    fi
}

# expect_tshark_reads FILE [N] : tshark reads FILE without error (and shows
# N records when N is given). Passes silently when tshark is not installed.
expect_tshark_reads() {
    have_tshark || return 0
    local n
    CHECKS=$((CHECKS + 1))
    if ! HOME="$T" XDG_CONFIG_HOME="$T" tshark -r "$1" >"$T/tshark.out" \
        2>"$T/tshark.err"; then
        fail "tshark cannot read $1:"
        grep -v 'Running as user' "$T/tshark.err" | sed 's/^/    /'
        return 1
    fi
    if grep -v 'Running as user' "$T/tshark.err" | grep -q .; then
        fail "tshark complains about $1:"
        grep -v 'Running as user' "$T/tshark.err" | sed 's/^/    /'
        return 1
    fi
    if [ $# -ge 2 ]; then
        n=$(wc -l <"$T/tshark.out")
        if [ "$n" -ne "$2" ]; then
            fail "tshark lists $n records in $1, expected $2"
            return 1
        fi
    fi
}

# extract FILE [TYPE] : the DSB payloads of FILE (TLS by default) on stdout.
extract() {
    if [ $# -ge 2 ]; then
        python3 "$TOOLS/pcapng_blocks.py" extract "$1" --type "$2"
    else
        python3 "$TOOLS/pcapng_blocks.py" extract "$1"
    fi
}

# The two lines of every usage error.
TRY_HELP="Try 'secretcap --help' for more information."

# ------------------------------------------------------ self-test of lib.sh

lib_selftest() {
    local before
    echo hello >"$T/a"; echo hello >"$T/b"; echo other >"$T/c"
    # Each pair: a call that must pass, then one that must fail.
    selftest_case() {  # selftest_case want(0|1) CMD...
        local want=$1; shift
        before=$FAILS
        "$@" >/dev/null 2>&1
        local failed=$((FAILS - before))
        FAILS=$before
        if [ "$want" = 1 ] && [ "$failed" = 0 ]; then
            echo "FAIL: lib self-test: '$*' should have failed"
            SELF_FAILS=$((SELF_FAILS + 1))
        elif [ "$want" = 0 ] && [ "$failed" != 0 ]; then
            echo "FAIL: lib self-test: '$*' should have passed"
            SELF_FAILS=$((SELF_FAILS + 1))
        fi
    }
    SELF_FAILS=0
    run bash -c 'echo out; echo "err line" >&2; exit 3'
    selftest_case 0 expect_rc 3
    selftest_case 1 expect_rc 0
    selftest_case 0 expect_stderr_eq "err line"
    selftest_case 1 expect_stderr_eq "err"
    selftest_case 1 expect_stderr_eq "err line"$'\n'"more"
    selftest_case 0 expect_stderr_match '^err l'
    selftest_case 1 expect_stderr_match '^line'
    selftest_case 0 expect_stderr_lines 'err .*'
    selftest_case 1 expect_stderr_lines 'err'
    selftest_case 1 expect_stderr_lines 'err .*' 'x'
    selftest_case 1 expect_stderr_empty
    selftest_case 1 expect_stdout_empty
    selftest_case 0 expect_stderr_not_match 'nothing'
    selftest_case 1 expect_stderr_not_match 'err'
    selftest_case 1 expect_stderr_compat_only
    run bash -c 'echo "secretcap: warning: x: block #2 at offset 28: y: tcpdump refuses it (z)" >&2'
    selftest_case 0 expect_stderr_compat_only
    run true
    selftest_case 0 expect_stderr_compat_only
    selftest_case 0 expect_stderr_empty
    selftest_case 0 expect_stdout_empty
    selftest_case 1 expect_stderr_lines 'x'
    selftest_case 0 expect_same "$T/a" "$T/b"
    selftest_case 1 expect_same "$T/a" "$T/c"
    selftest_case 0 expect_differ "$T/a" "$T/c"
    selftest_case 1 expect_differ "$T/a" "$T/b"
    selftest_case 0 expect_absent "$T/nonexistent"
    selftest_case 1 expect_absent "$T/a"
    ln -s "$T/nonexistent" "$T/dangling"
    selftest_case 1 expect_absent "$T/dangling"
    selftest_case 0 expect_exists "$T/a"
    selftest_case 1 expect_exists "$T/nonexistent"
    mkdir "$T/d"
    selftest_case 0 expect_no_temps "$T/d"
    : >"$T/d/.out.pcapng.Ab12Cd"
    selftest_case 1 expect_no_temps "$T/d"
    if command -v python3 >/dev/null 2>&1; then
        # The checker must reject an unchanged copy (no DSB added) and a
        # copy with one byte changed.
        cp "$FIXTURES/pcapng-le.pcapng" "$T/copy.pcapng"
        selftest_case 1 expect_compare "$FIXTURES/pcapng-le.pcapng" \
            "$T/copy.pcapng"
        selftest_case 1 expect_compare "$FIXTURES/pcap-usec-le.pcap" \
            "$T/copy.pcapng"
    fi
    if [ "$SELF_FAILS" -ne 0 ]; then
        echo "lib.sh self-test: $SELF_FAILS FAILED"
        exit 1
    fi
    echo "lib.sh self-test: all helpers pass and fail as they should"
    exit 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    lib_selftest
fi
