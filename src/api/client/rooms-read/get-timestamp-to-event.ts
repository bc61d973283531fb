// GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event — client-server-api#get_matrixclientv1roomsroomidtimestamp_to_event
// (spec v1.6, "jump to date"): the event closest to `ts` in direction `dir`.
import { invalidParam, missingParam } from '../../errors.js';
import { route } from '../../route.js';
import { roomIdParam } from './params.js';

export const getTimestampToEventRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/timestamp_to_event',
  versions: ['v1'],
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv1roomsroomidtimestamp_to_event',
  handler: async ({ services, requester, params, query }) => {
    const roomId = roomIdParam(params);
    const tsText = query.get('ts');
    if (tsText === null) throw missingParam('ts');
    if (!/^\d{1,16}$/.test(tsText) || !Number.isSafeInteger(Number(tsText))) throw invalidParam('ts must be a timestamp in milliseconds');
    const dir = query.get('dir');
    if (dir === null) throw missingParam('dir');
    if (dir !== 'f' && dir !== 'b') throw invalidParam('dir must be "f" or "b"');
    return { body: await services.roomReader.timestampToEvent(requester.userId, roomId, Number(tsText), dir) };
  },
});
