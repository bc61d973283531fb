// What every step of a resolution shares: the room version's rules, where
// events come from, which kernel does the numeric work, the auth-chain index.
import type { StateResKernel } from '../../accel/stateres.js';
import type { EventLookup, Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import type { ChainIndex } from './chain-index.js';

export interface ResolveContext {
  readonly rules: RoomVersionRules;
  readonly lookup: EventLookup;
  readonly kernel: StateResKernel;
  readonly index: ChainIndex;
  /** events rejected on receipt; their use as auth events is skipped */
  readonly isRejected: (eventId: string) => boolean;
}

/** A resolution that cannot be carried out (inconsistent input), reported instead of guessed at. */
export class StateResolutionError extends Error {
  override readonly name = 'StateResolutionError';
}

export const CREATE = 'm.room.create';
export const POWER_LEVELS = 'm.room.power_levels';
export const JOIN_RULES = 'm.room.join_rules';
export const MEMBER = 'm.room.member';
export const THIRD_PARTY_INVITE = 'm.room.third_party_invite';

export function isType(event: Pdu, type: string, stateKey = ''): boolean {
  return event.type === type && event.stateKey === stateKey;
}

/** v12: the create event is not among auth events; its id is the room id with `$` for `!`. */
export function impliedCreateEvent(ctx: ResolveContext, event: Pdu): Pdu | undefined {
  if (!ctx.rules.roomIdFromCreateEvent || event.type === CREATE) return undefined;
  if (!event.roomId.startsWith('!')) return undefined;
  return ctx.lookup(`$${event.roomId.slice(1)}`);
}

/** Compares strings by Unicode code point (the order of Synapse's and ruma's event id comparisons). */
export function compareCodePoints(a: string, b: string): number {
  // UTF-16 order equals code point order unless a surrogate meets a unit above it.
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1; // a surrogate (astral code point) sorts after any BMP unit ≥ 0xe000 and below
  }
  return a.length - b.length;
}

/** Ranks of ids in code point order (distinct ids). */
export function idRanks(ids: readonly string[]): Uint32Array {
  const order = ids.map((_, i) => i).sort((x, y) => compareCodePoints(ids[x]!, ids[y]!));
  const rank = new Uint32Array(ids.length);
  order.forEach((node, r) => { rank[node] = r; });
  return rank;
}
