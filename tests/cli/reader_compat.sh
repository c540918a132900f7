# reader_compat.sh - secretcap warns, naming the reader and why, exactly
# when tshark 4.0, tcpdump (libpcap 1.10), editcap or capinfos refuse what
# it writes (issue 13, "Never silently write what a major reader refuses").
# One fixture per rule (tests/tools/compat_fixtures.py; docs/compat.md has
# the matrix), plus fixtures of defects that we checked no reader refuses
# (no warning). For each: the exact warning, exit 0 and the output written;
# --strict: exit 1, the first finding as the error, no output; then the real
# readers are run on the output and the set that refuses it must be the set
# in the table (and the set `secretcap info` names). A missing reader is
# skipped visibly.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys
cd "$T" || exit 1
mkdir home
python3 "$TOOLS/compat_fixtures.py" . >names || exit 1

# The readers this machine has: t tshark, d tcpdump, e editcap, c capinfos.
HAVE=
command -v tshark >/dev/null 2>&1 && HAVE=${HAVE}t
command -v tcpdump >/dev/null 2>&1 && HAVE=${HAVE}d
command -v editcap >/dev/null 2>&1 && HAVE=${HAVE}e
command -v capinfos >/dev/null 2>&1 && HAVE=${HAVE}c
for r in tshark:t tcpdump:d editcap:e capinfos:c; do
    case $HAVE in *${r#*:}*) ;; *) echo "SKIP: $TEST_NAME: ${r%:*} not installed: its column is not checked" ;; esac
done

# refusers FILE: the letters of the readers that refuse FILE, in "tdec"
# order. editcap exits 0 after a read error, and capinfos after an
# unknown encapsulation: a message on stderr counts as refusing.
refusers() {
    local f=$1 r=
    case $HAVE in *t*)
        HOME=$T/home XDG_CONFIG_HOME=$T/home tshark -r "$f" >/dev/null 2>&1 || r=${r}t ;;
    esac
    case $HAVE in *d*) tcpdump -nr "$f" >/dev/null 2>&1 || r=${r}d ;; esac
    case $HAVE in *e*)
        rm -f ed.out
        editcap "$f" ed.out >/dev/null 2>ed.err || r=${r}e
        case $r in *e) ;; *) [ -s ed.err ] && r=${r}e ;; esac ;;
    esac
    case $HAVE in *c*)
        capinfos "$f" >/dev/null 2>ci.err || r=${r}c
        case $r in *c) ;; *) [ -s ci.err ] && r=${r}c ;; esac ;;
    esac
    echo "${r:--}"
}

