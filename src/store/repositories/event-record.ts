// The stored metadata of an event (tree events.meta), kept apart from its
// canonical JSON (events.json) so DAG walks and timeline scans never touch
// the JSON. Compact varint record; every id is a nid.

import { ByteReader, ByteWriter } from '../keys.js';

export const EventStatus = {
  /** accepted, in the room's DAG with state */
  timeline: 0,
  /** stored without state (auth chains, invites, events fetched for auth) */
  outlier: 1,
  /** accepted by its auth events but failed against the current state: kept, never shown, not an extremity */
  softFailed: 2,
  /** failed auth: kept only so we do not fetch it again */
  rejected: 3,
} as const;
export type EventStatusCode = (typeof EventStatus)[keyof typeof EventStatus];

export interface EventRecord {
  readonly status: EventStatusCode;
  readonly roomNid: number;
  readonly senderNid: number;
  readonly typeNid: number;
  /** nid of `type \0 state_key`; 0 for a non-state event */
  readonly stateKeyNid: number;
  readonly depth: number;
  readonly originServerTs: number;
  /** 0 when the event has no position (outliers, backfilled, soft-failed, rejected) */
  readonly streamPos: number;
  /** state snapshots before and after the event; 0 when unknown (outliers, rejected) */
  readonly stateBefore: number;
  readonly stateAfter: number;
  readonly prevNids: readonly number[];
  readonly authNids: readonly number[];
  /** content.membership of m.room.member events, '' otherwise */
  readonly membership: string;
  /** nid of the event this one redacts, 0 when none */
  readonly redactsNid: number;
}

const VERSION = 1;

// origin_server_ts is whatever the sending server claimed, negative included.
const zigzag = (n: number): number => (n < 0 ? -2 * n - 1 : 2 * n);
const unzigzag = (n: number): number => (n % 2 === 1 ? -(n + 1) / 2 : n / 2);

export function encodeEventRecord(e: EventRecord): Buffer {
  const w = new ByteWriter(64 + 4 * (e.prevNids.length + e.authNids.length));
  w.vuint(VERSION).vuint(e.status).vuint(e.roomNid).vuint(e.senderNid).vuint(e.typeNid).vuint(e.stateKeyNid);
  w.vuint(e.depth).vuint(zigzag(e.originServerTs)).vuint(e.streamPos).vuint(e.stateBefore).vuint(e.stateAfter);
  w.vuint(e.prevNids.length);
  for (const n of e.prevNids) w.vuint(n);
  w.vuint(e.authNids.length);
  for (const n of e.authNids) w.vuint(n);
  return w.vstr(e.membership).vuint(e.redactsNid).done();
}

export function decodeEventRecord(b: Uint8Array): EventRecord {
  const r = new ByteReader(b);
  const version = r.vuint();
  if (version !== VERSION) throw new Error(`store: unknown event record version ${version}`);
  const status = r.vuint() as EventStatusCode;
  const roomNid = r.vuint();
  const senderNid = r.vuint();
  const typeNid = r.vuint();
  const stateKeyNid = r.vuint();
  const depth = r.vuint();
  const originServerTs = unzigzag(r.vuint());
  const streamPos = r.vuint();
  const stateBefore = r.vuint();
  const stateAfter = r.vuint();
  const prevNids: number[] = [];
  for (let i = r.vuint(); i > 0; i--) prevNids.push(r.vuint());
  const authNids: number[] = [];
  for (let i = r.vuint(); i > 0; i--) authNids.push(r.vuint());
  const membership = r.vstr();
  const redactsNid = r.vuint();
  return { status, roomNid, senderNid, typeNid, stateKeyNid, depth, originServerTs, streamPos, stateBefore, stateAfter, prevNids, authNids, membership, redactsNid };
}
