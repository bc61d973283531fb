// POST /_matrix/client/v3/keys/device_signing/upload — client-server-api#post_matrixclientv3keysdevice_signingupload
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { uploadSigningKeys } from '../../../e2ee/cross-signing.js';

const key = s.record(s.any());

export const uploadSigningKeysRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/keys/device_signing/upload',
  versions: ['v3'],
  auth: 'access_token',
  rateLimit: 'none',
  body: s.object({ master_key: key, self_signing_key: key, user_signing_key: key, auth: s.record(s.any()) }),
  spec: 'client-server-api#post_matrixclientv3keysdevice_signingupload',
  handler: async ({ services, requester, body }) => {
    await uploadSigningKeys(services, requester, body ?? {});
    return { body: {} };
  },
});
