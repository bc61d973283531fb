// The RoomService implementation: what each client write means in events
// (createRoom's sequence, membership changes, sends with transaction ids, state,
// redactions), built and submitted by RoomWriter under the room's writer.
import { randomBytes } from 'node:crypto';
import type { Kernels } from '../accel/types.js';
import type { Requester } from '../api/route.js';
import {
  badJson, forbidden, guestAccessForbidden, invalidParam, invalidRoomState, MatrixError, notFound, unsupportedRoomVersion,
} from '../api/errors.js';
import { checkAuth, powerLevelOf, PowerLevels, type AuthState } from '../matrix/auth/index.js';
import { domainOf, isValidUserId } from '../matrix/ids.js';
import { stateKeyOf, type Pdu } from '../matrix/pdu.js';
import { roomVersion, type RoomVersionRules } from '../matrix/room-versions.js';
import type { SigningKey } from '../matrix/signing.js';
import type { Store } from '../store/index.js';
import type { EventTxnIds } from '../store/repositories/event-txn-ids.js';
import type { TransactionIds } from '../store/repositories/transaction-ids.js';
import type { Op, WriteTx } from '../store/trees.js';
import { AuthIndexCache } from './auth-index.js';
import { StoreRoomAliases, type RoomAliases, type RoomDirectory } from './aliases.js';
import { planCreateRoom, type CreateRoomPlan } from './create-room-plan.js';
import { EventSource, readNow } from './event-source.js';
import { ForgottenRooms } from './forgotten.js';
import { StaticKeyRing } from './key-ring.js';
import { EventPipeline, type KeyRing, type PipelineResult, type RoomEventSink } from './pipeline/index.js';
import { restrictedJoinAuthoriser } from './restricted-join.js';
import { RoomWriter } from './room-writer.js';
import { planUpgrade, restrictedPowerLevels } from './room-upgrade.js';
import { checkMessageEventType, checkStateContent } from './state-content.js';
import type { CreateRoomRequest, CreateRoomResult, RoomService, SentEvent } from './service.js';

/** A user's profile as member events carry it (S3's profile store answers). */
export interface MemberProfile {
  readonly displayname?: string;
  readonly avatar_url?: string;
}

export interface RoomServiceDeps {
  readonly store: Store;
  readonly kernels: Kernels;
  readonly clock: { now(): number };
  readonly signingKey: SigningKey;
  readonly serverName: string;
  readonly defaultRoomVersion: string;
  /** S5's Notifier (anything with roomEvent) */
  readonly sink: RoomEventSink;
  /** default: a key ring holding our own key */
  readonly keyRing?: KeyRing;
  /** default: StoreRoomAliases */
  readonly aliases?: RoomAliases;
  readonly directory?: RoomDirectory;
  /** the profile a member event starts with (default: none) */
  readonly profile?: (userId: string) => Promise<MemberProfile | undefined> | MemberProfile | undefined;
  /** a local user joined a room that replaced `oldRoomId` (room upgrades): copy their settings over */
  readonly joinedReplacement?: (userId: string, oldRoomId: string, newRoomId: string) => Promise<void>;
}


const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Client-server API "Transaction identifiers" (v1.7+): a transaction id is
 * scoped to one device and one HTTP endpoint, so a retry after a token refresh
 * is still recognised, and `send` and `redact` with the same id are different
 * requests. The endpoint is the request path, as Synapse keys its transaction
 * cache (and Complement's TestTxnIdempotency expects): the same id in another
 * room, for another event type or redacting another event is a new request.
 */
type TxnEndpoint = 'send' | 'redact';
function txnScope(requester: Requester, endpoint: TxnEndpoint, roomId: string, target: string): string {
  return `client\u0000${requester.userId}\u0000${requester.deviceId}\u0000${endpoint}\u0000${roomId}\u0000${target}`;
}

/**
 * Transaction ids the server makes for the POST send/redact forms, which carry none
 * (src/api/client/rooms/server-txn.ts). The client never saw them, so they are not echoed
 * back as unsigned.transaction_id ("the client-supplied transaction ID").
 */
export const SERVER_TXN_PREFIX = 'm.server.';

/** In the event's write: the client transaction id's answer, and which device sent the event under which id. */
function* recordTxn(
  tx: WriteTx, ids: TransactionIds, eventTxns: EventTxnIds, scope: string, txnId: string, ts: number,
  roomId: string, deviceId: string, eventId: string,
): Op<void> {
  yield* ids.put(tx, scope, txnId, { ts, response: encoder.encode(JSON.stringify({ event_id: eventId, room_id: roomId })) });
  if (!txnId.startsWith(SERVER_TXN_PREFIX)) yield* eventTxns.put(tx, eventId, { deviceId, txnId });
}

/**
 * Other keys of a join request's body go into the member event (Synapse; sytest "POST
 * /join/:room_id can join a room with custom content"). A string displayname or avatar_url
 * given there is a per-room profile and wins over the global one, as Synapse's default
 * allow_per_room_profiles; membership, reason and the restricted-join authoriser stay ours.
 */
function mergeCustomMemberContent(content: Record<string, unknown>, custom: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(custom)) {
    if (k === 'membership' || k === 'reason' || k === 'join_authorised_via_users_server') continue;
    if ((k === 'displayname' || k === 'avatar_url') && typeof v !== 'string') continue;
    content[k] = v;
  }
}

