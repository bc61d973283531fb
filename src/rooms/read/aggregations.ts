// Bundled aggregations (spec: client-server-api#aggregations-of-child-events) in
// unsigned.m.relations of non-state, unredacted events:
// - m.replace: the most recent valid replacement (same sender and type as the original,
//   has m.new_content; latest origin_server_ts, then largest event_id),
//   served as a whole event. The original's content is NOT replaced (spec v1.7+).
// - m.thread: latest_event (whole event, with its own bundle), count, current_user_participated.
// - m.reference: chunk of {event_id}.
// m.annotation is not bundled (modules/event_annotations.md); Synapse still bundles
// reactions under m.annotation, which the spec dropped.
// Redacted children are left out everywhere (the relationship is broken, see stillRelated).
import type { StoredEvent } from '../../store/repositories/events.js';
import type { Op, ReadTx } from '../../store/trees.js';
import type { ClientEvent, ClientEventSerializer } from './client-event.js';
import { parseEventJson } from './client-event.js';

function relatesTo(content: unknown): { rel_type?: unknown; event_id?: unknown } | undefined {
  if (typeof content !== 'object' || content === null) return undefined;
  const r = (content as Record<string, unknown>)['m.relates_to'];
  return typeof r === 'object' && r !== null ? (r as { rel_type?: unknown }) : undefined;
}

/**
 * Whether a child event still relates to its parent for the serializer's user: on the timeline,
 * visible, and not redacted (a redacted child's m.relates_to is gone: "when a child event is
 * redacted then the relationship is broken", client-server-api#aggregations-of-child-events).
 */
export function* stillRelated(tx: ReadTx, s: ClientEventSerializer, c: StoredEvent | undefined): Op<boolean> {
  if (c === undefined || c.status !== 'timeline') return false;
  if (s.visibility !== undefined && !(yield* s.visibility.canSee(tx, c))) return false;
  return !(yield* s.isRedacted(tx, c));
}

/** The children of `eventId` the serializer's user may see, by relation type, in stream order. */
export function* visibleChildrenByType(tx: ReadTx, s: ClientEventSerializer, eventId: string, relTypes: readonly string[]): Op<Map<string, StoredEvent[]>> {
  const out = new Map<string, StoredEvent[]>(relTypes.map((t) => [t, []]));
  // One scan of the index for every type (most events have no children at all).
  for (const entry of yield* s.store.relations.children(tx, eventId)) {
    const list = out.get(entry.relType);
    if (list === undefined) continue;
    const c = yield* s.store.events.get(tx, entry.eventId);
    if (!(yield* stillRelated(tx, s, c))) continue;
    list.push(c!);
  }
  return out;
}

/** The children of `eventId` with `relType` the serializer's user may see, in stream order. */
export function* visibleChildren(tx: ReadTx, s: ClientEventSerializer, eventId: string, relType: string): Op<StoredEvent[]> {
  const entries = yield* s.store.relations.children(tx, eventId, { relType });
  const out: StoredEvent[] = [];
  for (const entry of entries) {
    const c = yield* s.store.events.get(tx, entry.eventId);
    if (!(yield* stillRelated(tx, s, c))) continue;
    out.push(c!);
  }
  return out;
}

/** The latest valid replacement of `original`, or undefined. */
export function* latestEdit(
  tx: ReadTx, s: ClientEventSerializer, original: StoredEvent, originalPdu: Record<string, unknown>, edits?: readonly StoredEvent[],
): Op<StoredEvent | undefined> {
  if (original.stateKey !== undefined || relatesTo(originalPdu.content)?.rel_type === 'm.replace') return undefined;
  let best: StoredEvent | undefined;
  for (const c of edits ?? (yield* visibleChildren(tx, s, original.eventId, 'm.replace'))) {
    if (c.sender !== original.sender || c.type !== original.type || c.stateKey !== undefined) continue;
    const content = parseEventJson(c.json).content as Record<string, unknown> | undefined;
    if (typeof content?.['m.new_content'] !== 'object' || content['m.new_content'] === null) continue;
    if (best === undefined || c.originServerTs > best.originServerTs || (c.originServerTs === best.originServerTs && c.eventId > best.eventId)) best = c;
  }
  return best;
}

export function* bundledAggregations(
  tx: ReadTx, s: ClientEventSerializer, e: StoredEvent, pdu: Record<string, unknown>,
): Op<Record<string, unknown> | undefined> {
  const out: Record<string, unknown> = {};
  const children = yield* visibleChildrenByType(tx, s, e.eventId, ['m.replace', 'm.thread', 'm.reference']);
  const edit = yield* latestEdit(tx, s, e, pdu, children.get('m.replace')!);
  if (edit !== undefined) out['m.replace'] = yield* s.serialize(tx, edit, { bundle: false });

  const thread = children.get('m.thread')!;
  if (thread.length > 0) {
    const latest = thread[thread.length - 1]!;
    const latestEvent: ClientEvent = yield* s.serialize(tx, latest, { bundle: true });
    out['m.thread'] = {
      latest_event: latestEvent,
      count: thread.length,
      current_user_participated: s.userId !== undefined && (e.sender === s.userId || thread.some((c) => c.sender === s.userId)),
    };
  }

  const refs = children.get('m.reference')!;
  if (refs.length > 0) out['m.reference'] = { chunk: refs.map((c) => ({ event_id: c.eventId })) };

  return Object.keys(out).length > 0 ? out : undefined;
}
