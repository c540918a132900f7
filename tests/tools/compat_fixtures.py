#!/usr/bin/env python3
"""compat_fixtures.py - pcapng files that a major reader refuses.

Python 3 standard library only. Used by tests/cli/reader_compat.sh.

  compat_fixtures.py DIR [NAME...]
      Writes DIR/NAME.pcapng for each fixture (all of them by default) and
      prints the names. Each is valid pcapng (secretcap reads it) with one
      defect that tshark 4.0, tcpdump (libpcap 1.10), editcap or capinfos
      refuse, or, for the "nobody" ones, a defect that we checked no reader
      refuses. Every file is small except big-block (17 MiB) and big-shb
      (1.1 MiB).

  compat_fixtures.py --list
      Prints "NAME<TAB>description" for every fixture.
"""

import os
import struct
import sys

LE, BE = "<", ">"


def pad4(b):
    return b + bytes(-len(b) % 4)


def opt(o, code, value):
    return struct.pack(o + "HH", code, len(value)) + pad4(value)


def endopt(o):
    return struct.pack(o + "HH", 0, 0)


def block(o, btype, body):
    n = 12 + len(body)
    return struct.pack(o + "II", btype, n) + body + struct.pack(o + "I", n)


def shb(o, opts=b""):
    body = struct.pack(o + "IHHq", 0x1A2B3C4D, 1, 0, -1)
    if opts:
        body += opts + endopt(o)
    return block(o, 0x0A0D0D0A, body)


def idb(o, linktype=1, snaplen=0, opts=b""):
    body = struct.pack(o + "HHI", linktype, 0, snaplen)
    if opts:
        body += opts + endopt(o)
    return block(o, 1, body)


FRAME = bytes.fromhex("ffffffffffff020000000001080045000014000100004006"
                      "7ccd7f0000017f000001") + bytes(26)  # 60 bytes


def epb(o, iface=0, data=FRAME, opts=b"", ts=1700000000000000):
    body = struct.pack(o + "IIIII", iface, ts >> 32, ts & 0xFFFFFFFF,
                       len(data), len(data)) + pad4(data)
    if opts:
        body += opts + endopt(o)
    return block(o, 6, body)


def isb(o, iface=0, opts=b""):
    body = struct.pack(o + "III", iface, 0, 0)
    if opts:
        body += opts + endopt(o)
    return block(o, 5, body)


def dsb(o, secrets):
    body = struct.pack(o + "II", 0x544C534B, len(secrets)) + pad4(secrets)
    return block(o, 10, body)


def simple(o=LE, lt=1, idb_opts=b"", epb_opts=b"", n=1):
    return shb(o) + idb(o, lt, 0, idb_opts) + b"".join(
        epb(o, 0, FRAME, epb_opts) for _ in range(n))


def u32(o, v):
    return struct.pack(o + "I", v)


