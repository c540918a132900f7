#!/usr/bin/env bash
# pcap_statements.sh - issue 13: what a classic pcap header or its records
# say that the pcapng output carries differently or not at all is said, once
# each: the FCS bits of the link-type field (kept as if_fcslen), the
# modified (Kuznetzov) format's interface index and protocol (dropped; the
# packet type becomes epb_flags), a non-zero thiszone (dropped). Nothing is
# said for a plain file; -q silences it; exit 0 and the output is written
# (and tshark reads it) either way.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys

# mkpcap OUT THISZONE: one Ethernet record, thiszone as given.
mkpcap() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
out, zone = sys.argv[1], int(sys.argv[2])
pkt = bytes(range(60))
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, zone, 0, 65535, 1))
    f.write(struct.pack("<IIII", 1, 0, len(pkt), len(pkt)) + pkt)
PY
}
mkpcap "$T/zone.pcap" 3600
mkpcap "$T/west.pcap" -18000
mkpcap "$T/plain.pcap" 0

run "$SECRETCAP" inject -k "$K" -o "$T/zone.pcapng" "$T/zone.pcap"
expect_rc 0 "thiszone 3600"
expect_stderr_eq "secretcap: warning: $T/zone.pcap: the pcap header's thiszone (3600 s from GMT) is dropped: pcapng has no such field, and libpcap and Wireshark ignore it; timestamps are kept as recorded"
expect_exists "$T/zone.pcapng"
run "$SECRETCAP" inject -k "$K" -o "$T/west.pcapng" "$T/west.pcap"
expect_stderr_match "thiszone \(-18000 s from GMT\) is dropped"
run "$SECRETCAP" inject -k "$K" -o "$T/plain.pcapng" "$T/plain.pcap"
expect_rc 0 "thiszone 0"
expect_stderr_empty "a plain pcap says nothing"
# The timestamp is the same either way: thiszone changes nothing.
check "thiszone: same output as with thiszone 0" cmp -s "$T/zone.pcapng" "$T/plain.pcapng"
run "$SECRETCAP" inject -q -k "$K" -o "$T/zone2.pcapng" "$T/zone.pcap"
expect_stderr_empty "-q silences it"

run "$SECRETCAP" inject -k "$K" -o "$T/fcs.pcapng" "$FIXTURES/pcap-fcs.pcap"
expect_rc 0 "FCS bits"
expect_stderr_eq "secretcap: warning: $FIXTURES/pcap-fcs.pcap: the pcap link-type field says every packet ends with a 4-byte FCS; the output's interface says so with if_fcslen 32 (bits), which Wireshark uses the same way"
run "$SECRETCAP" inject -k "$K" -o "$T/mod.pcapng" "$FIXTURES/pcap-modified.pcap"
expect_rc 0 "modified pcap"
expect_stderr_eq "secretcap: warning: $FIXTURES/pcap-modified.pcap: modified (Kuznetzov) pcap: 4 records (the first is #1) carry an interface index or protocol, which pcapng has no field for: dropped (the packet type is kept, as epb_flags)"
# The IDB states the FCS (the independent checker: if_fcslen from the bits).
check "if_fcslen checked" python3 "$TOOLS/pcapng_blocks.py" compare "$FIXTURES/pcap-fcs.pcap" "$T/fcs.pcapng"
if have_tshark; then
    for f in zone fcs mod; do
        check "tshark reads $f.pcapng" sh -c "HOME='$T' tshark -r '$T/$f.pcapng' >/dev/null 2>&1"
    done
fi
finish
