#!/usr/bin/env node
// The system packages the tests need, installed by `npm test` itself (scripts/test-all.mjs) so that
// the README's `npm ci && npm test` is the whole set-up on a Debian / Ubuntu machine:
//   chromium         the browser the docs playground test drives (playwright-core); its SwiftShader
//                    Vulkan driver also gives Dawn (the `webgpu` package, onnxruntime-node's webgpu
//                    provider) a software GPU adapter
//   libvulkan1       the Vulkan loader Dawn opens
//   libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri libegl-dev
//                    Mesa's OpenGL ES through EGL (llvmpipe): Dawn's fastest software adapter
//                    (Dawn opens `libEGL.so`, the unversioned name, which only libegl-dev installs)
// Missing ones are installed with apt-get when this runs as root (or with passwordless sudo);
// otherwise it says which are missing and how to install them, and fails.
// MODELSUMMARY_SYSTEM_DEPS=skip skips the check (the browser / WebGPU tests then skip, or fail under CI).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SYSTEM_PACKAGES = Object.freeze(['chromium', 'libvulkan1', 'libegl1', 'libegl-mesa0', 'libgles2', 'libgl1-mesa-dri', 'libegl-dev']);

const quiet = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };

/** True when `command` can be run (found on PATH). */
function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], quiet).status === 0;
}

/** The packages of `names` dpkg does not list as installed. */
export function missingPackages(names, query = (name) => spawnSync('dpkg-query', ['-W', '-f=${Status}', name], quiet)) {
  return names.filter((name) => {
    const r = query(name);
    return r.status !== 0 || !String(r.stdout).includes('install ok installed');
  });
}

/**
 * How the missing packages get installed here: `{ argv }` of the apt-get commands' prefix (`[]` as
 * root, `['sudo', '-n']` with passwordless sudo), or `{ reason }` why they cannot be.
 */
export function installer(env = {}) {
  const isRoot = (env.uid ?? process.getuid?.()) === 0;
  if (!(env.hasAptGet ?? has('apt-get'))) return { reason: 'apt-get is not available (not a Debian / Ubuntu system)' };
  if (isRoot) return { argv: [] };
  if (env.hasSudo ?? (has('sudo') && spawnSync('sudo', ['-n', 'true'], quiet).status === 0)) return { argv: ['sudo', '-n'] };
  return { reason: 'this is not root and sudo needs a password' };
}

function run(argv, log) {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd, args, { ...quiet, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  log.push(`$ ${argv.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`);
  return r.status === 0;
}

/**
 * Makes sure the tests' system packages are there. Returns true when they are (now); prints one
 * line saying what it installs, and on failure what is missing and the command that installs it.
 */
export function ensureSystemPackages({ names = SYSTEM_PACKAGES, out = console } = {}) {
  if (process.env.MODELSUMMARY_SYSTEM_DEPS === 'skip') return true;
  if (process.platform !== 'linux' || !has('dpkg-query')) {
    out.log(`npm test: not a Debian / Ubuntu system: install ${names.join(', ')} (or their equivalents) yourself; see README.md`);
    return true;
  }
  const missing = missingPackages(names);
  if (missing.length === 0) return true;
  const how = installer();
  const command = `apt-get install --no-install-recommends ${missing.join(' ')}`;
  if (how.reason) {
    out.error(`npm test: the tests need the Debian packages ${missing.join(', ')}, and ${how.reason}.`);
    out.error(`Install them with: sudo apt-get update && sudo ${command}   (or run npm test as root)`);
    return false;
  }
  out.log(`npm test: installing the Debian packages the tests need: ${missing.join(' ')} (apt-get, about a minute)`);
  const log = [];
  const ok = run([...how.argv, 'apt-get', 'update', '-qq'], log) && run([...how.argv, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], log);
  const still = ok ? missingPackages(missing) : missing;
  if (still.length > 0) {
    out.error(log.join('\n').split('\n').slice(-30).join('\n'));
    out.error(`npm test: could not install ${still.join(', ')}; try: sudo apt-get update && sudo ${command}`);
    return false;
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(ensureSystemPackages() ? 0 : 1);
}
