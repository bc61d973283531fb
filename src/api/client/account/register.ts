// POST /_matrix/client/v3/register — client-server-api#post_matrixclientv3register
import { route } from '../../route.js';
import { s } from '../../schema.js';

const body = s.object({
  username: s.string(),
  password: s.string(),
  device_id: s.string({ minLength: 1, maxLength: 255 }),
  initial_device_display_name: s.string({ maxLength: 100 }),
  inhibit_login: s.bool(),
  refresh_token: s.bool(),
  auth: s.record(s.any()),
  guest_access_token: s.string(),
});

export const registerRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/register',
  auth: 'none',
  rateLimit: 'register',
  body,
  spec: 'client-server-api#post_matrixclientv3register',
  handler: async ({ services, body, query }) => ({
    // refresh_token is not supported: the response simply carries no refresh token.
    body: await services.users.register(body, query.get('kind') ?? 'user'),
  }),
});
