// The events createRoom sends, in the spec's order (client-server-api
// #post_matrixclientv3createroom): create, the creator's join, power levels,
// canonical alias, the preset's join rules / history visibility / guest access,
// initial_state, name, topic; invites follow (sent by the service).
import { badJson, invalidParam } from '../api/errors.js';
import { NAMED_LEVELS, parsePowerLevel } from '../matrix/auth/power-levels.js';
import { isValidUserId } from '../matrix/ids.js';
import type { RoomVersionRules } from '../matrix/room-versions.js';
import type { CreateRoomRequest } from './service.js';

export type Preset = 'private_chat' | 'public_chat' | 'trusted_private_chat';

export interface PlannedState {
  readonly type: string;
  readonly stateKey: string;
  readonly content: Record<string, unknown>;
}

export interface CreateRoomPlan {
  readonly preset: Preset;
  readonly createContent: Record<string, unknown>;
  /** everything after the create event, in order */
  readonly state: readonly PlannedState[];
  readonly invites: readonly string[];
}

const PRESET_STATE: Record<Preset, { join_rule: string; history_visibility: string; guest_access: string }> = {
  private_chat: { join_rule: 'invite', history_visibility: 'shared', guest_access: 'can_join' },
  trusted_private_chat: { join_rule: 'invite', history_visibility: 'shared', guest_access: 'can_join' },
  public_chat: { join_rule: 'public', history_visibility: 'shared', guest_access: 'forbidden' },
};

/** Synapse's defaults (what clients expect): admins set power levels, moderators the rest; private rooms let anyone invite. */
function defaultPowerLevels(rules: RoomVersionRules, creator: string, preset: Preset, invites: readonly string[]): Record<string, unknown> {
  const users: Record<string, number> = {};
  if (!rules.creatorsHaveInfinitePower) {
    users[creator] = 100;
    if (preset === 'trusted_private_chat') for (const u of invites) users[u] = 100;
  }
  return {
    users,
    users_default: 0,
    events: {
      'm.room.name': 50,
      'm.room.power_levels': 100,
      'm.room.history_visibility': 100,
      'm.room.canonical_alias': 50,
      'm.room.avatar': 50,
      // v12: above state_default and above the creators' peers (spec createRoom step 3)
      'm.room.tombstone': rules.creatorsHaveInfinitePower ? 150 : 100,
      'm.room.server_acl': 100,
      'm.room.encryption': 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: preset === 'public_chat' ? 50 : 0,
    notifications: { room: 50 },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The power levels createRoom would send must hold levels the room version reads (integers;
 * before v10 also integer strings): anything else is M_BAD_JSON before the room exists,
 * where the auth rules of older versions would let a garbled event through.
 */
export function checkPowerLevelsContent(rules: RoomVersionRules, content: Record<string, unknown>): void {
  const level = (v: unknown, where: string): void => {
    if (parsePowerLevel(rules, v) === undefined) throw badJson(`power levels: ${where} must be an integer power level, not ${JSON.stringify(v)}`);
  };
  for (const name of NAMED_LEVELS) if (content[name] !== undefined) level(content[name], name);
  for (const map of ['users', 'events', 'notifications'] as const) {
    const v = content[map];
    if (v === undefined) continue;
    if (!isObject(v)) throw badJson(`power levels: ${map} must be an object`);
    for (const [k, n] of Object.entries(v)) {
      if (map === 'users' && !isValidUserId(k)) throw badJson(`power levels: users: ${JSON.stringify(k)} is not a user id`);
      level(n, `${map}[${JSON.stringify(k)}]`);
    }
  }
}

export function planCreateRoom(
  rules: RoomVersionRules, creator: string, request: CreateRoomRequest,
  member: Record<string, unknown>, canonicalAlias: string | undefined,
): CreateRoomPlan {
  const preset: Preset = request.preset ?? (request.visibility === 'public' ? 'public_chat' : 'private_chat');
  // The creator is already in the room: inviting them again would be refused.
  const invites = [...new Set(request.invite ?? [])].filter((u) => u !== creator);

  const createContent: Record<string, unknown> = { ...(request.creation_content ?? {}) };
  delete createContent.creator;
  createContent.room_version = rules.id;
  if (rules.requireCreatorInCreateContent) createContent.creator = creator;
  if (rules.creatorsHaveInfinitePower) {
    const extra = Array.isArray(createContent.additional_creators) ? createContent.additional_creators : [];
    const all = [...extra, ...(preset === 'trusted_private_chat' ? invites : [])];
    if (all.some((u) => typeof u !== 'string')) throw invalidParam('creation_content.additional_creators must be user ids');
    const unique = [...new Set(all as string[])].filter((u) => u !== creator);
    if (unique.length > 0) createContent.additional_creators = unique;
    else delete createContent.additional_creators;
  }

  const state: PlannedState[] = [{ type: 'm.room.member', stateKey: creator, content: { ...member, membership: 'join' } }];

  const initial = request.initial_state ?? [];
  for (const e of initial) {
    if (e.type === 'm.room.create' || (e.type === 'm.room.member')) {
      throw invalidParam(`initial_state may not contain ${e.type} events`);
    }
  }
  // A power levels event in initial_state replaces the default one (at its place in the order).
  const plInitial = initial.find((e) => e.type === 'm.room.power_levels' && (e.state_key ?? '') === '');
  const powerLevels = {
    ...(plInitial?.content ?? defaultPowerLevels(rules, creator, preset, invites)),
    ...(request.power_level_content_override ?? {}),
  };
  checkPowerLevelsContent(rules, powerLevels);
  state.push({ type: 'm.room.power_levels', stateKey: '', content: powerLevels });

  if (canonicalAlias !== undefined) state.push({ type: 'm.room.canonical_alias', stateKey: '', content: { alias: canonicalAlias } });

  const p = PRESET_STATE[preset];
  const presetState: PlannedState[] = [
    { type: 'm.room.join_rules', stateKey: '', content: { join_rule: p.join_rule } },
    { type: 'm.room.history_visibility', stateKey: '', content: { history_visibility: p.history_visibility } },
    { type: 'm.room.guest_access', stateKey: '', content: { guest_access: p.guest_access } },
  ];
  // initial_state takes precedence over the preset: skip preset entries it sets.
  const inInitial = new Set(initial.map((e) => `${e.type}\u0000${e.state_key ?? ''}`));
  for (const e of presetState) if (!inInitial.has(`${e.type}\u0000${e.stateKey}`)) state.push(e);

  for (const e of initial) {
    if (e === plInitial) continue;
    state.push({ type: e.type, stateKey: e.state_key ?? '', content: { ...e.content } });
  }
  if (request.name !== undefined) state.push({ type: 'm.room.name', stateKey: '', content: { name: request.name } });
  if (request.topic !== undefined) {
    state.push({
      type: 'm.room.topic', stateKey: '',
      content: { topic: request.topic, 'm.topic': { 'm.text': [{ body: request.topic, mimetype: 'text/plain' }] } },
    });
  }
  return { preset, createContent, state, invites };
}
