// PUT /_matrix/client/v3/profile/{userId}/{keyName} — client-server-api#put_matrixclientv3profileuseridkeyname
import { missingParam } from '../../errors.js';
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { userIdField } from '../rooms/params.js';

export const setProfileFieldRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/profile/{userId}/{keyName}',
  auth: 'access_token',
  guests: (p) => p.keyName === 'displayname',
  rateLimit: 'default',
  body: s.record(s.any()),
  spec: 'client-server-api#put_matrixclientv3profileuseridkeyname',
  handler: async ({ services, requester, params, body }) => {
    const key = params.keyName!;
    // The body holds one property named like the path's keyName.
    if (!Object.hasOwn(body, key)) throw missingParam(key);
    await services.users.setProfileField(requester, userIdField(params.userId!), key, body[key]);
    return { body: {} };
  },
});
