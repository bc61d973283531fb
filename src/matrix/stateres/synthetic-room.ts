// A deterministic synthetic room for benchmarks and large-room tests: a base
// history of joins with membership churn and power-level and topic changes,
// then several forks from its tip, each with its own joins, leaves, kicks,
// bans, power-level and topic changes. Every event is built with auth events
// chosen as a server would (create, power levels, join rules, sender's and
// target's membership) and is allowed against its fork's state, so resolving
// the forks' states exercises real conflicts. Same seed, same room.
import { stateKeyOf, type EventLookup, type Pdu, type StateKey, type StateMap } from '../pdu.js';

export interface SyntheticRoomOptions {
  /** total state events (base + forks) */
  readonly stateEvents: number;
  /** number of forks, ≥ 2 */
  readonly forks: number;
  /** share of the events that are on the forks (default 0.1) */
  readonly forkShare?: number;
  readonly seed: number;
  /** room version written in the create event (default "10") */
  readonly roomVersion?: string;
}

export interface SyntheticRoom {
  readonly roomVersion: string;
  readonly events: readonly Pdu[];
  readonly lookup: EventLookup;
  /** the state after each fork's last event */
  readonly forkStates: readonly StateMap[];
}

/** mulberry32: small, fast, deterministic */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CREATE = stateKeyOf('m.room.create', '');
const PL = stateKeyOf('m.room.power_levels', '');
const JR = stateKeyOf('m.room.join_rules', '');
const TOPIC = stateKeyOf('m.room.topic', '');
const member = (user: string): StateKey => stateKeyOf('m.room.member', user);

interface Branch {
  state: Map<StateKey, string>;
  joined: string[];
  /** position of each joined user in `joined` */
  joinedSet: Map<string, number>;
  left: string[];
  powers: Record<string, number>;
  mods: string[];
  /** power needed for m.room.name, toggled by some power levels changes */
  nameLevel: number;
  last: string;
}

export function syntheticRoom(options: SyntheticRoomOptions): SyntheticRoom {
  const rand = prng(options.seed);
  const roomVersion = options.roomVersion ?? '10';
  const roomId = `!bench${options.seed}:bench.example`;
  const admin = '@admin:bench.example';
  const events = new Map<string, Pdu>();
  const list: Pdu[] = [];
  let counter = 0;
  let ts = 1_700_000_000_000;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  const emit = (b: Branch | undefined, sender: string, type: string, stateKey: string, content: Record<string, unknown>, authKeys: StateKey[]): string => {
    const eventId = `$${(counter++).toString(36)}_${Math.floor(rand() * 2 ** 31).toString(36)}`;
    ts += 1 + Math.floor(rand() * 3); // equal timestamps happen across forks, exercising the id tie-break
    const authEvents: string[] = [];
    if (b !== undefined) for (const k of authKeys) { const id = b.state.get(k); if (id !== undefined && !authEvents.includes(id)) authEvents.push(id); }
    const json = {
      event_id: eventId, room_id: roomId, sender, type, state_key: stateKey, content,
      prev_events: b === undefined ? [] : [b.last], auth_events: authEvents, depth: counter, origin_server_ts: ts,
    };
    const pdu: Pdu = {
      eventId, roomId, sender, type, stateKey, content, prevEvents: json.prev_events, authEvents, depth: counter, originServerTs: ts, json,
    };
    events.set(eventId, pdu);
    list.push(pdu);
    if (b !== undefined) { b.state.set(stateKeyOf(type, stateKey), eventId); b.last = eventId; }
    return eventId;
  };

  const powerLevels = (b: Branch, sender: string): void => {
    emit(b, sender, 'm.room.power_levels', '', { users: { ...b.powers }, events: { 'm.room.name': b.nameLevel }, users_default: 0, events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0 }, [CREATE, PL, member(sender)]);
  };
  const join = (b: Branch, user: string): void => {
    emit(b, user, 'm.room.member', user, { membership: 'join' }, [CREATE, PL, JR, member(user)]);
    b.joinedSet.set(user, b.joined.length);
    b.joined.push(user);
  };
  const removeJoined = (b: Branch, user: string): void => {
    const i = b.joinedSet.get(user)!;
    const last = b.joined.pop()!;
    b.joinedSet.delete(user);
    if (last !== user) { b.joined[i] = last; b.joinedSet.set(last, i); }
  };
  const leave = (b: Branch, user: string, sender: string, membership: 'leave' | 'ban'): void => {
    emit(b, sender, 'm.room.member', user, { membership }, [CREATE, PL, member(sender), member(user)]);
    removeJoined(b, user);
    if (membership === 'leave') b.left.push(user);
  };

  // --- base history ---
  const base: Branch = { state: new Map(), joined: [], joinedSet: new Map(), left: [], powers: { [admin]: 100 }, mods: [], nameLevel: 50, last: '' };
  const createId = emit(undefined, admin, 'm.room.create', '', { creator: admin, room_version: roomVersion }, []);
  base.state.set(CREATE, createId);
  base.last = createId;
  join(base, admin);
  powerLevels(base, admin);
  emit(base, admin, 'm.room.join_rules', '', { join_rule: 'public' }, [CREATE, PL, member(admin)]);
  const total = Math.max(options.stateEvents, 20);
  const forkEvents = Math.max(options.forks * 2, Math.floor(total * (options.forkShare ?? 0.1)));
  let userCounter = 0;
  const newUser = (): string => `@u${(userCounter++).toString(36)}:s${userCounter % 17}.bench.example`;

  const step = (b: Branch): void => {
    const r = rand();
    const mods = b.mods; // moderators never leave or get kicked here
    if (r < 0.6 || b.joined.length < 10) join(b, newUser());
    else if (r < 0.72 && b.left.length > 0) {
      // a returning member: its previous membership is among the auth events
      const i = Math.floor(rand() * b.left.length);
      const user = b.left[i]!;
      b.left[i] = b.left[b.left.length - 1]!;
      b.left.pop();
      join(b, user);
    } else if (r < 0.84) {
      const user = pick(b.joined);
      if (b.powers[user] === undefined) leave(b, user, user, 'leave');
    } else if (r < 0.9 && mods.length > 0) {
      const user = pick(b.joined);
      if (b.powers[user] === undefined) leave(b, user, pick(mods), rand() < 0.5 ? 'leave' : 'ban');
    } else if (r < 0.94) {
      // promote someone to moderator while there are few (real rooms list tens of users, not thousands),
      // else change another power level
      const user = pick(b.joined);
      if (b.mods.length < 24 && b.powers[user] === undefined) { b.powers = { ...b.powers, [user]: 50 }; b.mods.push(user); }
      else b.nameLevel = b.nameLevel === 50 ? 0 : 50;
      powerLevels(b, admin);
    } else {
      const sender = mods.length > 0 && rand() < 0.5 ? pick(mods) : admin;
      emit(b, sender, 'm.room.topic', '', { topic: `topic ${counter}` }, [CREATE, PL, member(sender)]);
    }
  };

  while (list.length < total - forkEvents) step(base);

  // --- forks from the base tip ---
  const forks: Branch[] = [];
  for (let f = 0; f < Math.max(2, options.forks); f++) {
    forks.push({
      state: new Map(base.state), joined: [...base.joined], joinedSet: new Map(base.joinedSet), left: [...base.left], powers: { ...base.powers }, mods: [...base.mods], nameLevel: base.nameLevel, last: base.last,
    });
  }
  for (let i = 0; list.length < total; i++) step(forks[i % forks.length]!);

  return { roomVersion, events: list, lookup: (id) => events.get(id), forkStates: forks.map((b) => b.state) };
}
