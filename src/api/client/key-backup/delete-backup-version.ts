// DELETE /_matrix/client/v3/room_keys/version/{version} — client-server-api#delete_matrixclientv3room_keysversionversion
import { route } from '../../route.js';
import { deleteBackupVersion } from '../../../e2ee/key-backup.js';

export const deleteBackupVersionRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/room_keys/version/{version}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#delete_matrixclientv3room_keysversionversion',
  handler: async ({ services, requester, params }) => {
    await deleteBackupVersion(services, requester.userId, params.version!);
    return { body: {} };
  },
});
