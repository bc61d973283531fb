// A room's public description: the PublicRoomsChunk of /publicRooms (client-server-api
// #post_matrixclientv3publicrooms) and the room summary of GET /v1/room_summary (spec v1.15,
// MSC3266), read from the room's current state.
import type { Store } from '../../store/index.js';
import type { Op, ReadTx } from '../../store/trees.js';
import { parseEventJson } from './client-event.js';

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

export interface RoomSummary extends PublicRoomsChunk {
  readonly allowed_room_ids?: string[];
  readonly encryption?: string;
  readonly room_version: string;
  /** the caller's membership ('leave' when none); absent for unauthenticated calls */
  readonly membership?: string;
}

type Content = Record<string, unknown>;

function* stateContent(tx: ReadTx, store: Store, roomId: string, type: string): Op<Content | undefined> {
  const id = yield* store.state.currentEntry(tx, roomId, type, '');
  const json = id === undefined ? undefined : yield* store.events.json(tx, id);
  return json === undefined ? undefined : (parseEventJson(json).content ?? {}) as Content;
}

const str = (o: Content | undefined, k: string): string | undefined => (typeof o?.[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);

/** The room's directory entry; undefined for a room this server does not know. */
export function* publicRoomsChunk(tx: ReadTx, store: Store, roomId: string): Op<PublicRoomsChunk | undefined> {
  const content = (type: string) => stateContent(tx, store, roomId, type);
  const create = yield* content('m.room.create');
  if (create === undefined) return undefined;
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

const OPEN_JOIN_RULES = new Set(['public', 'knock', 'knock_restricted']);
const RESTRICTED = new Set(['restricted', 'knock_restricted']);
const MEMBER = new Set(['join', 'invite', 'knock']);

/**
 * The summary `userId` (undefined: an unauthenticated caller) may read, or undefined when the
 * room is unknown or not theirs to see. Who may read follows Synapse's _is_local_room_accessible
 * (the spec only says when unauthenticated access MAY be allowed): an open join rule
 * (public, knock, knock_restricted) or world_readable history lets anyone; otherwise the user
 * must be joined, invited or knocking, or able to join a restricted room through an allowed room.
 */
export function* roomSummary(tx: ReadTx, store: Store, roomId: string, userId: string | undefined): Op<RoomSummary | undefined> {
  const chunk = yield* publicRoomsChunk(tx, store, roomId);
  if (chunk === undefined) return undefined;
  const joinRules = yield* stateContent(tx, store, roomId, 'm.room.join_rules');
  const allowed = RESTRICTED.has(chunk.join_rule ?? '') && Array.isArray(joinRules?.allow)
    ? (joinRules.allow as unknown[]).flatMap((a) => {
      const rule = a as { type?: unknown; room_id?: unknown } | null;
      return rule?.type === 'm.room_membership' && typeof rule.room_id === 'string' ? [rule.room_id] : [];
    })
    : [];
  const membership = userId === undefined ? undefined : (yield* store.membership.get(tx, roomId, userId))?.membership ?? 'leave';
  let visible = OPEN_JOIN_RULES.has(chunk.join_rule ?? '') || chunk.world_readable || (membership !== undefined && MEMBER.has(membership));
  if (!visible && userId !== undefined) {
    for (const r of allowed) if ((yield* store.membership.get(tx, r, userId))?.membership === 'join') { visible = true; break; }
  }
  if (!visible) return undefined;
  const create = yield* stateContent(tx, store, roomId, 'm.room.create');
  const encryption = str(yield* stateContent(tx, store, roomId, 'm.room.encryption'), 'algorithm');
  return {
    ...chunk,
    ...(allowed.length > 0 ? { allowed_room_ids: allowed } : {}),
    ...(encryption !== undefined ? { encryption } : {}),
    // m.room.create without room_version is a v1 room (spec: m.room.create)
    room_version: str(create, 'room_version') ?? '1',
    ...(membership !== undefined ? { membership } : {}),
  };
}
