/** What the CLI needs of a format of core's registry (`OUTPUT_FORMATS`): plain data, no render function. */
import type { OutputFormat, OutputFormatDescriptor } from '@modelsummary/core';

export interface FormatInfo {
  name: OutputFormat;
  aliases: readonly string[];
  description: string;
  options: readonly string[];
}

/** The registry as plain data: what `tsup.config.ts` inlines into the build. */
export function formatInfo(formats: readonly OutputFormatDescriptor<OutputFormat>[]): FormatInfo[] {
  return formats.map(({ name, aliases, description, options }) => ({ name, aliases: [...aliases], description, options: [...options] }));
}
