// GET /_matrix/client/v3/devices — client-server-api#get_matrixclientv3devices
import { route } from '../../route.js';

export const listDevicesRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/devices',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3devices',
  handler: async ({ services, requester }) => ({ body: { devices: await services.users.listDevices(requester) } }),
});
