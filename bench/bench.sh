#!/usr/bin/env bash
# bench.sh - secretcap's benchmark: one command, one table (docs/performance.md).
#
#   bench/bench.sh [--size 1G] [--runs 5] [--cases LIST] [--json FILE]
#                  [--dir DIR] [--keep]
#   bench/bench.sh --report [--dir DIR] [--json FILE]   (table of the last run)
#
# Builds secretcap twice (Release; with ISA-L if found, and zlib only) and
# bench/gencap.c into DIR/build*, generates deterministic inputs of about
# SIZE bytes with gencap (classic pcap µs/ns and pcapng; 64-byte, 1500-byte
# and mixed packets; gzip'd versions), then for each case runs every
# command once as a warm-up and RUNS times alternating, each into its own
# output file that is removed (and `sync`ed away) before the next run.
# Prints one table: median wall time, throughput, ratio to the case's
# yardstick, peak RSS (/usr/bin/time -f %M, largest of the runs).
#
# Yardsticks: `cp` for secretcap writing to stdout (neither syncs), `dd
# conv=fsync` for secretcap writing a file (secretcap fsyncs before its
# atomic rename), `cat F > out` for pcap input, the bare streaming inflate
# of the same library (gencap inflate) for gzip input, `gzip -1 -c` of the
# finished pcapng for gzip output. A `dd bs=1M` row (a read()/write()
# loop, no sync) shows the user-space floor against cp/cat, which copy
# inside the kernel. editcap --inject-secrets is run when
# installed; its row shows how many times slower it is than secretcap
# writing to stdout (editcap does not fsync either).
#
# Cases (default all): ng1500 ng64 ngmix pcap1500 pcap64 pcapnsmix gzin
# gzout rss. "rss" measures peak RSS on a 2 GiB pcapng from a file and from
# a pipe, and with a 130 MB key log.
#
# DIR defaults to bench/out (git-ignored); the inputs are deleted at the end
# unless --keep. Keep SIZE between 768M and 1G on ext4 so that two outputs
# stay under the writeback threshold.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE=1G
RUNS=5
CASES="ng1500 ng64 ngmix pcap1500 pcap64 pcapnsmix gzin gzout rss"
JSON=
DIR=$ROOT/bench/out
KEEP=0
REPORT_ONLY=0

while [ $# -gt 0 ]; do
    case $1 in
    --size) SIZE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --cases) CASES=$2; shift 2 ;;
    --json) JSON=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --report) REPORT_ONLY=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
IN=$DIR/in
OUT=$DIR/run
mkdir -p "$IN" "$OUT"
[ -x /usr/bin/time ] || { echo "bench.sh: needs /usr/bin/time (apt install time)" >&2; exit 2; }

log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- report
report() {
    awk -F'\t' -v json="$1" '
    { c[NR]=$1; n[NR]=$2; t[NR]=$3; b[NR]=$4; y[NR]=$5; m[NR]=$6; key[$1 "/" $2]=NR }
    END {
        if (!json) {
            printf "%-10s %-18s %9s %9s %-26s %8s\n", "case", "command", "median s", "MiB/s", "ratio", "RSS MiB"
        } else printf "[\n"
        for (i = 1; i <= NR; i++) {
            r = ""; rv = ""
            if (y[i] == "editcap") {
                # editcap does not fsync: compare with secretcap to stdout.
                j = key[c[i] "/secretcap-stdout"]; if (!j) j = key[c[i] "/secretcap-isal"]
                if (!j) j = key[c[i] "/secretcap-zlib"]
                if (j) { rv = t[i] / t[j]; r = sprintf("%.2fx slower than %s", rv, n[j]) }
            } else if (y[i] != "-") {
                j = key[c[i] "/" y[i]]
                if (j && t[j] > 0) { rv = t[i] / t[j]; r = sprintf("%.2f x %s", rv, y[i]) }
            }
            mibs = t[i] > 0 ? b[i] / 1048576 / t[i] : 0
            if (!json)
                printf "%-10s %-18s %9.3f %9.0f %-26s %8.1f\n", c[i], n[i], t[i], mibs, r, m[i] / 1024
            else
                printf "  {\"case\": \"%s\", \"command\": \"%s\", \"median_s\": %s, \"input_bytes\": %s, \"mib_per_s\": %.1f, \"yardstick\": \"%s\", \"ratio\": %s, \"peak_rss_kib\": %s}%s\n", c[i], n[i], t[i], b[i], mibs, y[i], rv == "" ? "null" : sprintf("%.3f", rv), m[i], i < NR ? "," : ""
        }
        if (json) printf "]\n"
    }' "$DIR/results.tsv"
}


