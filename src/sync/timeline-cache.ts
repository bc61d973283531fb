// Recent timeline windows for /sync: per room, the newest events (up to WINDOW) with their
// client-format JSON serialized once, so an incremental sync picks and splices them instead of
// reading, decoding and re-serializing each event per request.
//
// Why it stays right without hooks into the write path (and across processes sharing the store):
// - A window covers ALL of a room's timeline events in (from, upTo]. Stream positions are
//   allocated in commit order, so a snapshot at position P already holds every event ≤ P: the
//   window is extended by reading the room's timeline after upTo, never patched.
// - A cached client event changes only when a later event redacts it or relates to it
//   (bundled aggregations): both are timeline events of the same room (other rooms' children
//   are invisible, other rooms' redactions do not apply), so they are seen while extending
//   and drop the parent's cached JSON. Events that already had children or redactions, and
//   state events (prev_content follows the prior event's redaction), are not cached at all.
// - Backfilled events (no stream position) would bypass this: backfill does not exist yet;
//   when it lands it must clear the room's window (TimelineCache.forgetRoom).
// unsigned.age, unsigned.membership (the requesting user's, spec v1.11) and unsigned.transaction_id
// (the sending device only) are added per response.
import type { Store } from '../store/index.js';
import type { StoredEvent } from '../store/repositories/events.js';
import type { Op, ReadTx } from '../store/trees.js';
import { type ClientEventSerializer, parseEventJson } from '../rooms/read/client-event.js';
import type { VisibilityMemo } from '../rooms/read/visibility.js';
import { RawJson } from './raw-json.js';
import { RoomUserMap } from './room-user-map.js';

/** How /sync serializes a timeline event the cache cannot splice. */
export const TIMELINE_EVENT = Object.freeze({ includeRoomId: false, membership: true });
/** The same for a filter's `event_format: federation` (never cached: the cache holds client JSON). */
export const TIMELINE_PDU = Object.freeze({ includeRoomId: false, membership: true, format: 'federation' as const });

const MEMBERSHIP_JSON = new Map(['join', 'leave', 'invite', 'ban', 'knock'].map((m) => [m, JSON.stringify(m)]));
const membershipJson = (m: string): string => MEMBERSHIP_JSON.get(m) ?? JSON.stringify(m);

/** Events kept per room (a timeline limit above this reads the store). */
export const WINDOW = 64;
/** Events kept across all rooms. */
const MAX_EVENTS = 10_000;
const MAX_MEMBER_EVENTS = 10_000;
/** visibility memos (room, user) and since-snapshot entries */
const MAX_MEMOS = 5_000;
/** snapshots per visibility memo (a memo past this starts again) */
const MAX_MEMO_SNAPSHOTS = 64;

/**
 * An event's client JSON around its unsigned object, in the few flat pieces a response splices
 * (a response string is a rope of these; uWS flattens it once per answer, and the walk costs
 * per piece, so each event adds three: open, age, close).
 */
interface ClientJson {
  /** `{"type":…,"origin_server_ts":N,"unsigned":{"age":` (everything before unsigned, and unsigned's start) */
  readonly open: string;
  /** `,` + open: the form spliced after an earlier event of the list */
  readonly nextOpen: string;
  /** `}` ending unsigned, then what follows it, with the closing brace */
  readonly close: string;
  /** the membership `memberClose` was made for (most readers of a room share one) */
  memberOf: string | undefined;
  /** `,"membership":<memberOf>` + close */
  memberClose: string;
}

/** `s` as one flat string (V8 flattens a concatenation when a character is read): kept strings are spliced as one piece. */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

export interface WindowEvent {
  readonly event: StoredEvent;
  /** undefined: not serialized yet; null: served by the full serializer every time */
  client?: ClientJson | null;
  /** the sending device's transaction: undefined until looked up, null when there is none */
  txn?: { readonly deviceId: string; readonly txnId: string } | null;
}

