// The device's end-to-end key counts that every /sync carries (spec: client-server-api
// #get_matrixclientv3sync, device_one_time_keys_count and device_unused_fallback_key_types),
// read straight from the key trees: one prefix per device, made once, and the two scans
// without decoding what the counts do not need (E2eKeys' own reads decode every key).
// Key layouts (src/store/repositories/e2e-keys.ts):
//   oneTimeKeys:  uint(userNid) str(deviceId) str(algorithm) tail(keyId) → key JSON
//   fallbackKeys: uint(userNid) str(deviceId) tail(algorithm)            → {keyId, key, used}
import { NidKind, TREES } from '../store/catalogue.js';
import type { Store } from '../store/index.js';
import { ByteReader, ByteWriter, prefixEnd } from '../store/keys.js';
import type { Op, ReadTx } from '../store/trees.js';

export interface DeviceKeyCounts {
  readonly device_one_time_keys_count: Record<string, number>;
  readonly device_unused_fallback_key_types: string[];
}

interface DevicePrefix {
  readonly gte: Buffer;
  readonly lt: Buffer | undefined;
}

/** Prefixes kept (a user's nid never changes once interned, so an entry never goes stale). */
const MAX_PREFIXES = 50_000;

export class DeviceKeyCounter {
  private readonly prefixes = new Map<string, DevicePrefix>();

  constructor(private readonly store: Store) {}

  *counts(tx: ReadTx, userId: string, deviceId: string): Op<DeviceKeyCounts> {
    // signed_curve25519 is always there, 0 when none is left (as Synapse does): matrix-js-sdk's
    // legacy crypto and older clients read a missing count as "no need to upload" and never
    // replenish their one-time keys.
    const otk: Record<string, number> = { signed_curve25519: 0 };
    const unused: string[] = [];
    const prefix = yield* this.prefixOf(tx, userId, deviceId);
    if (prefix === undefined) return { device_one_time_keys_count: otk, device_unused_fallback_key_types: unused };
    const n = prefix.gte.length;
    // Keys are sorted: the keys of one algorithm are adjacent, so its name is decoded once.
    let last: Uint8Array | undefined;
    let lastEnd = 0;
    let algorithm = '';
    for (const e of yield* tx.range(TREES.oneTimeKeys, prefix)) {
      if (last === undefined || !sameSegment(last, lastEnd, e.key, n)) {
        const r = new ByteReader(e.key);
        r.pos = n;
        algorithm = r.str();
        last = e.key;
        lastEnd = r.pos;
      }
      otk[algorithm] = (otk[algorithm] ?? 0) + 1;
    }
    for (const e of yield* tx.range(TREES.fallbackKeys, prefix)) {
      if ((JSON.parse(Buffer.from(e.value.buffer, e.value.byteOffset, e.value.byteLength).toString('utf8')) as { used?: unknown }).used === true) continue;
      const r = new ByteReader(e.key);
      r.pos = n;
      const alg = r.tail();
      if (!unused.includes(alg)) unused.push(alg);
    }
    return { device_one_time_keys_count: otk, device_unused_fallback_key_types: unused };
  }

  private *prefixOf(tx: ReadTx, userId: string, deviceId: string): Op<DevicePrefix | undefined> {
    const key = `${userId}\u0000${deviceId}`;
    const hit = this.prefixes.get(key);
    if (hit !== undefined) return hit;
    const userNid = yield* this.store.intern.nid(tx, NidKind.user, userId);
    // Not interned: the user has no keys (a nid made later is seen on the next sync).
    if (userNid === undefined) return undefined;
    const gte = new ByteWriter(64).uint(userNid).str(deviceId).done();
    const prefix = { gte, lt: prefixEnd(gte) };
    if (this.prefixes.size >= MAX_PREFIXES) this.prefixes.delete(this.prefixes.keys().next().value!);
    this.prefixes.set(key, prefix);
    return prefix;
  }
}

/** Whether `b` has the same bytes as `a` from `from` to `end` (the algorithm segment of `a`). */
function sameSegment(a: Uint8Array, end: number, b: Uint8Array, from: number): boolean {
  if (b.length < end) return false;
  for (let i = from; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}