export class RoomServiceImpl implements RoomService {
  readonly events: EventSource;
  readonly pipeline: EventPipeline;
  private readonly writer: RoomWriter;
  private readonly aliases: RoomAliases;
  private readonly directory: RoomDirectory;
  private readonly forgotten: ForgottenRooms;
  /** the store's aliases and directory, which a room upgrade moves to the replacement room */
  private readonly storeAliases: StoreRoomAliases;

  constructor(private readonly deps: RoomServiceDeps) {
    this.events = new EventSource(deps.store, deps.kernels);
    const keyRing = deps.keyRing ?? new StaticKeyRing(deps.kernels).addSigningKey(deps.signingKey);
    this.pipeline = new EventPipeline({
      store: deps.store, kernels: deps.kernels, keyRing, events: this.events, sink: deps.sink, authIndex: new AuthIndexCache(deps.store),
    });
    this.writer = new RoomWriter(deps, this.events, this.pipeline);
    const fallback = new StoreRoomAliases(deps.store, () => deps.clock.now());
    this.aliases = deps.aliases ?? fallback;
    this.directory = deps.directory ?? fallback;
    this.storeAliases = fallback;
    this.forgotten = new ForgottenRooms(deps.store, () => deps.clock.now());
  }

  private async memberContent(userId: string, membership: string, reason?: string): Promise<Record<string, unknown>> {
    const profile = domainOf(userId) === this.deps.serverName && this.deps.profile ? await this.deps.profile(userId) : undefined;
    const content: Record<string, unknown> = { membership };
    if (profile?.displayname !== undefined) content.displayname = profile.displayname;
    if (profile?.avatar_url !== undefined) content.avatar_url = profile.avatar_url;
    if (reason !== undefined) content.reason = reason;
    return content;
  }

  private sent(r: PipelineResult): SentEvent {
    return { event_id: r.eventId, room_id: r.roomId };
  }

  // ---- createRoom -------------------------------------------------------------------------

