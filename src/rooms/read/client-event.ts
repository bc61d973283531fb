// Stored events as clients see them (spec: client-server-api#room-event-format):
// event_id, type, content, sender, origin_server_ts, state_key, room_id and unsigned
// {age, prev_content/replaces_state/prev_sender for state, redacted_because, m.relations,
// transaction_id for the sending device}.
// Redacted events are served redacted with the room version's algorithm (the stored
// bytes stay as they arrived). One serializer per request: it caches room versions.
// Used by /messages, /context, /event, /state, /members, /relations and (S5) /sync.
import type { Store } from '../../store/index.js';
import type { StoredEvent } from '../../store/repositories/events.js';
import type { Op, ReadTx } from '../../store/trees.js';
import { redactEvent } from '../../matrix/redaction.js';
import { roomVersion, type RoomVersionRules } from '../../matrix/room-versions.js';
import { domainOf } from '../../matrix/ids.js';
import { bundledAggregations } from './aggregations.js';
import type { HistoryVisibility } from './visibility.js';

export type ClientEvent = Record<string, unknown>;

const decoder = new TextDecoder();

export function parseEventJson(json: Uint8Array): Record<string, unknown> {
  return JSON.parse(decoder.decode(json)) as Record<string, unknown>;
}

export interface SerializeOptions {
  /** include room_id (default true; /sync timelines leave it out) */
  readonly includeRoomId?: boolean;
  /** add unsigned.m.relations bundled aggregations (default true) */
  readonly bundle?: boolean;
  /** add unsigned.membership (default: the serializer's withMembership) */
  readonly membership?: boolean;
  /**
   * 'federation' (a filter's event_format): the PDU as received (redacted if it is) with event_id
   * and the same unsigned a client gets, as Synapse serves it. Default 'client'.
   */
  readonly format?: 'client' | 'federation';
}

export class ClientEventSerializer {
  private readonly versions = new Map<string, RoomVersionRules>();

  constructor(
    readonly store: Store,
    /** ms since the epoch, for unsigned.age */
    readonly now: number,
    /** the requesting user (m.thread current_user_participated) */
    readonly userId?: string,
    /** when given, bundled children the user cannot see are left out */
    readonly visibility?: HistoryVisibility,
    /** the requesting device: its own sends carry unsigned.transaction_id */
    readonly deviceId?: string,
    /**
     * add unsigned.membership, the requesting user's membership after each event (spec v1.11,
     * a SHOULD). The room read endpoints ask for it; /sync asks per call (timelines, not state).
     */
    readonly withMembership = false,
  ) {}

  /** membership per state snapshot (snapshots never change) */
  private readonly membershipBySnapshot = new Map<number, string>();

  /** The requesting user's membership in the state after `e` ('leave' when none). */
  *membershipAfter(tx: ReadTx, e: StoredEvent): Op<string | undefined> {
    const userId = this.userId;
    if (userId === undefined) return undefined;
    if (e.type === 'm.room.member' && e.stateKey === userId) return e.membership ?? 'leave';
    const snapshot = e.stateAfter ?? e.stateBefore;
    if (snapshot === undefined) return undefined;
    let m = this.membershipBySnapshot.get(snapshot);
    if (m === undefined) {
      const id = yield* this.store.state.get(tx, snapshot, 'm.room.member', userId);
      m = (id === undefined ? undefined : (yield* this.store.events.get(tx, id))?.membership) ?? 'leave';
      this.membershipBySnapshot.set(snapshot, m);
    }
    return m;
  }

