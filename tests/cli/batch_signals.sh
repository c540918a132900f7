# batch_signals.sh - SIGTERM or SIGINT to a batch run while a worker is in
# the middle of writing a large output: the workers stop, their temp files
# are removed, the outputs already completed stay, exit 128+N.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
mkdir "$T/in"
cp "$FIXTURES/pcapng-le.pcapng" "$T/in/a.pcapng"
cp "$FIXTURES/pcap-usec-le.pcap" "$T/in/b.pcap"
# A large capture (about 300 MB): the sample, injected, doubled into many
# sections (concatenated pcapng files are one valid multi-section file).
"$SECRETCAP" inject -k "$K" -o "$T/big" "$FIXTURES/sample/s01.pcap" ||
    fail "setup"
for _ in $(seq 15); do
    cat "$T/big" "$T/big" >"$T/big2" && mv "$T/big2" "$T/big"
done
mv "$T/big" "$T/in/z-big.pcapng"

for sig in TERM INT; do
    rm -rf "$T/out"
    "$SECRETCAP" inject -k "$K" -j 1 -O "$T/out" "$T/in" 2>"$T/stderr" &
    pid=$!
    # Wait for the big one's temp file: a, b are done by then (-j 1, order).
    for _ in $(seq 200); do
        ls -A "$T/out" 2>/dev/null | grep -q '^\.z-big\.pcapng\.' && break
        sleep 0.02
    done
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    check "SIG$sig: exit status $((128 + $(kill -l "$sig"))) (got $rc)" \
        test "$rc" -eq $((128 + $(kill -l "$sig")))
    expect_exists "$T/out/a.pcapng"
    expect_exists "$T/out/b.pcapng"
    expect_absent "$T/out/z-big.pcapng"
    expect_no_temps "$T/out"
done
finish
