import { formatShape } from '../shape.js';
import type { ModelSummary } from '../summary.js';
import { formatBytes, formatCompact, formatCount, type UnitSystem } from '../units.js';
import { memoryLines, torchinfoLine } from './memory.js';
import type { Glyphs } from './text.js';

export type Pair = [label: string, value: string];

/** Header facts: model, format, runtime, device, batch size. Inputs come separately. */
export function headerPairs(summary: ModelSummary): Pair[] {
  return [
    ['Model', summary.model.name],
    ['Format', summary.model.format],
    ['Runtime', summary.model.runtime],
    ['Device', summary.device],
    ['Batch size', String(summary.batchSize)],
  ];
}

/** `x: [1, 3, 224, 224] float32 (602.11 kB)` per input. */
export function inputDescriptions(summary: ModelSummary, units: UnitSystem): string[] {
  return summary.inputs.map((i) => `${i.name}: ${formatShape(i.shape)} ${i.dtype} (${formatBytes(i.bytes, units)})`);
}

/** `output_0 (Identity:0): [1, 6, 56] float32` per output the adapter names. */
export function outputDescriptions(summary: ModelSummary): string[] {
  return (summary.outputs ?? []).map((o) => {
    const name = o.graphName ? `${o.name} (${o.graphName})` : o.name;
    const facts = [o.shape ? formatShape(o.shape) : undefined, o.dtype].filter((x) => x !== undefined);
    return facts.length > 0 ? `${name}: ${facts.join(' ')}` : name;
  });
}

/** The dims nobody gave, the values used and the flags that set them: `input[1]=1, input[2]=1 (not given; set with ...)`. */
export function defaultedDimsText(summary: ModelSummary): string | undefined {
  const dims = summary.defaultedDims ?? [];
  if (dims.length === 0) return undefined;
  return `${dims.map((d) => `${d.name}=${d.value}`).join(', ')} (not given; set with ${dims.map((d) => d.flag).join(' ')})`;
}

/** Total / trainable / non-trainable params and total mult-adds. */
export function totalsPairs(summary: ModelSummary, g: Glyphs): Pair[] {
  const t = summary.totals;
  const pairs: Pair[] = [['Total params', formatCount(t.params)]];
  if (t.trainableParams === undefined) {
    const note = `-- (${summary.model.runtime} has no notion of trainable weights)`;
    pairs.push(['Trainable params', note], ['Non-trainable params', '--']);
  } else {
    pairs.push(
      ['Trainable params', formatCount(t.trainableParams)],
      ['Non-trainable params', formatCount(t.nonTrainableParams ?? t.params - t.trainableParams)],
    );
  }
  const n = t.unknownMacsLayers;
  const unknown = n > 0 ? ` (${n} layer${n === 1 ? '' : 's'} with unknown MACs not counted)` : '';
  if (summary.memory.convention === 'torchinfo') {
    // torchinfo's exact line; a lower bound is said after it rather than inside the number.
    const [label, value] = torchinfoLine('Total mult-adds', t.macs, false);
    pairs.push([label, value + (n > 0 ? ` (lower bound: ${unknown.slice(2, -1)})` : '')]);
  } else {
    pairs.push(['Total mult-adds', (n > 0 ? `${g.atLeast} ` : '') + formatCompact(t.macs) + unknown]);
  }
  return pairs;
}

export function memoryPairs(summary: ModelSummary, units: UnitSystem): Pair[] {
  return memoryLines(summary.memory, units, summary.totals.paramDTypes);
}

/** The one-line statement of the conventions behind the numbers. */
export function conventionsLine(summary: ModelSummary, units: UnitSystem, g: Glyphs): string {
  const unitText = units === 'iec' ? 'units IEC (1 MiB = 2^20 B)' : 'units SI (1 MB = 10^6 B)';
  const mac = `1 MAC = one multiply-add (FLOPs = 2 ${g.times} MACs)`;
  const base = `${mac}; bytes from dtypes`;
  switch (summary.memory.convention) {
    case 'torchsummary':
      return `${mac}; memory as torchsummary: MB here are MiB as torchsummary prints them (2^20 B), 4 B per element, forward/backward = 2 ${g.times} outputs`;
    case 'torchinfo':
      return `${base}; memory as torchinfo: units SI (1 MB = 10^6 B), forward/backward = 2 ${g.times} outputs of leaf layers with params`;
    default:
      return `${base}; ${unitText}; memory: activations = ${g.sum} executed outputs, forward/backward = 2 ${g.times} activations`;
  }
}
