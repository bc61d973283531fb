// What GET /room_summary adds to a public rooms chunk, and who may see it
// (client-server-api#get_matrixclientv1room_summaryroomidoralias). Synapse's room summary
// answers a room the user is in, invited to or knocking on, a room anyone may join, knock on
// or read, and a restricted room the user may join through one of its allowed rooms;
// anything else is 404, as an unknown room (its existence is not revealed).
import type { Store } from '../../store/index.js';
import type { Op, ReadTx } from '../../store/trees.js';
import { parseEventJson } from './client-event.js';

export interface SummaryExtras {
  readonly room_version: string;
  readonly encryption?: string;
  readonly allowed_room_ids?: string[];
}

const OPEN_JOIN_RULES = new Set(['public', 'knock', 'knock_restricted']);
const RESTRICTED_JOIN_RULES = new Set(['restricted', 'knock_restricted']);

function* stateContent(store: Store, tx: ReadTx, roomId: string, type: string): Op<Record<string, unknown> | undefined> {
  const id = yield* store.state.currentEntry(tx, roomId, type, '');
  const json = id === undefined ? undefined : yield* store.events.json(tx, id);
  return json === undefined ? undefined : (parseEventJson(json).content ?? {}) as Record<string, unknown>;
}

function allowedRooms(joinRules: Record<string, unknown> | undefined): string[] {
  if (!RESTRICTED_JOIN_RULES.has(joinRules?.join_rule as string) || !Array.isArray(joinRules?.allow)) return [];
  const out: string[] = [];
  for (const a of joinRules.allow as unknown[]) {
    const entry = a as { type?: unknown; room_id?: unknown } | null;
    if (entry?.type === 'm.room_membership' && typeof entry.room_id === 'string') out.push(entry.room_id);
  }
  return out;
}

/** The summary's extra fields, or undefined when `userId` (undefined: no access token) may not see the room. */
export function* roomSummaryExtras(store: Store, tx: ReadTx, roomId: string, userId: string | undefined, membership: string | undefined): Op<SummaryExtras | undefined> {
  const create = yield* stateContent(store, tx, roomId, 'm.room.create');
  if (create === undefined) return undefined;
  const joinRules = yield* stateContent(store, tx, roomId, 'm.room.join_rules');
  const allowed = allowedRooms(joinRules);
  let visible = membership === 'join' || membership === 'invite' || membership === 'knock'
    || OPEN_JOIN_RULES.has(joinRules?.join_rule as string)
    || (yield* stateContent(store, tx, roomId, 'm.room.history_visibility'))?.history_visibility === 'world_readable';
  if (!visible && userId !== undefined) {
    for (const other of allowed) {
      if ((yield* store.membership.get(tx, other, userId))?.membership === 'join') {
        visible = true;
        break;
      }
    }
  }
  if (!visible) return undefined;
  const encryption = (yield* stateContent(store, tx, roomId, 'm.room.encryption'))?.algorithm;
  return {
    room_version: typeof create.room_version === 'string' ? create.room_version : '1',
    ...(typeof encryption === 'string' ? { encryption } : {}),
    ...(allowed.length > 0 ? { allowed_room_ids: allowed } : {}),
  };
}
