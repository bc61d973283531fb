// The per-room sections of a /sync response (spec: client-server-api#get_matrixclientv3sync):
// join (state, timeline, ephemeral, account_data, unread counts, summary), invite, knock, leave.
// Everything runs inside one read transaction so the sections and next_batch agree.
import type { Store } from '../store/index.js';
import type { AccountDataEntry } from '../store/repositories/account-data.js';
import type { StoredEvent } from '../store/repositories/events.js';
import type { Membership } from '../store/repositories/membership.js';
import type { Receipt } from '../store/repositories/receipts.js';
import type { Op, ReadTx } from '../store/trees.js';
import { type ClientEvent, ClientEventSerializer } from '../rooms/read/client-event.js';
import { HistoryVisibility } from '../rooms/read/visibility.js';
import { toStrippedState } from './stripped-state.js';
import { DEFAULT_TIMELINE_LIMIT, eventAllowed, type FieldPath, projectEvent, type RoomEventFilter, roomAllowed, type SyncFilter } from './filter.js';
import type { LazyMembersCache } from './lazy-members.js';
import { encodeSyncToken, type SyncToken } from './tokens.js';
import type { TypingTracker } from './typing.js';
import { unreadCounts, type IgnoredSenders, type UnreadCountsCache } from './unread.js';
import { threadedUnreadCounts, type ThreadUnreadCache } from './thread-unread.js';
import { RawJson } from './raw-json.js';
import { type RoomWindow, TIMELINE_EVENT, TIMELINE_PDU, type TimelineCache, WINDOW, type WindowEvent } from './timeline-cache.js';

export interface RoomSyncContext {
  readonly store: Store;
  readonly userId: string;
  readonly deviceId: string;
  readonly now: number;
  readonly filter: SyncFilter;
  readonly since: SyncToken | undefined;
  readonly next: SyncToken;
  readonly fullState: boolean;
  readonly typing: TypingTracker;
  readonly lazy: LazyMembersCache;
  readonly unread: UnreadCountsCache;
  readonly threadUnread: ThreadUnreadCache;
  readonly timelines: TimelineCache;
  /** rooms with events in (since, next] when the sync read them from the stream at once (many rooms, few new events) */
  readonly roomsWithNews?: ReadonlySet<string>;
  /** receipts changed since `since` (incremental only), by room */
  readonly receiptsByRoom: ReadonlyMap<string, Receipt[]>;
  /** room account data to send, by room */
  readonly accountDataByRoom: ReadonlyMap<string, AccountDataEntry[]>;
  /** Filled while the rooms are computed (incremental syncs only), for presence and device_lists. */
  memberChanges?: MemberChanges;
  /**
   * The user's m.ignored_user_list (absent when empty): their non-state timeline events and
   * their invites are left out (client-server-api#ignoring-users; state events still come),
   * and their messages do not count as unread notifications.
   */
  readonly ignored?: IgnoredSenders;
}

/**
 * Who the user newly shares rooms with, or may no longer share any with, in the sync's window:
 * presence of the first is sent even unchanged (as Synapse), both feed device_lists.
 */
export interface MemberChanges {
  /** others who joined or were invited to the user's joined rooms */
  readonly joined: Set<string>;
  /** rooms the user joined (all their members are newly shared) */
  readonly joinedRooms: string[];
  /** others who left or were banned from the user's joined rooms */
  readonly left: Set<string>;
  /** rooms the user left or was banned from */
  readonly leftRooms: string[];
}

const memberChanges = (ctx: RoomSyncContext): MemberChanges => (ctx.memberChanges ??= { joined: new Set(), joinedRooms: [], left: new Set(), leftRooms: [] });

const decoder = new TextDecoder();
const STATE_EVENT = Object.freeze({ includeRoomId: false, bundle: false });
const STATE_PDU = Object.freeze({ includeRoomId: false, bundle: false, format: 'federation' as const });
/** How many stored events one room's timeline scan may look at (hidden or filtered ones included). */
const MAX_SCAN = 1000;
const BATCH = 64;
const STRIPPED_TYPES = ['m.room.create', 'm.room.join_rules', 'm.room.name', 'm.room.avatar', 'm.room.canonical_alias', 'm.room.encryption', 'm.room.topic'];

interface Timeline { readonly events: StoredEvent[]; readonly limited: boolean }

