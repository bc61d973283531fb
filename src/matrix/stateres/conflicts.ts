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
  const [first, ...rest] = stateSets;
  if (first === undefined) return { unconflicted, conflicted };
  const collect = (key: StateKey): void => {
    const values: string[] = [];
    for (const set of stateSets) {
      const v = set.get(key);
      if (v !== undefined && !values.includes(v)) values.push(v);
    }
    conflicted.set(key, values);
  };
  // keys of the first set: unconflicted when every other set agrees
  // plain loops: this runs over every entry of every set, the largest input of a resolution
  for (const [key, value] of first) {
    let same = true;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i]!.get(key) !== value) { same = false; break; }
    }
    if (same) unconflicted.set(key, value);
    else collect(key);
  }
  // keys missing from the first set are conflicted
  for (let i = 0; i < rest.length; i++) {
    const set = rest[i]!;
    if (set.size === unconflicted.size) continue; // every key of this set is an unconflicted one
    for (const key of set.keys()) if (!first.has(key) && !conflicted.has(key)) collect(key);
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
