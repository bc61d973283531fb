// Step 4's second half / step 5 (receipt check 5): the event passes the auth
// rules against the state before it; failing that, it is rejected.
import type { Kernels } from '../../accel/types.js';
import { authEventTypes, checkAuth, type AuthState } from '../../matrix/auth/index.js';
import { stateKeyOf, type Pdu, type StateKey } from '../../matrix/pdu.js';
import type { RoomVersionRules } from '../../matrix/room-versions.js';
import type { EventSource } from '../event-source.js';
import type { StateBefore } from './4-state-before.js';
import type { Candidate, Verdict } from './types.js';

const CREATE_KEY = stateKeyOf('m.room.create', '');

/** The (type, state_key) pairs the auth rules read for this event (plus the create event, always). */
export function authKeys(rules: RoomVersionRules, pdu: Pdu): StateKey[] {
  // A plain loop into a fresh array (one array shape: map results made optimised callers deoptimise).
  const keys: StateKey[] = [];
  let hasCreate = false;
  for (const [t, s] of authEventTypes(rules, pdu)) {
    const key = stateKeyOf(t, s);
    if (key === CREATE_KEY) hasCreate = true;
    keys.push(key);
  }
  if (!hasCreate) keys.push(CREATE_KEY);
  return keys;
}

/** An AuthState over the given state's entries for those keys. */
export function authStateOf(entries: Map<StateKey, string>, events: EventSource): AuthState {
  return (type, stateKey) => {
    const id = entries.get(stateKeyOf(type, stateKey));
    return id === undefined ? undefined : events.pdu(id);
  };
}

/**
 * Whether the event's auth events are exactly the auth events selection
 * (spec: "Auth events selection") from `entries`, the state before's entries
 * for `authKeys`.
 */
export function citesAuthSelection(c: Candidate, entries: Map<StateKey, string>): boolean {
  const { pdu, rules } = c;
  // A create event cites nothing; one with prev events must meet step 3 (auth rule 1 refuses it).
  if (pdu.type === 'm.room.create' && pdu.stateKey === '') return pdu.authEvents.length === 0 && pdu.prevEvents.length === 0;
  const selected = new Set<string>();
  for (const [t, s] of authEventTypes(rules, pdu)) {
    const id = entries.get(stateKeyOf(t, s));
    if (id !== undefined) selected.add(id);
  }
  return selected.size === pdu.authEvents.length && pdu.authEvents.every((id) => selected.has(id));
}

/** `entries`: the state before's entries for `authKeys`, when the caller has read them already. */
export function authAgainstState(c: Candidate, before: StateBefore, events: EventSource, kernels: Kernels, known?: Map<StateKey, string>): Verdict {
  if (c.pdu.type === 'm.room.create' && c.pdu.stateKey === '') return { ok: true };
  const entries = known ?? before.entries(authKeys(c.rules, c.pdu));
  const result = checkAuth(c.rules, c.pdu, authStateOf(entries, events), kernels);
  return result.allowed ? { ok: true } : { ok: false, reason: result.reason };
}
