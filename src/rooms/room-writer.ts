// Building our own events and submitting them: the room's forward extremities
// as prev events, auth events from its current state, signed with our server
// key (buildEvent), then the pipeline. Build and pipeline errors become Matrix
// errors: auth → M_FORBIDDEN with the rule's reason, size → M_TOO_LARGE,
// invalid JSON for the room version → M_BAD_JSON.
import type { Kernels } from '../accel/types.js';
import { CanonicalJsonError } from '../accel/types.js';
import { badJson, forbidden, notFound, tooLarge } from '../api/errors.js';
import { authEventTypes } from '../matrix/auth/index.js';
import { buildEvent, type BuildEventInput, type BuiltEvent } from '../matrix/event-builder.js';
import { MAX_PREV_EVENTS } from '../matrix/event-format/index.js';
import { stateKeyOf, type Pdu, type StateKey } from '../matrix/pdu.js';
import type { RoomVersionRules } from '../matrix/room-versions.js';
import type { SigningKey } from '../matrix/signing.js';
import type { Store } from '../store/index.js';
import type { PersistedEvent } from '../store/repositories/events.js';
import type { Op, WriteTx } from '../store/trees.js';
import { readNow, type EventSource } from './event-source.js';
import { EventDropped, type EventPipeline, type PipelineResult } from './pipeline/index.js';
import { authStateOf } from './pipeline/5-auth-against-state.js';

const CREATE_KEY = stateKeyOf('m.room.create', '');

export interface SendOptions {
  readonly redacts?: string;
  /** written in the event's transaction (client transaction ids) */
  readonly extra?: (tx: WriteTx, persisted: PersistedEvent) => Op<void>;
}

export interface RoomWriterDeps {
  readonly store: Store;
  readonly kernels: Kernels;
  readonly clock: { now(): number };
  readonly signingKey: SigningKey;
  readonly serverName: string;
}

export class RoomWriter {
  constructor(private readonly deps: RoomWriterDeps, readonly events: EventSource, readonly pipeline: EventPipeline) {}

  get store(): Store {
    return this.deps.store;
  }

  get serverName(): string {
    return this.deps.serverName;
  }

  rulesOf(roomId: string): RoomVersionRules {
    const rules = this.events.roomRules(roomId);
    if (rules === undefined) throw notFound(`Unknown room ${roomId}`);
    return rules;
  }

  /** Build, sign and submit one event. Call under the room's writer. Auth failures become M_FORBIDDEN. */
  async sendLocked(
    rules: RoomVersionRules, roomId: string | undefined, sender: string, type: string, stateKey: string | undefined,
    content: Record<string, unknown>, opts: SendOptions = {},
  ): Promise<PipelineResult> {
    return this.submitLocked(rules, this.buildLocked(rules, roomId, sender, type, stateKey, content, opts), opts);
  }

  /**
   * Build and sign one event on the room's current head, nothing written (call under the room's
   * writer). A room upgrade builds its tombstone first, so the replacement's create event can
   * name it as the predecessor's last event, and submits it once the replacement exists.
   */
  buildLocked(
    rules: RoomVersionRules, roomId: string | undefined, sender: string, type: string, stateKey: string | undefined,
    content: Record<string, unknown>, opts: SendOptions = {},
  ): BuiltEvent {
    const { store } = this.deps;
    let prevEvents: Pdu[] = [];
    let entries = new Map<string, string>();
    if (roomId !== undefined) {
      const head = this.events.head(roomId);
      // Plain loops into fresh arrays: the arrays' shapes stay the same from
      // the first send on (map/filter results made optimised code deoptimise).
      for (const id of head.extremities) {
        const p = this.events.pdu(id);
        if (p !== undefined) prevEvents.push(p);
      }
      // Most recent first when the room has more forward extremities than an event may cite.
      if (prevEvents.length > MAX_PREV_EVENTS) prevEvents = prevEvents.sort((a, b) => b.depth - a.depth).slice(0, MAX_PREV_EVENTS);
      // Auth rule 1: a create event has no prev events. The pipeline skips the auth rules for
      // a create event we built (it is the first of a new room), so one sent into an existing
      // room (PUT /state/m.room.create) is refused here, as Synapse does (403).
      if (prevEvents.length > 0 && type === 'm.room.create' && stateKey === '') {
        throw forbidden('The room already has its m.room.create event: a create event must not have prev_events');
      }
      const keys: StateKey[] = [];
      for (const [t, s] of authEventTypes(rules, { type, sender, stateKey, content })) keys.push(stateKeyOf(t, s));
      keys.push(CREATE_KEY);
      entries = readNow(store, (tx) => store.state.getMany(tx, head.snapshot, keys));
    }
    return this.build({
      rules, roomId, sender, type, stateKey, content, prevEvents, authState: authStateOf(entries, this.events), redacts: opts.redacts,
    });
  }

