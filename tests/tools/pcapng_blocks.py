#!/usr/bin/env python3
"""pcapng_blocks.py - independent pcap/pcapng checker for secretcap's tests.

Python 3 standard library only. Written separately from the C code on
purpose: it is the second opinion the CLI tests compare against.

  pcapng_blocks.py list FILE
      One line per pcapng block (offset, section, byte order, type, length)
      or per pcap record. gzip input (also multi-member) is inflated first.

  pcapng_blocks.py compare INPUT OUTPUT [--discarded] [--sections first|all]
                   [--secrets-type T]
      Checks that OUTPUT is what `secretcap inject` must make of INPUT.
      pcapng input: every input block appears in OUTPUT, in order, byte for
      byte, except the SHB (section length may become -1, version 1.2 must
      become 1.0); the only extra blocks are well-formed DSBs, written in the
      section's byte order, placed after the SHB and the IDBs that directly
      follow it and before any other block. --discarded: the input's DSBs must
      be gone. --sections first (default): injected DSBs in the first section
      only; all: at least one in every section.
      pcap input: SHB v1.0 little-endian, section length -1, shb_userappl
      "secretcap ..."; one IDB (link type, if_tsresol 9 for ns, if_fcslen from
      the FCS bits, snaplen able to hold every record); one or more DSBs;
      then one EPB per record on interface 0 with the same timestamp (scaled
      by if_tsresol), caplen, origlen and bytes; nothing else.
      --secrets-type T[,T...] (hex): every injected DSB has one of these
      secrets types (default 544C534B, TLS).
      Prints "OK: ..." and exits 0, or "FAIL: ..." lines and exits 1.

  pcapng_blocks.py extract FILE [--type T]
      Writes the concatenated payloads (secrets_len bytes each) of the DSBs of
      type T (default TLS 0x544C534B) to stdout, in file order.

Exit codes: 0 ok, 1 check failed, 2 usage error or unreadable/invalid file.
"""

import gzip
import struct
import sys

SHB, IDB, PB, SPB, ISB, EPB, DSB = 0x0A0D0D0A, 1, 2, 3, 5, 6, 0x0A
TLS = 0x544C534B
NAMES = {SHB: "SHB", IDB: "IDB", PB: "PB", SPB: "SPB", 4: "NRB", ISB: "ISB",
         EPB: "EPB", 9: "JOURNAL", DSB: "DSB", 0xBAD: "CB", 0x40000BAD: "DCB"}
PCAP_MAGICS = {0xA1B2C3D4: (False, False), 0xA1B23C4D: (True, False),
               0xA1B2CD34: (False, True)}


class Bad(Exception):
    pass


def read_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except Exception as e:  # noqa: BLE001 - any gzip failure
            raise Bad("%s: bad gzip: %s" % (path, e))
    return data


def name(t):
    return NAMES.get(t, "0x%08X" % t)


class Block:
    __slots__ = ("type", "raw", "order", "offset", "section", "number")

    def __init__(self, btype, raw, order, offset, section, number):
        self.type, self.raw, self.order = btype, raw, order
        self.offset, self.section, self.number = offset, section, number

    def u32(self, off):
        return struct.unpack_from(self.order + "I", self.raw, off)[0]

    def u16(self, off):
        return struct.unpack_from(self.order + "H", self.raw, off)[0]


def parse_pcapng(data, path):
    """Strict framing parse: list of Block. Raises Bad."""
    blocks, off, order, section = [], 0, None, 0
    while off < len(data):
        if len(data) - off < 12:
            raise Bad("%s: offset %d: truncated block header" % (path, off))
        t_raw = data[off:off + 4]
        if t_raw == b"\x0a\x0d\x0d\x0a":
            bom = data[off + 8:off + 12]
            if bom == b"\x4d\x3c\x2b\x1a":
                order = "<"
            elif bom == b"\x1a\x2b\x3c\x4d":
                order = ">"
            else:
                raise Bad("%s: offset %d: bad byte-order magic" % (path, off))
            section += 1
        elif order is None:
            raise Bad("%s: does not start with an SHB" % path)
        btype, blen = struct.unpack_from(order + "II", data, off)
        if blen < 12 or blen % 4 or blen > len(data) - off:
            raise Bad("%s: offset %d: bad length %d" % (path, off, blen))
        trailer = struct.unpack_from(order + "I", data, off + blen - 4)[0]
        if trailer != blen:
            raise Bad("%s: offset %d: trailer %d != %d" % (path, off, trailer,
                                                          blen))
        blocks.append(Block(btype, data[off:off + blen], order, off, section,
                            len(blocks) + 1))
        off += blen
    return blocks


