/**
 * `@modelsummary/cli` programmatic entry: `main(argv, io)` runs the CLI and resolves to its exit
 * code (tests call it with buffers). The `modelsummary` binary is `bin/modelsummary.js`, which runs `dist/bin.js`.
 */
export { main, report, EXIT } from './main.js';
export type { CliIO, CliStream, CliOptions } from './main.js';
export { parseBytes, parseCount, resolveOptions } from './options.js';
export { parseDimOption, parseInputOption } from './input-options.js';
export { VERSION } from './help.js';
