// Loading the state-resolution vectors (../shared/vectors/rooms/stateres-*.json
// and ruma-state-res/) into Pdus, state maps and expected results, and the
// kernel paths state resolution runs on in tests.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCEL_PATHS, type AccelPath } from '../../src/accel/types.js';
import { tryStateResKernel } from '../../src/accel/stateres.js';
import { stateKeyOf, type EventLookup, type Pdu, type StateMap } from '../../src/matrix/pdu.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  // dist/test/... compiles next to a copy-free tree: the first package.json up is the repo root
  return dir;
}

export const vectorsDir = resolve(repoRoot(), '..', 'shared', 'vectors');

type Json = Record<string, unknown>;

function ids(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  // v1–v2 events list [id, hashes] pairs
  return list.map((x) => (Array.isArray(x) ? String(x[0]) : String(x)));
}

/** A fixture PDU as the protocol layer sees it (fixtures carry `event_id` in every version). */
export function pduFromJson(json: Json): Pdu {
  const eventId = String(json['event_id']);
  const content = (json['content'] ?? {}) as Json;
  const redacts = typeof json['redacts'] === 'string' ? json['redacts'] : typeof content['redacts'] === 'string' ? content['redacts'] : undefined;
  return {
    eventId,
    // v12 create events have no room_id: the room id is derived from the event id
    roomId: typeof json['room_id'] === 'string' ? json['room_id'] : `!${eventId.slice(1)}`,
    sender: String(json['sender']),
    type: String(json['type']),
    ...(typeof json['state_key'] === 'string' ? { stateKey: json['state_key'] } : {}),
    content,
    prevEvents: ids(json['prev_events']),
    authEvents: ids(json['auth_events']),
    depth: typeof json['depth'] === 'number' ? json['depth'] : 0,
    originServerTs: Number(json['origin_server_ts'] ?? 0),
    ...(redacts !== undefined ? { redacts } : {}),
    json,
  };
}

export interface EventStore {
  readonly events: Map<string, Pdu>;
  readonly lookup: EventLookup;
}

export function eventStore(pdus: Iterable<Pdu>): EventStore {
  const events = new Map<string, Pdu>();
  for (const p of pdus) events.set(p.eventId, p);
  return { events, lookup: (id) => events.get(id) };
}

export function stateMapOf(store: EventStore, eventIds: readonly string[]): StateMap {
  const m = new Map<string, string>();
  for (const id of eventIds) {
    const ev = store.events.get(id);
    if (ev === undefined || ev.stateKey === undefined) throw new Error(`state event ${id} not in the fixture`);
    m.set(stateKeyOf(ev.type, ev.stateKey), id);
  }
  return m;
}