  /** Submit an event from buildLocked (call under the room's writer). Auth failures become M_FORBIDDEN. */
  async submitLocked(rules: RoomVersionRules, built: BuiltEvent, opts: SendOptions = {}): Promise<PipelineResult> {
    let result: PipelineResult;
    try {
      result = await this.pipeline.submitLocal({ rules, json: built.json, trusted: true, eventId: built.eventId, bytes: built.bytes, pdu: built.pdu }, opts.extra ? { extra: opts.extra } : {});
    } catch (err) {
      if (err instanceof EventDropped) {
        if (/bytes/.test(err.reason)) throw tooLarge(`Event too large: ${err.reason}`);
        throw badJson(`Invalid event: ${err.reason}`);
      }
      throw err;
    }
    if (result.status === 'rejected') throw forbidden(result.reason ?? 'The event is not allowed by the room\'s auth rules');
    return result;
  }

  /**
   * Build and sign one of our events in memory, nothing written (sendLocked, and createRoom's
   * rehearsal). Format errors become M_TOO_LARGE / M_BAD_JSON.
   */
  build(input: Omit<BuildEventInput, 'origin' | 'originServerTs' | 'signingKey' | 'kernels'>): BuiltEvent {
    try {
      // Every field named, absent ones undefined: one object shape for every event
      // (spreading inputs of varying shapes made buildEvent's reads megamorphic).
      return buildEvent({
        rules: input.rules, roomId: input.roomId, sender: input.sender, type: input.type, stateKey: input.stateKey,
        content: input.content, prevEvents: input.prevEvents, depth: input.depth, authState: input.authState,
        origin: this.deps.serverName, originServerTs: this.deps.clock.now(), redacts: input.redacts,
        signingKey: this.deps.signingKey, kernels: this.deps.kernels, eventIdLocalpart: input.eventIdLocalpart,
      });
    } catch (err) {
      if ((err as Error).name === 'PduFormatError' && /bytes of canonical JSON/.test((err as Error).message)) {
        throw tooLarge(`Event too large: ${(err as Error).message}`);
      }
      if (err instanceof CanonicalJsonError || (err as Error).name === 'CanonicalJsonError' || (err as Error).name === 'PduFormatError') {
        throw badJson(`The event is not valid for room version ${input.rules.id}: ${(err as Error).message}`);
      }
      throw err;
    }
  }

  /** Send into an existing room under its writer. */
  send(roomId: string, sender: string, type: string, stateKey: string | undefined, content: Record<string, unknown>, opts?: SendOptions): Promise<PipelineResult> {
    return this.pipeline.queue.run(roomId, () => this.sendLocked(this.rulesOf(roomId), roomId, sender, type, stateKey, content, opts));
  }

  membershipOf(roomId: string, userId: string): { membership: string; eventId: string } | undefined {
    const { store } = this.deps;
    return readNow(store, (tx) => store.membership.get(tx, roomId, userId));
  }

  currentEvent(roomId: string, type: string, stateKey: string): Pdu | undefined {
    const { store } = this.deps;
    const id = readNow(store, (tx) => store.state.currentEntry(tx, roomId, type, stateKey));
    return id === undefined ? undefined : this.events.pdu(id);
  }
}
