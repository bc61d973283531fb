// The RoomService implementation: builds our events (buildEvent, signed with
// our server key) from the room's forward extremities and current state, and
// runs them through the pipeline under the room's writer.
import { randomBytes } from 'node:crypto';
import type { Kernels } from '../accel/types.js';
import { CanonicalJsonError } from '../accel/types.js';
import type { Requester } from '../api/route.js';
import {
  badJson, forbidden, guestAccessForbidden, invalidParam, invalidRoomState, MatrixError, notFound, tooLarge, unsupportedRoomVersion,
} from '../api/errors.js';
import { authEventTypes, powerLevelOf, PowerLevels, type AuthState } from '../matrix/auth/index.js';
import { buildEvent } from '../matrix/event-builder.js';
import { MAX_PREV_EVENTS } from '../matrix/event-format/index.js';
import { domainOf, isValidUserId } from '../matrix/ids.js';
import { stateKeyOf, type Pdu } from '../matrix/pdu.js';
import { roomVersion, type RoomVersionRules } from '../matrix/room-versions.js';
import type { SigningKey } from '../matrix/signing.js';
import type { Store } from '../store/index.js';
import type { PersistedEvent } from '../store/repositories/events.js';
import type { Op, WriteTx } from '../store/trees.js';
import { AuthIndexCache } from './auth-index.js';
import { StoreRoomAliases, type RoomAliases, type RoomDirectory } from './aliases.js';
import { planCreateRoom } from './create-room-plan.js';
import { EventSource, readNow } from './event-source.js';
import { ForgottenRooms } from './forgotten.js';
import { StaticKeyRing } from './key-ring.js';
import { EventDropped, EventPipeline, type KeyRing, type PipelineResult, type RoomEventSink } from './pipeline/index.js';
import { authStateOf } from './pipeline/5-auth-against-state.js';
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
}

interface SendOptions {
  readonly redacts?: string;
  readonly extra?: (tx: WriteTx, persisted: PersistedEvent) => Op<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function txnScope(requester: Requester): string {
  return `client\u0000${requester.userId}\u0000${String(requester.accessTokenId)}`;
}

export class RoomServiceImpl implements RoomService {
  readonly events: EventSource;
  readonly pipeline: EventPipeline;
  private readonly aliases: RoomAliases;
  private readonly directory: RoomDirectory;
  private readonly forgotten: ForgottenRooms;

  constructor(private readonly deps: RoomServiceDeps) {
    this.events = new EventSource(deps.store, deps.kernels);
    const keyRing = deps.keyRing ?? new StaticKeyRing(deps.kernels).addSigningKey(deps.signingKey);
    this.pipeline = new EventPipeline({
      store: deps.store, kernels: deps.kernels, keyRing, events: this.events, sink: deps.sink, authIndex: new AuthIndexCache(deps.store),
    });
    const fallback = new StoreRoomAliases(deps.store, () => deps.clock.now());
    this.aliases = deps.aliases ?? fallback;
    this.directory = deps.directory ?? fallback;
    this.forgotten = new ForgottenRooms(deps.store, () => deps.clock.now());
  }

  // ---- building and sending our events ------------------------------------------------

  private rulesOf(roomId: string): RoomVersionRules {
    const rules = this.events.roomRules(roomId);
    if (rules === undefined) throw notFound(`Unknown room ${roomId}`);
    return rules;
  }

