// GET /_matrix/client/v3/directory/room/{roomAlias} — client-server-api#get_matrixclientv3directoryroomroomalias
import { route } from '../../route.js';

export const getRoomAliasRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/directory/room/{roomAlias}',
  auth: 'none',
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv3directoryroomroomalias',
  handler: async ({ services, params }) => ({ body: await services.roomReader.resolveAlias(params.roomAlias!) }),
});