# only LETTERS: LETTERS without the readers this machine lacks.
only() {
    local out= i c
    for ((i = 0; i < ${#1}; i++)); do
        c=${1:i:1}
        case $HAVE in *$c*) out=$out$c ;; esac
    done
    echo "${out:--}"
}

# The table: fixture | readers that refuse it | warning (one line per
# kind, several lines for one fixture in order; empty: no warning).
while IFS='|' read -r name readers what; do
    printf '%s|%s\n' "$readers" "$what" >>"want.$name"
done <<'TABLE'
big-block|d|block #3 at offset 48: a DSB of 17825820 bytes, over the 16777216 bytes libpcap reads: tcpdump refuses it ("pcapng block size 17825820 > maximum 16777216")
big-shb|d|block #1 at offset 0: a first SHB of 1140108 bytes, over the 1048576 bytes libpcap reads: tcpdump refuses it ("Section Header Block in pcapng dump file has invalid length")
big-shb-2nd|-|
byte-orders|d|block #4 at offset 140: section #2 is big-endian, the first little-endian: tcpdump refuses it (libpcap reads one byte order per file)
linktypes|d|block #3 at offset 48: an interface of link type 101 after one of link type 1: tcpdump refuses it (libpcap reads one link type per file: "an interface has a type 101 different from the type of the first interface")
linktypes-sections|de|block #5 at offset 168: an interface of link type 101 after one of link type 1 in an earlier section: tcpdump refuses it (libpcap reads one link type per file: "an interface has a type 101 different from the type of the first interface"); editcap and mergecap, which merge sections into one, fail to write it
snaplens|d|block #3 at offset 48: an interface of snaplen 65535 after one of snaplen 262144: tcpdump refuses it ("an interface has a snapshot length 65535 different from the snapshot length of the first interface")
big-packet|tdec|block #3 at offset 48: EPB with 262145 bytes of packet data, over the 262144 bytes Wireshark reads for link type 1: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: cap_len 262145 is larger than 262144")
big-packet|tdec|block #3 at offset 48: EPB with 262145 bytes of packet data, over the snaplen 262144: tcpdump refuses it ("invalid packet capture length 262145, bigger than snaplen of 262144")
big-packet-dbus|-|
caplen-snaplen|d|block #3 at offset 48: EPB with 60 bytes of packet data, over the snaplen 54: tcpdump refuses it ("invalid packet capture length 60, bigger than snaplen of 54")
unknown-linktype|dec|block #2 at offset 28: link type 9999 is unknown to Wireshark 4.0: tshark shows its packets as UNKNOWN, editcap and mergecap refuse to write it, capinfos reports "Unknown packet encapsulation"
unknown-linktype|dec|block #2 at offset 28: link type 9999 is unknown to libpcap 1.10: tcpdump refuses it ("unknown data link type 9999")
tsresol-twice|d|block #2 at offset 28: an IDB with two if_tsresol options: tcpdump refuses it ("Interface Description Block has more than one if_tsresol option"), Wireshark reads it
tsresol-00|-|
tsresol-13|-|
tsresol-80|-|
tsresol-bf|-|
epb-flags-2|tec|block #3 at offset 48 and 1 more block: EPB epb_flags option of length 2, not 4: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: packet block flags option length 2 is not 4"), tcpdump reads it
epb-dropcount-4|tec|block #3 at offset 48: EPB epb_dropcount option of length 4, not 8: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: packet block drop count option length 4 is not 8"), tcpdump reads it
epb-packetid-4|tec|block #3 at offset 48: EPB epb_packetid option of length 4, not 8: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: packet block packet id option length 4 is not 8"), tcpdump reads it
epb-queue-2|tec|block #3 at offset 48: EPB epb_queue option of length 2, not 4: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: packet block queue option length 2 is not 4"), tcpdump reads it
epb-hash-0|-|
if-fcslen-2|-|
if-tsoffset-4|d|block #2 at offset 28: an IDB if_tsoffset option of length 4, not 8: tcpdump refuses it, Wireshark reads it
if-tsoffset-twice|d|block #2 at offset 28: an IDB with two if_tsoffset options: tcpdump refuses it, Wireshark reads it
if-speed-4|-|
if-ipv4-4|-|
if-mac-4|-|
isb-ifrecv-4|-|
isb-starttime-4|-|
snaplen-0-262144|-|
dbus-big-block|-|
spb-big|tec|block #3 at offset 48: SPB with 262145 bytes of packet data, over the 262144 bytes Wireshark reads for link type 1: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: cap_len 262145 is larger than 262144")
epb-verdict-0|tec|block #3 at offset 48: EPB epb_verdict option of length 0, not at least 1: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: packet block verdict option length 0 is < 1"), tcpdump reads it
pb-flags-2|tec|block #3 at offset 48: PB pack_flags option of length 2, not 4: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: packet block flags option length 2 is not 4"), tcpdump reads it
no-idb|de|no Interface Description Block in the file: tcpdump refuses it ("the capture file has no Interface Description Blocks"), editcap refuses to write it
after-endofopt|-|
TABLE

while read -r name; do
    [ -f "want.$name" ] || { fail "$name: not in the table"; continue; }
    readers=$(head -n 1 "want.$name" | cut -d'|' -f1)
    want=$(cut -d'|' -f2- "want.$name" | sed '/^$/d' |
        sed "s/^/secretcap: warning: $name.pcapng: /")
    run "$SECRETCAP" inject -k "$K" -o "out.$name" "$name.pcapng"
    expect_rc 0 "$name: inject"
    expect_exists "out.$name"
    if [ -n "$want" ]; then
        expect_stderr_eq "$want"
    else
        expect_stderr_empty
    fi
    # The readers refuse the output exactly as the table says.
    got=$(refusers "out.$name")
    check "$name: readers refusing the output: want $(only "$readers"), got $got" \
        [ "$got" = "$(only "$readers")" ]
    # info on the output names the same readers.
    run "$SECRETCAP" info "out.$name"
    said=$(sed -n 's/^  readers: *//p' "$T/stdout" | tr ',' '\n' |
        awk '$2 == "no" { printf "%s", substr($1, 1, 1) == "t" ? ($1 == "tshark" ? "t" : "d") : substr($1, 1, 1) }')
    check "$name: info says $(only "${said:--}") refuse the output, they do: $got" \
        [ "$(only "${said:--}")" = "$got" ]
    # --strict: the first finding is the error; nothing is written.
    run "$SECRETCAP" inject --strict -k "$K" -o "strict.$name" "$name.pcapng"
    if [ -n "$want" ]; then
        first=$(printf '%s\n' "$want" | head -n 1 |
            sed -e 's/^secretcap: warning: /secretcap: /' \
                -e 's/ and [0-9]* more blocks*: /: /')
        expect_rc 1 "$name: --strict"
        expect_stderr_eq "$first (--strict)"
        expect_absent "strict.$name"
    else
        expect_rc 0 "$name: --strict, nothing to refuse"
        expect_stderr_empty
        expect_exists "strict.$name"
    fi
    rm -f "out.$name" "strict.$name"
done <names

# pcap input: the IDB secretcap builds carries the pcap link type.
python3 - <<'PY'
import struct
with open("lt9999.pcap", "wb") as o:
    o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 0, 9999))
    o.write(struct.pack("<IIII", 1, 0, 60, 60) + bytes(60))
