// SyncService: GET /sync (initial and incremental, long-poll, filters, full_state,
// set_presence), typing, receipts and read markers, send-to-device.
// Spec: client-server-api#get_matrixclientv3sync and #syncing, modules/typing_notifications,
// modules/receipts, modules/read_markers, #send-to-device-messaging.
import { forbidden, invalidParam } from '../api/errors.js';
import { jsonObjectQuery } from '../api/json-query.js';
import type { Requester } from '../api/route.js';
import type { AccountDataEntry } from '../store/repositories/account-data.js';
import type { Membership } from '../store/repositories/membership.js';
import type { Receipt } from '../store/repositories/receipts.js';
import type { ToDeviceMessage } from '../store/repositories/to-device.js';
import type { Op, ReadTx } from '../store/trees.js';
import type { PresenceState } from '../users/service.js';
import type { ClientEvent } from '../rooms/read/client-event.js';
import type { SyncDeps } from './deps.js';
import { DEFAULT_FILTER, eventAllowed, parseSyncFilter, roomAllowed, type SyncFilter, withStateAfter } from './filter.js';
import { LazyMembersCache } from './lazy-members.js';
import { invitedRoom, joinedRoom, knockedRoom, leftRoom, type MemberChanges, type RoomSyncContext } from './rooms.js';
import { ignoredUsers } from '../rooms/read/visibility.js';
import { sendReceipt, setReadMarkers, type ReadMarkers } from './receipts.js';
import { sendToDevice } from './to-device.js';
import { encodeSyncToken, parseSyncToken, type SyncToken } from './tokens.js';
import { checkTypingUser, TypingTracker } from './typing.js';
import { ignoredSendersOf, UnreadCountsCache } from './unread.js';
import { ThreadUnreadCache } from './thread-unread.js';
import { TimelineCache } from './timeline-cache.js';
import { DeviceKeyCounter } from './device-key-counts.js';
import { streamPositions } from './stream-positions.js';

export interface SyncRequest {
  readonly since?: string;
  /** long-poll milliseconds (0: answer at once) */
  readonly timeout: number;
  readonly fullState: boolean;
  /** a filter id or inline JSON filter */
  readonly filter?: string;
  readonly setPresence?: PresenceState;
  /** use_state_after (spec v1.16): room sections carry state_after instead of state */
  readonly useStateAfter?: boolean;
}

export type SyncResponse = Record<string, unknown> & { readonly next_batch: string };

export interface SyncService {
  /** A value when it could answer at once (LMDB, nothing to wait for), else a promise. */
  sync(requester: Requester, request: SyncRequest, signal?: AbortSignal): Promise<SyncResponse> | SyncResponse;
  /** PUT /rooms/{roomId}/typing/{userId} */
  setTyping(requester: Requester, roomId: string, userId: string, typing: boolean, timeoutMs: number | undefined): Promise<void>;
  /** POST /rooms/{roomId}/receipt/{receiptType}/{eventId} */
  sendReceipt(requester: Requester, roomId: string, receiptType: string, eventId: string, threadId: string | undefined): Promise<void>;
  /** POST /rooms/{roomId}/read_markers */
  setReadMarkers(requester: Requester, roomId: string, markers: ReadMarkers): Promise<void>;
  /** PUT /sendToDevice/{eventType}/{txnId} */
  sendToDevice(requester: Requester, eventType: string, txnId: string, messages: Record<string, Record<string, unknown>>): Promise<void>;
  close(): void;
}

/** Long-polls are bounded whatever the client asks. */
export const MAX_SYNC_TIMEOUT_MS = 300_000;
const TO_DEVICE_LIMIT = 100;
const MAX_CACHED_FILTERS = 10_000;
/** From this many rooms, an incremental sync reads the events stream once rather than each room's timeline. */
const ROOMS_FOR_STREAM_SCAN = 8;
/** Memberships kept across users (~100 bytes each). */
const MAX_HELD_MEMBERSHIPS = 50_000;
const decoder = new TextDecoder();
/** Shared empty lists of a response (frozen: a consumer that pushed would change every response). */
const NONE: never[] = Object.freeze([]) as unknown as never[];
const NO_MESSAGES: readonly ToDeviceMessage[] = NONE;
const NO_RECEIPTS: ReadonlyMap<string, Receipt[]> = new Map();
const NO_ACCOUNT_DATA: ReadonlyMap<string, AccountDataEntry[]> = new Map();