  /** `roomIdChoice`: the id a room before v12 gets (a room upgrade names it in the old room's tombstone first). */
  async createRoom(requester: Requester, request: CreateRoomRequest, roomIdChoice?: string): Promise<CreateRoomResult> {
    if (requester.isGuest) throw guestAccessForbidden('Guests cannot create rooms');
    const versionId = request.room_version ?? this.deps.defaultRoomVersion;
    const rules = roomVersion(versionId);
    if (rules === undefined) throw unsupportedRoomVersion(`Room version ${versionId} is not supported by this server`);
    for (const u of request.invite ?? []) if (!isValidUserId(u)) throw invalidParam(`invite: ${JSON.stringify(u)} is not a user id`);

    let alias: string | undefined;
    if (request.room_alias_name !== undefined) {
      const local = request.room_alias_name;
      // Appendices "Room aliases": any code point but ":" and NUL (so "#" too: bridged IRC
      // channels), 255 bytes at most with sigil and domain; whitespace is refused as Synapse does.
      if (local === '' || /[:\s\u0000]/.test(local)) throw invalidParam('room_alias_name must be a non-empty localpart without ":", NUL or whitespace');
      alias = `#${local}:${this.deps.serverName}`;
      if (Buffer.byteLength(alias) > 255) throw invalidParam(`room_alias_name: the alias would be ${Buffer.byteLength(alias)} bytes long; 255 at most`);
      if ((await this.aliases.resolve(alias)) !== undefined) throw new MatrixError(400, 'M_ROOM_IN_USE', `Room alias ${alias} is already taken`);
    }
    const member = await this.memberContent(requester.userId, 'join');
    const plan = planCreateRoom(rules, requester.userId, request, member, alias);
    for (const e of request.initial_state ?? []) checkStateContent(rules, undefined, e.type, e.state_key ?? '', e.content);
    this.rehearseCreate(rules, requester.userId, plan, request.is_direct === true);

    const roomId = rules.roomIdFromCreateEvent ? undefined : roomIdChoice ?? `!${randomBytes(12).toString('base64url')}:${this.deps.serverName}`;
    const { userId } = requester;
    // The room id is unknown before the v12 create event exists, so the create event runs under a provisional writer key.
    const writerKey = roomId ?? `create:${randomBytes(9).toString('base64url')}`;
    const created = await this.pipeline.queue.run(writerKey, async () => {
      const create = await this.writer.sendLocked(rules, roomId, userId, 'm.room.create', '', plan.createContent);
      this.events.setRoomRules(create.roomId, rules);
      return create.roomId;
    });
    await this.pipeline.queue.run(created, async () => {
      for (const e of plan.state) {
        try {
          await this.writer.sendLocked(rules, created, userId, e.type, e.stateKey, e.content);
        } catch (err) {
          if (err instanceof MatrixError && err.errcode === 'M_FORBIDDEN') {
            throw invalidRoomState(`createRoom: the ${e.type} event is not allowed: ${err.message}`);
          }
          throw err;
        }
      }
    });
    // A room created with a predecessor (an upgrade, or one done by hand): the creator's settings follow.
    await this.afterJoiningReplacement(userId, created);
    if (alias !== undefined) await this.aliases.create(alias, created, userId);
    if (request.visibility !== undefined) await this.directory.setVisibility(created, request.visibility);
    for (const invitee of plan.invites) {
      await this.invite(requester, created, invitee, request.is_direct === true ? { isDirect: true } : {});
    }
    return alias !== undefined ? { room_id: created, room_alias: alias } : { room_id: created };
  }

  /**
   * createRoom's events built in memory and checked against the state so far before anything
   * is written: a request that the event format or the auth rules would refuse midway
   * (initial_state, power_level_content_override, invites) fails whole, with the error the
   * real send would give, and leaves no half-created room behind.
   */
  private rehearseCreate(rules: RoomVersionRules, sender: string, plan: CreateRoomPlan, isDirect: boolean): void {
    const state = new Map<string, Pdu>();
    const authState: AuthState = (type, stateKey) => state.get(stateKeyOf(type, stateKey));
    // The rehearsal's room id is a placeholder (v12 derives it from the create event's hash).
    const roomId = rules.roomIdFromCreateEvent ? undefined : `!rehearsal:${this.deps.serverName}`;
    const create = this.writer.build({ rules, ...(roomId !== undefined ? { roomId } : {}), sender, type: 'm.room.create', stateKey: '', content: plan.createContent, prevEvents: [], authState });
    const first = checkAuth(rules, create.pdu, authState);
    if (!first.allowed) throw badJson(`createRoom: the m.room.create event is not valid: ${first.reason}`);
    state.set(stateKeyOf('m.room.create', ''), create.pdu);
    let prev = create.pdu;
    const step = (type: string, stateKey: string, content: Record<string, unknown>, refused: (reason: string) => MatrixError): void => {
      const built = this.writer.build({ rules, roomId: create.roomId, sender, type, stateKey, content, prevEvents: [prev], authState });
      const r = checkAuth(rules, built.pdu, authState);
      if (!r.allowed) throw refused(r.reason);
      state.set(stateKeyOf(type, stateKey), built.pdu);
      prev = built.pdu;
    };
    for (const e of plan.state) step(e.type, e.stateKey, e.content, (why) => invalidRoomState(`createRoom: the ${e.type} event is not allowed: ${why}`));
    const invite = isDirect ? { membership: 'invite', is_direct: true } : { membership: 'invite' };
    for (const u of plan.invites) step('m.room.member', u, invite, (why) => forbidden(`createRoom: cannot invite ${u}: ${why}`));
  }

