#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (no TypeScript loader at run time).
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`pcapscope: internal error: ${err && err.message ? err.message : err}\n`);
    if (process.env.PCAPSCOPE_DEBUG) process.stderr.write(String(err && err.stack) + '\n');
    process.exitCode = 70;
  },
);
