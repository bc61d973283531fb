// A room factory for auth tests: builds signed events with the event builder,
// checks each against its auth events and the current state, and keeps the state.
import type { Kernels } from '../../src/accel/types.js';
import type { Pdu } from '../../src/matrix/pdu.js';
import { stateKeyOf } from '../../src/matrix/pdu.js';
import type { RoomVersionRules } from '../../src/matrix/room-versions.js';
import { buildEvent, type BuiltEvent } from '../../src/matrix/event-builder.js';
import { checkAuth, checkAuthEvents, type AuthResult } from '../../src/matrix/auth/index.js';
import { domainOf } from '../../src/matrix/ids.js';
import type { SigningKey } from '../../src/matrix/signing.js';

export class TestRoom {
  readonly state = new Map<string, Pdu>();
  readonly events = new Map<string, Pdu>();
  roomId: string | undefined;
  private tips: Pdu[] = [];
  private ts = 1_700_000_000_000;
  private readonly keys = new Map<string, SigningKey>();

  constructor(readonly rules: RoomVersionRules, readonly k: Kernels, roomId?: string) {
    this.roomId = roomId;
  }

  keyFor(server: string): SigningKey {
    let key = this.keys.get(server);
    if (key === undefined) {
      const seed = this.k.sha256(new TextEncoder().encode(`seed for ${server}`));
      key = { seed, keyId: 'ed25519:test', serverName: server };
      this.keys.set(server, key);
    }
    return key;
  }

  lookup = (type: string, stateKey: string): Pdu | undefined => this.state.get(stateKeyOf(type, stateKey));

  /** Builds an event on the current tips, signed by the sender's server (not yet in the room). */
  build(sender: string, type: string, content: Record<string, unknown>, stateKey?: string, extra: { redacts?: string; prevEvents?: Pdu[] } = {}): BuiltEvent {
    return buildEvent({
      rules: this.rules, sender, type, content, originServerTs: this.ts++, authState: this.lookup,
      prevEvents: extra.prevEvents ?? this.tips, signingKey: this.keyFor(domainOf(sender)!), kernels: this.k,
      ...(this.roomId !== undefined ? { roomId: this.roomId } : {}),
      ...(stateKey !== undefined ? { stateKey } : {}),
      ...(extra.redacts !== undefined ? { redacts: extra.redacts } : {}),
    });
  }

  /** The verdict on receipt: against its own auth events, then against the current state. */
  check(pdu: Pdu): AuthResult {
    const authEvents = pdu.authEvents.map((id) => this.events.get(id)).filter((e): e is Pdu => e !== undefined);
    const first = checkAuthEvents(this.rules, pdu, authEvents, this.lookup('m.room.create', ''), this.k);
    if (!first.allowed) return first;
    return checkAuth(this.rules, pdu, this.lookup, this.k);
  }

  /** Builds, checks and (if allowed) applies an event. */
  send(sender: string, type: string, content: Record<string, unknown>, stateKey?: string, extra: { redacts?: string } = {}): { result: AuthResult; event: BuiltEvent } {
    const event = this.build(sender, type, content, stateKey, extra);
    const result = this.check(event.pdu);
    if (result.allowed) this.apply(event.pdu);
    return { result, event };
  }

  apply(pdu: Pdu): void {
    this.events.set(pdu.eventId, pdu);
    if (pdu.stateKey !== undefined) this.state.set(stateKeyOf(pdu.type, pdu.stateKey), pdu);
    this.tips = [pdu];
    if (pdu.type === 'm.room.create' && pdu.stateKey === '') this.roomId = pdu.roomId;
  }

  /** Sends and insists on the event being allowed. */
  ok(sender: string, type: string, content: Record<string, unknown>, stateKey?: string, extra: { redacts?: string } = {}): Pdu {
    const { result, event } = this.send(sender, type, content, stateKey, extra);
    if (!result.allowed) throw new Error(`expected ${type} by ${sender} to be allowed: ${result.reason}`);
    return event.pdu;
  }

  /** Sends and returns the rejection reason, insisting it is rejected. */
  refused(sender: string, type: string, content: Record<string, unknown>, stateKey?: string): string {
    const { result } = this.send(sender, type, content, stateKey);
    if (result.allowed) throw new Error(`expected ${type} by ${sender} to be rejected`);
    return result.reason;
  }
}

/** create, creator join, power levels, public join rules: the usual start of a room. */
export function standardRoom(rules: RoomVersionRules, k: Kernels, creator = '@alice:a.example', powerLevels: Record<string, unknown> = {}): TestRoom {
  const room = new TestRoom(rules, k, rules.roomIdFromCreateEvent ? undefined : `!room:${domainOf(creator)}`);
  const createContent: Record<string, unknown> = { room_version: rules.id };
  if (!rules.creatorFromSender) createContent.creator = creator;
  room.ok(creator, 'm.room.create', createContent, '');
  room.ok(creator, 'm.room.member', { membership: 'join' }, creator);
  const users = rules.creatorsHaveInfinitePower ? {} : { [creator]: 100 };
  room.ok(creator, 'm.room.power_levels', { users, ...powerLevels }, '');
  room.ok(creator, 'm.room.join_rules', { join_rule: 'public' }, '');
  return room;
}
