// Step 4 (receipt check 5, first half): the state before the event. One prev
// event: its state after (a stored snapshot, nothing to compute). Several:
// state resolution over the states after each (spec: rooms "State resolution").
import { resolveState, StateResolutionError } from '../../matrix/stateres/index.js';
import { stateKeyOf, type StateKey, type StateMap } from '../../matrix/pdu.js';
import { EMPTY_SNAPSHOT, type SnapshotId, type StateInput } from '../../store/repositories/state.js';
import { readNow } from '../event-source.js';
import { EventDropped, type Candidate, type PipelineDeps } from './types.js';

export interface StateBefore {
  /** how the store records it */
  readonly input: StateInput;
  /** the stored snapshot it equals, when it is one */
  readonly snapshot?: SnapshotId;
  /** the event ids holding these (type, state_key) pairs */
  entries(keys: readonly StateKey[]): Map<StateKey, string>;
  /** the whole state */
  full(): StateMap;
}

export function snapshotState(deps: PipelineDeps, snapshot: SnapshotId): StateBefore {
  const { store } = deps;
  return {
    input: { snapshot },
    snapshot,
    entries: (keys) => readNow(store, (tx) => store.state.getMany(tx, snapshot, keys)),
    full: () => readNow(store, (tx) => store.state.at(tx, snapshot)),
  };
}

export function mapState(map: StateMap, parentHint?: SnapshotId): StateBefore {
  return {
    input: { full: map, ...(parentHint !== undefined ? { parentHint } : {}) },
    entries: (keys) => {
      const out = new Map<StateKey, string>();
      for (const k of keys) {
        const id = map.get(k);
        if (id !== undefined) out.set(k, id);
      }
      return out;
    },
    full: () => map,
  };
}

export function stateBefore(c: Candidate, deps: PipelineDeps): StateBefore {
  const { pdu, rules } = c;
  if (pdu.type === 'm.room.create' && pdu.stateKey === '') return snapshotState(deps, EMPTY_SNAPSHOT);
  const { store, events } = deps;
  const snapshots: SnapshotId[] = [];
  const missing: string[] = [];
  for (const id of pdu.prevEvents) {
    const stored = events.get(id);
    if (stored === undefined) {
      missing.push(id);
      continue;
    }
    // A rejected prev event contributes no state (it has none).
    const snap = stored.stateAfter ?? readNow(store, (tx) => store.events.stateSnapshot(tx, id, 'after'));
    if (snap !== undefined && !snapshots.includes(snap)) snapshots.push(snap);
  }
  if (missing.length > 0) throw new EventDropped('missing_events', `prev events not known here: ${missing.join(', ')}`);
  if (snapshots.length === 0) throw new EventDropped('missing_events', 'none of the prev events has a known state');
  if (snapshots.length === 1) return snapshotState(deps, snapshots[0]!);

  const sets = snapshots.map((s) => readNow(store, (tx) => store.state.at(tx, s)));
  try {
    const resolved = resolveState(rules, sets, (id) => events.pdu(id), deps.kernels, {
      authIndex: deps.authIndex.get(pdu.roomId),
      isRejected: (id) => events.get(id)?.status === 'rejected',
    });
    return mapState(resolved, snapshots[0]);
  } catch (err) {
    if (err instanceof StateResolutionError) throw new EventDropped('missing_events', `state resolution failed: ${err.message}`);
    throw err;
  }
}

export { stateKeyOf };
