// Step 1 of state resolution v2: the power events of the full conflicted set
// with the parts of their auth chains inside it, in reverse topological power
// ordering (spec: rooms/v2, "Reverse topological power ordering").
import { powerLevelOf } from '../auth/index.js';
import type { Pdu } from '../pdu.js';
import {
  CREATE, JOIN_RULES, MEMBER, POWER_LEVELS, StateResolutionError, idRanks, impliedCreateEvent, isType, type ResolveContext,
} from './context.js';

/** Power events might take away someone's ability to act: power levels, join rules, create, kicks and bans. */
export function isPowerEvent(event: Pdu): boolean {
  if (isType(event, POWER_LEVELS) || isType(event, JOIN_RULES) || isType(event, CREATE)) return true;
  if (event.type === MEMBER && event.stateKey !== undefined) {
    const membership = event.content['membership'];
    return (membership === 'leave' || membership === 'ban') && event.sender !== event.stateKey;
  }
  return false;
}

/**
 * The sender's power level "when looking at the event's auth_events": the first
 * power levels event among them, with the create event for creators (found via
 * the room id in v12). Used only for this ordering.
 */
export function senderPowerLevel(ctx: ResolveContext, event: Pdu): number {
  let powerLevels: Pdu | undefined;
  let create = impliedCreateEvent(ctx, event);
  for (const id of event.authEvents) {
    const a = ctx.lookup(id);
    if (a === undefined) continue;
    if (powerLevels === undefined && isType(a, POWER_LEVELS)) powerLevels = a;
    else if (create === undefined && !ctx.rules.roomIdFromCreateEvent && isType(a, CREATE)) create = a;
  }
  return powerLevelOf(ctx.rules, event.sender, (type, stateKey) => {
    if (stateKey !== '') return undefined;
    if (type === POWER_LEVELS) return powerLevels;
    if (type === CREATE) return create;
    return undefined;
  });
}

/** X: the power events plus the events of their auth chains within the full conflicted set, sorted. */
export function sortPowerEvents(ctx: ResolveContext, powerEvents: readonly string[], fullConflicted: ReadonlySet<string>): string[] {
  const node = new Map<string, number>();
  const ids: string[] = [];
  const events: Pdu[] = [];
  const intern = (id: string): number => {
    let n = node.get(id);
    if (n === undefined) {
      const ev = ctx.lookup(id);
      if (ev === undefined) throw new StateResolutionError(`event ${id} of the full conflicted set is missing`);
      n = ids.length;
      node.set(id, n);
      ids.push(id);
      events.push(ev);
    }
    return n;
  };
  // Walk auth events from each power event, staying inside the full conflicted set.
  const stack = powerEvents.map(intern);
  const expanded = new Set<number>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (expanded.has(n)) continue;
    expanded.add(n);
    for (const a of events[n]!.authEvents) if (fullConflicted.has(a)) stack.push(intern(a));
  }
  const count = ids.length;
  const authStart = new Uint32Array(count + 1);
  const edges: number[] = [];
  for (let n = 0; n < count; n++) {
    const seen = new Set<number>();
    for (const a of events[n]!.authEvents) {
      const t = node.get(a);
      if (t !== undefined && fullConflicted.has(a) && !seen.has(t)) { seen.add(t); edges.push(t); }
    }
    authStart[n + 1] = edges.length;
  }
  const order = ctx.kernel.reverseTopologicalPowerOrder({
    authStart,
    authEdges: Uint32Array.from(edges),
    // NaN has no order: such a level or timestamp counts as 0 (every path then agrees)
    power: Float64Array.from(events, (ev) => { const p = senderPowerLevel(ctx, ev); return Number.isNaN(p) ? 0 : p; }),
    originServerTs: Float64Array.from(events, (ev) => (Number.isFinite(ev.originServerTs) ? ev.originServerTs : 0)),
    idRank: idRanks(ids),
  });
  if (order.length !== count) throw new StateResolutionError('the auth events of the conflicted power events form a cycle');
  return Array.from(order, (n) => ids[n]!);
}
