# stdin_stdout.sh - pipelines: "-" as INPUT and as OUTPUT give exactly the
# bytes of file mode, for pcap, pcapng and gzip'd input (gzip detected by
# magic on a pipe); binary output to a terminal is refused (exit 2).
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys

for f in pcap-usec-le.pcap pcapng-be.pcapng pcapng-all-blocks.pcapng \
    pcap-nsec-be.pcap pcapng-3-sections-mixed.pcapng; do
    in=$FIXTURES/$f
    run "$SECRETCAP" inject -k "$K" -o "$T/file.pcapng" "$in"
    expect_rc 0 "file mode $f"
    # stdin -> stdout
    run_sh "cat '$in' | '$SECRETCAP' inject -k '$K' -o - - >'$T/pipe.pcapng'"
    expect_rc 0 "cat $f | secretcap inject -k K -o - -"
    expect_stderr_compat_only
    expect_same "$T/pipe.pcapng" "$T/file.pcapng" "stdin/stdout output of $f"
    # file -> stdout
    run "$SECRETCAP" inject -k "$K" -o - "$in"
    expect_rc 0 "-o - $f"
    expect_same "$T/stdout" "$T/file.pcapng" "stdout output of $f"
    # stdin -> file
    RUN_STDIN=$in run "$SECRETCAP" inject -k "$K" -o "$T/fromstdin.pcapng" -
    expect_rc 0 "stdin to file $f"
    expect_same "$T/fromstdin.pcapng" "$T/file.pcapng" "stdin input of $f"
    # gzip'd stdin (detected by magic, not by name)
    run_sh "gzip -c '$in' | '$SECRETCAP' inject -k '$K' -o - - >'$T/gz.pcapng'"
    expect_rc 0 "gzip -c $f | secretcap ... -"
    expect_stderr_compat_only
    expect_same "$T/gz.pcapng" "$T/file.pcapng" "gzip'd stdin output of $f"
    # editcap form with - - is not required; the inject form is the CI form.
    rm -f "$T/file.pcapng" "$T/pipe.pcapng" "$T/fromstdin.pcapng" "$T/gz.pcapng"
done

# A multi-member gzip on a pipe.
run "$SECRETCAP" inject -k "$K" -o "$T/a.pcapng" "$FIXTURES/pcapng-le.pcapng"
run_sh "cat '$FIXTURES/pcapng-le-multimember.pcapng.gz' | '$SECRETCAP' inject -k '$K' -o - - >'$T/b.pcapng'"
expect_rc 0 "multi-member gzip on stdin"
expect_same "$T/a.pcapng" "$T/b.pcapng" "multi-member gzip on stdin"

# Nothing is left behind in the working directory by stdout mode.
mkdir "$T/wd"
run_sh "cd '$T/wd' && '$SECRETCAP' inject -k '$K' -o - '$FIXTURES/pcapng-le.pcapng' >/dev/null"
expect_rc 0
check "stdout mode creates no file in the working directory" \
    test -z "$(ls -A "$T/wd")"

# Binary output to a terminal is refused (needs script(1) for a pty).
if command -v script >/dev/null 2>&1; then
    run script -qec "'$SECRETCAP' inject -k '$K' -o - '$FIXTURES/pcapng-le.pcapng'" /dev/null
    expect_rc 2 "-o - on a terminal"
    check "terminal refusal says why" grep -q 'terminal' "$T/stdout"
    check "nothing binary written to the terminal" \
        test -z "$(tr -d '[:print:]\r\n\t' <"$T/stdout")"
else
    echo "note: script(1) not installed; terminal refusal not tested"
fi
finish
