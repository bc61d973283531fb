// PUT /_matrix/client/v3/directory/list/room/{roomId} — client-server-api#put_matrixclientv3directorylistroomroomid
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from '../rooms/params.js';

export const putRoomVisibilityRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/directory/list/room/{roomId}',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ visibility: s.enum(['public', 'private'] as const) }),
  spec: 'client-server-api#put_matrixclientv3directorylistroomroomid',
  handler: async ({ services, requester, params, body }) => {
    // The spec's default when visibility is absent is public.
    await services.roomReader.setDirectoryVisibility(requester.userId, roomIdParam(params), body.visibility ?? 'public');
    return { body: {} };
  },
});
