// Interning: every string id used as a key (event ids, room ids, user ids,
// state keys, event types) is stored once and replaced by a short integer
// ("nid") everywhere else. Keys shrink from ~44–80 bytes to 2–4, and compare
// faster. Mappings never change once committed, so a process-local cache is
// always valid; it is filled from committed reads and, for new mappings,
// only after the creating transaction is durably committed (an aborted
// transaction must not leave a stale nid in the cache).

import { createHash } from 'node:crypto';
import { TREES, type NidKind } from '../catalogue.js';
import { ByteWriter, readUint, uintKey } from '../keys.js';
import { WriteTx, type Op, type ReadTx } from '../trees.js';
import { allocate } from './counters.js';

/** Strings longer than this (UTF-8 bytes) are keyed by their SHA-256 (LMDB keys are ≤ 511 bytes). */
const MAX_INLINE = 400;
/** WriteTx memo keys, one per kind (no string building on the hot path). */
const MEMO_KEYS = Array.from({ length: 16 }, (_, kind) => `intern:${kind}`);
/** Cached mappings (both directions), about 200 bytes each: 512k ≈ 100 MiB at most. */
const CACHE_LIMIT = 1 << 19;

/** Mappings a write transaction created or read; cached for good once it commits. */
interface TxMemo {
  readonly toNid: Map<string, number>;
  readonly toStr: Map<number, string>;
}

export interface InternRepository {
  /** The nid of `s`, or undefined when it was never interned (so nothing is stored under it). */
  nid(tx: ReadTx, kind: NidKind, s: string): Op<number | undefined>;
  nids(tx: ReadTx, kind: NidKind, strings: readonly string[]): Op<(number | undefined)[]>;
  /** The nid of `s`, allocating one if needed. */
  intern(tx: WriteTx, kind: NidKind, s: string): Op<number>;
  /** The string of a nid (throws on an unknown nid: that is corruption). */
  string(tx: ReadTx, kind: NidKind, nid: number): Op<string>;
  strings(tx: ReadTx, kind: NidKind, nids: readonly number[]): Op<string[]>;
}

function byStringKey(kind: NidKind, s: string): Buffer {
  const raw = Buffer.from(s, 'utf8');
  const w = new ByteWriter(raw.length + 2).u8(kind);
  if (raw.length <= MAX_INLINE) return w.bytes(raw).done();
  // 0xFF never starts a UTF-8 sequence, so hashed keys cannot collide with inline ones.
  return w.u8(0xff).bytes(createHash('sha256').update(raw).digest()).done();
}

function byIdKey(kind: NidKind, nid: number): Buffer {
  return new ByteWriter(10).u8(kind).uint(nid).done();
}

/** Counter names per kind, made once. */
const NID_COUNTERS: string[] = [];
for (let kind = 0; kind < 16; kind++) NID_COUNTERS[kind] = `nid.${kind}`;

export class Interner implements InternRepository {
  // One pair of maps per kind (kinds are small integers).
  private readonly toNid: Map<string, number>[] = [];
  private readonly toStr: Map<number, string>[] = [];
  private size = 0;

  private remember(kind: NidKind, s: string, nid: number): void {
    const toNid = (this.toNid[kind] ??= new Map());
    if (toNid.has(s)) return;
    if (this.size >= CACHE_LIMIT) this.evict();
    toNid.set(s, nid);
    (this.toStr[kind] ??= new Map()).set(nid, s);
    this.size++;
  }

  /** Drop the oldest quarter of every kind's entries (Maps iterate in insertion order). */
  private evict(): void {
    for (let kind = 0; kind < this.toNid.length; kind++) {
      const toNid = this.toNid[kind];
      const toStr = this.toStr[kind];
      if (toNid === undefined || toStr === undefined) continue;
      let drop = Math.ceil(toNid.size / 4);
      for (const [s, nid] of toNid) {
        if (drop-- <= 0) break;
        toNid.delete(s);
        toStr.delete(nid);
        this.size--;
      }
    }
  }

  /** Committed mappings, plus (inside a write) those this transaction created or read. */
  private cached(tx: ReadTx, kind: NidKind, s: string): number | undefined {
    const hit = this.toNid[kind]?.get(s);
    if (hit !== undefined || !(tx instanceof WriteTx)) return hit;
    return (tx.memo.get(MEMO_KEYS[kind]!) as TxMemo | undefined)?.toNid.get(s);
  }

  private cachedString(tx: ReadTx, kind: NidKind, nid: number): string | undefined {
    const hit = this.toStr[kind]?.get(nid);
    if (hit !== undefined || !(tx instanceof WriteTx)) return hit;
    return (tx.memo.get(MEMO_KEYS[kind]!) as TxMemo | undefined)?.toStr.get(nid);
  }

