// Auth events selection (spec: server-server "Auth events selection"): which
// pieces of state an event's auth_events may cite.
import type { RoomVersionRules } from '../room-versions.js';

/** The parts of an event the selection reads. */
export interface SelectionInput {
  readonly type: string;
  readonly sender: string;
  readonly stateKey?: string | undefined;
  readonly content: Readonly<Record<string, unknown>>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The (type, state_key) pairs an event's auth_events may hold; empty for the create event. */
export function authEventTypes(rules: RoomVersionRules, event: SelectionInput): [type: string, stateKey: string][] {
  if (event.type === 'm.room.create' && event.stateKey === '') return [];
  const out: [string, string][] = [];
  if (rules.createEventInAuthEvents) out.push(['m.room.create', '']);
  out.push(['m.room.power_levels', '']);
  out.push(['m.room.member', event.sender]);
  if (event.type === 'm.room.member' && event.stateKey !== undefined) {
    const membership = event.content.membership;
    out.push(['m.room.member', event.stateKey]);
    if (membership === 'join' || membership === 'invite' || membership === 'knock') out.push(['m.room.join_rules', '']);
    if (membership === 'invite') {
      const tpi = event.content.third_party_invite;
      const token = isObject(tpi) && isObject(tpi.signed) ? tpi.signed.token : undefined;
      if (typeof token === 'string') out.push(['m.room.third_party_invite', token]);
    }
    if (membership === 'join' && rules.restrictedJoins) {
      const authoriser = event.content.join_authorised_via_users_server;
      if (typeof authoriser === 'string') out.push(['m.room.member', authoriser]);
    }
  }
  return out;
}
