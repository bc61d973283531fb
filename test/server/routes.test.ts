// Every declared route is reachable at each of its paths (nothing shadows it), and answers
// junk parameters with a Matrix error, never a crash: with and without a valid token.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientRoutes } from '../../src/api/client/index.js';
import { expandPaths } from '../../src/api/router.js';
import { startTestServer } from '../helpers/server.js';

describe('route table', () => {
  it('every route answers at every path, and junk input is a 4xx Matrix error, not a 500', async () => {
    const t = await startTestServer({ adapter: 'none' });
    try {
      let reg = await t.inject({ method: 'POST', path: '/_matrix/client/v3/register', body: { username: 'probe', password: 'probe password 1' } });
      if (reg.status === 401) reg = await t.inject({ method: 'POST', path: '/_matrix/client/v3/register', body: { username: 'probe', password: 'probe password 1', auth: { type: 'm.login.dummy', session: reg.json.session } } });
      assert.equal(reg.status, 200, reg.text);
      const token = reg.json.access_token as string;
      const problems: string[] = [];
      // logout endpoints would end the probe's session for the routes after them
      const routes = [...clientRoutes].sort((a, b) => Number(/logout|deactivate/.test(a.path)) - Number(/logout|deactivate/.test(b.path)));
      for (const route of routes) {
        for (const { path } of expandPaths(route)) {
          const concrete = path.replace(/\{[A-Za-z_]+\}/g, 'junk%20value');
          for (const accessToken of [undefined, token]) {
            const res = await t.inject({ method: route.method, path: concrete, ...(accessToken ? { accessToken } : {}), ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }) });
            const where = `${route.method} ${concrete}${accessToken ? ' (with token)' : ''}`;
            if ((res.status === 404 || res.status === 405) && res.json?.errcode === 'M_UNRECOGNIZED') problems.push(`${where}: not routed (${res.status})`);
            if (res.status >= 500) problems.push(`${where}: ${res.status} ${res.text.slice(0, 120)}`);
            if (res.status >= 400 && typeof res.json?.errcode !== 'string' && !(res.status === 401 && res.json?.flows)) problems.push(`${where}: ${res.status} without an errcode`);
          }
        }
      }
      assert.deepEqual(problems, []);
    } finally {
      await t.close();
    }
  });
});