  /** Build, sign and submit one event. Call under the room's writer. Auth failures become M_FORBIDDEN. */
  private async sendLocked(
    rules: RoomVersionRules, roomId: string | undefined, sender: string, type: string, stateKey: string | undefined,
    content: Record<string, unknown>, opts: SendOptions = {},
  ): Promise<PipelineResult> {
    const { store, kernels } = this.deps;
    let prevEvents: Pdu[] = [];
    let entries = new Map<string, string>();
    if (roomId !== undefined) {
      const ext = readNow(store, (tx) => store.extremities.get(tx, roomId));
      prevEvents = ext.map((id) => this.events.pdu(id)).filter((p): p is Pdu => p !== undefined);
      // Most recent first when the room has more forward extremities than an event may cite.
      if (prevEvents.length > MAX_PREV_EVENTS) prevEvents = prevEvents.sort((a, b) => b.depth - a.depth).slice(0, MAX_PREV_EVENTS);
      const keys = authEventTypes(rules, { type, sender, stateKey, content }).map(([t, s]) => stateKeyOf(t, s));
      keys.push(stateKeyOf('m.room.create', ''));
      entries = readNow(store, function* (tx) {
        const snap = yield* store.state.currentSnapshot(tx, roomId);
        return yield* store.state.getMany(tx, snap, keys);
      });
    }
    let built;
    try {
      built = buildEvent({
        rules, ...(roomId !== undefined ? { roomId } : {}), sender, type, ...(stateKey !== undefined ? { stateKey } : {}), content,
        prevEvents, authState: authStateOf(entries, this.events), origin: this.deps.serverName,
        originServerTs: this.deps.clock.now(), signingKey: this.deps.signingKey, kernels,
        ...(opts.redacts !== undefined ? { redacts: opts.redacts } : {}),
      });
    } catch (err) {
      if ((err as Error).name === 'PduFormatError' && /bytes of canonical JSON/.test((err as Error).message)) {
        throw tooLarge(`Event too large: ${(err as Error).message}`);
      }
      if (err instanceof CanonicalJsonError || (err as Error).name === 'CanonicalJsonError' || (err as Error).name === 'PduFormatError') {
        throw badJson(`The event is not valid for room version ${rules.id}: ${(err as Error).message}`);
      }
      throw err;
    }
    let result: PipelineResult;
    try {
      result = await this.pipeline.submitLocal({ rules, json: built.json, trusted: true, eventId: built.eventId }, opts.extra ? { extra: opts.extra } : {});
    } catch (err) {
      if (err instanceof EventDropped) {
        if (/bytes/.test(err.reason)) throw tooLarge(`Event too large: ${err.reason}`);
        throw badJson(`Invalid event: ${err.reason}`);
      }
      throw err;
    }
    if (result.status === 'rejected') throw forbidden(result.reason ?? 'The event is not allowed by the room\'s auth rules');
    return result;
  }

  /** Send into an existing room under its writer. */
  private send(roomId: string, sender: string, type: string, stateKey: string | undefined, content: Record<string, unknown>, opts?: SendOptions): Promise<PipelineResult> {
    return this.pipeline.queue.run(roomId, () => this.sendLocked(this.rulesOf(roomId), roomId, sender, type, stateKey, content, opts));
  }

  private membershipOf(roomId: string, userId: string): { membership: string; eventId: string } | undefined {
    const { store } = this.deps;
    return readNow(store, (tx) => store.membership.get(tx, roomId, userId));
  }

