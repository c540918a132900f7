# closed_pipe.sh - the consumer of stdout goes away (`| head -c 100`):
# secretcap ends quietly, with status 0 (everything was written before the
# close) or 141 (SIGPIPE), never another status, never a message, never a
# hang. The input is large (about 2 MB) so that the pipe really fills.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
src=$FIXTURES/pcap-usec-le.pcap
head -c 24 "$src" >"$T/big.pcap"
tail -c +25 "$src" >"$T/recs"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13; do cat "$T/recs" "$T/recs" >"$T/r2"; mv "$T/r2" "$T/recs"; done
cat "$T/recs" >>"$T/big.pcap"
check "big input is over 1 MB" test "$(wc -c <"$T/big.pcap")" -gt 1000000

for form in file stdin; do
    if [ $form = file ]; then src_arg="'$T/big.pcap'"; pre=""; else src_arg=-; pre="cat '$T/big.pcap' |"; fi
    run_sh "$pre timeout 20 '$SECRETCAP' inject -k '$K' -o - $src_arg | head -c 100 >'$T/head.out'; s=(\"\${PIPESTATUS[@]}\"); echo \${s[-2]} >'$T/status'"
    st=$(cat "$T/status")
    check "closed pipe ($form): status 0 or 141, got $st" test "$st" = 0 -o "$st" = 141
    expect_stderr_empty "closed pipe ($form) must be quiet"
    check "head got 100 bytes ($form)" test "$(wc -c <"$T/head.out")" -eq 100
done
finish
