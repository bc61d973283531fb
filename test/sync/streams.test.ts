// Units of the sync streams: tokens (round trip, rejection), the notifier (who is woken,
// timeouts, abort, the waiters gauge) and the typing tracker (positions, expiry).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSyncToken, eventsPositionOf, parseSyncToken, tryParseSyncToken } from '../../src/sync/tokens.js';
import { SyncNotifier } from '../../src/sync/notifier.js';
import { TypingTracker } from '../../src/sync/typing.js';
import { MatrixError } from '../../src/api/errors.js';

describe('sync tokens', () => {
  test('round trip every stream position', () => {
    const t = { events: 12, accountData: 3, receipts: 0, toDevice: 99, typing: 5, presence: 7, deviceLists: 1 };
    const s = encodeSyncToken(t);
    assert.deepEqual(parseSyncToken(s), t);
    assert.equal(eventsPositionOf(s), 12);
  });

  test('anything else is 400 M_INVALID_PARAM', () => {
    for (const bad of ['', 's', 's1_2_3', 's1_2_3_4_5_6_x', 't5', 's1_2_3_4_5_6_7 ', 's9999999999999999_0_0_0_0_0_0', '{"a":1}']) {
      assert.equal(tryParseSyncToken(bad), undefined, bad);
      assert.throws(() => parseSyncToken(bad), (e: unknown) => e instanceof MatrixError && e.status === 400 && e.errcode === 'M_INVALID_PARAM', bad);
    }
  });
});

describe('notifier', () => {
  const ev = (roomId: string, extra: Record<string, string> = {}) => ({ roomId, eventId: '$e', streamPos: 1, sender: '@x:h', type: 'm.room.message', ...extra });

  test('wakes waiters of the room, and the user a membership event is about', async () => {
    const gauge = { value: -1, set(v: number) { this.value = v; } };
    const n = new SyncNotifier(gauge);
    const inRoom = n.listen('@a:h', 'A', ['!r:h']);
    const elsewhere = n.listen('@b:h', 'B', ['!other:h']);
    const invited = n.listen('@c:h', 'C', []);
    assert.equal(gauge.value, 3);
    assert.equal(n.waiterCount, 3);
    n.roomEvent(ev('!r:h'));
    assert.equal(inRoom.fired, true);
    assert.equal(elsewhere.fired, false);
    n.roomEvent(ev('!r:h', { type: 'm.room.member', stateKey: '@c:h' }));
    assert.equal(invited.fired, true);
    assert.equal(elsewhere.fired, false);
    for (const w of [inRoom, elsewhere, invited]) w.close();
    assert.equal(gauge.value, 0);
    assert.equal(n.waiterCount, 0);
  });

  test('a wait ends on a notification, a timeout or an abort', async () => {
    const n = new SyncNotifier();
    const w = n.listen('@a:h', 'A', ['!r:h']);
    const p = w.wait(10_000);
    n.toDeviceChanged('@a:h', 'OTHER');
    assert.equal(w.fired, false, 'another device');
    n.toDeviceChanged('@a:h', 'A');
    await p;
    assert.equal(w.fired, true);
    w.close();

    const t = n.listen('@a:h', 'A', []);
    const started = Date.now();
    await t.wait(50);
    assert.ok(Date.now() - started >= 40);
    assert.equal(t.fired, false);
    t.close();

    const ac = new AbortController();
    const a = n.listen('@a:h', 'A', []);
    const pa = a.wait(10_000, ac.signal);
    ac.abort();
    await pa;
    assert.equal(a.fired, false);
    a.close();
  });

  test('account data, receipts and typing wake the right waiters', () => {
    const n = new SyncNotifier();
    const a = n.listen('@a:h', 'A', ['!r:h']);
    const b = n.listen('@b:h', 'B', ['!s:h']);
    n.accountDataChanged('@b:h');
    assert.deepEqual([a.fired, b.fired], [false, true]);
    n.receiptsChanged('!r:h');
    assert.equal(a.fired, true);
    const c = n.listen('@c:h', 'C', ['!t:h']);
    n.typingChanged('!x:h');
    assert.equal(c.fired, false);
    n.typingChanged('!t:h');
    assert.equal(c.fired, true);
    for (const w of [a, b, c]) w.close();
  });

  test('presence changes form an in-memory stream', () => {
    const n = new SyncNotifier();
    assert.deepEqual(n.presenceSince(0), []);
    n.presenceChanged('@a:h');
    const mid = n.presencePos;
    n.presenceChanged('@b:h');
    assert.deepEqual(n.presenceSince(0).sort(), ['@a:h', '@b:h']);
    assert.deepEqual(n.presenceSince(mid), ['@b:h']);
  });
});

describe('typing tracker', () => {
  test('start, refresh, stop and expiry move the stream only on changes', async () => {
    let now = 1_000_000;
    const changed: string[] = [];
    const t = new TypingTracker({ now: () => now }, (r) => changed.push(r));
    t.set('!r:h', '@a:h', true, 30_000);
    assert.deepEqual(t.typing('!r:h'), ['@a:h']);
    const p1 = t.pos;
    t.set('!r:h', '@a:h', true, 30_000); // refresh: same list
    assert.equal(t.pos, p1);
    assert.equal(t.changedSince('!r:h', p1 - 1), true);
    assert.equal(t.changedSince('!r:h', p1), false);
    now += 31_000; // past the expiry: no longer listed even before the timer runs
    assert.deepEqual(t.typing('!r:h'), []);
    now -= 31_000;
    t.set('!r:h', '@a:h', false);
    assert.ok(t.pos > p1);
    assert.deepEqual(t.typing('!r:h'), []);
    t.set('!r:h', '@a:h', false); // not typing: nothing changes
    assert.deepEqual(changed, ['!r:h', '!r:h']);
    // A token from before a restart (a larger position than ours) reads as "everything".
    t.set('!r:h', '@b:h', true, 20);
    assert.equal(t.changedSince('!r:h', 10_000), true);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(t.typing('!r:h'), []);
    assert.equal(changed.length, 4, 'the expiry announced itself');
    t.close();
  });
});
