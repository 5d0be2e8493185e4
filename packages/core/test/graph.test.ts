import { describe, expect, test } from 'vitest';
import { isInsideFolder, nestByScope, unsafePathReason, checkRelativePath, weightLedger, type LayerRecord } from '../src/index.js';

const leaf = (id: string, type = 'Op'): LayerRecord => ({ id, name: id, type, params: 0, paramBytes: 0 });
const view = (rows: LayerRecord[]) => rows.map((r) => [r.id, r.name, r.parentId ?? null, r.type]);

describe('nestByScope', () => {
  test('ONNX-style paths: scopes from the prefixes, names relative to the parent row, ids the full path', () => {
    const rows = nestByScope([leaf('/features/conv1/Conv'), leaf('/features/conv1/Relu'), leaf('/features/conv2/Conv'), leaf('/features/conv2/Relu'), leaf('/Flatten')]);
    expect(view(rows)).toEqual([
      ['/features/', 'features', null, 'scope'],
      ['/features/conv1/', 'conv1', '/features/', 'scope'],
      ['/features/conv1/Conv', 'Conv', '/features/conv1/', 'Op'],
      ['/features/conv1/Relu', 'Relu', '/features/conv1/', 'Op'],
      ['/features/conv2/', 'conv2', '/features/', 'scope'],
      ['/features/conv2/Conv', 'Conv', '/features/conv2/', 'Op'],
      ['/features/conv2/Relu', 'Relu', '/features/conv2/', 'Op'],
      ['/Flatten', 'Flatten', null, 'Op'],
    ]);
  });

  test('TF.js-style paths read the same way', () => {
    const rows = nestByScope([leaf('model/conv1/Conv2D'), leaf('model/conv1/Relu'), leaf('model/dense/MatMul'), leaf('model/dense/BiasAdd')]);
    expect(view(rows)).toEqual([
      ['model/', 'model', null, 'scope'],
      ['model/conv1/', 'conv1', 'model/', 'scope'],
      ['model/conv1/Conv2D', 'Conv2D', 'model/conv1/', 'Op'],
      ['model/conv1/Relu', 'Relu', 'model/conv1/', 'Op'],
      ['model/dense/', 'dense', 'model/', 'scope'],
      ['model/dense/MatMul', 'MatMul', 'model/dense/', 'Op'],
      ['model/dense/BiasAdd', 'BiasAdd', 'model/dense/', 'Op'],
    ]);
  });

  test('a scope with one child gives its place to it (chains too); the name keeps the folded part', () => {
    const rows = nestByScope([leaf('/features/conv1/Conv'), leaf('/features/pool/MaxPool'), leaf('/a/b/c/X'), leaf('/a/b/c/Y')]);
    expect(view(rows)).toEqual([
      ['/features/', 'features', null, 'scope'],
      ['/features/conv1/Conv', 'conv1/Conv', '/features/', 'Op'],
      ['/features/pool/MaxPool', 'pool/MaxPool', '/features/', 'Op'],
      ['/a/b/c/', 'a/b/c', null, 'scope'],
      ['/a/b/c/X', 'X', '/a/b/c/', 'Op'],
      ['/a/b/c/Y', 'Y', '/a/b/c/', 'Op'],
    ]);
  });

  test('rows of a scope stay together even when another node comes between them', () => {
    const rows = nestByScope([leaf('/lstm/Concat'), leaf('/Unsqueeze_8'), leaf('/lstm/Transpose_1')]);
    expect(view(rows)).toEqual([
      ['/lstm/', 'lstm', null, 'scope'],
      ['/lstm/Concat', 'Concat', '/lstm/', 'Op'],
      ['/lstm/Transpose_1', 'Transpose_1', '/lstm/', 'Op'],
      ['/Unsqueeze_8', 'Unsqueeze_8', null, 'Op'],
    ]);
  });

  test('a scope id that a leaf already has is made unique; names without separators stay as they are', () => {
    const rows = nestByScope([leaf('/a/'), leaf('/a/x'), leaf('/a/y'), leaf('Conv_0')]);
    const scope = rows.find((r) => r.type === 'scope')!;
    expect(scope.id).toBe('/a/~');
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.find((r) => r.id === 'Conv_0')!.name).toBe('Conv_0');
  });
});

