/** Golden error messages (errors.txt): our text must equal the stored text, and the stored text
 * must equal tshark 4.0's live output when tshark is installed. UPDATE_GOLDEN=1 rewrites the
 * stored texts from our compiler. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileFilter, FilterError, formatFilterError } from '../../src/filter/index.js';
import { makeRegistry, tsharkAnswers, tsharkAvailable, SHARED } from './harness.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

makeRegistry();

const PATH = fileURLToPath(new URL('./errors.txt', import.meta.url));

interface Entry {
  filter: string;
  expected: string;
}

function load(): { header: string; entries: Entry[] } {
  const lines = readFileSync(PATH, 'utf8').split('\n');
  const header: string[] = [];
  const entries: Entry[] = [];
  let i = 0;
  while (i < lines.length && (lines[i]!.startsWith('#') || lines[i] === '')) header.push(lines[i++]!);
  while (i < lines.length) {
    if (lines[i] === '') {
      i++;
      continue;
    }
    const filter = lines[i++]!;
    const body: string[] = [];
    while (i < lines.length && lines[i] !== '') body.push(lines[i++]!);
    entries.push({ filter, expected: body.join('\n') });
  }
  return { header: header.join('\n'), entries };
}

function ours(filter: string): string {
  try {
    compileFilter(filter);
    return '(accepted)';
  } catch (e) {
    if (e instanceof FilterError) return formatFilterError(filter, e);
    throw e;
  }
}

const { header, entries } = load();

if (process.env.UPDATE_GOLDEN) {
  writeFileSync(PATH, `${header}\n${entries.map((e) => `${e.filter}\n${ours(e.filter)}\n`).join('\n')}`);
}

describe('error messages (errors.txt)', () => {
  it('has entries', () => {
    expect(entries.length).toBeGreaterThan(150);
  });
  it('our messages match the golden file', () => {
    const bad = entries.filter((e) => ours(e.filter) !== e.expected).map((e) => `${e.filter}\n--- ours\n${ours(e.filter)}\n--- golden\n${e.expected}`);
    expect(bad).toEqual([]);
  });
  it('the golden file matches tshark 4.0 live', async () => {
    if (!tsharkAvailable()) {
      console.log('errors.test: tshark not installed, live check skipped');
      return;
    }
    // any capture will do: the filter is compiled before the file is read
    let file = join(SHARED, 'packets__tcp_handshake.pcapng');
    if (!existsSync(file)) {
      file = join(mkdtempSync(join(tmpdir(), 'pcapscope-err-')), 'empty.pcap');
      const hdr = Buffer.alloc(24);
      hdr.writeUInt32LE(0xa1b2c3d4, 0);
      hdr.writeUInt16LE(2, 4);
      hdr.writeUInt16LE(4, 6);
      hdr.writeUInt32LE(65535, 16);
      hdr.writeUInt32LE(1, 20);
      writeFileSync(file, hdr);
    }
    const answers = await tsharkAnswers(file, entries.map((e) => e.filter), false);
    const bad: string[] = [];
    entries.forEach((e, i) => {
      const a = answers[i]!;
      const ts =
        'frames' in a
          ? '(accepted)'
          : a.error
              .split('\n')
              .filter((l) => !/^\s+Note: |^\s+maybe you mixed/.test(l))
              .join('\n');
      if (ts !== e.expected) bad.push(`${e.filter}\n--- tshark\n${ts}\n--- golden\n${e.expected}`);
    });
    expect(bad).toEqual([]);
  }, 600_000);
});
