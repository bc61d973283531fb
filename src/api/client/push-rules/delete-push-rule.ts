// DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — client-server-api#delete_matrixclientv3pushrulesglobalkindruleid
import { route } from '../../route.js';

export const deletePushRuleRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/pushrules/global/{kind}/{ruleId}',
  auth: 'access_token',
  rateLimit: 'default',
  spec: 'client-server-api#delete_matrixclientv3pushrulesglobalkindruleid',
  handler: async ({ services, requester, params }) => {
    await services.users.deletePushRule(requester, params.kind!, params.ruleId!);
    return { body: {} };
  },
});
