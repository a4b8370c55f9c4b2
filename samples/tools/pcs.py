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

MSS_PAYLOAD = 1448  # 1500 - 20 (IP) - 20 (TCP) - 12 (timestamps option)


def pattern(n, seed=0):
    """Deterministic, human-recognisable payload of n bytes."""
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
        s = connect(addr, port, sport, rcvbuf=262144)   # fixed window: clean dup ACKs
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
            s = connect(addr, port)
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


def bench_short_clients(addr, port, count, parallel):
    count, parallel = int(count), int(parallel)
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
                log("short", i, e)

    ts = [threading.Thread(target=worker) for _ in range(parallel)]
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
def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def rewrite_pcap(src, dst, copies):
    """Write `copies` back-to-back copies of classic pcap `src` into `dst`.

    Copy k (k >= 1) gets: IPv4 addresses 10.99.0.x -> 10.(99+k%100)... (second octet
    changed), IPv6 fd99::x -> fd99:0:k::x, ephemeral client ports shifted, and all
    timestamps shifted so the copies follow each other.  IPv4 header checksums are
    recomputed; TCP/UDP checksums are adjusted (pseudo-header changed) by full recompute.
    """
    copies = int(copies)
    with open(src, "rb") as f:
        gh = f.read(24)
        magic = struct.unpack("<I", gh[:4])[0]
        assert magic == 0xA1B2C3D4, "expects little-endian microsecond pcap"
        body = f.read()
    # index packets once
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
            for ts_s, ts_u, incl, orig, p in recs:
                pkt = bytearray(body[p:p + incl])
                if k:
                    _rewrite_pkt(pkt, k)
                t = ts_s * 1_000_000 + ts_u + shift
                out.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(pkt), orig))
                out.write(pkt)
            log("copy", k + 1, "of", copies, "written")


def _l4_fix(pkt, l4, l4len, pseudo, proto):
    if proto == 6 and l4 + 20 <= len(pkt):
        pkt[l4 + 16:l4 + 18] = b"\0\0"
        if l4 + l4len <= len(pkt):
            c = _csum(pseudo + bytes(pkt[l4:l4 + l4len]))
            pkt[l4 + 16:l4 + 18] = struct.pack("!H", c)
    elif proto == 17 and l4 + 8 <= len(pkt):
        pkt[l4 + 6:l4 + 8] = b"\0\0"
        if l4 + l4len <= len(pkt):
            c = _csum(pseudo + bytes(pkt[l4:l4 + l4len])) or 0xFFFF
            pkt[l4 + 6:l4 + 8] = struct.pack("!H", c)


def _shift_ports(pkt, l4, proto, k):
    if proto not in (6, 17) or l4 + 4 > len(pkt):
        return
    sp, dp = struct.unpack_from("!HH", pkt, l4)
    # shift the ephemeral (client) side only so well-known server ports stay recognisable
    if sp >= 32768:
        sp = 32768 + (sp - 32768 + 7919 * k) % 28000
    if dp >= 32768:
        dp = 32768 + (dp - 32768 + 7919 * k) % 28000
    struct.pack_into("!HH", pkt, l4, sp, dp)


def _rewrite_pkt(pkt, k):
    eth = 14
    etype = struct.unpack_from("!H", pkt, 12)[0]
    if etype == 0x0800 and len(pkt) >= eth + 20:
        ihl = (pkt[eth] & 0x0F) * 4
        for a in (eth + 12, eth + 16):
            if pkt[a] == 10:
                pkt[a + 1] = 100 + (k % 150)
                pkt[a + 2] = (k // 150) % 256
        pkt[eth + 10:eth + 12] = b"\0\0"
        pkt[eth + 10:eth + 12] = struct.pack("!H", _csum(bytes(pkt[eth:eth + ihl])))
        frag = struct.unpack_from("!H", pkt, eth + 6)[0]
        proto = pkt[eth + 9]
        if frag & 0x1FFF == 0 and not frag & 0x2000:
            l4 = eth + ihl
            tot = struct.unpack_from("!H", pkt, eth + 2)[0]
            l4len = tot - ihl
            _shift_ports(pkt, l4, proto, k)
            pseudo = bytes(pkt[eth + 12:eth + 20]) + struct.pack("!BBH", 0, proto, l4len)
            _l4_fix(pkt, l4, l4len, pseudo, proto)
    elif etype == 0x86DD and len(pkt) >= eth + 40:
        for a in (eth + 8, eth + 24):
            if pkt[a] == 0xFD and pkt[a + 1] == 0x99:
                struct.pack_into("!H", pkt, a + 4, k)
        proto = pkt[eth + 6]
        l4len = struct.unpack_from("!H", pkt, eth + 4)[0]
        l4 = eth + 40
        if proto in (6, 17):
            _shift_ports(pkt, l4, proto, k)
            pseudo = bytes(pkt[eth + 8:eth + 40]) + struct.pack("!IxxxB", l4len, proto)
            _l4_fix(pkt, l4, l4len, pseudo, proto)
        elif proto == 58 and l4 + 4 <= len(pkt) and l4 + l4len <= len(pkt):
            pkt[l4 + 2:l4 + 4] = b"\0\0"
            pseudo = bytes(pkt[eth + 8:eth + 40]) + struct.pack("!IxxxB", l4len, 58)
            pkt[l4 + 2:l4 + 4] = struct.pack("!H", _csum(pseudo + bytes(pkt[l4:l4 + l4len])))
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
    "bench-bulk-server": bench_bulk_server,
    "bench-bulk-client": bench_bulk_client,
    "rewrite-pcap": rewrite_pcap,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
