// POST /_matrix/client/v3/rooms/{roomId}/report/{eventId} — client-server-api#post_matrixclientv3roomsroomidreporteventid
import { reportEvent } from '../../../rooms/reports.js';
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from '../rooms/params.js';

export const reportEventRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/report/{eventId}',
  auth: 'access_token',
  rateLimit: 'default',
  // `score` was removed in v1.18; older clients still send it and it is ignored.
  body: s.object({ reason: s.string() }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidreporteventid',
  handler: async ({ services, requester, params, body }) => {
    await reportEvent(services, requester.userId, roomIdParam(params), params.eventId ?? '', body?.reason);
    return { body: {} };
  },
});