/** The newest visible, filter-passing events in (after, upto], oldest first. */
function* selectTimeline(tx: ReadTx, ctx: RoomSyncContext, roomId: string, after: number, upto: number, vis: HistoryVisibility): Op<Timeline> {
  const f = ctx.filter.timeline;
  const limit = f.limit ?? DEFAULT_TIMELINE_LIMIT;
  const picked: StoredEvent[] = [];
  let before = upto + 1;
  let scanned = 0;
  let limited = false;
  // The first batch is what the limit needs (most rooms show no hidden or filtered events).
  let size = Math.min(limit + 1, BATCH);
  for (;;) {
    const batch = yield* ctx.store.events.timeline(tx, roomId, { after, before, reverse: true, limit: size });
    for (const e of batch) {
      before = e.streamPos!;
      scanned++;
      if (!eventAllowed(f, e.type, e.sender)) continue;
      if (!(yield* vis.canSee(tx, e))) continue;
      if (picked.length === limit) { limited = true; break; }
      picked.push(e);
    }
    if (limited || batch.length < size) break;
    size = BATCH;
    if (scanned >= MAX_SCAN) { limited = true; break; }
  }
  return { events: picked.reverse(), limited };
}

/**
 * selectTimeline answered from the room's cached window, or undefined when the window does not
 * reach back far enough to decide (the caller reads the store). Same picks and `limited` flag.
 */
function* selectFromWindow(tx: ReadTx, ctx: RoomSyncContext, w: RoomWindow, after: number, vis: HistoryVisibility): Op<{ picked: WindowEvent[]; limited: boolean } | undefined> {
  const f = ctx.filter.timeline;
  const limit = f.limit ?? DEFAULT_TIMELINE_LIMIT;
  const picked: WindowEvent[] = [];
  for (let i = w.events.length - 1; i >= 0; i--) {
    const x = w.events[i]!;
    if (x.event.streamPos! <= after) return { picked: picked.reverse(), limited: false };
    if (!eventAllowed(f, x.event.type, x.event.sender)) continue;
    if (!(vis.canSeeKnown(x.event) ?? (yield* vis.canSee(tx, x.event)))) continue;
    if (picked.length === limit) return { picked: picked.reverse(), limited: true };
    picked.push(x);
  }
  return after >= w.from ? { picked: picked.reverse(), limited: false } : undefined;
}

/** The snapshot after the last event of the room at or before `pos` (0 when none). */
function* snapshotAt(tx: ReadTx, store: Store, roomId: string, pos: number): Op<number> {
  const [last] = yield* store.events.timeline(tx, roomId, { before: pos + 1, reverse: true, limit: 1 });
  return last?.stateAfter ?? 0;
}

function stateFilterAllows(f: RoomEventFilter, e: StoredEvent): boolean {
  return eventAllowed(f, e.type, e.sender);
}

/**
 * The state section: the full state at the timeline's start (full), or what changed
 * between `since` and the timeline's start (limited incremental), filtered, with
 * lazy-loaded members cut down to the timeline's senders not yet sent to this device.
 */
