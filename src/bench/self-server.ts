// `myelin bench macro --self`: Myelin's own server as a child process for the
// macro suites. A fresh store in a temporary directory, 127.0.0.1 on a free
// port, open registration, no rate limits, warn-level logs; its PID is the
// target's server PID (CPU and RSS sampling) and its RSS is sampled at rest
// right after start. Always bounded in time: start, stop and cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './machine.js';
import { Http1Connection } from './macro/http1.js';
import { sampleProcess } from './macro/server-sampler.js';
import type { Target } from './suite.js';

export interface SelfServerOptions {
  /** listen port; default: a free one chosen by the system */
  readonly port?: number;
  /** how long the server may take to answer /versions (default 60 s) */
  readonly startTimeoutMs?: number;
  /** after SIGTERM, how long before SIGKILL (default 10 s) */
  readonly stopTimeoutMs?: number;
  /** how long the server rests after its first answer before its idle RSS is sampled (default 1 s) */
  readonly settleMs?: number;
  /** extra environment for the server (MYELIN_* overrides) */
  readonly env?: Readonly<Record<string, string>>;
  /** the script to run (default bin/myelin.js of this checkout) */
  readonly script?: string;
}

export interface SelfServer {
  readonly target: Target & { readonly serverPid: number };
  readonly storePath: string;
  /** ms from spawn to the first answer of /versions */
  readonly startMs: number;
  /** RSS after start and settling, before any load */
  readonly idleRssBytes: number | undefined;
  /** SIGTERM, SIGKILL after the timeout, temporary store removed. Safe to call twice. */
  stop(): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

/**
 * Stands in for the --self target while suites are chosen (fits() looks at
 * the target before the server is started); never driven.
 */
export const SELF_PLACEHOLDER: Target = { url: 'http://127.0.0.1', serverPid: process.pid, idleRssBytes: 0 };

/** A port nobody listens on right now (the system picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startSelfServer(options: SelfServerOptions = {}): Promise<SelfServer> {
  const port = options.port ?? await freePort();
  const storePath = mkdtempSync(path.join(os.tmpdir(), 'myelin-bench-'));
  const script = options.script ?? path.join(repoRoot(), 'bin', 'myelin.js');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [script, 'start'], {
    env: {
      ...process.env,
      MYELIN_STORE_PATH: storePath,
      MYELIN_LISTEN_HOST: '127.0.0.1',
      MYELIN_LISTEN_PORT: String(port),
      MYELIN_REGISTRATION_OPEN: 'true',
      MYELIN_RATE_LIMITS_ENABLED: 'false',
      MYELIN_LOGGING_LEVEL: 'warn',
      ...options.env,
    },
    // its own process group: the terminal's Ctrl-C reaches the bench (which
    // stops after the current sample and then stops the server), not the server
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-4000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let stopped: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; killed: boolean }> | undefined;
  // if the bench exits without stopping it (an uncaught error, a second Ctrl-C), the server goes too
  const onExit = () => {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
    try { rmSync(storePath, { recursive: true, force: true }); } catch { /* best effort */ }
  };
  process.on('exit', onExit);

  const stop = (): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; killed: boolean }> => {
    stopped ??= (async () => {
      let killed = false;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = sleep(options.stopTimeoutMs ?? 10_000).then(() => 'timeout' as const);
        if (await Promise.race([exited(child).then(() => 'exited' as const), timer]) === 'timeout') {
          killed = true;
          child.kill('SIGKILL');
          await Promise.race([exited(child), sleep(5_000)]);
        }
      }
      child.stdout!.destroy();
      child.stderr!.destroy();
      process.off('exit', onExit);
      rmSync(storePath, { recursive: true, force: true });
      return { exitCode: child.exitCode, signal: child.signalCode, killed };
    })();
    return stopped;
  };

  try {
    const spawnError = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`could not start ${script}: ${err.message}`))));
    spawnError.catch(() => {});
    await Promise.race([waitUntilAnswering(port, child, options.startTimeoutMs ?? 60_000, () => output), spawnError]);
    const startMs = performance.now() - spawnedAt;
    await sleep(options.settleMs ?? 1000);
    const idleRssBytes = sampleProcess(child.pid!)?.rssBytes;
    return {
      target: { url: `http://127.0.0.1:${port}`, serverPid: child.pid! },
      storePath,
      startMs,
      idleRssBytes,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls GET /_matrix/client/versions until it answers 200, the child exits, or time runs out. */
async function waitUntilAnswering(port: number, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const request = `GET /_matrix/client/versions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;
  let last = 'no answer yet';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited during start (${child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode}): ${output().trim().split('\n').slice(-5).join(' | ') || 'no output'}`);
    }
    if (performance.now() > deadline) throw new Error(`the server did not answer /versions within ${timeoutMs / 1000}s (${last}): ${output().trim().split('\n').slice(-5).join(' | ')}`);
    const c = new Http1Connection({ host: '127.0.0.1', port, timeoutMs: 2_000 });
    try {
      const r = await c.request(request);
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      c.close();
    }
    await sleep(100);
  }
}
