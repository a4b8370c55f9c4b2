#!/usr/bin/python3
"""Emulate an 802.1Q VLAN sub-interface on a veth with two tiny eBPF programs.

The sample machine's kernel has no 8021q module (no `ip link add ... type vlan`),
so instead we attach two hand-assembled eBPF programs with tcx (kernel >= 6.6):

  egress : bpf_skb_vlan_push(skb, htons(ETH_P_8021Q), VID)   -> every frame leaves tagged
  ingress: bpf_skb_vlan_pop(skb)                             -> tagged frames are accepted

The tag is carried as skb VLAN metadata exactly like a hardware-offloaded tag;
packet sockets (tcpdump/libpcap) see it via PACKET_AUXDATA and put the 802.1Q
header back into the captured frame, as they do on any VLAN-offloading NIC.

usage: vlan-tcx.py IFNAME VID SECONDS     (run inside the interface's netns;
                                            detaches when it exits)
"""
import ctypes
import os
import socket
import struct
import sys
import time

SYS_BPF = 321                      # x86_64
BPF_PROG_LOAD, BPF_LINK_CREATE = 5, 28
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX_INGRESS, BPF_TCX_EGRESS = 46, 47
HELPER_SKB_VLAN_PUSH, HELPER_SKB_VLAN_POP = 18, 19

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


MOV64_IMM = 0xB7   # BPF_ALU64 | BPF_MOV | BPF_K
CALL = 0x85        # BPF_JMP | BPF_CALL
EXIT = 0x95        # BPF_JMP | BPF_EXIT


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, len(attr))
    r = libc.syscall(SYS_BPF, cmd, buf, len(attr))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def load(prog, name):
    code = ctypes.create_string_buffer(prog, len(prog))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(65536)
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS, len(prog) // 8,
                       ctypes.addressof(code), ctypes.addressof(lic),
                       1, len(log), ctypes.addressof(log), 0, 0, name)
    attr += b"\0" * (128 - len(attr))
    try:
        return bpf(BPF_PROG_LOAD, attr), (code, lic, log)
    except OSError:
        print(log.value.decode(errors="replace"), file=sys.stderr)
        raise


def attach(prog_fd, ifindex, where):
    attr = struct.pack("<IIII", prog_fd, ifindex, where, 0) + b"\0" * 48
    return bpf(BPF_LINK_CREATE, attr)


def main():
    ifname, vid, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    ifindex = socket.if_nametoindex(ifname)
    push = (insn(MOV64_IMM, dst=2, imm=socket.htons(0x8100)) +   # r1 = skb (ctx) already
            insn(MOV64_IMM, dst=3, imm=vid) +
            insn(CALL, imm=HELPER_SKB_VLAN_PUSH) +
            insn(MOV64_IMM, dst=0, imm=0) +                        # TC_ACT_OK / TCX_PASS
            insn(EXIT))
    pop = (insn(CALL, imm=HELPER_SKB_VLAN_POP) +
           insn(MOV64_IMM, dst=0, imm=0) +
           insn(EXIT))
    pfd, keep1 = load(push, b"vlan_push")
    qfd, keep2 = load(pop, b"vlan_pop")
    l1 = attach(pfd, ifindex, BPF_TCX_EGRESS)
    l2 = attach(qfd, ifindex, BPF_TCX_INGRESS)
    print("vlan-tcx: %s tagged with VLAN %d (links %d,%d)" % (ifname, vid, l1, l2), flush=True)
    try:
        time.sleep(seconds)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
