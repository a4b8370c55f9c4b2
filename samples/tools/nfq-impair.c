/*
 * nfq-impair: a tiny userspace "netem" replacement built on NFQUEUE.
 *
 * Attach it with an iptables rule inside a network namespace, e.g.
 *   iptables -A OUTPUT -p tcp --sport 5001 -j NFQUEUE --queue-num 1 --queue-bypass
 * and run (in the same namespace)
 *   nfq-impair -q 1 --drop 20 --delay 35:20 -t 10
 *
 * Every packet handed to the queue is examined; packets are numbered
 * 1, 2, 3, ... in arrival order (with --data-only only TCP segments that
 * carry payload get a number and are eligible for impairment, with
 * --new-data-only only those carrying never-seen-before sequence space, i.e.
 * no retransmissions; all other packets are accepted immediately).  A packet can be
 *   - dropped        (--drop LIST, --drop-every N[:FIRST], --drop-random P)
 *   - delayed by ms  (--delay N:MS[,N:MS...], --delay-every N:MS,
 *                     --delay-flags FLAGS:MS  e.g. "SA:50" = SYN+ACK, "F:50")
 * Delayed packets are held in userspace and released later (NF_ACCEPT
 * verdict issued late), which naturally produces reordering.  With --fifo
 * a packet is never released before a packet that was queued before it
 * (i.e. a delay also holds back everything behind it: pure latency, no
 * reordering).
 *
 * The program exits by itself after -t SECONDS (default 30), or after
 * --max-packets packets, releasing anything still held.
 *
 * Build: gcc -O2 -Wall -o nfq-impair nfq-impair.c -lnetfilter_queue -lnfnetlink
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXLIST 256
#define MAXHELD 4096

struct numms { unsigned long n; unsigned ms; };

static unsigned long drop_list[MAXLIST]; static int n_drop_list;
static unsigned long drop_every, drop_every_first;
static double drop_prob; static unsigned seed = 1;
static struct numms delay_list[MAXLIST]; static int n_delay_list;
static unsigned long delay_every; static unsigned delay_every_ms;
static int delay_flags_mask; static unsigned delay_flags_ms;
static int fifo, data_only, new_data_only, verbose;

/* --new-data-only: remember the highest sequence number sent per flow so that
 * retransmissions are never numbered (and therefore never dropped/delayed). */
#define MAXFLOWS 1024
struct flow { uint16_t sport, dport; uint32_t saddr_hash; uint32_t max_end; int used; };
static struct flow flows[MAXFLOWS];
static double timeout_s = 30;
static unsigned long max_packets;

static unsigned long counter;       /* numbered packets */
static unsigned long seen;          /* all packets */
static volatile sig_atomic_t stop;

struct held { uint32_t id; double release; };
static struct held held[MAXHELD]; static int n_held;

static struct nfq_q_handle *qh;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_flags(const char *s)
{
    int m = 0;
    for (; *s; s++) {
        switch (*s) {
        case 'F': m |= 0x01; break;
        case 'S': m |= 0x02; break;
        case 'R': m |= 0x04; break;
        case 'P': m |= 0x08; break;
        case 'A': m |= 0x10; break;
        case 'U': m |= 0x20; break;
        default: fprintf(stderr, "bad flag letter '%c' (use FSRPAU)\n", *s); exit(2);
        }
    }
    return m;
}

static void parse_numlist(const char *s, unsigned long *out, int *n)
{
    char *dup = strdup(s), *save = NULL, *tok;
    for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n >= MAXLIST) break;
        out[(*n)++] = strtoul(tok, NULL, 10);
    }
    free(dup);
}

static void parse_delaylist(const char *s)
{
    char *dup = strdup(s), *save = NULL, *tok;
    for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        if (!colon) { fprintf(stderr, "--delay wants N:MS\n"); exit(2); }
        if (n_delay_list >= MAXLIST) break;
        delay_list[n_delay_list].n = strtoul(tok, NULL, 10);
        delay_list[n_delay_list].ms = strtoul(colon + 1, NULL, 10);
        n_delay_list++;
    }
    free(dup);
}

