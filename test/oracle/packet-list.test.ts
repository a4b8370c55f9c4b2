import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot, sampleCaptures } from '../helpers/paths.js';

// The default packet list, line for line, equals `tshark -n -r FILE` (recorded answers).
describe('packet list equals tshark -n -r', () => {
  for (const file of sampleCaptures()) {
    const recorded = path.join(repoRoot, 'test/oracle/recorded', `${path.basename(file)}.packets.txt`);
    it.skipIf(!existsSync(recorded))(path.basename(file), () => {
      expect(runCli(['packets', file]).stdout).toBe(readFileSync(recorded, 'utf8'));
    });
  }
});
