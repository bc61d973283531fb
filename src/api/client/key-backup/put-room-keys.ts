// PUT /_matrix/client/v3/room_keys/keys, /keys/{roomId}, /keys/{roomId}/{sessionId} —
// client-server-api#put_matrixclientv3room_keyskeys (and ...roomid, ...roomidsessionid):
// the same upload at three levels, each answering the version's new {etag, count}.
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { putRoomKeys } from '../../../e2ee/key-backup.js';

/** KeyBackupData (definitions/key_backup_data.yaml) */
export const keyBackupData = s.object({
  first_message_index: s.int({ min: 0 }),
  forwarded_count: s.int({ min: 0 }),
  is_verified: s.bool(),
  session_data: s.record(s.any()),
}, { required: ['first_message_index', 'forwarded_count', 'is_verified', 'session_data'] });

const roomKeyBackup = s.object({ sessions: s.record(keyBackupData) }, { required: ['sessions'] });

export const putAllRoomKeysRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/room_keys/keys',
  auth: 'access_token',
  rateLimit: 'none',
  body: s.object({ rooms: s.record(roomKeyBackup) }, { required: ['rooms'] }),
  spec: 'client-server-api#put_matrixclientv3room_keyskeys',
  handler: async ({ services, requester, query, body }) => {
    const rooms = Object.fromEntries(Object.entries(body.rooms).map(([roomId, room]) => [roomId, room.sessions]));
    return { body: await putRoomKeys(services, requester.userId, query.get('version'), rooms) };
  },
});

export const putRoomKeysRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/room_keys/keys/{roomId}',
  auth: 'access_token',
  rateLimit: 'none',
  body: roomKeyBackup,
  spec: 'client-server-api#put_matrixclientv3room_keyskeysroomid',
  handler: async ({ services, requester, query, params, body }) => ({
    body: await putRoomKeys(services, requester.userId, query.get('version'), { [params.roomId!]: body.sessions }),
  }),
});

export const putSessionKeyRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/room_keys/keys/{roomId}/{sessionId}',
  auth: 'access_token',
  rateLimit: 'none',
  body: keyBackupData,
  spec: 'client-server-api#put_matrixclientv3room_keyskeysroomidsessionid',
  handler: async ({ services, requester, query, params, body }) => ({
    body: await putRoomKeys(services, requester.userId, query.get('version'), { [params.roomId!]: { [params.sessionId!]: body } }),
  }),
});
