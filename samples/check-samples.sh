#!/usr/bin/env bash
# check-samples.sh - verify with tshark that every sample shows what it is meant to.
#
# usage: samples/check-samples.sh [file...]     (no root needed; needs tshark, capinfos)
#
# For each check: a display filter, the allowed number of matching frames
# (MIN[-MAX], MAX "" = unbounded) and the matching frame numbers (first 12).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "${PCS_OUT:-$HERE}" || exit 1
export LC_ALL=C

# file | display filter | min[-max]
CHECKS=$(cat <<'EOF'
arp-ping.pcap|arp.opcode == 1|1-1
arp-ping.pcap|arp.opcode == 2|1-1
arp-ping.pcap|icmp.type == 8|3-3
arp-ping.pcap|icmp.type == 0 && icmp.resp_to|3-3
arp-ping.pcap|icmpv6.type == 135|1-1
arp-ping.pcap|icmpv6.type == 136|1-1
arp-ping.pcap|icmpv6.type == 129|3-3
udp-closed.pcap|icmp.type == 3 && icmp.code == 3 && udp.dstport == 9999|1-1
udp-closed.pcap|icmpv6.type == 1 && icmpv6.code == 4 && udp.dstport == 9999|1-1
tcp-refused.pcap|tcp.flags.syn == 1 && tcp.flags.ack == 0|2-2
tcp-refused.pcap|tcp.flags.reset == 1 && tcp.flags.ack == 1|2-2
tcp-refused-nano.pcap|tcp.flags.reset == 1 && tcp.flags.ack == 1|2-2
http-keepalive.pcap|http.request|4-4
http-keepalive.pcap|http.response.code == 404|1-1
http-keepalive.pcap|http.transfer_encoding == "chunked"|1-1
http-keepalive.pcap|http.request.method == "POST"|1-1
http-keepalive.pcap|tcp.flags.syn == 1 && tcp.flags.ack == 0|1-1
http-keepalive.pcapng|http.request|4-4
http-keepalive.pcapng|frame.interface_name == "pcs-c0"|27-
dns.pcap|dns.flags.response == 1 && dns.qry.type == 1 && dns.a|2-2
dns.pcap|dns.flags.response == 1 && dns.aaaa|2-2
dns.pcap|dns.flags.response == 1 && dns.cname|1-1
dns.pcap|dns.flags.response == 1 && dns.mx.mail_exchange|1-1
dns.pcap|dns.flags.response == 1 && dns.txt|1-1
dns.pcap|dns.flags.response == 1 && dns.srv.port == 8080|1-1
dns.pcap|dns.flags.response == 1 && dns.ptr.domain_name == "www.demo.test"|1-1
dns.pcap|dns.flags.response == 1 && dns.qry.type == 6 && dns.soa.mname|1-1
dns.pcap|dns.flags.response == 1 && dns.qry.type == 2 && dns.ns|1-1
dns.pcap|dns.flags.rcode == 3|1-1
dns.pcap|dns && tcp|2-2
dns.pcap|dns && ipv6|2-2
tls.pcap|tls.handshake.type == 1 && tls.handshake.extensions_server_name == "demo.test"|2-2
tls.pcap|tls.handshake.extensions_alpn_str == "h2"|2-2
tls.pcap|tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304|1-1
tls.pcap|tls.handshake.type == 11|1-1
tls.pcap|tls.handshake.type == 2 && !tls.handshake.extensions.supported_version|1-1
ip-fragments.pcap|ip.flags.mf == 1|10-10
ip-fragments.pcap|icmp.type == 0|2-2
ip-fragments.pcap|udp.length == 3508 && ip|1-1
ip-fragments.pcap|ipv6.fraghdr.more == 1|10-10
ip-fragments.pcap|udp.length == 3508 && ipv6|1-1
dhcp.pcap|dhcp.option.dhcp == 1|1-1
dhcp.pcap|dhcp.option.dhcp == 2|1-1
dhcp.pcap|dhcp.option.dhcp == 3|1-1
dhcp.pcap|dhcp.option.dhcp == 5|1-1
dhcp.pcap|dhcp.option.dhcp == 7|1-1
lossy-bulk.pcap|tcp.analysis.retransmission|5-
lossy-bulk.pcap|tcp.analysis.fast_retransmission|3-
lossy-bulk.pcap|tcp.analysis.duplicate_ack|20-
lossy-bulk.pcap|tcp.options.sack_le|20-
lossy-bulk.pcap|tcp.analysis.out_of_order|1-
tcp-timeout-retrans.pcap|tcp.analysis.retransmission && frame.time_delta > 0.15|1-1
tcp-timeout-retrans.pcap|tcp.analysis.duplicate_ack|0-0
tcp-fast-retrans.pcap|tcp.analysis.duplicate_ack|3-
tcp-fast-retrans.pcap|tcp.options.sack_le|3-
tcp-fast-retrans.pcap|tcp.analysis.fast_retransmission|1-1
tcp-reorder.pcap|tcp.analysis.out_of_order|1-1
tcp-reorder.pcap|tcp.analysis.duplicate_ack|1-2
tcp-reorder.pcap|tcp.analysis.retransmission|0-0
tcp-zero-window.pcap|tcp.analysis.zero_window|3-
tcp-zero-window.pcap|tcp.analysis.keep_alive && tcp.srcport == 5005|3-
tcp-zero-window.pcap|tcp.analysis.window_update && tcp.window_size > 0|1-
tcp-syn-backoff.pcap|tcp.flags.syn == 1 && tcp.flags.ack == 0|4-4
tcp-syn-backoff.pcap|tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.analysis.retransmission|3-3
tcp-syn-backoff.pcap|tcp.flags.syn == 1 && tcp.flags.ack == 1|1-1
tcp-rst-abort.pcap|tcp.flags.reset == 1 && tcp.srcport == 45007|1-1
tcp-rst-abort.pcap|tcp.len > 0|2-
tcp-rst-abort.pcap|tcp.flags.fin == 1|0-0
tcp-keepalive.pcap|tcp.analysis.keep_alive|3-5
tcp-keepalive.pcap|tcp.analysis.keep_alive_ack|3-5
tcp-half-close.pcap|tcp.flags.fin == 1 && tcp.srcport == 45009|1-1
tcp-half-close.pcap|tcp.srcport == 5009 && tcp.len > 0 && tcp.ack == 49|5-5
tcp-simultaneous-close.pcap|tcp.flags.fin == 1|2-2
tcp-simultaneous-close.pcap|tcp.flags.fin == 1 && tcp.srcport == 5012 && tcp.ack == 16|1-1
tcp-simultaneous-close.pcap|tcp.flags.fin == 1 && tcp.srcport == 45012 && tcp.ack == 5|1-1
tcp-port-reuse.pcap|tcp.analysis.reused_ports|1-1
tcp-port-reuse.pcap|tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.srcport == 45011|2-2
sll-ping.pcap|sll && arp|2-2
sll-ping.pcap|sll && icmpv6.type == 129|2-2
sll2-ping.pcap|sll && arp|2-2
sll2-ping.pcap|sll.ifindex && icmp.type == 0|3-3
vlan-http.pcap|vlan.id == 42|23-
vlan-http.pcap|!vlan|0-0
vlan-http.pcap|vlan && http.request|2-2
demo.pcap|arp|2-2
demo.pcap|icmp or icmpv6|6-
demo.pcap|dns.flags.response == 1|2-2
demo.pcap|http.request|4-4
demo.pcap|tls.handshake.type == 1|1-1
demo.pcap|tcp.flags.reset == 1 && tcp.srcport == 8081|1-1
demo.pcap|tcp.analysis.fast_retransmission|1-
demo.pcap|tcp.analysis.retransmission|1-
demo.pcap|tcp.analysis.duplicate_ack|2-
demo.pcap.gz|http.request|4-4
EOF
)

