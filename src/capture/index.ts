/** Capture file reading: pcap, pcapng, gzip, stdin. */
export * from './types.js';
export {
  readCapture,
  readCaptureSync,
  readFrameAt,
  FrameReader,
  CaptureStream,
  detectFormat,
  displayName,
  DEFAULT_CHUNK_SIZE,
  type ReadOptions,
  type DetectedFormat,
} from './source.js';
export { PcapParser, pcapMagic, type CaptureParser, type ParserOptions, type PcapMagic } from './pcap.js';
export { PcapngParser } from './pcapng.js';
export { formatEpoch, frameEpoch, epochSeconds, TimestampConverter } from './time.js';
export * from './linktypes.js';
