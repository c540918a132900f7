# inject_good_fixtures.sh - `inject` on every valid synthetic capture: exit 0,
# silent, output passes the independent block checker, tshark lists the same
# records as for the input, gzip input gives the same bytes as plain input,
# and the output file is mode 0600 (it holds secrets) with no temp files left.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys

GOOD="pcap-usec-le.pcap pcap-usec-be.pcap pcap-nsec-le.pcap pcap-nsec-be.pcap
pcap-modified.pcap pcap-fcs.pcap pcap-caplen-gt-snaplen.pcap
pcap-header-only.pcap pcapng-le.pcapng pcapng-be.pcapng pcapng-v1.2.pcapng
pcapng-section-length.pcapng pcapng-3-sections-mixed.pcapng
pcapng-all-blocks.pcapng pcapng-dsb-before-idb.pcapng pcapng-shb-only.pcapng
pcapng-shb-idb-only.pcapng pcap-usec-le.pcap.gz pcapng-be.pcapng.gz
pcapng-le-multimember.pcapng.gz"

mkdir "$T/o"
for f in $GOOD; do
    in=$FIXTURES/$f
    out=$T/o/$f.out.pcapng
    run "$SECRETCAP" inject -k "$K" -o "$out" "$in"
    expect_rc 0 "inject $f"
    if [ "$f" = pcap-caplen-gt-snaplen.pcap ]; then
        # Allowed: warnings about raising the snaplen. Nothing else.
        expect_stderr_not_match '^secretcap: [^w]|^secretcap: w[^a]' \
            "only warnings for $f"
        run "$SECRETCAP" inject -q -k "$K" -o "$out" "$in"
        expect_rc 0 "inject -q $f"
        expect_stderr_empty "-q must silence the warning for $f"
    elif [ "$f" = pcapng-3-sections-mixed.pcapng ]; then
        # True: tcpdump refuses it (reader_compat.sh).
        expect_stderr_eq "secretcap: warning: $in: block #6 at offset 428: section #2 is big-endian, the first little-endian: tcpdump refuses it (libpcap reads one byte order per file)"
    elif [ "$f" = pcap-fcs.pcap ]; then
        expect_stderr_eq "secretcap: warning: $in: the pcap link-type field says every packet ends with a 4-byte FCS; the output's interface says so with if_fcslen 32 (bits), which Wireshark uses the same way"
    elif [ "$f" = pcap-modified.pcap ]; then
        expect_stderr_eq "secretcap: warning: $in: modified (Kuznetzov) pcap: 4 records (the first is #1) carry an interface index or protocol, which pcapng has no field for: dropped (the packet type is kept, as epb_flags)"
    elif [ "$f" = pcapng-shb-only.pcapng ]; then
        expect_stderr_eq "secretcap: warning: $in: no Interface Description Block in the file: tcpdump refuses it (\"the capture file has no Interface Description Blocks\"), editcap refuses to write it"
    else
        expect_stderr_empty "inject $f must be silent"
    fi
    expect_stdout_empty
    expect_exists "$out" || continue
    expect_compare "$in" "$out"
    # tshark sees exactly the records it sees in the input.
    if have_tshark; then
        HOME=$T tshark -r "$in" >"$T/ts.in" 2>/dev/null
        if HOME=$T tshark -r "$out" >"$T/ts.out" 2>"$T/ts.err"; then
            expect_same "$T/ts.in" "$T/ts.out" "tshark listing of $f changed"
        else
            fail "tshark cannot read the output for $f: $(grep -v 'Running as' "$T/ts.err")"
        fi
    fi
done
expect_no_temps "$T/o"

# gzip'd input gives exactly the output of the plain input.
o=$T/o
expect_same "$o/pcap-usec-le.pcap.out.pcapng" "$o/pcap-usec-le.pcap.gz.out.pcapng" \
    "gzip input changes the output"
expect_same "$o/pcapng-be.pcapng.out.pcapng" "$o/pcapng-be.pcapng.gz.out.pcapng" \
    "gzip input changes the output"
expect_same "$o/pcapng-le.pcapng.out.pcapng" "$o/pcapng-le-multimember.pcapng.gz.out.pcapng" \
    "multi-member gzip input changes the output"
# The nanosecond twins and both byte orders: same output.
expect_same "$o/pcap-nsec-le.pcap.out.pcapng" "$o/pcap-nsec-be.pcap.out.pcapng" \
    "byte order of a ns pcap changes the output"

# The result holds secrets: mode 0600 (output.h contract).
check "output mode is 0600 (got $(stat -c %a "$o/pcapng-le.pcapng.out.pcapng"))" \
    test "$(stat -c %a "$o/pcapng-le.pcapng.out.pcapng")" = 600

# Writing over an existing output replaces it (atomically) and succeeds.
echo "old content" >"$T/o/existing.pcapng"
run "$SECRETCAP" inject -k "$K" -o "$T/o/existing.pcapng" "$FIXTURES/pcapng-le.pcapng"
expect_rc 0 "inject over an existing output"
expect_same "$T/o/existing.pcapng" "$o/pcapng-le.pcapng.out.pcapng" \
    "existing output not replaced by the new result"
expect_no_temps "$T/o"

finish
