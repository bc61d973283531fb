// Schema versions. The version is recorded in the meta tree; at startup
// `migrate` brings an older store up to SCHEMA_VERSION one step at a time
// (each step in its own write transaction, re-checking the version inside it
// so two processes starting together do not both run a step), and refuses a
// store written by a newer Myelin instead of misreading it.

import { TREES } from './catalogue.js';
import { readUint, uintKey } from './keys.js';
import type { Op, ReadTx, TreeBackend, WriteTx } from './trees.js';

/** The schema this code reads and writes. Bump it with a migration when a key or record layout changes. */
export const SCHEMA_VERSION = 1;

export interface Migration {
  /** upgrades a store at `from` to `from + 1` */
  readonly from: number;
  readonly description: string;
  run(tx: WriteTx): Op<void>;
}

/** Every migration, in order. Version 1 is the first schema: nothing yet. */
export const MIGRATIONS: readonly Migration[] = [];

export class StoreVersionError extends Error {
  override readonly name = 'StoreVersionError';
}

const VERSION_KEY = Buffer.from('schema', 'utf8');

export function* schemaVersion(tx: ReadTx): Op<number> {
  const v = yield* tx.get(TREES.meta, VERSION_KEY);
  return v === undefined ? 0 : readUint(v);
}

function* isEmpty(tx: ReadTx): Op<boolean> {
  return (yield* tx.range(TREES.counters, { limit: 1 })).length === 0;
}

/** Bring the store to `target` (default SCHEMA_VERSION). Returns the version found and the version now. */
export async function migrate(
  backend: TreeBackend,
  migrations: readonly Migration[] = MIGRATIONS,
  target: number = SCHEMA_VERSION,
): Promise<{ from: number; to: number }> {
  const found = await backend.read((tx) => schemaVersion(tx));
  if (found > target) {
    throw new StoreVersionError(
      `this store was written by a newer Myelin (schema version ${found}); this Myelin reads schema version ${target} at most. ` +
        'Run the newer Myelin, or restore a backup made before the upgrade.',
    );
  }
  if (found === 0) {
    // A fresh store starts at the current schema; a versionless store with data is not ours.
    await backend.write(function* (tx) {
      if ((yield* schemaVersion(tx)) !== 0) return;
      if (!(yield* isEmpty(tx))) throw new StoreVersionError('the store has data but no schema version: it was not written by Myelin');
      tx.put(TREES.meta, VERSION_KEY, uintKey(target));
    });
    return { from: 0, to: target };
  }
  for (let v = found; v < target; v++) {
    const step = migrations.find((m) => m.from === v);
    if (step === undefined) throw new StoreVersionError(`no migration from schema version ${v} to ${v + 1}`);
    await backend.write(function* (tx) {
      if ((yield* schemaVersion(tx)) !== v) return; // another process ran it
      yield* step.run(tx);
      tx.put(TREES.meta, VERSION_KEY, uintKey(v + 1));
    });
  }
  return { from: found, to: target };
}
