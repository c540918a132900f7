# extract_roundtrip.sh - inject, then read the DSB text back with the
# independent tool: it must be the normalised key log (LF line ends, no
# comments or blank lines, duplicates once, BOM stripped, final newline
# added), whatever the line ends of the input and however many -k files are
# merged. --secrets TYPE:FILE writes the DSB type asked for (ssh, wg, raw).
. "$(dirname "$0")/lib.sh"
need_binary
need_python
IN=$FIXTURES/pcap-usec-le.pcap
NORM=$FIXTURES/keys-valid.normalised

for k in keys-valid.keys keys-crlf.keys keys-cr-only.keys keys-bom.keys \
    keys-no-final-newline.keys; do
    out=$T/$k.pcapng
    run "$SECRETCAP" inject -q -k "$FIXTURES/$k" -o "$out" "$IN"
    expect_rc 0 "inject -k $k"
    expect_stderr_empty
    extract "$out" >"$T/$k.dsb"
    expect_same "$T/$k.dsb" "$NORM" "DSB text for $k"
done

# Several key logs merged, duplicates kept once.
run "$SECRETCAP" inject -q -k "$FIXTURES/keys-valid.keys" -k "$FIXTURES/keys-crlf.keys" \
    -k "$FIXTURES/keys-cr-only.keys" -o "$T/merged.pcapng" "$IN"
expect_rc 0 "three -k merged"
extract "$T/merged.pcapng" >"$T/merged.dsb"
expect_same "$T/merged.dsb" "$NORM" "merged key logs"
# Two different logs: both sets of lines, in -k order.
run "$SECRETCAP" inject -q -k "$FIXTURES/keys-some-bad.keys" -k "$FIXTURES/keys-valid.keys" \
    -o "$T/two.pcapng" "$IN"
expect_rc 0 "some-bad + valid"
extract "$T/two.pcapng" >"$T/two.dsb"
expect_same "$T/two.dsb" "$FIXTURES/keys-some-bad.normalised" \
    "keys-valid adds nothing new after keys-some-bad (all its lines are duplicates)"

# --secrets tls:FILE is the same as -k FILE.
run "$SECRETCAP" inject -s "tls:$FIXTURES/keys-valid.keys" -o "$T/s.pcapng" "$IN"
expect_rc 0 "-s tls:FILE"
expect_same "$T/s.pcapng" "$T/keys-valid.keys.pcapng" "-s tls:FILE differs from -k FILE"

# Other secrets types.
run "$SECRETCAP" inject -s "ssh:$FIXTURES/ssh.keys" -o "$T/ssh.pcapng" "$IN"
expect_rc 0 "-s ssh:FILE"
expect_stderr_empty
expect_compare "$IN" "$T/ssh.pcapng" --secrets-type 5353484B
extract "$T/ssh.pcapng" 5353484B >"$T/ssh.dsb"
expect_same "$T/ssh.dsb" "$FIXTURES/ssh.keys" "SSH DSB text"
run "$SECRETCAP" inject -s "wg:$FIXTURES/wg.keys" -o "$T/wg.pcapng" "$IN"
expect_rc 0 "-s wg:FILE"
expect_stderr_empty
extract "$T/wg.pcapng" 57474B4C >"$T/wg.dsb"
expect_same "$T/wg.dsb" "$FIXTURES/wg.keys" "WireGuard DSB text"
run "$SECRETCAP" inject -s "0x12345678:$FIXTURES/ssh.keys" -o "$T/raw.pcapng" "$IN"
expect_rc 0 "-s 0x12345678:FILE"
extract "$T/raw.pcapng" 12345678 >"$T/raw.dsb"
expect_same "$T/raw.dsb" "$FIXTURES/ssh.keys" "raw-type DSB must hold the file verbatim"
# All at once, in order: TLS, SSH, WG DSBs.
run "$SECRETCAP" inject -k "$FIXTURES/keys-valid.keys" -s "ssh:$FIXTURES/ssh.keys" \
    -s "wg:$FIXTURES/wg.keys" -o "$T/all.pcapng" "$FIXTURES/pcapng-be.pcapng"
expect_rc 0 "tls + ssh + wg"
expect_compare "$FIXTURES/pcapng-be.pcapng" "$T/all.pcapng" --secrets-type 544C534B,5353484B,57474B4C
check "tls, ssh, wg DSBs present in that order" test "$(python3 "$TOOLS/pcapng_blocks.py" list "$T/all.pcapng" \
    | sed -n 's/.*secrets_type=\(0x[0-9A-F]*\).*/\1/p' | tr '\n' ' ')" = "0x544C534B 0x5353484B 0x57474B4C "
extract "$T/all.pcapng" >"$T/all.dsb"
expect_same "$T/all.dsb" "$NORM" "TLS DSB of a big-endian output"
# editcap form with several --inject-secrets.
run "$SECRETCAP" --inject-secrets "tls,$FIXTURES/keys-valid.keys" --inject-secrets \
    "ssh,$FIXTURES/ssh.keys" --inject-secrets "wg,$FIXTURES/wg.keys" \
    "$FIXTURES/pcapng-be.pcapng" "$T/all-e.pcapng"
expect_rc 0 "editcap form tls + ssh + wg"
expect_same "$T/all-e.pcapng" "$T/all.pcapng" "editcap form with three types"
finish