  private currentEvent(roomId: string, type: string, stateKey: string): Pdu | undefined {
    const { store } = this.deps;
    const id = readNow(store, (tx) => store.state.currentEntry(tx, roomId, type, stateKey));
    return id === undefined ? undefined : this.events.pdu(id);
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

  async createRoom(requester: Requester, request: CreateRoomRequest): Promise<CreateRoomResult> {
    if (requester.isGuest) throw guestAccessForbidden('Guests cannot create rooms');
    const versionId = request.room_version ?? this.deps.defaultRoomVersion;
    const rules = roomVersion(versionId);
    if (rules === undefined) throw unsupportedRoomVersion(`Room version ${versionId} is not supported by this server`);
    for (const u of request.invite ?? []) if (!isValidUserId(u)) throw invalidParam(`invite: ${JSON.stringify(u)} is not a user id`);

    let alias: string | undefined;
    if (request.room_alias_name !== undefined) {
      const local = request.room_alias_name;
      if (local === '' || /[:#\s]/.test(local)) throw invalidParam('room_alias_name must be a non-empty localpart without ":", "#" or whitespace');
      alias = `#${local}:${this.deps.serverName}`;
      if ((await this.aliases.resolve(alias)) !== undefined) throw new MatrixError(400, 'M_ROOM_IN_USE', `Room alias ${alias} is already taken`);
    }
    const member = await this.memberContent(requester.userId, 'join');
    const plan = planCreateRoom(rules, requester.userId, request, member, alias);

    const roomId = rules.roomIdFromCreateEvent ? undefined : `!${randomBytes(12).toString('base64url')}:${this.deps.serverName}`;
    const { userId } = requester;
    // The room id is unknown before the v12 create event exists, so the create event runs under a provisional writer key.
    const writerKey = roomId ?? `create:${randomBytes(9).toString('base64url')}`;
    const created = await this.pipeline.queue.run(writerKey, async () => {
      const create = await this.sendLocked(rules, roomId, userId, 'm.room.create', '', plan.createContent);
      this.events.setRoomRules(create.roomId, rules);
      return create.roomId;
    });
    await this.pipeline.queue.run(created, async () => {
      for (const e of plan.state) {
        try {
          await this.sendLocked(rules, created, userId, e.type, e.stateKey, e.content);
        } catch (err) {
          if (err instanceof MatrixError && err.errcode === 'M_FORBIDDEN') {
            throw invalidRoomState(`createRoom: the ${e.type} event is not allowed: ${err.message}`);
          }
          throw err;
        }
      }
    });
    if (alias !== undefined) await this.aliases.create(alias, created, userId);
    if (request.visibility !== undefined) await this.directory.setVisibility(created, request.visibility);
    for (const invitee of plan.invites) {
      await this.invite(requester, created, invitee, request.is_direct === true ? { isDirect: true } : {});
    }
    return alias !== undefined ? { room_id: created, room_alias: alias } : { room_id: created };
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

  async join(requester: Requester, roomIdOrAlias: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    const roomId = await this.roomIdOf(roomIdOrAlias);
    this.requireLocalRoom(roomId);
    const content = await this.memberContent(requester.userId, 'join', opts.reason);
    const r = await this.pipeline.queue.run(roomId, async () => {
      const rules = this.rulesOf(roomId);
      const now = this.membershipOf(roomId, requester.userId);
      if (now?.membership === 'join') return { eventId: now.eventId, roomId } as PipelineResult;
      // Guests join only rooms that let them in (client-server-api#guest-access).
      if (requester.isGuest && this.currentEvent(roomId, 'm.room.guest_access', '')?.content.guest_access !== 'can_join') {
        throw guestAccessForbidden(`Room ${roomId} does not allow guests`);
      }
      const authoriser = this.restrictedJoinAuthoriser(rules, roomId, requester.userId, now?.membership);
      if (authoriser !== undefined) content.join_authorised_via_users_server = authoriser;
      return this.sendLocked(rules, roomId, requester.userId, 'm.room.member', requester.userId, content);
    });
    await this.forgotten.set(requester.userId, roomId, false);
    return this.sent(r);
  }

  /**
   * Restricted rooms (v8+): a user who is in one of the rooms the join rule
   * allows joins with a local member who may invite as authoriser.
   */
  private restrictedJoinAuthoriser(rules: RoomVersionRules, roomId: string, userId: string, membership: string | undefined): string | undefined {
    if (!rules.restrictedJoins || membership === 'invite') return undefined;
    const jr = this.currentEvent(roomId, 'm.room.join_rules', '');
    const rule = jr?.content.join_rule;
    if (rule !== 'restricted' && !(rule === 'knock_restricted' && rules.knockRestrictedJoins)) return undefined;
    const allow = Array.isArray(jr!.content.allow) ? jr!.content.allow : [];
    const { store } = this.deps;
    const qualifies = allow.some((a) => {
      const entry = a as Record<string, unknown> | null;
      if (entry?.type !== 'm.room_membership' || typeof entry.room_id !== 'string') return false;
      return this.membershipOf(entry.room_id, userId)?.membership === 'join';
    });
    if (!qualifies) return undefined;
    const pl = this.currentEvent(roomId, 'm.room.power_levels', '');
    const plc = (pl?.content ?? {}) as Record<string, unknown>;
    const users = (typeof plc.users === 'object' && plc.users !== null ? plc.users : {}) as Record<string, unknown>;
    const inviteLevel = typeof plc.invite === 'number' ? plc.invite : 0;
    const usersDefault = typeof plc.users_default === 'number' ? plc.users_default : 0;
    const create = this.currentEvent(roomId, 'm.room.create', '');
    const creators = new Set<string>(rules.creatorsHaveInfinitePower && create
      ? [create.sender, ...((Array.isArray(create.content.additional_creators) ? create.content.additional_creators : []) as string[])]
      : []);
    const members = readNow(store, (tx) => store.membership.ofRoom(tx, roomId, 'join'));
    for (const m of members) {
      if (domainOf(m.userId) !== this.deps.serverName) continue;
      const level = creators.has(m.userId) ? Infinity : typeof users[m.userId] === 'number' ? users[m.userId] as number : usersDefault;
      if (level >= inviteLevel) return m.userId;
    }
    return undefined;
  }

  async leave(requester: Requester, roomId: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    this.rulesOf(roomId);
    const content: Record<string, unknown> = { membership: 'leave' };
    if (opts.reason !== undefined) content.reason = opts.reason;
    return this.sent(await this.send(roomId, requester.userId, 'm.room.member', requester.userId, content));
  }

  async forget(requester: Requester, roomId: string): Promise<void> {
    const m = this.membershipOf(roomId, requester.userId);
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
    this.rulesOf(roomId);
    const content = await this.memberContent(userId, 'invite', opts.reason);
    if (opts.isDirect === true) content.is_direct = true;
    const r = await this.send(roomId, requester.userId, 'm.room.member', userId, content);
    await this.forgotten.set(userId, roomId, false);
    return this.sent(r);
  }

  async kick(requester: Requester, roomId: string, userId: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    this.rulesOf(roomId);
    const m = this.membershipOf(roomId, userId)?.membership;
    if (m !== 'join' && m !== 'invite' && m !== 'knock') throw forbidden(`${userId} is not in room ${roomId}`);
    return this.sent(await this.send(roomId, requester.userId, 'm.room.member', userId, { membership: 'leave', ...(opts.reason !== undefined ? { reason: opts.reason } : {}) }));
  }

  async ban(requester: Requester, roomId: string, userId: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    if (!isValidUserId(userId)) throw invalidParam(`${userId} is not a user id`);
    this.rulesOf(roomId);
    return this.sent(await this.send(roomId, requester.userId, 'm.room.member', userId, { membership: 'ban', ...(opts.reason !== undefined ? { reason: opts.reason } : {}) }));
  }

  async unban(requester: Requester, roomId: string, userId: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    this.rulesOf(roomId);
    if (this.membershipOf(roomId, userId)?.membership !== 'ban') throw forbidden(`${userId} is not banned from room ${roomId}`);
    return this.sent(await this.send(roomId, requester.userId, 'm.room.member', userId, { membership: 'leave', ...(opts.reason !== undefined ? { reason: opts.reason } : {}) }));
  }

  async knock(requester: Requester, roomIdOrAlias: string, opts: { reason?: string } = {}): Promise<SentEvent> {
    const roomId = await this.roomIdOf(roomIdOrAlias);
    const rules = this.requireLocalRoom(roomId);
    if (!rules.knocking) throw forbidden(`Room ${roomId} is version ${rules.id}, which does not support knocking`);
    const content = await this.memberContent(requester.userId, 'knock', opts.reason);
    const r = await this.send(roomId, requester.userId, 'm.room.member', requester.userId, content);
    await this.forgotten.set(requester.userId, roomId, false);
    return this.sent(r);
  }

  // ---- send, state, redact -----------------------------------------------------------------

  async sendEvent(requester: Requester, roomId: string, type: string, content: Record<string, unknown>, txnId: string): Promise<SentEvent> {
    this.rulesOf(roomId);
    const { store } = this.deps;
    const scope = txnScope(requester);
    const ids = store.transactionIds;
    const prior = readNow(store, (tx) => ids.get(tx, scope, txnId));
    if (prior !== undefined) return JSON.parse(decoder.decode(prior.response)) as SentEvent;
    return this.pipeline.queue.run(roomId, async () => {
      const again = readNow(store, (tx) => ids.get(tx, scope, txnId));
      if (again !== undefined) return JSON.parse(decoder.decode(again.response)) as SentEvent;
      return this.sendWithTxn(requester, roomId, type, undefined, content, txnId, {});
    });
  }

  /** Under the room's writer: send and record the transaction id in the same write. */
  private async sendWithTxn(
    requester: Requester, roomId: string, type: string, stateKey: string | undefined, content: Record<string, unknown>,
    txnId: string, opts: { redacts?: string },
  ): Promise<SentEvent> {
    const { store, clock } = this.deps;
    const ids = store.transactionIds;
    const scope = txnScope(requester);
    const rules = this.rulesOf(roomId);
    const ts = clock.now();
    const r = await this.sendLocked(rules, roomId, requester.userId, type, stateKey, content, {
      ...opts,
      extra: function* (tx, persisted) {
        yield* ids.put(tx, scope, txnId, { ts, response: encoder.encode(JSON.stringify({ event_id: persisted.eventId, room_id: roomId })) });
      },
    });
    return this.sent(r);
  }

  async setState(requester: Requester, roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<SentEvent> {
    this.rulesOf(roomId);
    if (type === 'm.room.canonical_alias' && stateKey === '') await this.checkCanonicalAlias(roomId, content);
    const r = await this.pipeline.queue.run(roomId, async () => {
      // Putting the same content again by the same sender changes nothing: answer the current event.
      const existing = this.currentEvent(roomId, type, stateKey);
      if (existing !== undefined && existing.sender === requester.userId && sameJson(existing.content, content)
        && this.membershipOf(roomId, requester.userId)?.membership === 'join') {
        return { eventId: existing.eventId, roomId } as PipelineResult;
      }
      return this.sendLocked(this.rulesOf(roomId), roomId, requester.userId, type, stateKey, content);
    });
    return this.sent(r);
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
    this.rulesOf(roomId);
    const target = this.events.get(eventId);
    if (target === undefined || target.pdu.roomId !== roomId) throw notFound(`Event ${eventId} not found in room ${roomId}`);
    this.checkMayRedact(requester.userId, roomId, target.pdu);
    const { store } = this.deps;
    const scope = txnScope(requester);
    const ids = store.transactionIds;
    const prior = readNow(store, (tx) => ids.get(tx, scope, txnId));
    if (prior !== undefined) return JSON.parse(decoder.decode(prior.response)) as SentEvent;
    return this.pipeline.queue.run(roomId, async () => {
      const again = readNow(store, (tx) => ids.get(tx, scope, txnId));
      if (again !== undefined) return JSON.parse(decoder.decode(again.response)) as SentEvent;
      const content: Record<string, unknown> = reason !== undefined ? { reason } : {};
      return this.sendWithTxn(requester, roomId, 'm.room.redaction', undefined, content, txnId, { redacts: eventId });
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
    const rules = this.rulesOf(roomId);
    const authState: AuthState = (type, stateKey) => this.currentEvent(roomId, type, stateKey);
    if (powerLevelOf(rules, userId, authState) < PowerLevels.from(rules, authState).named('redact')) {
      throw forbidden('You do not have permission to redact events of other users');
    }
  }

  // ---- profile propagation -------------------------------------------------------------------

  async updateProfileInRooms(userId: string, displayname: string | null | undefined, avatarUrl: string | null | undefined): Promise<void> {
    const { store } = this.deps;
    const rooms = readNow(store, (tx) => store.membership.ofUser(tx, userId, 'join'));
    for (const { roomId } of rooms) {
      try {
        await this.pipeline.queue.run(roomId, async () => {
          const current = this.currentEvent(roomId, 'm.room.member', userId);
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
          await this.sendLocked(this.rulesOf(roomId), roomId, userId, 'm.room.member', userId, content);
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
