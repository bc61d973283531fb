// GET /_matrix/client/v3/rooms/{roomId}/context/{eventId} — client-server-api#get_matrixclientv3roomsroomidcontexteventid
import { route } from '../../route.js';
import { parseRoomEventFilter } from '../../../rooms/read/filter.js';
import { intQuery, roomIdParam } from './params.js';

export const getContextRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/context/{eventId}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidcontexteventid',
  handler: async ({ services, requester, params, query }) => {
    const roomId = roomIdParam(params);
    const filter = parseRoomEventFilter(query.get('filter'));
    const limit = intQuery(query, 'limit') ?? filter.limit ?? 10;
    return { body: await services.roomReader.context(requester.userId, roomId, params.eventId!, limit, filter, requester.deviceId) };
  },
});
