// POST /_matrix/client/v3/account/password — client-server-api#post_matrixclientv3accountpassword
import { route } from '../../route.js';
import { s } from '../../schema.js';

const body = s.object({
  new_password: s.string(),
  logout_devices: s.bool(),
  auth: s.record(s.any()),
}, { required: ['new_password'] });

export const changePasswordRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/account/password',
  // The spec allows it without a token: the UIA password stage then names the user.
  auth: 'optional_access_token',
  rateLimit: 'login',
  body,
  spec: 'client-server-api#post_matrixclientv3accountpassword',
  handler: async ({ services, optionalRequester, body }) => {
    await services.users.changePassword(optionalRequester, body);
    return { body: {} };
  },
});
