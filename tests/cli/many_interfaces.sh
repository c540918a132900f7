# many_interfaces.sh - a section with 100,000 interfaces (Wireshark reads
# such files): inject keeps every IDB and the packet on the last one,
# info and sessions read it, tshark reads the output.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys
python3 - "$T/many.pcapng" <<'PY'
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IIIHHqI", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1, 28))
for _ in range(100000):
    out.write(struct.pack("<IIHHII", 1, 20, 1, 0, 65535, 20))
data = bytes(60)
# EPB on interface 99999 (the last): 32 + 60 bytes.
out.write(struct.pack("<IIIIIII", 6, 92, 99999, 0, 1000, 60, 60) + data +
          struct.pack("<I", 92))
PY
run "$SECRETCAP" inject -k "$K" -o "$T/out.pcapng" "$T/many.pcapng"
expect_rc 0 "inject of a section with 100,000 interfaces"
expect_stderr_empty
expect_compare "$T/many.pcapng" "$T/out.pcapng"
run "$SECRETCAP" info --json "$T/out.pcapng"
expect_rc 0 "info"
check "info lists 100,000 interfaces" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["files"][0]["sections"][0]
assert len(s["interfaces"]) == 100000, len(s["interfaces"])
assert s["interfaces"][99999]["packets"] == 1
' "$T/stdout"
run "$SECRETCAP" sessions "$T/out.pcapng"
expect_rc 0 "sessions"
if have_tshark; then
    CHECKS=$((CHECKS + 1))
    if ! HOME=$T tshark -r "$T/out.pcapng" -T fields -e frame.interface_id \
        >"$T/ids" 2>"$T/tshark.err" || [ "$(cat "$T/ids")" != 99999 ]; then
        fail "tshark does not show the packet on interface 99999: $(head -c 300 "$T/ids" "$T/tshark.err")"
    fi
fi
finish
