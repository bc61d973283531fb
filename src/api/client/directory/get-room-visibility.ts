// GET /_matrix/client/v3/directory/list/room/{roomId} — client-server-api#get_matrixclientv3directorylistroomroomid
import { route } from '../../route.js';
import { roomIdParam } from '../rooms/params.js';

export const getRoomVisibilityRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/directory/list/room/{roomId}',
  auth: 'none',
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv3directorylistroomroomid',
  handler: async ({ services, params }) => ({ body: await services.roomReader.directoryVisibility(roomIdParam(params)) }),
});
