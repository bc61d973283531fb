// GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} — client-server-api#get_matrixclientv3useruseridroomsroomidaccount_datatype
import { route } from '../../route.js';

export const getRoomAccountDataRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/user/{userId}/rooms/{roomId}/account_data/{type}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3useruseridroomsroomidaccount_datatype',
  handler: async ({ services, requester, params }) => ({
    body: await services.users.getAccountData(requester, params.userId!, params.roomId!, params.type!),
  }),
});
