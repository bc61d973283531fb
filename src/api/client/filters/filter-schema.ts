// The shape of a sync filter (client-server-api#filtering: Filter, RoomFilter, RoomEventFilter,
// EventFilter), for POST /user/{userId}/filter and for inline filters (/sync, /messages).
// Unknown keys are kept: filters are stored as the client sent them.
import { s } from '../../schema.js';

const ids = s.array(s.string());
// Limits "must be greater than 0" per the spec, but Synapse accepts 0 and some clients send it.
const eventFilterProps = {
  limit: s.int({ min: 0 }),
  types: ids,
  not_types: ids,
  senders: ids,
  not_senders: ids,
};

export const eventFilterSchema = s.object(eventFilterProps);

export const roomEventFilterSchema = s.object({
  ...eventFilterProps,
  rooms: ids,
  not_rooms: ids,
  contains_url: s.bool(),
  lazy_load_members: s.bool(),
  include_redundant_members: s.bool(),
  unread_thread_notifications: s.bool(),
});

export const roomFilterSchema = s.object({
  rooms: ids,
  not_rooms: ids,
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
