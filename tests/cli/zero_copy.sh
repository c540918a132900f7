#!/usr/bin/env bash
# zero_copy.sh - issue 11: pass-through bytes copied in the kernel, shared
# extents on copy-on-write file systems, the fallbacks, and an input that
# changes while inject reads it.
#
# Every output is compared byte for byte with the read(2)/write(2) path's
# (the same capture through a pipe: never mapped, never copied in the
# kernel). On a loop-mounted XFS image (and btrfs when mkfs.btrfs is
# there): the output's 4 KiB blocks are shared with the input's for all but
# the blocks that hold the inserted secrets (FIEMAP via filefrag), the free
# space drops by less than 1 MiB, --in-place likewise, and strace shows
# copy_file_range doing the work. Fallbacks: tmpfs to XFS and back (another
# file system), a pipe (splice), an O_APPEND stdout. Truncation: a capture
# cut under a running inject (a stopped process whose file shrinks: the
# mapped pages past the end), while its bytes wait in a full pipe (the copy
# comes up short), and one that grows: exit 1, one clear message, nothing
# left behind. Skips visibly without root, loop devices or mkfs.xfs.
. "$(dirname "$0")/lib.sh"
need_binary
need_python

# ------------------------------------------------------------- inputs
# gen.py pcapng OUT MIB | pcap OUT MIB | keys OUT: deterministic captures
# (1500-byte packets, an SHB whose length puts the first packet off any
# 4 KiB boundary) and a key log of 200 lines.
cat >"$T/gen.py" <<'EOF'
import struct, sys
kind, out = sys.argv[1], sys.argv[2]
def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
with open(out, "wb") as f:
    if kind == "keys":
        for i in range(200):
            f.write(b"CLIENT_RANDOM %064x %096x\n" % (i, i * 7))
        sys.exit(0)
    size = int(sys.argv[3]) << 20
    pkts = []
    for i in range(64):
        pkts.append(bytes((i * 31 + j) & 0xFF for j in range(1500)))
    if kind == "pcapng":
        appl = b"zero_copy test"
        opt = struct.pack("<HH", 4, len(appl)) + appl + b"\0" * (-len(appl) % 4)
        f.write(blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
                    + opt + b"\0\0\0\0"))
        f.write(blk(1, struct.pack("<HHI", 1, 0, 65535)))
        chunk = b"".join(blk(6, struct.pack("<IIIII", 0, 0, i, 1500, 1500) + p)
                         for i, p in enumerate(pkts))
    else:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        chunk = b"".join(struct.pack("<IIII", i, 0, 64, 64) + p[:64]
                         for i, p in enumerate(pkts))
    n = 0
    while n < size:
        f.write(chunk)
        n += len(chunk)
EOF
gen() { python3 "$T/gen.py" "$@"; }
gen keys "$T/keys.log"
gen pcapng "$T/in.pcapng" 48
# The reference: read(2) from a pipe, write(2) to a pipe.
cat "$T/in.pcapng" | "$SECRETCAP" inject -k "$T/keys.log" -o - - >"$T/ref.pcapng" \
    || { echo "FAIL: $TEST_NAME: reference inject failed"; exit 1; }
sha_in=$(sha256sum <"$T/in.pcapng")

# --------------------------------------------- helpers for file systems
MOUNTS=()
cleanup_mounts() {
    local m
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m"; done
    rm -rf "$T"
}
trap cleanup_mounts EXIT

# mount_img KIND DIR: a sparse 512 MiB image of KIND (xfs, btrfs) at DIR.
mount_img() {
    local kind=$1 dir=$2
    truncate -s 512M "$T/$kind.img" || return 1
    case $kind in
    xfs) mkfs.xfs -q -f -m reflink=1 "$T/$kind.img" >"$T/mkfs.log" 2>&1 ;;
    btrfs) mkfs.btrfs -q -f "$T/$kind.img" >"$T/mkfs.log" 2>&1 ;;
    esac || { cat "$T/mkfs.log"; return 1; }
    mkdir -p "$dir"
    mount -o loop "$T/$kind.img" "$dir" 2>"$T/mount.log" || { cat "$T/mount.log"; return 1; }
    MOUNTS+=("$dir")
}

free_kib() { sync; df -k --output=avail "$1" | tail -1 | tr -d ' '; }

# unshared_blocks FILE: 4 KiB blocks of FILE in extents not flagged shared.
unshared_blocks() {
    filefrag -v "$1" | awk -F: '/^ *[0-9]+:/ {
        split($4, len, " "); if ($0 !~ /shared/) n += len[1] } END { print n + 0 }'
}