if [ $REPORT_ONLY = 1 ]; then
    cat "$DIR/header.txt" 2>/dev/null || true
    report ""
    [ -n "$JSON" ] && report 1 >"$JSON"
    exit 0
fi

# ---------------------------------------------------------------- builds
build() {  # build DIR CMAKE-ARGS...
    local b=$1; shift
    cmake -S "$ROOT" -B "$b" -DCMAKE_BUILD_TYPE=Release -DSECRETCAP_TESTS=OFF \
        "$@" >"$b.log" 2>&1 || { cat "$b.log" >&2; exit 1; }
    cmake --build "$b" -j2 --target secretcap gencap >>"$b.log" 2>&1 \
        || { cat "$b.log" >&2; exit 1; }
}
log "building secretcap (Release) in $DIR/build and $DIR/build-zlib ..."
mkdir -p "$DIR/build" "$DIR/build-zlib"
build "$DIR/build"
build "$DIR/build-zlib" -DSECRETCAP_WITH_ISAL=OFF
SC=$DIR/build/secretcap
SCZ=$DIR/build-zlib/secretcap
GEN=$DIR/build/gencap
ISAL=0
grep -q 'gzip: ISA-L' "$DIR/build.log" && ISAL=1

EDITCAP=$(command -v editcap || true)

# ---------------------------------------------------------------- inputs
gen() {  # gen NAME FORMAT MODE [SIZE]
    local f=$IN/$1
    [ -s "$f" ] || { log "generating $1 ..."; "$GEN" "$2" "${4:-$SIZE}" "$3" >"$f"; }
}
[ -s "$IN/keys.log" ] || "$GEN" keylog 16K >"$IN/keys.log"
K=$IN/keys.log

# ---------------------------------------------------------------- timing
# Results: one line per command in $DIR/results.tsv:
#   case  name  median_s  bytes  ratio  vs  rss_kib
: >"$DIR/results.tsv"

now() { date +%s.%N; }