interface ComputedSync {
  readonly response: SyncResponse;
  /** the user's memberships (undefined when the answer did not need them) */
  readonly rooms: readonly Membership[] | undefined;
  readonly token: SyncToken;
}

export class SyncServiceImpl implements SyncService {
  readonly typing: TypingTracker;
  private readonly lazy = new LazyMembersCache();
  /** (user, device) → to-device position already acknowledged (saves a write per sync) */
  private readonly acked = new Map<string, number>();
  private readonly unread = new UnreadCountsCache();
  private readonly threadUnread = new ThreadUnreadCache();
  private readonly timelines: TimelineCache;
  private readonly keyCounts: DeviceKeyCounter;
  /** user → [events position, memberships at it] */
  private readonly memberships = new Map<string, readonly [number, readonly Membership[]]>();
  private membershipsHeld = 0;
  /** parsed filters: inline JSON text → filter, `${userId}\0${filterId}` → filter (stored filters never change) */
  private readonly filters = new Map<string, SyncFilter>();
  /** user → [presence last read from the store, notifier.presencePos then]: set_presence skips the read while no presence moved */
  private readonly presenceSeen = new Map<string, readonly [PresenceState | undefined, number]>();

  constructor(private readonly deps: SyncDeps) {
    this.typing = new TypingTracker(deps.clock, (roomId) => deps.notifier.typingChanged(roomId));
    this.timelines = new TimelineCache(deps.store);
    this.keyCounts = new DeviceKeyCounter(deps.store);
  }

  close(): void {
    this.typing.close();
  }

  /** The parsed filter when cached (or the default), without a promise. */
  private knownFilter(userId: string, filter: string | undefined): SyncFilter | undefined {
    if (filter === undefined || filter === '') return DEFAULT_FILTER;
    return this.filters.get(filter.startsWith('{') ? filter : `${userId}\u0000${filter}`);
  }

  private async resolveFilter(userId: string, filter: string | undefined): Promise<SyncFilter> {
    if (filter === undefined || filter === '') return DEFAULT_FILTER;
    const inline = filter.startsWith('{');
    const key = inline ? filter : `${userId}\u0000${filter}`;
    const cached = this.filters.get(key);
    if (cached !== undefined) return cached;
    let parsed: SyncFilter;
    if (inline) {
      parsed = parseSyncFilter(jsonObjectQuery('filter', filter));
    } else {
      const stored = await this.deps.users.getFilter(userId, filter);
      if (stored === undefined) throw invalidParam(`Unknown filter ${filter}`);
      parsed = parseSyncFilter(stored);
    }
    if (this.filters.size >= MAX_CACHED_FILTERS) this.filters.delete(this.filters.keys().next().value!);
    this.filters.set(key, parsed);
    return parsed;
  }

