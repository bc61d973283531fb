// PUT /_matrix/client/v3/devices/{deviceId} — client-server-api#put_matrixclientv3devicesdeviceid
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const updateDeviceRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/devices/{deviceId}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'default',
  body: s.object({ display_name: s.string() }),
  spec: 'client-server-api#put_matrixclientv3devicesdeviceid',
  handler: async ({ services, requester, params, body }) => {
    await services.users.updateDevice(requester, params.deviceId!, body.display_name);
    return { body: {} };
  },
});
