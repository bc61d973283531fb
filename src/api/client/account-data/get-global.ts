// GET /_matrix/client/v3/user/{userId}/account_data/{type} — client-server-api#get_matrixclientv3useruseridaccount_datatype
import { route } from '../../route.js';

export const getGlobalAccountDataRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/user/{userId}/account_data/{type}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3useruseridaccount_datatype',
  handler: async ({ services, requester, params }) => ({
    body: await services.users.getAccountData(requester, params.userId!, null, params.type!),
  }),
});
