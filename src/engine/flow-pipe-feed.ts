/**
 * The decoding thread's end of a flow pipe (flow-pipe.ts): decode in `PipeFeed.session`, which
 * walks TCP headers instead of analysing them, and `read` each decoded packet into the pipe.
 */
import { capturedPayload, countedTcp, countedUdp, firstFrameInput, ipBefore, newFlowInput, udpFlowInput, type FlowIp } from '../analysis/conversations.js';
import type { TcpIpRef } from '../analysis/tcp/index.js';
import type { DecodeContext, DecodeResult } from '../decoders/core/context.js';
import type { Layer, Packet } from '../decoders/core/packet.js';
import { Registry, Session, type Analyzer } from '../decoders/core/registry.js';
import { registerBuiltins } from '../decoders/index.js';
import { TH_SYN, renderTcp, type TcpLayer, type TcpRenderingAnalyzer } from '../decoders/tcp.js';
import type { UdpLayer } from '../decoders/udp.js';
import type { FlowPipeWriter } from './flow-pipe.js';

/**
 * The TCP analyser's stand-in in the decoding thread: it walks each header's options as the
 * analyser would (`renderTcp`, with no analysis to show) and hands nothing above TCP. It keeps, for
 * the frame at hand, the TCP layers that reached it (those the analyser would have analysed) and
 * how each walk ended.
 */
export class TcpHeaderWalker implements Analyzer, TcpRenderingAnalyzer {
  readonly rendersTcp = true as const;
  private frame = -1;
  /** The frame's walked layers and how each walk ended: the first `count` entries (refilled, not
   * emptied: emptying an array drops its backing store, and a frame would allocate it again). */
  private readonly layers: (Layer | null)[] = [null, null, null, null];
  private readonly complete: boolean[] = [false, false, false, false];
  private count = 0;
  /** A frame with a header whose walk depends on the analysis (`optionsNeedAnalysis`), or -1. */
  undecided = -1;

  onLayer(ctx: DecodeContext, layer: Layer, result: DecodeResult): DecodeResult | void {
    if (layer.proto !== 'tcp') return;
    const f = ctx.packet.frame.number;
    if (f !== this.frame) {
      this.frame = f;
      this.count = 0;
    }
    const i = this.count++;
    this.layers[i] = layer;
    this.complete[i] = renderTcp(ctx, layer as TcpLayer, undefined);
    if ((layer as TcpLayer).optionsNeedAnalysis) this.undecided = f;
    result.next = undefined;
    return result;
  }

  /** How the walk of `layer` (of the frame decoded last) ended; undefined: it never reached here. */
  walk(packet: Packet, layer: Layer): boolean | undefined {
    if (packet.frame.number !== this.frame) return undefined;
    for (let i = 0; i < this.count; i++) if (this.layers[i] === layer) return this.complete[i];
    return undefined;
  }
}

/** A header the walker cannot walk as the analyser would: `pcapscope flows` then decodes again in
 * one thread (cli/flows.ts). Rare: it takes a SACK option without a complete block. */
export class PipeUndecided extends Error {
  constructor(readonly frame: number) {
    super(`frame ${frame}: walking its TCP options needs the analysis (a SACK option without a block)`);
  }
}

/** Decode in `session` (transport only), then `read` each packet (it throws PipeUndecided). */
export class PipeFeed {
  /** The decoders, with the walker in the TCP analyser's place. */
  readonly session: Session;
  private readonly walker = new TcpHeaderWalker();
  private readonly input = newFlowInput();
  private started = false;

  constructor(readonly writer: FlowPipeWriter) {
    const walker = this.walker;
    this.session = new Session(registerBuiltins(new Registry()).addAnalyzer('tcp', () => walker));
  }

  /** Writes a decoded packet's records: the capture's first frame as the time reference, every
   * TCP header that reached the walker, every UDP layer the table counts (as FlowReader reads a
   * packet the analyser decoded). */
  read(packet: Packet): void {
    const w = this.writer;
    const f = packet.frame;
    if (this.walker.undecided === f.number) throw new PipeUndecided(f.number);
    if (!this.started) {
      this.started = true;
      w.write(firstFrameInput(this.input, f));
    }
    const layers = packet.layers;
    let last = -1;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (l.proto === 'tcp' ? countedTcp(l as TcpLayer) && this.walker.walk(packet, l) !== undefined : countedUdp(l)) last = i;
    }
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (l.proto === 'tcp') {
        const complete = this.walker.walk(packet, l);
        if (complete === undefined) continue;
        const t = l as TcpLayer;
        const ip = ipBefore(layers, i);
        const counted = countedTcp(t);
        w.writeTcp(f, ip as TcpIpRef | undefined, t, complete, counted, i === last, counted ? capturedPayload(packet, t, ip) : 0, t.flags & TH_SYN ? t.sack : undefined);
      } else if (countedUdp(l)) {
        w.write(udpFlowInput(this.input, f, ipBefore(layers, i) as FlowIp | undefined, l as UdpLayer, i === last));
      }
    }
  }
}
