# editcap_form.sh - `secretcap --inject-secrets tls,K [--discard-all-secrets]
# IN OUT` gives byte for byte the output of `secretcap inject -k K
# [--discard-all-secrets] -o OUT IN`, for pcap, pcapng and gzip input.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
for f in pcap-usec-le.pcap pcapng-le.pcapng pcapng-dsb-before-idb.pcapng \
    pcapng-all-blocks.pcapng pcap-usec-le.pcap.gz; do
    in=$FIXTURES/$f
    run "$SECRETCAP" --inject-secrets "tls,$K" "$in" "$T/e.pcapng"
    expect_rc 0 "editcap form $f"
    expect_stderr_empty
    expect_stdout_empty
    run "$SECRETCAP" inject -k "$K" -o "$T/i.pcapng" "$in"
    expect_rc 0 "inject $f"
    expect_same "$T/e.pcapng" "$T/i.pcapng" "editcap form differs for $f"
    run "$SECRETCAP" --discard-all-secrets --inject-secrets "tls,$K" "$in" "$T/e.pcapng"
    expect_rc 0 "editcap form --discard-all-secrets $f"
    run "$SECRETCAP" inject --discard-all-secrets -k "$K" -o "$T/i.pcapng" "$in"
    expect_rc 0 "inject --discard-all-secrets $f"
    expect_same "$T/e.pcapng" "$T/i.pcapng" "editcap form with --discard-all-secrets differs for $f"
    rm -f "$T/e.pcapng" "$T/i.pcapng"
done
# The editcap form writes pcapng even when the output is named .pcap.
run "$SECRETCAP" --inject-secrets "tls,$K" "$FIXTURES/pcap-usec-le.pcap" "$T/out.pcap"
expect_rc 0 "output named .pcap"
check "output named .pcap is pcapng" test "$(head -c 4 "$T/out.pcap" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a
finish
