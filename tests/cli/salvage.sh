# salvage.sh - inject --salvage on captures cut short: at every block or
# record boundary and inside every block (its header, its middle, its last
# byte), pcapng in both byte orders and pcap, plain and gzip'd. The oracle:
# the output of the cut file is exactly the output of the file cut at the
# last complete block before the cut (the secrets included), with one
# warning and exit 0; a cut at a boundary is a clean end (no warning).
# Without --salvage the cut is an error that names --salvage; a cut inside
# the first section header (or the pcap file header) stays an error.
# Batch mode reports "salvaged".
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys
cd "$T" || exit 1

# boundaries FILE: the offset of every block (pcapng) or record (pcap)
# start, then the file size, one per line.
boundaries() {
    python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out = []
if d[:4] == b"\x0a\x0d\x0d\x0a":
    at, order = 0, "<"
    while at < len(d):
        out.append(at)
        if d[at:at + 4] == b"\x0a\x0d\x0d\x0a":
            order = "<" if d[at + 8:at + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        at += struct.unpack(order + "I", d[at + 4:at + 8])[0]
else:
    order = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    at = 24
    while at < len(d):
        out.append(at)
        at += 16 + struct.unpack(order + "I", d[at + 8:at + 12])[0]
out.append(len(d))
print("\n".join(map(str, out)))
PY
}

for f in pcapng-le.pcapng pcapng-be.pcapng pcapng-3-sections-mixed.pcapng \
    pcap-usec-le.pcap pcap-nsec-be.pcap; do
    in=$FIXTURES/$f
    boundaries "$in" >bounds
    size=$(stat -c %s "$in")
    first=$(sed -n 2p bounds) # the end of the SHB (pcapng) or first record
    case $f in *.pcap) first=24 ;; esac
    prev=
    while read -r b; do
        if [ -n "$prev" ]; then
            # Inside the block [prev, b): in its header, its middle, at its
            # last byte; and the boundary b itself (b = size: the whole file).
            for cut in $((prev + 1)) $((prev + 5)) $((prev + 9)) \
                $(((prev + b) / 2)) $((b - 1)) "$b"; do
                [ "$cut" -gt "$prev" ] && [ "$cut" -le "$b" ] || continue
                head -c "$cut" "$in" >cut.bin
                keep=$([ "$cut" = "$b" ] && echo "$b" || echo "$prev")
                if [ "$keep" -lt "$first" ]; then
                    # Cut inside the first SHB / file header: nothing to keep.
                    run "$SECRETCAP" inject -q --salvage -k "$K" -o out.pcapng cut.bin
                    expect_rc 1 "$f cut at $cut (inside its first header)"
                    expect_absent out.pcapng
                    continue
                fi
                head -c "$keep" "$in" >want.in
                # Its warnings (reader compatibility) are those of the cut.
                "$SECRETCAP" inject -k "$K" -o want.pcapng want.in 2>want.err
                run "$SECRETCAP" inject --salvage -k "$K" -o out.pcapng cut.bin
                expect_rc 0 "$f cut at $cut"
                expect_same out.pcapng want.pcapng "$f cut at $cut: what --salvage kept"
                if [ "$cut" = "$keep" ] && [ -s want.err ]; then
                    expect_stderr_eq "$(sed 's/: want\.in: /: cut.bin: /' want.err)"
                elif [ "$cut" = "$keep" ]; then
                    expect_stderr_empty
                else
                    expect_stderr_match "^secretcap: warning: cut\.bin: offset $keep: .*truncated .*; --salvage: kept the [0-9]+ complete (blocks|records) before offset $keep, (last packet #[0-9]+|no packet), dropped $((cut - keep)) bytes\$"
                    # Without --salvage: an error that says --salvage exists.
                    run "$SECRETCAP" inject -k "$K" -o out2.pcapng cut.bin
                    expect_rc 1 "$f cut at $cut without --salvage"
                    expect_stderr_match "truncated .* \(--salvage writes every complete block before the cut\)\$"
                    expect_absent out2.pcapng
                fi
                # The same bytes on a pipe.
                run_sh "cat cut.bin | '$SECRETCAP' inject -q --salvage -k '$K' -o - - >pipe.pcapng"
                expect_rc 0 "$f cut at $cut, on a pipe"
                expect_same pipe.pcapng want.pcapng "$f cut at $cut on a pipe"
                rm -f out.pcapng want.pcapng want.in pipe.pcapng
            done
        fi
        prev=$b
    done <bounds

    # gzip'd, the gzip stream cut: everything the decompressed part holds
    # as complete blocks is kept.
    gzip -c "$in" >full.gz
    gsize=$(stat -c %s full.gz)
    for cut in $((gsize / 2)) $((gsize - 9)) $((gsize - 4)) $((gsize - 1)); do
        head -c "$cut" full.gz >cut.gz
        zcat cut.gz >part.bin 2>/dev/null
        plen=$(stat -c %s part.bin)
        keep=$(awk -v n="$plen" '$1 <= n { k = $1 } END { print k }' bounds)
        [ "$keep" -ge "$first" ] || continue
        head -c "$keep" "$in" >want.in
        "$SECRETCAP" inject -q -k "$K" -o want.pcapng want.in
        run "$SECRETCAP" inject --salvage -k "$K" -o out.pcapng cut.gz
        expect_rc 0 "$f.gz cut at $cut"
        expect_same out.pcapng want.pcapng "$f.gz cut at $cut: what --salvage kept"
        expect_stderr_match "^secretcap: warning: cut\.gz: .*gzip stream truncated .*; --salvage: kept the [0-9]+ complete (blocks|records) before offset $keep \(uncompressed\), "
        rm -f out.pcapng want.pcapng want.in
    done