# copy_calls TRACE SYSCALL: successful calls of SYSCALL in an strace log.
copy_calls() { grep -c "^[0-9]* *$2(.* = [1-9]" "$1"; }

# The files a failed or finished output may leave beside it.
leftovers() { find "$1" -maxdepth 1 -name '.*.XXXXXX' -o -maxdepth 1 -name '.out*' | wc -l; }

# cow_case KIND DIR: inject and --in-place on a copy-on-write file system.
cow_case() {
    local kind=$1 d=$2 before after inserted unshared
    cp "$T/in.pcapng" "$d/in.pcapng" && cp "$T/in.pcapng" "$d/in2.pcapng"
    before=$(free_kib "$d")
    if command -v strace >/dev/null 2>&1; then
        # (LeakSanitizer cannot run under ptrace: a sanitizer build.)
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
            run strace -f -o "$T/trace.$kind" -e trace=copy_file_range,write \
            "$SECRETCAP" inject -k "$T/keys.log" "$d/in.pcapng" -o "$d/out.pcapng"
        check "$kind: copy_file_range did the copy" \
            test "$(copy_calls "$T/trace.$kind" copy_file_range)" -ge 1
    else
        echo "note: strace not installed, syscall check skipped"
        run "$SECRETCAP" inject -k "$T/keys.log" "$d/in.pcapng" -o "$d/out.pcapng"
    fi
    expect_rc 0 "$kind inject"
    expect_stderr_empty
    check "$kind: output identical to the read/write path" cmp -s "$d/out.pcapng" "$T/ref.pcapng"
    check "$kind: input untouched" test "$(sha256sum <"$d/in.pcapng")" = "$sha_in"
    after=$(free_kib "$d")
    check "$kind: free space dropped by less than 1 MiB ($before -> $after KiB)" \
        test $((before - after)) -lt 1024
    inserted=$(( ($(stat -c %s "$d/out.pcapng") - $(stat -c %s "$d/in.pcapng")) / 4096 ))
    unshared=$(unshared_blocks "$d/out.pcapng")
    check "$kind: all but the inserted $inserted and 2 edge blocks shared ($unshared unshared)" \
        test "$unshared" -le $((inserted + 2))
    # --in-place: the result replaces the input; the space stays the same.
    before=$(free_kib "$d")
    run "$SECRETCAP" inject -k "$T/keys.log" --in-place "$d/in2.pcapng"
    expect_rc 0 "$kind --in-place"
    check "$kind --in-place: result identical" cmp -s "$d/in2.pcapng" "$T/ref.pcapng"
    after=$(free_kib "$d")
    check "$kind --in-place: free space dropped by less than 1 MiB ($before -> $after KiB)" \
        test $((before - after)) -lt 1024
    check "$kind: nothing left beside the outputs" test "$(leftovers "$d")" -eq 0
}

if [ "$(id -u)" != 0 ]; then
    echo "SKIP: $TEST_NAME: XFS/btrfs cases need root (loop mounts)"
    HAVE_XFS=0
elif ! command -v mkfs.xfs >/dev/null 2>&1; then
    echo "SKIP: $TEST_NAME: XFS cases: no mkfs.xfs (apt-get install xfsprogs)"
    HAVE_XFS=0
elif ! mount_img xfs "$T/xfs"; then
    echo "SKIP: $TEST_NAME: XFS cases: cannot mount a loop image (no loop device?)"
    HAVE_XFS=0
else
    HAVE_XFS=1
    cow_case xfs "$T/xfs"
fi
if [ "$HAVE_XFS" = 1 ] && command -v mkfs.btrfs >/dev/null 2>&1 && mount_img btrfs "$T/btrfs"; then
    cow_case btrfs "$T/btrfs"
else
    echo "SKIP: $TEST_NAME: btrfs case (needs root, mkfs.btrfs and a loop device)"
fi

