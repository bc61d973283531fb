// wrk (the C HTTP benchmarking tool, Debian package "wrk") as a load
// generator, when it is installed: on a 2-core machine it costs the fewest CPU
// cycles per request, so the server gets the most of the other core, and one
// round trip costs it ~15 µs instead of the ~0.3–0.6 ms a Node client pays for
// waking up. The throughput cases replay a fixed list of requests in rotation
// (wrkScript); the sequential cases use the scripts of ./wrk-scripts.ts
// (unique transaction ids, or an exact list served once in order). Its latency
// percentiles stand in for the per-request latencies our own generator records.
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LatencyRecord, Target } from '../suite.js';
import { ServerSampler } from './server-sampler.js';

export interface WrkRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A prepared request of our client, for wrk. */
export function wrkRequestOf(req: { method: string; parts: { path: string; headers: Readonly<Record<string, string>>; body?: string } }): WrkRequest {
  return { method: req.method, path: req.parts.path, headers: req.parts.headers, ...(req.parts.body !== undefined ? { body: req.parts.body } : {}) };
}

/** wrk's path: MYELIN_BENCH_WRK (empty: never use wrk), else the first `wrk` on PATH. */
export function findWrk(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MYELIN_BENCH_WRK !== undefined) return env.MYELIN_BENCH_WRK || undefined;
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (!dir) continue;
    const file = path.join(dir, 'wrk');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch { /* next */ }
  }
  return undefined;
}

