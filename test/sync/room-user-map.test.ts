// RoomUserMap (src/sync/room-user-map.ts): values per (room, user), bounded, oldest out first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoomUserMap } from '../../src/sync/room-user-map.js';

describe('RoomUserMap', () => {
  it('keeps one value per (room, user), ids that would collide when joined stay apart', () => {
    const m = new RoomUserMap<number>(10);
    m.set('!a:x', '@u:x', 1);
    m.set('!a:x', '@v:x', 2);
    m.set('!b:x', '@u:x', 3);
    m.set('!a:x', '@u:x', 4);
    m.set('!a\u0000@b', 'c', 5);
    m.set('!a', '@b\u0000c', 6);
    assert.equal(m.get('!a:x', '@u:x'), 4);
    assert.equal(m.get('!a:x', '@v:x'), 2);
    assert.equal(m.get('!b:x', '@u:x'), 3);
    assert.equal(m.get('!b:x', '@v:x'), undefined);
    assert.equal(m.get('!a\u0000@b', 'c'), 5);
    assert.equal(m.get('!a', '@b\u0000c'), 6);
    assert.equal(m.size, 5);
  });

  it('holds at most its bound: the oldest room\'s oldest entry goes first', () => {
    const m = new RoomUserMap<string>(3);
    m.set('!r1', '@a', 'r1a');
    m.set('!r1', '@b', 'r1b');
    m.set('!r2', '@a', 'r2a');
    m.set('!r3', '@a', 'r3a');
    assert.equal(m.size, 3);
    assert.equal(m.get('!r1', '@a'), undefined);
    assert.equal(m.get('!r1', '@b'), 'r1b');
    m.set('!r3', '@b', 'r3b');
    assert.equal(m.get('!r1', '@b'), undefined, 'the emptied room is gone too');
    assert.deepEqual([m.get('!r2', '@a'), m.get('!r3', '@a'), m.get('!r3', '@b')], ['r2a', 'r3a', 'r3b']);
    // Replacing a value does not count as a new entry.
    m.set('!r3', '@b', 'again');
    assert.equal(m.size, 3);
    assert.equal(m.get('!r2', '@a'), 'r2a');
  });
});