export interface RoomWindow {
  /** events in (from, upTo], oldest first, are all of the room's timeline in that range */
  from: number;
  upTo: number;
  /** the snapshot after the room's last event at or before `from` (0: none) */
  baseStateAfter: number;
  events: WindowEvent[];
}

/**
 * The event with its JSON in a buffer of its own: a read's bytes may be a slice of a shared
 * pool slab, which a long-lived cache entry would keep alive whole.
 */
function detached(e: StoredEvent): StoredEvent {
  return { ...e, json: new Uint8Array(e.json) };
}

function relatesToId(json: Uint8Array): string | undefined {
  try {
    const rel = (parseEventJson(json).content as Record<string, unknown> | undefined)?.['m.relates_to'];
    const id = typeof rel === 'object' && rel !== null ? (rel as { event_id?: unknown }).event_id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export class TimelineCache {
  private readonly rooms = new Map<string, RoomWindow>();
  private total = 0;
  /** member events of the users syncing (read per room per sync) */
  private readonly events = new Map<string, StoredEvent>();
  /** (room, user) → visibility per state snapshot (facts of immutable snapshots) */
  private readonly visibility = new RoomUserMap<VisibilityMemo>(MAX_MEMOS);
  /** `${roomId}\0${pos}` → the snapshot after the room's last event at or before pos (pos ≤ a read's position: fixed) */
  private readonly snapshots = new Map<string, number>();

  constructor(private readonly store: Store) {}

  forgetRoom(roomId: string): void {
    const w = this.rooms.get(roomId);
    if (w === undefined) return;
    this.total -= w.events.length;
    this.rooms.delete(roomId);
  }

  /**
   * The stream position of the room's newest timeline event, when a window at exactly
   * `upTo` knows it (undefined: ask the store).
   */
  lastPosition(roomId: string, upTo: number): number | undefined {
    const w = this.rooms.get(roomId);
    if (w === undefined || w.upTo !== upTo) return undefined;
    return w.events.length > 0 ? w.events[w.events.length - 1]!.event.streamPos! : w.from;
  }

  visibilityMemo(roomId: string, userId: string): VisibilityMemo {
    let memo = this.visibility.get(roomId, userId);
    if (memo === undefined || memo.size > MAX_MEMO_SNAPSHOTS) this.visibility.set(roomId, userId, (memo = new Map()));
    return memo;
  }

  /** The snapshot after the room's last event at or before `pos`, `upTo` being the read's position. */
  *snapshotBefore(tx: ReadTx, w: RoomWindow | undefined, roomId: string, pos: number, upTo: number): Op<number> {
    const known = w === undefined ? undefined : this.snapshotAt(w, pos);
    if (known !== undefined) return known;
    const key = `${roomId}\u0000${pos}`;
    const hit = this.snapshots.get(key);
    if (hit !== undefined) return hit;
    const [last] = yield* this.store.events.timeline(tx, roomId, { before: pos + 1, reverse: true, limit: 1 });
    const snap = last?.stateAfter ?? 0;
    if (pos <= upTo) {
      if (this.snapshots.size >= MAX_MEMOS) this.snapshots.delete(this.snapshots.keys().next().value!);
      this.snapshots.set(key, snap);
    }
    return snap;
  }

  knownEvent(eventId: string): StoredEvent | undefined {
    return this.events.get(eventId);
  }

  /** The room's window when it is exactly at `upTo` (no read needed). */
  knownWindow(roomId: string, upTo: number): RoomWindow | undefined {
    const w = this.rooms.get(roomId);
    if (w === undefined || w.upTo !== upTo) return undefined;
    this.rooms.delete(roomId); // Map order is recency order
    this.rooms.set(roomId, w);
    return w;
  }

  /** snapshotBefore when known without a read. */
  knownSnapshotBefore(w: RoomWindow | undefined, roomId: string, pos: number): number | undefined {
    return (w === undefined ? undefined : this.snapshotAt(w, pos)) ?? this.snapshots.get(`${roomId}\u0000${pos}`);
  }

  /** A stored event by id; timeline events (their record never changes again) are kept. */
  *event(tx: ReadTx, eventId: string): Op<StoredEvent | undefined> {
    const hit = this.events.get(eventId);
    if (hit !== undefined) return hit;
    const e = yield* this.store.events.get(tx, eventId);
    if (e !== undefined && e.status === 'timeline' && e.streamPos !== undefined) {
      if (this.events.size >= MAX_MEMBER_EVENTS) this.events.delete(this.events.keys().next().value!);
      this.events.set(eventId, detached(e));
    }
    return e;
  }

  /**
   * The room's window covering every timeline event up to `upTo` (the read's events position);
   * undefined when the window is already past `upTo` (an older read: use the store).
   * A new window holds the newest `want` events (it grows up to WINDOW as events arrive).
   */
  *window(tx: ReadTx, roomId: string, upTo: number, want = WINDOW): Op<RoomWindow | undefined> {
    const { store } = this;
    let w = this.rooms.get(roomId);
    if (w !== undefined && w.upTo > upTo) return undefined;
    if (w !== undefined && w.upTo < upTo) {
      const newer = yield* store.events.timeline(tx, roomId, { after: w.upTo, before: upTo + 1, limit: WINDOW + 1 });
      if (newer.length > WINDOW) {
        this.forgetRoom(roomId);
        w = undefined;
      } else {
        this.extend(w, newer, upTo);
      }
    }
    if (w === undefined) {
      const size = Math.min(Math.max(1, want), WINDOW);
      const newest = yield* store.events.timeline(tx, roomId, { before: upTo + 1, reverse: true, limit: size + 1 });
      const base = newest.length > size ? newest.pop() : undefined;
      w = {
        from: base?.streamPos ?? 0, upTo, baseStateAfter: base?.stateAfter ?? 0,
        events: newest.reverse().map((event) => ({ event: detached(event) })),
      };
      this.total += w.events.length;
    } else {
      this.rooms.delete(roomId); // re-inserted below: Map order is recency order
    }
    this.rooms.set(roomId, w);
    while (this.total > MAX_EVENTS && this.rooms.size > 1) this.forgetRoom(this.rooms.keys().next().value!);
    return w;
  }

  private extend(w: RoomWindow, newer: readonly StoredEvent[], upTo: number): void {
    for (const e of newer) {
      // A redaction or a child changes how its target is served: serialize it again.
      const target = e.redacts ?? relatesToId(e.json);
      if (target !== undefined) {
        const hit = w.events.find((x) => x.event.eventId === target);
        if (hit !== undefined) hit.client = undefined;
      }
      w.events.push({ event: detached(e) });
    }
    this.total += newer.length;
    w.upTo = upTo;
    const drop = w.events.length - WINDOW;
    if (drop > 0) {
      const last = w.events[drop - 1]!.event;
      w.from = last.streamPos!;
      w.baseStateAfter = last.stateAfter ?? 0;
      w.events.splice(0, drop);
      this.total -= drop;
    }
  }

  /** The snapshot after the room's last event at or before `pos`, when the window knows it. */
  snapshotAt(w: RoomWindow, pos: number): number | undefined {
    if (pos < w.from || pos > w.upTo) return undefined;
    let snap = w.baseStateAfter;
    for (const x of w.events) {
      if (x.event.streamPos! > pos) break;
      snap = x.event.stateAfter ?? 0;
    }
    return snap;
  }

  /**
   * The event as the serializer's user and device see it, as JSON text. Cached JSON is only
   * filled from a read at the window's own position (an older read could miss a redaction
   * the window has already accounted for).
   */
  *clientEvent(tx: ReadTx, w: RoomWindow, x: WindowEvent, ser: ClientEventSerializer, readPos: number): Op<RawJson> {
    const e = x.event;
    if (x.client === undefined && readPos === w.upTo) x.client = yield* this.cacheable(tx, x, ser);
    if (x.client === undefined || x.client === null) {
      return new RawJson(JSON.stringify(yield* ser.serialize(tx, e, TIMELINE_EVENT)));
    }
    let unsigned = '';
    const membership = ser.visibility?.membershipAfterKnown(e) ?? (yield* ser.membershipAfter(tx, e));
    if (membership !== undefined) unsigned += `,"membership":${JSON.stringify(membership)}`;
    if (ser.deviceId !== undefined && e.sender === ser.userId) {
      if (x.txn === undefined) {
        const sent = yield* this.store.eventTxnIds.get(tx, e.eventId);
        x.txn = sent === undefined ? null : { deviceId: sent.deviceId, txnId: sent.txnId };
      }
      if (x.txn !== null && x.txn.deviceId === ser.deviceId) unsigned += `,"transaction_id":${JSON.stringify(x.txn.txnId)}`;
    }
    return new RawJson(x.client.open + Math.max(0, ser.now - e.originServerTs) + unsigned + x.client.close);
  }

  /**
   * `list` with clientEvent's text appended (after `[` when `list` is '', else after a comma),
   * without a read: undefined unless the event's JSON (and, for the sender, its transaction) is known.
   */
  appendCachedClientEvent(list: string, x: WindowEvent, ser: ClientEventSerializer): string | undefined {
    const client = x.client;
    if (client === undefined || client === null) return undefined;
    const e = x.event;
    const own = ser.deviceId !== undefined && e.sender === ser.userId;
    if (own && x.txn === undefined) return undefined;
    const membership = ser.visibility?.membershipAfterKnown(e);
    if (membership === undefined) return undefined;
    const age = Math.max(0, ser.now - e.originServerTs);
    const open = list === '' ? `[${client.open}` : list + client.nextOpen;
    if (own && x.txn !== null && x.txn!.deviceId === ser.deviceId) {
      return `${open}${age},"membership":${membershipJson(membership)},"transaction_id":${JSON.stringify(x.txn!.txnId)}${client.close}`;
    }
    if (client.memberOf !== membership) {
      client.memberClose = flat(`,"membership":${membershipJson(membership)}${client.close}`);
      client.memberOf = membership;
    }
    return open + age + client.memberClose;
  }

  /** The user-independent part of the event's client JSON, or null when it must be served by the full serializer. */
  private *cacheable(tx: ReadTx, x: WindowEvent, ser: ClientEventSerializer): Op<ClientJson | null> {
    const e = x.event;
    if (e.stateKey !== undefined || e.status !== 'timeline') return null;
    if ((yield* this.store.relations.redactions(tx, e.eventId)).length > 0) return null;
    if ((yield* this.store.relations.children(tx, e.eventId)).length > 0) return null;
    const full = yield* ser.serialize(tx, e, { includeRoomId: false });
    const { unsigned, ...rest } = full as { unsigned?: Record<string, unknown> } & Record<string, unknown>;
    // Only age, membership (and the sender's transaction_id) may vary per request.
    if (unsigned !== undefined && Object.keys(unsigned).some((k) => k !== 'age' && k !== 'membership' && k !== 'transaction_id')) return null;
    const keys = Object.keys(full);
    const at = keys.indexOf('unsigned');
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    keys.forEach((k, i) => { if (k !== 'unsigned') (at < 0 || i < at ? before : after)[k] = rest[k]; });
    const open = flat(`${JSON.stringify(before).slice(0, -1)},"unsigned":{"age":`);
    const tailJson = JSON.stringify(after);
    const close = flat(tailJson === '{}' ? '}}' : `},${tailJson.slice(1)}`);
    return { open, nextOpen: flat(`,${open}`), close, memberOf: undefined, memberClose: '' };
  }
}