function* stateSection(
  tx: ReadTx, ctx: RoomSyncContext, ser: ClientEventSerializer, roomId: string, startSnap: number, mode: 'full' | 'delta' | 'none', sinceSnap: number, timeline: StoredEvent[],
  /** state_after: the timeline's own state events stay in (clients take state from this section only) */
  keepTimelineEvents = false,
): Op<ClientEvent[]> {
  const { store, userId, deviceId } = ctx;
  const f = ctx.filter.state;
  let ids: string[] = [];
  if (mode === 'delta' && startSnap === sinceSnap) {
    // the same snapshot: no state changed between the token and the timeline's start
  } else if (mode !== 'none') {
    const start = yield* store.state.at(tx, startSnap);
    if (mode === 'full') ids = [...start.values()];
    else {
      const old = yield* store.state.at(tx, sinceSnap);
      for (const [k, id] of start) if (old.get(k) !== id) ids.push(id);
    }
  }
  if (ids.length === 0 && !f.lazyLoadMembers) return [];
  const wanted = new Set<string>();
  if (f.lazyLoadMembers) {
    for (const e of timeline) wanted.add(e.sender);
    wanted.add(userId);
    // Members of timeline senders this device has not been sent, even with no other state change.
    const have = new Set(ids);
    for (const member of wanted) {
      const id = yield* store.state.get(tx, startSnap, 'm.room.member', member);
      if (id !== undefined && !have.has(id)) ids.push(id);
    }
  }
  const inTimeline = new Set(keepTimelineEvents ? [] : timeline.map((e) => e.eventId));
  const events = (yield* store.events.getMany(tx, ids.filter((id) => !inTimeline.has(id)))).filter((e): e is StoredEvent => e !== undefined);
  const out: ClientEvent[] = [];
  for (const e of events) {
    // The state filter's limit (EventFilter.limit): at most that many events in the section.
    if (f.limit !== undefined && out.length >= f.limit) break;
    if (!stateFilterAllows(f, e)) continue;
    if (f.lazyLoadMembers && e.type === 'm.room.member') {
      const member = e.stateKey ?? '';
      if (!wanted.has(member)) continue;
      if (!f.includeRedundantMembers && ctx.lazy.wasSent(userId, deviceId, roomId, member, e.eventId)) continue;
      ctx.lazy.markSent(userId, deviceId, roomId, member, e.eventId);
    }
    out.push(yield* ser.serialize(tx, e, ctx.filter.eventFormat === undefined ? STATE_EVENT : STATE_PDU));
  }
  if (f.lazyLoadMembers) for (const e of timeline) if (e.type === 'm.room.member') ctx.lazy.markSent(userId, deviceId, roomId, e.stateKey ?? '', e.eventId);
  return out;
}

function receiptContent(receipts: readonly Receipt[], userId: string): Record<string, unknown> | undefined {
  const content: Record<string, Record<string, Record<string, unknown>>> = {};
  let any = false;
  for (const r of receipts) {
    if (r.receiptType === 'm.read.private' && r.userId !== userId) continue;
    const byType = (content[r.eventId] ??= {});
    const byUser = (byType[r.receiptType] ??= {}) as Record<string, unknown>;
    byUser[r.userId] = { ts: r.ts, ...(r.threadId !== '' ? { thread_id: r.threadId } : {}) };
    any = true;
  }
  return any ? content : undefined;
}

function* summary(tx: ReadTx, store: Store, roomId: string, userId: string): Op<Record<string, unknown>> {
  const members = yield* store.membership.ofRoom(tx, roomId);
  let joined = 0;
  let invited = 0;
  const heroes: string[] = [];
  for (const m of members) {
    if (m.membership === 'join') joined++;
    else if (m.membership === 'invite') invited++;
    else continue;
    if (m.userId !== userId) heroes.push(m.userId);
  }
  heroes.sort();
  return { 'm.heroes': heroes.slice(0, 5), 'm.joined_member_count': joined, 'm.invited_member_count': invited };
}

