// Redaction per room version, for what the Synapse 1.67 fixtures cannot show:
// the v11 rules (v12 as v11), from the spec text, and redaction handling.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { roomVersion } from '../../src/matrix/room-versions.js';
import { redactEvent, shouldApplyRedaction } from '../../src/matrix/redaction.js';

const base = {
  event_id: '$e', room_id: '!r:x', sender: '@u:x', state_key: '', hashes: { sha256: 'h' }, signatures: { x: { 'ed25519:1': 's' } },
  depth: 4, prev_events: ['$p'], auth_events: ['$a'], origin_server_ts: 5, origin: 'x', membership: 'join', prev_state: [],
  unsigned: { age: 1 }, extra: 'dropped',
};

for (const k of kernelsUnderTest()) {
  describe(`redaction v11/v12 (${k.path})`, () => {
    for (const id of ['11', '12']) {
      const rules = roomVersion(id)!;
      it(`v${id}: origin, membership and prev_state go; the kept top-level keys stay`, () => {
        const out = redactEvent(rules, { ...base, type: 'm.room.message', content: { body: 'x' } }, k);
        assert.deepEqual(out, {
          event_id: '$e', room_id: '!r:x', sender: '@u:x', state_key: '', hashes: { sha256: 'h' }, signatures: { x: { 'ed25519:1': 's' } },
          depth: 4, prev_events: ['$p'], auth_events: ['$a'], origin_server_ts: 5, type: 'm.room.message', content: {},
        });
      });
      it(`v${id}: content kept per type`, () => {
        const content = (type: string, c: Record<string, unknown>) => redactEvent(rules, { ...base, type, content: c }, k).content;
        assert.deepEqual(content('m.room.create', { creator: '@u:x', room_version: id, 'm.federate': false, predecessor: { room_id: '!o' }, additional_creators: ['@b:y'] }),
          { creator: '@u:x', room_version: id, 'm.federate': false, predecessor: { room_id: '!o' }, additional_creators: ['@b:y'] });
        assert.deepEqual(content('m.room.power_levels', { ban: 1, events: {}, events_default: 2, invite: 3, kick: 4, redact: 5, state_default: 6, users: {}, users_default: 7, notifications: { room: 50 } }),
          { ban: 1, events: {}, events_default: 2, invite: 3, kick: 4, redact: 5, state_default: 6, users: {}, users_default: 7 });
        assert.deepEqual(content('m.room.member', { membership: 'invite', displayname: 'U', join_authorised_via_users_server: '@m:x', third_party_invite: { display_name: 'd', signed: { mxid: '@u:x', token: 't' } } }),
          { membership: 'invite', join_authorised_via_users_server: '@m:x', third_party_invite: { signed: { mxid: '@u:x', token: 't' } } });
        assert.deepEqual(content('m.room.member', { membership: 'invite', third_party_invite: { display_name: 'd' } }), { membership: 'invite', third_party_invite: {} });
        assert.deepEqual(content('m.room.member', { membership: 'invite', third_party_invite: 'odd' }), { membership: 'invite' });
        assert.deepEqual(content('m.room.join_rules', { join_rule: 'restricted', allow: [{ type: 'm.room_membership' }], other: 1 }), { join_rule: 'restricted', allow: [{ type: 'm.room_membership' }] });
        assert.deepEqual(content('m.room.history_visibility', { history_visibility: 'shared', x: 1 }), { history_visibility: 'shared' });
        assert.deepEqual(content('m.room.redaction', { redacts: '$x', reason: 'spam' }), { redacts: '$x' });
        assert.deepEqual(content('m.room.aliases', { aliases: ['#a:x'] }), {});
      });
    }

    it('v10 differs where v11 changed things', () => {
      const v10 = roomVersion('10')!;
      const out = redactEvent(v10, { ...base, type: 'm.room.create', content: { creator: '@u:x', room_version: '10' } }, k);
      assert.deepEqual(out.content, { creator: '@u:x' });
      assert.equal(out.origin, 'x');
      assert.equal(out.membership, 'join');
      assert.deepEqual(redactEvent(v10, { ...base, type: 'm.room.redaction', content: { redacts: '$x' } }, k).content, {});
      assert.deepEqual(redactEvent(v10, { ...base, type: 'm.room.power_levels', content: { invite: 3 } }, k).content, {});
    });
  });
}

describe('handling redactions', () => {
  it('v3+: applied when the redacter has the redact level or shares the original sender\'s server; v1–v2 decided in auth', () => {
    const v3 = roomVersion('3')!;
    assert.equal(shouldApplyRedaction(v3, { sender: '@a:x' }, { sender: '@b:y' }, 0, 50), false);
    assert.equal(shouldApplyRedaction(v3, { sender: '@a:x' }, { sender: '@b:x' }, 0, 50), true);
    assert.equal(shouldApplyRedaction(v3, { sender: '@a:x' }, { sender: '@b:y' }, 50, 50), true);
    assert.equal(shouldApplyRedaction(roomVersion('2')!, { sender: '@a:x' }, { sender: '@b:y' }, 0, 50), true);
  });
});
