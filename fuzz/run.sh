#!/bin/sh
# fuzz/run.sh SECONDS [TARGET...] - build the libFuzzer targets with clang
# (-DFUZZ=ON: ASan + UBSan, library instrumented) and fuzz each TARGET
# (default: all five) for SECONDS, one after the other, at low priority.
# Exits 1 at the first finding (crash, oracle violation, leak, timeout,
# out-of-memory), after printing the log tail and the reproducer's path.
#
# Environment:
#   FUZZ_BUILD  build directory (default: <repo>/build-fuzz)
#   FUZZ_WORK   scratch directory: per target corpus/ (inputs found, kept
#               between runs), artifacts/ (reproducers) and log.txt
#               (default: a new temporary directory)
#   FUZZ_NICE   nice level (default 19)
#   FUZZ_ARGS   extra libFuzzer flags (e.g. "-jobs=2 -workers=2")
#   CC          the compiler (default clang)
# See docs/fuzzing.md.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=${*:-pcap pcapng keylog inject traffic}
build=${FUZZ_BUILD:-$top/build-fuzz}
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/secretcap-fuzz.XXXXXX")}
nice=${FUZZ_NICE:-19}

echo "fuzz: building in $build" >&2
CC=${CC:-clang} cmake -S "$top" -B "$build" -DFUZZ=ON >/dev/null
for t in $targets; do
    nice -n "$nice" cmake --build "$build" -j2 --target "fuzz_$t" >/dev/null
done

for t in $targets; do
    mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
    set -- "$work/$t/corpus"
    for d in "$here/corpus/$t" "$here/crashes/$t" "$top/tests/fixtures" \
        "$top/tests/fixtures/sample"; do
        [ -d "$d" ] && set -- "$@" "$d"
    done
    echo "fuzz: $t for ${secs}s (log: $work/$t/log.txt)" >&2
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    if ! UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        nice -n "$nice" "$build/fuzz/fuzz_$t" \
        -max_len=65536 -timeout=10 -rss_limit_mb=512 \
        -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="$work/$t/artifacts/" ${FUZZ_ARGS:-} \
        "$@" >"$work/$t/log.txt" 2>&1; then
        echo "fuzz: FINDING in $t; log tail:" >&2
        tail -n 60 "$work/$t/log.txt" >&2
        echo "fuzz: reproducer(s):" >&2
        ls -l "$work/$t/artifacts/" >&2
        echo "fuzz: replay with: $build/fuzz/fuzz_$t <file>" >&2
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log.txt")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t/log.txt")
    echo "fuzz: $t: no finding in ${secs}s, $runs runs ($rate/s)" >&2
done
