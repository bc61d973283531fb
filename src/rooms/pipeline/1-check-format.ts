// Step 1 (server-server "Checks performed on receipt of a PDU", 1): the event
// is a valid PDU of its room version, at most 65,536 bytes of canonical JSON.
// A failure drops the event (it is not stored).
import type { Kernels } from '../../accel/types.js';
import { jsonMode, canonicalBytes } from '../../matrix/canonical.js';
import { computeEventId, parsePdu, PduFormatError, MAX_PDU_BYTES } from '../../matrix/event-format/index.js';
import { EventDropped, type Candidate, type IncomingEvent } from './types.js';

export function checkFormat(incoming: IncomingEvent, kernels: Kernels): Candidate {
  const { rules } = incoming;
  if (incoming.trusted === true && incoming.pdu !== undefined && incoming.bytes !== undefined && incoming.eventId === incoming.pdu.eventId
    && !('unsigned' in incoming.json)) {
    // Our own event, checked by the builder (buildEvent → parsePdu) a moment ago.
    if (incoming.bytes.length > MAX_PDU_BYTES) {
      throw new EventDropped('format', `the event is ${incoming.bytes.length} bytes of canonical JSON; at most ${MAX_PDU_BYTES} are allowed`);
    }
    return { rules, pdu: incoming.pdu, json: incoming.json, bytes: incoming.bytes, redactedOnReceipt: false };
  }
  // `unsigned` is the sender's local annotation, not part of the event.
  const { unsigned: _unsigned, ...json } = incoming.json;
  let bytes: Uint8Array;
  try {
    bytes = incoming.trusted === true && incoming.bytes !== undefined ? incoming.bytes : canonicalBytes(kernels, json, jsonMode(rules));
  } catch (err) {
    throw new EventDropped('format', `not canonical JSON for room version ${rules.id}: ${(err as Error).message}`);
  }
  if (bytes.length > MAX_PDU_BYTES) {
    throw new EventDropped('format', `the event is ${bytes.length} bytes of canonical JSON; at most ${MAX_PDU_BYTES} are allowed`);
  }
  try {
    const known = incoming.trusted === true ? incoming.eventId : undefined;
    const eventId = rules.eventFormat === 'v1' ? undefined : known ?? computeEventId(rules, json, kernels);
    const pdu = parsePdu(rules, json, eventId, { kernels, byteLength: bytes.length });
    return { rules, pdu, json, bytes, redactedOnReceipt: false };
  } catch (err) {
    if (err instanceof PduFormatError) throw new EventDropped('format', err.reason);
    throw new EventDropped('format', (err as Error).message);
  }
}