  *serialize(tx: ReadTx, e: StoredEvent, opts: SerializeOptions = {}): Op<ClientEvent> {
    if (opts.format === 'federation') return yield* this.serializeFederation(tx, e, opts);
    let pdu = parseEventJson(e.json);
    const unsigned: Record<string, unknown> = {};
    const redaction = yield* this.applicableRedaction(tx, e);
    if (redaction !== undefined) {
      pdu = redactEvent(yield* this.rules(tx, e.roomId), pdu);
      unsigned.redacted_because = yield* this.serialize(tx, redaction, { bundle: false });
    }
    unsigned.age = Math.max(0, this.now - e.originServerTs);
    if (opts.membership ?? this.withMembership) {
      const membership = this.visibility?.membershipAfterKnown(e) ?? (yield* this.membershipAfter(tx, e));
      if (membership !== undefined) unsigned.membership = membership;
    }
    // "If the client being given the event is the same one which sent it": since v1.7 transaction ids
    // are scoped to a device (client-server-api#transaction-identifiers), so the device is the client;
    // matching the access token (as Synapse long did) would lose the echo after a token refresh.
    if (this.deviceId !== undefined && e.sender === this.userId) {
      const sent = yield* this.store.eventTxnIds.get(tx, e.eventId);
      if (sent !== undefined && sent.deviceId === this.deviceId) unsigned.transaction_id = sent.txnId;
    }
    const out: ClientEvent = {
      type: e.type,
      content: pdu.content ?? {},
      event_id: e.eventId,
      sender: e.sender,
      origin_server_ts: e.originServerTs,
      unsigned,
    };
    if (opts.includeRoomId !== false) out.room_id = e.roomId;
    if (e.stateKey !== undefined) {
      out.state_key = e.stateKey;
      const priorId = e.stateBefore === undefined ? undefined : yield* this.store.state.get(tx, e.stateBefore, e.type, e.stateKey);
      if (priorId !== undefined) {
        const prior = yield* this.store.events.get(tx, priorId);
        if (prior !== undefined) {
          unsigned.replaces_state = priorId;
          unsigned.prev_sender = prior.sender;
          const priorRedacted = (yield* this.applicableRedaction(tx, prior)) !== undefined;
          const priorPdu = parseEventJson(prior.json);
          unsigned.prev_content = (priorRedacted ? redactEvent(yield* this.rules(tx, e.roomId), priorPdu) : priorPdu).content ?? {};
        }
      }
    }
    // v11+ carry redacts in content; the top-level copy keeps older clients working (as Synapse does).
    if (e.redacts !== undefined) out.redacts = e.redacts;
    if (opts.bundle !== false && redaction === undefined && e.stateKey === undefined) {
      const relations = yield* bundledAggregations(tx, this, e, pdu);
      if (relations !== undefined) unsigned['m.relations'] = relations;
    }
    return out;
  }

  private *serializeFederation(tx: ReadTx, e: StoredEvent, opts: SerializeOptions): Op<ClientEvent> {
    const client = yield* this.serialize(tx, e, { ...opts, format: 'client' });
    const unsigned = client.unsigned as Record<string, unknown>;
    let pdu = parseEventJson(e.json);
    if (unsigned.redacted_because !== undefined) pdu = redactEvent(yield* this.rules(tx, e.roomId), pdu);
    return { ...pdu, event_id: e.eventId, unsigned };
  }

  *serializeMany(tx: ReadTx, events: readonly StoredEvent[], opts: SerializeOptions = {}): Op<ClientEvent[]> {
    const out: ClientEvent[] = [];
    for (const e of events) out.push(yield* this.serialize(tx, e, opts));
    return out;
  }

  /** Whether the event is redacted (an accepted redaction that applies to it). */
  *isRedacted(tx: ReadTx, e: StoredEvent): Op<boolean> {
    return (yield* this.applicableRedaction(tx, e)) !== undefined;
  }

  /** The room version's rules (from the create event; '1' when it names none). */
  *rules(tx: ReadTx, roomId: string): Op<RoomVersionRules> {
    let rules = this.versions.get(roomId);
    if (rules === undefined) {
      const createId = yield* this.store.state.currentEntry(tx, roomId, 'm.room.create', '');
      const json = createId === undefined ? undefined : yield* this.store.events.json(tx, createId);
      const v = json === undefined ? undefined : (parseEventJson(json).content as { room_version?: unknown } | undefined)?.room_version;
      rules = roomVersion(typeof v === 'string' ? v : '1') ?? roomVersion('10')!;
      this.versions.set(roomId, rules);
    }
    return rules;
  }

  // A redaction applies when it was accepted and (v3+) its sender is on the original
  // sender's server or had the redact level (client-server-api#redactions).
  private *applicableRedaction(tx: ReadTx, e: StoredEvent): Op<StoredEvent | undefined> {
    const ids = yield* this.store.relations.redactions(tx, e.eventId);
    for (const id of ids) {
      const r = yield* this.store.events.get(tx, id);
      if (r === undefined || r.status !== 'timeline' || r.roomId !== e.roomId) continue;
      if (domainOf(r.sender) === domainOf(e.sender)) return r;
      if (r.stateBefore !== undefined && (yield* this.hasRedactLevel(tx, r))) return r;
    }
    return undefined;
  }

  private *hasRedactLevel(tx: ReadTx, r: StoredEvent): Op<boolean> {
    const plId = yield* this.store.state.get(tx, r.stateBefore!, 'm.room.power_levels', '');
    const plJson = plId === undefined ? undefined : yield* this.store.events.json(tx, plId);
    if (plJson === undefined) return false;
    const pl = (parseEventJson(plJson).content ?? {}) as { users?: Record<string, unknown>; users_default?: unknown; redact?: unknown };
    const level = Number(pl.users?.[r.sender] ?? pl.users_default ?? 0);
    const redact = Number(pl.redact ?? 50);
    return level >= redact;
  }
}
