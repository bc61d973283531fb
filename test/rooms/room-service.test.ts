import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatrixError } from '../../src/api/errors.js';
import { requester, roomsHarness, stateContent, currentState, SERVER, type RoomsHarness } from './helpers.js';

const alice = requester('alice');
const bob = requester('bob');
const carol = requester('carol');

async function withHarness(fn: (h: RoomsHarness) => Promise<void>): Promise<void> {
  const h = await roomsHarness();
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

async function rejects(p: Promise<unknown>, errcode: string, re?: RegExp): Promise<MatrixError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof MatrixError, `expected a MatrixError, got ${String(err)}`);
    assert.equal(err.errcode, errcode, err.message);
    if (re) assert.match(err.message, re);
    return err;
  }
  assert.fail(`expected ${errcode}`);
}

test('createRoom private_chat (default v10): events in the spec order, creator joined, preset state', async () => {
  await withHarness(async (h) => {
    const { room_id } = await h.rooms.createRoom(alice, { name: 'Lobby', topic: 'Hello' });
    assert.match(room_id, new RegExp(`^!.+:${SERVER.replace('.', '\\.')}$`));
    const timeline = h.store.read((tx) => h.store.events.timeline(tx, room_id)) as { type: string }[];
    assert.deepEqual(timeline.map((e) => e.type), [
      'm.room.create', 'm.room.member', 'm.room.power_levels', 'm.room.join_rules', 'm.room.history_visibility',
      'm.room.guest_access', 'm.room.name', 'm.room.topic',
    ]);
    assert.equal(stateContent(h, room_id, 'm.room.create')!.room_version, '10');
    assert.equal(stateContent(h, room_id, 'm.room.create')!.creator, alice.userId);
    assert.equal(stateContent(h, room_id, 'm.room.join_rules')!.join_rule, 'invite');
    assert.equal(stateContent(h, room_id, 'm.room.guest_access')!.guest_access, 'can_join');
    assert.equal(stateContent(h, room_id, 'm.room.member', alice.userId)!.membership, 'join');
    assert.deepEqual((stateContent(h, room_id, 'm.room.power_levels')!.users as Record<string, number>), { [alice.userId]: 100 });
    assert.equal(stateContent(h, room_id, 'm.room.topic')!.topic, 'Hello');
    assert.equal(h.notified.length, 8);
  });
});

test('createRoom public_chat: anyone may join; trusted_private_chat gives invitees the creator\'s level', async () => {
  await withHarness(async (h) => {
    const pub = await h.rooms.createRoom(alice, { preset: 'public_chat' });
    assert.equal(stateContent(h, pub.room_id, 'm.room.join_rules')!.join_rule, 'public');
    assert.equal(stateContent(h, pub.room_id, 'm.room.guest_access')!.guest_access, 'forbidden');
    await h.rooms.join(bob, pub.room_id);
    assert.equal(stateContent(h, pub.room_id, 'm.room.member', bob.userId)!.membership, 'join');

    const trusted = await h.rooms.createRoom(alice, { preset: 'trusted_private_chat', invite: [bob.userId], is_direct: true });
    const pl = stateContent(h, trusted.room_id, 'm.room.power_levels')!;
    assert.equal((pl.users as Record<string, number>)[bob.userId], 100);
    const inv = stateContent(h, trusted.room_id, 'm.room.member', bob.userId)!;
    assert.equal(inv.membership, 'invite');
    assert.equal(inv.is_direct, true);
  });
});