  // ---- membership -------------------------------------------------------------------------

  async resolveAlias(alias: string): Promise<string | undefined> {
    return this.aliases.resolve(alias);
  }

  private async roomIdOf(roomIdOrAlias: string): Promise<string> {
    if (roomIdOrAlias.startsWith('#')) {
      const roomId = await this.aliases.resolve(roomIdOrAlias);
      if (roomId === undefined) throw notFound(`Room alias ${roomIdOrAlias} not found`);
      return roomId;
    }
    if (!roomIdOrAlias.startsWith('!')) throw invalidParam(`${roomIdOrAlias} is neither a room id nor a room alias`);
    return roomIdOrAlias;
  }

  /** A room we can join or knock on locally; a room only known elsewhere needs federation. */
  private requireLocalRoom(roomId: string): RoomVersionRules {
    const rules = this.events.roomRules(roomId);
    if (rules !== undefined) return rules;
    const domain = domainOf(roomId);
    if (domain !== undefined && domain !== this.deps.serverName) {
      throw notFound(`Room ${roomId} is not known here; joining rooms on other servers needs federation, which this server does not do yet`);
    }
    throw notFound(`Unknown room ${roomId}`);
  }

  async join(requester: Requester, roomIdOrAlias: string, opts: { reason?: string; content?: Record<string, unknown> } = {}): Promise<SentEvent> {
    const roomId = await this.roomIdOf(roomIdOrAlias);
    this.requireLocalRoom(roomId);
    const content = await this.memberContent(requester.userId, 'join', opts.reason);
    if (opts.content !== undefined) mergeCustomMemberContent(content, opts.content);
    let newlyJoined = false;
    const r = await this.pipeline.queue.run(roomId, async () => {
      const rules = this.writer.rulesOf(roomId);
      const now = this.writer.membershipOf(roomId, requester.userId);
      if (now?.membership === 'join') return { eventId: now.eventId, roomId } as PipelineResult;
      // Guests join only rooms that let them in (client-server-api#guest-access).
      if (requester.isGuest && this.writer.currentEvent(roomId, 'm.room.guest_access', '')?.content.guest_access !== 'can_join') {
        throw guestAccessForbidden(`Room ${roomId} does not allow guests`);
      }
      const authoriser = restrictedJoinAuthoriser(this.writer, rules, roomId, requester.userId, now?.membership);
      if (authoriser !== undefined) content.join_authorised_via_users_server = authoriser;
      const sent = await this.writer.sendLocked(rules, roomId, requester.userId, 'm.room.member', requester.userId, content);
      newlyJoined = true;
      return sent;
    });
    await this.forgotten.set(requester.userId, roomId, false);
    if (newlyJoined) await this.afterJoiningReplacement(requester.userId, roomId);
    return this.sent(r);
  }

  /** Room upgrades: a user joining a room that names a predecessor gets their settings copied from it. */
  private async afterJoiningReplacement(userId: string, roomId: string): Promise<void> {
    const predecessor = this.writer.currentEvent(roomId, 'm.room.create', '')?.content.predecessor as { room_id?: unknown } | undefined;
    if (this.deps.joinedReplacement === undefined || typeof predecessor?.room_id !== 'string') return;
    try {
      await this.deps.joinedReplacement(userId, predecessor.room_id, roomId);
    } catch (err) {
      // The join stands; copying settings is a courtesy (Synapse logs and carries on).
      if (!(err instanceof MatrixError)) throw err;
    }
  }

  async leave(requester: Requester, roomId: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    this.writer.rulesOf(roomId);
    const content: Record<string, unknown> = { membership: 'leave' };
    if (opts.reason !== undefined) content.reason = opts.reason;
    return this.sent(await this.sendMembership(roomId, requester.userId, requester.userId, content));
  }

  /** Whether the user's current member event is `content` sent by `sender` (a repeated membership change). */
  private repeatsMembership(roomId: string, sender: string, target: string, content: Record<string, unknown>): Pdu | undefined {
    const current = this.writer.currentEvent(roomId, 'm.room.member', target);
    return current !== undefined && current.sender === sender && sameJson(current.content, content) ? current : undefined;
  }

