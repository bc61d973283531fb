// PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId} — client-server-api#put_matrixclientv3roomsroomidredacteventidtxnid
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from './params.js';

export const redactEventRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/rooms/{roomId}/redact/{eventId}/{txnId}',
  auth: 'access_token',
  rateLimit: 'message',
  body: s.object({ reason: s.string() }),
  spec: 'client-server-api#put_matrixclientv3roomsroomidredacteventidtxnid',
  handler: async ({ services, requester, params, body }) => {
    const { event_id } = await services.rooms.redact(requester, roomIdParam(params), params.eventId!, body?.reason, params.txnId!);
    return { body: { event_id } };
  },
});
