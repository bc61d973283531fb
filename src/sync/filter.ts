// Sync filters (spec: client-server-api#filtering): the parts /sync applies, from an
// inline JSON filter or a stored filter id (S3's UserService.getFilter).
import { invalidParam } from '../api/errors.js';

export interface EventFilter {
  readonly limit?: number;
  readonly types?: readonly string[];
  readonly notTypes?: readonly string[];
  readonly senders?: readonly string[];
  readonly notSenders?: readonly string[];
}

export interface RoomEventFilter extends EventFilter {
  readonly rooms?: readonly string[];
  readonly notRooms?: readonly string[];
  readonly lazyLoadMembers: boolean;
  /** per-thread notification counts (spec v1.4; meaningful on the timeline filter) */
  readonly unreadThreadNotifications: boolean;
  readonly includeRedundantMembers: boolean;
}

/** A parsed `event_fields` entry: the property names along the path. */
export type FieldPath = readonly string[];

export interface SyncFilter {
  /** `event_fields`: only these parts of each room event (state and timeline); absent: everything */
  readonly eventFields?: readonly FieldPath[];
  /** `event_format: federation`: room events as PDUs (absent: the client format) */
  readonly eventFormat?: 'federation';
  /** the request's use_state_after (spec v1.16), carried here because it shapes every room section */
  readonly stateAfter?: boolean;
  readonly accountData: EventFilter;
  readonly presence: EventFilter;
  readonly rooms?: readonly string[];
  readonly notRooms?: readonly string[];
  readonly includeLeave: boolean;
  readonly timeline: RoomEventFilter;
  readonly state: RoomEventFilter;
  readonly ephemeral: RoomEventFilter;
  readonly roomAccountData: RoomEventFilter;
}

export const DEFAULT_TIMELINE_LIMIT = 10;
const MAX_TIMELINE_LIMIT = 1000;

type Json = Record<string, unknown>;

function obj(v: unknown, where: string): Json {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParam(`filter: ${where} must be an object`);
  return v as Json;
}

function strings(v: unknown, where: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParam(`filter: ${where} must be an array of strings`);
  return v as string[];
}

function eventFilter(v: unknown, where: string): EventFilter {
  const o = obj(v, where);
  let limit: number | undefined;
  if (o.limit !== undefined) {
    // 0 is allowed: an empty timeline (limited when the room has events), as Synapse answers.
    if (typeof o.limit !== 'number' || !Number.isInteger(o.limit) || o.limit < 0) throw invalidParam(`filter: ${where}.limit must be a non-negative integer`);
    limit = Math.min(o.limit, MAX_TIMELINE_LIMIT);
  }
  const types = strings(o.types, `${where}.types`);
  const notTypes = strings(o.not_types, `${where}.not_types`);
  const senders = strings(o.senders, `${where}.senders`);
  const notSenders = strings(o.not_senders, `${where}.not_senders`);
  return {
    ...(limit !== undefined ? { limit } : {}),
    ...(types ? { types } : {}), ...(notTypes ? { notTypes } : {}),
    ...(senders ? { senders } : {}), ...(notSenders ? { notSenders } : {}),
  };
}

function roomEventFilter(v: unknown, where: string): RoomEventFilter {
  const o = obj(v, where);
  const rooms = strings(o.rooms, `${where}.rooms`);
  const notRooms = strings(o.not_rooms, `${where}.not_rooms`);
  return {
    ...eventFilter(o, where),
    ...(rooms ? { rooms } : {}), ...(notRooms ? { notRooms } : {}),
    lazyLoadMembers: o.lazy_load_members === true,
    unreadThreadNotifications: o.unread_thread_notifications === true,
    includeRedundantMembers: o.include_redundant_members === true,
  };
}

