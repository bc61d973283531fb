// Step 6 (receipt check 6, "soft failure"): the event passes the auth rules
// against the room's CURRENT state. One that does not is stored with its state
// but kept off the timeline and out of the forward extremities, and never sent
// to clients (spec: server-server "Soft failure").
import type { Kernels } from '../../accel/types.js';
import { checkAuth } from '../../matrix/auth/index.js';
import { readNow } from '../event-source.js';
import { authKeys, authStateOf } from './5-auth-against-state.js';
import type { Candidate, PipelineDeps, Verdict } from './types.js';

/** `extremities`: the room's forward extremities before this event. */
export function softFailCheck(c: Candidate, extremities: readonly string[], deps: PipelineDeps, kernels: Kernels): Verdict {
  const { pdu } = c;
  if (pdu.type === 'm.room.create' && pdu.stateKey === '') return { ok: true };
  // Citing exactly the forward extremities: the state before the event IS the current state (checked in step 5).
  if (extremities.length > 0 && extremities.length === pdu.prevEvents.length && extremities.every((id) => pdu.prevEvents.includes(id))) {
    return { ok: true };
  }
  const { store } = deps;
  const keys = authKeys(c.rules, pdu);
  const entries = readNow(store, function* (tx) {
    const snap = yield* store.state.currentSnapshot(tx, pdu.roomId);
    return yield* store.state.getMany(tx, snap, keys);
  });
  const result = checkAuth(c.rules, pdu, authStateOf(entries, deps.events), kernels);
  return result.allowed ? { ok: true } : { ok: false, reason: result.reason };
}
