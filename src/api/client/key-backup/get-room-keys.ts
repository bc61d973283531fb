// GET /_matrix/client/v3/room_keys/keys, /keys/{roomId}, /keys/{roomId}/{sessionId} —
// client-server-api#get_matrixclientv3room_keyskeys (and ...roomid, ...roomidsessionid).
import { route } from '../../route.js';
import { getAllRoomKeys, getRoomKeys, getSessionKey } from '../../../e2ee/key-backup.js';

export const getAllRoomKeysRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_keys/keys',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3room_keyskeys',
  handler: async ({ services, requester, query }) => ({ body: await getAllRoomKeys(services, requester.userId, query.get('version')) }),
});

export const getRoomKeysRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_keys/keys/{roomId}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3room_keyskeysroomid',
  handler: async ({ services, requester, query, params }) => ({
    body: await getRoomKeys(services, requester.userId, query.get('version'), params.roomId!),
  }),
});

export const getSessionKeyRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_keys/keys/{roomId}/{sessionId}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3room_keyskeysroomidsessionid',
  handler: async ({ services, requester, query, params }) => ({
    body: await getSessionKey(services, requester.userId, query.get('version'), params.roomId!, params.sessionId!),
  }),
});
