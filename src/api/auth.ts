// Access-token authentication derived from a route's `auth` kind
// (spec: client-server-api#using-access-tokens): the token comes from
// `Authorization: Bearer <token>` or, for older clients, the `access_token` query parameter.
import { missingToken, unknownToken } from './errors.js';
import type { AuthKind, Requester } from './route.js';
import type { HttpRequest } from '../http/types.js';
import type { UserService } from '../users/service.js';

/** The access token the request carries, undefined when none; a malformed header is M_MISSING_TOKEN. */
export function accessTokenOf(req: HttpRequest): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw missingToken('Invalid Authorization header: expected "Bearer <token>"');
    return m[1];
  }
  const q = req.query.get('access_token');
  return q === null || q === '' ? undefined : q;
}

/**
 * The requester for a route of kind `auth`: undefined for 'none' (the token is not even read),
 * and for 'optional_access_token' without a token. A given token that is unknown is always
 * M_UNKNOWN_TOKEN (even on optional routes, as the spec says).
 */
export function authenticate(
  req: HttpRequest, auth: AuthKind, users: UserService, ipOf?: () => string,
): Promise<Requester | undefined> | Requester | undefined {
  if (auth === 'none') return undefined;
  const token = accessTokenOf(req);
  if (token === undefined) {
    if (auth === 'access_token') throw missingToken();
    return undefined;
  }
  // UserService answers synchronously over LMDB: no promise per authenticated request then.
  const found = users.authenticate(token, ipOf);
  return found instanceof Promise ? found.then(known) : known(found);
}

function known(requester: Requester | null): Requester {
  if (!requester) throw unknownToken();
  return requester;
}
