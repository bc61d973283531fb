// Room state snapshots, stored as deltas, plus each room's current state.
//
// A snapshot is its parent snapshot plus the changes the caller made (the
// state entries an event or a resolution set or removed). Storing only that
// per-parent delta makes every lookup walk the whole ancestry; storing full
// copies makes a 20,000-member room copy its state per event. We store a
// skip delta instead: snapshots on a lineage carry an ordinal n (parent's + 1)
// and snapshot n keeps its net changes against its *base*, the ancestor at
// ordinal n − lowbit(n) (n with its lowest set bit cleared, as in a Fenwick
// tree; a snapshot changing many entries jumps ahead, see deriveNids). Hence:
// - a lookup (one key, or the whole state) walks at most popcount(n) ≤ log2(n)
//   deltas: ≤ 18 gets for a key in a room with 200,000 state changes;
// - a snapshot stores at most min(lowbit(n), keys changed) entries, so storage
//   grows by about ½·log2(n) 8-byte records per state change amortised
//   (~100 bytes at 200k state events), never by copies of the state;
// - forks are free: a snapshot's ancestry is a path, whatever the DAG does.
// Non-state events reuse their predecessor's snapshot (no new id). A
// snapshot with c changes (a join's 20k-entry initial state, a resolved fork)
// takes an ordinal that is a multiple of the next power of two ≥ c, so its
// big delta is copied into a later one only after ≥ c more snapshots.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, readUint, uintKey } from '../keys.js';
import type { StateKey, StateMap } from '../../matrix/pdu.js';
import { WriteTx, type Op, type ReadTx } from '../trees.js';
import { allocate } from './counters.js';
import type { Interner } from './intern.js';

export type SnapshotId = number;
/** The empty state; also the parent of a room's first snapshot. */
export const EMPTY_SNAPSHOT: SnapshotId = 0;

/** How a caller describes a state to store. */
export type StateInput =
  /** an existing snapshot, unchanged */
  | { readonly snapshot: SnapshotId }
  /** a parent snapshot plus changes (event id, or null to remove the entry) */
  | { readonly parent: SnapshotId; readonly changes: Iterable<readonly [StateKey, string | null]> }
  /** a whole state (e.g. after resolving a fork), stored as a delta against `parentHint` */
  | { readonly full: StateMap; readonly parentHint?: SnapshotId };

export interface SnapshotInfo {
  readonly id: SnapshotId;
  readonly roomNid: number;
  readonly parent: SnapshotId;
  readonly ordinal: number;
  readonly base: SnapshotId;
}

/** nid-level changes: state key nid → event nid (0 = removed). */
export type NidChanges = Map<number, number>;

export interface StateRepository {
  /** Store a state for `roomId`; returns its snapshot (the parent itself when nothing changed). */
  derive(tx: WriteTx, roomId: string, input: StateInput): Op<SnapshotId>;
  /** The whole state of a snapshot. */
  at(tx: ReadTx, snapshot: SnapshotId): Op<StateMap>;
  /** One entry of a snapshot. */
  get(tx: ReadTx, snapshot: SnapshotId, type: string, stateKey: string): Op<string | undefined>;
  /** Several entries of a snapshot (missing keys are absent from the result). */
  getMany(tx: ReadTx, snapshot: SnapshotId, keys: readonly StateKey[]): Op<Map<StateKey, string>>;
  info(tx: ReadTx, snapshot: SnapshotId): Op<SnapshotInfo | undefined>;
  /** The room's current state snapshot (EMPTY_SNAPSHOT for an unknown room). */
  currentSnapshot(tx: ReadTx, roomId: string): Op<SnapshotId>;
  /** The room's current state, read from its materialised copy. */
  current(tx: ReadTx, roomId: string): Op<StateMap>;
  currentEntry(tx: ReadTx, roomId: string, type: string, stateKey: string): Op<string | undefined>;
}

/** Receives current-state changes (membership keeps its tables in step). */
export type CurrentStateListener = (tx: WriteTx, roomNid: number, changes: NidChanges) => Op<void>;