test('createRoom in room versions 1, 11 and 12', async () => {
  await withHarness(async (h) => {
    for (const v of ['1', '11', '12']) {
      const { room_id } = await h.rooms.createRoom(alice, { room_version: v, preset: 'public_chat', name: `v${v}` });
      const create = stateContent(h, room_id, 'm.room.create')!;
      assert.equal(create.room_version, v);
      assert.equal('creator' in create, v === '1', `creator in create content for v${v}`);
      if (v === '12') {
        assert.doesNotMatch(room_id, /:/, 'v12 room ids have no server name');
        const pl = stateContent(h, room_id, 'm.room.power_levels')!;
        assert.deepEqual(pl.users, {}, 'v12 creators are not listed in users');
        assert.equal((pl.events as Record<string, number>)['m.room.tombstone'], 150);
      }
      await h.rooms.join(bob, room_id);
      const sent = await h.rooms.sendEvent(bob, room_id, 'm.room.message', { msgtype: 'm.text', body: 'hi' }, `t${v}`);
      assert.equal(sent.room_id, room_id);
      assert.equal(h.rooms.events.pdu(sent.event_id)!.content.body, 'hi');
    }
  });
});

test('createRoom: unsupported room version, taken alias, alias resolves', async () => {
  await withHarness(async (h) => {
    await rejects(h.rooms.createRoom(alice, { room_version: '13' }), 'M_UNSUPPORTED_ROOM_VERSION');
    await rejects(h.rooms.createRoom(alice, { room_version: 'banana' }), 'M_UNSUPPORTED_ROOM_VERSION');
    const r = await h.rooms.createRoom(alice, { room_alias_name: 'pub', preset: 'public_chat' });
    assert.equal(r.room_alias, `#pub:${SERVER}`);
    assert.equal(await h.rooms.resolveAlias(`#pub:${SERVER}`), r.room_id);
    assert.equal(stateContent(h, r.room_id, 'm.room.canonical_alias')!.alias, `#pub:${SERVER}`);
    await rejects(h.rooms.createRoom(alice, { room_alias_name: 'pub' }), 'M_ROOM_IN_USE');
    const joined = await h.rooms.join(bob, `#pub:${SERVER}`);
    assert.equal(joined.room_id, r.room_id);
  });
});

test('createRoom: initial_state and power_level_content_override; a lockout is M_INVALID_ROOM_STATE', async () => {
  await withHarness(async (h) => {
    const r = await h.rooms.createRoom(alice, {
      initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'public' } }, { type: 'org.example.x', state_key: 'k', content: { a: 1 } }],
      power_level_content_override: { events_default: 10 },
    });
    assert.equal(stateContent(h, r.room_id, 'm.room.join_rules')!.join_rule, 'public');
    assert.deepEqual(stateContent(h, r.room_id, 'org.example.x', 'k'), { a: 1 });
    assert.equal(stateContent(h, r.room_id, 'm.room.power_levels')!.events_default, 10);
    await rejects(h.rooms.createRoom(alice, { name: 'x', power_level_content_override: { users: {}, state_default: 100 } }), 'M_INVALID_ROOM_STATE');
  });
});

test('join rules: invite-only rooms need an invite; bans keep users out until unbanned', async () => {
  await withHarness(async (h) => {
    const { room_id } = await h.rooms.createRoom(alice, {});
    await rejects(h.rooms.join(bob, room_id), 'M_FORBIDDEN', /join/);
    await h.rooms.invite(alice, room_id, bob.userId);
    await h.rooms.join(bob, room_id);
    await rejects(h.rooms.invite(alice, room_id, bob.userId), 'M_FORBIDDEN');
    await h.rooms.ban(alice, room_id, bob.userId, { reason: 'spam' });
    assert.equal(stateContent(h, room_id, 'm.room.member', bob.userId)!.membership, 'ban');
    assert.equal(stateContent(h, room_id, 'm.room.member', bob.userId)!.reason, 'spam');
    await rejects(h.rooms.join(bob, room_id), 'M_FORBIDDEN');
    await rejects(h.rooms.sendEvent(bob, room_id, 'm.room.message', { body: 'x' }, 'b1'), 'M_FORBIDDEN');
    await rejects(h.rooms.unban(alice, room_id, carol.userId), 'M_FORBIDDEN', /not banned/);
    await h.rooms.unban(alice, room_id, bob.userId);
    assert.equal(stateContent(h, room_id, 'm.room.member', bob.userId)!.membership, 'leave');
    await h.rooms.invite(alice, room_id, bob.userId);
    await h.rooms.join(bob, room_id);
  });
});