# run_case CASE INPUT "name|yardstick-name|command" ...
# A command writes to @OUT@ (its own file). yardstick-name "-" = none;
# "editcap" rows get the ratio editcap/secretcap-file.
run_case() {
    local cas=$1 input=$2; shift 2
    local -a names=() yards=() cmds=()
    local spec i r t0 t1 out bytes
    for spec in "$@"; do
        names+=("${spec%%|*}")
        spec=${spec#*|}
        yards+=("${spec%%|*}")
        cmds+=("${spec#*|}")
    done
    bytes=$(stat -c %s "$input")
    for i in "${!names[@]}"; do : >"$DIR/t.${names[$i]}"; : >"$DIR/m.${names[$i]}"; done
    for r in $(seq 0 "$RUNS"); do   # round 0 is the warm-up
        for i in "${!names[@]}"; do
            out=$OUT/${names[$i]}.out
            rm -f "$OUT"/*.out
            sync
            t0=$(now)
            if ! /usr/bin/time -f %M -o "$DIR/rss" \
                sh -c "${cmds[$i]//@OUT@/$out}" >/dev/null 2>"$DIR/err"; then
                log "FAILED: ${cmds[$i]//@OUT@/$out}"; cat "$DIR/err" >&2; exit 1
            fi
            t1=$(now)
            if [ "$r" -gt 0 ]; then
                echo "$t0 $t1" | awk '{printf "%.4f\n", $2 - $1}' >>"$DIR/t.${names[$i]}"
                tail -n1 "$DIR/rss" >>"$DIR/m.${names[$i]}"
            fi
        done
    done
    rm -f "$OUT"/*.out
    for i in "${!names[@]}"; do
        local med rss
        med=$(sort -g "$DIR/t.${names[$i]}" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
        rss=$(sort -g "$DIR/m.${names[$i]}" | tail -n1)
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$cas" "${names[$i]}" "$med" "$bytes" "${yards[$i]}" "$rss" >>"$DIR/results.tsv"
    done
}

# The usual command set for an uncompressed input.
plain_case() {  # plain_case CASE INPUT YARD-STDOUT YARD-FILE
    local cas=$1 in=$2
    local -a c=(
        "secretcap-stdout|$3|'$SC' inject -k '$K' -o - '$in' > @OUT@"
        "secretcap-file|$4|'$SC' inject -k '$K' -o @OUT@ '$in'"
    )
    if [ "$3" = cp ]; then
        c+=("cp|-|cp '$in' @OUT@")
    else
        c+=("cat|-|cat '$in' > @OUT@")
    fi
    # The user-space floor: a 1 MiB read()/write() loop, no sync.
    c+=("dd|$3|dd if='$in' of=@OUT@ bs=1M status=none")
    c+=("dd-fsync|-|dd if='$in' of=@OUT@ bs=1M conv=fsync status=none")
    [ -n "$EDITCAP" ] && c+=("editcap|editcap|'$EDITCAP' --inject-secrets tls,'$K' '$in' @OUT@")
    run_case "$cas" "$in" "${c[@]}"
}

for cas in $CASES; do
    case $cas in
    ng1500) gen ng1500.pcapng pcapng 1500; plain_case ng1500 "$IN/ng1500.pcapng" cp dd-fsync ;;
    ng64) gen ng64.pcapng pcapng 64; plain_case ng64 "$IN/ng64.pcapng" cp dd-fsync ;;
    ngmix) gen ngmix.pcapng pcapng mixed; plain_case ngmix "$IN/ngmix.pcapng" cp dd-fsync ;;
    pcap1500) gen pcap1500.pcap pcap 1500; plain_case pcap1500 "$IN/pcap1500.pcap" cat dd-fsync ;;
    pcap64) gen pcap64.pcap pcap 64; plain_case pcap64 "$IN/pcap64.pcap" cat dd-fsync ;;
    pcapnsmix) gen pcapnsmix.pcap pcap-ns mixed; plain_case pcapnsmix "$IN/pcapnsmix.pcap" cat dd-fsync ;;
    gzin)
        gen pcap64.pcap pcap 64
        [ -s "$IN/pcap64.pcap.gz" ] || { log "compressing pcap64.pcap (gzip -6) ..."; gzip -6 -c "$IN/pcap64.pcap" >"$IN/pcap64.pcap.gz"; }
        f=$IN/pcap64.pcap.gz
        c=("secretcap-zlib|inflate-zlib|'$SCZ' inject -k '$K' -o - '$f' > @OUT@"
           "inflate-zlib|-|'$GEN' inflate zlib < '$f' > @OUT@"
           "zcat|-|zcat '$f' > @OUT@")
        if [ $ISAL = 1 ]; then
            c=("secretcap-isal|inflate-isal|'$SC' inject -k '$K' -o - '$f' > @OUT@"
               "inflate-isal|-|'$GEN' inflate isal < '$f' > @OUT@" "${c[@]}")
        fi
        [ -n "$EDITCAP" ] && c+=("editcap|editcap|'$EDITCAP' --inject-secrets tls,'$K' '$f' @OUT@")
        run_case gzin "$f" "${c[@]}"
        ;;
    gzout)
        gen ngmix.pcapng pcapng mixed
        f=$IN/ngmix.pcapng
        [ -s "$IN/ngmix-done.pcapng" ] || "$SC" inject -k "$K" -o "$IN/ngmix-done.pcapng" "$f"
        c=("secretcap-zlib-1|gzip-1|'$SCZ' inject --compress gzip --level 1 -k '$K' -o - '$f' > @OUT@"
           "gzip-1|-|gzip -1 -c '$IN/ngmix-done.pcapng' > @OUT@")
        if [ $ISAL = 1 ]; then
            c=("secretcap-isal-1|gzip-1|'$SC' inject --compress gzip --level 1 -k '$K' -o - '$f' > @OUT@" "${c[@]}")
        fi
        run_case gzout "$f" "${c[@]}"
        ;;
    rss)
        gen big2g.pcapng pcapng mixed 2G
        [ -s "$IN/keys130m.log" ] || "$GEN" keylog 130M >"$IN/keys130m.log"
        gen small.pcapng pcapng mixed 1M
        RUNS_SAVED=$RUNS; RUNS=1
        run_case rss "$IN/big2g.pcapng" \
            "rss-2g-file|-|'$SC' inject -k '$K' -o - '$IN/big2g.pcapng' > /dev/null" \
            "rss-2g-pipe|-|cat '$IN/big2g.pcapng' | '$SC' inject -k '$K' -o - - > /dev/null" \
            "rss-2g-gzout|-|'$SC' inject --compress gzip --level 1 -k '$K' -o - '$IN/big2g.pcapng' > /dev/null" \
            "rss-keylog130m|-|'$SC' inject -k '$IN/keys130m.log' -o - '$IN/small.pcapng' > /dev/null"
        RUNS=$RUNS_SAVED
        ;;
    *) log "bench.sh: unknown case $cas"; exit 2 ;;
    esac
done

# ---------------------------------------------------------------- output
{
    echo "secretcap benchmark: size $SIZE, $RUNS runs (median), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n1), kernel $(uname -r), fs $(stat -f -c %T "$DIR"), load at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "gzip library: $([ $ISAL = 1 ] && echo 'ISA-L (secretcap-isal) and zlib (secretcap-zlib)' || echo 'zlib only')"
} >"$DIR/header.txt"
cat "$DIR/header.txt"
report ""
[ -n "$JSON" ] && report 1 >"$JSON"

if [ $KEEP = 0 ]; then
    rm -rf "$IN" "$OUT"
fi
