// Relations index: which accepted timeline events point at an event through
// `content.m.relates_to` (m.replace, m.annotation, m.thread, m.reference...) or
// redact it. Filled by Events.persist for timeline events (the store otherwise never
// parses events: the JSON is only opened when its bytes mention m.relates_to).
// Read paths: /relations, bundled aggregations and redacted-event serving.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, EMPTY, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

/** Relation type under which redactions of an event are indexed. */
export const REDACTION_REL = 'm.room.redaction';

const RELATES_TO = Buffer.from('"m.relates_to"');
const decoder = new TextDecoder();

export interface RelationEntry {
  readonly relType: string;
  readonly streamPos: number;
  readonly eventId: string;
}

export interface RelationsQuery {
  readonly relType?: string;
  /** stream positions strictly greater / less than these */
  readonly after?: number;
  readonly before?: number;
  /** newest first */
  readonly reverse?: boolean;
  readonly limit?: number;
}

/** The relation an event declares, if any (rel_type and the target event id). */
export function relationOf(json: Uint8Array): { relType: string; eventId: string } | undefined {
  if (Buffer.from(json.buffer, json.byteOffset, json.byteLength).indexOf(RELATES_TO) < 0) return undefined;
  try {
    const pdu = JSON.parse(decoder.decode(json)) as { content?: { 'm.relates_to'?: { rel_type?: unknown; event_id?: unknown } } };
    const rel = pdu.content?.['m.relates_to'];
    if (typeof rel?.rel_type === 'string' && typeof rel.event_id === 'string' && rel.rel_type !== '') {
      return { relType: rel.rel_type, eventId: rel.event_id };
    }
  } catch {
    // stored bytes are canonical JSON; a parse failure only means no relation
  }
  return undefined;
}

export class Relations {
  constructor(private readonly intern: Interner) {}

  /** Index one timeline event (called from Events.persist in the same transaction). */
  *index(tx: WriteTx, eventNid: number, streamPos: number, json: Uint8Array, redacts: string | undefined): Op<void> {
    const rel = relationOf(json);
    if (rel !== undefined) {
      const target = yield* this.intern.intern(tx, NidKind.event, rel.eventId);
      tx.put(TREES.relations, this.key(target, rel.relType, streamPos, eventNid), EMPTY);
    }
    if (redacts !== undefined) {
      const target = yield* this.intern.intern(tx, NidKind.event, redacts);
      tx.put(TREES.relations, this.key(target, REDACTION_REL, streamPos, eventNid), EMPTY);
    }
  }

  /** Events relating to `eventId` (any type but redactions unless asked), in stream order. */
  *children(tx: ReadTx, eventId: string, q: RelationsQuery = {}): Op<RelationEntry[]> {
    const target = yield* this.intern.nid(tx, NidKind.event, eventId);
    if (target === undefined) return [];
    const prefix = q.relType === undefined ? uintKey(target) : new ByteWriter(64).uint(target).str(q.relType).done();
    const rows = yield* tx.prefix(TREES.relations, prefix, { reverse: q.reverse });
    const out: RelationEntry[] = [];
    for (const row of rows) {
      const r = new ByteReader(row.key);
      r.uint();
      const relType = r.str();
      const streamPos = r.uint();
      const nid = r.uint();
      if (q.relType === undefined && relType === REDACTION_REL) continue;
      if (q.after !== undefined && streamPos <= q.after) continue;
      if (q.before !== undefined && streamPos >= q.before) continue;
      out.push({ relType, streamPos, eventId: yield* this.intern.string(tx, NidKind.event, nid) });
    }
    // Without a relType the rows are grouped by type; callers want stream order.
    if (q.relType === undefined) out.sort((a, b) => (q.reverse ? b.streamPos - a.streamPos : a.streamPos - b.streamPos));
    return q.limit === undefined ? out : out.slice(0, q.limit);
  }

  /** Whether any event relates to `eventId` with `relType` (one key read, for thread checks). */
  *hasChild(tx: ReadTx, eventId: string, relType: string): Op<boolean> {
    const target = yield* this.intern.nid(tx, NidKind.event, eventId);
    if (target === undefined) return false;
    return (yield* tx.prefix(TREES.relations, new ByteWriter(64).uint(target).str(relType).done(), { limit: 1 })).length > 0;
  }

  /** Redaction events naming `eventId`. */
  *redactions(tx: ReadTx, eventId: string): Op<string[]> {
    return (yield* this.children(tx, eventId, { relType: REDACTION_REL })).map((e) => e.eventId);
  }

  private key(target: number, relType: string, streamPos: number, eventNid: number): Buffer {
    return new ByteWriter(32 + relType.length).uint(target).str(relType).uint(streamPos).uint(eventNid).done();
  }
}
