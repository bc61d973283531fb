// Query and path parameters the room read endpoints share (bad values are 400 M_INVALID_PARAM).
import { invalidParam } from '../../errors.js';
import type { Direction } from '../../../rooms/read/reader.js';

export { roomIdParam } from '../rooms/params.js';

/** An optional non-negative integer query parameter. */
export function intQuery(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw invalidParam(`${name} must be a non-negative integer`);
  return Number(v);
}

export function optionalQuery(query: URLSearchParams, name: string): string | undefined {
  const v = query.get(name);
  return v === null ? undefined : v;
}

export function dirQuery(query: URLSearchParams, fallback: Direction): Direction {
  const v = query.get('dir');
  if (v === null) return fallback;
  if (v !== 'b' && v !== 'f') throw invalidParam('dir must be "b" or "f"');
  return v;
}
