// The storage contract every backend implements: named ordered trees of
// byte keys → byte values, read views and atomic write transactions.
// Repositories (src/store/repositories/) are written once over this.
//
// Reads may be answered synchronously (LMDB: memory-mapped, a get costs less
// than an event-loop hop) or with promises (PostgreSQL: a network round trip).
// Repository code is written as generator functions ("ops") that `yield*` each
// read; `runOp` drives them without any async hop when every read answered
// synchronously, and awaits only the reads that returned promises. So one
// body serves both backends and LMDB hot paths never pay a hop per key.

import type { TreeName } from './catalogue.js';
import { prefixEnd } from './keys.js';

export type Awaitable<T> = T | PromiseLike<T>;

/** A repository operation: yields only pending reads, returns T. */
export type Op<T> = Generator<PromiseLike<unknown>, T, unknown>;

export interface Entry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** A key range: `gte` ≤ key < `lt`; `reverse` walks from the top. */
export interface Range {
  readonly gte?: Uint8Array;
  readonly lt?: Uint8Array;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/** What a backend answers reads with (inside a read view or a write transaction). */
export interface RawReader {
  get(tree: TreeName, key: Uint8Array): Awaitable<Uint8Array | undefined>;
  getMany(tree: TreeName, keys: readonly Uint8Array[]): Awaitable<readonly (Uint8Array | undefined)[]>;
  range(tree: TreeName, range: Range): Awaitable<readonly Entry[]>;
}

/** Writes are staged in the transaction and visible to its later reads. */
export interface RawWriter extends RawReader {
  put(tree: TreeName, key: Uint8Array, value: Uint8Array): void;
  delete(tree: TreeName, key: Uint8Array): void;
}

export interface TreeStats {
  readonly tree: TreeName;
  readonly entries: number;
  /** bytes of storage the tree occupies (pages × page size for LMDB) */
  readonly bytes: number;
}

/**
 * A backend: the trees plus transactions.
 *
 * Contract (checked by test/store/contract.ts for every backend):
 * - `read` runs `body` against one consistent snapshot.
 * - `write` runs `body` in a write transaction. Either all of its puts and
 *   deletes become visible or (if `body` throws) none do, and a failed body
 *   never affects other writes. Writes issued in the same event-loop turn may
 *   share one commit (LMDB has one writer: coalescing is how it goes fast).
 *   The promise resolves only after the commit is durable: at least in the
 *   operating system (an acknowledged write survives kill -9 of any process),
 *   and fsynced too when the store is opened with `disk` durability (then it
 *   also survives power loss).
 * - Counters read and written inside a write are serialised with every other
 *   writer of the same store, in this or other processes (LMDB's write lock,
 *   PostgreSQL row locks), so allocations (positions, interned ids) are unique.
 */
export interface TreeBackend {
  readonly kind: string;
  read<T>(body: (tx: ReadTx) => Op<T>): Awaitable<T>;
  /**
   * Backends whose reads never wait (LMDB): `read` without the promise check, for
   * hot synchronous callers. Absent on backends that answer reads later.
   */
  readSync?<T>(body: (tx: ReadTx) => Op<T>): T;
  write<T>(body: (tx: WriteTx) => Op<T>): Promise<T>;
  stats(): Awaitable<readonly TreeStats[]>;
  close(): Promise<void>;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Drive an op: synchronously while reads answer synchronously, then asynchronously. */
export function runOp<T>(op: Op<T>): Awaitable<T> {
  const step = op.next();
  // Only pending reads are ever yielded (see ReadTx): the first one switches to async.
  return step.done ? step.value : continueAsync(op, step.value);
}

async function continueAsync<T>(op: Op<T>, pending: PromiseLike<unknown>): Promise<T> {
  let step: IteratorResult<PromiseLike<unknown>, T>;
  try {
    step = op.next(await pending);
  } catch (err) {
    step = op.throw(err);
  }
  while (!step.done) {
    try {
      step = op.next(await step.value);
    } catch (err) {
      step = op.throw(err);
    }
  }
  return step.value;
}

/** Run an op that must not wait on anything (LMDB write bodies run inside the writer lock). */
export function runOpSync<T>(op: Op<T>): T {
  const step = op.next();
  if (!step.done) {
    op.return(undefined as T);
    throw new Error('store: a synchronous transaction body waited on a promise (do async work before store.write)');
  }
  return step.value;
}

/** A read view, as repositories see it. */
export class ReadTx {
  constructor(protected readonly raw: RawReader) {}

  *get(tree: TreeName, key: Uint8Array): Op<Uint8Array | undefined> {
    const v = this.raw.get(tree, key);
    return isThenable(v) ? ((yield v) as Uint8Array | undefined) : v;
  }

  *getMany(tree: TreeName, keys: readonly Uint8Array[]): Op<readonly (Uint8Array | undefined)[]> {
    const v = this.raw.getMany(tree, keys);
    return isThenable(v) ? ((yield v) as readonly (Uint8Array | undefined)[]) : v;
  }

  *range(tree: TreeName, range: Range): Op<readonly Entry[]> {
    const v = this.raw.range(tree, range);
    return isThenable(v) ? ((yield v) as readonly Entry[]) : v;
  }

  /** Every entry whose key starts with `prefix`, in key order (or reverse). */
  *prefix(tree: TreeName, prefix: Uint8Array, options: { reverse?: boolean; limit?: number } = {}): Op<readonly Entry[]> {
    return yield* this.range(tree, { gte: prefix, lt: prefixEnd(prefix), ...options });
  }
}

/** A write transaction, as repositories see it. */
export class WriteTx extends ReadTx {
  private readonly commitHooks: (() => void)[] = [];
  private readonly finishHooks: (() => void)[] = [];
  /**
   * Per-transaction memo for repositories (counters, interned ids, snapshot
   * records created or read in this transaction). Valid only inside it: the
   * backend serialises writers, so nothing else changes these keys meanwhile.
   */
  readonly memo = new Map<string, unknown>();

  constructor(protected override readonly raw: RawWriter) {
    super(raw);
  }

  put(tree: TreeName, key: Uint8Array, value: Uint8Array): void {
    this.raw.put(tree, key, value);
  }

  delete(tree: TreeName, key: Uint8Array): void {
    this.raw.delete(tree, key);
  }

  /** Run `hook` once this transaction is durably committed (e.g. to fill process caches). */
  afterCommit(hook: () => void): void {
    this.commitHooks.push(hook);
  }

  /** Run `hook` after the body returns, still inside the transaction (flush memoised writes). */
  beforeFinish(hook: () => void): void {
    this.finishHooks.push(hook);
  }

  /** Called by the backend when the body has returned, before committing. */
  finish(): void {
    for (const hook of this.finishHooks) hook();
  }

  /** Called by the backend after a durable commit. */
  committed(): void {
    for (const hook of this.commitHooks) hook();
  }
}
