// `myelin debug check-auth FILE`: one event against its auth events and/or a state.
// Input: {"room_version": "10", "event": {...}, "auth_events": [{...}], "state": [{...}], "create_event": {...}}
// (events carry `event_id` as in the fixtures; auth_events and state are each optional),
// or a room fixture with --case N (its auth[N], judged as `debug fixtures` does).
import type { CliIo } from '../command.js';
import type { Kernels } from '../../accel/types.js';
import type { Pdu } from '../../matrix/pdu.js';
import type { RoomVersionRules } from '../../matrix/room-versions.js';
import { computeEventId } from '../../matrix/event-format/event-id.js';
import { parsePdu, PduFormatError } from '../../matrix/event-format/parse.js';
import { authStateFromEvents, checkAuth, checkAuthEvents } from '../../matrix/auth/index.js';
import { authVerdict, FixtureEvents, type RoomFixture } from './room-fixture.js';
import { isObject, kernelsFromOptions, type Options, readJsonInput, rulesFromOptions, UsageError } from './input.js';

/** Parses an event as given on the command line: v3+ ids from `event_id` if present, else computed. */
export function pduFromInput(rules: RoomVersionRules, json: unknown, k: Kernels, what: string): Pdu {
  if (!isObject(json)) throw new UsageError(`${what} must be a JSON object`);
  let pduJson = json;
  let id: string | undefined;
  if (rules.eventFormat !== 'v1') {
    const { event_id, ...rest } = json;
    pduJson = rest;
    id = typeof event_id === 'string' ? event_id : computeEventId(rules, rest, k);
  }
  try {
    return parsePdu(rules, pduJson, id, { kernels: k });
  } catch (err) {
    if (err instanceof PduFormatError) throw new UsageError(`${what} is not a valid room version ${rules.id} event: ${err.reason}`);
    throw err;
  }
}

function eventList(rules: RoomVersionRules, value: unknown, k: Kernels, what: string): Pdu[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new UsageError(`${what} must be an array of events`);
  return value.map((e, i) => pduFromInput(rules, e, k, `${what}[${i}]`));
}

export async function runCheckAuth(opts: Options, io: CliIo): Promise<number> {
  const input = await readJsonInput(opts._[0], io);
  if (!isObject(input)) throw new UsageError('the input must be a JSON object with room_version, event and auth_events and/or state');
  const rules = rulesFromOptions(opts, input);
  const k = kernelsFromOptions(opts);
  if (typeof opts.case === 'string') return runFixtureCase(input, opts.case, k, io);
  let event: Pdu;
  try {
    event = pduFromInput(rules, input.event, k, 'event');
  } catch (err) {
    if (err instanceof UsageError && input.event !== undefined) {
      io.stdout.write(`reject: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const authEvents = eventList(rules, input.auth_events, k, 'auth_events');
  const state = eventList(rules, input.state, k, 'state');
  if (authEvents === undefined && state === undefined) throw new UsageError('give auth_events, state, or both');
  const create = input.create_event !== undefined ? pduFromInput(rules, input.create_event, k, 'create_event')
    : [...(state ?? []), ...(authEvents ?? [])].find((e) => e.type === 'm.room.create' && e.stateKey === '');
  if (authEvents !== undefined) {
    const r = checkAuthEvents(rules, event, authEvents, create, k);
    if (!r.allowed) { io.stdout.write(`reject (against its auth events): ${r.reason}\n`); return 1; }
  }
  if (state !== undefined) {
    const r = checkAuth(rules, event, authStateFromEvents(create && !state.includes(create) ? [create, ...state] : state), k);
    if (!r.allowed) { io.stdout.write(`reject (against the state): ${r.reason}\n`); return 1; }
  }
  io.stdout.write(`allow ${event.eventId}\n`);
  return 0;
}

function runFixtureCase(input: Record<string, unknown>, which: string, k: Kernels, io: CliIo): number {
  const cases = input.auth;
  const n = Number(which);
  if (!Array.isArray(cases) || !Number.isInteger(n) || !isObject(cases[n])) throw new UsageError(`the fixture has no auth case ${which}`);
  const c = cases[n] as { event?: unknown; auth_state?: unknown; expected?: unknown; description?: unknown };
  if (typeof c.event !== 'string' || !Array.isArray(c.auth_state)) throw new UsageError(`auth case ${which} needs event and auth_state`);
  const verdict = authVerdict(new FixtureEvents(input as unknown as RoomFixture, k), c.event, c.auth_state as string[]);
  if (typeof c.description === 'string') io.stdout.write(`case ${which}: ${c.description}\n`);
  io.stdout.write(verdict.allowed ? `allow ${c.event}\n` : `reject: ${verdict.reason}\n`);
  if (typeof c.expected === 'string') io.stdout.write(`expected ${c.expected}\n`);
  return verdict.allowed ? 0 : 1;
}
