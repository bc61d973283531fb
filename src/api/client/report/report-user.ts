// POST /_matrix/client/v3/users/{userId}/report — client-server-api#post_matrixclientv3usersuseridreport
import { reportUser } from '../../../rooms/reports.js';
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { userIdField } from '../rooms/params.js';

export const reportUserRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/users/{userId}/report',
  // new in v1.13/v1.14: no r0 path
  versions: ['v3'],
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ reason: s.string() }, { required: ['reason'] }),
  spec: 'client-server-api#post_matrixclientv3usersuseridreport',
  handler: async ({ services, requester, params, body }) => {
    await reportUser(services, requester.userId, userIdField(params.userId ?? ''), body.reason);
    return { body: {} };
  },
});
