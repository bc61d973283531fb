// `--target URL`: the homeserver macro suites drive. Loopback only, so a
// benchmark never loads someone else's server by mistake.
import { isIP } from 'node:net';
import type { Target } from './suite.js';

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

export function parseTarget(url: string, extra: { sharedSecret?: string; registrationToken?: string; serverPid?: string } = {}): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--target "${url}" is not a URL (e.g. http://127.0.0.1:8008)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--target must be http:// or https://, not ${u.protocol}`);
  if (!isLoopbackHost(u.hostname)) throw new Error(`--target must be a loopback address (127.0.0.1, ::1, localhost): benchmarks run on the same machine as the server, got "${u.hostname}"`);
  let serverPid: number | undefined;
  if (extra.serverPid !== undefined) {
    serverPid = Number(extra.serverPid);
    if (!Number.isInteger(serverPid) || serverPid <= 0) throw new Error(`--server-pid must be a process id, got "${extra.serverPid}"`);
  }
  return {
    url: u.origin + u.pathname.replace(/\/+$/, ''),
    ...(extra.sharedSecret ? { sharedSecret: extra.sharedSecret } : {}),
    ...(extra.registrationToken ? { registrationToken: extra.registrationToken } : {}),
    ...(serverPid !== undefined ? { serverPid } : {}),
  };
}
