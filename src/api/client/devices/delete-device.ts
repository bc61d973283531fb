// DELETE /_matrix/client/v3/devices/{deviceId} — client-server-api#delete_matrixclientv3devicesdeviceid
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const deleteDeviceRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/devices/{deviceId}',
  auth: 'access_token',
  rateLimit: 'login',
  body: s.object({ auth: s.record(s.any()) }),
  spec: 'client-server-api#delete_matrixclientv3devicesdeviceid',
  handler: async ({ services, requester, params, body }) => {
    // The first round may come without a body: it only asks for the UIA flows.
    await services.users.deleteDevices(requester, [params.deviceId!], body?.auth);
    return { body: {} };
  },
});