# file | expected "File type" / "File encapsulation" substrings from capinfos
FORMATS=$(cat <<'EOF'
tcp-refused.pcap|Wireshark/tcpdump/... - pcap|Ethernet
tcp-refused-nano.pcap|nanosecond pcap|Ethernet
http-keepalive.pcapng|pcapng|Ethernet
sll-ping.pcap|pcap|Linux cooked-mode capture v1
sll2-ping.pcap|pcap|Linux cooked-mode capture v2
demo.pcap.gz|pcap|Ethernet
EOF
)

want=("$@")
selected() { [[ ${#want[@]} -eq 0 ]] && return 0; local w; for w in "${want[@]}"; do [[ $w == "$1" || $w == "samples/$1" ]] && return 0; done; return 1; }

fail=0
declare -A seen=()
while IFS='|' read -r file filter range; do
  [[ -z $file ]] && continue
  selected "$file" || continue
  if [[ ! -f $file ]]; then echo "MISSING $file"; fail=1; continue; fi
  if [[ -z ${seen[$file]:-} ]]; then
    seen[$file]=1
    printf '\n== %s  (%s packets, %s bytes)\n' "$file" \
      "$(capinfos -M -c -T "$file" 2>/dev/null | awk -F'\t' 'NR==2{print $2}')" "$(stat -c %s "$file")"
  fi
  frames=$(tshark -n -r "$file" -Y "$filter" -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
  n=$(wc -w <<<"$frames")
  min=${range%-*}; max=${range#*-}; [[ $range != *-* ]] && max=$min
  ok=1
  (( n < min )) && ok=0
  [[ -n $max ]] && (( n > max )) && ok=0
  status=ok; (( ok )) || { status=FAIL; fail=1; }
  printf '  %-4s %-70s %3d  [%s]\n' "$status" "$filter" "$n" "$(cut -d' ' -f1-12 <<<"$frames" | sed 's/ $//')"
done <<<"$CHECKS"

echo
while IFS='|' read -r file ftype encap; do
  selected "$file" || continue
  [[ -f $file ]] || continue
  info=$(capinfos -t -E "$file" 2>/dev/null)
  if grep -qF -- "$ftype" <<<"$info" && grep -qF -- "$encap" <<<"$info"; then
    printf '  ok   %-24s %s / %s\n' "$file" "$ftype" "$encap"
  else
    printf '  FAIL %-24s expected %s / %s\n' "$file" "$ftype" "$encap"; fail=1
  fi
done <<<"$FORMATS"

echo
if (( fail )); then echo "SOME CHECKS FAILED"; exit 1; fi
echo "all checks passed"
