// Current membership per room and per user, with the membership event. Kept
// in step with the room's current state (StateSnapshots calls `apply` for
// every current-state change), so it is never a second source of truth.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import { decodeEventRecord } from './event-record.js';
import type { Interner } from './intern.js';
import type { NidChanges } from './state.js';

export interface Membership {
  readonly roomId: string;
  readonly userId: string;
  /** join, invite, leave, ban, knock */
  readonly membership: string;
  readonly eventId: string;
}

export interface MembershipRepository {
  get(tx: ReadTx, roomId: string, userId: string): Op<Membership | undefined>;
  /** Members of a room in user-nid order, optionally only one membership (e.g. "join"). */
  ofRoom(tx: ReadTx, roomId: string, membership?: string): Op<Membership[]>;
  /** Rooms of a user, optionally only one membership. */
  ofUser(tx: ReadTx, userId: string, membership?: string): Op<Membership[]>;
}

const MEMBER_PREFIX = 'm.room.member\u0000';

function pairKey(a: number, b: number): Buffer {
  return new ByteWriter(12).uint(a).uint(b).done();
}

export class Memberships implements MembershipRepository {
  constructor(private readonly intern: Interner) {}

  /** Apply current-state changes of `roomNid` (listener of StateSnapshots). */
  *apply(tx: WriteTx, roomNid: number, changes: NidChanges): Op<void> {
    for (const [stateKeyNid, eventNid] of changes) {
      const key = yield* this.intern.string(tx, NidKind.stateKey, stateKeyNid);
      if (!key.startsWith(MEMBER_PREFIX)) continue;
      const userNid = yield* this.intern.intern(tx, NidKind.user, key.slice(MEMBER_PREFIX.length));
      if (eventNid === 0) {
        tx.delete(TREES.membershipByRoom, pairKey(roomNid, userNid));
        tx.delete(TREES.membershipByUser, pairKey(userNid, roomNid));
        continue;
      }
      const record = yield* tx.get(TREES.events, uintKey(eventNid));
      // An entry whose event we do not hold cannot say which membership it is.
      const membership = record === undefined ? '' : decodeEventRecord(record).membership;
      const value = new ByteWriter(16).uint(eventNid).tail(membership).done();
      tx.put(TREES.membershipByRoom, pairKey(roomNid, userNid), value);
      tx.put(TREES.membershipByUser, pairKey(userNid, roomNid), value);
    }
  }

  *get(tx: ReadTx, roomId: string, userId: string): Op<Membership | undefined> {
    const [roomNid, userNid] = [yield* this.intern.nid(tx, NidKind.room, roomId), yield* this.intern.nid(tx, NidKind.user, userId)];
    if (roomNid === undefined || userNid === undefined) return undefined;
    const v = yield* tx.get(TREES.membershipByRoom, pairKey(roomNid, userNid));
    if (v === undefined) return undefined;
    const r = new ByteReader(v);
    const eventId = yield* this.intern.string(tx, NidKind.event, r.uint());
    return { roomId, userId, membership: r.tail(), eventId };
  }

  *ofRoom(tx: ReadTx, roomId: string, membership?: string): Op<Membership[]> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    if (roomNid === undefined) return [];
    return yield* this.list(tx, TREES.membershipByRoom, roomNid, membership, (other) => ({ roomId, userNid: other }));
  }

  *ofUser(tx: ReadTx, userId: string, membership?: string): Op<Membership[]> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return [];
    return yield* this.list(tx, TREES.membershipByUser, userNid, membership, (other) => ({ roomNid: other, userId }));
  }

  private *list(
    tx: ReadTx,
    tree: typeof TREES.membershipByRoom | typeof TREES.membershipByUser,
    first: number,
    only: string | undefined,
    who: (other: number) => { roomId?: string; roomNid?: number; userId?: string; userNid?: number },
  ): Op<Membership[]> {
    const out: Membership[] = [];
    for (const e of yield* tx.prefix(tree, uintKey(first))) {
      const kr = new ByteReader(e.key);
      kr.uint();
      const other = kr.uint();
      const vr = new ByteReader(e.value);
      const eventNid = vr.uint();
      const membership = vr.tail();
      if (only !== undefined && membership !== only) continue;
      const w = who(other);
      out.push({
        roomId: w.roomId ?? (yield* this.intern.string(tx, NidKind.room, w.roomNid!)),
        userId: w.userId ?? (yield* this.intern.string(tx, NidKind.user, w.userNid!)),
        membership,
        eventId: yield* this.intern.string(tx, NidKind.event, eventNid),
      });
    }
    return out;
  }
}
