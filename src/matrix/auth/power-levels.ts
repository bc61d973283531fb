// Reading m.room.power_levels (spec: m.room.power_levels; room v1 "stringy" and
// "floaty" power levels; v10 integer-only; v12 creators with infinite power).
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import type { AuthState } from './index.js';
import { roomCreators } from './creators.js';

/** Levels that default when absent (spec: m.room.power_levels). */
export const LEVEL_DEFAULTS = {
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
} as const;
export type NamedLevel = keyof typeof LEVEL_DEFAULTS;
export const NAMED_LEVELS = Object.keys(LEVEL_DEFAULTS) as NamedLevel[];

// The characters Python's int() skips around a number (str.isspace()).
const PY_WHITESPACE = '[\\t\\n\\v\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_INT = new RegExp(`^${PY_WHITESPACE}*([+-]?)(\\p{Nd}(?:_?\\p{Nd})*)${PY_WHITESPACE}*$`, 'u');
const DIGIT = /\p{Nd}/u;

/**
 * The value of a decimal digit of any script, as Python's int() reads it.
 * Unicode keeps each script's digits 0–9 contiguous and in order, and blocks
 * of them adjacent, so the value is the distance from the start of the run, mod 10.
 */
function digitValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  let first = cp;
  while (DIGIT.test(String.fromCodePoint(first - 1))) first--;
  return (cp - first) % 10;
}

function pythonDigits(digits: string): number {
  let n = 0;
  for (const ch of digits) if (ch !== '_') n = n * 10 + digitValue(ch.codePointAt(0)!);
  return n;
}

/**
 * A power level value as the room version reads it, or undefined if it is not one.
 * v10+: integers only. Before: a string read as Python's int() does (whitespace,
 * one sign, leading zeros, digit-separating underscores, digits of any script); before v6 a float is
 * truncated toward zero (canonical JSON forbids floats from v6).
 */
export function parsePowerLevel(rules: RoomVersionRules, value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
    if (!rules.strictCanonicalJson && Number.isFinite(value)) return Math.trunc(value);
    return undefined;
  }
  if (typeof value === 'string' && !rules.integerOnlyPowerLevels) {
    const m = PY_INT.exec(value);
    if (m === null) return undefined;
    // Python 3.11+ refuses to convert more than 4300 digits (a ValueError in Synapse).
    if (m[2]!.replaceAll('_', '').length > 4300) return undefined;
    const n = pythonDigits(m[2]!);
    return m[1] === '-' ? -n : n;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A power levels event's content as levels; absent or unreadable values take their defaults. */
export class PowerLevels {
  constructor(
    private readonly rules: RoomVersionRules,
    /** undefined when the room has no m.room.power_levels event */
    readonly content: Readonly<Record<string, unknown>> | undefined,
  ) {}

  static from(rules: RoomVersionRules, authState: AuthState): PowerLevels {
    return new PowerLevels(rules, authState('m.room.power_levels', '')?.content);
  }

  named(name: NamedLevel): number {
    return this.content === undefined ? LEVEL_DEFAULTS[name] : parsePowerLevel(this.rules, this.content[name]) ?? LEVEL_DEFAULTS[name];
  }

  private mapEntry(map: string, key: string): number | undefined {
    const m = this.content?.[map];
    if (!isObject(m) || !Object.hasOwn(m, key)) return undefined;
    return parsePowerLevel(this.rules, m[key]);
  }

  /** The level listed for the user, if any. */
  listedUser(userId: string): number | undefined {
    return this.mapEntry('users', userId);
  }

  /** The required power level for an event type (spec: "Required Power Level"). */
  requiredFor(type: string, isState: boolean): number {
    return this.mapEntry('events', type) ?? this.named(isState ? 'state_default' : 'events_default');
  }
}

/** A user's power level in a state. */
export function userPowerLevel(rules: RoomVersionRules, userId: string, authState: AuthState): number {
  const create = authState('m.room.create', '');
  if (rules.creatorsHaveInfinitePower && create !== undefined && roomCreators(rules, create).includes(userId)) return Infinity;
  const pl = authState('m.room.power_levels', '');
  if (pl !== undefined) {
    const levels = new PowerLevels(rules, pl.content);
    return levels.listedUser(userId) ?? levels.named('users_default');
  }
  // No power levels event: the creator has 100, everyone else 0.
  if (create !== undefined && !rules.creatorsHaveInfinitePower && roomCreators(rules, create).includes(userId)) return 100;
  return 0;
}

export function powerLevelsOf(rules: RoomVersionRules, pl: Pdu | undefined): PowerLevels {
  return new PowerLevels(rules, pl?.content);
}
