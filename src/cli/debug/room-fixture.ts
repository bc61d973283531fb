// Runs the sections of a room fixture file (../shared/vectors/rooms/*.json,
// described in FORMATS.md): auth, redaction, reference_hash, state_resolution.
// Shared by `myelin debug fixtures` and the tests, so both judge the same way.
import type { Kernels } from '../../accel/types.js';
import type { Pdu, StateMap } from '../../matrix/pdu.js';
import { stateKeyOf } from '../../matrix/pdu.js';
import { roomVersion, type RoomVersionRules } from '../../matrix/room-versions.js';
import { parsePdu, PduFormatError } from '../../matrix/event-format/parse.js';
import { computeEventId, referenceHash } from '../../matrix/event-format/event-id.js';
import { checkAuth, checkAuthEvents, authStateFromEvents, type AuthResult } from '../../matrix/auth/index.js';
import { redactEventBytes } from '../../matrix/redaction.js';
import { canonicalBytes } from '../../matrix/canonical.js';

export type SectionName = 'auth' | 'redaction' | 'reference_hash' | 'state_resolution';
export const SECTION_NAMES: readonly SectionName[] = ['state_resolution', 'auth', 'redaction', 'reference_hash'];

export interface RoomFixture {
  readonly source?: string;
  readonly description?: string;
  readonly room_version: string;
  readonly events: readonly Record<string, unknown>[];
  readonly state_resolution?: readonly { state_sets: string[][]; expected: [string, string, string][]; description?: string }[];
  readonly auth?: readonly { event: string; auth_state: string[]; expected: 'allow' | 'reject'; description?: string; reason?: string }[];
  readonly redaction?: readonly { event: string; expected: Record<string, unknown>; description?: string }[];
  readonly reference_hash?: readonly { event: string; expected_event_id: string; expected_reference_hash?: string; description?: string }[];
}

export interface SectionReport {
  readonly section: SectionName;
  passed: number;
  failed: number;
  /** one line per failed case */
  readonly failures: string[];
  /** set when the section could not run at all (e.g. state resolution not available) */
  unavailable?: string;
}

/** State resolution as helper code provides it (src/matrix/stateres). */
export type ResolveState = (rules: RoomVersionRules, stateSets: StateMap[], lookup: (id: string) => Pdu | undefined, kernels?: Kernels) => StateMap;

export interface RunOptions {
  readonly kernels: Kernels;
  /** absent: the state_resolution section is reported unavailable */
  readonly resolveState?: ResolveState;
}

/** The fixture's events as the protocol sees them: v3+ ids come from `event_id` but are not part of the PDU. */
export class FixtureEvents {
  readonly rules: RoomVersionRules;
  private readonly raw = new Map<string, Record<string, unknown>>();
  private readonly parsed = new Map<string, Pdu | PduFormatError>();

  constructor(fixture: RoomFixture, private readonly kernels: Kernels) {
    const rules = roomVersion(fixture.room_version);
    if (rules === undefined) throw new Error(`unknown room version ${fixture.room_version}`);
    this.rules = rules;
    for (const e of fixture.events) {
      if (typeof e.event_id !== 'string') throw new Error('a fixture event has no event_id');
      this.raw.set(e.event_id, e);
    }
  }

  /** The event as it travels over federation (no `event_id` from v3). */
  pduJson(id: string): Record<string, unknown> | undefined {
    const e = this.raw.get(id);
    if (e === undefined || this.rules.eventFormat === 'v1') return e;
    const { event_id: _ignored, ...rest } = e;
    return rest;
  }

  /** The event with its fixture `event_id`. */
  fixtureJson(id: string): Record<string, unknown> | undefined {
    return this.raw.get(id);
  }

  /** Parsed PDU, or the format error that rejects it. */
  parse(id: string): Pdu | PduFormatError | undefined {
    let p = this.parsed.get(id);
    if (p === undefined) {
      const json = this.pduJson(id);
      if (json === undefined) return undefined;
      try {
        p = parsePdu(this.rules, json, id, { kernels: this.kernels });
      } catch (err) {
        if (!(err instanceof PduFormatError)) throw err;
        p = err;
      }
      this.parsed.set(id, p);
    }
    return p;
  }

  pdu(id: string): Pdu | undefined {
    const p = this.parse(id);
    return p instanceof PduFormatError ? undefined : p;
  }
}

function label(c: { description?: string; event?: string }, index: number): string {
  return `#${index} ${c.description ?? c.event ?? ''}`.trim();
}

