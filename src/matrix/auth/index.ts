// Authorization rules (spec: content/rooms/fragments/v1-auth-rules.md,
// v3-auth-rules.md, v8-auth-rules.md and the per-version changes in v6, v7,
// v10, v11, v12). checkAuth decides whether an event is allowed given the state
// it is checked against (its auth events, the state before it, or the current
// state); checkAuthEvents adds the rules about the auth_events list itself.
import type { Kernels } from '../../accel/types.js';
import { kernels as defaultKernels } from '../../accel/index.js';
import type { Pdu } from '../pdu.js';
import { stateKeyOf } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { authorize } from './rules.js';
import { userPowerLevel } from './power-levels.js';
import { authEventTypes } from './selection.js';
import { reject } from './result.js';

export { authEventTypes, type SelectionInput } from './selection.js';
export { parsePowerLevel, PowerLevels } from './power-levels.js';
export { roomCreators } from './creators.js';

/** Looks up the event holding a piece of state in the state being checked against. */
export type AuthState = (type: string, stateKey: string) => Pdu | undefined;

export type AuthResult = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Whether `event` is allowed against `authState`. Kernels are used only for
 * third-party invite signatures; by default the process kernels.
 */
export function checkAuth(rules: RoomVersionRules, event: Pdu, authState: AuthState, kernels?: Kernels): AuthResult {
  return authorize(rules, event, authState, kernels ? () => kernels : defaultKernels);
}

/** The user's power level in that state (Infinity for v12 creators). */
export function powerLevelOf(rules: RoomVersionRules, userId: string, authState: AuthState): number {
  return userPowerLevel(rules, userId, authState);
}

/** An AuthState over a list of events (later entries win). */
export function authStateFromEvents(events: Iterable<Pdu>): AuthState {
  const byKey = new Map<string, Pdu>();
  for (const e of events) if (e.stateKey !== undefined) byKey.set(stateKeyOf(e.type, e.stateKey), e);
  return (type, stateKey) => byKey.get(stateKeyOf(type, stateKey));
}

/**
 * Checks an event against its own auth events (the first auth check on receipt):
 * the auth_events list rules (no duplicates, only what the auth events selection
 * asks for, the create event present before v12, same room), then checkAuth.
 * `authEvents` are the events named by `event.authEvents`, already known to be
 * accepted; `createEvent` is the room's create event, needed in v12 where it is
 * not an auth event.
 */
export function checkAuthEvents(
  rules: RoomVersionRules, event: Pdu, authEvents: readonly Pdu[], createEvent?: Pdu, kernels?: Kernels,
): AuthResult {
  if (event.type === 'm.room.create' && event.stateKey === '') return checkAuth(rules, event, () => undefined, kernels);
  const allowed = new Set(authEventTypes(rules, event).map(([t, s]) => stateKeyOf(t, s)));
  const seen = new Map<string, Pdu>();
  for (const a of authEvents) {
    if (a.stateKey === undefined) return reject(`auth event ${a.eventId} is not a state event`);
    const key = stateKeyOf(a.type, a.stateKey);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return reject(`auth_events cite (${a.type}, "${a.stateKey}") twice: ${earlier.eventId} and ${a.eventId}`);
    }
    seen.set(key, a);
    if (!allowed.has(key)) return reject(`auth_events cite (${a.type}, "${a.stateKey}") (${a.eventId}), which the auth events selection does not ask for`);
  }
  if (rules.createEventInAuthEvents && !seen.has(stateKeyOf('m.room.create', ''))) return reject('auth_events do not include the m.room.create event');
  for (const a of authEvents) {
    if (a.roomId !== event.roomId) return reject(`auth event ${a.eventId} belongs to room ${a.roomId}, not ${event.roomId}`);
  }
  let state = authStateFromEvents(authEvents);
  if (!rules.createEventInAuthEvents) {
    if (createEvent === undefined) return reject('the room\'s m.room.create event is needed to authorise this event');
    const inner = state;
    state = (type, stateKey) => (type === 'm.room.create' && stateKey === '' ? createEvent : inner(type, stateKey));
  }
  return checkAuth(rules, event, state, kernels);
}
