// Authorization rules (spec: content/rooms/fragments/v1-auth-rules.md,
// v3-auth-rules.md, v8-auth-rules.md and the per-version changes).
// checkAuth decides whether an event is allowed given the state it is checked
// against (its auth events, the state before it, or the current state).
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { authorize } from './rules.js';
import { userPowerLevel } from './power-levels.js';

/** Looks up the event holding a piece of state in the state being checked against. */
export type AuthState = (type: string, stateKey: string) => Pdu | undefined;

export type AuthResult = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

export function checkAuth(rules: RoomVersionRules, event: Pdu, authState: AuthState): AuthResult {
  return authorize(rules, event, authState);
}

/** The user's power level in that state (Infinity for v12 creators). */
export function powerLevelOf(rules: RoomVersionRules, userId: string, authState: AuthState): number {
  return userPowerLevel(rules, userId, authState);
}
