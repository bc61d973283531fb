// GET /_matrix/client/v3/account/3pid — client-server-api#get_matrixclientv3account3pid
// No third-party identifiers are ever bound here (m.3pid_changes is disabled), so the list is empty.
import { route } from '../../route.js';

export const get3pidsRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/account/3pid',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3account3pid',
  handler: () => ({ body: { threepids: [] } }),
});
