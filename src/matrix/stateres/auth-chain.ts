// Auth chains, the auth difference and the conflicted state subgraph
// (spec: rooms/v2 "Auth chain", "Auth difference"; rooms/v12 "Conflicted
// state subgraph"). Auth chains come from the chain index; events missing
// from it are indexed first from the event lookup.
import { stateKeyOf, type EventLookup } from '../pdu.js';
import { ChainIndex } from './chain-index.js';
import { StateResolutionError, type ResolveContext } from './context.js';

/**
 * Makes sure `eventIds` and their auth chains are in `index`, adding what is
 * missing in auth order. Events the lookup does not know are left out (an
 * auth event we do not have cannot be part of what we resolve), as Synapse and
 * ruma do.
 */
export function ensureIndexed(index: ChainIndex, eventIds: Iterable<string>, lookup: EventLookup): void {
  // iterative post-order DFS over auth events
  const onStack = new Set<string>();
  for (const root of eventIds) {
    if (index.has(root)) continue;
    const stack: { id: string; next: number; auth: readonly string[] }[] = [];
    const push = (id: string): void => {
      const ev = lookup(id);
      if (ev === undefined) return;
      onStack.add(id);
      stack.push({ id, next: 0, auth: ev.authEvents });
    };
    push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.auth.length) {
        const a = top.auth[top.next++]!;
        if (index.has(a)) continue;
        if (onStack.has(a)) throw new StateResolutionError(`auth events of ${a} form a cycle`);
        push(a);
        continue;
      }
      stack.pop();
      onStack.delete(top.id);
      const ev = lookup(top.id)!;
      index.add(top.id, ev.authEvents.filter((a) => index.has(a)), stateKeyOf(ev.type, ev.stateKey ?? ''));
    }
  }
}

/**
 * ∪Cᵢ − ∩Cᵢ over the full auth chains Cᵢ of the state sets, each given as
 * the events all sets share plus its own. With `includeStateEvents`, each
 * set's own events count as part of its auth chain (Synapse's behaviour, and
 * what its fixtures expect); the spec's wording counts auth events only.
 * (With it, the shared events themselves are in every Cᵢ, so never in the difference.)
 */
export function authDifference(
  ctx: ResolveContext, common: readonly string[], ownEvents: readonly (readonly string[])[], includeStateEvents: boolean,
): Set<string> {
  const input = ctx.index.authDifferenceInput(common, ownEvents, includeStateEvents);
  const ranges = ctx.kernel.authDifference(input);
  const out = new Set<string>();
  for (let i = 0; i < ranges.chain.length; i++) {
    for (const id of ctx.index.eventsInRange(ranges.chain[i]!, ranges.lo[i]!, ranges.hi[i]!)) out.add(id);
  }
  return out;
}

/**
 * Events on an auth path between two conflicted events (endpoints included):
 * those in the auth chain of a conflicted event that themselves have a
 * conflicted event in their auth chain, plus the conflicted endpoints.
 */
export function conflictedStateSubgraph(ctx: ResolveContext, conflicted: ReadonlySet<string>): Set<string> {
  // reachesConflicted: memo of "has a conflicted event in its auth chain"
  const memo = new Map<string, boolean>();
  const out = new Set<string>();
  const visit = (root: string): boolean => {
    // iterative DFS computing memo for root's auth chain
    const stack: { id: string; next: number; auth: readonly string[]; hit: boolean }[] = [];
    const onStack = new Set<string>();
    const start = (id: string): void => {
      const ev = ctx.lookup(id);
      onStack.add(id);
      stack.push({ id, next: 0, auth: ev?.authEvents ?? [], hit: false });
    };
    start(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.auth.length) {
        const a = top.auth[top.next++]!;
        if (onStack.has(a)) throw new StateResolutionError(`auth events of ${a} form a cycle`);
        if (conflicted.has(a)) { top.hit = true; if (!memo.has(a)) { start(a); } continue; }
        const known = memo.get(a);
        if (known !== undefined) { top.hit ||= known; continue; }
        start(a);
        continue;
      }
      stack.pop();
      onStack.delete(top.id);
      memo.set(top.id, top.hit);
      const parent = stack[stack.length - 1];
      if (parent !== undefined && top.hit && !conflicted.has(top.id)) parent.hit = true;
    }
    return memo.get(root)!;
  };
  for (const c of conflicted) if (!memo.has(c)) visit(c);
  // An event is on a path iff it reaches a conflicted event and is reached from one.
  // Walk down from the conflicted events through events that reach the conflicted set.
  const stack = [...conflicted];
  const seen = new Set<string>(stack);
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const a of ctx.lookup(id)?.authEvents ?? []) {
      if (seen.has(a)) continue;
      if (conflicted.has(a) || memo.get(a) === true) {
        seen.add(a);
        out.add(a);
        out.add(id);
        stack.push(a);
      }
    }
  }
  for (const c of conflicted) if (memo.get(c) === true) out.add(c);
  return out;
}
