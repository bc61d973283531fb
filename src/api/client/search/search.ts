// POST /_matrix/client/v3/search — client-server-api#post_matrixclientv3search
// The room_events category: search_term, keys, filter (a RoomEventFilter with rooms/not_rooms),
// order_by, event_context; next_batch (query) pages on. include_state and groupings are not
// answered (both optional in the response).
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { SEARCH_KEYS, type SearchKey } from '../../../rooms/read/search.js';
import { invalidParam } from '../../errors.js';

const roomEvents = s.object({
  search_term: s.string(),
  keys: s.array(s.enum(Object.keys(SEARCH_KEYS) as SearchKey[])),
  filter: s.record(s.any()),
  order_by: s.enum(['recent', 'rank'] as const),
  event_context: s.object({ before_limit: s.int({ min: 0, max: 100 }), after_limit: s.int({ min: 0, max: 100 }), include_profile: s.bool() }),
  include_state: s.bool(),
  groupings: s.record(s.any()),
}, { required: ['search_term'] });

function roomList(v: unknown, name: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParam(`filter.${name} must be an array of room IDs`);
  return v as string[];
}

export const searchRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/search',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ search_categories: s.object({ room_events: roomEvents }) }, { required: ['search_categories'] }),
  spec: 'client-server-api#post_matrixclientv3search',
  handler: async ({ services, requester, body, query }) => {
    const re = body.search_categories.room_events;
    if (re === undefined) return { body: { search_categories: {} } };
    const { rooms, not_rooms: notRooms, ...eventFilter } = re.filter ?? {};
    const roomIds = roomList(rooms, 'rooms');
    const notRoomIds = roomList(notRooms, 'not_rooms');
    const nextBatch = query.get('next_batch');
    const ctx = re.event_context;
    const result = await services.roomReader.searchRoomEvents(requester.userId, {
      searchTerm: re.search_term,
      keys: re.keys ?? (Object.keys(SEARCH_KEYS) as SearchKey[]),
      orderBy: re.order_by ?? 'rank',
      // event_context given: the spec's defaults are 5 and 5
      beforeLimit: ctx === undefined ? 0 : ctx.before_limit ?? 5,
      afterLimit: ctx === undefined ? 0 : ctx.after_limit ?? 5,
      includeProfile: ctx?.include_profile === true,
      ...(roomIds !== undefined ? { rooms: roomIds } : {}),
      ...(notRoomIds !== undefined ? { notRooms: notRoomIds } : {}),
      ...(re.filter !== undefined ? { filterJson: JSON.stringify(eventFilter) } : {}),
      ...(nextBatch !== null ? { nextBatch } : {}),
    }, requester.deviceId);
    return { body: { search_categories: { room_events: result } } };
  },
});
