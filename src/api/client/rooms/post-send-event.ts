// POST /_matrix/client/{r0,v3}/rooms/{roomId}/send/{eventType} — the older send without a
// transaction id (before client-server-api#put_matrixclientv3roomsroomidsendeventtypetxnid);
// Synapse still serves it and sytest/Complement "POST /rooms/:room_id/send/:event_type sends a message" use it.
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from './params.js';
import { serverTxnId } from './server-txn.js';

export const postSendEventRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/send/{eventType}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'message',
  body: s.record(s.any()),
  spec: 'client-server-api#put_matrixclientv3roomsroomidsendeventtypetxnid',
  handler: async ({ services, requester, params, body }) => {
    const { event_id } = await services.rooms.sendEvent(requester, roomIdParam(params), params.eventType!, body ?? {}, serverTxnId());
    return { body: { event_id } };
  },
});
