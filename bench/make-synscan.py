#!/usr/bin/env python3
"""Writes a SYN-scan capture with N distinct flows (SYN then RST/ACK each) for the memory bound
check of `npm run bench -- --synscan`. Usage: make-synscan.py OUT [N]"""
import struct, sys

def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def frame(src, dst, sport, dport, seq, ack, flags):
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 1024 if flags == 2 else 0, 0, 0)
    pseudo = struct.pack('!4s4sBBH', src, dst, 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00' + ip + tcp

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = 1_700_000_000.0
    target = bytes([10, 1, 0, 1])
    for i in range(n):
        src = bytes([10, 2 + (i >> 16) % 200, (i >> 8) & 255, i & 255])
        sport = 40000 + (i % 20000)
        dport = 1 + (i * 7) % 65535
        for pkt, dt in ((frame(src, target, sport, dport, 1000 + i, 0, 0x02), 0.00001),
                        (frame(target, src, dport, sport, 0, 1001 + i, 0x14), 0.00002)):
            t += dt
            sec = int(t); usec = int((t - sec) * 1e6)
            f.write(struct.pack('<IIII', sec, usec, len(pkt), len(pkt)) + pkt)
