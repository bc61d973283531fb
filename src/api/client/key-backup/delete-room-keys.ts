// DELETE /_matrix/client/v3/room_keys/keys, /keys/{roomId}, /keys/{roomId}/{sessionId} —
// client-server-api#delete_matrixclientv3room_keyskeys (and ...roomid, ...roomidsessionid).
import { route } from '../../route.js';
import { deleteRoomKeys } from '../../../e2ee/key-backup.js';

export const deleteAllRoomKeysRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/room_keys/keys',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#delete_matrixclientv3room_keyskeys',
  handler: async ({ services, requester, query }) => ({ body: await deleteRoomKeys(services, requester.userId, query.get('version')) }),
});

export const deleteRoomKeysRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/room_keys/keys/{roomId}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#delete_matrixclientv3room_keyskeysroomid',
  handler: async ({ services, requester, query, params }) => ({
    body: await deleteRoomKeys(services, requester.userId, query.get('version'), params.roomId!),
  }),
});

export const deleteSessionKeyRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/room_keys/keys/{roomId}/{sessionId}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#delete_matrixclientv3room_keyskeysroomidsessionid',
  handler: async ({ services, requester, query, params }) => ({
    body: await deleteRoomKeys(services, requester.userId, query.get('version'), params.roomId!, params.sessionId!),
  }),
});