static uint32_t g_seq, g_hash; static uint16_t g_sport, g_dport;

/* returns 1 if the segment carries sequence space never seen before in its flow */
static int is_new_data(int paylen)
{
    uint32_t end = g_seq + paylen;
    unsigned h = (g_hash ^ g_sport * 31u ^ g_dport * 131u) % MAXFLOWS;
    for (unsigned i = 0; i < MAXFLOWS; i++) {
        struct flow *f = &flows[(h + i) % MAXFLOWS];
        if (!f->used) {
            f->used = 1; f->sport = g_sport; f->dport = g_dport; f->saddr_hash = g_hash; f->max_end = end;
            return 1;
        }
        if (f->sport == g_sport && f->dport == g_dport && f->saddr_hash == g_hash) {
            if ((int32_t)(end - f->max_end) > 0) { f->max_end = end; return 1; }
            return 0;
        }
    }
    return 1;
}

/* Extract TCP flags and payload length; returns 0 if not TCP. */
static int tcp_info(unsigned char *p, int len, int *flags, int *paylen, char *desc, size_t dlen)
{
    int l4off = -1, l4len = 0, proto = -1;
    char src[64] = "?", dst[64] = "?";
    if (len >= 20 && (p[0] >> 4) == 4) {
        struct iphdr *ip = (struct iphdr *)p;
        int ihl = ip->ihl * 4;
        int frag = ntohs(ip->frag_off) & 0x1fff;
        proto = ip->protocol;
        inet_ntop(AF_INET, &ip->saddr, src, sizeof src);
        inet_ntop(AF_INET, &ip->daddr, dst, sizeof dst);
        if (frag == 0) { l4off = ihl; l4len = ntohs(ip->tot_len) - ihl; }
    } else if (len >= 40 && (p[0] >> 4) == 6) {
        struct ip6_hdr *ip6 = (struct ip6_hdr *)p;
        proto = ip6->ip6_nxt;
        inet_ntop(AF_INET6, &ip6->ip6_src, src, sizeof src);
        inet_ntop(AF_INET6, &ip6->ip6_dst, dst, sizeof dst);
        l4off = 40; l4len = ntohs(ip6->ip6_plen);
    }
    *flags = 0; *paylen = 0;
    if (proto != IPPROTO_TCP || l4off < 0 || l4off + 20 > len) {
        snprintf(desc, dlen, "%s > %s proto %d", src, dst, proto);
        return 0;
    }
    struct tcphdr *th = (struct tcphdr *)(p + l4off);
    g_seq = ntohl(th->seq); g_sport = ntohs(th->source); g_dport = ntohs(th->dest);
    g_hash = 0;
    for (const char *c = src; *c; c++) g_hash = g_hash * 33 + (unsigned char)*c;
    *flags = p[l4off + 13] & 0x3f;
    *paylen = l4len - th->doff * 4;
    if (*paylen < 0) *paylen = 0;
    snprintf(desc, dlen, "%s:%u > %s:%u flags 0x%02x seq %u len %d", src, ntohs(th->source),
             dst, ntohs(th->dest), *flags, ntohl(th->seq), *paylen);
    return 1;
}

static double last_release;   /* for --fifo */

static void hold(uint32_t id, double release)
{
    if (fifo && release < last_release) release = last_release;
    last_release = release;
    if (n_held >= MAXHELD) {  /* should not happen; fail open */
        nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
        return;
    }
    held[n_held].id = id; held[n_held].release = release; n_held++;
}

