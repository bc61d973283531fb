// PUT /_matrix/client/v3/presence/{userId}/status — client-server-api#put_matrixclientv3presenceuseridstatus
import { route } from '../../route.js';
import { s } from '../../schema.js';

const body = s.object({
  presence: s.enum(['online', 'offline', 'unavailable'] as const),
  status_msg: s.string(),
}, { required: ['presence'] });

export const setPresenceRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/presence/{userId}/status',
  auth: 'access_token',
  rateLimit: 'default',
  body,
  spec: 'client-server-api#put_matrixclientv3presenceuseridstatus',
  handler: async ({ services, requester, params, body }) => {
    await services.users.setPresence(requester, params.userId!, body.presence, body.status_msg);
    return { body: {} };
  },
});
