// The contract again, with every read outside a write answered by a Promise
// (as PostgreSQL will answer): proves the repositories are written against
// the async-capable tree contract, not against LMDB's synchronous reads.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store } from '../../src/store/index.js';
import { LmdbBackend } from '../../src/store/lmdb/backend.js';
import { ReadTx, runOp, type Awaitable, type Op, type RawReader, type TreeBackend } from '../../src/store/trees.js';
import { runStoreContract } from './contract.js';

/** Answer on a later turn of the event loop, as a network round trip would. */
function later<T>(value: Awaitable<T>): Promise<T> {
  return Promise.resolve(value).then((v) => new Promise<T>((resolve) => setImmediate(() => resolve(v))));
}

class AsyncReads implements TreeBackend {
  readonly kind = 'lmdb with asynchronous reads';
  private readonly reader: RawReader;

  constructor(private readonly inner: LmdbBackend) {
    const raw = inner.rawReader;
    this.reader = {
      get: (tree, key) => later(raw.get(tree, key)),
      getMany: (tree, keys) => later(raw.getMany(tree, keys)),
      range: (tree, range) => later(raw.range(tree, range)),
    };
  }

  read<T>(body: (tx: ReadTx) => Op<T>): Awaitable<T> {
    return runOp(body(new ReadTx(this.reader)));
  }

  write: TreeBackend['write'] = (body) => this.inner.write(body);
  stats: TreeBackend['stats'] = () => this.inner.stats();
  close: TreeBackend['close'] = () => this.inner.close();
}

runStoreContract('lmdb, asynchronous reads', async () => {
  const path = mkdtempSync(join(tmpdir(), 'myelin-async-'));
  return {
    open: (): Promise<Store> => createStore(new AsyncReads(new LmdbBackend({ path }))),
    destroy: async (): Promise<void> => rmSync(path, { recursive: true, force: true }),
  };
});
