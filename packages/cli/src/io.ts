/** Where the CLI reads and writes: the real process in `bin.ts`, buffers in tests. */
export interface CliStream {
  write(chunk: string): unknown;
  /** A terminal? Progress and colour only go to a TTY. */
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdout: CliStream;
  stderr: CliStream;
  /** Environment (NO_COLOR, ...). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Base folder for relative paths. Default `process.cwd()`. */
  cwd?: string;
}

/** Exit codes: 0 ok, 1 error (file, model, runtime), 2 usage error, 3 budget exceeded. */
export const EXIT = { OK: 0, ERROR: 1, USAGE: 2, BUDGET: 3 } as const;

/** An error the CLI reports as one line with its exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.ERROR, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.USAGE);
