// PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — client-server-api#put_matrixclientv3pushrulesglobalkindruleid
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const setPushRuleRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/pushrules/global/{kind}/{ruleId}',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ actions: s.array(s.any()), conditions: s.array(s.record(s.any())), pattern: s.string() }, { required: ['actions'] }),
  spec: 'client-server-api#put_matrixclientv3pushrulesglobalkindruleid',
  handler: async ({ services, requester, params, query, body }) => {
    const before = query.get('before') ?? undefined;
    const after = query.get('after') ?? undefined;
    await services.users.setPushRule(requester, params.kind!, params.ruleId!, body, {
      ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}),
    });
    return { body: {} };
  },
});
