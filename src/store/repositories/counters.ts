// Named counters kept in the store (never in process memory), so several
// processes sharing one store allocate unique, increasing values: the
// read-increment-write happens inside the write transaction, which the
// backend serialises with every other writer.

import { TREES } from '../catalogue.js';
import { readUint, uintKey } from '../keys.js';
import { WriteTx, type Op, type ReadTx } from '../trees.js';

function counterKey(name: string): Buffer {
  return Buffer.from(name, 'utf8');
}

/** The last value allocated from counter `name` (0 when none yet). */
export function* counterValue(tx: ReadTx, name: string): Op<number> {
  if (tx instanceof WriteTx) {
    const memo = tx.memo.get(`counter:${name}`) as CounterMemo | undefined;
    if (memo !== undefined) return memo.last;
  }
  const v = yield* tx.get(TREES.counters, counterKey(name));
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
  const memoKey = `counter:${name}`;
  let memo = tx.memo.get(memoKey) as CounterMemo | undefined;
  if (memo === undefined) {
    const m: CounterMemo = { last: yield* counterValue(tx, name) };
    memo = m;
    tx.memo.set(memoKey, m);
    tx.beforeFinish(() => tx.put(TREES.counters, counterKey(name), uintKey(m.last)));
  }
  const first = memo.last + 1;
  memo.last += count;
  return first;
}
