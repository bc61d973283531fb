// POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId} — client-server-api#post_matrixclientv3roomsroomidreceiptreceipttypeeventid
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from '../rooms/params.js';

export const sendReceiptRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/receipt/{receiptType}/{eventId}',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ thread_id: s.string() }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidreceiptreceipttypeeventid',
  handler: async ({ services, requester, params, body }) => {
    await services.sync.sendReceipt(requester, roomIdParam(params), params.receiptType ?? '', params.eventId ?? '', body?.thread_id);
    return { body: {} };
  },
});
