/** Quoting for the command lines core and the CLI suggest, so that a printed command works when pasted. */

const SAFE = /^[A-Za-z0-9_./:=@%+,^-]+$/;

/** One shell word (POSIX sh): as it is when it needs no quoting, else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A CLI flag with its value as one shell word: `--dim sequence_length=N`, `--dim 'input_ids[1]=N'`. */
export function shellFlag(flag: string, value: string): string {
  return `${flag} ${shellQuote(value)}`;
}
