// POST /_matrix/client/v3/keys/signatures/upload — client-server-api#post_matrixclientv3keyssignaturesupload
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { uploadSignatures } from '../../../e2ee/cross-signing.js';

export const uploadSignaturesRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/keys/signatures/upload',
  versions: ['v3'],
  auth: 'access_token',
  rateLimit: 'none',
  body: s.record(s.record(s.record(s.any()))),
  spec: 'client-server-api#post_matrixclientv3keyssignaturesupload',
  handler: async ({ services, requester, body }) => ({ body: await uploadSignatures(services, requester, body ?? {}) }),
});
