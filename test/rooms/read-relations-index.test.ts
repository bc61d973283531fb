// The store's relations index as the room reader uses it: children by relation type in
// stream order, redactions, and only accepted timeline events indexed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import type { PersistEventInput } from '../../src/store/repositories/events.js';
import { relationOf } from '../../src/store/repositories/relations.js';

let dir: string;
let store: Store;
let depth = 0;
let prev: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'myelin-relations-'));
  store = await openStore({ backend: 'lmdb', path: dir });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function persist(id: string, content: Record<string, unknown>, extra: Partial<PersistEventInput> = {}): Promise<void> {
  const input: PersistEventInput = {
    eventId: id, roomId: '!r:example.org', sender: '@a:example.org', type: 'm.room.message',
    depth: ++depth, originServerTs: 1000 + depth, prevEvents: prev, authEvents: [],
    json: Buffer.from(JSON.stringify({ type: 'm.room.message', content })),
    status: 'timeline', stateBefore: { snapshot: 0 },
    ...extra,
  };
  await store.persistEvent(input);
  if (input.status === 'timeline') prev = [id];
}

const rel = (relType: string, eventId: string) => ({ body: 'x', 'm.relates_to': { rel_type: relType, event_id: eventId } });

test('children by type in stream order, all types merged, redactions apart', async () => {
  await persist('$root', { body: 'root' });
  await persist('$e1', rel('m.replace', '$root'));
  await persist('$t1', rel('m.thread', '$root'));
  await persist('$e2', rel('m.replace', '$root'));
  await persist('$reply', { body: 'r', 'm.relates_to': { 'm.in_reply_to': { event_id: '$root' } } });
  await persist('$soft', rel('m.replace', '$root'), { status: 'soft_failed' });
  await persist('$rej', rel('m.replace', '$root'), { status: 'rejected', stateBefore: undefined });
  await persist('$red', {}, { type: 'm.room.redaction', redacts: '$e1' });

  const ids = (xs: { eventId: string }[]) => xs.map((x) => x.eventId);
  const edits = await store.read((tx) => store.relations.children(tx, '$root', { relType: 'm.replace' }));
  assert.deepEqual(ids(edits), ['$e1', '$e2']);
  const all = await store.read((tx) => store.relations.children(tx, '$root'));
  assert.deepEqual(ids(all), ['$e1', '$t1', '$e2']);
  const newest = await store.read((tx) => store.relations.children(tx, '$root', { reverse: true, limit: 2 }));
  assert.deepEqual(ids(newest), ['$e2', '$t1']);
  const bounded = await store.read((tx) => store.relations.children(tx, '$root', { after: edits[0]!.streamPos, before: edits[1]!.streamPos }));
  assert.deepEqual(ids(bounded), ['$t1']);
  assert.deepEqual(await store.read((tx) => store.relations.redactions(tx, '$e1')), ['$red']);
  assert.deepEqual(await store.read((tx) => store.relations.redactions(tx, '$e2')), []);
  assert.deepEqual(await store.read((tx) => store.relations.children(tx, '$unknown')), []);
  // hasChild: one relation of the type is enough; other types, soft-failed events and unknown targets are not.
  assert.equal(await store.read((tx) => store.relations.hasChild(tx, '$root', 'm.thread')), true);
  assert.equal(await store.read((tx) => store.relations.hasChild(tx, '$root', 'm.annotation')), false);
  assert.equal(await store.read((tx) => store.relations.hasChild(tx, '$t1', 'm.thread')), false);
  assert.equal(await store.read((tx) => store.relations.hasChild(tx, '$unknown', 'm.thread')), false);
});

test('relationOf reads m.relates_to only when it names a type and an event', () => {
  const j = (o: unknown) => Buffer.from(JSON.stringify(o));
  assert.deepEqual(relationOf(j({ content: rel('m.annotation', '$x') })), { relType: 'm.annotation', eventId: '$x' });
  assert.equal(relationOf(j({ content: { body: 'no relation' } })), undefined);
  assert.equal(relationOf(j({ content: { 'm.relates_to': { 'm.in_reply_to': { event_id: '$x' } } } })), undefined);
  assert.equal(relationOf(j({ content: { 'm.relates_to': { rel_type: 5, event_id: '$x' } } })), undefined);
  assert.equal(relationOf(Buffer.from('{"content":{"m.relates_to"')), undefined);
});
