// POST /_matrix/client/{r0,v3}/rooms/{roomId}/redact/{eventId} — the older redact without a
// transaction id (before client-server-api#put_matrixclientv3roomsroomidredacteventidtxnid); Synapse still serves it.
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from './params.js';
import { serverTxnId } from './server-txn.js';

export const postRedactEventRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/redact/{eventId}',
  auth: 'access_token',
  rateLimit: 'message',
  body: s.object({ reason: s.string() }),
  spec: 'client-server-api#put_matrixclientv3roomsroomidredacteventidtxnid',
  handler: async ({ services, requester, params, body }) => {
    const { event_id } = await services.rooms.redact(requester, roomIdParam(params), params.eventId!, body?.reason, serverTxnId());
    return { body: { event_id } };
  },
});
