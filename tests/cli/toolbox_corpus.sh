# toolbox_corpus.sh - round trips on the shared corpus: for every capture C
# with a C.expect, K = the one *.keys of its directory:
#   extract(inject --discard-all-secrets C K) == K normalised (by an
#   independent normaliser here: CR/CRLF -> LF, comments and blank lines
#   dropped, duplicates once);
#   strip(inject C K) == C byte for byte, for pcapng whose SHBs all have
#   section length -1 and version 1.0 and that hold no DSB already (others
#   are skipped with a note; for those strip(inject C K) == strip(C)).
. "$(dirname "$0")/lib.sh"
need_binary
need_corpus
need_python
S=$SECRETCAP
find "$CORPUS" -name '*.expect' | sort | sed 's/\.expect$//' >"$T/list"
total=$(wc -l <"$T/list")
check "corpus has captures" test "$total" -gt 0
notes=0
while IFS= read -r c; do
    rel=${c#"$CORPUS"/}
    set -- "$(dirname "$c")"/*.keys
    k=$1
    python3 - "$k" >"$T/norm" <<'PY'
import sys
seen, out = set(), []
data = open(sys.argv[1], "rb").read()
if data.startswith(b"\xef\xbb\xbf"):
    data = data[3:]
for line in data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
    if not line or line.startswith(b"#") or line in seen:
        continue
    seen.add(line)
    out.append(line + b"\n")
sys.stdout.buffer.write(b"".join(out))
PY
    run "$S" inject -q --discard-all-secrets -k "$k" -o "$T/i.pcapng" "$c"
    expect_rc 0 "inject $rel" || continue
    run "$S" extract -o "$T/x" "$T/i.pcapng"
    expect_rc 0 "extract $rel"
    expect_same "$T/x" "$T/norm" "extract(inject($rel)) != normalised keys"
    # strip: only pcapng.
    kind=$(python3 - "$c" <<'PY'
import gzip, struct, sys
p = sys.argv[1]
d = open(p, "rb").read()
if d[:2] == b"\x1f\x8b":
    d = gzip.decompress(d)
if d[:4] != b"\x0a\x0d\x0d\x0a":
    print("pcap"); sys.exit()
off, ok, dsb = 0, True, False
while off + 12 <= len(d):
    bom = d[off + 8:off + 12] if d[off:off + 4] == b"\x0a\x0d\x0d\x0a" else None
    if bom is not None:
        o = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
    t, n = struct.unpack(o + "II", d[off:off + 8])
    if t == 0x0A0D0D0A:
        ma, mi, sl = struct.unpack(o + "HHq", d[off + 12:off + 24])
        ok = ok and (ma, mi, sl) == (1, 0, -1)
    dsb = dsb or t == 10
    off += n
print("plain" if ok and not dsb else "other")
PY
)
    case $kind in
    pcap) continue ;;
    other)
        notes=$((notes + 1))
        echo "note: $rel: has a DSB, section length or version 1.2: strip(inject(C)) compared with strip(C)"
        run "$S" strip -q -o "$T/s0" "$c"
        orig=$T/s0 ;;
    *)
        orig=$c
        case $c in *.gz) gzip -dc "$c" >"$T/c0"; orig=$T/c0 ;; esac ;;
    esac
    run "$S" inject -q -k "$k" -o "$T/j.pcapng" "$c"
    run "$S" strip -o "$T/s" "$T/j.pcapng"
    expect_rc 0 "strip $rel"
    expect_same "$T/s" "$orig" "strip(inject($rel))"
done <"$T/list"
echo "toolbox_corpus: $total captures, $notes compared with strip(C)"
finish
