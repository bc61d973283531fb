// Auth rules for m.room.member (v1 rule 5, v3 rule 5, v8+ rule 4, v12 rule 5):
// join, invite (including third-party invites), leave and kick, ban, knock.
import type { Kernels } from '../../accel/types.js';
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { domainOf } from '../ids.js';
import type { AuthResult, AuthState } from './index.js';
import { PowerLevels, userPowerLevel } from './power-levels.js';
import { roomCreators } from './creators.js';
import { allow, reject } from './result.js';
import { verifyThirdPartyInvite } from './third-party-invite.js';

function membershipOf(authState: AuthState, userId: string): string | undefined {
  const m = authState('m.room.member', userId)?.content.membership;
  return typeof m === 'string' ? m : undefined;
}

function joinRuleOf(authState: AuthState): unknown {
  const jr = authState('m.room.join_rules', '');
  // No join rules event (or no join_rule in it) means invite-only.
  return jr === undefined ? 'invite' : jr.content.join_rule ?? 'invite';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function authorizeMember(rules: RoomVersionRules, event: Pdu, authState: AuthState, kernels: () => Kernels): AuthResult {
  const target = event.stateKey;
  if (target === undefined) return reject('a membership event must have a state_key');
  if (!('membership' in event.content)) return reject('a membership event must have content.membership');
  const membership = event.content.membership;

  if (rules.restrictedJoins && 'join_authorised_via_users_server' in event.content) {
    const authoriser = event.content.join_authorised_via_users_server;
    const server = typeof authoriser === 'string' ? domainOf(authoriser) : undefined;
    const sigs = event.json.signatures;
    // The signature itself is verified with the event's other signatures; here it must be present.
    if (server === undefined || !isObject(sigs) || !isObject(sigs[server])) {
      return reject(`the event is not signed by the authorising user's server (${server ?? 'invalid join_authorised_via_users_server'})`);
    }
  }

  const sender = event.sender;
  // A room that does not federate takes no membership for users of other
  // servers either (Synapse does this for the target, beyond the spec's sender
  // rule; matching it keeps our verdicts identical to the network's).
  const create = authState('m.room.create', '');
  if (create !== undefined && create.content['m.federate'] === false && domainOf(target) !== domainOf(create.sender)) {
    return reject(`the room does not federate (m.federate is false) and ${target} is not on ${domainOf(create.sender) ?? '?'}`);
  }
  const senderMembership = membershipOf(authState, sender);
  const targetMembership = membershipOf(authState, target);
  const levels = PowerLevels.from(rules, authState);
  const senderLevel = userPowerLevel(rules, sender, authState);
  const targetLevel = userPowerLevel(rules, target, authState);

  switch (membership) {
    case 'join': {
      // The creator's own first join, straight after the create event.
      if (create !== undefined && event.prevEvents.length === 1 && event.prevEvents[0] === create.eventId) {
        const creator = rules.creatorFromSender ? create.sender : roomCreators(rules, create)[0];
        if (creator === target) return allow;
      }
      if (sender !== target) return reject(`${sender} cannot make ${target} join: only the user can join`);
      if (senderMembership === 'ban') return reject(`${sender} is banned from the room`);
      const joinRule = joinRuleOf(authState);
      const invitedOrJoined = senderMembership === 'invite' || senderMembership === 'join';
      if (joinRule === 'invite' || (rules.knocking && joinRule === 'knock')) {
        return invitedOrJoined ? allow : reject(`the room's join rule is ${String(joinRule)} and ${sender} is not invited`);
      }
      if ((rules.restrictedJoins && joinRule === 'restricted') || (rules.knockRestrictedJoins && joinRule === 'knock_restricted')) {
        if (invitedOrJoined) return allow;
        const authoriser = event.content.join_authorised_via_users_server;
        if (typeof authoriser !== 'string') {
          return reject(`the room's join rule is ${joinRule} and the join has no join_authorised_via_users_server`);
        }
        if (membershipOf(authState, authoriser) !== 'join') return reject(`the authorising user ${authoriser} is not joined to the room`);
        if (userPowerLevel(rules, authoriser, authState) < levels.named('invite')) {
          return reject(`the authorising user ${authoriser} does not have the power to invite`);
        }
        return allow;
      }
      if (joinRule === 'public') return allow;
      return reject(`the room's join rule ${JSON.stringify(joinRule)} does not let ${sender} join in room version ${rules.id}`);
    }

    case 'invite': {
      if ('third_party_invite' in event.content) {
        if (targetMembership === 'ban') return reject(`${target} is banned from the room`);
        return verifyThirdPartyInvite(rules, event, target, authState, kernels);
      }
      if (senderMembership !== 'join') return reject(`${sender} cannot invite: they are not joined to the room`);
      if (targetMembership === 'join') return reject(`${target} is already joined to the room`);
      if (targetMembership === 'ban') return reject(`${target} is banned from the room`);
      const inviteLevel = levels.named('invite');
      if (senderLevel >= inviteLevel) return allow;
      return reject(`${sender} has power level ${senderLevel}, below the invite level ${inviteLevel}`);
    }

    case 'leave': {
      if (sender === target) {
        const may = senderMembership === 'invite' || senderMembership === 'join' || (rules.knocking && senderMembership === 'knock');
        return may ? allow : reject(`${sender} cannot leave: their membership is ${senderMembership ?? 'none'}`);
      }
      if (senderMembership !== 'join') return reject(`${sender} cannot kick or unban: they are not joined to the room`);
      const banLevel = levels.named('ban');
      if (targetMembership === 'ban' && senderLevel < banLevel) {
        return reject(`${sender} cannot unban ${target}: power level ${senderLevel} is below the ban level ${banLevel}`);
      }
      const kickLevel = levels.named('kick');
      if (senderLevel >= kickLevel && targetLevel < senderLevel) return allow;
      return reject(`${sender} (power level ${senderLevel}) cannot kick ${target} (power level ${targetLevel}; kick level ${kickLevel})`);
    }

    case 'ban': {
      if (senderMembership !== 'join') return reject(`${sender} cannot ban: they are not joined to the room`);
      const banLevel = levels.named('ban');
      if (senderLevel >= banLevel && targetLevel < senderLevel) return allow;
      return reject(`${sender} (power level ${senderLevel}) cannot ban ${target} (power level ${targetLevel}; ban level ${banLevel})`);
    }

    case 'knock': {
      if (!rules.knocking) break;
      const joinRule = joinRuleOf(authState);
      if (joinRule !== 'knock' && !(rules.knockRestrictedJoins && joinRule === 'knock_restricted')) {
        return reject(`the room's join rule ${JSON.stringify(joinRule)} does not allow knocking`);
      }
      if (sender !== target) return reject(`${sender} cannot knock on behalf of ${target}`);
      if (senderMembership === 'ban' || senderMembership === 'invite' || senderMembership === 'join') {
        return reject(`${sender} cannot knock: their membership is already ${senderMembership}`);
      }
      return allow;
    }
  }
  return reject(`unknown membership ${JSON.stringify(membership)} in room version ${rules.id}`);
}
