// A tiny in-memory homeserver for testing the macro load driver: just the
// client-server endpoints the macro suites call, on 127.0.0.1, with counters
// so tests can check that the driver did what it reports.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Room { members: Set<string>; events: { id: string; sender: string; body?: string; type: string; pos: number }[] }

export interface FakeHomeserver {
  readonly url: string;
  readonly counts: Map<string, number>;
  readonly users: Map<string, { password: string; displayname?: string }>;
  readonly rooms: Map<string, Room>;
  close(): Promise<void>;
}

export interface FakeOptions {
  /** registration only through the shared-secret admin endpoint */
  readonly sharedSecret?: string;
  /** answer every send with this status (to test error handling) */
  readonly failSends?: number;
  /** answer every n-th send with 429 and retry_after_ms 5 */
  readonly rateLimitEvery?: number;
  /** answer every n-th send 200 but keep nothing (a server losing messages) */
  readonly dropSendEvery?: number;
}

export async function startFakeHomeserver(options: FakeOptions = {}): Promise<FakeHomeserver> {
  const counts = new Map<string, number>();
  const users = new Map<string, { password: string; displayname?: string }>();
  const tokens = new Map<string, string>();
  const rooms = new Map<string, Room>();
  const txns = new Map<string, string>();
  const nonces = new Set<string>();
  const sessions = new Set<string>();
  let pos = 0;
  const count = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  const login = (userId: string) => { const t = randomBytes(12).toString('hex'); tokens.set(t, userId); return { user_id: userId, access_token: t, device_id: 'D' }; };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname;
      let body: Record<string, unknown> = {};
      try { if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString()); } catch { return send(400, { errcode: 'M_NOT_JSON', error: 'bad json' }); }
      const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const me = tokens.get(auth);
      function send(status: number, obj: unknown) { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); }
      const needUser = () => { if (!me) { send(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'who?' }); return false; } return true; };
      let m: RegExpExecArray | null;

      if (p === '/_matrix/client/v3/register' && req.method === 'POST') {
        count('register');
        if (options.sharedSecret) return send(403, { errcode: 'M_FORBIDDEN', error: 'registration is disabled' });
        const a = body.auth as { type?: string; session?: string } | undefined;
        if (!a) { const s = randomBytes(6).toString('hex'); sessions.add(s); return send(401, { flows: [{ stages: ['m.login.dummy'] }], session: s, params: {} }); }
        if (a.type !== 'm.login.dummy' || !a.session || !sessions.has(a.session)) return send(401, { errcode: 'M_FORBIDDEN', flows: [{ stages: ['m.login.dummy'] }] });
        const id = `@${String(body.username)}:fake`;
        if (users.has(id)) return send(400, { errcode: 'M_USER_IN_USE', error: 'taken' });
        users.set(id, { password: String(body.password) });
        return send(200, login(id));
      }
      if (p === '/_synapse/admin/v1/register') {
        count(`admin-register-${req.method}`);
        if (!options.sharedSecret) return send(400, { errcode: 'M_UNKNOWN', error: 'Shared secret registration is not enabled' });
        if (req.method === 'GET') { const n = randomBytes(8).toString('hex'); nonces.add(n); return send(200, { nonce: n }); }
        const nonce = String(body.nonce);
        if (!nonces.delete(nonce)) return send(400, { errcode: 'M_UNKNOWN', error: 'unrecognised nonce' });
        const want = createHmac('sha1', options.sharedSecret).update(`${nonce}\0${String(body.username)}\0${String(body.password)}\0${body.admin ? 'admin' : 'notadmin'}`).digest('hex');
        if (want !== body.mac) return send(403, { errcode: 'M_FORBIDDEN', error: 'HMAC incorrect' });
        const id = `@${String(body.username)}:fake`;
        if (users.has(id)) return send(400, { errcode: 'M_USER_IN_USE', error: 'taken' });
        users.set(id, { password: String(body.password) });
        return send(200, login(id));
      }
      if (p === '/_matrix/client/versions' && req.method === 'GET') {
        count('versions');
        return send(200, { versions: ['v1.11'] });
      }
      if (p === '/_matrix/client/v3/login' && req.method === 'POST') {
        count('login');
        const id = `@${String((body.identifier as { user?: string })?.user)}:fake`;
        if (users.get(id)?.password !== body.password) return send(403, { errcode: 'M_FORBIDDEN', error: 'bad login' });
        return send(200, login(id));
      }
      if ((m = /^\/_matrix\/client\/v3\/profile\/([^/]+)\/displayname$/.exec(p)) && req.method === 'PUT') {
        count('displayname');
        if (!needUser()) return;
        if (decodeURIComponent(m[1]!) !== me) return send(403, { errcode: 'M_FORBIDDEN', error: 'not yours' });
        users.get(me!)!.displayname = String(body.displayname);
        return send(200, {});
      }
      if (p === '/_matrix/client/v3/createRoom' && req.method === 'POST') {
        count('createRoom');
        if (!needUser()) return;
        const id = `!${randomBytes(6).toString('hex')}:fake`;
        rooms.set(id, { members: new Set([me!]), events: [{ id: `$c${++pos}`, sender: me!, type: 'm.room.create', pos }] });
        return send(200, { room_id: id });
      }
      if ((m = /^\/_matrix\/client\/v3\/join\/([^/]+)$/.exec(p)) && req.method === 'POST') {
        count('join');
        if (!needUser()) return;
        const room = rooms.get(decodeURIComponent(m[1]!));
        if (!room) return send(404, { errcode: 'M_NOT_FOUND', error: 'no room' });
        room.members.add(me!);
        room.events.push({ id: `$j${++pos}`, sender: me!, type: 'm.room.member', pos });
        return send(200, { room_id: decodeURIComponent(m[1]!) });
      }
      if ((m = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/([^/]+)\/([^/]+)$/.exec(p)) && req.method === 'PUT') {
        count('send');
        if (!needUser()) return;
        if (options.failSends) return send(options.failSends, { errcode: 'M_UNKNOWN', error: 'sends are broken today' });
        if (options.rateLimitEvery && (counts.get('send')! % options.rateLimitEvery === 0)) { count('send-429'); return send(429, { errcode: 'M_LIMIT_EXCEEDED', error: 'slow down', retry_after_ms: 5 }); }
        const room = rooms.get(decodeURIComponent(m[1]!));
        if (!room?.members.has(me!)) return send(403, { errcode: 'M_FORBIDDEN', error: 'not in room' });
        const key = `${me} ${m[3]}`;
        const known = txns.get(key);
        if (known) return send(200, { event_id: known });
        const id = `$e${++pos}`;
        if (options.dropSendEvery && counts.get('send')! % options.dropSendEvery === 0) return send(200, { event_id: id });
        room.events.push({ id, sender: me!, type: decodeURIComponent(m[2]!), body: String(body.body), pos });
        txns.set(key, id);
        return send(200, { event_id: id });
      }
      if (p === '/_matrix/client/v3/sync' && req.method === 'GET') {
        count(url.searchParams.has('since') ? 'sync-incremental' : 'sync-initial');
        if (!needUser()) return;
        const since = Number((url.searchParams.get('since') ?? 's0').slice(1));
        const join: Record<string, unknown> = {};
        for (const [id, r] of rooms) if (r.members.has(me!)) join[id] = { timeline: { events: r.events.filter((e) => e.pos > since).slice(-20) } };
        return send(200, { next_batch: `s${pos}`, rooms: { join } });
      }
      if ((m = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/messages$/.exec(p)) && req.method === 'GET') {
        count('messages');
        if (!needUser()) return;
        const room = rooms.get(decodeURIComponent(m[1]!));
        if (!room?.members.has(me!)) return send(403, { errcode: 'M_FORBIDDEN', error: 'not in room' });
        const limit = Number(url.searchParams.get('limit') ?? 10);
        const from = url.searchParams.has('from') ? Number(url.searchParams.get('from')!.slice(1)) : room.events.length;
        // events shaped as the client API returns them (the replay check reads sender, type, content.body)
        const chunk = room.events.slice(Math.max(0, from - limit), from).reverse()
          .map((e) => ({ event_id: e.id, sender: e.sender, type: e.type, content: e.body !== undefined ? { msgtype: 'm.text', body: e.body } : {} }));
        const end = Math.max(0, from - limit);
        return send(200, { chunk, start: `t${from}`, ...(chunk.length ? { end: `t${end}` } : {}) });
      }
      count('unknown');
      send(404, { errcode: 'M_UNRECOGNIZED', error: `${req.method} ${p}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts, users, rooms,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