PY
run "$SECRETCAP" inject -k "$K" -o lt9999.pcapng lt9999.pcap
expect_rc 0 "pcap of link type 9999"
expect_stderr_eq 'secretcap: warning: lt9999.pcap: link type 9999 is unknown to Wireshark 4.0: tshark shows its packets as UNKNOWN, editcap and mergecap refuse to write it, capinfos reports "Unknown packet encapsulation"
secretcap: warning: lt9999.pcap: link type 9999 is unknown to libpcap 1.10: tcpdump refuses it ("unknown data link type 9999")'
got=$(refusers lt9999.pcapng)
check "pcap link type 9999: readers refusing the output: want $(only dec), got $got" \
    [ "$got" = "$(only dec)" ]
run "$SECRETCAP" inject --strict -k "$K" -o lt9999s.pcapng lt9999.pcap
expect_rc 1 "pcap of link type 9999, --strict"
expect_stderr_eq 'secretcap: lt9999.pcap: link type 9999 is unknown to Wireshark 4.0: tshark shows its packets as UNKNOWN, editcap and mergecap refuse to write it, capinfos reports "Unknown packet encapsulation" (--strict)'
expect_absent lt9999s.pcapng

# gzip'd input: the offsets are in the uncompressed stream; batch mode
# takes --strict too.
gzip -c epb-flags-2.pcapng >flags.pcapng.gz
run "$SECRETCAP" inject -k "$K" -o flags.pcapng flags.pcapng.gz
expect_rc 0 "gzip'd epb-flags-2"
expect_stderr_eq 'secretcap: warning: flags.pcapng.gz: block #3 at offset 48 (uncompressed) and 1 more block: EPB epb_flags option of length 2, not 4: tshark, Wireshark, editcap and capinfos refuse it ("pcapng: packet block flags option length 2 is not 4"), tcpdump reads it'
mkdir in outdir
cp epb-flags-2.pcapng tsresol-00.pcapng in/
run "$SECRETCAP" inject --strict -k "$K" -O outdir in
expect_rc 1 "batch --strict"
expect_stderr_match 'epb-flags-2.pcapng: block #3 at offset 48: EPB epb_flags option of length 2, not 4: .* \(--strict\)'
expect_absent outdir/epb-flags-2.pcapng
expect_exists outdir/tsresol-00.pcapng
finish
