# dev_full.sh - stdout is /dev/full: exit 1 and exactly one line
# "secretcap: <name>: ...: No space left on device".
. "$(dirname "$0")/lib.sh"
need_binary
[ -w /dev/full ] || skip "/dev/full not available"
K=$FIXTURES/keys-valid.keys
for f in pcapng-le.pcapng pcap-usec-le.pcap; do
    run_sh "'$SECRETCAP' inject -k '$K' -o - '$FIXTURES/$f' >/dev/full"
    expect_rc 1 "$f to /dev/full"
    expect_stderr_lines "secretcap: .*No space left on device"
done
run_sh "'$SECRETCAP' --inject-secrets 'tls,$K' '$FIXTURES/pcapng-le.pcapng' - >/dev/full"
check "editcap form to - (/dev/full): exit 1 or usage 2 if '-' is not an editcap output" \
    test "$RC" = 1 -o "$RC" = 2
finish
