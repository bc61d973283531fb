// Step 3 (receipt check 4): the event passes the auth rules against the events
// it cites as auth_events. Failing that, it is rejected (stored as rejected,
// never on a timeline or in state). Auth events that are themselves rejected
// reject the event; auth events we do not have drop it (federation fetches them).
import type { Kernels } from '../../accel/types.js';
import { checkAuthEvents } from '../../matrix/auth/index.js';
import type { Pdu } from '../../matrix/pdu.js';
import type { EventSource } from '../event-source.js';
import { EventDropped, type Candidate, type Verdict } from './types.js';

export function authAgainstAuthEvents(c: Candidate, events: EventSource, kernels: Kernels): Verdict {
  const { pdu, rules } = c;
  const authEvents: Pdu[] = [];
  const missing: string[] = [];
  for (const id of pdu.authEvents) {
    const stored = events.get(id);
    if (stored === undefined) {
      missing.push(id);
      continue;
    }
    if (stored.status === 'rejected') return { ok: false, reason: `auth event ${id} was rejected` };
    authEvents.push(stored.pdu);
  }
  if (missing.length > 0) throw new EventDropped('missing_events', `auth events not known here: ${missing.join(', ')}`);

  let create: Pdu | undefined;
  if (!rules.createEventInAuthEvents && !(pdu.type === 'm.room.create' && pdu.stateKey === '')) {
    // v12: the room id names the create event.
    create = events.pdu(`$${pdu.roomId.slice(1)}`);
    if (create === undefined) throw new EventDropped('missing_events', `the create event of ${pdu.roomId} is not known here`);
  }
  const result = checkAuthEvents(rules, pdu, authEvents, create, kernels);
  return result.allowed ? { ok: true } : { ok: false, reason: result.reason };
}
