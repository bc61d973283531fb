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

test('each commit is fsynced within the flush interval; commits close together share one fsync; later ones get their own', async () => {
  const path = mkdtempSync(join(tmpdir(), 'myelin-flush-'));
  const backend = new LmdbBackend({ path, durability: 'process', flushIntervalMs: 20 });
  const env = (backend as unknown as { env: { sync(cb: (err?: unknown) => void): void } }).env;
  const realSync = env.sync.bind(env);
  let syncs = 0;
  env.sync = (cb) => { syncs++; realSync(cb); };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    await sleep(60);
    assert.equal(syncs, 0, 'nothing written, nothing flushed');
    for (let i = 0; i < 3; i++) await backend.write(function* (tx) { tx.put(TREES.counters, Buffer.from([i]), Buffer.from([i])); });
    await sleep(80);
    assert.equal(syncs, 1, 'the three commits were flushed together');
    await sleep(60);
    assert.equal(syncs, 1, 'nothing new, no flush');
    await backend.write(function* (tx) { tx.put(TREES.counters, Buffer.from('d'), Buffer.from([4])); });
    await sleep(80);
    assert.equal(syncs, 2, 'a later commit gets its own flush');
    await backend.write(function* (tx) { tx.put(TREES.counters, Buffer.from('e'), Buffer.from([5])); });
    await backend.close();
    assert.equal(syncs, 3, 'close flushes what is left');
  } finally {
    await backend.close().catch(() => undefined);
    rmSync(path, { recursive: true, force: true });
  }
});
