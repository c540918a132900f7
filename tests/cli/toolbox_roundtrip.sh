# toolbox_roundtrip.sh - for every secrets type, on generated inputs:
# extract(inject(c, k)) == normalised k and strip(inject(c, k)) == c (pcapng
# input), for little- and big-endian pcapng, gzip input and pcap input.
# Normalised k: for tls the .normalised fixture; the other fixtures are
# already normal (LF, no comments, no duplicates), so k itself.
. "$(dirname "$0")/lib.sh"
need_binary
S=$SECRETCAP
F=$FIXTURES

for t in tls ssh wg opcua esp zigbee-nwk zigbee-aps; do
    case $t in
    tls) k=$F/keys-crlf.keys; norm=$F/keys-valid.normalised ;;
    *) k=$F/$t.keys; norm=$k ;;
    esac
    for c in pcapng-le.pcapng pcapng-be.pcapng pcapng-be.pcapng.gz \
        pcapng-3-sections-mixed.pcapng pcap-usec-le.pcap pcap-nsec-be.pcap; do
        run "$S" inject -s "$t:$k" -o "$T/i.pcapng" "$F/$c"
        expect_rc 0 "inject $t into $c"
        expect_stderr_compat_only
        run "$S" extract -t "$t" -o "$T/x" "$T/i.pcapng"
        expect_rc 0 "extract $t from $c"
        expect_same "$T/x" "$norm" "extract(inject($c, $t))"
        # gzip on the way back too.
        gzip -c "$T/i.pcapng" >"$T/i.pcapng.gz"
        run "$S" extract -t "$t" -o "$T/xz" "$T/i.pcapng.gz"
        expect_same "$T/xz" "$norm" "extract(gzip(inject($c, $t)))"
        case $c in
        *.pcap) continue ;;
        *.gz) orig=$T/orig.pcapng; gzip -dc "$F/$c" >"$orig" ;;
        *) orig=$F/$c ;;
        esac
        run "$S" strip -o "$T/s" "$T/i.pcapng"
        expect_rc 0 "strip $t from $c"
        expect_same "$T/s" "$orig" "strip(inject($c, $t))"
        run "$S" strip -t "$t" -o "$T/s" "$T/i.pcapng"
        expect_same "$T/s" "$orig" "strip -t $t (inject($c, $t))"
    done
done
# All types at once, through the editcap forms.
"$S" inject -k "$F/keys-valid.keys" -s "ssh:$F/ssh.keys" -s "wg:$F/wg.keys" \
    -s "opcua:$F/opcua.keys" -s "esp:$F/esp.keys" -s "zigbee-nwk:$F/zigbee-nwk.keys" \
    -s "zigbee-aps:$F/zigbee-aps.keys" -o "$T/all.pcapng" "$F/pcapng-be.pcapng"
run "$S" --extract-secrets "$T/all.pcapng" "$T/e.out"
expect_rc 0 "--extract-secrets, 7 types"
n=0
for k in keys-valid.normalised ssh.keys wg.keys opcua.keys esp.keys zigbee-nwk.keys zigbee-aps.keys; do
    expect_same "$T/e_0000$n.out" "$F/$k" "editcap split file $n"
    n=$((n + 1))
done
run "$S" --inject-secrets "0x5a415053,$F/zigbee-aps.keys" "$F/pcapng-le.pcapng" "$T/z.pcapng"
expect_rc 0 "zigbee-aps by number"
run "$S" extract -t 0x5a415053 "$T/z.pcapng" -o "$T/z.out"
expect_same "$T/z.out" "$F/zigbee-aps.keys" "zigbee-aps by number"
# A bad ZigBee size is refused by inject.
run "$S" inject -s "zigbee-nwk:$F/zigbee-nwk-bad-size.keys" -o "$T/b.pcapng" "$F/pcapng-le.pcapng"
expect_rc 1 "zigbee-nwk of 35 bytes"
expect_stderr_eq "secretcap: $F/zigbee-nwk-bad-size.keys: 35 bytes is not a whole number of zigbee-nwk records (18 bytes each: 16-byte key, 2-byte PAN ID)"
expect_absent "$T/b.pcapng"
finish
