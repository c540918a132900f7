#!/usr/bin/env bash
# bench.sh - secretcap's benchmark: one command, one table (docs/performance.md).
#
#   bench/bench.sh [--size 1G] [--runs 5] [--cases LIST] [--json FILE]
#                  [--dir DIR] [--keep] [--flows-size 512M] [--flows 20000]
#   bench/bench.sh --report [--dir DIR] [--json FILE]   (table of the last run)
#
# Builds secretcap twice (Release; with ISA-L if found, and zlib only) and
# bench/gencap.c into DIR/build*, generates deterministic inputs of about
# SIZE bytes with gencap (classic pcap µs/ns and pcapng; 64-byte, 1500-byte
# and mixed packets; gzip'd versions), then for each case runs every
# command once as a warm-up and RUNS times alternating, each into its own
# output file that is removed (and `sync`ed away) before the next run.
# Prints one table: median wall time, fastest and slowest run, throughput,
# ratio to the case's yardstick, peak RSS (/usr/bin/time -f %M, the
# "Maximum resident set size" of time -v, largest of the runs).
#
# Yardsticks: `cp --reflink=never` for a pcapng inject to a file or to
# stdout (a new output is not fsync'ed: issue 11; --sync against `dd
# conv=fsync`), `dd bs=1M` of the output's size for pcap input, the bare streaming inflate
# of the same library (gencap inflate) for gzip input, `gzip -1 -c` of the
# finished pcapng for gzip output. A `dd bs=1M` row (a read()/write()
# loop, no sync) shows the user-space floor against cp/cat, which copy
# inside the kernel. editcap --inject-secrets is run when
# installed; its row shows how many times slower it is than secretcap
# writing to stdout (editcap does not fsync either).
#
# Cases (default all): ng1500 ng64 ngmix pcap1500 pcap64 pcapnsmix cow gzin
# gzout zstdin lz4in zstdout lz4out rss sessions sessrss. "rss" measures
# peak RSS on a 2 GiB pcapng from a file and from a pipe, to gzip and zstd,
# from zstd, and with a 130 MB key log.
#
# zstd and lz4 (issue 10). "zstdin" and "lz4in" run on pcap64 and ngmix
# compressed with `zstd -3` / `lz4 -1` (cached in the input folder; case
# names zstdin-p64, zstdin-mix, lz4in-p64, lz4in-mix): secretcap writing a
# file and to stdout against `zstd -dc F > out` / `lz4 -dc F > out` (target:
# at most 1.15 x), the same decompression followed by `sync FILE` (an
# fsync, as secretcap does before its rename), and editcap on the
# compressed file. "zstdout" compresses ngmix at level 3 with the default
# threads (one per CPU) and with -T 1 against `zstd -3 -T0` and `-T1` of
# the finished pcapng (target: at most 1.15 x -T0, and -T1 / secretcap at
# least 1.5, printed after the table); "lz4out" at level 1 against
# `lz4 -1` (at most 1.15 x). These need the zstd and lz4 CLIs.
#
# "sessions" (issue 9) times the session pass on a capture of many TLS and
# QUIC flows made by bench/genflows.c (--flows-size bytes, default 512M,
# --flows flows, default 20000, 30% QUIC, 20% IPv6, 1000 open at once)
# with a key log of those sessions and as many unrelated ones:
# `secretcap sessions` (with and without -k) to /dev/null against a plain
# `inject --scope all` to stdout, and `inject --scope capture`; the line
# after the table gives sessions / inject (target: at most 0.5).
# "sessrss" runs `sessions` and `inject --scope capture` once on twice the
# size with five times the flows (1 GiB, 100,000 flows) for peak RSS. Both
# print "skipped: no sessions command" when secretcap has none, and leave
# out the --scope capture rows when inject has no --scope.
#
# DIR defaults to bench/out (git-ignored); the inputs are deleted at the end
# unless --keep. Keep SIZE between 768M and 1G on ext4 so that two outputs
# stay under the writeback threshold.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE=1G
RUNS=5
CASES="ng1500 ng64 ngmix pcap1500 pcap64 pcapnsmix cow gzin gzout zstdin lz4in zstdout lz4out rss sessions sessrss"
JSON=
DIR=$ROOT/bench/out
KEEP=0
REPORT_ONLY=0
FLOWS_SIZE=512M
FLOWS=20000

