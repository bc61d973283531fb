// PDU format per room version (spec: server-server definitions pdu_v1 … pdu_v12,
// client-server "Size limits"). A PDU that fails here is dropped, never authorised.
import { CanonicalJsonError, type Kernels } from '../../accel/types.js';
import { kernels as defaultKernels } from '../../accel/index.js';
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { MAX_ID_BYTES, isHashId, isValidRoomIdWithDomain, isValidUserId, isValidV1EventId, utf8Length } from '../ids.js';
import { jsonMode } from '../canonical.js';

/** The largest PDU, in bytes of canonical JSON (signatures included). */
export const MAX_PDU_BYTES = 65_536;
/** Upper bounds on `prev_events` and `auth_events` (spec PDU definitions). */
export const MAX_PREV_EVENTS = 20;
export const MAX_AUTH_EVENTS = 10;
/** depth must fit the room version's integers: 2^63−1 before v6, 2^53−1 (canonical JSON) from v6. */
const MAX_DEPTH_COMPAT = 2 ** 63 - 1;

/** A PDU that does not follow its room version's event format. */
export class PduFormatError extends Error {
  override readonly name = 'PduFormatError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ParseOptions {
  /** kernels used for the canonical-JSON check (size, strict integers); default: the process kernels */
  readonly kernels?: Kernels;
  /** the PDU's canonical size when the caller already has it (skips re-encoding) */
  readonly byteLength?: number;
}

