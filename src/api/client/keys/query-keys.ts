// POST /_matrix/client/v3/keys/query — client-server-api#post_matrixclientv3keysquery
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { queryKeys } from '../../../e2ee/keys.js';

export const queryKeysRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/keys/query',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  // `timeout` is for federation queries; with local users only there is nothing to wait for.
  body: s.object({ device_keys: s.record(s.array(s.string())), timeout: s.int({ min: 0 }) }, { required: ['device_keys'] }),
  spec: 'client-server-api#post_matrixclientv3keysquery',
  handler: async ({ services, requester, body }) => ({ body: await queryKeys(services, requester, body.device_keys) }),
});