/** A state map as sorted [type, state_key, event_id] triples (the fixtures' `expected` form). */
export function triples(state: StateMap): [string, string, string][] {
  return [...state].map(([k, id]) => {
    const i = k.indexOf('\u0000');
    return [k.slice(0, i), k.slice(i + 1), id] as [string, string, string];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

// ---- rooms/stateres-*.json (Synapse 1.67 oracle) ----

export interface RoomCase {
  readonly description: string;
  readonly stateSets: readonly (readonly string[])[];
  readonly expected: readonly [string, string, string][];
}

export interface RoomFixture {
  readonly file: string;
  readonly roomVersion: string;
  readonly store: EventStore;
  readonly cases: readonly RoomCase[];
}

export function roomFixtureFiles(): string[] {
  return readdirSync(join(vectorsDir, 'rooms')).filter((f) => /^stateres-.*\.json$/.test(f)).sort();
}

export function loadRoomFixture(file: string): RoomFixture {
  const raw = JSON.parse(readFileSync(join(vectorsDir, 'rooms', file), 'utf8')) as Json;
  const store = eventStore((raw['events'] as Json[]).map(pduFromJson));
  const cases = ((raw['state_resolution'] ?? []) as Json[]).map((c) => ({
    description: String(c['description'] ?? ''),
    stateSets: c['state_sets'] as string[][],
    expected: c['expected'] as [string, string, string][],
  }));
  return { file, roomVersion: String(raw['room_version']), store, cases };
}

// ---- ruma-state-res ----

export interface RumaScenario {
  readonly name: string;
  readonly mode: 'batches' | 'state_maps';
  readonly batches: readonly Pdu[][];
  readonly stateMaps: readonly (readonly string[])[];
  readonly roomVersion: string;
  readonly expected: readonly [string, string, string][];
}

const rumaDir = (): string => join(vectorsDir, 'ruma-state-res');

/** The JSON array after the insta snapshot's YAML header. */
function parseSnapshot(text: string): [string, string, string][] {
  const body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
  const arr = JSON.parse(body) as Json[];
  return arr.map((e) => [String(e['type']), String(e['state_key']), String(e['event_id'])] as [string, string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

export function loadRumaScenarios(): RumaScenario[] {
  const index = JSON.parse(readFileSync(join(rumaDir(), 'index.json'), 'utf8')) as { scenarios: Json[] };
  return index.scenarios.map((s) => {
    const files = s['files'] as string[];
    const batches = files.map((f) => (JSON.parse(readFileSync(join(rumaDir(), 'fixtures', f), 'utf8')) as Json[]).map(pduFromJson));
    const stateMaps = ((s['state_maps'] ?? []) as string[]).map((f) => JSON.parse(readFileSync(join(rumaDir(), 'fixtures', f), 'utf8')) as string[]);
    const create = batches.flat().find((p) => p.type === 'm.room.create');
    const roomVersion = String(create?.content['room_version'] ?? '1');
    const expected = parseSnapshot(readFileSync(join(rumaDir(), String(s['expected'])), 'utf8'));
    return { name: String(s['name']), mode: s['mode'] as RumaScenario['mode'], batches, stateMaps, roomVersion, expected };
  });
}

// ---- kernel paths ----

/** The state-res kernel paths to run: every one that loads (all three when MYELIN_TEST_REQUIRE_PATHS says so). */
export function stateResPathsUnderTest(): AccelPath[] {
  const required = (process.env['MYELIN_TEST_REQUIRE_PATHS'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const out: AccelPath[] = [];
  for (const path of ACCEL_PATHS) {
    const k = tryStateResKernel(path);
    if (k instanceof Error) {
      if (required.includes(path)) throw new Error(`state-res kernel path ${path} is required but did not load: ${k.message}`);
      continue;
    }
    out.push(path);
  }
  return out;
}

// ---- replaying events in DAG order ("batches" mode) ----

export type Resolver = (stateSets: readonly StateMap[], lookup: EventLookup) => StateMap;

/**
 * Replays PDUs in DAG order: the state before an event is the resolution of
 * the states after its prev_events; the state after it is the resolution of
 * {before, before + event}, so the event stays only if it passes auth there.
 * Returns the resolution of the states after the DAG's leaves.
 */
export function replayDag(pdus: readonly Pdu[], resolve: Resolver): StateMap {
  const store = eventStore(pdus);
  const after = new Map<string, StateMap>();
  const children = new Map<string, string[]>();
  for (const p of pdus) for (const prev of p.prevEvents) {
    const list = children.get(prev) ?? [];
    list.push(p.eventId);
    children.set(prev, list);
  }
  // Kahn over prev_events, oldest first (ties in input order, so the replay is deterministic)
  const waiting = new Map<string, number>();
  const ready: string[] = [];
  for (const p of pdus) {
    const n = p.prevEvents.filter((id) => store.events.has(id)).length;
    waiting.set(p.eventId, n);
    if (n === 0) ready.push(p.eventId);
  }
  while (ready.length > 0) {
    const id = ready.shift()!;
    const pdu = store.events.get(id)!;
    const prevStates = pdu.prevEvents.map((p) => after.get(p)).filter((s): s is StateMap => s !== undefined);
    const before: StateMap = prevStates.length === 0 ? new Map() : resolve(prevStates, store.lookup);
    let state: StateMap;
    if (pdu.stateKey === undefined) state = before;
    else {
      const withEvent = new Map(before);
      withEvent.set(stateKeyOf(pdu.type, pdu.stateKey), id);
      state = before.size === 0 ? withEvent : resolve([before, withEvent], store.lookup);
    }
    after.set(id, state);
    for (const c of children.get(id) ?? []) {
      const n = waiting.get(c)! - 1;
      waiting.set(c, n);
      if (n === 0) ready.push(c);
    }
  }
  if (after.size !== pdus.length) throw new Error('prev_events of some PDUs are missing or form a cycle');
  const leaves = pdus.filter((p) => (children.get(p.eventId) ?? []).length === 0).map((p) => after.get(p.eventId)!);
  return leaves.length === 1 ? leaves[0]! : resolve(leaves, store.lookup);
}
