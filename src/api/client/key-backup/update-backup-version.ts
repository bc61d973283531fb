// PUT /_matrix/client/v3/room_keys/version/{version} — client-server-api#put_matrixclientv3room_keysversionversion
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { updateBackupVersion } from '../../../e2ee/key-backup.js';

export const updateBackupVersionRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/room_keys/version/{version}',
  auth: 'access_token',
  rateLimit: 'none',
  body: s.object({ algorithm: s.string(), auth_data: s.record(s.any()), version: s.string() }, { required: ['algorithm', 'auth_data'] }),
  spec: 'client-server-api#put_matrixclientv3room_keysversionversion',
  handler: async ({ services, requester, params, body }) => {
    await updateBackupVersion(services, requester.userId, params.version!, body);
    return { body: {} };
  },
});
