// Pagination tokens and the /messages RoomEventFilter, as clients hand them to us.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePaginationToken, encodePaginationToken, tryDecodePaginationToken } from '../../src/rooms/read/pagination-token.js';
import { filterAllows, parseRoomEventFilter } from '../../src/rooms/read/filter.js';
import { MatrixError } from '../../src/api/errors.js';

test('tokens round-trip and /sync tokens name their events position', () => {
  for (const pos of [0, 1, 42, 2 ** 40]) assert.equal(decodePaginationToken(encodePaginationToken(pos)), pos);
  assert.equal(tryDecodePaginationToken('s17_1_2_3_4_5_6'), 17);
});

test('anything else is 400 M_INVALID_PARAM naming the parameter', () => {
  for (const bad of ['', 't', 't-1', 'tx', 't1.5', 's1_2', 's1_2_3_4_5_6_7_8', 'T5', 't9999999999999999', ' t1']) {
    assert.equal(tryDecodePaginationToken(bad), undefined, bad);
    assert.throws(() => decodePaginationToken(bad, 'to'), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM' && e.status === 400 && /to/.test(e.message));
  }
});

test('filter: types with wildcards, not_types win, senders, contains_url', () => {
  const f = parseRoomEventFilter(JSON.stringify({ types: ['m.room.*'], not_types: ['m.room.member'], not_senders: ['@x:a'] }));
  assert.equal(filterAllows(f, 'm.room.message', '@a:a'), true);
  assert.equal(filterAllows(f, 'm.room.member', '@a:a'), false);
  assert.equal(filterAllows(f, 'm.reaction', '@a:a'), false);
  assert.equal(filterAllows(f, 'm.room.message', '@x:a'), false);
  const dot = parseRoomEventFilter(JSON.stringify({ types: ['m.room.message'] }));
  assert.equal(filterAllows(dot, 'm_room_message', '@a:a'), false, 'dots are literal');
  const urls = parseRoomEventFilter(JSON.stringify({ contains_url: true }));
  assert.equal(filterAllows(urls, 'm.room.message', '@a:a', () => ({ url: 'mxc://a/b' })), true);
  assert.equal(filterAllows(urls, 'm.room.message', '@a:a', () => ({ body: 'x' })), false);
  assert.equal(parseRoomEventFilter(null).lazyLoadMembers, false);
  assert.equal(parseRoomEventFilter('{"lazy_load_members":true}').lazyLoadMembers, true);
});

test('filter: not JSON is 400 M_NOT_JSON, not an object M_BAD_JSON, bad fields M_INVALID_PARAM', () => {
  const cases: [string, string][] = [
    ['{', 'M_NOT_JSON'], ['{nope}', 'M_NOT_JSON'], ['[]', 'M_BAD_JSON'], ['"x"', 'M_BAD_JSON'], ['null', 'M_BAD_JSON'],
    ['{"types":"m.room.message"}', 'M_INVALID_PARAM'], ['{"senders":[1]}', 'M_INVALID_PARAM'],
    ['{"contains_url":"yes"}', 'M_INVALID_PARAM'], ['{"limit":0}', 'M_INVALID_PARAM'],
  ];
  for (const [bad, errcode] of cases) {
    assert.throws(() => parseRoomEventFilter(bad), (e: unknown) => e instanceof MatrixError && e.status === 400 && e.errcode === errcode, bad);
  }
});
