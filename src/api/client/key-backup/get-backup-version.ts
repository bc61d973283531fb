// GET /_matrix/client/v3/room_keys/version/{version} — client-server-api#get_matrixclientv3room_keysversionversion
import { route } from '../../route.js';
import { backupVersion } from '../../../e2ee/key-backup.js';

export const backupVersionRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_keys/version/{version}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3room_keysversionversion',
  handler: async ({ services, requester, params }) => ({ body: await backupVersion(services, requester.userId, params.version!) }),
});
