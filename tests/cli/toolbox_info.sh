# toolbox_info.sh - `secretcap info`: the exact text report of a capture
# with DSBs of several types, pcap input, JSON that parses and holds the
# same facts, several inputs with one failing (exit 1, others reported),
# hostile DSBs shown as data (binary, UTF-16, empty, 5000 of them).
. "$(dirname "$0")/lib.sh"
need_binary
S=$SECRETCAP
F=$FIXTURES

cd "$F" || exit 1
run "$S" info dsb-mixed.pcapng
expect_rc 0 "info dsb-mixed"
expect_stderr_empty
cat >"$T/want" <<'X'
dsb-mixed.pcapng
  format:          pcapng
  size:            1596 bytes
  packets:         4
  first packet:    2023-11-14T22:13:20.123456Z
  last packet:     2023-11-14T22:13:21.234567Z
  sections:        1
  section 1:       offset 0, little-endian, version 1.0, length unspecified, 4 packets
    if   link type                 snaplen resolution tsoffset    packets  name
    0    1 ETHERNET                  65535 1e-6              0          4  eth0
  blocks:          11
    SHB                   1
    IDB                   1
    DSB                   4
    EPB                   4
    ISB                   1
  secrets blocks:  4
    dsb   section offset     secrets type               bytes  content
    1     1       156        tls 0x544c534b               176  1 line, 1 client random
          CLIENT_RANDOM                      1
    2     1       352        ssh 0x5353484b               352  2 lines
          SHARED_SECRET                      2
    3     1       944        tls 0x544c534b               353  2 lines, 2 client randoms
          CLIENT_RANDOM                      2
    4     1       1320       unknown 0x12345678            13
  readers:         tshark yes, tcpdump yes, editcap yes, capinfos yes
X
expect_same "$T/stdout" "$T/want" "info text report"
# The big-endian twin and the gzip one differ only in those lines.
run "$S" info dsb-mixed-be.pcapng
expect_rc 0 "info be"
check "big-endian shown" grep -q 'big-endian, version 1.0' "$T/stdout"
run "$S" info dsb-mixed.pcapng.gz
expect_rc 0 "info gz"
check "gzip shown" grep -q '^  format:          pcapng (gzip-compressed)$' "$T/stdout"

run "$S" info pcap-nsec-be.pcap
expect_rc 0 "info pcap"
cat >"$T/want" <<'X'
pcap-nsec-be.pcap
  format:          pcap
  size:            334 bytes
  packets:         4
  first packet:    2023-11-14T22:13:20.123456789Z
  last packet:     2023-11-14T22:13:23.456790122Z
  sections:        1
  section 1:       offset 0, big-endian, version 2.4, 4 packets
    if   link type                 snaplen resolution tsoffset    packets  name
    0    1 ETHERNET                  65535 1e-9              0          4  -
  secrets blocks:  0
  readers:         tshark yes, tcpdump yes, editcap yes, capinfos yes
X
expect_same "$T/stdout" "$T/want" "info pcap report"

# Hostile DSBs: shown as data.
run "$S" info dsb-binary-tls.pcapng
expect_rc 0 "binary TLS DSBs"
check "binary DSB problem" grep -q '^          problem: no valid key-log line$' "$T/stdout"
check "UTF-16 DSB problem" grep -q '^          problem: key log is UTF-16; re-save it as UTF-8$' "$T/stdout"
run "$S" info dsb-zero-length.pcapng
expect_rc 0 "zero-length DSBs"
check "zigbee record problem" grep -q 'problem: 0 bytes is not a whole number of 18-byte records' "$T/stdout"
run "$S" info dsb-5000.pcapng
expect_rc 0 "5000 DSBs"
check "5000 listed" test "$(grep -c ' tls 0x544c534b ' "$T/stdout")" -eq 5000

# Several inputs, one bad: both reported, exit 1.
run "$S" info pcapng-le.pcapng trunc-in-epb-data.pcapng pcap-usec-le.pcap
expect_rc 1 "one bad input of three"
check "three reports" test "$(grep -c '^  format:' "$T/stdout")" -eq 3
expect_stderr_lines 'secretcap: trunc-in-epb-data.pcapng: offset [0-9]+: block #[0-9]+ \(EPB\): .*'
run "$S" info garbage.bin
expect_rc 1 "not a capture"
expect_stdout_empty

# JSON: parses, same facts.
if command -v python3 >/dev/null 2>&1; then
    run "$S" info --json dsb-mixed.pcapng trunc-in-epb-data.pcapng pcap-usec-le.pcap
    expect_rc 1 "info --json with a bad input"
    check "JSON facts" python3 - "$T/stdout" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["secretcap_info"] == 1
a, b, c = d["files"]
assert a["format"] == "pcapng" and a["compression"] is None and a["error"] is None
assert a["packets"] == 4 and a["sections"][0]["byte_order"] == "little-endian"
assert a["sections"][0]["interfaces"][0]["name"] == "eth0"
assert [x["secrets_type_name"] for x in a["dsbs"]] == ["tls", "ssh", "tls", None]
assert a["dsbs"][2]["labels"] == {"CLIENT_RANDOM": 2} and a["dsbs"][2]["client_randoms"] == 2
assert a["dsbs"][3]["secrets_type"] == "0x12345678"
assert {x["name"]: x["count"] for x in a["blocks"]} == {"SHB": 1, "IDB": 1, "DSB": 4, "EPB": 4, "ISB": 1}
assert b["error"] and "EPB" in b["error"]
assert c["format"] == "pcap" and c["dsbs"] == [] and c["sections"][0]["section_length"] is None
assert b["readers"] is None
assert a["readers"] == c["readers"] == {r: {"opens": True, "rule": None, "why": None}
    for r in ("tshark", "tcpdump", "editcap", "capinfos")}
PY
fi
# The example in docs/info-json.md is the current output.
DOC=$LIB_DIR/../../docs/info-json.md
if [ -f "$DOC" ]; then
    sed -n '/^```json$/,/^```$/p' "$DOC" | sed '1d;$d' >"$T/doc.json"
    run "$S" info --json dsb-mixed.pcapng
    sed 's|"file": "dsb-mixed.pcapng"|"file": "tests/fixtures/dsb-mixed.pcapng"|' "$T/stdout" >"$T/now.json"
    expect_same "$T/doc.json" "$T/now.json" "docs/info-json.md example is out of date"
fi
run "$S" info
expect_rc 2 "no input"
run "$S" info --bogus x
expect_rc 2 "bad option"
run "$S" info --help
expect_rc 0 "--help"
check "help names --json" grep -q -- '--json' "$T/stdout"
finish
