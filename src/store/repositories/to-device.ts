// To-device inboxes: messages queued per (user, device) at to_device stream
// positions, kept until the device acknowledges them (the next /sync with a
// later since token).

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';
import type { StreamPositions } from './positions.js';

export interface ToDeviceMessage {
  readonly streamPos: number;
  /** the message JSON bytes ({sender, type, content}) */
  readonly message: Uint8Array;
}

export interface ToDeviceRepository {
  /** Queue a message; returns its stream position. */
  enqueue(tx: WriteTx, userId: string, deviceId: string, message: Uint8Array): Op<number>;
  /** Messages after a position, oldest first. */
  inbox(tx: ReadTx, userId: string, deviceId: string, after: number, limit: number): Op<ToDeviceMessage[]>;
  /** Drop messages up to and including a position; returns how many. */
  acknowledge(tx: WriteTx, userId: string, deviceId: string, upTo: number): Op<number>;
}

const inboxPrefix = (userNid: number, deviceId: string): ByteWriter => new ByteWriter(48).uint(userNid).str(deviceId);

export class ToDevice implements ToDeviceRepository {
  constructor(
    private readonly intern: Interner,
    private readonly positions: StreamPositions,
  ) {}

  *enqueue(tx: WriteTx, userId: string, deviceId: string, message: Uint8Array): Op<number> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    const pos = yield* this.positions.next(tx, 'to_device');
    tx.put(TREES.toDevice, inboxPrefix(userNid, deviceId).uint(pos).done(), message);
    return pos;
  }

  *inbox(tx: ReadTx, userId: string, deviceId: string, after: number, limit: number): Op<ToDeviceMessage[]> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return [];
    const prefix = inboxPrefix(userNid, deviceId).done();
    const entries = yield* tx.range(TREES.toDevice, {
      gte: inboxPrefix(userNid, deviceId).uint(after + 1).done(),
      lt: inboxPrefix(userNid, deviceId).u8(0xff).done(),
      limit,
    });
    return entries.map((e) => {
      const r = new ByteReader(e.key);
      r.pos = prefix.length;
      return { streamPos: r.uint(), message: e.value };
    });
  }

  *acknowledge(tx: WriteTx, userId: string, deviceId: string, upTo: number): Op<number> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return 0;
    const entries = yield* tx.range(TREES.toDevice, {
      gte: inboxPrefix(userNid, deviceId).done(),
      lt: inboxPrefix(userNid, deviceId).uint(upTo + 1).done(),
    });
    for (const e of entries) tx.delete(TREES.toDevice, e.key);
    return entries.length;
  }
}
