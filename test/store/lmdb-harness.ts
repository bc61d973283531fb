// A StoreHarness over LMDB in a fresh temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Durability, type Store } from '../../src/store/index.js';
import type { StoreHarness } from './contract.js';

export async function lmdbHarness(durability?: Durability): Promise<StoreHarness & { readonly path: string }> {
  const path = mkdtempSync(join(tmpdir(), 'myelin-store-'));
  return {
    path,
    open: (): Promise<Store> => openStore({ backend: 'lmdb', path, ...(durability ? { durability } : {}) }),
    destroy: async (): Promise<void> => rmSync(path, { recursive: true, force: true }),
  };
}
