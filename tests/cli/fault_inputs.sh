# fault_inputs.sh - inputs that are not regular captures stop at once with
# one clear message and leave nothing behind: a FIFO nobody writes to, an
# input the user may not read (run as 'nobody'; needs root and setpriv).
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
mkdir "$T/d"
printf 'previous output\n' >"$T/d/out.pcapng"
cp "$T/d/out.pcapng" "$T/old"

mkfifo "$T/fifo"
start=$(date +%s)
run timeout 10 "$SECRETCAP" inject -k "$K" -o "$T/d/out.pcapng" "$T/fifo"
expect_rc 1 "FIFO without a writer"
expect_stderr_lines "secretcap: $T/fifo: empty file"
check "FIFO: stops at once" test $(($(date +%s) - start)) -le 2
expect_same "$T/d/out.pcapng" "$T/old"
expect_no_temps "$T/d"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
    chmod 711 "$T"
    chmod 777 "$T/d"
    cp "$FIXTURES/pcapng-le.pcapng" "$T/secret.pcapng"
    chmod 600 "$T/secret.pcapng"
    cp "$K" "$T/k.keys"
    chmod 644 "$T/k.keys" "$T/d/out.pcapng"
    chmod 666 "$T/d/out.pcapng"
    run setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$SECRETCAP" inject -k "$T/k.keys" -o "$T/d/out.pcapng" \
        "$T/secret.pcapng"
    expect_rc 1 "unreadable input"
    expect_stderr_lines "secretcap: $T/secret.pcapng: cannot open: Permission denied"
    expect_same "$T/d/out.pcapng" "$T/old"
    expect_no_temps "$T/d"
else
    echo "note: not root or no setpriv: unreadable-input case not run"
fi
finish
