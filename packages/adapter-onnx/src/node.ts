/**
 * Node-only helpers: read an `.onnx` file and its external-data files, refusing any location that
 * leaves the model's folder (`..`, absolute paths, symlinks pointing out).
 */
import { mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isInsideFolder, ModelSummaryError, summaryError } from '@modelsummary/core';
import { onnxAdapterFromGraph, type ExternalDataFile, type OnnxAdapterOptions, type OnnxHookableModel } from './adapter.js';
import { parseGraph, type ParsedGraph } from './graph.js';
import type { ProfileStore } from './profile-capture.js';
import { decodeModel, markSpareRoom } from './proto.js';

export interface LoadedOnnxFile {
  /** The model bytes. */
  bytes: Uint8Array;
  /** Absolute path of the model. */
  path: string;
  /** File name, for messages. */
  fileName: string;
  /** External-data files the model names (already checked to stay inside the model's folder). */
  externalData: ExternalDataFile[];
  /** The parsed graph (so that the adapter does not decode the file a second time). */
  graph: ParsedGraph;
}

export interface LoadOnnxFileOptions {
  /** Read the external-data files too (needed to run the model, not to count parameters). Default true. */
  readExternalData?: boolean;
  /** The model file's content, when the caller has read it already: the file is not read again. */
  bytes?: Uint8Array;
  /**
   * With `bytes`: the rest of `bytes.buffer` after them is free (a buffer allocated for this file
   * with room to spare), so the shape probes are appended there instead of copying the model.
   */
  spareRoom?: boolean;
}

/**
 * Reads an ONNX file (or takes its `bytes`, already read). External-data files are checked (they
 * must stay inside the model's folder) and read only when `readExternalData` is true (needed to
 * run the model, not to count parameters). Without `readExternalData` a missing data file is fine
 * (a static summary needs only the dims); one that exists must still resolve inside the model's folder.
 */
export async function loadOnnxFile(path: string, options: LoadOnnxFileOptions = {}): Promise<LoadedOnnxFile> {
  const absolute = resolve(path);
  const fileName = basename(absolute);
  const bytes = options.bytes ?? (await readModel(absolute, fileName));
  if (options.bytes && options.spareRoom) markSpareRoom(options.bytes.buffer);
  const graph = parseGraph(decodeModel(bytes, fileName), fileName); // also refuses `..` / absolute locations
  const externalData: ExternalDataFile[] = [];
  if (graph.externalFiles.length > 0) {
    const folder = await realpath(dirname(absolute));
    const read = options.readExternalData !== false;
    for (const location of graph.externalFiles) {
      const target = await insideFolder(folder, location, fileName, !read);
      if (read && target !== undefined) externalData.push({ path: location, data: await readExternal(target, location, fileName, rangesIn(graph, location)) });
    }
  }
  return { bytes, path: absolute, fileName, externalData, graph };
}

