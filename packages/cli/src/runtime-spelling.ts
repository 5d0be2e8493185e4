/** `--runtime`'s value as the CLI reads it. Its own module: `quiet.ts` reads it before anything else loads. */

/**
 * A `--runtime` value spelled the one way: lower case, `onnxruntime-node` / `onnxruntime-web` as
 * `node` / `web`, and `wasm` (the WebAssembly build) as `web`. Other words come back as they are, to be refused.
 */
export function runtimeSpelling(text: string): string {
  const word = text.toLowerCase().replace(/^onnxruntime-/, '');
  return word === 'wasm' ? 'web' : word;
}