/** Verdict the receiving pipeline would reach: format, then auth against the event's own auth events, then against the state. */
export function authVerdict(events: FixtureEvents, eventId: string, authStateIds: readonly string[]): AuthResult {
  const parsed = events.parse(eventId);
  if (parsed === undefined) return { allowed: false, reason: `event ${eventId} is not in the fixture` };
  if (parsed instanceof PduFormatError) return { allowed: false, reason: `bad event format: ${parsed.reason}` };
  const stateEvents: Pdu[] = [];
  for (const id of authStateIds) {
    const p = events.pdu(id);
    if (p === undefined) return { allowed: false, reason: `auth state event ${id} is missing or malformed` };
    stateEvents.push(p);
  }
  const create = stateEvents.find((e) => e.type === 'm.room.create' && e.stateKey === '');
  const own: Pdu[] = [];
  for (const id of parsed.authEvents) {
    const p = events.pdu(id);
    if (p === undefined) return { allowed: false, reason: `auth event ${id} is missing or malformed` };
    own.push(p);
  }
  const first = checkAuthEvents(events.rules, parsed, own, create, undefined);
  if (!first.allowed) return first;
  return checkAuth(events.rules, parsed, authStateFromEvents(stateEvents));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const decoder = new TextDecoder();

export function runRoomFixture(fixture: RoomFixture, options: RunOptions): SectionReport[] {
  const k = options.kernels;
  const events = new FixtureEvents(fixture, k);
  const rules = events.rules;
  const reports: SectionReport[] = [];
  const report = (section: SectionName): SectionReport => {
    const r: SectionReport = { section, passed: 0, failed: 0, failures: [] };
    reports.push(r);
    return r;
  };
  const record = (r: SectionReport, ok: boolean, what: string): void => {
    if (ok) r.passed++;
    else { r.failed++; r.failures.push(what); }
  };

  if (fixture.state_resolution !== undefined) {
    const r = report('state_resolution');
    if (options.resolveState === undefined) {
      r.unavailable = 'state resolution is not available in this build';
    } else {
      fixture.state_resolution.forEach((c, i) => {
        try {
          const sets: StateMap[] = c.state_sets.map((ids) => {
            const m = new Map<string, string>();
            for (const id of ids) {
              const p = events.pdu(id);
              if (p === undefined || p.stateKey === undefined) throw new Error(`state set event ${id} is missing, malformed or not state`);
              m.set(stateKeyOf(p.type, p.stateKey), id);
            }
            return m;
          });
          const resolved = options.resolveState!(rules, sets, (id) => events.pdu(id), k);
          const expected = new Map(c.expected.map(([t, s, id]) => [stateKeyOf(t, s), id]));
          const diffs: string[] = [];
          for (const [key, id] of expected) if (resolved.get(key) !== id) diffs.push(`${key.replace('\u0000', ' ')}: expected ${id}, got ${resolved.get(key) ?? 'nothing'}`);
          for (const [key, id] of resolved) if (!expected.has(key)) diffs.push(`${key.replace('\u0000', ' ')}: unexpected ${id}`);
          record(r, diffs.length === 0, `${label(c, i)}: ${diffs.slice(0, 3).join('; ')}${diffs.length > 3 ? ` (+${diffs.length - 3} more)` : ''}`);
        } catch (err) {
          record(r, false, `${label(c, i)}: threw ${(err as Error).message}`);
        }
      });
    }
  }

  if (fixture.auth !== undefined) {
    const r = report('auth');
    fixture.auth.forEach((c, i) => {
      try {
        const verdict = authVerdict(events, c.event, c.auth_state);
        const got = verdict.allowed ? 'allow' : 'reject';
        record(r, got === c.expected, `${label(c, i)}: expected ${c.expected}, got ${got}${verdict.allowed ? '' : ` (${verdict.reason})`}${c.reason ? ` [oracle: ${c.reason.slice(0, 120)}]` : ''}`);
      } catch (err) {
        record(r, false, `${label(c, i)}: threw ${(err as Error).message}`);
      }
    });
  }

  if (fixture.redaction !== undefined) {
    const r = report('redaction');
    fixture.redaction.forEach((c, i) => {
      try {
        const json = events.fixtureJson(c.event);
        if (json === undefined) throw new Error(`event ${c.event} is not in the fixture`);
        const got = redactEventBytes(rules, json, k);
        const want = canonicalBytes(k, c.expected, rules.strictCanonicalJson ? 'strict' : 'compat');
        record(r, sameBytes(got, want), `${label(c, i)}: expected ${decoder.decode(want).slice(0, 300)}, got ${decoder.decode(got).slice(0, 300)}`);
      } catch (err) {
        record(r, false, `${label(c, i)}: threw ${(err as Error).message}`);
      }
    });
  }

  if (fixture.reference_hash !== undefined) {
    const r = report('reference_hash');
    fixture.reference_hash.forEach((c, i) => {
      try {
        const json = events.pduJson(c.event);
        if (json === undefined) throw new Error(`event ${c.event} is not in the fixture`);
        const id = computeEventId(rules, json, k);
        const hash = k.base64Encode(referenceHash(rules, json, k));
        const hashOk = c.expected_reference_hash === undefined || hash === c.expected_reference_hash;
        record(r, id === c.expected_event_id && hashOk, `${label(c, i)}: expected ${c.expected_event_id} / ${c.expected_reference_hash ?? '-'}, got ${id} / ${hash}`);
      } catch (err) {
        record(r, false, `${label(c, i)}: threw ${(err as Error).message}`);
      }
    });
  }
  return reports;
}
