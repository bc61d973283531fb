// RoomReader: every read a client makes of a room (state, members, messages, context,
// event by id, relations, aliases, the local room directory). History visibility
// (./visibility.ts) is applied on every path that returns timeline events; state reads
// follow the spec's membership rule: members read the current state, users who left
// read the state as of their leave, anyone reads a world_readable room, others get
// M_FORBIDDEN. Spec: client-server-api#get_matrixclientv3roomsroomidstate and neighbours.
import { forbidden, invalidParam, MatrixError, missingParam, notFound } from '../../api/errors.js';
import type { Store } from '../../store/index.js';
import type { StoredEvent } from '../../store/repositories/events.js';
import type { RelationEntry } from '../../store/repositories/relations.js';
import type { Op, ReadTx } from '../../store/trees.js';
import { splitStateKey } from '../../matrix/pdu.js';
import { StoreRoomAliases } from '../aliases.js';
import { roomSummaryExtras, type SummaryExtras } from './room-summary.js';
import { ClientEventSerializer, parseEventJson, type ClientEvent } from './client-event.js';
import { stillRelated } from './aggregations.js';
import { filterAllows, NO_FILTER, parseRoomEventFilter, type RoomEventFilter } from './filter.js';
import { decodePaginationToken, encodePaginationToken } from './pagination-token.js';
import { HistoryVisibility, ignoredUsers } from './visibility.js';
import { matchRank, searchableText, SEARCH_KEYS, words, type SearchQuery } from './search.js';

export type Direction = 'b' | 'f';

export interface MessagesQuery {
  /** required; checked after the room access check */
  readonly dir: Direction | undefined;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly filter?: RoomEventFilter;
}

export interface MessagesResponse {
  readonly start: string;
  readonly end?: string;
  readonly chunk: ClientEvent[];
  readonly state?: ClientEvent[];
}

export interface ContextResponse {
  readonly start: string;
  readonly end: string;
  readonly event: ClientEvent;
  readonly events_before: ClientEvent[];
  readonly events_after: ClientEvent[];
  readonly state: ClientEvent[];
}

export interface MembersQuery {
  readonly at?: string;
  readonly membership?: string;
  readonly notMembership?: string;
}

export interface RelationsQuery {
  readonly relType?: string;
  readonly eventType?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly dir?: Direction;
  /** also events relating to the event indirectly, up to RELATIONS_RECURSION_DEPTH relations away */
  readonly recurse?: boolean;
}

/** How far `recurse` follows relations (the spec asks for at least 3; Synapse uses 3). */
export const RELATIONS_RECURSION_DEPTH = 3;

export interface ThreadsQuery {
  /** 'participated': only threads the user started or replied to */
  readonly include?: 'all' | 'participated';
  readonly limit?: number;
  readonly from?: string;
}

export const DEFAULT_THREADS_LIMIT = 20;

export interface ThreadsResponse {
  readonly chunk: ClientEvent[];
  readonly next_batch?: string;
}

export interface RelationsResponse {
  readonly chunk: ClientEvent[];
  readonly next_batch?: string;
  readonly prev_batch?: string;
}

export interface PublicRoomsQuery {
  readonly limit?: number;
  readonly since?: string;
  readonly genericSearchTerm?: string;
  /** null in the list stands for rooms without a type */
  readonly roomTypes?: readonly (string | null)[];
  readonly server?: string;
}

export interface PublicRoomsChunk {
  readonly room_id: string;
  readonly num_joined_members: number;
  readonly world_readable: boolean;
  readonly guest_can_join: boolean;
  readonly name?: string;
  readonly topic?: string;
  readonly canonical_alias?: string;
  readonly avatar_url?: string;
  readonly join_rule?: string;
  readonly room_type?: string;
}

export interface PublicRoomsResponse {
  readonly chunk: PublicRoomsChunk[];
  readonly next_batch?: string;
  readonly prev_batch?: string;
  readonly total_room_count_estimate: number;
}

export interface RoomReader {
  state(userId: string, roomId: string): Promise<ClientEvent[]>;
  /** `format: 'content'` answers the content (the endpoint's default), 'event' the whole event */
  stateEvent(userId: string, roomId: string, type: string, stateKey: string, format: 'content' | 'event'): Promise<unknown>;
  members(userId: string, roomId: string, q: MembersQuery): Promise<{ chunk: ClientEvent[] }>;
  /** both profile keys always present, null when unset (as Synapse; sytest/Complement check for the keys) */
  joinedMembers(userId: string, roomId: string): Promise<{ joined: Record<string, { display_name: string | null; avatar_url: string | null }> }>;
  joinedRooms(userId: string): Promise<{ joined_rooms: string[] }>;
  // deviceId (the requester's): its own sends come back with unsigned.transaction_id.
  messages(userId: string, roomId: string, q: MessagesQuery, deviceId?: string): Promise<MessagesResponse>;
  context(userId: string, roomId: string, eventId: string, limit: number, filter: RoomEventFilter, deviceId?: string): Promise<ContextResponse>;
  event(userId: string, roomId: string, eventId: string, deviceId?: string): Promise<ClientEvent>;
  relations(userId: string, roomId: string, eventId: string, q: RelationsQuery, deviceId?: string): Promise<RelationsResponse>;
  /** thread roots, the thread with the latest reply first (spec: threads list) */
  threads(userId: string, roomId: string, q: ThreadsQuery, deviceId?: string): Promise<ThreadsResponse>;
  /** the event closest to `ts` in `dir` (spec v1.6 timestamp_to_event); 404 when there is none */
  timestampToEvent(userId: string, roomId: string, ts: number, dir: Direction): Promise<{ event_id: string; origin_server_ts: number }>;
  /** POST /search's room_events category (client-server-api#server-side-search) */
  searchRoomEvents(userId: string, q: SearchQuery, deviceId?: string): Promise<SearchRoomEventsResult>;
  roomAliases(userId: string, roomId: string): Promise<{ aliases: string[] }>;
  resolveAlias(alias: string): Promise<{ room_id: string; servers: string[] }>;
  createAlias(userId: string, alias: string, roomId: string): Promise<void>;
  /** removes the alias; resolves with the room it pointed to */
  deleteAlias(userId: string, alias: string): Promise<string>;
  directoryVisibility(roomId: string): Promise<{ visibility: 'public' | 'private' }>;
  /** GET /room_summary: `userId` undefined without an access token; 404 for a room the user may not preview */
  roomSummary(userId: string | undefined, roomIdOrAlias: string): Promise<PublicRoomsChunk & SummaryExtras & { membership?: string }>;
  setDirectoryVisibility(userId: string, roomId: string, visibility: 'public' | 'private'): Promise<void>;
  publicRooms(q: PublicRoomsQuery): Promise<PublicRoomsResponse>;
}

