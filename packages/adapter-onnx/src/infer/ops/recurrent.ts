/** Recurrent layers: LSTM, GRU, RNN (both layouts, both directions), com.microsoft DynamicQuantizeLSTM. */
import type { Dim } from '../dims.js';
import type { Rule, RuleTable, Val } from '../context.js';

/** `gates` weight rows per hidden unit (LSTM 4, GRU 3, RNN 1); outputs: Y, Y_h (and Y_c for LSTM). */
function recurrent(opts: { gates: number; outputs: number; hiddenFromR?: (r: Dim[]) => Dim | undefined }): Rule {
  return (c) => {
    const x = c.shape(0);
    const dtype = c.dtype(0);
    const none: Val[] = Array.from({ length: opts.outputs }, () => ({ dtype }));
    if (!x || x.length !== 3) return none;
    const r = c.shape(2);
    const w = c.shape(1);
    const hidden: Dim | undefined = c.intOr('hidden_size') ?? (r ? (opts.hiddenFromR ?? ((s) => s[2]))(r) : undefined);
    const direction = c.str('direction', 'forward');
    const dirs: Dim = direction === 'bidirectional' ? 2 : (w?.[0] ?? 1);
    if (hidden === undefined) return none;
    const batchFirst = c.int('layout', 0) === 1;
    const [seq, batch] = batchFirst ? [x[1]!, x[0]!] : [x[0]!, x[1]!];
    const y = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
    const state = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
    return [{ shape: y, dtype }, ...Array.from({ length: opts.outputs - 1 }, () => ({ shape: state, dtype }))];
  };
}

export const RECURRENT_RULES: RuleTable = {
  LSTM: recurrent({ gates: 4, outputs: 3 }),
  GRU: recurrent({ gates: 3, outputs: 2 }),
  RNN: recurrent({ gates: 1, outputs: 2 }),
};

export const RECURRENT_MS_RULES: RuleTable = {
  // Weights transposed: W [D, I, 4H], R [D, H, 4H].
  DynamicQuantizeLSTM: recurrent({ gates: 4, outputs: 3, hiddenFromR: (r) => r[1] }),
};
