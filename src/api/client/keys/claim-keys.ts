// POST /_matrix/client/v3/keys/claim — client-server-api#post_matrixclientv3keysclaim
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { claimKeys } from '../../../e2ee/keys.js';

export const claimKeysRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/keys/claim',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  body: s.object({ one_time_keys: s.record(s.record(s.string())), timeout: s.int({ min: 0 }) }, { required: ['one_time_keys'] }),
  spec: 'client-server-api#post_matrixclientv3keysclaim',
  handler: async ({ services, body }) => ({ body: await claimKeys(services, body.one_time_keys) }),
});
