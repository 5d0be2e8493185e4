#!/usr/bin/env node
import { CHILD_ENV, runQuietly, shouldRunQuietly, writeOwn } from './quiet.js';

const argv = process.argv.slice(2);
const stdout = process.stdout;
const stderr = process.stderr;
// In the quiet child, the CLI's own messages go to fd 3 (the real stderr); fd 2 is the runtimes'.
const child = process.env[CHILD_ENV];
const errorStream =
  child === undefined
    ? { write: (s: string) => stderr.write(s), isTTY: stderr.isTTY === true, columns: stderr.columns }
    : { write: writeOwn, isTTY: child !== '', columns: child === '' ? undefined : Number(child) };

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
// Any other write error (a full disk: `> /dev/full`) is one line of ours and exit 1, not a stack trace.
stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  errorStream.write(`modelsummary: error: cannot write the output (${error.code ?? error.message})\n`);
  process.exit(1);
});

async function start(): Promise<number> {
  if (shouldRunQuietly(argv, process.env)) return runQuietly(argv);
  const { main } = await import('./main.js');
  return main(argv, {
    stdout: { write: (s: string) => stdout.write(s), isTTY: stdout.isTTY === true, columns: stdout.columns },
    stderr: errorStream,
    env: process.env,
    cwd: process.cwd(),
  });
}

start().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    errorStream.write(`modelsummary: error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