def parse_options(raw, start, end, order):
    out, p = [], start
    while p + 4 <= end:
        code, ln = struct.unpack_from(order + "HH", raw, p)
        if code == 0:
            break
        if p + 4 + ln > end:
            raise Bad("option %d overruns its block" % code)
        out.append((code, raw[p + 4:p + 4 + ln]))
        p += 4 + ln + (-ln % 4)
    return out


def parse_pcap(data, path):
    if len(data) < 24:
        raise Bad("%s: short pcap header" % path)
    for order in "<>":
        magic = struct.unpack_from(order + "I", data, 0)[0]
        if magic in PCAP_MAGICS:
            break
    else:
        raise Bad("%s: not a pcap" % path)
    nsec, modified = PCAP_MAGICS[magic]
    _, vmaj, vmin, _, _, snaplen, lt = struct.unpack_from(order + "IHHiIII",
                                                          data, 0)
    hdr = {"order": order, "nsec": nsec, "modified": modified,
           "snaplen": snaplen, "linktype": lt & 0xFFFF,
           "fcs_bits": ((lt >> 28) & 0xF) * 16 if lt & 0x04000000 else None}
    rl = 24 if modified else 16
    recs, off = [], 24
    while off < len(data):
        if len(data) - off < rl:
            raise Bad("%s: offset %d: truncated record header" % (path, off))
        s, frac, cap, orig = struct.unpack_from(order + "IIII", data, off)
        if vmaj == 2 and vmin < 3 or (vmaj, vmin) == (2, 3) and cap > orig:
            cap, orig = orig, cap
        if cap > len(data) - off - rl:
            raise Bad("%s: offset %d: truncated record" % (path, off))
        recs.append((s, frac, cap, orig, data[off + rl:off + rl + cap], off))
        off += rl + cap
    return hdr, recs


def is_pcapng(data):
    return data[:4] == b"\x0a\x0d\x0d\x0a"


# ------------------------------------------------------------------ checks

class Checker:
    def __init__(self):
        self.fails = []

    def fail(self, msg):
        self.fails.append(msg)

    def check(self, cond, msg):
        if not cond:
            self.fail(msg)
        return cond


def check_dsb(c, b, stype):
    """A DSB we wrote: sane secrets_len, zero padding, expected type."""
    if not c.check(len(b.raw) >= 20, "block #%d: DSB too short" % b.number):
        return
    t, slen = b.u32(8), b.u32(12)
    if not c.check(slen <= len(b.raw) - 20,
                   "block #%d: DSB secrets_len %d past block" % (b.number,
                                                                slen)):
        return
    c.check(slen > 0, "block #%d: empty DSB" % b.number)
    c.check(t in stype, "block #%d: DSB type 0x%08X, expected %s (or "
            "wrong byte order)" % (b.number, t,
                                   " or ".join("0x%08X" % x for x in stype)))
    padded = slen + (-slen % 4)
    c.check(b.raw[16 + slen:16 + padded] == bytes(padded - slen),
            "block #%d: DSB padding not zero" % b.number)
    c.check(len(b.raw) <= 16 << 20, "block #%d: DSB over 16 MiB" % b.number)


def shb_ok(c, ib, ob):
    """Output SHB = input SHB except section length -1 and 1.2 -> 1.0."""
    if not c.check(ob.type == SHB and len(ob.raw) == len(ib.raw)
                   and ob.order == ib.order,
                   "output block #%d should be the SHB of input block #%d" % (
                       ob.number, ib.number)):
        return
    maj, mnr = ib.u16(12), ib.u16(14)
    omaj, omnr = ob.u16(12), ob.u16(14)
    c.check((omaj, omnr) == (1, 0), "output SHB #%d version %d.%d, expected "
            "1.0 (input %d.%d)" % (ob.number, omaj, omnr, maj, mnr))
    seclen = struct.unpack_from(ob.order + "q", ob.raw, 16)[0]
    iseclen = struct.unpack_from(ib.order + "q", ib.raw, 16)[0]
    c.check(seclen == -1, "output SHB #%d section length %d, expected -1 "
            "(input %d)" % (ob.number, seclen, iseclen))
    c.check(ob.raw[:12] == ib.raw[:12] and ob.raw[24:] == ib.raw[24:],
            "output SHB #%d differs from input block #%d beyond version and "
            "section length" % (ob.number, ib.number))


