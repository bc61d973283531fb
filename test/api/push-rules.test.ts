// Push rules: the spec's predefined rules, user rules placed by before/after, enabling and
// actions, and the m.push_rules account data that /sync shows once the user changes anything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';

const V3 = '/_matrix/client/v3';

describe('push rules', () => {
  let server: TestServer;
  let alice: TestUser;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    alice = await registerUser(server, 'alice');
  });
  after(async () => { await server.close(); });

  const req = (method: 'GET' | 'PUT' | 'DELETE', path: string, body?: Record<string, unknown>, query?: Record<string, string>) =>
    server.inject({ method, path: `${V3}${path}`, accessToken: alice.accessToken, ...(body ? { body } : {}), ...(query ? { query } : {}) });
  const ids = (rules: { rule_id: string }[]) => rules.map((r) => r.rule_id);

  it('starts with the predefined rules, with the user id filled in', async () => {
    const res = await req('GET', '/pushrules/');
    assert.equal(res.status, 200);
    const g = res.json.global;
    assert.deepEqual(ids(g.override), [
      '.m.rule.master', '.m.rule.suppress_notices', '.m.rule.invite_for_me', '.m.rule.member_event', '.m.rule.is_user_mention',
      '.m.rule.is_room_mention', '.m.rule.tombstone', '.m.rule.reaction', '.m.rule.room.server_acl', '.m.rule.suppress_edits',
    ]);
    assert.deepEqual(ids(g.underride), ['.m.rule.call', '.m.rule.encrypted_room_one_to_one', '.m.rule.room_one_to_one', '.m.rule.message', '.m.rule.encrypted']);
    assert.deepEqual([g.content, g.room, g.sender], [[], [], []]);
    assert.equal(g.override[0].enabled, false);
    const invite = g.override.find((r: { rule_id: string }) => r.rule_id === '.m.rule.invite_for_me');
    assert.deepEqual(invite.conditions[2], { kind: 'event_match', key: 'state_key', pattern: alice.userId });
    assert.deepEqual((await req('GET', '/pushrules')).json, res.json);
    assert.deepEqual((await req('GET', '/pushrules/global/')).json, g);
  });

  it('adds user rules above server defaults (below master), honouring before/after', async () => {
    assert.equal((await req('PUT', '/pushrules/global/override/one', { actions: ['notify'], conditions: [{ kind: 'event_match', key: 'type', pattern: 'org.example' }] })).status, 200);
    assert.equal((await req('PUT', '/pushrules/global/override/two', { actions: [] }, { before: 'one' })).status, 200);
    assert.equal((await req('PUT', '/pushrules/global/override/three', { actions: [] }, { after: 'one' })).status, 200);
    const g = (await req('GET', '/pushrules/')).json.global;
    assert.deepEqual(ids(g.override).slice(0, 5), ['.m.rule.master', 'two', 'one', 'three', '.m.rule.suppress_notices']);
    const one = (await req('GET', '/pushrules/global/override/one')).json;
    assert.deepEqual(one, { rule_id: 'one', default: false, enabled: true, actions: ['notify'], conditions: [{ kind: 'event_match', key: 'type', pattern: 'org.example' }] });
    const bad = await req('PUT', '/pushrules/global/override/four', { actions: [] }, { before: '.m.rule.message' });
    assert.equal(bad.status, 400);
  });

  it('content rules need a pattern; room and sender rules are keyed by id', async () => {
    assert.equal((await req('PUT', '/pushrules/global/content/cake', { actions: ['notify'] })).json.errcode, 'M_MISSING_PARAM');
    assert.equal((await req('PUT', '/pushrules/global/content/cake', { actions: ['notify'], pattern: 'cake*lie' })).status, 200);
    assert.equal((await req('PUT', `/pushrules/global/room/${encodeURIComponent('!r:localhost')}`, { actions: [] })).status, 200);
    const g = (await req('GET', '/pushrules/')).json.global;
    assert.deepEqual(g.content, [{ rule_id: 'cake', default: false, enabled: true, actions: ['notify'], pattern: 'cake*lie' }]);
    assert.deepEqual(ids(g.room), ['!r:localhost']);
  });

  it('enables, disables and sets actions, on default and user rules', async () => {
    assert.equal((await req('PUT', '/pushrules/global/override/.m.rule.master/enabled', { enabled: true })).status, 200);
    assert.deepEqual((await req('GET', '/pushrules/global/override/.m.rule.master/enabled')).json, { enabled: true });
    assert.equal((await req('PUT', '/pushrules/global/underride/.m.rule.message/actions', { actions: ['dont_notify'] })).status, 200);
    assert.deepEqual((await req('GET', '/pushrules/global/underride/.m.rule.message/actions')).json, { actions: ['dont_notify'] });
    assert.equal((await req('PUT', '/pushrules/global/override/one/enabled', { enabled: false })).status, 200);
    // re-putting a rule keeps its enabled flag
    await req('PUT', '/pushrules/global/override/one', { actions: ['notify'] });
    assert.deepEqual((await req('GET', '/pushrules/global/override/one/enabled')).json, { enabled: false });
  });

  it('deletes user rules only; unknown rules and kinds are errors', async () => {
    assert.equal((await req('DELETE', '/pushrules/global/override/two')).status, 200);
    assert.equal((await req('GET', '/pushrules/global/override/two')).status, 404);
    assert.equal((await req('DELETE', '/pushrules/global/override/.m.rule.master')).status, 404);
    assert.equal((await req('DELETE', '/pushrules/global/override/nope')).status, 404);
    assert.equal((await req('GET', '/pushrules/global/bogus/x')).json.errcode, 'M_INVALID_PARAM');
    assert.equal((await req('PUT', '/pushrules/global/override/.mine', { actions: [] })).json.errcode, 'M_INVALID_PARAM');
    assert.equal((await req('PUT', '/pushrules/global/override/x/enabled', { enabled: 'yes' })).json.errcode, 'M_BAD_JSON');
    assert.equal((await req('PUT', '/pushrules/global/override/x/actions', { actions: [] })).status, 404);
  });

  it('the rules are the m.push_rules global account data, which clients cannot overwrite directly', async () => {
    const viaApi = (await req('GET', '/pushrules/')).json;
    const data = await req('GET', `/user/${alice.userId}/account_data/m.push_rules`);
    assert.equal(data.status, 200);
    assert.deepEqual(data.json, viaApi);
    assert.equal((await req('PUT', `/user/${alice.userId}/account_data/m.push_rules`, { global: {} })).status, 405);
  });
});
