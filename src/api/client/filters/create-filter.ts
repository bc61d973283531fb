// POST /_matrix/client/v3/user/{userId}/filter — client-server-api#post_matrixclientv3useruseridfilter
import { route } from '../../route.js';
import { syncFilterSchema } from './filter-schema.js';

export const createFilterRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/user/{userId}/filter',
  auth: 'access_token',
  rateLimit: 'default',
  body: syncFilterSchema,
  spec: 'client-server-api#post_matrixclientv3useruseridfilter',
  handler: async ({ services, requester, params, body }) => ({
    body: { filter_id: await services.users.createFilter(requester, params.userId!, body) },
  }),
});
