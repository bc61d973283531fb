// PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} — client-server-api#put_matrixclientv3roomsroomidsendeventtypetxnid
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from './params.js';

export const sendEventRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/rooms/{roomId}/send/{eventType}/{txnId}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'message',
  body: s.record(s.any()),
  spec: 'client-server-api#put_matrixclientv3roomsroomidsendeventtypetxnid',
  handler: async ({ services, requester, params, body }) => {
    const { event_id } = await services.rooms.sendEvent(requester, roomIdParam(params), params.eventType!, body ?? {}, params.txnId!);
    return { body: { event_id } };
  },
});
