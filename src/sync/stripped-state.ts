// Stripped state (spec: client-server-api#stripped-state) for invite_state and knock_state:
// type, state_key, content and sender only.
import { parseEventJson, type ClientEvent } from '../rooms/read/client-event.js';
import type { StoredEvent } from '../store/repositories/events.js';

export function toStrippedState(e: StoredEvent): ClientEvent {
  const pdu = parseEventJson(e.json);
  return { type: e.type, state_key: e.stateKey ?? '', content: pdu.content ?? {}, sender: e.sender };
}
