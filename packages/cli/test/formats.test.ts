/**
 * The CLI's formats are core's registry: `--help` lists them, `--format` accepts exactly their
 * names and aliases, and the CLI page of the docs lists them (`UPDATE_DOCS=1` rewrites its table).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_FORMATS, type FormatOptionName } from '@modelsummary/core';
import { describe, expect, it } from 'vitest';
import { formatInfo } from '../src/format-info.js';
import { FORMATS } from '../src/formats.js';
import { formatHelp, HELP } from '../src/help.js';
import { resolveOptions } from '../src/index.js';
import { exampleOnnx, root, run } from './helpers.js';

const names = OUTPUT_FORMATS.map((f) => f.name);

describe('formats: read from core’s registry', () => {
  it('the CLI’s list is the registry’s, as data', () => {
    expect(FORMATS).toEqual(formatInfo(OUTPUT_FORMATS));
    expect(FORMATS.map((f) => f.name)).toEqual(names);
  });

  it('--help lists every format with its description, and its aliases', () => {
    for (const f of OUTPUT_FORMATS) {
      expect(HELP).toMatch(new RegExp(`^ {30}${f.name} +${f.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      for (const a of f.aliases) expect(HELP).toContain(`${a}`);
    }
    expect(HELP).toContain(`--format <f>              output format (default ${names[0]}`);
    for (const line of HELP.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('the help entry follows the data: one more format is one more line', () => {
    const extra = [...FORMATS, { name: 'yaml' as never, aliases: ['yml'], description: 'YAML, for the test', options: [] }];
    const lines = formatHelp(extra).split('\n');
    expect(lines).toHaveLength(FORMATS.length + 2);
    expect(lines.at(-1)).toMatch(/^ {30}yaml +YAML, for the test$/);
    expect(lines[0]).toContain('yml = yaml');
  });

  it('--format takes every name and alias of the registry, and nothing else', async () => {
    for (const f of OUTPUT_FORMATS) {
      for (const spelling of [f.name, ...f.aliases, f.name.toUpperCase()]) expect((await resolveOptions({ format: spelling }, {})).format).toBe(f.name);
    }
    const r = await run([exampleOnnx, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelsummary: error: --format must be one of ${names.join(', ')}, got "xml"\n`);
  });
});

// ---------------------------------------------------------------------------------------------
// The docs' CLI page

/** The CLI flag that sets each option a format reads. */
const FLAGS: Record<FormatOptionName, string> = {
  depth: '`--depth`',
  columns: '`--columns`',
  ascii: '`--ascii`',
  units: '`--units`',
  maxWidth: '`--width` (default: the terminal width)',
  foldRepeats: '`--expand`',
};

const cell = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');

/** The formats table of apps/docs/guide/cli.md, made from the registry. */
function formatsTable(): string {
  const rows = OUTPUT_FORMATS.map((f) => {
    const also = f.aliases.map((a) => `\`${a}\``).join(', ') || '--';
    const reads = f.options.map((o) => FLAGS[o]).join(', ') || 'none: the data as is';
    return `| \`${f.name}\`${f === OUTPUT_FORMATS[0] ? ' (default)' : ''} | ${also} | ${cell(f.description)} | ${reads} |`;
  });
  return ['| format | also | what it prints | options it reads |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

describe('docs: the CLI page', () => {
  it('lists exactly the registry’s formats (UPDATE_DOCS=1 rewrites the table)', () => {
    const file = join(root, 'apps/docs/guide/cli.md');
    const text = readFileSync(file, 'utf8');
    const re = /(<!-- formats:start -->\n)([\s\S]*?)(<!-- formats:end -->)/;
    expect(text).toMatch(re);
    const table = formatsTable();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(file, text.replace(re, `$1${table}\n$3`));
    else expect(text.match(re)![2]!.trim(), 'run with UPDATE_DOCS=1 to regenerate').toBe(table);
    const listed = [...text.match(re)![2]!.matchAll(/^\| `([a-z]+)`/gm)].map((m) => m[1]);
    if (process.env.UPDATE_DOCS !== '1') expect(listed).toEqual(names);
  });
});
