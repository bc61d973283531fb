// POST /_matrix/client/v3/rooms/{roomId}/read_markers — client-server-api#post_matrixclientv3roomsroomidread_markers
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from '../rooms/params.js';

export const setReadMarkersRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/read_markers',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ 'm.fully_read': s.string(), 'm.read': s.string(), 'm.read.private': s.string() }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidread_markers',
  handler: async ({ services, requester, params, body }) => {
    await services.sync.setReadMarkers(requester, roomIdParam(params), body ?? {});
    return { body: {} };
  },
});