test('power levels: a member below the kick/ban/state level is refused; kick removes a member', async () => {
  await withHarness(async (h) => {
    const { room_id } = await h.rooms.createRoom(alice, { preset: 'public_chat' });
    await h.rooms.join(bob, room_id);
    await h.rooms.join(carol, room_id);
    await rejects(h.rooms.kick(bob, room_id, carol.userId), 'M_FORBIDDEN');
    await rejects(h.rooms.ban(bob, room_id, alice.userId), 'M_FORBIDDEN');
    await rejects(h.rooms.setState(bob, room_id, 'm.room.name', '', { name: 'mine' }), 'M_FORBIDDEN');
    await h.rooms.kick(alice, room_id, carol.userId, { reason: 'bye' });
    assert.equal(stateContent(h, room_id, 'm.room.member', carol.userId)!.membership, 'leave');
    await rejects(h.rooms.kick(alice, room_id, carol.userId), 'M_FORBIDDEN', /not in room/);
    await h.rooms.setState(alice, room_id, 'm.room.power_levels', '', { ...stateContent(h, room_id, 'm.room.power_levels')!, users: { [alice.userId]: 100, [bob.userId]: 50 } });
    await h.rooms.setState(bob, room_id, 'm.room.name', '', { name: 'mine' });
    assert.equal(stateContent(h, room_id, 'm.room.name')!.name, 'mine');
  });
});

test('sendEvent is idempotent per device and transaction id (client-server API v1.7)', async () => {
  await withHarness(async (h) => {
    const { room_id } = await h.rooms.createRoom(alice, {});
    const [a, b] = await Promise.all([
      h.rooms.sendEvent(alice, room_id, 'm.room.message', { body: 'once' }, 'txn1'),
      h.rooms.sendEvent(alice, room_id, 'm.room.message', { body: 'once' }, 'txn1'),
    ]);
    assert.equal(a.event_id, b.event_id);
    const again = await h.rooms.sendEvent(alice, room_id, 'm.room.message', { body: 'once' }, 'txn1');
    assert.equal(again.event_id, a.event_id);
    const newTokenSameDevice = await h.rooms.sendEvent({ ...alice, accessTokenId: 2 }, room_id, 'm.room.message', { body: 'once' }, 'txn1');
    assert.equal(newTokenSameDevice.event_id, a.event_id);
    const otherDevice = await h.rooms.sendEvent({ ...alice, deviceId: `${alice.deviceId}-2`, accessTokenId: 3 }, room_id, 'm.room.message', { body: 'once' }, 'txn1');
    assert.notEqual(otherDevice.event_id, a.event_id);
    const messages = (h.store.read((tx) => h.store.events.timeline(tx, room_id)) as { type: string }[]).filter((e) => e.type === 'm.room.message');
    assert.equal(messages.length, 2);
  });
});

test('redact: the redaction names the event; unknown events are M_NOT_FOUND; idempotent per txn', async () => {
  await withHarness(async (h) => {
    const { room_id } = await h.rooms.createRoom(alice, { preset: 'public_chat' });
    await h.rooms.join(bob, room_id);
    const msg = await h.rooms.sendEvent(bob, room_id, 'm.room.message', { body: 'oops' }, 'm1');
    const red = await h.rooms.redact(alice, room_id, msg.event_id, 'rude', 'r1');
    const pdu = h.rooms.events.pdu(red.event_id)!;
    assert.equal(pdu.type, 'm.room.redaction');
    assert.equal(pdu.redacts, msg.event_id);
    assert.equal(pdu.content.reason, 'rude');
    assert.equal((await h.rooms.redact(alice, room_id, msg.event_id, 'rude', 'r1')).event_id, red.event_id);
    await rejects(h.rooms.redact(alice, room_id, '$nope', undefined, 'r2'), 'M_NOT_FOUND');
  });
});