export interface SearchRoomEventsResult {
  readonly count: number;
  readonly highlights: string[];
  readonly results: { rank: number; result: ClientEvent; context?: Record<string, unknown> }[];
  readonly next_batch?: string;
}

export interface RoomReaderDeps {
  readonly store: Store;
  readonly clock: { now(): number };
  readonly serverName: string;
}

export const DEFAULT_MESSAGES_LIMIT = 10;
export const MAX_MESSAGES_LIMIT = 1000;
/** events looked at per /messages request before answering with what was found (filters that match little) */
const MAX_SCANNED = 5000;
// Without a timestamp or full-text index both scans run in one synchronous read and hold the
// event loop while they do (measured here: 10–17 µs per event for timestamp_to_event, ~25 µs for
// search), so the bounds are what one request may cost every other request: ~0.5 s at most.
// Past them, timestamp_to_event answers from the newest part of the room only (forwards: the
// closest event it scanned, at worst the oldest; backwards: 404) and search answers what it found. An index tree (room, ts) and a word index would lift both.
/** events looked at by one timestamp_to_event request, newest first */
const MAX_TS_SCANNED = 30_000;
/** events looked at by one search, over all its rooms (there is no search index) */
const MAX_SEARCH_SCANNED = 20_000;
const DEFAULT_SEARCH_LIMIT = 10;
const MAX_SEARCH_LIMIT = 100;
const SCAN_BATCH = 100;

// Scopes of S2's StoreRoomAliases (src/rooms/aliases.ts) in the transaction-ids repository.
const ALIAS_SCOPE = 'room_alias';
const DIRECTORY_SCOPE = 'room_directory';
const ALIAS_CREATOR_SCOPE = 'room_alias_creator';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a user may read of a room's state: a snapshot, and for users who left, where their view ends. */
interface Access {
  readonly snapshot: number;
  /** stream position of the user's leave (their view of the room ends there) */
  readonly until?: number;
}

interface ScanResult {
  readonly events: StoredEvent[];
  /** the token position to continue from */
  readonly cursor: number;
  /** nothing further in that direction */
  readonly exhausted: boolean;
}

/** The thread root an event replies to (an m.thread relation), if any. */
function threadRootOf(e: StoredEvent): string | undefined {
  if (e.stateKey !== undefined) return undefined;
  const rel = (parseEventJson(e.json).content as { 'm.relates_to'?: { rel_type?: unknown; event_id?: unknown } } | undefined)?.['m.relates_to'];
  return rel?.rel_type === 'm.thread' && typeof rel.event_id === 'string' ? rel.event_id : undefined;
}

function checkAlias(alias: string): void {
  const i = alias.indexOf(':');
  if (!alias.startsWith('#') || i < 2 || i === alias.length - 1 || alias.includes('\u0000')) throw invalidParam(`${JSON.stringify(alias)} is not a room alias`);
  // Appendices "Room aliases": 255 bytes at most, sigil and domain included.
  if (Buffer.byteLength(alias) > 255) throw invalidParam(`A room alias is 255 bytes at most (this one is ${Buffer.byteLength(alias)})`);
}

export class RoomReaderImpl implements RoomReader {
  private readonly aliases: StoreRoomAliases;

  constructor(private readonly deps: RoomReaderDeps) {
    this.aliases = new StoreRoomAliases(deps.store, () => deps.clock.now());
  }

  /** A serializer for one request (S5: /sync timelines use it too). */
  serializer(userId: string | undefined, visibility?: HistoryVisibility, deviceId?: string): ClientEventSerializer {
    return new ClientEventSerializer(this.deps.store, this.deps.clock.now(), userId, visibility, deviceId, true);
  }

  private async read<T>(body: (tx: ReadTx) => Op<T>): Promise<T> {
    return this.deps.store.read(body);
  }

  // ---- access -----------------------------------------------------------------------------

  private *access(tx: ReadTx, roomId: string, userId: string): Op<Access> {
    const { store } = this.deps;
    const m = yield* store.membership.get(tx, roomId, userId);
    if (m?.membership === 'join') return { snapshot: yield* store.state.currentSnapshot(tx, roomId) };
    // A departed user reads the room as it was when they left, until they forget it (then
    // only what anyone may read: Synapse's check_user_in_room with allow_departed_users).
    if (m !== undefined && (m.membership === 'leave' || m.membership === 'ban') && !(yield* this.forgot(tx, userId, roomId))) {
      const ev = yield* store.events.get(tx, m.eventId);
      if (ev?.stateAfter !== undefined) return { snapshot: ev.stateAfter, ...(ev.streamPos !== undefined ? { until: ev.streamPos } : {}) };
    }
    const current = yield* store.state.currentSnapshot(tx, roomId);
    if (current !== 0) {
      const hv = yield* HistoryVisibility.forUser(tx, store, roomId, userId);
      if ((yield* hv.valueAt(tx, current)) === 'world_readable') return { snapshot: current };
    }
    throw forbidden(`You are not a member of ${roomId} and it is not world readable`);
  }

  /**
   * History visibility for the timeline reads (/messages, /context, /event, /relations, /threads
   * and the aggregations they bundle): also hides non-state events of users the reader ignores
   * (client-server-api#ignoring-users; Synapse's filter_events_for_client does the same).
   */
  private *timelineVisibility(tx: ReadTx, roomId: string, userId: string): Op<HistoryVisibility> {
    const ignoredSenders = yield* ignoredUsers(tx, this.deps.store, userId);
    return yield* HistoryVisibility.forUser(tx, this.deps.store, roomId, userId, { ignoredSenders });
  }