export function parseSyncFilter(json: unknown): SyncFilter {
  const f = obj(json, 'filter');
  const room = obj(f.room, 'room');
  const rooms = strings(room.rooms, 'room.rooms');
  const notRooms = strings(room.not_rooms, 'room.not_rooms');
  const fields = strings(f.event_fields, 'event_fields');
  if (f.event_format !== undefined && f.event_format !== 'client' && f.event_format !== 'federation') {
    throw invalidParam('filter: event_format must be "client" or "federation"');
  }
  return {
    ...(f.event_format === 'federation' ? { eventFormat: 'federation' as const } : {}),
    // An empty list asks for nothing in particular: whole events (as Synapse answers), not empty objects.
    ...(fields !== undefined && fields.length > 0 ? { eventFields: fields.map(parseFieldPath) } : {}),
    accountData: eventFilter(f.account_data, 'account_data'),
    presence: eventFilter(f.presence, 'presence'),
    ...(rooms ? { rooms } : {}), ...(notRooms ? { notRooms } : {}),
    includeLeave: room.include_leave === true,
    timeline: roomEventFilter(room.timeline, 'room.timeline'),
    state: roomEventFilter(room.state, 'room.state'),
    ephemeral: roomEventFilter(room.ephemeral, 'room.ephemeral'),
    roomAccountData: roomEventFilter(room.account_data, 'room.account_data'),
  };
}

export const DEFAULT_FILTER: SyncFilter = parseSyncFilter({});

const STATE_AFTER = new WeakMap<SyncFilter, SyncFilter>();
/** The filter for a request with use_state_after=true (one object per filter, not per request). */
export function withStateAfter(f: SyncFilter): SyncFilter {
  let out = STATE_AFTER.get(f);
  if (out === undefined) STATE_AFTER.set(f, (out = { ...f, stateAfter: true }));
  return out;
}

/** `*` matches any run of characters (spec: types/not_types wildcards). */
function matchesPattern(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

export function eventAllowed(f: EventFilter, type: string, sender?: string): boolean {
  if (f.notTypes?.some((p) => matchesPattern(p, type))) return false;
  if (f.types && !f.types.some((p) => matchesPattern(p, type))) return false;
  if (sender !== undefined) {
    if (f.notSenders?.includes(sender)) return false;
    if (f.senders && !f.senders.includes(sender)) return false;
  }
  return true;
}

export function roomAllowed(f: { rooms?: readonly string[]; notRooms?: readonly string[] }, roomId: string): boolean {
  if (f.notRooms?.includes(roomId)) return false;
  return f.rooms === undefined || f.rooms.includes(roomId);
}

/**
 * A dot-separated property path (spec: appendices#dot-separated-property-paths): a backslash
 * before a dot or a backslash makes it part of the name; any other backslash is itself.
 */
export function parseFieldPath(path: string): string[] {
  const names: string[] = [];
  let name = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && (path[i + 1] === '.' || path[i + 1] === '\\')) name += path[++i];
    else if (c === '.') { names.push(name); name = ''; }
    else name += c;
  }
  names.push(name);
  return names;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The parts of a client event that `event_fields` names (paths the event lacks are left out).
 * Objects are built without a prototype, so a `__proto__` name is just a name.
 */
export function projectEvent(event: Record<string, unknown>, fields: readonly FieldPath[]): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const path of fields) {
    let value: unknown = event;
    let found = true;
    for (const name of path) {
      if (!isObject(value) || !Object.hasOwn(value, name)) { found = false; break; }
      value = value[name];
    }
    if (!found) continue;
    let into = out;
    for (let i = 0; i < path.length - 1; i++) {
      const name = path[i]!;
      let next = into[name];
      // A copy of our own: a wider path copied earlier shares the event's object, which must not be written to.
      if (!isObject(next) || Object.getPrototypeOf(next) !== null) {
        next = isObject(next) ? Object.assign(Object.create(null), next) : Object.create(null);
        into[name] = next;
      }
      into = next as Record<string, unknown>;
    }
    into[path[path.length - 1]!] = value;
  }
  return out;
}
