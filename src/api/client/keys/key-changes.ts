// GET /_matrix/client/v3/keys/changes — client-server-api#get_matrixclientv3keyschanges
import { missingParam } from '../../errors.js';
import { route } from '../../route.js';
import { keyChanges } from '../../../e2ee/keys.js';
import { parseSyncToken } from '../../../sync/tokens.js';

export const keyChangesRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/keys/changes',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3keyschanges',
  handler: async ({ services, requester, query }) => {
    const from = query.get('from');
    const to = query.get('to');
    if (from === null) throw missingParam('from');
    if (to === null) throw missingParam('to');
    return { body: await keyChanges(services, requester, parseSyncToken(from, 'from'), parseSyncToken(to, 'to')) };
  },
});
