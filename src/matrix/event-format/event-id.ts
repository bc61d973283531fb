// Event ids and v12 room ids (spec: rooms v1 "Event IDs", v3 and v4 event id
// fragments, v12 room ids; server-server "Calculating the reference hash").
import type { Kernels } from '../../accel/types.js';
import { kernels as defaultKernels } from '../../accel/index.js';
import type { RoomVersionRules } from '../room-versions.js';
import { roomVersion } from '../room-versions.js';
import { jsonBytes, jsonMode } from '../canonical.js';

/**
 * SHA-256 of the redacted event without signatures, unsigned and age_ts.
 * `json` is the event as sent over federation (for v3+ without `event_id`).
 */
export function referenceHash(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): Uint8Array {
  return k.referenceHash(jsonBytes(json), rules.redaction, jsonMode(rules));
}

/**
 * The same from the event's bytes as received (v3+: without `event_id`), so
 * that v1–v5 numbers JavaScript cannot hold exactly (integers beyond 2^53,
 * float spellings) hash as the sender hashed them.
 */
export function referenceHashOfBytes(rules: RoomVersionRules, bytes: Uint8Array, k: Kernels = defaultKernels()): Uint8Array {
  return k.referenceHash(bytes, rules.redaction, jsonMode(rules));
}

/** A v3+ event id from a reference hash. */
export function eventIdFromReferenceHash(rules: RoomVersionRules, hash: Uint8Array, k: Kernels = defaultKernels()): string {
  if (rules.eventIdFormat === 'v1') throw new Error(`room version ${rules.id} event ids are not derived from the reference hash`);
  return `$${k.base64Encode(hash, rules.eventIdFormat === 'v4')}`;
}

/** The event id: v1–v2 as carried by the event, v3 `$` + standard base64 of the reference hash, v4+ URL-safe. */
export function computeEventId(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): string {
  if (rules.eventIdFormat === 'v1') {
    const id = json.event_id;
    if (typeof id !== 'string') throw new Error(`a room version ${rules.id} event carries its event_id, and this one has none`);
    return id;
  }
  return eventIdFromReferenceHash(rules, referenceHash(rules, json, k), k);
}

/** v12+: the room id of the room a create event creates: its event id with the `!` sigil. */
export function computeRoomIdFromCreate(json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels(), rules: RoomVersionRules = roomVersion('12')!): string {
  if (!rules.roomIdFromCreateEvent) throw new Error(`room version ${rules.id} room ids are not derived from the create event`);
  return `!${computeEventId(rules, json, k).slice(1)}`;
}
