// Named counters kept in the store (never in process memory), so several
// processes sharing one store allocate unique, increasing values: the
// read-increment-write happens inside the write transaction, which the
// backend serialises with every other writer.

import { TREES } from '../catalogue.js';
import { readUint, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';

function counterKey(name: string): Buffer {
  return Buffer.from(name, 'utf8');
}

/** The last value allocated from counter `name` (0 when none yet). */
export function* counterValue(tx: ReadTx, name: string): Op<number> {
  const v = yield* tx.get(TREES.counters, counterKey(name));
  return v === undefined ? 0 : readUint(v);
}

/** Allocate `count` consecutive values; returns the first (values start at 1). */
export function* allocate(tx: WriteTx, name: string, count = 1): Op<number> {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`allocate: bad count ${count}`);
  const last = yield* counterValue(tx, name);
  tx.put(TREES.counters, counterKey(name), uintKey(last + count));
  return last + 1;
}
