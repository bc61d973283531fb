// Server-side search of room events (spec: client-server-api#server-side-search): which
// events are searched and how a search term matches them. The search itself (rooms, history
// visibility, ordering, context) is RoomReader.searchRoomEvents.
// Matching is word-based and case-insensitive: every word of the term must begin a word of the
// searched text ("mess 4" finds "Message number 4"), as Synapse's full-text search does with
// prefix queries. There is no index: the rooms' timelines are walked, up to a bound.

/** The keys the spec lets a search look in, and the event type each belongs to. */
export const SEARCH_KEYS = {
  'content.body': 'm.room.message',
  'content.name': 'm.room.name',
  'content.topic': 'm.room.topic',
} as const;
export type SearchKey = keyof typeof SEARCH_KEYS;

export interface SearchQuery {
  readonly searchTerm: string;
  readonly keys: readonly SearchKey[];
  readonly orderBy: 'recent' | 'rank';
  /** events of the context around each result (0 and 0: none asked) */
  readonly beforeLimit: number;
  readonly afterLimit: number;
  readonly includeProfile: boolean;
  /** rooms to search (filter.rooms), undefined: every room the user is joined to */
  readonly rooms?: readonly string[];
  readonly notRooms?: readonly string[];
  /** RoomEventFilter JSON (types, senders, limit, ...) */
  readonly filterJson?: string;
  readonly nextBatch?: string;
}

const WORD = /[\p{L}\p{N}]+/gu;

export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * How well `text` matches the term's words: 0 when a word of the term begins no word of the text,
 * else the number of the text's words the term's words begin (more mentions rank higher).
 */
export function matchRank(termWords: readonly string[], text: string): number {
  if (termWords.length === 0) return 0;
  const textWords = words(text);
  let rank = 0;
  for (const t of termWords) {
    let hits = 0;
    for (const w of textWords) if (w.startsWith(t)) hits++;
    if (hits === 0) return 0;
    rank += hits;
  }
  return rank;
}

/** The searched text of an event for the asked keys ('' when the event has none of them). */
export function searchableText(type: string, content: Record<string, unknown>, keys: readonly SearchKey[]): string {
  for (const key of keys) {
    if (SEARCH_KEYS[key] !== type) continue;
    const v = content[key.slice('content.'.length)];
    if (typeof v === 'string') return v;
  }
  return '';
}
