import type { LayerRecord } from '@modelsummary/core';

/** Copies of the records, so that a caller cannot change the adapter's own. */
export function copyRecords(records: readonly LayerRecord[]): LayerRecord[] {
  return records.map((r) => ({
    ...r,
    ...(r.sharedWith ? { sharedWith: [...r.sharedWith] } : {}),
    ...(r.attributes ? { attributes: { ...r.attributes } } : {}),
  }));
}
