// Events: stored as opaque canonical bytes plus the metadata the store needs
// (the caller extracts it; the store never parses an event). `persist` writes
// everything one event needs in the caller's transaction: the event, its
// state snapshots (as deltas), forward extremities, the room's current state
// and membership, and its stream position. Outliers and rejected events are
// kept apart: they get no position, no state and are never on a timeline.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, EMPTY, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import { decodeEventRecord, encodeEventRecord, EventStatus, type EventRecord, type EventStatusCode } from './event-record.js';
import type { ForwardExtremities } from './extremities.js';
import type { Interner } from './intern.js';
import type { StreamPositions } from './positions.js';
import { EMPTY_SNAPSHOT, type NidChanges, type SnapshotId, type StateInput, type StateSnapshots } from './state.js';

export type EventStatusName = 'timeline' | 'outlier' | 'soft_failed' | 'rejected';

const STATUS_CODE: Record<EventStatusName, EventStatusCode> = {
  timeline: EventStatus.timeline,
  outlier: EventStatus.outlier,
  soft_failed: EventStatus.softFailed,
  rejected: EventStatus.rejected,
};
const STATUS_NAME: Record<EventStatusCode, EventStatusName> = ['timeline', 'outlier', 'soft_failed', 'rejected'];

export interface PersistEventInput {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
  readonly type: string;
  /** present on state events (may be '') */
  readonly stateKey?: string;
  readonly depth: number;
  readonly originServerTs: number;
  readonly prevEvents: readonly string[];
  readonly authEvents: readonly string[];
  /** content.membership of an m.room.member event */
  readonly membership?: string;
  readonly redacts?: string;
  /** the canonical JSON bytes, stored and served as they are */
  readonly json: Uint8Array;
  readonly status: EventStatusName;
  readonly rejectionReason?: string;
  /** an old event fetched by backfill: on the DAG and in depth order, but no stream position */
  readonly backfilled?: boolean;
  /** state before the event: required for timeline and soft-failed events */
  readonly stateBefore?: StateInput;
  /** the room's current state after this event: 'after' (state after this event), a state, or absent (unchanged) */
  readonly currentState?: 'after' | StateInput;
}

export interface PersistedEvent {
  readonly eventId: string;
  /** the event was already stored; nothing changed */
  readonly duplicate: boolean;
  readonly status: EventStatusName;
  readonly streamPos?: number;
  readonly stateBefore?: SnapshotId;
  readonly stateAfter?: SnapshotId;
}

export interface StoredEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
  readonly type: string;
  readonly stateKey?: string;
  readonly depth: number;
  readonly originServerTs: number;
  readonly status: EventStatusName;
  readonly streamPos?: number;
  readonly stateBefore?: SnapshotId;
  readonly stateAfter?: SnapshotId;
  readonly prevEvents: readonly string[];
  readonly authEvents: readonly string[];
  readonly membership?: string;
  readonly redacts?: string;
  readonly json: Uint8Array;
}

export interface TimelineQuery {
  /** positions strictly greater than this */
  readonly after?: number;
  /** positions strictly less than this */
  readonly before?: number;
  /** newest first */
  readonly reverse?: boolean;
  readonly limit?: number;
}

export interface StreamEntry {
  readonly streamPos: number;
  readonly roomId: string;
  readonly eventId: string;
}

export interface EventsRepository {
  persist(tx: WriteTx, input: PersistEventInput): Op<PersistedEvent>;
  get(tx: ReadTx, eventId: string): Op<StoredEvent | undefined>;
  getMany(tx: ReadTx, eventIds: readonly string[]): Op<(StoredEvent | undefined)[]>;
  /** The canonical bytes only. */
  json(tx: ReadTx, eventId: string): Op<Uint8Array | undefined>;
  /** Which of these events are stored (any status). */
  have(tx: ReadTx, eventIds: readonly string[]): Op<boolean[]>;
  /** The state snapshot before or after an event (undefined for outliers, rejected and unknown events). */
  stateSnapshot(tx: ReadTx, eventId: string, which: 'before' | 'after'): Op<SnapshotId | undefined>;
  /** A room's timeline in stream order. */
  timeline(tx: ReadTx, roomId: string, query?: TimelineQuery): Op<StoredEvent[]>;
  /** Every room's timeline interleaved, after a position (sync). */
  stream(tx: ReadTx, after: number, limit: number): Op<StreamEntry[]>;
  /** Events of a room with depth ≤ maxDepth, deepest first (backfill). */
  byDepth(tx: ReadTx, roomId: string, maxDepth: number, limit: number): Op<StoredEvent[]>;
  outliers(tx: ReadTx, roomId: string): Op<string[]>;
  rejectionReason(tx: ReadTx, eventId: string): Op<string | undefined>;
  /** Stored events citing this one as a prev event. */
  children(tx: ReadTx, eventId: string): Op<string[]>;
}