export function* joinedRoom(tx: ReadTx, ctx: RoomSyncContext, m: Membership): Op<Record<string, unknown> | undefined> {
  const { store, userId, since } = ctx;
  const roomId = m.roomId;
  // Fast path: an incremental sync of a room where nothing happened since the token.
  if (since !== undefined && !ctx.fullState && !ctx.typing.changedSince(roomId, since.typing)
    && !ctx.receiptsByRoom.has(roomId) && !ctx.accountDataByRoom.has(roomId)) {
    // The cached window at this very position answers without a read.
    const last = ctx.timelines.lastPosition(roomId, ctx.next.events);
    if (ctx.roomsWithNews !== undefined) {
      if (!ctx.roomsWithNews.has(roomId)) return undefined;
    } else if (last !== undefined) {
      if (last <= since.events) return undefined;
    } else {
      const newer = yield* store.events.timeline(tx, roomId, { after: since.events, before: ctx.next.events + 1, limit: 1 });
      if (newer.length === 0) return undefined;
    }
  }
  // (cache hits are answered without a generator: this runs per room per sync)
  const memberEvent = ctx.timelines.knownEvent(m.eventId) ?? (yield* ctx.timelines.event(tx, m.eventId));
  const newlyJoined = since !== undefined && (memberEvent?.streamPos ?? 0) > since.events;
  const fromStart = since === undefined || newlyJoined;
  const vis = yield* HistoryVisibility.forUser(tx, store, roomId, userId, { current: m, memo: ctx.timelines.visibilityMemo(roomId, userId), ignoredSenders: ctx.ignored?.senders });
  const ser = new ClientEventSerializer(store, ctx.now, userId, vis, ctx.deviceId);
  const after = fromStart ? 0 : since.events;
  let tl: Timeline = { events: [], limited: false };
  let window: RoomWindow | undefined;
  let picked: WindowEvent[] | undefined;
  if (roomAllowed(ctx.filter.timeline, roomId)) {
    const want = (ctx.filter.timeline.limit ?? DEFAULT_TIMELINE_LIMIT) + 1;
    window = ctx.timelines.knownWindow(roomId, ctx.next.events) ?? (yield* ctx.timelines.window(tx, roomId, ctx.next.events, want));
    let fromWindow = window === undefined ? undefined : yield* selectFromWindow(tx, ctx, window, after, vis);
    if (fromWindow === undefined && window !== undefined && window.events.length < WINDOW && window.from > after) {
      // Too short (made for a smaller limit, or filters hide events): read it again, larger.
      const size = Math.max(want, window.events.length * 2);
      ctx.timelines.forgetRoom(roomId);
      window = yield* ctx.timelines.window(tx, roomId, ctx.next.events, size);
      fromWindow = window === undefined ? undefined : yield* selectFromWindow(tx, ctx, window, after, vis);
    }
    if (fromWindow !== undefined) {
      picked = fromWindow.picked;
      tl = { events: picked.map((x) => x.event), limited: fromWindow.limited };
    } else {
      tl = yield* selectTimeline(tx, ctx, roomId, after, ctx.next.events, vis);
    }
  }
  // use_state_after: the state at the timeline's end, so a state change inside it counts too.
  const stateAfter = ctx.filter.stateAfter === true;
  const startSnap = tl.events.length > 0 ? (stateAfter ? tl.events.at(-1)!.stateAfter : tl.events[0]!.stateBefore) ?? 0 : yield* store.state.currentSnapshot(tx, roomId);
  const mode = fromStart || ctx.fullState ? 'full' : tl.limited || (stateAfter && hasState(tl.events)) ? 'delta' : 'none';
  const sinceSnap = mode === 'delta'
    ? ctx.timelines.knownSnapshotBefore(window, roomId, since!.events) ?? (yield* ctx.timelines.snapshotBefore(tx, window, roomId, since!.events, ctx.next.events))
    : 0;
  const state = roomAllowed(ctx.filter.state, roomId) ? yield* stateSection(tx, ctx, ser, roomId, startSnap, mode, sinceSnap, tl.events, stateAfter) : [];

  const ephemeral: ClientEvent[] = [];
  if (roomAllowed(ctx.filter.ephemeral, roomId)) {
    const ef = ctx.filter.ephemeral;
    if (eventAllowed(ef, 'm.typing') && (fromStart ? ctx.typing.typing(roomId).length > 0 : ctx.typing.changedSince(roomId, since.typing))) {
      ephemeral.push({ type: 'm.typing', content: { user_ids: ctx.typing.typing(roomId) } });
    }
    if (eventAllowed(ef, 'm.receipt')) {
      const receipts = fromStart ? yield* store.receipts.ofRoom(tx, roomId) : ctx.receiptsByRoom.get(roomId) ?? [];
      const content = receiptContent(receipts, userId);
      if (content) ephemeral.push({ type: 'm.receipt', content });
    }
  }
  const accountData: ClientEvent[] = [];
  if (roomAllowed(ctx.filter.roomAccountData, roomId)) {
    for (const a of ctx.accountDataByRoom.get(roomId) ?? []) {
      if (eventAllowed(ctx.filter.roomAccountData, a.type)) accountData.push({ type: a.type, content: JSON.parse(decoder.decode(a.content)) });
    }
  }
  if (since !== undefined) noteMemberChanges(ctx, roomId, newlyJoined, tl.events, state);
  const changed = tl.events.length > 0 || state.length > 0 || ephemeral.length > 0 || accountData.length > 0;
  if (!fromStart && !ctx.fullState && !changed) return undefined;

  const firstPos = tl.events[0]?.streamPos;
  const prevBatch = encodeSyncToken({ ...ctx.next, events: firstPos !== undefined ? firstPos - 1 : ctx.next.events });
  const memberChange = fromStart || tl.events.some((e) => e.type === 'm.room.member') || state.some((e) => e.type === 'm.room.member');
  const threaded = ctx.filter.timeline.unreadThreadNotifications ? yield* threadedUnreadCounts(tx, store, roomId, userId, memberEvent, { events: ctx.next.events, receipts: ctx.next.receipts, cache: ctx.threadUnread, ignored: ctx.ignored }) : undefined;
  const section: Record<string, unknown> = {
    state: { events: projected(state, ctx.filter.eventFields) },
    timeline: { events: yield* timelineEvents(tx, ctx, ser, window, picked, tl.events), limited: tl.limited, prev_batch: prevBatch },
    ephemeral: { events: ephemeral },
    account_data: { events: accountData },
    unread_notifications: threaded?.main ?? ctx.unread.known(roomId, userId, memberEvent, ctx.next.events, ctx.next.receipts, ctx.ignored?.key)
      ?? (yield* unreadCounts(tx, store, roomId, userId, memberEvent, { events: ctx.next.events, receipts: ctx.next.receipts, cache: ctx.unread, ignored: ctx.ignored })),
  };
  // (added, not spread: a conditional spread takes V8's slow object-copy path)
  if (memberChange) section.summary = yield* summary(tx, store, roomId, userId);
  if (threaded?.threads !== undefined) section.unread_thread_notifications = threaded.threads;
  if (stateAfter) asStateAfter(section);
  return section;
}