  /**
   * A membership change that repeats the current one (same sender, membership and content)
   * answers the current event instead of sending another, as Synapse's update_membership does:
   * a retried leave, invite, kick or ban is a 200, not a 403 or a duplicate event.
   */
  private sendMembership(roomId: string, sender: string, target: string, content: Record<string, unknown>): Promise<PipelineResult> {
    return this.pipeline.queue.run(roomId, async () => {
      const repeated = this.repeatsMembership(roomId, sender, target, content);
      if (repeated !== undefined) return { eventId: repeated.eventId, roomId } as PipelineResult;
      return this.writer.sendLocked(this.writer.rulesOf(roomId), roomId, sender, 'm.room.member', target, content);
    });
  }

  async forget(requester: Requester, roomId: string): Promise<void> {
    const m = this.writer.membershipOf(roomId, requester.userId);
    if (m === undefined && this.events.roomRules(roomId) === undefined) throw notFound(`Unknown room ${roomId}`);
    if (m?.membership === 'join' || m?.membership === 'invite' || m?.membership === 'knock') {
      throw new MatrixError(400, 'M_UNKNOWN', `You are still in room ${roomId} (membership ${m.membership}): leave it first`);
    }
    await this.forgotten.set(requester.userId, roomId, true);
  }

  async isForgotten(userId: string, roomId: string): Promise<boolean> {
    return this.forgotten.has(userId, roomId);
  }

  async invite(requester: Requester, roomId: string, userId: string, opts: { reason?: string; isDirect?: boolean } = {}): Promise<SentEvent> {
    if (!isValidUserId(userId)) throw invalidParam(`${userId} is not a user id`);
    this.writer.rulesOf(roomId);
    const content = await this.memberContent(userId, 'invite', opts.reason);
    if (opts.isDirect === true) content.is_direct = true;
    const r = await this.sendMembership(roomId, requester.userId, userId, content);
    await this.forgotten.set(userId, roomId, false);
    return this.sent(r);
  }

  async kick(requester: Requester, roomId: string, userId: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    this.writer.rulesOf(roomId);
    const content = { membership: 'leave', ...(opts.reason !== undefined ? { reason: opts.reason } : {}) };
    const m = this.writer.membershipOf(roomId, userId)?.membership;
    if (m !== 'join' && m !== 'invite' && m !== 'knock' && this.repeatsMembership(roomId, requester.userId, userId, content) === undefined) {
      throw forbidden(`${userId} is not in room ${roomId}`);
    }
    return this.sent(await this.sendMembership(roomId, requester.userId, userId, content));
  }

  async ban(requester: Requester, roomId: string, userId: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    if (!isValidUserId(userId)) throw invalidParam(`${userId} is not a user id`);
    this.writer.rulesOf(roomId);
    return this.sent(await this.sendMembership(roomId, requester.userId, userId, { membership: 'ban', ...(opts.reason !== undefined ? { reason: opts.reason } : {}) }));
  }

  async unban(requester: Requester, roomId: string, userId: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    this.writer.rulesOf(roomId);
    if (this.writer.membershipOf(roomId, userId)?.membership !== 'ban') throw forbidden(`${userId} is not banned from room ${roomId}`);
    return this.sent(await this.writer.send(roomId, requester.userId, 'm.room.member', userId, { membership: 'leave', ...(opts.reason !== undefined ? { reason: opts.reason } : {}) }));
  }

  async knock(requester: Requester, roomIdOrAlias: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    const roomId = await this.roomIdOf(roomIdOrAlias);
    const rules = this.requireLocalRoom(roomId);
    if (!rules.knocking) throw forbidden(`Room ${roomId} is version ${rules.id}, which does not support knocking`);
    const content = await this.memberContent(requester.userId, 'knock', opts.reason);
    const r = await this.writer.send(roomId, requester.userId, 'm.room.member', requester.userId, content);
    await this.forgotten.set(requester.userId, roomId, false);
    return this.sent(r);
  }

  // ---- send, state, redact -----------------------------------------------------------------

