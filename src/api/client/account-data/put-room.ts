// PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} — client-server-api#put_matrixclientv3useruseridroomsroomidaccount_datatype
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const putRoomAccountDataRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/user/{userId}/rooms/{roomId}/account_data/{type}',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.record(s.any()),
  spec: 'client-server-api#put_matrixclientv3useruseridroomsroomidaccount_datatype',
  handler: async ({ services, requester, params, body }) => {
    await services.users.setAccountData(requester, params.userId!, params.roomId!, params.type!, body);
    return { body: {} };
  },
});
