// The RoomEventFilter of /messages and /context (spec: client-server-api#filtering):
// types, not_types, senders, not_senders (with `*` wildcards in types), contains_url,
// lazy_load_members, include_redundant_members. Text that is not a JSON object is
// M_NOT_JSON / M_BAD_JSON (../../api/json-query.ts), invalid fields 400 M_INVALID_PARAM.
import { invalidParam } from '../../api/errors.js';
import { jsonObjectQuery } from '../../api/json-query.js';

export interface RoomEventFilter {
  readonly types?: readonly string[];
  readonly notTypes?: readonly string[];
  readonly senders?: readonly string[];
  readonly notSenders?: readonly string[];
  readonly containsUrl?: boolean;
  readonly lazyLoadMembers: boolean;
  readonly includeRedundantMembers: boolean;
  readonly limit?: number;
}

export const NO_FILTER: RoomEventFilter = { lazyLoadMembers: false, includeRedundantMembers: false };

function strings(v: unknown, name: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParam(`filter.${name} must be an array of strings`);
  return v as string[];
}

/** Parse the `filter` query parameter (JSON text); absent → NO_FILTER. */
export function parseRoomEventFilter(text: string | null): RoomEventFilter {
  if (text === null || text === '') return NO_FILTER;
  const f = jsonObjectQuery('filter', text);
  if (f.contains_url !== undefined && typeof f.contains_url !== 'boolean') throw invalidParam('filter.contains_url must be a boolean');
  if (f.limit !== undefined && (typeof f.limit !== 'number' || !Number.isInteger(f.limit) || f.limit < 1)) {
    throw invalidParam('filter.limit must be a positive integer');
  }
  const types = strings(f.types, 'types');
  const notTypes = strings(f.not_types, 'not_types');
  const senders = strings(f.senders, 'senders');
  const notSenders = strings(f.not_senders, 'not_senders');
  return {
    ...(types ? { types } : {}), ...(notTypes ? { notTypes } : {}),
    ...(senders ? { senders } : {}), ...(notSenders ? { notSenders } : {}),
    ...(typeof f.contains_url === 'boolean' ? { containsUrl: f.contains_url } : {}),
    ...(typeof f.limit === 'number' ? { limit: f.limit } : {}),
    lazyLoadMembers: f.lazy_load_members === true,
    includeRedundantMembers: f.include_redundant_members === true,
  };
}

function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(type);
}

/** Whether an event passes the filter (content is needed only for contains_url). */
export function filterAllows(f: RoomEventFilter, type: string, sender: string, content?: () => Record<string, unknown>): boolean {
  if (f.notTypes?.some((p) => typeMatches(p, type))) return false;
  if (f.types !== undefined && !f.types.some((p) => typeMatches(p, type))) return false;
  if (f.notSenders?.includes(sender)) return false;
  if (f.senders !== undefined && !f.senders.includes(sender)) return false;
  if (f.containsUrl !== undefined && content !== undefined) {
    const hasUrl = typeof content().url === 'string';
    if (hasUrl !== f.containsUrl) return false;
  }
  return true;
}

/** Whether the filter needs anything beyond type/sender (cheap checks). */
export function isEmptyFilter(f: RoomEventFilter): boolean {
  return f.types === undefined && f.notTypes === undefined && f.senders === undefined && f.notSenders === undefined && f.containsUrl === undefined;
}
