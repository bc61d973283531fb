// `process` durability: commits reach the disk by a background fsync. When
// that fsync fails, the store refuses further writes (acknowledging more on a
// store that may not be on disk would lose them silently), and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbBackend } from '../../src/store/lmdb/backend.js';
import { TREES } from '../../src/store/catalogue.js';

test('a failed background flush makes later writes fail with the reason; writes before it were acknowledged', async () => {
  const path = mkdtempSync(join(tmpdir(), 'myelin-flush-'));
  const backend = new LmdbBackend({ path, durability: 'process', flushIntervalMs: 5 });
  try {
    await backend.write(function* (tx) { tx.put(TREES.counters, Buffer.from('a'), Buffer.from([1])); });
    // The disk goes away: the next background fsync reports an I/O error.
    (backend as unknown as { env: { sync(cb: (err?: unknown) => void): void } }).env.sync = (cb) => cb(new Error('EIO: i/o error'));
    await backend.write(function* (tx) { tx.put(TREES.counters, Buffer.from('b'), Buffer.from([2])); });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(
      backend.write(function* (tx) { tx.put(TREES.counters, Buffer.from('c'), Buffer.from([3])); }),
      /flushing to disk failed \(EIO: i\/o error\)/,
    );
    // What was acknowledged before is still there to read.
    const v = await backend.read(function* (tx) { return yield* tx.get(TREES.counters, Buffer.from('b')); });
    assert.deepEqual(v && Buffer.from(v), Buffer.from([2]));
  } finally {
    (backend as unknown as { env: { sync(cb: (err?: unknown) => void): void } }).env.sync = (cb) => cb();
    await backend.close().catch(() => undefined);
    rmSync(path, { recursive: true, force: true });
  }
});