test('leave, forget, knock; unknown rooms are M_NOT_FOUND; remote rooms say federation is needed', async () => {
  await withHarness(async (h) => {
    const { room_id } = await h.rooms.createRoom(alice, { room_version: '10', initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'knock' } }] });
    await h.rooms.knock(bob, room_id, { reason: 'let me in' });
    assert.equal(stateContent(h, room_id, 'm.room.member', bob.userId)!.membership, 'knock');
    await rejects(h.rooms.forget(bob, room_id), 'M_UNKNOWN');
    await h.rooms.leave(bob, room_id);
    await h.rooms.forget(bob, room_id);
    assert.equal(await h.rooms.isForgotten(bob.userId, room_id), true);
    await rejects(h.rooms.leave(carol, room_id), 'M_FORBIDDEN');
    await rejects(h.rooms.join(bob, `!nowhere:${SERVER}`), 'M_NOT_FOUND', /Unknown room/);
    await rejects(h.rooms.join(bob, '!abc:elsewhere.example'), 'M_NOT_FOUND', /federation/);
    await rejects(h.rooms.sendEvent(bob, `!nowhere:${SERVER}`, 'm.room.message', {}, 'x'), 'M_NOT_FOUND');
    const v6 = await h.rooms.createRoom(alice, { room_version: '6', preset: 'public_chat' });
    await rejects(h.rooms.knock(bob, v6.room_id), 'M_FORBIDDEN', /knock/);
  });
});

test('profile changes are propagated into member events of joined rooms', async () => {
  await withHarness(async (h) => {
    h.profiles.set(bob.userId, { displayname: 'Bob' });
    const { room_id } = await h.rooms.createRoom(alice, { preset: 'public_chat' });
    await h.rooms.join(bob, room_id);
    assert.equal(stateContent(h, room_id, 'm.room.member', bob.userId)!.displayname, 'Bob');
    await h.rooms.updateProfileInRooms(bob.userId, 'Robert', 'mxc://x/y');
    const m = stateContent(h, room_id, 'm.room.member', bob.userId)!;
    assert.equal(m.displayname, 'Robert');
    assert.equal(m.avatar_url, 'mxc://x/y');
    assert.equal(m.membership, 'join');
    await h.rooms.updateProfileInRooms(bob.userId, null, undefined);
    assert.equal('displayname' in stateContent(h, room_id, 'm.room.member', bob.userId)!, false);
    assert.ok(currentState(h, room_id).size >= 6);
  });
});

test('restricted join rule (v8+): members of an allowed room join with a local authoriser; others are refused', async () => {
  await withHarness(async (h) => {
    const space = await h.rooms.createRoom(alice, { preset: 'public_chat' });
    await h.rooms.join(bob, space.room_id);
    const { room_id } = await h.rooms.createRoom(alice, {
      room_version: '10',
      initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space.room_id }] } }],
    });
    const joined = await h.rooms.join(bob, room_id);
    const member = h.rooms.events.pdu(joined.event_id)!;
    assert.equal(member.content.join_authorised_via_users_server, alice.userId);
    await rejects(h.rooms.join(carol, room_id), 'M_FORBIDDEN');
  });
});

