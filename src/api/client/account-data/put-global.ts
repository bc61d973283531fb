// PUT /_matrix/client/v3/user/{userId}/account_data/{type} — client-server-api#put_matrixclientv3useruseridaccount_datatype
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const putGlobalAccountDataRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/user/{userId}/account_data/{type}',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.record(s.any()),
  spec: 'client-server-api#put_matrixclientv3useruseridaccount_datatype',
  handler: async ({ services, requester, params, body }) => {
    await services.users.setAccountData(requester, params.userId!, null, params.type!, body);
    return { body: {} };
  },
});
