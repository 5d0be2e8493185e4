import { describe, expect, test } from 'vitest';
import { ModelSummaryError, planDevices, readableReason, resolveDevice, type DeviceOffer } from '../src/index.js';

const offer: DeviceOffer = { gpu: ['webgpu', 'cuda'], fallback: 'cpu', noun: 'execution provider' };

/** An `open` that fails for the devices in `broken` and records every attempt. */
function opener(broken: Record<string, unknown>) {
  const tried: string[] = [];
  const open = async (device: string) => {
    tried.push(device);
    if (device in broken) throw broken[device];
    return `session on ${device}`;
  };
  return { tried, open };
}

describe('planDevices', () => {
  test('auto and gpu try the GPUs in order, then may fall back', () => {
    expect(planDevices('auto', offer)).toEqual({ candidates: ['webgpu', 'cuda'], mayFallBack: true });
    expect(planDevices('gpu', offer)).toEqual({ candidates: ['webgpu', 'cuda'], mayFallBack: true });
  });
  test('cpu means the fallback; a name means only that device', () => {
    expect(planDevices('cpu', offer)).toEqual({ candidates: ['cpu'], mayFallBack: false });
    expect(planDevices('wasm', { gpu: [], fallback: 'wasm', fallbackAliases: ['wasm', 'cpu'] })).toEqual({ candidates: ['wasm'], mayFallBack: false });
    expect(planDevices('cpu', { gpu: [], fallback: 'wasm', fallbackAliases: ['wasm', 'cpu'] })).toEqual({ candidates: ['wasm'], mayFallBack: false });
    expect(planDevices('cuda', offer)).toEqual({ candidates: ['cuda'], mayFallBack: false });
  });
});

describe('resolveDevice', () => {
  test('the first GPU that opens wins, with no warning', async () => {
    const { tried, open } = opener({});
    const r = await resolveDevice('auto', offer, open);
    expect(r).toEqual({ device: 'webgpu', value: 'session on webgpu', skipped: [] });
    expect(tried).toEqual(['webgpu']);
  });

  test('a failing GPU is skipped with its reason; the next one runs', async () => {
    const { tried, open } = opener({ webgpu: new Error('no adapter') });
    const r = await resolveDevice('gpu', offer, open);
    expect(r.device).toBe('cuda');
    expect(r.skipped).toEqual([{ device: 'webgpu', reason: 'no adapter' }]);
    expect(r.warning).toBeUndefined();
    expect(tried).toEqual(['webgpu', 'cuda']);
  });

  test('every GPU failing falls back to the fallback with one warning naming each reason', async () => {
    const { open } = opener({ webgpu: new Error('no adapter'), cuda: 'libcudart.so.12: cannot open shared object file' });
    const r = await resolveDevice('auto', offer, open);
    expect(r.device).toBe('cpu');
    expect(r.warning).toBe(
      'device "auto": no GPU execution provider could run the model (webgpu: no adapter; cuda: libcudart.so.12: cannot open shared object file); the mock pass ran on cpu',
    );
    expect(r.warning).not.toContain('\n');
  });

  test('no GPU offered: the unavailable reasons explain the fallback', async () => {
    const { open } = opener({});
    const r = await resolveDevice('auto', { gpu: [], fallback: 'wasm', noun: 'execution provider', unavailable: { webgpu: 'no navigator.gpu here' } }, open);
    expect(r.device).toBe('wasm');
    expect(r.warning).toMatch(/no GPU execution provider is available \(webgpu: no navigator\.gpu here\); the mock pass ran on wasm/);
  });

  test('a named device that fails is DEVICE_UNAVAILABLE with its reason, no fallback', async () => {
    const { tried, open } = opener({ cuda: new Error('CUDA not installed') });
    const error = await resolveDevice('cuda', offer, open, 'm.onnx').catch((e: unknown) => e);
    expect(ModelSummaryError.isInstance(error) && error.code).toBe('DEVICE_UNAVAILABLE');
    expect((error as Error).message).toBe('m.onnx: device "cuda" is not available: cuda: CUDA not installed');
    expect(tried).toEqual(['cuda']);
  });

  test('an explicit list is tried as is, without fallback', async () => {
    const { tried, open } = opener({ webgpu: new Error('x') });
    const error = await resolveDevice(['webgpu'], offer, open).catch((e: unknown) => e);
    expect(ModelSummaryError.isInstance(error) && error.code).toBe('DEVICE_UNAVAILABLE');
    expect(tried).toEqual(['webgpu']);
  });

  test('a typed error from the last candidate (the model is bad) is thrown as it is', async () => {
    const bad = new ModelSummaryError('INVALID_MODEL', 'm.onnx: onnxruntime could not load the model on cpu: bad graph');
    const { open } = opener({ webgpu: new Error('x'), cuda: new Error('y'), cpu: bad });
    await expect(resolveDevice('auto', offer, open)).rejects.toBe(bad);
  });
});

describe('readableReason', () => {
  test('keeps one line, drops C++ source locations and log prefixes, cuts at a word', () => {
    const ort =
      '[E:onnxruntime:, inference_session.cc:2106 operator()] Exception during initialization: /onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:77 void onnxruntime::webgpu::WebGpuContext::Initialize() adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters found in this environment, a very long tail' + ' of internals follows here'.repeat(6) + '\n    at Object.create (node:internal)';
    // "No GPU here", in whatever words the runtime used, reads the same every time.
    expect(readableReason(new Error(ort))).toBe('no GPU adapter found');
    expect(readableReason(new Error(':<lambda()> Failed to get a WebGPU adapter: No supported adapters'))).toBe('no GPU adapter found');
    const other = ort.replace('Failed to get a WebGPU adapter: No supported adapters found in this environment', 'The device was lost while compiling');
    const r = readableReason(new Error(other));
    expect(r).not.toMatch(/\.cc:\d+|\[E:onnxruntime|\n/);
    expect(r.length).toBeLessThanOrEqual(161);
    expect(r.endsWith('…')).toBe(true);
    expect(r).toMatch(/^Exception during initialization: .*The device was lost while compiling/);
    expect(r).toMatch(/\w…$/);
    expect(readableReason('plain words')).toBe('plain words');
    expect(readableReason(undefined)).toBe('undefined');
  });
});