test('v12 trusted_private_chat: invitees become additional creators; guests may not create rooms', async () => {
  await withHarness(async (h) => {
    const { room_id } = await h.rooms.createRoom(alice, { room_version: '12', preset: 'trusted_private_chat', invite: [bob.userId] });
    assert.deepEqual(stateContent(h, room_id, 'm.room.create')!.additional_creators, [bob.userId]);
    await h.rooms.join(bob, room_id);
    // As a creator, Bob has infinite power: he may change the power levels.
    await h.rooms.setState(bob, room_id, 'm.room.power_levels', '', { ...stateContent(h, room_id, 'm.room.power_levels')!, state_default: 60 });
    await rejects(h.rooms.createRoom({ ...carol, isGuest: true }, {}), 'M_GUEST_ACCESS_FORBIDDEN');
    const pub = await h.rooms.createRoom(alice, { preset: 'public_chat' });
    await rejects(h.rooms.join({ ...carol, isGuest: true }, pub.room_id), 'M_GUEST_ACCESS_FORBIDDEN');
    const priv = await h.rooms.createRoom(alice, { preset: 'private_chat' });
    await h.rooms.invite(alice, priv.room_id, carol.userId);
    await h.rooms.join({ ...carol, isGuest: true }, priv.room_id);
  });
});

test('one writer per room: concurrent sends form one chain per room (no forks), rooms proceed side by side', async () => {
  await withHarness(async (h) => {
    const r1 = await h.rooms.createRoom(alice, { preset: 'public_chat' });
    const r2 = await h.rooms.createRoom(alice, { preset: 'public_chat' });
    await Promise.all([h.rooms.join(bob, r1.room_id), h.rooms.join(bob, r2.room_id)]);
    const sends = [];
    for (let i = 0; i < 15; i++) {
      sends.push(h.rooms.sendEvent(alice, r1.room_id, 'm.room.message', { body: `a${i}` }, `a${i}`));
      sends.push(h.rooms.sendEvent(bob, r1.room_id, 'm.room.message', { body: `b${i}` }, `b${i}`));
      sends.push(h.rooms.sendEvent(bob, r2.room_id, 'm.room.message', { body: `c${i}` }, `c${i}`));
    }
    await Promise.all(sends);
    for (const roomId of [r1.room_id, r2.room_id]) {
      const timeline = h.store.read((tx) => h.store.events.timeline(tx, roomId)) as { eventId: string; prevEvents: readonly string[]; depth: number }[];
      for (let i = 1; i < timeline.length; i++) {
        assert.deepEqual(timeline[i]!.prevEvents, [timeline[i - 1]!.eventId], `event ${i} of ${roomId} follows the one before`);
        assert.equal(timeline[i]!.depth, timeline[i - 1]!.depth + 1);
      }
      assert.deepEqual(h.store.read((tx) => h.store.extremities.get(tx, roomId)), [timeline.at(-1)!.eventId]);
    }
  });
});

test('canonical alias state: local aliases must point to the room (M_BAD_ALIAS), malformed ones are M_INVALID_PARAM', async () => {
  await withHarness(async (h) => {
    const a = await h.rooms.createRoom(alice, { room_alias_name: 'first' });
    const b = await h.rooms.createRoom(alice, { room_alias_name: 'second' });
    await rejects(h.rooms.setState(alice, a.room_id, 'm.room.canonical_alias', '', { alias: `#second:${SERVER}` }), 'M_BAD_ALIAS');
    await rejects(h.rooms.setState(alice, a.room_id, 'm.room.canonical_alias', '', { alias: `#first:${SERVER}`, alt_aliases: ['nope'] }), 'M_INVALID_PARAM');
    await rejects(h.rooms.setState(alice, a.room_id, 'm.room.canonical_alias', '', { alt_aliases: [`#unknown:${SERVER}`] }), 'M_BAD_ALIAS');
    await h.rooms.setState(alice, a.room_id, 'm.room.canonical_alias', '', { alias: `#first:${SERVER}`, alt_aliases: ['#elsewhere:remote.example'] });
    assert.deepEqual(stateContent(h, a.room_id, 'm.room.canonical_alias')!.alt_aliases, ['#elsewhere:remote.example']);
    await h.rooms.setState(alice, b.room_id, 'm.room.canonical_alias', '', {});
  });
});