  /**
   * The nid when it is known without reading (committed, or made or read by
   * this write): hot paths test this before starting the `intern`/`nid`
   * generators, which cost an allocation and a resume each.
   */
  known(tx: ReadTx, kind: NidKind, s: string): number | undefined {
    return this.cached(tx, kind, s);
  }

  /** The string of a nid when it is known without reading (see `known`). */
  knownString(tx: ReadTx, kind: NidKind, nid: number): string | undefined {
    return this.cachedString(tx, kind, nid);
  }

  *nid(tx: ReadTx, kind: NidKind, s: string): Op<number | undefined> {
    const hit = this.cached(tx, kind, s);
    if (hit !== undefined) return hit;
    const v = yield* tx.get(TREES.internByString, byStringKey(kind, s));
    if (v === undefined) return undefined;
    const nid = readUint(v);
    this.learn(tx, kind, s, nid);
    return nid;
  }

  *nids(tx: ReadTx, kind: NidKind, strings: readonly string[]): Op<(number | undefined)[]> {
    const out: (number | undefined)[] = strings.map((s) => this.cached(tx, kind, s));
    const missing: number[] = [];
    for (let i = 0; i < out.length; i++) if (out[i] === undefined) missing.push(i);
    if (missing.length === 0) return out;
    const found = yield* tx.getMany(
      TREES.internByString,
      missing.map((i) => byStringKey(kind, strings[i]!)),
    );
    missing.forEach((i, j) => {
      const v = found[j];
      if (v === undefined) return;
      out[i] = readUint(v);
      this.learn(tx, kind, strings[i]!, out[i]!);
    });
    return out;
  }

  *intern(tx: WriteTx, kind: NidKind, s: string): Op<number> {
    const existing = yield* this.nid(tx, kind, s);
    if (existing !== undefined) return existing;
    return yield* this.create(tx, kind, s);
  }

  /** A nid for `s`, known to have none yet. */
  private *create(tx: WriteTx, kind: NidKind, s: string): Op<number> {
    const nid = yield* allocate(tx, NID_COUNTERS[kind] ?? `nid.${kind}`);
    tx.put(TREES.internByString, byStringKey(kind, s), uintKey(nid));
    tx.put(TREES.internById, byIdKey(kind, nid), Buffer.from(s, 'utf8'));
    this.learn(tx, kind, s, nid);
    return nid;
  }

  /** Like intern, and says whether the nid was allocated by this call. */
  *internNew(tx: WriteTx, kind: NidKind, s: string): Op<[nid: number, created: boolean]> {
    const existing = yield* this.nid(tx, kind, s);
    if (existing !== undefined) return [existing, false];
    return [yield* this.create(tx, kind, s), true];
  }

  *string(tx: ReadTx, kind: NidKind, nid: number): Op<string> {
    const hit = this.cachedString(tx, kind, nid);
    if (hit !== undefined) return hit;
    const v = yield* tx.get(TREES.internById, byIdKey(kind, nid));
    if (v === undefined) throw new Error(`store: unknown interned id ${kind}/${nid} (corrupt store?)`);
    const s = Buffer.from(v).toString('utf8');
    this.learn(tx, kind, s, nid);
    return s;
  }

  *strings(tx: ReadTx, kind: NidKind, nids: readonly number[]): Op<string[]> {
    const out: (string | undefined)[] = nids.map((n) => this.cachedString(tx, kind, n));
    const missing: number[] = [];
    for (let i = 0; i < out.length; i++) if (out[i] === undefined) missing.push(i);
    if (missing.length > 0) {
      const found = yield* tx.getMany(
        TREES.internById,
        missing.map((i) => byIdKey(kind, nids[i]!)),
      );
      missing.forEach((i, j) => {
        const v = found[j];
        if (v === undefined) throw new Error(`store: unknown interned id ${kind}/${nids[i]} (corrupt store?)`);
        out[i] = Buffer.from(v).toString('utf8');
        this.learn(tx, kind, out[i]!, nids[i]!);
      });
    }
    return out as string[];
  }

  /** Cache a mapping read from the store: at once if committed, after commit if read inside a write. */
  private learn(tx: ReadTx, kind: NidKind, s: string, nid: number): void {
    if (!(tx instanceof WriteTx)) return this.remember(kind, s, nid);
    const memoKey = MEMO_KEYS[kind]!;
    let memo = tx.memo.get(memoKey) as TxMemo | undefined;
    if (memo === undefined) {
      const m: TxMemo = { toNid: new Map(), toStr: new Map() };
      tx.memo.set(memoKey, (memo = m));
      tx.afterCommit(() => {
        for (const [str, n] of m.toNid) this.remember(kind, str, n);
      });
    }
    memo.toNid.set(s, nid);
    memo.toStr.set(nid, s);
  }
}
