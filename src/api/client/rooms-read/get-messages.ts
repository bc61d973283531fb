// GET /_matrix/client/v3/rooms/{roomId}/messages — client-server-api#get_matrixclientv3roomsroomidmessages
// `from` is optional (v1.3+): backwards from the end of the room, forwards from its start.
import { route } from '../../route.js';
import { parseRoomEventFilter } from '../../../rooms/read/filter.js';
import { intQuery, optionalQuery, roomIdParam } from './params.js';
import type { Direction } from '../../../rooms/read/reader.js';

export const getMessagesRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/messages',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidmessages',
  handler: async ({ services, requester, params, query }) => {
    const roomId = roomIdParam(params);
    // dir is checked by the reader after the room access check (a forgotten room is 403 first)
    const dir = optionalQuery(query, 'dir') as Direction | undefined;
    const from = optionalQuery(query, 'from');
    const to = optionalQuery(query, 'to');
    const limit = intQuery(query, 'limit');
    const filter = parseRoomEventFilter(query.get('filter'));
    return {
      body: await services.roomReader.messages(requester.userId, roomId, {
        dir, filter,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(limit !== undefined ? { limit } : {}),
      }, requester.deviceId),
    };
  },
});
