// GET/PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled — client-server-api#put_matrixclientv3pushrulesglobalkindruleidenabled
import { route } from '../../route.js';
import { s } from '../../schema.js';

const path = '/_matrix/client/{v}/pushrules/global/{kind}/{ruleId}/enabled';

export const getPushRuleEnabledRoute = route({
  method: 'GET', path, auth: 'access_token', rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3pushrulesglobalkindruleidenabled',
  handler: async ({ services, requester, params }) => ({
    body: { enabled: (await services.users.getPushRule(requester, params.kind!, params.ruleId!)).enabled },
  }),
});

export const setPushRuleEnabledRoute = route({
  method: 'PUT', path, auth: 'access_token', rateLimit: 'default',
  body: s.object({ enabled: s.bool() }, { required: ['enabled'] }),
  spec: 'client-server-api#put_matrixclientv3pushrulesglobalkindruleidenabled',
  handler: async ({ services, requester, params, body }) => {
    await services.users.setPushRuleAttr(requester, params.kind!, params.ruleId!, 'enabled', body.enabled);
    return { body: {} };
  },
});
