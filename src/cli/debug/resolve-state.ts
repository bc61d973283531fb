// `myelin debug resolve-state FILE`: resolves state sets and prints the state.
// Input: {"room_version": "10", "events": [...], "state_sets": [["$a", ...], ...]}
// or a room fixture with --case N (its state_resolution[N]).
import type { CliIo } from '../command.js';
import { splitStateKey, stateKeyOf, type StateMap } from '../../matrix/pdu.js';
import { resolveState } from '../../matrix/stateres/index.js';
import { FixtureEvents, type RoomFixture } from './room-fixture.js';
import { isObject, kernelsFromOptions, type Options, readJsonInput, UsageError } from './input.js';

export async function runResolveState(opts: Options, io: CliIo): Promise<number> {
  const input = await readJsonInput(opts._[0], io);
  if (!isObject(input) || !Array.isArray(input.events)) throw new UsageError('the input must be a JSON object with room_version, events and state_sets');
  const k = kernelsFromOptions(opts);
  let stateSets: unknown = input.state_sets;
  if (typeof opts.case === 'string') {
    const cases = input.state_resolution;
    const n = Number(opts.case);
    if (!Array.isArray(cases) || !Number.isInteger(n) || !isObject(cases[n])) throw new UsageError(`the fixture has no state_resolution case ${opts.case}`);
    stateSets = (cases[n] as Record<string, unknown>).state_sets;
  }
  if (!Array.isArray(stateSets) || !stateSets.every((s) => Array.isArray(s) && s.every((id) => typeof id === 'string'))) {
    throw new UsageError('state_sets must be an array of arrays of event ids');
  }
  const events = new FixtureEvents(input as unknown as RoomFixture, k);
  const sets: StateMap[] = (stateSets as string[][]).map((ids) => {
    const m = new Map<string, string>();
    for (const id of ids) {
      const p = events.parse(id);
      if (p === undefined) throw new UsageError(`state set event ${id} is not among the events`);
      if (!('eventId' in p)) throw new UsageError(`state set event ${id} is malformed: ${p.reason}`);
      if (p.stateKey === undefined) throw new UsageError(`state set event ${id} is not a state event`);
      m.set(stateKeyOf(p.type, p.stateKey), id);
    }
    return m;
  });
  const resolved = resolveState(events.rules, sets, (id) => events.pdu(id), k);
  const rows = [...resolved].map(([key, id]) => [...splitStateKey(key), id] as [string, string, string]);
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  for (const row of rows) io.stdout.write(JSON.stringify(row) + '\n');
  return 0;
}
