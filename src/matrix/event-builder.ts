// Building and signing our own events (spec: server-server "Auth events
// selection", "Adding hashes and signatures to outgoing events"; the room
// version's event format).
import { randomBytes } from 'node:crypto';
import type { Kernels } from '../accel/types.js';
import { kernels as defaultKernels } from '../accel/index.js';
import type { Pdu } from './pdu.js';
import type { RoomVersionRules } from './room-versions.js';
import type { AuthState } from './auth/index.js';
import { authEventTypes } from './auth/selection.js';
import { eventIdFromReferenceHash, referenceHash } from './event-format/event-id.js';
import { parsePdu } from './event-format/parse.js';
import { signOwnEvent, type SigningKey } from './signing.js';

export interface BuildEventInput {
  readonly rules: RoomVersionRules;
  /** absent only for a v12 create event, whose room id is derived from it */
  readonly roomId?: string;
  readonly sender: string;
  readonly type: string;
  readonly stateKey?: string;
  readonly content: Readonly<Record<string, unknown>>;
  /**
   * The forward extremities the event follows. Events, or bare ids from v3
   * (v1–v2 cite each prev event's reference hash, so they need the events).
   */
  readonly prevEvents: readonly (Pdu | string)[];
  /** default: one more than the deepest prev event (1 for the create event); required when prevEvents has bare ids */
  readonly depth?: number;
  /** the state before the event, from which auth_events are selected */
  readonly authState: AuthState;
  /** `origin` field (dropped by redaction from v11; Synapse still sends it) */
  readonly origin?: string;
  readonly originServerTs: number;
  /** for m.room.redaction: the event redacted (top level up to v10, in content from v11) */
  readonly redacts?: string;
  readonly signingKey: SigningKey;
  readonly kernels?: Kernels;
  /** v1–v2 only: the opaque part of the event id (default: random) */
  readonly eventIdLocalpart?: string;
}

export interface BuiltEvent {
  /** the signed PDU as sent over federation */
  readonly json: Record<string, unknown>;
  readonly eventId: string;
  readonly roomId: string;
  readonly pdu: Pdu;
  /** canonical JSON of `json` (the room version's flavour): what is stored and sent */
  readonly bytes: Uint8Array;
}

/** A plain loop into a fresh array: one array shape for every event (map results vary, and deoptimise readers). */
function citeAll(events: readonly (Pdu | string)[], cite: (e: Pdu | string) => unknown): unknown[] {
  const out: unknown[] = [];
  for (const e of events) out.push(cite(e));
  return out;
}

/** Builds, hashes and signs an event. The auth events are the spec's selection from `authState`. */
export function buildEvent(input: BuildEventInput): BuiltEvent {
  const { rules } = input;
  const k = input.kernels ?? defaultKernels();
  const isCreate = input.type === 'm.room.create' && input.stateKey === '';
  const v1Format = rules.eventFormat === 'v1';
  const cite = (e: Pdu | string): unknown => {
    if (typeof e === 'string') {
      if (v1Format) throw new Error(`room version ${rules.id} events cite prev events with their reference hashes: pass the event, not the id ${e}`);
      return e;
    }
    return v1Format ? [e.eventId, { sha256: k.base64Encode(referenceHash(rules, e.json, k)) }] : e.eventId;
  };

  const authEvents: Pdu[] = [];
  if (!isCreate) {
    for (const [type, stateKey] of authEventTypes(rules, input)) {
      const e = input.authState(type, stateKey);
      if (e !== undefined && !authEvents.includes(e)) authEvents.push(e);
    }
  }
  // At the room version's largest depth, stay there (spec PDU definitions).
  const maxDepth = rules.strictCanonicalJson ? Number.MAX_SAFE_INTEGER : 2 ** 63 - 1;
  let depth = input.depth;
  if (depth === undefined) {
    depth = 1;
    for (const e of input.prevEvents) {
      if (typeof e === 'string') throw new Error(`depth is needed when prev events are given by id (${e})`);
      depth = Math.max(depth, e.depth + 1);
    }
    depth = Math.min(maxDepth, depth);
  }

  const content: Record<string, unknown> = { ...input.content };
  const json: Record<string, unknown> = {
    type: input.type,
    sender: input.sender,
    content,
    prev_events: citeAll(input.prevEvents, cite),
    auth_events: citeAll(authEvents, cite),
    depth,
    origin_server_ts: input.originServerTs,
  };
  if (input.stateKey !== undefined) json.state_key = input.stateKey;
  if (input.origin !== undefined) json.origin = input.origin;
  if (input.redacts !== undefined) {
    if (rules.redactsInContent) content.redacts = input.redacts;
    else json.redacts = input.redacts;
  }
  if (!(rules.roomIdFromCreateEvent && isCreate)) {
    if (input.roomId === undefined) throw new Error('roomId is required (only a v12+ create event derives its own)');
    json.room_id = input.roomId;
  }
  if (v1Format) {
    const local = input.eventIdLocalpart ?? randomBytes(12).toString('base64url');
    json.event_id = `$${local}:${input.signingKey.serverName}`;
  }

  const { signed, referenceHash: ownHash, canonical: bytes } = signOwnEvent(rules, json, input.signingKey, k);
  // v3+: the reference hash covers exactly the signed bytes (no age_ts here).
  const eventId = v1Format ? (json.event_id as string) : eventIdFromReferenceHash(rules, ownHash, k);
  const pdu = parsePdu(rules, signed, eventId, { kernels: k, byteLength: bytes.length });
  return { json: signed, eventId, roomId: pdu.roomId, pdu, bytes };
}
