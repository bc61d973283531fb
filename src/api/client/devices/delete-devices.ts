// POST /_matrix/client/v3/delete_devices — client-server-api#post_matrixclientv3delete_devices
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const deleteDevicesRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/delete_devices',
  auth: 'access_token',
  rateLimit: 'login',
  body: s.object({ devices: s.array(s.string()), auth: s.record(s.any()) }, { required: ['devices'] }),
  spec: 'client-server-api#post_matrixclientv3delete_devices',
  handler: async ({ services, requester, body }) => {
    await services.users.deleteDevices(requester, body.devices, body.auth);
    return { body: {} };
  },
});
