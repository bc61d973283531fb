// What the pipeline steps share: their dependencies, the event as it moves
// through the steps, and the outcomes (spec: server-server "Checks performed
// on receipt of a PDU").
import type { Kernels } from '../../accel/types.js';
import type { Pdu } from '../../matrix/pdu.js';
import type { RoomVersionRules } from '../../matrix/room-versions.js';
import type { Store } from '../../store/index.js';
import type { AuthIndexCache } from '../auth-index.js';
import type { EventSource } from '../event-source.js';

/** Verify keys of servers (ours, and remote ones once federation fetches them). */
export interface KeyRing {
  /** the 32-byte Ed25519 public key of `serverName`'s `keyId`, or undefined when unknown */
  verifyKey(serverName: string, keyId: string): Promise<Uint8Array | undefined> | Uint8Array | undefined;
}

/** A room's timeline moved on: S5's Notifier wakes sync waiters (federation sender, push later). */
export interface RoomEventSink {
  roomEvent(event: { readonly roomId: string; readonly eventId: string; readonly streamPos: number; readonly sender: string; readonly type: string; readonly stateKey?: string }): void;
}

export interface PipelineDeps {
  readonly store: Store;
  readonly kernels: Kernels;
  readonly keyRing: KeyRing;
  readonly events: EventSource;
  readonly sink: RoomEventSink;
  /** per-room auth-chain indexes for state resolution */
  readonly authIndex: AuthIndexCache;
}

/** Why an event was dropped without being stored (it is not a valid PDU, or not provably from its sender). */
export class EventDropped extends Error {
  override readonly name = 'EventDropped';
  constructor(readonly step: 'format' | 'signatures' | 'missing_events', readonly reason: string) {
    super(`${step}: ${reason}`);
  }
}

/** An event arriving at the pipeline. */
export interface IncomingEvent {
  readonly rules: RoomVersionRules;
  readonly json: Record<string, unknown>;
  /** built and signed by us just now: the signature check is skipped */
  readonly trusted?: boolean;
  /** the event id the builder computed (trusted events only): not computed again */
  readonly eventId?: string;
  /** its canonical JSON as the builder made it (trusted events only): not made again */
  readonly bytes?: Uint8Array;
  /**
   * The builder's parse of `json` (trusted events only, with `eventId` and `bytes`):
   * buildEvent ran the same format check (parsePdu, same rules, id and size), so it is not run again.
   */
  readonly pdu?: Pdu;
}

/** An event that passed the format check. */
export interface Candidate {
  readonly rules: RoomVersionRules;
  readonly pdu: Pdu;
  /** the event as it will be stored (redacted when its content hash did not match) */
  readonly json: Record<string, unknown>;
  /** canonical JSON bytes of `json` */
  readonly bytes: Uint8Array;
  /** the content hash did not match: the event is used in redacted form */
  readonly redactedOnReceipt: boolean;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export type EventStatus = 'timeline' | 'soft_failed' | 'rejected';

export interface PipelineResult {
  readonly eventId: string;
  readonly roomId: string;
  readonly status: EventStatus;
  readonly reason?: string;
  readonly streamPos?: number;
  /** already stored before: nothing changed */
  readonly duplicate: boolean;
  readonly pdu: Pdu;
}
