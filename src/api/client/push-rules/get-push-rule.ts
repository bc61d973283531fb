// GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — client-server-api#get_matrixclientv3pushrulesglobalkindruleid
import { route } from '../../route.js';

export const getPushRuleRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/pushrules/global/{kind}/{ruleId}',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3pushrulesglobalkindruleid',
  handler: async ({ services, requester, params }) => ({ body: await services.users.getPushRule(requester, params.kind!, params.ruleId!) }),
});
