# max_record.sh - a classic-pcap record longer than libpcap and Wireshark
# read for its link type (262,144 bytes for Ethernet) is refused at its
# header as a corrupt record (exit 1, nothing written), also gzip'd (a
# "bomb" of one 64 MiB record is refused before its data is read);
# --max-record BYTES accepts it with a warning naming the readers, and the
# real readers (tshark, tcpdump) do refuse such a record. info and sessions
# take the option too; usage errors exit 2.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys
cd "$T" || exit 1
python3 - <<'PY'
import struct
def pcap(name, lt, caplens):
    with open(name, "wb") as o:
        o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 0, lt))
        for i, n in enumerate(caplens):
            o.write(struct.pack("<IIII", i + 1, 0, n, n) + bytes(n))
pcap("big.pcap", 1, [64, 300000])
pcap("dbus.pcap", 231, [300000])
with open("bomb.pcap", "wb") as o:  # one record header declaring 64 MiB
    o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 0, 1))
    o.write(struct.pack("<IIII", 1, 0, 64 << 20, 64 << 20) + bytes(1000))
PY
MSG="secretcap: big.pcap: offset 104: record #2: captured length 300000 exceeds the 262144 bytes libpcap and Wireshark read for link type 1: a corrupt record header? (--max-record BYTES accepts longer records)"
run "$SECRETCAP" inject -k "$K" -o out.pcapng big.pcap
expect_rc 1 "a 300000-byte Ethernet record"
expect_stderr_eq "$MSG"
expect_absent out.pcapng
gzip -c bomb.pcap >bomb.pcap.gz
run "$SECRETCAP" inject -k "$K" -o out.pcapng bomb.pcap.gz
expect_rc 1 "a 64 MiB record header, gzip'd"
expect_stderr_eq "secretcap: bomb.pcap.gz: offset 24 (uncompressed): record #1: captured length 67108864 exceeds the 262144 bytes libpcap and Wireshark read for link type 1: a corrupt record header? (--max-record BYTES accepts longer records)"
for cmd in info sessions; do
    run "$SECRETCAP" $cmd big.pcap
    expect_rc 1 "$cmd of the 300000-byte record"
    run "$SECRETCAP" $cmd --max-record 300000 big.pcap
    expect_rc 0 "$cmd --max-record 300000"
done
run "$SECRETCAP" inject --max-record 300000 -k "$K" -o out.pcapng big.pcap
expect_rc 0 "--max-record 300000"
expect_stderr_eq "secretcap: warning: big.pcap: 1 record longer than the 262144 bytes libpcap and Wireshark read for link type 1 (the first is #2), kept as --max-record allows: tcpdump and Wireshark will refuse them"
# The warning is true: the real readers refuse the record.
if have_tshark; then
    check "tshark refuses the 300000-byte record" \
        sh -c "! HOME='$T' tshark -r out.pcapng >/dev/null 2>&1"
fi
if command -v tcpdump >/dev/null 2>&1; then
    check "tcpdump refuses the 300000-byte record" \
        sh -c "! tcpdump -r out.pcapng >/dev/null 2>&1"
fi
# D-Bus records may be 128 MiB: no option needed, no warning.
run "$SECRETCAP" inject -k "$K" -o dbus.pcapng dbus.pcap
expect_rc 0 "a 300000-byte D-Bus record"
expect_stderr_empty
for bad in 0 134217729 x -1; do
    run "$SECRETCAP" inject --max-record "$bad" -k "$K" -o out2.pcapng big.pcap
    expect_rc 2 "--max-record '$bad'"
    expect_stderr_eq "secretcap: --max-record: '$bad' is not a number of bytes from 1 to 134217728
$TRY_HELP"
done
finish
