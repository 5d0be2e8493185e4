// CLI end to end, whole processes: `modelsummary mobilenet_v2.onnx` and the IS-Net quint8 and fp16
// models of @imgly/background-removal-data (1×3×1024×1024) ÷ a minimal script that loads and
// runs the same file once (lib/plain-onnx.mjs), each pair run in turns; `modelsummary --version`
// cold start; a synthetic ~7B-parameter decoder-only transformer (external data not written) with
// `--static`: time + peak RSS.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleavedMedians, nodeProcessMedian, timedProcess } from './lib/proc.mjs';
import { decoder7BModel } from './lib/synthetic.mjs';
import { MOBILENET } from './onnx.mjs';
import { median } from './util.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'packages/cli/dist/bin.js');
const PLAIN = fileURLToPath(new URL('./lib/plain-onnx.mjs', import.meta.url));
/** Debian's python3 (python3-onnx), what the repository's Python exports use. */
const PYTHON = '/usr/bin/python3';

export async function benchCli({ runs = 7 } = {}) {
  if (!existsSync(BIN)) return { skipped: `no ${BIN}: run \`npx turbo run build\` first` };
  const rows = [];
  const version = nodeProcessMedian([BIN, '--version'], { runs: 7 });
  const bare = nodeProcessMedian(['-e', '0'], { runs: 7 });
  rows.push({ name: 'cli --version cold start', ms: version.ms, rss: version.rss, baselineMs: bare.ms, baseline: 'node -e 0', runs: 7 });
  if (existsSync(MOBILENET)) {
    const [plain, cpu, auto] = interleavedMedians([[PLAIN, MOBILENET], [BIN, MOBILENET, '--device', 'cpu'], [BIN, MOBILENET, '--device', 'auto']], { runs });
    for (const [device, ours] of [['cpu', cpu], ['auto', auto]]) {
      rows.push({ name: `cli mobilenet_v2.onnx --device ${device} ÷ plain load+run process`, ms: ours.ms, rss: ours.rss, baselineMs: plain.ms, baselineRss: plain.rss, ratio: ours.ms / plain.ms, rssRatio: ours.rss / plain.rss, runs });
    }
    const st = nodeProcessMedian([BIN, MOBILENET, '--static'], { runs });
    rows.push({ name: 'cli mobilenet_v2.onnx --static ÷ plain load+run process', ms: st.ms, rss: st.rss, baselineMs: plain.ms, baselineRss: plain.rss, ratio: st.ms / plain.ms, runs });
  } else {
    rows.push({ name: 'cli mobilenet_v2.onnx', skipped: `no ${MOBILENET}` });
  }
  for (const [key, label] of [['/models/small', 'quint8'], ['/models/medium', 'fp16']]) {
    const isnet = isnetModel(key, label);
    if (!isnet) {
      rows.push({ name: `cli IS-Net ${label}`, skipped: '@imgly/background-removal-data is not installed' });
      continue;
    }
    try {
      const [plain, ours] = interleavedMedians([[PLAIN, isnet.file], [BIN, isnet.file, '--device', 'cpu', '--format', 'json']], { runs: 3, timeoutMs: 600_000 });
      rows.push({ name: `cli IS-Net ${label} (1×3×1024×1024) --device cpu ÷ plain load+run process`, ms: ours.ms, rss: ours.rss, baselineMs: plain.ms, baselineRss: plain.rss, ratio: ours.ms / plain.ms, rssRatio: ours.rss / plain.rss, runs: 3 });
    } finally {
      isnet.remove();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'ms-7b-'));
  try {
    const file = join(dir, 'decoder-7b.onnx');
    writeFileSync(file, decoder7BModel()); // decoder-7b.onnx.data is never written
    try {
      const python = pythonShapeInference(file, runs);
      const r = nodeProcessMedian([BIN, file, '--static', '--format', 'json'], { runs });
      const json = JSON.parse(r.last.stdout);
      rows.push({
        name: 'cli 7B decoder --static (external data absent)',
        ms: r.ms,
        rss: r.rss,
        params: json.totals.params,
        nodes: json.layers.filter((l) => l.type !== 'scope').length,
        runs,
        ...(python ? { pythonMs: python.ms, pythonRss: python.rss, ratio: r.ms / python.ms } : {}),
      });
      const t = nodeProcessMedian([BIN, file, '--static'], { runs: 3 });
      rows.push({ name: 'cli 7B decoder --static, table', ms: t.ms, rss: t.rss, runs: 3 });
    } catch (error) {
      rows.push({ name: 'cli 7B decoder --static (external data absent)', skipped: `failed: ${error.message.split('\n').slice(0, 2).join(' ').slice(0, 300)}` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows };
}

/**
 * The same file through Python onnx's shape inference (`onnx.shape_inference.infer_shapes`, weights
 * not loaded), as a whole process: medians of wall time and peak RSS. Debian's python3-onnx; undefined without it.
 */
function pythonShapeInference(file, runs) {
  const script = 'import resource, sys, onnx\nm = onnx.load(sys.argv[1], load_external_data=False)\nonnx.shape_inference.infer_shapes(m)\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)';
  const once = () => {
    const r = timedProcess(PYTHON, ['-c', script, file]);
    return r.status === 0 ? { ms: r.ms, rss: Number(r.stdout.trim()) * 1024 } : undefined;
  };
  if (!existsSync(PYTHON) || !once()) return undefined;
  const samples = Array.from({ length: runs }, once).filter(Boolean);
  return samples.length === runs ? { ms: median(samples.map((s) => s.ms)), rss: median(samples.map((s) => s.rss)) } : undefined;
}

/** An IS-Net model of @imgly/background-removal-data (`/models/small`: quint8, `/models/medium`: fp16), put together from its chunks into a temporary file. */
function isnetModel(key, label) {
  let dist;
  try {
    dist = join(dirname(createRequire(import.meta.url).resolve('@imgly/background-removal-data/package.json')), 'dist');
  } catch {
    return undefined;
  }
  const entry = JSON.parse(readFileSync(join(dist, 'resources.json'), 'utf8'))[key];
  if (!entry) return undefined;
  const bytes = Buffer.alloc(entry.size);
  for (const chunk of entry.chunks) readFileSync(join(dist, chunk.hash)).copy(bytes, chunk.offsets[0]);
  const folder = mkdtempSync(join(tmpdir(), 'ms-isnet-'));
  const file = join(folder, `isnet-${label}.onnx`);
  writeFileSync(file, bytes);
  return { file, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchCli(), null, 1));