function hasState(events: readonly StoredEvent[]): boolean {
  for (const e of events) if (e.stateKey !== undefined) return true;
  return false;
}

/** use_state_after: the section's state is named state_after ("MUST omit state"). */
function asStateAfter(section: Record<string, unknown>): void {
  section.state_after = section.state;
  delete section.state;
}

/** Records the room's membership changes of others (RoomSyncContext.memberChanges). */
function noteMemberChanges(ctx: RoomSyncContext, roomId: string, newlyJoined: boolean, timeline: readonly StoredEvent[], state: readonly ClientEvent[]): void {
  if (newlyJoined) {
    memberChanges(ctx).joinedRooms.push(roomId);
    return;
  }
  for (const e of timeline) if (e.type === 'm.room.member') noteMember(ctx, e.stateKey!, e.membership);
  for (const e of state) {
    if (e.type === 'm.room.member') noteMember(ctx, e.state_key as string, (e.content as { membership?: unknown } | undefined)?.membership);
  }
}

function noteMember(ctx: RoomSyncContext, userId: string, membership: unknown): void {
  if (userId === ctx.userId) return;
  if (membership === 'join' || membership === 'invite') memberChanges(ctx).joined.add(userId);
  else if (membership === 'leave' || membership === 'ban') memberChanges(ctx).left.add(userId);
}

/** The timeline as client JSON: spliced from the window's cached events when they came from it. */
function* timelineEvents(
  tx: ReadTx, ctx: RoomSyncContext, ser: ClientEventSerializer, w: RoomWindow | undefined, picked: WindowEvent[] | undefined, events: StoredEvent[],
): Op<RawJson> {
  // Concatenation, not join: the pieces stay a rope that the socket write flattens once.
  let out = '';
  if (w !== undefined && picked !== undefined && ctx.filter.eventFormat === undefined) {
    for (const x of picked) {
      out = ctx.timelines.appendCachedClientEvent(out, x, ser)
        ?? (out === '' ? '[' : `${out},`) + (yield* ctx.timelines.clientEvent(tx, w, x, ser, ctx.next.events)).json;
    }
  } else {
    const opts = ctx.filter.eventFormat === undefined ? TIMELINE_EVENT : TIMELINE_PDU;
    for (const e of events) out += (out === '' ? '[' : ',') + JSON.stringify(yield* ser.serialize(tx, e, opts));
  }
  const json = out === '' ? '[]' : `${out}]`;
  const fields = ctx.filter.eventFields;
  // event_fields: the cached JSON is shared by every filter, so it is cut down here, per request.
  return new RawJson(fields === undefined ? json : JSON.stringify(projected(JSON.parse(json) as ClientEvent[], fields)));
}

/** `events` cut down to the filter's event_fields, when it has them. */
function projected(events: ClientEvent[], fields: readonly FieldPath[] | undefined): ClientEvent[] {
  return fields === undefined ? events : events.map((e) => projectEvent(e, fields));
}

