// The one answer both adapters give, before the router runs, when a body exceeds the
// server's limit while streaming: 413 M_TOO_LARGE (spec: client-server-api#common-error-codes),
// with the CORS headers every response carries.
import type { HttpResponse } from './types.js';
import { CORS_HEADERS } from './cors.js';

export function tooLargeResponse(maxBodyBytes: number): HttpResponse {
  return {
    status: 413,
    headers: { ...CORS_HEADERS, 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ errcode: 'M_TOO_LARGE', error: `Request body larger than ${maxBodyBytes} bytes` }),
  };
}

/** Content-Length when present and well formed; -1 otherwise. */
export function declaredLength(value: string | undefined): number {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return -1;
  return Number(value.trim());
}
