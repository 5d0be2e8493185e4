/**
 * `--input` and `--dim`, read by core's flag parsers (the syntax core's messages suggest), their
 * errors usage errors (exit 2). Its own module: it loads core, which `--help` / `--version` do not.
 */
import { parseDimFlag, parseInputFlag, type InputOverride } from '@modelsummary/core';
import { usageError } from './io.js';

/** Core's reading of a flag, its error a usage error (exit 2) with the same message. */
function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error && (error as { code?: unknown }).code === 'INVALID_OPTION') throw usageError(error.message);
    throw error;
  }
}

/** `--input name:dtype:shape` / `--input name=value`: core's `parseInputFlag`. */
export const parseInputOption = (text: string): InputOverride => asUsage(() => parseInputFlag(text));

/** `--dim name=value` (0 allowed): core's `parseDimFlag`. */
export const parseDimOption = (text: string): [string, number] => asUsage(() => parseDimFlag(text));
