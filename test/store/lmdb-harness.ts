// A StoreHarness over LMDB in a fresh temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import type { StoreHarness } from './contract.js';

export async function lmdbHarness(): Promise<StoreHarness & { readonly path: string }> {
  const path = mkdtempSync(join(tmpdir(), 'myelin-store-'));
  return {
    path,
    open: (): Promise<Store> => openStore({ backend: 'lmdb', path }),
    destroy: async (): Promise<void> => rmSync(path, { recursive: true, force: true }),
  };
}
