// A PDU as the protocol layer sees it once its format has been checked: the
// fields auth and state resolution read, plus the whole JSON object. Format
// parsing and validation per room version live in src/matrix/event-format/.

export interface Pdu {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
  readonly type: string;
  /** present on state events (may be the empty string) */
  readonly stateKey?: string;
  readonly content: Readonly<Record<string, unknown>>;
  /** event ids (for v1–v2 the ids of the `[id, hashes]` pairs) */
  readonly prevEvents: readonly string[];
  readonly authEvents: readonly string[];
  readonly depth: number;
  readonly originServerTs: number;
  /** top-level `redacts` (v1–v10) or `content.redacts` (v11+), when present */
  readonly redacts?: string;
  /** the whole JSON object as received (including `event_id` for v1–v2) */
  readonly json: Readonly<Record<string, unknown>>;
}

/** Key of a state map entry: `type` and `state_key` joined by NUL (neither may contain it in practice; see stateKeyOf). */
export type StateKey = string;

export function stateKeyOf(type: string, stateKey: string): StateKey {
  return `${type}\u0000${stateKey}`;
}

export function splitStateKey(key: StateKey): [type: string, stateKey: string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** State: (type, state_key) → event id. */
export type StateMap = ReadonlyMap<StateKey, string>;

/** Finds events by id (an event store, or the events of a fixture). */
export type EventLookup = (eventId: string) => Pdu | undefined;
