// POST /_matrix/client/v3/login — client-server-api#post_matrixclientv3login
import { route } from '../../route.js';
import { s } from '../../schema.js';

const body = s.object({
  type: s.string(),
  identifier: s.record(s.any()),
  user: s.string(),
  password: s.string(),
  token: s.string(),
  device_id: s.string(),
  initial_device_display_name: s.string({ maxLength: 100 }),
  refresh_token: s.bool(),
}, { required: ['type'] });

export const loginRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/login',
  auth: 'none',
  rateLimit: 'login',
  body,
  spec: 'client-server-api#post_matrixclientv3login',
  handler: async ({ services, body }) => ({ body: await services.users.login(body) }),
});
