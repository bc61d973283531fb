// Store size figures (benchmarks, `myelin doctor`, the large-state test).

import type { TreeStats } from './trees.js';

export interface StoreStats {
  readonly totalBytes: number;
  readonly totalEntries: number;
  readonly trees: readonly TreeStats[];
}

export function summarise(trees: readonly TreeStats[]): StoreStats {
  let totalBytes = 0;
  let totalEntries = 0;
  for (const t of trees) {
    totalBytes += t.bytes;
    totalEntries += t.entries;
  }
  return { totalBytes, totalEntries, trees };
}