  async sendEvent(requester: Requester, roomId: string, type: string, content: Record<string, unknown>, txnId: string): Promise<SentEvent> {
    this.writer.rulesOf(roomId);
    checkMessageEventType(type);
    const { store } = this.deps;
    const scope = txnScope(requester, 'send', roomId, type);
    const ids = store.transactionIds;
    // A retried transaction id is answered under the room's writer, after any
    // send of the same id still in flight has committed.
    return this.pipeline.queue.run(roomId, async () => {
      const again = readNow(store, (tx) => ids.get(tx, scope, txnId));
      if (again !== undefined) return JSON.parse(decoder.decode(again.response)) as SentEvent;
      // A redaction sent here redacts in every room version (spec v1.18): the content's `redacts`
      // goes where the version wants it (top level before v11, content from v11).
      if (type === 'm.room.redaction' && typeof content.redacts === 'string') {
        const { redacts, ...rest } = content;
        return this.sendWithTxn(requester, roomId, type, undefined, rest, txnId, scope, { redacts });
      }
      return this.sendWithTxn(requester, roomId, type, undefined, content, txnId, scope, {});
    });
  }

  /** Under the room's writer: send and record the transaction id (under the caller's scope) in the same write. */
  private async sendWithTxn(
    requester: Requester, roomId: string, type: string, stateKey: string | undefined, content: Record<string, unknown>,
    txnId: string, scope: string, opts: { redacts?: string },
  ): Promise<SentEvent> {
    const { store, clock } = this.deps;
    const ids = store.transactionIds;
    const eventTxns = store.eventTxnIds;
    const rules = this.writer.rulesOf(roomId);
    const ts = clock.now();
    const deviceId = requester.deviceId;
    const r = await this.writer.sendLocked(rules, roomId, requester.userId, type, stateKey, content, {
      redacts: opts.redacts,
      // An arrow around a module-level generator: a generator closure per send
      // gave each send's generator object a new map (missed inline caches).
      extra: (tx, persisted) => recordTxn(tx, ids, eventTxns, scope, txnId, ts, roomId, deviceId, persisted.eventId),
    });
    return this.sent(r);
  }

