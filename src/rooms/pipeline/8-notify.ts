// Step 8: tell whoever waits on the room (sync long-polls through S5's
// Notifier; later the federation sender, push and appservices) that the
// timeline moved to a new stream position. Only timeline events are announced.
import type { PersistedEvent } from '../../store/repositories/events.js';
import type { Candidate, RoomEventSink } from './types.js';

export function notify(c: Candidate, persisted: PersistedEvent, sink: RoomEventSink): void {
  if (persisted.duplicate || persisted.status !== 'timeline' || persisted.streamPos === undefined) return;
  const { pdu } = c;
  sink.roomEvent({
    roomId: pdu.roomId,
    eventId: pdu.eventId,
    streamPos: persisted.streamPos,
    sender: pdu.sender,
    type: pdu.type,
    ...(pdu.stateKey !== undefined ? { stateKey: pdu.stateKey } : {}),
  });
}
