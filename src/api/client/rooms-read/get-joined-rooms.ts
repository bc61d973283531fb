// GET /_matrix/client/v3/joined_rooms — client-server-api#get_matrixclientv3joined_rooms
import { route } from '../../route.js';

export const getJoinedRoomsRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/joined_rooms',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3joined_rooms',
  handler: async ({ services, requester }) => ({ body: await services.roomReader.joinedRooms(requester.userId) }),
});
