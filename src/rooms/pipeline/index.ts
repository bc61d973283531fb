// The event pipeline: every event, ours or a remote server's, goes through the
// spec's receipt checks in order (one file per step), then is persisted and
// announced. One writer per room (RoomQueue); rooms proceed in parallel.
//   1-check-format → 2-check-signatures → 3-auth-against-auth-events →
//   4-state-before → 5-auth-against-state → 6-soft-fail → 7-persist → 8-notify
import type { StateKey } from '../../matrix/pdu.js';
import { readNow } from '../event-source.js';
import { RoomQueue } from '../room-queue.js';
import { checkFormat } from './1-check-format.js';
import { checkSignatures } from './2-check-signatures.js';
import { authAgainstAuthEvents } from './3-auth-against-auth-events.js';
import { stateBefore, type StateBefore } from './4-state-before.js';
import { authAgainstState, authKeys, citesAuthSelection } from './5-auth-against-state.js';
import { softFailCheck } from './6-soft-fail.js';
import { persistEvent, type PersistOptions } from './7-persist.js';
import { notify } from './8-notify.js';
import { EventDropped, type Candidate, type IncomingEvent, type PipelineDeps, type PipelineResult } from './types.js';

export * from './types.js';

export interface SubmitOptions extends PersistOptions {
  /** store a rejected event (remote events); our own rejected events are only reported */
  readonly persistRejected?: boolean;
}

export class EventPipeline {
  readonly queue = new RoomQueue();

  constructor(readonly deps: PipelineDeps) {}

  /**
   * Events from elsewhere (federation, tests): all steps. Format and signatures
   * are checked for the whole batch at once; then each room's events run in
   * order under that room's writer. Each entry: the outcome, or why it was dropped.
   */
  async receive(incoming: readonly IncomingEvent[]): Promise<(PipelineResult | EventDropped)[]> {
    const out: (PipelineResult | EventDropped | undefined)[] = new Array(incoming.length).fill(undefined);
    const formatted: Candidate[] = [];
    const at: number[] = [];
    incoming.forEach((e, i) => {
      try {
        formatted.push(checkFormat(e, this.deps.kernels));
        at.push(i);
      } catch (err) {
        if (!(err instanceof EventDropped)) throw err;
        out[i] = err;
      }
    });
    const signed = await checkSignatures(formatted, this.deps.keyRing, this.deps.kernels);
    const byRoom = new Map<string, [number, Candidate][]>();
    signed.forEach((c, j) => {
      if (c instanceof EventDropped) {
        out[at[j]!] = c;
        return;
      }
      const list = byRoom.get(c.pdu.roomId) ?? byRoom.set(c.pdu.roomId, []).get(c.pdu.roomId)!;
      list.push([at[j]!, c]);
    });
    await Promise.all([...byRoom].map(([roomId, list]) => this.queue.run(roomId, async () => {
      for (const [i, c] of list) {
        try {
          out[i] = await this.accept(c, { persistRejected: true });
        } catch (err) {
          if (!(err instanceof EventDropped)) throw err;
          out[i] = err;
        }
      }
    })));
    return out as (PipelineResult | EventDropped)[];
  }

  /**
   * An event we just built and signed. Call inside `queue.run(roomId, ...)`
   * (the event's prev events are the room's forward extremities). A rejection
   * is returned, not stored, unless `persistRejected`.
   */
  async submitLocal(incoming: IncomingEvent, opts: SubmitOptions = {}): Promise<PipelineResult> {
    const c = checkFormat(incoming, this.deps.kernels);
    if (incoming.trusted !== true) {
      const [checked] = await checkSignatures([c], this.deps.keyRing, this.deps.kernels);
      if (checked instanceof EventDropped) throw checked;
      return this.accept(checked!, opts);
    }
    return this.accept(c, opts, true);
  }

  /**
   * Steps 3–8 for one event, under its room's writer. For an event we built
   * (`trusted`) whose auth events are exactly the selection from its state
   * before, step 3 would run the same rules over the same events as step 5,
   * so it is skipped.
   */
  private async accept(c: Candidate, opts: SubmitOptions, trusted = false): Promise<PipelineResult> {
    const { deps } = this;
    const { pdu } = c;
    // An event we just built is new: its id hashes a fresh timestamp and prev events
    // (were it not, persisting would still find it and report the duplicate).
    const known = trusted ? undefined : deps.events.get(pdu.eventId);
    if (known !== undefined && known.status !== 'outlier') {
      return { eventId: pdu.eventId, roomId: pdu.roomId, status: known.status, duplicate: true, pdu: known.pdu };
    }
    const reject = async (reason: string): Promise<PipelineResult> => {
      if (opts.persistRejected === true) await persistEvent(c, 'rejected', reason, undefined, [], deps);
      return { eventId: pdu.eventId, roomId: pdu.roomId, status: 'rejected', reason, duplicate: false, pdu };
    };

    let before: StateBefore | undefined;
    let authEntries: Map<StateKey, string> | undefined;
    if (trusted) {
      before = stateBefore(c, deps);
      authEntries = before.entries(authKeys(c.rules, pdu));
    }
    if (authEntries === undefined || !citesAuthSelection(c, authEntries)) {
      const byAuthEvents = authAgainstAuthEvents(c, deps.events, deps.kernels);
      if (!byAuthEvents.ok) return reject(byAuthEvents.reason);
    }
    before ??= stateBefore(c, deps);
    const byState = authAgainstState(c, before, deps.events, deps.kernels, authEntries);
    if (!byState.ok) return reject(byState.reason);

    const extremities = deps.events.head(pdu.roomId).extremities;
    const current = softFailCheck(c, extremities, deps, deps.kernels);
    const status = current.ok ? 'timeline' : 'soft_failed';
    const reason = current.ok ? undefined : current.reason;

    let persisted: Awaited<ReturnType<typeof persistEvent>>;
    try {
      persisted = await persistEvent(c, status, reason, before, extremities, deps, opts);
    } catch (err) {
      deps.events.setHead(pdu.roomId, undefined);
      throw err;
    }
    if (persisted.status === 'timeline' && !persisted.duplicate) {
      // Our own event citing every extremity: it is the only one now, and the
      // current state is the state after it (what persisting just wrote).
      // Anything else (forks, federated events that others may already cite): read again.
      const follows = trusted && persisted.stateAfter !== undefined && extremities.every((id) => pdu.prevEvents.includes(id));
      deps.events.setHead(pdu.roomId, follows ? { extremities: [pdu.eventId], snapshot: persisted.stateAfter! } : undefined);
    }
    notify(c, persisted, deps.sink);
    return {
      eventId: pdu.eventId,
      roomId: pdu.roomId,
      status: persisted.status === 'outlier' ? status : persisted.status,
      ...(reason !== undefined ? { reason } : {}),
      ...(persisted.streamPos !== undefined ? { streamPos: persisted.streamPos } : {}),
      duplicate: persisted.duplicate,
      pdu,
    };
  }
}
