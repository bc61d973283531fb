// Presence as last set by the user (or by the server on activity): one record per user.

import { NidKind, TREES } from '../catalogue.js';
import { jsonValue, parseJsonValue, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

export interface PresenceRecord {
  /** online, offline, unavailable */
  readonly presence: string;
  readonly statusMsg?: string;
  /** when the user was last active (ms since the epoch) */
  readonly lastActiveTs: number;
}

export interface PresenceRepository {
  get(tx: ReadTx, userId: string): Op<PresenceRecord | undefined>;
  put(tx: WriteTx, userId: string, record: PresenceRecord): Op<void>;
}

export class Presence implements PresenceRepository {
  constructor(private readonly intern: Interner) {}

  *get(tx: ReadTx, userId: string): Op<PresenceRecord | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (nid === undefined) return undefined;
    const v = yield* tx.get(TREES.presence, uintKey(nid));
    return v === undefined ? undefined : parseJsonValue<PresenceRecord>(v);
  }

  *put(tx: WriteTx, userId: string, record: PresenceRecord): Op<void> {
    const nid = yield* this.intern.intern(tx, NidKind.user, userId);
    tx.put(TREES.presence, uintKey(nid), jsonValue(record));
  }
}