describe('weightLedger', () => {
  const facts = { w: { elements: 10, bytes: 40, trainable: true }, f: { elements: 3, bytes: 6, trainable: false }, onnx: { elements: 5, bytes: 20 } };
  const ledgerOf = () => weightLedger((name: keyof typeof facts) => facts[name]);

  test('the first reader owns a weight; later readers share it, both sides listed once', () => {
    const [a, b, c] = [leaf('a'), leaf('b'), leaf('c')];
    const ledger = ledgerOf();
    ledger.use(a, 'w');
    ledger.use(b, 'w');
    ledger.use(c, 'w');
    ledger.use(c, 'w');
    const owners = ledger.finish();
    expect([a.params, b.params, c.params]).toEqual([10, 0, 0]);
    expect(a.paramBytes).toBe(40);
    expect(a.sharedWith).toEqual(['b', 'c']);
    expect(b.sharedWith).toEqual(['a']);
    expect(c.sharedWith).toEqual(['a']);
    expect(owners.get('w')).toBe(a);
  });

  test('trainable counts only where the runtime knows it; not-a-weight values are ignored', () => {
    const [a, b] = [leaf('a'), leaf('b')];
    const ledger = weightLedger((name: string) => (name in facts ? facts[name as keyof typeof facts] : undefined));
    ledger.use(a, 'w');
    ledger.use(a, 'f');
    ledger.use(b, 'onnx');
    ledger.use(b, 'not-a-weight');
    ledger.finish();
    expect([a.params, a.trainableParams]).toEqual([13, 10]);
    expect([b.params, b.trainableParams]).toEqual([5, undefined]);
    expect(b.sharedWith).toBeUndefined();
  });

  test('share() links two rows without moving params; Σ params is every weight once', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => leaf(`n${i}`));
    const ledger = ledgerOf();
    for (const r of rows) ledger.use(r, 'w');
    ledger.share(rows[0]!, rows[1]!);
    ledger.finish();
    expect(rows.reduce((n, r) => n + r.params, 0)).toBe(10);
    expect(rows[0]!.sharedWith).toHaveLength(999);
  });
});

describe('path checks', () => {
  test.each([
    ['', 'is empty'],
    ['/etc/passwd', 'is not a relative path'],
    ['C:\\weights.bin', 'is not a relative path'],
    ['https://example.com/w.bin', 'is not a relative path'],
    ['../w.bin', "leaves the model's folder"],
    ['a\\..\\..\\w.bin', "leaves the model's folder"],
    ['w\0.bin', 'contains a NUL byte'],
  ])('%j is refused: %s', (location, why) => {
    expect(unsafePathReason(location)).toBe(why);
    expect(() => checkRelativePath(location, 'weight shard', 'model.json')).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
  });

  test('relative paths inside the folder pass', () => {
    for (const ok of ['w.bin', 'sub/w.bin', './w.bin', 'a..b.bin']) expect(unsafePathReason(ok)).toBeUndefined();
  });

  test('isInsideFolder reads path.relative(folder, real)', () => {
    expect(isInsideFolder('w.bin')).toBe(true);
    expect(isInsideFolder('sub/w.bin')).toBe(true);
    expect(isInsideFolder('..')).toBe(false);
    expect(isInsideFolder('../other/w.bin')).toBe(false);
    expect(isInsideFolder('..\\other\\w.bin')).toBe(false);
    expect(isInsideFolder('')).toBe(false);
    expect(isInsideFolder('/abs')).toBe(false);
  });
});
