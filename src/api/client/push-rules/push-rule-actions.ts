// GET/PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions — client-server-api#put_matrixclientv3pushrulesglobalkindruleidactions
import { route } from '../../route.js';
import { s } from '../../schema.js';

const path = '/_matrix/client/{v}/pushrules/global/{kind}/{ruleId}/actions';

export const getPushRuleActionsRoute = route({
  method: 'GET', path, auth: 'access_token', rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3pushrulesglobalkindruleidactions',
  handler: async ({ services, requester, params }) => ({
    body: { actions: (await services.users.getPushRule(requester, params.kind!, params.ruleId!)).actions },
  }),
});

export const setPushRuleActionsRoute = route({
  method: 'PUT', path, auth: 'access_token', rateLimit: 'default',
  body: s.object({ actions: s.array(s.any()) }, { required: ['actions'] }),
  spec: 'client-server-api#put_matrixclientv3pushrulesglobalkindruleidactions',
  handler: async ({ services, requester, params, body }) => {
    await services.users.setPushRuleAttr(requester, params.kind!, params.ruleId!, 'actions', body.actions);
    return { body: {} };
  },
});
