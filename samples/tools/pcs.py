#!/usr/bin/python3
"""Traffic helpers for samples/make-samples.sh and samples/make-bench-capture.sh.

Every sub-command is a tiny, deterministic client or server built on plain
Python sockets (standard library only), so that the captures contain real
traffic from the Linux TCP/IP stack with fixed payloads and fixed ports.

  pcs.py http-server ADDR PORT            HTTP/1.1 keep-alive server (Content-Length and chunked)
  pcs.py tcp-server SCENARIO ADDR PORT    server side of a TCP behaviour scenario
  pcs.py tcp-client SCENARIO ADDR PORT    client side of a TCP behaviour scenario
  pcs.py udp-sink ADDR PORT SECONDS       receive (and ignore) UDP datagrams for a while
  pcs.py udp-send ADDR PORT SIZE [SPORT]  send one UDP datagram of SIZE bytes
  pcs.py bench-http-clients ...           load generator used by make-bench-capture.sh
  pcs.py bench-short-clients ...          many short TCP connections (bench)
  pcs.py bench-bulk-server/-client ...    bulk transfers (bench)
  pcs.py rewrite-pcap ...                 renumber addresses/ports + shift time (bench concat)

Scenarios: bulk, timeout-retrans, fast-retrans, reorder, zero-window, syn-backoff,
rst-abort, keepalive, half-close, simultaneous-close, port-reuse.
"""
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERBOSE = bool(os.environ.get("PCS_VERBOSE"))
MSS_PAYLOAD = 1448  # 1500 - 20 (IP) - 20 (TCP) - 12 (timestamps option)


_PATTERN_CACHE = {}


def pattern(n, seed=0):
    """Deterministic, human-recognisable payload of n bytes."""
    if seed == 0 and n <= 4_000_000:
        big = _PATTERN_CACHE.get(0)
        if big is None:
            big = _PATTERN_CACHE[0] = _pattern(4_000_000, 0)
        return big[:n]
    return _pattern(n, seed)


def _pattern(n, seed):
    line = b"pcapscope sample data 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
    out = bytearray()
    i = seed
    while len(out) < n:
        out += b"%08d " % i + line
        i += 1
    return bytes(out[:n])


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def listener(addr, port, backlog=16, rcvbuf=None):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, port))
    s.listen(backlog)
    return s


def connect(addr, port, sport=None, rcvbuf=None, timeout=30, opts=()):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    for lvl, name, val in opts:
        s.setsockopt(lvl, name, val)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if sport:
        src = "10.99.0.1" if family(addr) == socket.AF_INET else "fd99::1"
        s.bind((os.environ.get("PCS_SRC", src), sport))
    s.settimeout(timeout)
    s.connect((addr, port))
    s.settimeout(None)
    return s


def recv_all(s):
    total = 0
    while True:
        b = s.recv(65536)
        if not b:
            return total
        total += len(b)


def recv_exact(s, n):
    got = 0
    while got < n:
        b = s.recv(min(65536, n - got))
        if not b:
            break
        got += len(b)
    return got


def recv_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            break
        buf += b
    return buf


