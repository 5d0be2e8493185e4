import { describe, expect, it } from 'vitest';
import { CHILD_ENV, shouldRunQuietly } from '../src/quiet.js';

describe('shouldRunQuietly: which runs need the quiet child', () => {
  const env = {};
  it('a model on the default device, a GPU or a named backend: yes', () => {
    expect(shouldRunQuietly(['m.onnx'], env)).toBe(true);
    expect(shouldRunQuietly(['m.onnx', '--device', 'gpu'], env)).toBe(true);
    expect(shouldRunQuietly(['m.onnx', '--device=webgpu'], env)).toBe(true);
    expect(shouldRunQuietly(['model.json', '--device', 'wasm'], env)).toBe(true);
  });
  it('--device cpu: no, unless onnxruntime-web is asked for', () => {
    expect(shouldRunQuietly(['m.onnx', '--device', 'cpu'], env)).toBe(false);
    expect(shouldRunQuietly(['m.onnx', '--device=CPU'], env)).toBe(false);
    expect(shouldRunQuietly(['m.onnx', '--device', 'cpu', '--runtime', 'node'], env)).toBe(false);
    expect(shouldRunQuietly(['m.onnx', '--device', 'cpu', '--runtime', 'web'], env)).toBe(true);
    expect(shouldRunQuietly(['m.onnx', '--device', 'cpu', '--runtime=onnxruntime-web'], env)).toBe(true);
    expect(shouldRunQuietly(['m.onnx', '--device', 'cpu', '--runtime', 'wasm'], env)).toBe(true);
  });
  it('the last --device counts, as the option parser reads it', () => {
    expect(shouldRunQuietly(['m.onnx', '--device', 'cpu', '--device', 'gpu'], env)).toBe(true);
    expect(shouldRunQuietly(['m.onnx', '--device', 'gpu', '--device=cpu'], env)).toBe(false);
  });
  it('no runtime (help, version, --static), --debug, already the child: no', () => {
    for (const argv of [[], ['--help'], ['-v'], ['m.onnx', '--static'], ['m.onnx', '--debug']]) expect(shouldRunQuietly(argv, env), argv.join(' ')).toBe(false);
    expect(shouldRunQuietly(['m.onnx'], { [CHILD_ENV]: '' })).toBe(false);
    expect(shouldRunQuietly(['m.onnx'], { MODELSUMMARY_IN_PROCESS: '1' })).toBe(false);
  });
});
