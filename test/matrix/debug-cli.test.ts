// `myelin debug ...` as a developer uses it: fixture files, single inputs, exit codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { vectorsDir } from './vectors.js';

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const input = new PassThrough();
  input.end(stdin);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => { out += d; });
  stderr.on('data', (d) => { err += d; });
  const code = await main(args, { stdin: input, stdout, stderr });
  return { code, out, err };
}

const rooms = join(vectorsDir, 'rooms');

describe('myelin debug', () => {
  it('fixtures: prints passed/failed per section and exits 0 when all match', async () => {
    const r = await run(['debug', 'fixtures', join(rooms, 'auth-authevents-v10.json'), join(rooms, 'refhash-v4.json'), '--accel', 'js']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /auth-authevents-v10\.json auth: passed 13 failed 0/);
    assert.match(r.out, /refhash-v4\.json reference_hash: passed 31 failed 0/);
  });

  it('fixtures: a wrong expectation is a mismatch and a non-zero exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-debug-'));
    try {
      const fixture = JSON.parse(readFileSync(join(rooms, 'auth-authevents-v10.json'), 'utf8'));
      fixture.auth[0].expected = fixture.auth[0].expected === 'allow' ? 'reject' : 'allow';
      const file = join(dir, 'broken.json');
      writeFileSync(file, JSON.stringify(fixture));
      const r = await run(['debug', 'fixtures', file]);
      assert.equal(r.code, 1);
      assert.match(r.out, /broken\.json auth: passed 12 failed 1/);
      assert.match(r.out, /FAIL #0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fixtures: runs the state_resolution section', async () => {
    const r = await run(['debug', 'fixtures', join(rooms, 'stateres-classic-v10.json')]);
    assert.match(r.out, /stateres-classic-v10\.json state_resolution: (passed 13 failed 0|not available)/);
  });

  it('event-id and redact on one event from stdin', async () => {
    const fixture = JSON.parse(readFileSync(join(rooms, 'refhash-v10.json'), 'utf8'));
    const event = fixture.events[3];
    const id = await run(['debug', 'event-id', '--room-version', '10'], JSON.stringify(event));
    assert.equal(id.code, 0, id.err);
    assert.match(id.out, new RegExp(`^event_id ${event.event_id.replace(/[$]/g, '\\$')}$`, 'm'));
    assert.match(id.out, /content_hash matches/);
    const red = await run(['debug', 'redact', '--room-version', '10'], JSON.stringify({ type: 'm.room.message', content: { body: 'x' }, sender: '@a:b', unsigned: {} }));
    assert.equal(red.out.trim(), '{"content":{},"sender":"@a:b","type":"m.room.message"}');
    const noVersion = await run(['debug', 'redact'], '{}');
    assert.equal(noVersion.code, 2);
    assert.match(noVersion.err, /--room-version/);
  });

  it('check-auth: allow exits 0, reject prints the reason and exits 1', async () => {
    const fixture = JSON.parse(readFileSync(join(rooms, 'auth-authevents-v10.json'), 'utf8'));
    const byId = new Map(fixture.events.map((e: { event_id: string }) => [e.event_id, e]));
    for (const c of fixture.auth.slice(0, 4)) {
      const input = { room_version: '10', event: byId.get(c.event), auth_events: c.auth_state.map((id: string) => byId.get(id)) };
      const r = await run(['debug', 'check-auth'], JSON.stringify(input));
      assert.equal(r.code, c.expected === 'allow' ? 0 : 1, `${c.description}: ${r.out}${r.err}`);
      if (c.expected === 'reject') assert.match(r.out, /^reject \(against its auth events\): ./);
    }
  });

  it('check-auth --case: one fixture case with its verdict and reason', async () => {
    const file = join(rooms, 'auth-v10.json');
    const fixture = JSON.parse(readFileSync(file, 'utf8'));
    const n = fixture.auth.findIndex((c: { expected: string }) => c.expected === 'reject');
    const r = await run(['debug', 'check-auth', file, '--case', String(n)]);
    assert.equal(r.code, 1);
    assert.match(r.out, /^reject: ./m);
    assert.match(r.out, /^expected reject$/m);
  });

  it('resolve-state: a fixture case gives its expected state', async () => {
    const file = join(rooms, 'stateres-classic-v10.json');
    const fixture = JSON.parse(readFileSync(file, 'utf8'));
    const r = await run(['debug', 'resolve-state', file, '--case', '0']);
    assert.equal(r.code, 0, r.err);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows, fixture.state_resolution[0].expected);
  });

  it('unknown tools and bad input are usage errors', async () => {
    assert.equal((await run(['debug', 'nope'])).code, 2);
    const bad = await run(['debug', 'event-id', '--room-version', '10'], 'not json');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /not JSON/);
  });
});
