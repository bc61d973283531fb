// Splitting state sets into the unconflicted state map and the conflicted
// state set (spec: rooms/v2 "Unconflicted state map and conflicted state set";
// rooms/v1 "conflict").
import type { StateKey, StateMap } from '../pdu.js';

export interface SplitState {
  readonly unconflicted: Map<StateKey, string>;
  /** per conflicted key, its distinct event ids in first-seen order */
  readonly conflicted: Map<StateKey, string[]>;
}

/** v2: a key is unconflicted when every set has it with the same event; a key missing from some set is conflicted. */
export function splitConflicts(stateSets: readonly StateMap[]): SplitState {
  const unconflicted = new Map<StateKey, string>();
  const conflicted = new Map<StateKey, string[]>();
  const keys = new Set<StateKey>();
  for (const set of stateSets) for (const key of set.keys()) keys.add(key);
  for (const key of keys) {
    const values: string[] = [];
    let missing = false;
    for (const set of stateSets) {
      const v = set.get(key);
      if (v === undefined) missing = true;
      else if (!values.includes(v)) values.push(v);
    }
    if (!missing && values.length === 1) unconflicted.set(key, values[0]!);
    else conflicted.set(key, values);
  }
  return { unconflicted, conflicted };
}

/** v1: the union of the sets; a key is conflicted only when two sets hold different events for it. */
export function splitConflictsV1(stateSets: readonly StateMap[]): SplitState {
  const unconflicted = new Map<StateKey, string>();
  const conflicted = new Map<StateKey, string[]>();
  for (const set of stateSets) {
    for (const [key, value] of set) {
      const c = conflicted.get(key);
      if (c !== undefined) { if (!c.includes(value)) c.push(value); continue; }
      const u = unconflicted.get(key);
      if (u === undefined) unconflicted.set(key, value);
      else if (u !== value) { conflicted.set(key, [u, value]); unconflicted.delete(key); }
    }
  }
  return { unconflicted, conflicted };
}
