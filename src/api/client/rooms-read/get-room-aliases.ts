// GET /_matrix/client/v3/rooms/{roomId}/aliases — client-server-api#get_matrixclientv3roomsroomidaliases
import { route } from '../../route.js';
import { roomIdParam } from './params.js';

export const getRoomAliasesRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/aliases',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidaliases',
  handler: async ({ services, requester, params }) => ({
    body: await services.roomReader.roomAliases(requester.userId, roomIdParam(params)),
  }),
});
