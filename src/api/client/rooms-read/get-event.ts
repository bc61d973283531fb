// GET /_matrix/client/v3/rooms/{roomId}/event/{eventId} — client-server-api#get_matrixclientv3roomsroomideventeventid
// 404 M_NOT_FOUND when the event is unknown or history visibility hides it.
import { route } from '../../route.js';
import { roomIdParam } from './params.js';

export const getEventRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/event/{eventId}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomideventeventid',
  handler: async ({ services, requester, params }) => ({
    body: await services.roomReader.event(requester.userId, roomIdParam(params), params.eventId!, requester.deviceId),
  }),
});
