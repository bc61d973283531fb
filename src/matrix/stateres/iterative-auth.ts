// Iterative auth checks (spec: rooms/v2, "Iterative auth checks"): apply each
// state event in order if the auth rules allow it against the state so far,
// reading state the rules need from the resolved state first and from the
// event's own (non-rejected) auth events otherwise.
import { checkAuth } from '../auth/index.js';
import { stateKeyOf, type Pdu, type StateKey } from '../pdu.js';
import { authTypesForEvent } from './auth-types.js';
import { CREATE, impliedCreateEvent, type ResolveContext } from './context.js';

export function iterativeAuthChecks(ctx: ResolveContext, eventIds: readonly string[], initial: ReadonlyMap<StateKey, string>): Map<StateKey, string> {
  const state = new Map(initial);
  for (const id of eventIds) {
    const event = ctx.lookup(id);
    if (event === undefined || event.stateKey === undefined) continue;
    const authEvents = new Map<StateKey, Pdu>();
    for (const a of event.authEvents) {
      const ev = ctx.lookup(a);
      if (ev !== undefined && ev.stateKey !== undefined && !ctx.isRejected(a)) authEvents.set(stateKeyOf(ev.type, ev.stateKey), ev);
    }
    const create = impliedCreateEvent(ctx, event);
    if (create !== undefined) authEvents.set(stateKeyOf(CREATE, ''), create);
    for (const key of authTypesForEvent(ctx.rules, event)) {
      const sid = state.get(key);
      if (sid === undefined) continue;
      const ev = ctx.lookup(sid);
      if (ev !== undefined && !ctx.isRejected(sid)) authEvents.set(key, ev);
    }
    const verdict = checkAuth(ctx.rules, event, (type, stateKey) => authEvents.get(stateKeyOf(type, stateKey)));
    if (verdict.allowed) state.set(stateKeyOf(event.type, event.stateKey), id);
  }
  return state;
}