done

# Corruption elsewhere is still an error, --salvage or not.
cp "$FIXTURES/epb-caplen-past-body.pcapng" bad.pcapng
run "$SECRETCAP" inject --salvage -k "$K" -o out.pcapng bad.pcapng
expect_rc 1 "--salvage does not hide corruption"
expect_absent out.pcapng

# zstd and lz4 streams cut short.
for z in zstd lz4; do
    command -v $z >/dev/null 2>&1 || continue
    "$SECRETCAP" --version | grep -q "^$z: lib" || continue
    # 300 sections, 186 KB: more than one zstd block (128 KiB) or lz4 block
    # (-B4: 64 KiB), so that a cut in the last one leaves complete blocks.
    for i in $(seq 300); do cat "$FIXTURES/pcapng-be.pcapng"; done >big.pcapng
    if [ $z = zstd ]; then zstd -q -c big.pcapng >full.$z; else lz4 -q -B4 -c big.pcapng >full.$z; fi
    head -c $(($(stat -c %s full.$z) - 6)) full.$z >cut.$z
    run "$SECRETCAP" inject --salvage -k "$K" -o out.pcapng cut.$z
    expect_rc 0 "$z stream cut short"
    expect_stderr_match "^secretcap: warning: cut\.$z: .*$z stream truncated .*; --salvage: kept "
    expect_tshark_reads out.pcapng
    rm -f out.pcapng
done

# --scope capture reads the cut capture to its last complete record too.
S=$FIXTURES/sample/s01.pcap
head -c $(($(stat -c %s "$S") - 100)) "$S" >s01cut.pcap
run "$SECRETCAP" inject --scope capture --salvage -k "$FIXTURES/sample/s01.keys" -o s01.pcapng s01cut.pcap
expect_rc 0 "--scope capture --salvage"
expect_stderr_match "^secretcap: s01cut\.pcap: --scope capture: 2 sessions \(2 with complete keys"
expect_stderr_match "^secretcap: warning: s01cut\.pcap: offset [0-9]+: record #[0-9]+: truncated record data"

# Batch: the report says salvaged.
mkdir caps
head -c 500 "$FIXTURES/pcapng-be.pcapng" >caps/cut.pcapng
cp "$FIXTURES/pcapng-le.pcapng" caps/whole.pcapng
run "$SECRETCAP" inject -q --salvage -k "$K" -O outdir --report rep.jsonl caps
expect_rc 0 "batch --salvage"
check "the report says salvaged, with the cut" \
    grep -q '"path":"caps/cut.pcapng",.*"status":"salvaged",.*"cut_at":472,"bytes_dropped":28' rep.jsonl
check "a whole capture is done" grep -q '"path":"caps/whole.pcapng",.*"status":"done"' rep.jsonl
run "$SECRETCAP" inject -q -k "$K" -O outdir2 --report rep2.jsonl caps
expect_rc 1 "batch without --salvage"
check "without --salvage the cut capture fails, naming --salvage" \
    grep -q '"status":"failed","error":".*(--salvage writes every complete block before the cut)"' rep2.jsonl
finish
