// Step 3 of state resolution v2: the remaining events in mainline ordering
// based on the partially resolved power levels (spec: rooms/v2, "Mainline ordering").
import type { Pdu } from '../pdu.js';
import { POWER_LEVELS, StateResolutionError, idRanks, isType, type ResolveContext } from './context.js';

/** The `m.room.power_levels` event among an event's auth events (the first one found). */
function powerLevelsParent(ctx: ResolveContext, event: Pdu): string | undefined {
  for (const id of event.authEvents) {
    const a = ctx.lookup(id);
    if (a !== undefined && isType(a, POWER_LEVELS)) return id;
  }
  return undefined;
}

export function mainlineSort(ctx: ResolveContext, eventIds: readonly string[], powerLevels: string | undefined): string[] {
  if (eventIds.length === 0) return [];
  const node = new Map<string, number>();
  const ids: string[] = [];
  const events: Pdu[] = [];
  const parents: number[] = [];
  // Interns an event and its chain of power levels parents (which stops at an interned event).
  const intern = (id: string): number => {
    const known = node.get(id);
    if (known !== undefined) return known;
    const chain: number[] = [];
    let cur: string | undefined = id;
    while (cur !== undefined && !node.has(cur)) {
      const ev = ctx.lookup(cur);
      if (ev === undefined) throw new StateResolutionError(`event ${cur} needed for mainline ordering is missing`);
      const n = ids.length;
      node.set(cur, n);
      ids.push(cur);
      events.push(ev);
      parents.push(-1);
      chain.push(n);
      cur = powerLevelsParent(ctx, ev);
    }
    // link each new node to its parent (interned now, or already before)
    for (const n of chain) {
      const p = powerLevelsParent(ctx, events[n]!);
      parents[n] = p === undefined ? -1 : node.get(p)!;
    }
    return node.get(id)!;
  };
  const tip = powerLevels === undefined ? -1 : intern(powerLevels);
  const toSort = Uint32Array.from(eventIds, intern);
  const order = ctx.kernel.mainlineOrder({
    powerParent: Int32Array.from(parents),
    mainlineTip: tip,
    events: toSort,
    originServerTs: Float64Array.from(events, (ev) => (Number.isFinite(ev.originServerTs) ? ev.originServerTs : 0)),
    idRank: idRanks(ids),
  });
  return Array.from(order, (n) => ids[n]!);
}