  /** Whether the user forgot the room (the record src/rooms/forgotten.ts keeps: 1 forgotten, 0 back since). */
  private *forgot(tx: ReadTx, userId: string, roomId: string): Op<boolean> {
    const rec = yield* this.deps.store.transactionIds.get(tx, `forgotten\u0000${userId}`, roomId);
    return rec !== undefined && rec.response[0] === 1;
  }

  private *stateEvents(tx: ReadTx, snapshot: number): Op<StoredEvent[]> {
    const map = yield* this.deps.store.state.at(tx, snapshot);
    const events = yield* this.deps.store.events.getMany(tx, [...map.values()]);
    return events.filter((e): e is StoredEvent => e !== undefined);
  }

  private *latestPos(tx: ReadTx, roomId: string): Op<number> {
    const [last] = yield* this.deps.store.events.timeline(tx, roomId, { reverse: true, limit: 1 });
    return last?.streamPos ?? 0;
  }

  // ---- state and members --------------------------------------------------------------------

  state(userId: string, roomId: string): Promise<ClientEvent[]> {
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { snapshot } = yield* this.access(tx, roomId, userId);
      return yield* this.serializer(userId).serializeMany(tx, yield* this.stateEvents(tx, snapshot), { bundle: false });
    }.bind(this));
  }

  stateEvent(userId: string, roomId: string, type: string, stateKey: string, format: 'content' | 'event'): Promise<unknown> {
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { snapshot } = yield* this.access(tx, roomId, userId);
      const id = yield* this.deps.store.state.get(tx, snapshot, type, stateKey);
      const ev = id === undefined ? undefined : yield* this.deps.store.events.get(tx, id);
      if (ev === undefined) throw notFound(`No ${type} state with key ${JSON.stringify(stateKey)} in ${roomId}`);
      const client = yield* this.serializer(userId).serialize(tx, ev, { bundle: false });
      return format === 'event' ? client : client.content;
    }.bind(this));
  }

  members(userId: string, roomId: string, q: MembersQuery): Promise<{ chunk: ClientEvent[] }> {
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const access = yield* this.access(tx, roomId, userId);
      let snapshot = access.snapshot;
      if (q.at !== undefined) {
        let pos = decodePaginationToken(q.at, 'at');
        if (access.until !== undefined) pos = Math.min(pos, access.until);
        const [atEvent] = yield* this.deps.store.events.timeline(tx, roomId, { before: pos + 1, reverse: true, limit: 1 });
        // As Synapse (the spec is silent): no event at or before the token → 404; a point whose
        // state the user could not see under history visibility → 403.
        if (atEvent === undefined) throw notFound(`${roomId} has no event at or before ${q.at}`);
        const hv = yield* HistoryVisibility.forUser(tx, this.deps.store, roomId, userId);
        if (!(yield* hv.canSeeStateAfter(tx, atEvent))) throw forbidden(`You may not see the members of ${roomId} at ${q.at}`);
        snapshot = atEvent.stateAfter ?? 0;
      }
      const map = yield* this.deps.store.state.at(tx, snapshot);
      const ids = [...map].filter(([k]) => splitStateKey(k)[0] === 'm.room.member').map(([, id]) => id);
      const events = (yield* this.deps.store.events.getMany(tx, ids)).filter((e): e is StoredEvent => e !== undefined);
      // membership and not_membership together are an "or" (spec).
      const keep = (m: string): boolean => {
        if (q.membership === undefined && q.notMembership === undefined) return true;
        return (q.membership !== undefined && m === q.membership) || (q.notMembership !== undefined && m !== q.notMembership);
      };
      const chosen = events.filter((e) => keep(e.membership ?? 'leave'));
      return { chunk: yield* this.serializer(userId).serializeMany(tx, chosen, { bundle: false }) };
    }.bind(this));
  }

  joinedMembers(userId: string, roomId: string): Promise<{ joined: Record<string, { display_name: string | null; avatar_url: string | null }> }> {
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      // Only a current member may list them (spec: "The current user must be in the room"):
      // Synapse refuses departed users and world-readable peekers alike, unlike /members.
      const { store } = this.deps;
      if ((yield* store.membership.get(tx, roomId, userId))?.membership !== 'join') {
        throw forbidden(`You are not joined to ${roomId}: only its current members may list its joined members`);
      }
      const snapshot = yield* store.state.currentSnapshot(tx, roomId);
      const joined: Record<string, { display_name: string | null; avatar_url: string | null }> = {};
      for (const e of yield* this.stateEvents(tx, snapshot)) {
        if (e.type !== 'm.room.member' || e.membership !== 'join' || e.stateKey === undefined) continue;
        const content = (parseEventJson(e.json).content ?? {}) as { displayname?: unknown; avatar_url?: unknown };
        joined[e.stateKey] = {
          display_name: typeof content.displayname === 'string' ? content.displayname : null,
          avatar_url: typeof content.avatar_url === 'string' ? content.avatar_url : null,
        };
      }
      return { joined };
    }.bind(this));
  }

  joinedRooms(userId: string): Promise<{ joined_rooms: string[] }> {
    const { store } = this.deps;
    return this.read(function* (tx: ReadTx) {
      return { joined_rooms: (yield* store.membership.ofUser(tx, userId, 'join')).map((m) => m.roomId) };
    });
  }

  // ---- timeline -----------------------------------------------------------------------------

  /** Walk the room's timeline from `from` in `dir`, keeping visible events the filter allows. */
  private *scan(
    tx: ReadTx, roomId: string, hv: HistoryVisibility, filter: RoomEventFilter,
    dir: Direction, from: number, to: number | undefined, limit: number,
  ): Op<ScanResult> {
    const out: StoredEvent[] = [];
    let cursor = from;
    let scanned = 0;
    while (out.length < limit && scanned < MAX_SCANNED) {
      const batch = dir === 'b'
        ? yield* this.deps.store.events.timeline(tx, roomId, { before: cursor + 1, ...(to !== undefined ? { after: to } : {}), reverse: true, limit: SCAN_BATCH })
        : yield* this.deps.store.events.timeline(tx, roomId, { after: cursor, ...(to !== undefined ? { before: to + 1 } : {}), limit: SCAN_BATCH });
      for (const e of batch) {
        scanned++;
        cursor = dir === 'b' ? e.streamPos! - 1 : e.streamPos!;
        if (filterAllows(filter, e.type, e.sender, () => (parseEventJson(e.json).content ?? {}) as Record<string, unknown>) && (yield* hv.canSee(tx, e))) {
          out.push(e);
          if (out.length === limit) break;
        }
      }
      if (batch.length < SCAN_BATCH && out.length < limit) return { events: out, cursor, exhausted: true };
      if (batch.length < SCAN_BATCH) {
        // Filled on the last batch: exhausted only if that batch's last event was taken.
        return { events: out, cursor, exhausted: batch.length === 0 || cursor === (dir === 'b' ? batch[batch.length - 1]!.streamPos! - 1 : batch[batch.length - 1]!.streamPos!) };
      }
    }
    return { events: out, cursor, exhausted: false };
  }

  /** Member events of the chunk's senders at their events (lazy_load_members). */
  private *lazyMembers(tx: ReadTx, events: readonly StoredEvent[]): Op<StoredEvent[]> {
    const ids = new Set<string>();
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.sender) || e.stateBefore === undefined) continue;
      seen.add(e.sender);
      const id = e.type === 'm.room.member' && e.stateKey === e.sender ? e.eventId : yield* this.deps.store.state.get(tx, e.stateBefore, 'm.room.member', e.sender);
      if (id !== undefined) ids.add(id);
    }
    return (yield* this.deps.store.events.getMany(tx, [...ids])).filter((e): e is StoredEvent => e !== undefined);
  }

  messages(userId: string, roomId: string, q: MessagesQuery, deviceId?: string): Promise<MessagesResponse> {
    const filter = q.filter ?? NO_FILTER;
    const limit = Math.max(0, Math.min(q.limit ?? filter.limit ?? DEFAULT_MESSAGES_LIMIT, MAX_MESSAGES_LIMIT));
    const fromArg = q.from === undefined ? undefined : decodePaginationToken(q.from, 'from');
    const to = q.to === undefined ? undefined : decodePaginationToken(q.to, 'to');
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      yield* this.access(tx, roomId, userId);
      // After the access check: a user who may not read the room is told so whatever else is wrong.
      if (q.dir === undefined) throw missingParam('dir', 'dir is required ("b" or "f")');
      if (q.dir !== 'b' && q.dir !== 'f') throw invalidParam('dir must be "b" or "f"');
      const hv = yield* this.timelineVisibility(tx, roomId, userId);
      const from = fromArg ?? (q.dir === 'b' ? yield* this.latestPos(tx, roomId) : 0);
      const scan = limit === 0 ? { events: [], cursor: from, exhausted: false } : yield* this.scan(tx, roomId, hv, filter, q.dir, from, to, limit);
      const ser = this.serializer(userId, hv, deviceId);
      const chunk = yield* ser.serializeMany(tx, scan.events);
      // start is the given from, verbatim (spec: "the same as the value given in from")
      const out: { start: string; end?: string; chunk: ClientEvent[]; state?: ClientEvent[] } = { start: q.from ?? encodePaginationToken(from), chunk };
      // `end` is left out only when the page is empty at the end of history. A page that reaches the
      // end still gets one (the next request answers an empty chunk without `end`), as Synapse does:
      // clients and Complement's pagination tests take that last response's `start` as the room's
      // first position and paginate forwards from it, which must not skip the last page's events.
      if (!scan.exhausted || chunk.length > 0) out.end = encodePaginationToken(scan.cursor);
      if (filter.lazyLoadMembers) out.state = yield* ser.serializeMany(tx, yield* this.lazyMembers(tx, scan.events), { bundle: false });
      return out;
    }.bind(this));
  }

  context(userId: string, roomId: string, eventId: string, limit: number, filter: RoomEventFilter, deviceId?: string): Promise<ContextResponse> {
    const total = Math.max(0, Math.min(limit, MAX_MESSAGES_LIMIT));
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { store } = this.deps;
      // Users who may not read the room at all are told so (403, as Synapse; sytest "/context/ on
      // non world readable room does not work"); an event they cannot see in it is not found.
      yield* this.access(tx, roomId, userId);
      const hv = yield* this.timelineVisibility(tx, roomId, userId);
      const e = yield* store.events.get(tx, eventId);
      if (e === undefined || e.roomId !== roomId || e.streamPos === undefined || !(yield* hv.canSee(tx, e))) {
        throw notFound('Event not found');
      }
      const beforeLimit = Math.floor(total / 2);
      const afterLimit = total - beforeLimit;
      const before = beforeLimit === 0 ? { events: [], cursor: e.streamPos - 1, exhausted: false } : yield* this.scan(tx, roomId, hv, filter, 'b', e.streamPos - 1, undefined, beforeLimit);
      const after = afterLimit === 0 ? { events: [], cursor: e.streamPos, exhausted: false } : yield* this.scan(tx, roomId, hv, filter, 'f', e.streamPos, undefined, afterLimit);
      const last = after.events[after.events.length - 1] ?? e;
      let stateEvents = yield* this.stateEvents(tx, last.stateAfter ?? 0);
      if (filter.lazyLoadMembers) {
        const members = new Set((yield* this.lazyMembers(tx, [...before.events, e, ...after.events])).map((m) => m.eventId));
        stateEvents = stateEvents.filter((s) => s.type !== 'm.room.member' || members.has(s.eventId));
      }
      const ser = this.serializer(userId, hv, deviceId);
      return {
        start: encodePaginationToken(before.cursor),
        end: encodePaginationToken(after.cursor),
        event: yield* ser.serialize(tx, e),
        events_before: yield* ser.serializeMany(tx, before.events),
        events_after: yield* ser.serializeMany(tx, after.events),
        state: yield* ser.serializeMany(tx, stateEvents, { bundle: false }),
      };
    }.bind(this));
  }

  event(userId: string, roomId: string, eventId: string, deviceId?: string): Promise<ClientEvent> {
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const hv = yield* this.timelineVisibility(tx, roomId, userId);
      const e = yield* this.deps.store.events.get(tx, eventId);
      if (e === undefined || e.roomId !== roomId || !(yield* hv.canSee(tx, e))) throw notFound('Event not found');
      return yield* this.serializer(userId, hv, deviceId).serialize(tx, e);
    }.bind(this));
  }

  relations(userId: string, roomId: string, eventId: string, q: RelationsQuery, deviceId?: string): Promise<RelationsResponse> {
    const dir = q.dir ?? 'b';
    if (dir !== 'b' && dir !== 'f') throw invalidParam('dir must be "b" or "f"');
    const limit = Math.max(1, Math.min(q.limit ?? 50, MAX_MESSAGES_LIMIT));
    const from = q.from === undefined ? undefined : decodePaginationToken(q.from, 'from');
    const to = q.to === undefined ? undefined : decodePaginationToken(q.to, 'to');
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { store } = this.deps;
      const hv = yield* this.timelineVisibility(tx, roomId, userId);
      const parent = yield* store.events.get(tx, eventId);
      if (parent === undefined || parent.roomId !== roomId || !(yield* hv.canSee(tx, parent))) throw notFound('Event not found');
      // Tokens mark a point in stream order: backwards returns positions ≤ from, forwards > from.
      const bounds = dir === 'b'
        ? { ...(from !== undefined ? { before: from + 1 } : {}), ...(to !== undefined ? { after: to } : {}) }
        : { ...(from !== undefined ? { after: from } : {}), ...(to !== undefined ? { before: to + 1 } : {}) };
      const ser = this.serializer(userId, hv, deviceId);
      const entries = q.recurse === true
        ? yield* this.relationTree(tx, ser, eventId, q.relType, dir, bounds)
        : yield* store.relations.children(tx, eventId, { ...(q.relType !== undefined ? { relType: q.relType } : {}), reverse: dir === 'b', ...bounds });
      const chosen: StoredEvent[] = [];
      let next: number | undefined;
      for (const entry of entries) {
        const c = yield* store.events.get(tx, entry.eventId);
        if (c === undefined || c.roomId !== roomId) continue;
        if (q.eventType !== undefined && c.type !== q.eventType) continue;
        // visible, and not redacted (a redacted child no longer relates: see stillRelated)
        if (!(yield* stillRelated(tx, ser, c))) continue;
        if (chosen.length === limit) {
          next = dir === 'b' ? chosen[chosen.length - 1]!.streamPos! - 1 : chosen[chosen.length - 1]!.streamPos!;
          break;
        }
        chosen.push(c);
      }
      return {
        chunk: yield* ser.serializeMany(tx, chosen),
        ...(next !== undefined ? { next_batch: encodePaginationToken(next) } : {}),
        ...(q.from !== undefined ? { prev_batch: q.from } : {}),
      };
    }.bind(this));
  }

  threads(userId: string, roomId: string, q: ThreadsQuery, deviceId?: string): Promise<ThreadsResponse> {
    const limit = Math.max(1, Math.min(q.limit ?? DEFAULT_THREADS_LIMIT, MAX_MESSAGES_LIMIT));
    const fromArg = q.from === undefined ? undefined : decodePaginationToken(q.from, 'from');
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { store } = this.deps;
      yield* this.access(tx, roomId, userId);
      const hv = yield* this.timelineVisibility(tx, roomId, userId);
      const ser = this.serializer(userId, hv, deviceId);
      // Walk the timeline backwards: a thread is listed where its latest reply is, so the
      // order is by latest reply and a page boundary never lists a thread twice.
      let cursor = fromArg ?? (yield* this.latestPos(tx, roomId));
      const seen = new Set<string>();
      const chunk: ClientEvent[] = [];
      let scanned = 0;
      let exhausted = false;
      while (chunk.length < limit && scanned < MAX_SCANNED) {
        const batch = yield* store.events.timeline(tx, roomId, { before: cursor + 1, reverse: true, limit: SCAN_BATCH });
        if (batch.length === 0) { exhausted = true; break; }
        for (const e of batch) {
          scanned++;
          cursor = e.streamPos! - 1;
          const rootId = threadRootOf(e);
          if (rootId === undefined || seen.has(rootId)) continue;
          // listed at its latest reply that still relates to it (redacted replies do not)
          if ((yield* this.latestThreadReply(tx, ser, rootId)) !== e.eventId) continue;
          seen.add(rootId);
          const root = yield* store.events.get(tx, rootId);
          if (root === undefined || root.roomId !== roomId || root.status !== 'timeline' || !(yield* hv.canSee(tx, root))) continue;
          const [event] = yield* ser.serializeMany(tx, [root]);
          const participated = (event?.unsigned as { 'm.relations'?: { 'm.thread'?: { current_user_participated?: boolean } } } | undefined)?.['m.relations']?.['m.thread']?.current_user_participated;
          if (event === undefined || (q.include === 'participated' && participated !== true)) continue;
          chunk.push(event);
          if (chunk.length === limit) break;
        }
        if (batch.length < SCAN_BATCH && chunk.length < limit) { exhausted = true; break; }
      }
      return { chunk, ...(exhausted || cursor < 0 ? {} : { next_batch: encodePaginationToken(cursor) }) };
    }.bind(this));
  }

  private *latestThreadReply(tx: ReadTx, ser: ClientEventSerializer, rootId: string): Op<string | undefined> {
    const replies = yield* this.deps.store.relations.children(tx, rootId, { relType: 'm.thread' });
    for (let i = replies.length - 1; i >= 0; i--) {
      const r = yield* this.deps.store.events.get(tx, replies[i]!.eventId);
      if (r !== undefined && r.status === 'timeline' && !(yield* ser.isRedacted(tx, r))) return r.eventId;
    }
    return undefined;
  }

  /**
   * Spec: client-server-api#get_matrixclientv1roomsroomidtimestamp_to_event. Forwards: the event
   * with the smallest origin_server_ts at or after `ts`; backwards: the largest at or before it;
   * ties go to the event nearest in the room's order (the first forwards, the last backwards), as
   * Synapse orders them. Only events the user may see count; the room is walked whole (there is
   * no timestamp index), up to MAX_TS_SCANNED events from the end.
   */
  timestampToEvent(userId: string, roomId: string, ts: number, dir: Direction): Promise<{ event_id: string; origin_server_ts: number }> {
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { store } = this.deps;
      yield* this.access(tx, roomId, userId);
      const hv = yield* this.timelineVisibility(tx, roomId, userId);
      let best: StoredEvent | undefined;
      let cursor = (yield* this.latestPos(tx, roomId)) + 1;
      for (let scanned = 0; scanned < MAX_TS_SCANNED;) {
        // newest first, so among equal timestamps the last one seen is the earliest in the room
        const batch = yield* store.events.timeline(tx, roomId, { before: cursor, reverse: true, limit: SCAN_BATCH });
        for (const e of batch) {
          scanned++;
          cursor = e.streamPos!;
          const t = e.originServerTs;
          const better = dir === 'f'
            ? t >= ts && (best === undefined || t <= best.originServerTs)
            : t <= ts && (best === undefined || t > best.originServerTs);
          if (better && (yield* hv.canSee(tx, e))) best = e;
        }
        if (batch.length < SCAN_BATCH) break;
      }
      if (best === undefined) throw notFound(`Unable to find an event from ${ts} in the ${dir === 'f' ? 'forward' : 'backward'} direction`);
      return { event_id: best.eventId, origin_server_ts: best.originServerTs };
    }.bind(this));
  }

  /**
   * Room events matching a search term in the rooms the user is joined to (or those of
   * filter.rooms among them), newest first ('recent') or best match first ('rank'), with the
   * context the client asked for. Redacted events and events the user may not see are left out
   * (Complement: "Search results ... do not include redacted events"). next_batch is an offset.
   */
  searchRoomEvents(userId: string, q: SearchQuery, deviceId?: string): Promise<SearchRoomEventsResult> {
    const filter = parseRoomEventFilter(q.filterJson ?? null);
    const limit = Math.min(filter.limit ?? DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
    let offset = 0;
    if (q.nextBatch !== undefined) {
      const m = /^o(\d{1,9})$/.exec(q.nextBatch);
      if (m === null) return Promise.reject(invalidParam('Invalid next_batch'));
      offset = Number(m[1]);
    }
    const termWords = words(q.searchTerm);
    const types = new Set<string>(q.keys.map((k) => SEARCH_KEYS[k]));
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { store } = this.deps;
      let rooms = (yield* store.membership.ofUser(tx, userId, 'join')).map((m) => m.roomId);
      if (q.rooms !== undefined) rooms = rooms.filter((r) => q.rooms!.includes(r));
      if (q.notRooms !== undefined) rooms = rooms.filter((r) => !q.notRooms!.includes(r));
      const perRoom = new Map<string, { hv: HistoryVisibility; ser: ClientEventSerializer }>();
      const hits: { e: StoredEvent; rank: number }[] = [];
      let scanned = 0;
      for (const roomId of rooms) {
        if (termWords.length === 0 || scanned >= MAX_SEARCH_SCANNED) break;
        const hv = yield* this.timelineVisibility(tx, roomId, userId);
        const ser = this.serializer(userId, hv, deviceId);
        perRoom.set(roomId, { hv, ser });
        let cursor = (yield* this.latestPos(tx, roomId)) + 1;
        for (;;) {
          const batch = yield* store.events.timeline(tx, roomId, { before: cursor, reverse: true, limit: SCAN_BATCH });
          for (const e of batch) {
            scanned++;
            cursor = e.streamPos!;
            if (!types.has(e.type)) continue;
            const content = (parseEventJson(e.json).content ?? {}) as Record<string, unknown>;
            if (!filterAllows(filter, e.type, e.sender, () => content)) continue;
            const rank = matchRank(termWords, searchableText(e.type, content, q.keys));
            if (rank === 0 || !(yield* hv.canSee(tx, e)) || (yield* ser.isRedacted(tx, e))) continue;
            hits.push({ e, rank });
          }
          if (batch.length < SCAN_BATCH || scanned >= MAX_SEARCH_SCANNED) break;
        }
      }
      hits.sort((a, b) => (q.orderBy === 'rank' ? b.rank - a.rank : 0) || b.e.streamPos! - a.e.streamPos!);
      const results: SearchRoomEventsResult['results'] = [];
      for (const { e, rank } of hits.slice(offset, offset + limit)) {
        const { hv, ser } = perRoom.get(e.roomId)!;
        const result = yield* ser.serialize(tx, e);
        if (q.beforeLimit === 0 && q.afterLimit === 0) {
          results.push({ rank, result });
          continue;
        }
        const before = q.beforeLimit === 0 ? { events: [], cursor: e.streamPos! - 1 } : yield* this.scan(tx, e.roomId, hv, NO_FILTER, 'b', e.streamPos! - 1, undefined, q.beforeLimit);
        const after = q.afterLimit === 0 ? { events: [], cursor: e.streamPos! } : yield* this.scan(tx, e.roomId, hv, NO_FILTER, 'f', e.streamPos!, undefined, q.afterLimit);
        const context: Record<string, unknown> = {
          events_before: yield* ser.serializeMany(tx, before.events),
          events_after: yield* ser.serializeMany(tx, after.events),
          start: encodePaginationToken(before.cursor),
          end: encodePaginationToken(after.cursor),
        };
        if (q.includeProfile) {
          // the senders' profiles as their member events gave them at the result
          const profiles: Record<string, { displayname?: string; avatar_url?: string }> = {};
          for (const m of yield* this.lazyMembers(tx, [e, ...before.events, ...after.events])) {
            const c = (parseEventJson(m.json).content ?? {}) as { displayname?: unknown; avatar_url?: unknown };
            profiles[m.stateKey!] = {
              ...(typeof c.displayname === 'string' ? { displayname: c.displayname } : {}),
              ...(typeof c.avatar_url === 'string' ? { avatar_url: c.avatar_url } : {}),
            };
          }
          context.profile_info = profiles;
        }
        results.push({ rank, result, context });
      }
      return {
        count: hits.length,
        highlights: termWords,
        results,
        ...(offset + limit < hits.length ? { next_batch: `o${offset + limit}` } : {}),
      };
    }.bind(this));
  }

  /**
   * Events relating to `eventId` directly or through up to RELATIONS_RECURSION_DEPTH relations
   * (spec: relations `recurse`), in stream order; `relType` and the bounds apply to every event
   * found, at any depth (as Synapse), so a thread's edits and reactions come with its replies.
   * A redacted event no longer relates to its parent, so nothing is reached through it.
   */
  private *relationTree(tx: ReadTx, ser: ClientEventSerializer, eventId: string, relType: string | undefined, dir: Direction, bounds: { before?: number; after?: number }): Op<RelationEntry[]> {
    const { store } = this.deps;
    const seen = new Set<string>([eventId]);
    const found: RelationEntry[] = [];
    let level = [eventId];
    for (let depth = 0; depth < RELATIONS_RECURSION_DEPTH && level.length > 0; depth++) {
      const next: string[] = [];
      for (const parent of level) {
        for (const entry of yield* store.relations.children(tx, parent)) {
          if (seen.has(entry.eventId)) continue;
          seen.add(entry.eventId);
          const child = yield* store.events.get(tx, entry.eventId);
          if (child === undefined || (yield* ser.isRedacted(tx, child))) continue;
          next.push(entry.eventId);
          found.push(entry);
        }
      }
      level = next;
    }
    return found
      .filter((e) => (relType === undefined || e.relType === relType)
        && (bounds.after === undefined || e.streamPos > bounds.after) && (bounds.before === undefined || e.streamPos < bounds.before))
      .sort((a, b) => (dir === 'b' ? b.streamPos - a.streamPos : a.streamPos - b.streamPos));
  }

  // ---- aliases and the room directory -----------------------------------------------------------

  private *roomExists(tx: ReadTx, roomId: string): Op<boolean> {
    return (yield* this.deps.store.state.currentEntry(tx, roomId, 'm.room.create', '')) !== undefined;
  }

  /** Whether the user may send `eventType` state in the room (room admins: canonical alias, directory). */
  private *canSendState(tx: ReadTx, roomId: string, userId: string, eventType: string): Op<boolean> {
    const { store } = this.deps;
    const m = yield* store.membership.get(tx, roomId, userId);
    if (m?.membership !== 'join') return false;
    const plId = yield* store.state.currentEntry(tx, roomId, 'm.room.power_levels', '');
    const createId = yield* store.state.currentEntry(tx, roomId, 'm.room.create', '');
    const create = createId === undefined ? undefined : yield* store.events.get(tx, createId);
    const createContent = (create === undefined ? {} : parseEventJson(create.json).content ?? {}) as { creator?: unknown; additional_creators?: unknown; room_version?: unknown };
    const creators = new Set<string>([create?.sender ?? '', ...(Array.isArray(createContent.additional_creators) ? createContent.additional_creators.filter((x): x is string => typeof x === 'string') : [])]);
    const plJson = plId === undefined ? undefined : yield* store.events.json(tx, plId);
    if (plJson === undefined) return creators.has(userId);
    const pl = (parseEventJson(plJson).content ?? {}) as { users?: Record<string, unknown>; users_default?: unknown; events?: Record<string, unknown>; state_default?: unknown };
    // v12 creators have infinite power and are never listed in users.
    if (creators.has(userId) && pl.users?.[userId] === undefined && createContent.room_version === '12') return true;
    const level = Number(pl.users?.[userId] ?? pl.users_default ?? 0);
    const needed = Number(pl.events?.[eventType] ?? pl.state_default ?? 50);
    return level >= needed;
  }

  roomAliases(userId: string, roomId: string): Promise<{ aliases: string[] }> {
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { store } = this.deps;
      const m = yield* store.membership.get(tx, roomId, userId);
      if (m?.membership !== 'join') {
        const current = yield* store.state.currentSnapshot(tx, roomId);
        const hv = yield* HistoryVisibility.forUser(tx, store, roomId, userId);
        if (current === 0 || (yield* hv.valueAt(tx, current)) !== 'world_readable') throw forbidden(`You are not joined to ${roomId}`);
      }
      const all = yield* store.transactionIds.list(tx, ALIAS_SCOPE);
      return { aliases: all.filter((a) => decoder.decode(a.record.response) === roomId).map((a) => a.txnId) };
    }.bind(this));
  }

  async resolveAlias(alias: string): Promise<{ room_id: string; servers: string[] }> {
    checkAlias(alias);
    const roomId = await this.aliases.resolve(alias);
    if (roomId === undefined || roomId === '') throw notFound(`Room alias ${alias} not found`);
    return { room_id: roomId, servers: [this.deps.serverName] };
  }

  async createAlias(userId: string, alias: string, roomId: string): Promise<void> {
    checkAlias(alias);
    if (alias.slice(alias.indexOf(':') + 1) !== this.deps.serverName) throw invalidParam('Room alias must be on this server');
    if (!roomId.startsWith('!')) throw invalidParam(`${JSON.stringify(roomId)} is not a room id`);
    const { store } = this.deps;
    const ok = await this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      if (!(yield* this.roomExists(tx, roomId))) throw notFound(`Room ${roomId} not found`);
      return (yield* store.membership.get(tx, roomId, userId))?.membership === 'join';
    }.bind(this));
    if (!ok) throw forbidden(`You are not joined to ${roomId}`);
    try {
      await this.aliases.create(alias, roomId, userId);
    } catch (err) {
      // The spec answers 409 for a taken alias.
      if (err instanceof MatrixError && err.errcode === 'M_ROOM_IN_USE') throw new MatrixError(409, 'M_ROOM_IN_USE', `Room alias ${alias} already exists`);
      throw err;
    }
    const ts = this.deps.clock.now();
    await store.write(function* (tx) {
      yield* store.transactionIds.put(tx, ALIAS_CREATOR_SCOPE, alias, { ts, response: encoder.encode(userId) });
    });
  }

  async deleteAlias(userId: string, alias: string): Promise<string> {
    checkAlias(alias);
    const { store } = this.deps;
    const roomId = await this.aliases.resolve(alias);
    if (roomId === undefined || roomId === '') throw notFound(`Room alias ${alias} not found`);
    const allowed = await this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const creator = yield* store.transactionIds.get(tx, ALIAS_CREATOR_SCOPE, alias);
      if (creator !== undefined && decoder.decode(creator.response) === userId) return true;
      return yield* this.canSendState(tx, roomId, userId, 'm.room.canonical_alias');
    }.bind(this));
    if (!allowed) throw forbidden('Only the alias creator or a room admin may delete this alias');
    await store.write(function* (tx) {
      yield* store.transactionIds.delete(tx, ALIAS_SCOPE, alias);
      yield* store.transactionIds.delete(tx, ALIAS_CREATOR_SCOPE, alias);
    });
    return roomId;
  }

  async directoryVisibility(roomId: string): Promise<{ visibility: 'public' | 'private' }> {
    const exists = await this.read((tx) => this.roomExists(tx, roomId));
    if (!exists) throw notFound(`Room ${roomId} not found`);
    return { visibility: await this.aliases.visibility(roomId) };
  }

  async setDirectoryVisibility(userId: string, roomId: string, visibility: 'public' | 'private'): Promise<void> {
    const allowed = await this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      if (!(yield* this.roomExists(tx, roomId))) throw notFound(`Room ${roomId} not found`);
      return yield* this.canSendState(tx, roomId, userId, 'm.room.canonical_alias');
    }.bind(this));
    if (!allowed) throw forbidden('Only room admins may change the room\'s directory visibility');
    await this.aliases.setVisibility(roomId, visibility);
  }

  publicRooms(q: PublicRoomsQuery): Promise<PublicRoomsResponse> {
    if (q.server !== undefined && q.server !== this.deps.serverName) {
      return Promise.reject(notFound(`Room directories of other servers are not available (${q.server})`));
    }
    let offset = 0;
    if (q.since !== undefined) {
      const m = /^p(\d{1,9})$/.exec(q.since);
      if (!m) return Promise.reject(invalidParam('Invalid since token'));
      offset = Number(m[1]);
    }
    const limit = q.limit === undefined ? undefined : Math.max(0, Math.min(q.limit, 1000));
    const term = q.genericSearchTerm?.toLowerCase();
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { store } = this.deps;
      const listed = (yield* store.transactionIds.list(tx, DIRECTORY_SCOPE)).filter((r) => decoder.decode(r.record.response) === 'public');
      const rooms: PublicRoomsChunk[] = [];
      for (const { txnId: roomId } of listed) {
        const room = yield* this.publicRoom(tx, roomId);
        if (room === undefined) continue;
        if (q.roomTypes !== undefined && !q.roomTypes.includes(room.room_type ?? null)) continue;
        if (term !== undefined && term !== '') {
          const hay = [room.name, room.topic, room.canonical_alias, room.room_id].filter((x) => x !== undefined).join('\n').toLowerCase();
          if (!hay.includes(term)) continue;
        }
        rooms.push(room);
      }
      rooms.sort((a, b) => b.num_joined_members - a.num_joined_members || (a.room_id < b.room_id ? -1 : 1));
      const end = limit === undefined ? rooms.length : offset + limit;
      return {
        chunk: rooms.slice(offset, end),
        ...(end < rooms.length ? { next_batch: `p${end}` } : {}),
        ...(offset > 0 ? { prev_batch: `p${Math.max(0, offset - (limit ?? offset))}` } : {}),
        total_room_count_estimate: rooms.length,
      };
    }.bind(this));
  }

  async roomSummary(userId: string | undefined, roomIdOrAlias: string): Promise<PublicRoomsChunk & SummaryExtras & { membership?: string }> {
    let roomId = roomIdOrAlias;
    if (roomIdOrAlias.startsWith('#')) {
      roomId = (await this.resolveAlias(roomIdOrAlias)).room_id;
    } else if (!roomIdOrAlias.startsWith('!')) {
      throw invalidParam(`${JSON.stringify(roomIdOrAlias)} is neither a room id nor a room alias`);
    }
    return this.read(function* (this: RoomReaderImpl, tx: ReadTx) {
      const { store } = this.deps;
      const membership = userId === undefined ? undefined : (yield* store.membership.get(tx, roomId, userId))?.membership;
      const room = yield* this.publicRoom(tx, roomId);
      const extras = room === undefined ? undefined : yield* roomSummaryExtras(store, tx, roomId, userId, membership);
      if (room === undefined || extras === undefined) throw notFound(`Room ${roomIdOrAlias} not found or not visible to you`);
      // Authenticated: the user's membership, "leave" when they have none (as Synapse).
      return { ...room, ...extras, ...(userId !== undefined ? { membership: membership ?? 'leave' } : {}) };
    }.bind(this));
  }

  private *publicRoom(tx: ReadTx, roomId: string): Op<PublicRoomsChunk | undefined> {
    const { store } = this.deps;
    const content = function* (type: string): Op<Record<string, unknown> | undefined> {
      const id = yield* store.state.currentEntry(tx, roomId, type, '');
      const json = id === undefined ? undefined : yield* store.events.json(tx, id);
      return json === undefined ? undefined : (parseEventJson(json).content ?? {}) as Record<string, unknown>;
    };
    const create = yield* content('m.room.create');
    if (create === undefined) return undefined;
    const str = (o: Record<string, unknown> | undefined, k: string): string | undefined => (typeof o?.[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
    const name = str(yield* content('m.room.name'), 'name');
    const topic = str(yield* content('m.room.topic'), 'topic');
    const alias = str(yield* content('m.room.canonical_alias'), 'alias');
    const avatar = str(yield* content('m.room.avatar'), 'url');
    const joinRule = str(yield* content('m.room.join_rules'), 'join_rule');
    const hv = str(yield* content('m.room.history_visibility'), 'history_visibility');
    const guest = str(yield* content('m.room.guest_access'), 'guest_access');
    const roomType = str(create, 'type');
    return {
      room_id: roomId,
      num_joined_members: (yield* store.membership.ofRoom(tx, roomId, 'join')).length,
      world_readable: hv === 'world_readable',
      guest_can_join: guest === 'can_join',
      ...(name !== undefined ? { name } : {}),
      ...(topic !== undefined ? { topic } : {}),
      ...(alias !== undefined ? { canonical_alias: alias } : {}),
      ...(avatar !== undefined ? { avatar_url: avatar } : {}),
      join_rule: joinRule ?? 'invite',
      ...(roomType !== undefined ? { room_type: roomType } : {}),
    };
  }
}
