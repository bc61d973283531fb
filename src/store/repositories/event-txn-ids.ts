// Which device sent a local event under which client transaction id: the
// reverse of the transaction-ids scope → event mapping, so the event can carry
// unsigned.transaction_id when it is served back to that device
// (client-server-api#room-event-format, "if the client being given the event
// is the same one which sent it"). Written in the same write as the event.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

export interface EventTxnRecord {
  /** the sending device (the event's sender owns it) */
  readonly deviceId: string;
  readonly txnId: string;
}

export interface EventTxnIdsRepository {
  put(tx: WriteTx, eventId: string, record: EventTxnRecord): Op<void>;
  get(tx: ReadTx, eventId: string): Op<EventTxnRecord | undefined>;
}

export class EventTxnIds implements EventTxnIdsRepository {
  constructor(private readonly intern: Interner) {}

  *put(tx: WriteTx, eventId: string, record: EventTxnRecord): Op<void> {
    const nid = this.intern.known(tx, NidKind.event, eventId) ?? (yield* this.intern.intern(tx, NidKind.event, eventId));
    tx.put(TREES.eventTxnIds, new ByteWriter(8).uint(nid).done(), new ByteWriter(64).str(record.deviceId).tail(record.txnId).done());
  }

  *get(tx: ReadTx, eventId: string): Op<EventTxnRecord | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.event, eventId);
    if (nid === undefined) return undefined;
    const v = yield* tx.get(TREES.eventTxnIds, new ByteWriter(8).uint(nid).done());
    if (v === undefined) return undefined;
    const r = new ByteReader(v);
    const deviceId = r.str();
    return { deviceId, txnId: r.tail() };
  }
}
