// GET /_matrix/client/v3/account/whoami — client-server-api#get_matrixclientv3accountwhoami
import { route } from '../../route.js';

export const whoamiRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/account/whoami',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3accountwhoami',
  handler: ({ services, requester }) => ({ body: services.users.whoami(requester) }),
});