while [ $# -gt 0 ]; do
    case $1 in
    --size) SIZE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --cases) CASES=$2; shift 2 ;;
    --json) JSON=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --flows-size) FLOWS_SIZE=$2; shift 2 ;;
    --flows) FLOWS=$2; shift 2 ;;
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
    { c[NR]=$1; n[NR]=$2; t[NR]=$3; b[NR]=$4; y[NR]=$5; m[NR]=$6; lo[NR]=$7; hi[NR]=$8; key[$1 "/" $2]=NR }
    END {
        if (!json) {
            printf "%-10s %-18s %9s %-13s %9s %-26s %8s\n", "case", "command", "median s", "min-max s", "MiB/s", "ratio", "RSS MiB"
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
                printf "%-10s %-18s %9.3f %-13s %9.0f %-26s %8.1f\n", c[i], n[i], t[i], lo[i] == "" ? "" : sprintf("%.3f-%.3f", lo[i], hi[i]), mibs, r, m[i] / 1024
            else
                printf "  {\"case\": \"%s\", \"command\": \"%s\", \"median_s\": %s, \"min_s\": %s, \"max_s\": %s, \"input_bytes\": %s, \"mib_per_s\": %.1f, \"yardstick\": \"%s\", \"ratio\": %s, \"peak_rss_kib\": %s}%s\n", c[i], n[i], t[i], lo[i] == "" ? "null" : lo[i], hi[i] == "" ? "null" : hi[i], b[i], mibs, y[i], rv == "" ? "null" : sprintf("%.3f", rv), m[i], i < NR ? "," : ""
        }
        if (json) printf "]\n"
        # Issue 9: the session pass costs at most half a plain inject.
        i = key["sessions/sessions"]; j = key["sessions/inject-all"]
        if (!json && i && j && t[j] > 0)
            printf "\nsession pass: sessions / inject --scope all = %.2f (issue 9: at most 0.50)\n", t[i] / t[j]
        # Issue 10: zstd output with workers at least 1.5 x faster than one thread.
        i = key["zstdout/zstd-3-T1"]; j = key["zstdout/secretcap-zstd3"]
        if (!json && i && j && t[j] > 0)
            printf "\nzstd workers: zstd-3-T1 / secretcap-zstd3 = %.2f (issue 10: at least 1.5 when both cores are idle)\n", t[i] / t[j]
        i = key["rss/rss-2g-zstdout"]
        if (!json && i)
            printf "zstd output peak RSS: %.1f MiB (issue 10: at most 64 MiB)\n", m[i] / 1024
    }' "$DIR/results.tsv"
    [ -z "$1" ] && [ -s "$DIR/cow.txt" ] && { echo; cat "$DIR/cow.txt"; }
    return 0
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