function fail(reason: string): never {
  throw new PduFormatError(reason);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkIdLength(field: string, value: string): void {
  if (utf8Length(value) > MAX_ID_BYTES) fail(`${field} is longer than ${MAX_ID_BYTES} bytes`);
}

/** Whether `id` is an event id in this room version's format. */
export function isValidEventId(rules: RoomVersionRules, id: string): boolean {
  switch (rules.eventIdFormat) {
    case 'v1': return isValidV1EventId(id);
    case 'v3': return isHashId(id, '$', false);
    case 'v4': return isHashId(id, '$', true);
  }
}

/** Whether `id` is a room id in this room version's format. */
export function isValidRoomId(rules: RoomVersionRules, id: string): boolean {
  return rules.roomIdFromCreateEvent ? isHashId(id, '!', true) : isValidRoomIdWithDomain(id);
}

function parseReferences(rules: RoomVersionRules, field: string, value: unknown, max: number): string[] {
  if (!Array.isArray(value)) fail(`${field} must be an array`);
  if (value.length > max) fail(`${field} has ${value.length} entries; at most ${max} are allowed`);
  const ids: string[] = [];
  for (const entry of value) {
    let id: unknown = entry;
    if (rules.eventFormat === 'v1') {
      // v1–v2: [event_id, {"sha256": reference hash}]
      if (!Array.isArray(entry) || entry.length !== 2) fail(`${field} entries must be [event_id, hashes] pairs in room version ${rules.id}`);
      if (!isObject(entry[1])) fail(`${field} entries must carry a hashes object`);
      id = entry[0];
    }
    if (typeof id !== 'string') fail(`${field} must hold event ids (strings)`);
    if (!isValidEventId(rules, id)) fail(`${field} holds "${id}", which is not an event id of room version ${rules.id}`);
    ids.push(id);
  }
  return ids;
}

/**
 * Checks a PDU against its room version's format and returns the fields auth
 * and state resolution read. `eventId` is required knowledge for v3+ (the
 * caller computes it with computeEventId); for v1–v2 it comes from the event.
 */
export function parsePdu(rules: RoomVersionRules, json: Record<string, unknown>, eventId?: string, options: ParseOptions = {}): Pdu {
  if (!isObject(json)) fail('a PDU must be a JSON object');

  const type = json.type;
  if (typeof type !== 'string') fail('type must be a string');
  checkIdLength('type', type);

  const sender = json.sender;
  if (typeof sender !== 'string') fail('sender must be a string');
  if (!isValidUserId(sender)) fail(`sender "${sender}" is not a user id`);

  let stateKey: string | undefined;
  if ('state_key' in json) {
    if (typeof json.state_key !== 'string') fail('state_key must be a string');
    stateKey = json.state_key;
    checkIdLength('state_key', stateKey);
  }

  const content = json.content;
  if (!isObject(content)) fail('content must be an object');

  // event id: carried by v1–v2 events, derived from the reference hash later.
  let id: string;
  if (rules.eventFormat === 'v1') {
    const carried = json.event_id;
    if (typeof carried !== 'string') fail(`event_id is required in room version ${rules.id}`);
    if (eventId !== undefined && eventId !== carried) fail(`event_id ${carried} does not match the expected ${eventId}`);
    id = carried;
  } else {
    if (eventId === undefined) fail(`the event id of a room version ${rules.id} event must be computed from its reference hash`);
    id = eventId;
  }
  checkIdLength('event_id', id);
  if (!isValidEventId(rules, id)) fail(`"${id}" is not an event id of room version ${rules.id}`);

  // room id: omitted from v12 create events, where it is the create event's id with `!`.
  let roomId: string;
  const isCreate = type === 'm.room.create' && stateKey === '';
  if (rules.roomIdFromCreateEvent && isCreate && !('room_id' in json)) {
    roomId = `!${id.slice(1)}`;
  } else {
    if (typeof json.room_id !== 'string') fail('room_id must be a string');
    roomId = json.room_id;
    checkIdLength('room_id', roomId);
    if (!isValidRoomId(rules, roomId)) fail(`room_id "${roomId}" is not a room id of room version ${rules.id}`);
  }

  const prevEvents = parseReferences(rules, 'prev_events', json.prev_events, MAX_PREV_EVENTS);
  const authEvents = parseReferences(rules, 'auth_events', json.auth_events, MAX_AUTH_EVENTS);

  const depth = json.depth;
  const maxDepth = rules.strictCanonicalJson ? Number.MAX_SAFE_INTEGER : MAX_DEPTH_COMPAT;
  if (typeof depth !== 'number' || !Number.isInteger(depth)) fail('depth must be an integer');
  if (depth < 0 || depth > maxDepth) fail(`depth ${depth} is outside 0…${maxDepth === MAX_DEPTH_COMPAT ? '2^63−1' : '2^53−1'}`);

  const ts = json.origin_server_ts;
  if (typeof ts !== 'number' || !Number.isInteger(ts)) fail('origin_server_ts must be an integer');

  const hashes = json.hashes;
  if (!isObject(hashes) || typeof hashes.sha256 !== 'string') fail('hashes must be an object with a sha256 string');

  const signatures = json.signatures;
  if (!isObject(signatures)) fail('signatures must be an object');
  for (const [server, sigs] of Object.entries(signatures)) {
    if (!isObject(sigs)) fail(`signatures.${server} must be an object`);
    for (const [keyId, sig] of Object.entries(sigs)) {
      if (typeof sig !== 'string') fail(`signatures.${server}.${keyId} must be a string`);
    }
  }
  if ('unsigned' in json && !isObject(json.unsigned)) fail('unsigned must be an object');

  // redacts: top level up to v10, in content from v11 (a top-level copy is ignored there).
  let redacts: string | undefined;
  const redactsValue = rules.redactsInContent ? content.redacts : json.redacts;
  if (type === 'm.room.redaction' || redactsValue !== undefined) {
    if (redactsValue !== undefined) {
      if (typeof redactsValue !== 'string') fail(`${rules.redactsInContent ? 'content.redacts' : 'redacts'} must be a string`);
      redacts = redactsValue;
    }
  }

  checkCanonicalSize(rules, json, options);

  const pdu: Pdu = {
    eventId: id,
    roomId,
    sender,
    type,
    content,
    prevEvents,
    authEvents,
    depth,
    originServerTs: ts,
    json,
    ...(stateKey !== undefined ? { stateKey } : {}),
    ...(redacts !== undefined ? { redacts } : {}),
  };
  return pdu;
}

/** The whole PDU must encode as canonical JSON of this room version (strict integers from v6) within 65,536 bytes. */
function checkCanonicalSize(rules: RoomVersionRules, json: Record<string, unknown>, options: ParseOptions): void {
  let size = options.byteLength;
  if (size === undefined) {
    const k = options.kernels ?? defaultKernels();
    try {
      size = k.canonicalJson(JSON.stringify(json), jsonMode(rules)).length;
    } catch (err) {
      if (err instanceof CanonicalJsonError) {
        const what = err.code === 'not_integer' ? 'a number that is not an integer'
          : err.code === 'integer_range' ? 'an integer outside ±(2^53−1)'
          : err.code === 'lone_surrogate' ? 'a string with a lone surrogate'
          : err.code === 'too_deep' ? 'nesting deeper than allowed'
          : `JSON that cannot be made canonical (${err.code})`;
        fail(`the event holds ${what}, which room version ${rules.id} does not allow`);
      }
      throw err;
    }
  }
  if (size > MAX_PDU_BYTES) fail(`the event is ${size} bytes of canonical JSON; at most ${MAX_PDU_BYTES} are allowed`);
}
