#!/usr/bin/env bash
# make-bench-capture.sh - record a large (~1 GB, ~1M frames) REAL capture for benchmarks.
#
# usage: sudo samples/make-bench-capture.sh [OUTPUT.pcap] [TARGET_BYTES]
#   OUTPUT        default /tmp/pcapscope-bench/bench-1g.pcap (refused inside the repository)
#   TARGET_BYTES  default 1000000000
# env:  BENCH_MAX_SECONDS  stop the live capture after this long (default 240)
#       BENCH_MODE=concat  record only BENCH_SEED_BYTES (default 150 MB) of live traffic and
#                          reach the target by concatenating renumbered copies (see README)
#
# Traffic (all real, Linux stack, two network namespaces "pcb-cli"/"pcb-srv" on one veth,
# TSO/GSO/GRO off so every frame is <= 1514 bytes), running concurrently until the capture
# file reaches the target size:
#   - 4 HTTP/1.1 servers (tools/pcs.py http-server) and many keep-alive client connections
#     fetching objects of varied sizes (200 B .. 90 KB, ~5% 404s);
#   - thousands of short TCP connections (request, small response, close);
#   - DNS queries (A/AAAA/CNAME/MX/TXT/SRV/SOA/NS, ~10% NXDOMAIN) against dnsmasq;
#   - bulk TCP transfers (12 MB each) whose data segments are dropped with p=0.003 by nfq-impair
#     (NFQUEUE) at the receiver -> retransmissions, dup ACKs, SACK.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
TOOLS=$HERE/tools
PY=/usr/bin/python3
PCS="$PY $TOOLS/pcs.py"
OUTFILE=${1:-/tmp/pcapscope-bench/bench-1g.pcap}
TARGET=${2:-1000000000}
MAX_SECONDS=${BENCH_MAX_SECONDS:-240}
MODE=${BENCH_MODE:-live}
SEED_BYTES=${BENCH_SEED_BYTES:-150000000}

