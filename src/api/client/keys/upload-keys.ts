// POST /_matrix/client/v3/keys/upload — client-server-api#post_matrixclientv3keysupload
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { uploadKeys } from '../../../e2ee/keys.js';

const keyMap = s.record(s.any());

export const uploadKeysRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/keys/upload',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  body: s.object({
    device_keys: keyMap,
    one_time_keys: keyMap,
    fallback_keys: keyMap,
    'org.matrix.msc2732.fallback_keys': keyMap,
  }),
  spec: 'client-server-api#post_matrixclientv3keysupload',
  handler: async ({ services, requester, body }) => ({ body: await uploadKeys(services, requester, body ?? {}) }),
});
