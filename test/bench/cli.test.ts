// `myelin bench` as a user runs it: listing, a run writing the table, the JSON
// and the HTML, report regeneration with --compare, bad arguments, and Ctrl-C
// keeping partial results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { repoRoot } from '../../src/bench/machine.js';
import { readResultsFile } from '../../src/bench/results.js';
import { startFakeHomeserver } from './fake-homeserver.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough(), stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (c) => { out += c; });
  stderr.on('data', (c) => { err += c; });
  const code = await main(args, { stdin: new PassThrough(), stdout, stderr });
  return { code, out, err };
}

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'myelin-bench-test-'));
}

test('myelin bench lists the suites with their tier and why some do not fit', async () => {
  const { code, out } = await cli(['bench']);
  assert.equal(code, 0);
  assert.match(out, /micro-canonical-json +micro +canonical JSON/);
  assert.match(out, /macro-send +macro .*\[skipped here: needs --target URL/);
});

test('a run writes the terminal table, a valid results file and the HTML report', async () => {
  const dir = tmp();
  try {
    const { code, out } = await cli(['bench', 'micro-base64', '--quick', '--out', dir]);
    assert.equal(code, 0);
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 2, files.join(','));
    assert.match(files[0]!, /^myelin-bench-\d{8}-\d{6}\.html$/);
    const results = readResultsFile(path.join(dir, files[1]!));
    assert.equal(results.interrupted, false);
    assert.deepEqual(results.selection, ['micro-base64', '--quick', '--out', dir]);
    assert.ok(results.cases.length >= 4);
    assert.ok(results.cases.every((c) => c.suite === 'micro-base64'));
    assert.match(out, /micro-base64 \/ encode 64 B/);
    assert.match(out, /^  Buffer /m);
    const html = readFileSync(path.join(dir, files[0]!), 'utf8');
    assert.ok(html.includes('aria-label="throughput of encode 64 B"'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report mode regenerates the table and HTML from a file; --compare adds ratios', async () => {
  const dir = tmp();
  try {
    const json = path.join(dir, 'a.json');
    assert.equal((await cli(['bench', 'micro-utf16', '--quick', '--json', json, '--no-html'])).code, 0);
    assert.ok(!existsSync(path.join(dir, 'a.html')));
    const r = await cli(['bench', 'report', json, '--compare', json]);
    assert.equal(r.code, 0);
    assert.match(r.out, /geometric mean of ratios: 1\.00×/);
    const html = readFileSync(path.join(dir, 'a.html'), 'utf8');
    assert.ok(html.includes('Compared with another run'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad arguments get clear errors', async () => {
  let r = await cli(['bench', 'no-such-suite']);
  assert.equal(r.code, 1);
  assert.match(r.err, /unknown suite "no-such-suite"; known: all, micro, core, macro/);
  r = await cli(['bench', 'macro', '--target', 'http://203.0.113.9:8008']);
  assert.match(r.err, /must be a loopback address/);
  r = await cli(['bench', 'micro', '--server-pid', '12']);
  assert.match(r.err, /need --target URL/);
  r = await cli(['bench', 'report', path.join(os.tmpdir(), 'does-not-exist.json')]);
  assert.match(r.err, /cannot read/);
});

test('--target drives a homeserver and records it in the results, never the secret', async () => {
  const hs = await startFakeHomeserver({ sharedSecret: 's3cret-value' });
  const dir = tmp();
  try {
    const json = path.join(dir, 'macro.json');
    const r = await cli(['bench', 'macro-send', '--quick', '--target', hs.url, '--shared-secret', 's3cret-value', '--server-pid', String(process.pid), '--json', json]);
    assert.equal(r.code, 0, r.err);
    assert.ok(!readFileSync(json, 'utf8').includes('s3cret-value'));
    assert.ok(!readFileSync(json.replace(/json$/, 'html'), 'utf8').includes('s3cret-value'));
    const results = readResultsFile(json);
    assert.deepEqual(results.target, { url: hs.url, serverPid: process.pid });
    assert.equal(results.cases[0]!.arms[0]!.samplesNs.length, 20);
    assert.ok(results.cases[0]!.arms[0]!.serverRssBytes! > 0, 'the server process was sampled');
    assert.match(r.out, /server RSS/);
  } finally {
    await hs.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C stops the run, keeps the results so far (marked interrupted) and exits 130', async () => {
  const dir = tmp();
  try {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'myelin.js'), 'bench', 'micro', '--quick', '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => {
      err += c;
      // interrupt once the first case of the second suite is under way
      if (err.includes('» micro-base64') && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130, err);
    assert.match(err, /stopping after the current sample/);
    const json = readdirSync(dir).find((f) => f.endsWith('.json'))!;
    const results = readResultsFile(path.join(dir, json));
    assert.equal(results.interrupted, true);
    assert.ok(results.cases.some((c) => c.suite === 'micro-canonical-json'), 'finished suites are kept');
    assert.equal(results.suites.find((s) => s.name === 'micro-ed25519')!.status, 'not-run');
    assert.ok(readdirSync(dir).some((f) => f.endsWith('.html')), 'the report is written too');
    assert.match(out, /run interrupted: partial results/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