  async setState(requester: Requester, roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<SentEvent> {
    checkStateContent(this.writer.rulesOf(roomId), roomId, type, stateKey, content);
    if (type === 'm.room.canonical_alias' && stateKey === '') await this.checkCanonicalAlias(roomId, content);
    const r = await this.pipeline.queue.run(roomId, async () => {
      // Putting the same content again by the same sender changes nothing: answer the current event.
      const existing = this.writer.currentEvent(roomId, type, stateKey);
      if (existing !== undefined && existing.sender === requester.userId && sameJson(existing.content, content)
        && this.writer.membershipOf(roomId, requester.userId)?.membership === 'join') {
        return { eventId: existing.eventId, roomId } as PipelineResult;
      }
      const sent = await this.writer.sendLocked(this.writer.rulesOf(roomId), roomId, requester.userId, type, stateKey, content);
      if (type === 'm.room.guest_access' && stateKey === '' && content.guest_access !== 'can_join') await this.guestsLeaveLocked(roomId);
      return sent;
    });
    return this.sent(r);
  }

  /**
   * Guests may stay only while the room lets them join: when m.room.guest_access stops being
   * can_join, our joined guests leave (client-server-api#guest-access "Server behaviour").
   */
  private async guestsLeaveLocked(roomId: string): Promise<void> {
    const { store } = this.deps;
    const guests = readNow(store, function* (tx) {
      const out: string[] = [];
      for (const m of yield* store.membership.ofRoom(tx, roomId, 'join')) {
        if ((yield* store.accounts.get(tx, m.userId))?.guest === true) out.push(m.userId);
      }
      return out;
    });
    const rules = this.writer.rulesOf(roomId);
    for (const guest of guests) await this.writer.sendLocked(rules, roomId, guest, 'm.room.member', guest, { membership: 'leave' });
  }

  /** client-server-api#put_matrixclientv3roomsroomidstateeventtypestatekey: every alias must be well formed and, if ours, point here. */
  private async checkCanonicalAlias(roomId: string, content: Record<string, unknown>): Promise<void> {
    const aliases: unknown[] = [];
    if (content.alias !== undefined && content.alias !== null) aliases.push(content.alias);
    if (content.alt_aliases !== undefined) {
      if (!Array.isArray(content.alt_aliases)) throw invalidParam('alt_aliases must be a list of room aliases');
      aliases.push(...content.alt_aliases);
    }
    for (const alias of aliases) {
      if (typeof alias !== 'string' || !/^#[^:]+:.+$/.test(alias)) throw invalidParam(`${JSON.stringify(alias)} is not a room alias`);
      if (domainOf(alias) !== this.deps.serverName) continue; // remote aliases would need a federation query
      if ((await this.aliases.resolve(alias)) !== roomId) throw new MatrixError(400, 'M_BAD_ALIAS', `The alias ${alias} does not point to this room`);
    }
  }

  async redact(requester: Requester, roomId: string, eventId: string, reason: string | undefined, txnId: string): Promise<SentEvent> {
    this.writer.rulesOf(roomId);
    const target = this.events.get(eventId);
    if (target === undefined) throw notFound(`Event ${eventId} not found in room ${roomId}`);
    // 400, as Synapse ("Cannot redact event from a different room"; sytest expects it)
    if (target.pdu.roomId !== roomId) throw invalidParam(`Event ${eventId} is not in room ${roomId}`);
    this.checkMayRedact(requester.userId, roomId, target.pdu);
    const { store } = this.deps;
    const scope = txnScope(requester, 'redact', roomId, eventId);
    const ids = store.transactionIds;
    const prior = readNow(store, (tx) => ids.get(tx, scope, txnId));
    if (prior !== undefined) return JSON.parse(decoder.decode(prior.response)) as SentEvent;
    return this.pipeline.queue.run(roomId, async () => {
      const again = readNow(store, (tx) => ids.get(tx, scope, txnId));
      if (again !== undefined) return JSON.parse(decoder.decode(again.response)) as SentEvent;
      const content: Record<string, unknown> = reason !== undefined ? { reason } : {};
      return this.sendWithTxn(requester, roomId, 'm.room.redaction', undefined, content, txnId, scope, { redacts: eventId });
    });
  }

  /**
   * The auth rules let anyone who may send redactions send one (v3+ leave the
   * decision to when it is applied); our own clients are told at once, as
   * Synapse does: others' events need the redact level, create events never.
   */
  private checkMayRedact(userId: string, roomId: string, target: Pdu): void {
    if (target.type === 'm.room.create' && target.stateKey === '') throw forbidden('Redacting the create event is not permitted');
    if (target.sender === userId) return;
    const rules = this.writer.rulesOf(roomId);
    const authState: AuthState = (type, stateKey) => this.writer.currentEvent(roomId, type, stateKey);
    if (powerLevelOf(rules, userId, authState) < PowerLevels.from(rules, authState).named('redact')) {
      throw forbidden('You do not have permission to redact events of other users');
    }
  }

  // ---- room upgrades -----------------------------------------------------------------------

  /**
   * client-server-api "Room Upgrades", server behaviour: (1) the user must be allowed to send
   * m.room.tombstone; (2, 3) the replacement room is created with its predecessor and the
   * transferable state (bans too, as Synapse); (4) local aliases and the directory listing
   * move; (5) the tombstone is sent; (6) the old room's power levels are restricted.
   * Steps after the replacement exists are best effort where Synapse's are (aliases, bans,
   * restricting), so a refusal there does not leave the upgrade half done without its tombstone.
   */
  async upgradeRoom(requester: Requester, roomId: string, newVersion: string, opts: { additionalCreators?: readonly string[] } = {}): Promise<{ replacement_room: string }> {
    const newRules = roomVersion(newVersion);
    if (newRules === undefined) throw unsupportedRoomVersion(`Room version ${newVersion} is not supported by this server`);
    const oldRules = this.writer.rulesOf(roomId);
    const { userId } = requester;
    const current: AuthState = (type, stateKey) => this.writer.currentEvent(roomId, type, stateKey);
    const tombstone = (replacement: string): Record<string, unknown> => ({ body: 'This room has been replaced', replacement_room: replacement });
    const rehearsal = this.writer.build({ rules: oldRules, roomId, sender: userId, type: 'm.room.tombstone', stateKey: '', content: tombstone(roomId), prevEvents: [], authState: current });
    const may = checkAuth(oldRules, rehearsal.pdu, current);
    if (!may.allowed) throw forbidden(`You cannot upgrade this room: ${may.reason}`);

    // Before v12 the replacement's id is chosen now and the tombstone built (not yet sent) so the
    // create event names it as the old room's last event (predecessor.event_id, as Synapse);
    // a v12 room's id comes from its create event, and its predecessor may omit event_id.
    const chosenId = newRules.roomIdFromCreateEvent ? undefined : `!${randomBytes(12).toString('base64url')}:${this.deps.serverName}`;
    const built = chosenId === undefined ? undefined
      : await this.pipeline.queue.run(roomId, async () => this.writer.buildLocked(oldRules, roomId, userId, 'm.room.tombstone', '', tombstone(chosenId)));
    const plan = planUpgrade(oldRules, newRules, userId, current, roomId, built?.eventId, opts.additionalCreators);
    const { store } = this.deps;
    const bans = readNow(store, (tx) => store.membership.ofRoom(tx, roomId, 'ban'));
    const { room_id: replacement } = await this.createRoom(requester, plan.request, chosenId);
    const bestEffort = async (step: () => Promise<unknown>): Promise<void> => {
      try {
        await step();
      } catch (err) {
        if (!(err instanceof MatrixError)) throw err;
      }
    };
    for (const ban of bans) {
      const reason = this.events.pdu(ban.eventId)?.content.reason;
      await bestEffort(() => this.writer.send(replacement, userId, 'm.room.member', ban.userId, { membership: 'ban', ...(typeof reason === 'string' ? { reason } : {}) }));
    }
    if (plan.finalPowerLevels !== undefined) await this.writer.send(replacement, userId, 'm.room.power_levels', '', plan.finalPowerLevels);

    // The tombstone is the old room's next event (sytest: the first one a client syncs after the upgrade).
    if (built !== undefined) await this.pipeline.queue.run(roomId, () => this.writer.submitLocked(oldRules, built));
    else await this.writer.send(roomId, userId, 'm.room.tombstone', '', tombstone(replacement));
    const restricted = restrictedPowerLevels(oldRules, current('m.room.power_levels', '')?.content);
    if (restricted !== undefined) await bestEffort(() => this.writer.send(roomId, userId, 'm.room.power_levels', '', restricted));
    const moved = await this.storeAliases.ofRoom(roomId);
    for (const alias of moved) await this.storeAliases.repoint(alias, replacement);
    const canonical = current('m.room.canonical_alias', '')?.content;
    if (canonical !== undefined && moved.length > 0) {
      const isMoved = (a: unknown): boolean => typeof a === 'string' && moved.includes(a);
      const alt = Array.isArray(canonical.alt_aliases) ? canonical.alt_aliases : [];
      const next: Record<string, unknown> = {};
      if (isMoved(canonical.alias)) next.alias = canonical.alias;
      if (alt.some(isMoved)) next.alt_aliases = alt.filter(isMoved);
      if (Object.keys(next).length > 0) await bestEffort(() => this.writer.send(replacement, userId, 'm.room.canonical_alias', '', next));
      const left: Record<string, unknown> = { ...canonical };
      if (isMoved(canonical.alias)) delete left.alias;
      if (Array.isArray(canonical.alt_aliases)) left.alt_aliases = alt.filter((a) => !isMoved(a));
      await bestEffort(() => this.writer.send(roomId, userId, 'm.room.canonical_alias', '', left));
    }
    if (await this.storeAliases.visibility(roomId) === 'public') {
      await this.directory.setVisibility(replacement, 'public');
      await this.directory.setVisibility(roomId, 'private');
    }

    return { replacement_room: replacement };
  }

  // ---- profile propagation -------------------------------------------------------------------

  async updateProfileInRooms(userId: string, displayname: string | null | undefined, avatarUrl: string | null | undefined): Promise<void> {
    const { store } = this.deps;
    const rooms = readNow(store, (tx) => store.membership.ofUser(tx, userId, 'join'));
    for (const { roomId } of rooms) {
      try {
        await this.pipeline.queue.run(roomId, async () => {
          const current = this.writer.currentEvent(roomId, 'm.room.member', userId);
          if (current === undefined || current.content.membership !== 'join') return;
          const content: Record<string, unknown> = { ...current.content };
          delete content.reason;
          delete content.join_authorised_via_users_server;
          if (displayname !== undefined) {
            if (displayname === null) delete content.displayname;
            else content.displayname = displayname;
          }
          if (avatarUrl !== undefined) {
            if (avatarUrl === null) delete content.avatar_url;
            else content.avatar_url = avatarUrl;
          }
          if (sameJson(content, current.content)) return;
          await this.writer.sendLocked(this.writer.rulesOf(roomId), roomId, userId, 'm.room.member', userId, content);
        });
      } catch {
        // One room refusing the change (e.g. power levels) must not stop the others.
      }
    }
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