# The session cases' generator: the CMake target when there is one, else
# the compiler by hand (it needs only libcrypto).
GENFLOWS=$DIR/build/genflows
genflows() {  # genflows NAME SIZE FLOWS: NAME.pcapng and NAME.keys
    local f=$IN/$1 crypto
    if [ ! -x "$GENFLOWS" ]; then
        read -r -a crypto <<<"$(pkg-config --cflags --libs libcrypto)"
        cmake --build "$DIR/build" -j2 --target genflows >>"$DIR/build.log" 2>&1 \
            || ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -o "$GENFLOWS" "$ROOT/bench/genflows.c" \
                "${crypto[@]}" >>"$DIR/build.log" 2>&1 \
            || { log "bench.sh: cannot build bench/genflows.c"; tail -n 20 "$DIR/build.log" >&2; exit 1; }
    fi
    [ -s "$f.pcapng" ] && [ -s "$f.keys" ] && return
    log "generating $1 ($3 flows) ..."
    "$GENFLOWS" --size "$2" --flows "$3" --quic-share 30 --keylog "$f.keys" \
        --keylog-extra "$3" "$f.pcapng"
}
# SIZE with a K/M/G suffix in bytes.
bytes_of() {
    case $1 in
    *[Kk]) echo $(( ${1%?} << 10 )) ;;
    *[Mm]) echo $(( ${1%?} << 20 )) ;;
    *[Gg]) echo $(( ${1%?} << 30 )) ;;
    *) echo $(( $1 )) ;;
    esac
}
# compressed NAME zstd|lz4: prints the path of NAME compressed with
# `zstd -3` or `lz4 -1`, made once and kept with the other inputs.
compressed() {
    local f=$IN/$1 z
    case $2 in
    zstd) z=$f.zst; [ -s "$z" ] || { log "compressing $1 (zstd -3) ..."; zstd -q -3 -c "$f" >"$z.tmp" && mv "$z.tmp" "$z"; } ;;
    lz4) z=$f.lz4; [ -s "$z" ] || { log "compressing $1 (lz4 -1) ..."; lz4 -q -1 -c "$f" >"$z.tmp" && mv "$z.tmp" "$z"; } ;;
    esac
    echo "$z"
}
need_tool() {  # need_tool zstd|lz4: the CLI and secretcap support, else a note
    command -v "$1" >/dev/null || { log "$cas: skipped: no $1 command"; return 1; }
    "$SC" --version 2>/dev/null | grep -q "^$1: lib" || { log "$cas: skipped: secretcap built without $1"; return 1; }
}
have_sessions() { "$SC" sessions --help >/dev/null 2>&1; }
have_scope() { case $("$SC" inject --help 2>&1) in *--scope*) return 0 ;; *) return 1 ;; esac; }
K=$IN/keys.log

# ---------------------------------------------------------------- timing
# Results: one line per command in $DIR/results.tsv:
#   case  name  median_s  bytes  yardstick  rss_kib  min_s  max_s
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
        local med rss lo hi
        med=$(sort -g "$DIR/t.${names[$i]}" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
        lo=$(sort -g "$DIR/t.${names[$i]}" | head -n1)
        hi=$(sort -g "$DIR/t.${names[$i]}" | tail -n1)
        rss=$(sort -g "$DIR/m.${names[$i]}" | tail -n1)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cas" "${names[$i]}" "$med" "$bytes" "${yards[$i]}" "$rss" "$lo" "$hi" >>"$DIR/results.tsv"
    done
}

# The usual command set for an uncompressed input. A new output is not
# fsync'ed (issue 11), so cp is the yardstick of a pcapng inject to a file
# and to stdout; a pcap -> pcapng conversion is measured against `dd bs=1M`
# writing a file of the output's size (dd-out: the finished output copied
# through a 1 MiB read()/write() loop).
plain_case() {  # plain_case CASE INPUT
    local cas=$1 in=$2 done=$IN/$(basename "$2").done.pcapng
    local -a c
    [ -s "$done" ] || "$SC" inject -k "$K" -o "$done" "$in"
    case $in in
    *.pcapng)
        c=("secretcap-file|cp|'$SC' inject -k '$K' -o @OUT@ '$in'"
           "secretcap-stdout|cp|'$SC' inject -k '$K' -o - '$in' > @OUT@"
           "cp|-|cp --reflink=never '$in' @OUT@")
        ;;
    *)
        c=("secretcap-file|dd-out|'$SC' inject -k '$K' -o @OUT@ '$in'"
           "secretcap-stdout|dd-out|'$SC' inject -k '$K' -o - '$in' > @OUT@"
           "dd-out|-|dd if='$done' of=@OUT@ bs=1M status=none"
           "cat|-|cat '$in' > @OUT@")
        ;;
    esac
    c+=("secretcap-sync|dd-fsync|'$SC' inject --sync -k '$K' -o @OUT@ '$in'")
    # The user-space floor: a 1 MiB read()/write() loop, with and without
    # fsync.
    c+=("dd|-|dd if='$in' of=@OUT@ bs=1M status=none")
    c+=("dd-fsync|-|dd if='$in' of=@OUT@ bs=1M conv=fsync status=none")
    [ -n "$EDITCAP" ] && c+=("editcap|editcap|'$EDITCAP' --inject-secrets tls,'$K' '$in' @OUT@")
    run_case "$cas" "$in" "${c[@]}"
}

