import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './paths.js';

export const goldenDir = path.join(repoRoot, 'test/golden');

/** Zeek-style baseline: compares `actual` with test/golden/<rel>. `npm run golden:update` rewrites
 * baselines (never under CI); every rewrite is to be read in the diff before committing. */
export function expectGolden(rel: string, actual: string): void {
  const file = path.join(goldenDir, rel);
  const update = process.env.UPDATE_GOLDEN === '1' && !process.env.CI;
  if (update) {
    mkdirSync(path.dirname(file), { recursive: true });
    if (!existsSync(file) || readFileSync(file, 'utf8') !== actual) writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden file test/golden/${rel}: run npm run golden:update and review it`);
  const expected = readFileSync(file, 'utf8');
  expect(actual, `test/golden/${rel} differs (npm run golden:update rewrites it)`).toBe(expected);
}