function pair(a: number, b: number): Buffer {
  return new ByteWriter(12).uint(a).uint(b).done();
}

/** Called for each newly persisted timeline event, in the persisting transaction (relations index). */
export type TimelineEventListener = (tx: WriteTx, eventNid: number, streamPos: number, input: PersistEventInput) => Op<void>;

export class Events implements EventsRepository {
  private readonly timelineListeners: TimelineEventListener[] = [];

  onTimelineEvent(listener: TimelineEventListener): void {
    this.timelineListeners.push(listener);
  }

  constructor(
    private readonly intern: Interner,
    private readonly state: StateSnapshots,
    private readonly extremities: ForwardExtremities,
    private readonly positions: StreamPositions,
  ) {}

  *persist(tx: WriteTx, input: PersistEventInput): Op<PersistedEvent> {
    const status = STATUS_CODE[input.status];
    if (status === undefined) throw new TypeError(`persist: unknown event status ${String(input.status)}`);
    if (input.currentState !== undefined && status !== EventStatus.timeline) {
      throw new TypeError('persist: only timeline events may change the current state');
    }
    if (!Number.isSafeInteger(input.depth) || input.depth < 0) throw new TypeError(`persist: bad depth ${input.depth} for ${input.eventId}`);
    if (!Number.isSafeInteger(input.originServerTs) || Math.abs(input.originServerTs) > 2 ** 51) {
      throw new TypeError(`persist: bad origin_server_ts ${input.originServerTs} for ${input.eventId}`);
    }
    if (input.type.includes('\u0000')) throw new TypeError(`persist: event type of ${input.eventId} contains NUL`);
    const hasState = status === EventStatus.timeline || status === EventStatus.softFailed;
    if (hasState && input.stateBefore === undefined) throw new TypeError(`persist: ${input.status} event ${input.eventId} needs stateBefore`);

    const [eventNid, newNid] = yield* this.intern.internNew(tx, NidKind.event, input.eventId);
    const existingRaw = newNid ? undefined : yield* tx.get(TREES.events, uintKey(eventNid));
    const roomNid = (this.intern.known(tx, NidKind.room, input.roomId) ?? (yield* this.intern.intern(tx, NidKind.room, input.roomId)));
    if (existingRaw !== undefined) {
      const existing = decodeEventRecord(existingRaw);
      // An outlier may later be accepted onto the timeline; anything else is a duplicate.
      const upgrade = existing.status === EventStatus.outlier && hasState;
      if (!upgrade) return { eventId: input.eventId, duplicate: true, ...this.summary(existing) };
      tx.delete(TREES.outliers, pair(existing.roomNid, eventNid));
    }

    const prevNids: number[] = [];
    for (const id of input.prevEvents) prevNids.push(this.intern.known(tx, NidKind.event, id) ?? (yield* this.intern.intern(tx, NidKind.event, id)));
    const authNids: number[] = [];
    for (const id of input.authEvents) authNids.push(this.intern.known(tx, NidKind.event, id) ?? (yield* this.intern.intern(tx, NidKind.event, id)));
    const stateKeyNid =
      input.stateKey === undefined ? 0 : yield* this.intern.intern(tx, NidKind.stateKey, `${input.type}\u0000${input.stateKey}`);

    let stateBefore = EMPTY_SNAPSHOT;
    let stateAfter = EMPTY_SNAPSHOT;
    // Changes from `beforeParent` (the snapshot stateBefore was derived from) to
    // stateAfter: when that is the current state, updating it needs no diff.
    let beforeParent = EMPTY_SNAPSHOT;
    let changesToAfter: NidChanges = new Map();
    if (hasState) {
      const before = yield* this.state.deriveNids(tx, roomNid, input.stateBefore!);
      stateBefore = stateAfter = before.snapshot;
      beforeParent = before.parent;
      changesToAfter = before.changes;
      if (stateKeyNid !== 0) {
        const derived = yield* this.state.deriveNids(tx, roomNid, { parent: stateBefore, changes: [[`${input.type}\u0000${input.stateKey}`, input.eventId]] });
        stateAfter = derived.snapshot;
        for (const [k, v] of derived.changes) changesToAfter.set(k, v);
      }
    }

    let streamPos = 0;
    if (status === EventStatus.timeline) {
      if (!input.backfilled) {
        streamPos = yield* this.positions.next(tx, 'events');
        tx.put(TREES.roomTimeline, pair(roomNid, streamPos), uintKey(eventNid));
        tx.put(TREES.streamOrder, uintKey(streamPos), pair(roomNid, eventNid));
      }
      tx.put(TREES.roomDepth, new ByteWriter(16).uint(roomNid).uint(input.depth).uint(eventNid).done(), EMPTY);
      for (const p of prevNids) tx.put(TREES.eventChildren, pair(p, eventNid), EMPTY);
      // A stored event citing this one would have interned its id already.
      const cited = !newNid && (yield* tx.prefix(TREES.eventChildren, uintKey(eventNid), { limit: 1 })).length > 0;
      yield* this.extremities.advance(tx, roomNid, eventNid, prevNids, cited);
    } else if (status === EventStatus.outlier) {
      tx.put(TREES.outliers, pair(roomNid, eventNid), EMPTY);
    } else if (status === EventStatus.rejected) {
      tx.put(TREES.rejected, uintKey(eventNid), Buffer.from(input.rejectionReason ?? '', 'utf8'));
    }

    const record: EventRecord = {
      status,
      roomNid,
      senderNid: this.intern.known(tx, NidKind.user, input.sender) ?? (yield* this.intern.intern(tx, NidKind.user, input.sender)),
      typeNid: this.intern.known(tx, NidKind.eventType, input.type) ?? (yield* this.intern.intern(tx, NidKind.eventType, input.type)),
      stateKeyNid,
      depth: input.depth,
      originServerTs: input.originServerTs,
      streamPos,
      stateBefore,
      stateAfter,
      prevNids,
      authNids,
      membership: input.membership ?? '',
      redactsNid: input.redacts === undefined ? 0 : yield* this.intern.intern(tx, NidKind.event, input.redacts),
    };
    tx.put(TREES.events, uintKey(eventNid), encodeEventRecord(record));
    tx.put(TREES.eventJson, uintKey(eventNid), input.json);
    if (status === EventStatus.timeline) for (const l of this.timelineListeners) yield* l(tx, eventNid, streamPos, input);

    if (input.currentState === 'after') {
      yield* this.state.setCurrent(tx, roomNid, stateAfter, { from: beforeParent, changes: changesToAfter });
    } else if (input.currentState !== undefined) {
      const derived = yield* this.state.deriveNids(tx, roomNid, input.currentState);
      yield* this.state.setCurrent(tx, roomNid, derived.snapshot, { from: derived.parent, changes: derived.changes });
    }
    return { eventId: input.eventId, duplicate: false, ...this.summary(record) };
  }

