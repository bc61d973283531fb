// Room versions 1–12 as one rules record each, written as "the previous
// version, with these changes" (spec: content/rooms/v1.md … v12.md). Code that
// differs by version reads a flag here; nothing compares version strings.
import type { RedactionRules } from '../accel/types.js';

export interface RoomVersionRules {
  readonly id: string;
  readonly stability: 'stable' | 'unstable';
  /** v1–v2: `event_id` carried in the event and `[id, hashes]` pairs in prev/auth events; v3+: ids only */
  readonly eventFormat: 'v1' | 'v3';
  /** v1: given by the origin; v3: `$` + standard base64 of the reference hash; v4: URL-safe base64 */
  readonly eventIdFormat: 'v1' | 'v3' | 'v4';
  readonly stateResolution: 'v1' | 'v2' | 'v2.1';
  /** what a redaction keeps, as data for the kernels */
  readonly redaction: RedactionRules;
  /** v6+: integers only, within ±(2^53−1) (canonical JSON strict mode) */
  readonly strictCanonicalJson: boolean;
  /** v10+: power levels must be integers; before, strings like " +42 " are read as Python's int() would */
  readonly integerOnlyPowerLevels: boolean;
  /** v7+: the `knock` membership and join rule */
  readonly knocking: boolean;
  /** v8+: the `restricted` join rule (join_authorised_via_users_server) */
  readonly restrictedJoins: boolean;
  /** v10+: the `knock_restricted` join rule */
  readonly knockRestrictedJoins: boolean;
  /** v11+: the room creator is the create event's sender; `content.creator` is not required */
  readonly creatorFromSender: boolean;
  /** v12+: the room id is `!` + URL-safe base64 of the create event's reference hash; the create event has no room_id */
  readonly roomIdFromCreateEvent: boolean;
  /** v12+: the creator and `additional_creators` have infinite power level and cannot be listed in `users` */
  readonly creatorsHaveInfinitePower: boolean;
  /** v12+: the create event is not listed in auth_events (it is implied by the room id) */
  readonly createEventInAuthEvents: boolean;
  /** v1–v5: special auth rule for `m.room.aliases` (sender's domain must match the state key) */
  readonly specialCaseAliasesAuth: boolean;
  /** v1–v2: `m.room.redaction` allowed by auth rules when the redacted event's id has the sender's domain */
  readonly redactionDomainCheckInAuth: boolean;
  /** v6+: the `notifications` key of power levels is checked when it changes */
  readonly limitNotificationsPowerLevels: boolean;
  /** v5+: signing keys must be valid at the event's origin_server_ts */
  readonly enforceSigningKeyValidity: boolean;
  /** v11+: `redacts` lives in `content` (top-level copy kept for older clients) */
  readonly redactsInContent: boolean;
  /** v1–v10: the create event's `content.creator` is required (and its domain checked against the sender in v1–v10 auth) */
  readonly requireCreatorInCreateContent: boolean;
}

const v1Redaction: RedactionRules = {
  keepTopLevel: [
    'event_id', 'type', 'room_id', 'sender', 'state_key', 'content', 'hashes', 'signatures',
    'depth', 'prev_events', 'prev_state', 'auth_events', 'origin', 'origin_server_ts', 'membership',
  ],
  keepContent: {
    'm.room.member': ['membership'],
    'm.room.create': ['creator'],
    'm.room.join_rules': ['join_rule'],
    'm.room.power_levels': ['ban', 'events', 'events_default', 'kick', 'redact', 'state_default', 'users', 'users_default'],
    'm.room.aliases': ['aliases'],
    'm.room.history_visibility': ['history_visibility'],
  },
};

function withContent(base: RedactionRules, changes: Record<string, readonly string[] | null>, keepTopLevel?: readonly string[]): RedactionRules {
  const keepContent: Record<string, readonly string[]> = { ...base.keepContent };
  for (const [type, keys] of Object.entries(changes)) {
    if (keys === null) delete keepContent[type];
    else keepContent[type] = keys;
  }
  return { keepTopLevel: keepTopLevel ?? base.keepTopLevel, keepContent };
}