# Issue 11 on a copy-on-write file system: a loop-mounted XFS image (root,
# mkfs.xfs) holding a 768 MiB pcapng of 1500-byte packets. Rows: inject to
# a new file, --in-place (timed alone, on a fresh reflinked copy read once
# so that its pages are cached like the input's; no RSS column),
# `cp --reflink=never` (a full copy: the yardstick),
# `cp --reflink=always`, a read-only pass (cat to /dev/null), editcap. After
# the table: the output's blocks not shared with the input's (FIEMAP, via
# filefrag) and the drop in free space (df) for one inject.
cow_case() {
    local mnt=$DIR/xfs img=$DIR/xfs.img f before after out
    [ "$(id -u)" = 0 ] || { log "cow: skipped: needs root for a loop mount"; return; }
    command -v mkfs.xfs >/dev/null 2>&1 || { log "cow: skipped: no mkfs.xfs (apt-get install xfsprogs)"; return; }
    [ -s "$IN/ng1500-768m.pcapng" ] || "$GEN" pcapng 768M 1500 >"$IN/ng1500-768m.pcapng"
    mkdir -p "$mnt"
    mountpoint -q "$mnt" || {
        truncate -s 4G "$img" && mkfs.xfs -q -f -m reflink=1 "$img" && mount -o loop "$img" "$mnt"
    } || { log "cow: skipped: cannot mount an XFS loop image"; return; }
    f=$mnt/in.pcapng
    cp "$IN/ng1500-768m.pcapng" "$f"
    sync
    OUT_SAVED=$OUT; OUT=$mnt/run; mkdir -p "$OUT"
    run_case cow "$f" \
        "secretcap-file|cp|'$SC' inject -k '$K' -o @OUT@ '$f'" \
        "cp|-|cp --reflink=never '$f' @OUT@" \
        "cp-reflink|cp|cp --reflink=always '$f' @OUT@" \
        "read-pass|cp|cat '$f' > /dev/null" \
        ${EDITCAP:+"editcap|editcap|'$EDITCAP' --inject-secrets tls,'$K' '$f' @OUT@"}
    # --in-place, timed alone: each run on a fresh reflinked copy that is
    # read once first, so that its pages are cached as the input's are (a
    # reflinked file has no page cache of its own).
    local r t0 t1 ip=$OUT/inplace.pcapng
    : >"$DIR/t.inplace"
    for r in $(seq 0 "$RUNS"); do
        rm -f "$ip"; cp --reflink=always "$f" "$ip"; cat "$ip" >/dev/null; sync
        t0=$(now); "$SC" inject -k "$K" --in-place "$ip" 2>/dev/null; t1=$(now)
        [ "$r" -gt 0 ] && echo "$t0 $t1" | awk '{printf "%.4f\n", $2 - $1}' >>"$DIR/t.inplace"
    done
    rm -f "$ip"
    sort -g "$DIR/t.inplace" | awk -v b="$(stat -c %s "$f")" '{a[NR]=$1} END {
        printf "cow\tsecretcap-inplace\t%s\t%s\tcp\t0\t%s\t%s\n", (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2, b, a[1], a[NR] }' >>"$DIR/results.tsv"
    out=$OUT/fiemap.pcapng
    before=$(sync; df -k --output=avail "$mnt" | tail -n1)
    "$SC" inject -k "$K" -o "$out" "$f"
    after=$(sync; df -k --output=avail "$mnt" | tail -n1)
    filefrag -v "$out" | awk -F: -v sz="$(stat -c %s "$out")" -v drop=$((before - after)) '
        /^ *[0-9]+:/ { split($4, l, " "); all += l[1]; if ($0 !~ /shared/) n += l[1] }
        END { printf "cow: output blocks not shared with the input: %d of %d (4 KiB); free space dropped by %d KiB (issue 11: all but the first and last blocks shared, less than 1 MiB)\n", n, all, drop }' \
        >"$DIR/cow.txt"
    rm -rf "$OUT"
    OUT=$OUT_SAVED
    umount "$mnt" && rm -f "$img"
}

