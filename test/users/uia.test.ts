// UIA sessions on their own: rounds, completed stages, binding to one operation, expiry.
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import assert from 'node:assert/strict';
import { MatrixError } from '../../src/api/errors.js';
import { UIA_SESSION_TTL_MS, UiaSessions } from '../../src/users/uia.js';
import { passwordHashingFromEnv } from '../../src/users/context.js';
import { localUserIdOf, userIdFor } from '../../src/users/ids.js';

const offer = { flows: [{ stages: ['a.one', 'a.two'] }, { stages: ['b.only'] }], params: { 'a.two': { hint: 'x' } } };

async function rejection(p: Promise<unknown>): Promise<MatrixError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof MatrixError, String(err));
    return err;
  }
  assert.fail('expected a MatrixError');
}

describe('UiaSessions', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'myelin-uia-'));
    store = await openStore({ backend: 'lmdb', path: dir });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const verify = (stage: string, auth: Record<string, unknown>) => {
    if (auth.ok !== true) throw new MatrixError(403, 'M_FORBIDDEN', `bad ${stage}`);
    return stage === 'a.one' ? { userId: '@u:x' } : {};
  };

  it('walks a two-stage flow, reporting completed stages', async () => {
    let now = 1000;
    const uia = new UiaSessions(store, { now: () => now });
    const first = await rejection(uia.check('op', undefined, offer, verify));
    assert.equal(first.status, 401);
    assert.equal(first.errcode, '');
    const body = first.toJSON() as { session: string; flows: unknown; params: unknown; completed?: string[] };
    assert.deepEqual(body.flows, offer.flows);
    assert.deepEqual(body.params, offer.params);
    assert.equal(body.completed, undefined);
    const session = body.session;

    const failed = await rejection(uia.check('op', { type: 'a.one', session, ok: false }, offer, verify));
    assert.equal(failed.status, 401);
    assert.equal(failed.errcode, 'M_FORBIDDEN');
    assert.equal((failed.toJSON() as { session: string }).session, session);

    const half = await rejection(uia.check('op', { type: 'a.one', session, ok: true }, offer, verify));
    assert.deepEqual((half.toJSON() as { completed: string[] }).completed, ['a.one']);
    // a session-only retry reports progress without redoing anything
    const again = await rejection(uia.check('op', { session }, offer, verify));
    assert.deepEqual((again.toJSON() as { completed: string[] }).completed, ['a.one']);

    now += 1000;
    const done = await uia.check('op', { type: 'a.two', session, ok: true }, offer, verify);
    assert.equal(done.userId, '@u:x');
    assert.ok(await store.read((tx) => store.uiaSessions.get(tx, session)), 'kept in the store between rounds');
    await uia.finish(session);
    assert.equal(await store.read((tx) => store.uiaSessions.get(tx, session)), undefined);
  });

  it('binds a session to its operation and expires it', async () => {
    let now = 0;
    const uia = new UiaSessions(store, { now: () => now });
    const first = await rejection(uia.check('delete:A', undefined, offer, verify));
    const session = (first.toJSON() as { session: string }).session;
    const other = await rejection(uia.check('delete:B', { type: 'b.only', session, ok: true }, offer, verify));
    assert.equal(other.status, 403);
    now += UIA_SESSION_TTL_MS + 1;
    const expired = await rejection(uia.check('delete:A', { type: 'b.only', session, ok: true }, offer, verify));
    assert.equal(expired.status, 400);
  });

  it('another instance over the same store continues a session; expired ones are swept', async () => {
    let now = 50_000_000;
    const clock = { now: () => now };
    const a = new UiaSessions(store, clock);
    const b = new UiaSessions(store, clock);
    const first = await rejection(a.check('op2', undefined, offer, verify));
    const session = (first.toJSON() as { session: string }).session;
    const done = await b.check('op2', { type: 'b.only', session, ok: true }, offer, verify);
    assert.equal(done.sessionId, session);
    now += UIA_SESSION_TTL_MS + 1;
    await rejection(a.check('op3', undefined, offer, verify));
    assert.equal(await store.read((tx) => store.uiaSessions.get(tx, session)), undefined, 'swept when a new session starts');
  });

  it('refuses stages not offered and malformed auth', async () => {
    const uia = new UiaSessions(store, { now: () => 0 });
    const e = await rejection(uia.check('op', { type: 'm.login.dummy' }, offer, verify));
    assert.equal(e.status, 401);
    assert.equal(e.errcode, 'M_UNRECOGNIZED');
    assert.equal((await rejection(uia.check('op', { type: 5 } as never, offer, verify))).errcode, 'M_BAD_JSON');
    assert.equal((await rejection(uia.check('op', { session: 5 } as never, offer, verify))).errcode, 'M_BAD_JSON');
  });

  it('a single-stage flow completes in one round with auth but never without', async () => {
    const uia = new UiaSessions(store, { now: () => 0 });
    await rejection(uia.check('op', undefined, { flows: [{ stages: ['m.login.dummy'] }] }, () => ({})));
    const ok = await uia.check('op', { type: 'm.login.dummy' }, { flows: [{ stages: ['m.login.dummy'] }] }, () => ({}));
    assert.equal(typeof ok.sessionId, 'string');
  });
});

describe('user ids', () => {
  it('case-folds usernames and enforces the localpart grammar', () => {
    assert.equal(userIdFor('Alice', 'example.org'), '@alice:example.org');
    assert.equal(userIdFor('a.b_c=d-e/f+g', 'example.org'), '@a.b_c=d-e/f+g:example.org');
    for (const bad of ['', 'has space', 'colon:', '_x', '007', 'ünï']) {
      assert.throws(() => userIdFor(bad, 'example.org'), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_INVALID_USERNAME', bad);
    }
  });

  it('reads login identifiers: localpart or our own full ids only', () => {
    assert.equal(localUserIdOf('Bob', 'example.org'), '@bob:example.org');
    assert.equal(localUserIdOf('@Bob:example.org', 'example.org'), '@bob:example.org');
    assert.equal(localUserIdOf('@bob:other.org', 'example.org'), undefined);
    assert.equal(localUserIdOf('@bob', 'example.org'), undefined);
  });

  it('MYELIN_SCRYPT_LN is bounded', () => {
    assert.equal(passwordHashingFromEnv({ MYELIN_SCRYPT_LN: '10' })?.ln, 10);
    assert.equal(passwordHashingFromEnv({ MYELIN_SCRYPT_LN: '4' }), undefined);
    assert.equal(passwordHashingFromEnv({}), undefined);
  });
});
