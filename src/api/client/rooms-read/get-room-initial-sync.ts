// GET /_matrix/client/v3/rooms/{roomId}/initialSync — client-server-api#get_matrixclientv3roomsroomidinitialsync
// Deprecated but still how matrix-js-sdk peeks into a world-readable room (peekInRoom): the
// room's state and its latest messages, oldest first, for a member, a departed member (the
// room as they left it) or anyone in a world-readable room; others 403, as /state.
import { route } from '../../route.js';
import { NO_FILTER } from '../../../rooms/read/filter.js';
import { intQuery, roomIdParam } from './params.js';

export const getRoomInitialSyncRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/initialSync',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidinitialsync',
  handler: async ({ services, requester, params, query }) => {
    const roomId = roomIdParam(params);
    const reader = services.roomReader;
    const state = await reader.state(requester.userId, roomId);
    const latest = await reader.messages(requester.userId, roomId, { dir: 'b', limit: intQuery(query, 'limit') ?? 20, filter: NO_FILTER }, requester.deviceId);
    const own = (state.find((e) => e.type === 'm.room.member' && e.state_key === requester.userId)?.content as { membership?: unknown } | undefined)?.membership;
    return {
      body: {
        room_id: roomId,
        ...(typeof own === 'string' ? { membership: own } : {}),
        // start pages further back (older), end is where the chunk stops (now)
        messages: { chunk: [...latest.chunk].reverse(), start: latest.end ?? latest.start, end: latest.start },
        state,
        visibility: (await reader.directoryVisibility(roomId)).visibility,
      },
    };
  },
});
