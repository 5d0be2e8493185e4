import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vitepress';
import { serviceWorker } from './offline.js';

/** A Vite plugin as VitePress's own Vite types it. */
type Plugin = Extract<NonNullable<NonNullable<UserConfig['vite']>['plugins']>[number], { name: string }>;

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const nodeModules = join(repo, 'node_modules');

/**
 * Files the playground loads at run time, served from the site itself (never a CDN):
 * onnxruntime-web's wasm + its loader, the tfjs wasm backend binaries, and the bundled example models.
 */
export const STATIC_FILES: Record<string, string[]> = {
  ort: ['ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.jsep.mjs'].map((f) => join(nodeModules, 'onnxruntime-web/dist', f)),
  'tfjs-wasm': ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) =>
    join(nodeModules, '@tensorflow/tfjs-backend-wasm/dist', f),
  ),
};

/** Where the example models live: the repository's examples/ (built by examples/build.mjs). */
const examplesDir = resolve(process.env.MODELSUMMARY_EXAMPLES_DIR ?? join(repo, 'examples'));

export interface ExampleEntry {
  id: string;
  label: string;
  kind: 'onnx' | 'tfjs';
  /** Site paths (no leading slash): the model file first, then its shards. */
  files: string[];
}

function walk(dir: string, depth = 0): string[] {
  if (!existsSync(dir) || depth > 4) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.') || e.name === 'node_modules') return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? walk(path, depth + 1) : [path];
  });
}

/**
 * The bundled examples: every `.onnx` file and every TF.js `model.json` (with the shards its
 * weightsManifest names) under examples/. Returns the manifest and the files to copy, by site path.
 */
export function examples(): { manifest: ExampleEntry[]; files: Map<string, string> } {
  const files = new Map<string, string>();
  const manifest: ExampleEntry[] = [];
  const site = (path: string) => `examples/${relative(examplesDir, path).split(sep).join('/')}`;
  for (const path of walk(examplesDir).sort()) {
    const name = basename(path);
    if (name.endsWith('.onnx')) {
      files.set(site(path), path);
      manifest.push({ id: site(path), label: `ONNX: ${name}`, kind: 'onnx', files: [site(path)] });
    } else if (name.endsWith('.json')) {
      let json: { modelTopology?: unknown; weightsManifest?: { paths: string[] }[]; format?: string };
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        continue;
      }
      if (!json || typeof json !== 'object' || json.modelTopology === undefined) continue;
      const shards = (json.weightsManifest ?? []).flatMap((g) => g.paths).map((p) => join(dirname(path), p));
      if (!shards.every((s) => existsSync(s))) continue;
      for (const f of [path, ...shards]) files.set(site(f), f);
      const folder = basename(dirname(path));
      const label = `TF.js ${json.format === 'graph-model' ? 'graph' : 'layers'}: ${name === 'model.json' ? folder : name}`;
      manifest.push({ id: site(path), label, kind: 'tfjs', files: [site(path), ...shards.map(site)] });
    }
  }
  // ONNX first, then TF.js: the order of the example menu.
  manifest.sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === 'onnx' ? -1 : 1));
  return { manifest, files };
}

/** Every file the site serves besides the pages: site path -> file on disk. */
function siteFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [folder, list] of Object.entries(STATIC_FILES)) for (const f of list) out.set(`${folder}/${basename(f)}`, f);
  for (const [path, file] of examples().files) out.set(path, file);
  return out;
}

const MIME: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/** Dev server: serve the same files the build copies. */
function servePlaygroundFiles(): Plugin {
  return {
    name: 'modelsummary-playground-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = decodeURIComponent((req.url ?? '').split('?')[0] ?? '').replace(/^\//, '');
        if (url === 'examples/index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(examples().manifest));
          return;
        }
        const file = siteFiles().get(url);
        if (!file) return next();
        res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
  };
}

// Workspace packages resolve to their src/ (no package build needed); onnxruntime-web's extern-wasm
// build loads its wasm from ort.env.wasm.wasmPaths (our /ort/ copy) instead of inlining it.
const conditions = ['@modelsummary/source'];
const clientConditions = [...conditions, 'onnxruntime-web-use-extern-wasm'];

export default defineConfig({
  title: 'modelsummary',
  description: 'model.summary() for TensorFlow.js and ONNX models, in Node, Bun, Deno and the browser.',
  cleanUrls: false,
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'API', link: '/guide/api' },
      { text: 'Playground', link: '/playground' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'CLI reference', link: '/guide/cli' },
          { text: 'How it works', link: '/guide/how-it-works' },
          { text: 'Memory and MACs', link: '/guide/memory-and-macs' },
          { text: 'Writing a custom adapter', link: '/guide/custom-adapter' },
          { text: 'API reference', link: '/guide/api' },
          { text: 'Troubleshooting', link: '/guide/troubleshooting' },
        ],
      },
      { text: 'Playground', items: [{ text: 'Summarize a model in the browser', link: '/playground' }] },
    ],
    search: { provider: 'local' },
  },
  vite: {
    resolve: { conditions: clientConditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    plugins: [servePlaygroundFiles()],
    build: { chunkSizeWarningLimit: 8000 },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
  },
  buildEnd(site) {
    for (const [path, file] of siteFiles()) {
      const target = join(site.outDir, path);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
    mkdirSync(join(site.outDir, 'examples'), { recursive: true });
    writeFileSync(join(site.outDir, 'examples', 'index.json'), JSON.stringify(examples().manifest, null, 2));
    writeFileSync(join(site.outDir, 'sw.js'), serviceWorker(site.outDir, site.site.base));
  },
});
