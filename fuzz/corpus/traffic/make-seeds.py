#!/usr/bin/env python3
"""make-seeds.py - the seed corpus of fuzz_traffic from real captures.

Converts classic pcap (either byte order, us or ns) and simple pcapng (SHB,
IDB, EPB, SPB, PB; default if_tsresol assumed) captures into the frame
format of fuzz/fuzz_traffic.c: one options byte, then per frame
[link type index][length, 2 bytes big endian][flags] and the bytes. Each
capture is cut to its first 30 frames and to under 64 KiB. Captures whose
link type fuzz_traffic.c does not list are skipped.

Usage (from the repository root; writes fuzz/corpus/traffic/*.seed):
    python3 fuzz/corpus/traffic/make-seeds.py
"""
import glob
import os
import struct
import sys

# The order of link_types[] in fuzz/fuzz_traffic.c.
LINK_TYPES = [1, 113, 276, 0, 108, 101, 12, 14, 228, 229, 9, 105, 127, 147,
              65535]
MAX_FRAMES = 30
MAX_SIZE = 64 * 1024 - 1
OPTIONS = 0x03  # pcapng replay through scope_scan, key-log judging; limits 0


def read_pcap(data):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None
    nsec = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    pos, frames = 24, []
    while pos + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(e + "IIII", data[pos:pos + 16])
        pos += 16
        if caplen > len(data) - pos:
            break
        us = sec * 1000000 + (frac // 1000 if nsec else frac)
        frames.append((linktype, data[pos:pos + caplen], 1, 0, us))
        pos += caplen
    return frames


def read_pcapng(data):
    pos, frames, section, e = 0, [], 0, "<"
    ifaces = []
    while pos + 12 <= len(data):
        btype = struct.unpack("<I", data[pos:pos + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            section += 1
            ifaces = []
        btype, blen = struct.unpack(e + "II", data[pos:pos + 8])
        if blen < 12 or pos + blen > len(data):
            break
        body = data[pos + 8:pos + blen - 4]
        if btype == 1:
            ifaces.append(struct.unpack(e + "H", body[0:2])[0])
        elif btype in (6, 2) and len(body) >= 20:
            if btype == 6:
                ifc, hi, lo, caplen = struct.unpack(e + "IIII", body[0:16])
            else:
                ifc, _, hi, lo, caplen = struct.unpack(e + "HHIII", body[0:16])
            if ifc < len(ifaces):
                frames.append((ifaces[ifc], body[20:20 + caplen], section,
                               ifc, hi << 32 | lo))
        elif btype == 3 and ifaces and len(body) >= 4:
            orig = struct.unpack(e + "I", body[0:4])[0]
            frames.append((ifaces[0], body[4:4 + orig], section, 0, None))
        pos += blen
    return frames


def step(delta):
    if delta is None or delta == 0:
        return 0
    if delta < 0:
        return 7
    for i, limit in enumerate([500, 500000, 5000000, 20000000, 1000000000]):
        if delta < limit:
            return i + 1
    return 6


def convert(frames, options=OPTIONS):
    out = bytearray([options])
    prev_t, prev_section, n = None, 1, 0
    for linktype, data, section, ifc, t in frames:
        if linktype not in LINK_TYPES:
            return None
        data = data[:65535]
        delta = None if t is None or prev_t is None else t - prev_t
        flags = step(delta) | (ifc & 3) << 3
        if section != prev_section:
            flags |= 0x20
        rec = bytes([LINK_TYPES.index(linktype)]) + \
            struct.pack(">HB", len(data), flags) + data
        if len(out) + len(rec) > MAX_SIZE:
            break
        out += rec
        prev_section = section
        prev_t = t if t is not None else prev_t
        n += 1
        if n == MAX_FRAMES:
            break
    return bytes(out) if n > 0 else None


def main():
    top = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    outdir = os.path.join(top, "fuzz", "corpus", "traffic")
    paths = sorted(glob.glob(os.path.join(top, "tests/fixtures/traffic/*.pcap*")))
    shared = os.path.join(os.path.dirname(top), "shared", "corpus")
    paths += sorted(glob.glob(os.path.join(shared, "**", "*.pcap"),
                              recursive=True))
    paths += sorted(glob.glob(os.path.join(shared, "s0*", "*.pcapng")))
    written, seen = 0, set()
    for path in paths:
        if path.endswith(".txt"):
            continue
        with open(path, "rb") as f:
            data = f.read()
        frames = read_pcap(data)
        if frames is None:
            frames = read_pcapng(data)
        seed = convert(frames) if frames else None
        if seed is None:
            print("skipped (link type or empty):", path, file=sys.stderr)
            continue
        if seed in seen:
            print("skipped (same frames as another):", path, file=sys.stderr)
            continue
        seen.add(seed)
        name = os.path.splitext(os.path.basename(path))[0]
        if not path.startswith(os.path.join(top, "tests")):
            name = "shared-" + name
        with open(os.path.join(outdir, name + ".seed"), "wb") as f:
            f.write(seed)
        written += 1
    # Mixes: several captures interleaved in one table with 2 flows at
    # most (eviction, the pending cap), and captures without their first
    # packets (flows without handshake).
    fix = os.path.join(top, "tests", "fixtures", "traffic")

    def frames_of(name):
        with open(os.path.join(fix, name), "rb") as f:
            return read_pcap(f.read())

    mix = [frames_of(n) for n in ("tls-3conn.pcap", "quic-v1.pcap",
                                  "dtls12.pcap", "smtp-starttls.pcap")]
    inter = []
    for i in range(max(len(m) for m in mix)):
        inter += [m[i] for m in mix if i < len(m)]
    late = frames_of("tls13.pcap")[4:] + frames_of("quic-v1.pcap")[3:] + \
        frames_of("dtls12.pcap")[3:]
    for name, frames, opts in (("mix-evict", inter, OPTIONS | 1 << 2),
                               ("mix-pending1", inter, OPTIONS | 2 << 2),
                               ("no-handshake", late, OPTIONS)):
        seed = convert(frames, opts)
        with open(os.path.join(outdir, name + ".seed"), "wb") as f:
            f.write(seed)
        written += 1
    print("wrote", written, "seeds to", outdir, file=sys.stderr)


if __name__ == "__main__":
    main()
