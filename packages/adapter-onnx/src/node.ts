/**
 * Node-only helpers: read an `.onnx` file and its external-data files, refusing any location that
 * leaves the model's folder (`..`, absolute paths, symlinks pointing out).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { summaryError } from '@modelsummary/core';
import { onnxAdapter, type ExternalDataFile, type OnnxAdapterOptions, type OnnxHookableModel } from './adapter.js';
import { parseGraph } from './graph.js';
import { decodeModel } from './proto.js';

export interface LoadedOnnxFile {
  /** The model bytes. */
  bytes: Uint8Array;
  /** Absolute path of the model. */
  path: string;
  /** File name, for messages. */
  fileName: string;
  /** External-data files the model names (already checked to stay inside the model's folder). */
  externalData: ExternalDataFile[];
}

/**
 * Reads an ONNX file. External-data files are checked (they must stay inside the model's folder)
 * and read only when `readExternalData` is true (needed to run the model, not to count parameters).
 */
export async function loadOnnxFile(path: string, options: { readExternalData?: boolean } = {}): Promise<LoadedOnnxFile> {
  const absolute = resolve(path);
  const fileName = basename(absolute);
  let bytes: Uint8Array;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw summaryError('INVALID_MODEL', `${fileName}: not a file (${absolute})`, { details: { file: absolute } });
    bytes = await readFile(absolute);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      throw summaryError('INVALID_MODEL', `${fileName}: no such file (${absolute})`, { cause: error, details: { file: absolute } });
    }
    throw error;
  }
  const graph = parseGraph(decodeModel(bytes, fileName), fileName); // also refuses `..` / absolute locations
  const externalData: ExternalDataFile[] = [];
  if (graph.externalFiles.length > 0) {
    const folder = await realpath(dirname(absolute));
    for (const location of graph.externalFiles) {
      const target = await insideFolder(folder, location, fileName);
      if (options.readExternalData !== false) externalData.push({ path: location, data: await readFile(target) });
    }
  }
  return { bytes, path: absolute, fileName, externalData };
}

/** `onnxAdapter` over a file, with its external data (checked) when the model is run. */
export async function onnxAdapterFromFile(path: string, options: OnnxAdapterOptions = {}): Promise<OnnxHookableModel> {
  const file = await loadOnnxFile(path, { readExternalData: options.run !== false });
  return onnxAdapter(file.bytes, {
    fileName: file.fileName,
    modelPath: file.path,
    ...options,
    externalData: [...file.externalData, ...(options.externalData ?? [])],
  });
}

async function insideFolder(folder: string, location: string, fileName: string): Promise<string> {
  const refuse = (why: string): never => {
    throw summaryError('UNSAFE_PATH', `${fileName}: external data "${location}" ${why}; refused`, { details: { file: fileName, location } });
  };
  if (isAbsolute(location)) refuse('is an absolute path');
  const target = resolve(folder, location);
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    throw summaryError('INVALID_MODEL', `${fileName}: external data file "${location}" is missing (${target})`, { cause: error, details: { file: fileName, location } });
  }
  const rel = relative(folder, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) refuse(`resolves to ${real}, outside the model's folder ${folder}`);
  return real;
}

export * from './index.js';
