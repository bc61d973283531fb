// Every stream's current position for a sync token, in one range read of the counters tree
// (keys `stream.<name>`, src/store/repositories/counters.ts) instead of a get per stream.
// Same values as StreamPositions.all in a read (a counter never allocated reads as 0).
import { STREAMS, type StreamName, TREES } from '../store/catalogue.js';
import { readUint } from '../store/keys.js';
import type { Op, ReadTx } from '../store/trees.js';

const PREFIX = 'stream.';
const RANGE = { gte: Buffer.from(PREFIX, 'latin1'), lt: Buffer.from('stream/', 'latin1') };
const KEYS = STREAMS.map((s) => [s, Buffer.from(PREFIX + s, 'utf8')] as const);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

export function* streamPositions(tx: ReadTx): Op<Record<StreamName, number>> {
  const out: Record<StreamName, number> = { events: 0, account_data: 0, receipts: 0, to_device: 0, device_lists: 0 };
  for (const e of yield* tx.range(TREES.counters, RANGE)) {
    for (const [name, key] of KEYS) {
      if (sameBytes(e.key, key)) { out[name] = readUint(e.value); break; }
    }
  }
  return out;
}
