// History visibility for /sync timelines (spec: client-server-api#history-visibility).
// S4's room reader had no visibility module when this was written; this is the check
// sync needs, per event, against the state before the event:
//   world_readable → visible; the user's membership then was join → visible;
//   shared and the user is joined now, or left after being joined (their timeline ends at the leave) → visible;
//   invited and the user was invited then → visible; otherwise hidden.
// The user's own membership events are always visible to them.
import type { Store } from '../store/index.js';
import type { StoredEvent } from '../store/repositories/events.js';
import type { Op, ReadTx } from '../store/trees.js';
import { parseEventJson } from './client-event.js';

export class VisibilityChecker {
  /** history_visibility event id → its value (per request) */
  private readonly hv = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly userId: string,
    /** `shared` history is visible: the user is joined now, or left a room they had joined */
    private readonly sharedAllowed: boolean,
  ) {}

  *visible(tx: ReadTx, e: StoredEvent): Op<boolean> {
    if (e.type === 'm.room.member' && e.stateKey === this.userId) return true;
    const snap = e.stateBefore;
    if (snap === undefined) return false;
    const { store } = this;
    const memberId = yield* store.state.get(tx, snap, 'm.room.member', this.userId);
    let membership: string | undefined;
    if (memberId !== undefined) membership = (yield* store.events.get(tx, memberId))?.membership;
    if (membership === 'join') return true;
    const hvId = yield* store.state.get(tx, snap, 'm.room.history_visibility', '');
    let hv = 'shared';
    if (hvId !== undefined) {
      let v = this.hv.get(hvId);
      if (v === undefined) {
        const ev = yield* store.events.get(tx, hvId);
        const content = ev ? parseEventJson(ev.json).content as Record<string, unknown> | undefined : undefined;
        v = typeof content?.history_visibility === 'string' ? content.history_visibility : 'shared';
        this.hv.set(hvId, v);
      }
      hv = v;
    }
    switch (hv) {
      case 'world_readable': return true;
      case 'shared': return this.sharedAllowed;
      case 'invited': return membership === 'invite';
      case 'joined': return false;
      default: return this.sharedAllowed; // unknown values read as shared (spec)
    }
  }
}
