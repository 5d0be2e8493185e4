/**
 * Device selection. The WebGPU part runs onnxruntime-node's built-in webgpu EP on SwiftShader
 * (Vulkan, from Debian's chromium package; needs libvulkan1) when that ICD is present, or on a real
 * GPU when MODELSUMMARY_TEST_WEBGPU=native.
 */
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { summarize } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { MODELS_DIR, countingOrt, describeReference, modelBytes, ortNode, ortWeb } from './helpers.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const NATIVE = process.env.MODELSUMMARY_TEST_WEBGPU === 'native';
const HAVE_VULKAN = existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1') || existsSync('/usr/lib/aarch64-linux-gnu/libvulkan.so.1');
const WEBGPU = NATIVE || (existsSync(SWIFTSHADER) && HAVE_VULKAN);
if (WEBGPU && !NATIVE) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
if (!WEBGPU) console.warn(`\n!!! no WebGPU adapter here (${SWIFTSHADER} and libvulkan.so.1 are needed): the webgpu tests of adapter-onnx are SKIPPED !!!\n`);

test.runIf(Boolean(process.env.CI))('CI has a WebGPU adapter (SwiftShader + libvulkan1, installed by .ci/run)', () => {
  expect(WEBGPU, `${SWIFTSHADER} and libvulkan.so.1 are needed`).toBe(true);
});

describeReference('device selection', () => {
  test('onnxruntime-web in Node has no GPU provider: auto falls back to wasm, and says so', async () => {
    const model = await onnxAdapter(modelBytes('mnist_net'), { ort: await ortWeb(), fileName: 'mnist_net.onnx' });
    const s = await summarize(model, { device: 'auto' });
    expect(s.device).toBe('wasm');
    expect(s.warnings.some((w) => /no GPU execution provider.*ran on wasm/.test(w))).toBe(true);
  });

  test('cpu forces the CPU provider, no fallback warning', async () => {
    const model = await onnxAdapter(modelBytes('mnist_net'), { ort: ortNode, fileName: 'mnist_net.onnx' });
    const s = await summarize(model, { device: 'cpu' });
    expect(s.device).toBe('cpu');
    expect(s.warnings.some((w) => /ran on/.test(w))).toBe(false);
  });

  test('executionProviders option: the first that loads wins', async () => {
    const model = await onnxAdapter(modelBytes('mnist_net'), { ort: ortNode, executionProviders: ['no-such-ep', 'cpu'] });
    expect((await summarize(model)).device).toBe('cpu');
  });

  describe.skipIf(!WEBGPU)('webgpu (onnxruntime-node built-in EP)', () => {
    // mobilenet_v2 takes ~20 s on SwiftShader: only on a real GPU or with MODELSUMMARY_TEST_SLOW=1
    const models = ['mnist_net', 'multi_input', ...(NATIVE || process.env.MODELSUMMARY_TEST_SLOW ? ['mobilenet_v2'] : [])];
    test.each(models)('%s: auto runs on webgpu with the same rows as cpu', async (name) => {
      const counter = countingOrt(ortNode);
      const model = await onnxAdapter(modelBytes(name), { ort: counter.ort, fileName: `${name}.onnx` });
      const t0 = performance.now();
      const gpu = await summarize(model, { device: 'auto' });
      const t1 = performance.now();
      const cpu = await summarize(model, { device: 'cpu' });
      console.log(`${name}: webgpu summary ${(t1 - t0).toFixed(0)} ms, cpu summary ${(performance.now() - t1).toFixed(0)} ms`);
      expect(gpu.device).toBe('webgpu');
      expect(gpu.warnings.some((w) => /ran on/.test(w))).toBe(false);
      expect(gpu.layers).toEqual(cpu.layers);
      expect(gpu.totals).toEqual(cpu.totals);
      expect(counter.live()).toBe(0);
      await model.dispose();
    });

    test('device "webgpu" forces it', async () => {
      const model = await onnxAdapter(modelBytes('mnist_net'), { ort: ortNode });
      expect((await summarize(model, { device: 'webgpu' })).device).toBe('webgpu');
    });
  });
}, MODELS_DIR);
