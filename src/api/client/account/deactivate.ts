// POST /_matrix/client/v3/account/deactivate — client-server-api#post_matrixclientv3accountdeactivate
import { route } from '../../route.js';
import { s } from '../../schema.js';

const body = s.object({
  auth: s.record(s.any()),
  erase: s.bool(),
  id_server: s.string(),
});

export const deactivateRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/account/deactivate',
  auth: 'optional_access_token',
  rateLimit: 'login',
  body,
  spec: 'client-server-api#post_matrixclientv3accountdeactivate',
  handler: async ({ services, optionalRequester, body }) => ({
    body: await services.users.deactivate(optionalRequester, body ?? {}),
  }),
});
