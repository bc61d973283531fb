// `myelin bench --self`: Myelin started as a child process for the macro
// suites, its idle RSS recorded, then stopped and its temporary store removed;
// start failures and servers that ignore SIGTERM are bounded too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { readResultsFile } from '../../src/bench/results.js';
import { startSelfServer } from '../../src/bench/self-server.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough(), stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (c) => { out += c; });
  stderr.on('data', (c) => { err += c; });
  const code = await main(args, { stdin: new PassThrough(), stdout, stderr });
  return { code, out, err };
}

/** running (a zombie not yet reaped counts as gone) */
function alive(pid: number): boolean {
  try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
}
const benchDirs = () => new Set(readdirSync(os.tmpdir()).filter((f) => f.startsWith('myelin-bench-') && !f.startsWith('myelin-bench-test-')));

test('--self starts Myelin, records its idle RSS, drives a suite, then stops it and removes its store', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'myelin-bench-test-'));
  const before = benchDirs();
  try {
    const json = path.join(dir, 'self.json');
    const r = await cli(['bench', 'macro-idle', 'macro-send', '--self', '--quick', '--json', json, '--no-html']);
    assert.equal(r.code, 0, r.err);
    const results = readResultsFile(json);
    const pid = results.target!.serverPid!;
    assert.ok(pid > 0 && pid !== process.pid);
    assert.match(results.target!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(results.suites.map((s) => [s.name, s.status]), [['macro-idle', 'ran'], ['macro-send', 'ran']]);
    const idle = results.cases.find((c) => c.suite === 'macro-idle')!;
    const rss = idle.arms[0]!.serverRssBytes!;
    assert.ok(rss > 10 * 1024 ** 2 && rss < 2 * 1024 ** 3, `a plausible RSS for a Node server: ${rss}`);
    assert.match(idle.notes!.join(' '), /right after start, before any load \(--self\); issue-5 target ≤ 60 MB: (met|missed)/);
    const send = results.cases.find((c) => c.name === 'PUT send, sequential')!;
    assert.equal(send.arms[0]!.samplesNs.length, 20);
    assert.ok(send.arms[0]!.serverCpuNsPerOp! > 0, 'the child server was sampled');
    assert.ok(results.notes.some((n) => n.startsWith(`--self: Myelin started as a child process (pid ${pid}`)));
    assert.match(r.out, /target: server RSS at rest ≤ 60 MB/);
    assert.match(r.out, /server CPU [\d.]+ (µs|ms)\/req; generator CPU [\d.]+ (µs|ms)\/req/, 'the generator\'s cost is shown beside the server\'s');
    assert.equal(alive(pid), false, 'the server is stopped');
    assert.deepEqual([...benchDirs()].filter((d) => !before.has(d)), [], 'its temporary store is removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--self with no macro suite starts nothing; bad combinations are refused', async () => {
  let r = await cli(['bench', 'macro-send', '--self', '--target', 'http://127.0.0.1:8008']);
  assert.equal(r.code, 1);
  assert.match(r.err, /--self starts its own server/);
  r = await cli(['bench', 'macro-send', '--self-port', '8121']);
  assert.match(r.err, /--self-port goes with --self/);
  r = await cli(['bench', 'macro-send', '--self', '--self-port', 'x']);
  assert.match(r.err, /--self-port must be a port number/);
  const { out } = await cli(['bench']);
  assert.match(out, /macro-send +macro .*\[skipped here: needs --target URL .*or --self\]/);
});

test('a server that fails to start is reported with its output; one ignoring SIGTERM is killed; stores removed', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'myelin-bench-test-'));
  const before = benchDirs();
  try {
    const failing = path.join(dir, 'failing.mjs');
    writeFileSync(failing, "console.error('myelin start: store.path is not writable'); process.exit(2);\n");
    await assert.rejects(startSelfServer({ script: failing, startTimeoutMs: 10_000 }), /exited during start \(code 2\): myelin start: store.path is not writable/);

    const silent = path.join(dir, 'silent.mjs');
    writeFileSync(silent, "setInterval(() => {}, 1000);\n");
    const t0 = performance.now();
    await assert.rejects(startSelfServer({ script: silent, startTimeoutMs: 600, stopTimeoutMs: 2_000 }), /did not answer \/versions within 0.6s/);
    assert.ok(performance.now() - t0 < 5_000);

    const stubborn = path.join(dir, 'stubborn.mjs');
    writeFileSync(stubborn, [
      "import http from 'node:http';",
      "process.on('SIGTERM', () => {});",
      "http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{\"versions\":[]}'); })",
      '  .listen(Number(process.env.MYELIN_LISTEN_PORT), process.env.MYELIN_LISTEN_HOST);',
    ].join('\n'));
    const s = await startSelfServer({ script: stubborn, settleMs: 10, stopTimeoutMs: 300 });
    assert.ok(s.idleRssBytes! > 0);
    assert.ok(alive(s.target.serverPid));
    const stopped = await s.stop();
    assert.deepEqual([stopped.killed, stopped.signal], [true, 'SIGKILL']);
    assert.equal(alive(s.target.serverPid), false);
    assert.equal(existsSync(s.storePath), false);
    assert.deepEqual([...benchDirs()].filter((d) => !before.has(d)), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
