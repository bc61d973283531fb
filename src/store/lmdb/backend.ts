// The trees over LMDB (lmdb-js): one environment directory, one named
// database per catalogue entry, binary keys and values. Reads are synchronous
// (memory-mapped). Writes depend on `store.durability` (docs/config.md):
//
// - `process` (default): the environment is opened with `noSync` and
//   `useWritemap`. Each `write` body runs at once in its own synchronous write
//   transaction (`transactionSync`; a body that throws aborts only its own),
//   and the promise resolves once the commit is in the operating system's page
//   cache. With the write map a commit is memory writes and no system call
//   (~40 µs for an event's ~14 puts here, against ~140 µs through pwrite), so
//   there is nothing left for coalescing writes to save. The data file's
//   apparent size is the map size (sparse; lmdb-js's LMDB doubles the map as
//   the store grows). A killed (kill -9) or crashed server loses nothing it
//   acknowledged. Commits reach the disk by a background fsync at most
//   `flushIntervalMs` after them (a one-shot timer armed by the first commit
//   after a flush, so an idle store never wakes); a power loss or kernel
//   crash loses what came after the last flush and, LMDB's page writes being
//   unordered without its own fsyncs, a power loss during a flush can damage
//   the file. The fast mode that the
//   project's durability bar (acknowledged data survives kill -9) asks for.
// - `disk`: lmdb-js's crash-proof default (overlapping sync): writes of one
//   turn share a transaction committed by lmdb-js's writer thread, and the
//   promise resolves after the commit is flushed to disk (`env.flushed`).
//   Survives power loss with the file intact; costs a disk flush per
//   acknowledged write (1–13 ms on the VMs we target).
//
// lmdb-js cannot give both (its overlapping-sync commit fsyncs before the
// writer takes the next transaction), so the choice is the operator's.
// Several processes may open the same directory (with the same durability):
// LMDB serialises writers with its own lock and readers never block.

import { statSync } from 'node:fs';
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
  /** when a write is acknowledged: in the OS page cache (`process`, default) or on disk (`disk`) */
  readonly durability?: Durability;
  /** `process` durability: how often commits are flushed to disk in the background (ms) */
  readonly flushIntervalMs?: number;
}

export type Durability = 'process' | 'disk';

type Tree = Database<Buffer, Buffer>;

interface LmdbTreeStats {
  pageSize: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  overflowPages: number;
  entryCount: number;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
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
  private readonly durability: Durability;
  /** commits since the last fsync began */
  private dirty = false;
  private syncing: Promise<void> | undefined;
  /** waiters for an fsync that starts after the current one (their commits came later) */
  private nextSync: Promise<void> | undefined;
  /** armed by the first commit after a flush (`process` durability) */
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly flushIntervalMs: number;
  /** set when a background flush failed: writes are refused from then on */
  private flushFailure: Error | undefined;

  constructor(options: LmdbOptions) {
    this.durability = options.durability ?? 'process';
    this.env = open({
      path: options.path,
      // The store is a directory whatever its name: lmdb-js takes a path whose last part
      // has a dot (`/tmp/tmp.X1`, `./myelin.store`) for a data file unless told otherwise.
      // A store that is such a file already (opened that way before) stays one.
      noSubdir: isFile(options.path),
      maxDbs: ALL_TREES.length + 8,
      mapSize: options.mapSize,
      // `process`: we fsync in the background (see `sync`); the commit itself
      // writes the pages and the meta page through the OS, which a killed
      // process cannot undo. `disk`: lmdb-js's default overlapping sync.
      // The write map keeps commits free of system calls; its cost is that a
      // stray native pointer could scribble on the map (lmdb-js README).
      ...(this.durability === 'process' ? { noSync: true, useWritemap: true } : {}),
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
    this.flushIntervalMs = Math.max(1, options.flushIntervalMs ?? 100);
  }

  /**
   * `process` durability: a commit is flushed at most `flushIntervalMs` after it. The
   * flush timer is armed by the first commit after a flush (one-shot), not polled: an
   * idle server has nothing to flush and should not wake 10 times a second to find that.
   */
  private markDirty(): void {
    this.dirty = true;
    if (this.flushTimer === undefined && !this.closed) {
      this.flushTimer = setTimeout(this.flushDue, this.flushIntervalMs);
      this.flushTimer.unref();
    }
  }

  private readonly flushDue = (): void => {
    this.flushTimer = undefined;
    if (!this.dirty) return;
    this.sync().catch((err: unknown) => {
      // An fsync that failed may have dropped acknowledged pages (the OS
      // marks them clean anyway): refuse every later write rather than
      // acknowledge more on a store that may not be on disk.
      this.flushFailure ??= new Error(`store: flushing to disk failed (${(err as Error)?.message ?? String(err)}); restart the server once the disk is healthy`);
    });
  };

  read<T>(body: (tx: ReadTx) => Op<T>): Awaitable<T> {
    this.checkOpen();
    return runOp(body(new ReadTx(this.raw)));
  }

  readSync<T>(body: (tx: ReadTx) => Op<T>): T {
    this.checkOpen();
    return runOpSync(body(new ReadTx(this.raw)));
  }

  write<T>(body: (tx: WriteTx) => Op<T>): Promise<T> {
    this.checkOpen();
    if (this.flushFailure !== undefined) return Promise.reject(this.flushFailure);
    if (this.durability === 'disk') return this.writeFlushed(body);
    let done: { value: T; tx: WriteTx };
    try {
      done = this.env.transactionSync(() => this.runBody(body));
    } catch (err) {
      // The body threw (its transaction is aborted) or the commit failed (map full, disk full).
      return Promise.reject(err);
    }
    this.markDirty();
    done.tx.committed();
    return Promise.resolve(done.value);
  }

  /** Runs a write body inside the LMDB transaction the caller opened. */
  private runBody<T>(body: (tx: WriteTx) => Op<T>): { value: T; tx: WriteTx } {
    const tx = new WriteTx(this.raw);
    const value = runOpSync(body(tx));
    tx.finish();
    return { value, tx };
  }

  /** `disk` durability: lmdb-js's batched asynchronous commit, acknowledged once flushed. */
  private async writeFlushed<T>(body: (tx: WriteTx) => Op<T>): Promise<T> {
    const done = await this.env.childTransaction(() => this.runBody(body));
    await this.env.flushed;
    done.tx.committed();
    return done.value;
  }

  /**
   * `process` durability: fsync everything committed so far. Concurrent callers share one flush;
   * a caller arriving while a flush runs waits for the next one (its commit
   * may have come after that flush began).
   */
  private sync(): Promise<void> {
    if (this.syncing === undefined) {
      this.dirty = false;
      const run = new Promise<void>((resolve, reject) => {
        (this.env as unknown as { sync(cb: (err?: unknown) => void): void }).sync((err) => (err ? reject(err) : resolve()));
      });
      this.syncing = run;
      const clear = (): void => {
        if (this.syncing === run) this.syncing = undefined;
      };
      run.then(clear, clear);
      return run;
    }
    this.nextSync ??= this.syncing.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      this.nextSync = undefined;
      return this.sync();
    });
    return this.nextSync;
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
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.durability === 'process') await this.sync();
    else await this.env.flushed;
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
