// Client API calls for tests through a test server's inject(): `call` returns the
// answer, `ok` asserts a 200 and returns the JSON body, `fails` asserts a Matrix
// error (status, errcode, a string `error`) and returns its message.
import assert from 'node:assert/strict';
import type { TestServer } from './server.js';
import type { TestUser } from './users.js';

// Response bodies are read field by field in tests; typing each shape would add nothing.
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ApiClient {
  call(user: TestUser | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; text: string }>;
  ok(user: TestUser | undefined, method: string, path: string, body?: unknown): Promise<Json>;
  fails(user: TestUser | undefined, method: string, path: string, body: unknown, status: number, errcode: string): Promise<string>;
}

/** `server` is a getter because test files start their server in `before()`. */
export function apiClient(server: () => Pick<TestServer, 'inject'>): ApiClient {
  const call: ApiClient['call'] = async (user, method, path, body) => {
    const res = await server().inject({ method, path, ...(body !== undefined ? { body: body as object } : {}), ...(user ? { accessToken: user.accessToken } : {}) });
    return { status: res.status, json: res.json as Json, text: res.text };
  };
  return {
    call,
    async ok(user, method, path, body) {
      const r = await call(user, method, path, body);
      assert.equal(r.status, 200, `${method} ${path}: ${r.text}`);
      return r.json;
    },
    async fails(user, method, path, body, status, errcode) {
      const r = await call(user, method, path, body);
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
      assert.equal(r.json.errcode, errcode, r.text);
      assert.equal(typeof r.json.error, 'string');
      return r.json.error as string;
    },
  };
}

/** The same calls over a real socket (fetch): `token` as a Bearer header, bodies as JSON. */
export function wireCall(url: string) {
  return async (method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: Json }> => {
    const res = await fetch(url + path, {
      method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    return { status: res.status, json: await res.json() as Json };
  };
}
