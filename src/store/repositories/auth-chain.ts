// Persistence of the auth-chain index (the chain cover built by
// src/matrix/stateres/chain-index.ts). The index is append-only, so `save`
// writes only the events and links added since the last save; `load` returns
// the rows in insertion order, in the shape of that module's
// ChainIndexSnapshot (format 'myelin-chain-index-1'), which
// ChainIndex.fromSnapshot rebuilds. The store keeps rows, not logic.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

/** Structurally ChainIndexSnapshot (src/matrix/stateres/chain-index.ts). */
export interface AuthChainIndexRows {
  readonly format: 'myelin-chain-index-1';
  readonly eventIds: readonly string[];
  readonly chain: readonly number[];
  readonly seq: readonly number[];
  readonly stateKeys: readonly string[];
  /** flattened (chain, seq, target chain, target seq) quadruples */
  readonly links: readonly number[];
}

export interface AuthChainRepository {
  /** Append what `rows` holds beyond what is stored for the room (rows must extend the stored index). */
  save(tx: WriteTx, roomId: string, rows: AuthChainIndexRows): Op<{ events: number; links: number }>;
  load(tx: ReadTx, roomId: string): Op<AuthChainIndexRows>;
  /** An event's chain and sequence number. */
  position(tx: ReadTx, eventId: string): Op<{ chain: number; seq: number } | undefined>;
}

const FORMAT = 'myelin-chain-index-1';

function roomKey(roomNid: number, tag: 'e' | 'l' | 'n', n?: number): Buffer {
  const w = new ByteWriter(16).uint(roomNid).u8(tag.charCodeAt(0));
  return (n === undefined ? w : w.uint(n)).done();
}

export class AuthChainIndexStore implements AuthChainRepository {
  constructor(private readonly intern: Interner) {}

  private *counts(tx: ReadTx, roomNid: number): Op<{ events: number; links: number }> {
    const v = yield* tx.get(TREES.authChainRoom, roomKey(roomNid, 'n'));
    if (v === undefined) return { events: 0, links: 0 };
    const r = new ByteReader(v);
    return { events: r.vuint(), links: r.vuint() };
  }

  *save(tx: WriteTx, roomId: string, rows: AuthChainIndexRows): Op<{ events: number; links: number }> {
    if (rows.format !== FORMAT) throw new TypeError(`auth chain index: unknown format ${String(rows.format)}`);
    const n = rows.eventIds.length;
    if (rows.chain.length !== n || rows.seq.length !== n || rows.stateKeys.length !== n || rows.links.length % 4 !== 0) {
      throw new TypeError('auth chain index: row arrays disagree in length');
    }
    const roomNid = yield* this.intern.intern(tx, NidKind.room, roomId);
    const stored = yield* this.counts(tx, roomNid);
    const linkCount = rows.links.length / 4;
    if (n < stored.events || linkCount < stored.links) {
      throw new Error(`auth chain index of ${roomId}: rows do not extend the stored index (${n} < ${stored.events} events or ${linkCount} < ${stored.links} links)`);
    }
    for (let i = stored.events; i < n; i++) {
      const eventNid = yield* this.intern.intern(tx, NidKind.event, rows.eventIds[i]!);
      const keyNid = yield* this.intern.intern(tx, NidKind.stateKey, rows.stateKeys[i]!);
      const [chain, seq] = [rows.chain[i]!, rows.seq[i]!];
      tx.put(TREES.authChainRoom, roomKey(roomNid, 'e', i), new ByteWriter(16).vuint(eventNid).vuint(chain).vuint(seq).vuint(keyNid).done());
      tx.put(TREES.authChainIndex, uintKey(eventNid), new ByteWriter(8).vuint(chain).vuint(seq).done());
    }
    for (let i = stored.links; i < linkCount; i++) {
      const w = new ByteWriter(16);
      for (let j = 0; j < 4; j++) w.vuint(rows.links[i * 4 + j]!);
      tx.put(TREES.authChainRoom, roomKey(roomNid, 'l', i), w.done());
    }
    tx.put(TREES.authChainRoom, roomKey(roomNid, 'n'), new ByteWriter(8).vuint(n).vuint(linkCount).done());
    return { events: n - stored.events, links: linkCount - stored.links };
  }

  *load(tx: ReadTx, roomId: string): Op<AuthChainIndexRows> {
    const empty: AuthChainIndexRows = { format: FORMAT, eventIds: [], chain: [], seq: [], stateKeys: [], links: [] };
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    if (roomNid === undefined) return empty;
    const eventNids: number[] = [];
    const keyNids: number[] = [];
    const chain: number[] = [];
    const seq: number[] = [];
    for (const e of yield* tx.prefix(TREES.authChainRoom, roomKey(roomNid, 'e'))) {
      const r = new ByteReader(e.value);
      eventNids.push(r.vuint());
      chain.push(r.vuint());
      seq.push(r.vuint());
      keyNids.push(r.vuint());
    }
    const links: number[] = [];
    for (const e of yield* tx.prefix(TREES.authChainRoom, roomKey(roomNid, 'l'))) {
      const r = new ByteReader(e.value);
      for (let j = 0; j < 4; j++) links.push(r.vuint());
    }
    return {
      format: FORMAT,
      eventIds: yield* this.intern.strings(tx, NidKind.event, eventNids),
      chain,
      seq,
      stateKeys: yield* this.intern.strings(tx, NidKind.stateKey, keyNids),
      links,
    };
  }

  *position(tx: ReadTx, eventId: string): Op<{ chain: number; seq: number } | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.event, eventId);
    if (nid === undefined) return undefined;
    const v = yield* tx.get(TREES.authChainIndex, uintKey(nid));
    if (v === undefined) return undefined;
    const r = new ByteReader(v);
    return { chain: r.vuint(), seq: r.vuint() };
  }
}
