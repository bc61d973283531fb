// GET /_matrix/client/v3/register/available — client-server-api#get_matrixclientv3registeravailable
import { missingParam } from '../../errors.js';
import { route } from '../../route.js';

export const registerAvailableRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/register/available',
  auth: 'none',
  rateLimit: 'register',
  spec: 'client-server-api#get_matrixclientv3registeravailable',
  handler: async ({ services, query }) => {
    const username = query.get('username');
    if (username === null) throw missingParam('username');
    await services.users.checkUsernameAvailable(username);
    return { body: { available: true } };
  },
});
