# byte_order.sh - results do not depend on byte order: pcap-usec-le and
# pcap-usec-be give identical output (always little-endian); a big-endian
# pcapng stays big-endian (DSB included) and carries the same secrets as
# its little-endian twin.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys
for p in usec nsec; do
    run "$SECRETCAP" inject -k "$K" -o "$T/le.pcapng" "$FIXTURES/pcap-$p-le.pcap"
    expect_rc 0
    run "$SECRETCAP" inject -k "$K" -o "$T/be.pcapng" "$FIXTURES/pcap-$p-be.pcap"
    expect_rc 0
    expect_same "$T/le.pcapng" "$T/be.pcapng" "pcap-$p-le vs pcap-$p-be output"
done
run "$SECRETCAP" inject -k "$K" -o "$T/ngle.pcapng" "$FIXTURES/pcapng-le.pcapng"
expect_rc 0
run "$SECRETCAP" inject -k "$K" -o "$T/ngbe.pcapng" "$FIXTURES/pcapng-be.pcapng"
expect_rc 0
expect_compare "$FIXTURES/pcapng-be.pcapng" "$T/ngbe.pcapng"
check "big-endian pcapng output is big-endian" \
    test "$(python3 "$TOOLS/pcapng_blocks.py" list "$T/ngbe.pcapng" | awk '{print $3}' | sort -u)" = BE
extract "$T/ngle.pcapng" >"$T/le.dsb"
extract "$T/ngbe.pcapng" >"$T/be.dsb"
expect_same "$T/le.dsb" "$T/be.dsb" "secrets of the LE and BE pcapng outputs"
expect_same "$T/le.dsb" "$FIXTURES/keys-valid.normalised"
# Mixed sections: each injected DSB in its own section's byte order.
run "$SECRETCAP" inject --all-sections -k "$K" -o "$T/mixed.pcapng" "$FIXTURES/pcapng-3-sections-mixed.pcapng"
expect_rc 0
expect_compare "$FIXTURES/pcapng-3-sections-mixed.pcapng" "$T/mixed.pcapng" --sections all
check "DSBs in LE, BE, LE sections" test "$(python3 "$TOOLS/pcapng_blocks.py" list "$T/mixed.pcapng" \
    | awk '$4 == "DSB" {printf "%s%s ", $2, $3}')" = "s1LE s2BE s3LE "
finish
