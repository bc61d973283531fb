// Guest accounts (spec: client-server-api#guest-access): the router lets a guest use only
// the endpoints the spec lists (each route declares `guests`); every other authenticated
// endpoint answers 403 M_GUEST_ACCESS_FORBIDDEN. Guests join only rooms whose
// m.room.guest_access is can_join.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient } from '../helpers/client.js';

const V3 = '/_matrix/client/v3';

describe('guest access', () => {
  let server: TestServer;
  const api = apiClient(() => server);
  let host: TestUser;
  let guest: TestUser;
  let openRoom: string;
  let closedRoom: string;
  const r = (id: string) => `${V3}/rooms/${encodeURIComponent(id)}`;

  before(async () => {
    server = await startTestServer({ adapter: 'none', config: { registration: { allow_guests: true } } });
    host = await registerUser(server, 'host');
    const res = await server.inject({ method: 'POST', path: `${V3}/register`, query: { kind: 'guest' }, body: {} });
    assert.equal(res.status, 200, res.text);
    guest = { userId: res.json.user_id, accessToken: res.json.access_token, deviceId: res.json.device_id, password: '' };
    // public_chat sets guest_access forbidden; the open room lets guests in explicitly.
    closedRoom = (await api.ok(host, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id;
    openRoom = (await api.ok(host, 'POST', `${V3}/createRoom`, {
      preset: 'public_chat', room_alias_name: 'guests', power_level_content_override: { events: { 'm.guest.note': 0 } },
      initial_state: [{ type: 'm.room.guest_access', state_key: '', content: { guest_access: 'can_join' } }],
    })).room_id;
  });
  after(async () => { await server.close(); });

  it('whoami, devices and capabilities are open to guests', async () => {
    assert.equal((await api.ok(guest, 'GET', `${V3}/account/whoami`)).is_guest, true);
    const devices = await api.ok(guest, 'GET', `${V3}/devices`);
    assert.equal(devices.devices[0].device_id, guest.deviceId);
    await api.ok(guest, 'GET', `${V3}/devices/${encodeURIComponent(guest.deviceId)}`);
    await api.ok(guest, 'PUT', `${V3}/devices/${encodeURIComponent(guest.deviceId)}`, { display_name: 'guest phone' });
    await api.ok(guest, 'GET', `${V3}/capabilities`);
  });

  it('endpoints outside the spec list are M_GUEST_ACCESS_FORBIDDEN', async () => {
    const refused: [string, string, unknown][] = [
      ['POST', `${V3}/createRoom`, {}],
      ['POST', `${V3}/user/${encodeURIComponent(guest.userId)}/filter`, { room: { timeline: { limit: 1 } } }],
      ['PUT', `${V3}/user/${encodeURIComponent(guest.userId)}/account_data/m.test`, { a: 1 }],
      ['GET', `${V3}/joined_rooms`, undefined],
      ['DELETE', `${V3}/devices/${encodeURIComponent(guest.deviceId)}`, {}],
      ['POST', `${V3}/account/deactivate`, {}],
      ['POST', `${V3}/account/password`, { new_password: 'x' }],
      ['PUT', `${V3}/directory/room/${encodeURIComponent('#g2:localhost')}`, { room_id: openRoom }],
      ['POST', `${V3}/user_directory/search`, { search_term: 'host' }],
      ['PUT', `${V3}/profile/${encodeURIComponent(guest.userId)}/avatar_url`, { avatar_url: 'mxc://localhost/x' }],
      ['POST', `${r(openRoom)}/invite`, { user_id: host.userId }],
    ];
    for (const [method, path, body] of refused) {
      await api.fails(guest, method, path, body, 403, 'M_GUEST_ACCESS_FORBIDDEN');
    }
    // The refusal is the router's: the same calls by a full user are not refused as guests.
    const res = await api.call(host, 'GET', `${V3}/joined_rooms`);
    assert.equal(res.status, 200);
  });

  it('a guest may set and delete its display name, nothing else of its profile', async () => {
    const p = `${V3}/profile/${encodeURIComponent(guest.userId)}/displayname`;
    await api.ok(guest, 'PUT', p, { displayname: 'Visitor' });
    assert.equal((await api.ok(guest, 'GET', p)).displayname, 'Visitor');
    await api.ok(guest, 'DELETE', p);
  });

  it('a guest cannot join a room without guest_access can_join', async () => {
    await api.fails(guest, 'POST', `${r(closedRoom)}/join`, {}, 403, 'M_GUEST_ACCESS_FORBIDDEN');
    await api.fails(guest, 'POST', `${V3}/join/${encodeURIComponent(closedRoom)}`, {}, 403, 'M_GUEST_ACCESS_FORBIDDEN');
    const members = await api.ok(host, 'GET', `${r(closedRoom)}/joined_members`);
    assert.deepEqual(Object.keys(members.joined), [host.userId]);
  });

  it('a guest joins a can_join room (by id or alias), reads, sends, syncs and leaves', async () => {
    await api.ok(guest, 'POST', `${V3}/join/${encodeURIComponent('#guests:localhost')}`, {});
    await api.ok(guest, 'POST', `${r(openRoom)}/join`, {});
    const sent = await api.ok(guest, 'PUT', `${r(openRoom)}/send/m.room.message/g1`, { msgtype: 'm.text', body: 'hello as a guest' });
    await api.ok(guest, 'PUT', `${r(openRoom)}/state/m.guest.note/${encodeURIComponent(guest.userId)}`, { note: 1 });
    const ev = await api.ok(guest, 'GET', `${r(openRoom)}/event/${encodeURIComponent(sent.event_id)}`);
    assert.equal(ev.content.body, 'hello as a guest');
    const state = await api.ok(guest, 'GET', `${r(openRoom)}/state`);
    assert.ok(state.some((e: { type: string }) => e.type === 'm.room.guest_access'));
    await api.ok(guest, 'GET', `${r(openRoom)}/state/m.room.guest_access/`);
    await api.ok(guest, 'GET', `${r(openRoom)}/state/m.room.guest_access`);
    const msgs = await api.ok(guest, 'GET', `${r(openRoom)}/messages?dir=b&limit=5`);
    assert.ok(msgs.chunk.some((e: { event_id: string }) => e.event_id === sent.event_id));
    await api.ok(guest, 'GET', `${r(openRoom)}/context/${encodeURIComponent(sent.event_id)}`);
    const members = await api.ok(guest, 'GET', `${r(openRoom)}/members`);
    assert.ok(members.chunk.some((e: { state_key: string }) => e.state_key === guest.userId));
    const sync = await api.ok(guest, 'GET', `${V3}/sync`);
    assert.ok(sync.rooms.join[openRoom], 'the joined room is in the guest\'s sync');
    await api.ok(guest, 'PUT', `${V3}/sendToDevice/m.test/td1`, { messages: { [host.userId]: { '*': { x: 1 } } } });
    await api.ok(guest, 'POST', `${r(openRoom)}/leave`, {});
    const after = await api.ok(host, 'GET', `${r(openRoom)}/joined_members`);
    assert.deepEqual(Object.keys(after.joined), [host.userId]);
  });

  it('guests leave when guest_access stops being can_join, and cannot come back', async () => {
    await api.ok(guest, 'POST', `${r(openRoom)}/join`, {});
    const joined = await api.ok(host, 'GET', `${r(openRoom)}/joined_members`);
    assert.ok(joined.joined[guest.userId]);
    await api.ok(host, 'PUT', `${r(openRoom)}/state/m.room.guest_access/`, { guest_access: 'forbidden' });
    const after = await api.ok(host, 'GET', `${r(openRoom)}/joined_members`);
    assert.deepEqual(Object.keys(after.joined), [host.userId]);
    const member = await api.ok(host, 'GET', `${r(openRoom)}/state/m.room.member/${encodeURIComponent(guest.userId)}`);
    assert.equal(member.membership, 'leave');
    await api.fails(guest, 'POST', `${r(openRoom)}/join`, {}, 403, 'M_GUEST_ACCESS_FORBIDDEN');
    // Setting can_join again lets them back in.
    await api.ok(host, 'PUT', `${r(openRoom)}/state/m.room.guest_access/`, { guest_access: 'can_join' });
    await api.ok(guest, 'POST', `${r(openRoom)}/join`, {});
  });

  it('public room directory is readable by guests', async () => {
    await api.ok(guest, 'GET', `${V3}/publicRooms`);
  });
});

describe('guest upgrade (register with guest_access_token)', () => {
  let server: TestServer;
  const api = apiClient(() => server);
  const newGuest = async (): Promise<TestUser> => {
    const res = await server.inject({ method: 'POST', path: `${V3}/register`, query: { kind: 'guest' }, body: {} });
    assert.equal(res.status, 200, res.text);
    return { userId: res.json.user_id, accessToken: res.json.access_token, deviceId: res.json.device_id, password: '' };
  };
  const localpart = (u: TestUser) => u.userId.slice(1, u.userId.indexOf(':'));
  before(async () => { server = await startTestServer({ adapter: 'none', config: { registration: { allow_guests: true } } }); });
  after(async () => { await server.close(); });

  it('a guest becomes a full user with a password, keeping its id; its old token is no longer a guest\'s', async () => {
    const g = await newGuest();
    const res = await server.inject({
      method: 'POST', path: `${V3}/register`,
      body: { username: localpart(g), password: 'upgraded password', guest_access_token: g.accessToken, auth: { type: 'm.login.dummy' } },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.user_id, g.userId);
    const full: TestUser = { userId: g.userId, accessToken: res.json.access_token, deviceId: res.json.device_id, password: 'upgraded password' };
    assert.equal((await api.ok(full, 'GET', `${V3}/account/whoami`)).is_guest, false);
    assert.equal((await api.ok(g, 'GET', `${V3}/account/whoami`)).is_guest, false);
    await api.ok(full, 'POST', `${V3}/createRoom`, {});
    const login = await server.inject({
      method: 'POST', path: `${V3}/login`,
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: g.userId }, password: 'upgraded password' },
    });
    assert.equal(login.status, 200, login.text);
  });

  it('guest registration ignores every body parameter but initial_device_display_name', async () => {
    const res = await server.inject({
      method: 'POST', path: `${V3}/register`, query: { kind: 'guest' },
      body: { username: 'chosen', password: 'pw', device_id: 'CHOSEN', inhibit_login: true, initial_device_display_name: 'Guest phone' },
    });
    assert.equal(res.status, 200, res.text);
    assert.match(res.json.user_id, /^@\d+:localhost$/);
    assert.notEqual(res.json.device_id, 'CHOSEN');
    assert.equal(typeof res.json.access_token, 'string', 'inhibit_login is ignored for guests');
    const g: TestUser = { userId: res.json.user_id, accessToken: res.json.access_token, deviceId: res.json.device_id, password: '' };
    const device = await api.ok(g, 'GET', `${V3}/devices/${encodeURIComponent(g.deviceId)}`);
    assert.equal(device.display_name, 'Guest phone');
  });

  it('a guest cannot upgrade another account, nor a full user\'s token be used', async () => {
    const a = await newGuest();
    const b = await newGuest();
    const other = await server.inject({
      method: 'POST', path: `${V3}/register`,
      body: { username: localpart(b), password: 'pw', guest_access_token: a.accessToken, auth: { type: 'm.login.dummy' } },
    });
    assert.deepEqual([other.status, other.json.errcode], [403, 'M_FORBIDDEN']);
    assert.equal((await api.ok(b, 'GET', `${V3}/account/whoami`)).is_guest, true);
    const full = await registerUser(server, 'fulluser');
    const notGuest = await server.inject({
      method: 'POST', path: `${V3}/register`,
      body: { username: 'fulluser', password: 'pw', guest_access_token: full.accessToken, auth: { type: 'm.login.dummy' } },
    });
    assert.deepEqual([notGuest.status, notGuest.json.errcode], [403, 'M_FORBIDDEN']);
    const noName = await server.inject({ method: 'POST', path: `${V3}/register`, body: { password: 'pw', guest_access_token: a.accessToken } });
    assert.deepEqual([noName.status, noName.json.errcode], [400, 'M_MISSING_PARAM']);
  });
});