def log(*a):
    print("[pcs]", *a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# HTTP/1.1 server
# --------------------------------------------------------------------------
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pcapscope-demo/1.0"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet
        pass

    def date_time_string(self, timestamp=None):
        # A fixed Date keeps the captures reproducible byte-for-byte in the HTTP layer.
        return "Sat, 01 Jun 2024 12:00:00 GMT"

    def _send(self, code, body, ctype="text/plain; charset=utf-8"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        p = self.path
        if p in ("/", "/index.html"):
            self._send(200, b"<!doctype html><title>pcapscope demo</title><h1>Hello from pcapscope</h1>\n",
                       "text/html; charset=utf-8")
        elif p == "/hello.txt":
            self._send(200, b"Hello, pcapscope!\n")
        elif p == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in (b"first chunk\n", b"second chunk\n", b"third and last chunk\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        elif p.startswith("/obj/"):
            try:
                n = int(p[5:].split("?")[0])
            except ValueError:
                n = 0
            self._send(200, pattern(min(n, 50_000_000)), "application/octet-stream")
        else:
            self._send(404, b"404 Not Found: %s\n" % p.encode())

    do_HEAD = do_GET

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n) if n else b""
        self._send(200, b"received %d bytes: " % len(body) + body[:200] + b"\n")


def http_server(addr, port, seconds="60"):
    ThreadingHTTPServer.address_family = family(addr)
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.request_queue_size = 512
    srv = ThreadingHTTPServer((addr, int(port)), Handler)
    srv.daemon_threads = True
    threading.Timer(float(seconds), srv.shutdown).start()
    srv.serve_forever()


# --------------------------------------------------------------------------
# TCP behaviour scenarios (server side sends the interesting data)
# --------------------------------------------------------------------------
def tcp_server(scn, addr, port, *args):
    port = int(port)
    rcvbuf = None
    ls = listener(addr, port, rcvbuf=rcvbuf)
    ls.settimeout(60)
    conns = 2 if scn == "port-reuse" else 1
    for _ in range(conns):
        c, peer = ls.accept()
        log(scn, "accepted", peer)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        serve_one(scn, c, *args)
    ls.close()


def serve_one(scn, c, *args):
    if scn == "bulk":
        size = int(args[0]) if args else 1_000_000
        recv_line(c)
        c.sendall(pattern(size))
        c.shutdown(socket.SHUT_WR)
        recv_all(c)
        c.close()
    elif scn in ("timeout-retrans", "fast-retrans", "reorder"):
        nseg = {"timeout-retrans": 10, "fast-retrans": 30, "reorder": 6}[scn]
        recv_line(c)                                 # "GET\n"
        c.sendall(pattern(nseg * MSS_PAYLOAD))       # one burst, fits the initial cwnd/window
        recv_line(c)                                 # "DONE\n" once the client has it all
        c.close()
    elif scn == "zero-window":
        recv_line(c)
        c.sendall(pattern(32 * 1024))                # blocks while the peer's window is 0
        c.close()
    elif scn == "syn-backoff":
        line = recv_line(c)
        c.sendall(b"hello after " + line)
        recv_all(c)
        c.close()
    elif scn == "rst-abort":
        line = recv_line(c)
        c.sendall(b"echo: " + line)
        try:
            recv_all(c)
        except ConnectionResetError:
            log("server saw ECONNRESET, as expected")
        c.close()
    elif scn == "keepalive":
        line = recv_line(c)
        c.sendall(b"pong " + line)
        recv_all(c)                                  # idle until the client closes
        c.close()
    elif scn == "half-close":
        req = b""
        while True:                                  # read the request up to the client's FIN
            b = c.recv(4096)
            if not b:
                break
            req += b
        log("request complete (client half-closed):", req)
        for i in range(5):                           # keep sending after the client's FIN
            c.sendall(b"response part %d of 5 " % (i + 1) + pattern(600, i) + b"\n")
            time.sleep(0.2)
        c.close()
    elif scn == "simultaneous-close":
        recv_line(c)
        c.sendall(b"bye\n")
        c.close()                                    # FIN is held 50 ms by nfq-impair --fifo
    elif scn == "port-reuse":
        line = recv_line(c)
        c.sendall(b"reply to " + line)
        c.close()                                    # server closes first -> server TIME_WAIT
    else:
        raise SystemExit("unknown scenario " + scn)


def tcp_client(scn, addr, port, *args):
    port = int(port)
    sport = int(os.environ.get("PCS_SPORT", "0")) or None
    if scn == "bulk":
        s = connect(addr, port, sport, rcvbuf=int(os.environ.get("PCS_RCVBUF", "262144")))
        s.sendall(b"GET bulk\n")
        n = recv_all(s)
        log("bulk received", n)
        time.sleep(0.2)                              # let late (delayed) segments arrive first
        s.close()
    elif scn in ("timeout-retrans", "fast-retrans", "reorder"):
        nseg = {"timeout-retrans": 10, "fast-retrans": 30, "reorder": 6}[scn]
        # a small fixed receive buffer: the advertised window is constant from the
        # start, so the receiver's duplicate ACKs really are duplicates
        s = connect(addr, port, sport, rcvbuf=int(os.environ.get("PCS_RCVBUF", "16384")))
        s.sendall(b"GET\n")
        n = recv_exact(s, nseg * MSS_PAYLOAD)
        log(scn, "received", n)
        s.sendall(b"DONE\n")
        recv_all(s)
        time.sleep(0.1)
        s.close()
    elif scn == "zero-window":
        s = connect(addr, port, sport, rcvbuf=4096)
        s.sendall(b"GET\n")
        time.sleep(float(args[0]) if args else 3.0)  # application stops reading: window closes
        n = 0
        while True:                                  # then drain in small bites
            b = s.recv(8192)
            if not b:
                break
            n += len(b)
        log("zero-window received", n)
        s.close()
    elif scn == "syn-backoff":
        t0 = time.time()
        s = connect(addr, port, sport, timeout=20)
        log("connected after %.2fs" % (time.time() - t0))
        s.sendall(b"slow start\n")
        recv_line(s)
        s.close()
    elif scn == "rst-abort":
        s = connect(addr, port, sport)
        s.sendall(b"some data before the abort\n")
        recv_line(s)
        time.sleep(0.1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()                                    # abortive close -> RST
    elif scn == "keepalive":
        s = connect(addr, port, sport, opts=[
            (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
            (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1),
            (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1),
            (socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 5)])
        s.sendall(b"ping\n")
        recv_line(s)
        time.sleep(float(args[0]) if args else 4.5)  # idle: keep-alive probes every second
        s.close()
    elif scn == "half-close":
        s = connect(addr, port, sport)
        s.sendall(b"REQUEST: send me five parts, I am done sending\n")
        s.shutdown(socket.SHUT_WR)                   # FIN now, keep receiving
        n = recv_all(s)
        log("half-close received", n)
        s.close()
    elif scn == "simultaneous-close":
        s = connect(addr, port, sport)
        s.sendall(b"close together\n")
        recv_line(s)                                 # "bye" arrives right before the server's close()
        s.close()                                    # our FIN is held 50 ms as well -> FINs cross
        time.sleep(0.3)
    elif scn == "port-reuse":
        for i in (1, 2):
            s = connect(addr, port, sport)
            s.sendall(b"connection %d\n" % i)
            recv_line(s)
            recv_all(s)                              # server closes first
            s.close()
            time.sleep(0.5)
    else:
        raise SystemExit("unknown scenario " + scn)


# --------------------------------------------------------------------------
# UDP
# --------------------------------------------------------------------------
def udp_sink(addr, port, seconds):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    s.settimeout(0.2)
    end = time.time() + float(seconds)
    while time.time() < end:
        try:
            data, peer = s.recvfrom(65535)
            log("udp-sink got", len(data), "bytes from", peer)
        except socket.timeout:
            pass


def udp_send(addr, port, size, sport="0"):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    if int(sport):
        s.bind(("", int(sport)))
    s.sendto(pattern(int(size)), (addr, int(port)))
    time.sleep(0.2)


# --------------------------------------------------------------------------
# Bench load generators
# --------------------------------------------------------------------------
def bench_http_clients(addr, port, nconn, nreq, seed):
    """nconn threads, each one keep-alive connection doing nreq GETs of varied sizes."""
    import random
    nconn, nreq, seed = int(nconn), int(nreq), int(seed)
    sizes = [200, 512, 1100, 2500, 4000, 7000, 12000, 24000, 48000, 90000]
    weights = [18, 16, 14, 12, 10, 9, 8, 6, 4, 3]

    def worker(k):
        rnd = random.Random(seed * 1000 + k)
        try:
            s = connect(addr, int(port))
            f = s.makefile("rb")
            for r in range(nreq):
                n = rnd.choices(sizes, weights)[0] + rnd.randrange(0, 300)
                if rnd.random() < 0.05:
                    path = "/missing/%d" % r
                else:
                    path = "/obj/%d" % n
                s.sendall(b"GET %s HTTP/1.1\r\nHost: bench.demo.test\r\nUser-Agent: pcapscope-bench\r\n"
                          b"Accept: */*\r\n\r\n" % path.encode())
                clen = 0
                while True:
                    line = f.readline()
                    if not line or line == b"\r\n":
                        break
                    if line.lower().startswith(b"content-length:"):
                        clen = int(line.split(b":")[1])
                f.read(clen)
            s.close()
        except OSError as e:
            if VERBOSE:
                log("http worker", k, e)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(nconn)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def bench_short_server(addr, port, seconds):
    ls = listener(addr, int(port), backlog=1024)
    ls.settimeout(1)
    end = time.time() + float(seconds)

    def handle(c):
        try:
            line = recv_line(c)
            c.sendall(b"OK " + line + pattern(300 + (len(line) * 37) % 900))
            c.close()
        except OSError:
            pass

    while time.time() < end:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        threading.Thread(target=handle, args=(c,), daemon=True).start()


def bench_short_clients(addr, port, count, parallel, gap="0"):
    count, parallel, gap = int(count), int(parallel), float(gap)
    lock = threading.Lock()
    state = {"next": 0}

    def worker():
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= count:
                return
            try:
                s = connect(addr, int(port))
                s.sendall(b"HELLO %d\n" % i)
                recv_all(s)
                s.close()
            except OSError as e:
                if VERBOSE:
                    log("short", i, e)
            if gap:
                time.sleep(gap)

    ts = [threading.Thread(target=worker) for _ in range(parallel)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def _dns_query(qid, name, qtype):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)          # RD, 1 question, EDNS OPT
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", qtype, 1)
    q += b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)             # OPT RR
    return q


def bench_dns(server, count, threads="4", seed="1", gap="0"):
    """Send `count` DNS queries (mixed names/types, ~10% NXDOMAIN) and wait for answers;
    each thread pauses `gap` seconds between queries."""
    import random
    count, threads, seed, gap = int(count), int(threads), int(seed), float(gap)
    names = ["www.demo.test", "web.demo.test", "demo.test", "ns1.demo.test", "mail.demo.test",
             "_http._tcp.demo.test", "client.demo.test"]
    types = [1, 28, 5, 15, 16, 33, 6, 2]

    def worker(k):
        rnd = random.Random(seed * 100 + k)
        s = socket.socket(family(server), socket.SOCK_DGRAM)
        s.settimeout(0.5)
        s.connect((server, 53))
        for i in range(count // threads):
            if rnd.random() < 0.1:
                name = "host%d.demo.test" % rnd.randrange(100000)
            else:
                name = rnd.choice(names)
            try:
                s.send(_dns_query(rnd.randrange(65536), name, rnd.choice(types)))
                s.recv(4096)
            except OSError:
                pass
            if gap:
                time.sleep(gap)
        s.close()

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def bench_bulk_server(addr, port, size, conns):
    ls = listener(addr, int(port))
    data = pattern(int(size))
    for _ in range(int(conns)):
        c, _ = ls.accept()
        recv_line(c)
        c.sendall(data)
        c.close()


def bench_bulk_client(addr, port, conns):
    for _ in range(int(conns)):
        s = connect(addr, int(port))
        s.sendall(b"GET bulk\n")
        recv_all(s)
        s.close()


# --------------------------------------------------------------------------
# pcap rewriting for the bench concatenation fallback
# --------------------------------------------------------------------------
def rewrite_pcap(src, dst, copies):
    """Write `copies` back-to-back copies of classic pcap `src` into `dst`.

    Copy k (k >= 1) is renumbered so that its flows are distinct from every other copy:
    IPv4 10.99.x.y -> 10.(100 + k % 150).(k // 150).y, IPv6 fd99::/64 -> fd99:0:k::/64,
    ARP addresses likewise, and TCP/UDP ports >= 32768 (the ephemeral side) shifted; all
    timestamps are shifted so the copies follow each other.  IPv4 header, TCP, UDP and
    ICMPv6 checksums are updated incrementally (RFC 1624), so they stay valid.
    """
    copies = int(copies)
    with open(src, "rb") as f:
        gh = f.read(24)
        magic = struct.unpack("<I", gh[:4])[0]
        assert magic == 0xA1B2C3D4, "expects a little-endian microsecond pcap"
        body = f.read()
    recs = []
    off = 0
    while off + 16 <= len(body):
        ts_s, ts_u, incl, orig = struct.unpack_from("<IIII", body, off)
        recs.append((ts_s, ts_u, incl, orig, off + 16))
        off += 16 + incl
    first = recs[0][0] * 1_000_000 + recs[0][1]
    last = recs[-1][0] * 1_000_000 + recs[-1][1]
    span = last - first + 1000
    with open(dst, "wb") as out:
        out.write(gh)
        for k in range(copies):
            shift = k * span
            chunks = []
            for ts_s, ts_u, incl, orig, p in recs:
                pkt = bytearray(body[p:p + incl])
                if k:
                    _rewrite_pkt(pkt, k)
                t = ts_s * 1_000_000 + ts_u + shift
                chunks.append(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(pkt), orig))
                chunks.append(pkt)
                if len(chunks) > 20000:
                    out.write(b"".join(chunks))
                    chunks = []
            out.write(b"".join(chunks))
            log("copy", k + 1, "of", copies, "written")


def _csum_adjust(csum, old, new):
    """RFC 1624 incremental update of a 16-bit one's complement checksum."""
    s = (~csum) & 0xFFFF
    for i in range(0, len(old), 2):
        s += ((~((old[i] << 8) | old[i + 1])) & 0xFFFF) + ((new[i] << 8) | new[i + 1])
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _new_port(p, k):
    return 32768 + (p - 32768 + 7919 * k) % 28000 if p >= 32768 else p


def _fix_l4(pkt, l4, proto, k, addr_old, addr_new, v6):
    """Shift ports and update the L4 checksum for changed addresses + ports."""
    if proto in (6, 17) and l4 + 8 <= len(pkt):
        ports_old = bytes(pkt[l4:l4 + 4])
        sp, dp = struct.unpack_from("!HH", pkt, l4)
        struct.pack_into("!HH", pkt, l4, _new_port(sp, k), _new_port(dp, k))
        ports_new = bytes(pkt[l4:l4 + 4])
        co = l4 + (16 if proto == 6 else 6)
        if co + 2 <= len(pkt):
            c = struct.unpack_from("!H", pkt, co)[0]
            if proto == 17 and c == 0 and not v6:
                return                                  # IPv4 UDP without checksum
            c = _csum_adjust(c, addr_old + ports_old, addr_new + ports_new)
            if proto == 17 and c == 0:
                c = 0xFFFF
            struct.pack_into("!H", pkt, co, c)
    elif proto == 58 and v6 and l4 + 4 <= len(pkt):
        c = struct.unpack_from("!H", pkt, l4 + 2)[0]
        if pkt[l4] in (135, 136) and l4 + 24 <= len(pkt) and pkt[l4 + 8] == 0xFD and pkt[l4 + 9] == 0x99:
            t_old = bytes(pkt[l4 + 8:l4 + 24])           # neighbour discovery target address
            struct.pack_into("!H", pkt, l4 + 12, k)
            addr_old, addr_new = addr_old + t_old, addr_new + bytes(pkt[l4 + 8:l4 + 24])
        struct.pack_into("!H", pkt, l4 + 2, _csum_adjust(c, addr_old, addr_new))


def _rewrite_pkt(pkt, k):
    eth = 14
    if len(pkt) < eth:
        return
    etype = struct.unpack_from("!H", pkt, 12)[0]
    if etype == 0x0800 and len(pkt) >= eth + 20:
        ihl = (pkt[eth] & 0x0F) * 4
        old = bytes(pkt[eth + 12:eth + 20])
        for a in (eth + 12, eth + 16):
            if pkt[a] == 10:
                pkt[a + 1] = 100 + (k % 150)
                pkt[a + 2] = (k // 150) % 256
        new = bytes(pkt[eth + 12:eth + 20])
        c = struct.unpack_from("!H", pkt, eth + 10)[0]
        struct.pack_into("!H", pkt, eth + 10, _csum_adjust(c, old, new))
        frag = struct.unpack_from("!H", pkt, eth + 6)[0]
        if frag & 0x1FFF == 0:                          # first (or only) fragment
            _fix_l4(pkt, eth + ihl, pkt[eth + 9], k, old, new, False)
    elif etype == 0x86DD and len(pkt) >= eth + 40:
        old = bytes(pkt[eth + 8:eth + 40])
        for a in (eth + 8, eth + 24):
            if pkt[a] == 0xFD and pkt[a + 1] == 0x99:
                struct.pack_into("!H", pkt, a + 4, k)
        new = bytes(pkt[eth + 8:eth + 40])
        proto, l4 = pkt[eth + 6], eth + 40
        if proto == 44 and l4 + 8 <= len(pkt):          # fragment header
            fo = struct.unpack_from("!H", pkt, l4 + 2)[0]
            proto, l4 = pkt[l4], l4 + 8
            if fo & 0xFFF8:
                return                                  # not the first fragment
        _fix_l4(pkt, l4, proto, k, old, new, True)
    elif etype == 0x0806 and len(pkt) >= eth + 28:
        for a in (eth + 14, eth + 24):
            if pkt[a] == 10:
                pkt[a + 1] = 100 + (k % 150)
                pkt[a + 2] = (k // 150) % 256


COMMANDS = {
    "http-server": http_server,
    "tcp-server": tcp_server,
    "tcp-client": tcp_client,
    "udp-sink": udp_sink,
    "udp-send": udp_send,
    "bench-http-clients": bench_http_clients,
    "bench-short-server": bench_short_server,
    "bench-short-clients": bench_short_clients,
    "bench-dns": bench_dns,
    "bench-bulk-server": bench_bulk_server,
    "bench-bulk-client": bench_bulk_client,
    "rewrite-pcap": rewrite_pcap,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
