// GET /_matrix/client/v3/user/{userId}/filter/{filterId} — client-server-api#get_matrixclientv3useruseridfilterfilterid
import { forbidden, notFound } from '../../errors.js';
import { route } from '../../route.js';

export const getFilterRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/user/{userId}/filter/{filterId}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3useruseridfilterfilterid',
  handler: async ({ services, requester, params }) => {
    if (params.userId !== requester.userId) throw forbidden('Cannot get filters of other users');
    const filter = await services.users.getFilter(params.userId, params.filterId!);
    if (filter === undefined) throw notFound('No such filter');
    return { body: filter };
  },
});
