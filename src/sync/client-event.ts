// Stored PDUs as clients see them (spec: client-server-api#room-event-format, the
// "ClientEventWithoutRoomID" of /sync): no auth/prev events, hashes, signatures or depth.
import type { StoredEvent } from '../store/repositories/events.js';

const decoder = new TextDecoder();

export type ClientEvent = Record<string, unknown>;

export function parseEventJson(json: Uint8Array): Record<string, unknown> {
  return JSON.parse(decoder.decode(json)) as Record<string, unknown>;
}

export function toClientEvent(e: StoredEvent, now: number, opts: { includeRoomId?: boolean } = {}): ClientEvent {
  const pdu = parseEventJson(e.json);
  const unsigned: Record<string, unknown> = { ...(typeof pdu.unsigned === 'object' && pdu.unsigned !== null ? pdu.unsigned as Record<string, unknown> : {}) };
  unsigned.age = Math.max(0, now - e.originServerTs);
  const out: ClientEvent = {
    type: e.type,
    content: pdu.content ?? {},
    event_id: e.eventId,
    sender: e.sender,
    origin_server_ts: e.originServerTs,
    unsigned,
  };
  if (e.stateKey !== undefined) out.state_key = e.stateKey;
  if (e.redacts !== undefined && typeof pdu.redacts === 'string') out.redacts = pdu.redacts;
  if (opts.includeRoomId) out.room_id = e.roomId;
  return out;
}

/** Stripped state (spec: client-server-api#stripped-state) for invite_state / knock_state. */
export function toStrippedState(e: StoredEvent): ClientEvent {
  const pdu = parseEventJson(e.json);
  return { type: e.type, state_key: e.stateKey ?? '', content: pdu.content ?? {}, sender: e.sender };
}
