// Account data, global (room nid 0) and per room, on the account_data
// stream: each write gets a position, and the previous position of the same
// (room, type) is dropped from the stream index so "changes since" is exact.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';
import type { StreamPositions } from './positions.js';

export interface AccountDataEntry {
  /** null for global account data */
  readonly roomId: string | null;
  readonly type: string;
  readonly streamPos: number;
  /** the content JSON bytes */
  readonly content: Uint8Array;
}

export interface AccountDataRepository {
  /** Set (replace) an entry; returns its stream position. */
  put(tx: WriteTx, userId: string, roomId: string | null, type: string, content: Uint8Array): Op<number>;
  get(tx: ReadTx, userId: string, roomId: string | null, type: string): Op<AccountDataEntry | undefined>;
  /** Every entry of a user (global and all rooms). */
  all(tx: ReadTx, userId: string): Op<AccountDataEntry[]>;
  /** Entries changed after a stream position, oldest first. */
  since(tx: ReadTx, userId: string, after: number, limit?: number): Op<AccountDataEntry[]>;
}

const GLOBAL = 0;

export class AccountData implements AccountDataRepository {
  constructor(
    private readonly intern: Interner,
    private readonly positions: StreamPositions,
  ) {}

  private *roomNid(tx: WriteTx, roomId: string | null): Op<number> {
    return roomId === null ? GLOBAL : yield* this.intern.intern(tx, NidKind.room, roomId);
  }

  *put(tx: WriteTx, userId: string, roomId: string | null, type: string, content: Uint8Array): Op<number> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    const roomNid = yield* this.roomNid(tx, roomId);
    const k = new ByteWriter(64).uint(userNid).uint(roomNid).tail(type).done();
    const old = yield* tx.get(TREES.accountData, k);
    if (old !== undefined) tx.delete(TREES.accountDataStream, new ByteWriter(16).uint(userNid).uint(new ByteReader(old).vuint()).done());
    const pos = yield* this.positions.next(tx, 'account_data');
    tx.put(TREES.accountData, k, new ByteWriter(content.length + 8).vuint(pos).bytes(content).done());
    tx.put(TREES.accountDataStream, new ByteWriter(16).uint(userNid).uint(pos).done(), new ByteWriter(64).uint(roomNid).tail(type).done());
    return pos;
  }

  *get(tx: ReadTx, userId: string, roomId: string | null, type: string): Op<AccountDataEntry | undefined> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    const roomNid = roomId === null ? GLOBAL : yield* this.intern.nid(tx, NidKind.room, roomId);
    if (userNid === undefined || roomNid === undefined) return undefined;
    const v = yield* tx.get(TREES.accountData, new ByteWriter(64).uint(userNid).uint(roomNid).tail(type).done());
    if (v === undefined) return undefined;
    const r = new ByteReader(v);
    return { roomId, type, streamPos: r.vuint(), content: r.rest() };
  }

  *all(tx: ReadTx, userId: string): Op<AccountDataEntry[]> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return [];
    const out: AccountDataEntry[] = [];
    for (const e of yield* tx.prefix(TREES.accountData, uintKey(userNid))) {
      const kr = new ByteReader(e.key);
      kr.uint();
      const roomNid = kr.uint();
      const vr = new ByteReader(e.value);
      out.push({
        roomId: roomNid === GLOBAL ? null : yield* this.intern.string(tx, NidKind.room, roomNid),
        type: kr.tail(),
        streamPos: vr.vuint(),
        content: vr.rest(),
      });
    }
    return out;
  }

  *since(tx: ReadTx, userId: string, after: number, limit?: number): Op<AccountDataEntry[]> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return [];
    const entries = yield* tx.range(TREES.accountDataStream, {
      gte: new ByteWriter(16).uint(userNid).uint(after + 1).done(),
      lt: uintKey(userNid + 1),
      limit,
    });
    const out: AccountDataEntry[] = [];
    for (const e of entries) {
      const r = new ByteReader(e.value);
      const roomNid = r.uint();
      const roomId = roomNid === GLOBAL ? null : yield* this.intern.string(tx, NidKind.room, roomNid);
      const entry = yield* this.get(tx, userId, roomId, r.tail());
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }
}
