# disk_full.sh - the output folder is a 64 KiB tmpfs (needs root to mount):
# a capture larger than that fails with exit 1 and one "No space left on
# device" line; no temp file is left, an existing output and the input are
# byte-identical afterwards.
. "$(dirname "$0")/lib.sh"
need_binary
[ "$(id -u)" -eq 0 ] || skip "needs root to mount a tmpfs"
K=$FIXTURES/keys-valid.keys
IN=$FIXTURES/sample/s01.pcap
mkdir "$T/small"
mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null \
    || skip "cannot mount a tmpfs here"
trap 'umount "$T/small" 2>/dev/null; rm -rf "$T"' EXIT
cp "$IN" "$T/in.pcap"
# A big enough input: the injected sample repeated, one pcapng section per
# copy (concatenated pcapng files are a valid multi-section file).
"$SECRETCAP" inject -k "$K" -o "$T/one.pcapng" "$IN" || fail "setup"
for _ in $(seq 20); do cat "$T/one.pcapng"; done >"$T/big.pcapng"
check "input larger than the tmpfs" \
    test "$(stat -c %s "$T/big.pcapng")" -gt 65536
printf 'small old output\n' >"$T/small/out.pcapng"
cp "$T/small/out.pcapng" "$T/old"
cp "$T/big.pcapng" "$T/big.orig"

run "$SECRETCAP" inject -k "$K" -o "$T/small/out.pcapng" "$T/big.pcapng"
expect_rc 1 "disk full"
expect_stderr_lines "secretcap: .*out\.pcapng: .*No space left on device"
expect_same "$T/small/out.pcapng" "$T/old" "old output untouched"
expect_same "$T/big.pcapng" "$T/big.orig" "input untouched"
expect_no_temps "$T/small"
check "only the old output in the tmpfs" \
    test "$(ls -A "$T/small")" = "out.pcapng"

# A new output (none before): nothing at all is left.
run "$SECRETCAP" inject -k "$K" -o "$T/small/new.pcapng" "$T/big.pcapng"
expect_rc 1 "disk full, new output"
expect_absent "$T/small/new.pcapng"
expect_no_temps "$T/small"
finish
