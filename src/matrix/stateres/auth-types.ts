// The state an event's authorisation reads (spec: server-server-api, "Auth
// events selection"): which (type, state_key) pairs iterative auth checks take
// from the resolved state rather than from the event's own auth events.
import { stateKeyOf, type Pdu, type StateKey } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { CREATE, JOIN_RULES, MEMBER, POWER_LEVELS, THIRD_PARTY_INVITE } from './context.js';

export function authTypesForEvent(rules: RoomVersionRules, event: Pdu): StateKey[] {
  if (event.type === CREATE) return [];
  const keys = [stateKeyOf(POWER_LEVELS, ''), stateKeyOf(MEMBER, event.sender), stateKeyOf(CREATE, '')];
  if (event.type === MEMBER && event.stateKey !== undefined) {
    const membership = event.content['membership'];
    if (membership === 'join' || membership === 'invite' || membership === 'knock') keys.push(stateKeyOf(JOIN_RULES, ''));
    keys.push(stateKeyOf(MEMBER, event.stateKey));
    if (membership === 'invite') {
      const tpi = event.content['third_party_invite'];
      const signed = isObject(tpi) ? tpi['signed'] : undefined;
      const token = isObject(signed) ? signed['token'] : undefined;
      if (typeof token === 'string') keys.push(stateKeyOf(THIRD_PARTY_INVITE, token));
    }
    if (rules.restrictedJoins && membership === 'join') {
      const via = event.content['join_authorised_via_users_server'];
      if (typeof via === 'string') keys.push(stateKeyOf(MEMBER, via));
    }
  }
  return keys;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
