// State resolution v2 (rooms v2–v11) and v2.1 (room v12, MSC4297): spec
// rooms/v2.md "State resolution" and rooms/v12.md. v2.1 differs in two places:
// the first pass of iterative auth checks starts from an empty state map, and
// the full conflicted set also holds the conflicted state subgraph.
import type { StateKey, StateMap } from '../pdu.js';
import { authDifference, conflictedStateSubgraph, ensureIndexed } from './auth-chain.js';
import { splitConflicts } from './conflicts.js';
import { POWER_LEVELS, type ResolveContext } from './context.js';
import { iterativeAuthChecks } from './iterative-auth.js';
import { mainlineSort } from './mainline.js';
import { isPowerEvent, sortPowerEvents } from './power-ordering.js';
import { stateKeyOf } from '../pdu.js';

export interface V2Options {
  readonly variant: 'v2' | 'v2.1';
  /** count each state set's own events in its auth chain (Synapse) */
  readonly authChainIncludesStateEvents: boolean;
}

export function resolveV2(ctx: ResolveContext, stateSets: readonly StateMap[], options: V2Options): Map<StateKey, string> {
  const { unconflicted, conflicted } = splitConflicts(stateSets);
  if (conflicted.size === 0) return unconflicted;

  const conflictedSet = new Set<string>();
  for (const ids of conflicted.values()) for (const id of ids) conflictedSet.add(id);

  // Auth chains come from the index: index what it lacks (the unconflicted events are mostly there already).
  const common = [...unconflicted.values()];
  ensureIndexed(ctx.index, common, ctx.lookup);
  ensureIndexed(ctx.index, conflictedSet, ctx.lookup);
  const own = stateSets.map((set) => {
    const ids: string[] = [];
    for (const key of conflicted.keys()) {
      const id = set.get(key);
      if (id !== undefined && ctx.index.has(id)) ids.push(id);
    }
    return ids;
  });
  const full = new Set<string>(conflictedSet);
  for (const id of authDifference(ctx, common.filter((id) => ctx.index.has(id)), own, options.authChainIncludesStateEvents)) full.add(id);
  if (options.variant === 'v2.1') for (const id of conflictedStateSubgraph(ctx, conflictedSet)) full.add(id);
  // Events we do not have cannot be checked, so they take no part.
  for (const id of full) if (ctx.lookup(id) === undefined) full.delete(id);

  // 1–2: power events (with their auth chains inside the full conflicted set), sorted and auth-checked.
  const powerEvents = [...full].filter((id) => isPowerEvent(ctx.lookup(id)!));
  const sortedPower = sortPowerEvents(ctx, powerEvents, full);
  const partial = iterativeAuthChecks(ctx, sortedPower, options.variant === 'v2.1' ? new Map() : unconflicted);

  // 3–4: the rest, in mainline order of the resolved power levels, auth-checked on top.
  const picked = new Set(sortedPower);
  const remaining = [...full].filter((id) => !picked.has(id));
  const sortedRest = mainlineSort(ctx, remaining, partial.get(stateKeyOf(POWER_LEVELS, '')));
  const resolved = iterativeAuthChecks(ctx, sortedRest, partial);

  // 5: unconflicted state always wins.
  for (const [key, id] of unconflicted) resolved.set(key, id);
  return resolved;
}
