// Read receipts (and other receipt types), one per (room, type, user,
// thread), on the receipts stream. Replacing a receipt moves it to a new
// position so "receipts since" returns each change once.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';
import type { StreamPositions } from './positions.js';

export interface Receipt {
  readonly roomId: string;
  /** m.read, m.read.private, ... */
  readonly receiptType: string;
  readonly userId: string;
  /** '' for an unthreaded receipt */
  readonly threadId: string;
  readonly eventId: string;
  readonly ts: number;
  readonly streamPos: number;
}

export interface ReceiptsRepository {
  /** Set a receipt; returns its stream position. */
  put(tx: WriteTx, receipt: Omit<Receipt, 'streamPos'>): Op<number>;
  /** Every receipt in a room. */
  ofRoom(tx: ReadTx, roomId: string): Op<Receipt[]>;
  /** Receipts changed after a position, oldest first. */
  since(tx: ReadTx, after: number, limit?: number): Op<Receipt[]>;
}

export class Receipts implements ReceiptsRepository {
  constructor(
    private readonly intern: Interner,
    private readonly positions: StreamPositions,
  ) {}

  *put(tx: WriteTx, receipt: Omit<Receipt, 'streamPos'>): Op<number> {
    const roomNid = yield* this.intern.intern(tx, NidKind.room, receipt.roomId);
    const userNid = yield* this.intern.intern(tx, NidKind.user, receipt.userId);
    const eventNid = yield* this.intern.intern(tx, NidKind.event, receipt.eventId);
    const id = new ByteWriter(64).uint(roomNid).str(receipt.receiptType).uint(userNid).str(receipt.threadId).done();
    const old = yield* tx.get(TREES.receipts, id);
    if (old !== undefined) tx.delete(TREES.receiptsStream, uintKey(new ByteReader(old).vuint()));
    const pos = yield* this.positions.next(tx, 'receipts');
    tx.put(TREES.receipts, id, new ByteWriter(24).vuint(pos).vuint(eventNid).vuint(receipt.ts).done());
    tx.put(TREES.receiptsStream, uintKey(pos), id);
    return pos;
  }

  private *decode(tx: ReadTx, key: Uint8Array, value: Uint8Array): Op<Receipt> {
    const k = new ByteReader(key);
    const roomNid = k.uint();
    const receiptType = k.str();
    const userNid = k.uint();
    const threadId = k.str();
    const v = new ByteReader(value);
    const streamPos = v.vuint();
    const eventNid = v.vuint();
    return {
      roomId: yield* this.intern.string(tx, NidKind.room, roomNid),
      receiptType,
      userId: yield* this.intern.string(tx, NidKind.user, userNid),
      threadId,
      eventId: yield* this.intern.string(tx, NidKind.event, eventNid),
      ts: v.vuint(),
      streamPos,
    };
  }

  *ofRoom(tx: ReadTx, roomId: string): Op<Receipt[]> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    if (roomNid === undefined) return [];
    const out: Receipt[] = [];
    for (const e of yield* tx.prefix(TREES.receipts, uintKey(roomNid))) out.push(yield* this.decode(tx, e.key, e.value));
    return out;
  }

  *since(tx: ReadTx, after: number, limit?: number): Op<Receipt[]> {
    const out: Receipt[] = [];
    for (const e of yield* tx.range(TREES.receiptsStream, { gte: uintKey(after + 1), limit })) {
      const v = yield* tx.get(TREES.receipts, e.value);
      if (v !== undefined) out.push(yield* this.decode(tx, e.value, v));
    }
    return out;
  }
}