  private summary(r: EventRecord): Omit<PersistedEvent, 'eventId' | 'duplicate'> {
    const hasState = r.status === EventStatus.timeline || r.status === EventStatus.softFailed;
    return {
      status: STATUS_NAME[r.status],
      ...(r.streamPos !== 0 ? { streamPos: r.streamPos } : {}),
      ...(hasState ? { stateBefore: r.stateBefore, stateAfter: r.stateAfter } : {}),
    };
  }

  *get(tx: ReadTx, eventId: string): Op<StoredEvent | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.event, eventId);
    return nid === undefined ? undefined : yield* this.load(tx, nid, eventId);
  }

  *getMany(tx: ReadTx, eventIds: readonly string[]): Op<(StoredEvent | undefined)[]> {
    const nids = yield* this.intern.nids(tx, NidKind.event, eventIds);
    const out: (StoredEvent | undefined)[] = [];
    for (let i = 0; i < nids.length; i++) out.push(nids[i] === undefined ? undefined : yield* this.load(tx, nids[i]!, eventIds[i]!));
    return out;
  }

  *json(tx: ReadTx, eventId: string): Op<Uint8Array | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.event, eventId);
    return nid === undefined ? undefined : yield* tx.get(TREES.eventJson, uintKey(nid));
  }

  *have(tx: ReadTx, eventIds: readonly string[]): Op<boolean[]> {
    const nids = yield* this.intern.nids(tx, NidKind.event, eventIds);
    const present = nids.map((n) => n !== undefined);
    const keys = nids.filter((n): n is number => n !== undefined).map(uintKey);
    const found = yield* tx.getMany(TREES.events, keys);
    let j = 0;
    return present.map((p) => p && found[j++] !== undefined);
  }

  *stateSnapshot(tx: ReadTx, eventId: string, which: 'before' | 'after'): Op<SnapshotId | undefined> {
    const r = yield* this.record(tx, eventId);
    if (r === undefined || (r.status !== EventStatus.timeline && r.status !== EventStatus.softFailed)) return undefined;
    return which === 'before' ? r.stateBefore : r.stateAfter;
  }

  *timeline(tx: ReadTx, roomId: string, query: TimelineQuery = {}): Op<StoredEvent[]> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    if (roomNid === undefined) return [];
    const gte = pair(roomNid, (query.after ?? 0) + 1);
    const lt = query.before === undefined ? uintKey(roomNid + 1) : pair(roomNid, query.before);
    const entries = yield* tx.range(TREES.roomTimeline, { gte, lt, reverse: query.reverse, limit: query.limit });
    const out: StoredEvent[] = [];
    for (const e of entries) out.push((yield* this.load(tx, new ByteReader(e.value).uint()))!);
    return out;
  }

  *stream(tx: ReadTx, after: number, limit: number): Op<StreamEntry[]> {
    const entries = yield* tx.range(TREES.streamOrder, { gte: uintKey(after + 1), limit });
    const out: StreamEntry[] = [];
    for (const e of entries) {
      const r = new ByteReader(e.value);
      const [roomNid, eventNid] = [r.uint(), r.uint()];
      out.push({
        streamPos: new ByteReader(e.key).uint(),
        roomId: yield* this.intern.string(tx, NidKind.room, roomNid),
        eventId: yield* this.intern.string(tx, NidKind.event, eventNid),
      });
    }
    return out;
  }

  *byDepth(tx: ReadTx, roomId: string, maxDepth: number, limit: number): Op<StoredEvent[]> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    if (roomNid === undefined) return [];
    const lt = new ByteWriter(12).uint(roomNid).uint(maxDepth + 1).done();
    const entries = yield* tx.range(TREES.roomDepth, { gte: uintKey(roomNid), lt, reverse: true, limit });
    const out: StoredEvent[] = [];
    for (const e of entries) {
      const r = new ByteReader(e.key);
      r.uint();
      r.uint();
      out.push((yield* this.load(tx, r.uint()))!);
    }
    return out;
  }

  *outliers(tx: ReadTx, roomId: string): Op<string[]> {
    const roomNid = yield* this.intern.nid(tx, NidKind.room, roomId);
    if (roomNid === undefined) return [];
    const nids = (yield* tx.prefix(TREES.outliers, uintKey(roomNid))).map((e) => {
      const r = new ByteReader(e.key);
      r.uint();
      return r.uint();
    });
    return yield* this.intern.strings(tx, NidKind.event, nids);
  }

  *rejectionReason(tx: ReadTx, eventId: string): Op<string | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.event, eventId);
    if (nid === undefined) return undefined;
    const v = yield* tx.get(TREES.rejected, uintKey(nid));
    return v === undefined ? undefined : Buffer.from(v).toString('utf8');
  }

  *children(tx: ReadTx, eventId: string): Op<string[]> {
    const nid = yield* this.intern.nid(tx, NidKind.event, eventId);
    if (nid === undefined) return [];
    const nids = (yield* tx.prefix(TREES.eventChildren, uintKey(nid))).map((e) => {
      const r = new ByteReader(e.key);
      r.uint();
      return r.uint();
    });
    return yield* this.intern.strings(tx, NidKind.event, nids);
  }

  private *record(tx: ReadTx, eventId: string): Op<EventRecord | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.event, eventId);
    if (nid === undefined) return undefined;
    const v = yield* tx.get(TREES.events, uintKey(nid));
    return v === undefined ? undefined : decodeEventRecord(v);
  }

  private *load(tx: ReadTx, nid: number, knownId?: string): Op<StoredEvent | undefined> {
    const rawMeta = yield* tx.get(TREES.events, uintKey(nid));
    if (rawMeta === undefined) return undefined;
    const rawJson = yield* tx.get(TREES.eventJson, uintKey(nid));
    const r = decodeEventRecord(rawMeta);
    const eventId = knownId ?? (yield* this.intern.string(tx, NidKind.event, nid));
    let stateKey: string | undefined;
    if (r.stateKeyNid !== 0) {
      const k = yield* this.intern.string(tx, NidKind.stateKey, r.stateKeyNid);
      stateKey = k.slice(k.indexOf('\u0000') + 1);
    }
    const hasState = r.status === EventStatus.timeline || r.status === EventStatus.softFailed;
    return {
      eventId,
      roomId: yield* this.intern.string(tx, NidKind.room, r.roomNid),
      sender: yield* this.intern.string(tx, NidKind.user, r.senderNid),
      type: yield* this.intern.string(tx, NidKind.eventType, r.typeNid),
      ...(stateKey !== undefined ? { stateKey } : {}),
      depth: r.depth,
      originServerTs: r.originServerTs,
      status: STATUS_NAME[r.status],
      ...(r.streamPos !== 0 ? { streamPos: r.streamPos } : {}),
      ...(hasState ? { stateBefore: r.stateBefore, stateAfter: r.stateAfter } : {}),
      prevEvents: yield* this.intern.strings(tx, NidKind.event, r.prevNids),
      authEvents: yield* this.intern.strings(tx, NidKind.event, r.authNids),
      ...(r.membership !== '' ? { membership: r.membership } : {}),
      ...(r.redactsNid !== 0 ? { redacts: yield* this.intern.string(tx, NidKind.event, r.redactsNid) } : {}),
      json: rawJson ?? new Uint8Array(0),
    };
  }
}