  sync(requester: Requester, request: SyncRequest, signal?: AbortSignal): Promise<SyncResponse> | SyncResponse {
    try {
      const answer = request.timeout <= 0 ? this.answerNow(requester, request) : undefined;
      return answer ?? this.syncWaiting(requester, request, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * An answer-at-once sync (timeout 0) whose filter is cached, presence unchanged and to-device
   * acknowledged: computed without awaiting first, and without any promise when the store
   * answers synchronously (LMDB) and no left room must be checked against the forgotten list.
   * undefined (before computing anything) when one of those does not hold: syncWaiting answers.
   */
  private answerNow(requester: Requester, request: SyncRequest): Promise<SyncResponse> | SyncResponse | undefined {
    const { userId, deviceId } = requester;
    const known = this.knownFilter(userId, request.filter);
    if (known === undefined) return undefined;
    const filter = request.useStateAfter === true ? withStateAfter(known) : known;
    if (request.setPresence !== undefined && !this.presenceKnown(userId, request.setPresence)) return undefined;
    const since = request.since !== undefined ? parseSyncToken(request.since) : undefined;
    if (since !== undefined && !this.toDeviceAcked(userId, deviceId, since.toDevice)) return undefined;
    if (since === undefined) this.lazy.reset(userId, deviceId);
    // (computed once: lazy-loaded members it sends are marked sent, so it is never computed again)
    const result = this.deps.store.read((tx) => this.computeIn(tx, requester, filter, since, request.fullState));
    return isThenable(result)
      ? Promise.resolve(result).then((c) => this.withoutForgotten(userId, c)).then((c) => c.response)
      : responseOf(this.withoutForgotten(userId, result));
  }

  /** The computed sync without rooms the user forgot (RoomService keeps that list); no promise when there is no left room. */
  private withoutForgotten(userId: string, c: ComputedSync): ComputedSync | Promise<ComputedSync> {
    const leave = (c.response.rooms as { leave: Record<string, unknown> }).leave;
    for (const _ in leave) return this.dropForgotten(userId, leave).then(() => c); // eslint-disable-line @typescript-eslint/no-unused-vars
    return c;
  }

  private async dropForgotten(userId: string, leave: Record<string, unknown>): Promise<void> {
    for (const roomId of Object.keys(leave)) {
      if (await this.deps.rooms.isForgotten(userId, roomId)) delete leave[roomId];
    }
  }

  private async syncWaiting(requester: Requester, request: SyncRequest, signal?: AbortSignal): Promise<SyncResponse> {
    const { store, notifier } = this.deps;
    const { userId, deviceId } = requester;
    const since = request.since !== undefined ? parseSyncToken(request.since) : undefined;
    // The usual incremental sync awaits nothing before computing: cached filter, presence unchanged, to-device acknowledged.
    const resolved = this.knownFilter(userId, request.filter) ?? await this.resolveFilter(userId, request.filter);
    const filter = request.useStateAfter === true ? withStateAfter(resolved) : resolved;
    if (request.setPresence !== undefined && !this.presenceKnown(userId, request.setPresence)) await this.updatePresence(requester, request.setPresence);
    if (since === undefined) this.lazy.reset(userId, deviceId);
    else if (!this.toDeviceAcked(userId, deviceId, since.toDevice)) await this.acknowledgeToDevice(userId, deviceId, since.toDevice);

    const timeout = Math.min(Math.max(0, request.timeout), MAX_SYNC_TIMEOUT_MS);
    const deadline = this.deps.clock.now() + timeout;
    for (;;) {
      const { response, rooms, token } = await this.compute(requester, filter, since, request.fullState);
      const remaining = deadline - this.deps.clock.now();
      if (since === undefined || request.fullState || hasData(response) || remaining <= 0 || signal?.aborted) return response;
      // Listen first, then check nothing moved since the computed token: whatever lands
      // after this check fires the waiter, whatever landed before it is recomputed.
      const waiter = notifier.listen(userId, deviceId, rooms !== undefined ? rooms.map((m) => m.roomId) : await this.roomsOf(userId));
      try {
        if (await this.movedSince(token)) continue;
        await waiter.wait(remaining, signal);
        if (!waiter.fired) return response;
      } finally {
        waiter.close();
      }
    }
  }

  /**
   * The user's memberships. Kept per events position: a membership changes only with a room
   * event, which moves that position in the same transaction.
   */
  private *membershipsOf(tx: ReadTx, userId: string, eventsPos: number): Op<readonly Membership[]> {
    const hit = this.memberships.get(userId);
    if (hit !== undefined && hit[0] === eventsPos) return hit[1];
    const list = yield* this.deps.store.membership.ofUser(tx, userId);
    // Bounded by memberships held in all (a user in many rooms counts for each), oldest users out first.
    if (hit !== undefined) this.membershipsHeld -= hit[1].length;
    this.memberships.delete(userId);
    if (list.length <= MAX_HELD_MEMBERSHIPS) {
      while (this.membershipsHeld + list.length > MAX_HELD_MEMBERSHIPS && this.memberships.size > 0) {
        const oldest = this.memberships.keys().next().value!;
        this.membershipsHeld -= this.memberships.get(oldest)![1].length;
        this.memberships.delete(oldest);
      }
      this.memberships.set(userId, [eventsPos, list]);
      this.membershipsHeld += list.length;
    }
    return list;
  }

  private async roomsOf(userId: string): Promise<string[]> {
    const { store } = this.deps;
    return (await store.read((tx) => store.membership.ofUser(tx, userId))).map((m) => m.roomId);
  }

  private async movedSince(t: SyncToken): Promise<boolean> {
    const { store, notifier } = this.deps;
    const pos = await store.read((tx) => store.positions.all(tx));
    return pos.events !== t.events || pos.account_data !== t.accountData || pos.receipts !== t.receipts
      || pos.to_device !== t.toDevice || this.typing.pos !== t.typing || notifier.presencePos !== t.presence;
  }

  /** Presence is an in-memory stream of this process: while its position has not moved, the stored state has not either. */
  private presenceKnown(userId: string, presence: PresenceState): boolean {
    const seen = this.presenceSeen.get(userId);
    return seen !== undefined && seen[1] === this.deps.notifier.presencePos && seen[0] === presence;
  }

  private async updatePresence(requester: Requester, presence: PresenceState): Promise<void> {
    const { store, notifier } = this.deps;
    if (this.presenceKnown(requester.userId, presence)) return;
    const current = await store.read((tx) => store.presence.get(tx, requester.userId));
    if (current?.presence !== presence) await this.deps.users.setPresence(requester, requester.userId, presence, current?.statusMsg);
    if (this.presenceSeen.size >= 100_000) this.presenceSeen.delete(this.presenceSeen.keys().next().value!);
    this.presenceSeen.set(requester.userId, [presence, notifier.presencePos]);
  }

  private toDeviceAcked(userId: string, deviceId: string, upTo: number): boolean {
    return upTo <= 0 || (this.acked.get(`${userId}\u0000${deviceId}`) ?? 0) >= upTo;
  }

  private async acknowledgeToDevice(userId: string, deviceId: string, upTo: number): Promise<void> {
    const key = `${userId}\u0000${deviceId}`;
    if (this.toDeviceAcked(userId, deviceId, upTo)) return;
    const { store } = this.deps;
    await store.write((tx) => store.toDevice.acknowledge(tx, userId, deviceId, upTo));
    this.acked.delete(key); // re-insert: the map stays in recent-use order for trimming
    this.acked.set(key, upTo);
    if (this.acked.size > 100_000) this.acked.delete(this.acked.keys().next().value!);
  }

  private async compute(
    requester: Requester, filter: SyncFilter, since: SyncToken | undefined, fullState: boolean,
  ): Promise<ComputedSync> {
    const result = await this.deps.store.read((tx) => this.computeIn(tx, requester, filter, since, fullState));
    return this.withoutForgotten(requester.userId, result);
  }

  /**
   * The response inside one read. A method, not a generator closure made per request: V8 gives
   * every new generator closure its own prototype and map (~4 µs per call, and missed caches after).
   */
  private *computeIn(tx: ReadTx, requester: Requester, filter: SyncFilter, since: SyncToken | undefined, fullState: boolean): Op<ComputedSync> {
    const { store, notifier } = this.deps;
    const { userId, deviceId } = requester;
    const now = this.deps.clock.now();
    const typing = this.typing;
    const pos = yield* streamPositions(tx);
    const next: SyncToken = {
      events: pos.events, accountData: pos.account_data, receipts: pos.receipts, toDevice: pos.to_device,
      typing: typing.pos, presence: notifier.presencePos, deviceLists: pos.device_lists,
    };
    // Nothing moved on any stream since the token: no room, account data, presence, to-device
    // or device-list change can be in the answer, only the device's key counts.
    if (since !== undefined && !fullState && sameToken(since, next)) {
      return { response: yield* this.emptyResponse(tx, userId, deviceId, next), rooms: undefined, token: next };
    }
    const memo = this.memberships.get(userId);
    const memberships = memo !== undefined && memo[0] === next.events ? memo[1] : yield* this.membershipsOf(tx, userId, next.events);

    // Account data: global to the top level, per room into the rooms.
    // (A stream that has not moved past the token has nothing after it: no read.)
    const globalData: ClientEvent[] = [];
    let roomData: Map<string, AccountDataEntry[]> | undefined;
    if (since === undefined || fullState || since.accountData !== next.accountData) {
      const entries = since === undefined || fullState ? yield* store.accountData.all(tx, userId) : yield* store.accountData.since(tx, userId, since.accountData);
      for (const e of entries) {
        if (e.streamPos > next.accountData) continue;
        if (e.roomId === null) {
          if (eventAllowed(filter.accountData, e.type)) globalData.push({ type: e.type, content: JSON.parse(decoder.decode(e.content)) });
        } else {
          roomData ??= new Map();
          let list = roomData.get(e.roomId);
          if (!list) roomData.set(e.roomId, (list = []));
          list.push(e);
        }
      }
    }

    let receiptsByRoom: Map<string, Receipt[]> | undefined;
    if (since !== undefined && since.receipts !== next.receipts) {
      receiptsByRoom = new Map();
      for (const r of yield* store.receipts.since(tx, since.receipts)) {
        if (r.streamPos > next.receipts) continue;
        let list = receiptsByRoom.get(r.roomId);
        if (!list) receiptsByRoom.set(r.roomId, (list = []));
        list.push(r);
      }
    }

    // A user in many rooms, few events since the token: one read of the stream says which rooms
    // have news, instead of a timeline read per room. (Every event takes one position: the
    // stream holds at most next - since entries in that range.)
    let roomsWithNews: Set<string> | undefined;
    const gap = since === undefined ? -1 : next.events - since.events;
    if (!fullState && memberships.length > ROOMS_FOR_STREAM_SCAN && gap >= 0 && gap <= memberships.length) {
      roomsWithNews = new Set();
      for (const e of yield* store.events.stream(tx, since!.events, gap)) if (e.streamPos <= next.events) roomsWithNews.add(e.roomId);
    }
    const ctx: RoomSyncContext = {
      store, userId, deviceId, now, filter, since, next, fullState, typing, lazy: this.lazy, unread: this.unread, threadUnread: this.threadUnread, timelines: this.timelines,
      receiptsByRoom: receiptsByRoom ?? NO_RECEIPTS, accountDataByRoom: roomData ?? NO_ACCOUNT_DATA, roomsWithNews, memberChanges: undefined,
      ignored: ignoredSendersOf(yield* ignoredUsers(tx, store, userId)),
    };
    const join: Record<string, unknown> = {};
    const invite: Record<string, unknown> = {};
    const leave: Record<string, unknown> = {};
    const knock: Record<string, unknown> = {};
    for (const m of memberships) {
      if (!roomAllowed(filter, m.roomId)) continue;
      const section = yield* roomSection(tx, ctx, m);
      if (section === undefined) continue;
      switch (m.membership) {
        case 'join': join[m.roomId] = section; break;
        case 'invite': invite[m.roomId] = section; break;
        case 'knock': knock[m.roomId] = section; break;
        default: leave[m.roomId] = section; // leave and ban
      }
    }

    // (the usual incremental sync has no presence or device-list change: no generator for those)
    const changes = ctx.memberChanges;
    const newlyShared = changes !== undefined && (changes.joined.size > 0 || changes.joinedRooms.length > 0) ? changes : undefined;
    const presence = since !== undefined && newlyShared === undefined && notifier.presenceSince(since.presence > notifier.presencePos ? 0 : since.presence).length === 0
      ? NONE : yield* this.presenceEvents(tx, userId, filter, since, memberships, now, newlyShared);
    // No message can be newer than the token when the stream has not moved past it.
    const toDevice = since !== undefined && since.toDevice === next.toDevice ? NO_MESSAGES : yield* store.toDevice.inbox(tx, userId, deviceId, since?.toDevice ?? 0, TO_DEVICE_LIMIT);
    const delivered = toDevice.length === TO_DEVICE_LIMIT ? toDevice.at(-1)!.streamPos : next.toDevice;
    const keys = yield* this.keyCounts.counts(tx, userId, deviceId);
    const sinceToDevice = since?.toDevice ?? 0;
    const response: SyncResponse = {
      next_batch: encodeSyncToken(delivered >= sinceToDevice ? (delivered === next.toDevice ? next : { ...next, toDevice: delivered }) : { ...next, toDevice: sinceToDevice }),
      rooms: { join, invite, leave, knock },
      account_data: { events: globalData },
      presence: { events: presence },
      to_device: { events: toDevice.length === 0 ? NONE : toDevice.map((m) => JSON.parse(decoder.decode(m.message)) as unknown) },
      device_lists: since === undefined || (since.deviceLists === next.deviceLists && changes === undefined)
        ? { changed: NONE, left: NONE } : yield* this.deviceLists(tx, userId, since, next, memberships, changes),
      device_one_time_keys_count: keys.device_one_time_keys_count,
      device_unused_fallback_key_types: keys.device_unused_fallback_key_types,
    };
    return { response, rooms: memberships, token: next };
  }

  private *emptyResponse(tx: ReadTx, userId: string, deviceId: string, next: SyncToken): Op<SyncResponse> {
    const keys = yield* this.keyCounts.counts(tx, userId, deviceId);
    return {
      next_batch: encodeSyncToken(next),
      rooms: { join: {}, invite: {}, leave: {}, knock: {} },
      account_data: { events: NONE },
      presence: { events: NONE },
      to_device: { events: NONE },
      device_lists: { changed: NONE, left: NONE },
      device_one_time_keys_count: keys.device_one_time_keys_count,
      device_unused_fallback_key_types: keys.device_unused_fallback_key_types,
    };
  }

  /**
   * device_lists: users whose keys changed, plus users newly sharing a room (spec note: a server
   * may list them on every new shared room); `left`: users of the window's leaves (theirs or the
   * user's) who share no joined room with the user any more (any room, encrypted or not: listing
   * fewer only keeps a client tracking longer).
   */
  private *deviceLists(
    tx: ReadTx, userId: string, since: SyncToken, next: SyncToken, memberships: readonly Membership[], changes: MemberChanges | undefined,
  ): Op<{ changed: string[]; left: string[] }> {
    const changed = since.deviceLists === next.deviceLists ? [] : yield* this.deviceListsChanged(tx, userId, since, next, memberships);
    if (changes === undefined) return { changed, left: NONE };
    const { store } = this.deps;
    const joined = memberships.filter((m) => m.membership === 'join').map((m) => m.roomId);
    const out = new Set(changed);
    for (const u of changes.joined) out.add(u);
    for (const r of changes.joinedRooms) for (const o of yield* store.membership.ofRoom(tx, r, 'join')) out.add(o.userId);
    const gone = new Set(changes.left);
    for (const r of changes.leftRooms) for (const o of yield* store.membership.ofRoom(tx, r, 'join')) gone.add(o.userId);
    const left: string[] = [];
    for (const u of gone) {
      if (u === userId) continue;
      let shares = false;
      for (const r of joined) {
        if (shares) break;
        shares = (yield* store.membership.get(tx, r, u))?.membership === 'join';
      }
      if (!shares) { left.push(u); out.delete(u); }
    }
    out.delete(userId);
    if (changed.includes(userId)) out.add(userId);
    return { changed: out.size === 0 ? NONE : [...out], left: left.length === 0 ? NONE : left };
  }

  /** Users sharing a joined room (or the user) whose device lists changed since the token (e2ee). */
  private *deviceListsChanged(tx: ReadTx, userId: string, since: SyncToken | undefined, next: SyncToken, memberships: readonly Membership[]): Op<string[]> {
    if (since === undefined || since.deviceLists === next.deviceLists) return [];
    const { store } = this.deps;
    const changed = new Set((yield* store.e2eKeys.deviceListChangesSince(tx, since.deviceLists, 1000)).map((c) => c.userId));
    if (changed.size === 0) return [];
    const joined = memberships.filter((m) => m.membership === 'join').map((m) => m.roomId);
    const out: string[] = [];
    for (const u of changed) {
      let shares = u === userId;
      for (const r of joined) {
        if (shares) break;
        shares = (yield* store.membership.get(tx, r, u))?.membership === 'join';
      }
      if (shares) out.push(u);
    }
    return out;
  }

  /** Presence of the user and of users sharing a joined room: all on an initial sync, changes after. */
  private *presenceEvents(
    tx: ReadTx, userId: string, filter: SyncFilter, since: SyncToken | undefined, memberships: readonly Membership[], now: number,
    newlyShared: MemberChanges | undefined,
  ): Op<ClientEvent[]> {
    const { store, notifier } = this.deps;
    if (!eventAllowed(filter.presence, 'm.presence')) return [];
    let candidates: string[];
    let extra: Set<string> | undefined;
    if (since === undefined) {
      const users = new Set<string>([userId]);
      for (const m of memberships) {
        if (m.membership !== 'join') continue;
        for (const o of yield* store.membership.ofRoom(tx, m.roomId, 'join')) users.add(o.userId);
      }
      candidates = [...users];
    } else {
      const changed = notifier.presenceSince(since.presence > notifier.presencePos ? 0 : since.presence);
      if (changed.length === 0 && newlyShared === undefined) return [];
      const joined = memberships.filter((m) => m.membership === 'join').map((m) => m.roomId);
      candidates = [];
      for (const u of changed) {
        let shares = u === userId;
        for (const r of joined) {
          if (shares) break;
          shares = (yield* store.membership.get(tx, r, u))?.membership === 'join';
        }
        if (shares) candidates.push(u);
      }
      if (newlyShared !== undefined) {
        const fresh = new Set(newlyShared.joined);
        for (const r of newlyShared.joinedRooms) for (const o of yield* store.membership.ofRoom(tx, r, 'join')) fresh.add(o.userId);
        fresh.delete(userId);
        for (const u of candidates) fresh.delete(u);
        extra = fresh;
        candidates.push(...fresh);
      }
    }
    const out: ClientEvent[] = [];
    for (const u of candidates) {
      if (!eventAllowed(filter.presence, 'm.presence', u)) continue;
      const p = yield* store.presence.get(tx, u);
      if (!p) {
        // never set: a newly shared user is offline (Synapse's default state), others are left out
        if (extra?.has(u)) out.push({ type: 'm.presence', sender: u, content: { presence: 'offline' } });
        continue;
      }
      const ago = Math.max(0, now - p.lastActiveTs);
      out.push({
        type: 'm.presence', sender: u,
        content: {
          presence: p.presence, last_active_ago: ago, currently_active: p.presence === 'online' && ago < 300_000,
          ...(p.statusMsg !== undefined ? { status_msg: p.statusMsg } : {}),
        },
      });
    }
    return out;
  }

  async setTyping(requester: Requester, roomId: string, userId: string, typing: boolean, timeoutMs: number | undefined): Promise<void> {
    checkTypingUser(requester.userId, userId);
    const { store } = this.deps;
    const m = await store.read((tx) => store.membership.get(tx, roomId, userId));
    if (m?.membership !== 'join') throw forbidden('You are not joined to this room');
    this.typing.set(roomId, userId, typing, timeoutMs);
  }

  sendReceipt(requester: Requester, roomId: string, receiptType: string, eventId: string, threadId: string | undefined): Promise<void> {
    return sendReceipt(this.deps, requester, roomId, receiptType, eventId, threadId);
  }

  setReadMarkers(requester: Requester, roomId: string, markers: ReadMarkers): Promise<void> {
    return setReadMarkers(this.deps, requester, roomId, markers);
  }

  sendToDevice(requester: Requester, eventType: string, txnId: string, messages: Record<string, Record<string, unknown>>): Promise<void> {
    return sendToDevice(this.deps, requester, eventType, txnId, messages);
  }
}

function* roomSection(tx: ReadTx, ctx: RoomSyncContext, m: Membership): Op<Record<string, unknown> | undefined> {
  switch (m.membership) {
    case 'join': return yield* joinedRoom(tx, ctx, m);
    case 'invite': return yield* invitedRoom(tx, ctx, m);
    case 'knock': return yield* knockedRoom(tx, ctx, m);
    case 'leave':
    case 'ban': return yield* leftRoom(tx, ctx, m);
    default: return undefined;
  }
}

function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function responseOf(c: ComputedSync | Promise<ComputedSync>): SyncResponse | Promise<SyncResponse> {
  return c instanceof Promise ? c.then((x) => x.response) : c.response;
}

function sameToken(a: SyncToken, b: SyncToken): boolean {
  return a.events === b.events && a.accountData === b.accountData && a.receipts === b.receipts && a.toDevice === b.toDevice
    && a.typing === b.typing && a.presence === b.presence && a.deviceLists === b.deviceLists;
}

function hasData(r: SyncResponse): boolean {
  const rooms = r.rooms as Record<string, Record<string, unknown>>;
  if (Object.values(rooms).some((s) => Object.keys(s).length > 0)) return true;
  const lists = [r.account_data, r.presence, r.to_device] as { events: unknown[] }[];
  return lists.some((l) => l.events.length > 0) || (r.device_lists as { changed: string[] }).changed.length > 0;
}

export type { ReadMarkers };