def compare_pcapng(c, idata, odata, discarded, sections, stype):
    ib = parse_pcapng(idata, "input")
    ob = parse_pcapng(odata, "output")
    expect = [b for b in ib if not (discarded and b.type == DSB)]
    j = 0
    extra = []   # (output block, index in output)
    for want in expect:
        while True:
            if j >= len(ob):
                c.fail("input block #%d (%s at offset %d) missing from the "
                       "output" % (want.number, name(want.type), want.offset))
                return
            got = ob[j]
            if want.type == SHB and got.type == SHB:
                shb_ok(c, want, got)
                j += 1
                break
            if got.raw == want.raw:
                j += 1
                break
            if got.type == DSB:
                extra.append(j)
                j += 1
                continue
            c.fail("output block #%d (%s at offset %d) is neither input block "
                   "#%d (%s) nor a DSB" % (got.number, name(got.type),
                                           got.offset, want.number,
                                           name(want.type)))
            return
    while j < len(ob):
        if ob[j].type != DSB:
            c.fail("output block #%d (%s) after the last input block" % (
                ob[j].number, name(ob[j].type)))
            return
        extra.append(j)
        j += 1
    per_section = {}
    for k in extra:
        b = ob[k]
        check_dsb(c, b, stype)
        per_section[b.section] = per_section.get(b.section, 0) + 1
        # Between the section's SHB and this DSB: only IDBs and other
        # injected DSBs.
        m = k - 1
        while ob[m].type != SHB:
            if not (ob[m].type == IDB or m in extra):
                c.fail("injected DSB (output block #%d) comes after %s block "
                       "#%d; it must follow the SHB and leading IDBs" % (
                           b.number, name(ob[m].type), ob[m].number))
                break
            m -= 1
    nsec = ob[-1].section if ob else 0
    if not extra:
        c.fail("no DSB was added")
    elif sections == "first":
        c.check(set(per_section) == {1}, "injected DSBs in sections %s, "
                "expected the first only" % sorted(per_section))
    else:
        c.check(set(per_section) == set(range(1, nsec + 1)),
                "injected DSBs in sections %s, expected all of 1..%d" % (
                    sorted(per_section), nsec))
    if discarded:
        kept = [b for b in ob if b.type == DSB and ob.index(b) not in extra]
        c.check(not kept, "an input DSB survived --discard-all-secrets")
    return len(ib), len(ob), len(extra)


def compare_pcap(c, idata, odata, stype):
    hdr, recs = parse_pcap(idata, "input")
    ob = parse_pcapng(odata, "output")
    if not c.check(len(ob) >= 3 and ob[0].type == SHB and ob[1].type == IDB,
                   "output does not start with SHB, IDB"):
        return
    shb_b, idb_b = ob[0], ob[1]
    c.check(shb_b.order == "<", "output is not little-endian")
    c.check((shb_b.u16(12), shb_b.u16(14)) == (1, 0), "SHB version not 1.0")
    c.check(struct.unpack_from("<q", shb_b.raw, 16)[0] == -1,
            "SHB section length not -1")
    sopts = dict(parse_options(shb_b.raw, 24, len(shb_b.raw) - 4, "<"))
    c.check(sopts.get(4, b"").startswith(b"secretcap "),
            "shb_userappl is %r, expected 'secretcap VERSION'" % sopts.get(4))
    c.check(idb_b.u16(8) == hdr["linktype"], "IDB link type %d, expected %d" %
            (idb_b.u16(8), hdr["linktype"]))
    snap = idb_b.u32(12)
    maxcap = max([r[2] for r in recs] or [0])
    if maxcap > hdr["snaplen"]:
        c.check(snap == 0 or snap >= maxcap, "IDB snaplen %d cannot hold a "
                "%d-byte record (libpcap would reject the file)" % (snap,
                                                                   maxcap))
    else:
        # libpcap adds 14 to the snaplen of a "modified" Ethernet pcap.
        ok = (hdr["snaplen"],)
        if hdr["modified"] and hdr["linktype"] == 1:
            ok = (hdr["snaplen"], hdr["snaplen"] + 14)
        c.check(snap in ok, "IDB snaplen %d, expected %s" % (
            snap, " or ".join(map(str, ok))))
    iopts = parse_options(idb_b.raw, 16, len(idb_b.raw) - 4, "<")
    od = dict(iopts)
    res = od.get(9)
    if hdr["nsec"]:
        c.check(res == b"\x09", "IDB if_tsresol %r, expected 9" % res)
        scale = 10 ** 9
    else:
        c.check(res in (None, b"\x06"), "IDB if_tsresol %r, expected none "
                "or 6" % res)
        scale = 10 ** 6
    fcs = od.get(13)
    if hdr["fcs_bits"] is not None:
        c.check(fcs == bytes([hdr["fcs_bits"]]), "IDB if_fcslen %r, expected "
                "%d (bits)" % (fcs, hdr["fcs_bits"]))
    else:
        c.check(fcs is None, "IDB has if_fcslen but the pcap had no FCS bits")
    k = 2
    ndsb = 0
    while k < len(ob) and ob[k].type == DSB:
        check_dsb(c, ob[k], stype)
        ndsb += 1
        k += 1
    c.check(ndsb >= 1, "no DSB after the IDB")
    epbs = ob[k:]
    for b in epbs:
        if b.type != EPB:
            c.fail("output block #%d is %s; only EPBs may follow the DSBs" % (
                b.number, name(b.type)))
            return
    if not c.check(len(epbs) == len(recs), "%d EPBs for %d records" % (
            len(epbs), len(recs))):
        return
    for n, (b, r) in enumerate(zip(epbs, recs), 1):
        s, frac, cap, orig, data, roff = r
        iface, th, tl, ecap, eorig = struct.unpack_from("<IIIII", b.raw, 8)
        ts = (th << 32) | tl
        c.check(iface == 0, "record %d: EPB interface %d" % (n, iface))
        c.check(ts == s * scale + frac, "record %d: timestamp %d, expected "
                "%d" % (n, ts, s * scale + frac))
        c.check((ecap, eorig) == (cap, orig), "record %d: lengths %d/%d, "
                "expected %d/%d" % (n, ecap, eorig, cap, orig))
        c.check(b.raw[28:28 + ecap] == data, "record %d: packet bytes "
                "differ" % n)
        padded = ecap + (-ecap % 4)
        c.check(b.raw[28 + ecap:28 + padded] == bytes(padded - ecap),
                "record %d: EPB padding not zero" % n)
    return len(recs), len(ob), ndsb


