/**
 * Round-trip time samples from data→ACK pairs, and the RFC 6298 retransmission-timer estimate.
 *
 * Samples: a segment that takes sequence space (data, SYN or FIN) is timed when it is sent; the
 * first later ACK from the peer that covers its end gives one sample (now − send time). Karn's
 * rule: a segment that was retransmitted, or that overlaps a retransmission, is never sampled
 * (the ACK could be for either copy). Duplicate ACKs (no progress) give no sample. When one ACK
 * covers several timed segments, the most recent of them gives the sample (it is the one that
 * most likely triggered the ACK; the older ones would add the delayed-ACK wait).
 *
 * Estimator (RFC 6298 §2): first sample R: SRTT = R, RTTVAR = R/2; later samples:
 * RTTVAR = (1−β)·RTTVAR + β·|SRTT − R|, then SRTT = (1−α)·SRTT + α·R, with α = 1/8, β = 1/4;
 * RTO = SRTT + max(G, K·RTTVAR), K = 4. We do not know the host's clock granularity, so G = 0
 * (configurable), and RTO is clamped to [1 s, 60 s] as §2.4 ("SHOULD be rounded up to 1 second")
 * and §2.5 (a maximum of at least 60 s) say. Real stacks use smaller minimums (Linux: 200 ms);
 * `rtoMin` can be lowered for that comparison.
 */

export interface RttOptions {
  alpha?: number;
  beta?: number;
  k?: number;
  /** Clock granularity G, seconds (default 0). */
  granularity?: number;
  /** RTO bounds, seconds (default 1 and 60). */
  rtoMin?: number;
  rtoMax?: number;
  /** Timed segments awaiting their ACK (default 64); beyond it the oldest is dropped. */
  maxOutstanding?: number;
}

export interface RttSummary {
  samples: number;
  /** Seconds; null until the first sample. */
  min: number | null;
  max: number | null;
  mean: number | null;
  last: number | null;
  srtt: number | null;
  rttvar: number | null;
  rto: number | null;
  /** Samples refused by Karn's rule (retransmitted segments). */
  karnSkipped: number;
}

/** RFC 6298 smoothed RTT / RTO. */
export class RttEstimator {
  srtt: number | null = null;
  rttvar: number | null = null;
  samples = 0;
  min: number | null = null;
  max: number | null = null;
  last: number | null = null;
  private sum = 0;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly k: number;
  private readonly g: number;
  private readonly rtoMin: number;
  private readonly rtoMax: number;

  constructor(opts: RttOptions = {}) {
    this.alpha = opts.alpha ?? 1 / 8;
    this.beta = opts.beta ?? 1 / 4;
    this.k = opts.k ?? 4;
    this.g = opts.granularity ?? 0;
    this.rtoMin = opts.rtoMin ?? 1;
    this.rtoMax = opts.rtoMax ?? 60;
  }

  sample(r: number): void {
    if (!(r >= 0) || !Number.isFinite(r)) return;
    if (this.srtt === null || this.rttvar === null) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = (1 - this.beta) * this.rttvar + this.beta * Math.abs(this.srtt - r);
      this.srtt = (1 - this.alpha) * this.srtt + this.alpha * r;
    }
    this.samples++;
    this.sum += r;
    this.last = r;
    if (this.min === null || r < this.min) this.min = r;
    if (this.max === null || r > this.max) this.max = r;
  }

  get rto(): number | null {
    if (this.srtt === null || this.rttvar === null) return null;
    const raw = this.srtt + Math.max(this.g, this.k * this.rttvar);
    return Math.min(this.rtoMax, Math.max(this.rtoMin, raw));
  }

  get mean(): number | null {
    return this.samples ? this.sum / this.samples : null;
  }
}

/** Signed 32-bit sequence distance a − b. */
function sd(a: number, b: number): number {
  return (a - b) | 0;
}

const NO_ENTRIES = new Float64Array(0);

/** RTT of one direction's segments (sent by this side, acknowledged by the peer). */
export class RttSampler {
  readonly est: RttEstimator;
  /** Timed segments awaiting their ACK, oldest first, packed: entry i is t[4i .. 4i+3] = start,
   * end (raw sequence numbers), send time, frame. Live entries are [head, tail). */
  private t: Float64Array = NO_ENTRIES;
  private head = 0;
  private tail = 0;
  private readonly maxOutstanding: number;
  /** Highest sequence end sent (raw), valid when `sent`. */
  private highest = 0;
  private sent = false;
  private lastAck = 0;
  private acked = false;
  private karnSkipped = 0;

  constructor(opts: RttOptions = {}) {
    this.est = new RttEstimator(opts);
    this.maxOutstanding = opts.maxOutstanding ?? 64;
  }

  /** A segment of this side taking sequence space [seq, seq+span) (span counts SYN and FIN).
   * `retransmission`: the analyser flagged it (any kind); a segment that does not advance the
   * highest sequence sent is treated as one as well. */
  onSend(seq: number, span: number, time: number, frame: number, retransmission: boolean): void {
    if (span <= 0) return;
    const start = seq >>> 0;
    const end = (seq + span) >>> 0;
    const old = this.sent && sd(end, this.highest) <= 0;
    if (retransmission || old) this.forgetOverlapping(start, end);
    else {
      if (this.tail > this.head && this.tail - this.head >= this.maxOutstanding) this.head++;
      if (4 * this.tail === this.t.length) this.makeRoom();
      const o = 4 * this.tail++;
      const t = this.t;
      t[o] = start;
      t[o + 1] = end;
      t[o + 2] = time;
      t[o + 3] = frame;
    }
    if (!this.sent || sd(end, this.highest) > 0) {
      this.highest = end;
      this.sent = true;
    }
  }

  /** Karn: forgets every timed segment that [start, end) overlaps (keeping the others' order). */
  private forgetOverlapping(start: number, end: number): void {
    const t = this.t;
    let w = this.head;
    for (let i = this.head; i < this.tail; i++) {
      const o = 4 * i;
      if (sd(t[o]!, end) < 0 && sd(start, t[o + 1]!) < 0) {
        this.karnSkipped++;
        continue;
      }
      if (w !== i) t.copyWithin(4 * w, o, o + 4);
      w++;
    }
    this.tail = w;
  }

  private makeRoom(): void {
    const n = this.tail - this.head;
    if (this.head > 0 && n * 8 <= this.t.length) this.t.copyWithin(0, 4 * this.head, 4 * this.tail);
    else {
      const t = new Float64Array(Math.max(32, this.t.length * 2));
      t.set(this.t.subarray(4 * this.head, 4 * this.tail));
      this.t = t;
    }
    this.head = 0;
    this.tail = n;
  }

  /** An ACK from the peer; returns the sample it gave (seconds) or null. */
  onAck(ack: number, time: number): number | null {
    const a = ack >>> 0;
    if (this.acked && sd(a, this.lastAck) <= 0) return null;
    this.lastAck = a;
    this.acked = true;
    // timed segments left behind by the ACK (ends beyond it but sent before) stay
    const t = this.t;
    let best = -1;
    while (this.head < this.tail && sd(t[4 * this.head + 1]!, a) <= 0) best = this.head++;
    if (best < 0) return null;
    const r = time - t[4 * best + 2]!;
    if (r < 0) return null;
    this.est.sample(r);
    return r;
  }

  summary(): RttSummary {
    const e = this.est;
    return {
      samples: e.samples,
      min: e.min,
      max: e.max,
      mean: e.mean,
      last: e.last,
      srtt: e.srtt,
      rttvar: e.rttvar,
      rto: e.rto,
      karnSkipped: this.karnSkipped,
    };
  }
}
