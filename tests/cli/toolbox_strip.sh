# toolbox_strip.sh - `secretcap strip`: removes every DSB (or one type),
# every other block byte for byte; strip(inject(c, k)) == c for pcapng
# input (SHB with section length -1, version 1.0) in either byte order and
# through gzip; pcap input is exit 1; output may not be the input.
. "$(dirname "$0")/lib.sh"
need_binary
S=$SECRETCAP
F=$FIXTURES

for f in pcapng-le.pcapng pcapng-be.pcapng pcapng-3-sections-mixed.pcapng; do
    run "$S" inject -k "$F/keys-valid.keys" -s "ssh:$F/ssh.keys" \
        -s "zigbee-aps:$F/zigbee-aps.keys" --all-sections -o "$T/i.pcapng" "$F/$f"
    expect_rc 0 "inject $f"
    run "$S" strip -o "$T/s.pcapng" "$T/i.pcapng"
    expect_rc 0 "strip $f"
    if [ "$f" = pcapng-3-sections-mixed.pcapng ]; then
        # True of the output as of the input (reader_compat.sh).
        expect_stderr_eq "secretcap: warning: $T/i.pcapng: block #9 at offset 4524: section #2 is big-endian, the first little-endian: tcpdump refuses it (libpcap reads one byte order per file)"
    else
        expect_stderr_empty
    fi
    expect_same "$T/s.pcapng" "$F/$f" "strip(inject($f)) differs from $f"
done
# A capture that already holds a DSB: strip(inject(c)) == strip(c), and
# every non-DSB block of c is kept (the independent block checker).
run "$S" inject -k "$F/keys-valid.keys" -o "$T/i.pcapng" "$F/pcapng-all-blocks.pcapng"
run "$S" strip -o "$T/s1.pcapng" "$T/i.pcapng"
expect_rc 0 "strip inject all-blocks"
run "$S" strip -o "$T/s2.pcapng" "$F/pcapng-all-blocks.pcapng"
expect_rc 0 "strip all-blocks"
expect_same "$T/s1.pcapng" "$T/s2.pcapng" "strip(inject(c)) != strip(c)"
# gzip input: the same uncompressed result.
"$S" inject -k "$F/keys-valid.keys" -o "$T/be.pcapng" "$F/pcapng-be.pcapng"
gzip -c "$T/be.pcapng" >"$T/be.pcapng.gz"
run "$S" strip -o "$T/s.pcapng" "$T/be.pcapng.gz"
expect_rc 0 "strip gzip"
expect_same "$T/s.pcapng" "$F/pcapng-be.pcapng" "strip of gzip input"
# stdout.
run_sh "\"$S\" strip -o - \"$T/be.pcapng\" | cat >\"$T/s2.pcapng\""
expect_rc 0 "strip to stdout"
expect_same "$T/s2.pcapng" "$F/pcapng-be.pcapng" "strip to stdout"

# --type: only that type goes.
run "$S" strip -t tls -o "$T/t.pcapng" "$F/dsb-mixed.pcapng"
expect_rc 0 "strip -t tls"
run "$S" info "$T/t.pcapng"
check "2 DSBs left (ssh, unknown)" grep -q '^  secrets blocks:  2$' "$T/stdout"
run "$S" extract -t ssh "$T/t.pcapng"
expect_same "$T/stdout" "$F/ssh.keys" "ssh DSB kept byte for byte"
run "$S" strip -o "$T/a.pcapng" "$F/dsb-mixed.pcapng"
expect_rc 0 "strip all"
run "$S" info "$T/a.pcapng"
check "no DSB left" grep -q '^  secrets blocks:  0$' "$T/stdout"
# 5000 DSBs.
run "$S" strip -o "$T/5.pcapng" "$F/dsb-5000.pcapng"
expect_rc 0 "strip 5000 DSBs"
check "5000 DSBs removed" test "$(wc -c <"$T/5.pcapng")" -lt 1000

# Nothing to strip: a copy and a warning.
run "$S" strip -o "$T/c.pcapng" "$F/pcapng-le.pcapng"
expect_rc 0 "nothing to strip"
expect_stderr_eq "secretcap: warning: $F/pcapng-le.pcapng: no secrets blocks to strip; output is a copy"
expect_same "$T/c.pcapng" "$F/pcapng-le.pcapng"
run "$S" strip -t wg -o "$T/c.pcapng" "$F/dsb-mixed.pcapng"
expect_rc 0 "nothing of type wg"
expect_stderr_eq "secretcap: warning: $F/dsb-mixed.pcapng: no secrets blocks of type wg to strip; output is a copy"

# Errors.
run "$S" strip -o "$T/p.pcapng" "$F/pcap-usec-le.pcap"
expect_rc 1 "pcap input"
expect_stderr_eq "secretcap: $F/pcap-usec-le.pcap: is a pcap file; it holds no secrets blocks (nothing to strip)"
expect_absent "$T/p.pcapng"
cp "$F/dsb-mixed.pcapng" "$T/in.pcapng"
run "$S" strip -o "$T/in.pcapng" "$T/in.pcapng"
expect_rc 2 "output is input"
expect_same "$T/in.pcapng" "$F/dsb-mixed.pcapng" "input untouched"
run "$S" strip "$F/dsb-mixed.pcapng"
expect_rc 2 "no -o"
expect_stderr_eq "secretcap: no output given (-o FILE, or -o - for stdout)
$TRY_HELP"
run "$S" strip -o "$T/x" -t bogus "$F/dsb-mixed.pcapng"
expect_rc 2 "bad type"
run "$S" strip -o "$T/x" "$F/trunc-in-epb-data.pcapng"
expect_rc 1 "truncated input"
expect_absent "$T/x"
run "$S" strip --help
expect_rc 0 "--help"
check "help names --type" grep -q -- '--type' "$T/stdout"
finish