# ------------------------------------------------------------- fallbacks
# Another file system each way (EXDEV or an in-kernel copy: same bytes).
if [ "$(id -u)" = 0 ] && mkdir -p "$T/tmpfs" && mount -t tmpfs -o size=256M tmpfs "$T/tmpfs"; then
    MOUNTS+=("$T/tmpfs")
    cp "$T/in.pcapng" "$T/tmpfs/in.pcapng"
    run "$SECRETCAP" inject -k "$T/keys.log" "$T/tmpfs/in.pcapng" -o "$T/tmpfs/out.pcapng"
    expect_rc 0 "tmpfs to tmpfs"
    check "tmpfs to tmpfs: identical" cmp -s "$T/tmpfs/out.pcapng" "$T/ref.pcapng"
    if [ "$HAVE_XFS" = 1 ]; then
        run "$SECRETCAP" inject -k "$T/keys.log" "$T/tmpfs/in.pcapng" -o "$T/xfs/from-tmpfs.pcapng"
        expect_rc 0 "tmpfs to xfs"
        check "tmpfs to xfs: identical" cmp -s "$T/xfs/from-tmpfs.pcapng" "$T/ref.pcapng"
        run "$SECRETCAP" inject -k "$T/keys.log" "$T/xfs/in.pcapng" -o "$T/tmpfs/from-xfs.pcapng"
        expect_rc 0 "xfs to tmpfs"
        check "xfs to tmpfs: identical" cmp -s "$T/tmpfs/from-xfs.pcapng" "$T/ref.pcapng"
    fi
    rm -f "$T/tmpfs/"*
else
    echo "SKIP: $TEST_NAME: tmpfs cases need root"
fi
# A pipe (splice), an O_APPEND stdout (copy_file_range refuses it), a
# plain redirection (copy_file_range at the file position).
run_sh "'$SECRETCAP' inject -k '$T/keys.log' '$T/in.pcapng' -o - | cat > '$T/pipe.pcapng'"
expect_rc 0 "to a pipe"
check "to a pipe: identical" cmp -s "$T/pipe.pcapng" "$T/ref.pcapng"
: >"$T/append.pcapng"
run_sh "'$SECRETCAP' inject -k '$T/keys.log' '$T/in.pcapng' -o - >> '$T/append.pcapng'"
expect_rc 0 "to an O_APPEND stdout"
check "O_APPEND stdout: identical" cmp -s "$T/append.pcapng" "$T/ref.pcapng"
run_sh "'$SECRETCAP' inject -k '$T/keys.log' '$T/in.pcapng' -o - > '$T/redir.pcapng'"
expect_rc 0 "to a redirected stdout"
check "redirected stdout: identical" cmp -s "$T/redir.pcapng" "$T/ref.pcapng"
# Compressed output takes the bytes from the mapping (no kernel copy).
run "$SECRETCAP" inject -k "$T/keys.log" "$T/in.pcapng" -o "$T/out.pcapng.gz"
expect_rc 0 "to gzip"
check "to gzip: identical once inflated" cmp -s <(gzip -dc "$T/out.pcapng.gz") "$T/ref.pcapng"

# ------------------------------------------------ inputs that change
changed_msg="the file (shrank|changed) while secretcap (read|copied) it|ended at offset"

# 1. Shrinks while inject parses it through the mapping: stopped mid-run.
gen pcap "$T/big.pcap" 256
mkdir -p "$T/o1"
"$SECRETCAP" inject -k "$T/keys.log" "$T/big.pcap" -o "$T/o1/out.pcapng" 2>"$T/stderr" &
pid=$!
sleep 0.15
if kill -STOP "$pid" 2>/dev/null; then
    truncate -s 1M "$T/big.pcap"
    kill -CONT "$pid"
    wait "$pid"
    RC=$?
    LAST_CMD="inject of a pcap truncated under it"
    expect_rc 1 "input truncated during the run"
    expect_stderr_match "$changed_msg"
    check "truncated: one line of error" test "$(wc -l <"$T/stderr")" -eq 1
    check "truncated: nothing left behind" test -z "$(ls -A "$T/o1")"
else
    wait "$pid"
    echo "SKIP: $TEST_NAME: truncation while parsing: inject finished within 0.15 s"
fi

# 2. Shrinks while its bytes wait for a full pipe (the copy comes up
# short), and 3. grows meanwhile: a capture still being written.
for what in shrink grow; do
    cp "$T/in.pcapng" "$T/moving.pcapng"
    rm -f "$T/fifo"; mkfifo "$T/fifo"
    "$SECRETCAP" inject -k "$T/keys.log" "$T/moving.pcapng" -o - >"$T/fifo" 2>"$T/stderr" &
    pid=$!
    exec 3<"$T/fifo"          # the writer's open completes; nobody reads yet
    sleep 0.5
    if [ $what = shrink ]; then
        truncate -s 10M "$T/moving.pcapng"
    else
        head -c 4096 "$T/in.pcapng" | tail -c 1500 >>"$T/moving.pcapng"
    fi
    cat <&3 >/dev/null
    exec 3<&-
    wait "$pid"
    RC=$?
    LAST_CMD="inject to a stalled pipe while the input ${what}s"
    expect_rc 1 "input that ${what}s under a stalled pipe"
    expect_stderr_match "$changed_msg"
done

finish
