/**
 * The CLI as a function: `main(argv, io)` → exit code. Only cac and this file's small helpers are
 * imported up front; core, the adapters and the ML runtimes load when a model is summarized.
 */
import { cac } from 'cac';
import { checkArguments, knownOptions } from './argv.js';
import { HELP, VERSION } from './help.js';
import { CliError, EXIT, usageError, type CliIO } from './io.js';
import { resolveOptions, type CliOptions } from './options.js';

export type { CliIO, CliStream } from './io.js';
export { EXIT } from './io.js';

const STRING = { type: [String] };

function buildParser() {
  const cli = cac('modelsummary');
  cli
    .option('--format <format>', 'output format', STRING)
    .option('--depth <n>', 'max depth', STRING)
    .option('--columns <list>', 'columns', STRING)
    .option('--batch <n>', 'batch size', STRING)
    .option('--input <spec>', 'input override', STRING)
    .option('--dim <name=value>', 'symbolic dim', STRING)
    .option('--device <device>', 'device', STRING)
    .option('--runtime <runtime>', 'ONNX runtime', STRING)
    .option('--units <units>', 'units', STRING)
    .option('--memory-convention <convention>', 'memory convention', STRING)
    .option('--ascii', 'ASCII only')
    .option('--width <n>', 'table width', STRING)
    .option('--expand', 'no folded repeats')
    .option('--no-color', 'no colour')
    .option('--output <file>', 'output file', STRING)
    .option('--static', 'static ONNX summary')
    .option('--max-params <n>', 'params budget', STRING)
    .option('--max-macs <n>', 'MACs budget', STRING)
    .option('--max-memory <bytes>', 'memory budget', STRING)
    .option('--max-input-bytes <bytes>', 'mock input limit', STRING)
    .option('--debug', 'stack traces')
    .option('-h, --help', 'help')
    .option('-v, --version', 'version');
  cli.command('diff <a> <b>', 'compare two models or summaries');
  cli.command('[model]', 'summarize a model');
  return cli;
}

/**
 * Runs the CLI. `argv` are the arguments after the program name. Never throws: errors become one
 * line on stderr (a stack too with `--debug`) and an exit code (1 error, 2 usage, 3 budget).
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const env = io.env ?? process.env;
  const debug = argv.includes('--debug');
  let color = !argv.includes('--no-color') && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && io.stderr.isTTY === true;
  try {
    const cli = buildParser();
    let parsed: { args: readonly string[]; options: Record<string, unknown> };
    try {
      const args = checkArguments(argv, knownOptions(cli.globalCommand.options.map((o) => o.rawName)));
      parsed = cli.parse(['node', 'modelsummary', ...args], { run: false });
      if (parsed.options.help || parsed.options.version) {
        io.stdout.write(parsed.options.help ? HELP : `${VERSION}\n`);
        return EXIT.OK;
      }
      const command = cli.matchedCommand;
      if (!command) throw usageError(`unknown command "${parsed.args[0] ?? ''}"; run modelsummary --help`);
      command.checkUnknownOptions();
      command.checkOptionValue();
      command.checkRequiredArgs();
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw usageError(`${(error as Error).message.replace(/`/g, '"')}; run modelsummary --help`);
    }
    const options = await resolveOptions(parsed.options, env);
    color = options.color && io.stderr.isTTY === true;
    const isDiff = cli.matchedCommandName === 'diff';
    const positionals = parsed.args.filter((a) => a !== '');
    if (isDiff) {
      if (positionals.length !== 2) throw usageError(`diff takes two files (models or JSON summaries), got ${positionals.length}`);
      const { runDiff } = await import('./run.js');
      return await runDiff(positionals[0] as string, positionals[1] as string, options, io);
    }
    if (positionals.length === 0) {
      io.stderr.write(`modelsummary: no model given\n\nUsage: modelsummary <model> [options]  (modelsummary --help for all options)\n`);
      return EXIT.USAGE;
    }
    if (positionals.length > 1) throw usageError(`one model at a time, got ${positionals.length}: ${positionals.join(', ')} (to compare two, use: modelsummary diff A B)`);
    const { runSummary } = await import('./run.js');
    return await runSummary(positionals[0] as string, options, io);
  } catch (error) {
    return report(error, io, { debug, color });
  }
}

/** Codes of core errors that come from what the user typed: an option, an input override, a dim (exit 2). */
const USAGE_CODES = new Set(['INVALID_OPTION', 'INVALID_INPUT', 'INVALID_SHAPE', 'UNKNOWN_DTYPE', 'UNRESOLVED_DIM']);

/** `ModelSummaryError.isInstance` without importing core (kept lazy for `--version` / `--help`). */
function isSummaryError(error: unknown): error is Error & { code: string; details?: Record<string, unknown> } {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[Symbol.for('modelsummary.error')] === true;
}

/** One line on stderr (plus the stack with --debug); returns the exit code. */
export function report(error: unknown, io: CliIO, flags: { debug: boolean; color: boolean }): number {
  let code: number = EXIT.ERROR;
  let message: string;
  if (error instanceof CliError) {
    code = error.exitCode;
    message = error.message;
  } else if (isSummaryError(error)) {
    code = USAGE_CODES.has(error.code) ? EXIT.USAGE : EXIT.ERROR;
    message = error.message;
  } else {
    message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  }
  const oneLine = message.replace(/\s*\n\s*/g, ' ').trim();
  const prefix = flags.color ? '\x1b[31mmodelsummary: error:\x1b[39m' : 'modelsummary: error:';
  io.stderr.write(`${prefix} ${oneLine}\n`);
  if (flags.debug && error instanceof Error) {
    io.stderr.write(`${error.stack ?? ''}\n`);
    let cause = (error as { cause?: unknown }).cause;
    while (cause instanceof Error) {
      io.stderr.write(`Caused by: ${cause.stack ?? cause.message}\n`);
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return code;
}

export type { CliOptions };
