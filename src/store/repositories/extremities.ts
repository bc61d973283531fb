// Forward extremities: the events of a room no other event cites yet, which
// new local events use as prev_events. Updated by EventsRepository.persist for
// every accepted timeline event; `set` replaces them (e.g. after a fork is
// resolved and the pipeline prunes extremities).

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, EMPTY, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

export interface ForwardExtremitiesRepository {
  get(tx: ReadTx, roomId: string): Op<string[]>;
  set(tx: WriteTx, roomId: string, eventIds: readonly string[]): Op<void>;
}

function extremityKey(roomNid: number, eventNid: number): Buffer {
  return new ByteWriter(12).uint(roomNid).uint(eventNid).done();
}

export class ForwardExtremities implements ForwardExtremitiesRepository {
  constructor(private readonly intern: Interner) {}

  *get(tx: ReadTx, roomId: string): Op<string[]> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    return roomNid === undefined ? [] : yield* this.intern.strings(tx, NidKind.event, yield* this.nids(tx, roomNid));
  }

  *nids(tx: ReadTx, roomNid: number): Op<number[]> {
    return (yield* tx.prefix(TREES.forwardExtremities, uintKey(roomNid))).map((e) => {
      const r = new ByteReader(e.key);
      r.uint();
      return r.uint();
    });
  }

  *set(tx: WriteTx, roomId: string, eventIds: readonly string[]): Op<void> {
    const roomNid = yield* this.intern.intern(tx, NidKind.room, roomId);
    for (const old of yield* this.nids(tx, roomNid)) tx.delete(TREES.forwardExtremities, extremityKey(roomNid, old));
    for (const id of eventIds) {
      tx.put(TREES.forwardExtremities, extremityKey(roomNid, yield* this.intern.intern(tx, NidKind.event, id)), EMPTY);
    }
  }

  /** A new accepted event: its prev events stop being extremities; it becomes one unless already cited. */
  *advance(tx: WriteTx, roomNid: number, eventNid: number, prevNids: readonly number[], cited: boolean): Op<void> {
    for (const p of prevNids) tx.delete(TREES.forwardExtremities, extremityKey(roomNid, p));
    if (!cited) tx.put(TREES.forwardExtremities, extremityKey(roomNid, eventNid), EMPTY);
  }
}