function lowbit(n: number): number {
  // n < 2^53: use arithmetic, not 32-bit bit operations.
  let b = 1;
  while (n % (b * 2) === 0) b *= 2;
  return b;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

// Delta storage: a snapshot's delta entries are grouped by state-key nid
// bucket (nid >> BUCKET_BITS), one tree entry per bucket holding fixed-width
// records sorted by nid: 2 bytes (nid within the bucket) + 6 bytes (event
// nid, 0 = removed). A point lookup is one get plus a binary search in at most
// 4 KiB; a whole-state read or a fold reads one entry per 512 state entries
// instead of one per entry (a big room's keys were interned together, so its
// buckets are dense).
const BUCKET_BITS = 9;
const BUCKET_SIZE = 1 << BUCKET_BITS;
const RECORD = 8;

function deltaKey(snapshot: SnapshotId, bucket: number): Buffer {
  return new ByteWriter(12).uint(snapshot).uint(bucket).done();
}

/** The record for `stateKeyNid` in a bucket chunk: event nid (0 = removed), or undefined when absent. */
function searchChunk(chunk: Uint8Array, stateKeyNid: number): number | undefined {
  const want = stateKeyNid % BUCKET_SIZE;
  let lo = 0;
  let hi = chunk.length / RECORD - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = mid * RECORD;
    const low = (chunk[at]! << 8) | chunk[at + 1]!;
    if (low === want) return readU48(chunk, at + 2);
    if (low < want) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

function readU48(b: Uint8Array, at: number): number {
  return ((b[at]! << 8) | b[at + 1]!) * 2 ** 32 + ((b[at + 2]! << 24) >>> 0) + ((b[at + 3]! << 16) | (b[at + 4]! << 8) | b[at + 5]!);
}

/** Decode every (state key nid, event nid) of a chunk. */
function forEachInChunk(bucket: number, chunk: Uint8Array, fn: (stateKeyNid: number, eventNid: number) => void): void {
  const high = bucket * BUCKET_SIZE;
  for (let at = 0; at < chunk.length; at += RECORD) fn(high + ((chunk[at]! << 8) | chunk[at + 1]!), readU48(chunk, at + 2));
}

/** Pack a delta into per-bucket chunks. */
function packDelta(delta: Map<number, number>): Map<number, Buffer> {
  const byBucket = new Map<number, number[]>();
  for (const k of delta.keys()) {
    const bucket = Math.floor(k / BUCKET_SIZE);
    let list = byBucket.get(bucket);
    if (list === undefined) byBucket.set(bucket, (list = []));
    list.push(k);
  }
  const out = new Map<number, Buffer>();
  for (const [bucket, keys] of byBucket) {
    keys.sort((a, b) => a - b);
    const chunk = Buffer.allocUnsafe(keys.length * RECORD);
    keys.forEach((k, i) => {
      const v = delta.get(k)!;
      if (v >= 2 ** 48) throw new Error(`store: event nid ${v} exceeds 48 bits`);
      const at = i * RECORD;
      chunk.writeUInt16BE(k % BUCKET_SIZE, at);
      chunk.writeUIntBE(v, at + 2, 6);
    });
    out.set(bucket, chunk);
  }
  return out;
}

function currentKey(roomNid: number, stateKeyNid: number): Buffer {
  return new ByteWriter(12).uint(roomNid).uint(stateKeyNid).done();
}

function encodeInfo(s: SnapshotInfo): Buffer {
  return new ByteWriter(16).vuint(1).vuint(s.roomNid).vuint(s.parent).vuint(s.ordinal).vuint(s.base).done();
}

function decodeInfo(id: SnapshotId, b: Uint8Array): SnapshotInfo {
  const r = new ByteReader(b);
  const version = r.vuint();
  if (version !== 1) throw new Error(`store: unknown snapshot record version ${version}`);
  return { id, roomNid: r.vuint(), parent: r.vuint(), ordinal: r.vuint(), base: r.vuint() };
}

const INFO_CACHE_LIMIT = 1 << 18;
/** The empty state's record (frozen: shared by every caller). */
const EMPTY_INFO: SnapshotInfo = Object.freeze({ id: 0, roomNid: 0, parent: 0, ordinal: 0, base: 0 });

/** Drop the oldest quarter of a full cache (Maps iterate in insertion order). */
function dropOldestQuarter<K, V>(cache: Map<K, V>): void {
  let drop = cache.size / 4;
  for (const key of cache.keys()) {
    if (drop-- <= 0) break;
    cache.delete(key);
  }
}
/** snapshots whose looked-up entries are remembered (a few entries each: auth lookups) */
const ENTRY_CACHE_SNAPSHOTS = 4096;
/** entries remembered per snapshot */
const ENTRY_CACHE_PER_SNAPSHOT = 256;

export class StateSnapshots implements StateRepository {
  private readonly infoCache = new Map<SnapshotId, SnapshotInfo>();
  /**
   * Entries looked up by `getNid`, per snapshot. A committed snapshot never
   * changes (ids are never reused), so entries read outside a write need no
   * invalidation; a write's own reads are not remembered (it may abort).
   * The sending path looks up the same few auth keys of the current snapshot
   * for every event: this turns ~20 delta-chunk reads per event into map hits.
   */
  private readonly entryCache = new Map<SnapshotId, Map<number, number>>();
  private readonly listeners: CurrentStateListener[] = [];

  constructor(private readonly intern: Interner) {}

  onCurrentStateChange(listener: CurrentStateListener): void {
    this.listeners.push(listener);
  }

  /** The snapshot's record when it is known without reading (cached, or made or read by this write). */
  private knownInfo(tx: ReadTx, snapshot: SnapshotId): SnapshotInfo | undefined {
    if (snapshot === EMPTY_SNAPSHOT) return EMPTY_INFO;
    return this.infoCache.get(snapshot) ?? (tx instanceof WriteTx ? (tx.memo.get('snapshots') as Map<SnapshotId, SnapshotInfo> | undefined)?.get(snapshot) : undefined);
  }

  *info(tx: ReadTx, snapshot: SnapshotId): Op<SnapshotInfo | undefined> {
    const hit = this.knownInfo(tx, snapshot);
    if (hit !== undefined) return hit;
    const v = yield* tx.get(TREES.snapshots, uintKey(snapshot));
    if (v === undefined) return undefined;
    const info = decodeInfo(snapshot, v);
    this.learn(tx, info);
    return info;
  }

  /** Cache a snapshot record: now if committed; inside a write, in its memo until commit. */
  private learn(tx: ReadTx, info: SnapshotInfo): void {
    const remember = (): void => {
      if (this.infoCache.size >= INFO_CACHE_LIMIT) {
        dropOldestQuarter(this.infoCache);
      }
      this.infoCache.set(info.id, info);
    };
    if (!(tx instanceof WriteTx)) return remember();
    let memo = tx.memo.get('snapshots') as Map<SnapshotId, SnapshotInfo> | undefined;
    if (memo === undefined) tx.memo.set('snapshots', (memo = new Map()));
    memo.set(info.id, info);
    tx.afterCommit(remember);
  }

  private *mustInfo(tx: ReadTx, snapshot: SnapshotId): Op<SnapshotInfo> {
    const info = yield* this.info(tx, snapshot);
    if (info === undefined) throw new Error(`store: unknown state snapshot ${snapshot}`);
    return info;
  }

  /** Visit the delta entries of one snapshot (against its base). */
  private *forEachInDelta(tx: ReadTx, snapshot: SnapshotId, fn: (stateKeyNid: number, eventNid: number) => void): Op<void> {
    const prefix = uintKey(snapshot);
    for (const e of yield* tx.prefix(TREES.snapshotDeltas, prefix)) {
      const r = new ByteReader(e.key);
      r.pos = prefix.length;
      forEachInChunk(r.uint(), e.value, fn);
    }
  }

  /** The whole state of a snapshot as nids (state key nid → event nid). */
  *atNids(tx: ReadTx, snapshot: SnapshotId): Op<Map<number, number>> {
    // Newest delta first; removals are kept as 0 while walking and dropped at the end.
    const out = new Map<number, number>();
    let removals = 0;
    const visit = (k: number, v: number): void => {
      if (out.has(k)) return;
      out.set(k, v);
      if (v === 0) removals++;
    };
    for (let s = snapshot; s !== EMPTY_SNAPSHOT; ) {
      yield* this.forEachInDelta(tx, s, visit);
      s = (yield* this.mustInfo(tx, s)).base;
    }
    if (removals > 0) for (const [k, v] of out) if (v === 0) out.delete(k);
    return out;
  }

  /** One entry as nids (0 when absent). */
  *getNid(tx: ReadTx, snapshot: SnapshotId, stateKeyNid: number): Op<number> {
    const cached = this.entryCache.get(snapshot)?.get(stateKeyNid);
    if (cached !== undefined) return cached;
    const bucket = Math.floor(stateKeyNid / BUCKET_SIZE);
    let found = 0;
    for (let s = snapshot; s !== EMPTY_SNAPSHOT; ) {
      const chunk = yield* tx.get(TREES.snapshotDeltas, deltaKey(s, bucket));
      const v = chunk === undefined ? undefined : searchChunk(chunk, stateKeyNid);
      if (v !== undefined) {
        found = v;
        break;
      }
      s = (yield* this.mustInfo(tx, s)).base;
    }
    if (!(tx instanceof WriteTx) && snapshot !== EMPTY_SNAPSHOT) this.rememberEntry(snapshot, stateKeyNid, found);
    return found;
  }

  private rememberEntry(snapshot: SnapshotId, stateKeyNid: number, eventNid: number): void {
    let entries = this.entryCache.get(snapshot);
    if (entries === undefined) {
      if (this.entryCache.size >= ENTRY_CACHE_SNAPSHOTS) {
        dropOldestQuarter(this.entryCache);
      }
      this.entryCache.set(snapshot, (entries = new Map()));
    }
    if (entries.size < ENTRY_CACHE_PER_SNAPSHOT) entries.set(stateKeyNid, eventNid);
  }

  *at(tx: ReadTx, snapshot: SnapshotId): Op<StateMap> {
    const nids = yield* this.atNids(tx, snapshot);
    return yield* this.toStrings(tx, nids);
  }

  *get(tx: ReadTx, snapshot: SnapshotId, type: string, stateKey: string): Op<string | undefined> {
    const k = yield* this.intern.nid(tx, NidKind.stateKey, `${type}\u0000${stateKey}`);
    if (k === undefined) return undefined;
    const e = yield* this.getNid(tx, snapshot, k);
    return e === 0 ? undefined : yield* this.intern.string(tx, NidKind.event, e);
  }

  /** getMany answered from the caches alone, or undefined when anything needs a read. */
  private cachedMany(tx: ReadTx, snapshot: SnapshotId, keys: readonly StateKey[]): Map<StateKey, string> | undefined {
    const entries = this.entryCache.get(snapshot);
    if (entries === undefined) return undefined;
    const out = new Map<StateKey, string>();
    for (const key of keys) {
      const k = this.intern.known(tx, NidKind.stateKey, key);
      if (k === undefined) return undefined;
      const e = entries.get(k);
      if (e === undefined) return undefined;
      if (e === 0) continue;
      const id = this.intern.knownString(tx, NidKind.event, e);
      if (id === undefined) return undefined;
      out.set(key, id);
    }
    return out;
  }

  *getMany(tx: ReadTx, snapshot: SnapshotId, keys: readonly StateKey[]): Op<Map<StateKey, string>> {
    const cached = this.cachedMany(tx, snapshot, keys);
    if (cached !== undefined) return cached;
    const nids = yield* this.intern.nids(tx, NidKind.stateKey, keys);
    const out = new Map<StateKey, string>();
    for (let i = 0; i < keys.length; i++) {
      const k = nids[i];
      if (k === undefined) continue;
      const e = yield* this.getNid(tx, snapshot, k);
      if (e !== 0) out.set(keys[i]!, yield* this.intern.string(tx, NidKind.event, e));
    }
    return out;
  }

  *derive(tx: WriteTx, roomId: string, input: StateInput): Op<SnapshotId> {
    const roomNid = yield* this.intern.intern(tx, NidKind.room, roomId);
    return (yield* this.deriveNids(tx, roomNid, input)).snapshot;
  }

  /** Store a state; also returns the nid-level changes against the parent (for current-state updates). */
  *deriveNids(tx: WriteTx, roomNid: number, input: StateInput): Op<{ snapshot: SnapshotId; parent: SnapshotId; changes: NidChanges }> {
    if ('snapshot' in input) {
      // (a known snapshot needs no generator started: most events keep their room's state)
      if (this.knownInfo(tx, input.snapshot) === undefined) yield* this.mustInfo(tx, input.snapshot);
      return { snapshot: input.snapshot, parent: input.snapshot, changes: new Map() };
    }
    let parent: SnapshotId;
    const changes: NidChanges = new Map();
    const fresh = new Set<number>();
    if ('full' in input) {
      parent = input.parentHint ?? EMPTY_SNAPSHOT;
      const before = yield* this.atNids(tx, parent);
      const seen = new Set<number>();
      for (const [k, eventId] of input.full) {
        const kn = yield* this.intern.intern(tx, NidKind.stateKey, k);
        const en = yield* this.intern.intern(tx, NidKind.event, eventId);
        seen.add(kn);
        if (before.get(kn) !== en) changes.set(kn, en);
      }
      for (const kn of before.keys()) if (!seen.has(kn)) changes.set(kn, 0);
    } else {
      parent = input.parent;
      for (const [k, eventId] of input.changes) {
        const kn = yield* this.intern.intern(tx, NidKind.stateKey, k);
        if (eventId === null) {
          changes.set(kn, 0);
          continue;
        }
        const [en, created] = yield* this.intern.internNew(tx, NidKind.event, eventId);
        changes.set(kn, en);
        // An event id never seen before cannot already be in the parent state.
        if (created) fresh.add(kn);
      }
    }
    const parentInfo = yield* this.mustInfo(tx, parent);
    if (parent !== EMPTY_SNAPSHOT && parentInfo.roomNid !== roomNid) {
      throw new Error(`store: state snapshot ${parent} belongs to another room`);
    }
    // Drop no-op changes so an unchanged state reuses the parent snapshot.
    if (!('full' in input)) {
      for (const [k, v] of changes) if (!fresh.has(k) && (yield* this.getNid(tx, parent, k)) === v) changes.delete(k);
    }
    if (changes.size === 0) return { snapshot: parent, parent, changes };

    let ordinal: number;
    let base: SnapshotId;
    const delta = new Map<number, number>();
    // A snapshot changing c entries takes the next ordinal that is a multiple
    // of nextPow2(c): its lowbit is then ≥ c, so its delta is folded into a
    // later one only after ≥ c further snapshots (the copy is amortised).
    const step = nextPow2(changes.size);
    ordinal = (Math.floor(parentInfo.ordinal / step) + 1) * step;
    if (parent === EMPTY_SNAPSHOT) {
      base = EMPTY_SNAPSHOT;
    } else {
      const target = ordinal - lowbit(ordinal);
      // Fold the parent's skip deltas down to the base (newest first wins).
      let s = parent;
      let info = parentInfo;
      while (s !== EMPTY_SNAPSHOT && info.ordinal > target) {
        yield* this.forEachInDelta(tx, s, (k, v) => {
          if (!delta.has(k)) delta.set(k, v);
        });
        s = info.base;
        info = yield* this.mustInfo(tx, s);
      }
      base = s;
    }
    for (const [k, v] of changes) delta.set(k, v);

    const id = yield* allocate(tx, 'snapshot');
    const info: SnapshotInfo = { id, roomNid, parent, ordinal, base };
    tx.put(TREES.snapshots, uintKey(id), encodeInfo(info));
    this.learn(tx, info);
    if (base === EMPTY_SNAPSHOT) for (const [k, v] of delta) if (v === 0) delta.delete(k); // nothing to remove from the empty state
    for (const [bucket, chunk] of packDelta(delta)) tx.put(TREES.snapshotDeltas, deltaKey(id, bucket), chunk);
    return { snapshot: id, parent, changes };
  }

  *currentSnapshot(tx: ReadTx, roomId: string): Op<SnapshotId> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    return roomNid === undefined ? EMPTY_SNAPSHOT : yield* this.currentSnapshotOf(tx, roomNid);
  }

  *currentSnapshotOf(tx: ReadTx, roomNid: number): Op<SnapshotId> {
    const v = yield* tx.get(TREES.rooms, uintKey(roomNid));
    if (v === undefined) return EMPTY_SNAPSHOT;
    const r = new ByteReader(v);
    r.vuint(); // record version
    return r.vuint();
  }

  *current(tx: ReadTx, roomId: string): Op<StateMap> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    if (roomNid === undefined) return new Map();
    const entries = yield* tx.prefix(TREES.currentState, uintKey(roomNid));
    const nids = new Map<number, number>();
    for (const e of entries) {
      const r = new ByteReader(e.key);
      r.uint();
      nids.set(r.uint(), readUint(e.value));
    }
    return yield* this.toStrings(tx, nids);
  }

  *currentEntry(tx: ReadTx, roomId: string, type: string, stateKey: string): Op<string | undefined> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    const k = yield* this.intern.nid(tx, NidKind.stateKey, `${type}\u0000${stateKey}`);
    if (roomNid === undefined || k === undefined) return undefined;
    const v = yield* tx.get(TREES.currentState, currentKey(roomNid, k));
    return v === undefined ? undefined : yield* this.intern.string(tx, NidKind.event, readUint(v));
  }

  /**
   * Make `snapshot` the room's current state. `known` are the changes from the
   * old current snapshot when the caller knows them (the new snapshot derives
   * from the old one); otherwise both states are compared.
   */
  *setCurrent(tx: WriteTx, roomNid: number, snapshot: SnapshotId, known?: { from: SnapshotId; changes: NidChanges }): Op<void> {
    const old = yield* this.currentSnapshotOf(tx, roomNid);
    if (old === snapshot) return;
    let changes: NidChanges;
    if (known !== undefined && known.from === old) {
      changes = known.changes;
    } else {
      const [a, b] = [yield* this.atNids(tx, old), yield* this.atNids(tx, snapshot)];
      changes = new Map();
      for (const [k, v] of b) if (a.get(k) !== v) changes.set(k, v);
      for (const k of a.keys()) if (!b.has(k)) changes.set(k, 0);
    }
    tx.put(TREES.rooms, uintKey(roomNid), new ByteWriter(8).vuint(1).vuint(snapshot).done());
    for (const [k, v] of changes) {
      if (v === 0) tx.delete(TREES.currentState, currentKey(roomNid, k));
      else tx.put(TREES.currentState, currentKey(roomNid, k), uintKey(v));
    }
    for (const listener of this.listeners) yield* listener(tx, roomNid, changes);
  }

  private *toStrings(tx: ReadTx, nids: Map<number, number>): Op<StateMap> {
    const keys = [...nids.keys()];
    const values = [...nids.values()];
    const ks = yield* this.intern.strings(tx, NidKind.stateKey, keys);
    const vs = yield* this.intern.strings(tx, NidKind.event, values);
    const out = new Map<StateKey, string>();
    for (let i = 0; i < ks.length; i++) out.set(ks[i]!, vs[i]!);
    return out;
  }
}