static void release_due(int all)
{
    double t = now();
    int i = 0;
    while (i < n_held) {
        /* in fifo mode release strictly in order */
        if (all || held[i].release <= t) {
            uint32_t id = held[i].id;
            nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
            memmove(&held[i], &held[i + 1], (n_held - i - 1) * sizeof held[0]);
            n_held--;
            if (verbose > 1) fprintf(stderr, "nfq-impair: released id %u\n", id);
        } else {
            if (fifo) break;
            i++;
        }
    }
}

static int cb(struct nfq_q_handle *q, struct nfgenmsg *nfmsg, struct nfq_data *nfa, void *data)
{
    (void)nfmsg; (void)data;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    uint32_t id = ph ? ntohl(ph->packet_id) : 0;
    unsigned char *payload = NULL;
    int len = nfq_get_payload(nfa, &payload);
    int flags = 0, paylen = 0;
    char desc[200];
    int is_tcp = tcp_info(payload, len, &flags, &paylen, desc, sizeof desc);
    seen++;

    int numbered = !data_only || (is_tcp && paylen > 0);
    if (numbered && new_data_only && is_tcp && paylen > 0 && !is_new_data(paylen)) numbered = 0;
    unsigned long n = 0;
    if (numbered) n = ++counter;

    /* drop? */
    int drop = 0;
    if (numbered) {
        for (int i = 0; i < n_drop_list; i++) if (drop_list[i] == n) drop = 1;
        if (drop_every && n >= drop_every_first && (n - drop_every_first) % drop_every == 0) drop = 1;
        if (drop_prob > 0 && (double)rand_r(&seed) / RAND_MAX < drop_prob) drop = 1;
    }
    if (drop) {
        if (verbose) fprintf(stderr, "nfq-impair: #%lu DROP  %s\n", n, desc);
        return nfq_set_verdict(q, id, NF_DROP, 0, NULL);
    }

    /* delay? */
    unsigned ms = 0;
    if (numbered) {
        for (int i = 0; i < n_delay_list; i++) if (delay_list[i].n == n) ms = delay_list[i].ms;
        if (delay_every && n % delay_every == 0) ms = delay_every_ms;
    }
    if (delay_flags_mask && is_tcp && (flags & delay_flags_mask) == delay_flags_mask) ms = delay_flags_ms;

    if (ms > 0 || (fifo && n_held > 0)) {
        if (verbose) fprintf(stderr, "nfq-impair: #%lu HOLD %ums %s\n", n, ms, desc);
        hold(id, now() + ms / 1000.0);
        return 0;
    }
    if (verbose > 1) fprintf(stderr, "nfq-impair: #%lu pass %s\n", n, desc);
    return nfq_set_verdict(q, id, NF_ACCEPT, 0, NULL);
}

static void usage(void)
{
    fprintf(stderr,
        "usage: nfq-impair [-q QUEUE] [-t SECONDS] [options]\n"
        "  --drop N[,N...]          drop the numbered packets\n"
        "  --drop-every N[:FIRST]   drop packet FIRST and every Nth after it (FIRST defaults to N)\n"
        "  --drop-random P          drop with probability P (0..1), see --seed\n"
        "  --seed S                 PRNG seed (default 1)\n"
        "  --delay N:MS[,N:MS...]   hold the numbered packets for MS milliseconds\n"
        "  --delay-every N:MS       hold every Nth packet for MS milliseconds\n"
        "  --delay-flags FLAGS:MS   hold TCP packets having all FLAGS (letters FSRPAU)\n"
        "  --fifo                   never reorder: later packets wait behind held ones\n"
        "  --data-only              number/impair only TCP segments with payload\n"
        "  --new-data-only          like --data-only, and never number retransmissions\n"
        "  --max-packets N          exit after N packets were seen\n"
        "  -t SECONDS               exit after this long (default 30)\n"
        "  -v                       log decisions to stderr (-vv: every packet)\n");
    exit(2);
}

static void on_sig(int s) { (void)s; stop = 1; }

