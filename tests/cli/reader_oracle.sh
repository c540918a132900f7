# reader_oracle.sh - the fuzz oracle of issue 13 against the real readers:
# secretcap inject on every input of the fuzz corpus (fuzz/corpus/inject);
# each output written WITHOUT a warning must open in tshark, and, when it
# has one byte order and one link type (libpcap's single-linktype API),
# in tcpdump too. A warning, an error or no output: not checked. About a
# minute on 2 cores; every file is run (the corpus is a few hundred small
# files), in name order.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
need_tshark
CORPUS_DIR=$LIB_DIR/../../fuzz/corpus/inject
[ -d "$CORPUS_DIR" ] || skip "no fuzz corpus at $CORPUS_DIR"
HAVE_TCPDUMP=1
command -v tcpdump >/dev/null 2>&1 || {
    HAVE_TCPDUMP=0
    echo "SKIP: $TEST_NAME: tcpdump not installed: its half is not checked"
}
mkdir -p "$T/home"
check "every warning-free output opens in tshark (and tcpdump)" \
    python3 - "$SECRETCAP" "$FIXTURES/keys-valid.keys" "$CORPUS_DIR" "$T" "$HAVE_TCPDUMP" <<'PY'
import json, os, subprocess, sys
sc, keys, corpus, tmp, have_tcpdump = sys.argv[1:6]
env = dict(os.environ, HOME=tmp + "/home", XDG_CONFIG_HOME=tmp + "/home")
out = tmp + "/out.pcapng"
counts = dict(inputs=0, warned=0, failed=0, tshark=0, tcpdump=0)
bad = []
for name in sorted(os.listdir(corpus)):
    counts["inputs"] += 1
    if os.path.exists(out):
        os.unlink(out)
    r = subprocess.run([sc, "inject", "-k", keys, "-o", out,
                        os.path.join(corpus, name)],
                       capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(out):
        counts["failed"] += 1
        continue
    if "warning:" in r.stderr:
        counts["warned"] += 1
        continue
    t = subprocess.run(["tshark", "-r", out], env=env, capture_output=True,
                       text=True)
    counts["tshark"] += 1
    if t.returncode != 0:
        bad.append("%s: tshark exit %d: %s" % (name, t.returncode,
                                               t.stderr.strip()[-300:]))
    if have_tcpdump != "1":
        continue
    info = json.loads(subprocess.run([sc, "info", "--json", out],
                                     capture_output=True, text=True).stdout)
    f = info["files"][0]
    orders = {s["byte_order"] for s in f["sections"]}
    types = {i["link_type"] for s in f["sections"] for i in s["interfaces"]}
    if len(orders) != 1 or len(types) != 1:
        continue
    d = subprocess.run(["tcpdump", "-nr", out], capture_output=True,
                       text=True)
    counts["tcpdump"] += 1
    if d.returncode != 0:
        bad.append("%s: tcpdump exit %d: %s" % (name, d.returncode,
                                                d.stderr.strip()[-300:]))
print("%(inputs)d inputs: %(failed)d refused by secretcap, %(warned)d with "
      "a warning; tshark ran on %(tshark)d outputs, tcpdump on "
      "%(tcpdump)d" % counts)
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
finish
