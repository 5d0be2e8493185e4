/**
 * What a model file holds, told from its content: ONNX protobuf, a TF.js model.json, or a
 * modelsummary JSON summary. Pure (no I/O): the CLI and the docs playground hand it the bytes
 * they read, and the name to put in messages.
 */
import { summaryError } from './errors.js';

/** The files modelsummary reads. */
export type ModelFileKind = 'onnx' | 'tfjs' | 'summary-json';

/** A file told apart; for the JSON kinds, the document already parsed (no need to parse it again). */
export type DetectedModelFile =
  | { kind: 'onnx' }
  | { kind: 'tfjs'; json: Record<string, unknown> }
  | { kind: 'summary-json'; json: Record<string, unknown> };

/** Why `detectModelFile` refused a file (`details.problem` of its `INVALID_MODEL` error). */
export type ModelFileProblem = 'empty' | 'not-json' | 'bad-json' | 'unknown-json' | 'weights-manifest';

const BOM = '\uFEFF';

function refuse(fileName: string, problem: ModelFileProblem, message: string, cause?: unknown): never {
  throw summaryError('INVALID_MODEL', `${fileName}: ${message}`, { ...(cause === undefined ? {} : { cause }), details: { file: fileName, problem } });
}

/** The first character that is not a byte order mark or white space (only the first bytes are decoded). */
function firstChar(content: Uint8Array | string): string {
  const head = typeof content === 'string' ? content.slice(0, 4096) : new TextDecoder('utf-8', { fatal: false }).decode(content.subarray(0, 4096));
  return head.replace(/^\uFEFF/, '').trimStart().charAt(0);
}

function parseJSON(content: Uint8Array | string, fileName: string): unknown {
  const text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: false }).decode(content);
  try {
    return JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
  } catch (error) {
    return refuse(fileName, 'bad-json', `looks like JSON but does not parse (${error instanceof Error ? error.message : String(error)})`, error);
  }
}

/**
 * Tells what a model file holds from its whole content (`fileName` names it in messages). Content
 * starting with `{` is JSON: a TF.js model.json (it has `modelTopology`) or a modelsummary summary
 * (`schemaVersion` and `layers`); anything else is handed to the ONNX decoder, which names what is
 * wrong — except in a file named `*.json`. A TF.js weights manifest without a topology (the
 * `[{ paths, weights }]` of face-api's `*-weights_manifest.json`, or a `weightsManifest` without
 * `modelTopology`) is refused as such. Throws `INVALID_MODEL` (`details.problem`: `empty`,
 * `not-json`, `bad-json`, `unknown-json`, `weights-manifest`) naming the file.
 */
export function detectModelFile(content: Uint8Array | string, fileName = 'the file'): DetectedModelFile {
  const size = typeof content === 'string' ? content.length : content.byteLength;
  if (size === 0) refuse(fileName, 'empty', 'the file is empty (0 bytes), not a model');
  const first = firstChar(content);
  if (first === '[' && isWeightsManifest(tryParseJSON(content))) refuseManifest(fileName, 'a list of weight groups');
  if (first !== '{') {
    if (/\.json$/i.test(fileName)) refuse(fileName, 'not-json', 'not a JSON object: neither a TF.js model.json nor a modelsummary JSON summary');
    return { kind: 'onnx' };
  }
  const json = parseJSON(content, fileName) as Record<string, unknown>;
  if ('modelTopology' in json) return { kind: 'tfjs', json };
  if (isWeightsManifest(json.weightsManifest)) refuseManifest(fileName, '"weightsManifest" and no "modelTopology"');
  if ('schemaVersion' in json && 'layers' in json) return { kind: 'summary-json', json };
  return refuse(fileName, 'unknown-json', 'a JSON file that is neither a TF.js model.json (no "modelTopology") nor a modelsummary JSON summary');
}

function tryParseJSON(content: Uint8Array | string): unknown {
  try {
    const text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: false }).decode(content);
    return JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
  } catch {
    return undefined;
  }
}

/** A TF.js weights manifest: weight groups, each with shard `paths` and weight specs. */
function isWeightsManifest(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((g) => typeof g === 'object' && g !== null && Array.isArray((g as { paths?: unknown }).paths) && Array.isArray((g as { weights?: unknown }).weights))
  );
}

function refuseManifest(fileName: string, what: string): never {
  return refuse(
    fileName,
    'weights-manifest',
    `a TF.js weights manifest (${what}): it lists weights but no model topology, so there is no model to summarize; ` +
      'give the model.json that has "modelTopology" (a weights-only manifest, as face-api ships, is loaded by code that builds the model)',
  );
}
