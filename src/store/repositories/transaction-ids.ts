// Transaction ids: idempotency for client PUTs (scope = user + device or
// access token) and federation transactions (scope = origin server). The
// stored response is replayed when the same id comes again.

import { TREES } from '../catalogue.js';
import { ByteReader, ByteWriter } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';

export interface TransactionRecord {
  readonly ts: number;
  readonly response: Uint8Array;
}

export interface TransactionIdsRepository {
  get(tx: ReadTx, scope: string, txnId: string): Op<TransactionRecord | undefined>;
  put(tx: WriteTx, scope: string, txnId: string, record: TransactionRecord): Op<void>;
  delete(tx: WriteTx, scope: string, txnId: string): Op<void>;
  /** Every record of a scope (small scopes only: local aliases, the room directory). */
  list(tx: ReadTx, scope: string): Op<{ txnId: string; record: TransactionRecord }[]>;
  /** Delete the records of a scope older than `beforeTs`; returns how many. */
  prune(tx: WriteTx, scope: string, beforeTs: number): Op<number>;
}

const k = (scope: string, txnId: string): Buffer => new ByteWriter(64).str(scope).tail(txnId).done();

export class TransactionIds implements TransactionIdsRepository {
  *get(tx: ReadTx, scope: string, txnId: string): Op<TransactionRecord | undefined> {
    const v = yield* tx.get(TREES.transactionIds, k(scope, txnId));
    if (v === undefined) return undefined;
    const r = new ByteReader(v);
    return { ts: r.vuint(), response: r.rest() };
  }

  *put(tx: WriteTx, scope: string, txnId: string, record: TransactionRecord): Op<void> {
    tx.put(TREES.transactionIds, k(scope, txnId), new ByteWriter(record.response.length + 10).vuint(record.ts).bytes(record.response).done());
  }

  *delete(tx: WriteTx, scope: string, txnId: string): Op<void> {
    tx.delete(TREES.transactionIds, k(scope, txnId));
  }

  *list(tx: ReadTx, scope: string): Op<{ txnId: string; record: TransactionRecord }[]> {
    const out: { txnId: string; record: TransactionRecord }[] = [];
    for (const e of yield* tx.prefix(TREES.transactionIds, new ByteWriter(64).str(scope).done())) {
      const kr = new ByteReader(e.key);
      kr.str();
      const r = new ByteReader(e.value);
      out.push({ txnId: kr.tail(), record: { ts: r.vuint(), response: r.rest() } });
    }
    return out;
  }

  *prune(tx: WriteTx, scope: string, beforeTs: number): Op<number> {
    let n = 0;
    for (const e of yield* tx.prefix(TREES.transactionIds, new ByteWriter(64).str(scope).done())) {
      if (new ByteReader(e.value).vuint() < beforeTs) {
        tx.delete(TREES.transactionIds, e.key);
        n++;
      }
    }
    return n;
  }
}