for cas in $CASES; do
    case $cas in
    ng1500) gen ng1500.pcapng pcapng 1500; plain_case ng1500 "$IN/ng1500.pcapng" ;;
    ng64) gen ng64.pcapng pcapng 64; plain_case ng64 "$IN/ng64.pcapng" ;;
    ngmix) gen ngmix.pcapng pcapng mixed; plain_case ngmix "$IN/ngmix.pcapng" ;;
    pcap1500) gen pcap1500.pcap pcap 1500; plain_case pcap1500 "$IN/pcap1500.pcap" ;;
    pcap64) gen pcap64.pcap pcap 64; plain_case pcap64 "$IN/pcap64.pcap" ;;
    pcapnsmix) gen pcapnsmix.pcap pcap-ns mixed; plain_case pcapnsmix "$IN/pcapnsmix.pcap" ;;
    cow) cow_case ;;
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
    zstdin | lz4in)
        need_tool "${cas%in}" || continue
        gen pcap64.pcap pcap 64
        gen ngmix.pcapng pcapng mixed
        for src in pcap64.pcap:p64 ngmix.pcapng:mix; do
            f=$(compressed "${src%%:*}" "${cas%in}")
            tool=${cas%in}
            c=("secretcap|$tool-dc|'$SC' inject -k '$K' -o @OUT@ '$f'"
               "secretcap-stdout|$tool-dc|'$SC' inject -k '$K' -o - '$f' > @OUT@"
               "$tool-dc|-|$tool -dc '$f' > @OUT@"
               "$tool-dc-fsync|-|$tool -dc '$f' > @OUT@ && sync @OUT@")
            [ -n "$EDITCAP" ] && c+=("editcap|editcap|'$EDITCAP' --inject-secrets tls,'$K' '$f' @OUT@")
            run_case "$cas-${src#*:}" "$f" "${c[@]}"
        done
        ;;
    zstdout)
        need_tool zstd || continue
        gen ngmix.pcapng pcapng mixed
        f=$IN/ngmix.pcapng
        [ -s "$IN/ngmix-done.pcapng" ] || "$SC" inject -k "$K" -o "$IN/ngmix-done.pcapng" "$f"
        d=$IN/ngmix-done.pcapng
        run_case zstdout "$f" \
            "secretcap-zstd3|zstd-3-T0|'$SC' inject --compress zstd --level 3 -k '$K' -o - '$f' > @OUT@" \
            "secretcap-zstd3-T1|zstd-3-T1|'$SC' inject --compress zstd --level 3 -T 1 -k '$K' -o - '$f' > @OUT@" \
            "zstd-3-T0|-|zstd -q -3 -T0 -c '$d' > @OUT@" \
            "zstd-3-T1|-|zstd -q -3 -T1 -c '$d' > @OUT@"
        ;;
    lz4out)
        need_tool lz4 || continue
        gen ngmix.pcapng pcapng mixed
        f=$IN/ngmix.pcapng
        [ -s "$IN/ngmix-done.pcapng" ] || "$SC" inject -k "$K" -o "$IN/ngmix-done.pcapng" "$f"
        run_case lz4out "$f" \
            "secretcap-lz4-1|lz4-1|'$SC' inject --compress lz4 --level 1 -k '$K' -o - '$f' > @OUT@" \
            "lz4-1|-|lz4 -q -1 -c '$IN/ngmix-done.pcapng' > @OUT@"
        ;;
    rss)
        gen big2g.pcapng pcapng mixed 2G
        zrss=()
        if need_tool zstd; then
            z=$(compressed big2g.pcapng zstd)
            zrss=("rss-2g-zstdout|-|'$SC' inject --compress zstd -k '$K' -o - '$IN/big2g.pcapng' > /dev/null"
                  "rss-2g-zstdin|-|'$SC' inject -k '$K' -o - '$z' > /dev/null")
        fi
        [ -s "$IN/keys130m.log" ] || "$GEN" keylog 130M >"$IN/keys130m.log"
        gen small.pcapng pcapng mixed 1M
        RUNS_SAVED=$RUNS; RUNS=1
        run_case rss "$IN/big2g.pcapng" \
            "rss-2g-file|-|'$SC' inject -k '$K' -o - '$IN/big2g.pcapng' > /dev/null" \
            "rss-2g-pipe|-|cat '$IN/big2g.pcapng' | '$SC' inject -k '$K' -o - - > /dev/null" \
            "rss-2g-gzout|-|'$SC' inject --compress gzip --level 1 -k '$K' -o - '$IN/big2g.pcapng' > /dev/null" \
            "rss-keylog130m|-|'$SC' inject -k '$IN/keys130m.log' -o - '$IN/small.pcapng' > /dev/null" \
            "${zrss[@]}"
        RUNS=$RUNS_SAVED
        ;;
    sessions)
        have_sessions || { log "sessions: skipped: no sessions command"; continue; }
        n=flows-$FLOWS_SIZE-$FLOWS
        genflows "$n" "$(bytes_of "$FLOWS_SIZE")" "$FLOWS"
        f=$IN/$n.pcapng
        kf=$IN/$n.keys
        scope=
        have_scope && scope="--scope all"
        c=("sessions|inject-all|'$SC' sessions '$f' > /dev/null"
           "sessions-k|inject-all|'$SC' sessions -k '$kf' '$f' > /dev/null"
           "inject-all|-|'$SC' inject $scope -k '$kf' -o - '$f' > @OUT@")
        if [ -n "$scope" ]; then
            c+=("inject-capture|inject-all|'$SC' inject --scope capture -k '$kf' -o - '$f' > @OUT@")
        else
            log "sessions: inject-capture skipped: inject has no --scope"
        fi
        run_case sessions "$f" "${c[@]}"
        ;;
    sessrss)
        have_sessions || { log "sessrss: skipped: no sessions command"; continue; }
        fl=$(( FLOWS * 5 ))
        sz=$(( $(bytes_of "$FLOWS_SIZE") * 2 ))
        n=flows-$sz-$fl
        genflows "$n" "$sz" "$fl"
        f=$IN/$n.pcapng
        kf=$IN/$n.keys
        c=("sessions-rss|-|'$SC' sessions '$f' > /dev/null"
           "sessions-k-rss|-|'$SC' sessions -k '$kf' '$f' > /dev/null")
        have_scope && c+=("capture-rss|-|'$SC' inject --scope capture -k '$kf' -o - '$f' > /dev/null")
        RUNS_SAVED=$RUNS; RUNS=1
        run_case sessrss "$f" "${c[@]}"
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
    case " $CASES " in
    *" sessions "* | *" sessrss "*)
        echo "session cases: genflows $FLOWS_SIZE with $FLOWS flows (sessions), $(( $(bytes_of "$FLOWS_SIZE") * 2 >> 20 ))M with $(( FLOWS * 5 )) flows (sessrss)" ;;
    esac
} >"$DIR/header.txt"
cat "$DIR/header.txt"
report ""
[ -n "$JSON" ] && report 1 >"$JSON"

if [ $KEEP = 0 ]; then
    rm -rf "$IN" "$OUT"
fi
