// POST /_matrix/client/v3/createRoom — client-server-api#post_matrixclientv3createroom
import { route } from '../../route.js';
import { s } from '../../schema.js';
import type { CreateRoomRequest } from '../../../rooms/service.js';

const stateEvent = s.object({ type: s.string(), state_key: s.string(), content: s.record(s.any()) }, { required: ['type', 'content'] });

const body = s.object({
  visibility: s.enum(['public', 'private'] as const),
  room_alias_name: s.string(),
  name: s.string(),
  topic: s.string(),
  invite: s.array(s.string({ pattern: /^@/ })),
  invite_3pid: s.array(s.any()),
  room_version: s.string(),
  creation_content: s.record(s.any()),
  initial_state: s.array(stateEvent),
  preset: s.enum(['private_chat', 'public_chat', 'trusted_private_chat'] as const),
  is_direct: s.bool(),
  power_level_content_override: s.record(s.any()),
});

export const createRoomRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/createRoom',
  auth: 'access_token',
  rateLimit: 'default',
  body,
  spec: 'client-server-api#post_matrixclientv3createroom',
  handler: async ({ services, requester, body: req }) => ({
    body: await services.rooms.createRoom(requester, req as CreateRoomRequest),
  }),
});
