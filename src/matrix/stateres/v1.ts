// State resolution for room version 1 (spec: rooms/v1.md "State resolution"):
// conflicts in power levels, then join rules, then memberships are settled by
// replaying the candidates oldest first (ascending depth, descending
// sha1(event_id)) while each passes auth; other conflicts take the newest
// candidate that passes auth. Auth is checked against the unconflicted state
// (and what has been resolved so far), restricted to the keys the candidates' auth needs.
import { createHash } from 'node:crypto';
import { checkAuth } from '../auth/index.js';
import { stateKeyOf, type Pdu, type StateKey, type StateMap } from '../pdu.js';
import { authTypesForEvent } from './auth-types.js';
import { splitConflictsV1 } from './conflicts.js';
import { JOIN_RULES, MEMBER, POWER_LEVELS, StateResolutionError, type ResolveContext } from './context.js';

const POWER_KEY = stateKeyOf(POWER_LEVELS, '');

function sha1Hex(id: string): string {
  return createHash('sha1').update(id, 'utf8').digest('hex');
}

/** Newest first: descending depth, then ascending sha1(event_id). */
function newestFirst(events: readonly Pdu[]): Pdu[] {
  const keyed = events.map((e) => ({ e, h: sha1Hex(e.eventId) }));
  keyed.sort((a, b) => (a.e.depth !== b.e.depth ? b.e.depth - a.e.depth : a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  return keyed.map((k) => k.e);
}

function allowed(ctx: ResolveContext, event: Pdu, authEvents: ReadonlyMap<StateKey, Pdu>): boolean {
  return checkAuth(ctx.rules, event, (type, stateKey) => authEvents.get(stateKeyOf(type, stateKey))).allowed;
}

/** Power levels, join rules, members: replay oldest first, stop at the first that fails. */
function resolveAuthEvents(ctx: ResolveContext, events: readonly Pdu[], known: ReadonlyMap<StateKey, Pdu>): Pdu {
  const ordered = newestFirst(events).reverse();
  const authEvents = new Map<StateKey, Pdu>();
  for (const e of events) {
    for (const key of authTypesForEvent(ctx.rules, e)) {
      const ev = known.get(key);
      if (ev !== undefined) authEvents.set(key, ev);
    }
  }
  let prev = ordered[0]!;
  for (const event of ordered.slice(1)) {
    authEvents.set(stateKeyOf(prev.type, prev.stateKey ?? ''), prev);
    if (!allowed(ctx, event, authEvents)) return prev;
    prev = event;
  }
  return prev;
}

/** Other state: the newest candidate that passes auth, else the oldest. */
function resolveNormalEvents(ctx: ResolveContext, events: readonly Pdu[], known: ReadonlyMap<StateKey, Pdu>): Pdu {
  const ordered = newestFirst(events);
  for (const event of ordered) if (allowed(ctx, event, known)) return event;
  return ordered[ordered.length - 1]!;
}

export function resolveV1(ctx: ResolveContext, stateSets: readonly StateMap[]): Map<StateKey, string> {
  if (stateSets.length === 1) return new Map(stateSets[0]);
  const { unconflicted, conflicted: conflictedIds } = splitConflictsV1(stateSets);

  // Candidates we do not have drop out; a key left with one candidate is not conflicted.
  const conflicted = new Map<StateKey, Pdu[]>();
  let roomId: string | undefined;
  for (const [key, ids] of conflictedIds) {
    const events = ids.map((id) => ctx.lookup(id)).filter((e): e is Pdu => e !== undefined);
    for (const e of events) {
      roomId ??= e.roomId;
      if (e.roomId !== roomId) throw new StateResolutionError(`event ${e.eventId} is from room ${e.roomId}, not ${roomId}`);
    }
    if (events.length > 1) conflicted.set(key, events);
    else if (events.length === 1) unconflicted.set(key, events[0]!.eventId);
  }

  // Auth events for the conflicted candidates, picked from the unconflicted state only.
  const known = new Map<StateKey, Pdu>();
  for (const events of conflicted.values()) {
    for (const e of events) {
      for (const key of authTypesForEvent(ctx.rules, e)) {
        if (known.has(key)) continue;
        const id = unconflicted.get(key);
        const ev = id === undefined ? undefined : ctx.lookup(id);
        if (ev !== undefined) known.set(key, ev);
      }
    }
  }

  const resolved = new Map<StateKey, Pdu>();
  const powerLevels = conflicted.get(POWER_KEY);
  if (powerLevels !== undefined) resolved.set(POWER_KEY, resolveAuthEvents(ctx, powerLevels, known));
  for (const [k, v] of resolved) known.set(k, v);
  for (const [key, events] of conflicted) if (events[0]!.type === JOIN_RULES) resolved.set(key, resolveAuthEvents(ctx, events, known));
  for (const [k, v] of resolved) known.set(k, v);
  for (const [key, events] of conflicted) if (events[0]!.type === MEMBER) resolved.set(key, resolveAuthEvents(ctx, events, known));
  for (const [k, v] of resolved) known.set(k, v);
  for (const [key, events] of conflicted) if (!resolved.has(key)) resolved.set(key, resolveNormalEvents(ctx, events, known));

  const out = new Map(unconflicted);
  for (const [key, e] of resolved) out.set(key, e.eventId);
  return out;
}
