import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`bin/pcapscope.js` → dist/) as a user would. */
export function runCli(args: string[], input?: Buffer | string): CliResult {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/pcapscope.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 28,
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8', NO_COLOR: '1' },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
