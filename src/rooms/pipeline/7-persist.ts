// Step 7: one atomic store write: the event's bytes and metadata, its state
// before (a snapshot delta), the forward extremities, the room's current state
// and membership, its stream position (and, for client sends, the transaction id).
import { resolveState } from '../../matrix/stateres/index.js';
import { stateKeyOf } from '../../matrix/pdu.js';
import type { PersistEventInput, PersistedEvent } from '../../store/repositories/events.js';
import type { StateInput } from '../../store/repositories/state.js';
import type { Op, WriteTx } from '../../store/trees.js';
import { readNow } from '../event-source.js';
import type { StateBefore } from './4-state-before.js';
import type { Candidate, EventStatus, PipelineDeps } from './types.js';

export interface PersistOptions {
  /** written in the same transaction (e.g. the client's transaction id) */
  readonly extra?: (tx: WriteTx, persisted: PersistedEvent) => Op<void>;
}

/**
 * The room's current state after a timeline event. Citing every forward
 * extremity, it is the state after the event; otherwise the event joins a fork,
 * and the current state is the resolution of the old one and the event's.
 */
function currentStateAfter(c: Candidate, before: StateBefore, extremities: readonly string[], deps: PipelineDeps): 'after' | StateInput {
  const { pdu } = c;
  if (extremities.every((id) => pdu.prevEvents.includes(id))) return 'after';
  const { store } = deps;
  const [currentSnap, current] = readNow(store, function* (tx) {
    const snap = yield* store.state.currentSnapshot(tx, pdu.roomId);
    return [snap, yield* store.state.at(tx, snap)] as const;
  });
  const after = new Map(before.full());
  if (pdu.stateKey !== undefined) after.set(stateKeyOf(pdu.type, pdu.stateKey), pdu.eventId);
  const resolved = resolveState(c.rules, [current, after], (id) => (id === pdu.eventId ? pdu : deps.events.pdu(id)), deps.kernels, {
    authIndex: deps.authIndex.get(pdu.roomId),
    isRejected: (id) => deps.events.get(id)?.status === 'rejected',
  });
  return { full: resolved, parentHint: currentSnap };
}

/**
 * The write itself. A module-level generator, not a closure made per event: V8
 * gives every generator closure its own prototype, so each event's generator
 * object had a new map and missed the inline caches that drive it.
 */
function* persistBody(
  tx: WriteTx, deps: PipelineDeps, input: PersistEventInput, status: EventStatus, extra: PersistOptions['extra'],
): Op<PersistedEvent> {
  const out = yield* deps.store.events.persist(tx, input);
  // State resolution for this event may have grown the room's auth-chain index.
  if (status !== 'rejected' && deps.authIndex.mayNeedSave(input.roomId)) yield* deps.authIndex.save(tx, input.roomId);
  if (extra !== undefined && !out.duplicate) yield* extra(tx, out);
  return out;
}

export async function persistEvent(
  c: Candidate, status: EventStatus, reason: string | undefined, before: StateBefore | undefined,
  extremities: readonly string[], deps: PipelineDeps, opts: PersistOptions = {},
): Promise<PersistedEvent> {
  const { pdu } = c;
  const membership = pdu.type === 'm.room.member' && typeof pdu.content.membership === 'string' ? pdu.content.membership : undefined;
  const input: PersistEventInput = {
    eventId: pdu.eventId,
    roomId: pdu.roomId,
    sender: pdu.sender,
    type: pdu.type,
    ...(pdu.stateKey !== undefined ? { stateKey: pdu.stateKey } : {}),
    depth: pdu.depth,
    originServerTs: pdu.originServerTs,
    prevEvents: pdu.prevEvents,
    authEvents: pdu.authEvents,
    ...(membership !== undefined ? { membership } : {}),
    ...(pdu.redacts !== undefined ? { redacts: pdu.redacts } : {}),
    json: c.bytes,
    status,
    ...(reason !== undefined ? { rejectionReason: reason } : {}),
    ...(before !== undefined && status !== 'rejected' ? { stateBefore: before.input } : {}),
    ...(status === 'timeline' && before !== undefined ? { currentState: currentStateAfter(c, before, extremities, deps) } : {}),
  };
  const persisted = await deps.store.write((tx) => persistBody(tx, deps, input, status, opts.extra));
  deps.events.add(pdu, persisted.status, persisted.stateAfter);
  return persisted;
}
