/**
 * Keeps stderr to the tool's own lines. The ML runtimes' native code (Dawn, the Vulkan loader,
 * onnxruntime's C++ logger) writes to file descriptor 2 directly, which JavaScript cannot
 * redirect in its own process. So `bin.ts` runs the CLI in a child process whose fd 2 is a pipe
 * this process reads and keeps to itself, while the CLI's own messages (progress included) go to
 * fd 3, which is this process's real stderr: written by the child itself, they stay in order with
 * its stdout on a terminal. Each of them also drops a byte on fd 4, so this process knows the
 * child said why it failed. `--debug` runs in-process and shows everything. When the child dies
 * (a signal, a native abort, an exit without a word of its own) what it wrote is shown after all.
 * `--device cpu` with onnxruntime-node or TF.js's CPU backend runs in-process too: neither loads
 * native code that writes on fd 2 by itself, and the CLI turns onnxruntime's logger off (`load.ts`),
 * so the second Node start-up (a third of a small model's summary) is not paid.
 */
import { writeSync } from 'node:fs';
import { runtimeSpelling } from './runtime-spelling.js';

/** Set in the child: the width of the parent's stderr terminal, or '' when it is not one. */
export const CHILD_ENV = 'MODELSUMMARY_OWN_STDERR';
/** The child's own messages go to this descriptor (the parent's stderr). */
export const OWN_FD = 3;
/** A byte per own message goes to this one (a pipe to the parent). */
const SAID_FD = 4;
/** Bytes of the runtimes' stderr kept for a crash report. */
const KEEP_BYTES = 256 * 1024;

/** Runs that load no runtime (help, version, `--static`: the graph alone) or want to see everything (`--debug`). */
const IN_PROCESS_FLAGS = new Set(['--debug', '-h', '--help', '-v', '--version', '--static']);

/**
 * True when the CLI should run in a quiet child: on Node (not Bun / Deno, whose command lines
 * differ), not already the child, with arguments that may load a noisy runtime (help, version,
 * `--static` and the no-argument usage line load none; `--device cpu` loads only quiet ones unless
 * `--runtime web` asks for onnxruntime-web's WebAssembly build, whose logger writes on its own;
 * `--debug` wants to see everything).
 */
export function shouldRunQuietly(argv: readonly string[], env: Record<string, string | undefined>): boolean {
  if (env[CHILD_ENV] !== undefined || env.MODELSUMMARY_IN_PROCESS === '1') return false;
  if (typeof (process.versions as Record<string, string | undefined>).bun === 'string' || 'Deno' in globalThis) return false;
  if (argv.length === 0 || argv.some((a) => IN_PROCESS_FLAGS.has(a))) return false;
  const device = optionValue(argv, '--device')?.toLowerCase();
  return !(device === 'cpu' && runtimeSpelling(optionValue(argv, '--runtime') ?? 'auto') !== 'web');
}

/** The last value given to `--name value` or `--name=value` (as cac reads them), if any. */
function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  argv.forEach((a, i) => {
    if (a === name) value = argv[i + 1];
    else if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  });
  return value;
}

/** In the quiet child: writes one of the CLI's own messages to the parent's stderr, and says so. */
export function writeOwn(text: string): void {
  writeAll(OWN_FD, text);
  try {
    writeSync(SAID_FD, '.');
  } catch {
    // the parent went away: nothing to tell
  }
}

/** Writes all of `text` to `fd`, waiting out a full pipe. */
function writeAll(fd: number, text: string): void {
  let buffer = Buffer.from(text);
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(fd, buffer));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/** Runs this same CLI in a child (see the module comment); resolves to its exit code. */
export async function runQuietly(argv: readonly string[]): Promise<number> {
  const { spawn } = await import('node:child_process'); // not loaded by the runs that need no child
  return new Promise((resolve) => {
    const stderr = process.stderr;
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, ...argv], {
      stdio: ['inherit', 'inherit', 'pipe', 2, 'pipe'],
      env: { ...process.env, [CHILD_ENV]: stderr.isTTY ? String(stderr.columns ?? 80) : '' },
    });
    const native: Buffer[] = [];
    let kept = 0;
    let own = 0;
    child.stdio[2]?.on('data', (chunk: Buffer) => {
      if (kept < KEEP_BYTES) native.push(chunk);
      kept += chunk.length;
    });
    child.stdio[4]?.on('data', (chunk: Buffer) => {
      own += chunk.length;
    });
    // Ctrl-C reaches the whole process group: the child decides; a signal sent to this process alone is passed on.
    const onSigint = () => {};
    const onSigterm = () => child.kill('SIGTERM');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    const finish = (code: number) => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      resolve(code);
    };
    child.on('error', (error) => {
      stderr.write(`modelsummary: error: could not start ${process.execPath}: ${error.message}\n`);
      finish(1);
    });
    child.on('close', (code, signal) => {
      if (signal === 'SIGINT' || signal === 'SIGTERM') return finish(signal === 'SIGINT' ? 130 : 143);
      // Exit codes 0-3 are the CLI's own (it has said why, on fd 3); anything else is a crash.
      const crashed = signal !== null || code === null || code > 3 || (code !== 0 && own === 0);
      if (crashed) {
        stderr.write(Buffer.concat(native));
        stderr.write(`modelsummary: error: the process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; the lines above are what the runtimes wrote\n`);
      }
      finish(code ?? 1);
    });
  });
}