def fixtures():
    o = LE
    f = {}
    # libpcap: any block over 16 MiB (max_blocksize for Ethernet).
    big = (b"# padding\n" * (17 * 1024 * 1024 // 10 + 1))
    f["big-block"] = ("a 17 MiB DSB (a block over 16 MiB)",
                      shb(o) + idb(o) + dsb(o, big) + epb(o))
    # libpcap: the first SHB over 1 MiB (BT_SHB_INSANE_MAX).
    f["big-shb"] = ("an SHB of 1.1 MiB (a long opt_comment)",
                    shb(o, opt(o, 1, b"x" * 60000) * 19) + idb(o) + epb(o))
    f["big-shb-2nd"] = ("a second section whose SHB is 1.1 MiB",
                        simple() + shb(o, opt(o, 1, b"x" * 60000) * 19) +
                        idb(o) + epb(o))
    f["byte-orders"] = ("a little-endian section then a big-endian one",
                        simple(LE) + simple(BE))
    f["linktypes"] = ("two interfaces, link types 1 and 101, one section",
                      shb(o) + idb(o, 1) + idb(o, 101) + epb(o, 0) +
                      epb(o, 1, FRAME[14:]))
    f["linktypes-sections"] = ("section 1 link type 1, section 2 link type "
                               "101", simple(o, 1) +
                               shb(o) + idb(o, 101) + epb(o, 0, FRAME[14:]))
    f["snaplens"] = ("two Ethernet interfaces, snaplens 0 and 65535",
                     shb(o) + idb(o, 1, 0) + idb(o, 1, 65535) + epb(o, 0) +
                     epb(o, 1))
    f["big-packet"] = ("an Ethernet EPB with 262145 bytes of data",
                       shb(o) + idb(o) + epb(o, 0, FRAME + bytes(262145 - 60)))
    f["big-packet-dbus"] = ("a D-Bus EPB with 300000 bytes (allowed)",
                            shb(o) + idb(o, 231) +
                            epb(o, 0, bytes(300000)))
    f["caplen-snaplen"] = ("an EPB of 60 bytes on an interface of snaplen 54",
                           shb(o) + idb(o, 1, 54) + epb(o))
    f["unknown-linktype"] = ("an interface of link type 9999",
                             simple(o, 9999))
    f["tsresol-twice"] = ("an IDB with two if_tsresol options",
                          simple(o, 1, opt(o, 9, b"\x06") + opt(o, 9, b"\x09")))
    for v, what in ((0, "10^0"), (19, "10^-19"), (0x80, "2^0"),
                    (0x80 | 63, "2^-63")):
        f["tsresol-%02x" % v] = ("if_tsresol %s" % what,
                                 simple(o, 1, opt(o, 9, bytes([v]))))
    f["epb-flags-2"] = ("an EPB whose epb_flags has length 2",
                        simple(o, 1, b"", opt(o, 2, b"\x01\x00"), 2))
    f["epb-dropcount-4"] = ("an EPB whose epb_dropcount has length 4",
                            simple(o, 1, b"", opt(o, 4, u32(o, 0))))
    f["epb-packetid-4"] = ("an EPB whose epb_packetid has length 4",
                           simple(o, 1, b"", opt(o, 5, u32(o, 0))))
    f["epb-queue-2"] = ("an EPB whose epb_queue has length 2",
                        simple(o, 1, b"", opt(o, 6, b"\x00\x00")))
    f["epb-hash-0"] = ("an EPB whose epb_hash is empty",
                       simple(o, 1, b"", opt(o, 3, b"")))
    f["if-fcslen-2"] = ("an IDB whose if_fcslen has length 2",
                        simple(o, 1, opt(o, 13, b"\x04\x00")))
    f["if-tsoffset-4"] = ("an IDB whose if_tsoffset has length 4",
                          simple(o, 1, opt(o, 14, u32(o, 0))))
    f["if-tsoffset-twice"] = ("an IDB with two if_tsoffset options",
                              simple(o, 1, opt(o, 14, bytes(8)) * 2))
    f["if-speed-4"] = ("an IDB whose if_speed has length 4",
                       simple(o, 1, opt(o, 8, u32(o, 0))))
    f["if-ipv4-4"] = ("an IDB whose if_IPv4addr has length 4",
                      simple(o, 1, opt(o, 4, bytes(4))))
    f["if-mac-4"] = ("an IDB whose if_MACaddr has length 4",
                     simple(o, 1, opt(o, 6, bytes(4))))
    f["isb-ifrecv-4"] = ("an ISB whose isb_ifrecv has length 4",
                         simple() + isb(o, 0, opt(o, 4, u32(o, 0))))
    f["isb-starttime-4"] = ("an ISB whose isb_starttime has length 4",
                            simple() + isb(o, 0, opt(o, 2, u32(o, 0))))
    f["snaplen-0-262144"] = ("Ethernet interfaces of snaplen 0 and 262144 "
                             "(equal for libpcap)",
                             shb(o) + idb(o, 1, 0) + idb(o, 1, 262144) +
                             epb(o, 0) + epb(o, 1))
    f["dbus-big-block"] = ("a 17 MiB DSB after a D-Bus interface (libpcap "
                           "allows it)", shb(o) + idb(o, 231) +
                           dsb(o, big) + epb(o, 0, bytes(100)))
    f["spb-big"] = ("an SPB with 262145 bytes of data",
                    shb(o) + idb(o) + block(o, 3, struct.pack(o + "I", 262145)
                                            + bytes(262148)))
    f["epb-verdict-0"] = ("an EPB whose epb_verdict is empty",
                          simple(o, 1, b"", opt(o, 7, b"")))
    f["pb-flags-2"] = ("a PB whose pack_flags has length 2",
                       shb(o) + idb(o) +
                       block(o, 2, struct.pack(o + "HHIIII", 0, 0, 0, 0, 60,
                                               60) + FRAME +
                             opt(o, 2, b"\x01\x00") + endopt(o)))
    f["no-idb"] = ("a section header and nothing else", shb(o))
    f["after-endofopt"] = ("IDB and EPB options after opt_endofopt",
                           shb(o) +
                           block(o, 1, struct.pack(o + "HHI", 1, 0, 0) +
                                 endopt(o) + opt(o, 9, b"\x09") +
                                 opt(o, 9, b"\x06")) +
                           block(o, 6, epb(o)[8:-4] + endopt(o) +
                                 opt(o, 2, b"\x01\x00")))
    return f


def main():
    if sys.argv[1:] == ["--list"]:
        for name, (what, _) in fixtures().items():
            print("%s\t%s" % (name, what))
        return 0
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    out, names = sys.argv[1], sys.argv[2:]
    f = fixtures()
    for name in names or f:
        with open(os.path.join(out, name + ".pcapng"), "wb") as fh:
            fh.write(f[name][1])
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
