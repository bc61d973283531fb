// POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId} — client-server-api#post_matrixclientv3roomsroomidreceiptreceipttypeeventid
import { invalidParam } from '../../errors.js';
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from '../rooms/params.js';

export const sendReceiptRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/receipt/{receiptType}/{eventId}',
  auth: 'access_token',
  rateLimit: 'default',
  // thread_id of any JSON type is checked below: a non-string is M_INVALID_PARAM (the spec's
  // 400 example and Synapse), not the schema's M_BAD_JSON.
  body: s.object({ thread_id: s.any() }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidreceiptreceipttypeeventid',
  handler: async ({ services, requester, params, body }) => {
    const threadId: unknown = body?.thread_id;
    if (body !== undefined && 'thread_id' in body && (typeof threadId !== 'string' || threadId === '')) {
      throw invalidParam('thread_id field must be a non-empty string');
    }
    await services.sync.sendReceipt(requester, roomIdParam(params), params.receiptType ?? '', params.eventId ?? '', threadId as string | undefined);
    return { body: {} };
  },
});