/** wrk's version line, e.g. "wrk debian/4.1.0-3+b2 [epoll]" */
export function wrkVersion(wrk: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(wrk, ['--version'], { timeout: 5000 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`.split('\n')[0]!.replace(/\s+Copyright.*$/, '').trim()));
  });
}

/**
 * A Lua string literal holding exactly these bytes (UTF-8 for strings): printable
 * ASCII as is, `"` and `\\` escaped, newlines as \\n and \\r, every other byte
 * (control characters, UTF-8 of non-ASCII text) as a three-digit \\ddd escape, so
 * nothing depends on the file's encoding and a digit after an escape stays a digit.
 */
export function luaString(s: string | Buffer): string {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  let out = '"';
  let run = 0; // start of the current run of bytes copied as they are
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) continue;
    out += bytes.toString('latin1', run, i);
    out += b === 0x0a ? '\\n' : b === 0x0d ? '\\r' : b === 0x22 ? '\\"' : b === 0x5c ? '\\\\' : `\\${String(b).padStart(3, '0')}`;
    run = i + 1;
  }
  return out + bytes.toString('latin1', run) + '"';
}

/**
 * done(): one line, `MYELIN_WRK {json}`, with wrk's summary, 1,001 latency
 * percentiles and, for scripts that keep them (./wrk-scripts.ts), the first
 * thread's own counts (requests sent, answers, non-2xx answers, the first
 * of them, the elapsed time between the first request and the last answer,
 * whether the script ended the run itself).
 */
export const LUA_DONE = `local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
local function json_string(s)
  return '"' .. (string.gsub(tostring(s), '[%c"\\\\]', function(c) return string.format('\\\\u%04x', string.byte(c)) end)) .. '"'
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('MYELIN_WRK {"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
  local t = threads[1]
  if t and t:get("myelin_sent") ~= nil then
    io.write(string.format('"sent":%d,"answered":%d,"bad":%d,"firstBad":%s,"elapsedUs":%d,"finished":%s,',
      t:get("myelin_sent"), t:get("myelin_answered"), t:get("myelin_bad"), json_string(t:get("myelin_first_bad")), t:get("myelin_elapsed_us"),
      t:get("myelin_finished") == 1 and "true" or "false"))
  end
  io.write('"quantilesUs":[')
  for p = 0, 999 do
    io.write(string.format('%d,', latency:percentile(p / 10)))
  end
  io.write(string.format('%d]}\\n', latency.max))
end
`;

/** The Lua script: requests pre-formatted once, served in rotation; done() prints a JSON summary. */
export function wrkScript(requests: readonly WrkRequest[]): string {
  if (requests.length === 0) throw new Error('wrk needs at least one request');
  const reqs = requests.map((r) => {
    const headers = Object.entries(r.headers ?? {}).map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`).join(', ');
    return `  wrk.format(${luaString(r.method)}, ${luaString(r.path)}, { ${headers} }${r.body !== undefined ? `, ${luaString(r.body)}` : ''}),`;
  });
  return `-- generated by myelin bench
local reqs
local i = 0
init = function(args)
  reqs = {
${reqs.join('\n')}
  }
  -- threads start at different places in the rotation
  i = math.random(#reqs) - 1
end
request = function()
  i = i + 1
  return reqs[(i % #reqs) + 1]
end
${LUA_DONE}`;
}

export interface WrkSummary {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  quantilesUs: number[];
  /** scripts of ./wrk-scripts.ts: requests handed to wrk, answers seen, answers not 2xx */
  sent?: number;
  answered?: number;
  bad?: number;
  /** "<answer number> <status> <body>" of the first non-2xx answer, or "" */
  firstBad?: string;
  /** first request to last answer (µs, CLOCK_MONOTONIC through LuaJIT's ffi); -1 when unknown */
  elapsedUs?: number;
  /** the script stopped the run itself (on an answer), not wrk's -d nor an interrupt */
  finished?: boolean;
}

/** Parses wrk's output (our done() line) and the shell's `times` (CPU of wrk). */
export function parseWrkOutput(stdout: string): { summary: WrkSummary; cpuNs: number | undefined } {
  const line = stdout.split('\n').find((l) => l.startsWith('MYELIN_WRK '));
  if (!line) throw new Error(`wrk printed no summary: ${stdout.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
  const summary = JSON.parse(line.slice('MYELIN_WRK '.length)) as WrkSummary;
  // `times` prints two lines, the shell's then its children's: "0m0.150s 0m1.240s"
  const times = stdout.split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l.trim()));
  const secs = (t: string) => { const m = /^(\d+)m([\d.]+)s$/.exec(t)!; return Number(m[1]) * 60 + Number(m[2]); };
  const children = times[1]?.trim().split(' ');
  return { summary, cpuNs: children ? Math.round((secs(children[0]!) + secs(children[1]!)) * 1e9) : undefined };
}

/** A script's line saying it has answered its last request: wrk is then stopped at once. */
export const FINISHED_MARKER = 'MYELIN_WRK_FINISHED';

export interface WrkRun {
  readonly wrk: string;
  readonly url: string;
  readonly script: string;
  readonly connections: number;
  readonly threads?: number;
  /** wrk's -d: the run's length, or for scripts that finish by themselves, its time cap */
  readonly durationSeconds: number;
  readonly signal?: AbortSignal;
}

/**
 * Runs wrk with a script; resolves with its output (and the shell's `times`).
 * wrk's main thread sleeps for the whole -d even when every thread has
 * stopped (wrk.thread:stop()), and wakes only on SIGINT; so when a script
 * prints FINISHED_MARKER, wrk is sent SIGINT (repeated until it exits: a
 * signal that lands before its sleep begins is otherwise lost).
 */
export async function execWrk(o: WrkRun): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'myelin-wrk-'));
  const script = path.join(dir, 'requests.lua');
  writeFileSync(script, o.script);
  const base = new URL(o.url);
  const threads = o.threads ?? 1;
  const args = ['-t', String(threads), '-c', String(Math.max(o.connections, threads)), '-d', `${Math.max(1, Math.ceil(o.durationSeconds))}s`, '--timeout', '10s', '-s', script, base.origin + base.pathname];
  try {
    // through sh for `times`: wrk's own CPU time, which it does not report. wrk runs
    // in the background so its PID is known (SIGINT goes to wrk, not to the shell)
    const shell = 'trap "" INT; "$0" "$@" & pid=$!; echo "MYELIN_WRK_PID $pid"; wait $pid; code=$?; times; exit $code';
    return await new Promise<string>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', shell, o.wrk, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '', err = '';
      let pid: number | undefined;
      let interrupting: NodeJS.Timeout | undefined;
      const signal = (name: NodeJS.Signals) => { try { if (pid) process.kill(pid, name); } catch { /* gone */ } };
      const interrupt = () => {
        if (interrupting) return;
        signal('SIGINT'); // wrk prints its summary on SIGINT too
        interrupting = setInterval(() => signal('SIGINT'), 100);
      };
      child.stdout.on('data', (d) => {
        out += d;
        if (pid === undefined) { const m = /^MYELIN_WRK_PID (\d+)$/m.exec(out); if (m) pid = Number(m[1]); }
        if (out.includes(`${FINISHED_MARKER}\n`)) interrupt();
      });
      child.stderr.on('data', (d) => { err += d; });
      o.signal?.addEventListener('abort', interrupt, { once: true });
      const timer = setTimeout(() => { signal('SIGKILL'); child.kill('SIGKILL'); }, (o.durationSeconds + 30) * 1000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (interrupting) clearInterval(interrupting);
        o.signal?.removeEventListener('abort', interrupt);
        if (code !== 0 && !out.includes('MYELIN_WRK ')) reject(new Error(`wrk exited with ${code}: ${(err || out).trim().split('\n').slice(-3).join(' | ')}`));
        else resolve(out + err);
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Throws unless every answer was 2xx and no socket failed (a benchmark of errors is no benchmark). */
export function checkWrkSummary(summary: WrkSummary): void {
  const e = summary.errors;
  if (summary.firstBad) {
    const [n, status, ...body] = summary.firstBad.split(' ');
    throw new Error(`wrk: answer ${n} of ${summary.answered} was ${status}, not 2xx: ${body.join(' ').slice(0, 300)}${status === '429' ? ' (rate limited: lift the target\'s rate limits, or MYELIN_BENCH_WRK= for the own client, which waits and retries)' : ''}`);
  }
  if (e.status > 0) throw new Error(`wrk: ${e.status} of ${summary.requests} answers were not 2xx/3xx`);
  const failed = e.connect + e.read + e.write + e.timeout;
  if (failed > 0) throw new Error(`wrk: socket errors (connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout})`);
  if (summary.requests === 0) throw new Error('wrk completed no request');
}

export interface WrkOptions {
  readonly wrk: string;
  readonly target: Target;
  readonly requests: readonly WrkRequest[];
  readonly connections: number;
  readonly threads?: number;
  readonly durationSeconds: number;
  readonly signal?: AbortSignal;
}

/** One wrk run of a fixed list of requests in rotation; resolves with a record like drive()'s (latencies from wrk's percentiles). */
export function runWrk(arm: string, o: WrkOptions): Promise<LatencyRecord> {
  return runWrkScript(arm, { ...o, script: wrkScript(o.requests) });
}

export interface WrkScriptOptions extends Omit<WrkOptions, 'requests'> {
  readonly script: string;
  /** the script serves this many requests and stops (./wrk-scripts.ts wrkSequenceScript) */
  readonly expect?: number;
}

/**
 * One wrk run of a script; resolves with a record like drive()'s. The
 * scripts of ./wrk-scripts.ts keep counts and end the run themselves, on an
 * answer: such a run must end so (durationSeconds is then only a cap; unless
 * interrupted), with every request sent answered, so the server did exactly
 * the requests counted; its wall time is the script's own (first request to
 * last answer). With `expect`, exactly that many requests are answered.
 */
export async function runWrkScript(arm: string, o: WrkScriptOptions): Promise<LatencyRecord> {
  const sampler = new ServerSampler(o.target.serverPid);
  sampler.begin();
  const t0 = process.hrtime.bigint();
  const stdout = await execWrk({ wrk: o.wrk, url: o.target.url, script: o.script, connections: o.connections, ...(o.threads ? { threads: o.threads } : {}), durationSeconds: o.durationSeconds, ...(o.signal ? { signal: o.signal } : {}) });
  const processNs = Number(process.hrtime.bigint() - t0);
  const server = sampler.end();
  const { summary, cpuNs } = parseWrkOutput(stdout);
  checkWrkSummary(summary);
  const requests = summary.requests;
  const notes = [`wrk ${requests} requests; latencies are wrk's percentiles`];
  let wallNs = summary.durationUs * 1000;
  if (o.expect !== undefined && summary.answered !== undefined && summary.answered < o.expect) {
    if (o.signal?.aborted) notes.push(`interrupted after ${summary.answered} of ${o.expect} requests`);
    else throw new Error(`wrk: only ${summary.answered} of ${o.expect} requests were answered before its time cap of ${o.durationSeconds} s`);
  }
  if (o.expect !== undefined && summary.sent !== undefined && summary.sent > o.expect) throw new Error(`wrk: asked for ${summary.sent} requests of a list of ${o.expect} (a connection was lost and a request skipped?)`);
  if (summary.sent !== undefined && summary.answered !== undefined) {
    if (requests !== summary.answered) throw new Error(`wrk counted ${requests} answers, the script ${summary.answered}`);
    if (!summary.finished) {
      // wrk's -d (or the interrupt) stopped the thread: a request may have been in flight
      if (!o.signal?.aborted) throw new Error(`wrk: the script did not end the run before wrk's time cap of ${o.durationSeconds} s (${summary.sent} sent, ${summary.answered} answered)`);
      if (summary.sent > summary.answered) notes.push(`interrupted with ${summary.sent - summary.answered} request sent but not answered`);
    } else if (summary.sent !== summary.answered) {
      throw new Error(`wrk: the script ended the run with ${summary.sent} requests sent and ${summary.answered} answered`);
    }
    if (summary.elapsedUs !== undefined && summary.elapsedUs >= 0) wallNs = summary.elapsedUs * 1000;
    else notes.push('wall time from wrk\'s own clock, including its start and stop (no LuaJIT ffi clock)');
  }
  return {
    arm,
    // the percentiles of wrk's histogram stand in for per-request latencies (1,001 points)
    latenciesNs: summary.quantilesUs.map((us) => us * 1000),
    requests,
    wallNs,
    bytesPerOp: summary.bytes / requests,
    ...(server ? server : {}),
    note: notes.join('; '),
    extra: {
      concurrency: o.connections, generator: 'wrk',
      ...(cpuNs !== undefined ? { driverCpuPct: Math.round((cpuNs / processNs) * 100), driverCpuNsPerOp: Math.round(cpuNs / requests) } : {}),
    },
  };
}
