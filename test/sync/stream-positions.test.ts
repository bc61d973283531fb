// The sync token's stream positions read in one range (streamPositions) equal the store's
// own per-stream reads: before any position is allocated, and as streams move unevenly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { STREAMS } from '../../src/store/catalogue.js';
import { streamPositions } from '../../src/sync/stream-positions.js';

describe('stream positions in one read', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'myelin-positions-'));
    store = await openStore({ backend: 'lmdb', path: dir });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('equal to StreamPositions.all', async () => {
    const ranged = () => store.read((tx) => streamPositions(tx));
    const all = () => store.read((tx) => store.positions.all(tx));
    assert.deepEqual(await ranged(), await all());
    // (the store's migrations may have allocated some already: compare, not assume zeros)
    const start = await all();
    await store.write(function* (tx) { yield* store.positions.nextRange(tx, 'receipts', 300); });
    await store.write(function* (tx) { yield* store.positions.next(tx, 'device_lists'); });
    for (let i = 0; i < 3; i++) await store.write(function* (tx) { yield* store.positions.next(tx, 'events'); });
    const moved = await ranged();
    assert.deepEqual(moved, await all());
    assert.equal(moved.receipts, start.receipts + 300);
    assert.equal(moved.events, start.events + 3);
    assert.equal(moved.device_lists, start.device_lists + 1);
    assert.deepEqual(Object.keys(moved).sort(), [...STREAMS].sort());
  });
});
