# large_keylog.sh - a key log larger than the 4 MiB kept in memory goes
# through an anonymous temporary file (spool.h): the injected text is the
# exact normalisation of the input (CRLF, comments, duplicates across the
# whole file), split into DSBs of at most 16 MiB at line ends, from a file
# and from stdin; $TMPDIR is used and left empty; a $TMPDIR that does not
# exist is a clear error with no output left; and peak memory stays far
# below the key log's size.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
S=$SECRETCAP
F=$FIXTURES

# 40 MB of TLS lines with CRLF endings, comments, blank lines and exact
# duplicates far apart; the expected normalised text beside it.
python3 - "$T/big.keys" "$T/want" <<'PY'
import sys
out, want = open(sys.argv[1], "wb"), open(sys.argv[2], "wb")
seen = []
i = 0
while out.tell() < 40_000_000:
    if i % 997 == 0:
        out.write(b"# comment %d\r\n\r\n" % i)
    if i % 13 == 12 and seen:
        # an exact duplicate of a line seen long ago: dropped
        out.write(seen[(i * 7919) % len(seen)] + b"\r\n")
    else:
        line = b"CLIENT_RANDOM %064x %096x" % (i, i * 31)
        seen.append(line)
        out.write(line + (b"\r\n" if i % 2 else b"\n"))
        want.write(line + b"\n")
    i += 1
PY

mkdir "$T/tmp"
run env TMPDIR="$T/tmp" "$S" inject -k "$T/big.keys" -o "$T/out.pcapng" \
    "$F/pcapng-le.pcapng"
expect_rc 0 "inject a 40 MB key log"
expect_stderr_empty
extract "$T/out.pcapng" >"$T/got"
expect_same "$T/got" "$T/want" "injected text = normalised key log"
check "three DSBs of at most 16 MiB, each ending at a line end" \
    python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
off, n = 0, 0
while off < len(d):
    t, l = struct.unpack_from("<II", d, off)
    if t == 0x0000000A:
        slen = struct.unpack_from("<I", d, off + 12)[0]
        assert slen <= 16 << 20 and d[off + 16 + slen - 1] == 10, slen
        n += 1
    off += l
assert n == 3, n
' "$T/out.pcapng"
check "TMPDIR left empty" test -z "$(ls -A "$T/tmp")"
expect_compare "$F/pcapng-le.pcapng" "$T/out.pcapng"

# The same from standard input.
RUN_STDIN=$T/big.keys run "$S" inject -k - -o "$T/out2.pcapng" \
    "$F/pcapng-le.pcapng"
expect_rc 0 "key log on stdin"
expect_same "$T/out2.pcapng" "$T/out.pcapng" "stdin = file"

# No usable temporary directory: exit 1, a message naming it, no output.
run env TMPDIR="$T/missing" "$S" inject -k "$T/big.keys" -o "$T/out3.pcapng" \
    "$F/pcapng-le.pcapng"
expect_rc 1 "TMPDIR missing"
expect_stderr_eq "secretcap: $T/big.keys: cannot create a temporary file in $T/missing: No such file or directory"
expect_absent "$T/out3.pcapng"
expect_no_temps "$T"

# Memory: far below the 40 MB key log (not under the sanitizers, whose
# shadow memory dominates).
if ldd "$S" 2>/dev/null | grep -q libasan; then
    echo "note: peak-memory check skipped under AddressSanitizer"
else
    check "peak RSS below 32 MiB with a 40 MB key log" \
        python3 -c '
import resource, subprocess, sys
subprocess.run([sys.argv[1], "inject", "-k", sys.argv[2], "-o", "-",
                sys.argv[3]], stdout=subprocess.DEVNULL, check=True)
kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("peak RSS %d KiB" % kib)
assert kib < 32 * 1024, kib
' "$S" "$T/big.keys" "$F/pcapng-le.pcapng"
fi
finish
