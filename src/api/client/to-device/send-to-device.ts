// PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId} — client-server-api#put_matrixclientv3sendtodeviceeventtypetxnid
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const sendToDeviceRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/sendToDevice/{eventType}/{txnId}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'message',
  body: s.object({ messages: s.record(s.record(s.record(s.any()))) }, { required: ['messages'] }),
  spec: 'client-server-api#put_matrixclientv3sendtodeviceeventtypetxnid',
  handler: async ({ services, requester, params, body }) => {
    await services.sync.sendToDevice(requester, params.eventType ?? '', params.txnId ?? '', body.messages);
    return { body: {} };
  },
});
