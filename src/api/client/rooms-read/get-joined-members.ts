// GET /_matrix/client/v3/rooms/{roomId}/joined_members — client-server-api#get_matrixclientv3roomsroomidjoined_members
import { route } from '../../route.js';
import { roomIdParam } from './params.js';

export const getJoinedMembersRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/joined_members',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidjoined_members',
  handler: async ({ services, requester, params }) => ({
    body: await services.roomReader.joinedMembers(requester.userId, roomIdParam(params)),
  }),
});