int main(int argc, char **argv)
{
    int qnum = 1;
    static struct option opts[] = {
        {"drop", 1, 0, 1}, {"drop-every", 1, 0, 2}, {"drop-random", 1, 0, 3},
        {"seed", 1, 0, 4}, {"delay", 1, 0, 5}, {"delay-every", 1, 0, 6},
        {"delay-flags", 1, 0, 7}, {"fifo", 0, 0, 8}, {"data-only", 0, 0, 9},
        {"max-packets", 1, 0, 10}, {"new-data-only", 0, 0, 11}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "q:t:vh", opts, NULL)) != -1) {
        char *colon;
        switch (c) {
        case 'q': qnum = atoi(optarg); break;
        case 't': timeout_s = atof(optarg); break;
        case 'v': verbose++; break;
        case 1: parse_numlist(optarg, drop_list, &n_drop_list); break;
        case 2:
            drop_every = strtoul(optarg, &colon, 10);
            drop_every_first = (*colon == ':') ? strtoul(colon + 1, NULL, 10) : drop_every;
            break;
        case 3: drop_prob = atof(optarg); break;
        case 4: seed = strtoul(optarg, NULL, 10); break;
        case 5: parse_delaylist(optarg); break;
        case 6:
            colon = strchr(optarg, ':'); if (!colon) usage();
            delay_every = strtoul(optarg, NULL, 10); delay_every_ms = strtoul(colon + 1, NULL, 10);
            break;
        case 7:
            colon = strchr(optarg, ':'); if (!colon) usage();
            *colon = 0; delay_flags_mask = parse_flags(optarg); delay_flags_ms = strtoul(colon + 1, NULL, 10);
            break;
        case 8: fifo = 1; break;
        case 9: data_only = 1; break;
        case 10: max_packets = strtoul(optarg, NULL, 10); break;
        case 11: data_only = 1; new_data_only = 1; break;
        default: usage();
        }
    }

    struct nfq_handle *h = nfq_open();
    if (!h) { perror("nfq_open"); return 1; }
    qh = nfq_create_queue(h, qnum, &cb, NULL);
    if (!qh) { perror("nfq_create_queue (already bound? CAP_NET_ADMIN?)"); return 1; }
    if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 0xffff) < 0) { perror("nfq_set_mode"); return 1; }
    nfq_set_queue_maxlen(qh, 8192);
    int fd = nfq_fd(h);
    nfnl_rcvbufsiz(nfq_nfnlh(h), 8 << 20);

    signal(SIGINT, on_sig); signal(SIGTERM, on_sig);
    double deadline = now() + timeout_s;
    char buf[0x10000 + 4096] __attribute__((aligned));
    if (verbose) fprintf(stderr, "nfq-impair: queue %d ready (timeout %.1fs)\n", qnum, timeout_s);

    while (!stop) {
        double t = now();
        if (t >= deadline) break;
        if (max_packets && seen >= max_packets && n_held == 0) break;
        double wait = deadline - t;
        if (n_held > 0) {
            double r = held[0].release;
            for (int i = 1; i < n_held && !fifo; i++) if (held[i].release < r) r = held[i].release;
            if (r - t < wait) wait = r - t;
        }
        if (wait < 0) wait = 0;
        struct pollfd pfd = { fd, POLLIN, 0 };
        int pr = poll(&pfd, 1, (int)(wait * 1000) + (wait > 0 ? 1 : 0));
        if (pr > 0 && (pfd.revents & POLLIN)) {
            int rv = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (rv > 0) nfq_handle_packet(h, buf, rv);
            else if (rv < 0 && errno == ENOBUFS) fprintf(stderr, "nfq-impair: ENOBUFS (packets lost)\n");
        }
        release_due(0);
    }
    release_due(1);
    if (verbose) fprintf(stderr, "nfq-impair: exiting after %lu packets (%lu numbered)\n", seen, counter);
    nfq_destroy_queue(qh);
    nfq_close(h);
    return 0;
}