/** Stripped state for invite_state / knock_state: the room's key state plus the user's own member event. */
function* strippedState(tx: ReadTx, store: Store, roomId: string, m: Membership): Op<ClientEvent[]> {
  const ids: string[] = [];
  for (const t of STRIPPED_TYPES) {
    const id = yield* store.state.currentEntry(tx, roomId, t, '');
    if (id !== undefined) ids.push(id);
  }
  const own = yield* store.events.get(tx, m.eventId);
  const inviter = own ? yield* store.state.currentEntry(tx, roomId, 'm.room.member', own.sender) : undefined;
  if (inviter !== undefined && inviter !== m.eventId) ids.push(inviter);
  ids.push(m.eventId);
  const events = yield* store.events.getMany(tx, ids);
  return events.filter((e): e is StoredEvent => e !== undefined).map(toStrippedState);
}

export function* invitedRoom(tx: ReadTx, ctx: RoomSyncContext, m: Membership): Op<Record<string, unknown> | undefined> {
  const e = yield* ctx.store.events.get(tx, m.eventId);
  if (ctx.since !== undefined && (e?.streamPos ?? 0) <= ctx.since.events) return undefined;
  // "Servers must not send room invites from ignored users to clients."
  if (e !== undefined && ctx.ignored?.senders.has(e.sender) === true) return undefined;
  const stripped = yield* strippedState(tx, ctx.store, m.roomId, m);
  // Clients read the invite's origin_server_ts/event_id from the full member event.
  const own = stripped.at(-1);
  if (own && e) Object.assign(own, { event_id: e.eventId, origin_server_ts: e.originServerTs });
  return { invite_state: { events: stripped } };
}

export function* knockedRoom(tx: ReadTx, ctx: RoomSyncContext, m: Membership): Op<Record<string, unknown> | undefined> {
  const e = yield* ctx.store.events.get(tx, m.eventId);
  if (ctx.since !== undefined && (e?.streamPos ?? 0) <= ctx.since.events) return undefined;
  return { knock_state: { events: yield* strippedState(tx, ctx.store, m.roomId, m) } };
}

export function* leftRoom(tx: ReadTx, ctx: RoomSyncContext, m: Membership): Op<Record<string, unknown> | undefined> {
  const { store, since, userId } = ctx;
  if (since === undefined && !ctx.filter.includeLeave) return undefined;
  const e = yield* store.events.get(tx, m.eventId);
  const leftPos = e?.streamPos ?? 0;
  const isNew = since !== undefined && leftPos > since.events;
  if (isNew) memberChanges(ctx).leftRooms.push(m.roomId);
  if (!isNew && !(ctx.filter.includeLeave && (since === undefined || ctx.fullState))) return undefined;
  const roomId = m.roomId;
  const vis = yield* HistoryVisibility.forUser(tx, store, roomId, userId, { ignoredSenders: ctx.ignored?.senders });
  const ser = new ClientEventSerializer(store, ctx.now, userId, vis, ctx.deviceId);
  const after = isNew ? since.events : 0;
  const tl = yield* selectTimeline(tx, ctx, roomId, after, leftPos, vis);
  const stateAfter = ctx.filter.stateAfter === true;
  const startSnap = tl.events.length > 0 ? (stateAfter ? tl.events.at(-1)!.stateAfter : tl.events[0]!.stateBefore) ?? 0 : e?.stateAfter ?? 0;
  const mode = !isNew || ctx.fullState ? 'full' : tl.limited || (stateAfter && hasState(tl.events)) ? 'delta' : 'none';
  const sinceSnap = mode === 'delta' ? yield* snapshotAt(tx, store, roomId, since!.events) : 0;
  const state = yield* stateSection(tx, ctx, ser, roomId, startSnap, mode, sinceSnap, tl.events, stateAfter);
  const firstPos = tl.events[0]?.streamPos;
  const accountData: ClientEvent[] = [];
  for (const a of ctx.accountDataByRoom.get(roomId) ?? []) accountData.push({ type: a.type, content: JSON.parse(decoder.decode(a.content)) });
  const section: Record<string, unknown> = {
    state: { events: projected(state, ctx.filter.eventFields) },
    timeline: { events: projected(yield* ser.serializeMany(tx, tl.events, ctx.filter.eventFormat === undefined ? TIMELINE_EVENT : TIMELINE_PDU), ctx.filter.eventFields), limited: tl.limited, prev_batch: encodeSyncToken({ ...ctx.next, events: firstPos !== undefined ? firstPos - 1 : leftPos }) },
    account_data: { events: accountData },
  };
  if (stateAfter) asStateAfter(section);
  return section;
}

