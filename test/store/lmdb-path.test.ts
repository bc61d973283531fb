// The store path names a directory (docs/config.md `store.path`), also when its
// last part has a dot, as `mktemp -d` and operators' names often do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbBackend } from '../../src/store/lmdb/backend.js';
import { TREES } from '../../src/store/catalogue.js';

async function roundTrip(path: string): Promise<void> {
  const backend = new LmdbBackend({ path });
  try {
    await backend.write(function* (tx) { tx.put(TREES.counters, Buffer.from('k'), Buffer.from([7])); });
  } finally {
    await backend.close();
  }
  const again = new LmdbBackend({ path });
  try {
    const v = await again.read(function* (tx) { return yield* tx.get(TREES.counters, Buffer.from('k')); });
    assert.deepEqual(v && Buffer.from(v), Buffer.from([7]), 'the write is there after reopening');
  } finally {
    await again.close();
  }
}

test('a store path with a dot in its name is a directory: an existing empty one, and a new one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'myelin-path-'));
  try {
    const existing = join(root, 'tmp.Xy12');
    mkdirSync(existing);
    await roundTrip(existing);
    assert.ok(existsSync(join(existing, 'data.mdb')), 'the data file is inside the directory');
    const fresh = join(root, 'myelin.store');
    await roundTrip(fresh);
    assert.ok(statSync(fresh).isDirectory());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
