// The trees over LMDB (lmdb-js): one environment directory, one named
// database per catalogue entry, binary keys and values.
//
// Reads are synchronous (memory-mapped). Writes go through lmdb-js's batching:
// every `write` in one event-loop turn runs as a child transaction of one
// shared write transaction, so a body that throws is rolled back alone while
// the others commit together. The caller's promise resolves after the batch is
// committed AND flushed to disk (`env.flushed`), so acknowledged writes are
// durable. Several processes may open the same directory: LMDB serialises
// writers with its own lock and readers never block.

import { open, type Database, type RootDatabase } from 'lmdb';
import { ALL_TREES, type TreeName } from '../catalogue.js';
import {
  ReadTx,
  WriteTx,
  runOp,
  runOpSync,
  type Awaitable,
  type Entry,
  type Op,
  type Range,
  type RawReader,
  type RawWriter,
  type TreeBackend,
  type TreeStats,
} from '../trees.js';

export interface LmdbOptions {
  /** the environment directory (created if missing) */
  readonly path: string;
  /** initial map size in bytes; lmdb-js grows it as needed */
  readonly mapSize?: number;
}

type Tree = Database<Buffer, Buffer>;

interface LmdbTreeStats {
  pageSize: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  overflowPages: number;
  entryCount: number;
}

export class LmdbBackend implements TreeBackend {
  readonly kind = 'lmdb';
  private readonly env: RootDatabase;
  private readonly trees = new Map<TreeName, Tree>();
  private readonly raw: RawWriter;

  /** The raw reads (tests wrap them to check the repositories against a backend that answers later). */
  get rawReader(): RawReader {
    return this.raw;
  }
  private closed = false;

  constructor(options: LmdbOptions) {
    this.env = open({
      path: options.path,
      maxDbs: ALL_TREES.length + 8,
      mapSize: options.mapSize,
      // Durable commits: never noSync; overlappingSync (the default on Linux)
      // flushes outside the writer lock and we wait for `flushed` below.
    });
    // Creating a named database commits a write transaction; one transaction
    // for all of them makes opening a fresh store one fsync instead of forty.
    this.env.transactionSync(() => {
      for (const name of ALL_TREES) {
        this.trees.set(name, this.env.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' }) as Tree);
      }
    });
    const tree = (name: TreeName): Tree => {
      const t = this.trees.get(name);
      if (t === undefined) throw new Error(`store: unknown tree ${name}`);
      return t;
    };
    this.raw = {
      get: (name, key) => tree(name).get(key as Buffer),
      getMany: (name, keys) => {
        const t = tree(name);
        return keys.map((k) => t.get(k as Buffer));
      },
      range: (name, range) => rangeOf(tree(name), range),
      put: (name, key, value) => {
        tree(name).putSync(key as Buffer, value as Buffer);
      },
      delete: (name, key) => {
        tree(name).removeSync(key as Buffer);
      },
    };
  }

  read<T>(body: (tx: ReadTx) => Op<T>): Awaitable<T> {
    this.checkOpen();
    return runOp(body(new ReadTx(this.raw)));
  }

  async write<T>(body: (tx: WriteTx) => Op<T>): Promise<T> {
    this.checkOpen();
    let tx: WriteTx | undefined;
    const result = await this.env.childTransaction(() => {
      tx = new WriteTx(this.raw);
      const result = runOpSync(body(tx));
      tx.finish();
      return result;
    });
    await this.env.flushed;
    tx?.committed();
    return result;
  }

  stats(): readonly TreeStats[] {
    this.checkOpen();
    const out: TreeStats[] = [];
    for (const [name, t] of this.trees) {
      const s = t.getStats() as LmdbTreeStats;
      out.push({
        tree: name,
        entries: s.entryCount,
        bytes: (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages) * s.pageSize,
      });
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.env.flushed;
    await this.env.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('store: the store is closed');
  }
}

function rangeOf(t: Tree, range: Range): Entry[] {
  const out: Entry[] = [];
  const options = range.reverse
    ? { start: range.lt as Buffer | undefined, end: range.gte as Buffer | undefined, reverse: true, exclusiveStart: true, inclusiveEnd: true, limit: range.limit }
    : { start: range.gte as Buffer | undefined, end: range.lt as Buffer | undefined, limit: range.limit };
  for (const { key, value } of t.getRange(options)) out.push({ key: key as Buffer, value });
  return out;
}
