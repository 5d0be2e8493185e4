#!/usr/bin/env node
import { main } from './main.js';

const stdout = process.stdout;
const stderr = process.stderr;

main(process.argv.slice(2), {
  stdout: { write: (s: string) => stdout.write(s), isTTY: stdout.isTTY === true, columns: stdout.columns },
  stderr: { write: (s: string) => stderr.write(s), isTTY: stderr.isTTY === true, columns: stderr.columns },
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    stderr.write(`modelsummary: error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
