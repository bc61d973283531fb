// The authorization rules in the spec's order, one function per event family.
// Versions differ only through the flags of RoomVersionRules.
import type { Kernels } from '../../accel/types.js';
import { kernels as defaultKernels } from '../../accel/index.js';
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { domainOf } from '../ids.js';
import type { AuthResult, AuthState } from './index.js';
import { authorizeCreate } from './create.js';
import { authorizeMember } from './member.js';
import { authorizePowerLevels } from './power-levels-change.js';
import { PowerLevels, userPowerLevel } from './power-levels.js';
import { allow, reject } from './result.js';

export function authorize(rules: RoomVersionRules, event: Pdu, authState: AuthState, kernels: () => Kernels = defaultKernels): AuthResult {
  // Rule 1: the create event.
  if (event.type === 'm.room.create' && event.stateKey === '') return authorizeCreate(rules, event);

  const create = authState('m.room.create', '');
  if (create === undefined) return reject('there is no m.room.create event in the state the event is checked against');
  if (rules.roomIdFromCreateEvent && event.roomId !== `!${create.eventId.slice(1)}`) {
    return reject(`the room id ${event.roomId} is not the create event ${create.eventId} with the ! sigil`);
  }

  // Rule 3: m.federate false keeps other servers out.
  if (create.content['m.federate'] === false && domainOf(event.sender) !== domainOf(create.sender)) {
    return reject(`the room does not federate (m.federate is false) and ${event.sender} is not on ${domainOf(create.sender) ?? '?'}`);
  }

  // v1–v5 rule 4: aliases are the business of the server named by the state key.
  if (rules.specialCaseAliasesAuth && event.type === 'm.room.aliases') {
    if (event.stateKey === undefined) return reject('an m.room.aliases event must have a state_key');
    if (event.stateKey !== domainOf(event.sender)) {
      return reject(`an m.room.aliases event's state_key must be the sender's server ${domainOf(event.sender) ?? ''}, not "${event.stateKey}"`);
    }
    return allow;
  }

  if (event.type === 'm.room.member') return authorizeMember(rules, event, authState, kernels);

  const membership = authState('m.room.member', event.sender)?.content.membership;
  if (membership !== 'join') return reject(`${event.sender} is not joined to the room (membership: ${typeof membership === 'string' ? membership : 'none'})`);

  const levels = PowerLevels.from(rules, authState);
  const senderLevel = userPowerLevel(rules, event.sender, authState);
  if (event.type === 'm.room.third_party_invite') {
    const inviteLevel = levels.named('invite');
    if (senderLevel >= inviteLevel) return allow;
    return reject(`${event.sender} has power level ${senderLevel}, below the invite level ${inviteLevel} needed for third-party invites`);
  }

  const required = levels.requiredFor(event.type, event.stateKey !== undefined);
  if (senderLevel < required) {
    return reject(`${event.sender} has power level ${senderLevel}, below the ${required} required to send ${event.type}`);
  }
  if (event.stateKey !== undefined && event.stateKey.startsWith('@') && event.stateKey !== event.sender) {
    return reject(`only ${event.stateKey} may set state keyed by their user id`);
  }

  if (event.type === 'm.room.power_levels' && event.stateKey !== undefined) return authorizePowerLevels(rules, event, authState);

  // v1–v2 rule 11: redactions by the redact level or from the redacted event's server.
  if (rules.redactionDomainCheckInAuth && event.type === 'm.room.redaction') {
    const redactLevel = levels.named('redact');
    if (senderLevel >= redactLevel) return allow;
    if (event.redacts !== undefined && domainOf(event.redacts) === domainOf(event.eventId)) return allow;
    return reject(`${event.sender} (power level ${senderLevel}, redact level ${redactLevel}) may only redact events from their own server`);
  }
  return allow;
}
