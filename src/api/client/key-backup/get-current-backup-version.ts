// GET /_matrix/client/v3/room_keys/version — client-server-api#get_matrixclientv3room_keysversion
import { route } from '../../route.js';
import { currentBackupVersion } from '../../../e2ee/key-backup.js';

export const currentBackupVersionRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_keys/version',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3room_keysversion',
  handler: async ({ services, requester }) => ({ body: await currentBackupVersion(services, requester.userId) }),
});
