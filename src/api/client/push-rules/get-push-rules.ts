// GET /_matrix/client/v3/pushrules/ (and /pushrules/global/) — client-server-api#get_matrixclientv3pushrules
import { route, type AnyRoute } from '../../route.js';

const base = { method: 'GET', auth: 'access_token', rateLimit: 'none', spec: 'client-server-api#get_matrixclientv3pushrules' } as const;

// Clients call these with and without the trailing slash the spec writes.
export const getPushRulesRoutes: readonly AnyRoute[] = ['/pushrules/', '/pushrules'].map((p) => route({
  ...base,
  path: `/_matrix/client/{v}${p}`,
  handler: async ({ services, requester }) => ({ body: { global: await services.users.getPushRules(requester) } }),
}));

export const getGlobalPushRulesRoutes: readonly AnyRoute[] = ['/pushrules/global/', '/pushrules/global'].map((p) => route({
  ...base,
  path: `/_matrix/client/{v}${p}`,
  spec: 'client-server-api#get_matrixclientv3pushrulesglobal',
  handler: async ({ services, requester }) => ({ body: await services.users.getPushRules(requester) }),
}));
