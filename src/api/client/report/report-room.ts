// POST /_matrix/client/v3/rooms/{roomId}/report — client-server-api#post_matrixclientv3roomsroomidreport
import { reportRoom } from '../../../rooms/reports.js';
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from '../rooms/params.js';

export const reportRoomRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/report',
  // new in v1.13/v1.14: no r0 path
  versions: ['v3'],
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ reason: s.string() }, { required: ['reason'] }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidreport',
  handler: async ({ services, requester, params, body }) => {
    await reportRoom(services, requester.userId, roomIdParam(params), body.reason);
    return { body: {} };
  },
});