// v6: m.room.aliases is no longer protected from redaction.
const v6Redaction = withContent(v1Redaction, { 'm.room.aliases': null });
// v8: join rules keep `allow` (restricted joins).
const v8Redaction = withContent(v6Redaction, { 'm.room.join_rules': ['join_rule', 'allow'] });
// v9: member events keep `join_authorised_via_users_server`.
const v9Redaction = withContent(v8Redaction, { 'm.room.member': ['membership', 'join_authorised_via_users_server'] });
// v11: origin, membership, prev_state no longer kept; create keeps all content;
// power levels keep `invite`; member keeps third_party_invite.signed; redaction keeps `redacts`.
const v11Redaction = withContent(
  v9Redaction,
  {
    'm.room.create': ['*'],
    'm.room.power_levels': [...(v9Redaction.keepContent['m.room.power_levels'] ?? []), 'invite'],
    'm.room.member': ['membership', 'join_authorised_via_users_server', 'third_party_invite.signed'],
    'm.room.redaction': ['redacts'],
  },
  v9Redaction.keepTopLevel.filter((k) => k !== 'origin' && k !== 'membership' && k !== 'prev_state'),
);

const v1: RoomVersionRules = {
  id: '1',
  stability: 'stable',
  eventFormat: 'v1',
  eventIdFormat: 'v1',
  stateResolution: 'v1',
  redaction: v1Redaction,
  strictCanonicalJson: false,
  integerOnlyPowerLevels: false,
  knocking: false,
  restrictedJoins: false,
  knockRestrictedJoins: false,
  creatorFromSender: false,
  roomIdFromCreateEvent: false,
  creatorsHaveInfinitePower: false,
  createEventInAuthEvents: true,
  specialCaseAliasesAuth: true,
  redactionDomainCheckInAuth: true,
  limitNotificationsPowerLevels: false,
  enforceSigningKeyValidity: false,
  redactsInContent: false,
  requireCreatorInCreateContent: true,
};
// v2: state resolution v2.
const v2: RoomVersionRules = { ...v1, id: '2', stateResolution: 'v2' };
// v3: event ids from the reference hash; redactions checked after auth, not in it.
const v3: RoomVersionRules = { ...v2, id: '3', eventFormat: 'v3', eventIdFormat: 'v3', redactionDomainCheckInAuth: false };
// v4: URL-safe event ids.
const v4: RoomVersionRules = { ...v3, id: '4', eventIdFormat: 'v4' };
// v5: signing key validity periods enforced.
const v5: RoomVersionRules = { ...v4, id: '5', enforceSigningKeyValidity: true };
// v6: strict canonical JSON, no aliases special case, notifications power level, aliases redaction change.
const v6: RoomVersionRules = {
  ...v5, id: '6', redaction: v6Redaction, strictCanonicalJson: true, specialCaseAliasesAuth: false, limitNotificationsPowerLevels: true,
};
// v7: knocking.
const v7: RoomVersionRules = { ...v6, id: '7', knocking: true };
// v8: restricted joins.
const v8: RoomVersionRules = { ...v7, id: '8', restrictedJoins: true, redaction: v8Redaction };
// v9: redaction keeps join_authorised_via_users_server.
const v9: RoomVersionRules = { ...v8, id: '9', redaction: v9Redaction };
// v10: knock_restricted, integer-only power levels.
const v10: RoomVersionRules = { ...v9, id: '10', knockRestrictedJoins: true, integerOnlyPowerLevels: true };
// v11: creator from sender, redaction changes, redacts in content.
const v11: RoomVersionRules = {
  ...v10, id: '11', creatorFromSender: true, requireCreatorInCreateContent: false, redactsInContent: true, redaction: v11Redaction,
};
// v12: room ids from the create event, creators with infinite power, state resolution v2.1.
const v12: RoomVersionRules = {
  ...v11, id: '12', stateResolution: 'v2.1', roomIdFromCreateEvent: true, creatorsHaveInfinitePower: true, createEventInAuthEvents: false,
};

const byId: ReadonlyMap<string, RoomVersionRules> = new Map(
  [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12].map((r) => [r.id, Object.freeze(r)]),
);

export const KNOWN_ROOM_VERSIONS: readonly string[] = [...byId.keys()];
export const DEFAULT_ROOM_VERSION = '10';

export function roomVersion(id: string): RoomVersionRules | undefined {
  return byId.get(id);
}
