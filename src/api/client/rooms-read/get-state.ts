// GET /_matrix/client/v3/rooms/{roomId}/state — client-server-api#get_matrixclientv3roomsroomidstate
import { route } from '../../route.js';
import { roomIdParam } from './params.js';

export const getStateRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/state',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidstate',
  handler: async ({ services, requester, params }) => ({
    body: await services.roomReader.state(requester.userId, roomIdParam(params)),
  }),
});
