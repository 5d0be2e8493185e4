/** The CLI on ONNX models that need input values and dims: --input NAME=VALUE, --dim by name, expression and position, unknown dims, suggested flags that work as printed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, run } from './helpers.js';

const fixtures = join(root, 'packages/adapter-onnx/test/fixtures/real');
const plain = join(fixtures, 'gpt2_with_past.onnx');
const merged = join(fixtures, 'gpt2_merged.onnx');
const silero = join(root, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const cpu = ['--device', 'cpu'];

/** POSIX shell words of a printed command fragment (single quotes, as the suggestions use). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of text.matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string));
  return words;
}

describe('--input values and --dim', () => {
  it('an unknown --dim is a usage error (exit 2) listing the symbolic dims of the model', async () => {
    const r = await run([plain, ...cpu, '--dim', 'seq_len=4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown dim "seq_len"');
    expect(r.stderr).toContain('batch_size, sequence_length, past_sequence_length');
  });

  it('the merged decoder with --input use_cache_branch=true summarizes like the plain decoder with cache', async () => {
    const dims = ['--dim', 'sequence_length=3', '--dim', 'past_sequence_length=5', '--format', 'json'];
    const a = await run([plain, ...cpu, ...dims]);
    const b = await run([merged, ...cpu, ...dims, '--input', 'use_cache_branch=true']);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(jb.totals).toEqual(ja.totals);
    // attention_mask is [batch_size, past_sequence_length + sequence_length]: computed from both
    expect(jb.inputs.find((i: { name: string }) => i.name === 'attention_mask').shape).toEqual([1, 8]);
  });

  it("--dim past_sequence_length=0: the merged decoder's first step (an empty past) runs; a negative dim is refused", async () => {
    const r = await run([merged, ...cpu, '--dim', 'sequence_length=3', '--dim', 'past_sequence_length=0', '--input', 'use_cache_branch=false', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inputs.find((i: { name: string }) => i.name === 'past_key_values.0.key').shape[2]).toBe(0);
    expect(j.inputs.find((i: { name: string }) => i.name === 'attention_mask').shape).toEqual([1, 3]);
    const bad = await run([merged, ...cpu, '--dim', 'past_sequence_length=-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--dim "past_sequence_length=-1": the value must be a whole number');
  });

  it('without flags the error names the dims and inputs to set; the flags, as printed, run it', async () => {
    const r = await run([merged, ...cpu]);
    expect(r.code).toBe(1);
    const flags = /set them with (.*?) \(API: dims\)/.exec(r.stderr)?.[1];
    expect(flags).toBe('--dim sequence_length=N --dim past_sequence_length=N');
    expect(r.stderr).toContain('--input use_cache_branch=VALUE');
    const argv = shellWords(flags!.replace(/=N\b/g, '=4'));
    const again = await run([merged, ...cpu, ...argv, '--input', 'use_cache_branch=true']);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe.skipIf(!existsSync(silero))('Silero VAD v5 (@ricky0123/vad-web)', () => {
  it('--input sr=16000 runs (the dims left at 1 are raised and named, shell-quoted)', async () => {
    const r = await run([silero, ...cpu, '--input', 'sr=16000', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inputs.find((i: { name: string }) => i.name === 'input').shape).toEqual([1, 512]);
    expect(j.warnings.join('\n')).toContain(`--dim 'input[1]=N'`);
  });
  it('the positional flag, as printed, sets the unnamed dim (no retry, no warning for it)', async () => {
    // Silero v5 takes 512-sample frames at 16 kHz
    const r = await run([silero, ...cpu, '--input', 'sr=16000', ...shellWords(`--dim 'input[1]=512' --dim 'state[1]=1'`), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inputs.find((i: { name: string }) => i.name === 'input').shape).toEqual([1, 512]);
    expect(j.warnings.join('\n')).not.toMatch(/has no value|the pass failed/);
  });
});
