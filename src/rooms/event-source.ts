// Stored events as the protocol layer sees them (Pdu), parsed once and cached,
// and the room version of each room. Reads are synchronous: state resolution
// looks events up synchronously, and the LMDB store answers reads in place.
import type { Kernels } from '../accel/types.js';
import type { Pdu } from '../matrix/pdu.js';
import { parsePdu } from '../matrix/event-format/index.js';
import { roomVersion, type RoomVersionRules } from '../matrix/room-versions.js';
import type { Store } from '../store/index.js';
import type { Op, ReadTx } from '../store/trees.js';
import type { StoredEvent } from '../store/repositories/events.js';
import type { SnapshotId } from '../store/repositories/state.js';

const decoder = new TextDecoder();
// Per cache (state events; all others): enough for the auth events and forward
// extremities of many active rooms; bounded for RSS.
const CACHE_LIMIT = 4_096;

/** Runs a read that the backend answers synchronously (LMDB). */
export function readNow<T>(store: Store, body: (tx: ReadTx) => Op<T>): T {
  return store.readSync(body);
}

export interface StoredPdu {
  readonly pdu: Pdu;
  readonly status: StoredEvent['status'];
  /** the state snapshot after the event (timeline and soft-failed events) */
  readonly stateAfter?: SnapshotId;
}

/**
 * What building and accepting the next event of a room starts from: its
 * forward extremities and its current state snapshot. Kept by the process
 * that writes the room (ARCHITECTURE: one writer per room), refreshed from the
 * store whenever an event was persisted that the pipeline did not follow exactly.
 */
export interface RoomHead {
  readonly extremities: readonly string[];
  readonly snapshot: SnapshotId;
}

export class EventSource {
  /**
   * State events (the auth events every send reads: create, power levels,
   * members) apart from the rest, so a flood of messages never pushes them out
   * (each eviction cost a store read and a parse, and deoptimised the senders' code).
   */
  private readonly statePdus = new Map<string, StoredPdu>();
  private readonly pdus = new Map<string, StoredPdu>();
  private readonly rulesByRoom = new Map<string, RoomVersionRules>();
  private readonly heads = new Map<string, RoomHead>();

  constructor(private readonly store: Store, private readonly kernels: Kernels) {}

  /** The stored event (any status), or undefined. */
  get(eventId: string): StoredPdu | undefined {
    // First in, first out: moving every hit to the back (a Map delete and set)
    // costs more than reading an evicted event again.
    const hit = this.statePdus.get(eventId) ?? this.pdus.get(eventId);
    if (hit !== undefined) return hit;
    const events = this.store.events;
    const stored = readNow(this.store, (tx) => events.get(tx, eventId));
    if (stored === undefined) return undefined;
    return this.remember(stored);
  }

  /** The event if it is stored and was not rejected. */
  pdu(eventId: string): Pdu | undefined {
    const e = this.get(eventId);
    return e === undefined || e.status === 'rejected' ? undefined : e.pdu;
  }

  /** Cache a just-persisted event. */
  add(pdu: Pdu, status: StoredEvent['status'], stateAfter?: SnapshotId): void {
    const cache = pdu.stateKey !== undefined ? this.statePdus : this.pdus;
    cache.delete(pdu.eventId);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    // One object shape for every entry (stateAfter undefined when none).
    cache.set(pdu.eventId, { pdu, status, stateAfter });
  }

  /** The room's forward extremities and current state snapshot. */
  head(roomId: string): RoomHead {
    const known = this.heads.get(roomId);
    if (known !== undefined) return known;
    const { store } = this;
    const head = readNow(store, function* (tx) {
      const extremities = yield* store.extremities.get(tx, roomId);
      const snapshot = yield* store.state.currentSnapshot(tx, roomId);
      return { extremities, snapshot };
    });
    if (this.heads.size >= CACHE_LIMIT) this.heads.delete(this.heads.keys().next().value!);
    this.heads.set(roomId, head);
    return head;
  }

  /** After a persist: the new head when the caller knows it exactly, else undefined (read again next time). */
  setHead(roomId: string, head: RoomHead | undefined): void {
    if (head === undefined) this.heads.delete(roomId);
    else this.heads.set(roomId, head);
  }

  /** The room version of a known room (from its create event), or undefined. */
  roomRules(roomId: string): RoomVersionRules | undefined {
    const known = this.rulesByRoom.get(roomId);
    if (known !== undefined) return known;
    const state = this.store.state;
    const createId = readNow(this.store, (tx) => state.currentEntry(tx, roomId, 'm.room.create', ''));
    if (createId === undefined) return undefined;
    const create = this.get(createId);
    if (create === undefined) return undefined;
    const rules = rulesOfCreate(create.pdu);
    if (rules !== undefined) this.rulesByRoom.set(roomId, rules);
    return rules;
  }

  setRoomRules(roomId: string, rules: RoomVersionRules): void {
    this.rulesByRoom.set(roomId, rules);
  }

  private remember(stored: StoredEvent): StoredPdu {
    const json = JSON.parse(decoder.decode(stored.json)) as Record<string, unknown>;
    let rules: RoomVersionRules | undefined;
    if (stored.type === 'm.room.create' && stored.stateKey === '') {
      const c = json.content as Record<string, unknown> | undefined;
      rules = roomVersion(typeof c?.room_version === 'string' ? c.room_version : '1');
    } else {
      rules = this.roomRules(stored.roomId);
    }
    if (rules === undefined) throw new Error(`event ${stored.eventId}: room ${stored.roomId} has no known room version`);
    const pdu = parsePdu(rules, json, stored.eventId, { kernels: this.kernels, byteLength: stored.json.length });
    this.add(pdu, stored.status, stored.stateAfter);
    return (pdu.stateKey !== undefined ? this.statePdus : this.pdus).get(stored.eventId)!;
  }
}

/** The rules of the room version a create event names ('1' when absent). */
export function rulesOfCreate(create: Pdu): RoomVersionRules | undefined {
  const v = create.content.room_version;
  return roomVersion(typeof v === 'string' ? v : '1');
}
