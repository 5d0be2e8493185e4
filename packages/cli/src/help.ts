/**
 * Help and version text. The formats come from core's registry, inlined by the build, so
 * `--help` / `--version` load nothing else.
 */
import { FORMATS, type FormatInfo } from './formats.js';

declare const __MODELSUMMARY_CLI_VERSION__: string;

export const VERSION: string = typeof __MODELSUMMARY_CLI_VERSION__ === 'string' ? __MODELSUMMARY_CLI_VERSION__ : '0.0.0-dev';

/** The `--format` entry: the default and the aliases, then one line per format of the registry. */
export function formatHelp(formats: readonly FormatInfo[]): string {
  const aliases = formats.filter((f) => f.aliases.length > 0).map((f) => `${f.aliases.join(', ')} = ${f.name}`);
  const head = `  --format <f>              output format (default ${formats[0]?.name ?? 'table'}${aliases.map((a) => `; ${a}`).join('')}):`;
  const width = Math.max(...formats.map((f) => f.name.length)) + 2;
  return [head, ...formats.map((f) => `${' '.repeat(30)}${f.name.padEnd(width)}${f.description}`)].join('\n');
}

export const HELP = `modelsummary ${VERSION} — model.summary() for ONNX and TensorFlow.js models

Usage:
  modelsummary <model> [options]      summarize an .onnx file or a TF.js model.json
  modelsummary diff <a> <b> [options] compare two models or two JSON summaries

The format is told from the content: ONNX protobuf, or a TF.js model.json (layers or graph
model, weight shards read from beside it). A mock forward pass runs once to observe shapes.

Output:
${formatHelp(FORMATS)}
  --depth <n>               show rows of depth <= n, as torchinfo (top-level rows are depth 1,
                            the first number of depth-idx); deeper rows fold into their parent
  --expand                  every block in its own rows (the table folds a run of identical
                            blocks into one row with a count: layers.0 … layers.11 ×12)
  --width <n>               fit the table in n columns (default: the terminal's width; the full
                            width when the output is not a terminal)
  --columns <list>          comma-separated: input,output,kernel,params,percent,trainable,macs,bytes
                            (default input,output,params,macs)
  --units <si|iec>          byte units: si (1 MB = 10^6 B, default) or iec (1 MiB = 2^20 B)
  --memory-convention <c>   default | torchsummary | torchinfo (their lines, their units)
  --ascii                   ASCII-only text (tree drawn with |- and \\-)
  --no-color                no colour on stderr (also NO_COLOR=1)
  --output <file>           write the result to <file> instead of stdout

Inputs:
  --batch <n>               batch size: fills the leading symbolic / unknown dim (default 1;
                            an input with a fixed batch keeps it, with a warning)
  --input <name:dtype:shape>
                            set an input, e.g. --input images:float32:1x3x224x224 (repeatable;
                            name:shape keeps the model's dtype; scalar for a 0-d shape)
  --input <name=value>      fill an input with a value: --input sr=16000, or
                            --input use_cache_branch=true (shape and dtype from the model;
                            or give them too: --input sr:int64:scalar=16000)
  --dim <name=value>        value of a symbolic dim, e.g. --dim seq_len=128 (repeatable);
                            dims written as expressions (past_sequence_length + sequence_length)
                            are computed; an unnamed dim by position: --dim 'input_ids[1]=128'
  --max-input-bytes <size>  refuse mock inputs larger than this (default 2GB)

Runtime:
  --device <d>              auto (default: GPU when available) | gpu | cpu | a backend or execution
                            provider name (webgpu, cuda, wasm, ...)
  --runtime <r>             ONNX runtime: auto (onnxruntime-node, else onnxruntime-web) | node | web
  --static                  ONNX only: no forward pass; rows, params and MACs from the graph

Budgets (exit code 3 when exceeded, for CI gates):
  --max-params <n>          total parameters, e.g. 25M
  --max-macs <n>            total mult-adds, e.g. 4G
  --max-memory <size>       estimated total memory (of --memory-convention), e.g. 500MB, 1GiB

Other:
  --debug                   print stack traces with errors
  -h, --help                show this help
  -v, --version             print the version

Examples:
  modelsummary model.onnx
  modelsummary model.onnx --batch 8 --depth 2 --units iec
  modelsummary model.onnx --input input_ids:int64:1x128 --dim seq=128
  modelsummary silero_vad.onnx --input sr=16000
  modelsummary decoder_model_merged.onnx --input use_cache_branch=true --dim past_sequence_length=16
  modelsummary web_model/model.json --format markdown --output SUMMARY.md
  modelsummary resnet.onnx --memory-convention torchinfo
  modelsummary model.onnx --format json > summary.json
  modelsummary model.onnx --max-params 5M --max-macs 1G --format json > /dev/null
  modelsummary diff old.onnx new.onnx
  modelsummary diff before.json after.json --format json

Exit codes: 0 ok, 1 error (file, model, runtime), 2 usage error, 3 budget exceeded.
`;
