// DELETE /_matrix/client/v3/profile/{userId}/{keyName} — client-server-api#delete_matrixclientv3profileuseridkeyname
import { route } from '../../route.js';
import { userIdField } from '../rooms/params.js';

export const deleteProfileFieldRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/profile/{userId}/{keyName}',
  auth: 'access_token',
  guests: (p) => p.keyName === 'displayname',
  rateLimit: 'default',
  spec: 'client-server-api#delete_matrixclientv3profileuseridkeyname',
  handler: async ({ services, requester, params }) => {
    await services.users.deleteProfileField(requester, userIdField(params.userId!), params.keyName!);
    return { body: {} };
  },
});
