// One side of the reader comparison in npm run bench: walks every record of a capture with
// our reader (`ours`) or with pcap-parser (`pcap-parser`) and prints frames and seconds.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , which, file] = process.argv;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const t0 = process.hrtime.bigint();
let frames = 0;
let bytes = 0;
const done = () => {
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ frames, bytes, secs }));
};
if (which === 'ours') {
  const { readCaptureSync } = await import(path.join(root, 'dist/capture/index.js'));
  readCaptureSync(file, (f) => {
    frames++;
    bytes += f.capLen;
  });
  done();
} else {
  const pcapp = createRequire(import.meta.url)('pcap-parser');
  const parser = pcapp.parse(file);
  parser.on('packet', (p) => {
    frames++;
    bytes += p.header.capturedLength;
  });
  parser.on('error', (e) => {
    console.error(String(e));
    process.exit(2);
  });
  parser.on('end', done);
}
