import { describe, expect, it } from 'vitest';
import { RttEstimator, RttSampler } from '../../src/analysis/tcp/rtt.js';

describe('RttEstimator (RFC 6298)', () => {
  it('initialises from the first sample and smooths later ones with alpha 1/8 and beta 1/4', () => {
    const e = new RttEstimator();
    expect(e.rto).toBeNull();
    e.sample(0.1);
    expect(e.srtt).toBeCloseTo(0.1, 12);
    expect(e.rttvar).toBeCloseTo(0.05, 12);
    // RTO = 0.1 + 4 * 0.05 = 0.3, raised to the 1 s floor
    expect(e.rto).toBe(1);
    e.sample(0.3);
    // RTTVAR = 3/4 * 0.05 + 1/4 * |0.1 - 0.3| = 0.0875; SRTT = 7/8 * 0.1 + 1/8 * 0.3 = 0.125
    expect(e.rttvar).toBeCloseTo(0.0875, 12);
    expect(e.srtt).toBeCloseTo(0.125, 12);
    expect(e.samples).toBe(2);
    expect(e.min).toBe(0.1);
    expect(e.max).toBe(0.3);
    expect(e.mean).toBeCloseTo(0.2, 12);
  });

  it('applies the RTO bounds and granularity as configured', () => {
    const e = new RttEstimator({ rtoMin: 0.2, granularity: 0.5 });
    e.sample(0.01);
    // 0.01 + max(0.5, 0.02) = 0.51
    expect(e.rto).toBeCloseTo(0.51, 12);
    const big = new RttEstimator();
    big.sample(30);
    expect(big.rto).toBe(60);
  });

  it('ignores impossible samples', () => {
    const e = new RttEstimator();
    e.sample(-1);
    e.sample(Number.NaN);
    expect(e.samples).toBe(0);
  });
});

describe('RttSampler', () => {
  it('samples data→ACK pairs and ignores duplicate ACKs', () => {
    const s = new RttSampler();
    s.onSend(1000, 100, 1.0, 1, false);
    s.onSend(1100, 100, 1.01, 2, false);
    expect(s.onAck(1100, 1.05)).toBeCloseTo(0.05, 12);
    expect(s.onAck(1100, 1.06)).toBeNull();
    expect(s.onAck(1200, 1.08)).toBeCloseTo(0.07, 12);
    expect(s.summary()).toMatchObject({ samples: 2, karnSkipped: 0 });
  });

  it('uses the most recent segment an ACK covers', () => {
    const s = new RttSampler();
    s.onSend(0, 10, 0.0, 1, false);
    s.onSend(10, 10, 0.1, 2, false);
    s.onSend(20, 10, 0.2, 3, false);
    expect(s.onAck(30, 0.25)).toBeCloseTo(0.05, 12);
    expect(s.summary().samples).toBe(1);
  });

  it("follows Karn's rule: no sample from retransmitted segments", () => {
    const s = new RttSampler();
    s.onSend(0, 100, 0, 1, false);
    s.onSend(100, 100, 0.01, 2, false);
    // frame 3 retransmits the first segment (flagged by the analyser)
    s.onSend(0, 100, 1.0, 3, true);
    expect(s.onAck(100, 1.02)).toBeNull();
    // the second segment was not retransmitted: it still gives a sample
    expect(s.onAck(200, 1.03)).toBeCloseTo(1.02, 12);
    // a copy that does not advance the highest sequence is treated as a retransmission even unflagged
    s.onSend(200, 50, 2.0, 4, false);
    s.onSend(200, 50, 2.5, 5, false);
    expect(s.onAck(250, 2.6)).toBeNull();
    expect(s.summary().karnSkipped).toBe(2);
  });

  it('handles sequence wrap-around', () => {
    const s = new RttSampler();
    s.onSend(0xffffff00, 0x200, 5, 1, false);
    expect(s.onAck(0x100, 5.2)).toBeCloseTo(0.2, 12);
  });

  it('bounds the timed segments', () => {
    const s = new RttSampler({ maxOutstanding: 2 });
    s.onSend(0, 1, 0, 1, false);
    s.onSend(1, 1, 0.1, 2, false);
    s.onSend(2, 1, 0.2, 3, false);
    // the first timed segment was dropped; ACK of it alone gives nothing
    expect(s.onAck(1, 0.3)).toBeNull();
    expect(s.onAck(2, 0.4)).toBeCloseTo(0.3, 12);
  });
});
