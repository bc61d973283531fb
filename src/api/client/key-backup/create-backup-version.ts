// POST /_matrix/client/v3/room_keys/version — client-server-api#post_matrixclientv3room_keysversion
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { createBackupVersion } from '../../../e2ee/key-backup.js';

export const createBackupVersionRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/room_keys/version',
  auth: 'access_token',
  rateLimit: 'none',
  // Any algorithm name is kept (as Synapse): clients define new ones before the spec lists them.
  body: s.object({ algorithm: s.string({ minLength: 1, maxLength: 255 }), auth_data: s.record(s.any()) }, { required: ['algorithm', 'auth_data'] }),
  spec: 'client-server-api#post_matrixclientv3room_keysversion',
  handler: async ({ services, requester, body }) => ({ body: await createBackupVersion(services, requester.userId, body.algorithm, body.auth_data) }),
});
