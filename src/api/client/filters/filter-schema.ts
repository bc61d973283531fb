// The shape of a sync filter (client-server-api#filtering: Filter, RoomFilter, RoomEventFilter,
// EventFilter), for POST /user/{userId}/filter and for inline filters (/sync, /messages).
// Unknown keys are kept: filters are stored as the client sent them.
import { s } from '../../schema.js';

const ids = s.array(s.string());
// Room and user id lists must hold ids (Synapse refuses others; sytest "Check creating invalid
// filters returns 4xx"). Room ids of v12 rooms have no server name.
const roomIds = s.array(s.string({ pattern: /^![^\s]+$/ }));
const userIds = s.array(s.string({ pattern: /^@[^:]+:.+$/ }));
// Limits "must be greater than 0" per the spec, but Synapse accepts 0 and some clients send it.
const eventFilterProps = {
  limit: s.int({ min: 0 }),
  types: ids,
  not_types: ids,
  senders: userIds,
  not_senders: userIds,
};

export const eventFilterSchema = s.object(eventFilterProps);

export const roomEventFilterSchema = s.object({
  ...eventFilterProps,
  rooms: roomIds,
  not_rooms: roomIds,
  contains_url: s.bool(),
  lazy_load_members: s.bool(),
  include_redundant_members: s.bool(),
  unread_thread_notifications: s.bool(),
});

export const roomFilterSchema = s.object({
  rooms: roomIds,
  not_rooms: roomIds,
  include_leave: s.bool(),
  timeline: roomEventFilterSchema,
  state: roomEventFilterSchema,
  ephemeral: roomEventFilterSchema,
  account_data: roomEventFilterSchema,
});

export const syncFilterSchema = s.object({
  event_fields: s.array(s.string()),
  event_format: s.enum(['client', 'federation'] as const),
  presence: eventFilterSchema,
  account_data: eventFilterSchema,
  room: roomFilterSchema,
});
