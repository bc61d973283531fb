// Pagination tokens for /messages, /context, /relations (spec: client-server-api#get_matrixclientv3roomsroomidmessages).
// A token names a point in a room's stream order: `t<pos>` is the boundary just after
// the event at stream position `pos` (0 = before the first event). Paginating
// backwards from it returns events with position ≤ pos, forwards > pos.
// /sync's prev_batch (src/sync/tokens.ts, `s<events>_...`) is accepted too: its events
// position has the same meaning. Anything else is 400 M_INVALID_PARAM.
import { invalidParam } from '../../api/errors.js';

const OWN = /^t(\d{1,15})$/;
const SYNC = /^s(\d{1,15})(?:_\d{1,15}){6}$/;

export function encodePaginationToken(pos: number): string {
  return `t${Math.max(0, Math.trunc(pos))}`;
}

/** The stream position a token names, or undefined when it is not one of ours. */
export function tryDecodePaginationToken(token: string): number | undefined {
  const m = OWN.exec(token) ?? SYNC.exec(token);
  if (!m) return undefined;
  const pos = Number(m[1]);
  return Number.isSafeInteger(pos) ? pos : undefined;
}

/** Throws 400 M_INVALID_PARAM naming the parameter. */
export function decodePaginationToken(token: string, what = 'from'): number {
  const pos = tryDecodePaginationToken(token);
  if (pos === undefined) throw invalidParam(`Invalid ${what} token`);
  return pos;
}