/** The model file's bytes; `INVALID_MODEL` naming the file when it is not a readable file. */
async function readModel(absolute: string, fileName: string): Promise<Uint8Array> {
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw summaryError('INVALID_MODEL', `${fileName}: not a file (${absolute})`, { details: { file: absolute } });
    if (info.size > 2 ** 31) {
      throw summaryError('INVALID_MODEL', `${fileName}: is ${(info.size / 2 ** 30).toFixed(1)} GiB, more than a protobuf ONNX model can be (2 GiB); not read`, { details: { file: absolute, bytes: info.size } });
    }
    return await readWhole(absolute, info.size);
  } catch (error) {
    if (ModelSummaryError.isInstance(error)) throw error;
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (error as Error).message})`;
    throw summaryError('INVALID_MODEL', `${fileName}: ${why} (${absolute})`, { cause: error, details: { file: absolute } });
  }
}

/** Spare room after the model bytes, so that the shape probes can be appended without copying the model. */
const PROBE_ROOM = 1 << 20;

/**
 * Reads a file with few large reads into a buffer with spare room after it (`readFile` reads in
 * 512 KiB steps, one thread-pool round trip each, and the probes would then copy the whole model).
 */
async function readWhole(path: string, size: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(size + PROBE_ROOM);
  markSpareRoom(buffer.buffer);
  const handle = await open(path, 'r');
  try {
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(buffer, offset, Math.min(size - offset, 1 << 30), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return buffer.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

/** `onnxAdapter` over a file, with its external data (checked) when the model is run. */
export async function onnxAdapterFromFile(path: string, options: OnnxAdapterOptions = {}): Promise<OnnxHookableModel> {
  return onnxAdapterFromLoaded(await loadOnnxFile(path, { readExternalData: options.run !== false }), options);
}

/** `onnxAdapter` over a file already read with `loadOnnxFile` (its graph is not decoded again). */
export function onnxAdapterFromLoaded(file: LoadedOnnxFile, options: OnnxAdapterOptions = {}): OnnxHookableModel {
  return onnxAdapterFromGraph(file.bytes, file.graph, {
    fileName: file.fileName,
    modelPath: file.path,
    profiles: nodeProfileStore(),
    ...options,
    externalData: [...file.externalData, ...(options.externalData ?? [])],
  });
}

/** The byte ranges of `location` that the model's initializers use, sorted and merged. */
function rangesIn(graph: ParsedGraph, location: string): { offset: number; length: number }[] {
  const ranges: { offset: number; length: number }[] = [];
  for (const init of graph.initializers.values()) if (init.externalLocation === location && init.externalRange) ranges.push({ ...init.externalRange });
  ranges.sort((a, b) => a.offset - b.offset);
  const merged: { offset: number; length: number }[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.offset <= last.offset + last.length) last.length = Math.max(last.length, r.offset + r.length - last.offset);
    else merged.push(r);
  }
  return merged;
}

/**
 * Reads only the ranges of an external-data file that initializers use, into a buffer as long as
 * the last of them (offsets stay valid for onnxruntime); refuses what is not a regular file (a
 * FIFO would block forever) and a file shorter than the model says.
 */
async function readExternal(target: string, location: string, fileName: string, ranges: readonly { offset: number; length: number }[]): Promise<Uint8Array> {
  const fail = (why: string, cause?: unknown): never => {
    throw summaryError('INVALID_MODEL', `${fileName}: external data "${location}" ${why}`, { ...(cause === undefined ? {} : { cause }), details: { file: fileName, location } });
  };
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    const info = await stat(target);
    if (!info.isFile()) fail(`is not a regular file (${info.isDirectory() ? 'a folder' : 'a FIFO, socket or device'})`);
    const end = ranges.reduce((n, r) => Math.max(n, r.offset + r.length), 0);
    if (end > info.size) fail(`holds ${info.size} bytes, the model reads up to byte ${end} (truncated?)`);
    const data = new Uint8Array(end);
    handle = await open(target, 'r');
    for (const r of ranges) {
      for (let at = 0; at < r.length; ) {
        const { bytesRead } = await handle.read(data, r.offset + at, Math.min(r.length - at, 1 << 30), r.offset + at);
        if (bytesRead === 0) fail(`ended before byte ${r.offset + r.length}`);
        at += bytesRead;
      }
    }
    return data;
  } catch (error) {
    if (ModelSummaryError.isInstance(error)) throw error;
    const code = (error as { code?: string }).code;
    return fail(`cannot be read (${code ?? (error as Error).message})`, error);
  } finally {
    await handle?.close();
  }
}

async function insideFolder(folder: string, location: string, fileName: string, allowMissing = false): Promise<string | undefined> {
  const refuse = (why: string): never => {
    throw summaryError('UNSAFE_PATH', `${fileName}: external data "${location}" ${why}; refused`, { details: { file: fileName, location } });
  };
  if (isAbsolute(location)) refuse('is an absolute path');
  const target = resolve(folder, location);
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    if (allowMissing && (error as { code?: string }).code === 'ENOENT') return undefined;
    throw summaryError('INVALID_MODEL', `${fileName}: external data file "${location}" is missing (${target})`, { cause: error, details: { file: fileName, location } });
  }
  if (!isInsideFolder(relative(folder, real))) refuse(`resolves to ${real}, outside the model's folder ${folder}`);
  return real;
}

export * from './index.js';

/**
 * A folder in the system's temporary directory for onnxruntime-node's profiles (`profiles` of
 * `onnxAdapter`): made when a session first needs it, each profile removed once read, and the
 * folder with the last of them.
 */
export function nodeProfileStore(): ProfileStore {
  let dir: string | undefined;
  let count = 0;
  return {
    prefix() {
      dir ??= mkdtempSync(join(tmpdir(), 'modelsummary-profile-'));
      count += 1;
      return join(dir, `pass${count}`);
    },
    take(prefix) {
      const folder = dirname(prefix);
      const stem = `${basename(prefix)}_`;
      let text: string | undefined;
      try {
        for (const f of readdirSync(folder).filter((n) => n.startsWith(stem) && n.endsWith('.json'))) {
          text ??= readFileSync(join(folder, f), 'utf8');
          rmSync(join(folder, f), { force: true });
        }
        if (readdirSync(folder).length === 0) {
          rmdirSync(folder);
          if (dir === folder) dir = undefined;
        }
      } catch {
        // the folder went away: nothing was written
      }
      return text;
    },
  };
}
