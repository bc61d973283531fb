// User-interactive auth sessions, in the store so that any process can continue a session
// another one started. Session ids begin with their creation time in fixed-width hex, so
// expiring old sessions is one range scan from the start of the tree.

import { TREES } from '../catalogue.js';
import { jsonValue, parseJsonValue } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';

export interface UiaSessionRecord {
  /** the operation the session authorises (e.g. `delete_devices:@a:b:["DEV"]`) */
  readonly op: string;
  readonly createdTs: number;
  readonly completed: readonly string[];
  /** the user a password stage authenticated */
  readonly userId?: string;
  /** request values a client may omit in later rounds */
  readonly saved: Readonly<Record<string, unknown>>;
}

export interface UiaSessionsRepository {
  get(tx: ReadTx, sessionId: string): Op<UiaSessionRecord | undefined>;
  put(tx: WriteTx, sessionId: string, session: UiaSessionRecord): Op<void>;
  delete(tx: WriteTx, sessionId: string): Op<void>;
  /** Delete sessions whose id sorts before `beforeId` (created earlier); returns how many. */
  deleteOlderThan(tx: WriteTx, beforeId: string, limit: number): Op<number>;
}

const key = (id: string) => Buffer.from(id, 'utf8');

export class UiaSessions implements UiaSessionsRepository {
  *get(tx: ReadTx, sessionId: string): Op<UiaSessionRecord | undefined> {
    const v = yield* tx.get(TREES.uiaSessions, key(sessionId));
    return v === undefined ? undefined : parseJsonValue<UiaSessionRecord>(v);
  }

  *put(tx: WriteTx, sessionId: string, session: UiaSessionRecord): Op<void> {
    tx.put(TREES.uiaSessions, key(sessionId), jsonValue(session));
  }

  *delete(tx: WriteTx, sessionId: string): Op<void> {
    tx.delete(TREES.uiaSessions, key(sessionId));
  }

  *deleteOlderThan(tx: WriteTx, beforeId: string, limit: number): Op<number> {
    const old = yield* tx.range(TREES.uiaSessions, { lt: key(beforeId), limit });
    for (const e of old) tx.delete(TREES.uiaSessions, e.key);
    return old.length;
  }
}
