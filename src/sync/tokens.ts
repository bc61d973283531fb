// Sync tokens: one position per stream, so `since` resumes every stream where the
// last response left it. Opaque to clients; we parse and validate them (a bad token is
// 400 M_INVALID_PARAM). Format: `s<events>_<account_data>_<receipts>_<to_device>_<typing>_<presence>_<device_lists>`.
// `prev_batch` uses the same format; its `events` position means "events at or before
// this position" (a /messages `from` token paginating backwards: see eventsPositionOf).
import { invalidParam } from '../api/errors.js';

export interface SyncToken {
  /** events with a stream position ≤ this were sent */
  readonly events: number;
  readonly accountData: number;
  readonly receipts: number;
  /** to-device messages ≤ this were delivered (and are acknowledged by the next since) */
  readonly toDevice: number;
  /** in-memory typing stream (resets on restart: a larger value than ours reads as 0) */
  readonly typing: number;
  /** in-memory presence stream (same) */
  readonly presence: number;
  readonly deviceLists: number;
}

export const ZERO_TOKEN: SyncToken = { events: 0, accountData: 0, receipts: 0, toDevice: 0, typing: 0, presence: 0, deviceLists: 0 };

const PATTERN = /^s(\d{1,15})_(\d{1,15})_(\d{1,15})_(\d{1,15})_(\d{1,15})_(\d{1,15})_(\d{1,15})$/;

export function encodeSyncToken(t: SyncToken): string {
  return `s${t.events}_${t.accountData}_${t.receipts}_${t.toDevice}_${t.typing}_${t.presence}_${t.deviceLists}`;
}

/** undefined when `s` is not a token of ours */
export function tryParseSyncToken(s: string): SyncToken | undefined {
  const m = PATTERN.exec(s);
  if (!m) return undefined;
  return {
    events: Number(m[1]), accountData: Number(m[2]), receipts: Number(m[3]), toDevice: Number(m[4]),
    typing: Number(m[5]), presence: Number(m[6]), deviceLists: Number(m[7]),
  };
}

/** Throws 400 M_INVALID_PARAM for anything that is not one of our tokens. */
export function parseSyncToken(s: string, what = 'since'): SyncToken {
  const t = tryParseSyncToken(s);
  if (!t) throw invalidParam(`Invalid ${what} token`);
  return t;
}

/**
 * The events position of a sync token or prev_batch (for /messages `from`/`to`):
 * paginating backwards from it returns events with stream position ≤ it.
 */
export function eventsPositionOf(s: string): number | undefined {
  return tryParseSyncToken(s)?.events;
}