NSC=pcb-cli NSS=pcb-srv IFC=pcb-c0 IFSRV=pcb-s0
C4=10.99.0.1 S4=10.99.0.2 C6=fd99::1 S6=fd99::2

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $EUID -eq 0 ]] || die "run as root"
mkdir -p "$(dirname "$OUTFILE")"
OUTFILE=$(cd "$(dirname "$OUTFILE")" && pwd)/$(basename "$OUTFILE")
case "$OUTFILE" in "$REPO"/*) die "refusing to write the bench capture inside the repository ($OUTFILE)";; esac

WORK=$(mktemp -d /tmp/pcapscope-bench.XXXXXX)
PIDS=()
STOP=$WORK/stop

teardown() {
  local pid ns
  touch "$STOP" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ns in $NSC $NSS; do
    if ip netns list 2>/dev/null | grep -qw "^$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    fi
  done
  sleep 0.3
  for ns in $NSC $NSS; do ip netns del "$ns" 2>/dev/null || true; done
}
cleanup() { local rc=$?; teardown; rm -rf "$WORK"; exit $rc; }
trap cleanup EXIT
trap 'exit 130' INT TERM

inc() { ip netns exec $NSC "$@"; }
ins() { ip netns exec $NSS "$@"; }
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" & PIDS+=($!); }
loop_bg() {   # loop_bg NS cmd... : repeat cmd until $STOP exists
  local ns=$1; shift
  ( while [[ ! -e $STOP ]]; do ip netns exec "$ns" "$@" || sleep 0.2; done ) &
  PIDS+=($!)
}
wait_listen() {
  local ns=$1 port=$2 flag=${3:--Hltn} i
  for ((i = 0; i < 100; i++)); do
    [[ -n "$(ip netns exec "$ns" ss $flag "sport = :$port" 2>/dev/null)" ]] && return 0
    sleep 0.05
  done
  die "nothing listening on $ns port $port"
}

# ---------------------------------------------------------------- namespaces
teardown; rm -f "$STOP"
ip netns add $NSC; ip netns add $NSS
for ns in $NSC $NSS; do
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0 \
    net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=1 \
    net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
  ip -n $ns link set lo up
done
ip -n $NSC link add $IFC address 02:99:00:00:00:01 type veth peer name $IFSRV address 02:99:00:00:00:02 netns $NSS
inc ip addr add $C4/24 dev $IFC; ins ip addr add $S4/24 dev $IFSRV
inc ip addr add $C6/64 dev $IFC nodad; ins ip addr add $S6/64 dev $IFSRV nodad
inc ethtool -K $IFC tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
ins ethtool -K $IFSRV tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
inc ip link set $IFC up; ins ip link set $IFSRV up
sleep 2
inc ping -c1 -W1 -q $S4 >/dev/null || die "namespaces cannot reach each other"

gcc -O2 -Wall -o "$WORK/nfq-impair" "$TOOLS/nfq-impair.c" -lnetfilter_queue -lnfnetlink

# ---------------------------------------------------------------- servers
for p in 8080 8081 8082 8083; do bg $NSS $PCS http-server :: $p 100000; done   # dual-stack
bg $NSS $PCS bench-short-server 0.0.0.0 7000 100000
cat >"$WORK/dnsmasq.conf" <<EOF
no-resolv
no-hosts
bind-interfaces
listen-address=$S4
listen-address=$S6
auth-server=ns1.demo.test,$IFSRV
auth-zone=demo.test,10.99.0.0/24,fd99::/64
host-record=www.demo.test,$S4,$S6
host-record=ns1.demo.test,$S4,$S6
host-record=client.demo.test,$C4,$C6
host-record=mail.demo.test,$S4
cname=web.demo.test,www.demo.test
mx-host=demo.test,mail.demo.test,10
txt-record=demo.test,"v=spf1 mx -all"
srv-host=_http._tcp.demo.test,www.demo.test,8080,0,10
dns-forward-max=1000
EOF
bg $NSS dnsmasq --keep-in-foreground --conf-file="$WORK/dnsmasq.conf" --user=root \
  --pid-file="$WORK/dnsmasq.pid" --log-facility=/dev/null
for p in 8080 8081 8082 8083 7000; do wait_listen $NSS $p; done
wait_listen $NSS 53 -Hlun

# lossy bulk transfers: 12 MB each, p=0.003 drops of data segments at the receiver
inc iptables -A INPUT -p tcp --sport 5001 -j NFQUEUE --queue-num 1 --queue-bypass
bg $NSC "$WORK/nfq-impair" -q 1 -t 100000 --data-only --drop-random 0.003 --seed 7
( while [[ ! -e $STOP ]]; do ip netns exec $NSS $PCS bench-bulk-server 0.0.0.0 5001 12000000 1 || sleep 0.2; done ) &
PIDS+=($!)

# ---------------------------------------------------------------- capture
log "capturing on $IFC into $OUTFILE (target $TARGET bytes, max ${MAX_SECONDS}s, mode $MODE)"
rm -f "$OUTFILE"
CAPFILE=$OUTFILE
[[ $MODE == concat ]] && { CAPFILE=$WORK/seed.pcap; TARGET_LIVE=$SEED_BYTES; } || TARGET_LIVE=$TARGET
ip netns exec $NSC tcpdump -i $IFC -B 262144 -Z root -w "$CAPFILE" 2>"$WORK/tcpdump.err" &
TCPDUMP=$!
for ((i = 0; i < 100; i++)); do grep -q "listening on" "$WORK/tcpdump.err" && break; sleep 0.05; done
sleep 0.3

# ---------------------------------------------------------------- clients
seed=0
for k in 0 1 2 3; do
  port=$((8080 + k))
  ( s=$k; while [[ ! -e $STOP ]]; do
      ip netns exec $NSC $PCS bench-http-clients $S4 $port 12 40 $s || sleep 0.2; s=$((s + 4)); done ) &
  PIDS+=($!)
done
( s=100; while [[ ! -e $STOP ]]; do
    ip netns exec $NSC $PCS bench-http-clients $S6 8080 4 30 $s || sleep 0.2; s=$((s + 1)); done ) &
PIDS+=($!)
loop_bg $NSC $PCS bench-short-clients $S4 7000 500 5 0.03
loop_bg $NSC $PCS bench-dns $S4 400 2 1 0.01
loop_bg $NSC $PCS bench-dns $S6 100 1 2 0.05
( sleep 1; while [[ ! -e $STOP ]]; do ip netns exec $NSC $PCS bench-bulk-client $S4 5001 1 || sleep 0.5; sleep 0.5; done ) &
PIDS+=($!)

start=$SECONDS
while :; do
  sleep 1
  size=$(stat -c %s "$CAPFILE" 2>/dev/null || echo 0)
  el=$((SECONDS - start))
  (( el % 10 == 0 )) && log "$el s: $((size / 1000000)) MB"
  (( size >= TARGET_LIVE )) && break
  (( el >= MAX_SECONDS )) && { log "time limit reached at $((size / 1000000)) MB"; break; }
done
touch "$STOP"
kill -INT $TCPDUMP; wait $TCPDUMP || true
grep -E "captured|dropped" "$WORK/tcpdump.err" >&2 || true

# ---------------------------------------------------------------- fallback: concatenate
size=$(stat -c %s "$CAPFILE")
if [[ $MODE == concat || $size -lt $((TARGET * 9 / 10)) ]]; then
  copies=$(( (TARGET + size - 1) / size ))
  log "live capture is $((size / 1000000)) MB; writing $copies renumbered, time-shifted copies"
  mv "$CAPFILE" "$WORK/seed-final.pcap"
  $PCS rewrite-pcap "$WORK/seed-final.pcap" "$OUTFILE" "$copies"
fi
log "done: $OUTFILE"
capinfos -c -s -d -u -y -z -E -M "$OUTFILE" >&2
printf 'frames: %s\n' "$(capinfos -M -c -T "$OUTFILE" | awk -F'\t' 'NR==2{print $2}')"