def cmd_list(path):
    data = read_bytes(path)
    if is_pcapng(data):
        for b in parse_pcapng(data, path):
            extra = ""
            if b.type == DSB:
                extra = " secrets_type=0x%08X secrets_len=%d" % (b.u32(8),
                                                                b.u32(12))
            elif b.type == SHB:
                extra = " version=%d.%d section_length=%d" % (
                    b.u16(12), b.u16(14),
                    struct.unpack_from(b.order + "q", b.raw, 16)[0])
            print("%8d s%d %s %-10s len=%d%s" % (
                b.offset, b.section, "LE" if b.order == "<" else "BE",
                name(b.type), len(b.raw), extra))
    else:
        hdr, recs = parse_pcap(data, path)
        print("pcap %s %s linktype=%d snaplen=%d" % (
            "LE" if hdr["order"] == "<" else "BE",
            "ns" if hdr["nsec"] else "us", hdr["linktype"], hdr["snaplen"]))
        for n, (s, frac, cap, orig, _, off) in enumerate(recs, 1):
            print("%8d rec %d ts=%d.%s caplen=%d origlen=%d" % (
                off, n, s, frac, cap, orig))
    return 0


def cmd_extract(path, stype):
    out = bytearray()
    for b in parse_pcapng(read_bytes(path), path):
        if b.type == DSB and b.u32(8) == stype:
            slen = b.u32(12)
            if slen > len(b.raw) - 20:
                raise Bad("%s: block #%d: secrets_len past block" % (path,
                                                                    b.number))
            out += b.raw[16:16 + slen]
    sys.stdout.buffer.write(bytes(out))
    return 0


def cmd_compare(ipath, opath, discarded, sections, stype):
    idata, odata = read_bytes(ipath), read_bytes(opath)
    c = Checker()
    if is_pcapng(idata):
        r = compare_pcapng(c, idata, odata, discarded, sections, stype)
        what = "%s blocks in, %s out, %s DSBs added"
    else:
        r = compare_pcap(c, idata, odata, stype)
        what = "%s records in, %s blocks out, %s DSBs"
    if c.fails or r is None:
        for f in c.fails or ["comparison stopped"]:
            print("FAIL: %s vs %s: %s" % (ipath, opath, f))
        return 1
    print("OK: " + what % r)
    return 0


def main(argv):
    args = argv[1:]
    try:
        if len(args) == 2 and args[0] == "list":
            return cmd_list(args[1])
        if len(args) >= 2 and args[0] == "extract":
            stype = TLS
            if len(args) == 4 and args[2] == "--type":
                stype = int(args[3], 16)
            elif len(args) != 2:
                raise IndexError
            return cmd_extract(args[1], stype)
        if len(args) >= 3 and args[0] == "compare":
            discarded, sections, stype = False, "first", {TLS}
            rest = args[3:]
            while rest:
                if rest[0] == "--discarded":
                    discarded, rest = True, rest[1:]
                elif rest[0] == "--sections" and len(rest) > 1 and rest[1] in (
                        "first", "all"):
                    sections, rest = rest[1], rest[2:]
                elif rest[0] == "--secrets-type" and len(rest) > 1:
                    stype = {int(x, 16) for x in rest[1].split(",")}
                    rest = rest[2:]
                else:
                    raise IndexError
            return cmd_compare(args[1], args[2], discarded, sections, stype)
    except Bad as e:
        print("pcapng_blocks: %s" % e, file=sys.stderr)
        return 2
    except (IndexError, ValueError):
        pass
    except OSError as e:
        print("pcapng_blocks: %s" % e, file=sys.stderr)
        return 2
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
