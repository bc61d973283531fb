// GET /_matrix/client/v3/room_keys/version and /room_keys/version/{version} —
// client-server-api#get_matrixclientv3room_keysversion. Server-side key backup is not
// stored yet, so no backup version ever exists: both answer the spec's 404 M_NOT_FOUND,
// which clients read as "no backup set up" (matrix-js-sdk and the rust crypto SDK do; an
// unrouted 404 M_UNRECOGNIZED reads as an error during encryption set-up). Creating a
// backup (POST) stays unrouted until backups are stored.
import { notFound } from '../../errors.js';
import { route } from '../../route.js';

export const currentBackupVersionRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_keys/version',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3room_keysversion',
  handler: async () => {
    throw notFound('No current backup version');
  },
});

export const backupVersionRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_keys/version/{version}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3room_keysversionversion',
  handler: async ({ params }) => {
    throw notFound(`Unknown backup version ${params.version ?? ''}`);
  },
});
