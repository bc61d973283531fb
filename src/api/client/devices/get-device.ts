// GET /_matrix/client/v3/devices/{deviceId} — client-server-api#get_matrixclientv3devicesdeviceid
import { route } from '../../route.js';

export const getDeviceRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/devices/{deviceId}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3devicesdeviceid',
  handler: async ({ services, requester, params }) => ({ body: await services.users.getDevice(requester, params.deviceId!) }),
});
