// Named counters kept in the store (never in process memory), so several
// processes sharing one store allocate unique, increasing values: the
// read-increment-write happens inside the write transaction, which the
// backend serialises with every other writer.

import { TREES } from '../catalogue.js';
import { readUint, uintKey } from '../keys.js';
import { WriteTx, type Op, type ReadTx } from '../trees.js';

/** Counter names are a small fixed set (streams, nid kinds): their keys are made once. */
const keys = new Map<string, { readonly key: Buffer; readonly memo: string }>();
function counterKeys(name: string): { readonly key: Buffer; readonly memo: string } {
  let k = keys.get(name);
  if (k === undefined) {
    k = { key: Buffer.from(name, 'utf8'), memo: `counter:${name}` };
    keys.set(name, k);
  }
  return k;
}

/** The last value allocated from counter `name` (0 when none yet). */
export function* counterValue(tx: ReadTx, name: string): Op<number> {
  const k = counterKeys(name);
  if (tx instanceof WriteTx) {
    const memo = tx.memo.get(k.memo) as CounterMemo | undefined;
    if (memo !== undefined) return memo.last;
  }
  // (lmdb-js copies a key into its own buffer: the shared one is never changed)
  const v = yield* tx.get(TREES.counters, k.key);
  return v === undefined ? 0 : readUint(v);
}

interface CounterMemo {
  last: number;
}

/**
 * Allocate `count` consecutive values; returns the first (values start at 1).
 * Within one transaction the counter is read once and written once, when the
 * body finishes (a transaction persisting thousands of events does not
 * rewrite the same key thousands of times).
 */
export function* allocate(tx: WriteTx, name: string, count = 1): Op<number> {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`allocate: bad count ${count}`);
  const k = counterKeys(name);
  let memo = tx.memo.get(k.memo) as CounterMemo | undefined;
  if (memo === undefined) {
    const m: CounterMemo = { last: yield* counterValue(tx, name) };
    memo = m;
    tx.memo.set(k.memo, m);
    tx.beforeFinish(() => tx.put(TREES.counters, k.key, uintKey(m.last)));
  }
  const first = memo.last + 1;
  memo.last += count;
  return first;
}
